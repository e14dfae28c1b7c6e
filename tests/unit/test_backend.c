// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel/backend.h"

static struct backend_probe kernel(bool kprobe, bool multi, bool fentry)
{
	struct backend_probe bp = { .kprobe = kprobe, .kprobe_multi = multi, .fentry = fentry };

	if (!kprobe)
		strcpy(bp.kprobe_why, "kernel has no kprobes");
	if (!multi)
		strcpy(bp.kprobe_multi_why, kprobe ? "kernel has no kprobe.multi (EOPNOTSUPP)"
						   : "kernel has no kprobes");
	if (!fentry)
		strcpy(bp.fentry_why, "fentry refused (EPERM)");
	return bp;
}

static enum backend pick(struct backend_probe bp, enum backend want, char *why, char *err)
{
	enum backend b = BACKEND_AUTO;

	assert_int_equal(backend__choose(&bp, want, &b, why, 128, err, 128), 0);
	return b;
}

static void test_auto_takes_the_best_and_says_why(void **state)
{
	char why[128], err[128];

	(void)state;
	assert_int_equal(pick(kernel(true, true, true), BACKEND_AUTO, why, err),
			 BACKEND_KPROBE_MULTI);
	assert_int_equal(pick(kernel(true, false, true), BACKEND_AUTO, why, err), BACKEND_KPROBE);
	assert_string_equal(why, "kernel has no kprobe.multi (EOPNOTSUPP)");
	assert_int_equal(pick(kernel(false, false, true), BACKEND_AUTO, why, err), BACKEND_FENTRY);
	assert_string_equal(why, "kernel has no kprobes");
	assert_int_equal(pick(kernel(false, false, false), BACKEND_AUTO, why, err),
			 BACKEND_TRACEPOINT);
	assert_string_equal(why, "kernel has no kprobes; fentry refused (EPERM)");
}

static void test_forced_backend_the_kernel_lacks_is_an_error(void **state)
{
	struct backend_probe bp = kernel(false, false, false);
	char why[128], err[128];
	enum backend b = BACKEND_AUTO;

	(void)state;
	assert_int_equal(
		backend__choose(&bp, BACKEND_FENTRY, &b, why, sizeof(why), err, sizeof(err)), -1);
	assert_string_equal(err, "--backend fentry: fentry refused (EPERM)");
	assert_int_equal(
		backend__choose(&bp, BACKEND_KPROBE, &b, why, sizeof(why), err, sizeof(err)), -1);
	assert_string_equal(err, "--backend kprobe: kernel has no kprobes");
	bp = kernel(true, false, true);
	assert_int_equal(
		backend__choose(&bp, BACKEND_KPROBE_MULTI, &b, why, sizeof(why), err, sizeof(err)),
		-1);
	assert_string_equal(err, "--backend kprobe.multi: kernel has no kprobe.multi (EOPNOTSUPP)");
	/* Tracepoints are always there. */
	assert_int_equal(pick(kernel(false, false, false), BACKEND_TRACEPOINT, why, err),
			 BACKEND_TRACEPOINT);
	assert_int_equal(pick(kernel(true, false, true), BACKEND_KPROBE, why, err), BACKEND_KPROBE);
}

static void test_backend_words(void **state)
{
	enum backend b;

	(void)state;
	assert_int_equal(backend__parse("kprobe-multi", &b), 0);
	assert_int_equal(b, BACKEND_KPROBE_MULTI);
	assert_int_equal(backend__parse("tracepoint", &b), 0);
	assert_int_equal(b, BACKEND_TRACEPOINT);
	assert_int_equal(backend__parse("auto", &b), 0);
	assert_int_equal(b, BACKEND_AUTO);
	assert_int_equal(backend__parse("kprobes", &b), -1);
	assert_int_equal(backend__parse("", &b), -1);
	assert_string_equal(backend__label(BACKEND_KPROBE_MULTI), "kprobe.multi");
	assert_string_equal(backend__label(BACKEND_TRACEPOINT), "tracepoint");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_takes_the_best_and_says_why),
		cmocka_unit_test(test_forced_backend_the_kernel_lacks_is_an_error),
		cmocka_unit_test(test_backend_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

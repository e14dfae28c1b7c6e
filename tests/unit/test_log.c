// SPDX-License-Identifier: GPL-2.0
/* Messages held while the screen is open: kept up to a bound, the rest counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/base/log.h"

static void test_held_messages_are_bounded_and_the_rest_counted(void **state)
{
	char path[] = "/tmp/skbtop-test-log-XXXXXX", line[256], last[256] = "";
	int fd = mkstemp(path), saved = dup(2);
	size_t bytes = 0;
	FILE *f;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	log_hold(true);
	for (int i = 0; i < 100000; i++)
		p_err("netns %d: something went wrong again", i);
	log_hold(false);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "skbtop: netns 0: something went wrong again\n");
	bytes = strlen(line);
	while (fgets(line, sizeof(line), f)) {
		bytes += strlen(line);
		strcpy(last, line);
	}
	fclose(f);
	unlink(path);
	assert_true(bytes < 70000);
	assert_non_null(strstr(last, "skbtop: and "));
	assert_non_null(strstr(last, " more messages while the screen was open"));
}

/* libbpf and others write to stderr themselves: that waits for the screen's end too. */
static void test_writes_to_stderr_not_ours_are_held_too(void **state)
{
	char path[] = "/tmp/skbtop-test-log-XXXXXX", text[256] = "";
	int fd = mkstemp(path), saved = dup(2);

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	log_hold(true);
	fputs("libbpf: a message of its own\n", stderr);
	assert_int_equal(lseek(fd, 0, SEEK_END), 0);
	log_hold(false);
	dup2(saved, 2);
	close(saved);
	assert_true(pread(fd, text, sizeof(text) - 1, 0) > 0);
	close(fd);
	unlink(path);
	assert_string_equal(text, "libbpf: a message of its own\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_messages_are_bounded_and_the_rest_counted),
		cmocka_unit_test(test_writes_to_stderr_not_ours_are_held_too),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

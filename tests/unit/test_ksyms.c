// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/kernel/ksyms.h"

/* Out of address order, as modules come after the kernel's own symbols. */
static const char sample[] = "ffffffffc0001000 t nft_do_chain\t[nf_tables]\n"
			     "ffffffff81000200 T udp_rcv\n"
			     "ffffffff81000100 t ip_rcv_core\n"
			     "ffffffff81000300 D some_data\n"
			     "ffffffff81000400 r a_rodata_symbol\n"
			     "0000000000000000 T hidden_by_kptr_restrict\n"
			     "FFFFFFFF81000500 T upper_case_hex\n"
			     "ffffffff81000600 T bad\x01name\n"
			     "ffffffff81000700 T\n"
			     "ffffffff81000800 T spaced name\n"
			     "ffffffff81000900T glued\n"
			     "not an address T nope\n"
			     "ffffffff81000a00 T last_one";

static struct ksyms *from_text(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "r");
	struct ksyms *k;

	assert_non_null(f);
	k = ksyms__from_file(f);
	fclose(f);
	assert_non_null(k);
	return k;
}

static void assert_sym(struct ksyms *k, uint64_t addr, const char *name, uint64_t off)
{
	uint64_t got = ~0ull;
	const char *s = ksyms__find(k, addr, &got);

	assert_non_null(s);
	assert_string_equal(s, name);
	assert_int_equal(got, off);
}

static void test_text_symbols_sorted_by_address(void **state)
{
	struct ksyms *k = from_text(sample, sizeof(sample) - 1);
	uint64_t off;

	(void)state;
	assert_int_equal(ksyms__wait(k), 0);
	/* ip_rcv_core, udp_rcv, upper_case_hex, spaced, last_one, nft_do_chain */
	assert_int_equal(ksyms__count(k), 6);
	assert_sym(k, 0xffffffff81000100ull, "ip_rcv_core", 0);
	assert_sym(k, 0xffffffff81000210ull, "udp_rcv", 0x10);
	/* data symbols are not where code runs */
	assert_sym(k, 0xffffffff81000310ull, "udp_rcv", 0x110);
	assert_sym(k, 0xffffffff81000501ull, "upper_case_hex", 1);
	/* a name with a control byte is no name: the address goes to the symbol before */
	assert_sym(k, 0xffffffff81000600ull, "upper_case_hex", 0x100);
	/* kallsyms ends a name at a space or a tab: what follows is the module */
	assert_sym(k, 0xffffffff81000800ull, "spaced", 0);
	assert_sym(k, 0xffffffff81000a08ull, "last_one", 8);
	assert_sym(k, 0xffffffffc0001004ull, "nft_do_chain", 4);
	assert_null(ksyms__find(k, 0xffffffff81000000ull, &off));
	assert_null(ksyms__find(k, 0, &off));
	assert_string_equal(ksyms__at(k, 0, &off), "ip_rcv_core");
	assert_int_equal(off, 0xffffffff81000100ull);
	assert_string_equal(ksyms__at(k, 5, &off), "nft_do_chain");
	assert_int_equal(off, 0xffffffffc0001000ull);
	ksyms__free(k);
}

static void test_names_at_the_kernels_limit(void **state)
{
	char text[1200], name[600];
	struct ksyms *k;

	(void)state;
	memset(name, 'a', sizeof(name));
	/* 511 characters: KSYM_NAME_LEN (512) with its NUL; 512 cannot be a kernel's. */
	name[511] = '\0';
	snprintf(text, sizeof(text), "ffffffff81000100 t %s\n", name);
	name[511] = 'a';
	name[512] = '\0';
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "ffffffff81000200 t %s\n", name);
	k = from_text(text, strlen(text));
	assert_int_equal(ksyms__count(k), 1);
	name[511] = '\0';
	assert_sym(k, 0xffffffff81000280ull, name, 0x180);
	ksyms__free(k);
}

static void test_read_on_its_thread_gives_the_same_table(void **state)
{
	char path[] = "/tmp/skbtop-ksyms-XXXXXX";
	int fd = mkstemp(path);
	struct ksyms *k;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sample, sizeof(sample) - 1), (ssize_t)(sizeof(sample) - 1));
	close(fd);
	k = ksyms__read(path);
	assert_non_null(k);
	assert_sym(k, 0xffffffff81000210ull, "udp_rcv", 0x10);
	assert_int_equal(ksyms__wait(k), 0);
	assert_int_equal(ksyms__count(k), 6);
	ksyms__free(k);
	/* freed while the thread may still read */
	ksyms__free(ksyms__read(path));
	unlink(path);
}

static void test_missing_file_is_an_empty_table_and_its_errno(void **state)
{
	struct ksyms *k = ksyms__read("/nonexistent/kallsyms");
	uint64_t off;

	(void)state;
	assert_non_null(k);
	assert_int_equal(ksyms__wait(k), ENOENT);
	assert_int_equal(ksyms__count(k), 0);
	assert_null(ksyms__find(k, 0xffffffff81000100ull, &off));
	ksyms__free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_symbols_sorted_by_address),
		cmocka_unit_test(test_names_at_the_kernels_limit),
		cmocka_unit_test(test_read_on_its_thread_gives_the_same_table),
		cmocka_unit_test(test_missing_file_is_an_empty_table_and_its_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

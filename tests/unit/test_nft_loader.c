// SPDX-License-Identifier: GPL-2.0
/*
 * How the loader picks what to attach on the running kernel: the parameter count of a function
 * in BTF (which of __nft_trace_packet's two signatures) and its exact kallsyms name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/nft/nft_loader.h"

static void test_param_count_from_btf(void **state)
{
	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	/* A vmlinux function every kernel has: int tcp_v4_rcv(struct sk_buff *skb). */
	assert_int_equal(nft_loader__btf_params(NULL, "tcp_v4_rcv"), 1);
	assert_int_equal(nft_loader__btf_params(NULL, "skbtop_no_such_function"), -1);
	assert_int_equal(nft_loader__btf_params("skbtop_no_such_module", "nft_do_chain"), -1);
}

/* 6.1 has (info, chain, type), 6.4 and later (pkt, verdict, rule, info, type). */
static void test_trace_packet_signature_is_one_of_two(void **state)
{
	const char *mod = access("/sys/kernel/btf/nf_tables", R_OK) ? NULL : "nf_tables";
	int n;

	(void)state;
	n = nft_loader__btf_params(mod, "__nft_trace_packet");
	if (n < 0)
		skip();
	assert_true(n == 3 || n == 5);
	assert_int_equal(nft_loader__btf_params(mod, "nft_do_chain"), 2);
}

static void test_ksyms_in_one_read_exact_or_renamed_never_a_longer_name(void **state)
{
	/* A prefix of real names is no symbol of its own. */
	const char *const funcs[] = { "tcp_v4_rcv", "tcp_v4_rc", "skbtop_no_such_function",
				      "udp_rcv" };
	char out[4][NFT_KSYM_LEN];

	(void)state;
	if (nft_loader__ksyms(NULL, funcs, 4, out) != 2)
		skip();
	assert_string_equal(out[0], "tcp_v4_rcv");
	assert_string_equal(out[1], "");
	assert_string_equal(out[2], "");
	assert_string_equal(out[3], "udp_rcv");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_count_from_btf),
		cmocka_unit_test(test_trace_packet_signature_is_one_of_two),
		cmocka_unit_test(test_ksyms_in_one_read_exact_or_renamed_never_a_longer_name),
	};

	return cmocka_run_group_tests_name("nft_loader", tests, NULL, NULL);
}

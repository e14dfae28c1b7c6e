// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <cmocka.h>

#include "core/discover/classify.h"
#include "core/base/config.h"
#include "core/discover/discover.h"

#define DATA	"tests/unit/data/"
#define VMLINUX "/sys/kernel/btf/vmlinux"

static char err[1024];
static struct config cfg;

static int setup(void **state)
{
	(void)state;
	return config__parse(&cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	config__free(&cfg);
	return 0;
}

static const struct skb_func *expect(const struct func_list *l, const char *name, int pos,
				     int depth)
{
	const struct skb_func *f = discover__find(l, name);

	if (!f)
		fail_msg("%s not found", name);
	if (f->param_pos != pos || f->ptr_depth != depth)
		fail_msg("%s: param %d depth %d, want %d %d", name, f->param_pos, f->ptr_depth, pos,
			 depth);
	return f;
}

static void this_kernel_btf_gives_positions_and_depths(void **state)
{
	struct discover_opts opts = { 0 };
	struct func_list l;
	const struct skb_func *f;
	size_t unknown = 0;

	(void)state;
	if (access(VMLINUX, R_OK))
		skip();
	if (discover__run(&l, &opts, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(l.method, FIND_BTF);
	assert_null(l.method_why);
	assert_true(l.n > 1500);
	f = expect(&l, "ip_rcv", 1, 1);
	assert_int_equal(f->method, FIND_BTF);
	assert_null(f->module);
	assert_true(f->btf_id > 0);
	assert_false(f->is_const);
	expect(&l, "fib_validate_source", 1, 1);
	expect(&l, "ip_finish_output2", 3, 1);
	assert_true(expect(&l, "skb_copy", 1, 1)->is_const);
	assert_true(expect(&l, "tcp_ack", 2, 1)->is_const);
	expect(&l, "__netif_receive_skb_core", 1, 2);
	expect(&l, "br_handle_frame", 1, 2);
	for (size_t i = 0; i < l.n; i++) {
		const char *n = l.v[i].name;

		if (!strncmp(n, "__traceiter_", 12) || !strncmp(n, "__probestub_", 12) ||
		    !strncmp(n, "perf_trace_", 11) || !strncmp(n, "trace_event_raw_event_", 22) ||
		    !strncmp(n, "__bpf_trace_", 12))
			fail_msg("tracing plumbing %s listed", n);
		if (l.v[i].prio == PRIO_UNKNOWN)
			unknown++;
		assert_int_equal(l.v[i].layer == cfg.unknown_layer, l.v[i].prio == PRIO_UNKNOWN);
	}
	if (unknown * 5 >= l.n)
		fail_msg("%zu of %zu functions unknown (20%% or more)", unknown, l.n);
	discover__free(&l);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void each_function_is_listed_once_and_in_rank_order(void **state)
{
	struct discover_opts opts = { 0 };
	struct func_list l;
	char **names;

	(void)state;
	if (access(VMLINUX, R_OK))
		skip();
	assert_int_equal(discover__run(&l, &opts, &cfg, err, sizeof(err)), 0);
	names = calloc(l.n, sizeof(*names));
	for (size_t i = 0; i < l.n; i++) {
		names[i] = l.v[i].name;
		if (i && l.v[i - 1].traceable != TRACE_NO && l.v[i].traceable != TRACE_NO)
			assert_true(l.v[i - 1].prio <= l.v[i].prio);
	}
	qsort(names, l.n, sizeof(*names), cmp_name);
	for (size_t i = 1; i < l.n; i++)
		if (!strcmp(names[i - 1], names[i]))
			fail_msg("%s listed twice", names[i]);
	free(names);
	discover__free(&l);
}

/* A module's split BTF on top of vmlinux, as /sys/kernel/btf/<module> holds it. */
static void write_fake_module(const char *path, struct btf *base)
{
	int skb = btf__find_by_name_kind(base, "sk_buff", BTF_KIND_STRUCT);
	struct btf *m = btf__new_empty_split(base);
	int i32, ptr, cptr, ppp, head, proto;
	const void *raw;
	__u32 size;
	FILE *f;

	assert_true(skb > 0);
	assert_non_null(m);
	i32 = btf__add_int(m, "fake_int", 4, BTF_INT_SIGNED);
	ptr = btf__add_ptr(m, skb);
	/* const skb_t *, skb_t a typedef of struct sk_buff */
	cptr = btf__add_ptr(m, btf__add_const(m, btf__add_typedef(m, "fake_skb_t", skb)));
	ppp = btf__add_ptr(m, btf__add_ptr(m, ptr));
	head = btf__add_ptr(m, btf__add_struct(m, "fake_sk_buff_head", 0));

	proto = btf__add_func_proto(m, i32);
	btf__add_func_param(m, "x", i32);
	btf__add_func_param(m, "skb", ptr);
	btf__add_func(m, "fakemod_rcv", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(m, i32);
	for (int k = 0; k < 3; k++)
		btf__add_func_param(m, "x", i32);
	btf__add_func_param(m, "skb", cptr);
	btf__add_func(m, "fakemod_const_peek", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(m, i32);
	for (int k = 0; k < 5; k++)
		btf__add_func_param(m, "x", i32);
	btf__add_func_param(m, "skb", ptr);
	btf__add_func(m, "fakemod_sixth", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(m, i32);
	btf__add_func_param(m, "skb", ppp);
	btf__add_func(m, "fakemod_triple", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(m, i32);
	btf__add_func_param(m, "list", head);
	btf__add_func(m, "fakemod_head", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(m, i32);
	btf__add_func_param(m, "skb", ptr);
	btf__add_func(m, "__traceiter_fakemod", BTF_FUNC_GLOBAL, proto);

	raw = btf__raw_data(m, &size);
	assert_non_null(raw);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
	btf__free(m);
}

static void module_split_btf_is_read_on_top_of_vmlinux(void **state)
{
	char dir[] = "/tmp/skbtop-btf-XXXXXX", path[128], link[128], junk[128];
	struct discover_opts opts = { 0 };
	const struct skb_func *f;
	struct btf *base;
	struct func_list l;
	FILE *jf;

	(void)state;
	if (access(VMLINUX, R_OK))
		skip();
	base = btf__parse(VMLINUX, NULL);
	assert_non_null(base);
	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/vmlinux", dir);
	snprintf(path, sizeof(path), "%s/fakemod", dir);
	snprintf(junk, sizeof(junk), "%s/brokenmod", dir);
	assert_int_equal(symlink(VMLINUX, link), 0);
	write_fake_module(path, base);
	jf = fopen(junk, "w");
	fputs("not BTF at all", jf);
	fclose(jf);
	btf__free(base);

	opts.btf_dir = dir;
	if (discover__run(&l, &opts, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(l.n_modules, 1);
	assert_int_equal(l.n_modules_failed, 1);
	f = expect(&l, "fakemod_rcv", 2, 1);
	assert_string_equal(f->module, "fakemod");
	assert_false(f->is_const);
	f = expect(&l, "fakemod_const_peek", 4, 1);
	assert_true(f->is_const);
	assert_null(discover__find(&l, "fakemod_sixth"));
	assert_null(discover__find(&l, "fakemod_triple"));
	assert_null(discover__find(&l, "fakemod_head"));
	assert_null(discover__find(&l, "__traceiter_fakemod"));
	expect(&l, "ip_rcv", 1, 1);
	discover__free(&l);
	unlink(link);
	unlink(path);
	unlink(junk);
	rmdir(dir);
}

static void kallsyms_fallback_guesses_and_says_so(void **state)
{
	struct discover_opts opts = { .no_btf = true, .kallsyms = DATA "kallsyms_small" };
	const struct skb_func *f;
	struct func_list l;

	(void)state;
	if (discover__run(&l, &opts, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(l.method, FIND_KALLSYMS);
	assert_non_null(l.method_why);
	assert_non_null(strstr(l.method_why, "--no-btf"));
	assert_int_equal(l.n, 4);
	f = discover__find(&l, "ip_rcv");
	assert_non_null(f);
	assert_int_equal(f->method, FIND_KALLSYMS);
	assert_int_equal(f->btf_id, 0);
	assert_non_null(discover__find(&l, "ip_rcv_finish"));
	assert_non_null(discover__find(&l, "kfree_skb_reason"));
	f = discover__find(&l, "nft_do_chain_ipv4");
	assert_non_null(f);
	assert_string_equal(f->module, "nf_tables");
	assert_string_equal(cfg.layers[f->layer].name, "NFT");
	assert_null(discover__find(&l, "schedule"));
	assert_null(discover__find(&l, "skb_counter")); /* data, not text */
	assert_null(discover__find(&l, "__traceiter_kfree_skb"));
	assert_null(discover__find(&l, "trace_raw_output_kfree_skb"));
	assert_null(discover__find(&l, "__pfx_kfree_skb_reason"));   /* padding, not a function */
	assert_null(discover__find(&l, "__SCT__tp_func_kfree_skb")); /* a static call */
	discover__free(&l);
}

static void traceability_follows_the_kernel_lists(void **state)
{
	struct discover_opts opts = { .no_btf = true,
				      .kallsyms = DATA "kallsyms_small",
				      .tracefs = DATA "tracefs",
				      .blacklist = DATA "kprobe_blacklist" };
	struct func_list l;

	(void)state;
	assert_int_equal(discover__run(&l, &opts, &cfg, err, sizeof(err)), 0);
	assert_true(l.traceable_known);
	assert_null(l.traceable_why);
	assert_int_equal(discover__find(&l, "ip_rcv")->traceable, TRACE_YES);
	assert_int_equal(discover__find(&l, "nft_do_chain_ipv4")->traceable, TRACE_YES);
	assert_int_equal(discover__find(&l, "ip_rcv_finish")->traceable, TRACE_NO);
	assert_int_equal(discover__find(&l, "kfree_skb_reason")->traceable, TRACE_NO);
	/* What the kernel refuses sorts last. */
	assert_int_equal(l.v[l.n - 1].traceable, TRACE_NO);
	discover__free(&l);
}

static void ftrace_call_sites_give_each_function_its_entry_address(void **state)
{
	struct discover_opts opts = { .no_btf = true,
				      .kallsyms = DATA "kallsyms_small",
				      .tracefs = DATA "tracefs_addrs",
				      .blacklist = DATA "kprobe_blacklist" };
	struct func_list l;

	(void)state;
	assert_int_equal(discover__run(&l, &opts, &cfg, err, sizeof(err)), 0);
	assert_true(l.traceable_known);
	assert_int_equal(discover__find(&l, "ip_rcv")->traceable, TRACE_YES);
	assert_int_equal(discover__find(&l, "ip_rcv_finish")->traceable, TRACE_NO);
	/* The call site follows an endbr64: the entry is 4 bytes before; the first ip_rcv wins. */
	assert_true(discover__find(&l, "ip_rcv")->addr == 0xffffffff81a00000ULL);
	assert_true(discover__find(&l, "kfree_skb_reason")->addr == 0xffffffff81a00600ULL);
	assert_true(discover__find(&l, "nft_do_chain_ipv4")->addr == 0xffffffffc0100000ULL);
	assert_true(discover__find(&l, "ip_rcv_finish")->addr == 0);
	discover__free(&l);
}

/* Before 6.5 the list has names only; elsewhere a call site off the 16-byte rule is not trusted. */
static void names_only_or_unaligned_call_sites_give_no_address(void **state)
{
	static const char *const dirs[] = { DATA "tracefs", DATA "tracefs_addrs_unaligned" };

	(void)state;
	for (size_t d = 0; d < 2; d++) {
		struct discover_opts opts = { .no_btf = true,
					      .kallsyms = DATA "kallsyms_small",
					      .tracefs = dirs[d],
					      .blacklist = DATA "kprobe_blacklist" };
		struct func_list l;

		assert_int_equal(discover__run(&l, &opts, &cfg, err, sizeof(err)), 0);
		assert_int_equal(discover__find(&l, "ip_rcv")->traceable, TRACE_YES);
		for (size_t i = 0; i < l.n; i++)
			assert_true(l.v[i].addr == 0);
		discover__free(&l);
	}
}

static void unreadable_traceability_is_unknown_not_none(void **state)
{
	struct discover_opts opts = { .no_btf = true,
				      .kallsyms = DATA "kallsyms_small",
				      .tracefs = "/nonexistent/tracing",
				      .blacklist = "/nonexistent/blacklist" };
	struct func_list l;

	(void)state;
	assert_int_equal(discover__run(&l, &opts, &cfg, err, sizeof(err)), 0);
	assert_false(l.traceable_known);
	assert_non_null(l.traceable_why);
	assert_non_null(strstr(l.traceable_why, "/nonexistent/tracing/available_filter_functions"));
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.v[i].traceable, TRACE_UNKNOWN);
	discover__free(&l);
}

static void missing_inputs_get_one_clear_sentence(void **state)
{
	struct discover_opts nobtf = { .btf_dir = "/nonexistent" };
	struct discover_opts nosyms = { .no_btf = true, .kallsyms = "/nonexistent/kallsyms" };
	struct func_list l;

	(void)state;
	assert_int_equal(discover__run(&l, &nobtf, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "no BTF at /nonexistent/vmlinux (No such file or directory): the "
				 "kernel needs CONFIG_DEBUG_INFO_BTF, or use --no-btf");
	assert_int_equal(l.n, 0);
	assert_int_equal(discover__run(&l, &nosyms, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read the kernel symbols in /nonexistent/kallsyms: No such "
				 "file or directory");
}

static void select_keeps_probeable_unexcluded_best_first(void **state)
{
	struct discover_opts opts = { .no_btf = true,
				      .kallsyms = DATA "kallsyms_small",
				      .tracefs = DATA "tracefs",
				      .blacklist = DATA "kprobe_blacklist" };
	const char *text = "trace:\n  exclude: '^nft_'\n";
	const struct skb_func *out[8];
	struct config c2;
	struct func_list l;

	(void)state;
	assert_int_equal(discover__run(&l, &opts, &cfg, err, sizeof(err)), 0);
	/* ip_rcv, nft_do_chain_ipv4: traceable; the other two are refused. */
	assert_int_equal(discover__select(&l, &cfg, PRIO_UNKNOWN, 0, out), 2);
	assert_int_equal(discover__select(&l, &cfg, PRIO_UNKNOWN, 1, out), 1);
	assert_int_equal(
		config__parse(&c2, "x", text, strlen(text), NULL, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(discover__select(&l, &c2, PRIO_UNKNOWN, 0, out), 1);
	assert_string_equal(out[0]->name, "ip_rcv");
	config__free(&c2);
	discover__free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(this_kernel_btf_gives_positions_and_depths),
		cmocka_unit_test(each_function_is_listed_once_and_in_rank_order),
		cmocka_unit_test(module_split_btf_is_read_on_top_of_vmlinux),
		cmocka_unit_test(kallsyms_fallback_guesses_and_says_so),
		cmocka_unit_test(traceability_follows_the_kernel_lists),
		cmocka_unit_test(ftrace_call_sites_give_each_function_its_entry_address),
		cmocka_unit_test(names_only_or_unaligned_call_sites_give_no_address),
		cmocka_unit_test(unreadable_traceability_is_unknown_not_none),
		cmocka_unit_test(missing_inputs_get_one_clear_sentence),
		cmocka_unit_test(select_keeps_probeable_unexcluded_best_first),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

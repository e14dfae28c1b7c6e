// SPDX-License-Identifier: GPL-2.0
/* The filter's options: parsing, configuration fallback, resolution and the one-line summary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/config.h"
#include "core/filter/filter_opts.h"

static void test_mark(void **state)
{
	uint32_t m, k;

	(void)state;
	assert_int_equal(filter_opts__parse_mark("0x10", &m, &k), 0);
	assert_int_equal(m, 0x10);
	assert_int_equal(k, 0xffffffff);
	assert_int_equal(filter_opts__parse_mark("16/0xf0", &m, &k), 0);
	assert_int_equal(m, 16);
	assert_int_equal(k, 0xf0);
	assert_int_equal(filter_opts__parse_mark("0", &m, &k), 0);
	assert_int_equal(k, 0xffffffff);
	assert_int_equal(filter_opts__parse_mark("", &m, &k), -1);
	assert_int_equal(filter_opts__parse_mark("abc", &m, &k), -1);
	assert_int_equal(filter_opts__parse_mark("1/", &m, &k), -1);
	assert_int_equal(filter_opts__parse_mark("-1", &m, &k), -1);
	assert_int_equal(filter_opts__parse_mark("0x100000000", &m, &k), -1);
	/* A mark with bits outside its mask can never match: refused, not silently empty. */
	assert_int_equal(filter_opts__parse_mark("0x11/0x10", &m, &k), -1);
}

static void test_options(void **state)
{
	struct filter_opts o = { 0 };

	(void)state;
	assert_int_equal(filter_opts__option(&o, "filter-netns", "/proc/self/ns/net"), 0);
	assert_string_equal(o.netns, "/proc/self/ns/net");
	assert_int_equal(filter_opts__option(&o, "filter-ifname", "lo"), 0);
	assert_int_equal(filter_opts__option(&o, "filter-mark", "7/7"), 0);
	assert_true(o.has_mark);
	assert_int_equal(filter_opts__option(&o, "filter-func", "^ip_"), 0);
	assert_int_equal(filter_opts__option(&o, "backend", "kprobe"), 1);
	assert_int_equal(filter_opts__option(&o, "filter-ifname", "a/b"), -1);
	assert_int_equal(filter_opts__option(&o, "filter-ifname", "a-name-far-too-long-for-linux"),
			 -1);
	assert_int_equal(filter_opts__option(&o, "filter-netns", ""), -1);
	assert_int_equal(filter_opts__option(&o, "filter-func", ""), -1);
	filter_opts__free(&o);
	assert_null(o.netns);
}

static void test_expression_joins_arguments(void **state)
{
	char *argv[] = { "tcp", "port", "443", "and", "host", "2001:db8::1" };
	struct filter_opts o = { 0 };

	(void)state;
	assert_int_equal(filter_opts__set_expr(&o, 0, argv), 0);
	assert_null(o.expr);
	assert_int_equal(filter_opts__set_expr(&o, 6, argv), 0);
	assert_string_equal(o.expr, "tcp port 443 and host 2001:db8::1");
	filter_opts__free(&o);
}

static void test_config_fills_what_the_command_line_left(void **state)
{
	struct config cfg = { 0 };
	struct filter_opts o = { 0 };

	(void)state;
	cfg.filter_expr = "udp";
	cfg.filter_netns = 4026531840u;
	cfg.filter_ifname = "eth0";
	cfg.filter_mark = 1;
	cfg.filter_mark_mask = 3;
	assert_int_equal(filter_opts__option(&o, "filter-ifname", "lo"), 0);
	assert_int_equal(filter_opts__from_config(&o, &cfg), 0);
	assert_string_equal(o.expr, "udp");
	assert_string_equal(o.netns, "4026531840");
	assert_string_equal(o.ifname, "lo"); /* the command line wins */
	assert_true(o.has_mark);
	assert_int_equal(o.mark_mask, 3);
	filter_opts__free(&o);
}

static void test_resolve(void **state)
{
	struct filter_opts o = { 0 };
	struct skbtop_filter_cfg k;
	struct stat st;

	(void)state;
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	/* An interface pins the namespace it was found in. */
	assert_int_equal(filter_opts__option(&o, "filter-ifname", "lo"), 0);
	assert_int_equal(filter_opts__resolve(&o, &k), 0);
	assert_int_equal(k.ifindex, if_nametoindex("lo"));
	assert_int_equal(k.netns, st.st_ino);
	assert_int_equal(k.mark_mask, 0);
	filter_opts__free(&o);

	assert_int_equal(filter_opts__option(&o, "filter-netns", "/proc/self/ns/net"), 0);
	assert_int_equal(filter_opts__option(&o, "filter-mark", "0x20/0xf0"), 0);
	assert_int_equal(filter_opts__resolve(&o, &k), 0);
	assert_int_equal(k.netns, st.st_ino);
	assert_int_equal(k.ifindex, 0);
	assert_int_equal(k.mark, 0x20);
	assert_int_equal(k.mark_mask, 0xf0);
	filter_opts__free(&o);

	assert_int_equal(filter_opts__option(&o, "filter-ifname", "nosuchif0"), 0);
	assert_int_equal(filter_opts__resolve(&o, &k), -1);
	filter_opts__free(&o);
	assert_int_equal(filter_opts__option(&o, "filter-netns", "/nonexistent/ns"), 0);
	assert_int_equal(filter_opts__resolve(&o, &k), -1);
	filter_opts__free(&o);
	assert_int_equal(filter_opts__option(&o, "filter-netns", "blue"), 0);
	assert_int_equal(filter_opts__resolve(&o, &k), -1);
	filter_opts__free(&o);
}

static void test_compile(void **state)
{
	struct filter_opts o = { 0 };
	struct skbtop_filter_cfg k = { 0 };
	struct pcapfilter pf;

	(void)state;
	assert_int_equal(filter_opts__compile(&o, &pf, &k), 0);
	assert_int_equal(k.pcap, 0);
	o.expr = strdup("  ");
	assert_int_equal(filter_opts__compile(&o, &pf, &k), 0);
	assert_int_equal(k.pcap, 0);
	filter_opts__free(&o);
	o.expr = strdup("udp and dst port 53");
	assert_int_equal(filter_opts__compile(&o, &pf, &k), 0);
	assert_int_equal(k.pcap, 1);
	assert_non_null(pf.insns[PF_COPY]);
	pcapfilter__free(&pf);
	filter_opts__free(&o);
	k.pcap = 0;
	o.expr = strdup("udp and dst prt 53");
	assert_int_equal(filter_opts__compile(&o, &pf, &k), -1);
	assert_int_equal(k.pcap, 0);
	filter_opts__free(&o);
}

static void test_describe(void **state)
{
	struct filter_opts o = { 0 };
	char buf[256];

	(void)state;
	filter_opts__describe(&o, buf, sizeof(buf));
	assert_string_equal(buf, "");
	o.expr = strdup("tcp port 443");
	assert_int_equal(filter_opts__option(&o, "filter-ifname", "veth0"), 0);
	assert_int_equal(filter_opts__option(&o, "filter-mark", "0x1/0x1"), 0);
	filter_opts__describe(&o, buf, sizeof(buf));
	assert_string_equal(buf, "tcp port 443, dev veth0, mark 0x1/0x1");
	filter_opts__describe(&o, buf, 8);
	assert_int_equal(strlen(buf), 7);
	filter_opts__free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mark),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_expression_joins_arguments),
		cmocka_unit_test(test_config_fills_what_the_command_line_left),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

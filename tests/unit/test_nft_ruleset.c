// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/nft/nf_names.h"
#include "core/nft/nft_ruleset.h"

#define NS 4026532000u

/* `nft -a -s list ruleset` as nft 1.0.6 printed it for a namespace of the oracle corpus. */
static const char listing[] =
	"table inet t { # handle 1\n"
	"\tchain c { # handle 1\n"
	"\t\ttype filter hook input priority filter; policy accept;\n"
	"\t\tmeta l4proto tcp counter # handle 3\n"
	"\t\tudp dport 9 jump sub # handle 4\n"
	"\t\tip protocol icmp accept # handle 5\n"
	"\t}\n"
	"\n"
	"\tchain sub { # handle 2\n"
	"\t\tudp dport 9 counter return # handle 6\n"
	"\t}\n"
	"}\n"
	"table ip6 a_table_with_a_really_long_name_x { # handle 3\n"
	"\tset blocked { # handle 3\n"
	"\t\ttype ipv6_addr\n"
	"\t\telements = { fd00::1,\n"
	"\t\t\t     fd00::2 }\n"
	"\t}\n"
	"\n"
	"\tchain in6 { # handle 1\n"
	"\t\ttype filter hook input priority filter + 10; policy drop;\n"
	"\t\tip6 saddr @blocked drop comment \"no { braces } here\" # handle 4\n"
	"\t\tmeta l4proto vmap { tcp : accept, udp : jump u6 } # handle 6\n"
	"\t}\n"
	"\n"
	"\tchain u6 { # handle 2\n"
	"\t\tudp dport 53 accept # handle 7\n"
	"\t}\n"
	"}\n";

static struct nft_ruleset *offline(void)
{
	struct nft_ruleset *rs = nft_ruleset__new("nft");

	assert_non_null(rs);
	nft_ruleset__set_live(rs, false);
	return rs;
}

static void test_rules_found_by_family_table_handle(void **state)
{
	(void)state;
	struct nft_ruleset *rs = offline();

	assert_int_equal(nft_ruleset__parse(rs, NS, listing), 7);
	assert_string_equal(nft_ruleset__text(rs, NS, 1, "t", 4), "udp dport 9 jump sub");
	assert_string_equal(nft_ruleset__text(rs, NS, 1, "t", 6), "udp dport 9 counter return");
	assert_string_equal(nft_ruleset__text(rs, NS, 10, "a_table_with_a_really_long_name_x", 6),
			    "meta l4proto vmap { tcp : accept, udp : jump u6 }");
	nft_ruleset__free(rs);
}

/* Handles repeat across tables (both have a handle 4): the table and family pick the rule. */
static void test_handles_are_per_table(void **state)
{
	(void)state;
	struct nft_ruleset *rs = offline();

	nft_ruleset__parse(rs, NS, listing);
	assert_string_equal(nft_ruleset__text(rs, NS, 10, "a_table_with_a_really_long_name_x", 4),
			    "ip6 saddr @blocked drop comment \"no { braces } here\"");
	assert_string_equal(nft_ruleset__text(rs, NS, 2, "t", 4), NFT_RULE_DELETED);
	nft_ruleset__free(rs);
}

/* The event ABI cuts names at 31 characters; the cut name still finds its table. */
static void test_cut_table_name_matches(void **state)
{
	(void)state;
	struct nft_ruleset *rs = offline();
	char cut[32];

	nft_ruleset__parse(rs, NS, listing);
	memcpy(cut, "a_table_with_a_really_long_name_x", 31);
	cut[31] = 0;
	assert_int_equal(strlen(cut), 31);
	assert_string_equal(nft_ruleset__text(rs, NS, 10, cut, 7), "udp dport 53 accept");
	assert_string_equal(nft_ruleset__text(rs, NS, 10, "a_table", 7), NFT_RULE_DELETED);
	nft_ruleset__free(rs);
}

/* A rule gone from a newer listing is reported deleted, a replaced rule shows its new text. */
static void test_reread_shows_replaced_and_deleted(void **state)
{
	(void)state;
	struct nft_ruleset *rs = offline();
	const char *newer = "table inet t { # handle 1\n"
			    "\tchain c { # handle 1\n"
			    "\t\tmeta l4proto udp counter # handle 3\n"
			    "\t}\n"
			    "}\n";

	nft_ruleset__parse(rs, NS, listing);
	assert_int_equal(nft_ruleset__parse(rs, NS, newer), 1);
	assert_string_equal(nft_ruleset__text(rs, NS, 1, "t", 3), "meta l4proto udp counter");
	assert_string_equal(nft_ruleset__text(rs, NS, 1, "t", 4), NFT_RULE_DELETED);
	nft_ruleset__free(rs);
}

static void test_unread_namespace_is_unknown(void **state)
{
	(void)state;
	struct nft_ruleset *rs = offline();

	nft_ruleset__parse(rs, NS, listing);
	assert_null(nft_ruleset__text(rs, NS + 1, 1, "t", 4));
	assert_int_equal(nft_ruleset__parse(rs, NS + 2, ""), 0);
	assert_string_equal(nft_ruleset__text(rs, NS + 2, 1, "t", 4), NFT_RULE_DELETED);
	nft_ruleset__free(rs);
}

static void test_not_a_listing_is_refused(void **state)
{
	(void)state;
	struct nft_ruleset *rs = offline();

	assert_int_equal(nft_ruleset__parse(rs, NS, "Error: syntax error\n"), -1);
	assert_int_equal(nft_ruleset__parse(rs, NS, "table bogus x {\n}\n"), -1);
	assert_int_equal(nft_ruleset__parse(rs, NS, "table inet x {\n}\n}\n"), -1);
	assert_null(nft_ruleset__text(rs, NS, 1, "t", 4));
	nft_ruleset__free(rs);
}

static void test_family_names(void **state)
{
	(void)state;
	assert_int_equal(nfproto__from_name("ip6"), 10);
	assert_int_equal(nfproto__from_name("inet"), 1);
	assert_int_equal(nfproto__from_name("x"), -1);
	assert_string_equal(nfproto__label(7), "bridge");
	assert_string_equal(nfproto__label(99), "family#99");
}

/*
 * Live, in namespaces no process holds (inodes that are none): each is found gone once its first
 * lookup was worked on and keeps the text read before; past the 32 gone last, the oldest are
 * dropped.
 */
static void test_gone_namespaces_keep_text_then_are_dropped(void **state)
{
	struct nft_ruleset *rs = nft_ruleset__new("nft");
	const uint32_t first = 4000000000u;

	(void)state;
	nft_ruleset__set_live(rs, true);
	for (uint32_t i = 0; i < 40; i++) {
		assert_int_equal(nft_ruleset__parse(rs, first + i, listing), 7);
		assert_string_equal(nft_ruleset__text(rs, first + i, 1, "t", 4),
				    "udp dport 9 jump sub");
	}
	nft_ruleset__wait(rs);
	/* Gone, not searched for again: the text stays as read. */
	assert_string_equal(nft_ruleset__text(rs, first + 39, 1, "t", 5),
			    "ip protocol icmp accept");
	assert_string_equal(nft_ruleset__text(rs, first + 8, 1, "t", 4), "udp dport 9 jump sub");
	/* The 8 gone first are dropped, and not made again by asking. */
	assert_null(nft_ruleset__text(rs, first, 1, "t", 4));
	assert_null(nft_ruleset__text(rs, first + 7, 1, "t", 4));
	assert_null(nft_ruleset__text(rs, first + 7, 1, "t", 4));
	nft_ruleset__free(rs);
}

/* A text handed out stays what it was when the namespace is read again and the rule is gone. */
static void test_text_handed_out_outlives_a_reread(void **state)
{
	struct nft_ruleset *rs = offline();
	const char *before;

	(void)state;
	nft_ruleset__parse(rs, NS, listing);
	before = nft_ruleset__text(rs, NS, 1, "t", 4);
	assert_int_equal(nft_ruleset__parse(rs, NS, "table inet t {\n}\n"), 0);
	assert_string_equal(nft_ruleset__text(rs, NS, 1, "t", 4), NFT_RULE_DELETED);
	assert_string_equal(before, "udp dport 9 jump sub");
	nft_ruleset__free(rs);
}

static int file_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/*
 * Live, in our own namespace, with an nft that answers only once the test lets it: lookups made
 * while it is held answer at once (unknown, nft still running), and the text comes after.
 */
static void test_lookups_do_not_wait_for_a_held_nft(void **state)
{
	char dir[] = "/tmp/test_nft_ruleset.XXXXXX", nft[300], gate[300], started[300];
	struct timespec tick = { 0, 10000000 };
	struct nft_ruleset *rs;
	FILE *f;
	int pid = 0, fd;

	(void)state;
	if (geteuid())
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(nft, sizeof(nft), "%s/nft", dir);
	snprintf(gate, sizeof(gate), "%s/gate", dir);
	snprintf(started, sizeof(started), "%s/started", dir);
	assert_int_equal(mkfifo(gate, 0600), 0);
	f = fopen(nft, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\necho $$ > %s.tmp && mv %s.tmp %s\nread line < %s\ncat <<'E'\n%sE\n",
		started, started, started, gate, listing);
	fclose(f);
	assert_int_equal(chmod(nft, 0755), 0);
	rs = nft_ruleset__new(nft);
	assert_null(nft_ruleset__text(rs, 0, 1, "t", 4));
	for (int i = 0; i < 500 && !(pid = file_pid(started)); i++)
		nanosleep(&tick, NULL);
	assert_true(pid > 0);
	/* nft is held: a lookup answers without it, and it is still running after. */
	assert_null(nft_ruleset__text(rs, 0, 1, "t", 4));
	assert_int_equal(kill(pid, 0), 0);
	fd = open(gate, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "go\n", 3), 3);
	close(fd);
	nft_ruleset__wait(rs);
	assert_string_equal(nft_ruleset__text(rs, 0, 1, "t", 4), "udp dport 9 jump sub");
	nft_ruleset__free(rs);
	unlink(nft);
	unlink(gate);
	unlink(started);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_found_by_family_table_handle),
		cmocka_unit_test(test_handles_are_per_table),
		cmocka_unit_test(test_cut_table_name_matches),
		cmocka_unit_test(test_reread_shows_replaced_and_deleted),
		cmocka_unit_test(test_unread_namespace_is_unknown),
		cmocka_unit_test(test_not_a_listing_is_refused),
		cmocka_unit_test(test_family_names),
		cmocka_unit_test(test_gone_namespaces_keep_text_then_are_dropped),
		cmocka_unit_test(test_text_handed_out_outlives_a_reread),
		cmocka_unit_test(test_lookups_do_not_wait_for_a_held_nft),
	};

	return cmocka_run_group_tests_name("nft_ruleset", tests, NULL, NULL);
}

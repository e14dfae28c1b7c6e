// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/nft/nft_verdict.h"
#include "fixture_store.h"

/* What nft_do_chain returns for a drop on 6.1 before the backport: plain NF_DROP. */
static void test_plain_drop_is_drop(void **state)
{
	(void)state;
	struct nft_vdecoded d = nft_verdict__split(0);

	assert_int_equal(d.kind, NFT_V_DROP);
	assert_int_equal(d.err, 0);
}

/* 6.7+, 6.12, 6.18 and Debian's 6.1.192: (EPERM << 16) | NF_STOLEN after freeing the skb. */
static void test_stolen_with_errno_is_drop(void **state)
{
	(void)state;
	struct nft_vdecoded d = nft_verdict__split(0x10002);

	assert_int_equal(d.kind, NFT_V_DROP);
	assert_int_equal(d.err, 1);
	assert_string_equal(nft_verdict__name(0x10002), "drop");
	assert_int_equal(nft_verdict__decode(0x10002), 0);
}

static void test_plain_stolen_stays_stolen(void **state)
{
	(void)state;
	assert_int_equal(nft_verdict__split(2).kind, NFT_V_STOLEN);
	assert_int_equal(nft_verdict__decode(2), 2);
}

/* NF_DROP_ERR(-EHOSTUNREACH) style drops keep their errno. */
static void test_drop_with_errno(void **state)
{
	(void)state;
	struct nft_vdecoded d = nft_verdict__split(113 << 16);

	assert_int_equal(d.kind, NFT_V_DROP);
	assert_int_equal(d.err, 113);
}

static void test_queue_number_and_bypass(void **state)
{
	(void)state;
	struct nft_vdecoded d = nft_verdict__split((7 << 16) | 0x8000 | 3);

	assert_int_equal(d.kind, NFT_V_QUEUE);
	assert_int_equal(d.queue, 7);
	assert_true(d.queue_bypass);
	assert_string_equal(nft_verdict__name((7 << 16) | 3), "queue");
	assert_int_equal(nft_verdict__decode((7 << 16) | 3), 3);
}

static void test_nft_codes(void **state)
{
	(void)state;
	assert_int_equal(nft_verdict__split(-1).kind, NFT_V_CONTINUE);
	assert_int_equal(nft_verdict__split(-2).kind, NFT_V_BREAK);
	assert_int_equal(nft_verdict__split(-5).kind, NFT_V_RETURN);
	assert_string_equal(nft_verdict__name(-3), "jump");
	assert_string_equal(nft_verdict__name(-4), "goto");
	assert_int_equal(nft_verdict__decode(-4), -4);
}

static void test_unknown_codes_are_named_question_mark(void **state)
{
	(void)state;
	assert_int_equal(nft_verdict__split(9).kind, NFT_V_UNKNOWN);
	assert_string_equal(nft_verdict__name(9), "?");
	assert_string_equal(nft_verdict__name(-9), "?");
	assert_int_equal(nft_verdict__decode(-9), -9);
}

static void test_parse_round_trip_and_finality(void **state)
{
	(void)state;
	for (int32_t code = -5; code <= 5; code++)
		assert_int_equal(nft_verdict__parse(nft_verdict__name(code)), code);
	assert_string_equal(nft_verdict__name(nft_verdict__parse("nonsense")), "?");
	assert_true(nft_vkind__is_final(nft_verdict__split(0x10002).kind));
	assert_false(nft_vkind__is_final(NFT_V_JUMP));
}

/* Table and chain names are anyone's in a traced namespace: a quote must not break the JSON. */
static void test_stats_json_with_quotes_in_names(void **state)
{
	struct config cfg;
	struct names *n = names__new();
	struct store *s;
	struct skbtop_nft_event x;
	char *buf = NULL;
	size_t len = 0;
	json_t *root, *rules;
	json_error_t err;
	FILE *f;

	(void)state;
	fx_config(&cfg);
	fx_names(n);
	s = store__new(16, 64, &cfg, n);
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x100, 100, 7, 0);
	strcpy(x.table, "t\"}x");
	strcpy(x.chain, "c\\\x1b");
	ADD(s, x);
	x = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x100, 200, 0, 0);
	strcpy(x.table, "t\"}x");
	strcpy(x.chain, "c\\\x1b");
	x.ev.hdr.flags = SKBTOP_F_EXIT;
	ADD(s, x);
	f = open_memstream(&buf, &len);
	nft_verdict__stats(f, s, true);
	fclose(f);
	root = json_loads(buf, 0, &err);
	if (!root)
		fail_msg("not JSON (%s): %s", err.text, buf);
	rules = json_object_get(json_object_get(root, "nft_stats"), "verdicts_by_rule");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(rules, "inet t\"}x c\\\x1b #7"), "drop")),
			 1);
	json_decref(root);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	nft_verdict__stats(f, s, false);
	fclose(f);
	assert_non_null(strstr(buf, "inet t\"}x c\\\\x1b #7: drop 1"));
	free(buf);
	store__free(s);
	names__free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_drop_is_drop),
		cmocka_unit_test(test_stolen_with_errno_is_drop),
		cmocka_unit_test(test_plain_stolen_stays_stolen),
		cmocka_unit_test(test_drop_with_errno),
		cmocka_unit_test(test_queue_number_and_bypass),
		cmocka_unit_test(test_nft_codes),
		cmocka_unit_test(test_unknown_codes_are_named_question_mark),
		cmocka_unit_test(test_parse_round_trip_and_finality),
		cmocka_unit_test(test_stats_json_with_quotes_in_names),
	};

	return cmocka_run_group_tests_name("nft_verdict", tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/base/json_util.h"
#include "core/nft/nf_names.h"
#include "core/outputs/stream.h"
#include "core/outputs/stream_hold.h"
#include "fixture_store.h"

struct world {
	struct config cfg;
	struct names *n;
	struct store *s;
	struct stream st;
	char *buf;
	size_t len;
};

static struct world *world_new(enum stream_format fmt)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	fx_config(&w->cfg);
	w->n = names__new();
	fx_names_offline(w->n);
	w->s = store__new(16, 64, &w->cfg, w->n);
	w->st.format = fmt;
	w->st.names = w->n;
	w->st.cfg = &w->cfg;
	w->st.store = w->s;
	return w;
}

/* Feeds one record and returns what the stream printed for it. */
static const char *emit(struct world *w, const void *rec, size_t size)
{
	const struct journey *j = store__add(w->s, rec, size);

	assert_non_null(j);
	free(w->buf);
	w->buf = NULL;
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__event(&w->st, j, rec, size);
	fclose(w->st.f);
	return w->buf;
}

static void world_free(struct world *w)
{
	free(w->buf);
	store__free(w->s);
	names__free(w->n);
	free(w);
}

/* What a hold printed since the last call, one line per event: "FUNC@ts" or "RULE@ts". */
static const char *held_lines(struct world *w, struct stream_hold *h, uint64_t upto)
{
	static char out[256];
	char *line, *save = NULL;
	size_t n = 0;

	free(w->buf);
	w->buf = NULL;
	w->st.f = open_memstream(&w->buf, &w->len);
	stream_hold__flush(h, &w->st, upto);
	fclose(w->st.f);
	out[0] = '\0';
	for (line = strtok_r(w->buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL);

		assert_non_null(o);
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s@%lld", n ? " " : "",
				      json_string_value(json_object_get(o, "type")),
				      (long long)json_integer_value(json_object_get(o, "ts_ns")));
		json_decref(o);
	}
	return out;
}

/* A rule event that joins late, stamped with its chain's entry, prints before the later events. */
static void test_hold_puts_late_rules_in_time_order(void **state)
{
	struct world *w = world_new(STREAM_JSON);
	struct stream_hold *h = stream_hold__new(8);
	struct skbtop_event a = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);
	struct skbtop_event c = fx_ev(SKBTOP_EV_FUNC, 0x100, P_UDP_RCV, 3000);
	struct skbtop_nft_event b = fx_nft(SKBTOP_EV_NFT_RULE, 0x100, 1000, 5, 1);
	const struct journey *j;

	(void)state;
	assert_non_null(h);
	j = store__add(w->s, &a, sizeof(a));
	stream_hold__push(h, &w->st, j, &a, sizeof(a));
	j = store__add(w->s, &c, sizeof(c));
	stream_hold__push(h, &w->st, j, &c, sizeof(c));
	assert_string_equal(held_lines(w, h, 500), "");
	stream_hold__push(h, &w->st, j, &b, sizeof(b));
	assert_string_equal(held_lines(w, h, 2000), "func@1000 nft_rule@1000");
	assert_int_equal(stream_hold__len(h), 1);
	assert_string_equal(held_lines(w, h, UINT64_MAX), "func@3000");
	stream_hold__free(h);
	world_free(w);
}

/* A full hold lets its oldest line out rather than wait or lose one. */
static void test_full_hold_prints_its_oldest(void **state)
{
	struct world *w = world_new(STREAM_JSON);
	struct stream_hold *h = stream_hold__new(2);
	const struct journey *j = NULL;
	char *all = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(h);
	w->st.f = open_memstream(&all, &len);
	for (uint64_t ts = 3000; ts >= 1000; ts -= 1000) {
		struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, ts);

		j = j ? j : store__add(w->s, &e, sizeof(e));
		stream_hold__push(h, &w->st, j, &e, sizeof(e));
	}
	fclose(w->st.f);
	assert_non_null(strstr(all, "\"ts_ns\":2000"));
	assert_int_equal(stream_hold__len(h), 2);
	free(all);
	assert_string_equal(held_lines(w, h, UINT64_MAX), "func@1000 func@3000");
	stream_hold__free(h);
	world_free(w);
}

static void test_text_lines(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);
	const char *line;

	(void)state;
	line = emit(w, &e, sizeof(e));
	assert_non_null(strstr(line, "[   1] FUNC  IPv4  ip_rcv "));
	assert_non_null(strstr(line, "10.0.0.1:5353 → 10.0.0.2:53 udp"));
	assert_non_null(strstr(line, "veth_b"));
	assert_int_equal(line[strlen(line) - 1], '\n');
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);

	e = fx_ev(SKBTOP_EV_DROP, 0x100, TP(KFREE_SKB), 2000);
	e.reason = 2;
	e.aux = 0xffffffff81000010ull;
	line = emit(w, &e, sizeof(e));
	assert_non_null(strstr(line, "[   1] DROP  IPv4  skb:kfree_skb"));
	assert_non_null(strstr(line, "DROP NO_SOCKET at udp_queue_rcv_one_skb+0x10"));

	e = fx_ev(SKBTOP_EV_FUNC, 0x200, P_IPV6_RCV, 3000);
	fx_v6(&e);
	line = emit(w, &e, sizeof(e));
	assert_non_null(strstr(line, "[   2] FUNC  IPv6  ipv6_rcv"));
	assert_non_null(strstr(line, "[fd77::1]:5353 → [fd77::2]:53 udp"));

	e = fx_ev(SKBTOP_EV_CONSUME, 0x200, TP(CONSUME_SKB), 3500);
	fx_v6(&e);
	line = emit(w, &e, sizeof(e));
	assert_non_null(strstr(line, "FREE "));
	assert_non_null(strstr(line, "consumed"));
	world_free(w);
}

/* A transmit the store found made by a flowtable's hook: both formats say the chains were bypassed.
 */
static void test_flowtable_mark(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_DEV_QUEUE_XMIT, 1000);

	(void)state;
	assert_null(strstr(emit(w, &e, sizeof(e)), "flowtable"));
	e.hdr.flags = SKBTOP_F_FLOWTABLE;
	assert_non_null(strstr(emit(w, &e, sizeof(e)), "  flowtable: bypassed chains"));
	w->st.format = STREAM_JSON;
	assert_non_null(strstr(emit(w, &e, sizeof(e)), "\"flowtable\":true"));
	e.hdr.flags = 0;
	assert_null(strstr(emit(w, &e, sizeof(e)), "flowtable"));
	world_free(w);
}

/* The columns are the ones a reader's scripts cut on: widths, padding and escapes byte for byte. */
static void test_text_line_exact_columns(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);

	(void)state;
	assert_string_equal(emit(w, &e, sizeof(e)), "[   1] FUNC  IPv4  ip_rcv                  "
						    "  10.0.0.1:5353 → 10.0.0.2:53 udp  veth_b\n");
	names__set_ifname(w->n, 4026531840u, 1, "ev\x1b[2Jil");
	e = fx_ev(SKBTOP_EV_CLONE, 0x100, P_IP_RCV, 1100);
	e.aux = 0x300;
	assert_string_equal(
		emit(w, &e, sizeof(e)),
		"[   1] CLONE IPv4  ip_rcv                    10.0.0.1:5353 → 10.0.0.2:53 "
		"udp  ev\\x1b[2Jil  clone [2]\n");
	/* A function's name from outside: escaped, and padded as its escaped text is long. */
	names__add_probe(w->n, P_COUNT, "ip\x1b[2J", NULL, 0, PRIO_CRITICAL);
	e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_COUNT, 1200);
	assert_string_equal(emit(w, &e, sizeof(e)),
			    "[   1] FUNC  IPv4  ip\\x1b[2J"
			    "               "
			    "  10.0.0.1:5353 → 10.0.0.2:53 udp  ev\\x1b[2Jil\n");
	world_free(w);
}

static const char *rules(void *ctx, uint32_t netns, uint8_t family, const char *table,
			 uint64_t handle)
{
	(void)ctx, (void)netns, (void)family;
	return !strcmp(table, "filter") && handle == 9 ? "udp dport 9999 drop" : NULL;
}

static void test_text_nft(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_nft_event x = fx_nft(SKBTOP_EV_NFT_RULE, 0x300, 10, 9, 0);
	const char *line;

	(void)state;
	names__add_rule_text(w->n, 4026531840u, 1, "filter", 9, "udp dport 9999 drop");
	line = emit(w, &x, sizeof(x));
	assert_non_null(strstr(line, "RULE "));
	assert_non_null(strstr(line, "inet filter input rule #9 drop  \"udp dport 9999 drop\""));
	x = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x300, 20, 0, 0x10002);
	x.ev.hdr.flags = SKBTOP_F_EXIT;
	line = emit(w, &x, sizeof(x));
	assert_non_null(strstr(line, "inet filter input exit drop"));
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x300, 30, 0, 1);
	x.ev.hdr.flags = SKBTOP_F_POLICY;
	line = emit(w, &x, sizeof(x));
	assert_non_null(strstr(line, "policy accept"));
	world_free(w);
}

/* Table and chain names are anyone's in a traced namespace: the text line shows them escaped. */
static void test_text_nft_names_are_escaped(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_nft_event x = fx_nft(SKBTOP_EV_NFT_RULE, 0x300, 10, 9, 0);

	(void)state;
	strcpy(x.table, "t\x1b[5m");
	strcpy(x.chain, "c\xc2\x9b\x33\x31m"); /* "c", a C1 control, "31m" */
	assert_non_null(strstr(emit(w, &x, sizeof(x)), "inet t\\x1b[5m c\\xc2\\x9b31m rule #9"));
	world_free(w);
}

/* IPv4 text as inet_ntop writes it, for every width of octet; too long for the buffer, none. */
static void test_ipv4_text_is_inet_ntop(void **state)
{
	static const char *const addrs[] = { "0.0.0.0", "255.255.255.255", "10.9.99.100",
					     "1.20.255.0", "192.168.100.1" };
	struct skbtop_tuple t;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], want[INET_ADDRSTRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		memset(&t, 0, sizeof(t));
		t.family = AF_INET;
		inet_pton(AF_INET, addrs[i], &t.saddr.v4);
		inet_pton(AF_INET, addrs[(i + 1) % 5], &t.daddr.v4);
		tuple__addrs(&t, src, dst, sizeof(src));
		assert_string_equal(src, inet_ntop(AF_INET, &t.saddr.v4, want, sizeof(want)));
		assert_string_equal(dst, inet_ntop(AF_INET, &t.daddr.v4, want, sizeof(want)));
	}
	tuple__addrs(&t, src, dst, 13);
	assert_string_equal(src, "");
	assert_string_equal(dst, "0.0.0.0");
	/* ARP: no IP family, its protocol addresses still shown. */
	t.family = 0;
	tuple__addrs(&t, src, dst, sizeof(src));
	assert_string_equal(src, "192.168.100.1");
	assert_string_equal(dst, "0.0.0.0");
}

/* Without ports (ICMP) the endpoints are the bare addresses; with them IPv6's are bracketed. */
static void test_text_tuple_forms(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);

	(void)state;
	e.tuple.l4proto = 1;
	assert_non_null(strstr(emit(w, &e, sizeof(e)), "  10.0.0.1 → 10.0.0.2 icmp  veth_b\n"));
	e.tuple.l4proto = 132;
	e.tuple.sport = 65535;
	e.tuple.dport = 0;
	assert_non_null(strstr(emit(w, &e, sizeof(e)), "  10.0.0.1:65535 → 10.0.0.2:0 sctp  "));
	fx_v6(&e);
	e.tuple.l4proto = 58;
	assert_non_null(strstr(emit(w, &e, sizeof(e)), "  fd77::1 → fd77::2 icmp6  "));
	e.tuple.l4proto = 99;
	assert_non_null(strstr(emit(w, &e, sizeof(e)), "  fd77::1 → fd77::2 99  "));
	world_free(w);
}

/* A chain's entry, a hook's verdict and a rule's jump, byte for byte after the line's tuple. */
static void test_text_nft_exact(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_nft_event x = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x300, 10, 0, 0);
	char rule[700], *want;
	const char *line;

	(void)state;
	x.priority = -150;
	assert_non_null(strstr(emit(w, &x, sizeof(x)),
			       "udp  veth_b  inet filter input hook input prio -150\n"));
	x = fx_nft(SKBTOP_EV_NF_HOOK, 0x300, 20, 0, 1);
	x.family = 2;
	x.hook = 0;
	assert_non_null(strstr(emit(w, &x, sizeof(x)), "udp  veth_b  hook ip prerouting accept\n"));
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x300, 30, 12, -3);
	strcpy(x.target, "tcp\x1b[1m");
	assert_non_null(strstr(emit(w, &x, sizeof(x)),
			       "udp  veth_b  inet filter input rule #12 jump tcp\\x1b[1m\n"));
	/* A rule's text is shown whole, escaped, however long it is. */
	memset(rule, 'a', sizeof(rule) - 1);
	rule[sizeof(rule) - 1] = '\0';
	rule[3] = '\x1b';
	names__add_rule_text(w->n, 4026531840u, 1, "filter", 12, rule);
	line = emit(w, &x, sizeof(x));
	want = strstr(line, "tcp\\x1b[1m  \"aaa\\x1baaa");
	assert_non_null(want);
	assert_int_equal(strlen(want), strlen("tcp\\x1b[1m  \"") + sizeof(rule) - 1 + 3 + 2);
	assert_string_equal(line + strlen(line) - 3, "aa\"\n" + 1);
	world_free(w);
}

static void test_json_lines(void **state)
{
	struct world *w = world_new(STREAM_JSON);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);
	struct skbtop_nft_event x;
	json_error_t err;
	json_t *o;

	(void)state;
	names__set_rule_text(w->n, rules, NULL);
	emit(w, &e, sizeof(e));
	e = fx_ev(SKBTOP_EV_DROP, 0x100, TP(KFREE_SKB), 1250);
	e.reason = 2;
	e.aux = 0xffffffff81000010ull;
	o = json_loads(emit(w, &e, sizeof(e)), 0, &err);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "ts_ns")), 1250);
	assert_int_equal(json_integer_value(json_object_get(o, "t_rel_ns")), 250);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "drop");
	assert_string_equal(json_string_value(json_object_get(o, "func")), "skb:kfree_skb");
	assert_string_equal(json_string_value(json_object_get(o, "layer")), "Skb");
	assert_string_equal(json_string_value(json_object_get(o, "family")), "IPv4");
	assert_string_equal(json_string_value(json_object_get(o, "proto")), "udp");
	assert_string_equal(json_string_value(json_object_get(o, "src")), "10.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(o, "sport")), 5353);
	assert_string_equal(json_string_value(json_object_get(o, "dst")), "10.0.0.2");
	assert_int_equal(json_integer_value(json_object_get(o, "dport")), 53);
	assert_string_equal(json_string_value(json_object_get(o, "ifname")), "veth_b");
	assert_int_equal(json_integer_value(json_object_get(o, "netns")), 4026531840u);
	assert_int_equal(json_integer_value(json_object_get(o, "cpu")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "pid")), 42);
	assert_int_equal(json_integer_value(json_object_get(o, "len")), 84);
	assert_int_equal(json_integer_value(json_object_get(o, "mark")), 7);
	assert_string_equal(json_string_value(json_object_get(o, "reason")), "NO_SOCKET");
	assert_string_equal(json_string_value(json_object_get(o, "location")),
			    "udp_queue_rcv_one_skb+0x10");
	assert_string_equal(json_string_value(json_object_get(o, "fate")), "dropped");
	json_decref(o);

	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x400, 10, 9, 0);
	strcpy(x.table, "fil\"ter");
	o = json_loads(emit(w, &x, sizeof(x)), 0, &err);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "nft_rule");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "nft"), "table")),
			    "fil\"ter");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "nft"), "handle")),
			 9);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(o, "nft"), "verdict")), "drop");
	/* the rule text is looked up by the real table name: this one has none */
	assert_null(json_object_get(json_object_get(o, "nft"), "rule"));
	json_decref(o);
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x400, 11, 9, 0);
	o = json_loads(emit(w, &x, sizeof(x)), 0, &err);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "nft"), "rule")),
			    "udp dport 9999 drop");
	json_decref(o);
	world_free(w);
}

static void test_stats_text_and_json(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);
	json_error_t err;
	json_t *o, *st;

	(void)state;
	emit(w, &e, sizeof(e));
	e = fx_ev(SKBTOP_EV_DROP, 0x100, TP(KFREE_SKB), 1250);
	e.reason = 2;
	emit(w, &e, sizeof(e));
	e = fx_ev(SKBTOP_EV_FUNC, 0x200, P_IP_RCV, 2000);
	emit(w, &e, sizeof(e));
	store__stats_mut(w->s)->lost_kernel = 17;
	store__stats_mut(w->s)->bad_records = 4;

	free(w->buf);
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__stats(&w->st, w->s);
	fclose(w->st.f);
	assert_non_null(strstr(w->buf, "events             3\n"));
	assert_non_null(strstr(w->buf, "packets            2\n"));
	assert_non_null(strstr(w->buf, "lost (kernel)      17\n"));
	assert_non_null(strstr(w->buf, "bad records        4\n"));
	assert_non_null(strstr(w->buf, "in-flight 1 dropped 1"));
	assert_non_null(strstr(w->buf, "IPv4 2 Skb 1"));
	assert_non_null(strstr(w->buf, "NO_SOCKET 1"));
	assert_non_null(strstr(w->buf, "top functions      ip_rcv 2 skb:kfree_skb 1\n"));

	free(w->buf);
	w->st.format = STREAM_JSON;
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__stats(&w->st, w->s);
	fclose(w->st.f);
	w->st.f = NULL;
	o = json_loads(w->buf, 0, &err);
	assert_non_null(o);
	st = json_object_get(o, "stats");
	assert_int_equal(json_integer_value(json_object_get(st, "events")), 3);
	assert_int_equal(json_integer_value(json_object_get(st, "lost_kernel")), 17);
	assert_int_equal(json_integer_value(json_object_get(st, "functions_hit")), 2);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(st, "fates"), "dropped")), 1);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(st, "layers"), "IPv4"), "drops")),
			 1);
	assert_int_equal(json_integer_value(
				 json_object_get(json_object_get(st, "drop_reasons"), "NO_SOCKET")),
			 1);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(st, "functions"), "ip_rcv")), 2);
	json_decref(o);
	world_free(w);
}

/* nf_hook_slow is a traced function and also the NFT hook-verdict probe: one key, hits added. */
static void test_stats_json_merges_probes_with_one_name(void **state)
{
	struct world *w = world_new(STREAM_JSON);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);
	json_error_t err;
	json_t *o;

	(void)state;
	names__add_probe(w->n, P_COUNT, "ip_rcv", NULL, 0, PRIO_CRITICAL);
	emit(w, &e, sizeof(e));
	e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_COUNT, 1100);
	emit(w, &e, sizeof(e));
	free(w->buf);
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__stats(&w->st, w->s);
	fclose(w->st.f);
	w->st.f = NULL;
	o = json_loads(w->buf, JSON_REJECT_DUPLICATES, &err);
	assert_non_null(o);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(o, "stats"), "functions"), "ip_rcv")),
		2);
	json_decref(o);
	world_free(w);
}

/* Stats with the cost in both formats; returns the text's cost row (in w->buf) and the JSON. */
static json_t *stats_with_cost(struct world *w, const struct cost_figures *c, const char **row)
{
	json_error_t err;
	json_t *o;

	w->st.cost = c;
	free(w->buf);
	w->st.format = STREAM_JSON;
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__stats(&w->st, w->s);
	fclose(w->st.f);
	o = json_loads(w->buf, JSON_REJECT_DUPLICATES, &err);
	assert_non_null(o);
	free(w->buf);
	w->st.format = STREAM_TEXT;
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__stats(&w->st, w->s);
	fclose(w->st.f);
	w->st.f = NULL;
	*row = strstr(w->buf, "\ncost ");
	assert_non_null(*row);
	return json_object_get(json_object_get(o, "stats"), "cost") ? o : (json_decref(o), NULL);
}

/* Every JSON name of the cost is in the text row, followed by the same value. */
static void assert_same_names(const char *row, json_t *cost)
{
	const char *key, *at;
	json_t *v;
	char want[256];

	json_object_foreach(cost, key, v)
	{
		snprintf(want, sizeof(want), " %s ", key);
		at = strstr(row, want);
		assert_non_null(at);
		at += strlen(want);
		if (json_is_string(v)) {
			snprintf(want, sizeof(want), "\"%s\"", json_string_value(v));
			assert_memory_equal(at, want, strlen(want));
		} else {
			assert_true(fabs(strtod(at, NULL) - json_number_value(v)) < 1e-9);
		}
	}
}

static void test_stats_cost_same_names_in_text_and_json(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct cost_figures c = {
		.measured = true,
		.bpf_known = true,
		.bpf_programs = 21,
		.seconds = 2.0,
		.bpf_run_ns = 40000000,
		.bpf_runs = 50000,
		.bpf_cpu_pct = 2.0,
		.bpf_ns_per_run = 800,
		.bpf_runs_per_s = 25000,
		.process_cpu_pct = 3.0,
		.poller_cpu_pct = 1.0,
		.cpu_pct = 5.0,
	};
	const char *row;
	json_t *o, *cost;

	(void)state;
	o = stats_with_cost(w, &c, &row);
	assert_non_null(o);
	cost = json_object_get(json_object_get(o, "stats"), "cost");
	assert_true(json_real_value(json_object_get(cost, "cpu_pct")) == 5.0);
	assert_true(json_real_value(json_object_get(cost, "bpf_cpu_pct")) == 2.0);
	assert_int_equal(json_integer_value(json_object_get(cost, "bpf_ns_per_run")), 800);
	assert_int_equal(json_integer_value(json_object_get(cost, "bpf_runs")), 50000);
	assert_int_equal(json_integer_value(json_object_get(cost, "bpf_programs")), 21);
	assert_null(json_object_get(cost, "bpf_unavailable"));
	assert_non_null(strstr(row, "\ncost               cpu_pct 5.00 bpf_cpu_pct 2.00 "
				    "bpf_ns_per_run 800 bpf_runs_per_s 25000 "));
	assert_same_names(row, cost);
	json_decref(o);

	/* Without the kernel's statistics: why, and no BPF figure nor a total that would lie. */
	memset(&c, 0, sizeof(c));
	c.measured = true;
	c.seconds = 1.5;
	c.process_cpu_pct = c.cpu_pct = 3.0;
	strcpy(c.bpf_why, "kernel BPF stats unavailable: Operation not permitted");
	o = stats_with_cost(w, &c, &row);
	assert_non_null(o);
	cost = json_object_get(json_object_get(o, "stats"), "cost");
	assert_string_equal(json_string_value(json_object_get(cost, "bpf_unavailable")), c.bpf_why);
	assert_null(json_object_get(cost, "cpu_pct"));
	assert_null(json_object_get(cost, "bpf_cpu_pct"));
	assert_true(json_real_value(json_object_get(cost, "process_cpu_pct")) == 3.0);
	assert_same_names(row, cost);
	json_decref(o);

	/* No cost given (replay, saved sessions): no row and no object. */
	w->st.cost = NULL;
	free(w->buf);
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__stats(&w->st, w->s);
	fclose(w->st.f);
	assert_null(strstr(w->buf, "cost"));
	world_free(w);
}

static void test_top_functions_by_hits(void **state)
{
	struct world *w = world_new(STREAM_TEXT);
	struct skbtop_event e;
	uint32_t id, k;

	(void)state;
	/* Probe id i is hit i + 1 times: the last ids lead, and only ten are shown. */
	for (id = 0; id < P_COUNT; id++) {
		for (k = 0; k <= id; k++) {
			e = fx_ev(SKBTOP_EV_FUNC, 0x100 + id, id, k);
			emit(w, &e, sizeof(e));
		}
	}
	e = fx_ev(SKBTOP_EV_TP, 0x100, TP(NET_DEV_XMIT), 100);
	for (k = 0; k < 20; k++)
		emit(w, &e, sizeof(e));
	/* an eleventh, tied with the last: the first seen keeps its place */
	e = fx_ev(SKBTOP_EV_TP, 0x100, TP(NETIF_RECEIVE_SKB), 200);
	emit(w, &e, sizeof(e));
	free(w->buf);
	w->st.f = open_memstream(&w->buf, &w->len);
	stream__stats(&w->st, w->s);
	fclose(w->st.f);
	assert_non_null(strstr(w->buf, "top functions      net:net_dev_xmit 20 udp_send_skb 9 "
				       "nft_do_chain 8 ipv6_rcv 7 ip_forward 6 dev_queue_xmit 5 "
				       "sock_queue_rcv_skb 4 udp_rcv 3 ip_rcv 2 "
				       "__netif_receive_skb_core 1\n"));
	world_free(w);
}

static void test_json_strings_always_parse(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *o;

	(void)state;
	/* quote, backslash, newline, a control byte, UTF-8, and a byte that is not UTF-8 */
	fputs("{\"k\":", f);
	json__str(f, "a\"b\\c\n\x01\xc3\xa9\xff");
	fputs(",\"n\":", f);
	json__u64(f, 1234567890123ull);
	fputs("}", f);
	/* past the end of the object: jansson takes no integer above INT64_MAX */
	json__u64(f, UINT64_MAX);
	fclose(f);
	o = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "n")), 1234567890123ll);
	/* the stray byte comes back as U+00FF */
	assert_string_equal(json_string_value(json_object_get(o, "k")),
			    "a\"b\\c\n\x01\xc3\xa9\xc3\xbf");
	assert_non_null(strstr(buf, "18446744073709551615"));
	json_decref(o);
	free(buf);
}

static void test_names_round_trip(void **state)
{
	enum stream_format f;
	char buf[8];
	int t;

	(void)state;
	assert_int_equal(stream_format__parse("json", &f), 0);
	assert_int_equal(f, STREAM_JSON);
	assert_int_equal(stream_format__parse("xml", &f), -1);
	for (t = SKBTOP_EV_FUNC; t < SKBTOP_EV_TYPE_MAX; t++)
		assert_int_equal(event_type__from_name(event_type__name((uint16_t)t)), t);
	assert_int_equal(proto__from_name(proto__name(47, buf, sizeof(buf))), 47);
	assert_int_equal(proto__from_name("udp"), 17);
	assert_int_equal(proto__from_name("x1"), -1);
	assert_int_equal(nfproto__from_name("ip6"), 10);
	assert_int_equal(nfhook__from_name(1, "postrouting"), 4);
	assert_int_equal(nfhook__from_name(5, "egress"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_lines),
		cmocka_unit_test(test_flowtable_mark),
		cmocka_unit_test(test_text_line_exact_columns),
		cmocka_unit_test(test_text_nft),
		cmocka_unit_test(test_text_nft_names_are_escaped),
		cmocka_unit_test(test_ipv4_text_is_inet_ntop),
		cmocka_unit_test(test_text_tuple_forms),
		cmocka_unit_test(test_text_nft_exact),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_stats_text_and_json),
		cmocka_unit_test(test_stats_json_merges_probes_with_one_name),
		cmocka_unit_test(test_stats_cost_same_names_in_text_and_json),
		cmocka_unit_test(test_top_functions_by_hits),
		cmocka_unit_test(test_json_strings_always_parse),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_hold_puts_late_rules_in_time_order),
		cmocka_unit_test(test_full_hold_prints_its_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

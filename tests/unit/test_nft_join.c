// SPDX-License-Identifier: GPL-2.0
/* The netlink trace's rule events joined to journeys: which journey, where in it, and when. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/nft/nft_join.h"
#include "fixture_store.h"

#define NS    4026531840u
#define P_NL  P_COUNT /* the probe id of netlink trace events */
#define MS(x) ((uint64_t)(x)*1000000ull)
#define NEVER UINT64_MAX

struct world {
	struct config cfg;
	struct names *n;
	struct store *s;
	struct nft_join *jn;
	int seen; /* events the callback saw */
};

static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	fx_config(&w->cfg);
	w->n = names__new();
	fx_names(w->n);
	names__add_probe(w->n, P_NL, "nft:netlink-trace", NULL, L_NFT, PRIO_CRITICAL);
	w->s = store__new(64, 64, &w->cfg, w->n);
	w->jn = nft_join__new();
	assert_non_null(w->s);
	assert_non_null(w->jn);
	return w;
}

static void world_free(struct world *w)
{
	nft_join__free(w->jn);
	store__free(w->s);
	names__free(w->n);
	free(w);
}

static void on_joined(void *ctx, const struct journey *j, const struct skbtop_nft_event *e)
{
	struct world *w = ctx;

	assert_non_null(j);
	assert_non_null(e);
	w->seen++;
}

/* A received packet of the fixture's tuple and this identity: device, a bracketed input chain,
 * then the socket. */
static const struct journey *packet_id(struct world *w, uint64_t skb, uint64_t t0, uint64_t ident)
{
	struct skbtop_event ev = fx_ev(SKBTOP_EV_TP, skb, TP(NETIF_RECEIVE_SKB), t0);
	struct skbtop_nft_event ch = { .ev = fx_ev(SKBTOP_EV_NFT_CHAIN, skb, P_NFT_DO_CHAIN,
						   t0 + 100) };

	ev.hdr.flags = SKBTOP_F_NEW_PACKET;
	ev.ident = ident;
	ADD(w->s, ev);
	ch.ev.hdr.flags = SKBTOP_F_BRACKET;
	ch.hook = 1;
	strcpy(ch.table, "f");
	strcpy(ch.chain, "in");
	ADD(w->s, ch);
	ch.ev.hdr.flags = SKBTOP_F_BRACKET | SKBTOP_F_EXIT;
	ch.ev.hdr.ts_ns = t0 + 200;
	ch.verdict = 1;
	ADD(w->s, ch);
	ev = fx_ev(SKBTOP_EV_FUNC, skb, P_SOCK_QUEUE, t0 + 300);
	return ADD(w->s, ev);
}

static const struct journey *packet(struct world *w, uint64_t skb, uint64_t t0)
{
	return packet_id(w, skb, t0, 0);
}

/* A trace event of id, read at arrival; base: in the input chain at priority 0. */
static struct nft_trace_rec rec(uint32_t id, uint64_t arrival, bool base, bool headers,
				int32_t verdict)
{
	struct nft_trace_rec r = { .id = id, .base = base };

	r.e.ev = fx_ev(SKBTOP_EV_NFT_RULE, 0, P_NL, arrival);
	r.e.ev.hdr.flags = SKBTOP_F_NETLINK;
	r.e.ev.netns = NS;
	if (!headers) {
		memset(&r.e.ev.tuple, 0, sizeof(r.e.ev.tuple));
		r.e.ev.ifindex = 0;
	}
	r.e.hook = base ? 1 : 0;
	r.e.verdict = verdict;
	strcpy(r.e.table, "f");
	strcpy(r.e.chain, base ? "in" : "sub");
	return r;
}

static void push(struct world *w, struct nft_trace_rec r)
{
	assert_true(nft_join__push(w->jn, &r));
}

static void test_ids_take_same_tuple_journeys_in_order_of_arrival(void **state)
{
	struct world *w = world_new();
	const struct journey *a = packet(w, 0x1000, MS(1)), *b = packet(w, 0x2000, MS(2));

	(void)state;
	push(w, rec(7, MS(3), true, true, 1));
	push(w, rec(8, MS(3), true, true, 0));
	assert_int_equal(nft_join__run(w->jn, w->s, NEVER, on_joined, w), 2);
	assert_int_equal(w->seen, 2);
	assert_int_equal(a->n_nft, 3);
	assert_int_equal(a->nft[2].verdict, 1);
	assert_int_equal(b->nft[2].verdict, 0);
	assert_int_equal(nft_join__stats(w->jn)->joined, 2);
	world_free(w);
}

static void test_rule_events_sit_after_their_chain_entry_in_order(void **state)
{
	struct world *w = world_new();
	const struct journey *j = packet(w, 0x1000, MS(1));

	(void)state;
	push(w, rec(7, MS(3), true, true, -3));
	push(w, rec(7, MS(3), false, false, 1));
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	assert_int_equal(j->n_events, 6);
	assert_int_equal(j->events[1].type, SKBTOP_EV_NFT_CHAIN);
	assert_int_equal(j->events[2].type, SKBTOP_EV_NFT_RULE);
	assert_int_equal(j->events[2].ts_ns, MS(1) + 100);
	assert_int_equal(j->nft[j->events[2].nft].verdict, -3);
	assert_int_equal(j->events[3].type, SKBTOP_EV_NFT_RULE);
	assert_int_equal(j->nft[j->events[3].nft].verdict, 1);
	assert_int_equal(j->nft[j->events[3].nft].seq, 1);
	assert_true(j->events[4].flags & SKBTOP_F_EXIT);
	/* The jumped-to chain runs at its base chain's hook, on the packet's interface. */
	assert_int_equal(j->nft[j->events[3].nft].hook, 1);
	assert_int_equal(j->events[3].ifindex, 1);
	/* Inserted in the past: the chain's exit verdict stays the journey's. */
	assert_int_equal(j->nft_verdict, 1);
	world_free(w);
}

/* A base chain without a bracket of its own (added after skbtop started) follows the exit of the
 * chain before it, not that chain's entry. */
static void test_an_unbracketed_chain_sits_after_the_previous_chains_exit(void **state)
{
	struct world *w = world_new();
	const struct journey *j = packet(w, 0x1000, MS(1));
	struct nft_trace_rec later = rec(7, MS(3), true, true, 1);

	(void)state;
	push(w, rec(7, MS(3), true, true, 1));
	later.e.priority = -100;
	strcpy(later.e.table, "nat");
	strcpy(later.e.chain, "pre");
	push(w, later);
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	assert_int_equal(j->n_events, 6);
	assert_int_equal(j->events[2].type, SKBTOP_EV_NFT_RULE);
	assert_true(j->events[3].flags & SKBTOP_F_EXIT);
	assert_int_equal(j->events[4].type, SKBTOP_EV_NFT_RULE);
	assert_string_equal(j->nft[j->events[4].nft].table, "nat");
	assert_int_equal(j->events[4].ts_ns, MS(1) + 200);
	world_free(w);
}

static void test_events_wait_until_ready(void **state)
{
	struct world *w = world_new();
	const struct journey *j;

	(void)state;
	push(w, rec(7, MS(10), true, true, 1));
	assert_int_equal(nft_join__run(w->jn, w->s, MS(9), NULL, NULL), 0);
	/* The ring buffer's events come in late: the wait is what lets the record find them. */
	j = packet(w, 0x1000, MS(8));
	assert_int_equal(nft_join__run(w->jn, w->s, MS(10), NULL, NULL), 1);
	assert_int_equal(j->n_nft, 3);
	world_free(w);
}

static void test_events_of_other_packets_namespaces_or_old_journeys_are_unmatched(void **state)
{
	struct world *w = world_new();
	struct nft_trace_rec r = rec(7, MS(3), true, true, 1);
	const struct journey *j = packet(w, 0x1000, MS(1));

	(void)state;
	r.e.ev.tuple.dport = 54;
	push(w, r);
	r = rec(8, MS(3), true, true, 1);
	r.e.ev.netns = NS + 1;
	push(w, r);
	push(w, rec(9, MS(40000), true, true, 1));
	/* Without headers and of an unknown id, nothing says which packet it is. */
	push(w, rec(10, MS(3), false, false, 1));
	assert_int_equal(nft_join__run(w->jn, w->s, NEVER, NULL, NULL), 4);
	assert_int_equal(nft_join__stats(w->jn)->unmatched, 4);
	assert_int_equal(nft_join__stats(w->jn)->joined, 0);
	assert_int_equal(j->n_nft, 2);
	world_free(w);
}

static void test_one_id_goes_to_one_journey_even_when_another_matches(void **state)
{
	struct world *w = world_new();
	const struct journey *a = packet(w, 0x1000, MS(1)), *b;

	(void)state;
	push(w, rec(7, MS(3), true, true, 1));
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	b = packet(w, 0x2000, MS(4));
	push(w, rec(7, MS(5), true, true, 1));
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	assert_int_equal(a->n_nft, 4);
	assert_int_equal(b->n_nft, 2);
	world_free(w);
}

/* A packet copied into a new skb between the marking chain and the user's chains gets a new id on
 * 6.1 (a hash of the skb's address): the first id, seen only in skbtop's table, still takes the
 * first journey, and the rules of the second go to the copy's. */
static void test_an_id_seen_only_in_the_marking_table_takes_its_journey_unshown(void **state)
{
	struct world *w = world_new();
	const struct journey *a = packet(w, 0x1000, MS(1)), *b = packet(w, 0x2000, MS(1) + 500);
	struct nft_trace_rec own = rec(7, MS(3), true, true, 0);

	(void)state;
	own.own = true;
	strcpy(own.e.table, NFT_NLTRACE_PREFIX "1");
	strcpy(own.e.chain, "pre");
	push(w, own);
	push(w, rec(8, MS(3), true, true, 1));
	assert_int_equal(nft_join__run(w->jn, w->s, NEVER, on_joined, w), 2);
	assert_int_equal(w->seen, 1);
	assert_int_equal(a->n_nft, 2);
	assert_int_equal(b->n_nft, 3);
	assert_int_equal(b->nft[2].verdict, 1);
	assert_int_equal(nft_join__stats(w->jn)->joined, 1);
	assert_int_equal(nft_join__stats(w->jn)->unmatched, 0);
	world_free(w);
}

/* The marking table sees every packet, followed or not: those it alone saw are not unmatched. */
static void test_marking_table_events_of_unfollowed_packets_are_not_unmatched(void **state)
{
	struct world *w = world_new();
	struct nft_trace_rec own = rec(7, MS(3), true, true, 0);

	(void)state;
	own.own = true;
	push(w, own);
	assert_int_equal(nft_join__run(w->jn, w->s, NEVER, on_joined, w), 1);
	assert_int_equal(w->seen, 0);
	assert_int_equal(nft_join__stats(w->jn)->unmatched, 0);
	world_free(w);
}

/* The kernel's trace id is a hash: a packet long after the first one was freed may share it. */
static void test_an_id_of_a_packet_freed_long_ago_goes_to_the_new_packet(void **state)
{
	struct world *w = world_new();
	const struct journey *a = packet(w, 0x1000, MS(1)), *b;
	struct skbtop_event fr = fx_ev(SKBTOP_EV_CONSUME, 0x1000, TP(CONSUME_SKB), MS(1) + 400);

	(void)state;
	ADD(w->s, fr);
	assert_true(a->ended);
	push(w, rec(7, MS(3), true, true, 1));
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	b = packet(w, 0x2000, MS(2000));
	push(w, rec(7, MS(2001), true, true, 0));
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	assert_int_equal(a->n_nft, 3);
	assert_int_equal(b->n_nft, 3);
	assert_int_equal(b->nft[2].verdict, 0);
	world_free(w);
}

/* A flow's later packet at the same skb address gets the same id before a second has passed:
 * its headers' identity takes it to its own journey. */
static void test_an_id_with_another_identity_goes_to_the_new_packet(void **state)
{
	struct world *w = world_new();
	const struct journey *a = packet_id(w, 0x1000, MS(1), 111), *b;
	struct skbtop_event fr = fx_ev(SKBTOP_EV_CONSUME, 0x1000, TP(CONSUME_SKB), MS(1) + 400);
	struct nft_trace_rec r = rec(7, MS(2), true, true, 1);

	(void)state;
	ADD(w->s, fr);
	r.e.ev.ident = 111;
	push(w, r);
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	b = packet_id(w, 0x1000, MS(200), 222);
	r = rec(7, MS(201), true, true, 0);
	r.e.ev.ident = 222;
	push(w, r);
	push(w, rec(7, MS(201), true, false, 0));
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	assert_int_equal(a->n_nft, 3);
	assert_int_equal(b->n_nft, 4);
	assert_int_equal(b->nft[2].verdict, 0);
	world_free(w);
}

static void test_identity_skips_a_packet_of_the_flow_that_was_never_traced(void **state)
{
	struct world *w = world_new();
	const struct journey *lost = packet_id(w, 0x1000, MS(1), 111);
	const struct journey *b = packet_id(w, 0x2000, MS(2), 222);
	const struct journey *c = packet_id(w, 0x3000, MS(3), 333);
	struct nft_trace_rec r = rec(7, MS(4), true, true, 1);

	(void)state;
	r.e.ev.ident = 222;
	push(w, r);
	r = rec(8, MS(4), true, true, 0);
	r.e.ev.ident = 333;
	push(w, r);
	nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	assert_int_equal(lost->n_nft, 2);
	assert_int_equal(b->nft[2].verdict, 1);
	assert_int_equal(c->nft[2].verdict, 0);
	world_free(w);
}

static void test_many_ids_are_forgotten_oldest_first_without_losing_the_newest(void **state)
{
	struct world *w = world_new();
	const struct journey *j = NULL;

	(void)state;
	/* More ids than remembered: each new one still finds its own journey. */
	for (uint32_t i = 0; i < 1500; i++) {
		j = packet_id(w, 0x1000 + i * 0x100, MS(1) + i * 1000, 1000 + i);
		struct nft_trace_rec r = rec(i + 1, MS(1) + i * 1000 + 500, true, true, 1);

		r.e.ev.ident = 1000 + i;
		push(w, r);
		nft_join__run(w->jn, w->s, NEVER, NULL, NULL);
	}
	assert_int_equal(nft_join__stats(w->jn)->joined, 1500);
	assert_int_equal(j->n_nft, 3);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_take_same_tuple_journeys_in_order_of_arrival),
		cmocka_unit_test(test_rule_events_sit_after_their_chain_entry_in_order),
		cmocka_unit_test(test_an_unbracketed_chain_sits_after_the_previous_chains_exit),
		cmocka_unit_test(test_events_wait_until_ready),
		cmocka_unit_test(
			test_events_of_other_packets_namespaces_or_old_journeys_are_unmatched),
		cmocka_unit_test(test_one_id_goes_to_one_journey_even_when_another_matches),
		cmocka_unit_test(
			test_an_id_seen_only_in_the_marking_table_takes_its_journey_unshown),
		cmocka_unit_test(test_marking_table_events_of_unfollowed_packets_are_not_unmatched),
		cmocka_unit_test(test_an_id_of_a_packet_freed_long_ago_goes_to_the_new_packet),
		cmocka_unit_test(test_an_id_with_another_identity_goes_to_the_new_packet),
		cmocka_unit_test(test_identity_skips_a_packet_of_the_flow_that_was_never_traced),
		cmocka_unit_test(
			test_many_ids_are_forgotten_oldest_first_without_losing_the_newest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

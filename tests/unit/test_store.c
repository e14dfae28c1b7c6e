// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "core/nft/nft_verdict.h"
#include "core/session/store.h"
#include "fixture_store.h"

#define P_FLOW_HOOK P_COUNT /* a flowtable's hook, known to the flowtable test alone */

struct world {
	struct config cfg;
	struct names *n;
	struct store *s;
};

static struct world *world_new(uint32_t max_packets, uint32_t max_events)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	fx_config(&w->cfg);
	w->n = names__new();
	assert_non_null(w->n);
	fx_names(w->n);
	w->s = store__new(max_packets, max_events, &w->cfg, w->n);
	assert_non_null(w->s);
	return w;
}

static void world_free(struct world *w)
{
	store__free(w->s);
	names__free(w->n);
	free(w);
}

static const struct journey *feed(struct world *w, uint16_t type, uint64_t skb, uint32_t fn,
				  uint64_t ts)
{
	struct skbtop_event e = fx_ev(type, skb, fn, ts);

	return ADD(w->s, e);
}

static void test_delivered_journey_times_layers(void **state)
{
	struct world *w = world_new(16, 64);
	const struct journey *j;

	(void)state;
	feed(w, SKBTOP_EV_FUNC, 0x1000, P_NETIF_CORE, 1000);
	feed(w, SKBTOP_EV_FUNC, 0x1000, P_IP_RCV, 1300);
	feed(w, SKBTOP_EV_FUNC, 0x1000, P_UDP_RCV, 1700);
	feed(w, SKBTOP_EV_FUNC, 0x1000, P_SOCK_QUEUE, 2000);
	j = feed(w, SKBTOP_EV_CONSUME, 0x1000, TP(CONSUME_SKB), 2600);
	assert_non_null(j);
	assert_int_equal(j->id, 1);
	assert_int_equal(j->n_events, 5);
	assert_true(j->ended);
	assert_int_equal(j->fate, FATE_DELIVERED);
	assert_int_equal(j->layer_ns[L_DEVICE], 300);
	assert_int_equal(j->layer_ns[L_IPV4], 400);
	assert_int_equal(j->layer_ns[L_UDP], 300);
	assert_int_equal(j->layer_ns[L_SOCKET], 600);
	assert_int_equal(j->layer_ns[L_SKB], 0);
	assert_int_equal(j->last_ns - j->first_ns, 1600);
	assert_int_equal(j->events[2].layer, L_UDP);
	assert_int_equal(store__stats(w->s)->by_fate[FATE_DELIVERED], 1);
	assert_int_equal(store__stats(w->s)->by_fate[FATE_IN_FLIGHT], 0);
	assert_int_equal(store__layers(w->s)[L_IPV4].events, 1);
	assert_int_equal(store__layers(w->s)[L_IPV4].ns, 400);
	assert_int_equal(store__func_hits(w->s, P_IP_RCV), 1);
	assert_int_equal(store__funcs_hit(w->s), 5);
	assert_null(store__by_skb(w->s, 0x1000));

	/* The address is free again: the next event there is a new packet. */
	j = feed(w, SKBTOP_EV_FUNC, 0x1000, P_IP_RCV, 3000);
	assert_int_equal(j->id, 2);
	assert_false(j->ended);
	assert_int_equal(store__len(w->s), 2);
	assert_ptr_equal(store__by_skb(w->s, 0x1000), j);
	world_free(w);
}

static void test_drop_records_reason_location_layer(void **state)
{
	struct world *w = world_new(16, 64);
	struct skbtop_event e = fx_ev(SKBTOP_EV_DROP, 0x2000, TP(KFREE_SKB), 1500);
	const struct journey *j;
	size_t nr;
	const struct store_reason *r;

	(void)state;
	feed(w, SKBTOP_EV_FUNC, 0x2000, P_IP_RCV, 1000);
	feed(w, SKBTOP_EV_FUNC, 0x2000, P_UDP_RCV, 1200);
	e.reason = 5;
	e.aux = 0xffffffff81234567ull;
	j = ADD(w->s, e);
	assert_int_equal(j->fate, FATE_DROPPED);
	assert_int_equal(j->drop_reason, 5);
	assert_int_equal(j->drop_location, 0xffffffff81234567ull);
	assert_true(j->ended);
	/* Dropped while in UDP: the layer before the drop event is charged. */
	assert_int_equal(store__layers(w->s)[L_UDP].drops, 1);
	assert_int_equal(store__layers(w->s)[L_SKB].drops, 0);
	r = store__drop_reasons(w->s, &nr);
	assert_int_equal(nr, 1);
	assert_int_equal(r[0].reason, 5);
	assert_int_equal(r[0].count, 1);
	world_free(w);
}

static void test_fates_forwarded_sent_consumed(void **state)
{
	struct world *w = world_new(16, 64);
	const struct journey *j;

	(void)state;
	/* received, routed, transmitted: forwarded */
	feed(w, SKBTOP_EV_TP, 0x10, TP(NETIF_RECEIVE_SKB), 1);
	feed(w, SKBTOP_EV_FUNC, 0x10, P_IP_FORWARD, 2);
	feed(w, SKBTOP_EV_TP, 0x10, TP(NET_DEV_XMIT), 3);
	j = feed(w, SKBTOP_EV_CONSUME, 0x10, TP(CONSUME_SKB), 4);
	assert_int_equal(j->fate, FATE_FORWARDED);
	/* from a local socket out of a device: sent */
	feed(w, SKBTOP_EV_FUNC, 0x20, P_UDP_SEND, 1);
	feed(w, SKBTOP_EV_FUNC, 0x20, P_DEV_QUEUE_XMIT, 2);
	j = feed(w, SKBTOP_EV_CONSUME, 0x20, TP(CONSUME_SKB), 3);
	assert_int_equal(j->fate, FATE_SENT);
	/* received and freed with nothing recognised: consumed */
	feed(w, SKBTOP_EV_TP, 0x30, TP(NETIF_RECEIVE_SKB), 1);
	feed(w, SKBTOP_EV_FUNC, 0x30, P_IP_RCV, 2);
	j = feed(w, SKBTOP_EV_CONSUME, 0x30, TP(CONSUME_SKB), 3);
	assert_int_equal(j->fate, FATE_CONSUMED);
	/* sent over a veth, received on the other side and delivered there */
	feed(w, SKBTOP_EV_FUNC, 0x40, P_UDP_SEND, 1);
	feed(w, SKBTOP_EV_TP, 0x40, TP(NET_DEV_XMIT), 2);
	feed(w, SKBTOP_EV_TP, 0x40, TP(NETIF_RECEIVE_SKB), 3);
	feed(w, SKBTOP_EV_FUNC, 0x40, P_SOCK_QUEUE, 4);
	j = feed(w, SKBTOP_EV_CONSUME, 0x40, TP(CONSUME_SKB), 5);
	assert_int_equal(j->fate, FATE_DELIVERED);
	assert_int_equal(store__stats(w->s)->by_fate[FATE_FORWARDED], 1);
	assert_int_equal(store__stats(w->s)->by_fate[FATE_SENT], 1);
	assert_int_equal(store__stats(w->s)->by_fate[FATE_CONSUMED], 1);
	assert_int_equal(store__stats(w->s)->by_fate[FATE_DELIVERED], 1);
	world_free(w);
}

static void test_fate_roles_follow_config_layer_names(void **state)
{
	struct world *w = world_new(16, 64);
	struct store *s2;
	const struct journey *j;
	struct skbtop_event e;

	(void)state;
	/* Rename the socket layer: the same functions no longer mean "delivered". */
	w->cfg.layers[L_SOCKET].name = "Sockets-renamed";
	w->cfg.layers[L_UDP].name = "Transport";
	s2 = store__new(16, 64, &w->cfg, w->n);
	e = fx_ev(SKBTOP_EV_FUNC, 0x50, P_UDP_RCV, 1);
	ADD(s2, e);
	e = fx_ev(SKBTOP_EV_FUNC, 0x50, P_SOCK_QUEUE, 2);
	ADD(s2, e);
	e = fx_ev(SKBTOP_EV_CONSUME, 0x50, TP(CONSUME_SKB), 3);
	j = ADD(s2, e);
	assert_int_equal(j->fate, FATE_CONSUMED);
	store__free(s2);
	world_free(w);
}

static void test_clone_makes_linked_child(void **state)
{
	struct world *w = world_new(16, 64);
	struct skbtop_event e = fx_ev(SKBTOP_EV_CLONE, 0x100, P_IP_RCV, 20);
	const struct journey *parent, *child;

	(void)state;
	feed(w, SKBTOP_EV_FUNC, 0x100, P_NETIF_CORE, 10);
	e.aux = 0x200;
	parent = ADD(w->s, e);
	assert_int_equal(parent->id, 1);
	child = store__by_skb(w->s, 0x200);
	assert_non_null(child);
	assert_int_equal(child->parent_id, 1);
	assert_int_equal(child->id, 2);
	/* The child's first own event says NEW_PACKET: it joins the clone's journey. */
	e = fx_ev(SKBTOP_EV_FUNC, 0x200, P_IP_RCV, 30);
	e.hdr.flags = SKBTOP_F_NEW_PACKET;
	assert_ptr_equal(ADD(w->s, e), child);
	assert_int_equal(child->n_events, 2);
	/* A second NEW_PACKET at that address is another packet. */
	e.hdr.ts_ns = 40;
	child = ADD(w->s, e);
	assert_int_equal(child->id, 3);
	assert_true(store__by_id(w->s, 2)->ended);
	assert_int_equal(store__by_id(w->s, 2)->fate, FATE_IN_FLIGHT);
	assert_int_equal(parent->n_events, 2);
	world_free(w);
}

static void test_eviction_prefers_ended(void **state)
{
	struct world *w = world_new(4, 64);
	uint64_t skb;

	(void)state;
	/* 1 stays in flight; 2..4 end; then 5 and 6 need room. */
	feed(w, SKBTOP_EV_FUNC, 0x1, P_IP_RCV, 1);
	for (skb = 2; skb <= 4; skb++) {
		feed(w, SKBTOP_EV_FUNC, skb, P_IP_RCV, skb);
		feed(w, SKBTOP_EV_CONSUME, skb, TP(CONSUME_SKB), skb + 1);
	}
	feed(w, SKBTOP_EV_FUNC, 0x5, P_IP_RCV, 10);
	feed(w, SKBTOP_EV_FUNC, 0x6, P_IP_RCV, 11);
	assert_int_equal(store__len(w->s), 4);
	assert_int_equal(store__stats(w->s)->evicted_packets, 2);
	assert_non_null(store__by_id(w->s, 1));
	assert_null(store__by_id(w->s, 2));
	assert_null(store__by_id(w->s, 3));
	assert_non_null(store__by_id(w->s, 4));
	assert_int_equal(store__at(w->s, 0)->id, 1);
	assert_int_equal(store__at(w->s, 1)->id, 4);
	assert_int_equal(store__at(w->s, 3)->id, 6);
	/* Nothing ended left but 4: then 4 goes, then the oldest in flight. */
	feed(w, SKBTOP_EV_FUNC, 0x7, P_IP_RCV, 12);
	assert_null(store__by_id(w->s, 4));
	feed(w, SKBTOP_EV_FUNC, 0x8, P_IP_RCV, 13);
	assert_null(store__by_id(w->s, 1));
	assert_null(store__by_skb(w->s, 0x1));
	assert_int_equal(store__at(w->s, 0)->id, 5);
	assert_int_equal(store__stats(w->s)->evicted_packets, 4);
	/* The evicted in-flight skb's later event starts a fresh journey. */
	assert_int_equal(feed(w, SKBTOP_EV_FUNC, 0x1, P_IP_RCV, 14)->id, 9);
	world_free(w);
}

static void test_truncation_keeps_fate(void **state)
{
	struct world *w = world_new(8, 3);
	const struct journey *j;
	uint64_t t;

	(void)state;
	for (t = 1; t <= 5; t++)
		feed(w, SKBTOP_EV_FUNC, 0x9, t % 2 ? P_IP_RCV : P_UDP_RCV, t * 10);
	j = feed(w, SKBTOP_EV_DROP, 0x9, TP(KFREE_SKB), 100);
	assert_int_equal(j->n_events, 3);
	assert_int_equal(j->events_truncated, 3);
	assert_int_equal(store__stats(w->s)->truncated_events, 3);
	assert_int_equal(j->fate, FATE_DROPPED);
	assert_int_equal(j->last_ns - j->first_ns, 90);
	assert_int_equal(store__events_held(w->s), 3);
	world_free(w);
}

static void test_bad_records_refused(void **state)
{
	struct world *w = world_new(8, 8);
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, 0x9, P_IP_RCV, 1);
	struct skbtop_nft_event x = fx_nft(SKBTOP_EV_NFT_RULE, 0x9, 1, 4, 1);

	(void)state;
	assert_null(store__add(w->s, &e, sizeof(e) - 1));
	assert_null(store__add(w->s, &e, sizeof(x))); /* a FUNC record of NFT size */
	assert_null(store__add(w->s, &x, sizeof(e))); /* an NFT record cut short */
	e.hdr.type = 99;
	assert_null(ADD(w->s, e));
	e.hdr.type = SKBTOP_EV_FUNC;
	e.skb = 0;
	assert_null(ADD(w->s, e));
	assert_int_equal(store__stats(w->s)->bad_records, 5);
	assert_int_equal(store__len(w->s), 0);
	world_free(w);
}

/* A DNAT'd packet: the journey keeps the headers it came with and the translated ones, and the
 * event where they changed is marked; a cached tuple says nothing of where they changed. */
static void test_translation_is_marked_where_the_headers_changed(void **state)
{
	struct world *w = world_new(8, 8);
	struct skbtop_event e = fx_ev(SKBTOP_EV_TP, 0x88, TP(NETIF_RECEIVE_SKB), 10);
	const struct journey *j;

	(void)state;
	j = ADD(w->s, e);
	e = fx_ev(SKBTOP_EV_FUNC, 0x88, P_IP_FORWARD, 20);
	ADD(w->s, e);
	assert_false(j->translated);
	e = fx_ev(SKBTOP_EV_FUNC, 0x88, P_DEV_QUEUE_XMIT, 30);
	e.hdr.flags = SKBTOP_F_TUPLE_CACHED;
	e.tuple.dport = 9911;
	ADD(w->s, e);
	assert_false(j->translated);
	e.hdr.flags = 0;
	e.hdr.ts_ns = 40;
	inet_pton(AF_INET, "10.0.0.9", &e.tuple.daddr.v4);
	ADD(w->s, e);
	assert_true(j->translated);
	assert_int_equal(j->nat_ns, 40);
	assert_int_equal(j->tuple.dport, 53);
	assert_int_equal(j->cur_tuple.dport, 9911);
	assert_int_equal(j->n_events, 4);
	assert_false(j->events[2].flags & SKBTOP_F_NAT);
	assert_true(j->events[3].flags & SKBTOP_F_NAT);
	e.hdr.ts_ns = 50;
	ADD(w->s, e);
	assert_false(j->events[4].flags & SKBTOP_F_NAT);
	assert_int_equal(j->nat_ns, 40);
	world_free(w);
}

/* Two packets meet a flowtable's hook: the one its hook returns goes on to a netfilter verdict
 * and is not marked; the one the hook transmits itself is marked at the transmit, in the store,
 * in what the outputs ask of it, and once only. */
static void test_flowtable_bypass_is_marked_at_the_transmit(void **state)
{
	struct world *w = world_new(8, 16);
	struct skbtop_nft_event hook = fx_nft(SKBTOP_EV_NF_HOOK, 0x50, 30, 0, 1);
	const struct journey *j;

	(void)state;
	names__add_probe(w->n, P_FLOW_HOOK, "nf_flow_offload_inet_hook", NULL, L_FLOWTABLE,
			 PRIO_CRITICAL);
	feed(w, SKBTOP_EV_TP, 0x50, TP(NETIF_RECEIVE_SKB), 10);
	j = feed(w, SKBTOP_EV_FUNC, 0x50, P_FLOW_HOOK, 20);
	assert_true(j->flow_hook);
	ADD(w->s, hook);
	assert_false(j->flow_hook);
	feed(w, SKBTOP_EV_FUNC, 0x50, P_IP_FORWARD, 40);
	feed(w, SKBTOP_EV_FUNC, 0x50, P_DEV_QUEUE_XMIT, 50);
	assert_false(j->flowtable);
	assert_int_equal(store__marks_at(j, 50), 0);

	feed(w, SKBTOP_EV_TP, 0x60, TP(NETIF_RECEIVE_SKB), 110);
	j = feed(w, SKBTOP_EV_FUNC, 0x60, P_FLOW_HOOK, 120);
	feed(w, SKBTOP_EV_FUNC, 0x60, P_DEV_QUEUE_XMIT, 130);
	feed(w, SKBTOP_EV_TP, 0x60, TP(NET_DEV_XMIT), 140);
	assert_true(j->flowtable);
	assert_int_equal(j->flow_ns, 130);
	assert_true(j->events[2].flags & SKBTOP_F_FLOWTABLE);
	assert_false(j->events[3].flags & SKBTOP_F_FLOWTABLE);
	assert_int_equal(store__marks_at(j, 130), SKBTOP_F_FLOWTABLE);
	assert_int_equal(store__marks_at(j, 140), 0);
	world_free(w);
}

static void test_nft_events_and_verdict(void **state)
{
	struct world *w = world_new(8, 8);
	struct skbtop_nft_event x = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x77, 10, 0, 0);
	const struct journey *j;

	(void)state;
	j = ADD(w->s, x);
	assert_string_equal(nft_verdict__name(j->nft_verdict), "continue");
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x77, 15, 4, -3); /* jump */
	ADD(w->s, x);
	assert_string_equal(nft_verdict__name(j->nft_verdict), "continue");
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x77, 20, 9, 1);
	ADD(w->s, x);
	assert_string_equal(nft_verdict__name(j->nft_verdict), "accept");
	x = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x77, 30, 0, 0x10002);
	x.ev.hdr.flags = SKBTOP_F_EXIT;
	j = ADD(w->s, x);
	assert_true(j->has_nft);
	assert_int_equal(j->n_nft, 4);
	assert_int_equal(j->events[2].nft, 2);
	assert_int_equal(j->nft[2].rule_handle, 9);
	assert_string_equal(j->nft[1].table, "filter");
	assert_int_equal(j->nft_verdict, 0);
	assert_string_equal(nft_verdict__name(j->nft_verdict), "drop");
	assert_string_equal(nft_verdict__name(0x10002), "drop");
	assert_string_equal(nft_verdict__name(1), "accept");
	assert_string_equal(nft_verdict__name(-3), "jump");
	assert_string_equal(nft_verdict__name(0x20003), "queue");
	world_free(w);
}

static void test_clear_and_names(void **state)
{
	struct world *w = world_new(8, 8);
	uint64_t g;

	(void)state;
	feed(w, SKBTOP_EV_FUNC, 0x9, P_IP_RCV, 1);
	store__stats_mut(w->s)->lost_kernel = 3;
	g = store__generation(w->s);
	store__clear(w->s);
	assert_true(store__generation(w->s) > g);
	assert_int_equal(store__len(w->s), 0);
	assert_null(store__by_skb(w->s, 0x9));
	assert_int_equal(store__stats(w->s)->events, 0);
	assert_int_equal(store__stats(w->s)->lost_kernel, 3);
	/* Ids keep growing: a view that remembered id 1 will not find another packet there. */
	assert_int_equal(feed(w, SKBTOP_EV_FUNC, 0x9, P_IP_RCV, 2)->id, 2);
	assert_string_equal(fate__name(FATE_FORWARDED), "forwarded");
	assert_int_equal(fate__from_name("dropped"), FATE_DROPPED);
	assert_int_equal(fate__from_name("nope"), -1);
	world_free(w);
}

/* The skb index against a plain model, through many starts, ends and reuses of addresses. */
static void test_index_matches_model(void **state)
{
	enum {
		ADDRS = 300,
		STEPS = 20000
	};
	struct world *w = world_new(128, 4);
	uint64_t live[ADDRS] = { 0 }; /* journey id live at address (i + 1) << 8, 0 if none */
	unsigned int seed = 7;
	int step, i;

	(void)state;
	for (step = 0; step < STEPS; step++) {
		uint64_t k = (uint64_t)(rand_r(&seed) % ADDRS);
		bool end = rand_r(&seed) % 3 == 0;
		/* Addresses alike in their low bits, as slab addresses are. */
		const struct journey *cur = store__by_skb(w->s, (k + 1) << 8), *j;

		if (!live[k])
			assert_null(cur);
		else if (cur)
			assert_int_equal(cur->id, live[k]);
		else /* only eviction makes the index forget a live journey */
			assert_null(store__by_id(w->s, live[k]));
		j = feed(w, end ? SKBTOP_EV_CONSUME : SKBTOP_EV_FUNC, (k + 1) << 8, P_IP_RCV,
			 (uint64_t)step);
		assert_non_null(j);
		if (cur)
			assert_int_equal(j->id, live[k]);
		live[k] = end ? 0 : j->id;
	}
	for (i = 0; i < ADDRS; i++) {
		const struct journey *j = store__by_skb(w->s, (uint64_t)(i + 1) << 8);

		if (!live[i])
			assert_null(j);
		else if (j)
			assert_int_equal(j->id, live[i]);
		else
			assert_null(store__by_id(w->s, live[i]));
	}
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivered_journey_times_layers),
		cmocka_unit_test(test_drop_records_reason_location_layer),
		cmocka_unit_test(test_fates_forwarded_sent_consumed),
		cmocka_unit_test(test_fate_roles_follow_config_layer_names),
		cmocka_unit_test(test_clone_makes_linked_child),
		cmocka_unit_test(test_eviction_prefers_ended),
		cmocka_unit_test(test_truncation_keeps_fate),
		cmocka_unit_test(test_bad_records_refused),
		cmocka_unit_test(test_translation_is_marked_where_the_headers_changed),
		cmocka_unit_test(test_flowtable_bypass_is_marked_at_the_transmit),
		cmocka_unit_test(test_nft_events_and_verdict),
		cmocka_unit_test(test_clear_and_names),
		cmocka_unit_test(test_index_matches_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

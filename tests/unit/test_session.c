// SPDX-License-Identifier: GPL-2.0
/*
 * The session between the queue and the outputs, fed by a fake kernel side: rule events of the
 * netlink trace wait for their packets' ring buffer records, every event sent is received or
 * counted lost, and the end takes everything still on the way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel/decode.h"
#include "core/session/session.h"
#include "fixture_store.h"

#define NS    4026531840u
#define P_NL  P_COUNT /* the probe id of netlink trace events */
#define MS(x) ((uint64_t)(x)*1000000ull)

struct world {
	struct config cfg;
	struct names *n;
	struct store *s;
	struct queue *q;
	struct session *ss;
	struct stream st;
	char *out; /* what the stream printed */
	size_t out_len;
	/* the fake kernel side */
	uint64_t sent;
	uint64_t caught_up;
	uint64_t now; /* the clock netlink reads are timed by */
	struct session_losses lost;
	struct nft_trace_rec nl[300]; /* in the socket, more than one read takes */
	int n_nl;
};

static uint64_t fake_caught_up(void *ctx)
{
	return ((struct world *)ctx)->caught_up;
}

static void fake_losses(void *ctx, struct session_losses *l)
{
	*l = ((struct world *)ctx)->lost;
}

static int fake_nl_read(void *ctx, struct nft_trace_rec *out, int max)
{
	struct world *w = ctx;
	int n = w->n_nl < max ? w->n_nl : max;

	memcpy(out, w->nl, (size_t)n * sizeof(*out));
	w->n_nl -= n;
	memmove(w->nl, w->nl + n, (size_t)w->n_nl * sizeof(*out));
	return n;
}

static uint64_t fake_now(void *ctx)
{
	return ((struct world *)ctx)->now;
}

/*
 * netlink: the netlink trace is on; stream: lines go to w->out. The session is made at now on the
 * netlink reads' clock, tracing having begun at since (0: then).
 */
static struct world *world_new_at(uint32_t queue_slots, bool netlink, bool stream, uint64_t now,
				  uint64_t since)
{
	struct world *w = calloc(1, sizeof(*w));
	struct session_source src = { .ctx = w,
				      .caught_up_ns = fake_caught_up,
				      .losses = fake_losses,
				      .nl_read = netlink ? fake_nl_read : NULL,
				      .now_ns = fake_now,
				      .since_ns = since };
	struct session_outputs out = {};

	assert_non_null(w);
	fx_config(&w->cfg);
	w->cfg.max_packets = 8192;
	w->n = names__new();
	fx_names(w->n);
	names__set_offline(w->n);
	names__add_probe(w->n, P_NL, "nft:netlink-trace", NULL, L_NFT, PRIO_CRITICAL);
	w->s = store__new(w->cfg.max_packets, 64, &w->cfg, w->n);
	w->q = queue__new(queue_slots, sizeof(struct decode_slot));
	assert_non_null(w->s);
	assert_non_null(w->q);
	if (stream) {
		w->st.f = open_memstream(&w->out, &w->out_len);
		w->st.format = STREAM_TEXT;
		w->st.names = w->n;
		w->st.cfg = &w->cfg;
		w->st.store = w->s;
		out.stream = &w->st;
	}
	w->now = now;
	w->ss = session__new(w->s, w->q, &src, &out);
	assert_non_null(w->ss);
	return w;
}

static struct world *world_new(uint32_t queue_slots, bool netlink, bool stream)
{
	return world_new_at(queue_slots, netlink, stream, 0, 0);
}

static void world_free(struct world *w)
{
	session__free(w->ss);
	if (w->st.f)
		fclose(w->st.f);
	free(w->out);
	queue__free(w->q);
	store__free(w->s);
	names__free(w->n);
	free(w);
}

/* One record from the kernel: into the queue, or counted lost as the poller does. */
static void send_rec(struct world *w, const void *rec, uint32_t size)
{
	struct decode_slot slot = { .size = size };

	memcpy(&slot.u, rec, size);
	w->sent++;
	if (!queue__push(w->q, &slot, sizeof(slot)))
		w->lost.queue++;
}

#define SEND(w, rec) send_rec((w), &(rec), sizeof(rec))

/* A received packet with a bracketed input chain, as in the ring buffer: t0 .. t0 + 300. */
static void send_packet(struct world *w, uint64_t skb, uint64_t t0, uint16_t sport)
{
	struct skbtop_event ev = fx_ev(SKBTOP_EV_TP, skb, TP(NETIF_RECEIVE_SKB), t0);
	struct skbtop_nft_event ch = { .ev = fx_ev(SKBTOP_EV_NFT_CHAIN, skb, P_NFT_DO_CHAIN,
						   t0 + 100) };

	ev.hdr.flags = SKBTOP_F_NEW_PACKET;
	ev.tuple.sport = sport;
	SEND(w, ev);
	ch.ev.hdr.flags = SKBTOP_F_BRACKET;
	ch.ev.tuple.sport = sport;
	ch.hook = 1;
	strcpy(ch.table, "f");
	strcpy(ch.chain, "in");
	SEND(w, ch);
	ch.ev.hdr.flags = SKBTOP_F_BRACKET | SKBTOP_F_EXIT;
	ch.ev.hdr.ts_ns = t0 + 200;
	ch.verdict = 1;
	SEND(w, ch);
	ev = fx_ev(SKBTOP_EV_FUNC, skb, P_SOCK_QUEUE, t0 + 300);
	ev.tuple.sport = sport;
	SEND(w, ev);
}

/* The netlink trace read a rule event of the fixture's packet (sport 5353) at arrival. */
static void nl_read_at(struct world *w, uint64_t arrival)
{
	struct nft_trace_rec *r = &w->nl[w->n_nl++];

	memset(r, 0, sizeof(*r));
	r->id = 7;
	r->base = true;
	r->e.ev = fx_ev(SKBTOP_EV_NFT_RULE, 0, P_NL, arrival);
	r->e.ev.hdr.flags = SKBTOP_F_NETLINK;
	r->e.ev.netns = NS;
	r->e.hook = 1;
	r->e.rule_handle = 99;
	r->e.verdict = 1;
	strcpy(r->e.table, "f");
	strcpy(r->e.chain, "in");
}

static void pump_all(struct world *w)
{
	while (session__pump(w->ss, w->s))
		;
}

/* The number (from 1) of the first printed line that holds needle, 0 when none does. */
static int line_of(struct world *w, const char *needle)
{
	int line = 1;

	fflush(w->st.f);
	for (const char *p = w->out; p && *p; line++) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (memmem(p, len, needle, strlen(needle)))
			return line;
		p += len + (end ? 1 : 0);
	}
	return 0;
}

/* The number of the last printed line that holds needle, 0 when none does. */
static int last_line_of(struct world *w, const char *needle)
{
	int line = 1, last = 0;

	fflush(w->st.f);
	for (const char *p = w->out; p && *p; line++) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (memmem(p, len, needle, strlen(needle)))
			last = line;
		p += len + (end ? 1 : 0);
	}
	return last;
}

static int count_lines(struct world *w)
{
	int n = 0;

	fflush(w->st.f);
	for (const char *p = w->out; p && *p; p++)
		n += *p == '\n';
	return n;
}

static void test_a_rule_event_waits_until_the_poller_caught_up_after_it(void **state)
{
	struct world *w = world_new(64, true, false);
	const struct nft_join_stats *js = session__join_stats(w->ss);

	(void)state;
	/* Read before its packet's records are in: joining now would find no journey. */
	nl_read_at(w, MS(20));
	pump_all(w);
	assert_int_equal(js->joined + js->unmatched, 0);
	/* The packet's records come, all from before the read: still no sure sign. */
	send_packet(w, 0x1000, MS(10), 5353);
	pump_all(w);
	assert_int_equal(js->joined + js->unmatched, 0);
	/* The poller found the ring buffer empty after the read: the packet is surely in. */
	w->caught_up = MS(30);
	session__pump(w->ss, w->s);
	assert_int_equal(js->joined, 1);
	assert_int_equal(js->unmatched, 0);
	world_free(w);
}

static void test_a_later_ring_buffer_record_lets_a_rule_event_join(void **state)
{
	struct world *w = world_new(64, true, false);
	const struct nft_join_stats *js = session__join_stats(w->ss);

	(void)state;
	send_packet(w, 0x1000, MS(10), 5353);
	nl_read_at(w, MS(20));
	pump_all(w);
	assert_int_equal(js->joined, 0);
	send_packet(w, 0x2000, MS(40), 1111);
	session__pump(w->ss, w->s);
	assert_int_equal(js->joined, 1);
	assert_int_equal(js->unmatched, 0);
	world_free(w);
}

static void test_a_rule_event_read_late_prints_inside_its_chain(void **state)
{
	struct world *w = world_new(64, true, true);
	int dev, entry, rule, exit_, sock;

	(void)state;
	send_packet(w, 0x1000, MS(100), 5353);
	pump_all(w);
	nl_read_at(w, MS(101));
	w->caught_up = MS(300);
	pump_all(w);
	assert_int_equal(session__join_stats(w->ss)->joined, 1);
	dev = line_of(w, "netif_receive_skb");
	entry = line_of(w, "f in hook");
	rule = line_of(w, "rule #99");
	exit_ = line_of(w, "f in exit");
	sock = line_of(w, "sock_queue_rcv_skb");
	assert_int_equal(dev, 1);
	assert_int_equal(entry, 2);
	assert_int_equal(rule, 3);
	assert_int_equal(exit_, 4);
	assert_int_equal(sock, 5);
	world_free(w);
}

/* Filler packets of another flow, more than one pump takes. */
static void send_fillers(struct world *w, int n)
{
	for (int i = 0; i < n; i++) {
		struct skbtop_event ev = fx_ev(SKBTOP_EV_TP, 0x100000 + (uint64_t)i,
					       TP(NETIF_RECEIVE_SKB), MS(1) + (uint64_t)i);

		ev.hdr.flags = SKBTOP_F_NEW_PACKET;
		ev.tuple.sport = 1111;
		SEND(w, ev);
	}
}

/*
 * A message read after a long gap (the reader was held up) may be that much older than its read,
 * however many quick reads follow while it waits for its packet's records: the lines after its
 * chain stay held until it joined.
 */
static void test_a_rule_event_read_after_a_long_gap_prints_inside_its_chain(void **state)
{
	struct world *w = world_new(64, true, true);

	(void)state;
	send_packet(w, 0x1000, MS(100), 5353);
	nl_read_at(w, MS(250));
	w->now = MS(250);
	/* The poller is held up too: the ring buffer was last found empty before the read. */
	w->caught_up = MS(130);
	session__pump(w->ss, w->s);
	assert_int_equal(session__join_stats(w->ss)->joined, 0);
	for (int i = 0; i < 1000; i++) {
		w->now += MS(1) / 10;
		session__pump(w->ss, w->s);
	}
	w->caught_up = MS(400);
	w->now = MS(400);
	session__pump(w->ss, w->s);
	assert_int_equal(session__join_stats(w->ss)->joined, 1);
	session__finish(w->ss);
	assert_int_equal(line_of(w, "rule #99"), line_of(w, "f in hook") + 1);
	assert_int_equal(line_of(w, "f in exit"), line_of(w, "rule #99") + 1);
	world_free(w);
}

/*
 * Traffic ran while the session was being made: the first read finds messages from before it, as
 * old as the tracing, and the lines after their chain wait for them.
 */
static void test_a_rule_event_from_before_the_session_prints_inside_its_chain(void **state)
{
	struct world *w = world_new_at(64, true, true, MS(1000), MS(100));

	(void)state;
	send_packet(w, 0x1000, MS(150), 5353);
	nl_read_at(w, MS(1000));
	w->caught_up = MS(900);
	session__pump(w->ss, w->s);
	assert_int_equal(session__join_stats(w->ss)->joined, 0);
	w->caught_up = MS(1100);
	w->now = MS(1100);
	session__pump(w->ss, w->s);
	assert_int_equal(session__join_stats(w->ss)->joined, 1);
	session__finish(w->ss);
	assert_int_equal(line_of(w, "rule #99"), line_of(w, "f in hook") + 1);
	assert_int_equal(line_of(w, "f in exit"), line_of(w, "rule #99") + 1);
	world_free(w);
}

/* At the end, more messages than one read takes: all of them print inside their chain. */
static void test_the_end_reads_every_message_before_the_held_lines_leave(void **state)
{
	struct world *w = world_new(64, true, true);
	int n = (int)(sizeof(w->nl) / sizeof(w->nl[0]));

	(void)state;
	send_packet(w, 0x1000, MS(100), 5353);
	session__pump(w->ss, w->s);
	for (int i = 0; i < n; i++)
		nl_read_at(w, MS(101));
	session__finish(w->ss);
	assert_int_equal(session__join_stats(w->ss)->joined, n);
	assert_int_equal(line_of(w, "rule #99"), line_of(w, "f in hook") + 1);
	assert_int_equal(line_of(w, "f in exit"), last_line_of(w, "rule #99") + 1);
	world_free(w);
}

static void test_a_pump_that_left_records_queued_does_not_trust_caught_up(void **state)
{
	struct world *w = world_new(8192, true, false);
	const struct nft_join_stats *js = session__join_stats(w->ss);

	(void)state;
	send_fillers(w, 5000);
	send_packet(w, 0x1000, MS(10), 5353);
	nl_read_at(w, MS(20));
	w->caught_up = MS(30);
	session__pump(w->ss, w->s);
	assert_int_equal(js->joined + js->unmatched, 0);
	pump_all(w);
	assert_int_equal(js->joined, 1);
	assert_int_equal(js->unmatched, 0);
	world_free(w);
}

static void test_every_event_sent_is_received_or_counted_lost(void **state)
{
	struct world *w = world_new(64, false, false);
	const struct store_stats *st = store__stats(w->s);

	(void)state;
	/* Five the ring buffer had no room for, then more than the queue holds at once. */
	w->lost.kernel = 5;
	w->sent = 5;
	for (uint64_t i = 0; i < 100; i++) {
		struct skbtop_event ev = fx_ev(SKBTOP_EV_TP, 0x1000 + i, TP(NETIF_RECEIVE_SKB), i);

		ev.hdr.flags = SKBTOP_F_NEW_PACKET;
		SEND(w, ev);
	}
	pump_all(w);
	assert_true(w->lost.queue > 0);
	assert_int_equal(st->lost_kernel, 5);
	assert_int_equal(st->lost_queue, w->lost.queue);
	assert_int_equal(st->events + st->lost_kernel + st->lost_queue, w->sent);
	world_free(w);
}

static void test_skbtops_own_marking_chains_are_not_stored(void **state)
{
	struct world *w = world_new(64, true, false);
	struct skbtop_nft_event ch = { .ev = fx_ev(SKBTOP_EV_NFT_CHAIN, 0x1000, P_NFT_DO_CHAIN,
						   10) };

	(void)state;
	ch.ev.hdr.flags = SKBTOP_F_NEW_PACKET;
	snprintf(ch.table, sizeof(ch.table), "%s%d", NFT_NLTRACE_PREFIX, 42);
	SEND(w, ch);
	strcpy(ch.table, "filter");
	SEND(w, ch);
	pump_all(w);
	assert_int_equal(store__stats(w->s)->events, 1);
	world_free(w);
}

static void test_the_end_takes_everything_still_on_the_way(void **state)
{
	struct world *w = world_new(8192, true, true);
	const struct store_stats *st = store__stats(w->s);
	int n_sent;

	(void)state;
	/* More than one pump takes, then a rule event nothing says is ready. */
	send_fillers(w, 5000);
	send_packet(w, 0x1000, MS(10), 5353);
	n_sent = (int)w->sent;
	session__pump(w->ss, w->s);
	nl_read_at(w, MS(10000));
	/* Lost after the last pump: the end still says so. */
	w->lost.kernel = 3;
	session__finish(w->ss);
	assert_int_equal(queue__len(w->q), 0);
	assert_int_equal(session__join_stats(w->ss)->joined, 1);
	assert_int_equal(st->lost_kernel, 3);
	/* Every record and the rule event printed, the rule inside its chain. */
	assert_int_equal(count_lines(w), n_sent + 1);
	assert_int_equal(line_of(w, "rule #99"), line_of(w, "f in hook") + 1);
	assert_int_equal(line_of(w, "f in exit"), line_of(w, "rule #99") + 1);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_rule_event_waits_until_the_poller_caught_up_after_it),
		cmocka_unit_test(test_a_later_ring_buffer_record_lets_a_rule_event_join),
		cmocka_unit_test(test_a_rule_event_read_late_prints_inside_its_chain),
		cmocka_unit_test(test_a_rule_event_read_after_a_long_gap_prints_inside_its_chain),
		cmocka_unit_test(test_a_rule_event_from_before_the_session_prints_inside_its_chain),
		cmocka_unit_test(test_the_end_reads_every_message_before_the_held_lines_leave),
		cmocka_unit_test(test_a_pump_that_left_records_queued_does_not_trust_caught_up),
		cmocka_unit_test(test_every_event_sent_is_received_or_counted_lost),
		cmocka_unit_test(test_skbtops_own_marking_chains_are_not_stored),
		cmocka_unit_test(test_the_end_takes_everything_still_on_the_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "core/base/clock.h"
#include "core/kernel/decode.h"
#include "core/base/log.h"
#include "core/session/session.h"
#include "core/outputs/stream_hold.h"

#define PUMP_BATCH	4096
#define LOSS_REFRESH_MS 200
#define METRICS_MS	1000 /* how often /metrics gets a new snapshot */
#define NL_BATCH	256
/* Stream lines held for the netlink trace (about 4 MiB), and how long after its chain ran a
 * trace message is read at the least and at the most. */
#define HOLD_LINES   16384
#define HOLD_READ_NS 20000000ull
#define HOLD_MAX_NS  1000000000ull /* no line waits longer for a slow reader */

struct session {
	struct store *store;
	struct queue *q;
	struct session_source src;
	struct session_outputs out;
	struct nft_join *join;	  /* the netlink trace's rule events waiting for their packets */
	struct stream_hold *hold; /* --stream with the netlink trace: lines wait for their rules */
	uint64_t ring_ns; /* the latest kernel time among the ring buffer's records so far */
	bool draining;	  /* stopping: the netlink trace is read once more, not with every pump */
	uint64_t nl_drained_ns; /* the latest read of the netlink trace that emptied the sockets */
	bool nl_drained;	/* there was one (before it, nl_drained_ns is when tracing began) */
	uint64_t nl_gap_ns;	/* the largest recent gap since such a read */
	double last_metrics_ms;
	double last_loss_ms;
};

/* Rendered here, by the thread that owns the store; the HTTP thread only copies it. */
static void publish_metrics(struct session *ss, bool force)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	double now = clock__ms();

	if (!ss->out.http || (!force && now - ss->last_metrics_ms < METRICS_MS))
		return;
	ss->last_metrics_ms = now;
	f = open_memstream(&text, &len);
	if (!f)
		return;
	if (metrics__render(ss->out.metrics, ss->store,
			    ss->out.cost ? cost__live(ss->out.cost) : NULL, f)) {
		fclose(f);
		free(text);
		return;
	}
	if (fclose(f)) {
		free(text);
		return;
	}
	metrics_http__publish(ss->out.http, text, len);
}

static uint64_t kernel_caught_up(void *ctx)
{
	const struct session_kernel *k = ctx;

	return k->poller ? poller__caught_up_ns(k->poller) : 0;
}

static void kernel_losses(void *ctx, struct session_losses *l)
{
	const struct session_kernel *k = ctx;
	uint64_t cnt[SKBTOP_CNT_MAX];

	if (k->loader && !loader__counters(k->loader, cnt))
		l->kernel = cnt[SKBTOP_CNT_RB_FAIL];
	if (k->poller) {
		struct poller_stats ps;

		poller__stats(k->poller, &ps);
		l->queue = ps.lost_queue;
		l->bad = ps.bad;
	}
	if (k->nl) {
		struct nft_nltrace_stats ns;

		nft_nltrace__stats(k->nl, &ns);
		l->nft_trace = ns.overruns;
	}
}

static int kernel_nl_read(void *ctx, struct nft_trace_rec *out, int max)
{
	const struct session_kernel *k = ctx;

	return k->nl ? nft_nltrace__read(k->nl, out, max) : 0;
}

void session__kernel_source(struct session_kernel *k, struct session_source *src)
{
	*src = (struct session_source){
		.ctx = k,
		.caught_up_ns = kernel_caught_up,
		.losses = kernel_losses,
		.nl_read = k->nl ? kernel_nl_read : NULL,
	};
}

static uint64_t now_ns(const struct session *ss)
{
	return ss->src.now_ns ? ss->src.now_ns(ss->src.ctx) : clock__ns();
}

struct session *session__new(struct store *s, struct queue *q, const struct session_source *src,
			     const struct session_outputs *out)
{
	struct session *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return NULL;
	ss->store = s;
	ss->q = q;
	ss->src = *src;
	ss->out = *out;
	if (src->nl_read && !(ss->join = nft_join__new()))
		goto fail;
	if (ss->join && out->stream && !(ss->hold = stream_hold__new(HOLD_LINES)))
		goto fail;
	/* Traffic may run while the session is made (the status line comes first, then the store,
	 * the poller and the cost): messages can be as old as the tracing. */
	ss->nl_drained_ns = src->since_ns ? src->since_ns : now_ns(ss);
	publish_metrics(ss, true);
	return ss;
fail:
	session__free(ss);
	return NULL;
}

void session__free(struct session *ss)
{
	if (!ss)
		return;
	nft_join__free(ss->join);
	stream_hold__free(ss->hold);
	free(ss);
}

const struct nft_join_stats *session__join_stats(const struct session *ss)
{
	return ss && ss->join ? nft_join__stats(ss->join) : NULL;
}

/* Kernel ring buffer failures, queue overflow and refused records into the store's counters. */
static void refresh_losses(struct session *ss, struct store *s, bool force)
{
	struct store_stats *st;
	struct session_losses l;
	double now = clock__ms();

	if (!force && now - ss->last_loss_ms < LOSS_REFRESH_MS)
		return;
	ss->last_loss_ms = now;
	st = store__stats_mut(s);
	l = (struct session_losses){ st->lost_kernel, st->lost_queue, st->bad_records, 0 };
	ss->src.losses(ss->src.ctx, &l);
	st->lost_kernel = l.kernel;
	st->lost_queue = l.queue;
	st->bad_records = l.bad;
	if (ss->join)
		st->lost_nft_trace = l.nft_trace + nft_join__stats(ss->join)->dropped;
}

/* A stream line now, or held until the rule events that go before it are joined. */
static void stream_line(struct session *ss, const struct journey *j, const void *rec, size_t size)
{
	if (ss->hold)
		stream_hold__push(ss->hold, ss->out.stream, j, rec, size);
	else
		stream__event(ss->out.stream, j, rec, size);
}

/* A record the store took, for the outputs that count as events come. */
static void count_metrics(struct session *ss, const void *rec, size_t size)
{
	if (ss->out.metrics && metrics__count(ss->out.metrics, rec, size))
		p_warn("metrics: out of memory, some nftables verdicts are not counted");
}

static void on_joined(void *ctx, const struct journey *j, const struct skbtop_nft_event *e)
{
	struct session *ss = ctx;

	count_metrics(ss, e, sizeof(*e));
	if (ss->out.stream)
		stream_line(ss, j, e, sizeof(*e));
}

/*
 * The time before which no rule event can still join: every trace message the kernel sent before
 * ready has been read (the socket is read after the queue is drained), so what has not joined yet
 * waits in the join, stamped when it was read. It was sent after the last read that emptied the
 * sockets before that one, so at most the gap since then earlier; the gap grows when the machine is
 * busy. A message not read yet was sent after the last read that emptied the sockets.
 */
static uint64_t hold_until(const struct session *ss, uint64_t ready)
{
	uint64_t oldest = nft_join__oldest_ns(ss->join);
	uint64_t upto = oldest < ready ? oldest : ready;
	uint64_t back = 2 * ss->nl_gap_ns > HOLD_READ_NS ? 2 * ss->nl_gap_ns : HOLD_READ_NS;

	return upto > back ? upto - back : 0;
}

/* The gap since the last read that emptied the sockets, taken into nl_gap_ns before a read. */
static void note_gap(struct session *ss, uint64_t now)
{
	uint64_t gap = now > ss->nl_drained_ns ? now - ss->nl_drained_ns : 0;

	/* Until a first read emptied the sockets, what they hold may go back to the start. */
	if (gap > HOLD_MAX_NS && ss->nl_drained)
		gap = HOLD_MAX_NS;
	if (gap > ss->nl_gap_ns)
		ss->nl_gap_ns = gap;
	/* It shrinks slowly, after one slow read the next may be slow too; and not while a message
	 * waits in the join, whose own gap may have been that large. */
	else if (nft_join__oldest_ns(ss->join) == UINT64_MAX)
		ss->nl_gap_ns -= ss->nl_gap_ns / 64;
}

/*
 * A netlink trace event waits until its packet's ring buffer records are surely in the store:
 * until the store has a record from after the time the event was read, or the poller found the
 * ring buffer empty after it (caught_up_ns, 0 if unknown) and the queue has been drained since.
 * No wait by the clock: a poller held up (a loaded guest) would let events look for journeys
 * that are still on their way. all joins the ones still waiting (at the end), and lets every held
 * stream line out once a read emptied the sockets: a full batch may have left older messages.
 */
static size_t pump_netlink(struct session *ss, struct store *s, uint64_t caught_up_ns, bool all)
{
	struct nft_trace_rec recs[NL_BATCH];
	uint64_t ready, now = now_ns(ss);
	bool drained;
	int n;

	if (!ss->join)
		return 0;
	if (ss->hold)
		note_gap(ss, now);
	n = ss->src.nl_read(ss->src.ctx, recs, NL_BATCH);
	drained = n < NL_BATCH;
	if (drained) {
		ss->nl_drained_ns = now;
		ss->nl_drained = true;
	}
	for (int i = 0; i < n; i++)
		nft_join__push(ss->join, &recs[i]);
	ready = ss->ring_ns > caught_up_ns ? ss->ring_ns : caught_up_ns;
	/* A record is stamped a little before it is committed to the ring buffer. */
	ready = ready > 1000000 ? ready - 1000000 : 0;
	n += (int)nft_join__run(ss->join, s, all ? UINT64_MAX : ready, on_joined, ss);
	if (ss->hold && !all)
		stream_hold__flush(ss->hold, ss->out.stream, hold_until(ss, ready));
	else if (ss->hold && drained)
		stream_hold__flush(ss->hold, ss->out.stream, UINT64_MAX);
	return (size_t)n;
}

/* What the outputs do with each record the store took into j. */
static void record_outputs(struct session *ss, const struct journey *j,
			   const struct decode_slot *slot)
{
	uint32_t marks = store__marks_at(j, slot->u.hdr.ts_ns);

	if (ss->out.stream && marks) {
		/* The store found something at this event (NAT, a flowtable): the line says so. */
		struct decode_slot marked = *slot;

		marked.u.hdr.flags |= marks;
		stream_line(ss, j, &marked.u, marked.size);
	} else if (ss->out.stream) {
		stream_line(ss, j, &slot->u, slot->size);
	}
	count_metrics(ss, &slot->u, slot->size);
	/* Folded as it ends: the store may evict it long before skbtop exits. */
	if (ss->out.folded && j->ended &&
	    (slot->u.hdr.type == SKBTOP_EV_DROP || slot->u.hdr.type == SKBTOP_EV_CONSUME) &&
	    folded__add(ss->out.folded, j))
		p_warn("folded stacks: out of memory, some packets are left out");
	if (ss->out.capture)
		capture__joined(ss->out.capture, ss->store, j, (uint64_t)clock__ms());
}

size_t session__pump(void *ctx, struct store *s)
{
	struct session *ss = ctx;
	/* Read before draining: what the poller had queued by then is in the store after. */
	uint64_t caught_up = ss->src.caught_up_ns(ss->src.ctx);
	const void *rec;
	uint32_t size;
	size_t n = 0;

	while (n < PUMP_BATCH && (rec = queue__peek(ss->q, &size))) {
		const struct decode_slot *slot = rec;
		const struct journey *j = NULL;

		if (slot->u.hdr.ts_ns > ss->ring_ns)
			ss->ring_ns = slot->u.hdr.ts_ns;
		/* nft_do_chain sees the marking chains of the netlink trace: they are ours. */
		if (slot->u.hdr.type == SKBTOP_EV_BYTES) {
			if (ss->out.capture)
				capture__bytes(ss->out.capture, &slot->u.bytes);
		} else if (!ss->join || slot->size != sizeof(struct skbtop_nft_event) ||
			   !nft_nltrace__own_table(slot->u.nft.table)) {
			j = store__add(s, &slot->u, slot->size);
		}
		if (j)
			record_outputs(ss, j, slot);
		queue__release(ss->q);
		n++;
	}
	if (!ss->draining)
		n += pump_netlink(ss, s, n < PUMP_BATCH ? caught_up : 0, false);
	refresh_losses(ss, s, false);
	if (ss->out.cost)
		cost__sample(ss->out.cost);
	publish_metrics(ss, false);
	if (ss->out.capture)
		capture__tick(ss->out.capture, s, (uint64_t)clock__ms());
	return n;
}

void session__clear(void *ctx, struct store *s)
{
	(void)ctx;
	store__clear(s);
}

void session__finish(struct session *ss)
{
	ss->draining = true;
	while (session__pump(ss, ss->store))
		;
	/* What the sockets hold now, not what traffic goes on sending. */
	for (int i = 0; i < 64 && pump_netlink(ss, ss->store, 0, true); i++)
		;
	if (ss->hold)
		stream_hold__flush(ss->hold, ss->out.stream, UINT64_MAX);
	refresh_losses(ss, ss->store, true);
	publish_metrics(ss, true);
}

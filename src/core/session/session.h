/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A running session's way from the queue to the outputs, for the screen and for --stream alike:
 * each pump drains the records the poller queued into the store and hands them to the outputs
 * that take them as they come (stream lines, metrics, folded stacks, pcapng); the netlink trace's
 * rule events join their packets only once the ring buffer's records from before them are in the
 * store; what each stage lost is copied into the store's counters. One thread pumps, and nothing
 * here waits: a pump takes what is there and returns.
 */
#ifndef SKBTOP_SESSION_H
#define SKBTOP_SESSION_H
#include <stddef.h>
#include <stdint.h>

#include "core/outputs/capture.h"
#include "core/kernel/cost.h"
#include "core/outputs/folded.h"
#include "core/kernel/loader.h"
#include "core/outputs/metrics.h"
#include "core/outputs/metrics_http.h"
#include "core/nft/nft_join.h"
#include "core/nft/nft_nltrace.h"
#include "core/kernel/poller.h"
#include "core/kernel/queue.h"
#include "core/session/store.h"
#include "core/outputs/stream.h"

/* What the stages before the store lost so far. */
struct session_losses {
	uint64_t kernel;    /* ring buffer reservations that failed */
	uint64_t queue;	    /* records the queue had no room for */
	uint64_t bad;	    /* records the decoder refused */
	uint64_t nft_trace; /* netlink trace socket overruns */
};

/* The kernel side as the session sees it: live, the poller, the loader and the netlink trace. */
struct session_source {
	void *ctx;
	/* The time before which every ring buffer record is in the queue; 0 when unknown. */
	uint64_t (*caught_up_ns)(void *ctx);
	/* Overwrites the counts it knows; l holds the last ones. */
	void (*losses)(void *ctx, struct session_losses *l);
	/* Up to max netlink trace records read now; NULL when the netlink trace is off. */
	int (*nl_read)(void *ctx, struct nft_trace_rec *out, int max);
	/* The clock the netlink reads are timed by; NULL: clock__ns. */
	uint64_t (*now_ns)(void *ctx);
	/* When tracing began on that clock: nothing the kernel sends is older; 0: at session__new.
	 */
	uint64_t since_ns;
};

/* The live kernel side; any of them may be NULL. Lives as long as the session. */
struct session_kernel {
	struct poller *poller;
	struct loader *loader;
	struct nft_nltrace *nl;
};
void session__kernel_source(struct session_kernel *k, struct session_source *src);

/* The outputs fed as records come; each may be NULL. */
struct session_outputs {
	const struct stream *stream; /* --stream */
	struct folded *folded;
	struct capture *capture;
	struct metrics *metrics;
	struct metrics_http *http; /* serves what metrics renders */
	struct cost *cost;
};

struct session;
/*
 * s and q are the session's store and the poller's queue; src is copied, its ctx must outlive the
 * session. /metrics has its first figures at once. NULL when out of memory.
 */
struct session *session__new(struct store *s, struct queue *q, const struct session_source *src,
			     const struct session_outputs *out);
void session__free(struct session *ss);
/* One pump (ctx is the session, s its store): returns how many records it took, 0 when idle. */
size_t session__pump(void *ctx, struct store *s);
/* The screen's "clear": forgets the journeys, not the counters. */
void session__clear(void *ctx, struct store *s);
/*
 * The end, once the poller has stopped: everything still queued, the rule events the sockets hold
 * and those still waiting join the store, held stream lines are printed, and the losses and
 * metrics are brought up to date.
 */
void session__finish(struct session *ss);
/* The netlink trace's join, NULL when it is off. */
const struct nft_join_stats *session__join_stats(const struct session *ss);
#endif /* SKBTOP_SESSION_H */

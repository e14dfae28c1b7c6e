/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packets' captured bytes (SKBTOP_EV_BYTES) joined to their journeys and written to a pcapng
 * file when the journey ends, with the journey as each packet's comment. The kernel sends the
 * bytes just before the event they belong to: they wait here, by skb address, until the store
 * has added that event. Bounded: CAPTURE_PENDING bytes records waiting and CAPTURE_JOURNEYS
 * journeys in flight with bytes; what does not fit is counted, never waited for. Owned by the
 * thread that fills the store.
 */
#ifndef SKBTOP_CAPTURE_H
#define SKBTOP_CAPTURE_H

#include <stdint.h>
#include <stdio.h>

#include "core/base/config.h"
#include "core/session/names.h"
#include "core/session/store.h"

#define CAPTURE_PENDING	    256
#define CAPTURE_JOURNEYS    4096
#define CAPTURE_PER_JOURNEY 3	 /* its first sight, its drop, and one spare */
#define CAPTURE_FLUSH_MS    1000 /* how often what was written reaches the file */

struct capture;

/*
 * Writes the pcapng section header to f (kept open by the caller); NULL when out of memory. An
 * ended journey's packets wait delay_ms for events that join late (the netlink trace's rule
 * verdicts), 0: written as it ends.
 */
struct capture *capture__new(FILE *f, uint32_t snaplen, uint32_t delay_ms, struct names *names,
			     const struct config *cfg);
void capture__free(struct capture *c);

/* A bytes record from the kernel. */
void capture__bytes(struct capture *c, const struct skbtop_bytes_event *b);
/* The store added an event to j: its waiting bytes join it; its end writes its packets. */
void capture__joined(struct capture *c, struct store *s, const struct journey *j, uint64_t now_ms);
/* Writes the ended journeys that waited long enough; flushes the file once a second. */
void capture__tick(struct capture *c, const struct store *s, uint64_t now_ms);
/* At exit: every journey with bytes, those in flight with what they know so far. */
void capture__finish(struct capture *c, const struct store *s);

/*
 * The captures the journeys of s keep (only that one when only is not NULL) into path as pcapng,
 * mode 0600, all or nothing; kernel times plus wall_offset_ns are the packets' times. 0, or -1
 * after p_err().
 */
int capture__save(const char *path, const struct store *s, const struct journey *only,
		  struct names *names, const struct config *cfg, int64_t wall_offset_ns);

struct capture_stats {
	uint64_t packets; /* packet blocks written */
	uint64_t lost;	  /* bytes records overwritten before their journey took them */
	int write_error;  /* -errno of the first failed write, 0 if none */
};
const struct capture_stats *capture__stats(const struct capture *c);

#endif /* SKBTOP_CAPTURE_H */

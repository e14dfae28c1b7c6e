/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stream lines held back a little, so that a rule event the netlink trace joins after its packet's
 * later records prints inside its chain, where the session puts it (the joined event carries the
 * time of the chain's entry). Lines leave in time order once no rule event can still go before
 * them; a full buffer lets its oldest line out first, so order may suffer but nothing waits.
 */
#ifndef SKBTOP_STREAM_HOLD_H
#define SKBTOP_STREAM_HOLD_H

#include <stddef.h>
#include <stdint.h>

#include "core/outputs/stream.h"

struct stream_hold;

/* cap lines at most; NULL when out of memory. */
struct stream_hold *stream_hold__new(size_t cap);
void stream_hold__free(struct stream_hold *h);

/* Holds the line stream__event would print now for record rec of journey j. */
void stream_hold__push(struct stream_hold *h, const struct stream *st, const struct journey *j,
		       const void *rec, size_t size);

/* Prints, in time order (ties in arrival order), the held lines stamped before upto_ns. */
size_t stream_hold__flush(struct stream_hold *h, const struct stream *st, uint64_t upto_ns);

size_t stream_hold__len(const struct stream_hold *h);

#endif /* SKBTOP_STREAM_HOLD_H */

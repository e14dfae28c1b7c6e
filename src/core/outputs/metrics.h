/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition (format 0.0.4) of a session: per-layer events, packets, drops
 * and time; drops by reason; packets by fate; nftables verdicts by table, chain and rule handle;
 * events lost; the tracer's own cost. Label sets are bounded: the top METRICS_TOP_REASONS drop
 * reasons and METRICS_TOP_RULES rules and chains by count get a series each, the rest are summed
 * into one series labelled "other". Owned by the thread that fills the store.
 */
#ifndef SKBTOP_METRICS_H
#define SKBTOP_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "core/base/config.h"
#include "core/kernel/cost.h"
#include "core/session/names.h"
#include "core/session/store.h"

#define METRICS_TOP_REASONS 20
#define METRICS_TOP_RULES   50

struct metrics;

struct metrics *metrics__new(const struct config *cfg, const struct names *names);
void metrics__free(struct metrics *m);

/* Counts the nftables verdict a record carries (other records are ignored); -ENOMEM. */
int metrics__count(struct metrics *m, const void *rec, size_t size);

/* The exposition of the store's totals and what was counted; cost may be NULL. -ENOMEM. */
int metrics__render(const struct metrics *m, const struct store *s, const struct cost_figures *cost,
		    FILE *out);

/* A label value as the exposition format wants it: printable, with \\, \" and \n escaped. */
void metrics__label(FILE *out, const char *value);

#endif /* SKBTOP_METRICS_H */

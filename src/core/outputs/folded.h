/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folded stacks of the time packets spent, the input of flamegraph.pl, inferno and speedscope:
 * one line per distinct path, "LAYER;LAYER;...;FUNCTION NS". The frames are the layers the packet
 * went through in order (a layer entered again after another one is a frame again; consecutive
 * events in one layer are one frame), then the function or tracepoint of the event the time
 * follows; NS is the nanoseconds from that event to the packet's next one, summed over every
 * packet that took the same path. A journey's weights add up to its duration.
 */
#ifndef SKBTOP_FOLDED_H
#define SKBTOP_FOLDED_H

#include <stdio.h>

#include "core/base/config.h"
#include "core/session/names.h"
#include "core/session/store.h"

/* The last frame of a journey's time after its last held event, when its events were truncated. */
#define FOLDED_NOT_HELD "[events_not_held]"

struct folded;

struct folded *folded__new(const struct config *cfg, const struct names *names);
void folded__free(struct folded *f);

/* Adds the time of j's events; -ENOMEM (what was added before stays). */
int folded__add(struct folded *f, const struct journey *j);

/* The lines, sorted by path (the order flamegraph.pl wants), to out; -ENOMEM. */
int folded__write(const struct folded *f, FILE *out);

/* Writes the lines to path ("-": stdout), all or nothing; 0, or -1 after p_err(). */
int folded__save(const struct folded *f, const char *path);

/* Distinct paths so far, and the nanoseconds summed over them. */
size_t folded__paths(const struct folded *f);
uint64_t folded__total_ns(const struct folded *f);

#endif /* SKBTOP_FOLDED_H */

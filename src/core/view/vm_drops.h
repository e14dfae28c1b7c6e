/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What is being dropped right now: every drop reason seen this session with its count, and
 * per second over the last minute from the packets held, for a sparkline.
 */
#ifndef SKBTOP_VM_DROPS_H
#define SKBTOP_VM_DROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/session/store.h"

#define VM_SPARK_SECONDS 60

struct vm_drop_row {
	uint32_t reason;
	uint64_t total;			       /* this session, evicted packets included */
	uint64_t recent;		       /* over the last VM_SPARK_SECONDS */
	uint32_t per_second[VM_SPARK_SECONDS]; /* the last entry is the second before now */
};

struct vm_drops {
	struct vm_drop_row *rows; /* the most recent drops first, then the most frequent */
	size_t n, cap;
};

/* now_ns is on the packets' clock (kernel monotonic). Returns -1 when out of memory. */
int vm_drops__build(struct vm_drops *d, const struct store *s, uint64_t now_ns);
void vm_drops__free(struct vm_drops *d);

/* The counts as one line of block characters (or ASCII), one per count, scaled to the most. */
void vm__sparkline(const uint32_t *v, size_t n, bool utf8, char *buf, size_t len);

#endif /* SKBTOP_VM_DROPS_H */

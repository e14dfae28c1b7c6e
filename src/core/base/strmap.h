/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A map from strings to numbers (open addressing, grows by doubling), for the lookups whose cost
 * must not grow with what a session holds: names a replayed file carries, rule texts, symbols.
 * Zero-initialised is empty.
 */
#ifndef SKBTOP_STRMAP_H
#define SKBTOP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_ent {
	char *key; /* NULL: empty slot */
	uint64_t val;
};

struct strmap {
	struct strmap_ent *v;
	size_t n, cap; /* cap a power of two, at least twice n */
};

/* 0 with *val set when key is there, -1 when not. */
int strmap__get(const struct strmap *m, const char *key, uint64_t *val);
/* Adds key (copied) or replaces its value; -ENOMEM. */
int strmap__put(struct strmap *m, const char *key, uint64_t val);
void strmap__free(struct strmap *m);

#endif /* SKBTOP_STRMAP_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet list's order: by first sight (time, the store's own order) or by a column, each
 * key with the direction a user asks for first (the longest first, A to Z), and inverted.
 */
#ifndef SKBTOP_VM_SORT_H
#define SKBTOP_VM_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/view/viewmodel.h"

enum vm_sort_key {
	VMS_TIME = 0,
	VMS_DURATION,
	VMS_EVENTS,
	VMS_FATE,
	VMS_PROTOCOL,
	VMS_SOURCE,
	VMS_DESTINATION,
	VMS_INTERFACE,
	VMS_NFT,
	VMS_COUNT,
};

struct vm_sort {
	enum vm_sort_key key;
	bool invert;
};

/* "duration", "nft verdict", ... */
const char *vm_sort__name(enum vm_sort_key k);
/* "by duration, longest first", or brief: "by duration" ("by duration, inverted"). */
void vm_sort__describe(const struct vm_sort *s, bool brief, char *buf, size_t len);
/*
 * Orders r's rows (built in store order) by s; ties keep the order of first sight. Returns -1
 * when out of memory, the rows then stay in store order.
 */
int vm_rows__sort(struct vm_rows *r, const struct store *st, struct names *n,
		  const struct vm_sort *s);

#endif /* SKBTOP_VM_SORT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decoder: the first look at a ring-buffer record, in the poller thread. It checks the size
 * against the type before anything trusts the record, counts what it refuses, and copies good
 * records into fixed-size queue slots (no allocation).
 */
#ifndef SKBTOP_DECODE_H
#define SKBTOP_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "skbtop_event.h"

/* One queue slot holds any record; size says which. */
struct decode_slot {
	uint32_t size;
	uint32_t pad;
	union {
		struct skbtop_event_hdr hdr;
		struct skbtop_event ev;
		struct skbtop_nft_event nft;
		struct skbtop_bytes_event bytes;
	} u;
};

struct decode_bases;
/* Captured bytes make no slot larger, and the slot's size still tells the records apart. */
_Static_assert(sizeof(struct skbtop_bytes_event) <= sizeof(struct skbtop_nft_event) &&
		       sizeof(struct skbtop_bytes_event) != sizeof(struct skbtop_nft_event) &&
		       sizeof(struct skbtop_bytes_event) != sizeof(struct skbtop_event),
	       "struct skbtop_bytes_event must fit a slot and differ in size");

/* Written by the poller thread only; other threads read it with decoder__bad(). */
struct decoder {
	uint64_t bad;	  /* records refused: unknown type or size that does not match it */
	uint64_t records; /* records accepted */
	uint64_t unbased; /* short records whose skb's base record was not at hand */
	struct decode_bases *bases;
};

/*
 * Makes d ready for short records (SKBTOP_EV_HIT) of up to live_skbs skbs followed at once (the
 * kernel's table of tracked skbs); 0, or -1 out of memory. A decoder left at zero refuses
 * nothing but expands short records without their base (counted in unbased).
 */
int decoder__init(struct decoder *d, uint32_t live_skbs);
void decoder__release(struct decoder *d);

/* The size a record of this type must have once decoded, or 0 for an unknown type. */
size_t decode__size(uint16_t type);
/* 0 when the record can be trusted, -1 when refused. Pure: counts nothing. */
int decode__check(const void *data, size_t size);
/*
 * Checks the record and copies it into slot (nft names NUL-terminated), a short record made whole
 * from its skb's base. Returns 0, or -1 after counting it in d->bad. Cheap enough for the
 * ring-buffer callback.
 */
int decoder__copy(struct decoder *d, struct decode_slot *slot, const void *data, size_t size);
/* Checks without copying (when the consumer reads the ring buffer itself); counts like copy, but
 * refuses short records, which only a copy makes whole. */
int decoder__accept(struct decoder *d, const void *data, size_t size);
/* Safe from any thread. */
uint64_t decoder__bad(const struct decoder *d);
uint64_t decoder__records(const struct decoder *d);
uint64_t decoder__unbased(const struct decoder *d);

#endif /* SKBTOP_DECODE_H */

// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "decode.h"

size_t decode__size(uint16_t type)
{
	switch (type) {
	case SKBTOP_EV_FUNC:
	case SKBTOP_EV_TP:
	case SKBTOP_EV_DROP:
	case SKBTOP_EV_CONSUME:
	case SKBTOP_EV_CLONE:
		return sizeof(struct skbtop_event);
	case SKBTOP_EV_NFT_CHAIN:
	case SKBTOP_EV_NFT_RULE:
	case SKBTOP_EV_NF_HOOK:
		return sizeof(struct skbtop_nft_event);
	case SKBTOP_EV_BYTES:
		return sizeof(struct skbtop_bytes_event);
	default:
		return 0;
	}
}

int decode__check(const void *data, size_t size)
{
	const struct skbtop_event_hdr *h = data;

	if (!data || size < sizeof(*h))
		return -1;
	return decode__size(h->type) == size ? 0 : -1;
}

static void count(uint64_t *c)
{
	/* One writer (the poller); relaxed stores keep readers in other threads tear-free. */
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

int decoder__accept(struct decoder *d, const void *data, size_t size)
{
	if (decode__check(data, size)) {
		count(&d->bad);
		return -1;
	}
	count(&d->records);
	return 0;
}

int decoder__copy(struct decoder *d, struct decode_slot *slot, const void *data, size_t size)
{
	if (decoder__accept(d, data, size))
		return -1;
	memcpy(&slot->u, data, size);
	slot->size = (uint32_t)size;
	if (size == sizeof(struct skbtop_bytes_event) &&
	    slot->u.bytes.caplen > SKBTOP_SNAP_MAX)
		slot->u.bytes.caplen = SKBTOP_SNAP_MAX;
	if (size == sizeof(struct skbtop_nft_event)) {
		/* The kernel copies names with bounded reads: never trust their terminator. */
		slot->u.nft.table[SKBTOP_NAME_LEN - 1] = '\0';
		slot->u.nft.chain[SKBTOP_NAME_LEN - 1] = '\0';
		slot->u.nft.target[SKBTOP_NAME_LEN - 1] = '\0';
	}
	return 0;
}

uint64_t decoder__bad(const struct decoder *d)
{
	return __atomic_load_n(&d->bad, __ATOMIC_RELAXED);
}

uint64_t decoder__records(const struct decoder *d)
{
	return __atomic_load_n(&d->records, __ATOMIC_RELAXED);
}

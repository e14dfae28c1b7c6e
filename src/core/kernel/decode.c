// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "core/kernel/decode.h"

/* What a short record repeats of its skb's base record. */
struct base {
	uint64_t skb; /* 0: free */
	uint64_t ident;
	struct skbtop_tuple tuple;
	uint32_t ifindex, netns, mark, len;
	uint16_t l3proto;
};

/*
 * The base record of each followed skb, in two generations of open-addressed tables: new bases
 * and the ones used go into the young one; when it holds live_skbs, it becomes the old one and
 * the old one is emptied. So every skb seen among the last live_skbs skbs keeps its base, as many
 * as the kernel follows, without a list to keep in order, and an skb freed unseen costs nothing.
 */
struct decode_bases {
	struct base *gen[2]; /* young, old */
	uint32_t mask; /* slots per table - 1; twice live_skbs or more, so probes stay short */
	uint32_t limit, used;
};

int decoder__init(struct decoder *d, uint32_t live_skbs)
{
	struct decode_bases *b = calloc(1, sizeof(*b));
	uint32_t slots = 2;

	if (!b)
		return -1;
	while (slots < 2 * (uint64_t)live_skbs && slots < (1u << 31))
		slots <<= 1;
	b->mask = slots - 1;
	b->limit = slots / 2;
	b->gen[0] = calloc(slots, sizeof(struct base));
	b->gen[1] = calloc(slots, sizeof(struct base));
	if (!b->gen[0] || !b->gen[1]) {
		free(b->gen[0]);
		free(b->gen[1]);
		free(b);
		return -1;
	}
	d->bases = b;
	return 0;
}

void decoder__release(struct decoder *d)
{
	if (!d->bases)
		return;
	free(d->bases->gen[0]);
	free(d->bases->gen[1]);
	free(d->bases);
	d->bases = NULL;
}

/* The slot of skb in t: its own, or the free one where it would go. */
static struct base *base_slot(const struct decode_bases *b, struct base *t, uint64_t skb)
{
	uint32_t i = (uint32_t)((skb * 0x9e3779b97f4a7c15ull) >> 32) & b->mask;

	while (t[i].skb && t[i].skb != skb)
		i = (i + 1) & b->mask;
	return &t[i];
}

/* A slot for skb in the young table, which is rotated first when full. */
static struct base *base_put(struct decode_bases *b, uint64_t skb)
{
	struct base *e = base_slot(b, b->gen[0], skb), *old;

	if (e->skb)
		return e;
	if (b->used >= b->limit) {
		old = b->gen[1];
		memset(old, 0, ((size_t)b->mask + 1) * sizeof(*old));
		b->gen[1] = b->gen[0];
		b->gen[0] = old;
		b->used = 0;
		e = base_slot(b, b->gen[0], skb);
	}
	b->used++;
	e->skb = skb;
	return e;
}

static void base_note(struct decode_bases *b, const struct skbtop_event *ev)
{
	struct base *e = base_put(b, ev->skb);

	e->ident = ev->ident;
	e->tuple = ev->tuple;
	e->ifindex = ev->ifindex;
	e->netns = ev->netns;
	e->mark = ev->mark;
	e->len = ev->len;
	e->l3proto = ev->l3proto;
}

/* skb's base, brought into the young table; NULL when not known. */
static const struct base *base_find(struct decode_bases *b, uint64_t skb)
{
	struct base *e = base_slot(b, b->gen[0], skb), old;

	if (e->skb)
		return e;
	/* Copied out first: making room in the young table may empty the old one. */
	old = *base_slot(b, b->gen[1], skb);
	if (!old.skb)
		return NULL;
	e = base_put(b, skb);
	*e = old;
	return e;
}

/* The whole event a short record stands for. */
static void expand(struct decoder *d, struct skbtop_event *ev, const struct skbtop_hit *h)
{
	const struct base *b = d->bases && h->skb ? base_find(d->bases, h->skb) : NULL;

	memset(ev, 0, sizeof(*ev));
	ev->hdr = h->hdr;
	ev->hdr.type = h->func_id & SKBTOP_TP_FLAG ? SKBTOP_EV_TP : SKBTOP_EV_FUNC;
	ev->skb = h->skb;
	ev->func_id = h->func_id;
	ev->pid = h->pid;
	if (!b) {
		__atomic_store_n(&d->unbased, d->unbased + 1, __ATOMIC_RELAXED);
		return;
	}
	ev->ident = b->ident;
	ev->tuple = b->tuple;
	ev->ifindex = b->ifindex;
	ev->netns = b->netns;
	ev->mark = b->mark;
	ev->len = b->len;
	ev->l3proto = b->l3proto;
}

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
	const struct skbtop_event_hdr *h = data;

	if (data && size == sizeof(struct skbtop_hit) && h->type == SKBTOP_EV_HIT) {
		count(&d->records);
		expand(d, &slot->u.ev, data);
		slot->size = sizeof(struct skbtop_event);
		return 0;
	}
	if (decoder__accept(d, data, size))
		return -1;
	memcpy(&slot->u, data, size);
	slot->size = (uint32_t)size;
	if ((h->flags & SKBTOP_F_BASE) && d->bases && size == sizeof(struct skbtop_event))
		base_note(d->bases, &slot->u.ev);
	if (size == sizeof(struct skbtop_bytes_event) && slot->u.bytes.caplen > SKBTOP_SNAP_MAX)
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

uint64_t decoder__unbased(const struct decoder *d)
{
	return __atomic_load_n(&d->unbased, __ATOMIC_RELAXED);
}

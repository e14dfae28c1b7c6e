// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "core/outputs/stream_hold.h"

/* What stream__event reads of a journey, as it was when the record came. */
struct held {
	uint64_t ts, arrival;
	uint64_t id, parent_id, first_ns;
	enum fate fate;
	size_t size;
	struct skbtop_nft_event rec; /* the largest record a stream line is made of */
};

struct stream_hold {
	struct held *heap; /* a binary min-heap by (ts, arrival) */
	size_t len, cap;
	uint64_t arrivals;
};

struct stream_hold *stream_hold__new(size_t cap)
{
	struct stream_hold *h = calloc(1, sizeof(*h));

	if (h && !(h->heap = calloc(cap, sizeof(*h->heap)))) {
		free(h);
		return NULL;
	}
	if (h)
		h->cap = cap;
	return h;
}

void stream_hold__free(struct stream_hold *h)
{
	if (!h)
		return;
	free(h->heap);
	free(h);
}

size_t stream_hold__len(const struct stream_hold *h)
{
	return h->len;
}

static bool before(const struct held *a, const struct held *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->arrival < b->arrival);
}

static void swap(struct held *a, struct held *b)
{
	struct held t = *a;

	*a = *b;
	*b = t;
}

static void print_top(struct stream_hold *h, const struct stream *st)
{
	struct held *e = &h->heap[0];
	struct journey j = {
		.id = e->id, .parent_id = e->parent_id, .first_ns = e->first_ns, .fate = e->fate
	};
	size_t i = 0;

	stream__event(st, &j, &e->rec, e->size);
	h->heap[0] = h->heap[--h->len];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->len && before(&h->heap[l], &h->heap[m]))
			m = l;
		if (r < h->len && before(&h->heap[r], &h->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(&h->heap[i], &h->heap[m]);
		i = m;
	}
}

void stream_hold__push(struct stream_hold *h, const struct stream *st, const struct journey *j,
		       const void *rec, size_t size)
{
	const struct skbtop_event *ev = rec;
	struct held *e;
	size_t i;

	if (!j || size < sizeof(*ev) || size > sizeof(e->rec))
		return;
	if (h->len == h->cap)
		print_top(h, st);
	i = h->len++;
	e = &h->heap[i];
	*e = (struct held){ .ts = ev->hdr.ts_ns,
			    .arrival = h->arrivals++,
			    .id = j->id,
			    .parent_id = j->parent_id,
			    .first_ns = j->first_ns,
			    .fate = j->fate,
			    .size = size };
	memcpy(&e->rec, rec, size);
	while (i > 0 && before(&h->heap[i], &h->heap[(i - 1) / 2])) {
		swap(&h->heap[i], &h->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

size_t stream_hold__flush(struct stream_hold *h, const struct stream *st, uint64_t upto_ns)
{
	size_t n = 0;

	while (h->len && h->heap[0].ts < upto_ns) {
		print_top(h, st);
		n++;
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free SPSC ring: head is written only by the consumer, tail only by the producer; the
 * release/acquire pair on each publishes the slot contents before the index that exposes them.
 * Each side keeps its last view of the other's index and reads the shared one again only when
 * that view says full (or empty), so the two cache lines do not bounce on every record.
 */
#include "core/kernel/queue.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct slot_hdr {
	uint32_t size;
	uint32_t pad;
};

struct queue {
	alignas(64) _Atomic uint32_t head; /* next slot to pop */
	uint32_t tail_seen;		   /* consumer's view of tail */
	alignas(64) _Atomic uint32_t tail; /* next slot to fill */
	uint32_t head_seen;		   /* producer's view of head */
	alignas(64) uint32_t mask;
	uint32_t stride;
	unsigned char *slots;
};

struct queue *queue__new(uint32_t slots, uint32_t slot_size)
{
	struct queue *q;
	uint32_t n = 1;

	if (!slots || !slot_size || slots > (1u << 30))
		return NULL;
	while (n < slots)
		n <<= 1;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->mask = n - 1;
	q->stride = (uint32_t)((sizeof(struct slot_hdr) + slot_size + 7) & ~7u);
	q->slots = malloc((size_t)n * q->stride);
	if (!q->slots) {
		free(q);
		return NULL;
	}
	return q;
}

void queue__free(struct queue *q)
{
	if (!q)
		return;
	free(q->slots);
	free(q);
}

static struct slot_hdr *slot_at(struct queue *q, uint32_t idx)
{
	return (struct slot_hdr *)(q->slots + (size_t)(idx & q->mask) * q->stride);
}

void *queue__reserve(struct queue *q)
{
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (tail - q->head_seen > q->mask) {
		q->head_seen = atomic_load_explicit(&q->head, memory_order_acquire);
		if (tail - q->head_seen > q->mask)
			return NULL;
	}
	return slot_at(q, tail) + 1;
}

void queue__commit(struct queue *q, uint32_t size)
{
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);

	slot_at(q, tail)->size = size;
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
}

bool queue__push(struct queue *q, const void *rec, uint32_t size)
{
	void *slot;

	if (size > queue__slot_size(q) || !(slot = queue__reserve(q)))
		return false;
	memcpy(slot, rec, size);
	queue__commit(q, size);
	return true;
}

const void *queue__peek(struct queue *q, uint32_t *size)
{
	uint32_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	struct slot_hdr *s;

	if (head == q->tail_seen) {
		q->tail_seen = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (head == q->tail_seen)
			return NULL;
	}
	s = slot_at(q, head);
	*size = s->size;
	return s + 1;
}

void queue__release(struct queue *q)
{
	uint32_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	atomic_store_explicit(&q->head, head + 1, memory_order_release);
}

uint32_t queue__len(const struct queue *q)
{
	struct queue *m = (struct queue *)q;

	return atomic_load_explicit(&m->tail, memory_order_acquire) -
	       atomic_load_explicit(&m->head, memory_order_acquire);
}

uint32_t queue__slot_size(const struct queue *q)
{
	return q->stride - sizeof(struct slot_hdr);
}

uint32_t queue__capacity(const struct queue *q)
{
	return q->mask + 1;
}

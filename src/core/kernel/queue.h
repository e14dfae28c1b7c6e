/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded single-producer single-consumer queue of records up to a fixed size: the poller
 * thread pushes, the thread that owns the store pops. Pushing never blocks; a full queue refuses
 * and the producer counts the loss.
 */
#ifndef SKBTOP_QUEUE_H
#define SKBTOP_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct queue;

/* slots is rounded up to a power of two; each holds a record of at most slot_size bytes. */
struct queue *queue__new(uint32_t slots, uint32_t slot_size);
void queue__free(struct queue *q);

/* Producer: copies rec in; false when the queue is full or rec is larger than a slot. */
bool queue__push(struct queue *q, const void *rec, uint32_t size);

/*
 * Producer, without the copy: the next free slot (room for the slot size given to queue__new),
 * NULL when the queue is full. Nothing is published until queue__commit says how many bytes the
 * record has; a slot reserved and not committed is reserved again by the next call.
 */
void *queue__reserve(struct queue *q);
void queue__commit(struct queue *q, uint32_t size);

/* Consumer: the oldest record (NULL when empty), valid until queue__release. */
const void *queue__peek(struct queue *q, uint32_t *size);
void queue__release(struct queue *q);

uint32_t queue__len(const struct queue *q);
/* The largest record a slot holds (at least the slot_size given to queue__new). */
uint32_t queue__slot_size(const struct queue *q);
uint32_t queue__capacity(const struct queue *q);

#endif

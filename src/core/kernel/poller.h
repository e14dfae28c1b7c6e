/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The poller: a thread around ring_buffer__poll that checks each record (the decoder) and hands
 * it to the consumer through a bounded queue. It never waits for the consumer: a record the queue
 * cannot take is counted as lost, as is every ring buffer reservation the kernel side failed.
 */
#ifndef SKBTOP_POLLER_H
#define SKBTOP_POLLER_H

#include <stddef.h>
#include <stdint.h>

#include "core/kernel/queue.h"

struct poller;

/*
 * ringbuf_fd: the BPF ring buffer map. Records go into q as struct decode_slot, short ones made
 * whole; live_skbs: how many skbs the kernel follows at once (trace.track_max).
 */
struct poller *poller__start(int ringbuf_fd, struct queue *q, uint32_t live_skbs, char *err,
			     size_t errlen);
/* Stops the thread (within one poll period) and drains what the ring buffer still holds. */
void poller__stop(struct poller *p);
void poller__free(struct poller *p);

struct poller_stats {
	uint64_t records;    /* accepted by the decoder */
	uint64_t bad;	     /* refused by the decoder */
	uint64_t lost_queue; /* accepted but the queue was full */
	uint64_t unbased;    /* short records made whole without their skb's base record */
};

/* Safe from any thread. */
void poller__stats(const struct poller *p, struct poller_stats *out);
/*
 * The CLOCK_MONOTONIC time (the clock of the events' ts_ns) at which the poller last found the
 * ring buffer empty: every record made before it is in the queue. 0 before the first poll.
 */
uint64_t poller__caught_up_ns(struct poller *p);
/*
 * The CPU time the poller thread has used, running or ended; -1 when unknown. From the thread
 * that stops the poller.
 */
int poller__cpu_ns(const struct poller *p, uint64_t *ns);

#endif

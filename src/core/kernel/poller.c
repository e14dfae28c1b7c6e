// SPDX-License-Identifier: GPL-2.0
#include "core/kernel/poller.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kernel/decode.h"
#include "core/base/log.h"
#include "core/base/clock.h"

#define POLL_MS	 50
#define RETRY_NS (1000 * 1000) /* a full queue is tried again after this */

struct poller {
	struct ring_buffer *rb;
	struct queue *q;
	struct decoder dec;
	struct decode_slot slot;
	bool held;     /* slot holds a record the full queue refused: it goes in first */
	bool draining; /* the thread is gone: what the queue refuses now is lost */
	pthread_t thread;
	bool started;
	atomic_bool stop;
	_Atomic uint64_t lost_queue;
	_Atomic uint64_t caught_up_ns; /* see poller__caught_up_ns */
	clockid_t cpu_clock;
	bool have_cpu_clock;
	_Atomic uint64_t exit_cpu_ns; /* the thread's CPU time when it ended */
};

static bool push_slot(struct poller *p)
{
	return queue__push(p->q, &p->slot, offsetof(struct decode_slot, u) + p->slot.size);
}

/*
 * A full queue stops the reading: the record waits in the slot and the ones after it in the ring
 * buffer, which is larger and whose overflow the kernel counts, until the consumer, held up a
 * moment (a busy machine's scheduler), catches up. Nothing waits for it: the poller retries.
 */
static int on_record(void *ctx, void *data, size_t size)
{
	struct poller *p = ctx;
	struct decode_slot *slot = queue__reserve(p->q);

	/* Decoded in place: a copy through p->slot costs as much as the decoding. */
	if (slot) {
		if (!decoder__copy(&p->dec, slot, data, size))
			queue__commit(p->q, offsetof(struct decode_slot, u) + slot->size);
		return 0;
	}
	if (decoder__copy(&p->dec, &p->slot, data, size) || push_slot(p))
		return 0;
	if (!p->draining) {
		p->held = true;
		return -ENOSPC;
	}
	atomic_fetch_add_explicit(&p->lost_queue, 1, memory_order_relaxed);
	return 0;
}

static void *run(void *arg)
{
	struct poller *p = arg;

	while (!atomic_load(&p->stop)) {
		struct timespec retry = { 0, RETRY_NS };
		int n;

		if (p->held && !push_slot(p)) {
			nanosleep(&retry, NULL);
			continue;
		}
		p->held = false;
		n = ring_buffer__poll(p->rb, POLL_MS);
		/* Records come without a wakeup until the ring buffer fills
		 * (bpf/skbtop_maps.bpf.h): a poll that timed out has read nothing, so the timeout
		 * is when they are read. */
		if (n >= 0)
			n = ring_buffer__consume(p->rb);
		if (n == -ENOSPC)
			continue;
		if (n < 0 && n != -EINTR) {
			p_err("reading the ring buffer: %s", strerror(-n));
			break;
		}
		/* A poll returns once the ring buffer is empty: what came before is in the queue.
		 */
		atomic_store_explicit(&p->caught_up_ns, clock__ns(), memory_order_release);
	}
	/* Its clock goes with the thread: what it used is kept for the last cost sample. */
	atomic_store(&p->exit_cpu_ns, clock__ns_of(CLOCK_THREAD_CPUTIME_ID));
	return NULL;
}

struct poller *poller__start(int ringbuf_fd, struct queue *q, uint32_t live_skbs, char *err,
			     size_t errlen)
{
	struct poller *p;
	int ret;

	if (queue__slot_size(q) < sizeof(struct decode_slot)) {
		snprintf(err, errlen, "the queue's slots are smaller than a decoded record");
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p || decoder__init(&p->dec, live_skbs)) {
		snprintf(err, errlen, "out of memory");
		free(p);
		return NULL;
	}
	p->q = q;
	p->rb = ring_buffer__new(ringbuf_fd, on_record, p, NULL);
	if (!p->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		decoder__release(&p->dec);
		free(p);
		return NULL;
	}
	ret = pthread_create(&p->thread, NULL, run, p);
	if (ret) {
		snprintf(err, errlen, "cannot start the poller thread: %s", strerror(ret));
		ring_buffer__free(p->rb);
		decoder__release(&p->dec);
		free(p);
		return NULL;
	}
	p->started = true;
	p->have_cpu_clock = !pthread_getcpuclockid(p->thread, &p->cpu_clock);
	return p;
}

void poller__stop(struct poller *p)
{
	if (!p || !p->started)
		return;
	atomic_store(&p->stop, true);
	pthread_join(p->thread, NULL);
	p->started = false;
	p->draining = true;
	if (p->held && !push_slot(p))
		atomic_fetch_add_explicit(&p->lost_queue, 1, memory_order_relaxed);
	p->held = false;
	ring_buffer__consume(p->rb);
}

void poller__free(struct poller *p)
{
	if (!p)
		return;
	poller__stop(p);
	ring_buffer__free(p->rb);
	decoder__release(&p->dec);
	free(p);
}

uint64_t poller__caught_up_ns(struct poller *p)
{
	return p ? atomic_load_explicit(&p->caught_up_ns, memory_order_acquire) : 0;
}

void poller__stats(const struct poller *p, struct poller_stats *out)
{
	struct poller *m = (struct poller *)p;

	out->records = decoder__records(&p->dec);
	out->bad = decoder__bad(&p->dec);
	out->unbased = decoder__unbased(&p->dec);
	out->lost_queue = atomic_load_explicit(&m->lost_queue, memory_order_relaxed);
}

int poller__cpu_ns(const struct poller *p, uint64_t *ns)
{
	if (p->started && p->have_cpu_clock && (*ns = clock__ns_of(p->cpu_clock)))
		return 0;
	/* Ended (an error), or stopped and joined: its clock id may name another thread now. */
	*ns = atomic_load(&((struct poller *)p)->exit_cpu_ns);
	return *ns ? 0 : -1;
}

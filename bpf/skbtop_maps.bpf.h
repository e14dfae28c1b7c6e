/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps every skbtop BPF object shares, and the helpers that fill an event's common part.
 * skbtop.bpf.o owns them; other objects (nft.bpf.o) include this header too and are loaded with
 * bpf_map__reuse_fd() on the fds loader__shared_fds() gives, so there is one ring buffer, one
 * table of tracked skbs and one set of counters.
 */
#ifndef SKBTOP_MAPS_BPF_H
#define SKBTOP_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "skbtop_event.h"
#include "skbtop_parse.bpf.h"
#include "skbtop_skb.bpf.h"

/* A tracked skb: what was known when it passed the filter. */
struct skbtop_track {
	struct skbtop_tuple tuple; /* family 0 until headers were readable once */
	__u64 ident;		   /* see struct skbtop_parsed */
	__u64 first_ns;
	__u64 parent; /* skb this one was cloned or copied from, 0 if none */
	__u32 flags;  /* SKBTOP_TRK_* */
	__u32 events;
	/* The device (or, without one, the socket) last seen, and what it said: most events of a
	 * packet happen on the same one, so they cost no read. */
	__u64 where;
	__u32 ifindex;
	__u32 netns;
};

#define SKBTOP_TRK_NEW 0x1 /* no event emitted yet: the next one carries SKBTOP_F_NEW_PACKET */
#define SKBTOP_TRK_ENDED                                                                           \
	0x2 /* freed (kfree_skb, consume_skb): only its release path may follow                    \
	     */

/* User space sets the size (trace.ringbuf_kb) before load; a power of two of pages. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} skbtop_events SEC(".maps");

/* Key: skb address. User space sets max_entries from trace.track_max. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct skbtop_track);
} skbtop_tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SKBTOP_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} skbtop_counters SEC(".maps");

static __always_inline void skbtop__count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&skbtop_counters, &idx);

	if (v)
		(*v)++;
}

/* The tracking state of a live tracked skb, NULL when not tracked or already freed. */
static __always_inline struct skbtop_track *skbtop__tracked(const void *skb)
{
	__u64 key = (__u64)(unsigned long)skb;
	struct skbtop_track *trk = bpf_map_lookup_elem(&skbtop_tracked, &key);

	return trk && !(trk->flags & SKBTOP_TRK_ENDED) ? trk : NULL;
}

static __always_inline void skbtop__untrack(const void *skb)
{
	__u64 key = (__u64)(unsigned long)skb;

	bpf_map_delete_elem(&skbtop_tracked, &key);
}

/* Reserves a record; a failure is counted (SKBTOP_CNT_RB_FAIL) so no loss is silent. */
static __always_inline void *skbtop__reserve(__u64 size)
{
	void *rec = bpf_ringbuf_reserve(&skbtop_events, size, 0);

	if (!rec)
		skbtop__count(SKBTOP_CNT_RB_FAIL);
	return rec;
}

/*
 * A wakeup costs the traced path more than the event itself, so records are handed over without
 * one until a sixteenth of the ring buffer waits; below that the poller finds them at its next
 * timeout (src/core/poller.c).
 */
static __always_inline void skbtop__submit(void *rec)
{
	__u64 waiting = bpf_ringbuf_query(&skbtop_events, BPF_RB_AVAIL_DATA);
	__u64 size = bpf_ringbuf_query(&skbtop_events, BPF_RB_RING_SIZE);

	bpf_ringbuf_submit(rec, waiting >= size / 16 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	skbtop__count(SKBTOP_CNT_EVENTS);
}

/* The interface and netns of the skb s describes, read only when its device or socket changed. */
static __always_inline void skbtop__where(const struct skbtop_skb *s, struct skbtop_track *trk,
					  __u32 *ifindex, __u32 *netns, int rd)
{
	__u64 where = s->dev ? (__u64)(unsigned long)s->dev : (__u64)(unsigned long)s->sk;

	if (trk && where && trk->where == where) {
		*ifindex = trk->ifindex;
		*netns = trk->netns;
		return;
	}
	*ifindex = skbtop__dev_ifindex(s, rd);
	*netns = skbtop__skb_netns(s, rd);
	if (trk && where) {
		trk->where = where;
		trk->ifindex = *ifindex;
		trk->netns = *netns;
	}
}

/*
 * Fills the common part of an event from s. p holds the headers parsed here when parsed is true;
 * otherwise the tuple cached in trk (if any) is used and the event says so.
 */
static __always_inline void skbtop__fill(struct skbtop_event *ev, struct sk_buff *skb,
					 const struct skbtop_skb *s, __u16 type, __u32 func_id,
					 const struct skbtop_parsed *p, bool parsed,
					 struct skbtop_track *trk, int rd)
{
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->hdr.type = type;
	ev->hdr.cpu = bpf_get_smp_processor_id();
	ev->hdr.ts_ns = bpf_ktime_get_ns();
	ev->skb = (__u64)(unsigned long)skb;
	ev->func_id = func_id;
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	skbtop__where(s, trk, &ev->ifindex, &ev->netns, rd);
	ev->mark = s->mark;
	ev->len = s->len;
	ev->l3proto = s->protocol;
	if (parsed) {
		ev->tuple = p->tuple;
		ev->ident = p->ident;
	} else if (trk) {
		ev->tuple = trk->tuple;
		ev->ident = trk->ident;
		ev->hdr.flags |= SKBTOP_F_TUPLE_CACHED;
	}
	if (trk) {
		if (trk->flags & SKBTOP_TRK_NEW) {
			ev->hdr.flags |= SKBTOP_F_NEW_PACKET;
			trk->flags &= ~SKBTOP_TRK_NEW;
		}
		trk->events++;
	}
}

/* The common part for an skb read here, whose tracking state the caller looked up (may be NULL). */
static __always_inline void skbtop__fill_skb(struct skbtop_event *ev, struct sk_buff *skb,
					     __u16 type, __u32 func_id, struct skbtop_track *trk)
{
	struct skbtop_parsed p;
	struct skbtop_skb s = {};
	bool parsed;

	skbtop__skb_read(skb, &s, SKBTOP_RD_COPY);
	parsed = skbtop__parse(skb, &s, &p, SKBTOP_RD_COPY) == 0;
	skbtop__fill(ev, skb, &s, type, func_id, &p, parsed, trk, SKBTOP_RD_COPY);
}

#endif /* SKBTOP_MAPS_BPF_H */

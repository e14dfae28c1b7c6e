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
	__u64 skb;		   /* the skb's address, the entry's key; 0: the slot is free */
	struct skbtop_tuple tuple; /* family 0 until headers were readable once */
	__u64 ident;		   /* see struct skbtop_parsed */
	__u32 flags;		   /* SKBTOP_TRK_* */
	/* The device (or, without one, the socket) last seen, and what it said: most events of a
	 * packet happen on the same one, so they cost no read. */
	__u64 where;
	__u32 ifindex;
	__u32 netns;
	/* What the last SKBTOP_F_BASE record said beside the tuple (valid with SKBTOP_TRK_SENT). */
	__u64 sent_where;
	__u32 sent_len;
	__u32 sent_mark;
	__u16 sent_l3proto;
	/* Where in the buffer the tuple and identity were parsed from, and a digest of the bytes
	 * there, when all of them came from bytes read in place (skbtop__seen_same): valid with
	 * SKBTOP_TRK_SEEN. The bytes alone decide the tuple, wherever the buffer is. */
	__u16 seen_nh;
	__u16 seen_th;
	__u16 seen_l3proto;
	__u64 seen;
};

#define SKBTOP_TRK_NEW 0x1 /* no event emitted yet: the next one carries SKBTOP_F_NEW_PACKET */
#define SKBTOP_TRK_ENDED                                                                           \
	0x2 /* freed (kfree_skb, consume_skb): only its release path may follow                    \
	     */
/* A base record went out and the tuple has not changed since: a hit can be told short. */
#define SKBTOP_TRK_SENT 0x4
#define SKBTOP_TRK_SEEN 0x8

/* User space sets the size (trace.ringbuf_kb) before load; a power of two of pages. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} skbtop_events SEC(".maps");

/*
 * The ring's size in bytes, which user space sets with the map's size before load: asking the ring
 * (bpf_ringbuf_query) at every record would cost a helper call for a constant.
 */
const volatile __u64 skbtop_ring_bytes = 0;

/*
 * The tracked skbs: sets of SKBTOP_TRACK_WAYS slots, an skb's set chosen by its address. The
 * verifier turns a lookup in an array into a few instructions, where a hash table's was a call,
 * a hash and a walk of a bucket (and an insert or a delete, a lock and the LRU lists): together a
 * fifth of a followed packet's run on 6.18. User space sets the size from trace.track_max, a
 * power of two, and skbtop_track_shift with it (loader__track_shift).
 * Slots are written without a lock, as entries were: an skb is handled by one path at a time, so
 * only two skbs of one set starting at the same instant on two CPUs can mix their entries.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct skbtop_track);
} skbtop_tracked SEC(".maps");

/* 64 less log2 of the number of sets: an address's set is the top bits of its product below. */
const volatile __u32 skbtop_track_shift = 64 - 12;

#define SKBTOP_TRACK_MIX 0x9e3779b97f4a7c15ull

/* The first slot of key's set. */
static __always_inline __u32 skbtop__track_set(__u64 key)
{
	return (__u32)((key * SKBTOP_TRACK_MIX) >> skbtop_track_shift) * SKBTOP_TRACK_WAYS;
}

/* The entry of the skb at key, ended or not; NULL when there is none (or no skb: 0 is free). */
static __always_inline struct skbtop_track *skbtop__find(__u64 key)
{
	__u32 first = skbtop__track_set(key);

	if (!key)
		return NULL;
	for (__u32 i = 0; i < SKBTOP_TRACK_WAYS; i++) {
		__u32 idx = first + i;
		struct skbtop_track *t = bpf_map_lookup_elem(&skbtop_tracked, &idx);

		if (t && t->skb == key)
			return t;
	}
	return NULL;
}

/*
 * How many tracked skbs are live (tracked, not ended). While none is, a probe lets the filter
 * decide before it reads skbtop_tracked: one slot read instead of a set's four and the hash.
 * Raised when an skb starts being tracked, lowered by the run that ends a live entry or gives its
 * slot to another skb. An skb freed where no probe saw it stays live until then: the count stays
 * too high meanwhile, which only costs the lookups an exact count would save. Two CPUs ending one
 * skb at the same instant can both lower it (clang 14 has no atomic fetch-or to make the end one
 * transition): it is signed and read as "none" at or below 0, so it never wraps into a huge
 * value, and then it says "none" while one skb is followed, whose runs that no longer match the
 * filter go unseen.
 *
 * Beside it, how many entries skbtop_tracked holds, ended or not: raised by a start in a free
 * slot, lowered by a run that frees one. While there are none, an end function has no entry to
 * remove and skips the lookup. Two CPUs freeing one slot at the same instant lower it twice: an
 * ended entry an end function then skips waits for a new skb to take its slot.
 *
 * Both are globals of a section of their own, a one-entry array that user space and nft.bpf.o
 * share as they share the maps: read as a global, a gauge is one load where a map lookup took a
 * dozen instructions, at every run of every probe (14 of the 95 instructions of an unmatched
 * kprobe.multi run in the 6.12 guest, counted with tests/vm/run's VM_ICOUNT).
 */
__s64 skbtop_gauges[SKBTOP_GAUGE_MAX] SEC(".data.gauges");

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

static __always_inline void skbtop__gauge_add(__u32 idx, __s64 n)
{
	__sync_fetch_and_add(&skbtop_gauges[idx], n);
}

static __always_inline void skbtop__live_add(__s64 n)
{
	skbtop__gauge_add(SKBTOP_GAUGE_LIVE, n);
}

/* Whether the gauge at idx reads none. */
static __always_inline bool skbtop__gauge_none(__u32 idx)
{
	return skbtop_gauges[idx] <= 0;
}

/* No skb is followed now (see skbtop_gauges): the tracked table has nothing live to say. */
static __always_inline bool skbtop__none_live(void)
{
	return skbtop__gauge_none(SKBTOP_GAUGE_LIVE);
}

/* Frees the slot of the entry trk, if no other run did. */
static __always_inline void skbtop__forget(struct skbtop_track *trk)
{
	if (!trk->skb)
		return;
	trk->skb = 0;
	skbtop__gauge_add(SKBTOP_GAUGE_ENTRIES, -1);
}

/* Marks a tracked skb freed: only its release path may follow. */
static __always_inline void skbtop__end(struct skbtop_track *trk)
{
	if (!(trk->flags & SKBTOP_TRK_ENDED))
		skbtop__live_add(-1);
	trk->flags |= SKBTOP_TRK_ENDED;
}

/*
 * The tracking state of the live tracked skb at key (its address as a number), NULL when not
 * tracked or already freed.
 */
static __always_inline struct skbtop_track *skbtop__tracked(__u64 key)
{
	struct skbtop_track *trk;

	if (skbtop__none_live())
		return NULL;
	trk = skbtop__find(key);
	return trk && !(trk->flags & SKBTOP_TRK_ENDED) ? trk : NULL;
}

/* Forgets the skb whose entry trk is. */
static __always_inline void skbtop__untrack(struct skbtop_track *trk)
{
	skbtop__end(trk);
	skbtop__forget(trk);
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
 * Where the ring stood at a CPU's last look (skbtop__submit): past a sixteenth, past half, and
 * how many records the CPU submitted, which says when it looks next.
 */
struct skbtop_pace {
	__u64 records;
	__u32 above;
	__u32 half;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct skbtop_pace);
} skbtop_pace SEC(".maps");

/* A CPU asks the ring how full it is at one record in this many, and at every one past half. */
#define SKBTOP_PACE_ASK 16

/*
 * A wakeup costs the traced path more than the event itself (an interrupt to itself, a VM exit on
 * a guest), so records are handed over without one: the poller finds them at its next timeout
 * (src/core/kernel/poller.c). The first record a CPU submits after it saw the ring fill past a
 * sixteenth wakes it, and past half every record does, in case that one was missed; once awake it
 * reads until the ring is empty. Those wakeups past half, microseconds each, are also what slows
 * the traced path to user space's pace when user space falls behind: without them the ring
 * overflowed on a loaded machine.
 * Asking the ring is a helper call, and a call's return costs tens of ns where the kernel guards
 * returns (AMD's Safe RET): below half, a CPU asks at one record in SKBTOP_PACE_ASK, which delays
 * the wakeup by a few records of the fifteen sixteenths still free.
 */
static __always_inline void skbtop__submit(void *rec)
{
	__u32 zero = 0;
	struct skbtop_pace *pace = bpf_map_lookup_elem(&skbtop_pace, &zero);
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (!pace || pace->half || pace->records++ % SKBTOP_PACE_ASK == 0) {
		__u64 waiting = bpf_ringbuf_query(&skbtop_events, BPF_RB_AVAIL_DATA);
		__u32 above = waiting >= skbtop_ring_bytes / 16;
		__u32 half = waiting >= skbtop_ring_bytes / 2;

		if (half || (above && !(pace && pace->above)))
			flags = BPF_RB_FORCE_WAKEUP;
		if (pace) {
			pace->above = above;
			pace->half = half;
		}
	}
	bpf_ringbuf_submit(rec, flags);
	skbtop__count(SKBTOP_CNT_EVENTS);
}

/* What the interface and netns of an skb are read from: its device, else its socket. */
static __always_inline __u64 skbtop__where_key(const struct skbtop_skb *s)
{
	return s->dev ? (__u64)(unsigned long)s->dev : (__u64)(unsigned long)s->sk;
}

/* The interface and netns of the skb s describes, read only when its device or socket changed. */
static __always_inline void skbtop__where(const struct skbtop_skb *s, struct skbtop_track *trk,
					  __u32 *ifindex, __u32 *netns, int rd)
{
	__u64 where = skbtop__where_key(s);

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
	parsed = skbtop__parse(&s, &p) >= 0;
	skbtop__fill(ev, skb, &s, type, func_id, &p, parsed, trk, SKBTOP_RD_COPY);
}

/*
 * Whether this run's event can be an SKBTOP_EV_HIT: the skb's base record went out and its device
 * (or socket), length, mark and protocol are the same as then. Without a device or a socket the
 * netns is the running task's, which changes under the packet: those runs send full records.
 */
static __always_inline bool skbtop__repeats(const struct skbtop_track *trk,
					    const struct skbtop_skb *s)
{
	__u64 where = skbtop__where_key(s);

	return (trk->flags & (SKBTOP_TRK_SENT | SKBTOP_TRK_NEW)) == SKBTOP_TRK_SENT && where &&
	       where == trk->sent_where && s->len == trk->sent_len && s->mark == trk->sent_mark &&
	       s->protocol == trk->sent_l3proto;
}

/* Notes what the base record ev (submitted) said, for skbtop__repeats. */
static __always_inline void skbtop__sent_base(struct skbtop_track *trk, const struct skbtop_skb *s)
{
	trk->sent_where = skbtop__where_key(s);
	trk->sent_len = s->len;
	trk->sent_mark = s->mark;
	trk->sent_l3proto = s->protocol;
	trk->flags |= SKBTOP_TRK_SENT;
}

/* A short event for a tracked skb whose last base record says the rest; false if not sent. */
static __always_inline bool skbtop__hit(struct sk_buff *skb, __u32 func_id, bool parsed)
{
	struct skbtop_hit *h = skbtop__reserve(sizeof(*h));

	if (!h)
		return false;
	h->hdr.type = SKBTOP_EV_HIT;
	h->hdr.cpu = bpf_get_smp_processor_id();
	h->hdr.flags = parsed ? 0 : SKBTOP_F_TUPLE_CACHED;
	h->hdr.ts_ns = bpf_ktime_get_ns();
	h->skb = (__u64)(unsigned long)skb;
	h->func_id = func_id;
	h->pid = bpf_get_current_pid_tgid() >> 32;
	skbtop__submit(h);
	return true;
}

#endif /* SKBTOP_MAPS_BPF_H */

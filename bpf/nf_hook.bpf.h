/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_hook_slow calls in progress, per task, for the verdict nft.bpf.c reports at the call's return:
 * a frame is pushed at the entry and popped at the return. The entry is the main object's program
 * on nf_hook_slow where it has one (skbtop.bpf.c, SKBTOP_NF_HOOK_PROG), else the nftables object's
 * own kprobe: two kprobes at one address are two dispatches of the kernel's, about 250
 * instructions a call of nf_hook_slow in the 6.1 guest, which one program doing both saves. Both
 * objects include this; the nftables object uses the main object's map (bpf_map__reuse_fd).
 */
#ifndef SKBTOP_NF_HOOK_BPF_H
#define SKBTOP_NF_HOOK_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "skbtop_maps.bpf.h"

#define NF_HOOK_MAX_DEPTH 4 /* nested nf_hook_slow calls followed per task */

struct nf_hook_frame {
	__u64 skb;
	__u32 netns;
	__u8 tracked, hook, pf;
	__u8 done; /* the drop was reported at the free */
};

struct nf_hook_stack {
	__u32 depth;
	struct nf_hook_frame f[NF_HOOK_MAX_DEPTH];
};

/*
 * Keyed by task: a call made in process context may be preempted and resume on another CPU, so
 * a per-CPU stack would lose its frames; softirqs borrow the interrupted task and nest LIFO.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct nf_hook_stack);
} nf_hook_stacks SEC(".maps");

/* What a task's stack is created from. */
static const struct nf_hook_stack nf_hook_empty = {};

/*
 * The current task's slot in a per-task map; create makes it from zero on the task's first call.
 * Stacks are per task, not per CPU: a preempted call may return on another CPU.
 */
static __always_inline void *task_slot(void *map, const void *zero, bool create)
{
	__u64 task = bpf_get_current_task();
	void *st = bpf_map_lookup_elem(map, &task);

	if (st || !create || !zero || bpf_map_update_elem(map, &task, zero, BPF_NOEXIST))
		return st;
	return bpf_map_lookup_elem(map, &task);
}

static __always_inline struct nf_hook_stack *nf_hook__stack(bool create)
{
	return task_slot(&nf_hook_stacks, &nf_hook_empty, create);
}

/*
 * The entry of an nf_hook_slow call on skb, while the return is probed (SKBTOP_GAUGE_HOOK_EXITS):
 * a frame for each call while some skb is followed, whatever skb it is on, so that every return
 * pops its own. While none is followed no return has anything to report: no frame, no lookup of
 * the task's stack. Its return finds the stack empty, or pops an outer call's frame, whose skb is
 * not followed either (none was here): the outer returns then pop one frame early, and none of
 * those frames reports anything.
 */
static __always_inline void nf_hook__enter(__u64 skb, const struct nf_hook_state *state)
{
	struct nf_hook_stack *st;
	struct nf_hook_frame *f;
	__u32 d;

	if (skbtop__none_live() || skbtop__gauge_none(SKBTOP_GAUGE_HOOK_EXITS))
		return;
	st = nf_hook__stack(true);
	if (!st)
		return;
	d = st->depth++;
	skbtop__gauge_add(SKBTOP_GAUGE_HOOK_FRAMES, 1);
	if (d >= NF_HOOK_MAX_DEPTH)
		return;
	f = &st->f[d & (NF_HOOK_MAX_DEPTH - 1)];
	f->skb = skb;
	f->tracked = skbtop__tracked(skb) != NULL;
	f->done = 0;
	/* Only a followed skb's events describe the hook: four copies for every other packet. */
	if (!f->tracked)
		return;
	f->hook = BPF_CORE_READ(state, hook);
	f->pf = BPF_CORE_READ(state, pf);
	f->netns = BPF_CORE_READ(state, net, ns.inum);
}

/* The innermost frame, NULL when none is kept. */
static __always_inline struct nf_hook_frame *nf_hook__top(struct nf_hook_stack *st)
{
	__u32 d;

	if (!st)
		return NULL;
	d = st->depth;
	if (!d || d > NF_HOOK_MAX_DEPTH)
		return NULL;
	return &st->f[(d - 1) & (NF_HOOK_MAX_DEPTH - 1)];
}

#endif /* SKBTOP_NF_HOOK_BPF_H */

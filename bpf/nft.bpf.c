// SPDX-License-Identifier: GPL-2.0
/*
 * nftables in a packet's journey: which base chain saw it and what it returned (nft_do_chain),
 * which rule decided (__nft_trace_packet with the trace key on, or nft_immediate_eval for the
 * partial view), what each netfilter hook said (nf_hook_slow), and where kprobes do not exist,
 * netfilter programs bracketing each base chain. Only skbs the main object tracks are reported;
 * the maps are the main object's (bpf_map__reuse_fd), so these events share its ring buffer.
 * Layouts that moved between 6.1, 6.12 and 6.18 are read with CO-RE.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "nf_hook.bpf.h"
#include "nft_cfg.bpf.h"
#include "skbtop_event.h"
#include "skbtop_maps.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define NFT_MAX_DEPTH	4   /* nested nft_do_chain calls followed per CPU (reject replies nest) */
#define NFT_MAX_CHAINS	4   /* jump stack followed in immediate mode */
#define NFT_MAX_WALK	128 /* rules walked to find a chain's end or an expression's rule */
#define NF_DROP_V	0
#define NF_ACCEPT_V	1
#define NF_STOLEN_V	2
#define NFT_CONTINUE_V	-1
#define NFT_JUMP_V	-3
#define NFT_GOTO_V	-4
#define NFT_RETURN_V	-5
#define RULE_DP_HDR	8 /* struct nft_rule_dp: is_last:1, dlen:12, handle:42 */
#define RULE_IS_LAST(h) ((h)&1)
#define RULE_DLEN(h)	(((h) >> 1) & 0xfff)
#define RULE_HANDLE(h)	(((h) >> 13) & ((1ull << 42) - 1))

/* 6.1's nft_traceinfo carried the packet, rule and verdict; 6.4 passed them as arguments. */
struct nft_traceinfo___v61 {
	const struct nft_pktinfo *pkt;
	const struct nft_base_chain *basechain;
	const struct nft_rule_dp *rule;
	const struct nft_verdict *verdict;
} __attribute__((preserve_access_index));

/* One nft_do_chain call in progress on this CPU. */
struct nft_frame {
	struct skbtop_nft_event ev; /* what the entry reported: the template of later events */
	__u64 skb;
	__u64 chains[NFT_MAX_CHAINS]; /* immediate mode: base chain, then jumped-to chains */
	__u8 n_chains;
	__u8 tracked;
	__u8 exit_done; /* the exit was reported when the chain freed the skb */
	__u8 seq;
};

struct nft_stack {
	__u32 depth;
	struct nft_frame f[NFT_MAX_DEPTH];
};

/* Keyed by task, as nf_hook_stacks is (nf_hook.bpf.h says why). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct nft_stack);
} nft_stacks SEC(".maps");

/* Zeroed values to create a task's stack from (too large for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nft_stack);
} nft_zeroes SEC(".maps");

/* Bracketing: skbs between the programs before and after a base chain, with that chain's event. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct skbtop_nft_event);
} nft_open_brackets SEC(".maps");

const volatile struct nft_bracket_cfg nft_bracket = {};
/* Probe ids user space named after the main object's functions (enum nft_probe_kind). */
const volatile __u32 nft_func_base = 0;

/* The task's stack of nft_do_chain calls. */
static __always_inline struct nft_stack *nft__stack_of(bool create)
{
	__u32 zero = 0;

	return task_slot(&nft_stacks, create ? bpf_map_lookup_elem(&nft_zeroes, &zero) : NULL,
			 create);
}

static __always_inline struct nft_stack *nft__stack(void)
{
	return nft__stack_of(false);
}

/* The innermost frame, NULL when none is followed. */
static __always_inline struct nft_frame *nft__top(struct nft_stack *st)
{
	__u32 d;

	if (!st)
		return NULL;
	d = st->depth;
	if (!d || d > NFT_MAX_DEPTH)
		return NULL;
	/* The mask is for the verifier: clang folds the range check above away. */
	return &st->f[(d - 1) & (NFT_MAX_DEPTH - 1)];
}

static __always_inline void nft__chain_names(struct skbtop_nft_event *e,
					     const struct nft_chain *chain)
{
	const struct nft_table *table = BPF_CORE_READ(chain, table);

	bpf_probe_read_kernel_str(e->chain, sizeof(e->chain), BPF_CORE_READ(chain, name));
	bpf_probe_read_kernel_str(e->table, sizeof(e->table), BPF_CORE_READ(table, name));
	e->chain_handle = BPF_CORE_READ(chain, handle);
	e->family = BPF_CORE_READ_BITFIELD_PROBED(table, family);
}

static __always_inline const struct nft_base_chain *nft__base(const struct nft_chain *chain)
{
	/* container_of with the running kernel's offset: 96, 80, 112 on 6.1, 6.12, 6.18. */
	return (const void *)chain - bpf_core_field_offset(struct nft_base_chain, chain);
}

static __always_inline void nft__emit(const struct skbtop_nft_event *tmpl, __u16 type, __u32 flags,
				      __s32 verdict)
{
	struct skbtop_nft_event *e = skbtop__reserve(sizeof(*e));

	if (!e)
		return;
	__builtin_memcpy(e, tmpl, sizeof(*e));
	e->ev.hdr.type = type;
	e->ev.hdr.flags = (tmpl->ev.hdr.flags & SKBTOP_F_TUPLE_CACHED) | flags;
	e->ev.hdr.ts_ns = bpf_ktime_get_ns();
	e->ev.hdr.cpu = bpf_get_smp_processor_id();
	e->verdict = verdict;
	skbtop__submit(e);
}

/*
 * A trampoline's argument i as a number, read as the kprobes read theirs: typed, an argument
 * would allow no arithmetic (nft__base, nft__rule_chain).
 */
static __always_inline __u64 nft__arg(void *ctx, __u32 i)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, i, &v);
	return v;
}

#define NFT_ARG(i) ((const void *)(unsigned long)nft__arg(ctx, i))

/*
 * The entry of an nft_do_chain call. A frame for each call while some skb is followed, as
 * nf_hook__enter keeps nf_hook_slow's: while none is, no call has anything to report, and the
 * task's stack is neither looked up nor made at every chain a packet crosses. A return then finds
 * its stack empty, or pops an outer call's frame early, whose skb is not followed either; none of
 * those frames reports anything.
 */
static __always_inline void nft__chain_enter(const struct nft_pktinfo *pkt,
					     const struct nft_chain *chain)
{
	const struct nft_base_chain *base;
	struct skbtop_track *trk;
	struct nft_stack *st;
	struct nft_frame *f;
	struct sk_buff *skb;
	__u32 d;

	if (skbtop__none_live())
		return;
	st = nft__stack_of(true);
	if (!st)
		return;
	d = st->depth++;
	skbtop__gauge_add(SKBTOP_GAUGE_NFT_FRAMES, 1);
	if (d >= NFT_MAX_DEPTH)
		return;
	f = &st->f[d & (NFT_MAX_DEPTH - 1)];
	skb = BPF_CORE_READ(pkt, skb);
	trk = skbtop__tracked((__u64)(unsigned long)skb);
	f->tracked = trk != NULL;
	f->exit_done = 0;
	f->seq = 0;
	f->skb = (__u64)(unsigned long)skb;
	f->chains[0] = (__u64)(unsigned long)chain;
	f->n_chains = 1;
	if (!trk)
		return;

	skbtop__fill_skb(&f->ev.ev, skb, SKBTOP_EV_NFT_CHAIN, nft_func_base + NFT_PROBE_CHAIN, trk);
	base = nft__base(chain);
	/* The hook's namespace, not the device's: a veth peer's packet runs the receiver's rules.
	 */
	f->ev.ev.netns = BPF_CORE_READ(pkt, state, net, ns.inum);
	f->ev.rule_handle = 0;
	f->ev.priority = BPF_CORE_READ(base, ops.priority);
	f->ev.hook = BPF_CORE_READ(pkt, state, hook);
	f->ev.depth = d;
	f->ev.seq = 0;
	f->ev.pad = 0;
	f->ev.target[0] = 0;
	nft__chain_names(&f->ev, chain);
	nft__emit(&f->ev, SKBTOP_EV_NFT_CHAIN, f->ev.ev.hdr.flags & SKBTOP_F_NEW_PACKET, 0);
}

static __always_inline void nft__chain_return(unsigned int ret)
{
	struct nft_stack *st;
	struct nft_frame *f;
	__u32 d;

	if (skbtop__gauge_none(SKBTOP_GAUGE_NFT_FRAMES))
		return;
	st = nft__stack();
	if (!st || !st->depth)
		return;
	d = --st->depth;
	skbtop__gauge_add(SKBTOP_GAUGE_NFT_FRAMES, -1);
	if (d >= NFT_MAX_DEPTH)
		return;
	f = &st->f[d & (NFT_MAX_DEPTH - 1)];
	/* A chain that dropped on 6.7+ freed the skb inside: its exit was reported at the free. */
	if (!f->tracked || f->exit_done || !skbtop__tracked(f->skb))
		return;
	nft__emit(&f->ev, SKBTOP_EV_NFT_CHAIN, SKBTOP_F_EXIT, (__s32)ret);
}

SEC("kprobe/nft_do_chain")
int BPF_KPROBE(nft_chain_entry, const struct nft_pktinfo *pkt, const struct nft_chain *chain)
{
	nft__chain_enter(pkt, chain);
	return 0;
}

SEC("kretprobe/nft_do_chain")
int BPF_KRETPROBE(nft_chain_exit, unsigned int ret)
{
	nft__chain_return(ret);
	return 0;
}

/*
 * The same by BPF trampolines, where user space finds them cheaper (cmd_trace.c): a kprobe and a
 * kretprobe run at every call of nft_do_chain, at every base chain a packet crosses, followed or
 * not.
 */
SEC("fentry/nft_do_chain")
int BPF_PROG(nft_chain_fentry)
{
	nft__chain_enter(NFT_ARG(0), NFT_ARG(1));
	return 0;
}

SEC("fexit/nft_do_chain")
int BPF_PROG(nft_chain_fexit)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	nft__chain_return((unsigned int)ret);
	return 0;
}

/* The chain a rule belongs to on 6.4+: walk to the end marker, which points back at its chain. */
static __always_inline const struct nft_chain *nft__rule_chain(const struct nft_rule_dp *rule)
{
	const void *r = rule;
	__u64 hdr = 0;

	for (int i = 0; i < NFT_MAX_WALK; i++) {
		if (bpf_probe_read_kernel(&hdr, sizeof(hdr), r))
			return NULL;
		if (RULE_IS_LAST(hdr))
			break;
		r += RULE_DP_HDR + RULE_DLEN(hdr);
	}
	if (!RULE_IS_LAST(hdr))
		return NULL;
	return BPF_CORE_READ((struct nft_rule_dp_last *)r, chain);
}

/*
 * The innermost frame when its skb is followed, asked before anything of the call is read: with
 * the trace key on, __nft_trace_packet runs at every rule that decides, for every packet. While no
 * frame is kept (no skb followed), one load.
 */
static __always_inline struct nft_frame *nft__followed(void)
{
	struct nft_frame *f;

	if (skbtop__gauge_none(SKBTOP_GAUGE_NFT_FRAMES))
		return NULL;
	f = nft__top(nft__stack());
	return f && f->tracked ? f : NULL;
}

/*
 * One rule (or policy) event for f, the innermost followed frame, when it is skb's. The handle is
 * reported exactly when the kernel's own trace would (nf_trace_fill_rule_info): not for an end
 * marker, not for the implicit return of a chain that ran out of rules.
 */
static __always_inline void nft__rule_event(struct nft_frame *f, struct sk_buff *skb,
					    const struct nft_chain *chain,
					    const struct nft_rule_dp *rule,
					    const struct nft_verdict *verdict, int type)
{
	struct skbtop_nft_event *e;
	const struct nft_chain *target;
	__u64 hdr = 0;
	__u32 flags = 0;
	__s32 code;

	if (f->skb != (__u64)(unsigned long)skb)
		return;
	e = skbtop__reserve(sizeof(*e));
	if (!e)
		return;
	__builtin_memcpy(e, &f->ev, sizeof(*e));
	e->ev.hdr.type = SKBTOP_EV_NFT_RULE;
	e->ev.hdr.ts_ns = bpf_ktime_get_ns();
	e->ev.func_id = nft_func_base + NFT_PROBE_RULE;
	e->seq = ++f->seq;
	e->rule_handle = 0;
	e->target[0] = 0;
	code = BPF_CORE_READ(verdict, code);
	if (chain)
		nft__chain_names(e, chain);
	if (type == NFT_TRACETYPE_POLICY) {
		const struct nft_base_chain *base =
			nft__base((const void *)(unsigned long)f->chains[0]);

		flags |= SKBTOP_F_POLICY;
		code = BPF_CORE_READ(base, policy);
	} else if (rule && !bpf_probe_read_kernel(&hdr, sizeof(hdr), rule) && !RULE_IS_LAST(hdr) &&
		   !(type == NFT_TRACETYPE_RETURN && code == NFT_CONTINUE_V)) {
		e->rule_handle = RULE_HANDLE(hdr);
	}
	if (code == NFT_JUMP_V || code == NFT_GOTO_V) {
		target = BPF_CORE_READ(verdict, chain);
		bpf_probe_read_kernel_str(e->target, sizeof(e->target),
					  BPF_CORE_READ(target, name));
	}
	e->verdict = code;
	e->ev.hdr.flags = (f->ev.ev.hdr.flags & SKBTOP_F_TUPLE_CACHED) | flags;
	skbtop__submit(e);
}

/* 6.4 and later: (pkt, verdict, rule, info, type). */
static __always_inline void nft__trace_packet(const struct nft_pktinfo *pkt,
					      const struct nft_verdict *verdict,
					      const struct nft_rule_dp *rule,
					      const struct nft_traceinfo *info, int type)
{
	struct nft_frame *f = nft__followed();
	const struct nft_chain *chain = NULL;

	if (!f)
		return;
	if (rule)
		chain = nft__rule_chain(rule);
	if (!chain)
		chain = (const void *)BPF_CORE_READ(info, basechain) +
			bpf_core_field_offset(struct nft_base_chain, chain);
	nft__rule_event(f, BPF_CORE_READ(pkt, skb), chain, rule, verdict, type);
}

/* 6.1: (info, chain, type), the rest in info. */
static __always_inline void nft__trace_packet_v61(const struct nft_traceinfo___v61 *info,
						  const struct nft_chain *chain, int type)
{
	struct nft_frame *f = nft__followed();
	const struct nft_pktinfo *pkt;

	if (!f)
		return;
	pkt = BPF_CORE_READ(info, pkt);
	nft__rule_event(f, BPF_CORE_READ(pkt, skb), chain, BPF_CORE_READ(info, rule),
			BPF_CORE_READ(info, verdict), type);
}

SEC("kprobe/__nft_trace_packet")
int BPF_KPROBE(nft_trace_packet, const struct nft_pktinfo *pkt, const struct nft_verdict *verdict,
	       const struct nft_rule_dp *rule, struct nft_traceinfo *info, int type)
{
	nft__trace_packet(pkt, verdict, rule, info, type);
	return 0;
}

SEC("kprobe/__nft_trace_packet")
int BPF_KPROBE(nft_trace_packet_v61, struct nft_traceinfo___v61 *info,
	       const struct nft_chain *chain, int type)
{
	nft__trace_packet_v61(info, chain, type);
	return 0;
}

/*
 * The same by BPF trampolines, where user space finds them cheaper (cmd_trace.c): with the trace
 * key on, __nft_trace_packet runs at every rule that decides, for every packet.
 */
SEC("fentry/__nft_trace_packet")
int BPF_PROG(nft_trace_packet_fentry)
{
	nft__trace_packet(NFT_ARG(0), NFT_ARG(1), NFT_ARG(2), NFT_ARG(3), (int)nft__arg(ctx, 4));
	return 0;
}

SEC("fentry/__nft_trace_packet")
int BPF_PROG(nft_trace_packet_v61_fentry)
{
	nft__trace_packet_v61(NFT_ARG(0), NFT_ARG(1), (int)nft__arg(ctx, 2));
	return 0;
}

/* The handle of the rule holding the expression at addr, searching one blob of chain. */
static __always_inline __u64 nft__rule_of_expr(const struct nft_rule_blob *blob, __u64 addr)
{
	const void *r, *end;
	__u64 size, hdr;

	if (!blob)
		return 0;
	size = BPF_CORE_READ(blob, size);
	r = (const void *)blob + bpf_core_field_offset(struct nft_rule_blob, data);
	end = r + size;
	for (int i = 0; i < NFT_MAX_WALK && r < end; i++) {
		if (bpf_probe_read_kernel(&hdr, sizeof(hdr), r) || RULE_IS_LAST(hdr))
			return 0;
		if (addr > (__u64)(unsigned long)r &&
		    addr < (__u64)(unsigned long)r + RULE_DP_HDR + RULE_DLEN(hdr))
			return RULE_HANDLE(hdr);
		r += RULE_DP_HDR + RULE_DLEN(hdr);
	}
	return 0;
}

static __always_inline __u64 nft__find_rule(const struct nft_chain *chain, __u64 addr)
{
	__u64 h = nft__rule_of_expr(BPF_CORE_READ(chain, blob_gen_0), addr);

	/* The generation cursor can flip during a commit: the rule may be in either blob. */
	return h ? h : nft__rule_of_expr(BPF_CORE_READ(chain, blob_gen_1), addr);
}

/*
 * Immediate mode: verdicts written by accept/drop/jump/goto/return/queue immediates only. The
 * rule is found by walking the chain being evaluated; which chain that is comes from the jumps
 * seen so far, and an implicit return (unseen) is recovered by searching the callers' chains.
 */
static __always_inline void nft__immediate(const struct nft_expr *expr)
{
	struct nft_frame *f = nft__followed();
	const struct nft_immediate_expr *priv;
	const struct nft_chain *chain = NULL, *target;
	struct skbtop_nft_event *e;
	__u64 addr = (__u64)(unsigned long)expr, handle = 0;
	__s32 code;
	int n;

	if (!f)
		return;
	priv = (const void *)expr + bpf_core_field_offset(struct nft_expr, data);
	if (BPF_CORE_READ(priv, dreg) != NFT_REG_VERDICT)
		return;
	code = BPF_CORE_READ(priv, data.verdict.code);
	n = f->n_chains;
	for (int i = 0; i < NFT_MAX_CHAINS; i++) {
		if (n <= 0 || n > NFT_MAX_CHAINS)
			break;
		chain = (const void *)(unsigned long)f->chains[(n - 1) & (NFT_MAX_CHAINS - 1)];
		handle = nft__find_rule(chain, addr);
		if (handle)
			break;
		n--;
	}
	if (!handle)
		return;
	f->n_chains = n;
	target = BPF_CORE_READ(priv, data.verdict.chain);
	if (code == NFT_JUMP_V && n < NFT_MAX_CHAINS)
		f->chains[n & (NFT_MAX_CHAINS - 1)] = (__u64)(unsigned long)target,
						f->n_chains = n + 1;
	else if (code == NFT_GOTO_V && n > 0)
		f->chains[(n - 1) & (NFT_MAX_CHAINS - 1)] = (__u64)(unsigned long)target;
	else if (code == NFT_RETURN_V && n > 1)
		f->n_chains = n - 1;

	e = skbtop__reserve(sizeof(*e));
	if (!e)
		return;
	__builtin_memcpy(e, &f->ev, sizeof(*e));
	e->ev.hdr.type = SKBTOP_EV_NFT_RULE;
	e->ev.hdr.flags = (f->ev.ev.hdr.flags & SKBTOP_F_TUPLE_CACHED) | SKBTOP_F_PARTIAL;
	e->ev.func_id = nft_func_base + NFT_PROBE_RULE;
	e->ev.hdr.ts_ns = bpf_ktime_get_ns();
	e->seq = ++f->seq;
	e->rule_handle = handle;
	e->verdict = code;
	e->target[0] = 0;
	nft__chain_names(e, chain);
	if (code == NFT_JUMP_V || code == NFT_GOTO_V)
		bpf_probe_read_kernel_str(e->target, sizeof(e->target),
					  BPF_CORE_READ(target, name));
	skbtop__submit(e);
}

SEC("kprobe/nft_immediate_eval")
int BPF_KPROBE(nft_immediate, const struct nft_expr *expr)
{
	nft__immediate(expr);
	return 0;
}

SEC("fentry/nft_immediate_eval")
int BPF_PROG(nft_immediate_fentry)
{
	nft__immediate(NFT_ARG(0));
	return 0;
}

/* Where the main object has no program on nf_hook_slow (fentry, or a function list without it). */
SEC("kprobe/nf_hook_slow")
int BPF_KPROBE(nf_hook_entry, struct sk_buff *skb, struct nf_hook_state *state)
{
	nf_hook__enter((__u64)(unsigned long)skb, state);
	return 0;
}

static __always_inline void nf__hook_event(const struct nf_hook_frame *f, __u32 depth,
					   __s32 verdict, __u32 flags)
{
	struct skbtop_track *trk = skbtop__tracked(f->skb);
	struct skbtop_nft_event *e = skbtop__reserve(sizeof(*e));

	if (!e)
		return;
	/* The skb may be freed by now: report from the tracked tuple, never read it. */
	__builtin_memset(e, 0, sizeof(*e));
	e->ev.hdr.type = SKBTOP_EV_NF_HOOK;
	e->ev.func_id = nft_func_base + NFT_PROBE_HOOK;
	e->ev.hdr.flags = SKBTOP_F_TUPLE_CACHED | flags;
	e->ev.hdr.cpu = bpf_get_smp_processor_id();
	e->ev.hdr.ts_ns = bpf_ktime_get_ns();
	e->ev.skb = f->skb;
	e->ev.pid = bpf_get_current_pid_tgid() >> 32;
	e->ev.netns = f->netns;
	if (trk)
		e->ev.tuple = trk->tuple;
	e->family = f->pf;
	e->hook = f->hook;
	e->depth = depth;
	e->verdict = verdict;
	skbtop__submit(e);
}

/*
 * nf_hook_slow returns 1 to go on, 0 when a hook stole or queued the skb, -errno when dropped;
 * the event carries it as a netfilter verdict (drops with their errno) so one decoder serves all.
 * A drop frees the skb before the return: it was reported at the free, in its journey.
 */
static __always_inline void nf__hook_return(int ret)
{
	struct nf_hook_stack *st;
	struct nf_hook_frame *f;
	__u32 d;

	if (skbtop__gauge_none(SKBTOP_GAUGE_HOOK_FRAMES))
		return;
	st = nf_hook__stack(false);
	if (!st || !st->depth)
		return;
	d = --st->depth;
	skbtop__gauge_add(SKBTOP_GAUGE_HOOK_FRAMES, -1);
	if (d >= NF_HOOK_MAX_DEPTH)
		return;
	f = &st->f[d & (NF_HOOK_MAX_DEPTH - 1)];
	if (!f->tracked || f->done || !skbtop__tracked(f->skb))
		return;
	if (ret == 1)
		nf__hook_event(f, d, NF_ACCEPT_V, 0);
	else if (ret == 0)
		nf__hook_event(f, d, NF_STOLEN_V, 0);
	else
		nf__hook_event(f, d, ((-ret) << 16) | NF_DROP_V, 0);
}

SEC("kretprobe/nf_hook_slow")
int BPF_KRETPROBE(nf_hook_exit, int ret)
{
	nf__hook_return(ret);
	return 0;
}

/*
 * The same return by a BPF trampoline, where user space finds it cheaper (cmd_trace.c): the
 * kretprobe runs at every call of nf_hook_slow, packets followed or not, and in the 6.1 guest it
 * cost 460 instructions a datagram more. The return value is asked for, so the count of the
 * arguments before it does not matter.
 */
SEC("fexit/nf_hook_slow")
int BPF_PROG(nf_hook_fexit)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	nf__hook_return((int)ret);
	return 0;
}

/*
 * kfree_skb inside a chain: since 6.7 nft_do_chain frees a dropped skb before returning, and the
 * main object stops tracking it there. Attached before the main object's program, this reports
 * the chain's exit (and a bracketed chain's) while the skb still belongs to its journey.
 */
SEC("tp_btf/kfree_skb")
int BPF_PROG(nft_kfree_skb, struct sk_buff *skb, void *location, int reason)
{
	struct skbtop_nft_event *open;
	struct nf_hook_frame *hf;
	struct nft_frame *f;
	__u64 key;

	if (reason != bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP))
		return 0;
	/* skb is typed, which allows no arithmetic: its address as a number, for the table. */
	if (bpf_probe_read_kernel(&key, sizeof(key), &ctx[0]) || !skbtop__tracked(key))
		return 0;
	f = nft__top(nft__stack());
	if (f && f->tracked && f->skb == key && !f->exit_done) {
		f->exit_done = 1;
		nft__emit(&f->ev, SKBTOP_EV_NFT_CHAIN, SKBTOP_F_EXIT | SKBTOP_F_AT_FREE, NF_DROP_V);
	}
	hf = nf_hook__top(nf_hook__stack(false));
	if (hf && hf->tracked && hf->skb == key && !hf->done) {
		hf->done = 1;
		nf__hook_event(hf, 0, NF_DROP_V, SKBTOP_F_AT_FREE);
	}
	open = bpf_map_lookup_elem(&nft_open_brackets, &key);
	if (open) {
		nft__emit(open, SKBTOP_EV_NFT_CHAIN,
			  SKBTOP_F_EXIT | SKBTOP_F_BRACKET | SKBTOP_F_AT_FREE, NF_DROP_V);
		bpf_map_delete_elem(&nft_open_brackets, &key);
	}
	return 0;
}

/*
 * Without kprobes: one copy of this program stands just before a base chain (priority - 1) and
 * one just after it (priority + 1). A packet that passed the first and never the second was
 * taken by the chain; a NETFILTER_DROP free in between names it as the dropper.
 */
SEC("netfilter")
int nft_bracket_prog(struct bpf_nf_ctx *ctx)
{
	struct sk_buff *skb = ctx->skb;
	struct skbtop_nft_event *open, e;
	struct skbtop_track *trk;
	__u64 key;

	/* Every packet of the hook passes here: while none is followed, one load. */
	if (skbtop__none_live())
		return NF_ACCEPT_V;
	/* As in nft_kfree_skb: the typed skb's address as a number. */
	if (bpf_probe_read_kernel(&key, sizeof(key), &ctx->skb))
		return NF_ACCEPT_V;
	trk = skbtop__tracked(key);
	if (!trk)
		return NF_ACCEPT_V;
	if (nft_bracket.close.set) {
		open = bpf_map_lookup_elem(&nft_open_brackets, &key);
		if (open && open->chain_handle == nft_bracket.close.chain_handle &&
		    open->priority == nft_bracket.close.priority &&
		    open->hook == nft_bracket.close.hook) {
			nft__emit(open, SKBTOP_EV_NFT_CHAIN, SKBTOP_F_EXIT | SKBTOP_F_BRACKET,
				  NF_ACCEPT_V);
			bpf_map_delete_elem(&nft_open_brackets, &key);
		}
	}
	if (!nft_bracket.open.set)
		return NF_ACCEPT_V;
	skbtop__fill_skb(&e.ev, skb, SKBTOP_EV_NFT_CHAIN, nft_func_base + NFT_PROBE_BRACKET, trk);
	e.ev.netns = BPF_CORE_READ(ctx->state, net, ns.inum);
	e.rule_handle = 0;
	e.chain_handle = nft_bracket.open.chain_handle;
	e.verdict = 0;
	e.priority = nft_bracket.open.priority;
	e.family = nft_bracket.open.family;
	e.hook = nft_bracket.open.hook;
	e.depth = 0;
	e.seq = 0;
	e.pad = 0;
	__builtin_memcpy(e.table, (const void *)nft_bracket.open.table, sizeof(e.table));
	__builtin_memcpy(e.chain, (const void *)nft_bracket.open.chain, sizeof(e.chain));
	e.target[0] = 0;
	nft__emit(&e, SKBTOP_EV_NFT_CHAIN,
		  SKBTOP_F_BRACKET | (e.ev.hdr.flags & SKBTOP_F_NEW_PACKET), 0);
	bpf_map_update_elem(&nft_open_brackets, &key, &e, BPF_ANY);
	return NF_ACCEPT_V;
}

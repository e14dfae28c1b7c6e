// SPDX-License-Identifier: GPL-2.0
/*
 * skbtop's kernel side: one probe body for every skb-taking function, with entry points per
 * backend (kprobe.multi, kprobe, fentry) and per parameter position, plus the lifecycle and path
 * tracepoints. The filter decides once per skb; after that the skb is followed by address until
 * it is freed or consumed. Names, layers and text are user space's business.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* Headers read in place where the kernel allows it (skbtop_parse.bpf.h). */
#define SKBTOP_PARSE_DIRECT
#include "filter.bpf.h"
#include "nf_hook.bpf.h"
#include "skbtop_capture.bpf.h"
#include "skbtop_event.h"
#include "skbtop_maps.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * --empty-probes (enum skbtop_empty): every program returns at once. The verifier removes the
 * rest, so what remains is the cost of the hooks themselves on the same functions and tracepoints,
 * the floor a benchmark compares skbtop with. Each entry point asks, first thing, and
 * skbtop__on_skb does not ask again: the verifier keeps the load of a known value, so a second test
 * costs every run of skbtop. With =emit the probes of functions and tracepoints send a record for
 * every skb they see (SKBTOP_FLOOR) and do nothing else: the floor of a followed packet's run, what
 * any tracer that reports each function a packet crosses pays.
 */
const volatile __u32 skbtop_empty_probes = SKBTOP_PROBES;

/*
 * Bit SKBTOP_TP_x set: that tracepoint judges packets not yet followed (see skbtop__on_skb). User
 * space sets it from layers.yaml before load, and the verifier drops the filter from the others.
 */
const volatile __u32 skbtop_tp_judges = ~0u;

/* fentry has no attach cookie in libbpf 1.1: the function's address gives its probe id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u32);
} skbtop_ip2id SEC(".maps");

/*
 * kprobe.multi: the attach cookie of a function by its address (bpf_get_func_ip), as user space
 * put it in this table, open-addressed from skbtop_kmulti_slot, when it attached the links by
 * address. The kernel finds the cookie itself by a binary search over the link's addresses,
 * through an indirect call per step: 7 % of the sending task's CPU samples in the 6.12 guest with
 * every packet followed. A function not found within SKBTOP_KMULTI_PROBES slots (or links
 * attached by name) reads the cookie.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct skbtop_kmulti_id);
} skbtop_kmulti_ids SEC(".maps");

/* The table's size less one (user space sets both). */
const volatile __u32 skbtop_kmulti_mask = 0;

static __always_inline __u32 skbtop__kmulti_cookie(struct pt_regs *ctx)
{
	const __u32 mask = skbtop_kmulti_mask;
	__u64 ip = bpf_get_func_ip(ctx);
	__u32 first = skbtop_kmulti_slot(ip, mask);

	for (__u32 i = 0; i < SKBTOP_KMULTI_PROBES; i++) {
		__u32 k = (first + i) & mask;
		struct skbtop_kmulti_id *e = bpf_map_lookup_elem(&skbtop_kmulti_ids, &k);

		if (!e || !e->ip)
			break;
		if (e->ip == ip)
			return (__u32)e->cookie;
	}
	return (__u32)bpf_get_attach_cookie(ctx);
}

/*
 * The floors (enum skbtop_empty), first thing in the program of a function or a tracepoint, which
 * returns from it there. In the floor that returns at once the verifier leaves the one load of
 * skbtop_empty_probes and the return. The emitting floor sends the skb at key, seen by the probe
 * func_id names, in the record a followed packet's repeated run sends, through the same ring and
 * pacing. A macro, so that key and func_id are read in the emitting floor only.
 */
#define SKBTOP_FLOOR(key, func_id)                                                                 \
	do {                                                                                       \
		const __u32 empty__ = skbtop_empty_probes;                                         \
                                                                                                   \
		if (empty__) {                                                                     \
			__u64 k__ = empty__ == SKBTOP_EMPTY_EMIT ? (key) : 0;                      \
                                                                                                   \
			if (k__)                                                                   \
				skbtop__hit((struct sk_buff *)(unsigned long)k__,                  \
					    (func_id) & (SKBTOP_TP_FLAG | SKBTOP_ID_MASK), false); \
			return 0;                                                                  \
		}                                                                                  \
	} while (0)

/*
 * Returns 0 from the program here. The x86 JIT writes the epilogue at the first exit instruction
 * and makes the others jump to it: a run the filter refuses then ends next to its own code, not
 * at the shared return block kilobytes further on (one instruction cache line less, 2-5 ns a
 * tp_btf run on 6.18). Only in code inlined into a program's entry function: in a subprogram,
 * exit would return to its caller.
 */
#define skbtop__exit0()                                                                            \
	do {                                                                                       \
		asm volatile("r0 = 0\n\texit" ::: "r0");                                           \
		__builtin_unreachable();                                                           \
	} while (0)

/*
 * A 64-bit digest of the header bytes of s, read in place: kept beside the tuple, since the bytes
 * themselves (64) made the new state built on the stack too large for 6.1's limit on a program's
 * frame and the parser's together (544 of 512 bytes). Each step maps the digest so far one to one,
 * so headers that differ in one 8-byte word always differ in digest; ones that differ in more
 * share it by chance (about 2^-64), or by bytes made for that.
 */
static __always_inline __u64 skbtop__seen_digest(const struct skbtop_skb *s)
{
	const __u64 *w = skbtop_read_direct ? bpf_rdonly_cast(s->head + s->nh, 0)
					    : bpf_rdonly_cast(s->head + s->nh, skbtop_read_window);
	__u64 h = 0;

	for (int i = 0; i < SKBTOP_PARSE_WORDS; i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
	return h;
}

/*
 * Whether the headers of s are, in place, the bytes trk's tuple and identity were parsed from: a
 * followed packet's headers mostly stay as they are from one function to the next, and comparing
 * them costs less than parsing them again (a call, and the checksum).
 */
static __always_inline bool skbtop__seen_same(const struct skbtop_track *trk,
					      const struct skbtop_skb *s)
{
	return skbtop__bytes_in_place() && (trk->flags & SKBTOP_TRK_SEEN) &&
	       trk->seen_nh == s->nh && trk->seen_th == s->th && trk->seen_l3proto == s->protocol &&
	       trk->seen == skbtop__seen_digest(s);
}

/*
 * After the parse that gave ret: the digest of the bytes it read stands for trk's tuple when it
 * took all of it from bytes in place (ret 1). They cannot change between the two reads: only the
 * path that holds the skb writes its headers, and it is the one running this program.
 */
static __always_inline void skbtop__seen_keep(struct skbtop_track *trk, const struct skbtop_skb *s,
					      int ret)
{
	trk->flags &= ~SKBTOP_TRK_SEEN;
	if (!skbtop__bytes_in_place() || ret != 1)
		return;
	trk->seen = skbtop__seen_digest(s);
	trk->seen_nh = s->nh;
	trk->seen_th = s->th;
	trk->seen_l3proto = s->protocol;
	trk->flags |= SKBTOP_TRK_SEEN;
}

/* The state an skb starts being tracked with, in t, which holds zeros. */
static __always_inline void skbtop__track_init(struct skbtop_track *t,
					       const struct skbtop_parsed *p, bool parsed)
{
	if (parsed) {
		t->tuple = p->tuple;
		t->ident = p->ident;
	}
	t->flags = SKBTOP_TRK_NEW;
}

/*
 * Starts tracking, in the slot trk, the skb at key: the slot of an entry at key (ended, or live
 * while the count ran behind), a free one, or the one a new skb takes from another.
 */
static __always_inline struct skbtop_track *skbtop__track_at(struct skbtop_track *trk, __u64 key,
							     const struct skbtop_parsed *p,
							     bool parsed)
{
	if (!trk->skb)
		skbtop__gauge_add(SKBTOP_GAUGE_ENTRIES, 1);
	else if (!(trk->flags & SKBTOP_TRK_ENDED)) {
		skbtop__live_add(-1);
		if (trk->skb != key)
			skbtop__count(SKBTOP_CNT_TRACK_FULL);
	}
	__builtin_memset(trk, 0, sizeof(*trk));
	skbtop__track_init(trk, p, parsed);
	trk->skb = key;
	skbtop__count(SKBTOP_CNT_TRACKED);
	skbtop__live_add(1);
	return trk;
}

/*
 * Starts tracking the skb at key, in the slot of its set that holds it already, else a free one,
 * else an ended one, else one the address picks: an skb freed where no probe saw it leaves its
 * entry live, and such entries go the way an LRU table's oldest did, as new skbs need their slots.
 */
static __always_inline struct skbtop_track *skbtop__track(__u64 key, const struct skbtop_parsed *p,
							  bool parsed)
{
	__u32 first = skbtop__track_set(key), victim = (__u32)(key >> 8) % SKBTOP_TRACK_WAYS;
	struct skbtop_track *pick = NULL;
	int best = 4;

	for (__u32 i = 0; i < SKBTOP_TRACK_WAYS; i++) {
		__u32 idx = first + i;
		struct skbtop_track *t = bpf_map_lookup_elem(&skbtop_tracked, &idx);
		int rank;

		if (!t)
			continue;
		rank = t->skb == key ? 0 : !t->skb ? 1 : (t->flags & SKBTOP_TRK_ENDED) ? 2 : 3;
		if (rank < best && (rank < 3 || i == victim)) {
			best = rank;
			pick = t;
		}
	}
	if (!pick || !key)
		return NULL;
	return skbtop__track_at(pick, key, p, parsed);
}

/*
 * skbtop__on_skb's rd beside those of skbtop_skb.bpf.h: skb is an address to type as an sk_buff
 * (bpf_rdonly_cast, 6.2+), whose fields are then plain loads (SKBTOP_RD_BTF). It is cast once the
 * first checks let the run go on, so that a run they end costs no cast: the verifier inlines it,
 * but as moves the run still makes.
 */
#define SKBTOP_RD_CAST 2

/* Where skbtop__on_skb finds the skb's address as a number. */
enum skbtop_key_src {
	SKBTOP_KEY_ARG,	     /* its argument key */
	SKBTOP_KEY_CTX,	     /* ctx[idx], a raw_tp argument: a number already */
	SKBTOP_KEY_READ,     /* ctx[idx], which tp_btf types: read by a copy */
	SKBTOP_KEY_FUNC_ARG, /* an fentry program's argument idx, by bpf_get_func_arg */
};

static __always_inline __u64 skbtop__key(__u64 key, __u64 *ctx, int idx, int key_src)
{
	if (key_src == SKBTOP_KEY_CTX)
		return ctx[idx];
	if (key_src == SKBTOP_KEY_READ)
		bpf_probe_read_kernel(&key, sizeof(key), &ctx[idx]);
	else if (key_src == SKBTOP_KEY_FUNC_ARG)
		bpf_get_func_arg(ctx, idx, &key);
	return key;
}

/*
 * One probe run on skb. An skb not tracked costs the table lookup and the filter, nothing more:
 * its headers are parsed only once it is followed. A freed skb stays in the table, marked ended,
 * so that the functions of its release path add nothing; the next tracepoint or end function on
 * that address is about a new packet. At a tracepoint the headers are complete: when they show
 * another packet than the one tracked (same address, different identity), the old one was freed
 * unseen and the new one is judged afresh. Function events only refresh the cached tuple, since
 * the transmit path fills headers in while we watch. Once a full record (SKBTOP_F_BASE) went out,
 * a function or path tracepoint that finds the same headers, device, length and mark sends a
 * short one (struct skbtop_hit): most of a journey says the same thing again.
 *
 * The table is indexed by skb's address as a number, which the verifier does not let a pointer
 * typed by BTF give: key_src says where the number is (skbtop__key), read only once the table
 * is. A tracepoint's or fentry's ctx and the skb's index idx in it also give a drop's location and
 * reason, read where the record is filled: held in registers from the start, they made the frame
 * of kfree_skb's program too large for 6.1 and 6.12 (with the parser's, 512 bytes at most).
 *
 * lazy, when not NULL, is a kprobe's run (skbtop__kprobe): its cookie is read from it only once
 * the skb turns out followed or matching (on kprobe.multi, kmulti, by skbtop__kmulti_cookie).
 * cookie then holds only what the run's program knows of itself: SKBTOP_END_FLAG on an end
 * function's program.
 *
 * While no skb is followed (skbtop_gauges), the filter decides before the table is read, so an
 * unmatched skb costs no lookup; an skb followed whose headers no longer match (NAT, a kprobe
 * before the ports are written) is then live, and every run looks it up first, as it must. End
 * functions look whenever the table holds an entry, ended or not: they remove the ended entry
 * that would swallow the functions of the next packet at the same address.
 *
 * judge says whether an skb not followed may start a journey here: where user space says so
 * (SKBTOP_JUDGE_FLAG, skbtop_tp_judges), at the entry points and frees layers.yaml lists under
 * judge, or everywhere when there is no filter or filter.everywhere is set. Elsewhere an skb
 * not followed costs the live count's read, or the table lookup while some skb is followed, and
 * no filter: most functions of a packet's path lie between two judges, and the filter is most of
 * what an unmatched run costs (several times the empty program's run in the guests).
 */
static __always_inline int skbtop__on_skb(struct sk_buff *skb, __u64 key, __u64 *ctx, int idx,
					  int key_src, __u16 type, __u32 cookie,
					  struct pt_regs *lazy, bool kmulti, int rd, bool judge)
{
	bool is_tp = !lazy && (cookie & SKBTOP_TP_FLAG);
	bool is_end = !is_tp && (cookie & SKBTOP_END_FLAG);
	__u32 func_id;
	struct skbtop_track *trk, *stale = NULL;
	struct skbtop_event *ev;
	struct skbtop_parsed p;
	struct skbtop_skb s;
	bool parsed = false, translated = false, same = false, early;
	int ret;

	if (!skb)
		return 0;
	if (is_end && skbtop__gauge_none(SKBTOP_GAUGE_ENTRIES))
		return 0;
	early = !is_end && skbtop__none_live();
	if (early && !judge)
		return 0;
	if (rd == SKBTOP_RD_CAST) {
		skb = bpf_rdonly_cast(skb, bpf_core_type_id_kernel(struct sk_buff));
		rd = SKBTOP_RD_BTF;
	}
	if (!early)
		key = skbtop__key(key, ctx, idx, key_src);
	trk = early ? NULL : skbtop__find(key);
	if (trk && (trk->flags & SKBTOP_TRK_ENDED)) {
		if (!is_tp && !is_end)
			return 0;
		skbtop__forget(trk);
		trk = NULL;
	}
	if (!trk && (is_end || !judge))
		return 0;
	if (trk) {
		if (skbtop__skb_read(skb, &s, rd))
			return 0;
		skbtop__skb_read_rest(skb, &s, rd);
		same = skbtop__seen_same(trk, &s);
	}
	if (trk && !same) {
		ret = skbtop__parse(&s, &p);
		parsed = ret >= 0;
		/* A function sees headers being written, so only a change of address family tells
		 * it that its address now holds another packet (freed unseen, say by a path with no
		 * tracepoint); a tracepoint sees whole headers, so any other identity does. */
		if (parsed && trk->tuple.family &&
		    ((is_tp && trk->ident != p.ident) || p.tuple.family != trk->tuple.family)) {
			skbtop__untrack(trk);
			trk = NULL;
		} else if (parsed) {
			if (trk->ident != p.ident || !skbtop__same_tuple(&trk->tuple, &p.tuple))
				trk->flags &= ~SKBTOP_TRK_SENT;
			/* Bytes again where the headers say something new: written in at last on
			 * the way out (a kprobe sees a packet before its ports), or rewritten by
			 * NAT. */
			translated =
				(!trk->tuple.family || (trk->tuple.family == p.tuple.family &&
							trk->tuple.l4proto == p.tuple.l4proto)) &&
				p.tuple.sport && p.tuple.dport &&
				!skbtop__same_tuple(&trk->tuple, &p.tuple);
			trk->tuple = p.tuple;
			trk->ident = p.ident;
			skbtop__seen_keep(trk, &s, ret);
		}
	}
	if (!trk) {
		/* The filter reads what it needs itself; a match reads the rest. */
		if (!judge || !skbtop_filter_match(skb, rd) || skbtop__skb_read(skb, &s, rd))
			skbtop__exit0();
		skbtop__skb_read_rest(skb, &s, rd);
		if (early)
			key = skbtop__key(key, ctx, idx, key_src);
		/* Looked up only now: an ended entry still swallows its release path; otherwise the
		 * entry there (ended, or live because the count ran behind) starts afresh in place.
		 */
		if (early && (stale = skbtop__find(key))) {
			if ((stale->flags & SKBTOP_TRK_ENDED) && !is_tp)
				return 0;
			skbtop__end(stale);
		}
		if (type == SKBTOP_EV_CONSUME && skbtop__clone_of_live(skb, &s, rd)) {
			if (stale)
				skbtop__forget(stale);
			return 0;
		}
		ret = skbtop__parse(&s, &p);
		/* ARP's addresses are kept from first sight, as the tuple of an IP packet is. */
		parsed = ret >= 0 || skbtop__parse_arp(skb, &s, &p, rd) == 0;
		trk = stale ? skbtop__track_at(stale, key, &p, parsed)
			    : skbtop__track(key, &p, parsed);
		if (!trk)
			return 0;
		skbtop__seen_keep(trk, &s, ret);
	}
	if (lazy)
		cookie = kmulti ? skbtop__kmulti_cookie(lazy) : (__u32)bpf_get_attach_cookie(lazy);
	func_id = cookie & (SKBTOP_TP_FLAG | SKBTOP_ID_MASK);
	/* Before the event, so that user space holds the bytes when the event ends the journey. */
	if (skbtop_snaplen &&
	    ((trk->flags & SKBTOP_TRK_NEW) || translated || type == SKBTOP_EV_DROP))
		skbtop__capture(skb, &s, rd);
	if ((type == SKBTOP_EV_FUNC || type == SKBTOP_EV_TP) && skbtop__repeats(trk, &s)) {
		skbtop__hit(skb, func_id, parsed || same);
	} else {
		ev = skbtop__reserve(sizeof(*ev));
		/* A base record that never went out cannot be repeated: the next one is full. */
		trk->flags &= ~SKBTOP_TRK_SENT;
		if (ev) {
			if (same) {
				p.tuple = trk->tuple;
				p.ident = trk->ident;
			}
			skbtop__fill(ev, skb, &s, type, func_id, &p, parsed || same, trk, rd);
			ev->hdr.flags |= SKBTOP_F_BASE;
			if (type == SKBTOP_EV_DROP && ctx) {
				ev->aux = ctx[idx + 1];
				ev->reason = (__u32)ctx[idx + 2];
			}
			skbtop__submit(ev);
			skbtop__sent_base(trk, &s);
		}
	}
	if (type == SKBTOP_EV_DROP || type == SKBTOP_EV_CONSUME)
		skbtop__end(trk);
	else if (is_end)
		skbtop__untrack(trk);
	return 0;
}

/*
 * Clones and copies: the entry of skb_clone, skb_copy, ... notes which tracked skb is being copied
 * (per thread), and the return links the new skb to it: the new skb is tracked with its parent's
 * tuple and the parent's journey gets an SKBTOP_EV_CLONE event naming it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);   /* pid_tgid */
	__type(value, __u64); /* the skb being copied */
} skbtop_cloning SEC(".maps");

SEC("kprobe")
int skbtop_clone_entry(struct pt_regs *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)PT_REGS_PARM1(ctx);
	__u64 tid, parent = (__u64)(unsigned long)skb;

	if (skbtop_empty_probes)
		return 0;
	tid = bpf_get_current_pid_tgid();
	if (skb && skbtop__tracked(parent))
		bpf_map_update_elem(&skbtop_cloning, &tid, &parent, BPF_ANY);
	return 0;
}

SEC("kretprobe")
int skbtop_clone_exit(struct pt_regs *ctx)
{
	struct sk_buff *child = (struct sk_buff *)PT_REGS_RC(ctx);
	__u64 tid, key;
	struct skbtop_track *ptrk, *trk;
	struct skbtop_parsed from = {};
	struct skbtop_event *ev;
	__u64 *parent;
	struct sk_buff *pskb;

	if (skbtop_empty_probes)
		return 0;
	tid = bpf_get_current_pid_tgid();
	parent = bpf_map_lookup_elem(&skbtop_cloning, &tid);
	if (!parent)
		return 0;
	pskb = (struct sk_buff *)(unsigned long)*parent;
	bpf_map_delete_elem(&skbtop_cloning, &tid);
	ptrk = skbtop__tracked((__u64)(unsigned long)pskb);
	if (!child || !ptrk)
		return 0;
	key = (__u64)(unsigned long)child;
	from.tuple = ptrk->tuple;
	from.ident = ptrk->ident;
	trk = skbtop__track(key, &from, true);
	if (!trk)
		return 0;
	ev = skbtop__reserve(sizeof(*ev));
	if (!ev)
		return 0;
	skbtop__fill_skb(ev, pskb, SKBTOP_EV_CLONE,
			 (__u32)bpf_get_attach_cookie(ctx) & SKBTOP_ID_MASK, ptrk);
	ev->aux = key;
	skbtop__submit(ev);
	return 0;
}

/*
 * Since 6.2 a kprobe can say that its argument is an sk_buff (bpf_rdonly_cast): its fields are
 * then read by plain loads, as on tp_btf, where a helper call per copy costs several times more.
 *
 * A kprobe's run on a function with the skb at skb's argument and of one kind: 0,
 * SKBTOP_JUDGE_FLAG where the filter judges, or SKBTOP_END_FLAG for the functions that end an skb
 * (where it never judges). Its program knows both, so it needs no cookie before the skb turns out
 * followed or, where the filter judges, matching: on kprobe.multi the cookie is a binary search
 * over the link's addresses, hundreds of ns under emulation, and on a kprobe a helper call.
 */
static __always_inline int skbtop__kprobe(struct pt_regs *ctx, struct sk_buff *skb, bool cast,
					  __u32 kind, bool kmulti)
{
	__u32 end = kind & SKBTOP_END_FLAG;
	bool judge = kind & SKBTOP_JUDGE_FLAG;

	if (!cast)
		return skbtop__on_skb(skb, (__u64)(unsigned long)skb, NULL, 0, SKBTOP_KEY_ARG,
				      SKBTOP_EV_FUNC, end, ctx, kmulti, SKBTOP_RD_COPY, judge);
	return skbtop__on_skb(skb, (__u64)(unsigned long)skb, NULL, 0, SKBTOP_KEY_ARG,
			      SKBTOP_EV_FUNC, end, ctx, kmulti, SKBTOP_RD_CAST, judge);
}

/*
 * Whether a run of a function of this kind ends before it reads anything of its skb: no skb is
 * followed where the filter does not judge, or the table holds no entry for an end function to
 * remove (the tests skbtop__on_skb makes first, made where no frame is set up yet).
 */
static __always_inline bool skbtop__idle(__u32 kind)
{
	if (kind & SKBTOP_END_FLAG)
		return skbtop__gauge_none(SKBTOP_GAUGE_ENTRIES);
	return !(kind & SKBTOP_JUDGE_FLAG) && skbtop__none_live();
}

/*
 * A probe's program: the tests that end most of its runs, then the run itself, which, for a kind
 * that does not judge, is a subprogram. The JIT saves the registers a program uses and reserves
 * its stack when it enters it: a run ended by those tests in the program that holds the whole
 * run paid that frame, about half of what such a run costs over the empty program's (counted in
 * a 6.12 guest). A run that goes on pays a call more, only where a filter is set: without one
 * every probe judges. A judge's run keeps everything in the program: the filter's placeholder
 * must be there, where src/core/filter/filter_load.c writes the expression before libbpf appends
 * subprograms.
 */
#define SKBTOP_KPROBE_PROG(sec, name, pos, cast, kind, kmulti)                                     \
	static __noinline int name##_run(struct pt_regs *ctx)                                      \
	{                                                                                          \
		return skbtop__kprobe(ctx, (struct sk_buff *)PT_REGS_PARM##pos(ctx), cast, kind,   \
				      kmulti);                                                     \
	}                                                                                          \
	SEC(sec)                                                                                   \
	int name(struct pt_regs *ctx)                                                              \
	{                                                                                          \
		SKBTOP_FLOOR(PT_REGS_PARM##pos(ctx), kmulti ? skbtop__kmulti_cookie(ctx)           \
							    : (__u32)bpf_get_attach_cookie(ctx));  \
		if (skbtop__idle(kind))                                                            \
			return 0;                                                                  \
		if (kind & SKBTOP_JUDGE_FLAG)                                                      \
			return skbtop__kprobe(ctx, (struct sk_buff *)PT_REGS_PARM##pos(ctx), cast, \
					      kind, kmulti);                                       \
		return name##_run(ctx);                                                            \
	}

/*
 * kprobe.multi: a few links, not one per function, so that attaching stays one system call per
 * link (before 6.5, where links attach by name, also one walk of the symbol table per link): the
 * functions go on links by the skb's argument and by kind. kprobe: one link per function, on the
 * program of its argument and kind.
 */
#define SKBTOP_KPROBE_KIND(pos, suffix, cast, kind)                                                \
	SKBTOP_KPROBE_PROG("kprobe.multi", skbtop_kmulti_at##pos##suffix, pos, cast, kind, true)   \
	SKBTOP_KPROBE_PROG("kprobe", skbtop_kprobe_at##pos##suffix, pos, cast, kind, false)
#define SKBTOP_KPROBE_POS(pos)                                                                     \
	SKBTOP_KPROBE_KIND(pos, , false, 0)                                                        \
	SKBTOP_KPROBE_KIND(pos, _cast, true, 0)                                                    \
	SKBTOP_KPROBE_KIND(pos, _judge, false, SKBTOP_JUDGE_FLAG)                                  \
	SKBTOP_KPROBE_KIND(pos, _judge_cast, true, SKBTOP_JUDGE_FLAG)                              \
	SKBTOP_KPROBE_KIND(pos, _end, false, SKBTOP_END_FLAG)                                      \
	SKBTOP_KPROBE_KIND(pos, _end_cast, true, SKBTOP_END_FLAG)

SKBTOP_KPROBE_POS(1)
SKBTOP_KPROBE_POS(2)
SKBTOP_KPROBE_POS(3)
SKBTOP_KPROBE_POS(4)
SKBTOP_KPROBE_POS(5)

/*
 * nf_hook_slow(skb, state, ...), a judge, by kprobe (loader.c gives it one on kprobe.multi too):
 * its program also keeps the frame of the call for the nftables object's return probe
 * (nf_hook.bpf.h), which then needs no entry probe of its own there. The frame comes first, so
 * that every call while some skb is followed has one, whatever the run then decides.
 */
#define SKBTOP_NF_HOOK_PROG(name, cast)                                                            \
	static __noinline int name##_enter(struct pt_regs *ctx)                                    \
	{                                                                                          \
		nf_hook__enter(PT_REGS_PARM1(ctx), (const void *)PT_REGS_PARM2(ctx));              \
		return 0;                                                                          \
	}                                                                                          \
	SEC("kprobe")                                                                              \
	int name(struct pt_regs *ctx)                                                              \
	{                                                                                          \
		SKBTOP_FLOOR(PT_REGS_PARM1(ctx), (__u32)bpf_get_attach_cookie(ctx));               \
		if (!skbtop__none_live())                                                          \
			name##_enter(ctx);                                                         \
		return skbtop__kprobe(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx), cast,             \
				      SKBTOP_JUDGE_FLAG, false);                                   \
	}

SKBTOP_NF_HOOK_PROG(skbtop_kprobe_nf_hook, false)
SKBTOP_NF_HOOK_PROG(skbtop_kprobe_nf_hook_cast, true)

/* The probe id of the function an fentry program runs on; false if it is not one of skbtop's. */
static __always_inline bool skbtop__fentry_cookie(__u64 *ctx, __u32 *cookie)
{
	__u64 ip = bpf_get_func_ip(ctx);
	__u32 *id = bpf_map_lookup_elem(&skbtop_ip2id, &ip);

	if (!id)
		return false;
	*cookie = *id;
	return true;
}

/*
 * fentry: one program instance per function (user space loads copies); id from its address. The
 * verifier types each argument from the function's prototype, so the skb's fields are plain loads.
 */
#define SKBTOP_FENTRY(n)                                                                           \
	SEC("fentry")                                                                              \
	int skbtop_fentry##n(__u64 *ctx)                                                           \
	{                                                                                          \
		__u32 cookie = 0;                                                                  \
                                                                                                   \
		SKBTOP_FLOOR(skbtop__fentry_cookie(ctx, &cookie)                                   \
				     ? skbtop__key(0, ctx, n - 1, SKBTOP_KEY_FUNC_ARG)             \
				     : 0,                                                          \
			     cookie);                                                              \
		if (!skbtop__fentry_cookie(ctx, &cookie))                                          \
			return 0;                                                                  \
		return skbtop__on_skb((struct sk_buff *)ctx[n - 1], 0, ctx, n - 1,                 \
				      SKBTOP_KEY_FUNC_ARG, SKBTOP_EV_FUNC, cookie, NULL, false,    \
				      SKBTOP_RD_BTF, cookie & SKBTOP_JUDGE_FLAG);                  \
	}

SKBTOP_FENTRY(1)
SKBTOP_FENTRY(2)
SKBTOP_FENTRY(3)
SKBTOP_FENTRY(4)
SKBTOP_FENTRY(5)

/*
 * The tracepoints of SKBTOP_TRACEPOINTS (skbtop_event.h), three ways; the loader keeps one of
 * them, and only where the kernel's prototype has an sk_buff at the argument read here.
 * - tpc, where the kernel has bpf_rdonly_cast (6.2+): raw_tp, whose arguments are numbers, so the
 *   skb's address indexes the tracking table as it is, and the skb cast to an untrusted sk_buff
 *   for plain loads. tp_btf's skb is a trusted pointer instead: newer verifiers (6.18 here) look
 *   each pointer read from it up by name in the kernel's BTF ("sk_buff__safe_trusted"...), a
 *   linear search of all its types, up to twice for each such load on each path checked: 4-5x
 *   the verification time here.
 * - tpb, before 6.2: tp_btf for plain loads; its skb, typed, allows no arithmetic, so its address
 *   is read as a number from the context when the table is needed.
 * - raw, for kernels whose BTF lacks the tracepoint: raw_tp with copies.
 */
#define SKBTOP_TP_JUDGES(id) ((skbtop_tp_judges & (1u << SKBTOP_TP_##id)) != 0)
/*
 * Where the tracepoint judges (user space says so before load, and the verifier keeps one of the
 * two branches) the whole run is in the program; elsewhere it is a subprogram called after the
 * test that ends most runs, as for kprobes (SKBTOP_KPROBE_PROG).
 */
#define SKBTOP_TP_RUN(id, type, idx, key_src, rd, judge)                                           \
	skbtop__on_skb((struct sk_buff *)ctx[idx], 0, ctx, idx, key_src, type,                     \
		       SKBTOP_TP_FLAG | SKBTOP_TP_##id, NULL, false, rd, judge)
#define SKBTOP_TP_PROG(sec, name, id, type, idx, key_src, rd)                                      \
	static __noinline int name##_run(__u64 *ctx)                                               \
	{                                                                                          \
		return SKBTOP_TP_RUN(id, type, idx, key_src, rd, false);                           \
	}                                                                                          \
	SEC(sec)                                                                                   \
	int name(__u64 *ctx)                                                                       \
	{                                                                                          \
		SKBTOP_FLOOR(skbtop__key(0, ctx, idx, key_src), SKBTOP_TP_FLAG | SKBTOP_TP_##id);  \
		if (SKBTOP_TP_JUDGES(id))                                                          \
			return SKBTOP_TP_RUN(id, type, idx, key_src, rd, true);                    \
		if (skbtop__none_live())                                                           \
			return 0;                                                                  \
		return name##_run(ctx);                                                            \
	}
#define SKBTOP_TP_PROGS(tp, id, type, idx)                                                         \
	SKBTOP_TP_PROG("tp_btf/" #tp, skbtop_tpb_##tp, id, type, idx, SKBTOP_KEY_READ,             \
		       SKBTOP_RD_BTF)                                                              \
	SKBTOP_TP_PROG("raw_tp/" #tp, skbtop_tpc_##tp, id, type, idx, SKBTOP_KEY_CTX,              \
		       SKBTOP_RD_CAST)                                                             \
	SKBTOP_TP_PROG("raw_tp/" #tp, skbtop_raw_##tp, id, type, idx, SKBTOP_KEY_CTX,              \
		       SKBTOP_RD_COPY)
#define SKBTOP_TP(cat, tp, id, type, idx) SKBTOP_TP_PROGS(tp, id, type, idx)

SKBTOP_TRACEPOINTS(SKBTOP_TP)

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel filter: decides whether an skb not yet tracked starts a journey. It runs only at
 * first sight of a packet; once tracked, an skb is followed by address without being judged
 * again, so NAT or decapsulation cannot lose it. Settings come from rodata (filter_cfg.bpf.h), so
 * the verifier removes every check that is switched off.
 */
#ifndef SKBTOP_FILTER_BPF_H
#define SKBTOP_FILTER_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "filter_cfg.bpf.h"
#include "skbtop_maps.bpf.h"
#include "skbtop_parse.bpf.h"
#include "skbtop_skb.bpf.h"

const volatile struct skbtop_filter_cfg skbtop_filter = {};

#define SKBTOP_ARPHRD_ETHER    1
#define SKBTOP_ARPHRD_LOOPBACK 772

#define __skbtop_str(x) #x
#define skbtop_str(x)	__skbtop_str(x)

/*
 * The placeholder src/core/filter/filter_load.c overwrites with the translated tcpdump expression
 * (the contract is in filter_cfg.bpf.h). Inline assembly keeps its registers fixed and its length
 * exact; the nops cost nothing once the verifier has removed them.
 * The translation saves r6-r8 before it uses them, and the verifier refuses to store a register
 * never written: where clang had put nothing in r8 yet, 6.1 refused the program ("R8 !read_ok").
 * So r8 is written here first, and clang, told it is clobbered, keeps nothing in it. (All three
 * clobbered made clang spill more, past 6.1's 512 bytes of stack.)
 */
static __always_inline __u64 skbtop_filter__pcap_run(struct skbtop_pcap_ctx *ctx)
{
	__u64 ret;

	/* clang-format off */
	asm volatile("r1 = %[ctx]\n\t"
		     "r8 = 0\n\t"
		     "r0 = " skbtop_str(SKBTOP_PCAP_MAGIC) "\n\t"
		     ".rept " skbtop_str(SKBTOP_PCAP_SLOTS) " - 1\n\t"
		     "goto +0\n\t"
		     ".endr\n\t"
		     "%[ret] = r0"
		     : [ret] "=r"(ret)
		     : [ctx] "r"(ctx)
		     : "r0", "r1", "r2", "r3", "r4", "r5", "r8", "memory");
	/* clang-format on */
	return ret;
}

/*
 * The expression sees the packet from its Ethernet header when the skb has one (as tcpdump on
 * that interface would), else from its IP header (locally built packets before the neighbour
 * layer, tunnels and other devices without Ethernet framing). dev is the skb's device where the
 * caller has it, else NULL: it is then read only when there is a link-layer header to judge.
 */
static __always_inline bool skbtop_filter__pcap(struct sk_buff *skb, const struct skbtop_skb *s,
						struct net_device *dev, int rd)
{
	struct skbtop_pcap_ctx ctx; /* not zeroed: see struct skbtop_pcap_ctx */
	const __u32 direct = skbtop_read_direct, window = skbtop_read_window;
	__u32 end = s->data + s->len;
	__u32 start;
	bool l2 = false;

	if (s->mac != SKBTOP_HDR_UNSET) {
		__u16 type = skbtop__dev_type(dev ?: skbtop__skb_dev(skb, rd), rd);

		l2 = type == SKBTOP_ARPHRD_ETHER || type == SKBTOP_ARPHRD_LOOPBACK;
	}
	if (l2) {
		start = s->mac;
		ctx.l2 = 1;
	} else if (s->nh != SKBTOP_HDR_UNSET && s->nh != 0) {
		/* A fresh skb has network_header 0 until IP sets it: no match yet. */
		start = s->nh;
		ctx.l2 = 0;
	} else {
		return false;
	}
	if (!s->head || start > s->tail || start >= end)
		return false;
	if (direct) {
		ctx.data = (__u64)(unsigned long)bpf_rdonly_cast(s->head + start, 0);
	} else if (window) {
		ctx.addr = (__u64)(unsigned long)(s->head + start);
		ctx.data = (__u64)(unsigned long)bpf_rdonly_cast(s->head + start, window);
	} else {
		ctx.data = (__u64)(unsigned long)(s->head + start);
	}
	ctx.len = end - start;
	ctx.linear = s->tail - start;
	return skbtop_filter__pcap_run(&ctx) != 0;
}

/*
 * True when skb passes every active setting. Packets whose headers cannot be read yet (network
 * header not set: locally built, not yet through IP) answer "no match yet", and are judged again
 * at the next judge they reach. It reads the fields it needs itself, only those the active
 * settings ask for: the device only where there is a link-layer header or a setting needs it, so
 * a judge on a packet being built (no device yet) makes one copy less on kernels before 6.2. Each
 * setting is loaded once: the verifier removes the tests of those switched off, not their loads.
 * The cheapest settings are asked first, and skbtop's own process last: for a device-less skb,
 * asking costs a helper call.
 */
static __always_inline bool skbtop_filter_match(struct sk_buff *skb, int rd)
{
	const __u32 mark_mask = skbtop_filter.mark_mask, netns = skbtop_filter.netns;
	const __u32 ifindex = skbtop_filter.ifindex, self_tgid = skbtop_filter.self_tgid;
	struct skbtop_skb s = {};
	bool full = mark_mask || netns || ifindex;

	if (full) {
		if (skbtop__skb_read(skb, &s, rd))
			return false;
		skbtop__skb_read_rest(skb, &s, rd);
	} else if (skbtop__skb_read_place(skb, &s, rd)) {
		return false;
	}
	if (mark_mask && (s.mark & mark_mask) != skbtop_filter.mark)
		return false;
	if (ifindex && skbtop__dev_ifindex(&s, rd) != ifindex)
		return false;
	if (netns && skbtop__skb_netns(&s, rd) != netns)
		return false;
	if (skbtop_filter.pcap && !skbtop_filter__pcap(skb, &s, full ? s.dev : NULL, rd))
		return false;
	/* skbtop reading its own netlink sockets (the nftables trace) would trace itself. */
	if (self_tgid && !(full ? s.dev : skbtop__skb_dev(skb, rd)) &&
	    bpf_get_current_pid_tgid() >> 32 == self_tgid)
		return false;
	return true;
}

#endif /* SKBTOP_FILTER_BPF_H */

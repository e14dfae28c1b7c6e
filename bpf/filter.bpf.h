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

const volatile struct skbtop_filter_cfg skbtop_filter = {};

/*
 * True when skb passes every active setting. Packets whose headers cannot be read yet (network
 * header not set: locally built, not yet through IP) answer "no match yet", and are judged again
 * at the next function they reach.
 */
static __always_inline bool skbtop_filter_match(struct sk_buff *skb)
{
	if (skbtop_filter.ifindex && BPF_CORE_READ(skb, dev, ifindex) != skbtop_filter.ifindex)
		return false;
	if (skbtop_filter.netns && skbtop__netns(skb) != skbtop_filter.netns)
		return false;
	if (skbtop_filter.mark_mask &&
	    (BPF_CORE_READ(skb, mark) & skbtop_filter.mark_mask) != skbtop_filter.mark)
		return false;
	return true;
}

#endif /* SKBTOP_FILTER_BPF_H */

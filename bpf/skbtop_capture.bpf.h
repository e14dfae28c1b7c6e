/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first bytes of a followed packet (--snaplen), for the pcapng outputs: from its Ethernet
 * header when its device is Ethernet and the MAC header is set, else from its network header,
 * within the linear data. With skbtop_snaplen 0 (no output wants bytes) the verifier drops the
 * whole path: capturing costs nothing then.
 */
#ifndef SKBTOP_CAPTURE_BPF_H
#define SKBTOP_CAPTURE_BPF_H

#include "skbtop_event.h"
#include "skbtop_maps.bpf.h"
#include "skbtop_skb.bpf.h"

#define SKBTOP_ARPHRD_ETHER 1
#define SKBTOP_HDR_UNSET    0xffff /* (u16)~0U: the kernel's mark of a header offset not set */

const volatile __u32 skbtop_snaplen = 0;

static __always_inline void skbtop__capture(struct sk_buff *skb, const struct skbtop_skb *s, int rd)
{
	struct skbtop_bytes_event *b;
	__u64 start, n;
	__u16 link;

	if (s->mac != SKBTOP_HDR_UNSET && s->mac <= s->nh &&
	    skbtop__dev_type(s->dev, rd) == SKBTOP_ARPHRD_ETHER) {
		start = s->mac;
		link = SKBTOP_LINK_ETH;
	} else if (s->nh != SKBTOP_HDR_UNSET) {
		start = s->nh;
		link = SKBTOP_LINK_RAW;
	} else {
		return;
	}
	if (s->tail <= start)
		return;
	n = s->tail - start;
	if (n > skbtop_snaplen)
		n = skbtop_snaplen;
	if (n > SKBTOP_SNAP_MAX)
		n = SKBTOP_SNAP_MAX;
	b = skbtop__reserve(sizeof(*b));
	if (!b)
		return;
	/* Clang keeps a copy of n the verifier cannot bound: bound the register the call takes. */
	barrier_var(n);
	n &= 0xff;
	if (n > SKBTOP_SNAP_MAX)
		n = SKBTOP_SNAP_MAX;
	if (bpf_probe_read_kernel(b->data, n, s->head + start))
		n = 0;
	b->hdr.type = SKBTOP_EV_BYTES;
	b->hdr.cpu = (__u16)bpf_get_smp_processor_id();
	b->hdr.flags = 0;
	b->hdr.ts_ns = bpf_ktime_get_ns();
	b->skb = (__u64)(unsigned long)skb;
	b->ifindex = skbtop__dev_ifindex(s, rd);
	b->netns = skbtop__skb_netns(s, rd);
	/* skb->len counts from data, which is past the MAC header once it was pulled. */
	b->len = s->data >= start ? s->len + (s->data - start) : s->len - (start - s->data);
	b->caplen = (__u16)n;
	b->link = link;
	skbtop__submit(b);
}

#endif /* SKBTOP_CAPTURE_BPF_H */

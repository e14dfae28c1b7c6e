/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a packet's addresses and ports out of an sk_buff wherever the stack is: the network and
 * transport header offsets are used when the kernel has set them (RX after eth_type_trans, TX once
 * IP built its header); otherwise the caller falls back to the tuple cached at first sight.
 */
#ifndef SKBTOP_PARSE_BPF_H
#define SKBTOP_PARSE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "skbtop_event.h"

#define SKBTOP_AF_INET	    2
#define SKBTOP_AF_INET6	    10
#define SKBTOP_ETH_P_IP	    0x0800
#define SKBTOP_ETH_P_IP6    0x86DD
#define SKBTOP_PROTO_ICMP   1
#define SKBTOP_PROTO_TCP    6
#define SKBTOP_PROTO_UDP    17
#define SKBTOP_PROTO_ICMPV6 58
#define SKBTOP_PROTO_SCTP   132

/*
 * What a header offset of the kernel holds while it is not set: (typeof(offset))~0U. A fresh skb
 * has 0 there instead (__alloc_skb zeroes it) until the stack sets it; no real header starts at
 * offset 0 of the buffer, since every skb reserves headroom.
 */
#define SKBTOP_HDR_UNSET     0xffff
#define skbtop__hdr_set(off) ((off) != SKBTOP_HDR_UNSET && (off) != 0)

/* An IPv4 header whose checksum holds was written; fresh buffers hold stale or random bytes. */
static __always_inline bool skbtop__ip4_csum_ok(const struct iphdr *ih)
{
	const __u16 *w = (const __u16 *)ih;
	__u32 sum = 0;

	for (int i = 0; i < 10; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * A per-packet identity beside the tuple: the IPv4 id, TCP sequence, ack and flags. An skb address
 * reused by a new packet (the old one freed on a path with no probe) shows a different identity, so
 * the old journey is not continued by the new packet. Checksums are left out: they are written late
 * on the transmit path and rewritten by NAT.
 */
struct skbtop_parsed {
	struct skbtop_tuple tuple;
	__u64 ident;
};

static __always_inline int skbtop__parse_l4(const unsigned char *l4, struct skbtop_parsed *p)
{
	struct skbtop_tuple *t = &p->tuple;

	switch (t->l4proto) {
	case SKBTOP_PROTO_TCP: {
		struct tcphdr th;

		if (bpf_probe_read_kernel(&th, sizeof(th), l4))
			return -1;
		t->sport = bpf_ntohs(th.source);
		t->dport = bpf_ntohs(th.dest);
		p->ident ^= ((__u64)bpf_ntohl(th.seq) << 32) ^ bpf_ntohl(th.ack_seq) ^
			    ((__u64)(th.syn | th.fin << 1 | th.rst << 2) << 16);
		return 0;
	}
	case SKBTOP_PROTO_UDP: {
		struct udphdr uh;

		if (bpf_probe_read_kernel(&uh, sizeof(uh), l4))
			return -1;
		t->sport = bpf_ntohs(uh.source);
		t->dport = bpf_ntohs(uh.dest);
		return 0;
	}
	case SKBTOP_PROTO_SCTP: {
		__be16 ports[2];

		if (bpf_probe_read_kernel(ports, sizeof(ports), l4))
			return -1;
		t->sport = bpf_ntohs(ports[0]);
		t->dport = bpf_ntohs(ports[1]);
		return 0;
	}
	case SKBTOP_PROTO_ICMP:
	case SKBTOP_PROTO_ICMPV6: {
		__u8 h[4];

		if (bpf_probe_read_kernel(h, sizeof(h), l4))
			return -1;
		t->icmp_type = h[0];
		t->icmp_code = h[1];
		return 0;
	}
	}
	return 0;
}

#define SKBTOP_IP6_HOPOPTS 0
#define SKBTOP_IP6_ROUTING 43
#define SKBTOP_IP6_FRAG	   44
#define SKBTOP_IP6_DSTOPTS 60

/*
 * Walks up to three IPv6 extension headers (hop-by-hop for MLD, routing, fragment, destination
 * options) so that the transport protocol is the real one; *l4 moves past them, or becomes NULL
 * in a fragment other than the first, which has no transport header.
 */
static __always_inline __u8 skbtop__ip6_skip_ext(__u8 proto, unsigned char **l4)
{
	for (int i = 0; i < 3; i++) {
		__u8 h[4];

		if (proto != SKBTOP_IP6_HOPOPTS && proto != SKBTOP_IP6_ROUTING &&
		    proto != SKBTOP_IP6_FRAG && proto != SKBTOP_IP6_DSTOPTS)
			break;
		if (bpf_probe_read_kernel(h, sizeof(h), *l4))
			break;
		if (proto == SKBTOP_IP6_FRAG) {
			/* Only the first fragment holds the transport header. */
			if ((h[2] << 8 | h[3]) & 0xfff8) {
				*l4 = NULL;
				return h[0];
			}
			*l4 += 8;
		} else {
			*l4 += (h[1] + 1) * 8;
		}
		proto = h[0];
	}
	return proto;
}

/* Fills p from the headers of skb; returns 0 when an IPv4 or IPv6 header was read. */
static __always_inline int skbtop__parse(struct sk_buff *skb, struct skbtop_parsed *p)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	__u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	struct skbtop_tuple *t = &p->tuple;
	unsigned char *l4;
	__u8 first;

	__builtin_memset(p, 0, sizeof(*p));
	if (!head || !skbtop__hdr_set(nh))
		return -1;
	if (bpf_probe_read_kernel(&first, 1, head + nh))
		return -1;
	if (proto != SKBTOP_ETH_P_IP && proto != SKBTOP_ETH_P_IP6 && proto != 0)
		return -1;

	if ((first >> 4) == 4 && proto != SKBTOP_ETH_P_IP6) {
		struct iphdr ih;

		if (bpf_probe_read_kernel(&ih, sizeof(ih), head + nh) || ih.ihl < 5)
			return -1;
		/* Options are not read, so only a 20-byte header can be checked. */
		if (ih.ihl == 5 && !skbtop__ip4_csum_ok(&ih))
			return -1;
		t->family = SKBTOP_AF_INET;
		t->l4proto = ih.protocol;
		t->saddr.v4 = ih.saddr;
		t->daddr.v4 = ih.daddr;
		p->ident = bpf_ntohs(ih.id);
		/* Only the first fragment holds the ports. */
		if (ih.frag_off & bpf_htons(0x1fff))
			return 0;
		l4 = head + nh + ih.ihl * 4;
	} else if ((first >> 4) == 6 && proto != SKBTOP_ETH_P_IP) {
		struct ipv6hdr ih;

		if (bpf_probe_read_kernel(&ih, sizeof(ih), head + nh))
			return -1;
		t->family = SKBTOP_AF_INET6;
		__builtin_memcpy(t->saddr.v6, &ih.saddr, 16);
		__builtin_memcpy(t->daddr.v6, &ih.daddr, 16);
		l4 = head + nh + sizeof(ih);
		t->l4proto = skbtop__ip6_skip_ext(ih.nexthdr, &l4);
		if (l4)
			skbtop__parse_l4(l4, p);
		return 0;
	} else {
		return -1;
	}
	if (skbtop__hdr_set(th) && th > nh)
		l4 = head + th;
	skbtop__parse_l4(l4, p);
	return 0;
}

#endif /* SKBTOP_PARSE_BPF_H */

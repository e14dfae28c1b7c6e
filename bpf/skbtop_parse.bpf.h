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
#include "skbtop_skb.bpf.h"

#define SKBTOP_AF_INET	    2
#define SKBTOP_AF_INET6	    10
#define SKBTOP_ETH_P_IP	    0x0800
#define SKBTOP_ETH_P_IP6    0x86DD
#define SKBTOP_ETH_P_ARP    0x0806
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

/* Tuples compared word by word: a memcmp the verifier would see byte by byte. */
static __always_inline bool skbtop__same_tuple(const struct skbtop_tuple *a,
					       const struct skbtop_tuple *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	for (int i = 0; i < (int)(sizeof(*a) / 8); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/*
 * The transport header's fields, read from l4 into buf (at least a TCP header's 20 bytes): the
 * parser's own words, no longer needed by then, so that its frame holds one buffer.
 */
static __always_inline int skbtop__parse_l4(const unsigned char *l4, struct skbtop_parsed *p,
					    void *buf)
{
	struct skbtop_tuple *t = &p->tuple;

	switch (t->l4proto) {
	case SKBTOP_PROTO_TCP: {
		const struct tcphdr *th = buf;

		if (bpf_probe_read_kernel(buf, sizeof(*th), l4))
			return -1;
		t->sport = bpf_ntohs(th->source);
		t->dport = bpf_ntohs(th->dest);
		p->ident ^= ((__u64)bpf_ntohl(th->seq) << 32) ^ bpf_ntohl(th->ack_seq) ^
			    ((__u64)(th->syn | th->fin << 1 | th->rst << 2) << 16);
		return 0;
	}
	case SKBTOP_PROTO_UDP:
	case SKBTOP_PROTO_SCTP: {
		const __be16 *ports = buf;

		if (bpf_probe_read_kernel(buf, 2 * sizeof(*ports), l4))
			return -1;
		t->sport = bpf_ntohs(ports[0]);
		t->dport = bpf_ntohs(ports[1]);
		return 0;
	}
	case SKBTOP_PROTO_ICMP:
	case SKBTOP_PROTO_ICMPV6: {
		const __u8 *h = buf;

		if (bpf_probe_read_kernel(buf, 2, l4))
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
 * in a fragment other than the first, which has no transport header. Each header's first 4 bytes
 * are read into buf, as in skbtop__parse_l4.
 */
static __always_inline __u8 skbtop__ip6_skip_ext(__u8 proto, unsigned char **l4, void *buf)
{
	const __u8 *h = buf;

	for (int i = 0; i < 3; i++) {
		if (proto != SKBTOP_IP6_HOPOPTS && proto != SKBTOP_IP6_ROUTING &&
		    proto != SKBTOP_IP6_FRAG && proto != SKBTOP_IP6_DSTOPTS)
			break;
		if (bpf_probe_read_kernel(buf, 4, *l4))
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

/* The transport header's fields from bytes already read (a TCP header's first 14 at least). */
static __always_inline void skbtop__parse_l4_bytes(const unsigned char *l4, struct skbtop_parsed *p)
{
	const struct tcphdr *th = (const void *)l4;
	struct skbtop_tuple *t = &p->tuple;

	switch (t->l4proto) {
	case SKBTOP_PROTO_TCP:
		p->ident ^= ((__u64)bpf_ntohl(th->seq) << 32) ^ bpf_ntohl(th->ack_seq) ^
			    ((__u64)(th->syn | th->fin << 1 | th->rst << 2) << 16);
		/* fallthrough */
	case SKBTOP_PROTO_UDP:
	case SKBTOP_PROTO_SCTP:
		t->sport = bpf_ntohs(th->source);
		t->dport = bpf_ntohs(th->dest);
		break;
	case SKBTOP_PROTO_ICMP:
	case SKBTOP_PROTO_ICMPV6:
		t->icmp_type = l4[0];
		t->icmp_code = l4[1];
		break;
	}
}

/*
 * An IPv6 header and a TCP header up to its flags, all skbtop__parse_l4_bytes reads: most packets'
 * headers in one read. Seven words, not eight for the whole TCP header: the parser's frame is then
 * 96 bytes, which the verifier's rounding to 32 adds to a program's whole as they are (6.1 and
 * 6.12 allow 512 bytes for the two together).
 */
#define SKBTOP_PARSE_BYTES (sizeof(struct ipv6hdr) + 14)
#define SKBTOP_PARSE_WORDS ((SKBTOP_PARSE_BYTES + 7) / 8)

/*
 * The first bytes at net into b, whole words (at most the window's): where the kernel lets an
 * address be typed as read-only bytes or as the window struct (skbtop__bytes_in_place), by plain
 * loads the verifier makes fault-safe, which cost less than a helper call; a load that faults
 * reads 0, which no IP header's first byte is. Else by one bpf_probe_read_kernel call, or the
 * IPv4 header alone near the end of a page. The number of bytes read, 0 for none.
 * Only in objects that define SKBTOP_PARSE_DIRECT (skbtop.bpf.c, whose loader sets
 * skbtop_read_direct and skbtop_read_window): nft.bpf.o runs a few times a packet, and stays free
 * of kfunc calls.
 */
static __always_inline __u32 skbtop__read_hdrs(__u64 *b, __u32 words, __u64 net)
{
#ifdef SKBTOP_PARSE_DIRECT
	if (skbtop_read_direct) {
		const __u64 *w = bpf_rdonly_cast((void *)(unsigned long)net, 0);

		for (__u32 i = 0; i < words; i++)
			b[i] = w[i];
		return words * 8;
	}
	if (skbtop_read_window) {
		const __u64 *w = bpf_rdonly_cast((void *)(unsigned long)net, skbtop_read_window);

		for (__u32 i = 0; i < words; i++)
			b[i] = w[i];
		return words * 8;
	}
#endif
	if (!bpf_probe_read_kernel(b, words * 8, (void *)(unsigned long)net))
		return words * 8;
	if (!bpf_probe_read_kernel(b, sizeof(struct iphdr), (void *)(unsigned long)net))
		return sizeof(struct iphdr);
	return 0;
}

/*
 * Fills p from the headers of an skb (its head and the offsets in it); returns 0 when an IPv4 or
 * IPv6 header was read, 1 when, besides, all of p came from the SKBTOP_PARSE_BYTES loaded in place
 * (skbtop__bytes_in_place): the same bytes there again give the same p (skbtop__seen_same). What is
 * read here is the packet: one read for the IP and transport headers where they follow each other,
 * more for IPv4 options, IPv6 extension headers, and headers too near the end of their buffer for
 * the one read.
 * A global function: the verifier checks it once per program, not at every place a program
 * parses. Read through BTF, the head is a pointer the verifier tracks, which a global function
 * cannot take as an argument; it comes in p->ident instead (skbtop__parse), which the function
 * reads as a number. Passing it there costs no stack, of which the nftables brackets, calling
 * this from a large frame, have none to spare.
 */
__noinline int skbtop__parse_at(struct skbtop_parsed *p, __u32 nh, __u32 th, __u32 protocol)
{
	__u64 w[SKBTOP_PARSE_WORDS];
	unsigned char *head, *b = (unsigned char *)w;
	const struct ipv6hdr *ip6 = (const void *)w;
	const struct iphdr *ip4 = (const void *)w;
	struct skbtop_tuple *t;
	const unsigned char *net;
	unsigned char *l4;
	__u32 got;
	int in_place = 0;

	if (!p)
		return -1;
	t = &p->tuple;
	head = (unsigned char *)(unsigned long)p->ident;
	__builtin_memset(p, 0, sizeof(*p));
	if (!head || !skbtop__hdr_set(nh))
		return -1;
	if (protocol != SKBTOP_ETH_P_IP && protocol != SKBTOP_ETH_P_IP6 && protocol != 0)
		return -1;
	net = head + nh;
	got = skbtop__read_hdrs(w, sizeof(w) / 8, (__u64)(unsigned long)net);
	if (!got)
		return -1;
#ifdef SKBTOP_PARSE_DIRECT
	in_place = skbtop__bytes_in_place() && got >= SKBTOP_PARSE_BYTES;
#endif
	if (ip4->version == 4 && protocol != SKBTOP_ETH_P_IP6) {
		if (ip4->ihl < 5)
			return -1;
		/* Options are not read, so only a 20-byte header can be checked. */
		if (ip4->ihl == 5 && !skbtop__ip4_csum_ok(ip4))
			return -1;
		t->family = SKBTOP_AF_INET;
		t->l4proto = ip4->protocol;
		t->saddr.v4 = ip4->saddr;
		t->daddr.v4 = ip4->daddr;
		p->ident = bpf_ntohs(ip4->id);
		/* Only the first fragment holds the ports. */
		if (ip4->frag_off & bpf_htons(0x1fff))
			return in_place;
		l4 = (unsigned char *)net + ip4->ihl * 4;
		if (skbtop__hdr_set(th) && th > nh)
			l4 = head + th;
		if (got >= SKBTOP_PARSE_BYTES && l4 == net + sizeof(struct iphdr)) {
			skbtop__parse_l4_bytes(b + sizeof(struct iphdr), p);
			return in_place;
		}
		skbtop__parse_l4(l4, p, w);
		return 0;
	}
	if (ip4->version != 6 || protocol == SKBTOP_ETH_P_IP ||
	    (got < sizeof(struct ipv6hdr) && bpf_probe_read_kernel(w, sizeof(struct ipv6hdr), net)))
		return -1;
	t->family = SKBTOP_AF_INET6;
	__builtin_memcpy(t->saddr.v6, &ip6->saddr, 16);
	__builtin_memcpy(t->daddr.v6, &ip6->daddr, 16);
	l4 = (unsigned char *)net + sizeof(struct ipv6hdr);
	t->l4proto = skbtop__ip6_skip_ext(ip6->nexthdr, &l4, w);
	if (got >= SKBTOP_PARSE_BYTES && l4 == net + sizeof(struct ipv6hdr)) {
		skbtop__parse_l4_bytes(b + sizeof(struct ipv6hdr), p);
		return in_place;
	}
	if (l4)
		skbtop__parse_l4(l4, p, w);
	return 0;
}

/* Fills p from the headers of the skb s describes; as skbtop__parse_at. */
static __always_inline int skbtop__parse(const struct skbtop_skb *s, struct skbtop_parsed *p)
{
	p->ident = (__u64)(unsigned long)s->head;
	return skbtop__parse_at(p, s->nh, s->th, s->protocol);
}

/*
 * ARP over Ethernet for IPv4: its sender and target protocol addresses go into the tuple's IPv4
 * fields, its family left 0 (the packet is not IP), so that rows can say who asks whom. 0 when
 * they were read.
 */
static __always_inline int skbtop__parse_arp(struct sk_buff *skb, const struct skbtop_skb *s,
					     struct skbtop_parsed *p, int rd)
{
	struct {
		__be16 hrd, pro;
		__u8 hln, pln;
		__be16 op;
		__u8 sha[6];
		__be32 sip;
		__u8 tha[6];
		__be32 tip;
	} __attribute__((packed)) a;
	__u64 head = (__u64)(unsigned long)s->head;

	if (s->protocol != SKBTOP_ETH_P_ARP || !skbtop__hdr_set(s->nh))
		return -1;
	if (rd == SKBTOP_RD_BTF && bpf_probe_read_kernel(&head, sizeof(head), &skb->head))
		return -1;
	if (!head || bpf_probe_read_kernel(&a, sizeof(a), (void *)(unsigned long)(head + s->nh)))
		return -1;
	if (a.hln != 6 || a.pln != 4 || a.pro != bpf_htons(SKBTOP_ETH_P_IP))
		return -1;
	__builtin_memset(p, 0, sizeof(*p));
	p->tuple.saddr.v4 = a.sip;
	p->tuple.daddr.v4 = a.tip;
	return 0;
}

#endif /* SKBTOP_PARSE_BPF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event ABI shared by the BPF programs and user space. Fixed-width fields only, no pointer
 * that user space would follow: skb and location are opaque identities or symbol addresses.
 * Every record starts with struct skbtop_event_hdr; the decoder checks the size of each type.
 * Change SKBTOP_ABI_VERSION whenever a layout below changes.
 */
#ifndef SKBTOP_EVENT_H
#define SKBTOP_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SKBTOP_ABI_VERSION 3

#define SKBTOP_NAME_LEN 32 /* nft table/chain names are at most 256, cut at 31 + NUL */

enum skbtop_event_type {
	SKBTOP_EV_FUNC = 1,	 /* a traced kernel function was entered with a tracked skb */
	SKBTOP_EV_TP = 2,	 /* a path tracepoint (net:*, skb:*) fired for a tracked skb */
	SKBTOP_EV_DROP = 3,	 /* skb:kfree_skb: the skb was dropped, with reason and location */
	SKBTOP_EV_CONSUME = 4,	 /* skb:consume_skb: the skb was freed normally */
	SKBTOP_EV_CLONE = 5,	 /* the skb was cloned or copied; aux = the new skb */
	SKBTOP_EV_NFT_CHAIN = 6, /* nft_do_chain entry or exit (struct skbtop_nft_event) */
	SKBTOP_EV_NFT_RULE = 7,	 /* a rule or policy verdict (struct skbtop_nft_event) */
	SKBTOP_EV_NF_HOOK = 8,	 /* nf_hook_slow verdict for one hook (struct skbtop_nft_event) */
	SKBTOP_EV_BYTES = 9,	 /* the packet's first bytes (struct skbtop_bytes_event) */
	SKBTOP_EV_TYPE_MAX,	 /* the types above are whole events, what user space keeps */
	/* Ring buffer only: a FUNC or TP event told short (struct skbtop_hit), made whole by the
	 * decoder. */
	SKBTOP_EV_HIT = 64,
};

/*
 * Tracepoints carry their identity in func_id with this bit set; plain function ids index the
 * probe table that user space built before load.
 */
#define SKBTOP_TP_FLAG 0x80000000u
/*
 * A function's attach cookie (or fentry address entry): its probe id, whether the function ends
 * an sk_buff's life, so the probe knows without a lookup, and whether the filter judges there a
 * packet not yet followed (see skbtop__on_skb). Events carry the id alone.
 */
#define SKBTOP_ID_MASK	  0x03ffffffu
#define SKBTOP_JUDGE_FLAG 0x04000000u
#define SKBTOP_END_FLAG	  0x40000000u

/*
 * skbtop_empty_probes, the floors a benchmark compares skbtop with (--empty-probes[=emit]): the
 * same hooks with programs that return at once, or whose probes of functions and tracepoints send
 * each skb they see as a short record (struct skbtop_hit) and do nothing else.
 */
enum skbtop_empty {
	SKBTOP_PROBES = 0,
	SKBTOP_EMPTY_RETURN = 1,
	SKBTOP_EMPTY_EMIT = 2,
};

/*
 * Every tracepoint skbtop attaches, one line each; the enum below, the BPF programs, the loader
 * and the names are all made from this table. X(category, name, ID, event type, skb argument),
 * the skb argument being the index of the struct sk_buff * among the tracepoint's arguments.
 * An SKBTOP_EV_DROP tracepoint's programs hand over the drop's location and reason too, the two
 * arguments after the skb.
 */
#define SKBTOP_TRACEPOINTS(X)                                                                      \
	/* skb:kfree_skb(skb, location, reason[, rx_sk]) */                                        \
	X(skb, kfree_skb, KFREE_SKB, SKBTOP_EV_DROP, 0)                                            \
	/* skb:consume_skb(skb[, location]) */                                                     \
	X(skb, consume_skb, CONSUME_SKB, SKBTOP_EV_CONSUME, 0)                                     \
	X(net, netif_receive_skb, NETIF_RECEIVE_SKB, SKBTOP_EV_TP, 0)                              \
	X(net, netif_rx, NETIF_RX, SKBTOP_EV_TP, 0)                                                \
	X(net, napi_gro_receive_entry, NAPI_GRO_RECEIVE_ENTRY, SKBTOP_EV_TP, 0)                    \
	X(net, net_dev_queue, NET_DEV_QUEUE, SKBTOP_EV_TP, 0)                                      \
	X(net, net_dev_start_xmit, NET_DEV_START_XMIT, SKBTOP_EV_TP, 0)                            \
	X(net, net_dev_xmit, NET_DEV_XMIT, SKBTOP_EV_TP, 0)                                        \
	X(net, netif_receive_skb_entry, NETIF_RECEIVE_SKB_ENTRY, SKBTOP_EV_TP, 0)                  \
	X(net, netif_rx_entry, NETIF_RX_ENTRY, SKBTOP_EV_TP, 0)                                    \
	X(net, netif_receive_skb_list_entry, NETIF_RECEIVE_SKB_LIST_ENTRY, SKBTOP_EV_TP, 0)        \
	X(net, napi_gro_frags_entry, NAPI_GRO_FRAGS_ENTRY, SKBTOP_EV_TP, 0)                        \
	/* data copied to a socket's reader: delivered */                                          \
	X(skb, skb_copy_datagram_iovec, SKB_COPY_DATAGRAM_IOVEC, SKBTOP_EV_TP, 0)                  \
	/* qdisc:qdisc_enqueue(qdisc, txq, skb), qdisc:qdisc_dequeue(qdisc, txq, packets, skb) */  \
	X(qdisc, qdisc_enqueue, QDISC_ENQUEUE, SKBTOP_EV_TP, 2)                                    \
	X(qdisc, qdisc_dequeue, QDISC_DEQUEUE, SKBTOP_EV_TP, 3)                                    \
	/* tcp:tcp_probe(sk, skb): the TCP receive path (tcp_rcv_established) */                   \
	X(tcp, tcp_probe, TCP_PROBE, SKBTOP_EV_TP, 1)                                              \
	/* tcp:tcp_retransmit_skb(sk, skb) */                                                      \
	X(tcp, tcp_retransmit_skb, TCP_RETRANSMIT_SKB, SKBTOP_EV_TP, 1)                            \
	/* tcp:tcp_send_reset(sk, skb[, ...]): the skb a RST answers */                            \
	X(tcp, tcp_send_reset, TCP_SEND_RESET, SKBTOP_EV_TP, 1)                                    \
	/* icmp:icmp_send(skb_in, type, code): the skb an ICMP error answers */                    \
	X(icmp, icmp_send, ICMP_SEND, SKBTOP_EV_TP, 0)                                             \
	/* sock:sock_rcvqueue_full(sk, skb) */                                                     \
	X(sock, sock_rcvqueue_full, SOCK_RCVQUEUE_FULL, SKBTOP_EV_TP, 1)

#define SKBTOP_TP_ENUM(cat, tp, id, type, skb_arg) SKBTOP_TP_##id,
enum skbtop_tp {
	SKBTOP_TRACEPOINTS(SKBTOP_TP_ENUM) SKBTOP_TP_COUNT,
};
#undef SKBTOP_TP_ENUM

/*
 * kprobe.multi: where a function's address starts its search in the table of probe ids by
 * address (skbtop_kmulti_ids, skbtop.bpf.c), which user space fills: the top bits of a
 * multiplicative hash, for tables of up to 2^24 slots. mask: the table's size less one.
 */
#define SKBTOP_KMULTI_PROBES 4
struct skbtop_kmulti_id {
	__u64 ip; /* 0: a free slot */
	__u64 cookie;
};
static inline __u32 skbtop_kmulti_slot(__u64 ip, __u32 mask)
{
	return (__u32)((ip * 0x9e3779b97f4a7c15ull) >> 40) & mask;
}

/* Event flags */
#define SKBTOP_F_TUPLE_CACHED 0x1   /* headers unreadable here: the tuple is the cached one */
#define SKBTOP_F_NEW_PACKET   0x2   /* first event of a newly tracked skb */
#define SKBTOP_F_EXIT	      0x4   /* NFT chain exit (else entry) */
#define SKBTOP_F_POLICY	      0x8   /* NFT verdict came from the chain policy */
#define SKBTOP_F_PARTIAL      0x10  /* NFT rule seen in immediate mode: partial view */
#define SKBTOP_F_BRACKET      0x20  /* NFT chain entry/exit seen by netfilter programs around it */
#define SKBTOP_F_AT_FREE      0x40  /* NFT chain exit seen as the chain freed (dropped) the skb */
#define SKBTOP_F_NETLINK      0x80  /* NFT rule from the kernel's netlink trace (user space only) */
#define SKBTOP_F_BASE	      0x100 /* what the skb's next SKBTOP_EV_HIT records repeat */
#define SKBTOP_F_NAT	      0x200 /* addresses or ports changed here (user space only: the store) */
#define SKBTOP_F_FLOWTABLE    0x400 /* sent from a flowtable's hook, past the chains (the store) */

/* Address family values as in the kernel (AF_INET 2, AF_INET6 10). */
struct skbtop_tuple {
	__u8 family;
	__u8 l4proto; /* IPPROTO_* */
	__u8 icmp_type;
	__u8 icmp_code;
	__u16 sport; /* host order */
	__u16 dport; /* host order */
	union {
		__u32 v4; /* network order */
		__u8 v6[16];
	} saddr;
	union {
		__u32 v4;
		__u8 v6[16];
	} daddr;
};

struct skbtop_event_hdr {
	__u16 type; /* enum skbtop_event_type */
	__u16 cpu;
	__u32 flags; /* SKBTOP_F_* */
	__u64 ts_ns; /* bpf_ktime_get_ns() */
};

/* SKBTOP_EV_FUNC, _TP, _DROP, _CONSUME, _CLONE */
struct skbtop_event {
	struct skbtop_event_hdr hdr;
	__u64 skb;     /* address of the sk_buff: an identity, never dereferenced */
	__u64 aux;     /* DROP: location; CLONE: new skb; otherwise 0 */
	__u64 ident;   /* the packet's identity from its headers (struct skbtop_parsed), 0: none */
	__u32 func_id; /* probe table index, or SKBTOP_TP_FLAG | enum skbtop_tp */
	__u32 pid;     /* tgid of the current task */
	__u32 ifindex; /* skb->dev->ifindex, 0 if none */
	__u32 netns;   /* inode of the netns of skb->dev (or of the socket) */
	__u32 mark;    /* skb->mark */
	__u32 len;     /* skb->len */
	__u32 reason;  /* DROP: enum skb_drop_reason value of the running kernel */
	__u16 l3proto; /* skb->protocol, host order */
	__u16 reserved;
	struct skbtop_tuple tuple;
};

/*
 * SKBTOP_EV_HIT: most events of a followed packet say again what its last record said (headers,
 * device, netns, length, mark), so they travel short, and the decoder makes the full event from
 * the skb's last record flagged SKBTOP_F_BASE. The event is SKBTOP_EV_TP when func_id has
 * SKBTOP_TP_FLAG, else SKBTOP_EV_FUNC; aux and reason are 0.
 */
struct skbtop_hit {
	struct skbtop_event_hdr hdr;
	__u64 skb;
	__u32 func_id;
	__u32 pid;
};

/* SKBTOP_EV_NFT_CHAIN, _NFT_RULE, _NF_HOOK: the packet part, then what netfilter said. */
struct skbtop_nft_event {
	struct skbtop_event ev;
	__u64 rule_handle; /* 0 when the verdict is the chain's (policy or exit) */
	__u64 chain_handle;
	__s32 verdict;	/* as the kernel returns it: NF_* in bits 0-7, an errno or queue in 16-31 */
	__s32 priority; /* base chain priority */
	__u8 family;	/* NFPROTO_* */
	__u8 hook;	/* NF_INET_* */
	__u8 depth;	/* nesting of nft_do_chain calls on this CPU, 0 = outermost */
	__u8 seq;	/* order of this rule event within the chain call */
	__u32 pad;
	char table[SKBTOP_NAME_LEN];
	char chain[SKBTOP_NAME_LEN];
	char target[SKBTOP_NAME_LEN]; /* jump/goto target chain */
};

/*
 * SKBTOP_EV_BYTES, only with a snap length set: the first bytes of a tracked skb, sent just before
 * the event of its first sight and of its drop. Sized to fit the queue's slot (that of struct
 * skbtop_nft_event), so that capturing makes no slot larger.
 */
#define SKBTOP_SNAP_MAX 192
#define SKBTOP_LINK_ETH 1 /* data starts at the Ethernet header */
#define SKBTOP_LINK_RAW 2 /* data starts at the IPv4 or IPv6 header */
struct skbtop_bytes_event {
	struct skbtop_event_hdr hdr;
	__u64 skb;
	__u32 ifindex;
	__u32 netns;
	__u32 len;    /* the packet's length from where data starts */
	__u16 caplen; /* bytes of data filled, at most SKBTOP_SNAP_MAX */
	__u16 link;   /* SKBTOP_LINK_* */
	__u8 data[SKBTOP_SNAP_MAX];
};

/* Counters the kernel side keeps in a per-CPU array, indexed by these. */
enum skbtop_counter {
	SKBTOP_CNT_RB_FAIL = 0, /* ring buffer reservations that failed: events lost */
	SKBTOP_CNT_EVENTS,	/* events emitted */
	SKBTOP_CNT_TRACKED,	/* skbs that started being tracked */
	SKBTOP_CNT_TRACK_FULL,	/* followed skbs given up: a new skb took the slot, its set full */
	SKBTOP_CNT_MAX,
};

/* The slots of one set of the tracking table (skbtop_maps.bpf.h); its size is a multiple. */
#define SKBTOP_TRACK_WAYS 4

/* The signed gauges of skbtop_gauges (skbtop_maps.bpf.h says when each moves). */
enum skbtop_gauge {
	SKBTOP_GAUGE_LIVE,	  /* tracked skbs not ended */
	SKBTOP_GAUGE_ENTRIES,	  /* entries in the tracking table, ended or not (or more) */
	SKBTOP_GAUGE_HOOK_FRAMES, /* nf_hook_slow frames on all tasks' stacks (nf_hook.bpf.h) */
	SKBTOP_GAUGE_HOOK_EXITS,  /* 1: nf_hook_slow's return is probed (user space sets it) */
	SKBTOP_GAUGE_NFT_FRAMES,  /* nft_do_chain frames on all tasks' stacks (nft.bpf.c) */
	SKBTOP_GAUGE_MAX,
};

#endif /* SKBTOP_EVENT_H */

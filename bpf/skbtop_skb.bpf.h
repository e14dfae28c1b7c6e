/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sk_buff fields a decision needs, read once for it. Where the verifier knows the
 * argument's type (tp_btf, fentry, kprobes given the type by bpf_rdonly_cast) they are plain loads;
 * elsewhere (kprobes before 6.2, raw tracepoints) they are copied with as few
 * bpf_probe_read_kernel calls as can be, since a call costs more than the bytes it copies: one for
 * the fields after the control block, one for dev and sk. Offsets are CO-RE relocated either way.
 */
#ifndef SKBTOP_SKB_BPF_H
#define SKBTOP_SKB_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/*
 * Types an address for the verifier: as a struct (6.2+), or as read-only bytes (btf_id 0, 6.17+).
 * Weak, so that the object still loads where the kernel lacks it: the loader then keeps the
 * programs and the filter code that never call it.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * 1: the kernel types an address as read-only bytes (bpf_rdonly_cast(address, 0), whose loads the
 * verifier makes fault-safe), so packet bytes are read in place rather than copied by a helper
 * call. User space sets it from the kernel's BTF (BPF_FEAT_RDONLY_CAST_TO_VOID, 6.17+).
 */
const volatile __u32 skbtop_read_direct = 0;

/*
 * Where bytes cannot be typed as such but an address can be typed as a struct (6.2 to 6.16): the
 * BTF id of a kernel struct that starts with at least SKBTOP_PCAP_WINDOW bytes of a byte array
 * (filter_cfg.bpf.h), whose loads the verifier allows at constant offsets, fault-safe. User space
 * picks one from the kernel's BTF; 0: none.
 */
const volatile __u32 skbtop_read_window = 0;

/*
 * Whether plain loads read packet bytes in place, fault-safe: typed as bytes (skbtop_read_direct)
 * or as the window struct (skbtop_read_window), whose loads must then be at constant offsets in
 * its first SKBTOP_PCAP_WINDOW bytes. Otherwise a helper call copies them.
 */
#define skbtop__bytes_in_place() (skbtop_read_direct || skbtop_read_window)

/* How a program reads its sk_buff; a constant at each entry point, so only one path is built. */
#define SKBTOP_RD_COPY 0
#define SKBTOP_RD_BTF  1

struct skbtop_skb {
	struct net_device *dev;
	struct sock *sk;
	unsigned char *head;
	__u32 len;
	__u32 mark;
	__u32 tail; /* offsets from head, as the kernel keeps them on 64-bit */
	__u32 data;
	__u16 protocol; /* host order */
	__u16 mac;
	__u16 nh;
	__u16 th;
};

/* The copy covers len to data (the fields after the control block), then dev and sk apart. */
#define SKBTOP_SKB_COPY 128

#define skbtop__skb_off(field)                                                                     \
	(bpf_core_field_offset(struct sk_buff, field) - bpf_core_field_offset(struct sk_buff, len))
#define skbtop__skb_at(buf, type, field) (*(type *)((buf) + skbtop__skb_off(field)))

/* The fields from len to data, by one copy: every field of struct skbtop_skb but dev and sk. */
static __always_inline int skbtop__skb_copy_place(struct sk_buff *skb, struct skbtop_skb *s)
{
	unsigned char buf[SKBTOP_SKB_COPY];
	__u32 size = skbtop__skb_off(data) + sizeof(void *);

	if (size > sizeof(buf) ||
	    bpf_probe_read_kernel(buf, size,
				  (void *)skb + bpf_core_field_offset(struct sk_buff, len)))
		return -1;
	s->head = skbtop__skb_at(buf, unsigned char *, head);
	s->len = skbtop__skb_at(buf, __u32, len);
	s->mark = skbtop__skb_at(buf, __u32, mark);
	s->tail = skbtop__skb_at(buf, __u32, tail);
	s->data = (__u32)(skbtop__skb_at(buf, unsigned char *, data) - s->head);
	s->protocol = bpf_ntohs(skbtop__skb_at(buf, __u16, protocol));
	s->mac = skbtop__skb_at(buf, __u16, mac_header);
	s->nh = skbtop__skb_at(buf, __u16, network_header);
	s->th = skbtop__skb_at(buf, __u16, transport_header);
	return 0;
}

/*
 * Where the packet's bytes are: head, data, tail, len, and the link and network headers (a copy
 * takes the other fields between len and data along). The filter needs no more to judge bytes.
 */
static __always_inline int skbtop__skb_read_place(struct sk_buff *skb, struct skbtop_skb *s, int rd)
{
	if (rd != SKBTOP_RD_BTF)
		return skbtop__skb_copy_place(skb, s);
	s->head = skb->head;
	s->len = skb->len;
	s->tail = skb->tail;
	s->data = (__u32)(skb->data - s->head);
	s->mac = skb->mac_header;
	s->nh = skb->network_header;
	return 0;
}

static __always_inline struct net_device *skbtop__skb_dev(struct sk_buff *skb, int rd)
{
	return rd == SKBTOP_RD_BTF ? skb->dev : BPF_CORE_READ(skb, dev);
}

/*
 * The fields every decision on a followed skb needs: skbtop__skb_read_place's and the device;
 * skbtop__skb_read_rest() adds the others where they are plain loads, and a copy takes the socket
 * along with the device.
 */
static __always_inline int skbtop__skb_read(struct sk_buff *skb, struct skbtop_skb *s, int rd)
{
	if (skbtop__skb_read_place(skb, s, rd))
		return -1;
	if (rd == SKBTOP_RD_BTF) {
		s->dev = skb->dev;
		return 0;
	}
	if (bpf_core_field_offset(struct sk_buff, sk) ==
	    bpf_core_field_offset(struct sk_buff, dev) + 8)
		return bpf_probe_read_kernel(&s->dev, 2 * sizeof(void *), &skb->dev);
	s->dev = BPF_CORE_READ(skb, dev);
	s->sk = BPF_CORE_READ(skb, sk);
	return 0;
}

/* The fields skbtop__skb_read left out (socket, mark, protocol, transport header). */
static __always_inline void skbtop__skb_read_rest(struct sk_buff *skb, struct skbtop_skb *s, int rd)
{
	if (rd != SKBTOP_RD_BTF)
		return;
	s->sk = skb->sk;
	s->mark = skb->mark;
	s->protocol = bpf_ntohs(skb->protocol);
	s->th = skb->transport_header;
}

/*
 * The accessors below take the pointers out of s first: inside BPF_CORE_READ, s->dev itself would
 * become a CO-RE access to struct skbtop_skb, which the kernel's BTF does not have.
 */
static __always_inline __u32 skbtop__dev_ifindex(const struct skbtop_skb *s, int rd)
{
	struct net_device *dev = s->dev;

	if (!dev)
		return 0;
	return rd == SKBTOP_RD_BTF ? dev->ifindex : BPF_CORE_READ(dev, ifindex);
}

static __always_inline __u16 skbtop__dev_type(struct net_device *dev, int rd)
{
	if (!dev)
		return 0;
	return rd == SKBTOP_RD_BTF ? dev->type : BPF_CORE_READ(dev, type);
}

/*
 * The netns of the skb: its device's, else its socket's, else (an skb being built by a sendmsg,
 * such as TCP's write queue, which has neither yet) that of the task running, the sender.
 */
static __always_inline __u32 skbtop__skb_netns(const struct skbtop_skb *s, int rd)
{
	struct net_device *dev = s->dev;
	struct task_struct *task;
	struct sock *sk = s->sk;

	if (dev)
		return rd == SKBTOP_RD_BTF ? dev->nd_net.net->ns.inum
					   : BPF_CORE_READ(dev, nd_net.net, ns.inum);
	if (sk)
		return rd == SKBTOP_RD_BTF ? sk->__sk_common.skc_net.net->ns.inum
					   : BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	task = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
}

/*
 * A clone whose data another skb still holds (the clone bit, and more than one reference to the
 * shared data). Freed without having been seen before, such a clone is not a packet of its own:
 * neigh_probe(), for one, clones the packet waiting for ARP to hand it to the solicitation and
 * consumes the clone at once, while the packet itself leaves later.
 */
static __always_inline bool skbtop__clone_of_live(struct sk_buff *skb, const struct skbtop_skb *s,
						  int rd)
{
	__u32 end, dataref = 0;

	if (!(rd == SKBTOP_RD_BTF ? BPF_CORE_READ_BITFIELD(skb, cloned)
				  : BPF_CORE_READ_BITFIELD_PROBED(skb, cloned)))
		return false;
	end = rd == SKBTOP_RD_BTF ? skb->end : BPF_CORE_READ(skb, end);
	bpf_probe_read_kernel(&dataref, sizeof(dataref),
			      s->head + end +
				      bpf_core_field_offset(struct skb_shared_info, dataref));
	/* The low 16 bits count the holders of the whole buffer (SKB_DATAREF_SHIFT). */
	return (dataref & 0xffff) > 1;
}

#endif /* SKBTOP_SKB_BPF_H */

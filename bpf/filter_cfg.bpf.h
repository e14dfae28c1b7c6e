/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel filter's configuration, one rodata struct shared by filter.bpf.h and user space
 * (src/core/filter/filter_opts.c fills it, the loader copies it into the skeleton before load). A
 * field at 0 asks for nothing, so an all-zero struct lets every packet through.
 */
#ifndef SKBTOP_FILTER_CFG_BPF_H
#define SKBTOP_FILTER_CFG_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

struct skbtop_filter_cfg {
	__u32 netns;	 /* netns inode of skb->dev (or of its socket), 0 = any */
	__u32 ifindex;	 /* skb->dev->ifindex, 0 = any */
	__u32 mark;	 /* skb->mark & mark_mask must equal mark */
	__u32 mark_mask; /* 0 = mark not checked */
	__u32 pcap;	 /* 1: a tcpdump expression was translated into the placeholder */
	__u32 self_tgid; /* skbtop's own process: the device-less skbs it reads are not followed */
};

/*
 * The tcpdump expression runs as eBPF translated from libpcap's classic BPF
 * (src/core/filter/pcapfilter.c) and written over a placeholder before load: an instruction "r0 =
 * SKBTOP_PCAP_MAGIC" followed by nops, SKBTOP_PCAP_SLOTS instructions in all. On entry r1 points to
 * a struct skbtop_pcap_ctx on the stack; on exit r0 is non-zero for a match, and r1-r5 are
 * clobbered, r6-r9 kept.
 */
#define SKBTOP_PCAP_MAGIC 0x5cb7f117
#define SKBTOP_PCAP_SLOTS 2048
/* At most this many packet bytes are copied once, where most loads land. */
#define SKBTOP_PCAP_HEAD 64
/*
 * Bytes from data that the window translation loads in place: at most the byte array that starts
 * the kernel struct of skbtop_read_window (skbtop_skb.bpf.h) holds. Past them, a call.
 */
#define SKBTOP_PCAP_WINDOW 256

/*
 * How data reads, by translation (src/core/filter/pcapfilter.c builds one for each):
 * - direct, with skbtop_read_direct set (kernels 6.17+): bpf_rdonly_cast(address, 0), a read-only
 *   untrusted pointer whose loads the verifier turns into fault-safe probe loads, so the
 *   expression reads the packet in place and head is unused.
 * - window, with skbtop_read_window set (6.2 to 6.16): bpf_rdonly_cast(address, that struct), whose
 *   loads are fault-safe too but only at constant offsets inside the struct. Loads at a constant
 *   offset below SKBTOP_PCAP_WINDOW read in place; an indirect one does when X is an IPv4 header
 *   without options (20), the usual case; the others copy from addr, the plain address, by a call.
 * - copy, otherwise: data is a plain address and one bpf_probe_read_kernel call copies the head.
 */
struct skbtop_pcap_ctx {
	__u64 data;	/* the first byte the expression sees */
	__u64 saved[3]; /* r6-r8 of the enclosing program while the filter runs */
	__u32 len;	/* bytes from data to the end of the packet (what cBPF calls len) */
	__u32 linear;	/* bytes readable from data (the skb's linear part) */
	__u32 l2;	/* 1: data is an Ethernet header, 0: an IPv4 or IPv6 header */
	__u32 tmp;	/* the bytes of one load */
	__u32 mem[16];	/* classic BPF scratch memory M[] */
	union {
		__u8 head[SKBTOP_PCAP_HEAD]; /* copy: the first bytes from data, as many as the
						loads read */
		__u64 addr;		     /* window: data's address as a number */
	};
};

/*
 * The probe sets data, len, linear and l2 only, and addr for the window translation: the
 * translated code writes saved, tmp and head before it reads them, and zeroes the scratch words it
 * loads (src/core/filter/pcapfilter.c).
 */

#endif /* SKBTOP_FILTER_CFG_BPF_H */

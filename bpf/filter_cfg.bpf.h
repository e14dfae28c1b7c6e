/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel filter's configuration, one rodata struct shared by filter.bpf.h and user space
 * (src/core/filter_opts.c fills it, the loader copies it into the skeleton before load). A field
 * at 0 asks for nothing, so an all-zero struct lets every packet through.
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
};

#endif /* SKBTOP_FILTER_CFG_BPF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What user space writes into nft.bpf.c's rodata before load: for each loaded copy of the
 * netfilter program, the base chain it stands after (close) and the one it stands before (open).
 * One priority can be both, since a netfilter hook takes one BPF program per priority.
 */
#ifndef SKBTOP_NFT_CFG_BPF_H
#define SKBTOP_NFT_CFG_BPF_H

#include "skbtop_event.h"

/* The probe ids of NFT events are nft_func_base + one of these (names, layers). */
enum nft_probe_kind {
	NFT_PROBE_CHAIN = 0, /* nft_do_chain entry/exit */
	NFT_PROBE_RULE,	     /* __nft_trace_packet or nft_immediate_eval */
	NFT_PROBE_HOOK,	     /* nf_hook_slow */
	NFT_PROBE_BRACKET,   /* netfilter programs around a base chain */
	NFT_PROBE_NETLINK,   /* rule verdicts from the nftables netlink trace (user space) */
	NFT_PROBE_COUNT,
};

struct nft_bracket_role {
	__s32 priority;
	__u8 set;
	__u8 family; /* NFPROTO_* of the chain's table */
	__u8 hook;   /* NF_INET_* */
	__u8 pad;
	__u64 chain_handle;
	char table[SKBTOP_NAME_LEN];
	char chain[SKBTOP_NAME_LEN];
};

struct nft_bracket_cfg {
	struct nft_bracket_role close;
	struct nft_bracket_role open;
};

#endif /* SKBTOP_NFT_CFG_BPF_H */

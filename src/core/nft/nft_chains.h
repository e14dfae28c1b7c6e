/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv4/IPv6/inet base chains of a network namespace (hook, priority, handle), read from
 * `nft -j list chains` run inside it. The netfilter
 * brackets are placed from them, and the netlink trace puts a chain's rule verdicts next to the
 * chain's entry in the packet's journey.
 */
#ifndef SKBTOP_NFT_CHAINS_H
#define SKBTOP_NFT_CHAINS_H

#include <stdbool.h>
#include <stdint.h>

#include "skbtop_event.h"

#define NFPROTO_INET_V 1
#define NFPROTO_IPV4_V 2
#define NFPROTO_IPV6_V 10
/* NF_INET_POST_ROUTING: the base chains read are those of prerouting ... postrouting. */
#define NF_INET_POST_ROUTING_V 4

struct nft_chain_def {
	uint32_t netns;
	uint8_t family, hook; /* NFPROTO_* of the table, NF_INET_* */
	int32_t prio;
	uint64_t handle;
	char table[SKBTOP_NAME_LEN], name[SKBTOP_NAME_LEN];
};

/* Base chains of the IPv4/IPv6/inet families in `nft -j list chains` output; -1 if not JSON. */
int nft_chains__parse(const char *json, uint32_t netns, struct nft_chain_def *out, int max);
/* Runs `nft -j list chains` in netns and parses it; 0 when the namespace is gone, -1 on error. */
int nft_chains__list(const char *nft, uint32_t netns, struct nft_chain_def *out, int max);

#endif /* SKBTOP_NFT_CHAINS_H */

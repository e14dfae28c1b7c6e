/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule verdicts from the kernel's own nftables trace, for kernels where no probe can see them
 * (--nft-netlink-trace). In each traced namespace a table of skbtop's, inet skbtop_trace_<pid>,
 * sets nftrace on every packet at the first priority of prerouting and output, and a
 * NETLINK_NETFILTER socket there listens to the trace group. Each trace message becomes a rule
 * event without an skb (the kernel sends a hashed id, not the address): nft_join finds its
 * packet's journey from the headers and the namespace. Opt-in, because every marked packet costs
 * the kernel one netlink message per rule it meets, and every `nft monitor trace` in the
 * namespace sees the packets too. The table is removed at exit, and at the next start if a
 * crash left it behind.
 */
#ifndef SKBTOP_NFT_NLTRACE_H
#define SKBTOP_NFT_NLTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

#include "skbtop_event.h"

#define NFT_NLTRACE_PREFIX "skbtop_trace_"

struct nft_trace_rec {
	struct skbtop_nft_event e; /* skb 0, hdr.ts_ns when read, tuple from the headers */
	uint32_t id;		   /* the kernel's trace id: one packet in one namespace */
	bool base; /* e.chain is a base chain: e.hook, e.priority, chain_handle set */
	bool own;  /* about skbtop's marking table: it claims its packet's journey, is not shown */
};

struct nft_nltrace_stats {
	uint64_t events;   /* trace messages turned into rule events */
	uint64_t own;	   /* messages about skbtop's own marking table, joined but not shown */
	uint64_t bad;	   /* messages that were not a well-formed trace */
	uint64_t overruns; /* times the socket's buffer overflowed: messages lost */
	uint64_t refused;  /* datagrams not from the kernel, or whose lengths do not add up */
};

struct nft_nltrace;

/*
 * Adds the marking table and the trace socket in each namespace of netns[] (inodes); func_id
 * names the events. NULL when no namespace could be traced, after p_err. summary gets one line
 * for the status ("rules: netlink trace in 2 namespaces").
 */
struct nft_nltrace *nft_nltrace__start(const char *nft, const uint32_t *netns, int n,
				       uint32_t func_id, char *summary, size_t len);
/* Reads what the sockets hold without blocking: up to max records into out, returns how many. */
int nft_nltrace__read(struct nft_nltrace *nl, struct nft_trace_rec *out, int max);
void nft_nltrace__stats(const struct nft_nltrace *nl, struct nft_nltrace_stats *st);
/* Removes the marking tables, closes the sockets, frees. NULL is fine. */
void nft_nltrace__stop(struct nft_nltrace *nl);

/* The netlink trace's marking tables are skbtop's, not the user's: their chains are not shown. */
static inline bool nft_nltrace__own_table(const char *table)
{
	return !strncmp(table, NFT_NLTRACE_PREFIX, sizeof(NFT_NLTRACE_PREFIX) - 1);
}

/*
 * One netlink message into out (chain hook and priority not filled): 1 for a trace event (out->own
 * when it is about skbtop's marking table), 0 for another message, -1 when malformed.
 */
int nft_nltrace__parse(const struct nlmsghdr *nh, struct nft_trace_rec *out);

/*
 * One datagram of the trace socket (buf aligned for struct nlmsghdr), sent from netlink port
 * from_port, into up to max records; returns how many. Only the kernel (port 0) is believed: a
 * datagram from anyone else, or whose message lengths do not add up to len, is refused whole.
 * Counts into st; the records' time, namespace, func_id and base chain are the caller's.
 */
int nft_nltrace__datagram(const void *buf, size_t len, uint32_t from_port,
			  struct nft_trace_rec *out, int max, struct nft_nltrace_stats *st);

#endif /* SKBTOP_NFT_NLTRACE_H */

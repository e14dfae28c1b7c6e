/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Joins the netlink trace's rule events to the packets' journeys. The kernel's trace id is a
 * hash, not the skb, so a packet is known by its headers and namespace: the first event of an id
 * goes to the oldest journey with the same tuple that was seen in that namespace and that no
 * other id there has taken (the kernel traces packets in the order they come); the id's later
 * events follow it. An event waits until the ring buffer has caught up with it (its journey may
 * still be on the way), and is placed right after the entry of its chain (netfilter bracket or
 * nft_do_chain) when the journey has one, else at the journey's end. Events of skbtop's marking
 * table take their journey like the others and are then left out.
 */
#ifndef SKBTOP_NFT_JOIN_H
#define SKBTOP_NFT_JOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/nft/nft_nltrace.h"
#include "core/session/store.h"

struct nft_join_stats {
	uint64_t joined;    /* events added to a journey */
	uint64_t unmatched; /* events no journey was found for (not tracked, filtered, evicted) */
	uint64_t dropped;   /* events refused because too many were waiting */
};

typedef void (*nft_join_cb)(void *ctx, const struct journey *j, const struct skbtop_nft_event *e);

struct nft_join;

struct nft_join *nft_join__new(void);
void nft_join__free(struct nft_join *jn);
/* Keeps a copy of r until nft_join__run; false when too many wait (counted as dropped). */
bool nft_join__push(struct nft_join *jn, const struct nft_trace_rec *r);
/*
 * Joins the waiting records read at or before ready_ns (UINT64_MAX: all of them) into s; cb,
 * when not NULL, sees each joined event as stored. Returns how many records were taken.
 */
size_t nft_join__run(struct nft_join *jn, struct store *s, uint64_t ready_ns, nft_join_cb cb,
		     void *ctx);
const struct nft_join_stats *nft_join__stats(const struct nft_join *jn);
/* The read time of the oldest record still waiting, UINT64_MAX when none waits. */
uint64_t nft_join__oldest_ns(const struct nft_join *jn);

#endif /* SKBTOP_NFT_JOIN_H */

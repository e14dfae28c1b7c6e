/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dormant table that switches on nf_tables' trace static key, so that __nft_trace_packet runs
 * and a probe on it sees every rule verdict. A `meta nftrace set` expression anywhere turns the
 * (global) key on; ours sits in an unhooked chain no packet enters, so no packet is marked and no
 * verdict changes. The table is named after skbtop's pid: two skbtops do not remove each other's,
 * and one whose owner is gone (a crash) is removed at the next start.
 */
#ifndef SKBTOP_NFT_KEYON_H
#define SKBTOP_NFT_KEYON_H

#include <stddef.h>
#include <sys/types.h>

#define NFT_KEYON_PREFIX "skbtop_keyon_"

/* Runs `nft -f -` with script on stdin in netns_fd (-1: our own); err gets nft's first line. */
int nft_keyon__run(const char *nft, int netns_fd, const char *script, char *err, size_t errlen);

/*
 * Removes the tables NFT_KEYON_PREFIX<pid> (and prefix given) whose pid is no longer alive.
 * Returns how many were removed, -1 when nft could not list the tables.
 */
int nft_keyon__remove_leftovers(const char *nft, int netns_fd, const char *prefix);

/* Creates inet NFT_KEYON_PREFIX<getpid()>. 0 or -1 after p_err. */
int nft_keyon__create(const char *nft);
/* Removes it; safe to call when it was never created. */
int nft_keyon__remove(const char *nft);
/* Removes inet <prefix><getpid()> in netns_fd (-1: our own), there or not; err gets nft's line. */
int nft_keyon__remove_own(const char *nft, int netns_fd, const char *prefix, char *err,
			  size_t errlen);

/* The table name for pid, into buf. */
const char *nft_keyon__table(char *buf, size_t len, const char *prefix, pid_t pid);

#endif /* SKBTOP_NFT_KEYON_H */

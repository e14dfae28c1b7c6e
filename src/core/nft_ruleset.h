/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule text by (netns, family, table, handle), read from `nft -a -s list ruleset` run inside each
 * network namespace (a child process that setns()es first, so the static binary needs no
 * libnftables). Handles are unique only inside a table and survive `nft replace rule`, so the
 * text is re-read whenever the namespace's ruleset generation id changes; a handle the kernel
 * reported that the current ruleset no longer has is answered as deleted, never with another
 * rule's text.
 */
#ifndef SKBTOP_NFT_RULESET_H
#define SKBTOP_NFT_RULESET_H

#include <stdbool.h>
#include <stdint.h>

#define NFT_RULE_DELETED "(rule deleted since)"

struct nft_ruleset;

/* nft: the nft binary to run ("nft" searches PATH). */
struct nft_ruleset *nft_ruleset__new(const char *nft);
void nft_ruleset__free(struct nft_ruleset *rs);

/*
 * Replaces what is known of netns by the rules in text (the output of `nft -a -s list
 * ruleset`). Returns the number of rules read, or -1 when the text is not such a listing.
 */
int nft_ruleset__parse(struct nft_ruleset *rs, uint32_t netns, const char *text);

/*
 * The rule's text, NFT_RULE_DELETED when the namespace was read and has no such rule, NULL when
 * nothing is known. family is the NFPROTO_* number; table may be cut at 31 characters (the event
 * ABI's width). Live lookups re-read the namespace when its generation changed, at most every
 * 100 ms; with live off (replay, tests) only parsed text is used.
 */
const char *nft_ruleset__text(struct nft_ruleset *rs, uint32_t netns, uint8_t family,
			      const char *table, uint64_t handle);
void nft_ruleset__set_live(struct nft_ruleset *rs, bool live);

/* Same as nft_ruleset__text, in the shape names__set_rule_text() takes. */
const char *nft_ruleset__names_cb(void *rs, uint32_t netns, uint8_t family, const char *table,
				  uint64_t handle);

/* NFPROTO_* <-> "ip", "ip6", "inet", "arp", "bridge", "netdev"; -1 / "family#N" when unknown. */
int nft_family__parse(const char *name);
const char *nft_family__name(uint8_t family);

/*
 * An fd of the network namespace with this inode (0 = skbtop's own), found through
 * /proc/self, /run/netns and /proc/PID; -1 if no process holds it.
 */
int nft_netns__open(uint32_t inum);
/* The inode of skbtop's own network namespace. */
uint32_t nft_netns__self(void);
/* Runs fn(arg) on a thread that entered the namespace of netns_fd; fn's result (-1 on error). */
int nft_netns__call(int netns_fd, int (*fn)(void *arg), void *arg);
/* A socket(domain, type, proto) created inside the namespace of netns_fd; -1 on error. */
int nft_netns__socket(int netns_fd, int domain, int type, int proto);
/* The ruleset generation id of the namespace behind a NETLINK_NETFILTER socket; -1 on error. */
int64_t nft_netns__genid(int nl_fd);

#endif /* SKBTOP_NFT_RULESET_H */

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
 * ABI's width). Lookups never wait: live, they answer from what was read and ask a thread of
 * their own to re-read the namespace when its generation changed (checked at most every 100 ms,
 * and at once when the kernel tells of a change in the namespace given to nft_ruleset__warm).
 * Until a namespace is read its rules answer NULL; while it is read again after a change, a
 * handle it did not have answers NULL, not deleted. With live off (replay, tests, and a session
 * that has stopped: turning it off stops the thread) only what was read is used. The text stays
 * valid until nft_ruleset__free.
 */
const char *nft_ruleset__text(struct nft_ruleset *rs, uint32_t netns, uint8_t family,
			      const char *table, uint64_t handle);
void nft_ruleset__set_live(struct nft_ruleset *rs, bool live);
/*
 * Asks for the rules of the namespaces the session watches to be read now (want: the one
 * --filter-netns asked for, or 0), before events need them; from then on the kernel tells of
 * the changes in want (or, when 0, in skbtop's own namespace).
 */
void nft_ruleset__warm(struct nft_ruleset *rs, uint32_t want);
/* Waits until the namespaces asked for so far were read. */
void nft_ruleset__wait(struct nft_ruleset *rs);

/* Same as nft_ruleset__text, in the shape names__set_rule_text() takes. */
const char *nft_ruleset__names_cb(void *rs, uint32_t netns, uint8_t family, const char *table,
				  uint64_t handle);

/* The ruleset generation id of the namespace behind a NETLINK_NETFILTER socket; -1 on error. */
int64_t nft_ruleset__genid(int nl_fd);

#endif /* SKBTOP_NFT_RULESET_H */

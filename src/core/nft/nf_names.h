/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netfilter's own names as nft writes them: the NFPROTO_* families and each family's hooks. The
 * stream, the saved files, the screen and the ruleset readers all name them from here.
 */
#ifndef SKBTOP_NF_NAMES_H
#define SKBTOP_NF_NAMES_H

#include <stdint.h>

/* "inet", "ip", "ip6", "arp", "bridge", "netdev"; "?" when unknown. */
const char *nfproto__name(uint8_t family);
/* The same, but "family#N" when unknown, so that counts of two unknown families stay apart. */
const char *nfproto__label(uint8_t family);
int nfproto__from_name(const char *name); /* -1 if unknown */
/* The hook as nft writes it for that family: "prerouting", "input", ..., "ingress"; "?". */
const char *nfhook__name(uint8_t family, uint8_t hook);
int nfhook__from_name(uint8_t family, const char *name); /* -1 if unknown */

#endif /* SKBTOP_NF_NAMES_H */

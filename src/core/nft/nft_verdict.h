/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the verdict codes netfilter and nf_tables hand around, shared by the stream, the
 * export and the UI so all of them name a verdict the same way. Three encodings meet here:
 * netfilter's (NF_DROP 0 ... NF_STOP 5, with an errno or a queue number in bits 16-31), nf_tables'
 * own negative codes (continue, break, jump, goto, return), and the drop that nft_do_chain returns
 * since 6.7 (and Debian's 6.1.192): the skb is freed inside and NF_STOLEN comes back with EPERM in
 * the upper bits. A STOLEN that carries an error is a drop; reading it as stolen or accept is the
 * mistake this module exists to avoid.
 */
#ifndef SKBTOP_NFT_VERDICT_H
#define SKBTOP_NFT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum nft_vkind {
	NFT_V_DROP = 0,
	NFT_V_ACCEPT,
	NFT_V_STOLEN,
	NFT_V_QUEUE,
	NFT_V_REPEAT,
	NFT_V_STOP,
	NFT_V_CONTINUE,
	NFT_V_BREAK,
	NFT_V_JUMP,
	NFT_V_GOTO,
	NFT_V_RETURN,
	NFT_V_UNKNOWN,
	NFT_V_COUNT,
};

struct nft_vdecoded {
	enum nft_vkind kind;
	uint16_t queue;	   /* NFT_V_QUEUE: queue number */
	bool queue_bypass; /* NFT_V_QUEUE: accept when no listener */
	int err;	   /* NFT_V_DROP: errno the drop carried (EPERM for 0x10002), 0 if none */
};

struct nft_vdecoded nft_verdict__split(int32_t code);
/* "accept", "drop", "continue", "jump", "goto", "return", "queue", "stolen", ...; never NULL. */
const char *nft_vkind__name(enum nft_vkind kind);
/* True when the packet's fate ends here: accept, drop, stolen, queue (not continue/jump/...). */
bool nft_vkind__is_final(enum nft_vkind kind);

/*
 * The code as a packet's journey keeps it: NF_DROP (0) ... NF_STOP (5) without the upper bits, a
 * STOLEN that carries an error as NF_DROP, nf_tables' own codes (-1 ... -5) as they are.
 */
int32_t nft_verdict__decode(int32_t code);
/* The verdict's name as the stream, the saved files and the screen write it; "?" if unknown. */
const char *nft_verdict__name(int32_t code);
/* The decoded code whose name is name; a code named "?" when there is none. */
int32_t nft_verdict__parse(const char *name);

struct store;

/*
 * The NFT part of the statistics block, over the journeys the store holds: base chains entered,
 * rule steps seen, and verdicts counted by chain (at its exit) and by rule. One "--- nft ---"
 * block in text, or one {"nft_stats":{...}} line with json.
 */
void nft_verdict__stats(FILE *f, const struct store *s, bool json);

#endif /* SKBTOP_NFT_VERDICT_H */

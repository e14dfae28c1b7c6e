/* SPDX-License-Identifier: GPL-2.0 */
/* The nft object of one event as JSON, the same in the stream and the saved files. */
#ifndef SKBTOP_NFT_JSON_H
#define SKBTOP_NFT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/session/names.h"
#include "core/session/store.h"

/*
 * {"family", "table", "chain", "chain_handle", "priority", "hook", "handle", "verdict",
 * "verdict_code", "target" (when set), "depth", "seq", "rule" (when its text is known)}. The raw
 * verdict code is kept so replay decodes it again. With spell_flags, the event's flags follow
 * "target" as keys: "exit" (chain events), "policy", "partial", "source" (when set), for a line
 * that has no "flags" of its own (the stream's; a saved event has them). The caller holds f's
 * lock or owns f alone.
 */
void nft_json__write(FILE *f, struct names *n, uint32_t netns, uint16_t type, uint32_t flags,
		     bool spell_flags, const struct jnft *x);

#endif /* SKBTOP_NFT_JSON_H */

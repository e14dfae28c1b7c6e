/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A journey told in one paragraph of text, for a packet's comment in a pcapng file: its fate, the
 * drop reason and location, the nftables verdicts with table, chain, rule handle and rule text,
 * and the time spent in each layer. Names from outside are left as they are: the writer of the
 * comment makes them printable.
 */
#ifndef SKBTOP_JOURNEY_NOTE_H
#define SKBTOP_JOURNEY_NOTE_H

#include <stddef.h>

#include "core/base/config.h"
#include "core/session/names.h"
#include "core/session/store.h"

/* Into buf (always terminated, cut when full); returns buf. */
char *journey_note(char *buf, size_t len, const struct journey *j, struct names *n,
		   const struct config *cfg);

#endif /* SKBTOP_JOURNEY_NOTE_H */

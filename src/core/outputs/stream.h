/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Headless output (--stream): one line per event as text or as a JSON object, and the
 * statistics block at exit. The same names as the UI and the saved files. One thread writes a
 * stream, and its FILE is not written by others meanwhile: lines are written without its lock.
 */
#ifndef SKBTOP_STREAM_H
#define SKBTOP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/config.h"
#include "core/kernel/cost.h"
#include "core/session/names.h"
#include "core/session/store.h"

enum stream_format {
	STREAM_TEXT = 0,
	STREAM_JSON,
};

struct stream {
	FILE *f;
	enum stream_format format;
	struct names *names;
	const struct config *cfg;
	const struct store *store;	 /* to name a clone's child journey; may be NULL */
	const struct cost_figures *cost; /* the session's, for the statistics; may be NULL */
};

/* "text" or "json" into *fmt; -1 (nothing printed) for anything else. */
int stream_format__parse(const char *s, enum stream_format *fmt);

/*
 * One line for one record that store__add accepted into journey j (the journey gives the id and
 * the time of its first event). Records the store truncated are printed too.
 */
void stream__event(const struct stream *st, const struct journey *j, const void *rec, size_t size);

/*
 * The statistics block: text (a header line and aligned rows) or one JSON object line. The cost
 * row and object use the same names.
 */
void stream__stats(const struct stream *st, const struct store *s);

/* The cost as the text row writes it: " name value" pairs, no newline. */
void stream__cost_text(FILE *f, const struct cost_figures *c);

/*
 * The statistics as one JSON object, no newline (also the "stats" of saved sessions); "cost"
 * when cost is not NULL.
 */
void stream__stats_json(FILE *f, const struct store *s, const struct names *n,
			const struct config *cfg, const struct cost_figures *cost);

/* Names shared by the stream, the saved files and the UI. */
const char *event_type__name(uint16_t type);  /* "func", "drop", "nft_rule", ...; "?" */
const char *event_type__label(uint16_t type); /* "FUNC", "DROP", "RULE", ... (5 columns) */
int event_type__from_name(const char *name);  /* -1 if unknown */
/* "IPv4", "IPv6", "ARP", or "-" */
const char *family__name(const struct skbtop_tuple *t, uint16_t l3proto);
/* AF_INET, AF_INET6 or 0 */
int family__from_name(const char *name);
/* "tcp", "udp", "icmp", "icmp6", "sctp", or the number into buf */
const char *proto__name(uint8_t proto, char *buf, size_t len);
int proto__from_name(const char *name); /* -1 if not a name or number */
/* Whether the tuple's protocol has ports. */
bool proto__has_ports(uint8_t proto);
/* The tuple's source and destination addresses as text ("" when no family). */
void tuple__addrs(const struct skbtop_tuple *t, char *src, char *dst, size_t len);

#endif /* SKBTOP_STREAM_H */

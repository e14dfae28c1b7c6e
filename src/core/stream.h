/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Headless output (--stream): one line per event as text or as a JSON object, and the
 * statistics block at exit. The same names as the UI and the saved files.
 */
#ifndef SKBTOP_STREAM_H
#define SKBTOP_STREAM_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "names.h"
#include "store.h"

enum stream_format {
	STREAM_TEXT = 0,
	STREAM_JSON,
};

struct stream {
	FILE *f;
	enum stream_format format;
	struct names *names;
	const struct config *cfg;
};

/* "text" or "json" into *fmt; -1 (nothing printed) for anything else. */
int stream_format__parse(const char *s, enum stream_format *fmt);

/*
 * One line for one record that store__add accepted into journey j (the journey gives the id and
 * the time of its first event). Records the store truncated are printed too.
 */
void stream__event(const struct stream *st, const struct journey *j, const void *rec, size_t size);
/* One line for an event held in a journey (replay, or printing a saved journey). */
void stream__jevent(const struct stream *st, const struct journey *j, const struct jevent *e);

/* The statistics block: text (a header line and aligned rows) or one JSON object line. */
void stream__stats(const struct stream *st, const struct store *s);

#endif /* SKBTOP_STREAM_H */

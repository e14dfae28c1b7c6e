/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Saved sessions: versioned JSON with every name resolved, so replay needs no kernel. A whole
 * session and a single journey use the same format (the latter with one packet). Writes are
 * atomic: a temp file in the same directory, fsync, rename, mode 0600. On error nothing changes.
 */
#ifndef SKBTOP_EXPORT_H
#define SKBTOP_EXPORT_H

#include "core/base/config.h"
#include "core/kernel/cost.h"
#include "core/session/names.h"
#include "core/session/store.h"

#define EXPORT_FORMAT  "skbtop-session"
#define EXPORT_VERSION 1

struct export_meta {
	const char *kernel;		 /* NULL: uname -r of this host */
	const char *backend;		 /* "kprobe.multi", "tracepoint", ... NULL: "unknown" */
	const char *created;		 /* ISO 8601 UTC; NULL: now */
	const struct cost_figures *cost; /* what tracing the session cost; NULL: not saved */
};

/* Returns 0, or -1 after p_err() naming the file. */
int export__session(const char *path, const struct store *s, struct names *n,
		    const struct config *cfg, const struct export_meta *m);
int export__journey(const char *path, const struct store *s, const struct journey *j,
		    struct names *n, const struct config *cfg, const struct export_meta *m);

#endif /* SKBTOP_EXPORT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal UI's one entry point. The UI reads the store and never changes what it holds;
 * new events reach the store only through feed->pump, which the UI calls on every tick.
 */
#ifndef SKBTOP_UI_H
#define SKBTOP_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/config.h"
#include "core/kernel/cost.h"
#include "core/session/names.h"
#include "core/session/store.h"

struct ui_feed {
	/* Moves what the poller queued into the store (live), or NULL (replay). Never blocks. */
	size_t (*pump)(void *ctx, struct store *s);
	/* Empties the store on the user's request ('c'), or NULL. */
	void (*clear)(void *ctx, struct store *s);
	void *ctx;
	bool live;		 /* false for replay */
	const char *source;	 /* replay: the file shown; live: NULL */
	const char *backend;	 /* "kprobe.multi", "tracepoint", ... */
	const char *backend_why; /* why that backend, e.g. "kernel has no kprobes; fentry refused
				    (EPERM)" */
	unsigned int attached, failed, skipped; /* functions */
	unsigned int tp_attached;		/* tracepoints */
	const char *filter; /* the active filter as the user wrote it, "" if none */
	const char *notice; /* a degraded mode to show in the status line, or NULL */
	/* A packet in flight with no event for this long is shown as "no end seen" (0: never). */
	unsigned int unseen_end_ms;
	/* Why the session has no nftables detail (module not loaded, backend), or NULL. */
	const char *nft_why;
	/* What tracing costs, refreshed by pump; NULL when nothing is traced (replay). */
	const struct cost_figures *cost;
	/* Live, while the session is still starting (the BPF programs loading, say), or NULL: what
	 * is still starting, shown in the header, or NULL once the session runs; nothing is pumped
	 * before. Sets *failed when the start failed: the screen closes, the caller says why. */
	const char *(*starting)(void *ctx, bool *failed);
	/* Called after each screen update, or NULL; the UI benchmark counts redraws with it. */
	void (*drawn)(void *ctx);
};

/*
 * Runs until the user quits or SIGINT/SIGTERM/SIGHUP arrives; restores the terminal on every
 * exit path. Returns 0, or 1 with a one-line message already printed (e.g. no terminal).
 */
int ui__run(struct store *s, struct names *n, const struct config *cfg, const struct ui_feed *feed);

#endif /* SKBTOP_UI_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which attach mechanisms the running kernel offers, found by trying them (a trivial program
 * loaded and attached to one function, then released), and the choice among them:
 * kprobe.multi, then kprobe, then fentry, then tracepoints only.
 */
#ifndef SKBTOP_BACKEND_H
#define SKBTOP_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/config.h"

struct backend_probe {
	bool kprobe, kprobe_multi, fentry;
	char kprobe_why[96], kprobe_multi_why[96], fentry_why[96]; /* why not, when false */
};

void backend__probe(struct backend_probe *bp);

/*
 * Picks the backend for want (BACKEND_AUTO picks the best available) and says why in why
 * (e.g. "kernel has no kprobes; fentry refused (EPERM)"). A forced backend the kernel lacks is
 * an error: -1 with one sentence in err.
 */
int backend__choose(const struct backend_probe *bp, enum backend want, enum backend *out, char *why,
		    size_t whylen, char *err, size_t errlen);

/* "kprobe.multi", "kprobe", "fentry", "tracepoint" as shown to users. */
const char *backend__label(enum backend b); /* "kprobe.multi", ... as the kernel says */
const char *backend__name(enum backend b);  /* "kprobe-multi", ... as the user types */
/* Parses the --backend words auto|kprobe-multi|kprobe|fentry|tracepoint; -1 if unknown. */
int backend__parse(const char *word, enum backend *out);

#endif

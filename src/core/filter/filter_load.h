/* SPDX-License-Identifier: GPL-2.0 */
/* Writes a translated tcpdump expression over the filter placeholder of every program. */
#ifndef SKBTOP_FILTER_LOAD_H
#define SKBTOP_FILTER_LOAD_H

#include <stddef.h>

#include "core/filter/pcapfilter.h"

struct bpf_object;

/*
 * Between open and load. Returns the number of placeholders written, or -1 with one sentence in
 * err (no placeholder at all means the object and this binary disagree).
 */
int filter_load__patch(struct bpf_object *obj, const struct pcapfilter *pf, char *err,
		       size_t errlen);

#endif /* SKBTOP_FILTER_LOAD_H */

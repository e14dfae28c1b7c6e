/* SPDX-License-Identifier: GPL-2.0 */
/* Writes a translated tcpdump expression over the filter placeholder of every program. */
#ifndef SKBTOP_FILTER_LOAD_H
#define SKBTOP_FILTER_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/filter/pcapfilter.h"

struct bpf_object;
struct btf;

/*
 * Whether the kernel (its vmlinux BTF, may be NULL) lets BPF programs load packet bytes in place
 * (skbtop_read_direct, skbtop_skb.bpf.h): bpf_rdonly_cast to void, which the kernel announces in
 * its enum bpf_features.
 */
bool filter_load__direct(const struct btf *vmlinux);

/*
 * Between open and load: the direct or the copying translation, as skbtop_read_direct says.
 * Returns the number of placeholders written, or -1 with one sentence in err (no placeholder at
 * all means the object and this binary disagree).
 */
int filter_load__patch(struct bpf_object *obj, const struct pcapfilter *pf, bool direct, char *err,
		       size_t errlen);

#endif /* SKBTOP_FILTER_LOAD_H */

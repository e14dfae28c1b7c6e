/* SPDX-License-Identifier: GPL-2.0 */
/* Writes a translated tcpdump expression over the filter placeholder of every program. */
#ifndef SKBTOP_FILTER_LOAD_H
#define SKBTOP_FILTER_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/filter/pcapfilter.h"

struct bpf_object;
struct btf;

/*
 * How the filter can read packet bytes on the kernel whose vmlinux BTF is given (may be NULL):
 * in place (bpf_rdonly_cast to void, announced in its enum bpf_features, 6.17+), in place through
 * a struct typed window (bpf_rdonly_cast, 6.2+: *window_id and *window name the struct, see
 * skbtop_read_window in skbtop_skb.bpf.h), else copied.
 */
enum pf_mode filter_load__mode(const struct btf *vmlinux, uint32_t *window_id, const char **window);

/*
 * Between open and load: the translation for mode. Returns the number of placeholders written, or
 * -1 with one sentence in err (no placeholder at all means the object and this binary disagree).
 */
int filter_load__patch(struct bpf_object *obj, const struct pcapfilter *pf, enum pf_mode mode,
		       char *err, size_t errlen);

#endif /* SKBTOP_FILTER_LOAD_H */

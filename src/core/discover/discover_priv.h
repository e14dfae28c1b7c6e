/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of discovery share: the BTF walk, the kallsyms guesses and traceability. */
#ifndef SKBTOP_DISCOVER_PRIV_H
#define SKBTOP_DISCOVER_PRIV_H

#include "core/discover/discover.h"

/* Appends a copy of f (name and module duplicated). */
int func_list__push(struct func_list *l, const struct skb_func *f);
/* Code the kernel generates for its tracepoints, never worth probing. */
bool discover__is_plumbing(const char *name);

/* Walks vmlinux BTF and every module BTF in dir. -ENOENT: no vmlinux BTF there. */
int discover_btf__scan(struct func_list *l, const char *dir, char *err, size_t errlen);
int discover_kallsyms__scan(struct func_list *l, const char *path, const struct config *cfg,
			    char *err, size_t errlen);
/* Marks each function yes/no/unknown; sets traceable_known and traceable_why. */
int traceable__mark(struct func_list *l, const char *tracefs, const char *blacklist);

#endif /* SKBTOP_DISCOVER_PRIV_H */

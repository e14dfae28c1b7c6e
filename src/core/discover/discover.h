/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Discovery: the kernel functions that take a struct sk_buff, how they were found, whether the
 * kernel lets us probe them, and (through classify) which layer they belong to.
 */
#ifndef SKBTOP_DISCOVER_H
#define SKBTOP_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/config.h"

enum find_method {
	FIND_BTF = 0,
	FIND_KALLSYMS, /* a guess from the name: no BTF to confirm the parameter */
};

enum traceable {
	TRACE_UNKNOWN = 0, /* the kernel's list could not be read */
	TRACE_YES,
	TRACE_NO,
};

struct skb_func {
	char *name;
	char *module;  /* NULL for vmlinux */
	int param_pos; /* 1..5 */
	int ptr_depth; /* 1: struct sk_buff *, 2: struct sk_buff ** */
	bool is_const; /* the parameter is const-qualified */
	enum find_method method;
	enum traceable traceable;
	int layer; /* index into config.layers */
	enum priority prio;
	uint32_t btf_id; /* 0 for kallsyms */
	uint64_t addr;	 /* entry address from ftrace, 0: unknown (attach by name) */
};

struct func_list {
	struct skb_func *v;
	size_t n;
	enum find_method method; /* FIND_KALLSYMS: every entry is a guess */
	char *method_why;	 /* why BTF was not used, NULL when it was */
	int n_modules;		 /* module BTFs read */
	int n_modules_failed;	 /* module BTFs that could not be parsed (skipped) */
	bool traceable_known;	 /* available_filter_functions was readable */
	char *traceable_why;	 /* why traceability is unknown, NULL if known */
};

struct discover_opts {
	bool no_btf;	       /* force the kallsyms fallback */
	const char *btf_dir;   /* default /sys/kernel/btf */
	const char *kallsyms;  /* default /proc/kallsyms */
	const char *tracefs;   /* default /sys/kernel/tracing, then /sys/kernel/debug/tracing */
	const char *blacklist; /* default /sys/kernel/debug/kprobes/blacklist */
};

/*
 * Fills list, classified with cfg's rules and sorted (discover__sort). Functions the kernel refuses
 * to probe stay in the list, marked TRACE_NO. With no BTF at the default place it falls back to
 * kallsyms and says why in method_why; an explicit btf_dir without BTF is an error.
 * Returns 0, or -1 with a one-sentence error in err.
 */
int discover__run(struct func_list *list, const struct discover_opts *opts,
		  const struct config *cfg, char *err, size_t errlen);
/* Order: probe-able first, then priority, then name; the order --max-trace and max_functions cut.
 */
void discover__sort(struct func_list *list);
/*
 * The functions to trace from a sorted list: probe-able (yes or unknown), of max_prio or better,
 * not matched by trace.exclude, at most max (0: no limit). Fills out (room for list->n entries)
 * and returns how many.
 */
size_t discover__select(const struct func_list *list, const struct config *cfg,
			enum priority max_prio, size_t max, const struct skb_func **out);
const char *find_method__name(enum find_method m); /* "btf", "kallsyms" */
const char *traceable__name(enum traceable t);	   /* "yes", "no", "unknown" */
const struct skb_func *discover__find(const struct func_list *list, const char *name);
void discover__free(struct func_list *list);

#endif /* SKBTOP_DISCOVER_H */

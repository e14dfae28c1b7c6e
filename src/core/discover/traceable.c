// SPDX-License-Identifier: GPL-2.0
/*
 * Which functions the kernel lets us probe: ftrace's available_filter_functions (kprobes on
 * function entry and fentry both need the function there) minus the kprobe blacklist. When the
 * list cannot be read the answer is "unknown", never "none".
 *
 * Kernels >= 6.5 also list each function's ftrace call site (available_filter_functions_addrs):
 * from it each function keeps its entry address, so kprobe.multi can attach by address and the
 * kernel does not walk its symbol table once per link.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/discover/discover_priv.h"

struct name {
	char *name;
	uint64_t addr; /* the function's entry, 0 when unknown */
	size_t line;   /* of a name listed twice (static functions), the first line wins */
};

struct names {
	struct name *v;
	size_t n, cap;
	bool addrs_bad; /* a call site that is not where entry_of() expects: no address is used */
};

static int cmp_name(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
}

/* The first line that lists `name`, NULL if none. */
static const struct name *names_find(const struct names *s, const char *name)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && !strcmp(s->v[lo].name, name) ? &s->v[lo] : NULL;
}

/*
 * The address the kernel files a kprobe.multi function under (the attach cookie is looked up by
 * it): the function's start, which ftrace's call site follows by an endbr64 (4 bytes) when the
 * kernel has IBT. x86-64 kernels align functions to 16 bytes, so the call site is at start or
 * start + 4; any other site means that rule does not hold here and no address is trusted. Other
 * architectures place the call site by other rules: there, functions are attached by name.
 */
static uint64_t entry_of(struct names *s, uint64_t site)
{
#ifdef __x86_64__
	if (site % 16 == 0)
		return site;
	if (site % 16 == 4)
		return site - 4;
#endif
	s->addrs_bad = true;
	return 0;
}

/*
 * Reads the function name of every line: field `field` (0-based, blank-separated). With
 * `with_addr`, field 0 is the function's call site in hex.
 */
static int names_read(struct names *s, const char *path, int field, bool with_addr)
{
	char *line = NULL, *tok, *save, *end;
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	uint64_t addr = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		tok = strtok_r(line, " \t\n", &save);
		if (with_addr && tok) {
			addr = strtoull(tok, &end, 16);
			if (*end || !addr)
				s->addrs_bad = true;
			else
				addr = entry_of(s, addr);
		}
		for (int i = 0; tok && i < field; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			continue;
		if (s->n == s->cap) {
			struct name *p =
				realloc(s->v, (s->cap = s->cap ? s->cap * 2 : 4096) * sizeof(*p));

			if (!p)
				goto nomem;
			s->v = p;
		}
		s->v[s->n] = (struct name){ .name = strdup(tok), .addr = addr, .line = s->n };
		if (!s->v[s->n].name)
			goto nomem;
		s->n++;
	}
	free(line);
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		return -e;
	}
	fclose(f);
	qsort(s->v, s->n, sizeof(*s->v), cmp_name);
	return 0;
nomem:
	free(line);
	fclose(f);
	return -ENOMEM;
}

/* available_filter_functions(_addrs) from the first tracefs that has one: one read. */
static int read_filter_functions(struct names *s, const char *tracefs, char *why, size_t whylen)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[4096];
	int rc = -ENOENT;

	for (size_t i = 0; i < (tracefs ? 1 : 2); i++) {
		snprintf(path, sizeof(path), "%s/available_filter_functions_addrs",
			 tracefs ? tracefs : dirs[i]);
		rc = names_read(s, path, 1, true);
		if (rc != -ENOENT)
			break;
		/* Before 6.5: names only. */
		path[strlen(path) - strlen("_addrs")] = '\0';
		rc = names_read(s, path, 0, false);
		if (rc != -ENOENT)
			break;
	}
	if (rc == -ENOENT && !tracefs)
		snprintf(why, whylen,
			 "tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)");
	else if (rc)
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
	return rc;
}

int traceable__mark(struct func_list *l, const char *tracefs, const char *blacklist)
{
	struct names avail = { 0 }, black = { 0 };
	char why[4200];
	int rc;

	rc = read_filter_functions(&avail, tracefs, why, sizeof(why));
	if (rc == -ENOMEM)
		goto out;
	l->traceable_known = rc == 0;
	free(l->traceable_why);
	l->traceable_why = NULL;
	if (rc && !(l->traceable_why = strdup(why))) {
		rc = -ENOMEM;
		goto out;
	}
	/* Lines are "0xSTART-0xEND\tname"; only present with debugfs and kprobes. */
	rc = names_read(&black, blacklist ? blacklist : "/sys/kernel/debug/kprobes/blacklist", 1,
			false);
	if (rc == -ENOMEM)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		struct skb_func *f = &l->v[i];
		const struct name *a = names_find(&avail, f->name);

		f->addr = a && !avail.addrs_bad ? a->addr : 0;
		if (names_find(&black, f->name))
			f->traceable = TRACE_NO;
		else if (l->traceable_known)
			f->traceable = a ? TRACE_YES : TRACE_NO;
		else
			f->traceable = TRACE_UNKNOWN;
	}
	rc = 0;
out:
	names_free(&avail);
	names_free(&black);
	return rc;
}

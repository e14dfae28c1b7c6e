// SPDX-License-Identifier: GPL-2.0
/*
 * Which functions the kernel lets us probe: ftrace's available_filter_functions (kprobes on
 * function entry and fentry both need the function there) minus the kprobe blacklist. When the
 * list cannot be read the answer is "unknown", never "none".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/discover/discover_priv.h"

struct names {
	char **v;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static bool names_has(const struct names *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str);
}

/* Reads the function name of every line: field `field` (0-based, blank-separated). */
static int names_read(struct names *s, const char *path, int field)
{
	char *line = NULL, *tok, *save;
	FILE *f = fopen(path, "re");
	size_t cap = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		tok = strtok_r(line, " \t\n", &save);
		for (int i = 0; tok && i < field; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			continue;
		if (s->n == s->cap) {
			char **p =
				realloc(s->v, (s->cap = s->cap ? s->cap * 2 : 4096) * sizeof(*p));

			if (!p)
				goto nomem;
			s->v = p;
		}
		if (!(s->v[s->n] = strdup(tok)))
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
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	return 0;
nomem:
	free(line);
	fclose(f);
	return -ENOMEM;
}

/* available_filter_functions from the first tracefs that has one. */
static int read_filter_functions(struct names *s, const char *tracefs, char *why, size_t whylen)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[4096];
	int rc = -ENOENT;

	for (size_t i = 0; i < (tracefs ? 1 : 2); i++) {
		snprintf(path, sizeof(path), "%s/available_filter_functions",
			 tracefs ? tracefs : dirs[i]);
		rc = names_read(s, path, 0);
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
	rc = names_read(&black, blacklist ? blacklist : "/sys/kernel/debug/kprobes/blacklist", 1);
	if (rc == -ENOMEM)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		struct skb_func *f = &l->v[i];

		if (names_has(&black, f->name))
			f->traceable = TRACE_NO;
		else if (l->traceable_known)
			f->traceable = names_has(&avail, f->name) ? TRACE_YES : TRACE_NO;
		else
			f->traceable = TRACE_UNKNOWN;
	}
	rc = 0;
out:
	names_free(&avail);
	names_free(&black);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/* Discovery's driver: pick the method, merge duplicates, mark traceability, classify, sort. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/discover/classify.h"
#include "core/discover/discover_priv.h"

#define DEFAULT_BTF_DIR	 "/sys/kernel/btf"
#define DEFAULT_KALLSYMS "/proc/kallsyms"

/* Generated per tracepoint by the kernel's TRACE_EVENT machinery. */
static const char *const plumbing[] = { "__traceiter_", "__probestub_",
					"perf_trace_",	"trace_event_raw_event_",
					"__bpf_trace_", "trace_raw_output_" };

bool discover__is_plumbing(const char *name)
{
	for (size_t i = 0; i < sizeof(plumbing) / sizeof(plumbing[0]); i++)
		if (!strncmp(name, plumbing[i], strlen(plumbing[i])))
			return true;
	return false;
}

int func_list__push(struct func_list *l, const struct skb_func *f)
{
	struct skb_func *v = l->v, *n;

	/* The capacity is 256, then doubles: full exactly when n is a power of two from 256. */
	if (l->n == 0 || (l->n >= 256 && !(l->n & (l->n - 1)))) {
		v = realloc(l->v, (l->n ? l->n * 2 : 256) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	n = &l->v[l->n];
	*n = *f;
	n->name = strdup(f->name);
	n->module = f->module ? strdup(f->module) : NULL;
	if (!n->name || (f->module && !n->module)) {
		free(n->name);
		free(n->module);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

static int cmp_module(const char *a, const char *b)
{
	if (!a || !b)
		return !!a - !!b;
	return strcmp(a, b);
}

static int cmp_identity(const void *a, const void *b)
{
	const struct skb_func *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : cmp_module(x->module, y->module);
}

/* The same static function name can appear in several compilation units: keep one. */
static void dedupe(struct func_list *l)
{
	size_t out = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_identity);
	for (size_t i = 1; i < l->n; i++) {
		if (!cmp_identity(&l->v[out], &l->v[i])) {
			free(l->v[i].name);
			free(l->v[i].module);
			continue;
		}
		l->v[++out] = l->v[i];
	}
	l->n = out + 1;
}

static int cmp_rank(const void *a, const void *b)
{
	const struct skb_func *x = a, *y = b;
	int xn = x->traceable == TRACE_NO, yn = y->traceable == TRACE_NO;

	if (xn != yn)
		return xn - yn;
	if (x->prio != y->prio)
		return (int)x->prio - (int)y->prio;
	return cmp_identity(a, b);
}

void discover__sort(struct func_list *list)
{
	if (list->n)
		qsort(list->v, list->n, sizeof(*list->v), cmp_rank);
}

int discover__run(struct func_list *list, const struct discover_opts *opts,
		  const struct config *cfg, char *err, size_t errlen)
{
	const char *btf_dir = opts->btf_dir ? opts->btf_dir : DEFAULT_BTF_DIR;
	const char *kallsyms = opts->kallsyms ? opts->kallsyms : DEFAULT_KALLSYMS;
	char why[512];
	int rc = -ENOENT;

	memset(list, 0, sizeof(*list));
	if (!opts->no_btf) {
		rc = discover_btf__scan(list, btf_dir, why, sizeof(why));
		if (rc && (rc != -ENOENT || opts->btf_dir)) {
			snprintf(err, errlen, "%s", why);
			goto fail;
		}
	} else {
		snprintf(why, sizeof(why), "BTF not used (--no-btf)");
	}
	if (rc) {
		list->method = FIND_KALLSYMS;
		if (!(list->method_why = strdup(why)))
			goto nomem;
		rc = discover_kallsyms__scan(list, kallsyms, cfg, err, errlen);
		if (rc)
			goto fail;
	}
	dedupe(list);
	rc = traceable__mark(list, opts->tracefs, opts->blacklist);
	if (rc)
		goto nomem;
	for (size_t i = 0; i < list->n; i++)
		classify__name(cfg, list->v[i].name, &list->v[i].layer, &list->v[i].prio);
	discover__sort(list);
	return 0;
nomem:
	snprintf(err, errlen, "out of memory during discovery");
fail:
	discover__free(list);
	return -1;
}

size_t discover__select(const struct func_list *list, const struct config *cfg,
			enum priority max_prio, size_t max, const struct skb_func **out)
{
	size_t n = 0;

	for (size_t i = 0; i < list->n && (!max || n < max); i++) {
		const struct skb_func *f = &list->v[i];

		if (f->traceable == TRACE_NO || f->prio > max_prio ||
		    classify__excluded(cfg, f->name))
			continue;
		out[n++] = f;
	}
	return n;
}

const struct skb_func *discover__find(const struct func_list *list, const char *name)
{
	for (size_t i = 0; i < list->n; i++)
		if (!strcmp(list->v[i].name, name))
			return &list->v[i];
	return NULL;
}

void discover__free(struct func_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].name);
		free(list->v[i].module);
	}
	free(list->v);
	free(list->method_why);
	free(list->traceable_why);
	memset(list, 0, sizeof(*list));
}

const char *find_method__name(enum find_method m)
{
	return m == FIND_KALLSYMS ? "kallsyms" : "btf";
}

const char *traceable__name(enum traceable t)
{
	return t == TRACE_YES ? "yes" : t == TRACE_NO ? "no" : "unknown";
}

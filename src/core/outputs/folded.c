// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/file_atomic.h"
#include "core/outputs/folded.h"
#include "core/base/log.h"
#include "core/base/printable.h"
#include "core/base/strmap.h"

/* Deep enough for any real path; a longer one keeps its first frames and its last. */
#define STACK_MAX 4096

struct folded {
	const struct config *cfg;
	const struct names *names;
	struct strmap paths; /* path -> nanoseconds */
	uint64_t total_ns;
};

struct folded *folded__new(const struct config *cfg, const struct names *names)
{
	struct folded *f = calloc(1, sizeof(*f));

	if (f) {
		f->cfg = cfg;
		f->names = names;
	}
	return f;
}

void folded__free(struct folded *f)
{
	if (!f)
		return;
	strmap__free(&f->paths);
	free(f);
}

/*
 * Appends ";frame" (no ';' for the first) at buf[*len]: made printable, and with the folded
 * format's separators (';' and blanks) turned into '_' since a name from a replayed file may
 * hold them.
 */
static void put_frame(char *buf, size_t *len, const char *name)
{
	char safe[256];

	if (*len >= STACK_MAX - 2)
		return;
	if (*len)
		buf[(*len)++] = ';';
	printable__copy(safe, sizeof(safe), name);
	for (char *p = safe; *p && *len < STACK_MAX - 1; p++)
		buf[(*len)++] = (*p == ';' || *p == ' ') ? '_' : *p;
	buf[*len] = '\0';
}

static int add_path(struct folded *f, const char *path, uint64_t ns)
{
	uint64_t have = 0;

	strmap__get(&f->paths, path, &have);
	if (strmap__put(&f->paths, path, have + ns))
		return -ENOMEM;
	f->total_ns += ns;
	return 0;
}

int folded__add(struct folded *f, const struct journey *j)
{
	char stack[STACK_MAX], path[STACK_MAX];
	size_t len = 0, at;
	uint64_t seen =
		j->first_ns; /* the latest time so far: events may come a little out of order */
	int16_t layer = -1;

	stack[0] = '\0';
	for (uint32_t i = 0; i < j->n_events; i++) {
		const struct jevent *e = &j->events[i];
		uint64_t next = i + 1 < j->n_events   ? j->events[i + 1].ts_ns
				: j->events_truncated ? e->ts_ns
						      : j->last_ns;

		if (e->ts_ns > seen)
			seen = e->ts_ns;
		if (e->layer != layer || !len) {
			put_frame(stack, &len, layer__name(f->cfg, e->layer));
			layer = e->layer;
		}
		at = len;
		memcpy(path, stack, len + 1);
		put_frame(path, &at, names__probe(f->names, e->func_id)->name);
		if (next > seen) {
			if (add_path(f, path, next - seen))
				return -ENOMEM;
			seen = next;
		}
	}
	/* The held events end early: the rest of the duration is still the packet's. */
	if (j->last_ns > seen) {
		put_frame(stack, &len, FOLDED_NOT_HELD);
		if (add_path(f, stack, j->last_ns - seen))
			return -ENOMEM;
	}
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp((*(const struct strmap_ent *const *)a)->key,
		      (*(const struct strmap_ent *const *)b)->key);
}

int folded__write(const struct folded *f, FILE *out)
{
	const struct strmap_ent **v = calloc(f->paths.n + 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < f->paths.cap; i++)
		if (f->paths.v[i].key)
			v[n++] = &f->paths.v[i];
	qsort(v, n, sizeof(*v), by_path);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %" PRIu64 "\n", v[i]->key, v[i]->val);
	free(v);
	return 0;
}

static int save_body(FILE *out, void *arg)
{
	return folded__write(arg, out);
}

int folded__save(const struct folded *f, const char *path)
{
	int err;

	if (!strcmp(path, "-")) {
		if (folded__write(f, stdout) || fflush(stdout)) {
			p_err("folded stacks: cannot write to stdout");
			return -1;
		}
		return 0;
	}
	/* Names of layers and functions only: nothing to hide from other users. */
	err = file__write_atomic(path, 0644, save_body, (void *)f);
	if (err)
		p_err("%s: cannot save: %s", path, strerror(-err));
	return err ? -1 : 0;
}

size_t folded__paths(const struct folded *f)
{
	return f->paths.n;
}

uint64_t folded__total_ns(const struct folded *f)
{
	return f->total_ns;
}

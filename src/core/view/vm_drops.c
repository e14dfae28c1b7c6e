// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "core/view/vm_drops.h"

#define NS_PER_SEC ((uint64_t)1000000000)

static struct vm_drop_row *row_of(struct vm_drops *d, uint32_t reason)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->rows[i].reason == reason)
			return &d->rows[i];
	return NULL;
}

static int cmp_row(const void *a, const void *b)
{
	const struct vm_drop_row *x = a, *y = b;

	if (x->recent != y->recent)
		return x->recent > y->recent ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->reason < y->reason ? -1 : x->reason > y->reason;
}

int vm_drops__build(struct vm_drops *d, const struct store *s, uint64_t now_ns)
{
	size_t nr;
	const struct store_reason *r = store__drop_reasons(s, &nr);
	uint64_t span = VM_SPARK_SECONDS * NS_PER_SEC;

	d->n = 0;
	if (nr > d->cap) {
		struct vm_drop_row *p = realloc(d->rows, nr * sizeof(*p));

		if (!p)
			return -1;
		d->rows = p;
		d->cap = nr;
	}
	for (size_t i = 0; i < nr; i++) {
		struct vm_drop_row *row = &d->rows[d->n++];

		memset(row, 0, sizeof(*row));
		row->reason = r[i].reason;
		row->total = r[i].count;
	}
	for (size_t i = 0; i < store__len(s); i++) {
		const struct journey *j = store__at(s, i);
		struct vm_drop_row *row;
		uint64_t ago;

		/* A drop ends the packet: its last event is the drop. */
		if (j->fate != FATE_DROPPED || j->last_ns > now_ns || now_ns - j->last_ns >= span)
			continue;
		row = row_of(d, j->drop_reason);
		if (!row)
			continue;
		ago = (now_ns - j->last_ns) / NS_PER_SEC;
		row->per_second[VM_SPARK_SECONDS - 1 - ago]++;
		row->recent++;
	}
	qsort(d->rows, d->n, sizeof(*d->rows), cmp_row);
	return 0;
}

void vm_drops__free(struct vm_drops *d)
{
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

void vm__sparkline(const uint32_t *v, size_t n, bool utf8, char *buf, size_t len)
{
	static const char *const blocks[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = " .:-=+*#@";
	uint32_t max = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (size_t i = 0; i < n; i++) {
		/* Any drop shows: the smallest count gets the lowest bar, not a blank. */
		int lvl = v[i] ? (int)(((uint64_t)v[i] * 8 + max - 1) / max) : 0;
		const char *c = utf8 ? blocks[lvl] : (const char[]){ ascii[lvl], '\0' };
		size_t cl = strlen(c);

		if (o + cl >= len)
			break;
		memcpy(buf + o, c, cl);
		o += cl;
	}
	if (len)
		buf[o] = '\0';
}

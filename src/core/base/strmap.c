// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/strmap.h"

/* FNV-1a. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct strmap_ent *slot(struct strmap_ent *v, size_t cap, const char *key)
{
	size_t i = hash(key) & (cap - 1);

	while (v[i].key && strcmp(v[i].key, key))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

int strmap__get(const struct strmap *m, const char *key, uint64_t *val)
{
	const struct strmap_ent *e;

	if (!m->cap)
		return -1;
	e = slot(m->v, m->cap, key);
	if (!e->key)
		return -1;
	*val = e->val;
	return 0;
}

static int grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct strmap_ent *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].key)
			*slot(v, cap, m->v[i].key) = m->v[i];
	free(m->v);
	m->v = v;
	m->cap = cap;
	return 0;
}

int strmap__put(struct strmap *m, const char *key, uint64_t val)
{
	struct strmap_ent *e;

	if ((m->n + 1) * 2 > m->cap && grow(m))
		return -ENOMEM;
	e = slot(m->v, m->cap, key);
	if (!e->key) {
		e->key = strdup(key);
		if (!e->key)
			return -ENOMEM;
		m->n++;
	}
	e->val = val;
	return 0;
}

void strmap__free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

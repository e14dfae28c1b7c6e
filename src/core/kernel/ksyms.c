// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/kernel/ksyms.h"

/* The kernel's own limit on a symbol's name (KSYM_NAME_LEN since 6.1), with its NUL. */
#define KSYM_NAME_MAX 512

struct ksym {
	uint64_t addr;
	uint32_t name; /* offset in names */
};

struct ksyms {
	char *path;
	pthread_t thread;
	pthread_mutex_t lock;
	atomic_bool ready; /* the table is whole and no longer written */
	int err;
	struct ksym *syms;
	size_t n, cap;
	char *names; /* every name, NUL-terminated, one after the other */
	size_t used, names_cap;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 4096;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * One line, "ADDRESS TYPE NAME[\t[MODULE]]": a text symbol (t, T) at an address other than 0
 * (kallsyms says 0 to whom it hides addresses) whose name is printable and spaceless. By hand, as
 * sscanf took half the time of a read on a real machine. Returns the name's length, 0 to skip.
 */
static size_t parse_line(const char *s, size_t len, uint64_t *addr, const char **name)
{
	size_t i = 0, start;
	uint64_t a = 0;
	int v;

	while (i < len && i < 16 && (v = hexval(s[i])) >= 0) {
		a = a << 4 | (uint64_t)v;
		i++;
	}
	if (!i || !a || i + 3 > len || s[i] != ' ' || (s[i + 1] != 't' && s[i + 1] != 'T') ||
	    s[i + 2] != ' ')
		return 0;
	start = i += 3;
	while (i < len && s[i] > ' ' && s[i] < 0x7f)
		i++;
	if (i == start || i - start >= KSYM_NAME_MAX ||
	    (i < len && s[i] != '\t' && s[i] != ' ' && s[i] != '\n'))
		return 0;
	*addr = a;
	*name = s + start;
	return i - start;
}

static int add(struct ksyms *k, uint64_t addr, const char *name, size_t len)
{
	if (grow((void **)&k->syms, &k->cap, k->n + 1, sizeof(*k->syms)) ||
	    grow((void **)&k->names, &k->names_cap, k->used + len + 1, 1))
		return ENOMEM;
	memcpy(k->names + k->used, name, len);
	k->names[k->used + len] = '\0';
	k->syms[k->n].addr = addr;
	k->syms[k->n].name = (uint32_t)k->used;
	k->n++;
	k->used += len + 1;
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int read_file(struct ksyms *k, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int err = 0;

	while ((got = getline(&line, &cap, f)) > 0) {
		const char *name;
		uint64_t addr;
		size_t len = parse_line(line, (size_t)got, &addr, &name);

		/* The names' offsets are 32 bits: a file that would need more is not kallsyms. */
		if (len && k->used + len >= UINT32_MAX)
			err = EFBIG;
		else if (len)
			err = add(k, addr, name, len);
		if (err)
			break;
	}
	free(line);
	if (!err && ferror(f))
		err = EIO;
	if (err) {
		k->n = 0;
		return err;
	}
	if (k->n)
		qsort(k->syms, k->n, sizeof(*k->syms), sym_cmp);
	return 0;
}

static void read_path(struct ksyms *k)
{
	FILE *f = fopen(k->path, "re");

	if (!f) {
		k->err = errno;
		return;
	}
	k->err = read_file(k, f);
	fclose(f);
}

static void *reader(void *arg)
{
	read_path(arg);
	return NULL;
}

static struct ksyms *ksyms_new(void)
{
	struct ksyms *k = calloc(1, sizeof(*k));

	if (k)
		pthread_mutex_init(&k->lock, NULL);
	return k;
}

struct ksyms *ksyms__read(const char *path)
{
	struct ksyms *k = ksyms_new();

	if (!k)
		return NULL;
	k->path = strdup(path);
	if (!k->path) {
		atomic_store(&k->ready, true);
		ksyms__free(k);
		return NULL;
	}
	if (pthread_create(&k->thread, NULL, reader, k)) {
		read_path(k);
		atomic_store(&k->ready, true);
	}
	return k;
}

struct ksyms *ksyms__from_file(FILE *f)
{
	struct ksyms *k = ksyms_new();

	if (!k)
		return NULL;
	k->err = read_file(k, f);
	atomic_store(&k->ready, true);
	return k;
}

int ksyms__wait(struct ksyms *k)
{
	if (!atomic_load(&k->ready)) {
		pthread_mutex_lock(&k->lock);
		if (!atomic_load(&k->ready)) {
			pthread_join(k->thread, NULL);
			atomic_store(&k->ready, true);
		}
		pthread_mutex_unlock(&k->lock);
	}
	return k->err;
}

const char *ksyms__find(struct ksyms *k, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi;

	ksyms__wait(k);
	hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || !addr)
		return NULL;
	*off = addr - k->syms[lo - 1].addr;
	return k->names + k->syms[lo - 1].name;
}

size_t ksyms__count(struct ksyms *k)
{
	ksyms__wait(k);
	return k->n;
}

const char *ksyms__at(struct ksyms *k, size_t i, uint64_t *addr)
{
	ksyms__wait(k);
	*addr = k->syms[i].addr;
	return k->names + k->syms[i].name;
}

void ksyms__free(struct ksyms *k)
{
	if (!k)
		return;
	ksyms__wait(k);
	pthread_mutex_destroy(&k->lock);
	free(k->syms);
	free(k->names);
	free(k->path);
	free(k);
}

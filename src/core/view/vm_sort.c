// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/nft/nft_verdict.h"
#include "core/view/vm_sort.h"

#define KEY_LEN 32

static const struct {
	const char *name;
	const char *first, *inverted; /* the order shown as the key's default, and inverted */
} keys[VMS_COUNT] = {
	[VMS_TIME] = { "time", "oldest first", "newest first" },
	[VMS_DURATION] = { "duration", "longest first", "shortest first" },
	[VMS_EVENTS] = { "events", "most first", "fewest first" },
	[VMS_FATE] = { "fate", "A-Z", "Z-A" },
	[VMS_PROTOCOL] = { "protocol", "A-Z", "Z-A" },
	[VMS_SOURCE] = { "source", "lowest first", "highest first" },
	[VMS_DESTINATION] = { "destination", "lowest first", "highest first" },
	[VMS_INTERFACE] = { "interface", "A-Z", "Z-A" },
	[VMS_NFT] = { "nft verdict", "A-Z", "Z-A" },
};

const char *vm_sort__name(enum vm_sort_key k)
{
	return k < VMS_COUNT ? keys[k].name : "?";
}

void vm_sort__describe(const struct vm_sort *s, bool brief, char *buf, size_t len)
{
	if (s->key >= VMS_COUNT)
		snprintf(buf, len, "?");
	else if (brief)
		snprintf(buf, len, "by %s%s", keys[s->key].name, s->invert ? ", inverted" : "");
	else
		snprintf(buf, len, "by %s, %s", keys[s->key].name,
			 s->invert ? keys[s->key].inverted : keys[s->key].first);
}

/* Counts compare as numbers, the other keys as bytes (made comparable with memcmp). */
struct sort_ent {
	uint64_t num;
	uint64_t id;
	unsigned char key[KEY_LEN];
};

static bool numeric(enum vm_sort_key k)
{
	return k == VMS_DURATION || k == VMS_EVENTS;
}

static void put_text(unsigned char *k, size_t at, const char *s)
{
	size_t l = strlen(s);

	if (at >= KEY_LEN)
		return;
	if (l > KEY_LEN - at)
		l = KEY_LEN - at;
	memcpy(k + at, s, l);
}

/* Family, address and port in network order: addresses sort as numbers, IPv4 before IPv6. */
static void put_addr(unsigned char *k, const struct skbtop_tuple *t, bool dst)
{
	uint16_t port = dst ? t->dport : t->sport;

	k[0] = t->family == AF_INET ? 1 : t->family == AF_INET6 ? 2 : 0;
	if (t->family == AF_INET)
		memcpy(k + 1, dst ? (const void *)&t->daddr.v4 : &t->saddr.v4, 4);
	else if (t->family == AF_INET6)
		memcpy(k + 1, dst ? t->daddr.v6 : t->saddr.v6, 16);
	k[17] = (unsigned char)(port >> 8);
	k[18] = (unsigned char)port;
}

static void make_key(const struct journey *j, struct names *n, enum vm_sort_key key,
		     struct sort_ent *e)
{
	unsigned char *k = e->key;
	char tmp[24];

	switch (key) {
	case VMS_DURATION:
		/* The most first: the complement sorts the longest lowest. */
		e->num = ~(j->last_ns - j->first_ns);
		return;
	case VMS_EVENTS:
		e->num = ~(uint64_t)(j->n_events + j->events_truncated);
		return;
	case VMS_FATE:
		put_text(k, 0, fate__name(j->fate));
		if (j->fate == FATE_DROPPED)
			put_text(k, 12, names__drop_reason(n, j->drop_reason));
		break;
	case VMS_PROTOCOL:
		put_text(k, 0, vm__proto(j, n, tmp, sizeof(tmp)));
		break;
	case VMS_SOURCE:
	case VMS_DESTINATION:
		put_addr(k, &j->tuple, key == VMS_DESTINATION);
		break;
	case VMS_INTERFACE:
		/* Packets with no device go last, not first. */
		if (j->ifindex)
			put_text(k, 0, names__ifname(n, j->netns, j->ifindex));
		else
			memset(k, 0xff, KEY_LEN);
		break;
	case VMS_NFT:
		if (j->has_nft)
			put_text(k, 0, nft_verdict__name(j->nft_verdict));
		else
			memset(k, 0xff, KEY_LEN);
		break;
	default:
		break;
	}
}

static int cmp_num(const void *a, const void *b)
{
	const struct sort_ent *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct sort_ent *x = a, *y = b;
	int c = memcmp(x->key, y->key, KEY_LEN);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void reverse(uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		uint64_t t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

static void find_newest(struct vm_rows *r)
{
	r->newest = 0;
	for (size_t i = 1; i < r->n; i++)
		if (r->ids[i] > r->ids[r->newest])
			r->newest = i;
}

int vm_rows__sort(struct vm_rows *r, const struct store *st, struct names *n,
		  const struct vm_sort *s)
{
	struct sort_ent *e;

	if (s->key == VMS_TIME || s->key >= VMS_COUNT) {
		/* Store order is the order of first sight already. */
		if (s->invert && s->key == VMS_TIME) {
			reverse(r->ids, r->n);
			r->by_id = false;
		}
		find_newest(r);
		return 0;
	}
	e = malloc((r->n ? r->n : 1) * sizeof(*e));
	if (!e)
		return -1;
	for (size_t i = 0, at = 0; i < r->n; i++) {
		const struct journey *j = NULL;

		/* Rows in store order are found walking the store beside them. */
		while (r->by_id && at < store__len(st) && store__at(st, at)->id < r->ids[i])
			at++;
		if (r->by_id && at < store__len(st) && store__at(st, at)->id == r->ids[i])
			j = store__at(st, at);
		else if (!r->by_id)
			j = store__by_id(st, r->ids[i]);

		memset(&e[i], 0, sizeof(e[i]));
		e[i].id = r->ids[i];
		if (j) {
			make_key(j, n, s->key, &e[i]);
		} else {
			/* Gone meanwhile: last, whatever the key. */
			e[i].num = UINT64_MAX;
			memset(e[i].key, 0xff, KEY_LEN);
		}
	}
	qsort(e, r->n, sizeof(*e), numeric(s->key) ? cmp_num : cmp_bytes);
	/* Ids make the order total: inverted is the same list backwards. */
	for (size_t i = 0; i < r->n; i++)
		r->ids[s->invert ? r->n - 1 - i : i] = e[i].id;
	free(e);
	r->by_id = false;
	find_newest(r);
	return 0;
}

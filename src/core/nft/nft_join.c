// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/nft/nft_join.h"

#define MAX_PENDING 16384 /* records waiting for the ring buffer (power of two) */
#define MAX_IDS	    1024  /* trace ids remembered, with the journey each went to */
#define HASH_BITS   12	  /* the two indexes below: 4 x MAX_IDS keeps probes short */
#define HASH_SIZE   (1u << HASH_BITS)
#define MAX_SCAN    4096 /* journeys looked at, newest first, for an id's first event */
#define MAX_AGE_NS                                                                                 \
	30000000000ull /* a journey older than this when the event was read is not it              \
			*/

/* A trace message read this long after its journey's skb was freed is about another packet. */
#define ID_REUSE_NS 1000000000ull

/* An open-addressing index: (a, b) -> val, 0 < a. */
struct hslot {
	uint64_t a;
	uint32_t b, val;
};

struct id_entry {
	uint32_t netns, id;
	uint64_t journey;
	uint64_t anchor_ns; /* ts given to the id's latest event: the next ones go after it */
	int32_t priority;   /* of the base chain the id is in: a jumped-to chain has none */
	uint32_t ifindex;   /* the interface its chain's first event named */
	uint8_t hook;
	uint8_t seq;
	bool used;
};

struct nft_join {
	struct nft_trace_rec *pending;
	size_t head, len;
	struct id_entry ids[MAX_IDS]; /* a ring: the oldest id is forgotten first */
	size_t next_id;
	struct hslot by_id[HASH_SIZE];	/* (trace id | netns << 32, 0) -> index in ids */
	struct hslot claims[HASH_SIZE]; /* (journey, netns): journeys an id of netns took */
	struct nft_join_stats st;
};

struct nft_join *nft_join__new(void)
{
	struct nft_join *jn = calloc(1, sizeof(*jn));

	if (jn && !(jn->pending = calloc(MAX_PENDING, sizeof(*jn->pending)))) {
		free(jn);
		jn = NULL;
	}
	return jn;
}

void nft_join__free(struct nft_join *jn)
{
	if (!jn)
		return;
	free(jn->pending);
	free(jn);
}

bool nft_join__push(struct nft_join *jn, const struct nft_trace_rec *r)
{
	if (jn->len == MAX_PENDING) {
		jn->st.dropped++;
		return false;
	}
	jn->pending[(jn->head + jn->len++) & (MAX_PENDING - 1)] = *r;
	return true;
}

const struct nft_join_stats *nft_join__stats(const struct nft_join *jn)
{
	return &jn->st;
}

uint64_t nft_join__oldest_ns(const struct nft_join *jn)
{
	return jn->len ? jn->pending[jn->head].e.ev.hdr.ts_ns : UINT64_MAX;
}

static size_t hpos(uint64_t a, uint32_t b)
{
	return (size_t)(((a ^ (uint64_t)b << 32 ^ b) * 0x9E3779B97F4A7C15ull) >> (64 - HASH_BITS));
}

static struct hslot *hfind(struct hslot *t, uint64_t a, uint32_t b)
{
	for (size_t i = hpos(a, b); t[i].a; i = (i + 1) & (HASH_SIZE - 1))
		if (t[i].a == a && t[i].b == b)
			return &t[i];
	return NULL;
}

static void hput(struct hslot *t, uint64_t a, uint32_t b, uint32_t val)
{
	size_t i = hpos(a, b);

	while (t[i].a)
		i = (i + 1) & (HASH_SIZE - 1);
	t[i] = (struct hslot){ a, b, val };
}

/* Backward-shift deletion, as the store's skb index does. */
static void hdel(struct hslot *t, uint64_t a, uint32_t b)
{
	struct hslot *e = hfind(t, a, b);
	size_t i, j, home;

	if (!e)
		return;
	i = j = (size_t)(e - t);
	for (;;) {
		j = (j + 1) & (HASH_SIZE - 1);
		if (!t[j].a)
			break;
		home = hpos(t[j].a, t[j].b);
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			t[i] = t[j];
			i = j;
		}
	}
	t[i].a = 0;
}

static uint64_t id_key(uint32_t netns, uint32_t id)
{
	return (uint64_t)netns << 32 | id;
}

static struct id_entry *id_find(struct nft_join *jn, uint32_t netns, uint32_t id)
{
	struct hslot *h = hfind(jn->by_id, id_key(netns, id), 0);

	return h ? &jn->ids[h->val] : NULL;
}

static bool claimed(struct nft_join *jn, uint32_t netns, uint64_t journey)
{
	return hfind(jn->claims, journey, netns) != NULL;
}

/* Remembers that id of netns went to journey, forgetting the oldest id when full. */
static struct id_entry *id_add(struct nft_join *jn, uint32_t netns, uint32_t id, uint64_t journey)
{
	size_t k = jn->next_id++ % MAX_IDS;
	struct id_entry *e = &jn->ids[k];

	if (e->used) {
		hdel(jn->by_id, id_key(e->netns, e->id), 0);
		hdel(jn->claims, e->journey, e->netns);
	}
	*e = (struct id_entry){ .netns = netns, .id = id, .journey = journey, .used = true };
	hput(jn->by_id, id_key(netns, id), 0, (uint32_t)k);
	hput(jn->claims, journey, netns, 0);
	return e;
}

static bool same_tuple(const struct skbtop_tuple *a, const struct skbtop_tuple *b)
{
	size_t alen = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && a->l4proto == b->l4proto && a->sport == b->sport &&
	       a->dport == b->dport && a->icmp_type == b->icmp_type &&
	       a->icmp_code == b->icmp_code && !memcmp(&a->saddr, &b->saddr, alen) &&
	       !memcmp(&a->daddr, &b->daddr, alen);
}

static bool seen_in(const struct journey *j, uint32_t netns)
{
	for (uint32_t i = 0; i < j->n_events; i++)
		if (j->events[i].netns == netns)
			return true;
	return false;
}

/*
 * The oldest journey this id's packet can be: same headers, same namespace, not yet taken, newer
 * than the newest one taken (the kernel traced them in order). The identity, when both sides have
 * one, tells apart packets of one flow, so that one never traced (dropped before netfilter,
 * merged by GRO) does not shift every later packet's rules onto its neighbour.
 */
static const struct journey *first_journey(struct nft_join *jn, const struct store *s,
					   const struct nft_trace_rec *r)
{
	const struct skbtop_event *ev = &r->e.ev;
	const struct journey *best = NULL;
	size_t n = store__len(s);

	if (!ev->tuple.family)
		return NULL;
	for (size_t k = 0; k < n && k < MAX_SCAN; k++) {
		const struct journey *j = store__at(s, n - 1 - k);

		if (j->last_ns + MAX_AGE_NS < ev->hdr.ts_ns)
			break;
		if (j->first_ns > ev->hdr.ts_ns || !same_tuple(&j->tuple, &ev->tuple) ||
		    !seen_in(j, ev->netns))
			continue;
		if (claimed(jn, ev->netns, j->id))
			break;
		if (!j->ident || !ev->ident || j->ident == ev->ident)
			best = j;
	}
	return best;
}

/* The time of the entry into r's base chain, at or after the id's previous anchor; 0: none. */
static uint64_t chain_entry(const struct journey *j, const struct nft_trace_rec *r, uint64_t after)
{
	for (uint32_t i = 0; r->base && i < j->n_events; i++) {
		const struct jevent *e = &j->events[i];
		const struct jnft *x;

		if (e->type != SKBTOP_EV_NFT_CHAIN || (e->flags & SKBTOP_F_EXIT) || e->nft < 0 ||
		    e->netns != r->e.ev.netns || e->ts_ns < after)
			continue;
		x = &j->nft[e->nft];
		/* A bracket names one of the chains sharing its priority: any of them matches. */
		if (x->hook == r->e.hook && x->priority == r->e.priority &&
		    ((e->flags & SKBTOP_F_BRACKET) || x->chain_handle == r->e.chain_handle))
			return e->ts_ns;
	}
	return 0;
}

/* The time of the first chain exit in r's namespace at or after after; 0: none. */
static uint64_t chain_exit(const struct journey *j, const struct nft_trace_rec *r, uint64_t after)
{
	for (uint32_t i = 0; i < j->n_events; i++) {
		const struct jevent *e = &j->events[i];

		if (e->type == SKBTOP_EV_NFT_CHAIN && (e->flags & SKBTOP_F_EXIT) &&
		    e->netns == r->e.ev.netns && e->ts_ns >= after)
			return e->ts_ns;
	}
	return 0;
}

static void join_one(struct nft_join *jn, struct store *s, struct nft_trace_rec *r, nft_join_cb cb,
		     void *ctx)
{
	struct id_entry *ide = id_find(jn, r->e.ev.netns, r->id);
	const struct journey *j = ide ? store__by_id(s, ide->journey) : NULL;
	/* The kernel sends the headers and interfaces with a chain's first event only. */
	bool first = r->e.ev.tuple.family != 0;
	uint64_t entry;

	/* The trace id is a hash of the packet: a later one may share it once this one is gone, or
	 * sooner (packets of one flow, 200 ms apart, at one skb address); headers with another
	 * identity say so at once. */
	if (j && ((j->ended && j->last_ns + ID_REUSE_NS < r->e.ev.hdr.ts_ns) ||
		  (first && r->e.ev.ident && j->ident && r->e.ev.ident != j->ident))) {
		const struct journey *next = first_journey(jn, s, r);

		if (next) {
			hdel(jn->claims, ide->journey, ide->netns);
			*ide = (struct id_entry){ .netns = ide->netns,
						  .id = ide->id,
						  .journey = next->id,
						  .used = true };
			hput(jn->claims, next->id, ide->netns, 0);
			j = next;
		}
	}
	if (!j) {
		j = first_journey(jn, s, r);
		if (!j) {
			/* The marking table sees every packet of the namespace, followed or not. */
			jn->st.unmatched += !r->own;
			return;
		}
		ide = id_add(jn, r->e.ev.netns, r->id, j->id);
	}
	if (r->own)
		return;
	if (!first) {
		r->e.ev.tuple = j->tuple;
		r->e.ev.l3proto = j->l3proto;
	}
	if (r->e.ev.ifindex)
		ide->ifindex = r->e.ev.ifindex;
	else
		r->e.ev.ifindex = ide->ifindex;
	if (r->base) {
		ide->hook = r->e.hook;
		ide->priority = r->e.priority;
	} else {
		r->e.hook = ide->hook;
		r->e.priority = ide->priority;
	}
	entry = chain_entry(j, r, ide->anchor_ns);
	/* A chain nothing saw enter (added after skbtop started: no bracket) runs after the one
	 * before it left, not inside it. */
	if (!entry && first && ide->anchor_ns)
		entry = chain_exit(j, r, ide->anchor_ns);
	if (entry && entry != ide->anchor_ns) {
		ide->anchor_ns = entry;
		ide->seq = 0;
	} else if (!ide->anchor_ns) {
		ide->anchor_ns = r->e.ev.hdr.ts_ns;
	}
	r->e.ev.hdr.ts_ns = ide->anchor_ns;
	r->e.seq = ide->seq++;
	j = store__insert(s, ide->journey, &r->e);
	if (!j) {
		jn->st.unmatched++;
		return;
	}
	jn->st.joined++;
	if (cb)
		cb(ctx, j, &r->e);
}

size_t nft_join__run(struct nft_join *jn, struct store *s, uint64_t ready_ns, nft_join_cb cb,
		     void *ctx)
{
	size_t n = 0;

	while (jn->len) {
		struct nft_trace_rec *r = &jn->pending[jn->head];

		if (r->e.ev.hdr.ts_ns > ready_ns)
			break;
		join_one(jn, s, r, cb, ctx);
		jn->head = (jn->head + 1) & (MAX_PENDING - 1);
		jn->len--;
		n++;
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kernel/decode.h"
#include "core/base/log.h"
#include "core/session/nat.h"
#include "core/nft/nft_verdict.h"
#include "core/session/store.h"

#define EVICT_WINDOW  64	 /* ended journeys are looked for among the oldest this many */
#define MAX_FUNC_HITS (1u << 20) /* probe ids counted one by one */
#define MAX_REASONS   4096	 /* distinct drop reasons counted */
#define FIRST_EVENTS  8		 /* a journey's first event array */
#define FIRST_NFT     2		 /* most packets meet few nft verdicts, and a jnft is large */

struct hent {
	uint64_t skb; /* 0 = empty */
	uint32_t slot;
};

struct store {
	const struct config *cfg;
	struct names *names;
	uint32_t max_packets, max_events;
	int unknown_layer;
	int flowtable_layer; /* the layer of flowtables' hooks, -1: none */
	uint8_t layer_role[MAX_LAYERS];

	struct journey *slots; /* max_packets of them; their event arrays are reused */
	uint32_t *free_slots;
	uint32_t n_free;
	uint32_t *order; /* slot indices, oldest first, a ring of order_mask + 1 */
	size_t order_mask, head, len;
	struct hent *hash; /* live skb -> slot, open addressing, linear probing */
	size_t hash_mask;

	uint64_t next_id;
	uint64_t gen;
	uint64_t events_held;
	size_t mem_arrays; /* bytes in event, nft and counter arrays */
	struct store_stats stats;
	struct store_layer layers[MAX_LAYERS];
	uint64_t *func_hits;
	size_t cap_func_hits;
	uint64_t tp_hits[SKBTOP_TP_COUNT];
	uint32_t funcs_hit;
	struct store_reason *reasons;
	size_t n_reasons, cap_reasons;
};

/*
 * The fate is read from the roles of the layers a packet went through. Roles come from the
 * layer names of the configuration (compared without case), and from the tracepoints, whose
 * identity the ABI fixes: no function name is involved.
 */
static const struct {
	const char *layer;
	uint8_t role;
} layer_roles[] = {
	{ "Socket", STORE_PATH_SOCKET }, { "TCP", STORE_PATH_SOCKET },
	{ "UDP", STORE_PATH_SOCKET },	 { "ICMP", STORE_PATH_SOCKET },
	{ "ICMPv6", STORE_PATH_SOCKET }, { "SCTP", STORE_PATH_SOCKET },
	{ "Xmit", STORE_PATH_XMIT },	 { "Forward", STORE_PATH_FORWARD },
	{ "GRO", STORE_PATH_RX },
};

static uint8_t tp_role(uint32_t tp)
{
	switch (tp) {
	case SKBTOP_TP_NETIF_RECEIVE_SKB:
	case SKBTOP_TP_NETIF_RX:
	case SKBTOP_TP_NAPI_GRO_RECEIVE_ENTRY:
	case SKBTOP_TP_NETIF_RECEIVE_SKB_ENTRY:
	case SKBTOP_TP_NETIF_RX_ENTRY:
	case SKBTOP_TP_NETIF_RECEIVE_SKB_LIST_ENTRY:
	case SKBTOP_TP_NAPI_GRO_FRAGS_ENTRY:
		return STORE_PATH_RX;
	case SKBTOP_TP_SKB_COPY_DATAGRAM_IOVEC:
	case SKBTOP_TP_TCP_PROBE:
		return STORE_PATH_SOCKET;
	case SKBTOP_TP_NET_DEV_START_XMIT:
	case SKBTOP_TP_NET_DEV_XMIT:
		return STORE_PATH_XMIT;
	default:
		return 0;
	}
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

struct store *store__new(uint32_t max_packets, uint32_t max_events_per_packet,
			 const struct config *cfg, struct names *names)
{
	struct store *s;
	uint32_t i;
	int l;
	size_t k;

	if (!max_packets || !max_events_per_packet) {
		p_err("store: max_packets and max_events_per_packet must be at least 1");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = cfg;
	s->names = names;
	s->max_packets = max_packets;
	s->max_events = max_events_per_packet;
	s->unknown_layer = cfg && cfg->unknown_layer >= 0 && cfg->unknown_layer < MAX_LAYERS
				   ? cfg->unknown_layer
				   : 0;
	if (names)
		names__set_unknown_layer(names, s->unknown_layer);
	s->flowtable_layer = -1;
	for (l = 0; cfg && l < cfg->n_layers && l < MAX_LAYERS; l++) {
		if (cfg->layers[l].name && !strcasecmp(cfg->layers[l].name, "Flowtable"))
			s->flowtable_layer = l;
		for (k = 0; k < sizeof(layer_roles) / sizeof(layer_roles[0]); k++)
			if (cfg->layers[l].name &&
			    !strcasecmp(cfg->layers[l].name, layer_roles[k].layer))
				s->layer_role[l] |= layer_roles[k].role;
	}

	s->order_mask = pow2_at_least(max_packets) - 1;
	s->hash_mask = pow2_at_least((size_t)max_packets * 2) - 1;
	s->slots = calloc(max_packets, sizeof(*s->slots));
	s->free_slots = malloc(sizeof(uint32_t) * max_packets);
	s->order = malloc(sizeof(uint32_t) * (s->order_mask + 1));
	s->hash = calloc(s->hash_mask + 1, sizeof(*s->hash));
	if (!s->slots || !s->free_slots || !s->order || !s->hash) {
		store__free(s);
		p_err("store: out of memory for %u packets", max_packets);
		return NULL;
	}
	/* Slot 0 is handed out first. */
	for (i = 0; i < max_packets; i++)
		s->free_slots[i] = max_packets - 1 - i;
	s->n_free = max_packets;
	return s;
}

void store__free(struct store *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; s->slots && i < s->max_packets; i++) {
		free(s->slots[i].events);
		free(s->slots[i].nft);
		free(s->slots[i].caps);
	}
	free(s->slots);
	free(s->free_slots);
	free(s->order);
	free(s->hash);
	free(s->func_hits);
	free(s->reasons);
	free(s);
}

/* ---- skb index ---- */

static size_t hash_skb(const struct store *s, uint64_t skb)
{
	/* skb addresses share their low bits: multiply so that the high bits mix them in. */
	return (size_t)((skb * 0x9E3779B97F4A7C15ull) >> 32) & s->hash_mask;
}

static struct hent *hash_find(const struct store *s, uint64_t skb)
{
	size_t i;

	for (i = hash_skb(s, skb); s->hash[i].skb; i = (i + 1) & s->hash_mask)
		if (s->hash[i].skb == skb)
			return &s->hash[i];
	return NULL;
}

static void hash_put(struct store *s, uint64_t skb, uint32_t slot)
{
	size_t i;

	for (i = hash_skb(s, skb); s->hash[i].skb; i = (i + 1) & s->hash_mask)
		;
	s->hash[i].skb = skb;
	s->hash[i].slot = slot;
}

/* Backward-shift deletion keeps probe chains unbroken without tombstones. */
static void hash_del(struct store *s, struct hent *e)
{
	size_t i = (size_t)(e - s->hash), j = i, home;

	for (;;) {
		j = (j + 1) & s->hash_mask;
		if (!s->hash[j].skb)
			break;
		home = hash_skb(s, s->hash[j].skb);
		/* Move j into the hole at i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			s->hash[i] = s->hash[j];
			i = j;
		}
	}
	s->hash[i].skb = 0;
}

/* ---- journeys ---- */

static inline struct journey *order_at(const struct store *s, size_t i)
{
	return &s->slots[s->order[(s->head + i) & s->order_mask]];
}

static void end_journey(struct store *s, struct journey *j, enum fate fate)
{
	struct hent *e = hash_find(s, j->skb);

	if (e && &s->slots[e->slot] == j)
		hash_del(s, e);
	j->ended = true;
	if (fate != FATE_IN_FLIGHT) {
		s->stats.by_fate[FATE_IN_FLIGHT]--;
		s->stats.by_fate[fate]++;
	}
	j->fate = fate;
}

/* Frees a slot: an ended journey among the oldest few, else the oldest (never keep). */
static void evict(struct store *s, const struct journey *keep)
{
	size_t k, win = s->len < EVICT_WINDOW ? s->len : EVICT_WINDOW, victim = s->len;
	struct journey *j;
	uint32_t slot;

	for (k = 0; k < win && victim == s->len; k++) {
		j = order_at(s, k);
		if (j->ended && j != keep)
			victim = k;
	}
	for (k = 0; k < s->len && victim == s->len; k++)
		if (order_at(s, k) != keep)
			victim = k;
	slot = s->order[(s->head + victim) & s->order_mask];
	j = &s->slots[slot];
	if (!j->ended) {
		struct hent *e = hash_find(s, j->skb);

		if (e && e->slot == slot)
			hash_del(s, e);
	}
	for (k = victim; k > 0; k--)
		s->order[(s->head + k) & s->order_mask] =
			s->order[(s->head + k - 1) & s->order_mask];
	s->head = (s->head + 1) & s->order_mask;
	s->len--;
	s->events_held -= j->n_events;
	s->stats.evicted_packets++;
	s->free_slots[s->n_free++] = slot;
}

/* A clean journey in a free slot, appended to the order; its arrays keep their capacity. */
static struct journey *journey_new(struct store *s, uint64_t id, const struct journey *keep)
{
	struct jevent *ev;
	struct jnft *nft;
	struct jcapture *caps;
	uint32_t cap_ev, cap_nft, slot;
	struct journey *j;

	if (!s->n_free)
		evict(s, keep);
	slot = s->free_slots[--s->n_free];
	j = &s->slots[slot];
	ev = j->events;
	nft = j->nft;
	caps = j->caps;
	cap_ev = j->cap_events;
	cap_nft = j->cap_nft;
	memset(j, 0, sizeof(*j));
	j->events = ev;
	j->nft = nft;
	j->caps = caps;
	j->cap_events = cap_ev;
	j->cap_nft = cap_nft;
	j->id = id;
	j->last_layer = -1;
	s->order[(s->head + s->len) & s->order_mask] = slot;
	s->len++;
	s->stats.packets++;
	return j;
}

static struct journey *journey_start(struct store *s, const struct skbtop_event *ev, uint64_t skb,
				     const struct journey *keep)
{
	struct journey *j = journey_new(s, ++s->next_id, keep);

	j->skb = skb;
	j->tuple = j->cur_tuple = ev->tuple;
	j->ident = ev->ident;
	j->l3proto = ev->l3proto;
	j->ifindex = ev->ifindex;
	j->netns = ev->netns;
	j->mark = ev->mark;
	j->len = ev->len;
	j->pid = ev->pid;
	j->first_ns = j->last_ns = ev->hdr.ts_ns;
	j->fate = FATE_IN_FLIGHT;
	s->stats.by_fate[FATE_IN_FLIGHT]++;
	hash_put(s, skb, (uint32_t)(j - s->slots));
	return j;
}

static int layer_of(const struct store *s, uint32_t func_id)
{
	int l;

	if (!s->names)
		return s->unknown_layer;
	l = names__probe(s->names, func_id)->layer;
	return l >= 0 && l < MAX_LAYERS ? l : s->unknown_layer;
}

static void count_hit(struct store *s, uint32_t func_id)
{
	uint64_t *c;

	if (func_id & SKBTOP_TP_FLAG) {
		if ((func_id & ~SKBTOP_TP_FLAG) >= SKBTOP_TP_COUNT)
			return;
		c = &s->tp_hits[func_id & ~SKBTOP_TP_FLAG];
	} else {
		/* Ids nobody named (bad records) would only grow the table. */
		if (func_id >= MAX_FUNC_HITS || !s->names ||
		    func_id >= names__probe_count(s->names))
			return;
		if (func_id >= s->cap_func_hits) {
			size_t cap = pow2_at_least((size_t)func_id + 1);
			uint64_t *v;

			if (cap < 256)
				cap = 256;
			v = realloc(s->func_hits, cap * sizeof(*v));
			if (!v)
				return;
			memset(v + s->cap_func_hits, 0, (cap - s->cap_func_hits) * sizeof(*v));
			s->mem_arrays += (cap - s->cap_func_hits) * sizeof(*v);
			s->func_hits = v;
			s->cap_func_hits = cap;
		}
		c = &s->func_hits[func_id];
	}
	if (!(*c)++)
		s->funcs_hit++;
}

static void count_drop(struct store *s, uint32_t reason)
{
	size_t i;

	for (i = 0; i < s->n_reasons; i++) {
		if (s->reasons[i].reason == reason) {
			s->reasons[i].count++;
			return;
		}
	}
	if (s->n_reasons == s->cap_reasons) {
		size_t cap = s->cap_reasons ? s->cap_reasons * 2 : 16;
		struct store_reason *v;

		if (cap > MAX_REASONS)
			return;
		v = realloc(s->reasons, cap * sizeof(*v));
		if (!v)
			return;
		s->mem_arrays += (cap - s->cap_reasons) * sizeof(*v);
		s->reasons = v;
		s->cap_reasons = cap;
	}
	s->reasons[s->n_reasons].reason = reason;
	s->reasons[s->n_reasons++].count = 1;
}

static int grow_array(void **v, uint32_t *cap, uint32_t first, size_t sz, size_t *mem)
{
	uint32_t c = *cap ? *cap * 2 : first;
	void *p = realloc(*v, (size_t)c * sz);

	if (!p)
		return -ENOMEM;
	*mem += (size_t)(c - *cap) * sz;
	*v = p;
	*cap = c;
	return 0;
}

/* The last role decides: a socket last means delivered; a transmit, sent or forwarded. */
static enum fate consumed_fate(const struct journey *j)
{
	if (j->last_role == STORE_PATH_SOCKET)
		return FATE_DELIVERED;
	if (j->last_role == STORE_PATH_XMIT)
		return j->path & (STORE_PATH_RX | STORE_PATH_FORWARD) ? FATE_FORWARDED : FATE_SENT;
	return FATE_CONSUMED;
}

/* The counters of one more event of j in layer. */
static void count_event(struct store *s, struct journey *j, int layer, uint32_t func_id)
{
	if (!j->layer_events[layer]++)
		s->layers[layer].packets++;
	s->layers[layer].events++;
	s->stats.events++;
	count_hit(s, func_id);
}

void jnft__from_event(struct jnft *x, const struct skbtop_nft_event *nft)
{
	x->rule_handle = nft->rule_handle;
	x->chain_handle = nft->chain_handle;
	x->verdict = nft->verdict;
	x->priority = nft->priority;
	x->family = nft->family;
	x->hook = nft->hook;
	x->depth = nft->depth;
	x->seq = nft->seq;
	memcpy(x->table, nft->table, SKBTOP_NAME_LEN);
	memcpy(x->chain, nft->chain, SKBTOP_NAME_LEN);
	memcpy(x->target, nft->target, SKBTOP_NAME_LEN);
	x->table[SKBTOP_NAME_LEN - 1] = x->chain[SKBTOP_NAME_LEN - 1] = '\0';
	x->target[SKBTOP_NAME_LEN - 1] = '\0';
}

/* Keeps a copy of the event at index pos of j's events (unless j is full: then it counts). */
static void hold_event(struct store *s, struct journey *j, const struct skbtop_event *ev,
		       const struct skbtop_nft_event *nft, int layer, uint32_t pos)
{
	struct jevent *e;

	if (j->n_events >= s->max_events) {
		j->events_truncated++;
		s->stats.truncated_events++;
		return;
	}
	if (j->n_events >= j->cap_events && grow_array((void **)&j->events, &j->cap_events,
						       FIRST_EVENTS, sizeof(*e), &s->mem_arrays))
		return;
	memmove(&j->events[pos + 1], &j->events[pos], (j->n_events - pos) * sizeof(*e));
	j->n_events++;
	e = &j->events[pos];
	e->ts_ns = ev->hdr.ts_ns;
	e->aux = ev->aux;
	e->func_id = ev->func_id;
	e->ifindex = ev->ifindex;
	e->netns = ev->netns;
	e->reason = ev->reason;
	e->flags = ev->hdr.flags;
	e->len = ev->len;
	e->type = ev->hdr.type;
	e->cpu = ev->hdr.cpu;
	e->layer = (int16_t)layer;
	e->nft = -1;
	s->events_held++;
	if (nft && (j->n_nft < j->cap_nft || !grow_array((void **)&j->nft, &j->cap_nft, FIRST_NFT,
							 sizeof(struct jnft), &s->mem_arrays))) {
		jnft__from_event(&j->nft[j->n_nft], nft);
		e->nft = (int16_t)j->n_nft++;
	}
}

/* Adds one event to j: counters, time per layer, path, and the held copy unless truncated. */
static void journey_add(struct store *s, struct journey *j, const struct skbtop_event *ev,
			const struct skbtop_nft_event *nft)
{
	int layer = layer_of(s, ev->func_id);
	uint8_t role = s->layer_role[layer];
	uint64_t ts = ev->hdr.ts_ns;
	uint32_t held = j->n_events;
	bool nat = false, bypass = false;

	if (ev->func_id & SKBTOP_TP_FLAG)
		role |= tp_role(ev->func_id & ~SKBTOP_TP_FLAG);

	if (!j->ident && !(ev->hdr.flags & SKBTOP_F_NETLINK))
		j->ident = ev->ident;
	/* Only headers read at this event tell where they changed. */
	if (!(ev->hdr.flags & (SKBTOP_F_TUPLE_CACHED | SKBTOP_F_NETLINK)) &&
	    nat__follow(&j->cur_tuple, &ev->tuple)) {
		j->translated = nat = true;
		j->nat_ns = ts;
	}

	/*
	 * A flowtable's hook that holds the packet's flow transmits it itself and steals it; one
	 * that does not returns it to the netfilter hook, which reports its verdict. So a transmit
	 * after the hook, before any netfilter or nftables event, went past every chain.
	 */
	if (ev->hdr.type == SKBTOP_EV_FUNC && layer == s->flowtable_layer) {
		j->flow_hook = true;
	} else if (nft) {
		j->flow_hook = false;
	} else if (j->flow_hook && (role & STORE_PATH_XMIT)) {
		j->flow_hook = false;
		j->flowtable = bypass = true;
		j->flow_ns = ts;
	}

	if (j->last_layer >= 0 && ts > j->last_ns) {
		j->layer_ns[j->last_layer] += ts - j->last_ns;
		s->layers[j->last_layer].ns += ts - j->last_ns;
	}
	if (ts > j->last_ns)
		j->last_ns = ts;
	count_event(s, j, layer, ev->func_id);

	if (ev->hdr.type == SKBTOP_EV_TP || ev->hdr.type == SKBTOP_EV_FUNC ||
	    ev->hdr.type == SKBTOP_EV_CONSUME) {
		if (role) {
			j->path |= role;
			/* A layer with two roles (rare) counts as its strongest: socket. */
			j->last_role = role & STORE_PATH_SOCKET	   ? STORE_PATH_SOCKET
				       : role & STORE_PATH_XMIT	   ? STORE_PATH_XMIT
				       : role & STORE_PATH_FORWARD ? STORE_PATH_FORWARD
								   : STORE_PATH_RX;
		}
	}

	if (nft) {
		int32_t v = nft_verdict__decode(nft->verdict);

		/* Until netfilter decides, the packet merely continued through its chains. */
		if (!j->has_nft)
			j->nft_verdict = -1;
		j->has_nft = true;
		/* A rule's jump or continue is no decision; its accept or drop is. */
		if (ev->hdr.type == SKBTOP_EV_NF_HOOK ||
		    (ev->hdr.type == SKBTOP_EV_NFT_CHAIN && (ev->hdr.flags & SKBTOP_F_EXIT)) ||
		    (ev->hdr.type == SKBTOP_EV_NFT_RULE && v >= 0))
			j->nft_verdict = v;
	}

	hold_event(s, j, ev, nft, layer, j->n_events);
	if (nat && j->n_events > held)
		j->events[held].flags |= SKBTOP_F_NAT;
	if (bypass && j->n_events > held)
		j->events[held].flags |= SKBTOP_F_FLOWTABLE;

	if (ev->hdr.type == SKBTOP_EV_DROP) {
		int at = j->last_layer >= 0 ? j->last_layer : layer;

		s->layers[at].drops++;
		j->drop_reason = ev->reason;
		j->drop_location = ev->aux;
		count_drop(s, ev->reason);
		end_journey(s, j, FATE_DROPPED);
	} else if (ev->hdr.type == SKBTOP_EV_CONSUME) {
		end_journey(s, j, consumed_fate(j));
	}
	j->last_layer = (int16_t)layer;
	j->born_clone = 0;
}

uint32_t store__marks_at(const struct journey *j, uint64_t ts)
{
	return (j->translated && j->nat_ns == ts ? SKBTOP_F_NAT : 0) |
	       (j->flowtable && j->flow_ns == ts ? SKBTOP_F_FLOWTABLE : 0);
}

const struct journey *store__add(struct store *s, const void *rec, size_t size)
{
	const struct skbtop_event *ev = rec;
	const struct skbtop_nft_event *nft = NULL;
	struct journey *j = NULL, *child;
	uint64_t parent_skb;
	struct hent *h;

	if (decode__check(rec, size) || !ev->skb) {
		s->stats.bad_records++;
		return NULL;
	}
	if (size == sizeof(struct skbtop_nft_event))
		nft = rec;
	s->gen++;

	h = hash_find(s, ev->skb);
	if (h) {
		j = &s->slots[h->slot];
		/* A new skb at a live address: we missed the old one's free. */
		if ((ev->hdr.flags & SKBTOP_F_NEW_PACKET) && !(j->born_clone && j->n_events == 1)) {
			end_journey(s, j, FATE_IN_FLIGHT);
			j = NULL;
		}
	}
	if (!j)
		j = journey_start(s, ev, ev->skb, NULL);
	journey_add(s, j, ev, nft);

	/* A child needs a slot besides its parent's. */
	if (ev->hdr.type != SKBTOP_EV_CLONE || !ev->aux || ev->aux == ev->skb || s->max_packets < 2)
		return j;
	parent_skb = ev->skb;
	h = hash_find(s, ev->aux);
	if (h)
		end_journey(s, &s->slots[h->slot], FATE_IN_FLIGHT);
	child = journey_start(s, ev, ev->aux, j);
	child->parent_id = j->id;
	journey_add(s, child, ev, NULL);
	child->born_clone = parent_skb;
	return j;
}

const struct journey *store__insert(struct store *s, uint64_t id,
				    const struct skbtop_nft_event *nft)
{
	struct journey *j = (struct journey *)store__by_id(s, id);
	const struct skbtop_event *ev = &nft->ev;
	uint32_t pos;
	int layer;

	if (!j || decode__check(nft, sizeof(*nft))) {
		s->stats.bad_records++;
		return NULL;
	}
	pos = j->n_events;
	while (pos > 0 && j->events[pos - 1].ts_ns > ev->hdr.ts_ns)
		pos--;
	s->gen++;
	if (pos == j->n_events) {
		journey_add(s, j, ev, nft);
		return j;
	}
	/* In the past of the journey: it takes no time, and does not replace the last verdict. */
	layer = layer_of(s, ev->func_id);
	count_event(s, j, layer, ev->func_id);
	if (!j->has_nft)
		j->nft_verdict = -1;
	j->has_nft = true;
	hold_event(s, j, ev, nft, layer, pos);
	return j;
}

size_t store__len(const struct store *s)
{
	return s->len;
}

const struct journey *store__at(const struct store *s, size_t i)
{
	return i < s->len ? order_at(s, i) : NULL;
}

const struct journey *store__by_id(const struct store *s, uint64_t id)
{
	size_t lo = 0, hi = s->len;

	/* The order is by id: journeys are appended as their ids are given out. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct journey *j = order_at(s, mid);

		if (j->id == id)
			return j;
		if (j->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct journey *store__by_skb(const struct store *s, uint64_t skb)
{
	const struct hent *h = skb ? hash_find(s, skb) : NULL;

	return h ? &s->slots[h->slot] : NULL;
}

uint64_t store__generation(const struct store *s)
{
	return s->gen;
}

const struct store_stats *store__stats(const struct store *s)
{
	return &s->stats;
}

struct store_stats *store__stats_mut(struct store *s)
{
	return &s->stats;
}

void store__clear(struct store *s)
{
	struct store_stats keep = s->stats;
	uint32_t i;

	for (i = 0; i < s->max_packets; i++)
		s->free_slots[i] = s->max_packets - 1 - i;
	s->n_free = s->max_packets;
	s->head = s->len = 0;
	memset(s->hash, 0, (s->hash_mask + 1) * sizeof(*s->hash));
	memset(&s->stats, 0, sizeof(s->stats));
	/* Counted outside the store: the poller owns them. */
	s->stats.lost_kernel = keep.lost_kernel;
	s->stats.lost_queue = keep.lost_queue;
	s->stats.lost_nft_trace = keep.lost_nft_trace;
	s->stats.bad_records = keep.bad_records;
	memset(s->layers, 0, sizeof(s->layers));
	if (s->func_hits)
		memset(s->func_hits, 0, s->cap_func_hits * sizeof(*s->func_hits));
	memset(s->tp_hits, 0, sizeof(s->tp_hits));
	s->funcs_hit = 0;
	s->n_reasons = 0;
	s->events_held = 0;
	s->gen++;
}

const struct journey *store__import(struct store *s, const struct journey *src)
{
	struct journey *j;
	uint32_t i, n_ev, n_nft;
	int l;

	if (s->len && order_at(s, s->len - 1)->id >= src->id) {
		p_err("store: journey %llu imported after %llu: ids must increase",
		      (unsigned long long)src->id, (unsigned long long)order_at(s, s->len - 1)->id);
		return NULL;
	}
	n_ev = src->n_events < s->max_events ? src->n_events : s->max_events;
	n_nft = src->n_nft;
	j = journey_new(s, src->id, NULL);
	if (s->next_id < src->id)
		s->next_id = src->id;
	{
		struct jevent *ev = j->events;
		struct jnft *nft = j->nft;
		struct jcapture *caps = j->caps;
		uint32_t cap_ev = j->cap_events, cap_nft = j->cap_nft;

		*j = *src;
		j->events = ev;
		j->nft = nft;
		j->caps = caps;
		j->n_caps = 0;
		j->cap_events = cap_ev;
		j->cap_nft = cap_nft;
		j->n_events = j->n_nft = 0;
	}
	while (j->cap_events < n_ev)
		if (grow_array((void **)&j->events, &j->cap_events, FIRST_EVENTS,
			       sizeof(struct jevent), &s->mem_arrays))
			goto nomem;
	while (j->cap_nft < n_nft)
		if (grow_array((void **)&j->nft, &j->cap_nft, FIRST_NFT, sizeof(struct jnft),
			       &s->mem_arrays))
			goto nomem;
	for (i = 0; i < src->n_caps && i < STORE_CAPTURES; i++)
		if (store__capture(s, j->id, &src->caps[i]))
			goto nomem;
	if (n_ev)
		memcpy(j->events, src->events, n_ev * sizeof(*j->events));
	if (n_nft)
		memcpy(j->nft, src->nft, n_nft * sizeof(*j->nft));
	j->n_events = n_ev;
	j->n_nft = n_nft;
	j->events_truncated = src->events_truncated + (src->n_events - n_ev);
	s->stats.truncated_events += src->n_events - n_ev;
	/* Not indexed by skb: a saved journey is history, no later event joins it. */
	j->born_clone = 0;
	s->events_held += n_ev;
	s->stats.events += src->n_events;
	s->stats.by_fate[j->fate < FATE_COUNT ? j->fate : FATE_IN_FLIGHT]++;
	for (l = 0; l < MAX_LAYERS; l++) {
		s->layers[l].events += j->layer_events[l];
		s->layers[l].packets += j->layer_events[l] ? 1 : 0;
		s->layers[l].ns += j->layer_ns[l];
	}
	for (i = 0; i < n_ev; i++)
		count_hit(s, j->events[i].func_id);
	if (j->fate == FATE_DROPPED) {
		count_drop(s, j->drop_reason);
		for (i = n_ev; i > 1; i--) {
			int16_t at = j->events[i - 2].layer;

			if (j->events[i - 1].type == SKBTOP_EV_DROP) {
				if (at >= 0 && at < MAX_LAYERS)
					s->layers[at].drops++;
				break;
			}
		}
	}
	s->gen++;
	return j;
nomem:
	p_err("store: out of memory importing journey %llu", (unsigned long long)src->id);
	j->n_events = j->n_nft = 0;
	j->ended = true;
	return NULL;
}

const struct store_layer *store__layers(const struct store *s)
{
	return s->layers;
}

uint64_t store__func_hits(const struct store *s, uint32_t func_id)
{
	if (func_id & SKBTOP_TP_FLAG)
		return (func_id & ~SKBTOP_TP_FLAG) < SKBTOP_TP_COUNT
			       ? s->tp_hits[func_id & ~SKBTOP_TP_FLAG]
			       : 0;
	return func_id < s->cap_func_hits ? s->func_hits[func_id] : 0;
}

uint32_t store__funcs_hit(const struct store *s)
{
	return s->funcs_hit;
}

const struct store_reason *store__drop_reasons(const struct store *s, size_t *n)
{
	*n = s->n_reasons;
	return s->reasons;
}

size_t store__memory(const struct store *s)
{
	return sizeof(*s) + (size_t)s->max_packets * (sizeof(struct journey) + sizeof(uint32_t)) +
	       (s->order_mask + 1) * sizeof(uint32_t) + (s->hash_mask + 1) * sizeof(struct hent) +
	       s->mem_arrays;
}

uint64_t store__events_held(const struct store *s)
{
	return s->events_held;
}

static const char *const fate_names[FATE_COUNT] = {
	[FATE_IN_FLIGHT] = "in-flight", [FATE_DELIVERED] = "delivered",
	[FATE_FORWARDED] = "forwarded", [FATE_SENT] = "sent",
	[FATE_DROPPED] = "dropped",	[FATE_CONSUMED] = "consumed",
};

const char *fate__name(enum fate f)
{
	return (unsigned int)f < FATE_COUNT ? fate_names[f] : "?";
}

int fate__from_name(const char *name)
{
	int f;

	for (f = 0; f < FATE_COUNT; f++)
		if (!strcmp(fate_names[f], name))
			return f;
	return -1;
}

int store__capture(struct store *s, uint64_t id, const struct jcapture *c)
{
	struct journey *j = (struct journey *)store__by_id(s, id);

	if (!j || j->n_caps >= STORE_CAPTURES)
		return 0;
	if (!j->caps) {
		j->caps = malloc(STORE_CAPTURES * sizeof(*j->caps));
		if (!j->caps)
			return -ENOMEM;
		s->mem_arrays += STORE_CAPTURES * sizeof(*j->caps);
	}
	j->caps[j->n_caps++] = *c;
	return 0;
}

static const char *const jcapture_kinds[JCAPTURE_KINDS] = { "first", "drop", "later" };

const char *jcapture_kind__name(uint8_t kind)
{
	return kind < JCAPTURE_KINDS ? jcapture_kinds[kind] : "?";
}

int jcapture_kind__from_name(const char *name)
{
	for (int k = 0; k < JCAPTURE_KINDS; k++)
		if (!strcmp(jcapture_kinds[k], name))
			return k;
	return -1;
}

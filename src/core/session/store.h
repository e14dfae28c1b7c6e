/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet store: one journey per packet (skb lifetime), its events in order, time per layer,
 * final fate, NFT verdict path. Owned by one thread (the consumer of the poller's queue, or the
 * replay loader); views only read it. Memory is bounded by the config and evictions are counted.
 */
#ifndef SKBTOP_STORE_H
#define SKBTOP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skbtop_event.h"
#include "core/base/config.h"
#include "core/session/names.h"

enum fate {
	FATE_IN_FLIGHT = 0, /* no end seen yet */
	FATE_DELIVERED,	    /* consumed after reaching a socket */
	FATE_FORWARDED,	    /* went through the forward path and out */
	FATE_SENT,	    /* transmitted by a device */
	FATE_DROPPED,	    /* freed with a drop reason */
	FATE_CONSUMED,	    /* freed normally, none of the above recognised */
	FATE_COUNT,
};

/* NFT details of one event (chain entry/exit, rule verdict, hook verdict). */
struct jnft {
	uint64_t rule_handle;
	uint64_t chain_handle;
	int32_t verdict;
	int32_t priority;
	uint8_t family, hook, depth, seq;
	char table[SKBTOP_NAME_LEN];
	char chain[SKBTOP_NAME_LEN];
	char target[SKBTOP_NAME_LEN];
};

/* The NFT details of a ring-buffer record, its names cut to a terminated string. */
void jnft__from_event(struct jnft *x, const struct skbtop_nft_event *nft);

/* A packet's first bytes (SKBTOP_EV_BYTES), taken where jcapture.kind says. */
#define STORE_CAPTURES 3
enum jcapture_kind {
	JCAPTURE_FIRST,
	JCAPTURE_DROP,
	JCAPTURE_LATER,
	JCAPTURE_KINDS
};
struct jcapture {
	uint64_t ts_ns;
	uint32_t ifindex, netns;
	uint32_t len; /* the packet's length from where data starts */
	uint16_t caplen;
	uint16_t link; /* SKBTOP_LINK_* */
	uint8_t kind;  /* enum jcapture_kind */
	uint8_t data[SKBTOP_SNAP_MAX];
};

struct jevent {
	uint64_t ts_ns; /* absolute, kernel monotonic clock */
	uint64_t aux;	/* drop location, clone's skb, ... */
	uint32_t func_id;
	uint32_t ifindex;
	uint32_t netns;
	uint32_t reason;
	uint32_t flags;
	uint32_t len;
	uint16_t type; /* enum skbtop_event_type */
	uint16_t cpu;
	int16_t layer;
	int16_t nft; /* index into journey.nft, -1 if none */
};

struct journey {
	uint64_t id;	    /* 1, 2, ... in order of first sight; stable for the session */
	uint64_t skb;	    /* address while in flight; may be reused once the journey ended */
	uint64_t parent_id; /* journey this one was cloned or copied from, 0 if none */
	struct skbtop_tuple tuple;
	/* The headers seen last, and whether NAT changed them from tuple (at events flagged
	 * SKBTOP_F_NAT; nat_ns: the latest such event's time). */
	struct skbtop_tuple cur_tuple;
	bool translated;
	uint64_t nat_ns;
	/* A flowtable's hook sent it on past the netfilter chains, at events flagged
	 * SKBTOP_F_FLOWTABLE (flow_ns: the latest); flow_hook: such a hook has just seen it. */
	bool flowtable, flow_hook;
	uint64_t flow_ns;
	uint64_t ident; /* identity from the headers (IPv4 id, TCP seq/ack/flags), 0: none seen */
	uint16_t l3proto;
	uint32_t ifindex, netns, mark, len; /* as first seen */
	uint32_t pid;
	uint64_t first_ns, last_ns;

	enum fate fate;
	bool ended;		/* the skb was freed: no more events will join */
	uint32_t drop_reason;	/* valid when fate == FATE_DROPPED */
	uint64_t drop_location; /* kernel address of the free, 0 if unknown */
	bool has_nft;
	int32_t nft_verdict; /* last verdict, decoded (NF_DROP, NF_ACCEPT, ...); -1 none yet */

	struct jevent *events;
	uint32_t n_events, cap_events;
	uint32_t events_truncated; /* events past max_events_per_packet */
	struct jnft *nft;
	uint32_t n_nft, cap_nft;
	struct jcapture *caps; /* STORE_CAPTURES of them once the first comes, else NULL */
	uint32_t n_caps;

	uint64_t layer_ns[MAX_LAYERS]; /* time attributed to each layer (until the next event) */
	uint32_t layer_events[MAX_LAYERS];

	/* Where the packet is, for the time of the next event and the fate (store.c). */
	int16_t last_layer;
	uint8_t path;	     /* STORE_PATH_* seen so far */
	uint8_t last_role;   /* the STORE_PATH_* role of the latest event that had one */
	uint64_t born_clone; /* skb of the parent when created by EV_CLONE and nothing joined yet */
};

/* What every output says at an event flagged SKBTOP_F_FLOWTABLE. */
#define STORE_FLOWTABLE_NOTE "flowtable: bypassed chains"

/* The flags the store put on the event of j at time ts (SKBTOP_F_NAT, SKBTOP_F_FLOWTABLE). */
uint32_t store__marks_at(const struct journey *j, uint64_t ts);

/* Roles of layers and tracepoints the fate is decided from (see store.c: layer names). */
#define STORE_PATH_RX	   0x1 /* received by a device */
#define STORE_PATH_SOCKET  0x2 /* reached a socket / transport receive layer */
#define STORE_PATH_FORWARD 0x4 /* took the forward path */
#define STORE_PATH_XMIT	   0x8 /* transmitted by a device */

struct store_stats {
	uint64_t events;	   /* events that joined a journey (held or truncated) */
	uint64_t packets;	   /* journeys started */
	uint64_t evicted_packets;  /* journeys dropped to respect max_packets */
	uint64_t truncated_events; /* events dropped to respect max_events_per_packet */
	uint64_t bad_records;	   /* records the decoder refused */
	uint64_t lost_kernel;	   /* ring buffer reservations that failed (from the kernel) */
	uint64_t lost_queue;	   /* records the poller could not hand over */
	uint64_t lost_nft_trace;   /* netlink trace socket overflows (each loses rule events) */
	/* [FATE_IN_FLIGHT]: journeys whose end was not seen (live, evicted live, or superseded
	 * by a new skb at their address). */
	uint64_t by_fate[FATE_COUNT];
};

/* Totals over the whole session, evicted journeys included. */
struct store_layer {
	uint64_t events;
	uint64_t packets; /* journeys with at least one event in the layer */
	uint64_t drops;	  /* journeys dropped while in the layer (the layer before the drop) */
	uint64_t ns;	  /* time attributed to the layer */
};

struct store_reason {
	uint32_t reason;
	uint64_t count;
};

struct store;

struct store *store__new(uint32_t max_packets, uint32_t max_events_per_packet,
			 const struct config *cfg, struct names *names);
void store__free(struct store *s);

/*
 * Add one decoded record (struct skbtop_event or struct skbtop_nft_event by hdr.type).
 * Returns the journey it joined (NULL if refused), so stream output can print with context.
 */
const struct journey *store__add(struct store *s, const void *rec, size_t size);

/*
 * Adds an NFT rule event that came without an skb (the netlink trace) to journey id, in the
 * order of its hdr.ts_ns among the journey's events. NULL when the journey is no longer held.
 */
const struct journey *store__insert(struct store *s, uint64_t id,
				    const struct skbtop_nft_event *nft);

size_t store__len(const struct store *s);
/* i = 0 is the oldest journey still held. */
const struct journey *store__at(const struct store *s, size_t i);
const struct journey *store__by_id(const struct store *s, uint64_t id);
/* Increments on every change, so a view knows when to redraw. */
uint64_t store__generation(const struct store *s);
const struct store_stats *store__stats(const struct store *s);
struct store_stats *store__stats_mut(struct store *s);
void store__clear(struct store *s);

/* Keeps a capture with journey id (while the store holds it, up to STORE_CAPTURES); -ENOMEM. */
int store__capture(struct store *s, uint64_t id, const struct jcapture *c);
const char *jcapture_kind__name(uint8_t kind);	/* "first", "drop", "later" */
int jcapture_kind__from_name(const char *name); /* -1 if unknown */

/* Replay: append a journey built by the loader; events/nft/caps arrays are copied. */
const struct journey *store__import(struct store *s, const struct journey *j);

/* Per-layer totals, MAX_LAYERS entries indexed like config.layers. */
const struct store_layer *store__layers(const struct store *s);
/* How often a probe id (function or SKBTOP_TP_FLAG | tracepoint) was hit over the session. */
uint64_t store__func_hits(const struct store *s, uint32_t func_id);
/* Distinct probe ids hit at least once. */
uint32_t store__funcs_hit(const struct store *s);
/* Drops by reason, in order of first sight; *n gets the count. */
const struct store_reason *store__drop_reasons(const struct store *s, size_t *n);
/* Bytes the store holds allocated (journeys, events, index), for the benchmark and the UI. */
size_t store__memory(const struct store *s);
/* Events held in journeys now (not evicted, not truncated). */
uint64_t store__events_held(const struct store *s);

const char *fate__name(enum fate f); /* "delivered", "dropped", ... */
/* The fate of a name as fate__name writes it, or -1. */
int fate__from_name(const char *name);
/* Journey of a live skb address, or NULL. */
const struct journey *store__by_skb(const struct store *s, uint64_t skb);

#endif /* SKBTOP_STORE_H */

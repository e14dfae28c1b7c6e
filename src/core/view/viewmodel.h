/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the screen shows, computed from the store without curses so that it can be tested and
 * reused by text exports: filters, the filtered packet list, per-layer aggregates, and the rows
 * of a packet's timeline and nftables path, already formatted.
 */
#ifndef SKBTOP_VIEWMODEL_H
#define SKBTOP_VIEWMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/config.h"
#include "core/kernel/cost.h"
#include "core/session/names.h"
#include "core/session/store.h"

/* What the verdict filter ('v') can ask for: a fate, or the final nftables verdict. */
enum vm_verdict {
	VMV_ANY = 0,
	VMV_DROPPED,
	VMV_DELIVERED,
	VMV_FORWARDED,
	VMV_SENT,
	VMV_CONSUMED,
	VMV_IN_FLIGHT,
	VMV_NFT_ACCEPT,
	VMV_NFT_DROP,
	VMV_NFT_STOLEN,
	VMV_NFT_QUEUE,
	VMV_COUNT,
};

/* "dropped", "nft accept", ...; "any" for VMV_ANY. */
const char *vm_verdict__name(enum vm_verdict v);

#define VM_SEARCH_LEN 64

struct vm_filter {
	int layer; /* index into config.layers, -1 for any */
	enum vm_verdict verdict;
	char search[VM_SEARCH_LEN]; /* address, port, function, interface or drop reason; "" none */
};

void vm_filter__init(struct vm_filter *f);
bool vm_filter__active(const struct vm_filter *f);
/* "layer=IPv4 verdict=dropped search=10.0.0.5", or "" when nothing filters. */
void vm_filter__describe(const struct vm_filter *f, const struct config *cfg, char *buf,
			 size_t len);

/*
 * Matching by function name is answered per probe id and cached, because a search is checked
 * against every event of every packet on each rebuild.
 */
struct vm_matcher {
	struct vm_filter f;
	uint8_t *probe_hit; /* 0 unknown, 1 miss, 2 hit; indexed by probe id */
	uint8_t tp_hit[SKBTOP_TP_COUNT];
	uint32_t n_probes;
	int64_t reason_hit; /* drop reason value the search names exactly, or -1 */
};

void vm_matcher__init(struct vm_matcher *m, const struct vm_filter *f);
void vm_matcher__free(struct vm_matcher *m);
bool vm_matcher__match(struct vm_matcher *m, const struct journey *j, struct names *n,
		       bool ignore_layer);

/* The filtered packet list: journey ids in store order (increasing) until sorted otherwise. */
struct vm_rows {
	uint64_t *ids;
	size_t n, cap;
	size_t dropped; /* rows whose fate is dropped */
	bool by_id;	/* ids increase down the list */
	size_t newest;	/* row of the packet seen last (0 when empty) */
};

int vm_rows__build(struct vm_rows *r, const struct store *s, struct vm_matcher *m, struct names *n);
/*
 * Row of a journey id; when it is not listed, the row of the nearest id after it in store
 * order, or n in any other order.
 */
size_t vm_rows__find(const struct vm_rows *r, uint64_t id);
void vm_rows__free(struct vm_rows *r);

/*
 * Log2 buckets of the time packets spent in a layer in microseconds, as bcc's hist tools count
 * usecs: bucket 0 holds 0 (under a microsecond), bucket b >= 1 holds [2^(b-1), 2^b - 1].
 */
#define VM_HIST_BUCKETS 40

/* The bucket of a duration in ns. */
int vm_hist__bucket(uint64_t ns);
/* The bucket's lowest and highest duration, in whole microseconds. */
void vm_hist__range(int b, uint64_t *lo_us, uint64_t *hi_us);
/* First and last bucket that counted anything; false when none did. */
bool vm_hist__span(const uint64_t *hist, int *first, int *last);
/* bcc's bar: count as a share of max, in width columns of '*' and blanks. */
void vm_hist__bar(uint64_t count, uint64_t max, int width, char *buf, size_t len);

/* One line of the layer pane. */
struct vm_layer_row {
	int layer;
	uint64_t events;
	uint64_t packets;
	uint64_t drops;			/* packets dropped while in this layer */
	double rate;			/* events per second over the last second before now_ns */
	uint64_t median_ns;		/* median time a packet spends in this layer */
	uint64_t hist[VM_HIST_BUCKETS]; /* the packets by their time in this layer */
};

struct vm_layers {
	struct vm_layer_row rows[MAX_LAYERS];
	int n;
	uint64_t *scratch;
	size_t scratch_cap;
};

/*
 * Aggregates per configured layer over the journeys the matcher accepts (its layer part is
 * ignored, so the pane still shows every layer while one is the filter).
 */
int vm_layers__build(struct vm_layers *L, const struct store *s, struct vm_matcher *m,
		     struct names *n, const struct config *cfg, uint64_t now_ns);
void vm_layers__free(struct vm_layers *L);

/* The layer a dropped packet was in when freed: that of the last event before the drop. */
int vm__drop_layer(const struct journey *j);

/* Formatting helpers shared by the views and the text export. */
void vm__fmt_dur(uint64_t ns, bool utf8, char *buf, size_t len); /* "41µs", "1.2ms" */
void vm__fmt_count(uint64_t v, char *buf, size_t len);		 /* "12,345" */
void vm__fmt_rate(double v, char *buf, size_t len);		 /* "12.4k" */
void vm__fmt_addr(const struct skbtop_tuple *t, bool dst, char *buf, size_t len);
/*
 * "TCP", "ip/47", or for a packet with no IP header its ETH_P_* name ("ARP", "LLDP"), or the
 * kind of skb ("netlink", "loopback", "local": no device, no protocol); n may be NULL.
 */
const char *vm__proto(const struct journey *j, struct names *n, char *buf, size_t len);
const char *vm__layer_name(const struct config *cfg, int layer);

/* The forms of the cost in the header: 0 says the most, VM_COST_FORMS - 1 the fewest words. */
#define VM_COST_FORMS 3
/* "cost 3.4% cpu: bpf 1.2% (850 ns/run, 14.2k runs/s), process 2.2% (poller 1.0%)" */
void vm__fmt_cost(const struct cost_figures *c, int form, char *buf, size_t len);

struct vm_packet_row {
	char time[24];
	char proto[12];
	char src[112]; /* "10.0.0.1:5353", or "original→translated" after NAT */
	char dst[112];
	char ifname[20];
	char events[12];
	char dur[16];
	char fate[64]; /* "delivered", "DROP NO_SOCKET" */
	char nft[16];  /* final nftables verdict, "" when none */
	bool dropped;
	bool ended;
};

/*
 * wall_off_ns converts the kernel's monotonic clock to wall time; 0 means unknown, and times
 * are then shown relative to base_ns (the oldest packet held). A packet in flight whose last
 * event is older than stale_before_ns says "no end seen" (0: never): some backends cannot see
 * every end.
 */
void vm__packet_row(const struct journey *j, struct names *n, int64_t wall_off_ns, uint64_t base_ns,
		    uint64_t stale_before_ns, bool utf8, struct vm_packet_row *row);

enum vm_tl_kind {
	VMT_PLAIN = 0,
	VMT_DROP,
	VMT_NFT,
	VMT_END,
};

struct vm_timeline_row {
	char rel[16]; /* "+12µs" since the first event */
	char layer[24];
	char func[64];
	char ifname[20];
	char detail[112]; /* verdict, drop reason and where, clone */
	enum vm_tl_kind kind;
};

void vm__timeline_row(const struct journey *j, uint32_t i, struct names *n,
		      const struct config *cfg, bool utf8, struct vm_timeline_row *row);

enum vm_nft_kind {
	VMN_CHAIN = 0, /* a base chain entered */
	VMN_RULE,      /* a rule gave a verdict */
	VMN_POLICY,    /* the chain's policy decided */
	VMN_EXIT,      /* the base chain returned its verdict */
	VMN_HOOK,      /* the netfilter hook's verdict */
};

struct vm_nft_row {
	enum vm_nft_kind kind;
	int depth;
	uint64_t handle;
	char text[160];
	char rule[192]; /* the rule as nft lists it, "" when unknown */
	char verdict[24];
	bool drop;
};

/* Rows of the NFT drill-down, in event order; returns how many were written (at most max). */
size_t vm__nft_rows(const struct journey *j, struct names *n, struct vm_nft_row *rows, size_t max);

/* The packet's timeline and nftables path as readable text, the companion of a saved trace. */
int vm__write_text(FILE *f, const struct journey *j, struct names *n, const struct config *cfg,
		   int64_t wall_off_ns);

/* A file name for a saved trace made of the tuple and time, e.g. skbtop-udp-10.0.0.5.41236-... */
void vm__save_name(const struct journey *j, int64_t wall_off_ns, char *buf, size_t len);

#endif /* SKBTOP_VIEWMODEL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder + packet store on one core: synthetic records as the ring buffer would deliver them
 * (64 packets interleaved, 12 events each, a mix of layers, clones, nft verdicts and drops), each
 * copied into a queue slot by the decoder and added to the store. Prints events per second of
 * CPU time and the store's bytes per held event; exits 1 below the target of 5 million. Then the
 * same records again with --stream's text line for each (to /dev/null, buffered as skbtop buffers
 * a pipe), so that what a line costs is printed beside what decoding and storing cost in the same
 * run. bench_store N: N records instead of 6 million (for a profiler or callgrind).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/kernel/decode.h"
#include "core/outputs/stream.h"
#include "core/session/names.h"
#include "core/session/store.h"

#define RECORDS	   6000000ul
#define TARGET	   5000000.0
#define INFLIGHT   64
#define PER_PACKET 12
#define N_LAYERS   12
#define N_FUNCS	   200

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

union rec {
	struct skbtop_event ev;
	struct skbtop_nft_event nft;
};

/* Record i of the synthetic trace. */
static size_t make(union rec *r, uint64_t i)
{
	uint64_t pkt = i / PER_PACKET, step = i % PER_PACKET;
	/* Interleave: the slot decides the skb address, as concurrent packets on several CPUs. */
	uint64_t skb = 0xffff888000000000ull + ((pkt % INFLIGHT) << 8) + ((pkt / INFLIGHT) << 20);
	struct skbtop_event *e = &r->ev;
	size_t size = sizeof(*e);

	memset(r, 0, sizeof(*r));
	e->hdr.ts_ns = 1000000 + i * 50;
	e->hdr.cpu = (uint16_t)(pkt % 2);
	e->skb = skb;
	e->func_id = (uint32_t)((pkt * 7 + step * 13) % N_FUNCS);
	e->ifindex = 2;
	e->netns = 4026531840u;
	e->len = 84;
	e->l3proto = 0x0800;
	e->tuple.family = AF_INET;
	e->tuple.l4proto = 17;
	e->tuple.sport = (uint16_t)(1024 + pkt % 60000);
	e->tuple.dport = 53;
	e->tuple.saddr.v4 = htonl(0x0a000001);
	e->tuple.daddr.v4 = htonl(0x0a000002);
	e->hdr.type = SKBTOP_EV_FUNC;
	if (step == 0)
		e->hdr.flags = SKBTOP_F_NEW_PACKET;
	if (step == 3 && pkt % 8 == 0) {
		e->hdr.type = SKBTOP_EV_CLONE;
		e->aux = skb + 0x80;
	}
	if (step == 5) {
		r->nft.ev.hdr.type = SKBTOP_EV_NFT_RULE;
		r->nft.rule_handle = 9;
		r->nft.verdict = pkt % 10 ? 1 : 0;
		strcpy(r->nft.table, "filter");
		strcpy(r->nft.chain, "input");
		size = sizeof(r->nft);
	}
	if (step == PER_PACKET - 1) {
		e->func_id =
			SKBTOP_TP_FLAG | (pkt % 10 ? SKBTOP_TP_CONSUME_SKB : SKBTOP_TP_KFREE_SKB);
		e->hdr.type = pkt % 10 ? SKBTOP_EV_CONSUME : SKBTOP_EV_DROP;
		e->reason = 2;
	}
	return size;
}

/* A period of the trace, prepared before the clock starts: we time decode + store (+ line) only. */
enum {
	PERIOD = INFLIGHT * PER_PACKET * 64
};

struct pass {
	uint64_t joined, bad;
	double cpu, wall;
};

/* records of the trace through the decoder into s, and into st's line when st is not NULL. */
static struct pass run(struct store *s, const struct stream *st, const union rec *recs,
		       const size_t *sizes, uint64_t records)
{
	struct decoder dec = { 0 };
	struct decode_slot slot;
	struct pass p = { 0 };
	double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);

	for (uint64_t i = 0; i < records; i++) {
		uint64_t k = i % PERIOD, lap = i / PERIOD;
		const struct journey *j;

		if (decoder__copy(&dec, &slot, &recs[k], sizes[k]))
			continue;
		/* Each lap moves the addresses on, so no lap finds the last one's journeys. */
		slot.u.ev.skb += lap << 40;
		if (slot.u.hdr.type == SKBTOP_EV_CLONE)
			slot.u.ev.aux += lap << 40;
		j = store__add(s, &slot.u, slot.size);
		if (!j)
			continue;
		p.joined++;
		if (st)
			stream__event(st, j, &slot.u, slot.size);
	}
	p.bad = decoder__bad(&dec);
	p.wall = now(CLOCK_MONOTONIC) - t0;
	/* Other work on the machine steals the core: judge the time this thread ran. */
	p.cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
	return p;
}

int main(int argc, char **argv)
{
	static const char *const layer_names[N_LAYERS] = {
		"Device", "GRO", "Netfilter", "NFT",  "Routing", "IPv4",
		"UDP",	  "TCP", "Socket",    "Xmit", "Skb",	 "Unknown",
	};
	static char out_buf[1 << 16];
	uint64_t records = argc > 1 ? strtoull(argv[1], NULL, 10) : RECORDS;
	union rec *recs = calloc(PERIOD, sizeof(*recs));
	size_t *sizes = calloc(PERIOD, sizeof(*sizes));
	struct config cfg;
	struct names *n = names__new();
	struct stream st = { .format = STREAM_TEXT };
	struct store *s;
	struct pass stored, lined;
	double eps, bpe;
	char name[32];
	uint64_t i;
	int l;

	if (!recs || !sizes || !n || !records)
		return 1;
	memset(&cfg, 0, sizeof(cfg));
	for (l = 0; l < N_LAYERS; l++)
		cfg.layers[l].name = (char *)layer_names[l];
	cfg.n_layers = N_LAYERS;
	cfg.unknown_layer = N_LAYERS - 1;
	for (i = 0; i < N_FUNCS; i++) {
		snprintf(name, sizeof(name), "fn_%lu", (unsigned long)i);
		names__add_probe(n, (uint32_t)i, name, NULL, (int)(i % N_LAYERS), PRIO_IMPORTANT);
	}
	/* The interface every record names, known as a running skbtop knows it. */
	names__set_ifname(n, 4026531840u, 2, "eth0");
	for (i = 0; i < PERIOD; i++)
		sizes[i] = make(&recs[i], i);

	/* The defaults of config/skbtop.yaml. */
	s = store__new(20000, 256, &cfg, n);
	if (!s)
		return 1;
	stored = run(s, NULL, recs, sizes, records);
	eps = (double)records / stored.cpu;
	bpe = (double)store__memory(s) / (double)store__events_held(s);
	printf("records          %lu (%lu joined, %lu bad)\n", (unsigned long)records,
	       (unsigned long)stored.joined, (unsigned long)stored.bad);
	printf("packets          %lu (evicted %lu, held %zu)\n",
	       (unsigned long)store__stats(s)->packets,
	       (unsigned long)store__stats(s)->evicted_packets, store__len(s));
	printf("time             %.3f s on the CPU (%.3f s wall)\n", stored.cpu, stored.wall);
	printf("events/s         %.2f M (target %.1f M, one core)\n", eps / 1e6, TARGET / 1e6);
	printf("bytes/event      %.1f (store %.1f MB for %lu held events)\n", bpe,
	       (double)store__memory(s) / 1e6, (unsigned long)store__events_held(s));
	store__free(s);

	s = store__new(20000, 256, &cfg, n);
	st.f = fopen("/dev/null", "w");
	if (!s || !st.f)
		return 1;
	setvbuf(st.f, out_buf, _IOFBF, sizeof(out_buf));
	st.names = n;
	st.cfg = &cfg;
	st.store = s;
	lined = run(s, &st, recs, sizes, records);
	fclose(st.f);
	printf("ns/event         %.0f decoded and stored, %.0f with --stream's text line (the line "
	       "%.0f)\n",
	       stored.cpu * 1e9 / (double)records, lined.cpu * 1e9 / (double)records,
	       (lined.cpu - stored.cpu) * 1e9 / (double)records);
	store__free(s);
	names__free(n);
	free(recs);
	free(sizes);
	if (eps < TARGET) {
		printf("FAIL: below the target\n");
		return 1;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder + packet store on one core: synthetic records as the ring buffer would deliver them
 * (64 packets interleaved, 12 events each, a mix of layers, clones, nft verdicts and drops), each
 * copied into a queue slot by the decoder and added to the store. Prints events per second of
 * CPU time and the store's bytes per held event; exits 1 below the target of 5 million.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/kernel/decode.h"
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

int main(void)
{
	static const char *const layer_names[N_LAYERS] = {
		"Device", "GRO", "Netfilter", "NFT",  "Routing", "IPv4",
		"UDP",	  "TCP", "Socket",    "Xmit", "Skb",	 "Unknown",
	};
	/* A period of the trace, prepared before the clock starts: we time decode + store only. */
	enum {
		PERIOD = INFLIGHT * PER_PACKET * 64
	};
	union rec *recs = calloc(PERIOD, sizeof(*recs));
	size_t *sizes = calloc(PERIOD, sizeof(*sizes));
	struct decoder dec = { 0 };
	struct decode_slot slot;
	struct config cfg;
	struct names *n = names__new();
	struct store *s;
	uint64_t i, joined = 0;
	double t0, c0, dt, cpu, eps, bpe;
	char name[32];
	int l;

	if (!recs || !sizes || !n)
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
	/* The defaults of config/skbtop.yaml. */
	s = store__new(20000, 256, &cfg, n);
	if (!s)
		return 1;
	for (i = 0; i < PERIOD; i++)
		sizes[i] = make(&recs[i], i);

	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_THREAD_CPUTIME_ID);
	for (i = 0; i < RECORDS; i++) {
		uint64_t k = i % PERIOD, lap = i / PERIOD;

		if (decoder__copy(&dec, &slot, &recs[k], sizes[k]))
			continue;
		/* Each lap moves the addresses on, so no lap finds the last one's journeys. */
		slot.u.ev.skb += lap << 40;
		if (slot.u.hdr.type == SKBTOP_EV_CLONE)
			slot.u.ev.aux += lap << 40;
		if (store__add(s, &slot.u, slot.size))
			joined++;
	}
	dt = now(CLOCK_MONOTONIC) - t0;
	/* Other work on the machine steals the core: judge the time this thread ran. */
	cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
	eps = (double)RECORDS / cpu;
	bpe = (double)store__memory(s) / (double)store__events_held(s);
	printf("records          %lu (%lu joined, %lu bad)\n", (unsigned long)RECORDS,
	       (unsigned long)joined, (unsigned long)decoder__bad(&dec));
	printf("packets          %lu (evicted %lu, held %zu)\n",
	       (unsigned long)store__stats(s)->packets,
	       (unsigned long)store__stats(s)->evicted_packets, store__len(s));
	printf("time             %.3f s on the CPU (%.3f s wall)\n", cpu, dt);
	printf("events/s         %.2f M (target %.1f M, one core)\n", eps / 1e6, TARGET / 1e6);
	printf("bytes/event      %.1f (store %.1f MB for %lu held events)\n", bpe,
	       (double)store__memory(s) / 1e6, (unsigned long)store__events_held(s));
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

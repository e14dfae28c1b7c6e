/* SPDX-License-Identifier: GPL-2.0 */
/* A small world for the store, stream and export tests: layers, probes, and records to feed. */
#ifndef SKBTOP_FIXTURE_STORE_H
#define SKBTOP_FIXTURE_STORE_H

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "core/base/config.h"
#include "core/session/names.h"
#include "core/session/store.h"

enum {
	L_DEVICE,
	L_GRO,
	L_IPV4,
	L_IPV6,
	L_UDP,
	L_TCP,
	L_SOCKET,
	L_XMIT,
	L_SKB,
	L_NFT,
	L_FLOWTABLE,
	L_UNKNOWN,
	L_COUNT,
};

static const char *const fx_layer_names[L_COUNT] = {
	"Device", "GRO",  "IPv4", "IPv6", "UDP",       "TCP",
	"Socket", "Xmit", "Skb",  "NFT",  "Flowtable", "Unknown",
};

enum {
	P_NETIF_CORE,
	P_IP_RCV,
	P_UDP_RCV,
	P_SOCK_QUEUE,
	P_DEV_QUEUE_XMIT,
	P_IP_FORWARD,
	P_IPV6_RCV,
	P_NFT_DO_CHAIN,
	P_UDP_SEND,
	P_COUNT,
};

static const struct {
	const char *name;
	int layer;
} fx_probes[P_COUNT] = {
	{ "__netif_receive_skb_core", L_DEVICE },
	{ "ip_rcv", L_IPV4 },
	{ "udp_rcv", L_UDP },
	{ "sock_queue_rcv_skb", L_SOCKET },
	{ "dev_queue_xmit", L_XMIT },
	{ "ip_forward", L_IPV4 },
	{ "ipv6_rcv", L_IPV6 },
	{ "nft_do_chain", L_NFT },
	{ "udp_send_skb", L_UDP },
};

#define TP(x) (SKBTOP_TP_FLAG | SKBTOP_TP_##x)

static inline void fx_config(struct config *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < L_COUNT; i++)
		c->layers[i].name = (char *)fx_layer_names[i];
	c->n_layers = L_COUNT;
	c->unknown_layer = L_UNKNOWN;
	c->max_packets = 100;
	c->max_events_per_packet = 64;
}

static inline void fx_names(struct names *n)
{
	int i;

	for (i = 0; i < P_COUNT; i++)
		names__add_probe(n, (uint32_t)i, fx_probes[i].name, NULL, fx_probes[i].layer,
				 PRIO_CRITICAL);
	names__add_probe(n, TP(KFREE_SKB), "skb:kfree_skb", NULL, L_SKB, PRIO_CRITICAL);
	names__add_probe(n, TP(CONSUME_SKB), "skb:consume_skb", NULL, L_SKB, PRIO_CRITICAL);
	names__add_probe(n, TP(NETIF_RECEIVE_SKB), "net:netif_receive_skb", NULL, L_DEVICE,
			 PRIO_CRITICAL);
	names__add_probe(n, TP(NET_DEV_XMIT), "net:net_dev_xmit", NULL, L_XMIT, PRIO_CRITICAL);
}

/* fx_names, offline, with the interface, drop reason and symbol the fixture's events name. */
static inline void fx_names_offline(struct names *n)
{
	fx_names(n);
	names__set_offline(n);
	names__set_ifname(n, 4026531840u, 1, "veth_b");
	names__add_drop_reason(n, 2, "NO_SOCKET");
	names__add_sym(n, 0xffffffff81000010ull, "udp_queue_rcv_one_skb+0x10");
}

/* An IPv4 UDP record 10.0.0.1:5353 -> 10.0.0.2:53 on ifindex 1 of netns 4026531840. */
static inline struct skbtop_event fx_ev(uint16_t type, uint64_t skb, uint32_t func_id, uint64_t ts)
{
	struct skbtop_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = type;
	e.hdr.cpu = 1;
	e.hdr.ts_ns = ts;
	e.skb = skb;
	e.func_id = func_id;
	e.pid = 42;
	e.ifindex = 1;
	e.netns = 4026531840u;
	e.len = 84;
	e.mark = 7;
	e.l3proto = 0x0800;
	e.tuple.family = AF_INET;
	e.tuple.l4proto = 17;
	e.tuple.sport = 5353;
	e.tuple.dport = 53;
	inet_pton(AF_INET, "10.0.0.1", &e.tuple.saddr.v4);
	inet_pton(AF_INET, "10.0.0.2", &e.tuple.daddr.v4);
	return e;
}

static inline void fx_v6(struct skbtop_event *e)
{
	e->l3proto = 0x86dd;
	e->tuple.family = AF_INET6;
	inet_pton(AF_INET6, "fd77::1", e->tuple.saddr.v6);
	inet_pton(AF_INET6, "fd77::2", e->tuple.daddr.v6);
}

static inline struct skbtop_nft_event fx_nft(uint16_t type, uint64_t skb, uint64_t ts,
					     uint64_t handle, int32_t verdict)
{
	struct skbtop_nft_event x;

	memset(&x, 0, sizeof(x));
	x.ev = fx_ev(type, skb, P_NFT_DO_CHAIN, ts);
	x.rule_handle = handle;
	x.chain_handle = 3;
	x.verdict = verdict;
	x.priority = 0;
	x.family = 1; /* inet */
	x.hook = 1;   /* input */
	strcpy(x.table, "filter");
	strcpy(x.chain, "input");
	return x;
}

#define ADD(s, rec) store__add((s), &(rec), sizeof(rec))

#endif /* SKBTOP_FIXTURE_STORE_H */

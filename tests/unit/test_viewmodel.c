// SPDX-License-Identifier: GPL-2.0
/*
 * The UI's model without curses: filters, rows, layer aggregates and the formatted timeline and
 * nftables rows, over a store filled through store__import as replay fills it.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/base/config.h"
#include "core/session/names.h"
#include "core/session/store.h"
#include "core/view/viewmodel.h"
#include "core/view/vm_drops.h"
#include "core/view/vm_sort.h"

#define US    1000ull
#define NETNS 4026531840u

enum {
	P_NETIF_RX,
	P_IP_RCV,
	P_NF_HOOK,
	P_UDP_RCV,
	P_KFREE
};

struct fx {
	struct config cfg;
	struct names *n;
	struct store *s;
	int l_dev, l_ip, l_nf, l_udp, l_skb;
};

struct ev_spec {
	uint16_t type;
	uint32_t probe;
	uint64_t t_us;
	int nft; /* index into the nft array, -1 none */
	uint32_t flags;
};

static void add_journey(struct fx *f, uint64_t id, const char *src, uint16_t sport, const char *dst,
			uint16_t dport, uint8_t proto, enum fate fate, uint32_t reason,
			const struct ev_spec *ev, size_t n_ev, const struct jnft *nft, size_t n_nft)
{
	struct journey j;
	struct jevent e[16];

	memset(&j, 0, sizeof(j));
	memset(e, 0, sizeof(e));
	j.id = id;
	j.tuple.family = AF_INET;
	j.tuple.l4proto = proto;
	j.tuple.sport = sport;
	j.tuple.dport = dport;
	inet_pton(AF_INET, src, &j.tuple.saddr.v4);
	inet_pton(AF_INET, dst, &j.tuple.daddr.v4);
	j.l3proto = 0x0800;
	j.ifindex = 2;
	j.netns = NETNS;
	j.fate = fate;
	j.ended = fate != FATE_IN_FLIGHT;
	j.drop_reason = reason;
	j.first_ns = 1000000000ull * id;
	for (size_t i = 0; i < n_ev; i++) {
		const struct probe_info *p = names__probe(f->n, ev[i].probe);

		e[i].ts_ns = j.first_ns + ev[i].t_us * US;
		e[i].type = ev[i].type;
		e[i].func_id = ev[i].probe;
		e[i].ifindex = 2;
		e[i].netns = NETNS;
		e[i].layer = (int16_t)p->layer;
		e[i].nft = (int16_t)ev[i].nft;
		e[i].flags = ev[i].flags;
		if (ev[i].type == SKBTOP_EV_DROP)
			e[i].reason = reason;
		j.layer_events[p->layer]++;
		/* A layer's time runs until the next event, as the store attributes it. */
		if (i + 1 < n_ev)
			j.layer_ns[p->layer] += (ev[i + 1].t_us - ev[i].t_us) * US;
	}
	j.last_ns = e[n_ev - 1].ts_ns;
	j.events = e;
	j.n_events = (uint32_t)n_ev;
	j.nft = (struct jnft *)nft;
	j.n_nft = (uint32_t)n_nft;
	j.has_nft = n_nft > 0;
	if (n_nft)
		j.nft_verdict = nft[n_nft - 1].verdict;
	assert_non_null(store__import(f->s, &j));
}

static struct jnft chain(const char *name, int32_t verdict, uint64_t handle, uint8_t depth)
{
	struct jnft x;

	memset(&x, 0, sizeof(x));
	x.family = 1; /* inet */
	x.hook = 1;   /* input */
	x.verdict = verdict;
	x.rule_handle = handle;
	x.depth = depth;
	snprintf(x.table, sizeof(x.table), "filter");
	snprintf(x.chain, sizeof(x.chain), "%s", name);
	return x;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	assert_int_equal(config__parse(&f->cfg, "test", NULL, 0, NULL, NULL, 0, err, sizeof(err)),
			 0);
	f->l_dev = layer__find(&f->cfg, "Device");
	f->l_ip = layer__find(&f->cfg, "IPv4");
	f->l_nf = layer__find(&f->cfg, "Netfilter");
	f->l_udp = layer__find(&f->cfg, "UDP");
	f->l_skb = layer__find(&f->cfg, "Skb");
	assert_true(f->l_dev >= 0 && f->l_ip >= 0 && f->l_nf >= 0 && f->l_udp >= 0 &&
		    f->l_skb >= 0);
	f->n = names__new();
	names__add_probe(f->n, P_NETIF_RX, "__netif_receive_skb_core", NULL, f->l_dev,
			 PRIO_CRITICAL);
	names__add_probe(f->n, P_IP_RCV, "ip_rcv", NULL, f->l_ip, PRIO_CRITICAL);
	names__add_probe(f->n, P_NF_HOOK, "nf_hook_slow", NULL, f->l_nf, PRIO_CRITICAL);
	names__add_probe(f->n, P_UDP_RCV, "udp_rcv", NULL, f->l_udp, PRIO_CRITICAL);
	names__add_probe(f->n, P_KFREE, "kfree_skb_reason", NULL, f->l_skb, PRIO_CRITICAL);
	names__add_drop_reason(f->n, 2, "NO_SOCKET");
	names__add_drop_reason(f->n, 12, "NETFILTER_DROP");
	names__set_ifname(f->n, NETNS, 2, "veth_b");
	names__add_rule_text(f->n, NETNS, 1, "filter", 9, "udp dport 9999 drop");
	names__set_offline(f->n);
	f->s = store__new(100, 64, &f->cfg, f->n);
	assert_non_null(f->s);

	/* 1: UDP delivered, 10us in Device, 20us in IPv4, 5us in UDP. */
	const struct ev_spec ok[] = {
		{ SKBTOP_EV_FUNC, P_NETIF_RX, 0, -1, 0 },
		{ SKBTOP_EV_FUNC, P_IP_RCV, 10, -1, 0 },
		{ SKBTOP_EV_FUNC, P_UDP_RCV, 30, -1, 0 },
		{ SKBTOP_EV_CONSUME, P_KFREE, 35, -1, 0 },
	};
	add_journey(f, 1, "10.77.0.1", 41234, "10.77.0.2", 53, 17, FATE_DELIVERED, 0, ok, 4, NULL,
		    0);
	/* 2: UDP to a closed port, dropped in UDP with NO_SOCKET. */
	const struct ev_spec nosock[] = {
		{ SKBTOP_EV_FUNC, P_NETIF_RX, 0, -1, 0 },
		{ SKBTOP_EV_FUNC, P_IP_RCV, 30, -1, 0 },
		{ SKBTOP_EV_FUNC, P_UDP_RCV, 40, -1, 0 },
		{ SKBTOP_EV_DROP, P_KFREE, 41, -1, 0 },
	};
	add_journey(f, 2, "10.77.0.1", 41235, "10.77.0.2", 4444, 17, FATE_DROPPED, 2, nosock, 4,
		    NULL, 0);
	/* 3: dropped by rule #9 in inet filter input, after a jump. */
	const struct jnft path[] = {
		chain("input", 0, 0, 0),
		chain("input", -3 /* NFT_JUMP */, 7, 0),
		chain("svc", 0 /* NF_DROP */, 9, 1),
		chain("input", 0, 0, 0),
	};
	const struct ev_spec nftdrop[] = {
		{ SKBTOP_EV_FUNC, P_NETIF_RX, 0, -1, 0 },
		{ SKBTOP_EV_FUNC, P_IP_RCV, 20, -1, 0 },
		{ SKBTOP_EV_NFT_CHAIN, P_NF_HOOK, 22, 0, 0 },
		{ SKBTOP_EV_NFT_RULE, P_NF_HOOK, 23, 1, 0 },
		{ SKBTOP_EV_NFT_RULE, P_NF_HOOK, 24, 2, 0 },
		{ SKBTOP_EV_NFT_CHAIN, P_NF_HOOK, 25, 3, SKBTOP_F_EXIT },
		{ SKBTOP_EV_DROP, P_KFREE, 26, -1, 0 },
	};
	add_journey(f, 3, "10.77.0.1", 41236, "10.77.0.2", 9999, 17, FATE_DROPPED, 12, nftdrop, 7,
		    path, 4);
	/* 4: TCP, accepted by the chain policy, still in flight. */
	const struct jnft pol[] = { chain("input", 0, 0, 0), chain("input", 1, 0, 0) };
	const struct ev_spec tcp[] = {
		{ SKBTOP_EV_FUNC, P_NETIF_RX, 0, -1, 0 },
		{ SKBTOP_EV_NFT_CHAIN, P_NF_HOOK, 3, 0, 0 },
		{ SKBTOP_EV_NFT_RULE, P_NF_HOOK, 4, 1, SKBTOP_F_POLICY },
	};
	add_journey(f, 4, "10.77.0.9", 50100, "10.77.0.2", 443, 6, FATE_IN_FLIGHT, 0, tcp, 3, pol,
		    2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store__free(f->s);
	names__free(f->n);
	config__free(&f->cfg);
	free(f);
	return 0;
}

/* Ids of the rows a filter keeps, as a string like "1,3". */
static const char *rows_for(struct fx *f, const struct vm_filter *flt)
{
	static char out[64];
	struct vm_matcher m;
	struct vm_rows r = { 0 };
	size_t o = 0;

	vm_matcher__init(&m, flt);
	assert_int_equal(vm_rows__build(&r, f->s, &m, f->n), 0);
	out[0] = '\0';
	for (size_t i = 0; i < r.n; i++)
		o += snprintf(out + o, sizeof(out) - o, "%s%llu", i ? "," : "",
			      (unsigned long long)r.ids[i]);
	vm_rows__free(&r);
	vm_matcher__free(&m);
	return out;
}

static const char *search(struct fx *f, const char *q)
{
	struct vm_filter flt;

	vm_filter__init(&flt);
	snprintf(flt.search, sizeof(flt.search), "%s", q);
	return rows_for(f, &flt);
}

static void no_filter_keeps_all_in_order(void **state)
{
	struct fx *f = *state;
	struct vm_filter flt;

	vm_filter__init(&flt);
	assert_false(vm_filter__active(&flt));
	assert_string_equal(rows_for(f, &flt), "1,2,3,4");
}

static void filter_by_layer(void **state)
{
	struct fx *f = *state;
	struct vm_filter flt;
	char desc[128];

	vm_filter__init(&flt);
	flt.layer = f->l_udp;
	assert_string_equal(rows_for(f, &flt), "1,2");
	flt.layer = f->l_nf;
	assert_string_equal(rows_for(f, &flt), "3,4");
	vm_filter__describe(&flt, &f->cfg, desc, sizeof(desc));
	assert_string_equal(desc, "layer=Netfilter");
}

static void filter_by_fate_and_verdict(void **state)
{
	struct fx *f = *state;
	struct vm_filter flt;

	vm_filter__init(&flt);
	flt.verdict = VMV_DROPPED;
	assert_string_equal(rows_for(f, &flt), "2,3");
	flt.verdict = VMV_DELIVERED;
	assert_string_equal(rows_for(f, &flt), "1");
	flt.verdict = VMV_IN_FLIGHT;
	assert_string_equal(rows_for(f, &flt), "4");
	flt.verdict = VMV_NFT_DROP;
	assert_string_equal(rows_for(f, &flt), "3");
	flt.verdict = VMV_NFT_ACCEPT;
	assert_string_equal(rows_for(f, &flt), "4");
	flt.verdict = VMV_NFT_QUEUE;
	assert_string_equal(rows_for(f, &flt), "");
	/* Filters combine. */
	flt.verdict = VMV_DROPPED;
	flt.layer = f->l_nf;
	assert_string_equal(rows_for(f, &flt), "3");
}

static void search_by_address_port_function_reason(void **state)
{
	struct fx *f = *state;

	assert_string_equal(search(f, "10.77.0.9"), "4");
	assert_string_equal(search(f, "10.77.0.2:9999"), "3");
	assert_string_equal(search(f, "4444"), "2");
	assert_string_equal(search(f, "443"), "4");
	assert_string_equal(search(f, "444"), "2"); /* part of an address:port */
	assert_string_equal(search(f, "UDP_RCV"), "1,2");
	assert_string_equal(search(f, "no_socket"), "2");
	assert_string_equal(search(f, "tcp"), "4");
	assert_string_equal(search(f, "veth_b"), "1,2,3,4");
	assert_string_equal(search(f, "nothing-like-this"), "");
}

static void rows_find_by_id(void **state)
{
	struct vm_rows r = { 0 };
	uint64_t ids[] = { 2, 5, 9 };

	(void)state;
	r.ids = ids;
	r.n = 3;
	r.by_id = true;
	assert_int_equal(vm_rows__find(&r, 5), 1);
	assert_int_equal(vm_rows__find(&r, 6), 2);
	assert_int_equal(vm_rows__find(&r, 1), 0);
	assert_int_equal(vm_rows__find(&r, 10), 3);
	/* Sorted otherwise, an id not listed has no nearest row. */
	ids[0] = 9;
	ids[2] = 2;
	r.by_id = false;
	assert_int_equal(vm_rows__find(&r, 2), 2);
	assert_int_equal(vm_rows__find(&r, 6), 3);
}

/* Ids of every row in the order s gives, and the newest packet's row. */
static const char *sorted(struct fx *f, enum vm_sort_key key, bool invert, size_t *newest)
{
	static char out[64];
	struct vm_sort so = { key, invert };
	struct vm_filter flt;
	struct vm_matcher m;
	struct vm_rows r = { 0 };
	size_t o = 0;

	vm_filter__init(&flt);
	vm_matcher__init(&m, &flt);
	assert_int_equal(vm_rows__build(&r, f->s, &m, f->n), 0);
	assert_int_equal(vm_rows__sort(&r, f->s, f->n, &so), 0);
	out[0] = '\0';
	for (size_t i = 0; i < r.n; i++)
		o += snprintf(out + o, sizeof(out) - o, "%s%llu", i ? "," : "",
			      (unsigned long long)r.ids[i]);
	if (newest)
		*newest = r.newest;
	/* Found wherever the order put it. */
	assert_int_equal(r.ids[vm_rows__find(&r, 3)], 3);
	vm_rows__free(&r);
	vm_matcher__free(&m);
	return out;
}

static void sort_by_duration_longest_first_and_inverted(void **state)
{
	struct fx *f = *state;
	size_t newest;

	/* Durations: #1 35us, #2 41us, #3 26us, #4 4us. */
	assert_string_equal(sorted(f, VMS_DURATION, false, &newest), "2,1,3,4");
	assert_int_equal(newest, 3);
	assert_string_equal(sorted(f, VMS_DURATION, true, &newest), "4,3,1,2");
	assert_int_equal(newest, 0);
	assert_string_equal(sorted(f, VMS_TIME, false, &newest), "1,2,3,4");
	assert_int_equal(newest, 3);
	assert_string_equal(sorted(f, VMS_TIME, true, &newest), "4,3,2,1");
	assert_int_equal(newest, 0);
}

static void sort_by_each_column(void **state)
{
	struct fx *f = *state;

	/* Ties keep the order of first sight. */
	assert_string_equal(sorted(f, VMS_EVENTS, false, NULL), "3,1,2,4");
	assert_string_equal(sorted(f, VMS_FATE, false, NULL), "1,3,2,4");
	assert_string_equal(sorted(f, VMS_PROTOCOL, false, NULL), "4,1,2,3");
	assert_string_equal(sorted(f, VMS_SOURCE, false, NULL), "1,2,3,4");
	/* Ports as numbers: 53, 443, 4444, 9999. */
	assert_string_equal(sorted(f, VMS_DESTINATION, false, NULL), "1,4,2,3");
	assert_string_equal(sorted(f, VMS_DESTINATION, true, NULL), "3,2,4,1");
	assert_string_equal(sorted(f, VMS_INTERFACE, false, NULL), "1,2,3,4");
	/* Packets nftables never saw go last. */
	assert_string_equal(sorted(f, VMS_NFT, false, NULL), "4,3,1,2");
}

static void sort_says_what_it_sorts_by(void **state)
{
	struct vm_sort so = { VMS_DURATION, false };
	char b[64];

	(void)state;
	vm_sort__describe(&so, false, b, sizeof(b));
	assert_string_equal(b, "by duration, longest first");
	so.invert = true;
	vm_sort__describe(&so, false, b, sizeof(b));
	assert_string_equal(b, "by duration, shortest first");
	so = (struct vm_sort){ VMS_TIME, false };
	vm_sort__describe(&so, false, b, sizeof(b));
	assert_string_equal(b, "by time, oldest first");
	so.invert = true;
	vm_sort__describe(&so, true, b, sizeof(b));
	assert_string_equal(b, "by time, inverted");
	for (int k = 0; k < VMS_COUNT; k++)
		assert_string_not_equal(vm_sort__name((enum vm_sort_key)k), "?");
}

static void histogram_buckets_add_up_to_the_packets(void **state)
{
	struct fx *f = *state;
	struct vm_layers L = { 0 };
	struct vm_filter flt;
	struct vm_matcher m;
	uint64_t lo, hi;
	int first, last;

	vm_filter__init(&flt);
	vm_matcher__init(&m, &flt);
	assert_int_equal(vm_layers__build(&L, f->s, &m, f->n, &f->cfg, 0), 0);
	for (int l = 0; l < L.n; l++) {
		uint64_t sum = 0;

		for (int b = 0; b < VM_HIST_BUCKETS; b++)
			sum += L.rows[l].hist[b];
		assert_int_equal(sum, L.rows[l].packets);
	}
	/* IPv4 held #1 20us (16..31), #2 10us (8..15), #3 2us (2..3). */
	assert_int_equal(L.rows[f->l_ip].hist[5], 1);
	assert_int_equal(L.rows[f->l_ip].hist[4], 1);
	assert_int_equal(L.rows[f->l_ip].hist[2], 1);
	assert_true(vm_hist__span(L.rows[f->l_ip].hist, &first, &last));
	assert_int_equal(first, 2);
	assert_int_equal(last, 5);
	vm_layers__free(&L);
	vm_matcher__free(&m);

	/* A filter narrows the histograms as it narrows the counters. */
	snprintf(flt.search, sizeof(flt.search), "4444");
	vm_matcher__init(&m, &flt);
	assert_int_equal(vm_layers__build(&L, f->s, &m, f->n, &f->cfg, 0), 0);
	assert_int_equal(L.rows[f->l_ip].hist[4], 1);
	assert_int_equal(L.rows[f->l_ip].hist[5] + L.rows[f->l_ip].hist[2], 0);
	vm_layers__free(&L);
	vm_matcher__free(&m);

	assert_int_equal(vm_hist__bucket(999), 0);
	assert_int_equal(vm_hist__bucket(1000), 1);
	assert_int_equal(vm_hist__bucket(31999), 5);
	assert_int_equal(vm_hist__bucket(UINT64_MAX), VM_HIST_BUCKETS - 1);
	vm_hist__range(5, &lo, &hi);
	assert_int_equal(lo, 16);
	assert_int_equal(hi, 31);
	vm_hist__range(0, &lo, &hi);
	assert_int_equal(lo + hi, 0);
	assert_false(vm_hist__span((uint64_t[VM_HIST_BUCKETS]){ 0 }, &first, &last));
}

static void histogram_bar(void **state)
{
	char b[16];

	(void)state;
	vm_hist__bar(5, 10, 10, b, sizeof(b));
	assert_string_equal(b, "*****     ");
	vm_hist__bar(1, 1000, 4, b, sizeof(b));
	assert_string_equal(b, "*   ");
	vm_hist__bar(3, 3, 40, b, sizeof(b));
	assert_int_equal(strlen(b), sizeof(b) - 1);
}

static void drop_reasons_count_the_last_minute(void **state)
{
	struct fx *f = *state;
	struct vm_drops d = { 0 };

	/* #2 dropped at 2.000041s (NO_SOCKET), #3 at 3.000026s (NETFILTER_DROP). */
	assert_int_equal(vm_drops__build(&d, f->s, 3500000000ull), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.rows[0].reason, 2);
	assert_int_equal(d.rows[0].total, 1);
	assert_int_equal(d.rows[0].recent, 1);
	assert_int_equal(d.rows[0].per_second[VM_SPARK_SECONDS - 2], 1);
	assert_int_equal(d.rows[1].reason, 12);
	assert_int_equal(d.rows[1].per_second[VM_SPARK_SECONDS - 1], 1);
	/* A minute later the counts stay, the sparkline is empty. */
	assert_int_equal(vm_drops__build(&d, f->s, 100000000000ull), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.rows[0].recent + d.rows[1].recent, 0);
	assert_int_equal(d.rows[0].total + d.rows[1].total, 2);
	vm_drops__free(&d);
}

static void sparkline_scales_to_the_most(void **state)
{
	const uint32_t v[] = { 0, 1, 2, 4, 8 };
	char b[64];

	(void)state;
	vm__sparkline(v, 5, true, b, sizeof(b));
	assert_string_equal(b, " ▁▂▄█");
	vm__sparkline(v, 5, false, b, sizeof(b));
	assert_string_equal(b, " .:=@");
	/* Cut whole, never inside a character. */
	vm__sparkline(v, 5, true, b, 8);
	assert_string_equal(b, " ▁▂");
}

/* A packet without an IP header, one event of probe on ifindex. */
static const struct journey *add_plain(struct fx *f, uint64_t id, uint16_t l3proto,
				       uint32_t ifindex, uint32_t probe, const char *sender,
				       const char *target)
{
	struct journey j;
	struct jevent e;

	memset(&j, 0, sizeof(j));
	memset(&e, 0, sizeof(e));
	j.id = id;
	j.l3proto = l3proto;
	j.ifindex = ifindex;
	j.netns = NETNS;
	j.first_ns = j.last_ns = e.ts_ns = 1000000000ull * id;
	e.func_id = probe;
	e.type = SKBTOP_EV_FUNC;
	e.layer = (int16_t)names__probe(f->n, probe)->layer;
	if (sender) {
		inet_pton(AF_INET, sender, &j.tuple.saddr.v4);
		inet_pton(AF_INET, target, &j.tuple.daddr.v4);
	}
	j.events = &e;
	j.n_events = 1;
	return store__import(f->s, &j);
}

static void rows_without_ip_say_what_they_are(void **state)
{
	struct fx *f = *state;
	struct vm_packet_row r;
	const struct journey *j;

	names__add_probe(f->n, 40, "netlink_rcv_skb", NULL, f->l_skb, PRIO_CRITICAL);
	j = add_plain(f, 10, 0x0806, 2, P_NETIF_RX, "10.77.0.1", "10.77.0.2");
	vm__packet_row(j, f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.proto, "ARP");
	assert_string_equal(r.src, "10.77.0.1");
	assert_string_equal(r.dst, "10.77.0.2");
	vm__packet_row(add_plain(f, 11, 0x88cc, 2, P_NETIF_RX, NULL, NULL), f->n, 0, 0, 0, false,
		       &r);
	assert_string_equal(r.proto, "LLDP");
	assert_string_equal(r.src, "-");
	vm__packet_row(add_plain(f, 12, 0x8100, 2, P_NETIF_RX, NULL, NULL), f->n, 0, 0, 0, false,
		       &r);
	assert_string_equal(r.proto, "802.1Q");
	vm__packet_row(add_plain(f, 13, 0x1234, 2, P_NETIF_RX, NULL, NULL), f->n, 0, 0, 0, false,
		       &r);
	assert_string_equal(r.proto, "0x1234");
	vm__packet_row(add_plain(f, 14, 0, 0, 40, NULL, NULL), f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.proto, "netlink");
	vm__packet_row(add_plain(f, 15, 0, 1, P_KFREE, NULL, NULL), f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.proto, "loopback");
	vm__packet_row(add_plain(f, 16, 0, 0, P_KFREE, NULL, NULL), f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.proto, "local");
}

static void in_flight_without_end_says_no_end_seen(void **state)
{
	struct fx *f = *state;
	const struct journey *j = store__by_id(f->s, 4);
	struct vm_packet_row r;

	vm__packet_row(j, f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.fate, "in-flight");
	vm__packet_row(j, f->n, 0, 0, j->last_ns, false, &r);
	assert_string_equal(r.fate, "in-flight");
	vm__packet_row(j, f->n, 0, 0, j->last_ns + 1, false, &r);
	assert_string_equal(r.fate, "no end seen");
	/* An ended packet keeps its fate. */
	vm__packet_row(store__by_id(f->s, 1), f->n, 0, 0, UINT64_MAX, false, &r);
	assert_string_equal(r.fate, "delivered");
}

static void layer_aggregates(void **state)
{
	struct fx *f = *state;
	struct vm_filter flt;
	struct vm_matcher m;
	struct vm_layers L = { 0 };

	vm_filter__init(&flt);
	flt.layer = f->l_udp; /* ignored: the pane keeps showing every layer */
	vm_matcher__init(&m, &flt);
	/* "now" is 1 s after packet 4's first event: only its events are recent. */
	assert_int_equal(vm_layers__build(&L, f->s, &m, f->n, &f->cfg, 4000000000ull + 500 * US),
			 0);
	assert_true(L.n >= f->cfg.n_layers);
	assert_int_equal(L.rows[f->l_dev].events, 4);
	assert_int_equal(L.rows[f->l_dev].packets, 4);
	assert_int_equal(L.rows[f->l_udp].packets, 2);
	assert_int_equal(L.rows[f->l_nf].events, 6);
	/* Drops count in the layer the packet was in before the drop, not in the free. */
	assert_int_equal(L.rows[f->l_udp].drops, 1);
	assert_int_equal(L.rows[f->l_nf].drops, 1);
	assert_int_equal(L.rows[f->l_skb].drops, 0);
	/* Median time in IPv4 over packets 1..3: 20, 10, 2 us. */
	assert_int_equal(L.rows[f->l_ip].median_ns, 10 * US);
	/* Device: 10, 30, 20, 3 us -> upper median 20 us. */
	assert_int_equal(L.rows[f->l_dev].median_ns, 20 * US);
	assert_true(L.rows[f->l_dev].rate == 1.0);
	assert_true(L.rows[f->l_nf].rate == 2.0);
	vm_layers__free(&L);

	/* A verdict filter narrows the aggregates too. */
	flt.verdict = VMV_DROPPED;
	vm_matcher__free(&m);
	vm_matcher__init(&m, &flt);
	assert_int_equal(vm_layers__build(&L, f->s, &m, f->n, &f->cfg, 0), 0);
	assert_int_equal(L.rows[f->l_dev].packets, 2);
	vm_layers__free(&L);
	vm_matcher__free(&m);
}

static void packet_row_text(void **state)
{
	struct fx *f = *state;
	struct vm_packet_row r;

	vm__packet_row(store__by_id(f->s, 2), f->n, 0, 1000000000ull, 0, false, &r);
	assert_string_equal(r.proto, "UDP");
	assert_string_equal(r.src, "10.77.0.1:41235");
	assert_string_equal(r.dst, "10.77.0.2:4444");
	assert_string_equal(r.fate, "DROP NO_SOCKET");
	assert_string_equal(r.time, "+1.000s");
	assert_string_equal(r.dur, "41us");
	assert_string_equal(r.events, "4");
	assert_string_equal(r.ifname, "veth_b");
	assert_true(r.dropped);
	vm__packet_row(store__by_id(f->s, 3), f->n, 0, 0, 0, true, &r);
	assert_string_equal(r.nft, "drop");
	assert_string_equal(r.dur, "26µs");
}

/* A DNAT'd packet: the list shows the destination it came with and the one it got, the
 * timeline marks the event where the headers changed. */
static void nat_shows_both_tuples_and_marks_the_event(void **state)
{
	struct fx *f = *state;
	struct journey j;
	struct jevent e[2];
	struct vm_packet_row r;
	struct vm_timeline_row t;

	memset(&j, 0, sizeof(j));
	memset(e, 0, sizeof(e));
	j.id = 9;
	j.tuple.family = AF_INET;
	j.tuple.l4proto = 17;
	j.tuple.sport = 40001;
	j.tuple.dport = 9901;
	inet_pton(AF_INET, "10.91.0.1", &j.tuple.saddr.v4);
	inet_pton(AF_INET, "10.91.0.254", &j.tuple.daddr.v4);
	j.cur_tuple = j.tuple;
	j.cur_tuple.dport = 9911;
	inet_pton(AF_INET, "10.92.0.2", &j.cur_tuple.daddr.v4);
	j.translated = true;
	j.first_ns = 1000;
	j.nat_ns = j.last_ns = 3000;
	e[0].ts_ns = 1000;
	e[1].ts_ns = 3000;
	e[1].flags = SKBTOP_F_NAT;
	e[0].func_id = e[1].func_id = P_IP_RCV;
	j.events = e;
	j.n_events = 2;
	vm__packet_row(&j, f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.src, "10.91.0.1:40001");
	assert_string_equal(r.dst, "10.91.0.254:9901->10.92.0.2:9911");
	vm__timeline_row(&j, 0, f->n, &f->cfg, false, &t);
	assert_null(strstr(t.detail, "NAT"));
	vm__timeline_row(&j, 1, f->n, &f->cfg, false, &t);
	assert_string_equal(t.detail, "NAT now 10.91.0.1:40001 -> 10.92.0.2:9911");
}

/* A packet its flowtable sent on: the list's verdict says flowtable (not the hook's stolen),
 * the timeline notes it at the transmit the store marked. */
static void flowtable_bypass_shows_in_list_and_timeline(void **state)
{
	struct fx *f = *state;
	struct jevent e[2] = {
		{ .ts_ns = 1000, .func_id = P_IP_RCV },
		{ .ts_ns = 2000, .func_id = P_IP_RCV, .flags = SKBTOP_F_FLOWTABLE },
	};
	struct journey j = { .id = 10,
			     .has_nft = true,
			     .nft_verdict = 2 /* NF_STOLEN */,
			     .first_ns = 1000,
			     .last_ns = 2000,
			     .flow_ns = 2000,
			     .events = e,
			     .n_events = 2 };
	struct vm_packet_row r;
	struct vm_timeline_row t;

	vm__packet_row(&j, f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.nft, "stolen");
	j.flowtable = true;
	vm__packet_row(&j, f->n, 0, 0, 0, false, &r);
	assert_string_equal(r.nft, "flowtable");
	vm__timeline_row(&j, 0, f->n, &f->cfg, false, &t);
	assert_null(strstr(t.detail, "flowtable"));
	vm__timeline_row(&j, 1, f->n, &f->cfg, false, &t);
	assert_string_equal(t.detail, "flowtable: bypassed chains");
}

static void timeline_rows(void **state)
{
	struct fx *f = *state;
	const struct journey *j = store__by_id(f->s, 3);
	struct vm_timeline_row t;

	vm__timeline_row(j, 1, f->n, &f->cfg, false, &t);
	assert_string_equal(t.rel, "+20us");
	assert_string_equal(t.layer, "IPv4");
	assert_string_equal(t.func, "ip_rcv");
	assert_string_equal(t.ifname, "veth_b");
	assert_int_equal(t.kind, VMT_PLAIN);
	vm__timeline_row(j, 2, f->n, &f->cfg, false, &t);
	assert_int_equal(t.kind, VMT_NFT);
	assert_non_null(strstr(t.detail, "inet filter input"));
	vm__timeline_row(j, 4, f->n, &f->cfg, false, &t);
	assert_int_equal(t.kind, VMT_DROP);
	assert_non_null(strstr(t.detail, "rule #9 drop"));
	vm__timeline_row(j, 6, f->n, &f->cfg, false, &t);
	assert_int_equal(t.kind, VMT_DROP);
	assert_non_null(strstr(t.detail, "NETFILTER_DROP"));
}

static void nft_rows_show_chain_jump_rule_policy(void **state)
{
	struct fx *f = *state;
	struct vm_nft_row r[16];
	size_t n;

	n = vm__nft_rows(store__by_id(f->s, 3), f->n, r, 16);
	assert_int_equal(n, 4);
	assert_int_equal(r[0].kind, VMN_CHAIN);
	assert_string_equal(r[0].text, "inet filter input (hook input, prio 0)");
	assert_int_equal(r[1].kind, VMN_RULE);
	assert_int_equal(r[1].handle, 7);
	assert_string_equal(r[1].verdict, "jump");
	assert_int_equal(r[2].kind, VMN_RULE);
	assert_int_equal(r[2].depth, 1);
	assert_string_equal(r[2].rule, "udp dport 9999 drop");
	assert_true(r[2].drop);
	assert_int_equal(r[3].kind, VMN_EXIT);
	n = vm__nft_rows(store__by_id(f->s, 4), f->n, r, 16);
	assert_int_equal(n, 2);
	assert_int_equal(r[1].kind, VMN_POLICY);
	assert_string_equal(r[1].verdict, "accept");
	assert_false(r[1].drop);
	/* A packet without nftables events has no rows. */
	assert_int_equal(vm__nft_rows(store__by_id(f->s, 1), f->n, r, 16), 0);
}

static void text_export_and_name(void **state)
{
	struct fx *f = *state;
	const struct journey *j = store__by_id(f->s, 3);
	char *buf = NULL, name[256];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_int_equal(vm__write_text(m, j, f->n, &f->cfg, 0), 0);
	fclose(m);
	assert_non_null(strstr(buf, "UDP 10.77.0.1:41236 -> 10.77.0.2:9999"));
	assert_non_null(strstr(buf, "DROP NETFILTER_DROP"));
	assert_non_null(strstr(buf, "udp dport 9999 drop"));
	assert_non_null(strstr(buf, "nf_hook_slow") || strstr(buf, "nft_do_chain"));
	free(buf);
	vm__save_name(j, 0, name, sizeof(name));
	assert_string_equal(name, "skbtop-udp-10.77.0.1_41236-10.77.0.2_9999-pkt3.json");
	assert_null(strpbrk(name, "/: []"));
}

static void number_formats(void **state)
{
	char b[32];

	(void)state;
	vm__fmt_count(0, b, sizeof(b));
	assert_string_equal(b, "0");
	vm__fmt_count(1234567, b, sizeof(b));
	assert_string_equal(b, "1,234,567");
	vm__fmt_rate(12400, b, sizeof(b));
	assert_string_equal(b, "12.4k");
	vm__fmt_dur(999, false, b, sizeof(b));
	assert_string_equal(b, "999ns");
	vm__fmt_dur(1500000, false, b, sizeof(b));
	assert_string_equal(b, "1.5ms");
	vm__fmt_dur(2500000000ull, false, b, sizeof(b));
	assert_string_equal(b, "2.5s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_filter_keeps_all_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(filter_by_layer, setup, teardown),
		cmocka_unit_test_setup_teardown(filter_by_fate_and_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(search_by_address_port_function_reason, setup,
						teardown),
		cmocka_unit_test(rows_find_by_id),
		cmocka_unit_test_setup_teardown(sort_by_duration_longest_first_and_inverted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(sort_by_each_column, setup, teardown),
		cmocka_unit_test(sort_says_what_it_sorts_by),
		cmocka_unit_test_setup_teardown(histogram_buckets_add_up_to_the_packets, setup,
						teardown),
		cmocka_unit_test(histogram_bar),
		cmocka_unit_test_setup_teardown(drop_reasons_count_the_last_minute, setup,
						teardown),
		cmocka_unit_test(sparkline_scales_to_the_most),
		cmocka_unit_test_setup_teardown(rows_without_ip_say_what_they_are, setup, teardown),
		cmocka_unit_test_setup_teardown(in_flight_without_end_says_no_end_seen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(layer_aggregates, setup, teardown),
		cmocka_unit_test_setup_teardown(packet_row_text, setup, teardown),
		cmocka_unit_test_setup_teardown(nat_shows_both_tuples_and_marks_the_event, setup,
						teardown),
		cmocka_unit_test_setup_teardown(flowtable_bypass_shows_in_list_and_timeline, setup,
						teardown),
		cmocka_unit_test_setup_teardown(timeline_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(nft_rows_show_chain_jump_rule_policy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(text_export_and_name, setup, teardown),
		cmocka_unit_test(number_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

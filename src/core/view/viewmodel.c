// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/session/ethertype.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_verdict.h"
#include "core/base/printable.h"
#include "core/outputs/stream.h"
#include "core/view/viewmodel.h"

#define NS_PER_SEC ((uint64_t)1000000000)

static const char *const verdict_names[VMV_COUNT] = {
	[VMV_ANY] = "any",
	[VMV_DROPPED] = "dropped",
	[VMV_DELIVERED] = "delivered",
	[VMV_FORWARDED] = "forwarded",
	[VMV_SENT] = "sent",
	[VMV_CONSUMED] = "consumed",
	[VMV_IN_FLIGHT] = "in flight",
	[VMV_NFT_ACCEPT] = "nft accept",
	[VMV_NFT_DROP] = "nft drop",
	[VMV_NFT_STOLEN] = "nft stolen",
	[VMV_NFT_QUEUE] = "nft queue",
};

const char *vm_verdict__name(enum vm_verdict v)
{
	return v < VMV_COUNT ? verdict_names[v] : "?";
}

void vm_filter__init(struct vm_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->layer = -1;
}

bool vm_filter__active(const struct vm_filter *f)
{
	return f->layer >= 0 || f->verdict != VMV_ANY || f->search[0];
}

const char *vm__layer_name(const struct config *cfg, int layer)
{
	if (layer >= 0 && layer < cfg->n_layers && cfg->layers[layer].name)
		return cfg->layers[layer].name;
	return "?";
}

void vm_filter__describe(const struct vm_filter *f, const struct config *cfg, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (f->layer >= 0)
		o += snprintf(buf + o, len - o, "layer=%s", vm__layer_name(cfg, f->layer));
	if (f->verdict != VMV_ANY && o < len)
		o += snprintf(buf + o, len - o, "%sverdict=%s", o ? " " : "",
			      vm_verdict__name(f->verdict));
	if (f->search[0] && o < len)
		snprintf(buf + o, len - o, "%ssearch=%s", o ? " " : "", f->search);
}

void vm_matcher__init(struct vm_matcher *m, const struct vm_filter *f)
{
	memset(m, 0, sizeof(*m));
	m->f = *f;
	m->reason_hit = -1;
}

void vm_matcher__free(struct vm_matcher *m)
{
	free(m->probe_hit);
	m->probe_hit = NULL;
	m->n_probes = 0;
}

static bool is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Function names are the same for every event of a probe: decide once per probe id. */
static bool probe_matches(struct vm_matcher *m, uint32_t id, struct names *n)
{
	uint8_t *slot;

	if (id & SKBTOP_TP_FLAG) {
		uint32_t tp = id & ~SKBTOP_TP_FLAG;

		if (tp >= SKBTOP_TP_COUNT)
			return false;
		slot = &m->tp_hit[tp];
	} else {
		if (id >= m->n_probes) {
			uint32_t cap = id + 64;
			uint8_t *p = realloc(m->probe_hit, cap);

			if (!p)
				return strcasestr(names__probe(n, id)->name, m->f.search);
			memset(p + m->n_probes, 0, cap - m->n_probes);
			m->probe_hit = p;
			m->n_probes = cap;
		}
		slot = &m->probe_hit[id];
	}
	if (!*slot)
		*slot = strcasestr(names__probe(n, id)->name, m->f.search) ? 2 : 1;
	return *slot == 2;
}

static bool search_matches(struct vm_matcher *m, const struct journey *j, struct names *n)
{
	const char *q = m->f.search;
	char buf[64];
	uint32_t last_if = 0, last_ns = 0;

	vm__fmt_addr(&j->tuple, false, buf, sizeof(buf));
	if (strcasestr(buf, q))
		return true;
	vm__fmt_addr(&j->tuple, true, buf, sizeof(buf));
	if (strcasestr(buf, q))
		return true;
	if (is_digits(q)) {
		long port = strtol(q, NULL, 10);

		if (port == j->tuple.sport || port == j->tuple.dport)
			return true;
	}
	if (!strcasecmp(vm__proto(j, n, buf, sizeof(buf)), q))
		return true;
	if (j->fate == FATE_DROPPED && strcasestr(names__drop_reason(n, j->drop_reason), q))
		return true;
	if (j->ifindex && strcasestr(names__ifname(n, j->netns, j->ifindex), q))
		return true;
	for (uint32_t i = 0; i < j->n_events; i++) {
		const struct jevent *e = &j->events[i];

		if (e->ifindex && (e->ifindex != last_if || e->netns != last_ns)) {
			last_if = e->ifindex;
			last_ns = e->netns;
			if (strcasestr(names__ifname(n, e->netns, e->ifindex), q))
				return true;
		}
		if (e->type <= SKBTOP_EV_CLONE && probe_matches(m, e->func_id, n))
			return true;
	}
	return false;
}

static bool nft_verdict_is(const struct journey *j, const char *name)
{
	return j->has_nft && !strcasecmp(nft_verdict__name(j->nft_verdict), name);
}

bool vm_matcher__match(struct vm_matcher *m, const struct journey *j, struct names *n,
		       bool ignore_layer)
{
	const struct vm_filter *f = &m->f;

	if (!ignore_layer && f->layer >= 0 &&
	    (f->layer >= MAX_LAYERS || !j->layer_events[f->layer]))
		return false;
	switch (f->verdict) {
	case VMV_ANY:
		break;
	case VMV_DROPPED:
		if (j->fate != FATE_DROPPED)
			return false;
		break;
	case VMV_DELIVERED:
		if (j->fate != FATE_DELIVERED)
			return false;
		break;
	case VMV_FORWARDED:
		if (j->fate != FATE_FORWARDED)
			return false;
		break;
	case VMV_SENT:
		if (j->fate != FATE_SENT)
			return false;
		break;
	case VMV_CONSUMED:
		if (j->fate != FATE_CONSUMED)
			return false;
		break;
	case VMV_IN_FLIGHT:
		if (j->fate != FATE_IN_FLIGHT)
			return false;
		break;
	case VMV_NFT_ACCEPT:
		if (!nft_verdict_is(j, "accept"))
			return false;
		break;
	case VMV_NFT_DROP:
		if (!nft_verdict_is(j, "drop"))
			return false;
		break;
	case VMV_NFT_STOLEN:
		if (!nft_verdict_is(j, "stolen"))
			return false;
		break;
	case VMV_NFT_QUEUE:
		if (!nft_verdict_is(j, "queue"))
			return false;
		break;
	default:
		return false;
	}
	return !f->search[0] || search_matches(m, j, n);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int vm_rows__build(struct vm_rows *r, const struct store *s, struct vm_matcher *m, struct names *n)
{
	size_t len = store__len(s);

	r->n = 0;
	r->dropped = 0;
	r->by_id = true;
	if (grow((void **)&r->ids, &r->cap, len, sizeof(*r->ids)))
		return -1;
	for (size_t i = 0; i < len; i++) {
		const struct journey *j = store__at(s, i);

		if (!vm_matcher__match(m, j, n, false))
			continue;
		r->ids[r->n++] = j->id;
		if (j->fate == FATE_DROPPED)
			r->dropped++;
	}
	r->newest = r->n ? r->n - 1 : 0;
	return 0;
}

size_t vm_rows__find(const struct vm_rows *r, uint64_t id)
{
	size_t lo = 0, hi = r->n;

	if (!r->by_id) {
		for (size_t i = 0; i < r->n; i++)
			if (r->ids[i] == id)
				return i;
		return r->n;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void vm_rows__free(struct vm_rows *r)
{
	free(r->ids);
	memset(r, 0, sizeof(*r));
}

int vm__drop_layer(const struct journey *j)
{
	uint32_t d = j->n_events;

	if (!j->n_events)
		return -1;
	while (d > 0 && j->events[d - 1].type != SKBTOP_EV_DROP)
		d--;
	if (!d)
		d = j->n_events;
	for (uint32_t i = d - 1; i > 0; i--) {
		const struct jevent *e = &j->events[i - 1];

		if (e->type != SKBTOP_EV_DROP && e->type != SKBTOP_EV_CONSUME && e->layer >= 0)
			return e->layer;
	}
	return j->events[d - 1].layer;
}

/* k-th smallest of v[0..n), reordering v. */
static uint64_t select_kth(uint64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint64_t pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				uint64_t t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

int vm_layers__build(struct vm_layers *L, const struct store *s, struct vm_matcher *m,
		     struct names *n, const struct config *cfg, uint64_t now_ns)
{
	size_t len = store__len(s), n_match = 0;
	uint64_t since = now_ns > NS_PER_SEC ? now_ns - NS_PER_SEC : 0;
	uint64_t recent[MAX_LAYERS] = { 0 };
	size_t *match;
	int nl = cfg->n_layers;

	memset(L->rows, 0, sizeof(L->rows));
	/* Matched journeys are listed first, then their durations per layer go after them. */
	if (grow((void **)&L->scratch, &L->scratch_cap, 2 * len + 1, sizeof(*L->scratch)))
		return -1;
	match = (size_t *)L->scratch;
	for (size_t i = 0; i < len; i++) {
		const struct journey *j = store__at(s, i);

		if (!vm_matcher__match(m, j, n, true))
			continue;
		match[n_match++] = i;
		for (int l = 0; l < MAX_LAYERS; l++) {
			if (!j->layer_events[l])
				continue;
			L->rows[l].events += j->layer_events[l];
			L->rows[l].packets++;
			if (l >= nl)
				nl = l + 1;
		}
		if (j->fate == FATE_DROPPED) {
			int dl = vm__drop_layer(j);

			if (dl >= 0 && dl < MAX_LAYERS)
				L->rows[dl].drops++;
		}
		if (j->last_ns < since)
			continue;
		for (uint32_t e = j->n_events; e > 0 && j->events[e - 1].ts_ns >= since; e--) {
			int l = j->events[e - 1].layer;

			if (l >= 0 && l < MAX_LAYERS && j->events[e - 1].ts_ns <= now_ns)
				recent[l]++;
		}
	}
	L->n = nl > MAX_LAYERS ? MAX_LAYERS : nl;
	for (int l = 0; l < L->n; l++) {
		uint64_t *v = L->scratch + len + 1;
		size_t k = 0;

		L->rows[l].layer = l;
		L->rows[l].rate = (double)recent[l];
		if (!L->rows[l].packets)
			continue;
		for (size_t i = 0; i < n_match; i++) {
			const struct journey *j = store__at(s, match[i]);

			if (!j->layer_events[l])
				continue;
			v[k++] = j->layer_ns[l];
			L->rows[l].hist[vm_hist__bucket(j->layer_ns[l])]++;
		}
		L->rows[l].median_ns = select_kth(v, k, k / 2);
	}
	return 0;
}

int vm_hist__bucket(uint64_t ns)
{
	uint64_t us = ns / 1000;
	int b = us ? 64 - __builtin_clzll(us) : 0;

	return b < VM_HIST_BUCKETS ? b : VM_HIST_BUCKETS - 1;
}

void vm_hist__range(int b, uint64_t *lo_us, uint64_t *hi_us)
{
	*lo_us = b ? (uint64_t)1 << (b - 1) : 0;
	*hi_us = b ? ((uint64_t)1 << b) - 1 : 0;
	/* The last bucket holds everything longer. */
	if (b == VM_HIST_BUCKETS - 1)
		*hi_us = UINT64_MAX / 1000;
}

bool vm_hist__span(const uint64_t *hist, int *first, int *last)
{
	*first = *last = -1;
	for (int b = 0; b < VM_HIST_BUCKETS; b++) {
		if (!hist[b])
			continue;
		if (*first < 0)
			*first = b;
		*last = b;
	}
	return *first >= 0;
}

void vm_hist__bar(uint64_t count, uint64_t max, int width, char *buf, size_t len)
{
	int stars;

	if (width < 0 || (size_t)width >= len)
		width = len ? (int)len - 1 : 0;
	stars = max ? (int)((count * (uint64_t)width + max - 1) / max) : 0;
	for (int i = 0; i < width; i++)
		buf[i] = i < stars ? '*' : ' ';
	if (len)
		buf[width > 0 ? width : 0] = '\0';
}

void vm_layers__free(struct vm_layers *L)
{
	free(L->scratch);
	memset(L, 0, sizeof(*L));
}

void vm__fmt_dur(uint64_t ns, bool utf8, char *buf, size_t len)
{
	const char *us = utf8 ? "µs" : "us";

	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 10000)
		snprintf(buf, len, "%.1f%s", ns / 1e3, us);
	else if (ns < 1000000)
		snprintf(buf, len, "%" PRIu64 "%s", ns / 1000, us);
	else if (ns < 10000000)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else if (ns < NS_PER_SEC)
		snprintf(buf, len, "%" PRIu64 "ms", ns / 1000000);
	else
		snprintf(buf, len, "%.1fs", ns / 1e9);
}

void vm__fmt_count(uint64_t v, char *buf, size_t len)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	size_t o = 0;

	for (int i = 0; i < n && o + 1 < len; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

void vm__fmt_rate(double v, char *buf, size_t len)
{
	if (v < 1000)
		snprintf(buf, len, "%.0f", v);
	else if (v < 1e6)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.2fM", v / 1e6);
}

/* Small shares keep two figures: a tracer at 0.04% is not one at 0. */
static const char *fmt_pct(double v, char *buf, size_t len)
{
	snprintf(buf, len, v < 1 ? "%.2f%%" : "%.1f%%", v);
	return buf;
}

void vm__fmt_cost(const struct cost_figures *c, int form, char *buf, size_t len)
{
	char runs[16], all[16], bpf[16], proc[16], poll[16];

	fmt_pct(c->cpu_pct, all, sizeof(all));
	fmt_pct(c->bpf_cpu_pct, bpf, sizeof(bpf));
	fmt_pct(c->process_cpu_pct, proc, sizeof(proc));
	fmt_pct(c->poller_cpu_pct, poll, sizeof(poll));
	if (!c->bpf_known) {
		/* Say first what is missing: the process's share alone is not the cost. */
		if (form == 0 && c->measured)
			snprintf(buf, len, "cost bpf n/a (%s), process %s cpu (poller %s)",
				 c->bpf_why, proc, poll);
		else if (form == 0)
			snprintf(buf, len, "cost bpf n/a (%s)", c->bpf_why);
		else if (form == 1 && c->measured)
			snprintf(buf, len, "cost bpf n/a, process %s cpu", proc);
		else
			snprintf(buf, len, "cost bpf n/a");
		return;
	}
	if (!c->measured) {
		snprintf(buf, len, form ? "cost -" : "cost: measuring");
		return;
	}
	vm__fmt_rate(c->bpf_runs_per_s, runs, sizeof(runs));
	if (form == 0)
		snprintf(buf, len,
			 "cost %s cpu: bpf %s (%.0f ns/run, %s runs/s), process %s (poller %s)",
			 all, bpf, c->bpf_ns_per_run, runs, proc, poll);
	else if (form == 1)
		snprintf(buf, len, "cost %s cpu: bpf %s, process %s", all, bpf, proc);
	else
		snprintf(buf, len, "cost %s cpu", all);
}

void vm__fmt_addr(const struct skbtop_tuple *t, bool dst, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "";
	uint16_t port = dst ? t->dport : t->sport;
	bool ports = t->l4proto == 6 || t->l4proto == 17 || t->l4proto == 132 || t->l4proto == 136;

	if (t->family == AF_INET) {
		inet_ntop(AF_INET, dst ? (const void *)&t->daddr.v4 : &t->saddr.v4, a, sizeof(a));
		if (ports)
			snprintf(buf, len, "%s:%u", a, port);
		else
			snprintf(buf, len, "%s", a);
	} else if (t->family == AF_INET6) {
		inet_ntop(AF_INET6, dst ? t->daddr.v6 : t->saddr.v6, a, sizeof(a));
		if (ports)
			snprintf(buf, len, "[%s]:%u", a, port);
		else
			snprintf(buf, len, "%s", a);
	} else if (t->saddr.v4 || t->daddr.v4) {
		/* Not IP: ARP's sender and target protocol addresses, as the kernel keeps them. */
		inet_ntop(AF_INET, dst ? (const void *)&t->daddr.v4 : &t->saddr.v4, a, sizeof(a));
		snprintf(buf, len, "%s", a);
	} else {
		snprintf(buf, len, "-");
	}
}

/* Sockets whose skbs carry no protocol, told by the functions they go through. */
static const char *skb_kind(const struct journey *j, struct names *n)
{
	static const struct {
		const char *prefix, *kind;
	} kinds[] = {
		{ "netlink_", "netlink" },   { "unix_", "unix" },  { "packet_", "AF_PACKET" },
		{ "tpacket_", "AF_PACKET" }, { "xsk_", "AF_XDP" }, { "tun_", "tun" },
	};

	for (uint32_t i = 0; n && i < j->n_events && i < 16; i++) {
		const char *f;

		if (j->events[i].type > SKBTOP_EV_CLONE || j->events[i].func_id & SKBTOP_TP_FLAG)
			continue;
		f = names__probe(n, j->events[i].func_id)->name;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strncmp(f, kinds[k].prefix, strlen(kinds[k].prefix)))
				return kinds[k].kind;
	}
	/* Every namespace's loopback device is its first. */
	if (j->ifindex == 1)
		return "loopback";
	return j->ifindex ? "no proto" : "local";
}

const char *vm__proto(const struct journey *j, struct names *n, char *buf, size_t len)
{
	const char *name;

	switch (j->tuple.l4proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMP";
	case 58:
		return "ICMPv6";
	case 132:
		return "SCTP";
	case 136:
		return "UDPLite";
	}
	if (j->tuple.family == AF_INET || j->tuple.family == AF_INET6)
		snprintf(buf, len, "ip/%u", j->tuple.l4proto);
	else if (!j->l3proto)
		return skb_kind(j, n);
	else if ((name = ethertype__name(j->l3proto)))
		return name;
	else
		snprintf(buf, len, "0x%04x", j->l3proto);
	return buf;
}

static void fmt_time(uint64_t ts, int64_t wall_off_ns, uint64_t base_ns, bool frac, char *buf,
		     size_t len)
{
	if (wall_off_ns) {
		int64_t wall = (int64_t)ts + wall_off_ns;
		time_t sec = wall / (int64_t)NS_PER_SEC;
		struct tm tm;

		localtime_r(&sec, &tm);
		if (frac)
			snprintf(buf, len, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
				 (long)(wall % (int64_t)NS_PER_SEC) / 1000);
		else
			snprintf(buf, len, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	} else {
		uint64_t d = ts > base_ns ? ts - base_ns : 0;

		snprintf(buf, len, "+%" PRIu64 ".%03" PRIu64 "s", d / NS_PER_SEC,
			 d % NS_PER_SEC / 1000000);
	}
}

/* One end of a packet's tuple; after NAT changed it, "original→translated". */
static void nat_addr(const struct journey *j, bool dst, bool utf8, char *buf, size_t len)
{
	char was[INET6_ADDRSTRLEN + 8], now[INET6_ADDRSTRLEN + 8];

	vm__fmt_addr(&j->tuple, dst, was, sizeof(was));
	vm__fmt_addr(&j->cur_tuple, dst, now, sizeof(now));
	if (j->translated && strcmp(was, now))
		snprintf(buf, len, "%s%s%s", was, utf8 ? "→" : "->", now);
	else
		snprintf(buf, len, "%s", was);
}

void vm__packet_row(const struct journey *j, struct names *n, int64_t wall_off_ns, uint64_t base_ns,
		    uint64_t stale_before_ns, bool utf8, struct vm_packet_row *row)
{
	char tmp[16];

	memset(row, 0, sizeof(*row));
	fmt_time(j->first_ns, wall_off_ns, base_ns, false, row->time, sizeof(row->time));
	snprintf(row->proto, sizeof(row->proto), "%s", vm__proto(j, n, tmp, sizeof(tmp)));
	nat_addr(j, false, utf8, row->src, sizeof(row->src));
	nat_addr(j, true, utf8, row->dst, sizeof(row->dst));
	snprintf(row->ifname, sizeof(row->ifname), "%s",
		 j->ifindex ? names__ifname(n, j->netns, j->ifindex) : "-");
	snprintf(row->events, sizeof(row->events), "%u%s", j->n_events,
		 j->events_truncated ? "+" : "");
	vm__fmt_dur(j->last_ns - j->first_ns, utf8, row->dur, sizeof(row->dur));
	row->dropped = j->fate == FATE_DROPPED;
	row->ended = j->ended;
	if (row->dropped)
		snprintf(row->fate, sizeof(row->fate), "DROP %s",
			 names__drop_reason(n, j->drop_reason));
	else if (j->fate == FATE_IN_FLIGHT && j->last_ns < stale_before_ns)
		snprintf(row->fate, sizeof(row->fate), "no end seen");
	else
		snprintf(row->fate, sizeof(row->fate), "%s", fate__name(j->fate));
	/* The hook's own verdict (stolen) would hide why no chain decided. */
	if (j->flowtable)
		snprintf(row->nft, sizeof(row->nft), "flowtable");
	else if (j->has_nft)
		snprintf(row->nft, sizeof(row->nft), "%s", nft_verdict__name(j->nft_verdict));
}

static const char *event_func(const struct jevent *e, struct names *n)
{
	switch (e->type) {
	case SKBTOP_EV_NFT_CHAIN:
		return "nft_do_chain";
	case SKBTOP_EV_NFT_RULE:
		return "nft rule";
	case SKBTOP_EV_NF_HOOK:
		return "nf_hook_slow";
	}
	return names__probe(n, e->func_id)->name;
}

static void nft_detail(const struct jevent *e, const struct jnft *x, char *buf, size_t len)
{
	const char *v = nft_verdict__name(x->verdict);

	switch (e->type) {
	case SKBTOP_EV_NFT_CHAIN:
		if (e->flags & SKBTOP_F_EXIT)
			snprintf(buf, len, "%s %s %s -> %s", nfproto__name(x->family), x->table,
				 x->chain, v);
		else
			snprintf(buf, len, "%s %s %s (%s, prio %d)", nfproto__name(x->family),
				 x->table, x->chain, nfhook__name(x->family, x->hook), x->priority);
		break;
	case SKBTOP_EV_NFT_RULE:
		if (e->flags & SKBTOP_F_POLICY)
			snprintf(buf, len, "%s policy %s", x->chain, v);
		else if (!x->rule_handle)
			snprintf(buf, len, "%s end %s", x->chain, v);
		else if (x->target[0])
			snprintf(buf, len, "rule #%" PRIu64 " %s %s", x->rule_handle, v, x->target);
		else
			snprintf(buf, len, "rule #%" PRIu64 " %s", x->rule_handle, v);
		break;
	default:
		snprintf(buf, len, "hook %s -> %s", nfhook__name(x->family, x->hook), v);
	}
}

void vm__timeline_row(const struct journey *j, uint32_t i, struct names *n,
		      const struct config *cfg, bool utf8, struct vm_timeline_row *row)
{
	const struct jevent *e = &j->events[i];

	memset(row, 0, sizeof(*row));
	row->rel[0] = '+';
	vm__fmt_dur(e->ts_ns - j->first_ns, utf8, row->rel + 1, sizeof(row->rel) - 1);
	snprintf(row->layer, sizeof(row->layer), "%s", vm__layer_name(cfg, e->layer));
	snprintf(row->func, sizeof(row->func), "%s", event_func(e, n));
	if (e->ifindex)
		snprintf(row->ifname, sizeof(row->ifname), "%s",
			 names__ifname(n, e->netns, e->ifindex));
	switch (e->type) {
	case SKBTOP_EV_DROP: {
		char where[64] = "";

		row->kind = VMT_DROP;
		if (e->aux)
			names__sym(n, e->aux, where, sizeof(where));
		/* The reason first: a narrow pane cuts the location, never the reason. */
		snprintf(row->detail, sizeof(row->detail), "DROP %s%s%s",
			 names__drop_reason(n, e->reason), e->aux ? " at " : "", where);
		break;
	}
	case SKBTOP_EV_CONSUME:
		row->kind = VMT_END;
		snprintf(row->detail, sizeof(row->detail), "freed");
		break;
	case SKBTOP_EV_CLONE:
		snprintf(row->detail, sizeof(row->detail), "cloned");
		break;
	case SKBTOP_EV_NFT_CHAIN:
	case SKBTOP_EV_NFT_RULE:
	case SKBTOP_EV_NF_HOOK:
		row->kind = VMT_NFT;
		if (e->nft >= 0 && (uint32_t)e->nft < j->n_nft) {
			const struct jnft *x = &j->nft[e->nft];

			nft_detail(e, x, row->detail, sizeof(row->detail));
			if (!strcasecmp(nft_verdict__name(x->verdict), "drop") &&
			    (e->type != SKBTOP_EV_NFT_CHAIN || e->flags & SKBTOP_F_EXIT))
				row->kind = VMT_DROP;
		}
		break;
	}
	/* Where the headers were found translated; the last such event shows what they became. */
	if (e->flags & SKBTOP_F_NAT) {
		char src[INET6_ADDRSTRLEN + 8], dst[INET6_ADDRSTRLEN + 8],
			nat[2 * sizeof(row->detail)];
		size_t k = (size_t)snprintf(nat, sizeof(nat), "NAT");

		if (e->ts_ns == j->nat_ns) {
			vm__fmt_addr(&j->cur_tuple, false, src, sizeof(src));
			vm__fmt_addr(&j->cur_tuple, true, dst, sizeof(dst));
			k += (size_t)snprintf(nat + k, sizeof(nat) - k, " now %s %s %s", src,
					      utf8 ? "→" : "->", dst);
		}
		if (row->detail[0] && k < sizeof(nat))
			snprintf(nat + k, sizeof(nat) - k, "  %s", row->detail);
		snprintf(row->detail, sizeof(row->detail), "%.*s", (int)sizeof(row->detail) - 1,
			 nat);
	}
	if (e->flags & SKBTOP_F_FLOWTABLE) {
		char note[2 * sizeof(row->detail)];

		snprintf(note, sizeof(note), "%s%s%s", STORE_FLOWTABLE_NOTE,
			 row->detail[0] ? "  " : "", row->detail);
		snprintf(row->detail, sizeof(row->detail), "%.*s", (int)sizeof(row->detail) - 1,
			 note);
	}
}

size_t vm__nft_rows(const struct journey *j, struct names *n, struct vm_nft_row *rows, size_t max)
{
	size_t k = 0;

	for (uint32_t i = 0; i < j->n_events && k < max; i++) {
		const struct jevent *e = &j->events[i];
		const struct jnft *x;
		struct vm_nft_row *r = &rows[k];

		if (e->nft < 0 || (uint32_t)e->nft >= j->n_nft)
			continue;
		x = &j->nft[e->nft];
		memset(r, 0, sizeof(*r));
		r->depth = x->depth;
		r->handle = x->rule_handle;
		snprintf(r->verdict, sizeof(r->verdict), "%s", nft_verdict__name(x->verdict));
		r->drop = !strcasecmp(r->verdict, "drop");
		switch (e->type) {
		case SKBTOP_EV_NFT_CHAIN:
			if (e->flags & SKBTOP_F_EXIT) {
				r->kind = VMN_EXIT;
				snprintf(r->text, sizeof(r->text), "%s returns", x->chain);
			} else {
				r->kind = VMN_CHAIN;
				r->drop = false;
				r->verdict[0] = '\0';
				snprintf(r->text, sizeof(r->text), "%s %s %s (hook %s, prio %d)",
					 nfproto__name(x->family), x->table, x->chain,
					 nfhook__name(x->family, x->hook), x->priority);
			}
			break;
		case SKBTOP_EV_NFT_RULE:
			if (e->flags & SKBTOP_F_POLICY) {
				r->kind = VMN_POLICY;
				snprintf(r->text, sizeof(r->text), "policy of %s", x->chain);
			} else if (!x->rule_handle) {
				/* No rule: the chain ran out of rules (or returned). */
				r->kind = VMN_RULE;
				snprintf(r->text, sizeof(r->text), "end of %s", x->chain);
			} else {
				const char *rule = names__rule_text(n, e->netns, x->family,
								    x->table, x->rule_handle);

				r->kind = VMN_RULE;
				snprintf(r->text, sizeof(r->text), "#%" PRIu64 "%s%s",
					 x->rule_handle, x->target[0] ? " -> " : "", x->target);
				snprintf(r->rule, sizeof(r->rule), "%s", rule ? rule : "");
			}
			break;
		default:
			r->kind = VMN_HOOK;
			snprintf(r->text, sizeof(r->text), "%s hook %s", nfproto__name(x->family),
				 nfhook__name(x->family, x->hook));
		}
		k++;
	}
	return k;
}

int vm__write_text(FILE *f, const struct journey *j, struct names *n, const struct config *cfg,
		   int64_t wall_off_ns)
{
	struct vm_packet_row p;
	struct vm_timeline_row t;
	struct vm_nft_row nr[64];
	char first[32];
	size_t k;

	vm__packet_row(j, n, wall_off_ns, j->first_ns, 0, false, &p);
	fmt_time(j->first_ns, wall_off_ns, j->first_ns, true, first, sizeof(first));
	flockfile(f);
	printable__fprintf(f, "skbtop packet #%" PRIu64 "  %s %s -> %s  on %s", j->id, p.proto,
			   p.src, p.dst, p.ifname);
	putc_unlocked('\n', f);
	printable__fprintf(f, "first seen %s  duration %s  events %s  fate %s%s%s", first, p.dur,
			   p.events, p.fate, p.nft[0] ? "  nft " : "", p.nft);
	fputs_unlocked("\n\ntimeline\n", f);
	for (uint32_t i = 0; i < j->n_events; i++) {
		vm__timeline_row(j, i, n, cfg, false, &t);
		printable__fprintf(f, "  %10s  %-12s %-32s %-10s %s", t.rel, t.layer, t.func,
				   t.ifname, t.detail);
		putc_unlocked('\n', f);
	}
	k = vm__nft_rows(j, n, nr, sizeof(nr) / sizeof(nr[0]));
	fputs_unlocked("\nnftables\n", f);
	if (!k)
		fputs_unlocked("  no nftables data for this packet\n", f);
	for (size_t i = 0; i < k; i++) {
		printable__fprintf(f, "  %*s%s%s%s%s%s", 2 * nr[i].depth, "", nr[i].text,
				   nr[i].rule[0] ? "  " : "", nr[i].rule,
				   nr[i].verdict[0] ? "  " : "", nr[i].verdict);
		putc_unlocked('\n', f);
	}
	funlockfile(f);
	return ferror(f) ? -1 : 0;
}

/* An address and port as one file-name word: "10.0.0.5_53", "fd00..5_53". */
static void name_part(const struct skbtop_tuple *t, bool dst, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "-";
	const void *addr = t->family == AF_INET ? (dst ? (const void *)&t->daddr.v4 : &t->saddr.v4)
						: (dst ? (const void *)t->daddr.v6 : t->saddr.v6);

	if (t->family == AF_INET || t->family == AF_INET6)
		inet_ntop(t->family, addr, a, sizeof(a));
	for (char *c = a; *c; c++)
		if (*c == ':')
			*c = '.';
	if (t->sport || t->dport)
		snprintf(buf, len, "%s_%u", a, dst ? t->dport : t->sport);
	else
		snprintf(buf, len, "%s", a);
}

void vm__save_name(const struct journey *j, int64_t wall_off_ns, char *buf, size_t len)
{
	char src[64], dst[64], proto[16], when[32];

	name_part(&j->tuple, false, src, sizeof(src));
	name_part(&j->tuple, true, dst, sizeof(dst));
	snprintf(proto, sizeof(proto), "%s", vm__proto(j, NULL, when, sizeof(when)));
	if (wall_off_ns) {
		time_t sec = ((int64_t)j->first_ns + wall_off_ns) / (int64_t)NS_PER_SEC;
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(when, sizeof(when), "%Y%m%d-%H%M%S", &tm);
	} else {
		snprintf(when, sizeof(when), "pkt%" PRIu64, j->id);
	}
	snprintf(buf, len, "skbtop-%s-%s-%s-%s.json", proto, src, dst, when);
	for (char *c = buf; *c; c++)
		*c = *c == '/' || *c == ' ' ? '_' : tolower((unsigned char)*c);
}

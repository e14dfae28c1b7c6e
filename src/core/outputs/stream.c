// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/base/decimal.h"
#include "core/base/json_util.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_json.h"
#include "core/nft/nft_verdict.h"
#include "core/base/printable.h"
#include "core/session/ethertype.h"
#include "core/outputs/stream.h"

/* What both a raw record and a held event can say, for one printer. */
struct ev_view {
	uint16_t type, cpu;
	uint32_t flags;
	uint64_t ts, aux;
	uint32_t func_id, pid, ifindex, netns, mark, len, reason;
	uint16_t l3proto;
	const struct skbtop_tuple *tuple;
	const struct jnft *nft;
};

int stream_format__parse(const char *s, enum stream_format *fmt)
{
	if (!strcmp(s, "text"))
		*fmt = STREAM_TEXT;
	else if (!strcmp(s, "json"))
		*fmt = STREAM_JSON;
	else
		return -1;
	return 0;
}

static const struct {
	const char *name, *label;
} ev_types[SKBTOP_EV_TYPE_MAX] = {
	[SKBTOP_EV_FUNC] = { "func", "FUNC" },
	[SKBTOP_EV_TP] = { "tp", "TP" },
	[SKBTOP_EV_DROP] = { "drop", "DROP" },
	[SKBTOP_EV_CONSUME] = { "consume", "FREE" },
	[SKBTOP_EV_CLONE] = { "clone", "CLONE" },
	[SKBTOP_EV_NFT_CHAIN] = { "nft_chain", "CHAIN" },
	[SKBTOP_EV_NFT_RULE] = { "nft_rule", "RULE" },
	[SKBTOP_EV_NF_HOOK] = { "nf_hook", "HOOK" },
	[SKBTOP_EV_BYTES] = { "bytes", "BYTES" },
};

const char *event_type__name(uint16_t type)
{
	return type < SKBTOP_EV_TYPE_MAX && ev_types[type].name ? ev_types[type].name : "?";
}

const char *event_type__label(uint16_t type)
{
	return type < SKBTOP_EV_TYPE_MAX && ev_types[type].label ? ev_types[type].label : "?";
}

int event_type__from_name(const char *name)
{
	int t;

	for (t = 0; t < SKBTOP_EV_TYPE_MAX; t++)
		if (ev_types[t].name && !strcmp(ev_types[t].name, name))
			return t;
	return -1;
}

const char *family__name(const struct skbtop_tuple *t, uint16_t l3proto)
{
	if (t->family == AF_INET)
		return "IPv4";
	if (t->family == AF_INET6)
		return "IPv6";
	return l3proto == ETHERTYPE_ARP ? ethertype__name(l3proto) : "-";
}

int family__from_name(const char *name)
{
	if (!strcmp(name, "IPv4"))
		return AF_INET;
	if (!strcmp(name, "IPv6"))
		return AF_INET6;
	return 0;
}

static const struct {
	uint8_t proto;
	const char *name;
	bool ports;
} protos[] = {
	{ 6, "tcp", true },	{ 17, "udp", true },	  { 1, "icmp", false },
	{ 58, "icmp6", false }, { 132, "sctp", true },	  { 0, "hopopt", false },
	{ 47, "gre", false },	{ 136, "udplite", true },
};

const char *proto__name(uint8_t proto, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

int proto__from_name(const char *name)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(protos[i].name, name))
			return protos[i].proto;
	v = strtol(name, &end, 10);
	return *name && !*end && v >= 0 && v <= 255 ? (int)v : -1;
}

bool proto__has_ports(uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].ports;
	return false;
}

/*
 * An IPv4 address in dotted decimal, as inet_ntop writes it: glibc's goes through sprintf, a
 * twentieth of the speed, and a stream of many flows formats two addresses a packet.
 */
static void ipv4_text(const void *addr, char *out, size_t len)
{
	const unsigned char *b = addr;
	char text[INET_ADDRSTRLEN], *end = text + sizeof(text), *p = end;
	size_t n;

	for (int i = 3; i >= 0; i--) {
		p = decimal__u64(p, b[i]);
		if (i)
			*--p = '.';
	}
	n = (size_t)(end - p);
	/* Too small a buffer gets nothing, as from inet_ntop: never a cut address. */
	if (n >= len)
		n = 0;
	if (len) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

void tuple__addrs(const struct skbtop_tuple *t, char *src, char *dst, size_t len)
{
	src[0] = dst[0] = '\0';
	if (t->family == AF_INET6) {
		inet_ntop(AF_INET6, t->saddr.v6, src, (socklen_t)len);
		inet_ntop(AF_INET6, t->daddr.v6, dst, (socklen_t)len);
	} else if (t->family == AF_INET || t->saddr.v4 || t->daddr.v4) {
		/* IPv4, or not IP: ARP's sender and target protocol addresses. */
		ipv4_text(&t->saddr.v4, src, len);
		ipv4_text(&t->daddr.v4, dst, len);
	}
}

static uint64_t child_id(const struct stream *st, const struct ev_view *v)
{
	const struct journey *c = st->store ? store__by_skb(st->store, v->aux) : NULL;

	return c ? c->id : 0;
}

/*
 * A line being built: appends are cut a byte before the end of buf (kept for the newline), never
 * overrun. Plain copies, not
 * printf: at hundreds of thousands of lines a second, a format's parsing is most of a line's cost.
 */
struct line {
	char buf[512];
	size_t n;
};

/* len bytes of s. The copy of a length known when compiled is inlined only outside the cut. */
static inline void line_mem(struct line *l, const char *s, size_t len)
{
	size_t room = sizeof(l->buf) - 1 - l->n;

	if (__builtin_expect(len <= room, 1)) {
		memcpy(l->buf + l->n, s, len);
		l->n += len;
		return;
	}
	memcpy(l->buf + l->n, s, room);
	l->n += room;
}

/* A string literal: its length known when compiled, its copy a store or two. */
#define line_lit(l, s) line_mem((l), "" s, sizeof(s) - 1)

/* Spaces after what was appended from start on, up to width bytes (printf's "%-*s"). */
static void line_fill(struct line *l, size_t start, size_t width)
{
	size_t len = l->n - start, room = sizeof(l->buf) - 1 - l->n;

	if (width > len) {
		width -= len;
		if (width > room)
			width = room;
		memset(l->buf + l->n, ' ', width);
		l->n += width;
	}
}

/* s, then spaces up to width bytes. */
static void line_pad(struct line *l, const char *s, size_t width)
{
	size_t start = l->n;

	line_mem(l, s, strlen(s));
	line_fill(l, start, width);
}

static void line_str(struct line *l, const char *s)
{
	line_mem(l, s, strlen(s));
}

/*
 * A name from outside (a kernel function, an interface, a drop reason, a symbol), made printable
 * as it is copied: the rest of a line is ours, so only these bytes are looked at.
 */
static void line_name(struct line *l, const char *s)
{
	l->n += printable__put(l->buf + l->n, sizeof(l->buf) - l->n, s);
}

/* The same, then spaces up to width bytes. */
static void line_name_pad(struct line *l, const char *s, size_t width)
{
	size_t start = l->n;

	line_name(l, s);
	line_fill(l, start, width);
}

/* v in decimal, right-aligned in width bytes (printf's "%*" PRIu64). */
static void line_u64(struct line *l, uint64_t v, size_t width)
{
	char d[DECIMAL_U64_MAX + 8], *end = d + sizeof(d), *p = decimal__u64(end, v);

	while ((size_t)(end - p) < width && p > d)
		*--p = ' ';
	line_mem(l, p, (size_t)(end - p));
}

/* "10.0.0.1:5353", "[fd77::1]:5353", or the bare address without ports. */
static void line_endpoint(struct line *l, const char *addr, bool ports, bool v6, uint16_t port)
{
	if (!ports) {
		line_str(l, addr);
		return;
	}
	if (v6)
		line_lit(l, "[");
	line_str(l, addr);
	if (v6)
		line_lit(l, "]");
	line_lit(l, ":");
	line_u64(l, port, 0);
}

/*
 * "  10.0.0.1:5353 → 10.0.0.2:53 udp", "  [fd77::1]:5353 → …", the bare addresses when the
 * protocol has no ports, or "" without addresses; its length in *len. Formatting addresses is
 * most of a line's cost, and a few packets' lines come interleaved (a datagram and the ICMP error
 * that answers it, a request and its reply), so the text of the last few tuples is kept. The
 * stream is written by one thread; the text is ours, printable by construction.
 */
static const char *text_tuple(const struct skbtop_tuple *t, size_t *len)
{
	enum {
		KEPT = 4
	};
	static __thread struct {
		struct skbtop_tuple t;
		bool set;
		size_t len;
		char text[2 * INET6_ADDRSTRLEN + 32];
	} kept[KEPT];
	static __thread unsigned int next;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pbuf[8];
	bool ports = proto__has_ports(t->l4proto), v6 = t->family == AF_INET6;
	struct line l;
	char *text;

	for (int i = 0; i < KEPT; i++)
		if (kept[i].set && !memcmp(&kept[i].t, t, sizeof(*t))) {
			*len = kept[i].len;
			return kept[i].text;
		}
	l.n = 0;
	tuple__addrs(t, src, dst, sizeof(src));
	if (src[0]) {
		line_lit(&l, "  ");
		line_endpoint(&l, src, ports, v6, t->sport);
		line_lit(&l, " → ");
		line_endpoint(&l, dst, ports, v6, t->dport);
		line_lit(&l, " ");
		line_str(&l, proto__name(t->l4proto, pbuf, sizeof(pbuf)));
	}
	_Static_assert(sizeof(kept[0].text) < sizeof(l.buf), "a tuple's text fits a line");
	if (l.n >= sizeof(kept[0].text))
		l.n = sizeof(kept[0].text) - 1;
	kept[next].t = *t;
	kept[next].set = true;
	text = kept[next].text;
	memcpy(text, l.buf, l.n);
	text[l.n] = '\0';
	*len = kept[next].len = l.n;
	next = (next + 1) % KEPT;
	return text;
}

/* v in decimal, with its sign. */
static void line_i64(struct line *l, int64_t v)
{
	if (v < 0)
		line_lit(l, "-");
	line_u64(l, v < 0 ? -(uint64_t)v : (uint64_t)v, 0);
}

/*
 * The chain, rule or hook of an nftables event, after its line. Its names come from the kernel
 * (tables, chains, targets): made printable as they are copied. A rule's text is the last thing
 * on the line and as long as the rule, so it is written on its own, not cut at the line's end.
 */
static const char *text_nft(const struct stream *st, const struct ev_view *v, struct line *l)
{
	const struct jnft *x = v->nft;

	if (v->type == SKBTOP_EV_NF_HOOK) {
		line_lit(l, "  hook ");
		line_str(l, nfproto__name(x->family));
		line_lit(l, " ");
		line_str(l, nfhook__name(x->family, x->hook));
		line_lit(l, " ");
		line_str(l, nft_verdict__name(x->verdict));
		return NULL;
	}
	line_lit(l, "  ");
	line_str(l, nfproto__name(x->family));
	line_lit(l, " ");
	line_name(l, x->table);
	line_lit(l, " ");
	line_name(l, x->chain);
	if (v->type == SKBTOP_EV_NFT_CHAIN) {
		if (v->flags & SKBTOP_F_EXIT) {
			line_lit(l, " exit ");
			line_str(l, nft_verdict__name(x->verdict));
		} else {
			line_lit(l, " hook ");
			line_str(l, nfhook__name(x->family, x->hook));
			line_lit(l, " prio ");
			line_i64(l, x->priority);
		}
		return NULL;
	}
	if (v->flags & SKBTOP_F_POLICY) {
		line_lit(l, " policy ");
	} else {
		line_lit(l, " rule #");
		line_u64(l, x->rule_handle, 0);
		line_lit(l, " ");
	}
	line_str(l, nft_verdict__name(x->verdict));
	if (x->target[0]) {
		line_lit(l, " ");
		line_name(l, x->target);
	}
	return x->rule_handle
		       ? names__rule_text(st->names, v->netns, x->family, x->table, x->rule_handle)
		       : NULL;
}

/* One event's line, built whole and written at once. */
static void text_line(const struct stream *st, const struct journey *j, const struct ev_view *v)
{
	const struct probe_info *p = names__probe(st->names, v->func_id);
	const char *ifname = names__ifname(st->names, v->netns, v->ifindex);
	struct line l;
	char sym[160];
	const char *tuple, *rule = NULL;
	size_t tuple_len;
	FILE *f = st->f;

	l.n = 0;
	line_lit(&l, "[");
	line_u64(&l, j->id, 4);
	line_lit(&l, "] ");
	line_pad(&l, event_type__label(v->type), 5);
	line_lit(&l, " ");
	line_pad(&l, family__name(v->tuple, v->l3proto), 4);
	line_lit(&l, "  ");
	if (p->printable) {
		size_t start = l.n;

		line_mem(&l, p->name, p->name_len);
		line_fill(&l, start, 24);
	} else {
		line_name_pad(&l, p->name, 24);
	}
	tuple = text_tuple(v->tuple, &tuple_len);
	line_mem(&l, tuple, tuple_len);
	if (ifname[0]) {
		line_lit(&l, "  ");
		line_name(&l, ifname);
	}
	switch (v->type) {
	case SKBTOP_EV_DROP:
		line_lit(&l, "  DROP ");
		line_name(&l, names__drop_reason(st->names, v->reason));
		if (v->aux) {
			line_lit(&l, " at ");
			line_name(&l, names__sym(st->names, v->aux, sym, sizeof(sym)));
		}
		break;
	case SKBTOP_EV_CONSUME:
		line_lit(&l, "  ");
		line_str(&l, fate__name(j->fate));
		break;
	case SKBTOP_EV_CLONE:
		line_lit(&l, "  clone [");
		line_u64(&l, child_id(st, v), 0);
		line_lit(&l, "]");
		break;
	}
	if (v->flags & SKBTOP_F_NAT)
		line_lit(&l, "  NAT");
	if (v->flags & SKBTOP_F_FLOWTABLE)
		line_lit(&l, "  " STORE_FLOWTABLE_NOTE);
	if (v->nft && (v->type == SKBTOP_EV_NFT_CHAIN || v->type == SKBTOP_EV_NFT_RULE ||
		       v->type == SKBTOP_EV_NF_HOOK))
		rule = text_nft(st, v, &l);
	/* The byte kept free at the line's end: the newline is never cut. */
	if (!rule)
		l.buf[l.n++] = '\n';
	fwrite_unlocked(l.buf, 1, l.n, f);
	if (rule) {
		fputs_unlocked("  \"", f);
		printable__fputs(f, rule);
		fputs_unlocked("\"\n", f);
	}
}

static void json_line(const struct stream *st, const struct journey *j, const struct ev_view *v)
{
	const struct probe_info *p = names__probe(st->names, v->func_id);
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pbuf[8], sym[160];
	const struct config *cfg = st->cfg;
	FILE *f = st->f;
	int first = 1;

	fputc('{', f);
	json__key_u64(f, "id", j->id, &first);
	if (j->parent_id)
		json__key_u64(f, "parent", j->parent_id, &first);
	json__key_u64(f, "ts_ns", v->ts, &first);
	json__key_u64(f, "t_rel_ns", v->ts >= j->first_ns ? v->ts - j->first_ns : 0, &first);
	json__key_str(f, "type", event_type__name(v->type), &first);
	json__key_str(f, "func", p->name, &first);
	if (p->module)
		json__key_str(f, "module", p->module, &first);
	if (cfg && p->layer >= 0 && p->layer < cfg->n_layers && cfg->layers[p->layer].name)
		json__key_str(f, "layer", cfg->layers[p->layer].name, &first);
	json__key_str(f, "family", family__name(v->tuple, v->l3proto), &first);
	tuple__addrs(v->tuple, src, dst, sizeof(src));
	if (src[0]) {
		json__key_str(f, "proto", proto__name(v->tuple->l4proto, pbuf, sizeof(pbuf)),
			      &first);
		json__key_str(f, "src", src, &first);
		if (proto__has_ports(v->tuple->l4proto))
			json__key_u64(f, "sport", v->tuple->sport, &first);
		json__key_str(f, "dst", dst, &first);
		if (proto__has_ports(v->tuple->l4proto))
			json__key_u64(f, "dport", v->tuple->dport, &first);
		if (v->tuple->l4proto == 1 || v->tuple->l4proto == 58) {
			json__key_u64(f, "icmp_type", v->tuple->icmp_type, &first);
			json__key_u64(f, "icmp_code", v->tuple->icmp_code, &first);
		}
	}
	if (v->ifindex) {
		json__key_str(f, "ifname", names__ifname(st->names, v->netns, v->ifindex), &first);
		json__key_u64(f, "ifindex", v->ifindex, &first);
	}
	json__key_u64(f, "netns", v->netns, &first);
	json__key_u64(f, "cpu", v->cpu, &first);
	json__key_u64(f, "pid", v->pid, &first);
	json__key_u64(f, "len", v->len, &first);
	json__key_u64(f, "mark", v->mark, &first);
	if (v->type == SKBTOP_EV_DROP) {
		json__key_str(f, "reason", names__drop_reason(st->names, v->reason), &first);
		json__key_u64(f, "reason_code", v->reason, &first);
		if (v->aux)
			json__key_str(f, "location",
				      names__sym(st->names, v->aux, sym, sizeof(sym)), &first);
	}
	if (v->type == SKBTOP_EV_DROP || v->type == SKBTOP_EV_CONSUME)
		json__key_str(f, "fate", fate__name(j->fate), &first);
	if (v->type == SKBTOP_EV_CLONE)
		json__key_u64(f, "clone", child_id(st, v), &first);
	if (v->flags & SKBTOP_F_NAT) {
		json__key(f, "nat", &first);
		fputs("true", f);
	}
	if (v->flags & SKBTOP_F_FLOWTABLE) {
		json__key(f, "flowtable", &first);
		fputs("true", f);
	}
	if (v->nft) {
		json__key(f, "nft", &first);
		nft_json__write(f, st->names, v->netns, v->type, v->flags, true, v->nft);
	}
	fputs("}\n", f);
}

/* Without the FILE's lock: one thread writes a stream (stream.h), and a lock per line is felt. */
static void print(const struct stream *st, const struct journey *j, const struct ev_view *v)
{
	if (st->format == STREAM_JSON)
		json_line(st, j, v);
	else
		text_line(st, j, v);
}

void stream__event(const struct stream *st, const struct journey *j, const void *rec, size_t size)
{
	const struct skbtop_event *ev = rec;
	struct ev_view v = { 0 };
	struct jnft x;

	if (!j || size < sizeof(*ev))
		return;
	v.type = ev->hdr.type;
	v.cpu = ev->hdr.cpu;
	v.flags = ev->hdr.flags;
	v.ts = ev->hdr.ts_ns;
	v.aux = ev->aux;
	v.func_id = ev->func_id;
	v.pid = ev->pid;
	v.ifindex = ev->ifindex;
	v.netns = ev->netns;
	v.mark = ev->mark;
	v.len = ev->len;
	v.reason = ev->reason;
	v.l3proto = ev->l3proto;
	v.tuple = &ev->tuple;
	if (size == sizeof(struct skbtop_nft_event)) {
		jnft__from_event(&x, rec);
		v.nft = &x;
	}
	print(st, j, &v);
}

/* ---- statistics ---- */

struct name_hits {
	const char *name;
	uint64_t hits;
};

static int name_hits_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_hits *)a)->name, ((const struct name_hits *)b)->name);
}

/*
 * Hits per probe name. Two probes can share a name (nf_hook_slow is both a traced function and
 * the NFT hook-verdict probe; a function can exist in two modules): their hits are added, since
 * a JSON object with a key twice is one that replay rightly refuses.
 */
static void json_func_hits(FILE *f, const struct store *s, const struct names *n, uint32_t count)
{
	struct name_hits *v = calloc((size_t)count + SKBTOP_TP_COUNT, sizeof(*v));
	size_t len = 0, i;
	int sub = 1;

	fputc('{', f);
	for (uint32_t k = 0; v && k < count + SKBTOP_TP_COUNT; k++) {
		uint32_t id = k < count ? k : SKBTOP_TP_FLAG | (k - count);
		uint64_t h = store__func_hits(s, id);

		if (h)
			v[len++] = (struct name_hits){ names__probe(n, id)->name, h };
	}
	if (v)
		qsort(v, len, sizeof(*v), name_hits_cmp);
	for (i = 0; i < len; i++) {
		uint64_t h = v[i].hits;

		while (i + 1 < len && !strcmp(v[i].name, v[i + 1].name))
			h += v[++i].hits;
		json__key_u64(f, v[i].name, h, &sub);
	}
	fputc('}', f);
	free(v);
}

static const char *layer_name(const struct config *cfg, int l, char *buf, size_t len)
{
	if (cfg && l < cfg->n_layers && cfg->layers[l].name)
		return cfg->layers[l].name;
	snprintf(buf, len, "layer#%d", l);
	return buf;
}

/* One figure of the cost: a number as text, or (bpf_unavailable) a sentence. */
typedef void (*cost_field_fn)(void *ctx, const char *name, const char *num, const char *str);

/* The cost's figures in the order and with the names both formats print. */
static void cost_fields(const struct cost_figures *c, cost_field_fn fn, void *ctx)
{
	char v[32];

	if (c->bpf_known) {
		snprintf(v, sizeof(v), "%.2f", c->cpu_pct);
		fn(ctx, "cpu_pct", v, NULL);
		snprintf(v, sizeof(v), "%.2f", c->bpf_cpu_pct);
		fn(ctx, "bpf_cpu_pct", v, NULL);
		snprintf(v, sizeof(v), "%.0f", c->bpf_ns_per_run);
		fn(ctx, "bpf_ns_per_run", v, NULL);
		snprintf(v, sizeof(v), "%.0f", c->bpf_runs_per_s);
		fn(ctx, "bpf_runs_per_s", v, NULL);
		snprintf(v, sizeof(v), "%" PRIu64, c->bpf_runs);
		fn(ctx, "bpf_runs", v, NULL);
		snprintf(v, sizeof(v), "%" PRIu64, c->bpf_run_ns);
		fn(ctx, "bpf_run_ns", v, NULL);
		snprintf(v, sizeof(v), "%.2f", c->bpf_sampled_s);
		fn(ctx, "bpf_sampled_s", v, NULL);
		snprintf(v, sizeof(v), "%u", c->bpf_programs);
		fn(ctx, "bpf_programs", v, NULL);
	} else {
		fn(ctx, "bpf_unavailable", NULL, c->bpf_why);
	}
	snprintf(v, sizeof(v), "%.2f", c->process_cpu_pct);
	fn(ctx, "process_cpu_pct", v, NULL);
	snprintf(v, sizeof(v), "%.2f", c->poller_cpu_pct);
	fn(ctx, "poller_cpu_pct", v, NULL);
	snprintf(v, sizeof(v), "%.2f", c->seconds);
	fn(ctx, "seconds", v, NULL);
}

struct json_fields {
	FILE *f;
	int first;
};

static void cost_json(void *ctx, const char *name, const char *num, const char *str)
{
	struct json_fields *j = ctx;

	json__key(j->f, name, &j->first);
	if (num)
		fputs(num, j->f);
	else
		json__str(j->f, str);
}

static void cost_text(void *ctx, const char *name, const char *num, const char *str)
{
	FILE *f = ctx;

	if (num)
		fprintf(f, " %s %s", name, num);
	else
		fprintf(f, " %s \"%s\"", name, str);
}

void stream__cost_text(FILE *f, const struct cost_figures *c)
{
	cost_fields(c, cost_text, f);
}

void stream__stats_json(FILE *f, const struct store *s, const struct names *n,
			const struct config *cfg, const struct cost_figures *cost)
{
	const struct store_stats *ss = store__stats(s);
	const struct store_layer *ly = store__layers(s);
	const struct store_reason *r;
	size_t nr, i;
	uint32_t count = names__probe_count(n);
	char buf[32];
	int first = 1, sub;

	flockfile(f);
	fputc('{', f);
	json__key_u64(f, "events", ss->events, &first);
	json__key_u64(f, "packets", ss->packets, &first);
	json__key_u64(f, "functions_hit", store__funcs_hit(s), &first);
	json__key_u64(f, "lost_kernel", ss->lost_kernel, &first);
	json__key_u64(f, "lost_queue", ss->lost_queue, &first);
	json__key_u64(f, "evicted_packets", ss->evicted_packets, &first);
	json__key_u64(f, "truncated_events", ss->truncated_events, &first);
	json__key_u64(f, "bad_records", ss->bad_records, &first);
	json__key(f, "fates", &first);
	sub = 1;
	fputc('{', f);
	for (i = 0; i < FATE_COUNT; i++)
		json__key_u64(f, fate__name((enum fate)i), ss->by_fate[i], &sub);
	fputc('}', f);
	json__key(f, "layers", &first);
	sub = 1;
	fputc('{', f);
	for (i = 0; i < MAX_LAYERS; i++) {
		int in = 1;

		if (!ly[i].events)
			continue;
		json__key(f, layer_name(cfg, (int)i, buf, sizeof(buf)), &sub);
		fputc('{', f);
		json__key_u64(f, "events", ly[i].events, &in);
		json__key_u64(f, "packets", ly[i].packets, &in);
		json__key_u64(f, "drops", ly[i].drops, &in);
		json__key_u64(f, "ns", ly[i].ns, &in);
		fputc('}', f);
	}
	fputc('}', f);
	json__key(f, "drop_reasons", &first);
	sub = 1;
	fputc('{', f);
	r = store__drop_reasons(s, &nr);
	for (i = 0; i < nr; i++)
		json__key_u64(f, names__drop_reason(n, r[i].reason), r[i].count, &sub);
	fputc('}', f);
	json__key(f, "functions", &first);
	json_func_hits(f, s, n, count);
	if (cost) {
		struct json_fields j = { f, 1 };

		json__key(f, "cost", &first);
		fputc('{', f);
		cost_fields(cost, cost_json, &j);
		fputc('}', f);
	}
	fputc('}', f);
	funlockfile(f);
}

/* The most hit probes, most first: what a reader looks at first in a long list. */
static void top_functions(FILE *f, const struct store *s, const struct names *n)
{
	enum {
		TOP = 10
	};
	uint32_t ids[TOP], count = names__probe_count(n), i, k, id;
	uint64_t hits[TOP];
	size_t len = 0;

	for (i = 0; i < count + SKBTOP_TP_COUNT; i++) {
		uint64_t h;

		id = i < count ? i : SKBTOP_TP_FLAG | (i - count);
		h = store__func_hits(s, id);
		if (!h || (len == TOP && h <= hits[TOP - 1]))
			continue;
		for (k = len < TOP ? (uint32_t)len++ : TOP - 1; k > 0 && hits[k - 1] < h; k--) {
			hits[k] = hits[k - 1];
			ids[k] = ids[k - 1];
		}
		hits[k] = h;
		ids[k] = id;
	}
	for (k = 0; k < len; k++)
		printable__fprintf(f, " %s %" PRIu64, names__probe(n, ids[k])->name, hits[k]);
}

void stream__stats(const struct stream *st, const struct store *s)
{
	const struct store_stats *ss = store__stats(s);
	const struct store_layer *ly = store__layers(s);
	const struct store_reason *r;
	FILE *f = st->f;
	char buf[32];
	size_t nr, i;

	if (st->format == STREAM_JSON) {
		flockfile(f);
		fputs("{\"stats\":", f);
		stream__stats_json(f, s, st->names, st->cfg, st->cost);
		fputs("}\n", f);
		funlockfile(f);
		return;
	}
	flockfile(f);
	fprintf(f, "--- skbtop statistics ---\n");
	fprintf(f, "%-18s %" PRIu64 "\n", "events", ss->events);
	fprintf(f, "%-18s %" PRIu64 "\n", "packets", ss->packets);
	fprintf(f, "%-18s %" PRIu32 "\n", "functions hit", store__funcs_hit(s));
	fprintf(f, "%-18s %" PRIu64 "\n", "lost (kernel)", ss->lost_kernel);
	fprintf(f, "%-18s %" PRIu64 "\n", "lost (queue)", ss->lost_queue);
	fprintf(f, "%-18s %" PRIu64 "\n", "evicted packets", ss->evicted_packets);
	fprintf(f, "%-18s %" PRIu64 "\n", "truncated events", ss->truncated_events);
	fprintf(f, "%-18s %" PRIu64 "\n", "bad records", ss->bad_records);
	fprintf(f, "%-18s", "fates");
	for (i = 0; i < FATE_COUNT; i++)
		if (ss->by_fate[i])
			fprintf(f, " %s %" PRIu64, fate__name((enum fate)i), ss->by_fate[i]);
	fprintf(f, "\n%-18s", "events by layer");
	for (i = 0; i < MAX_LAYERS; i++)
		if (ly[i].events)
			printable__fprintf(f, " %s %" PRIu64,
					   layer_name(st->cfg, (int)i, buf, sizeof(buf)),
					   ly[i].events);
	fprintf(f, "\n%-18s", "drops by reason");
	r = store__drop_reasons(s, &nr);
	for (i = 0; i < nr; i++)
		printable__fprintf(f, " %s %" PRIu64, names__drop_reason(st->names, r[i].reason),
				   r[i].count);
	fprintf(f, "\n%-18s", "top functions");
	top_functions(f, s, st->names);
	fputc('\n', f);
	if (st->cost) {
		fprintf(f, "%-18s", "cost");
		stream__cost_text(f, st->cost);
		fputc('\n', f);
	}
	funlockfile(f);
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/outputs/export.h"
#include "core/base/file_atomic.h"
#include "core/base/json_util.h"
#include "core/base/log.h"
#include "core/nft/nft_json.h"
#include "core/nft/nft_verdict.h"
#include "core/outputs/stream.h"

struct writer {
	FILE *f;
	struct names *n;
	const struct config *cfg;
};

static void put_tuple(FILE *f, const struct journey *j, const struct skbtop_tuple *t)
{
	char src[64], dst[64], pbuf[8];
	int first = 1;

	fputc('{', f);
	json__key_str(f, "family", family__name(t, j->l3proto), &first);
	tuple__addrs(t, src, dst, sizeof(src));
	if (src[0]) {
		json__key_str(f, "proto", proto__name(t->l4proto, pbuf, sizeof(pbuf)), &first);
		json__key_str(f, "src", src, &first);
		json__key_u64(f, "sport", t->sport, &first);
		json__key_str(f, "dst", dst, &first);
		json__key_u64(f, "dport", t->dport, &first);
		json__key_u64(f, "icmp_type", t->icmp_type, &first);
		json__key_u64(f, "icmp_code", t->icmp_code, &first);
	}
	fputc('}', f);
}

static void put_event(struct writer *w, const struct journey *j, const struct jevent *e)
{
	const struct probe_info *p = names__probe(w->n, e->func_id);
	FILE *f = w->f;
	char sym[160];
	int first = 1;

	fputc('{', f);
	json__key_u64(f, "t_ns", e->ts_ns > j->first_ns ? e->ts_ns - j->first_ns : 0, &first);
	json__key_str(f, "type", event_type__name(e->type), &first);
	json__key_str(f, "func", p->name, &first);
	if (p->module)
		json__key_str(f, "module", p->module, &first);
	json__key_str(f, "layer", layer__name(w->cfg, e->layer), &first);
	if (e->ifindex) {
		json__key_str(f, "ifname", names__ifname(w->n, e->netns, e->ifindex), &first);
		json__key_u64(f, "ifindex", e->ifindex, &first);
	}
	json__key_u64(f, "netns", e->netns, &first);
	json__key_u64(f, "cpu", e->cpu, &first);
	json__key_u64(f, "len", e->len, &first);
	json__key_u64(f, "flags", e->flags, &first);
	if (e->type == SKBTOP_EV_DROP) {
		json__key_str(f, "reason", names__drop_reason(w->n, e->reason), &first);
		json__key_u64(f, "reason_code", e->reason, &first);
		if (e->aux)
			json__key_str(f, "location", names__sym(w->n, e->aux, sym, sizeof(sym)),
				      &first);
	}
	if (e->nft >= 0 && (uint32_t)e->nft < j->n_nft) {
		json__key(f, "nft", &first);
		nft_json__write(f, w->n, e->netns, e->type, e->flags, false, &j->nft[e->nft]);
	}
	fputc('}', f);
}

/* Distinct functions in order of first sight; a set keeps long journeys linear. */
static void put_functions(struct writer *w, const struct journey *j)
{
	enum {
		SET = 1024
	}; /* > 2 * the most events a journey holds by default */
	uint32_t set[SET], i, h;
	bool used[SET] = { false }, first = true;

	fputc('[', w->f);
	for (i = 0; i < j->n_events; i++) {
		uint32_t id = j->events[i].func_id;
		size_t probes = 0;

		for (h = (id * 2654435761u) % SET; used[h] && set[h] != id && probes < SET;
		     h = (h + 1) % SET, probes++)
			;
		if (probes == SET || (used[h] && set[h] == id))
			continue;
		used[h] = true;
		set[h] = id;
		if (!first)
			fputc(',', w->f);
		first = false;
		json__str(w->f, names__probe(w->n, id)->name);
	}
	fputc(']', w->f);
}

/* The bytes captured, each with where and when, the data in hex. */
static void put_captures(struct writer *w, const struct journey *j, int *first)
{
	FILE *f = w->f;

	json__key(f, "captures", first);
	fputc('[', f);
	for (uint32_t i = 0; i < j->n_caps; i++) {
		const struct jcapture *c = &j->caps[i];
		int sub = 1;

		fputs(i ? ",{" : "{", f);
		json__key_u64(f, "t_ns", c->ts_ns - j->first_ns, &sub);
		json__key_str(f, "kind", jcapture_kind__name(c->kind), &sub);
		json__key_str(f, "ifname", names__ifname(w->n, c->netns, c->ifindex), &sub);
		json__key_u64(f, "ifindex", c->ifindex, &sub);
		json__key_u64(f, "netns", c->netns, &sub);
		json__key_u64(f, "len", c->len, &sub);
		json__key_str(f, "link", c->link == SKBTOP_LINK_ETH ? "ethernet" : "raw", &sub);
		json__key(f, "data", &sub);
		fputc('"', f);
		for (uint16_t b = 0; b < c->caplen && b < SKBTOP_SNAP_MAX; b++)
			fprintf(f, "%02x", c->data[b]);
		fputs("\"}", f);
	}
	fputc(']', f);
}

static void put_journey(struct writer *w, const struct journey *j)
{
	FILE *f = w->f;
	char sym[160];
	uint32_t i;
	int first = 1, sub, l;

	fputc('{', f);
	json__key_u64(f, "id", j->id, &first);
	json__key_u64(f, "parent", j->parent_id, &first);
	json__key_u64(f, "start_ns", j->first_ns, &first);
	json__key(f, "tuple", &first);
	put_tuple(f, j, &j->tuple);
	/* NAT: the headers it had last; its events say where they changed (SKBTOP_F_NAT). */
	if (j->translated) {
		json__key(f, "translated", &first);
		put_tuple(f, j, &j->cur_tuple);
	}
	json__key_u64(f, "l3proto", j->l3proto, &first);
	if (j->ifindex) {
		json__key_str(f, "ifname", names__ifname(w->n, j->netns, j->ifindex), &first);
		json__key_u64(f, "ifindex", j->ifindex, &first);
	}
	json__key_u64(f, "netns", j->netns, &first);
	json__key_u64(f, "mark", j->mark, &first);
	json__key_u64(f, "len", j->len, &first);
	json__key_u64(f, "pid", j->pid, &first);
	json__key_str(f, "fate", fate__name(j->fate), &first);
	json__key(f, "ended", &first);
	fputs(j->ended ? "true" : "false", f);
	if (j->fate == FATE_DROPPED) {
		json__key_str(f, "drop_reason", names__drop_reason(w->n, j->drop_reason), &first);
		json__key_u64(f, "drop_reason_code", j->drop_reason, &first);
		if (j->drop_location)
			json__key_str(f, "drop_location",
				      names__sym(w->n, j->drop_location, sym, sizeof(sym)), &first);
	}
	if (j->has_nft)
		json__key_str(f, "nft_verdict", nft_verdict__name(j->nft_verdict), &first);
	json__key_u64(f, "duration_ns", j->last_ns - j->first_ns, &first);
	json__key_u64(f, "events_truncated", j->events_truncated, &first);
	json__key(f, "layers", &first);
	fputc('{', f);
	for (l = 0, sub = 1; l < MAX_LAYERS; l++)
		if (j->layer_events[l] || j->layer_ns[l])
			json__key_u64(f, layer__name(w->cfg, l), j->layer_ns[l], &sub);
	fputc('}', f);
	json__key(f, "layer_events", &first);
	fputc('{', f);
	for (l = 0, sub = 1; l < MAX_LAYERS; l++)
		if (j->layer_events[l])
			json__key_u64(f, layer__name(w->cfg, l), j->layer_events[l], &sub);
	fputc('}', f);
	json__key(f, "functions", &first);
	put_functions(w, j);
	if (j->n_caps)
		put_captures(w, j, &first);
	json__key(f, "events", &first);
	fputc('[', f);
	for (i = 0; i < j->n_events; i++) {
		if (i)
			fputc(',', f);
		fputs("\n  ", f);
		put_event(w, j, &j->events[i]);
	}
	fputs("]}", f);
}

/* The statistics of one journey, for a packet file. */
static void put_journey_stats(FILE *f, const struct journey *j)
{
	int first = 1, sub = 1, i;

	fputc('{', f);
	json__key_u64(f, "events", (uint64_t)j->n_events + j->events_truncated, &first);
	json__key_u64(f, "packets", 1, &first);
	json__key_u64(f, "truncated_events", j->events_truncated, &first);
	json__key(f, "fates", &first);
	fputc('{', f);
	for (i = 0; i < FATE_COUNT; i++)
		json__key_u64(f, fate__name((enum fate)i), j->fate == (enum fate)i, &sub);
	fputs("}}", f);
}

static void put_header(struct writer *w, const struct export_meta *m)
{
	const char *kernel = m ? m->kernel : NULL, *created = m ? m->created : NULL;
	char now[32];
	struct utsname u;
	time_t t = time(NULL);
	struct tm tm;
	int first = 1, l;

	if (!kernel)
		kernel = uname(&u) ? "unknown" : u.release;
	if (!created) {
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		created = now;
	}
	fputc('{', w->f);
	json__key_str(w->f, "format", EXPORT_FORMAT, &first);
	json__key_u64(w->f, "version", EXPORT_VERSION, &first);
	json__key_str(w->f, "kernel", kernel, &first);
	json__key_str(w->f, "backend", m && m->backend ? m->backend : "unknown", &first);
	json__key_str(w->f, "created", created, &first);
	fputs(",\n\"layers\":[", w->f);
	for (l = 0; w->cfg && l < w->cfg->n_layers; l++) {
		if (l)
			fputc(',', w->f);
		json__str(w->f, layer__name(w->cfg, l));
	}
	fputs("],\n", w->f);
}

struct saving {
	struct writer *w;
	void (*body)(struct writer *w, const void *arg);
	const void *arg;
};

static int fill_body(FILE *f, void *arg)
{
	struct saving *sv = arg;

	sv->w->f = f;
	sv->body(sv->w, sv->arg);
	return 0;
}

/* Sessions hold what the user captured: mode 0600, all or nothing. */
static int write_atomic(const char *path, struct writer *w,
			void (*body)(struct writer *w, const void *arg), const void *arg)
{
	struct saving sv = { w, body, arg };
	int err;

	if (!*path) {
		p_err("export: empty file name");
		return -1;
	}
	err = file__write_atomic(path, 0600, fill_body, &sv);
	if (!err)
		return 0;
	p_err("%s: cannot save: %s", path, strerror(-err));
	errno = -err;
	return -1;
}

struct session_arg {
	const struct store *s;
	const struct export_meta *m;
};

static void session_body(struct writer *w, const void *arg)
{
	const struct session_arg *a = arg;
	size_t i, len = store__len(a->s);

	put_header(w, a->m);
	fputs("\"stats\":", w->f);
	stream__stats_json(w->f, a->s, w->n, w->cfg, a->m ? a->m->cost : NULL);
	fputs(",\n\"packets\":[", w->f);
	for (i = 0; i < len; i++) {
		fputs(i ? ",\n" : "\n", w->f);
		put_journey(w, store__at(a->s, i));
	}
	fputs("]}\n", w->f);
}

int export__session(const char *path, const struct store *s, struct names *n,
		    const struct config *cfg, const struct export_meta *m)
{
	struct writer w = { .n = n, .cfg = cfg };
	struct session_arg a = { .s = s, .m = m };

	return write_atomic(path, &w, session_body, &a);
}

struct journey_arg {
	const struct journey *j;
	const struct export_meta *m;
};

static void journey_body(struct writer *w, const void *arg)
{
	const struct journey_arg *a = arg;

	put_header(w, a->m);
	fputs("\"stats\":", w->f);
	put_journey_stats(w->f, a->j);
	fputs(",\n\"packets\":[\n", w->f);
	put_journey(w, a->j);
	fputs("]}\n", w->f);
}

int export__journey(const char *path, const struct store *s, const struct journey *j,
		    struct names *n, const struct config *cfg, const struct export_meta *m)
{
	struct writer w = { .n = n, .cfg = cfg };
	struct journey_arg a = { .j = j, .m = m };

	(void)s; /* a journey carries all it needs; the store stays in the API for symmetry */

	if (!j) {
		p_err("%s: no packet selected to save", path);
		return -1;
	}
	return write_atomic(path, &w, journey_body, &a);
}

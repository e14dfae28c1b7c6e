// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/outputs/metrics.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_verdict.h"
#include "core/base/printable.h"
#include "core/base/strmap.h"

struct metrics {
	const struct config *cfg;
	const struct names *names;
	/* "family\ttable\tchain\thandle\tverdict" -> count; chains have no handle field */
	struct strmap rules, chains;
};

struct metrics *metrics__new(const struct config *cfg, const struct names *names)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m) {
		m->cfg = cfg;
		m->names = names;
	}
	return m;
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	strmap__free(&m->rules);
	strmap__free(&m->chains);
	free(m);
}

static int bump(struct strmap *map, const char *key)
{
	uint64_t n = 0;

	strmap__get(map, key, &n);
	return strmap__put(map, key, n + 1) ? -ENOMEM : 0;
}

int metrics__count(struct metrics *m, const void *rec, size_t size)
{
	const struct skbtop_nft_event *e = rec;
	char key[3 * SKBTOP_NAME_LEN + 64], handle[32] = "";
	struct nft_vdecoded v;

	if (size < sizeof(*e) ||
	    (e->ev.hdr.type != SKBTOP_EV_NFT_RULE && e->ev.hdr.type != SKBTOP_EV_NFT_CHAIN))
		return 0;
	/* A chain's entry decides nothing; a rule's continue or jump is no verdict either. */
	if (e->ev.hdr.type == SKBTOP_EV_NFT_CHAIN && !(e->ev.hdr.flags & SKBTOP_F_EXIT))
		return 0;
	v = nft_verdict__split(e->verdict);
	if (e->ev.hdr.type == SKBTOP_EV_NFT_RULE && !nft_vkind__is_final(v.kind))
		return 0;
	/* A rule event without a handle carries the chain's own verdict: its policy. */
	if (e->ev.hdr.type == SKBTOP_EV_NFT_RULE &&
	    (e->ev.hdr.flags & SKBTOP_F_POLICY || !e->rule_handle))
		strcpy(handle, "policy");
	else if (e->ev.hdr.type == SKBTOP_EV_NFT_RULE)
		snprintf(handle, sizeof(handle), "%llu", (unsigned long long)e->rule_handle);
	snprintf(key, sizeof(key), "%s\t%.*s\t%.*s\t%s%s%s", nfproto__label(e->family),
		 SKBTOP_NAME_LEN, e->table, SKBTOP_NAME_LEN, e->chain, handle,
		 handle[0] ? "\t" : "", nft_vkind__name(v.kind));
	return bump(e->ev.hdr.type == SKBTOP_EV_NFT_RULE ? &m->rules : &m->chains, key);
}

void metrics__label(FILE *out, const char *value)
{
	char safe[512];

	printable__copy(safe, sizeof(safe), value);
	for (const char *p = safe; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', out);
		fputc(*p, out);
	}
}

static void header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

struct ranked {
	const char *key;
	uint64_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* The series of a verdict map: labels from the key's tab-separated fields, top n, then the rest. */
static int verdict_series(FILE *out, const char *name, const struct strmap *map,
			  const char *const *labels, int n_labels)
{
	struct ranked *v = calloc(map->n + 1, sizeof(*v));
	uint64_t rest = 0;
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < map->cap; i++)
		if (map->v[i].key)
			v[n++] = (struct ranked){ map->v[i].key, map->v[i].val };
	qsort(v, n, sizeof(*v), by_count);
	for (size_t i = 0; i < n; i++) {
		const char *field = v[i].key;

		if (i >= METRICS_TOP_RULES) {
			rest += v[i].n;
			continue;
		}
		fprintf(out, "%s{", name);
		for (int l = 0; l < n_labels; l++) {
			size_t len = strcspn(field, "\t");
			char buf[SKBTOP_NAME_LEN + 1];

			snprintf(buf, sizeof(buf), "%.*s", (int)len, field);
			fprintf(out, "%s%s=\"", l ? "," : "", labels[l]);
			metrics__label(out, buf);
			fputc('"', out);
			field += len + (field[len] ? 1 : 0);
		}
		fprintf(out, "} %" PRIu64 "\n", v[i].n);
	}
	if (rest) {
		fprintf(out, "%s{", name);
		for (int l = 0; l < n_labels; l++)
			fprintf(out, "%s%s=\"other\"", l ? "," : "", labels[l]);
		fprintf(out, "} %" PRIu64 "\n", rest);
	}
	free(v);
	return 0;
}

static void layers(FILE *out, const struct metrics *m, const struct store *s)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "skbtop_layer_events_total", "Events seen in each layer." },
		{ "skbtop_layer_packets_total", "Packets with at least one event in each layer." },
		{ "skbtop_layer_drops_total", "Packets dropped while in each layer." },
		{ "skbtop_layer_seconds_total", "Time packets spent in each layer." },
	};
	const struct store_layer *l = store__layers(s);

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		header(out, fam[f].name, "counter", fam[f].help);
		for (int i = 0; m->cfg && i < m->cfg->n_layers; i++) {
			uint64_t v = f == 0 ? l[i].events : f == 1 ? l[i].packets : l[i].drops;

			fprintf(out, "%s{layer=\"", fam[f].name);
			metrics__label(out, layer__name(m->cfg, i));
			if (f == 3)
				fprintf(out, "\"} %.9f\n", l[i].ns / 1e9);
			else
				fprintf(out, "\"} %" PRIu64 "\n", v);
		}
	}
}

static int drops(FILE *out, const struct metrics *m, const struct store *s)
{
	size_t n;
	const struct store_reason *r = store__drop_reasons(s, &n);
	struct ranked *v = calloc(n + 1, sizeof(*v));
	uint64_t rest = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct ranked){ names__drop_reason(m->names, r[i].reason), r[i].count };
	qsort(v, n, sizeof(*v), by_count);
	header(out, "skbtop_drops_total", "counter",
	       "Packets dropped, by the kernel's drop reason.");
	for (size_t i = 0; i < n; i++) {
		if (i >= METRICS_TOP_REASONS) {
			rest += v[i].n;
			continue;
		}
		fputs("skbtop_drops_total{reason=\"", out);
		metrics__label(out, v[i].key);
		fprintf(out, "\"} %" PRIu64 "\n", v[i].n);
	}
	if (rest)
		fprintf(out, "skbtop_drops_total{reason=\"other\"} %" PRIu64 "\n", rest);
	free(v);
	return 0;
}

/* The cost of the last interval, as gauges; the BPF ones only with the kernel's statistics. */
static void cost(FILE *out, const struct cost_figures *c)
{
	const struct {
		const char *name, *help;
		int decimals;
		double v;
		bool bpf;
	} g[] = {
		{ "skbtop_cost_cpu_ratio",
		  "CPU the tracer took over the last interval, BPF and process, in CPUs.", 6,
		  c ? c->cpu_pct / 100 : 0, false },
		{ "skbtop_cost_process_cpu_ratio",
		  "CPU skbtop's process took over the last interval, in CPUs.", 6,
		  c ? c->process_cpu_pct / 100 : 0, false },
		{ "skbtop_cost_bpf_cpu_ratio",
		  "CPU skbtop's BPF programs took over the last second sampled, in CPUs.", 6,
		  c ? c->bpf_cpu_pct / 100 : 0, true },
		{ "skbtop_cost_bpf_run_seconds",
		  "Mean run time of skbtop's BPF programs over the last second sampled.", 9,
		  c ? c->bpf_ns_per_run / 1e9 : 0, true },
		{ "skbtop_cost_bpf_runs_per_second",
		  "Runs of skbtop's BPF programs per second over the last second sampled.", 1,
		  c ? c->bpf_runs_per_s : 0, true },
	};

	if (!c || !c->measured)
		return;
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		if (g[i].bpf && !c->bpf_known)
			continue;
		header(out, g[i].name, "gauge", g[i].help);
		fprintf(out, "%s %.*f\n", g[i].name, g[i].decimals, g[i].v);
	}
}

int metrics__render(const struct metrics *m, const struct store *s, const struct cost_figures *c,
		    FILE *out)
{
	static const char *const rule_labels[] = { "family", "table", "chain", "handle",
						   "verdict" };
	static const char *const chain_labels[] = { "family", "table", "chain", "verdict" };
	const struct store_stats *st = store__stats(s);

	header(out, "skbtop_events_total", "counter", "Events that joined a packet's journey.");
	fprintf(out, "skbtop_events_total %" PRIu64 "\n", st->events);
	header(out, "skbtop_packets_total", "counter", "Packets (journeys) followed.");
	fprintf(out, "skbtop_packets_total %" PRIu64 "\n", st->packets);
	layers(out, m, s);
	if (drops(out, m, s))
		return -ENOMEM;
	header(out, "skbtop_fates_total", "counter", "Packets that ended, by fate.");
	for (int f = FATE_IN_FLIGHT + 1; f < FATE_COUNT; f++)
		fprintf(out, "skbtop_fates_total{fate=\"%s\"} %" PRIu64 "\n", fate__name(f),
			st->by_fate[f]);
	/* A packet leaves this count when it ends: a gauge. */
	header(out, "skbtop_packets_in_flight", "gauge", "Packets whose end was not seen.");
	fprintf(out, "skbtop_packets_in_flight %" PRIu64 "\n", st->by_fate[FATE_IN_FLIGHT]);
	header(out, "skbtop_nft_rule_verdicts_total", "counter",
	       "Final nftables verdicts by rule handle (policy: the chain's policy).");
	if (verdict_series(out, "skbtop_nft_rule_verdicts_total", &m->rules, rule_labels, 5))
		return -ENOMEM;
	header(out, "skbtop_nft_chain_verdicts_total", "counter", "Verdicts base chains returned.");
	if (verdict_series(out, "skbtop_nft_chain_verdicts_total", &m->chains, chain_labels, 4))
		return -ENOMEM;
	header(out, "skbtop_events_lost_total", "counter",
	       "Events lost: kernel (ring buffer full), queue (user space), nft_trace (netlink).");
	fprintf(out,
		"skbtop_events_lost_total{where=\"kernel\"} %" PRIu64 "\n"
		"skbtop_events_lost_total{where=\"queue\"} %" PRIu64 "\n"
		"skbtop_events_lost_total{where=\"nft_trace\"} %" PRIu64 "\n",
		st->lost_kernel, st->lost_queue, st->lost_nft_trace);
	header(out, "skbtop_records_refused_total", "counter", "Records the decoder refused.");
	fprintf(out, "skbtop_records_refused_total %" PRIu64 "\n", st->bad_records);
	header(out, "skbtop_packets_evicted_total", "counter",
	       "Packets dropped from the store to respect its bound.");
	fprintf(out, "skbtop_packets_evicted_total %" PRIu64 "\n", st->evicted_packets);
	cost(out, c);
	return ferror(out) ? -EIO : 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/json_util.h"
#include "core/nft/nf_names.h"
#include "core/base/printable.h"
#include "core/nft/nft_verdict.h"
#include "core/session/store.h"

/* Kernel uapi values, spelled out so this module stays usable in replay on any machine. */
#define NF_DROP			0
#define NF_STOP			5
#define NF_VERDICT_MASK		0x000000ffu
#define NF_VERDICT_QBITS	16
#define NF_VERDICT_FLAG_QBYPASS 0x00008000u
#define NFT_CONTINUE		-1
#define NFT_BREAK		-2
#define NFT_JUMP		-3
#define NFT_GOTO		-4
#define NFT_RETURN		-5

static const char *const kind_names[NFT_V_COUNT] = {
	[NFT_V_DROP] = "drop",	       [NFT_V_ACCEPT] = "accept", [NFT_V_STOLEN] = "stolen",
	[NFT_V_QUEUE] = "queue",       [NFT_V_REPEAT] = "repeat", [NFT_V_STOP] = "stop",
	[NFT_V_CONTINUE] = "continue", [NFT_V_BREAK] = "break",	  [NFT_V_JUMP] = "jump",
	[NFT_V_GOTO] = "goto",	       [NFT_V_RETURN] = "return", [NFT_V_UNKNOWN] = "unknown",
};

struct nft_vdecoded nft_verdict__split(int32_t code)
{
	struct nft_vdecoded d = { .kind = NFT_V_UNKNOWN };
	uint32_t u = (uint32_t)code;

	switch (code) {
	case NFT_CONTINUE:
		d.kind = NFT_V_CONTINUE;
		return d;
	case NFT_BREAK:
		d.kind = NFT_V_BREAK;
		return d;
	case NFT_JUMP:
		d.kind = NFT_V_JUMP;
		return d;
	case NFT_GOTO:
		d.kind = NFT_V_GOTO;
		return d;
	case NFT_RETURN:
		d.kind = NFT_V_RETURN;
		return d;
	}
	if (code < 0)
		return d;
	switch (u & NF_VERDICT_MASK) {
	case 0:
		d.kind = NFT_V_DROP;
		d.err = (int)(u >> NF_VERDICT_QBITS);
		break;
	case 1:
		d.kind = NFT_V_ACCEPT;
		break;
	case 2:
		/* Since 6.7 nft_do_chain frees a dropped skb itself and says so this way. */
		d.err = (int)(u >> NF_VERDICT_QBITS);
		d.kind = d.err ? NFT_V_DROP : NFT_V_STOLEN;
		break;
	case 3:
		d.kind = NFT_V_QUEUE;
		d.queue = (uint16_t)(u >> NF_VERDICT_QBITS);
		d.queue_bypass = u & NF_VERDICT_FLAG_QBYPASS;
		break;
	case 4:
		d.kind = NFT_V_REPEAT;
		break;
	case 5:
		d.kind = NFT_V_STOP;
		break;
	}
	return d;
}

const char *nft_vkind__name(enum nft_vkind kind)
{
	if ((unsigned)kind >= NFT_V_COUNT)
		kind = NFT_V_UNKNOWN;
	return kind_names[kind];
}

bool nft_vkind__is_final(enum nft_vkind kind)
{
	return kind == NFT_V_DROP || kind == NFT_V_ACCEPT || kind == NFT_V_STOLEN ||
	       kind == NFT_V_QUEUE || kind == NFT_V_STOP;
}

int32_t nft_verdict__decode(int32_t code)
{
	if (nft_verdict__split(code).kind == NFT_V_DROP)
		return NF_DROP;
	return code < 0 ? code : (int32_t)((uint32_t)code & NF_VERDICT_MASK);
}

const char *nft_verdict__name(int32_t code)
{
	enum nft_vkind kind = nft_verdict__split(code).kind;

	return kind == NFT_V_UNKNOWN ? "?" : nft_vkind__name(kind);
}

int32_t nft_verdict__parse(const char *name)
{
	int32_t code;

	for (code = NFT_RETURN; code <= NF_STOP; code++)
		if (!strcmp(nft_verdict__name(code), name))
			break;
	return code;
}

struct vcount {
	char key[3 * 40 + 24]; /* "family table chain" or "family table chain #handle" */
	uint64_t n[NFT_V_COUNT];
	uint64_t policy;
};

struct vtable {
	struct vcount *v;
	size_t n, cap;
};

static struct vcount *vcount_get(struct vtable *t, const char *key)
{
	struct vcount *p;

	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].key, key))
			return &t->v[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		p = realloc(t->v, cap * sizeof(*p));
		if (!p)
			return NULL;
		t->v = p;
		t->cap = cap;
	}
	p = &t->v[t->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->key, sizeof(p->key), "%s", key);
	return p;
}

/* Keys are names from the traced namespaces: written by the JSON and printable writers only. */
static void vtable_print(FILE *f, const char *name, const struct vtable *t, bool json)
{
	int top = 0; /* the object's first keys precede these */

	if (json) {
		json__key(f, name, &top);
		putc_unlocked('{', f);
	} else {
		fprintf(f, "%s:\n", name);
	}
	top = 1;
	for (size_t i = 0; i < t->n; i++) {
		int first = 1;

		if (json) {
			json__key(f, t->v[i].key, &top);
			putc_unlocked('{', f);
		} else {
			printable__fprintf(f, "  %s:", t->v[i].key);
		}
		for (int k = 0; k < NFT_V_COUNT; k++) {
			if (!t->v[i].n[k])
				continue;
			if (json) {
				json__key(f, nft_vkind__name(k), &first);
				json__u64(f, t->v[i].n[k]);
			} else {
				fprintf(f, " %s %" PRIu64, nft_vkind__name(k), t->v[i].n[k]);
			}
		}
		if (t->v[i].policy) {
			if (json) {
				json__key(f, "policy", &first);
				json__u64(f, t->v[i].policy);
			} else {
				fprintf(f, " (policy %" PRIu64 ")", t->v[i].policy);
			}
		}
		fputs(json ? "}" : "\n", f);
	}
	if (json)
		fputc('}', f);
}

void nft_verdict__stats(FILE *f, const struct store *s, bool json)
{
	struct vtable chains = {}, rules = {};
	uint64_t entered = 0, steps = 0;
	char key[160];

	for (size_t i = 0; i < store__len(s); i++) {
		const struct journey *j = store__at(s, i);

		for (uint32_t e = 0; e < j->n_events; e++) {
			const struct jevent *ev = &j->events[e];
			const struct jnft *x;
			struct vcount *c;

			if (ev->nft < 0 || (uint32_t)ev->nft >= j->n_nft)
				continue;
			x = &j->nft[ev->nft];
			snprintf(key, sizeof(key), "%s %s %s", nfproto__label(x->family), x->table,
				 x->chain);
			if (ev->type == SKBTOP_EV_NFT_CHAIN && !(ev->flags & SKBTOP_F_EXIT)) {
				entered++;
				continue;
			}
			if (ev->type == SKBTOP_EV_NFT_CHAIN) {
				c = vcount_get(&chains, key);
			} else if (ev->type == SKBTOP_EV_NFT_RULE) {
				steps++;
				if (x->rule_handle) {
					size_t n = strlen(key);

					snprintf(key + n, sizeof(key) - n, " #%" PRIu64,
						 x->rule_handle);
				}
				c = vcount_get(&rules, key);
			} else {
				continue;
			}
			if (!c)
				continue;
			c->n[nft_verdict__split(x->verdict).kind]++;
			if (ev->flags & SKBTOP_F_POLICY)
				c->policy++;
		}
	}
	flockfile(f);
	if (json)
		fprintf(f, "{\"nft_stats\":{\"chains_entered\":%" PRIu64 ",\"rule_steps\":%" PRIu64,
			entered, steps);
	else
		fprintf(f, "--- nft ---\nchains entered %" PRIu64 ", rule steps %" PRIu64 "\n",
			entered, steps);
	vtable_print(f, "verdicts_by_chain", &chains, json);
	vtable_print(f, "verdicts_by_rule", &rules, json);
	if (json)
		fputs("}}\n", f);
	funlockfile(f);
	free(chains.v);
	free(rules.v);
}

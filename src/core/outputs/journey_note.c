// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/outputs/journey_note.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_verdict.h"

struct note {
	char *buf;
	size_t len, at;
};

static void add(struct note *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct note *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->at >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->at, o->len - o->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->at = o->at + (size_t)n < o->len ? o->at + (size_t)n : o->len - 1;
}

static void verdicts(struct note *o, const struct journey *j, struct names *n)
{
	bool any = false;

	for (uint32_t i = 0; i < j->n_events; i++) {
		const struct jevent *e = &j->events[i];
		const struct jnft *x;
		const char *text;

		if (e->nft < 0 || (uint32_t)e->nft >= j->n_nft || e->type != SKBTOP_EV_NFT_RULE)
			continue;
		x = &j->nft[e->nft];
		add(o, "%s %s %s %s", any ? ";" : "; nft:", nfproto__label(x->family), x->table,
		    x->chain);
		if (x->rule_handle)
			add(o, " handle %" PRIu64, x->rule_handle);
		else
			add(o, " policy");
		add(o, " %s", nft_verdict__name(x->verdict));
		text = x->rule_handle
			       ? names__rule_text(n, e->netns, x->family, x->table, x->rule_handle)
			       : NULL;
		if (text)
			add(o, " \"%s\"", text);
		any = true;
	}
}

char *journey_note(char *buf, size_t len, const struct journey *j, struct names *n,
		   const struct config *cfg)
{
	struct note o = { buf, len, 0 };
	char sym[128];
	bool first = true;

	if (!len)
		return buf;
	buf[0] = '\0';
	add(&o, "skbtop packet %" PRIu64 ": %s", j->id, fate__name(j->fate));
	if (j->fate == FATE_DROPPED) {
		add(&o, " %s", names__drop_reason(n, j->drop_reason));
		if (j->drop_location)
			add(&o, " at %s", names__sym(n, j->drop_location, sym, sizeof(sym)));
	}
	verdicts(&o, j, n);
	if (j->flowtable)
		add(&o, "; " STORE_FLOWTABLE_NOTE);
	add(&o, "; %" PRIu64 " ns in", j->last_ns - j->first_ns);
	for (int l = 0; cfg && l < cfg->n_layers && l < MAX_LAYERS; l++) {
		if (!j->layer_events[l])
			continue;
		add(&o, "%s %s %" PRIu64 " ns", first ? "" : ",", layer__name(cfg, l),
		    j->layer_ns[l]);
		first = false;
	}
	add(&o, "; %u events", j->n_events + j->events_truncated);
	return buf;
}

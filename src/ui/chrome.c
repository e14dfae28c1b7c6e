// SPDX-License-Identifier: GPL-2.0
/* The frame around the panes: the header (is it working?) and the footer (what can I press?). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "ui/chrome.h"
#include "ui/draw.h"

/* A piece of the header's second line; pieces are two blanks apart. */
struct seg {
	enum role role;
	char text[320];
};

enum {
	MAX_SEGS = 9,
	SEG_GAP = 2,
};

static __attribute__((format(printf, 4, 5))) struct seg *seg_add(struct seg *v, int *n,
								 enum role role, const char *fmt,
								 ...)
{
	struct seg *s = &v[(*n)++];
	va_list ap;

	s->role = role;
	va_start(ap, fmt);
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	va_end(ap);
	return s;
}

/*
 * The most the cost can say in w columns beside counts columns of figures and tail columns of
 * filters: with the filters whole when they fit, else with what the counts leave (the filters
 * are cut anyway).
 */
static void fit_cost(const struct cost_figures *c, struct seg *s, int counts, int tail, int w)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int form = 0; form < VM_COST_FORMS; form++) {
			vm__fmt_cost(c, form, s->text, sizeof(s->text));
			if (counts + (pass ? 0 : tail) + text_width(s->text) + SEG_GAP <= w)
				return;
		}
	}
}

static int segs_width(const struct seg *v, int from, int to)
{
	int w = 0;

	for (int i = from; i < to; i++)
		w += v[i].text[0] ? text_width(v[i].text) + SEG_GAP : 0;
	return w;
}

/* The figures: rates, the cost, counts, what is traced and filtered, a degraded mode. */
static void line_two(struct ui *ui, const struct store_stats *st, int y)
{
	const struct ui_feed *f = ui->feed;
	const struct rect *h = &ui->lay.header;
	char rate[32], pk[32], held[32], lost[32], ev[32], filt[160];
	uint64_t nlost = st->lost_kernel + st->lost_queue;
	struct seg v[MAX_SEGS], *cost = NULL;
	int n = 0, n_counts, x = h->x + 1, end = h->x + h->w;

	vm__fmt_rate(ui->ev_rate, rate, sizeof(rate));
	vm__fmt_count(st->packets, pk, sizeof(pk));
	vm__fmt_count(store__len(ui->store), held, sizeof(held));
	vm__fmt_count(nlost, lost, sizeof(lost));
	vm__fmt_count(st->evicted_packets, ev, sizeof(ev));
	if (f->live)
		seg_add(v, &n, ROLE_NORMAL, "%s ev/s", rate);
	if (f->cost)
		cost = seg_add(v, &n, f->cost->bpf_known ? ROLE_NORMAL : ROLE_WARN, "%s", "");
	seg_add(v, &n, ROLE_NORMAL, "packets %s (held %s)", pk, held);
	seg_add(v, &n, nlost ? ROLE_WARN : ROLE_NORMAL, "lost %s", lost);
	if (st->lost_nft_trace)
		seg_add(v, &n, ROLE_WARN, "nft trace overflowed %" PRIu64 "x", st->lost_nft_trace);
	seg_add(v, &n, st->evicted_packets ? ROLE_WARN : ROLE_NORMAL, "evicted %s", ev);
	n_counts = n;
	vm_filter__describe(&ui->filter, ui->cfg, filt, sizeof(filt));
	if (f->filter && f->filter[0])
		seg_add(v, &n, ROLE_TITLE, "trace: %s", f->filter);
	if (filt[0])
		seg_add(v, &n, ROLE_TITLE, "filter: %s", filt);
	if (cost)
		fit_cost(f->cost, cost, 1 + segs_width(v, 0, n_counts), segs_width(v, n_counts, n),
			 h->w);
	/* Last and cut first: the first line says why. */
	if (f->notice)
		seg_add(v, &n, ROLE_WARN, "%s", f->notice);
	for (int i = 0; i < n && x < end; i++)
		x += draw_text(y, x, end - x, v[i].role, v[i].text, false) + SEG_GAP;
}

void chrome__header(struct ui *ui)
{
	const struct ui_feed *f = ui->feed;
	const struct store_stats *st = store__stats(ui->store);
	const struct rect *h = &ui->lay.header;
	char left[512], right[64];
	const char *follow = ui->follow ? ", following" : "";
	int rw;

	/* Counts before the reason: on a narrow screen the reason is what gets cut. */
	if (ui->starting)
		snprintf(left, sizeof(left), " skbtop %s  starting: %s%s", SKBTOP_VERSION,
			 ui->starting, ui->utf8 ? "…" : "...");
	else if (f->live)
		snprintf(left, sizeof(left),
			 " skbtop %s  backend %s, %u fn + %u tp attached, %u failed%s%s",
			 SKBTOP_VERSION, f->backend ? f->backend : "?", f->attached, f->tp_attached,
			 f->failed, f->backend_why ? ": " : "",
			 f->backend_why ? f->backend_why : "");
	else
		snprintf(left, sizeof(left), " skbtop %s  replay %s  backend %s", SKBTOP_VERSION,
			 f->source ? f->source : "", f->backend ? f->backend : "?");
	if (ui->starting)
		snprintf(right, sizeof(right), "starting ");
	else if (ui->paused)
		snprintf(right, sizeof(right), "%s paused%s ", ui->utf8 ? "⏸" : "||", follow);
	else if (f->live)
		snprintf(right, sizeof(right), "%s live%s ", ui->utf8 ? "▶" : ">", follow);
	else
		snprintf(right, sizeof(right), "replay%s ", follow);
	rw = text_width(right);
	draw_text(h->y, h->x, h->w, ROLE_HEADER, "", true);
	draw_text(h->y, h->x, h->w - rw - 1, ROLE_HEADER, left, false);
	draw_text(h->y, h->x + h->w - rw, rw, ROLE_HEADER, right, false);

	line_two(ui, st, h->y + 1);
}

static int hint(int y, int x, int end, const char *key, const char *what)
{
	if (x + text_width(key) + text_width(what) + 2 > end)
		return end;
	char label[80];

	/* htop's function bar: the key plain, what it does on a coloured label. */
	snprintf(label, sizeof(label), " %s ", what);
	x += draw_text(y, x, end - x, ROLE_KEY, key, false);
	x += draw_text(y, x, end - x, ROLE_HINT, label, false);
	return x + draw_text(y, x, end - x, ROLE_NORMAL, " ", false);
}

void chrome__footer(struct ui *ui)
{
	const struct rect *f = &ui->lay.footer;
	const struct key_binding *t;
	size_t n;
	int x = f->x, end = f->x + f->w;
	char word[64];

	draw_text(f->y, f->x, f->w, ROLE_NORMAL, "", true);
	if (ui->mode == MODE_PROMPT) {
		char line[PROMPT_LEN + 32];

		snprintf(line, sizeof(line), "%s: %s",
			 ui->prompt == PROMPT_SAVE ? "save to" : "search", ui->prompt_buf);
		x += draw_text(f->y, x, f->w - 40, ROLE_STATUS, line, false);
		draw_text(f->y, x, 1, ROLE_SEL, " ", true);
		x = end - 38;
	} else if (ui->status[0] && ui__now_ms() < ui->status_until_ms) {
		draw_text(f->y, f->x, f->w, ROLE_STATUS, ui->status, false);
		return;
	}
	t = keys__table(&n);
	/* The way out is always shown: it goes at the right end before the others fill in. */
	for (size_t i = 0; i < n; i++) {
		if (t[i].act != ACT_QUIT || !t[i].footer || !(t[i].modes & MODE_BIT(ui->mode)))
			continue;
		end -= text_width(t[i].label) + text_width(t[i].hint) + 2;
		hint(f->y, end, f->x + f->w, t[i].label, t[i].hint);
		end -= 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!t[i].footer || t[i].act == ACT_QUIT || !(t[i].modes & MODE_BIT(ui->mode)))
			continue;
		snprintf(word, sizeof(word), "%s", t[i].hint);
		x = hint(f->y, x, end, t[i].label, word);
	}
}

void chrome__too_small(int cols, int rows)
{
	char msg[128];
	int y = rows / 2 - 1;

	snprintf(msg, sizeof(msg), "terminal too small: %dx%d, skbtop needs %dx%d", cols, rows,
		 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	if (y < 0)
		y = 0;
	draw_text(y, 0, cols, ROLE_WARN, msg, false);
	if (y + 1 < rows)
		draw_text(y + 1, 0, cols, ROLE_NORMAL, "enlarge the window, or press q to quit",
			  false);
}

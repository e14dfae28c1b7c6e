// SPDX-License-Identifier: GPL-2.0
/*
 * Per-layer counters; Enter makes the selected layer the filter (again: no layer filter). 'H'
 * turns the pane into each layer's histogram of the time packets spent in it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

enum {
	C_NAME,
	C_EV,
	C_PKTS,
	C_RATE,
	C_DROPS,
	C_TIME,
	C_N
};

static size_t page_of(const struct ui *ui)
{
	int h = ui->lay.pane[PANE_LAYERS].h - 3;

	return h > 0 ? (size_t)h : 1;
}

/* Layers nothing went through are left out: on a small screen they would hide the others. */
static size_t visible(const struct ui *ui, int *idx)
{
	size_t n = 0;

	for (int l = 0; l < ui->layers.n; l++)
		if (ui->layers.rows[l].packets || ui->filter.layer == l)
			idx[n++] = l;
	return n;
}

/* Counts abbreviate (12.4k) when the pane is narrow, so names and counts still fit. */
static void count(const struct ui *ui, uint64_t v, char *buf, size_t len)
{
	if (ui->lay.wide || v < 10000)
		vm__fmt_count(v, buf, len);
	else
		vm__fmt_rate((double)v, buf, len);
}

/* A histogram line: a layer's title (bucket -1) or one of its buckets. */
struct hline {
	int layer, bucket;
};

#define MAX_HLINES (MAX_LAYERS * (VM_HIST_BUCKETS + 1))

/* From the first bucket that counted to the last, as bcc prints them. */
static size_t hist_lines(const struct ui *ui, struct hline *v)
{
	int idx[MAX_LAYERS], first, last;
	size_t n = 0, nl = visible(ui, idx);

	for (size_t i = 0; i < nl; i++) {
		const struct vm_layer_row *row = &ui->layers.rows[idx[i]];

		if (!vm_hist__span(row->hist, &first, &last))
			continue;
		v[n++] = (struct hline){ idx[i], -1 };
		for (int b = first; b <= last; b++)
			v[n++] = (struct hline){ idx[i], b };
	}
	return n;
}

static void draw_hist(struct ui *ui, const struct rect *r, bool focused)
{
	static struct hline v[MAX_HLINES];
	struct scroll *sc = &ui->sc[PANE_LAYERS];
	struct rect in = draw_frame(r, "Time per layer", focused);
	size_t n = hist_lines(ui, v), page = in.h > 0 ? (size_t)in.h : 1;
	bool wide = in.w >= 30;

	/* The pane scrolls its view, not a cursor, as the help does. */
	scroll__clamp(sc, n, page);
	if (!n)
		draw_text(in.y, in.x, in.w, ROLE_DIM, "no packet timed yet", false);
	for (size_t i = sc->top; i < n && i - sc->top < page; i++) {
		const struct vm_layer_row *row = &ui->layers.rows[v[i].layer];
		int y = in.y + (int)(i - sc->top);
		char line[160], cnt[24], bar[64];
		uint64_t lo, hi, max = 0;
		int bar_w;

		if (v[i].bucket < 0) {
			vm__fmt_count(row->packets, cnt, sizeof(cnt));
			snprintf(line, sizeof(line), "%s  %s pkts, %s",
				 vm__layer_name(ui->cfg, v[i].layer), cnt, "usecs");
			draw_text(y, in.x, in.w, ROLE_TITLE, line, false);
			continue;
		}
		for (int b = 0; b < VM_HIST_BUCKETS; b++)
			if (row->hist[b] > max)
				max = row->hist[b];
		vm_hist__range(v[i].bucket, &lo, &hi);
		vm__fmt_count(row->hist[v[i].bucket], cnt, sizeof(cnt));
		if (!wide)
			snprintf(line, sizeof(line), "%6" PRIu64 "+ %6s |", lo, cnt);
		else if (v[i].bucket == VM_HIST_BUCKETS - 1)
			snprintf(line, sizeof(line), "%6" PRIu64 " -> more   : %5s |", lo, cnt);
		else
			snprintf(line, sizeof(line), "%6" PRIu64 " -> %-6" PRIu64 " : %5s |", lo,
				 hi, cnt);
		bar_w = in.w - text_width(line) - 1;
		if (bar_w > (int)sizeof(bar) - 1)
			bar_w = (int)sizeof(bar) - 1;
		vm_hist__bar(row->hist[v[i].bucket], max, bar_w > 0 ? bar_w : 0, bar, sizeof(bar));
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s|", bar);
		draw_text(y, in.x, in.w, ROLE_NORMAL, line, false);
	}
}

static void draw(struct ui *ui, const struct rect *r, bool focused)
{
	struct column c[C_N] = {
		[C_NAME] = { "layer", 9, 5, 0, false, true },
		[C_EV] = { "events", 0, 5, 0, true, true },
		[C_PKTS] = { "pkts", 0, 4, 0, true, true },
		[C_RATE] = { "ev/s", 0, 4, 3, true, true },
		[C_DROPS] = { "drops", 0, 5, 1, true, true },
		[C_TIME] = { "time", 0, 4, 2, true, true },
	};
	static char cells_buf[MAX_LAYERS][C_N][24];
	enum role roles[C_N];
	struct scroll *sc = &ui->sc[PANE_LAYERS];
	const struct vm_layers *L = &ui->layers;
	size_t page = page_of(ui);
	struct rect in;
	int idx[MAX_LAYERS];
	size_t n = visible(ui, idx);

	if (ui->hist) {
		draw_hist(ui, r, focused);
		return;
	}
	in = draw_frame(r, "Layers", focused);
	for (size_t v = 0; v < n; v++) {
		int l = idx[v];
		const struct vm_layer_row *row = &L->rows[l];

		snprintf(cells_buf[l][C_NAME], 24, "%s%s", ui->filter.layer == l ? "*" : "",
			 vm__layer_name(ui->cfg, l));
		count(ui, row->events, cells_buf[l][C_EV], 24);
		count(ui, row->packets, cells_buf[l][C_PKTS], 24);
		vm__fmt_rate(row->rate, cells_buf[l][C_RATE], 24);
		count(ui, row->drops, cells_buf[l][C_DROPS], 24);
		if (row->packets)
			vm__fmt_dur(row->median_ns, ui->utf8, cells_buf[l][C_TIME], 24);
		else
			snprintf(cells_buf[l][C_TIME], 24, "-");
		for (int k = 0; k < C_N; k++)
			if (text_width(cells_buf[l][k]) > c[k].width)
				c[k].width = text_width(cells_buf[l][k]);
	}
	/* Long layer names give way before any count does. */
	if (c[C_NAME].width > 10)
		c[C_NAME].width = 10;
	if (!ui->lay.wide)
		c[C_RATE].shown = c[C_DROPS].shown = c[C_TIME].shown = false;
	columns_fit(c, C_N, in.w);
	for (int k = 0; k < C_N; k++)
		roles[k] = ROLE_COLHEAD;
	draw_row(in.y, in.x, in.w, c, C_N, NULL, roles);
	scroll__clamp(sc, n, page);
	for (size_t i = sc->top; i < n && i - sc->top < page; i++) {
		const char *cells[C_N];
		bool sel = i == sc->sel && focused;
		int l = idx[i];

		for (int k = 0; k < C_N; k++) {
			cells[k] = cells_buf[l][k];
			roles[k] = sel			   ? ROLE_SEL
				   : !L->rows[l].packets   ? ROLE_DIM
				   : ui->filter.layer == l ? ROLE_TITLE
							   : ROLE_NORMAL;
		}
		if (!sel && L->rows[l].drops)
			roles[C_DROPS] = ROLE_DROP;
		draw_row(in.y + 1 + (int)(i - sc->top), in.x, in.w, c, C_N, cells, roles);
	}
	if (!n)
		draw_text(in.y + 1, in.x, in.w, ROLE_DIM, "no events yet", false);
}

static unsigned handle_hist(struct ui *ui, enum action a)
{
	static struct hline v[MAX_HLINES];
	struct scroll *sc = &ui->sc[PANE_LAYERS];
	size_t n = hist_lines(ui, v), page = page_of(ui) + 1;

	if (scroll__view(sc, a, n, page))
		return UI_HANDLED | UI_REDRAW;
	return a >= ACT_UP && a <= ACT_END ? UI_HANDLED : 0;
}

static unsigned handle(struct ui *ui, enum action a)
{
	struct scroll *sc = &ui->sc[PANE_LAYERS];
	int idx[MAX_LAYERS];
	size_t n = visible(ui, idx);

	if (ui->hist)
		return handle_hist(ui, a);
	if (a == ACT_OPEN) {
		if (sc->sel >= n)
			return UI_HANDLED;
		ui->filter.layer = ui->filter.layer == idx[sc->sel] ? -1 : idx[sc->sel];
		return UI_HANDLED | UI_REDRAW | UI_REFILTER;
	}
	if (scroll__apply(sc, a, n, page_of(ui)))
		return UI_HANDLED | UI_REDRAW;
	return a >= ACT_UP && a <= ACT_END ? UI_HANDLED : 0;
}

const struct view view_layers = { draw, handle };

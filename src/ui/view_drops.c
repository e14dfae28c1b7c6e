// SPDX-License-Identifier: GPL-2.0
/*
 * What is being dropped right now ('d'): each drop reason of the session, its count, how many in
 * the last minute and a sparkline of them, the most recent first. Enter lists those packets.
 */
#include <stdio.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

enum {
	C_REASON,
	C_TOTAL,
	C_RECENT,
	C_SPARK,
	C_N
};

static size_t page_of(const struct ui *ui)
{
	return ui->lay.body.h > 3 ? (size_t)ui->lay.body.h - 3 : 1;
}

static void draw(struct ui *ui, const struct rect *r, bool focused)
{
	struct column c[C_N] = {
		[C_REASON] = { "reason", 6, 12, 0, false, true },
		[C_TOTAL] = { "total", 5, 5, 0, true, true },
		[C_RECENT] = { "last 60s", 8, 8, 0, true, true },
		[C_SPARK] = { "per second, now at right", 10, 10, 0, false, true },
	};
	const struct vm_drops *d = &ui->drops;
	struct scroll *sc = &ui->drops_sc;
	size_t page = page_of(ui);
	struct rect in = draw_frame(r, "Drop reasons (Enter lists them, Esc goes back)", focused);
	enum role roles[C_N];
	int spark_w;

	for (size_t i = 0; i < d->n; i++) {
		int w = text_width(names__drop_reason(ui->names, d->rows[i].reason));

		if (w > c[C_REASON].width)
			c[C_REASON].width = w;
	}
	c[C_TOTAL].width = c[C_RECENT].width = 9;
	/* The sparkline takes what is left, its newest seconds kept when there is little. */
	spark_w = in.w - c[C_REASON].width - c[C_TOTAL].width - c[C_RECENT].width - 3;
	if (spark_w > VM_SPARK_SECONDS)
		spark_w = VM_SPARK_SECONDS;
	if (spark_w < c[C_SPARK].min)
		spark_w = c[C_SPARK].min;
	c[C_SPARK].width = spark_w;
	columns_fit(c, C_N, in.w);
	for (int k = 0; k < C_N; k++)
		roles[k] = ROLE_COLHEAD;
	draw_row(in.y, in.x, in.w, c, C_N, NULL, roles);
	if (!d->n) {
		draw_text(in.y + 2, in.x + 1, in.w - 2, ROLE_DIM, "no packet dropped yet", false);
		return;
	}
	scroll__clamp(sc, d->n, page);
	for (size_t i = sc->top; i < d->n && i - sc->top < page; i++) {
		const struct vm_drop_row *row = &d->rows[i];
		char total[24], recent[24], spark[VM_SPARK_SECONDS * 4];
		int sw = c[C_SPARK].width < VM_SPARK_SECONDS ? c[C_SPARK].width : VM_SPARK_SECONDS;
		const char *cells[C_N];
		bool sel = i == sc->sel;

		vm__fmt_count(row->total, total, sizeof(total));
		vm__fmt_count(row->recent, recent, sizeof(recent));
		vm__sparkline(row->per_second + VM_SPARK_SECONDS - sw, (size_t)sw, ui->utf8, spark,
			      sizeof(spark));
		cells[C_REASON] = names__drop_reason(ui->names, row->reason);
		cells[C_TOTAL] = total;
		cells[C_RECENT] = recent;
		cells[C_SPARK] = spark;
		for (int k = 0; k < C_N; k++)
			roles[k] = sel ? ROLE_SEL : ROLE_NORMAL;
		if (!sel && row->recent)
			roles[C_RECENT] = roles[C_SPARK] = ROLE_DROP;
		draw_row(in.y + 1 + (int)(i - sc->top), in.x, in.w, c, C_N, cells, roles);
	}
}

static unsigned handle(struct ui *ui, enum action a)
{
	struct scroll *sc = &ui->drops_sc;

	if (a == ACT_OPEN) {
		if (sc->sel >= ui->drops.n)
			return UI_HANDLED;
		vm_filter__init(&ui->filter);
		ui->filter.verdict = VMV_DROPPED;
		snprintf(ui->filter.search, sizeof(ui->filter.search), "%s",
			 names__drop_reason(ui->names, ui->drops.rows[sc->sel].reason));
		ui->mode = MODE_MAIN;
		ui->focus = PANE_PACKETS;
		return UI_HANDLED | UI_REDRAW | UI_REFILTER;
	}
	if (scroll__apply(sc, a, ui->drops.n, page_of(ui)))
		return UI_HANDLED | UI_REDRAW;
	return a >= ACT_UP && a <= ACT_END ? UI_HANDLED : 0;
}

const struct view view_drops = { draw, handle };

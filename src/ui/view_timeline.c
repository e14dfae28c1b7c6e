// SPDX-License-Identifier: GPL-2.0
/* The selected packet's events in order, times relative to its first event. */
#include <inttypes.h>
#include <stdio.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

enum {
	C_REL,
	C_LAYER,
	C_FUNC,
	C_IF,
	C_DETAIL,
	C_N
};

static size_t page_of(const struct ui *ui)
{
	int h = ui->lay.pane[PANE_TIMELINE].h - 3;

	return h > 0 ? (size_t)h : 1;
}

static size_t lines(const struct journey *j)
{
	return j ? j->n_events + (j->events_truncated ? 1 : 0) : 0;
}

static void draw(struct ui *ui, const struct rect *r, bool focused)
{
	struct column c[C_N] = {
		[C_REL] = { "time", 0, 5, 0, true, true },
		[C_LAYER] = { "layer", 0, 5, 1, false, true },
		[C_FUNC] = { "function", 0, 14, 0, false, true },
		[C_IF] = { "if", 0, 4, 2, false, true },
		[C_DETAIL] = { "verdict / reason", 0, 12, 0, false, true },
	};
	const struct journey *j = ui__detailed(ui);
	struct vm_timeline_row rows[128];
	enum role roles[C_N];
	struct scroll *sc = &ui->sc[PANE_TIMELINE];
	size_t page = page_of(ui), n = lines(j), shown = 0;
	char title[160], src[64], dst[64];
	struct rect in;

	if (!j) {
		in = draw_frame(r, "Journey", focused);
		draw_text(in.y + 1, in.x + 1, in.w - 2, ROLE_DIM, "no packet selected", false);
		return;
	}
	vm__fmt_addr(&j->tuple, false, src, sizeof(src));
	vm__fmt_addr(&j->tuple, true, dst, sizeof(dst));
	snprintf(title, sizeof(title), "Journey #%" PRIu64 " %s %s %s (%u events)", j->id, src,
		 ui->utf8 ? "→" : "->", dst, j->n_events);
	in = draw_frame(r, title, focused);
	if (page > sizeof(rows) / sizeof(rows[0]))
		page = sizeof(rows) / sizeof(rows[0]);
	scroll__clamp(sc, n, page);
	for (size_t i = sc->top; i < j->n_events && shown < page; i++, shown++) {
		const struct vm_timeline_row *t = &rows[shown];

		vm__timeline_row(j, (uint32_t)i, ui->names, ui->cfg, ui->utf8, &rows[shown]);
		const char *cells[C_N] = { t->rel, t->layer, t->func, t->ifname, t->detail };

		for (int k = 0; k < C_N; k++)
			if (text_width(cells[k]) > c[k].width)
				c[k].width = text_width(cells[k]);
	}
	/* A drop reason stays readable: the text gives way only past its first words. */
	c[C_DETAIL].min = c[C_DETAIL].width < 22 ? c[C_DETAIL].width : 22;
	c[C_FUNC].min = c[C_FUNC].width < 18 ? c[C_FUNC].width : 18;
	c[C_REL].min = c[C_REL].width;
	columns_fit(c, C_N, in.w);
	for (int k = 0; k < C_N; k++)
		roles[k] = ROLE_COLHEAD;
	draw_row(in.y, in.x, in.w, c, C_N, NULL, roles);
	for (size_t s = 0; s < shown; s++) {
		const struct vm_timeline_row *t = &rows[s];
		const char *cells[C_N] = { t->rel, t->layer, t->func, t->ifname, t->detail };
		bool sel = focused && sc->top + s == sc->sel;
		enum role base = t->kind == VMT_DROP  ? ROLE_DROP
				 : t->kind == VMT_NFT ? ROLE_NFT
				 : t->kind == VMT_END ? ROLE_OK
						      : ROLE_NORMAL;

		for (int k = 0; k < C_N; k++)
			roles[k] = sel ? ROLE_SEL : base;
		if (!sel)
			roles[C_REL] = ROLE_DIM;
		draw_row(in.y + 1 + (int)s, in.x, in.w, c, C_N, cells, roles);
	}
	if (j->events_truncated && sc->top + shown < n && shown < page)
		draw_textf(in.y + 1 + (int)shown, in.x, in.w, ROLE_WARN,
			   "... %u more events not kept (store.max_events_per_packet)",
			   j->events_truncated);
}

static unsigned handle(struct ui *ui, enum action a)
{
	const struct journey *j = ui__detailed(ui);

	if (scroll__apply(&ui->sc[PANE_TIMELINE], a, lines(j), page_of(ui)))
		return UI_HANDLED | UI_REDRAW;
	return a >= ACT_UP && a <= ACT_END ? UI_HANDLED : 0;
}

const struct view view_timeline = { draw, handle };

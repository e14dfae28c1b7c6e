// SPDX-License-Identifier: GPL-2.0
/* The packet list: one line per journey that passes the filters, in the order chosen ('>'). */
#include <stdio.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

enum {
	C_MARK,
	C_TIME,
	C_PROTO,
	C_SRC,
	C_DST,
	C_IF,
	C_EV,
	C_DUR,
	C_FATE,
	C_NFT,
	C_N
};

static size_t page_of(const struct ui *ui)
{
	int h = ui->lay.pane[PANE_PACKETS].h - 3;

	return h > 0 ? (size_t)h : 1;
}

static void draw(struct ui *ui, const struct rect *r, bool focused)
{
	struct column c[C_N] = {
		[C_MARK] = { "", 1, 1, 0, false, true },
		[C_TIME] = { "time", 0, 8, 4, false, true },
		[C_PROTO] = { "proto", 0, 4, 0, false, true },
		[C_SRC] = { "source", 0, 12, 0, false, true },
		[C_DST] = { "destination", 0, 12, 0, false, true },
		[C_IF] = { "if", 0, 4, 6, false, true },
		[C_EV] = { "ev", 0, 2, 5, true, true },
		[C_DUR] = { "dur", 0, 4, 3, true, true },
		[C_FATE] = { "fate", 0, 9, 0, false, true },
		[C_NFT] = { "nft", 0, 3, 2, false, true },
	};
	struct vm_packet_row rows[128];
	enum role roles[C_N];
	char title[192], cnt[32], drops[32], order[64];
	struct rect in;
	size_t page = page_of(ui), n = ui->rows.n, shown = 0;
	struct scroll *sc = &ui->sc[PANE_PACKETS];
	const char *dot = ui->utf8 ? "·" : "-";

	vm__fmt_count(n, cnt, sizeof(cnt));
	vm__fmt_count(ui->rows.dropped, drops, sizeof(drops));
	/* The order is said whole where it fits, else briefly: never cut. */
	for (int brief = 0; brief < 2; brief++) {
		vm_sort__describe(&ui->sort, brief, order, sizeof(order));
		snprintf(title, sizeof(title), "Packets (%s %s %s dropped)%s %s %s", cnt, dot,
			 drops, vm_filter__active(&ui->filter) ? " filtered" : "", dot, order);
		if (text_width(title) + 6 <= r->w)
			break;
	}
	in = draw_frame(r, title, focused);
	if (page > sizeof(rows) / sizeof(rows[0]))
		page = sizeof(rows) / sizeof(rows[0]);
	scroll__clamp(sc, n, page);
	for (size_t i = sc->top; i < n && shown < page; i++, shown++) {
		const struct journey *j = store__by_id(ui->store, ui->rows.ids[i]);
		const char *cells[C_N];

		if (!j) {
			snprintf(rows[shown].fate, sizeof(rows[shown].fate), "(evicted)");
			rows[shown].time[0] = rows[shown].proto[0] = rows[shown].src[0] = '\0';
			rows[shown].dst[0] = rows[shown].ifname[0] = rows[shown].events[0] = '\0';
			rows[shown].dur[0] = rows[shown].nft[0] = '\0';
			rows[shown].dropped = false;
		} else {
			vm__packet_row(j, ui->names, ui->wall_off_ns, ui->base_ns,
				       ui__stale_before(ui), ui->utf8, &rows[shown]);
		}
		cells[C_MARK] = "";
		cells[C_TIME] = rows[shown].time;
		cells[C_PROTO] = rows[shown].proto;
		cells[C_SRC] = rows[shown].src;
		cells[C_DST] = rows[shown].dst;
		cells[C_IF] = rows[shown].ifname;
		cells[C_EV] = rows[shown].events;
		cells[C_DUR] = rows[shown].dur;
		cells[C_FATE] = rows[shown].fate;
		cells[C_NFT] = rows[shown].nft;
		for (int k = 0; k < C_N; k++)
			if (text_width(cells[k]) > c[k].width)
				c[k].width = text_width(cells[k]);
	}
	/* Addresses keep their ports as long as the fate text can give way. */
	c[C_SRC].min = c[C_SRC].width < 21 ? c[C_SRC].width : 21;
	c[C_DST].min = c[C_DST].width < 21 ? c[C_DST].width : 21;
	columns_fit(c, C_N, in.w);
	for (int k = 0; k < C_N; k++)
		roles[k] = ROLE_COLHEAD;
	draw_row(in.y, in.x, in.w, c, C_N, NULL, roles);
	if (!n) {
		draw_text(in.y + 2, in.x + 1, in.w - 2, ROLE_DIM,
			  vm_filter__active(&ui->filter)
				  ? "no packet matches the filters (Esc clears them)"
			  : ui->feed->live ? "waiting for packets..."
					   : "the file holds no packet",
			  false);
		return;
	}
	for (size_t s = 0; s < shown; s++) {
		const struct vm_packet_row *p = &rows[s];
		const char *cells[C_N] = { "",	      p->time,	 p->proto, p->src,  p->dst,
					   p->ifname, p->events, p->dur,   p->fate, p->nft };
		bool sel = sc->top + s == sc->sel;

		/* The selection is visible without colour too (NO_COLOR, screen readers, tests). */
		if (sel)
			cells[C_MARK] = ui->utf8 ? "▸" : ">";
		for (int k = 0; k < C_N; k++)
			roles[k] = sel ? (focused ? ROLE_SEL : ROLE_SEL_DIM) : ROLE_NORMAL;
		if (!sel) {
			roles[C_FATE] = p->dropped ? ROLE_DROP : p->ended ? ROLE_OK : ROLE_DIM;
			roles[C_NFT] = p->nft[0] == 'd' ? ROLE_DROP : ROLE_NFT;
			roles[C_TIME] = ROLE_DIM;
		}
		draw_row(in.y + 1 + (int)s, in.x, in.w, c, C_N, cells, roles);
	}
}

static unsigned handle(struct ui *ui, enum action a)
{
	struct scroll *sc = &ui->sc[PANE_PACKETS];
	size_t n = ui->rows.n;

	if (a == ACT_OPEN) {
		if (!ui__selected(ui))
			return UI_HANDLED;
		ui->mode = MODE_PACKET;
		ui->focus = PANE_TIMELINE;
		return UI_HANDLED | UI_REDRAW;
	}
	if (a < ACT_UP || a > ACT_END)
		return 0;
	/* Any move leaves following, but for End where the newest packet is last. */
	ui->follow = a == ACT_END && n && ui->rows.newest == n - 1;
	if (!scroll__apply(sc, a, n, page_of(ui)))
		return UI_HANDLED | UI_REDRAW;
	ui->sel_id = ui->rows.ids[sc->sel];
	return UI_HANDLED | UI_REDRAW;
}

const struct view view_packets = { draw, handle };

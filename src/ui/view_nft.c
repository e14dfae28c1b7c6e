// SPDX-License-Identifier: GPL-2.0
/* The nftables drill-down: base chains entered, nested jumps, rules and policies that decided. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

#define MAX_NFT_ROWS 256

static size_t page_of(const struct ui *ui)
{
	int h = ui->lay.pane[PANE_NFT].h - 2;

	return h > 0 ? (size_t)h : 1;
}

static void draw_empty(struct ui *ui, const struct rect *in, const struct journey *j)
{
	const char *why = ui->feed->nft_why;

	draw_text(in->y, in->x + 1, in->w - 1, ROLE_DIM, "no nftables data", false);
	if (!why)
		why = j->has_nft ? "the packet's chains gave no detail"
				 : "no nftables base chain saw this packet";
	/* The reason matters more than the pane's width: wrap it. */
	for (int y = in->y + 1, o = 0, len = (int)strlen(why); o < len && y < in->y + in->h; y++) {
		char part[256];
		int w = in->w - 3 < (int)sizeof(part) - 1 ? in->w - 3 : (int)sizeof(part) - 1;
		int k = len - o < w ? len - o : w;

		if (k < len - o)
			while (k > 1 && why[o + k] != ' ')
				k--;
		snprintf(part, sizeof(part), "%.*s", k, why + o);
		draw_text(y, in->x + 1, in->w - 1, ROLE_DIM, part, false);
		o += k;
		while (why[o] == ' ')
			o++;
	}
}

static void draw(struct ui *ui, const struct rect *r, bool focused)
{
	static struct vm_nft_row rows[MAX_NFT_ROWS];
	const struct journey *j = ui__detailed(ui);
	struct scroll *sc = &ui->sc[PANE_NFT];
	struct rect in = draw_frame(r, "nftables", focused);
	size_t n, page = page_of(ui);

	if (!j) {
		draw_text(in.y, in.x + 1, in.w - 1, ROLE_DIM, "no packet selected", false);
		return;
	}
	n = vm__nft_rows(j, ui->names, rows, MAX_NFT_ROWS);
	if (!n) {
		draw_empty(ui, &in, j);
		return;
	}
	scroll__clamp(sc, n, page);
	for (size_t i = sc->top; i < n && i - sc->top < page; i++) {
		const struct vm_nft_row *x = &rows[i];
		int y = in.y + (int)(i - sc->top), indent = 2 * x->depth, vw = 0;
		bool sel = focused && i == sc->sel;
		enum role role = sel ? ROLE_SEL : x->kind == VMN_CHAIN ? ROLE_TITLE : ROLE_NORMAL;
		char text[400], verdict[40];

		if (x->kind == VMN_POLICY)
			snprintf(verdict, sizeof(verdict), "policy %s", x->verdict);
		else
			snprintf(verdict, sizeof(verdict), "%s", x->verdict);
		if (x->kind == VMN_CHAIN || x->kind == VMN_HOOK)
			snprintf(text, sizeof(text), "%s", x->text);
		else if (x->kind == VMN_EXIT)
			snprintf(text, sizeof(text), "%s %s", ui->utf8 ? "↩" : "<-", x->text);
		else
			snprintf(text, sizeof(text), "%s%s%s", x->text, x->rule[0] ? "  " : "",
				 x->rule);
		draw_text(y, in.x, in.w, role, "", true);
		if (verdict[0] && in.w > 24) {
			vw = text_width(verdict);
			draw_text(y, in.x + in.w - vw, vw,
				  sel	    ? ROLE_SEL
				  : x->drop ? ROLE_DROP
					    : ROLE_NFT,
				  verdict, false);
			vw++;
		}
		if (indent > in.w / 3)
			indent = in.w / 3;
		draw_text(y, in.x + indent, in.w - indent - vw, role, text, false);
	}
}

static unsigned handle(struct ui *ui, enum action a)
{
	static struct vm_nft_row rows[MAX_NFT_ROWS];
	const struct journey *j = ui__detailed(ui);
	size_t n = j ? vm__nft_rows(j, ui->names, rows, MAX_NFT_ROWS) : 0;

	if (scroll__apply(&ui->sc[PANE_NFT], a, n, page_of(ui)))
		return UI_HANDLED | UI_REDRAW;
	return a >= ACT_UP && a <= ACT_END ? UI_HANDLED : 0;
}

const struct view view_nft = { draw, handle };

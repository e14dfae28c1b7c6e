// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ui/layout.h"

static struct rect mk(int x, int y, int w, int h)
{
	struct rect r = { x, y, w, h };

	return r;
}

void layout__compute(int cols, int rows, enum layout_mode mode, struct layout *out)
{
	struct rect b;
	int top, left, lower_w;

	memset(out, 0, sizeof(*out));
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		out->too_small = true;
		return;
	}
	out->header = mk(0, 0, cols, LAYOUT_HEADER_ROWS);
	out->footer = mk(0, rows - 1, cols, 1);
	b = out->body = mk(0, LAYOUT_HEADER_ROWS, cols, rows - LAYOUT_HEADER_ROWS - 1);
	out->wide = cols >= LAYOUT_WIDE_COLS;

	if (mode == LAYOUT_PACKET) {
		/* The timeline's columns need the width more than the nested nft lines do. */
		if (out->wide) {
			lower_w = b.w * 2 / 3;
			out->pane[PANE_TIMELINE] = mk(b.x, b.y, lower_w, b.h);
			out->pane[PANE_NFT] = mk(b.x + lower_w, b.y, b.w - lower_w, b.h);
		} else {
			top = b.h * 3 / 5;
			out->pane[PANE_TIMELINE] = mk(b.x, b.y, b.w, top);
			out->pane[PANE_NFT] = mk(b.x, b.y + top, b.w, b.h - top);
		}
		return;
	}

	top = b.h * 9 / 20;
	if (out->wide) {
		/* The sketch at 120x36: layers down the left, the packet's panes under the list. */
		left = cols >= 150 ? 44 : 36;
		out->pane[PANE_LAYERS] = mk(b.x, b.y, left, b.h);
		out->pane[PANE_PACKETS] = mk(b.x + left, b.y, b.w - left, top);
		lower_w = (b.w - left) * 3 / 5;
		out->pane[PANE_TIMELINE] = mk(b.x + left, b.y + top, lower_w, b.h - top);
		out->pane[PANE_NFT] =
			mk(b.x + left + lower_w, b.y + top, b.w - left - lower_w, b.h - top);
		return;
	}
	/* Narrow: names and counts only, and the lower half shared by timeline and nftables. */
	left = 24;
	out->pane[PANE_LAYERS] = mk(b.x, b.y, left, top);
	out->pane[PANE_PACKETS] = mk(b.x + left, b.y, b.w - left, top);
	lower_w = b.w * 3 / 5;
	out->pane[PANE_TIMELINE] = mk(b.x, b.y + top, lower_w, b.h - top);
	out->pane[PANE_NFT] = mk(b.x + lower_w, b.y + top, b.w - lower_w, b.h - top);
}

struct rect layout__popup(const struct layout *l, int w, int h)
{
	const struct rect *b = &l->body;

	if (w > b->w)
		w = b->w;
	if (h > b->h)
		h = b->h;
	return mk(b->x + (b->w - w) / 2, b->y + (b->h - h) / 2, w, h);
}

bool rect__contains(const struct rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where each pane goes for a terminal size, computed without curses so it can be tested over
 * every size: panes never overlap and always fit the screen.
 */
#ifndef SKBTOP_UI_LAYOUT_H
#define SKBTOP_UI_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_MIN_COLS	   80
#define LAYOUT_MIN_ROWS	   24
#define LAYOUT_HEADER_ROWS 2
/* From this width the layer pane keeps the whole height and shows every column. */
#define LAYOUT_WIDE_COLS 120

struct rect {
	int x, y, w, h;
};

enum pane {
	PANE_LAYERS = 0,
	PANE_PACKETS,
	PANE_TIMELINE,
	PANE_NFT,
	PANE_COUNT,
};

enum layout_mode {
	LAYOUT_MAIN = 0, /* every pane */
	LAYOUT_PACKET,	 /* one packet opened: its timeline and nftables path fill the body */
};

struct layout {
	bool too_small;
	bool wide; /* the layer pane has room for rate, drops and time */
	struct rect header;
	struct rect body; /* what the panes share; full-screen views (help) use it */
	struct rect footer;
	struct rect pane[PANE_COUNT]; /* w == 0 when the pane is not shown in this mode */
};

void layout__compute(int cols, int rows, enum layout_mode mode, struct layout *out);
/* A centred box of at most w x h inside body, for pickers. */
struct rect layout__popup(const struct layout *l, int w, int h);
bool rect__contains(const struct rect *r, int x, int y);

#endif /* SKBTOP_UI_LAYOUT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Drawing primitives the views share: text cut to a width, framed panes, column tables. */
#ifndef SKBTOP_UI_DRAW_H
#define SKBTOP_UI_DRAW_H

#include <stdbool.h>

#include "ui/layout.h"
#include "ui/term.h"

/* Writes s (UTF-8) at y,x in at most w columns, padding with blanks when pad; returns columns. */
int draw_text(int y, int x, int w, enum role role, const char *s, bool pad);
int draw_textf(int y, int x, int w, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Display width of a UTF-8 string. */
int text_width(const char *s);
/* A frame around r with a title; returns the inside. */
struct rect draw_frame(const struct rect *r, const char *title, bool focused);
void draw_clear(const struct rect *r);

/* A table column: fitted to its content, dropped by priority when the pane is narrow. */
struct column {
	const char *title;
	int width; /* widest content, set by the caller; fitted by columns_fit */
	int min;   /* narrower than this and the column is dropped instead */
	int prio;  /* 0 always kept; 1 hidden last; 2 and more hidden first, highest first */
	bool right;
	bool shown; /* set by the caller, cleared by columns_fit when there is no room */
};

/* Chooses which columns are shown and their widths within w, one blank between columns. */
void columns_fit(struct column *c, int n, int w);
/* Draws one row of cells (NULL cell: the column title) with a role per cell. */
void draw_row(int y, int x, int w, const struct column *c, int n, const char *const *cells,
	      const enum role *roles);

#endif /* SKBTOP_UI_DRAW_H */

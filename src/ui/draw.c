// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/base/printable.h"
#include "ui/draw.h"

/* Decodes up to max wide characters that fit in w columns; returns their width. */
static int fit(const char *s, int w, wchar_t *out, size_t max, size_t *n_out)
{
	mbstate_t st;
	int used = 0;
	size_t n = 0;

	memset(&st, 0, sizeof(st));
	while (*s && n < max) {
		wchar_t wc;
		size_t k;
		int cw;

		if (!printable__len(s)) {
			/* Shown as the stream and the saved text show it: \xHH. */
			char esc[8];

			printable__copy(esc, sizeof(esc), (char[]){ *s, 0 });
			if (used + 4 > w || n + 4 > max)
				break;
			for (int i = 0; i < 4; i++)
				out[n++] = (wchar_t)esc[i];
			used += 4;
			s++;
			continue;
		}
		k = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		if (k == (size_t)-1 || k == (size_t)-2) {
			/* Not text in this locale: show a placeholder instead of garbage. */
			memset(&st, 0, sizeof(st));
			wc = L'?';
			k = 1;
		}
		cw = wcwidth(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (used + cw > w)
			break;
		out[n++] = wc;
		used += cw;
		s += k;
	}
	*n_out = n;
	return used;
}

int text_width(const char *s)
{
	wchar_t buf[512];
	size_t n;

	return fit(s, 1 << 20, buf, 512, &n);
}

int draw_text(int y, int x, int w, enum role role, const char *s, bool pad)
{
	wchar_t buf[512];
	size_t n;
	int used;

	if (w <= 0)
		return 0;
	used = fit(s, w, buf, 512, &n);
	attrset(term__attr(role));
	mvaddnwstr(y, x, buf, (int)n);
	if (pad && used < w)
		mvhline(y, x + used, ' ', w - used);
	attrset(A_NORMAL);
	return pad ? w : used;
}

int draw_textf(int y, int x, int w, enum role role, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return draw_text(y, x, w, role, buf, false);
}

void draw_clear(const struct rect *r)
{
	attrset(A_NORMAL);
	for (int y = r->y; y < r->y + r->h; y++)
		mvhline(y, r->x, ' ', r->w);
}

struct rect draw_frame(const struct rect *r, const char *title, bool focused)
{
	struct rect in = { r->x + 1, r->y + 1, r->w - 2, r->h - 2 };
	attr_t a = term__attr(focused ? ROLE_BORDER_FOCUS : ROLE_BORDER);

	draw_clear(r);
	attrset(a);
	mvhline(r->y, r->x + 1, ACS_HLINE, r->w - 2);
	mvhline(r->y + r->h - 1, r->x + 1, ACS_HLINE, r->w - 2);
	mvvline(r->y + 1, r->x, ACS_VLINE, r->h - 2);
	mvvline(r->y + 1, r->x + r->w - 1, ACS_VLINE, r->h - 2);
	mvaddch(r->y, r->x, ACS_ULCORNER);
	mvaddch(r->y, r->x + r->w - 1, ACS_URCORNER);
	mvaddch(r->y + r->h - 1, r->x, ACS_LLCORNER);
	mvaddch(r->y + r->h - 1, r->x + r->w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (title && r->w > 6) {
		char t[256];

		snprintf(t, sizeof(t), " %s ", title);
		draw_text(r->y, r->x + 2, r->w - 4, focused ? ROLE_TITLE : ROLE_NORMAL, t, false);
	}
	return in;
}

void columns_fit(struct column *c, int n, int w)
{
	for (int i = 0; i < n; i++)
		if (c[i].width < text_width(c[i].title))
			c[i].width = text_width(c[i].title);
	/*
	 * Make room in this order: hide the optional columns (prio >= 2, highest first), narrow
	 * the widest column down to its minimum, then hide the prio 1 columns.
	 */
	for (;;) {
		int need = -1, optional = -1, second = -1, widest = -1;

		for (int i = 0; i < n; i++) {
			if (!c[i].shown)
				continue;
			need += c[i].width + 1;
			if (c[i].prio >= 2 && (optional < 0 || c[i].prio > c[optional].prio))
				optional = i;
			if (c[i].prio == 1)
				second = i;
			if (c[i].width > c[i].min && (widest < 0 || c[i].width > c[widest].width))
				widest = i;
		}
		if (need <= w)
			return;
		if (optional >= 0) {
			c[optional].shown = false;
		} else if (widest >= 0) {
			if (need - w < c[widest].width - c[widest].min)
				c[widest].width -= need - w;
			else
				c[widest].width = c[widest].min;
		} else if (second >= 0) {
			c[second].shown = false;
		} else {
			return;
		}
	}
}

void draw_row(int y, int x, int w, const struct column *c, int n, const char *const *cells,
	      const enum role *roles)
{
	int cx = x, end = x + w;

	for (int i = 0; i < n && cx < end; i++) {
		const char *s;
		int cw, tw;

		if (!c[i].shown)
			continue;
		s = cells ? cells[i] : c[i].title;
		cw = c[i].width < end - cx ? c[i].width : end - cx;
		tw = text_width(s);
		if (c[i].right && tw < cw)
			draw_text(y, cx, cw - tw, roles[i], "", true);
		if (c[i].right && tw < cw)
			draw_text(y, cx + cw - tw, tw, roles[i], s, true);
		else
			draw_text(y, cx, cw, roles[i], s, true);
		cx += cw;
		if (cx < end)
			draw_text(y, cx++, 1, roles[i], " ", true);
	}
	if (cx < end)
		draw_text(y, cx, end - cx, roles[n - 1], "", true);
}

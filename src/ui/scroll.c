// SPDX-License-Identifier: GPL-2.0
#include "ui/ui_int.h"

void scroll__clamp(struct scroll *sc, size_t n, size_t page)
{
	if (!page)
		page = 1;
	if (!n) {
		sc->sel = sc->top = 0;
		return;
	}
	if (sc->sel >= n)
		sc->sel = n - 1;
	if (sc->top > sc->sel)
		sc->top = sc->sel;
	if (sc->sel >= sc->top + page)
		sc->top = sc->sel - page + 1;
	/* No blank tail while lines above are hidden. */
	if (n > page && sc->top > n - page)
		sc->top = n - page;
	if (n <= page)
		sc->top = 0;
}

bool scroll__apply(struct scroll *sc, enum action a, size_t n, size_t page)
{
	size_t old = sc->sel;

	if (!n)
		return false;
	switch (a) {
	case ACT_UP:
		if (sc->sel)
			sc->sel--;
		break;
	case ACT_DOWN:
		sc->sel++;
		break;
	case ACT_PGUP:
		sc->sel = sc->sel > page ? sc->sel - page : 0;
		break;
	case ACT_PGDN:
		sc->sel += page;
		break;
	case ACT_HOME:
		sc->sel = 0;
		break;
	case ACT_END:
		sc->sel = n - 1;
		break;
	default:
		return false;
	}
	scroll__clamp(sc, n, page);
	return sc->sel != old || a == ACT_END;
}

bool scroll__view(struct scroll *sc, enum action a, size_t n, size_t page)
{
	/* The cursor follows the page's edge in the direction of travel. */
	if (a == ACT_DOWN || a == ACT_PGDN)
		sc->sel = sc->top + page - 1;
	else if (a == ACT_UP || a == ACT_PGUP)
		sc->sel = sc->top;
	return scroll__apply(sc, a, n, page);
}

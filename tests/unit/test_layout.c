// SPDX-License-Identifier: GPL-2.0
/* The pane layout over every terminal size from far too small to very large. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ui/layout.h"
#include "ui/ui_int.h"

static bool inside(const struct rect *r, int cols, int rows)
{
	return r->x >= 0 && r->y >= 0 && r->w > 0 && r->h > 0 && r->x + r->w <= cols &&
	       r->y + r->h <= rows;
}

static bool overlap(const struct rect *a, const struct rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static int area(const struct rect *r)
{
	return r->w * r->h;
}

static void check_size(int cols, int rows, enum layout_mode mode)
{
	struct layout l;
	struct rect all[PANE_COUNT + 2];
	int n = 0, covered = 0;

	layout__compute(cols, rows, mode, &l);
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		assert_true(l.too_small);
		return;
	}
	assert_false(l.too_small);
	all[n++] = l.header;
	all[n++] = l.footer;
	for (int p = 0; p < PANE_COUNT; p++) {
		if (!l.pane[p].w)
			continue;
		/* A bordered pane needs at least one line and a few columns inside its frame. */
		assert_true(l.pane[p].w >= 12);
		assert_true(l.pane[p].h >= 4);
		assert_true(rect__contains(&l.body, l.pane[p].x, l.pane[p].y));
		assert_true(rect__contains(&l.body, l.pane[p].x + l.pane[p].w - 1,
					   l.pane[p].y + l.pane[p].h - 1));
		covered += area(&l.pane[p]);
		all[n++] = l.pane[p];
	}
	for (int i = 0; i < n; i++) {
		assert_true(inside(&all[i], cols, rows));
		for (int j = i + 1; j < n; j++)
			assert_false(overlap(&all[i], &all[j]));
	}
	/* The pickers list every choice uncut: the sort keys, the fates and verdicts. */
	for (int items = VMS_COUNT; items <= VMV_COUNT; items += VMV_COUNT - VMS_COUNT) {
		struct rect pk = layout__popup(&l, 40, items + 2);

		assert_int_equal(pk.h, items + 2);
		assert_true(rect__contains(&l.body, pk.x, pk.y));
		assert_true(rect__contains(&l.body, pk.x + pk.w - 1, pk.y + pk.h - 1));
	}
	/* The drop reasons (the body): frame, column titles and at least one reason. */
	assert_true(l.body.h >= 4);
	/* The histograms (the layer pane): a title and a bucket line with a bar beside it. */
	if (mode == LAYOUT_MAIN) {
		assert_true(l.pane[PANE_LAYERS].h - 2 >= 2);
		assert_true(l.pane[PANE_LAYERS].w - 2 >= 16 + 4);
	}
	/* Panes tile the body: no hole a stale frame could show through. */
	assert_int_equal(covered, area(&l.body));
	assert_int_equal(area(&l.header) + area(&l.body) + area(&l.footer), cols * rows);
}

static void sweep_main(void **state)
{
	(void)state;
	for (int cols = 1; cols <= 400; cols++)
		for (int rows = 1; rows <= 150; rows++)
			check_size(cols, rows, LAYOUT_MAIN);
}

static void sweep_packet(void **state)
{
	(void)state;
	for (int cols = 1; cols <= 400; cols++)
		for (int rows = 1; rows <= 150; rows++)
			check_size(cols, rows, LAYOUT_PACKET);
}

static void main_mode_shows_every_pane(void **state)
{
	struct layout l;

	(void)state;
	layout__compute(80, 24, LAYOUT_MAIN, &l);
	for (int p = 0; p < PANE_COUNT; p++)
		assert_true(l.pane[p].w > 0);
	assert_false(l.wide);
	layout__compute(120, 36, LAYOUT_MAIN, &l);
	assert_true(l.wide);
	/* Wide: the layer pane runs the full height, as in the sketch. */
	assert_int_equal(l.pane[PANE_LAYERS].h, l.body.h);
}

static void packet_mode_hides_list_and_layers(void **state)
{
	struct layout l;

	(void)state;
	layout__compute(130, 30, LAYOUT_PACKET, &l);
	assert_int_equal(l.pane[PANE_LAYERS].w, 0);
	assert_int_equal(l.pane[PANE_PACKETS].w, 0);
	assert_true(l.pane[PANE_TIMELINE].w > l.pane[PANE_NFT].w);
	/* Narrow: the timeline keeps the full width, the nft path goes under it. */
	layout__compute(80, 24, LAYOUT_PACKET, &l);
	assert_int_equal(l.pane[PANE_TIMELINE].w, 80);
	assert_true(l.pane[PANE_NFT].y > l.pane[PANE_TIMELINE].y);
}

static void too_small_below_80x24(void **state)
{
	struct layout l;

	(void)state;
	layout__compute(79, 24, LAYOUT_MAIN, &l);
	assert_true(l.too_small);
	layout__compute(80, 23, LAYOUT_MAIN, &l);
	assert_true(l.too_small);
	layout__compute(80, 24, LAYOUT_MAIN, &l);
	assert_false(l.too_small);
}

static void popup_stays_in_body(void **state)
{
	struct layout l;
	struct rect r;

	(void)state;
	layout__compute(80, 24, LAYOUT_MAIN, &l);
	r = layout__popup(&l, 200, 200);
	assert_true(r.w <= l.body.w && r.h <= l.body.h);
	assert_true(rect__contains(&l.body, r.x, r.y));
	r = layout__popup(&l, 30, 10);
	assert_int_equal(r.w, 30);
	assert_int_equal(r.h, 10);
	assert_true(rect__contains(&l.body, r.x + r.w - 1, r.y + r.h - 1));
}

/* Any sequence of moves over any list keeps the selection inside it and on the visible page. */
static void scroll_keeps_selection_visible(void **state)
{
	static const enum action moves[] = {
		ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END
	};
	unsigned seed = 12345;

	(void)state;
	for (size_t n = 0; n < 60; n++) {
		for (size_t page = 1; page < 25; page++) {
			struct scroll sc = { 0, 0 };

			for (int k = 0; k < 200; k++) {
				seed = seed * 1103515245 + 12345;
				scroll__apply(&sc, moves[(seed >> 16) % 6], n, page);
				if (!n) {
					assert_int_equal(sc.sel, 0);
					continue;
				}
				assert_true(sc.sel < n);
				assert_true(sc.top <= sc.sel && sc.sel < sc.top + page);
				/* No blank tail while lines above are hidden. */
				assert_true(n <= page ? sc.top == 0 : sc.top <= n - page);
			}
		}
	}
}

static void scroll_moves(void **state)
{
	struct scroll sc = { 0, 0 };

	(void)state;
	assert_true(scroll__apply(&sc, ACT_END, 100, 10));
	assert_int_equal(sc.sel, 99);
	assert_int_equal(sc.top, 90);
	assert_true(scroll__apply(&sc, ACT_PGUP, 100, 10));
	assert_int_equal(sc.sel, 89);
	assert_true(scroll__apply(&sc, ACT_HOME, 100, 10));
	assert_int_equal(sc.sel, 0);
	assert_int_equal(sc.top, 0);
	assert_false(scroll__apply(&sc, ACT_UP, 100, 10));
	/* A list that shrank under the selection pulls it back in. */
	sc.sel = 50;
	scroll__clamp(&sc, 20, 10);
	assert_int_equal(sc.sel, 19);
	assert_int_equal(sc.top, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep_main),
		cmocka_unit_test(sweep_packet),
		cmocka_unit_test(main_mode_shows_every_pane),
		cmocka_unit_test(packet_mode_hides_list_and_layers),
		cmocka_unit_test(too_small_below_80x24),
		cmocka_unit_test(popup_stays_in_body),
		cmocka_unit_test(scroll_keeps_selection_visible),
		cmocka_unit_test(scroll_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

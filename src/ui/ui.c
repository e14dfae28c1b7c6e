// SPDX-License-Identifier: GPL-2.0
/*
 * The UI loop: pump the feed, rebuild the model when the store changed, draw at a steady rate,
 * and dispatch keys through the key table to the focused view.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "core/base/signals.h"
#include "ui/chrome.h"
#include "ui/draw.h"
#include "ui/term.h"
#include "ui/ui_int.h"
#include "core/base/clock.h"

#define FRAME_MS       80 /* 12.5 redraws per second: at least 10 even with some jitter */
#define PUMP_BUDGET_MS 30 /* keys are read between pumps: their latency stays below 100 ms */
#define POLL_MS	       10 /* how often a live feed is pumped while waiting for keys */
#define STATUS_MS      10000
#define WHEEL_LINES    3
#define DROPS_MS       1000 /* the sparkline moves by seconds */

static const struct view *const pane_views[PANE_COUNT] = {
	[PANE_LAYERS] = &view_layers,
	[PANE_PACKETS] = &view_packets,
	[PANE_TIMELINE] = &view_timeline,
	[PANE_NFT] = &view_nft,
};

uint64_t ui__now_ms(void)
{
	return clock__ns() / 1000000;
}

const struct journey *ui__selected(const struct ui *ui)
{
	return ui->sel_id ? store__by_id(ui->store, ui->sel_id) : NULL;
}

const struct journey *ui__detailed(struct ui *ui)
{
	if (ui->detail_id != ui->sel_id) {
		ui->detail_id = ui->sel_id;
		ui->sc[PANE_TIMELINE] = (struct scroll){ SIZE_MAX, SIZE_MAX };
		ui->sc[PANE_NFT] = (struct scroll){ 0, 0 };
	}
	return ui__selected(ui);
}

void ui__status(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_until_ms = ui__now_ms() + STATUS_MS;
}

void ui__prompt_start(struct ui *ui, enum prompt_kind kind, const char *initial)
{
	ui->prompt = kind;
	ui->back_mode = ui->mode;
	ui->mode = MODE_PROMPT;
	snprintf(ui->prompt_buf, sizeof(ui->prompt_buf), "%s", initial);
	ui->prompt_len = strlen(ui->prompt_buf);
	snprintf(ui->search_before, sizeof(ui->search_before), "%s", ui->filter.search);
}

/* The layout of the mode underneath, for the modes that draw over another. */
static enum layout_mode layout_mode(const struct ui *ui)
{
	enum ui_mode m = ui->mode;

	if (m == MODE_HELP || m == MODE_PICKER || m == MODE_PROMPT || m == MODE_DROPS)
		m = ui->back_mode;
	return m == MODE_PACKET ? LAYOUT_PACKET : LAYOUT_MAIN;
}

static void relayout(struct ui *ui)
{
	int cols, rows;

	term__size(&cols, &rows);
	layout__compute(cols, rows, layout_mode(ui), &ui->lay);
	if (ui->lay.too_small || ui->lay.pane[ui->focus].w)
		return;
	for (int p = 0; p < PANE_COUNT; p++)
		if (ui->lay.pane[p].w) {
			ui->focus = p;
			break;
		}
}

/* A packet is open, possibly under the help, a picker or a prompt. */
static bool packet_open(const struct ui *ui)
{
	return layout_mode(ui) == LAYOUT_PACKET;
}

static void select_row(struct ui *ui)
{
	struct scroll *sc = &ui->sc[PANE_PACKETS];
	size_t n = ui->rows.n, i;

	if (!n) {
		/* An opened packet stays open even when the filter hides it from the list. */
		if (!packet_open(ui))
			ui->sel_id = 0;
		return;
	}
	if (ui->follow || !ui->sel_id) {
		i = ui->follow ? ui->rows.newest : 0;
	} else {
		i = vm_rows__find(&ui->rows, ui->sel_id);
		if (i >= n)
			i = n - 1;
	}
	sc->sel = i;
	if (!packet_open(ui) || !ui__selected(ui))
		ui->sel_id = ui->rows.ids[i];
}

static void refresh_model(struct ui *ui, bool force)
{
	uint64_t gen = store__generation(ui->store), now = ui__now_ms();
	uint64_t period = ui->cfg->refresh_ms < 200 ? 200 : ui->cfg->refresh_ms;
	const struct store_stats *st = store__stats(ui->store);

	if (now - ui->rate_at_ms >= 1000) {
		if (ui->rate_at_ms)
			ui->ev_rate = (double)(st->events - ui->rate_events) * 1000.0 /
				      (double)(now - ui->rate_at_ms);
		ui->rate_events = st->events;
		ui->rate_at_ms = now;
	}
	if (ui->paused && !force)
		return;
	if (gen != ui->rows_gen || ui->rows_stale || force) {
		if (vm_rows__build(&ui->rows, ui->store, &ui->matcher, ui->names) ||
		    vm_rows__sort(&ui->rows, ui->store, ui->names, &ui->sort))
			ui__status(ui, "out of memory building the packet list");
		ui->rows_gen = gen;
		ui->rows_stale = false;
		ui->base_ns = store__len(ui->store) ? store__at(ui->store, 0)->first_ns : 0;
		select_row(ui);
	}
	if (force || now - ui->layers_at_ms >= period) {
		if (ui->feed->live)
			ui->now_ns = clock__ns_of(CLOCK_MONOTONIC);
		vm_layers__build(&ui->layers, ui->store, &ui->matcher, ui->names, ui->cfg,
				 ui->now_ns);
		ui->layers_at_ms = now;
	}
	if (ui->mode == MODE_DROPS && (force || now - ui->drops_at_ms >= DROPS_MS)) {
		if (ui->feed->live)
			ui->now_ns = clock__ns_of(CLOCK_MONOTONIC);
		if (vm_drops__build(&ui->drops, ui->store, ui->now_ns))
			ui__status(ui, "out of memory counting the drop reasons");
		ui->drops_at_ms = now;
	}
}

uint64_t ui__stale_before(const struct ui *ui)
{
	uint64_t after = (uint64_t)ui->feed->unseen_end_ms * 1000000;

	return after && ui->now_ns > after ? ui->now_ns - after : 0;
}

static void draw_all(struct ui *ui)
{
	int cols, rows;

	relayout(ui);
	erase();
	if (ui->lay.too_small) {
		term__size(&cols, &rows);
		chrome__too_small(cols, rows);
		refresh();
		return;
	}
	chrome__header(ui);
	if (ui->mode == MODE_HELP) {
		view_help.draw(ui, &ui->lay.body, true);
	} else if (ui->mode == MODE_DROPS) {
		view_drops.draw(ui, &ui->lay.body, true);
	} else {
		for (int p = 0; p < PANE_COUNT; p++)
			if (ui->lay.pane[p].w)
				pane_views[p]->draw(ui, &ui->lay.pane[p],
						    ui->mode != MODE_PICKER && (int)ui->focus == p);
		if (ui->mode == MODE_PICKER)
			view_picker.draw(ui, &ui->lay.body, true);
	}
	chrome__footer(ui);
	refresh();
}

static void set_filter_changed(struct ui *ui)
{
	vm_matcher__free(&ui->matcher);
	vm_matcher__init(&ui->matcher, &ui->filter);
	ui->rows_stale = true;
	ui->layers_at_ms = 0;
}

/* A search applies as it is typed, so the list narrows with every key. */
static unsigned prompt_changed(struct ui *ui)
{
	if (ui->prompt != PROMPT_SEARCH)
		return UI_HANDLED | UI_REDRAW;
	snprintf(ui->filter.search, sizeof(ui->filter.search), "%.*s",
		 (int)sizeof(ui->filter.search) - 1, ui->prompt_buf);
	return UI_HANDLED | UI_REDRAW | UI_REFILTER;
}

static unsigned prompt_key(struct ui *ui, int key)
{
	enum action a = keys__action(MODE_PROMPT, key);

	if (a == ACT_BACK) {
		ui->mode = ui->back_mode;
		if (ui->prompt == PROMPT_SAVE || !strcmp(ui->filter.search, ui->search_before))
			return UI_HANDLED | UI_REDRAW;
		snprintf(ui->filter.search, sizeof(ui->filter.search), "%s", ui->search_before);
		return UI_HANDLED | UI_REDRAW | UI_REFILTER;
	}
	if (a == ACT_OPEN) {
		ui->mode = ui->back_mode;
		if (ui->prompt == PROMPT_SAVE)
			ui__save(ui, ui->prompt_buf);
		return UI_HANDLED | UI_REDRAW;
	}
	if (a == ACT_ERASE) {
		ui->prompt_len = 0;
		ui->prompt_buf[0] = '\0';
		return prompt_changed(ui);
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* Remove a whole UTF-8 character, not a byte of it. */
		while (ui->prompt_len && (ui->prompt_buf[--ui->prompt_len] & 0xc0) == 0x80)
			;
		ui->prompt_buf[ui->prompt_len] = '\0';
		return prompt_changed(ui);
	}
	if (key >= 32 && key != 127 && (key < KEY_MIN || key > KEY_MAX)) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t k;

		memset(&st, 0, sizeof(st));
		k = wcrtomb(mb, (wchar_t)key, &st);
		if (k != (size_t)-1 && ui->prompt_len + k < sizeof(ui->prompt_buf) &&
		    (ui->prompt != PROMPT_SEARCH || ui->prompt_len + k < VM_SEARCH_LEN)) {
			memcpy(ui->prompt_buf + ui->prompt_len, mb, k);
			ui->prompt_len += k;
			ui->prompt_buf[ui->prompt_len] = '\0';
		}
		return prompt_changed(ui);
	}
	return UI_HANDLED;
}

static unsigned next_pane(struct ui *ui, int dir)
{
	for (int k = 1; k <= PANE_COUNT; k++) {
		int p = ((int)ui->focus + dir * k + PANE_COUNT) % PANE_COUNT;

		if (ui->lay.pane[p].w) {
			ui->focus = p;
			break;
		}
	}
	return UI_HANDLED | UI_REDRAW;
}

static unsigned back(struct ui *ui)
{
	switch (ui->mode) {
	case MODE_HELP:
	case MODE_PICKER:
	case MODE_DROPS:
		ui->mode = ui->back_mode;
		return UI_HANDLED | UI_REDRAW;
	case MODE_PACKET:
		ui->mode = MODE_MAIN;
		ui->focus = PANE_PACKETS;
		ui->follow = false;
		ui->rows_stale = true;
		return UI_HANDLED | UI_REDRAW;
	default:
		if (!vm_filter__active(&ui->filter))
			return UI_HANDLED;
		vm_filter__init(&ui->filter);
		return UI_HANDLED | UI_REDRAW | UI_REFILTER;
	}
}

/* The first list line of each pane: under the frame, and under the column titles. */
static const int list_y[PANE_COUNT] = {
	[PANE_LAYERS] = 2,
	[PANE_PACKETS] = 2,
	[PANE_TIMELINE] = 2,
	[PANE_NFT] = 1,
};

/* Selects the line of pane p at screen row y. */
static unsigned click_line(struct ui *ui, enum pane p, int y)
{
	struct scroll *sc = &ui->sc[p];
	int line = y - ui->lay.pane[p].y - list_y[p];
	size_t at;

	if (line < 0 || y >= ui->lay.pane[p].y + ui->lay.pane[p].h - 1)
		return UI_HANDLED | UI_REDRAW;
	at = sc->top + (size_t)line;
	if (p == PANE_PACKETS) {
		if (at >= ui->rows.n)
			return UI_HANDLED | UI_REDRAW;
		ui->sel_id = ui->rows.ids[at];
		ui->follow = false;
	}
	sc->sel = at;
	return UI_HANDLED | UI_REDRAW;
}

static unsigned wheel(struct ui *ui, const struct view *v, enum action a)
{
	unsigned fl = 0;

	for (int i = 0; i < WHEEL_LINES; i++)
		fl |= v->handle(ui, a);
	return fl;
}

/* A click selects the line (or picker item) under it and focuses its pane; the wheel scrolls. */
static unsigned mouse(struct ui *ui)
{
	MEVENT ev;
	enum action a = ACT_NONE;

	if (getmouse(&ev) != OK || ui->lay.too_small)
		return 0;
	if (ev.bstate & BUTTON4_PRESSED)
		a = ACT_UP;
	else if (ev.bstate & BUTTON5_PRESSED)
		a = ACT_DOWN;
	else if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return 0;
	switch (ui->mode) {
	case MODE_HELP:
		return a ? wheel(ui, &view_help, a) : 0;
	case MODE_DROPS:
		if (a)
			return wheel(ui, &view_drops, a);
		if (ev.y >= ui->lay.body.y + 2 && ev.y < ui->lay.body.y + ui->lay.body.h - 1)
			ui->drops_sc.sel = ui->drops_sc.top + (size_t)(ev.y - ui->lay.body.y - 2);
		return UI_HANDLED | UI_REDRAW;
	case MODE_PICKER:
		return a ? wheel(ui, &view_picker, a) : ui__picker_click(ui, ev.x, ev.y);
	case MODE_PROMPT:
		return 0;
	default:
		break;
	}
	for (int p = 0; p < PANE_COUNT; p++) {
		if (!ui->lay.pane[p].w || !rect__contains(&ui->lay.pane[p], ev.x, ev.y))
			continue;
		if (a)
			return wheel(ui, pane_views[p], a);
		ui->focus = p;
		return click_line(ui, p, ev.y);
	}
	return 0;
}

static unsigned handle_key(struct ui *ui, int key)
{
	enum action a;
	char name[256];

	if (key == KEY_RESIZE)
		return UI_REDRAW;
	/* A message has been seen once the user acts again; the key hints come back. */
	ui->status_until_ms = 0;
	if (key == KEY_MOUSE)
		return mouse(ui);
	if (ui->mode == MODE_PROMPT)
		return prompt_key(ui, key);
	a = keys__action(ui->mode, key);
	if (ui->lay.too_small && a != ACT_QUIT)
		return 0;
	switch (a) {
	case ACT_NONE:
		return 0;
	case ACT_QUIT:
		return UI_QUIT;
	case ACT_HELP:
		ui->back_mode = ui->mode;
		ui->mode = MODE_HELP;
		ui->help_sc = (struct scroll){ 0, 0 };
		return UI_HANDLED | UI_REDRAW;
	case ACT_BACK:
		return back(ui);
	case ACT_PAUSE:
		ui->paused = !ui->paused;
		ui->rows_stale = true;
		return UI_HANDLED | UI_REDRAW;
	case ACT_CLEAR:
		if (!ui->feed->clear) {
			ui__status(ui, "a replayed file cannot be cleared");
			return UI_HANDLED | UI_REDRAW;
		}
		if (ui->starting)
			return UI_HANDLED;
		(*ui->feed->clear)(ui->feed->ctx, ui->store);
		ui->sel_id = 0;
		ui->follow = true;
		ui->rows_stale = true;
		ui->layers_at_ms = 0;
		ui__status(ui, "store cleared");
		return UI_HANDLED | UI_REDRAW;
	case ACT_SAVE:
		if (!ui__selected(ui)) {
			ui__status(ui, "nothing to save: no packet selected");
			return UI_HANDLED | UI_REDRAW;
		}
		vm__save_name(ui__selected(ui), ui->wall_off_ns, name, sizeof(name));
		ui__prompt_start(ui, PROMPT_SAVE, name);
		return UI_HANDLED | UI_REDRAW;
	case ACT_SEARCH:
		ui__prompt_start(ui, PROMPT_SEARCH, ui->filter.search);
		return UI_HANDLED | UI_REDRAW;
	case ACT_LAYER:
		ui__picker_start(ui, PICK_LAYER);
		return UI_HANDLED | UI_REDRAW;
	case ACT_VERDICT:
		ui__picker_start(ui, PICK_VERDICT);
		return UI_HANDLED | UI_REDRAW;
	case ACT_SORT:
		ui__picker_start(ui, PICK_SORT);
		return UI_HANDLED | UI_REDRAW;
	case ACT_INVERT:
		ui->sort.invert = !ui->sort.invert;
		return UI_HANDLED | UI_REDRAW | UI_REORDER;
	case ACT_FOLLOW:
		ui->follow = !ui->follow;
		ui__status(ui, ui->follow ? "following the newest packet (any move stops)"
					  : "not following");
		return UI_HANDLED | UI_REDRAW | UI_REORDER;
	case ACT_HIST:
		ui->hist = !ui->hist;
		ui->sc[PANE_LAYERS] = (struct scroll){ 0, 0 };
		return UI_HANDLED | UI_REDRAW;
	case ACT_DROPS:
		if (ui->mode == MODE_DROPS)
			return back(ui);
		ui->back_mode = ui->mode;
		ui->mode = MODE_DROPS;
		ui->drops_sc = (struct scroll){ 0, 0 };
		refresh_model(ui, true);
		return UI_HANDLED | UI_REDRAW;
	case ACT_NEXT_PANE:
		return next_pane(ui, 1);
	case ACT_PREV_PANE:
		return next_pane(ui, -1);
	default:
		break;
	}
	if (ui->mode == MODE_HELP)
		return view_help.handle(ui, a);
	if (ui->mode == MODE_PICKER)
		return view_picker.handle(ui, a);
	if (ui->mode == MODE_DROPS)
		return view_drops.handle(ui, a);
	{
		unsigned fl = pane_views[ui->focus]->handle(ui, a);

		/* Enter anywhere in the main screen but the layer pane opens the packet. */
		if (!fl && a == ACT_OPEN && ui->mode == MODE_MAIN)
			fl = view_packets.handle(ui, a);
		return fl;
	}
}

static void pump(struct ui *ui)
{
	uint64_t start = ui__now_ms();

	if (!ui->feed->pump)
		return;
	/* A waiting key ends the pumping at once: answering it matters more than catching up. */
	while (ui->feed->pump(ui->feed->ctx, ui->store) && ui__now_ms() - start < PUMP_BUDGET_MS &&
	       !term__key_pending())
		;
}

static uint64_t newest_ns(const struct store *s)
{
	uint64_t t = 0;

	for (size_t i = 0; i < store__len(s); i++)
		if (store__at(s, i)->last_ns > t)
			t = store__at(s, i)->last_ns;
	return t;
}

int ui__run(struct store *s, struct names *n, const struct config *cfg, const struct ui_feed *feed)
{
	struct ui ui;
	uint64_t next_frame = 0;
	bool quit = false, dirty = true;

	memset(&ui, 0, sizeof(ui));
	ui.store = s;
	ui.names = n;
	ui.cfg = cfg;
	ui.feed = feed;
	ui.focus = PANE_PACKETS;
	ui.follow = feed->live;
	vm_filter__init(&ui.filter);
	vm_matcher__init(&ui.matcher, &ui.filter);
	if (feed->live)
		ui.wall_off_ns =
			(int64_t)(clock__ns_of(CLOCK_REALTIME) - clock__ns_of(CLOCK_MONOTONIC));
	else
		ui.now_ns = newest_ns(s);
	if (term__init(cfg->color && !getenv("NO_COLOR"), cfg->mouse))
		return 1;
	ui.utf8 = term__utf8();
	ui.rows_gen = store__generation(s) - 1; /* so that the first frame builds the rows */

	while (!quit) {
		uint64_t now;
		int key, timeout;

		if (feed->starting) {
			const char *was = ui.starting;
			bool failed = false;

			ui.starting = feed->starting(feed->ctx, &failed);
			if (failed)
				break;
			dirty |= ui.starting != was;
		}
		if (!ui.starting)
			pump(&ui);
		now = ui__now_ms();
		if (dirty || now >= next_frame) {
			refresh_model(&ui, false);
			draw_all(&ui);
			if (feed->drawn)
				feed->drawn(feed->ctx);
			/* A replay changes only on a key: no need to wake up for frames. */
			next_frame = now + (feed->pump ? FRAME_MS : 1000);
			dirty = false;
		}
		timeout = (int)(next_frame - ui__now_ms());
		if (timeout < 0)
			timeout = 0;
		if (feed->pump && timeout > POLL_MS)
			timeout = POLL_MS;
		key = term__key(timeout);
		while (key != ERR && !quit) {
			unsigned fl = handle_key(&ui, key);

			if (fl & UI_QUIT)
				quit = true;
			if (fl & UI_REFILTER)
				set_filter_changed(&ui);
			/* Before the next key: a key typed ahead acts on the rows as they now are.
			 */
			if (fl & (UI_REFILTER | UI_REORDER))
				refresh_model(&ui, true);
			if (fl & (UI_REDRAW | UI_REFILTER | UI_REORDER))
				dirty = true;
			key = term__key(0);
		}
		if (signals__stop())
			quit = true;
	}
	term__restore();
	vm_rows__free(&ui.rows);
	vm_layers__free(&ui.layers);
	vm_drops__free(&ui.drops);
	vm_matcher__free(&ui.matcher);
	return 0;
}

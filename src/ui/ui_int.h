/* SPDX-License-Identifier: GPL-2.0 */
/* The UI's shared state and the small vtable every view implements. Private to src/ui. */
#ifndef SKBTOP_UI_INT_H
#define SKBTOP_UI_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/view/viewmodel.h"
#include "core/view/vm_drops.h"
#include "core/view/vm_sort.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "ui/ui.h"

/* What a key handler tells the loop. */
#define UI_HANDLED  0x1
#define UI_REDRAW   0x2
#define UI_QUIT	    0x4
#define UI_REFILTER 0x8	 /* the filter changed: rebuild the rows and aggregates */
#define UI_REORDER  0x10 /* the order or the selection rule changed: rebuild the rows now */

struct scroll {
	size_t sel, top;
};

/* Moves a selection over n lines shown page at a time; returns true when it moved. */
bool scroll__apply(struct scroll *sc, enum action a, size_t n, size_t page);
/* Moves the page over n lines of text that has no cursor (help, histograms). */
bool scroll__view(struct scroll *sc, enum action a, size_t n, size_t page);
/* Keeps the selection inside n lines and visible in a page. */
void scroll__clamp(struct scroll *sc, size_t n, size_t page);

enum picker_kind {
	PICK_LAYER,
	PICK_VERDICT,
	PICK_SORT,
};

#define PROMPT_LEN 256

enum prompt_kind {
	PROMPT_SEARCH,
	PROMPT_SAVE,
};

struct ui {
	struct store *store;
	struct names *names;
	const struct config *cfg;
	const struct ui_feed *feed;
	bool utf8;

	enum ui_mode mode, back_mode; /* back_mode: where Esc from help/picker/prompt returns */
	enum pane focus;
	struct layout lay;
	bool paused;
	const char *starting; /* what the session is still starting, NULL once it runs */

	struct vm_filter filter;
	struct vm_matcher matcher;
	struct vm_rows rows;
	struct vm_layers layers;
	uint64_t rows_gen; /* store generation the rows were built from */
	bool rows_stale;
	uint64_t layers_at_ms;

	/* The selection stays on the newest packet ('F', End in time order) until the user moves.
	 */
	bool follow;
	struct vm_sort sort;
	bool hist; /* the layer pane shows time histograms instead of counters */
	struct vm_drops drops;
	struct scroll drops_sc;
	uint64_t drops_at_ms;
	uint64_t sel_id; /* selected journey, 0 for none */
	struct scroll sc[PANE_COUNT];
	uint64_t detail_id; /* packet the timeline and nft panes were last scrolled for */
	struct scroll help_sc;

	enum picker_kind picker;
	struct scroll picker_sc;

	enum prompt_kind prompt;
	char prompt_buf[PROMPT_LEN];
	size_t prompt_len;
	char search_before[VM_SEARCH_LEN]; /* what Esc restores: the search narrows as one types */

	char status[256];
	uint64_t status_until_ms;

	int64_t wall_off_ns; /* monotonic to wall clock, 0 when unknown (replay) */
	uint64_t base_ns;    /* first_ns of the oldest packet held, for relative times */
	uint64_t now_ns;     /* the kernel-clock "now" the layer rates are measured at */
	double ev_rate;	     /* events per second into the store */
	uint64_t rate_events, rate_at_ms;
};

struct view {
	void (*draw)(struct ui *ui, const struct rect *r, bool focused);
	unsigned (*handle)(struct ui *ui, enum action a);
};

extern const struct view view_layers, view_packets, view_timeline, view_nft, view_help, view_picker,
	view_drops;

/* The selected packet, or NULL. */
const struct journey *ui__selected(const struct ui *ui);
/*
 * The selected packet for the panes that detail it: a newly selected packet starts with its
 * timeline at the end, where its fate is, and its nftables path at the top.
 */
const struct journey *ui__detailed(struct ui *ui);
void ui__status(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t ui__now_ms(void);

/* Prompts and pickers: starting them switches the mode; their results land in ui.c. */
void ui__prompt_start(struct ui *ui, enum prompt_kind kind, const char *initial);
void ui__picker_start(struct ui *ui, enum picker_kind kind);
/* Number of items and the text of item i of the open picker. */
size_t ui__picker_len(const struct ui *ui);
void ui__picker_item(const struct ui *ui, size_t i, char *buf, size_t len, bool *current);
unsigned ui__picker_choose(struct ui *ui, size_t i);
/* Mouse: choose the item at screen column x, row y; a click outside the picker closes it. */
unsigned ui__picker_click(struct ui *ui, int x, int y);

/* Packets with no event for this long are no longer "in flight" (0: they always are). */
uint64_t ui__stale_before(const struct ui *ui);

/* Writes the selected packet's trace as path (JSON) and its text companion; status tells. */
void ui__save(struct ui *ui, const char *path);

#endif /* SKBTOP_UI_INT_H */

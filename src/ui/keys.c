// SPDX-License-Identifier: GPL-2.0
#include <curses.h>

#include "ui/keys.h"

#define M_MAIN	 MODE_BIT(MODE_MAIN)
#define M_PACKET MODE_BIT(MODE_PACKET)
#define M_HELP	 MODE_BIT(MODE_HELP)
#define M_PICKER MODE_BIT(MODE_PICKER)
#define M_PROMPT MODE_BIT(MODE_PROMPT)
#define M_DROPS	 MODE_BIT(MODE_DROPS)
#define M_VIEWS	 (M_MAIN | M_PACKET)
#define M_LISTS	 (M_MAIN | M_PACKET | M_HELP | M_PICKER | M_DROPS)

#define KEY_ESC 27

/* Footer order is table order: what a newcomer needs first comes first. */
static const struct key_binding table[] = {
	{ { KEY_F(1), '?' }, "F1", "help", "show this help (? too)", ACT_HELP, M_VIEWS, true },
	{ { '/' },
	  "/",
	  "search",
	  "search: address, port, protocol, function, interface, reason",
	  ACT_SEARCH,
	  M_VIEWS,
	  true },
	{ { 'd' },
	  "d",
	  "drops",
	  "drop reasons: counts, the last minute (d or Esc goes back)",
	  ACT_DROPS,
	  M_VIEWS | M_DROPS,
	  true },
	{ { '>', KEY_F(6) },
	  ">",
	  "sort",
	  "sort the packets by time, duration, events, fate, ... (F6 too)",
	  ACT_SORT,
	  M_MAIN,
	  true },
	{ { 'I' }, "I", "invert", "invert the sort order", ACT_INVERT, M_MAIN, false },
	{ { 'F' },
	  "F",
	  "follow",
	  "follow the newest packet as packets arrive (a move stops it)",
	  ACT_FOLLOW,
	  M_MAIN,
	  true },
	{ { 'H' },
	  "H",
	  "histogram",
	  "layer pane: counters or time histograms (log2 buckets)",
	  ACT_HIST,
	  M_MAIN,
	  true },
	{ { 'l' },
	  "l",
	  "layer",
	  "filter packets by the layer they went through",
	  ACT_LAYER,
	  M_MAIN,
	  true },
	{ { 'v' },
	  "v",
	  "verdict",
	  "filter by fate (dropped, delivered, ...) or nftables verdict",
	  ACT_VERDICT,
	  M_MAIN,
	  true },
	{ { '\t' }, "Tab", "pane", "move to the next pane", ACT_NEXT_PANE, M_VIEWS, true },
	{ { KEY_BTAB },
	  "S-Tab",
	  "pane",
	  "move to the previous pane",
	  ACT_PREV_PANE,
	  M_VIEWS,
	  false },
	{ { '\n', '\r', KEY_ENTER },
	  "Enter",
	  "open",
	  "open the packet; in the layer pane, filter by that layer",
	  ACT_OPEN,
	  M_MAIN,
	  true },
	{ { '\n', '\r', KEY_ENTER },
	  "Enter",
	  "show",
	  "drop reasons: list the packets dropped for that reason",
	  ACT_OPEN,
	  M_DROPS,
	  true },
	{ { '\n', '\r', KEY_ENTER },
	  "Enter",
	  "choose",
	  "use the highlighted choice",
	  ACT_OPEN,
	  M_PICKER,
	  true },
	{ { '\n', '\r', KEY_ENTER },
	  "Enter",
	  "accept",
	  "keep the search, or save to the name typed",
	  ACT_OPEN,
	  M_PROMPT,
	  true },
	{ { 's' },
	  "s",
	  "save",
	  "save the selected packet's trace (JSON and a text file)",
	  ACT_SAVE,
	  M_VIEWS,
	  true },
	{ { ' ' },
	  "Space",
	  "pause",
	  "pause or resume the display (data keeps being collected)",
	  ACT_PAUSE,
	  M_VIEWS,
	  true },
	{ { 'c' }, "c", "clear", "empty the packet store", ACT_CLEAR, M_MAIN, true },
	{ { KEY_ESC },
	  "Esc",
	  "back",
	  "leave the packet, help, picker or drop reasons",
	  ACT_BACK,
	  M_PACKET | M_HELP | M_PICKER | M_DROPS,
	  true },
	{ { 21 }, "^U", "erase", "erase what was typed", ACT_ERASE, M_PROMPT, true },
	{ { KEY_ESC }, "Esc", "unfilter", "clear the filters", ACT_BACK, M_MAIN, true },
	{ { KEY_ESC },
	  "Esc",
	  "cancel",
	  "cancel the prompt (the search goes back as it was)",
	  ACT_BACK,
	  M_PROMPT,
	  true },
	{ { 'q', KEY_F(10) },
	  "q",
	  "quit",
	  "quit skbtop (F10 too)",
	  ACT_QUIT,
	  M_VIEWS | M_HELP | M_DROPS,
	  true },
	{ { KEY_UP, 'k' }, "Up/k", "up", "move up", ACT_UP, M_LISTS, false },
	{ { KEY_DOWN, 'j' }, "Down/j", "down", "move down", ACT_DOWN, M_LISTS, false },
	{ { KEY_PPAGE }, "PgUp", "page", "one page up", ACT_PGUP, M_LISTS, false },
	{ { KEY_NPAGE }, "PgDn", "page", "one page down", ACT_PGDN, M_LISTS, false },
	{ { KEY_HOME, 'g' }, "Home/g", "top", "go to the first line", ACT_HOME, M_LISTS, false },
	{ { KEY_END, 'G' },
	  "End/G",
	  "end",
	  "go to the last line (sorted by time, the list then follows new packets)",
	  ACT_END,
	  M_LISTS,
	  false },
};

const struct key_binding *keys__table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

enum action keys__action(enum ui_mode mode, int key)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!(table[i].modes & MODE_BIT(mode)))
			continue;
		for (int k = 0; k < 4 && table[i].keys[k]; k++)
			if (table[i].keys[k] == key)
				return table[i].act;
	}
	return ACT_NONE;
}

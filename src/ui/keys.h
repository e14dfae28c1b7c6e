/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one key table: it decides what a key does in each mode, and the footer and the help
 * screen are generated from it, so the three never disagree.
 */
#ifndef SKBTOP_UI_KEYS_H
#define SKBTOP_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum ui_mode {
	MODE_MAIN = 0, /* every pane */
	MODE_PACKET,   /* one packet opened */
	MODE_HELP,
	MODE_PICKER, /* choosing a layer or a verdict */
	MODE_PROMPT, /* typing a search or a file name */
	MODE_DROPS,  /* the drop reasons */
	MODE_COUNT,
};

#define MODE_BIT(m) (1u << (m))

enum action {
	ACT_NONE = 0,
	ACT_UP,
	ACT_DOWN,
	ACT_PGUP,
	ACT_PGDN,
	ACT_HOME,
	ACT_END,
	ACT_NEXT_PANE,
	ACT_PREV_PANE,
	ACT_OPEN, /* Enter: open a packet, pick an item, accept a prompt */
	ACT_LAYER,
	ACT_VERDICT,
	ACT_SEARCH,
	ACT_BACK, /* Esc */
	ACT_PAUSE,
	ACT_SAVE,
	ACT_CLEAR,
	ACT_HELP,
	ACT_QUIT,
	ACT_ERASE, /* the prompt's whole text */
	ACT_SORT,
	ACT_INVERT,
	ACT_FOLLOW,
	ACT_HIST,
	ACT_DROPS,
	ACT_COUNT,
};

struct key_binding {
	int keys[4];	   /* curses key codes; 0 ends the list */
	const char *label; /* as the footer and help show it */
	const char *hint;  /* one word for the footer */
	const char *help;  /* a sentence for the help screen */
	enum action act;
	unsigned modes; /* MODE_BIT()s where the binding applies */
	bool footer;	/* listed in the footer (help lists every binding) */
};

const struct key_binding *keys__table(size_t *n);
/* The action of key in mode, ACT_NONE when it has none there. */
enum action keys__action(enum ui_mode mode, int key);

#endif /* SKBTOP_UI_KEYS_H */

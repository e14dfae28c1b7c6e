/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one owner of the terminal: curses set-up, colours, keys, and restoring the terminal on
 * every way out (return, signal, crash). Other UI files draw with curses but never set it up.
 */
#ifndef SKBTOP_UI_TERM_H
#define SKBTOP_UI_TERM_H

#include <stdbool.h>

#include <curses.h>

enum role {
	ROLE_NORMAL = 0,
	ROLE_HEADER,
	ROLE_BORDER,
	ROLE_BORDER_FOCUS,
	ROLE_TITLE,
	ROLE_COLHEAD,
	ROLE_SEL,
	ROLE_SEL_DIM, /* selection of a pane without focus */
	ROLE_DROP,
	ROLE_OK,
	ROLE_DIM,
	ROLE_NFT,
	ROLE_WARN,
	ROLE_KEY,
	ROLE_HINT,
	ROLE_STATUS,
	ROLE_COUNT,
};

/* Returns 0, or -1 with a message on stderr when stdin/stdout is not a usable terminal. */
int term__init(bool color);
/* Safe to call twice and from a signal handler's path; prints what was held back meanwhile. */
void term__restore(void);
attr_t term__attr(enum role r);
bool term__utf8(void);
/*
 * The next key within timeout_ms (0: do not wait), ERR when none. A signal asking to quit
 * (SIGINT, SIGTERM, SIGHUP) makes it return ERR at once and signals__stop() non-zero.
 */
int term__key(int timeout_ms);
/* True when a key is waiting, without reading it. */
bool term__key_pending(void);
void term__size(int *cols, int *rows);

#endif /* SKBTOP_UI_TERM_H */

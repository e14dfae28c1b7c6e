// SPDX-License-Identifier: GPL-2.0
#include <langinfo.h>
#include <poll.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/log.h"
#include "core/base/signals.h"
#include "ui/term.h"

static SCREEN *screen;
static bool active, utf8, colored, atexit_done;
static attr_t attrs[ROLE_COUNT];

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction old_crash[5];

/* Leave the user a working terminal even when we die; then die as we would have. */
static void on_crash(int sig)
{
	if (active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void set_signals(void)
{
	struct sigaction sa;

	/* The stop signals keep their one owner, whose handler interrupts the wait for a key. */
	signals__install();
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < 5; i++)
		sigaction(crash_signals[i], &sa, &old_crash[i]);
}

static void reset_signals(void)
{
	for (size_t i = 0; i < 5; i++)
		sigaction(crash_signals[i], &old_crash[i], NULL);
}

static void set_attrs(void)
{
	static const struct {
		short fg, bg;
		attr_t extra;
		attr_t mono;
	} roles[ROLE_COUNT] = {
		[ROLE_NORMAL] = { -1, -1, 0, 0 },
		[ROLE_HEADER] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[ROLE_BORDER] = { COLOR_CYAN, -1, 0, 0 },
		[ROLE_BORDER_FOCUS] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
		[ROLE_TITLE] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
		[ROLE_COLHEAD] = { COLOR_BLACK, COLOR_GREEN, 0, A_UNDERLINE },
		[ROLE_SEL] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[ROLE_SEL_DIM] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
		[ROLE_DROP] = { COLOR_RED, -1, A_BOLD, A_BOLD },
		[ROLE_OK] = { COLOR_GREEN, -1, 0, 0 },
		[ROLE_DIM] = { COLOR_CYAN, -1, 0, A_DIM },
		[ROLE_NFT] = { COLOR_MAGENTA, -1, 0, 0 },
		[ROLE_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		[ROLE_KEY] = { -1, -1, A_BOLD, A_BOLD },
		[ROLE_HINT] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[ROLE_STATUS] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	};

	for (int r = 0; r < ROLE_COUNT; r++) {
		if (!colored) {
			attrs[r] = roles[r].mono;
			continue;
		}
		init_pair(r + 1, roles[r].fg, roles[r].bg);
		attrs[r] = COLOR_PAIR(r + 1) | roles[r].extra;
	}
}

int term__init(bool color, bool mouse)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		p_err("the screen needs a terminal on stdin and stdout");
		return -1;
	}
	setlocale(LC_ALL, "");
	utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		p_err("cannot use terminal type '%s'", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	active = true;
	if (!atexit_done) {
		atexit(term__restore);
		atexit_done = true;
	}
	set_signals();
	log_hold(true);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	if (mouse) {
		/* Presses at once: a click waiting to see whether a release follows feels late. */
		mousemask(ALL_MOUSE_EVENTS, NULL);
		mouseinterval(0);
	}
	colored = color && has_colors();
	if (colored) {
		start_color();
		use_default_colors();
	}
	set_attrs();
	return 0;
}

void term__restore(void)
{
	if (!active)
		return;
	active = false;
	endwin();
	delscreen(screen);
	screen = NULL;
	reset_signals();
	log_hold(false);
}

attr_t term__attr(enum role r)
{
	return r < ROLE_COUNT ? attrs[r] : 0;
}

bool term__utf8(void)
{
	return utf8;
}

int term__key(int timeout_ms)
{
	wint_t wch;
	int rc;

	if (signals__stop())
		return ERR;
	wtimeout(stdscr, timeout_ms);
	rc = wget_wch(stdscr, &wch);
	if (rc == ERR || signals__stop())
		return ERR;
	return (int)wch;
}

bool term__key_pending(void)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

	return signals__stop() || poll(&pfd, 1, 0) > 0;
}

void term__size(int *cols, int *rows)
{
	getmaxyx(stdscr, *rows, *cols);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "core/base/json_util.h"
#include "core/base/log.h"
#include "core/base/printable.h"

int log_verbosity;
bool log_json;

/* What is held while the screen is open stops here: the first messages say what went wrong. */
#define HELD_MAX (64 << 10)

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static bool holding;
static char *held;
static size_t held_len;
static unsigned long held_dropped;

/* Messages quote names from outside (interfaces, tables, files): they are made printable here. */
static void emit(bool is_err, const char *level, const char *fmt, va_list ap)
{
	char line[1024], shown[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	pthread_mutex_lock(&held_lock);
	flockfile(stderr);
	if (holding) {
		size_t n = strlen(level) + sizeof(shown) + 16;
		char *p = held_len + n <= HELD_MAX ? realloc(held, held_len + n) : NULL;

		if (p) {
			held = p;
			held_len += snprintf(held + held_len, n, "skbtop: %s%s\n", level,
					     printable__copy(shown, sizeof(shown), line));
		} else {
			held_dropped++;
		}
	} else if (log_json && is_err) {
		fputs_unlocked("{\"error\":", stderr);
		json__str(stderr, line);
		fputs_unlocked("}\n", stderr);
	} else {
		fputs_unlocked("skbtop: ", stderr);
		fputs_unlocked(level, stderr);
		printable__fputs(stderr, line);
		putc_unlocked('\n', stderr);
	}
	funlockfile(stderr);
	pthread_mutex_unlock(&held_lock);
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(true, "", fmt, ap);
	va_end(ap);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(false, "warning: ", fmt, ap);
	va_end(ap);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	emit(false, "", fmt, ap);
	va_end(ap);
}

void p_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 2)
		return;
	va_start(ap, fmt);
	emit(false, "debug: ", fmt, ap);
	va_end(ap);
}

void log_hold(bool hold)
{
	pthread_mutex_lock(&held_lock);
	holding = hold;
	if (!hold && held) {
		fwrite(held, 1, held_len, stderr);
		free(held);
		held = NULL;
		held_len = 0;
	}
	if (!hold && held_dropped) {
		fprintf(stderr, "skbtop: and %lu more messages while the screen was open\n",
			held_dropped);
		held_dropped = 0;
	}
	pthread_mutex_unlock(&held_lock);
}

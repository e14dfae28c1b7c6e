// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "log.h"

int log_verbosity;
bool log_json;

/* What is held while the screen is open stops here: the first messages say what went wrong. */
#define HELD_MAX (64 << 10)

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static bool holding;
static char *held;
static size_t held_len;
static unsigned long held_dropped;

static void json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
}

static void emit(bool is_err, const char *level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	pthread_mutex_lock(&held_lock);
	if (holding) {
		size_t n = strlen(level) + strlen(line) + 16;
		char *p = held_len + n <= HELD_MAX ? realloc(held, held_len + n) : NULL;

		if (p) {
			held = p;
			held_len += snprintf(held + held_len, n, "skbtop: %s%s\n", level, line);
		} else {
			held_dropped++;
		}
	} else if (log_json && is_err) {
		fputs("{\"error\":\"", stderr);
		json_escape(stderr, line);
		fputs("\"}\n", stderr);
	} else {
		fprintf(stderr, "skbtop: %s%s\n", level, line);
	}
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

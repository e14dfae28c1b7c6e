// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/base/json_util.h"
#include "core/base/log.h"
#include "core/base/printable.h"

int log_verbosity;
bool log_json;

/* What is held while the screen is open stops here: the first messages say what went wrong. */
#define HELD_MAX (64 << 10)

/* While held, file descriptor 2 is a memory file: libbpf's messages and every other write to
 * stderr wait there too, not only ours. */
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static int saved_fd = -1, held_fd = -1;

/* Messages quote names from outside (interfaces, tables, files): they are made printable here. */
static void emit(bool is_err, const char *level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	flockfile(stderr);
	if (log_json && is_err) {
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

/* The held messages up to HELD_MAX, then how many more lines there were. */
static void replay_held(int fd)
{
	char buf[4096];
	size_t shown = 0;
	unsigned long more = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t keep = shown < HELD_MAX ? HELD_MAX - shown : 0;

		if (keep > (size_t)n)
			keep = (size_t)n;
		/* Whole lines only: a cut one would be mistaken for the message. */
		if (keep < (size_t)n)
			while (keep && buf[keep - 1] != '\n')
				keep--;
		fwrite(buf, 1, keep, stderr);
		shown = keep < (size_t)n ? HELD_MAX : shown + keep;
		for (size_t i = keep; i < (size_t)n; i++)
			more += buf[i] == '\n';
	}
	if (more)
		fprintf(stderr, "skbtop: and %lu more messages while the screen was open\n", more);
}

void log_hold(bool hold)
{
	pthread_mutex_lock(&held_lock);
	fflush(stderr);
	if (hold && saved_fd < 0) {
		held_fd = memfd_create("skbtop-held-stderr", MFD_CLOEXEC);
		saved_fd = held_fd < 0 ? -1 : fcntl(2, F_DUPFD_CLOEXEC, 3);
		if (saved_fd < 0 || dup2(held_fd, 2) < 0) {
			/* Not held, then: shown on the screen rather than lost. */
			if (saved_fd >= 0)
				close(saved_fd);
			if (held_fd >= 0)
				close(held_fd);
			saved_fd = held_fd = -1;
		}
	} else if (!hold && saved_fd >= 0) {
		dup2(saved_fd, 2);
		close(saved_fd);
		replay_held(held_fd);
		fflush(stderr);
		close(held_fd);
		saved_fd = held_fd = -1;
	}
	pthread_mutex_unlock(&held_lock);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One way to report: errors are one line on stderr ("skbtop: ..."), or a JSON object when the
 * command was asked for JSON, so scripts never parse prose.
 */
#ifndef SKBTOP_LOG_H
#define SKBTOP_LOG_H

#include <stdbool.h>

extern int log_verbosity; /* 0 quiet, 1 -v, 2 -d */
extern bool log_json;

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* While curses owns the terminal, messages are kept and shown after it is restored. */
void log_hold(bool hold);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What skbtop shows of a string that came from outside (rule text, table, chain and interface
 * names, names read from a replayed file): bytes a terminal would act on instead of showing
 * (C0 controls, DEL, C1 controls, bytes that are not UTF-8) become "\xHH", so nobody who can name
 * a rule or an interface can write escape sequences to the terminal of the person reading.
 */
#ifndef SKBTOP_PRINTABLE_H
#define SKBTOP_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Length of the printable UTF-8 character at s, 0 when its first byte must be escaped. */
size_t printable__len(const char *s);

/* Whether the len bytes at s are all printable as they are. */
bool printable__is(const char *s, size_t len);

/* Writes s with every byte that is not printable as \xHH (caller holds f's lock or owns f). */
void printable__fputs(FILE *f, const char *s);
/* The same for a string whose length len is known (s[len] is its NUL). */
void printable__write(FILE *f, const char *s, size_t len);

/* printf, then printable__fputs of the result: the format's own text must be printable too. */
void printable__fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s made printable into buf (truncated at a whole escape); returns buf. */
char *printable__copy(char *buf, size_t len, const char *s);
/* The same, returning the length written (buf[length] is its NUL). */
size_t printable__put(char *buf, size_t len, const char *s);

#endif /* SKBTOP_PRINTABLE_H */

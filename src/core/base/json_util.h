/* SPDX-License-Identifier: GPL-2.0 */
/* Writing JSON by hand (streams and saved sessions): strings escaped so any parser reads them. */
#ifndef SKBTOP_JSON_UTIL_H
#define SKBTOP_JSON_UTIL_H

#include <stdint.h>
#include <stdio.h>

/* Writes s as a JSON string with its quotes; bytes that are not printable (printable.h) become
 * \u00XX. */
void json__str(FILE *f, const char *s);
/* Writes ,"key": (the comma unless first) and clears *first. */
void json__key(FILE *f, const char *key, int *first);
/* Writes v in decimal. */
void json__u64(FILE *f, uint64_t v);
/* A key and its value: json__key then json__str or json__u64. */
void json__key_str(FILE *f, const char *key, const char *v, int *first);
void json__key_u64(FILE *f, const char *key, uint64_t v, int *first);

/* All of them expect the caller to hold f's lock (flockfile) or to own f alone. */

#endif /* SKBTOP_JSON_UTIL_H */

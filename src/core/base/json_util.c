// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

#include "core/base/json_util.h"
#include "core/base/decimal.h"
#include "core/base/printable.h"

/*
 * The writers below use the _unlocked stdio calls: callers hold the FILE's lock for a whole
 * line (flockfile), so a line costs one lock, not one per character.
 */
void json__str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;

	putc_unlocked('"', f);
	while (*s) {
		size_t n = printable__len((const char *)s);

		if (n && *s != '"' && *s != '\\') {
			s += n;
			continue;
		}
		fwrite_unlocked(run, 1, (size_t)(s - run), f);
		if (*s == '"' || *s == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(*s, f);
		} else if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] < 0xa0) {
			/* A C1 control as UTF-8: the same character, escaped. */
			fprintf(f, "\\u%04x", *++s);
		} else {
			fprintf(f, "\\u%04x", *s);
		}
		run = ++s;
	}
	fwrite_unlocked(run, 1, (size_t)(s - run), f);
	putc_unlocked('"', f);
}

void json__key(FILE *f, const char *key, int *first)
{
	if (!*first)
		putc_unlocked(',', f);
	*first = 0;
	json__str(f, key);
	putc_unlocked(':', f);
}

void json__u64(FILE *f, uint64_t v)
{
	char buf[DECIMAL_U64_MAX], *end = buf + sizeof(buf), *p = decimal__u64(end, v);

	fwrite_unlocked(p, 1, (size_t)(end - p), f);
}

void json__key_str(FILE *f, const char *key, const char *v, int *first)
{
	json__key(f, key, first);
	json__str(f, v);
}

void json__key_u64(FILE *f, const char *key, uint64_t v, int *first)
{
	json__key(f, key, first);
	json__u64(f, v);
}

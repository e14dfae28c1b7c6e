// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stddef.h>

#include "json_util.h"

/* Length of the UTF-8 sequence at s, 0 when it is not a valid one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * The writers below use the _unlocked stdio calls: callers hold the FILE's lock for a whole
 * line (flockfile), so a line costs one lock, not one per character.
 */
void json__str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;

	putc_unlocked('"', f);
	while (*s) {
		size_t n = utf8_len(s);

		if (n && *s != '"' && *s != '\\' && *s >= 0x20) {
			s += n;
			continue;
		}
		fwrite_unlocked(run, 1, (size_t)(s - run), f);
		if (*s == '"' || *s == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(*s, f);
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
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

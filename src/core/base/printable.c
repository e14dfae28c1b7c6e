// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/printable.h"

size_t printable__len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f;
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
	/* U+0080..U+009F, the C1 controls: some terminals act on them in UTF-8 too. */
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return n;
}

static const char hex[] = "0123456789abcdef";

/*
 * Whether the 8 bytes at s are all printable ASCII (0x20..0x7e), tested on the word at once: a
 * byte below 0x20 borrows into its high bit when 0x20 is taken from each byte, and a byte above
 * 0x7e sets its high bit when 1 is added (or has it set already). A borrow or carry crossing into
 * the next byte happens only after a byte that is flagged itself, so the answer is exact.
 */
static bool ascii_word(const char *s)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t v;

	memcpy(&v, s, sizeof(v));
	return !((((v - 0x20 * ones) & ~v) | ((v + ones) | v)) & highs);
}

void printable__fputs(FILE *f, const char *s)
{
	printable__write(f, s, strlen(s));
}

void printable__write(FILE *f, const char *str, size_t len)
{
	const char *s = str, *run = s, *end = s + len;

	while (s < end) {
		size_t n;

		/* Most text is printable ASCII: eight bytes a test, and no call for it. */
		if (end - s >= 8 && ascii_word(s)) {
			s += 8;
			continue;
		}
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f) {
			s++;
			continue;
		}
		n = printable__len(s);
		if (n) {
			s += n;
			continue;
		}
		fwrite_unlocked(run, 1, (size_t)(s - run), f);
		putc_unlocked('\\', f);
		putc_unlocked('x', f);
		putc_unlocked(hex[(unsigned char)*s >> 4], f);
		putc_unlocked(hex[*s & 0xf], f);
		run = ++s;
	}
	fwrite_unlocked(run, 1, (size_t)(s - run), f);
}

void printable__fprintf(FILE *f, const char *fmt, ...)
{
	char buf[1024], *p = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf)) {
		va_start(ap, fmt);
		if (vasprintf(&p, fmt, ap) < 0)
			p = NULL;
		va_end(ap);
	}
	if (n < 0 || !p)
		return;
	printable__fputs(f, p);
	if (p != buf)
		free(p);
}

char *printable__copy(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!len)
		return buf;
	while (*s) {
		size_t n = printable__len(s);

		if (o + (n ? n : 4) >= len)
			break;
		if (n) {
			memcpy(buf + o, s, n);
			o += n;
			s += n;
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[(unsigned char)*s >> 4];
		buf[o++] = hex[*s & 0xf];
		s++;
	}
	buf[o] = '\0';
	return buf;
}

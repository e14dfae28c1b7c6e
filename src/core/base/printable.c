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

/*
 * How many bytes from s on (up to end, where a NUL is) need no escape: whole printable characters.
 * Most text is printable ASCII: eight bytes a test, and no call for it.
 */
static size_t printable_run(const char *s, const char *end)
{
	const char *p = s;

	while (p < end) {
		size_t n;

		if (end - p >= 8 && ascii_word(p)) {
			p += 8;
			continue;
		}
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f) {
			p++;
			continue;
		}
		n = printable__len(p);
		if (!n)
			break;
		p += n;
	}
	return (size_t)(p - s);
}

bool printable__is(const char *s, size_t len)
{
	return printable_run(s, s + len) == len;
}

void printable__write(FILE *f, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		size_t n = printable_run(s, end);

		fwrite_unlocked(s, 1, n, f);
		s += n;
		if (s == end)
			break;
		putc_unlocked('\\', f);
		putc_unlocked('x', f);
		putc_unlocked(hex[(unsigned char)*s >> 4], f);
		putc_unlocked(hex[*s & 0xf], f);
		s++;
	}
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

size_t printable__put(char *buf, size_t len, const char *s)
{
	const char *end = s + strlen(s);
	size_t o = 0;

	if (!len)
		return 0;
	while (s < end) {
		size_t n = printable_run(s, end), room = len - 1 - o;

		if (n > room) {
			/* Cut at the last whole character that fits. */
			size_t k = 0, c;

			while (k < room && (c = printable__len(s + k)) && k + c <= room)
				k += c;
			memcpy(buf + o, s, k);
			o += k;
			break;
		}
		memcpy(buf + o, s, n);
		o += n;
		s += n;
		if (s == end || room - n < 4)
			break;
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[(unsigned char)*s >> 4];
		buf[o++] = hex[*s & 0xf];
		s++;
	}
	buf[o] = '\0';
	return o;
}

char *printable__copy(char *buf, size_t len, const char *s)
{
	printable__put(buf, len, s);
	return buf;
}

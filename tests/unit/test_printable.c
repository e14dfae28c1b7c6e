// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/base/log.h"
#include "core/base/printable.h"

/* What printable__fputs writes for s. */
static char *shown(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	printable__fputs(f, s);
	fclose(f);
	return buf;
}

static void test_controls_become_hex_escapes(void **state)
{
	char *s = shown("a\x1b]0;t\x07 b\r\n\t\x7f");

	(void)state;
	assert_string_equal(s, "a\\x1b]0;t\\x07 b\\x0d\\x0a\\x09\\x7f");
	free(s);
}

static void test_c1_controls_and_broken_utf8_are_escaped(void **state)
{
	/* U+009B (CSI as one character) in UTF-8, a lone continuation byte, a truncated sequence.
	 */
	char *s = shown("x\xc2\x9b"
			"31m \x80 \xe2\x86");

	(void)state;
	assert_string_equal(s, "x\\xc2\\x9b31m \\x80 \\xe2\\x86");
	free(s);
}

static void test_printable_text_is_kept_as_it_is(void **state)
{
	const char *t = "udp dport 53 → é ü \xc2\xa0 ok \"q\" \\ 中";
	char *s = shown(t);

	(void)state;
	assert_string_equal(s, t);
	free(s);
}

static void test_every_byte_alone(void **state)
{
	(void)state;
	for (int b = 1; b < 256; b++) {
		char in[2] = { (char)b, 0 }, want[8];
		char *s = shown(in);

		if (b >= 0x20 && b < 0x7f)
			snprintf(want, sizeof(want), "%c", b);
		else
			snprintf(want, sizeof(want), "\\x%02x", b);
		assert_string_equal(s, want);
		free(s);
	}
}

/* Text is tested eight bytes at a time: each byte at each place within and after the words. */
static void test_every_byte_at_every_place_among_printable_text(void **state)
{
	(void)state;
	for (int b = 1; b < 256; b++) {
		for (int at = 0; at < 20; at++) {
			char in[21], want[32];
			char *s;

			memset(in, 'a' + at % 26, sizeof(in) - 1);
			in[20] = '\0';
			in[at] = (char)b;
			if (b >= 0x20 && b < 0x7f)
				snprintf(want, sizeof(want), "%s", in);
			else
				snprintf(want, sizeof(want), "%.*s\\x%02x%s", at, in, b,
					 in + at + 1);
			s = shown(in);
			assert_string_equal(s, want);
			free(s);
		}
	}
}

static void test_copy_truncates_at_a_whole_escape(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(printable__copy(buf, sizeof(buf),
					    "ab\x1b"
					    "cd"),
			    "ab\\x1bc");
	assert_string_equal(printable__copy(buf, 6,
					    "ab\x1b"
					    "cd"),
			    "ab");
	assert_string_equal(printable__copy(buf, sizeof(buf), "ab→cd"), "ab→cd");
	assert_string_equal(printable__copy(buf, 6, "ab→cd"), "ab→");
	assert_string_equal(printable__copy(buf, 5, "ab→cd"), "ab");
}

/*
 * printable__copy into every size of buffer, on strings mixing printable ASCII runs longer than a
 * word, UTF-8, controls and broken sequences: each result is the longest prefix of what
 * printable__fputs writes that ends at a whole character or escape and leaves room for the NUL.
 */
static void test_copy_is_the_longest_whole_prefix_of_what_is_written(void **state)
{
	static const char *const parts[] = { "abcdefghijk", "→", "\x1b", "\xc2\x9b",
					     "\x80",	    "z", "€uro", "\xf0\x9f\x98\x80",
					     "\x7f" };
	unsigned int seed = 7;

	(void)state;
	for (int round = 0; round < 300; round++) {
		char in[256] = "", buf[200];
		char *full;
		size_t flen;

		for (int i = 0; i < 1 + round % 12; i++) {
			seed = seed * 1103515245u + 12345u;
			strcat(in, parts[(seed >> 16) % (sizeof(parts) / sizeof(parts[0]))]);
		}
		full = shown(in);
		flen = strlen(full);
		assert_string_equal(printable__copy(buf, sizeof(buf), in), full);
		for (size_t len = 1; len <= flen + 1; len++) {
			size_t got = strlen(printable__copy(buf, len, in)), next;

			assert_true(got < len);
			assert_memory_equal(buf, full, got);
			/* What comes next in full is an escape or a whole character, and it does
			 * not fit. */
			if (got == flen)
				continue;
			next = full[got] == '\\' ? 4 : printable__len(full + got);
			assert_true(next > 0);
			assert_true(got + next >= len);
		}
		free(full);
	}
}

static void test_fprintf_escapes_what_it_formatted(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char big[3000];

	(void)state;
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 2] = '\x1b';
	big[sizeof(big) - 1] = 0;
	printable__fprintf(f, "[%s] %d", "\a", 7);
	printable__fprintf(f, "%s", big);
	fclose(f);
	assert_int_equal(strncmp(buf, "[\\x07] 7xxx", 11), 0);
	assert_int_equal(strlen(buf), 8 + sizeof(big) - 2 + 4);
	assert_string_equal(buf + strlen(buf) - 5, "x\\x1b");
	free(buf);
}

/* What p_err writes on stderr for a message quoting name. */
static char *logged(const char *name)
{
	char path[] = "/tmp/test_printable.XXXXXX", *buf = calloc(1, 512);
	int fd = mkstemp(path), saved = dup(2);
	FILE *f;

	assert_true(fd >= 0 && saved >= 0 && buf);
	fflush(stderr);
	dup2(fd, 2);
	p_err("no table %s here", name);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, 512, f));
	fclose(f);
	unlink(path);
	return buf;
}

/* Messages quote names from outside too: one line, escaped, in text and in JSON. */
static void test_log_lines_are_printable(void **state)
{
	char *s;

	(void)state;
	s = logged("t\x1b]0;x\x07\nfake line");
	assert_string_equal(s, "skbtop: no table t\\x1b]0;x\\x07\\x0afake line here\n");
	free(s);
	log_json = true;
	s = logged("t\x1b\"");
	log_json = false;
	assert_string_equal(s, "{\"error\":\"no table t\\u001b\\\" here\"}\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls_become_hex_escapes),
		cmocka_unit_test(test_c1_controls_and_broken_utf8_are_escaped),
		cmocka_unit_test(test_printable_text_is_kept_as_it_is),
		cmocka_unit_test(test_every_byte_alone),
		cmocka_unit_test(test_every_byte_at_every_place_among_printable_text),
		cmocka_unit_test(test_copy_truncates_at_a_whole_escape),
		cmocka_unit_test(test_copy_is_the_longest_whole_prefix_of_what_is_written),
		cmocka_unit_test(test_fprintf_escapes_what_it_formatted),
		cmocka_unit_test(test_log_lines_are_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

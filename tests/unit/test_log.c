// SPDX-License-Identifier: GPL-2.0
/* Messages held while the screen is open: kept up to a bound, the rest counted. */
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

static void test_held_messages_are_bounded_and_the_rest_counted(void **state)
{
	char path[] = "/tmp/skbtop-test-log-XXXXXX", line[256], last[256] = "";
	int fd = mkstemp(path), saved = dup(2);
	size_t bytes = 0;
	FILE *f;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	log_hold(true);
	for (int i = 0; i < 100000; i++)
		p_err("netns %d: something went wrong again", i);
	fflush(stderr);
	dup2(fd, 2);
	log_hold(false);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "skbtop: netns 0: something went wrong again\n");
	bytes = strlen(line);
	while (fgets(line, sizeof(line), f)) {
		bytes += strlen(line);
		strcpy(last, line);
	}
	fclose(f);
	unlink(path);
	assert_true(bytes < 70000);
	assert_non_null(strstr(last, "skbtop: and "));
	assert_non_null(strstr(last, " more messages while the screen was open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_messages_are_bounded_and_the_rest_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

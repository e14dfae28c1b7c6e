// SPDX-License-Identifier: GPL-2.0
/* Saving all or nothing: what the user saved before is never lost or half-written. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/base/file_atomic.h"

static char dir[] = "/tmp/skbtop-atomic-XXXXXX";

static int fill_text(FILE *f, void *arg)
{
	return fputs(arg, f) < 0 ? -EIO : 0;
}

/* Writes half, then fails as a full disk would. */
static int fill_then_fail(FILE *f, void *arg)
{
	fputs(arg, f);
	return -ENOSPC;
}

static void read_back(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static void test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary(void **state)
{
	char path[64], buf[64];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/s.json", dir);
	assert_int_equal(file__write_atomic(path, 0600, fill_text, "first\n"), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(file__write_atomic(path, 0600, fill_then_fail, "sec"), -ENOSPC);
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "first\n");
	assert_int_equal(entries(), 1);
	assert_int_equal(file__write_atomic(path, 0644, fill_text, "second\n"), 0);
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "second\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(entries(), 1);
	unlink(path);
}

static void test_a_save_where_nothing_can_be_written_says_why(void **state)
{
	char path[64];

	(void)state;
	assert_int_equal(file__write_atomic("", 0600, fill_text, "x"), -ENOENT);
	assert_int_equal(file__write_atomic("/nonexistent/dir/s.json", 0600, fill_text, "x"),
			 -ENOENT);
	snprintf(path, sizeof(path), "%s/busy", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(file__write_atomic(path, 0600, fill_text, "x"), -EISDIR);
	rmdir(path);
	assert_int_equal(entries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary),
		cmocka_unit_test(test_a_save_where_nothing_can_be_written_says_why),
	};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}

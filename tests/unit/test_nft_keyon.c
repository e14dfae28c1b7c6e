// SPDX-License-Identifier: GPL-2.0
/*
 * The dormant-table logic against a stand-in nft (a shell script that logs what it was asked and
 * prints a canned table list), so the real ruleset is never touched by a unit test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core/nft/nft_keyon.h"

static char dir[] = "/tmp/test_nft_keyon.XXXXXX";
static char fake[300], logf[300];
static pid_t dead_pid;

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	return buf;
}

static int setup(void **state)
{
	FILE *f;
	pid_t p;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	p = fork();
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	dead_pid = p;
	snprintf(fake, sizeof(fake), "%s/nft", dir);
	snprintf(logf, sizeof(logf), "%s/log", dir);
	f = fopen(fake, "w");
	if (!f)
		return -1;
	fprintf(f,
		"#!/bin/sh\n"
		"echo \"args: $*\" >> %s\n"
		"if [ \"$1\" = list ]; then\n"
		"  echo 'table inet filter'\n"
		"  echo 'table inet skbtop_keyon_%d'\n"
		"  echo 'table inet skbtop_keyon_1'\n"
		"  echo 'table inet skbtop_keyon_%d'\n"
		"  echo 'table ip skbtop_keyon_x'\n"
		"  exit 0\n"
		"fi\n"
		"cat >> %s\n"
		"grep -q fail %s && { echo 'Error: no such table' >&2; exit 1; }\n"
		"exit 0\n",
		logf, (int)dead_pid, (int)getpid(), logf, logf);
	fclose(f);
	return chmod(fake, 0755);
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void reset_log(void)
{
	unlink(logf);
}

/* Only the table of a pid that is gone goes; ours, a live pid's and foreign names stay. */
static void test_leftover_of_dead_pid_is_removed(void **state)
{
	char want[128];
	const char *log;

	(void)state;
	reset_log();
	assert_int_equal(nft_keyon__remove_leftovers(fake, -1, NFT_KEYON_PREFIX), 1);
	log = slurp(logf);
	snprintf(want, sizeof(want), "delete table inet skbtop_keyon_%d\n", (int)dead_pid);
	assert_non_null(strstr(log, want));
	snprintf(want, sizeof(want), "skbtop_keyon_%d\n", (int)getpid());
	assert_null(strstr(log, want));
	assert_null(strstr(log, "skbtop_keyon_1\n"));
	assert_null(strstr(log, "skbtop_keyon_x"));
}

/* The table holds one unhooked chain whose only rule is `meta nftrace set 0`. */
static void test_create_adds_unhooked_nftrace_chain(void **state)
{
	char want[128];
	const char *log;

	(void)state;
	reset_log();
	assert_int_equal(nft_keyon__create(fake), 0);
	log = slurp(logf);
	snprintf(want, sizeof(want), "table inet skbtop_keyon_%d {", (int)getpid());
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log, "meta nftrace set 0"));
	assert_null(strstr(log, "hook"));
	assert_null(strstr(log, "nftrace set 1"));
}

static void test_remove_succeeds_whether_or_not_present(void **state)
{
	char want[128];

	(void)state;
	reset_log();
	assert_int_equal(nft_keyon__remove(fake), 0);
	snprintf(want, sizeof(want),
		 "table inet skbtop_keyon_%d\ndelete table inet skbtop_keyon_%d", (int)getpid(),
		 (int)getpid());
	assert_non_null(strstr(slurp(logf), want));
}

static void test_nft_error_is_reported(void **state)
{
	char err[128];

	(void)state;
	reset_log();
	assert_int_equal(nft_keyon__run(fake, -1, "fail\n", err, sizeof(err)), -1);
	assert_string_equal(err, "Error: no such table");
	assert_int_equal(nft_keyon__run("/nonexistent/nft", -1, "x\n", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/nft could not be run");
}

/* A script larger than a pipe holds, to an nft that never reads it: EPIPE, not a SIGPIPE death. */
static void test_nft_dying_before_reading_its_script_does_not_kill_skbtop(void **state)
{
	size_t len = 1 << 20;
	char *script = malloc(len + 1), err[128];

	(void)state;
	assert_non_null(script);
	memset(script, '#', len);
	script[len] = '\0';
	assert_int_equal(nft_keyon__run("/nonexistent/nft", -1, script, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/nft could not be run");
	free(script);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leftover_of_dead_pid_is_removed),
		cmocka_unit_test(test_create_adds_unhooked_nftrace_chain),
		cmocka_unit_test(test_remove_succeeds_whether_or_not_present),
		cmocka_unit_test(test_nft_error_is_reported),
		cmocka_unit_test(test_nft_dying_before_reading_its_script_does_not_kill_skbtop),
	};

	return cmocka_run_group_tests_name("nft_keyon", tests, setup, teardown);
}

// SPDX-License-Identifier: GPL-2.0
/* Running nft against stand-ins (shell scripts): a slow one, a chatty one, one on PATH. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "core/nft/nft_exec.h"

static char dir[] = "/tmp/test_nft_exec.XXXXXX";

static const char *fake(const char *name, const char *body)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_output_and_stdin(void **state)
{
	char *argv[] = { (char *)fake("cat", "echo \"args: $*\"; cat"), "-f", "-", NULL };
	struct nft_exec_result r;

	(void)state;
	assert_int_equal(nft_exec__run(-1, argv, "table inet x\n", 1024, &r), 0);
	assert_string_equal(r.out, "args: -f -\ntable inet x\n");
	assert_int_equal(r.status, 0);
	free(r.out);
}

/* nft's complaints are kept for skbtop's one-line message, never written over the screen. */
static void test_stderr_is_captured_not_inherited(void **state)
{
	char *argv[] = { (char *)fake("err", "echo 'Error: no such table' >&2; echo 'line 2' >&2; "
					     "exit 1"),
			 NULL };
	char logp[300], seen[64] = "";
	struct nft_exec_result r;
	int saved = dup(2), fd;
	FILE *f;

	(void)state;
	snprintf(logp, sizeof(logp), "%s/stderr", dir);
	fd = creat(logp, 0600);
	dup2(fd, 2);
	close(fd);
	assert_int_equal(nft_exec__run(-1, argv, NULL, 1024, &r), -1);
	dup2(saved, 2);
	close(saved);
	assert_string_equal(r.err, "Error: no such table");
	assert_int_equal(r.status, 1);
	f = fopen(logp, "r");
	assert_non_null(f);
	assert_null(fgets(seen, sizeof(seen), f));
	fclose(f);
	free(r.out);
}

/* A hung nft is stopped at the timeout, with whatever it started, even one not reading stdin. */
static void test_slow_nft_is_stopped_at_the_timeout(void **state)
{
	char *argv[] = { (char *)fake("slow", "sleep 30 & sleep 30"), "-f", "-", NULL };
	static char big[1 << 20];
	struct nft_exec_result r;
	double t0;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	nft_exec__set_timeout(300);
	t0 = now();
	assert_int_equal(nft_exec__run(-1, argv, big, 1024, &r), -1);
	assert_true(now() - t0 < 2.0);
	assert_int_equal(r.status, -1);
	assert_non_null(strstr(r.err, "did not finish in 300 ms"));
	free(r.out);
	/* It closed its output but kept running: stopped too. */
	argv[0] = (char *)fake("detached", "exec >/dev/null 2>&1; sleep 30");
	t0 = now();
	assert_int_equal(nft_exec__run(-1, argv, NULL, 1024, &r), -1);
	assert_true(now() - t0 < 2.0);
	assert_non_null(strstr(r.err, "did not finish"));
	free(r.out);
	nft_exec__set_timeout(NFT_EXEC_TIMEOUT_MS);
}

/* An nft that dies early, before reading its input, does not kill skbtop with SIGPIPE. */
static void test_early_exit_is_no_sigpipe(void **state)
{
	char *argv[] = { (char *)fake("quit", "exit 3"), NULL };
	static char big[1 << 20];
	struct nft_exec_result r;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	assert_int_equal(nft_exec__run(-1, argv, big, 1024, &r), -1);
	assert_int_equal(r.status, 3);
	free(r.out);
}

/* nft is never found through PATH, which root may not control: a fixed list or a set path. */
static void test_nft_is_not_found_through_path(void **state)
{
	char buf[300], err[200], path[400];
	const char *old = getenv("PATH");

	(void)state;
	fake("nft", "exit 0");
	snprintf(path, sizeof(path), "%s:%s", dir, old ? old : "");
	setenv("PATH", path, 1);
	if (!nft_exec__find(NULL, buf, sizeof(buf), err, sizeof(err)))
		assert_null(strstr(buf, dir));
	else
		assert_non_null(strstr(err, "nft not found"));
	if (old)
		setenv("PATH", old, 1);
	assert_int_equal(nft_exec__find("/opt/nft", buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf, "/opt/nft");
	assert_int_equal(nft_exec__find("nft", buf, sizeof(buf), err, sizeof(err)), -1);
	assert_string_equal(err, "nft.path 'nft' is not an absolute path");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_stdin),
		cmocka_unit_test(test_stderr_is_captured_not_inherited),
		cmocka_unit_test(test_slow_nft_is_stopped_at_the_timeout),
		cmocka_unit_test(test_early_exit_is_no_sigpipe),
		cmocka_unit_test(test_nft_is_not_found_through_path),
	};

	return cmocka_run_group_tests_name("nft_exec", tests, setup, teardown);
}

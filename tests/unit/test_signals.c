// SPDX-License-Identifier: GPL-2.0
/* The one owner of the stop signals: the first asks for a clean stop, a second ends at once. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/base/signals.h"

/* The child stands for skbtop after the screen has gone: it has seen the first signal and is in
 * a detach that would take minutes. Exit 2: the first signal was not noted; 3: the second one
 * did not end it. */
static void child(int ready_fd, int sig)
{
	signals__install();
	signals__install();
	if (signals__stop() != 0)
		_exit(2);
	raise(sig);
	if (signals__stop() != sig)
		_exit(2);
	if (write(ready_fd, "r", 1) != 1)
		_exit(2);
	alarm(10);
	for (int i = 0; i < 100; i++)
		usleep(100 * 1000);
	_exit(3);
}

static void second_signal_during_a_slow_stop_ends_at_once(int sig)
{
	int fds[2], status;
	char c;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], sig);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	assert_int_equal(kill(pid, sig), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
	close(fds[0]);
}

static void test_second_ctrl_c_during_a_slow_stop_ends_at_once(void **state)
{
	(void)state;
	second_signal_during_a_slow_stop_ends_at_once(SIGINT);
}

static void test_second_sigterm_during_a_slow_stop_ends_at_once(void **state)
{
	(void)state;
	second_signal_during_a_slow_stop_ends_at_once(SIGTERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_ctrl_c_during_a_slow_stop_ends_at_once),
		cmocka_unit_test(test_second_sigterm_during_a_slow_stop_ends_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0 */
/* A network namespace only a child lives in (found through /proc/PID/ns/net), for tests as root. */
#ifndef SKBTOP_FIXTURE_NETNS_H
#define SKBTOP_FIXTURE_NETNS_H

#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct fx_netns {
	pid_t pid;
	uint32_t inum;
};

/* Starts the child and returns once its namespace exists (another than ours); skips but as root. */
static void fx_netns__start(struct fx_netns *x)
{
	int ready[2];
	char c = 'x', path[64];
	struct stat st;

	if (geteuid())
		skip();
	assert_int_equal(pipe(ready), 0);
	x->pid = fork();
	assert_true(x->pid >= 0);
	if (!x->pid) {
		if (unshare(CLONE_NEWNET) || write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	close(ready[1]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)x->pid);
	assert_int_equal(stat(path, &st), 0);
	x->inum = (uint32_t)st.st_ino;
	assert_int_not_equal(stat("/proc/self/ns/net", &st), -1);
	assert_int_not_equal(x->inum, (uint32_t)st.st_ino);
}

static void fx_netns__stop(struct fx_netns *x)
{
	kill(x->pid, SIGKILL);
	waitpid(x->pid, NULL, 0);
}

#endif /* SKBTOP_FIXTURE_NETNS_H */

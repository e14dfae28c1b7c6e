// SPDX-License-Identifier: GPL-2.0
/* Namespaces by inode: found, opened, listed once each, and entered on a thread of their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/base/netns.h"
#include "fixture_netns.h"

static uint32_t inode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint32_t)st.st_ino;
}

static uint32_t fd_inode(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

static void test_own_namespace_is_found_as_self(void **state)
{
	uint32_t self = inode_of("/proc/self/ns/net");
	char path[300];
	int fd;

	(void)state;
	assert_int_equal(netns__self(), self);
	assert_int_equal(netns__inode("/proc/self/ns/net"), self);
	assert_int_equal(netns__inode("/nonexistent"), 0);
	assert_int_equal(netns__find(self, path, sizeof(path)), 0);
	assert_string_equal(path, "/proc/self/ns/net");
	fd = netns__open(0);
	assert_true(fd >= 0);
	assert_int_equal(fd_inode(fd), self);
	close(fd);
}

static void test_namespace_nobody_holds_is_not_found(void **state)
{
	char path[300] = "unchanged";

	(void)state;
	/* Namespace inodes are never this small. */
	assert_int_equal(netns__find(7, path, sizeof(path)), -1);
	assert_int_equal(netns__open(7), -1);
	assert_false(netns__foreign(7));
}

static void test_list_holds_each_namespace_once_own_first(void **state)
{
	uint32_t out[256], want[1];
	int n;

	(void)state;
	n = netns__list(0, out, 256);
	assert_true(n >= 1);
	assert_int_equal(out[0], netns__self());
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			assert_int_not_equal(out[i], out[j]);
	assert_int_equal(netns__list(12345, want, 1), 1);
	assert_int_equal(want[0], 12345);
	assert_int_equal(netns__list(0, out, 1), 1);
}

static void test_watched_puts_the_one_asked_for_first(void **state)
{
	uint32_t out[256];
	int n = netns__watched(12345, out, 256);

	(void)state;
	assert_true(n >= 2);
	assert_int_equal(out[0], 12345);
	assert_int_equal(out[1], netns__self());
	assert_int_equal(netns__watched(0, out, 256) + 1, n);
	assert_int_equal(netns__watched(netns__self(), out, 256) + 1, n);
}

static int loopback_index(void *arg)
{
	(void)arg;
	return (int)if_nametoindex("lo");
}

/* /proc/self is the process's: only thread-self shows the namespace this thread entered. */
static int thread_inode(void *arg)
{
	(void)arg;
	return (int)(netns__inode("/proc/thread-self/ns/net") & 0x7fffffff);
}

/* A namespace only a child lives in: found through /proc/PID, entered without the caller moving. */
static void test_call_and_socket_inside_another_namespace(void **state)
{
	uint32_t self = netns__self(), other;
	struct fx_netns x;
	int fd, sock;

	(void)state;
	fx_netns__start(&x);
	other = x.inum;
	fd = netns__open(other);
	assert_true(fd >= 0);
	assert_int_equal(fd_inode(fd), other);
	assert_int_equal(netns__call(fd, thread_inode, NULL), (int)(other & 0x7fffffff));
	assert_int_equal(netns__call(fd, loopback_index, NULL), 1);
	sock = netns__socket(fd, AF_INET, SOCK_DGRAM, 0);
	assert_true(sock >= 0);
	assert_true(fcntl(sock, F_GETFD) & FD_CLOEXEC);
	close(sock);
	assert_false(netns__foreign(other));
	close(fd);
	fx_netns__stop(&x);
	assert_int_equal(netns__self(), self);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_namespace_is_found_as_self),
		cmocka_unit_test(test_namespace_nobody_holds_is_not_found),
		cmocka_unit_test(test_list_holds_each_namespace_once_own_first),
		cmocka_unit_test(test_watched_puts_the_one_asked_for_first),
		cmocka_unit_test(test_call_and_socket_inside_another_namespace),
	};

	return cmocka_run_group_tests_name("netns", tests, NULL, NULL);
}

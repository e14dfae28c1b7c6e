// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <unistd.h>

#include "core/base/netns.h"

#define SELF "/proc/self/ns/net"

uint32_t netns__inode(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

uint32_t netns__self(void)
{
	return netns__inode(SELF);
}

int netns__each(int (*fn)(const char *path, uint32_t inum, void *ctx), void *ctx)
{
	const char *const dirs[] = { "/run/netns", "/proc" };
	char path[sizeof(((struct dirent *)0)->d_name) + 16];
	int ret = 0;

	for (size_t d = 0; d < 2 && !ret; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;

		while (dir && !ret && (de = readdir(dir))) {
			uint32_t inum;

			if (de->d_name[0] == '.' || (d && !isdigit((unsigned char)de->d_name[0])))
				continue;
			snprintf(path, sizeof(path), d ? "/proc/%s/ns/net" : "/run/netns/%s",
				 de->d_name);
			inum = netns__inode(path);
			if (inum)
				ret = fn(path, inum, ctx);
		}
		if (dir)
			closedir(dir);
	}
	return ret;
}

struct find_ctx {
	uint32_t inum;
	char *path;
	size_t len;
};

static int found(const char *path, uint32_t inum, void *ctx)
{
	struct find_ctx *f = ctx;

	if (inum != f->inum)
		return 0;
	snprintf(f->path, f->len, "%s", path);
	return 1;
}

int netns__find(uint32_t inum, char *path, size_t len)
{
	struct find_ctx f = { inum, path, len };

	if (netns__self() == inum) {
		snprintf(path, len, SELF);
		return 0;
	}
	return netns__each(found, &f) ? 0 : -1;
}

int netns__open(uint32_t inum)
{
	char path[300];

	if (!inum)
		return open(SELF, O_RDONLY | O_CLOEXEC);
	if (netns__find(inum, path, sizeof(path)))
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

struct list_ctx {
	uint32_t *out;
	int n, max;
};

static int add_once(const char *path, uint32_t inum, void *ctx)
{
	struct list_ctx *l = ctx;

	(void)path;
	for (int i = 0; i < l->n; i++)
		if (l->out[i] == inum)
			return 0;
	if (l->n == l->max)
		return 1;
	l->out[l->n++] = inum;
	return 0;
}

int netns__list(uint32_t want, uint32_t *out, int max)
{
	struct list_ctx l = { out, 0, max };

	if (max <= 0)
		return 0;
	if (want) {
		out[0] = want;
		return 1;
	}
	out[l.n++] = netns__self();
	netns__each(add_once, &l);
	return l.n;
}

static int add_mounted(const char *path, uint32_t inum, void *ctx)
{
	return strncmp(path, "/run/netns/", 11) ? 0 : add_once(path, inum, ctx);
}

int netns__watched(uint32_t want, uint32_t *out, int max)
{
	struct list_ctx l = { out, 0, max };

	if (want)
		add_once(NULL, want, &l);
	add_once(NULL, netns__self(), &l);
	netns__each(add_mounted, &l);
	return l.n;
}

bool netns__foreign(uint32_t inum)
{
	int fd = netns__open(inum), owner;
	struct stat ours, theirs;
	bool foreign = false;

	if (fd < 0)
		return false;
	owner = ioctl(fd, NS_GET_USERNS);
	if (owner >= 0 && !fstat(owner, &theirs) && !stat("/proc/self/ns/user", &ours))
		foreign = theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev;
	if (owner >= 0)
		close(owner);
	close(fd);
	return foreign;
}

struct ns_call {
	int netns_fd;
	int (*fn)(void *arg);
	void *arg;
	int ret, err;
};

static void *ns_thread(void *arg)
{
	struct ns_call *c = arg;

	if (setns(c->netns_fd, CLONE_NEWNET)) {
		c->err = errno;
		return NULL;
	}
	c->ret = c->fn(c->arg);
	c->err = errno;
	return NULL;
}

int netns__call(int netns_fd, int (*fn)(void *arg), void *arg)
{
	struct ns_call c = { netns_fd, fn, arg, -1, 0 };
	pthread_t t;
	int err;

	err = pthread_create(&t, NULL, ns_thread, &c);
	if (err) {
		errno = err;
		return -1;
	}
	pthread_join(t, NULL);
	errno = c.err;
	return c.ret;
}

struct sock_args {
	int domain, type, proto;
};

static int make_socket(void *arg)
{
	struct sock_args *a = arg;

	return socket(a->domain, a->type | SOCK_CLOEXEC, a->proto);
}

int netns__socket(int netns_fd, int domain, int type, int proto)
{
	struct sock_args a = { domain, type, proto };

	return netns__call(netns_fd, make_socket, &a);
}

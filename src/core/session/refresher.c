// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "core/session/refresher.h"

#define MAX_ASKED   256
#define MAX_WATCHED 32

struct refresher {
	pthread_mutex_t lock;
	pthread_cond_t idle;
	pthread_t thread;
	bool stop, busy;
	void (*work)(void *ctx, uint64_t key);
	void *ctx;
	uint64_t asked[MAX_ASKED];
	size_t n_asked;
	int wake_fd; /* an eventfd: asks and stop wake the poll */
	struct {
		int fd;
		uint64_t key;
	} watched[MAX_WATCHED]; /* touched by the thread only */
	size_t n_watched;
};

/* Under the lock. */
static void add_ask(struct refresher *r, uint64_t key)
{
	for (size_t i = 0; i < r->n_asked; i++)
		if (r->asked[i] == key)
			return;
	if (r->n_asked < MAX_ASKED)
		r->asked[r->n_asked++] = key;
}

/* What a watched fd says is only a sign that its key is due: it is read and dropped. */
static void drain(int fd)
{
	char buf[8192];
	ssize_t n;

	do
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	while (n > 0 || (n < 0 && errno == ENOBUFS));
}

/* Waits, without the lock, for an ask or a watched fd to become readable. */
static void wait_for_work(struct refresher *r)
{
	struct pollfd p[MAX_WATCHED + 1];
	size_t n = r->n_watched;
	uint64_t v;

	p[0] = (struct pollfd){ r->wake_fd, POLLIN, 0 };
	for (size_t i = 0; i < n; i++)
		p[i + 1] = (struct pollfd){ r->watched[i].fd, POLLIN, 0 };
	pthread_mutex_unlock(&r->lock);
	poll(p, n + 1, -1);
	while (read(r->wake_fd, &v, sizeof(v)) > 0)
		; /* clears the counter of asks */
	for (size_t i = 0; i < n; i++)
		if (p[i + 1].revents)
			drain(p[i + 1].fd);
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < n; i++)
		if (p[i + 1].revents)
			add_ask(r, r->watched[i].key);
}

static void *run(void *arg)
{
	struct refresher *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		uint64_t key;

		while (!r->n_asked && !r->stop)
			wait_for_work(r);
		if (r->stop)
			break;
		key = r->asked[0];
		memmove(r->asked, r->asked + 1, --r->n_asked * sizeof(r->asked[0]));
		r->busy = true;
		pthread_mutex_unlock(&r->lock);
		r->work(r->ctx, key);
		pthread_mutex_lock(&r->lock);
		r->busy = false;
		if (!r->n_asked)
			pthread_cond_broadcast(&r->idle);
	}
	r->n_asked = 0;
	pthread_cond_broadcast(&r->idle);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct refresher *refresher__new(void (*work)(void *ctx, uint64_t key), void *ctx)
{
	struct refresher *r = calloc(1, sizeof(*r));
	sigset_t all, old;
	int err;

	if (!r)
		return NULL;
	r->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->wake_fd < 0) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->idle, NULL);
	r->work = work;
	r->ctx = ctx;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&r->thread, NULL, run, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pthread_cond_destroy(&r->idle);
		pthread_mutex_destroy(&r->lock);
		close(r->wake_fd);
		free(r);
		return NULL;
	}
	return r;
}

static void wake(struct refresher *r)
{
	uint64_t one = 1;
	/* Fails only when the counter is full, and then the thread wakes all the same. */
	ssize_t n = write(r->wake_fd, &one, sizeof(one));

	(void)n;
}

void refresher__ask(struct refresher *r, uint64_t key)
{
	pthread_mutex_lock(&r->lock);
	add_ask(r, key);
	pthread_mutex_unlock(&r->lock);
	wake(r);
}

int refresher__watch(struct refresher *r, int fd, uint64_t key)
{
	if (r->n_watched == MAX_WATCHED)
		return -1;
	r->watched[r->n_watched].fd = fd;
	r->watched[r->n_watched++].key = key;
	return 0;
}

void refresher__unwatch(struct refresher *r, int fd)
{
	for (size_t i = 0; i < r->n_watched; i++)
		if (r->watched[i].fd == fd)
			r->watched[i] = r->watched[--r->n_watched];
}

void refresher__wait(struct refresher *r)
{
	pthread_mutex_lock(&r->lock);
	while (r->n_asked || r->busy)
		pthread_cond_wait(&r->idle, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

void refresher__free(struct refresher *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_mutex_unlock(&r->lock);
	wake(r);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->idle);
	pthread_mutex_destroy(&r->lock);
	close(r->wake_fd);
	free(r);
}

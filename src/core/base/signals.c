// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdbool.h>

#include "core/base/signals.h"

static volatile sig_atomic_t stop_signal;
static bool installed;

static void on_stop(int sig)
{
	/* A second signal means the user does not want to wait. */
	if (stop_signal) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_signal = sig;
}

void signals__install(void)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_stop };

	if (installed)
		return;
	installed = true;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
}

int signals__stop(void)
{
	return stop_signal;
}

int signals__thread(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

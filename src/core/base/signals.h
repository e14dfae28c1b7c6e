/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one owner of the signals that ask skbtop to stop (SIGINT, SIGTERM, SIGHUP), for the
 * command and the screen alike. The first asks for a clean stop; a second one, say during a slow
 * detach, ends the process at once (the kernel drops our links with it).
 */
#ifndef SKBTOP_SIGNALS_H
#define SKBTOP_SIGNALS_H

#include <pthread.h>

/* Installs the handlers, without SA_RESTART so a wait for a key or an event is interrupted.
 * A second call does nothing. */
void signals__install(void);
/* The signal that asked to stop, 0 while none has. */
int signals__stop(void);
/* pthread_create for a thread that takes none of the signals: they are for the main loop. */
int signals__thread(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif /* SKBTOP_SIGNALS_H */

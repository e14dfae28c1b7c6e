/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread for slow lookups (walking /proc, entering namespaces, running nft) asked for by paths
 * that must never wait, such as the drain of the event queue and the screen's draw: they ask for
 * a key and go on answering from their cache; the thread works on each key asked for, one at a
 * time and in the order asked, and the work puts its result in that cache under its own short
 * lock. The thread takes no signals: they are the main loop's.
 */
#ifndef SKBTOP_REFRESHER_H
#define SKBTOP_REFRESHER_H

#include <stdint.h>

struct refresher;

/* work(ctx, key) runs on the refresher's thread. NULL when the thread cannot start. */
struct refresher *refresher__new(void (*work)(void *ctx, uint64_t key), void *ctx);
/*
 * Asks for key to be worked on; a key asked for again before its turn is worked on once. Never
 * waits for the work; a key beyond the few hundred waiting is dropped (asked again later).
 */
void refresher__ask(struct refresher *r, uint64_t key);
/*
 * From now on, fd becoming readable (a socket the kernel tells changes on) has key worked on;
 * what it says is read and dropped. Only from work, on the refresher's thread, as is unwatch,
 * which comes before the caller closes fd. -1 when a few dozen are watched already.
 */
int refresher__watch(struct refresher *r, int fd, uint64_t key);
void refresher__unwatch(struct refresher *r, int fd);
/* Waits until every key asked for so far was worked on. */
void refresher__wait(struct refresher *r);
/* Stops the thread after the work at hand (keys still waiting are dropped). */
void refresher__free(struct refresher *r);

#endif /* SKBTOP_REFRESHER_H */

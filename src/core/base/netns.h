/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network namespaces by inode, the way events name them: finding one a /run/netns mount or a
 * process holds, opening it, and doing work inside it. setns() changes only the calling thread,
 * so work inside a namespace runs on a short-lived thread and no caller ever leaves its own.
 */
#ifndef SKBTOP_NETNS_H
#define SKBTOP_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The inode of the namespace file at path, 0 when there is none. */
uint32_t netns__inode(const char *path);
/* The inode of skbtop's own network namespace. */
uint32_t netns__self(void);

/*
 * Calls fn for each namespace file a /run/netns entry or a process holds (one namespace may come
 * more than once); stops at the first non-zero fn returns, and returns it (0 when none did).
 */
int netns__each(int (*fn)(const char *path, uint32_t inum, void *ctx), void *ctx);

/* A path naming namespace inum (/proc/self/ns/net first) into path; -1 when nothing holds it. */
int netns__find(uint32_t inum, char *path, size_t len);
/* An fd of the namespace with this inode (0 = skbtop's own); -1 when nothing holds it. */
int netns__open(uint32_t inum);

/*
 * The namespaces to look at: the one asked for (want != 0), or skbtop's own first and each other
 * one that a process or /run/netns holds, once. Returns how many inodes went into out.
 */
int netns__list(uint32_t want, uint32_t *out, int max);

/*
 * The namespaces a session can tell ahead will matter, whose names are worth reading before its
 * first events: want (!= 0: the one --filter-netns asked for), skbtop's own, and each one
 * /run/netns names, once. Returns how many inodes went into out.
 */
int netns__watched(uint32_t want, uint32_t *out, int max);

/*
 * Whether namespace inum belongs to a user namespace other than skbtop's own: one an unprivileged
 * user can make (unshare -Urn), where that user decides everything.
 */
bool netns__foreign(uint32_t inum);

/* Runs fn(arg) on a thread that entered the namespace of netns_fd; fn's result (-1 on error). */
int netns__call(int netns_fd, int (*fn)(void *arg), void *arg);
/* A socket(domain, type, proto) created inside the namespace of netns_fd; -1 on error. */
int netns__socket(int netns_fd, int domain, int type, int proto);

#endif /* SKBTOP_NETNS_H */

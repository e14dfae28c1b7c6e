/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /metrics over HTTP (libmicrohttpd, its own thread). The thread that fills the store renders a
 * snapshot and publishes it; the HTTP thread only ever copies the latest one out. Publishing
 * never waits: when a request is copying the snapshot, the new one waits for the next publish.
 */
#ifndef SKBTOP_METRICS_HTTP_H
#define SKBTOP_METRICS_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

/* "[ADDR:]PORT" ("9464", "0.0.0.0:9464", "[::1]:9464"); no ADDR is 127.0.0.1. -1 after p_err(). */
int metrics_http__parse(const char *spec, struct sockaddr_storage *addr, socklen_t *len);

struct metrics_http;

/* Listens on addr; NULL after p_err() (port taken, no permission, ...). */
struct metrics_http *metrics_http__start(const struct sockaddr_storage *addr, socklen_t len);
/* Takes text (malloc'd, len bytes); frees it, or the previous one. */
void metrics_http__publish(struct metrics_http *h, char *text, size_t len);
/* "http://127.0.0.1:9464/metrics" */
const char *metrics_http__url(const struct metrics_http *h);
/* Requests answered so far. */
unsigned long metrics_http__requests(const struct metrics_http *h);
void metrics_http__stop(struct metrics_http *h);

#endif /* SKBTOP_METRICS_HTTP_H */

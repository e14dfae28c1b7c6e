// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into the static binary only, in place of src/core/outputs/metrics_http.c: Debian's
 * libmicrohttpd.a needs GnuTLS, whose static link needs p11-kit and libunistring, which Debian
 * ships no static libraries of. The static binary (the one the QEMU guests run) refuses
 * --metrics with one line instead; everything else is the same.
 */
#include <stdlib.h>

#include "core/base/log.h"
#include "core/outputs/metrics_http.h"

int metrics_http__parse(const char *spec, struct sockaddr_storage *addr, socklen_t *len)
{
	(void)addr;
	(void)len;
	p_err("--metrics %s: this static build has no HTTP server (use the dynamic skbtop)", spec);
	return -1;
}

struct metrics_http *metrics_http__start(const struct sockaddr_storage *addr, socklen_t len)
{
	(void)addr;
	(void)len;
	return NULL;
}

void metrics_http__publish(struct metrics_http *h, char *text, size_t len)
{
	(void)h;
	(void)len;
	free(text);
}

const char *metrics_http__url(const struct metrics_http *h)
{
	(void)h;
	return "";
}

unsigned long metrics_http__requests(const struct metrics_http *h)
{
	(void)h;
	return 0;
}

void metrics_http__stop(struct metrics_http *h)
{
	(void)h;
}

// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/log.h"
#include "core/outputs/metrics_http.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics_http {
	struct MHD_Daemon *d;
	pthread_mutex_t lock; /* text and len; held by a request only while it copies them */
	char *text;
	size_t len;
	atomic_ulong requests;
	char url[128];
};

int metrics_http__parse(const char *spec, struct sockaddr_storage *addr, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char host[128] = "127.0.0.1";
	const char *port = spec, *colon = strrchr(spec, ':');
	char *end;
	long p;
	int rc;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(close - spec - 1), spec + 1);
		port = close + 2;
	} else if (colon) {
		if (strchr(spec, ':') != colon || (size_t)(colon - spec) >= sizeof(host))
			goto bad; /* an IPv6 address needs its brackets */
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		port = colon + 1;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno || end == port || *end || p < 1 || p > 65535)
		goto bad;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc || !res) {
		p_err("--metrics %s: '%s' is not an IPv4 or IPv6 address", spec, host);
		return -1;
	}
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
bad:
	p_err("--metrics %s: expected [ADDR:]PORT, e.g. 9464, 127.0.0.1:9464 or [::1]:9464", spec);
	return -1;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **con_cls)
{
	struct metrics_http *h = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned int status = MHD_HTTP_OK;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	} else if (strcmp(url, "/metrics")) {
		static const char msg[] = "skbtop serves /metrics only\n";

		status = MHD_HTTP_NOT_FOUND;
		r = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		pthread_mutex_lock(&h->lock);
		r = MHD_create_response_from_buffer(h->len, h->text ? h->text : "",
						    MHD_RESPMEM_MUST_COPY);
		pthread_mutex_unlock(&h->lock);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	}
	if (!r)
		return MHD_NO;
	atomic_fetch_add(&h->requests, 1);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

struct metrics_http *metrics_http__start(const struct sockaddr_storage *addr, socklen_t len)
{
	struct metrics_http *h = calloc(1, sizeof(*h));
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	char host[INET6_ADDRSTRLEN + 8] = "?", port[8] = "?";
	sigset_t all, old;

	if (!h) {
		p_err("out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	getnameinfo((const struct sockaddr *)addr, len, host, sizeof(host), port, sizeof(port),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	if (addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* Its thread must not take the signals: they are for the main loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	errno = 0;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, answer, h, MHD_OPTION_SOCK_ADDR, addr,
				MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT,
				10u, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->d) {
		p_err("--metrics: cannot listen on %s port %s: %s", host, port,
		      errno ? strerror(errno) : "refused");
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	snprintf(h->url, sizeof(h->url), "http://%s%s%s:%s/metrics",
		 addr->ss_family == AF_INET6 ? "[" : "", host,
		 addr->ss_family == AF_INET6 ? "]" : "", port);
	return h;
}

void metrics_http__publish(struct metrics_http *h, char *text, size_t len)
{
	char *old = text;

	if (!pthread_mutex_trylock(&h->lock)) {
		old = h->text;
		h->text = text;
		h->len = len;
		pthread_mutex_unlock(&h->lock);
	}
	free(old);
}

const char *metrics_http__url(const struct metrics_http *h)
{
	return h->url;
}

unsigned long metrics_http__requests(const struct metrics_http *h)
{
	return atomic_load(&h->requests);
}

void metrics_http__stop(struct metrics_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	free(h->text);
	free(h);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * sendpkt: a small UDP/TCP sender and listener for tests, static so that it runs on the host and in
 * the QEMU guests alike (Debian's busybox nc cannot do UDP). Addresses are numeric IPv4 or IPv6
 * literals.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: sendpkt udp|tcp ADDR PORT [--count N | --seconds S] [--size N] [--src-port P] "
	"[--interval MS] [--timeout S] [--rate] [--ip-options]\n"
	"       sendpkt listen udp|tcp PORT [--count N] [--timeout S] [--bind ADDR] [--hold S]\n"
	"\n"
	"udp     sends N datagrams of SIZE bytes to ADDR PORT (defaults: 1 datagram, 32 bytes).\n"
	"tcp     connects to ADDR PORT, sends N writes of SIZE bytes, then closes; a refused or "
	"timed-out\n"
	"        connection is an error.\n"
	"listen  binds PORT (on ADDR, default every IPv4 and IPv6 address), prints \"listening "
	"PROTO PORT\",\n"
	"        then one line per datagram (udp) or per connection read to its end (tcp), and "
	"exits 0 once\n"
	"        N of them have arrived (default 1), or 1 after the timeout (default 10 s).\n"
	"        --hold reads nothing for S seconds first: what arrives meanwhile stays queued.\n"
	"\n"
	"The payload is the letter 'x'. --src-port fixes the source port, --interval waits between "
	"sends.\n"
	"--seconds sends for S seconds instead of N times: a benchmark's flood then spans whole "
	"periods\n"
	"of what the tracer does once a second.\n"
	"--rate prints, once sent, \"sent N in S s: R per second\" for the sending alone (no "
	"start-up),\n"
	"for benchmarks. --ip-options gives IPv4 packets a 24-byte header (4 bytes of options: "
	"NOPs),\n"
	"so that their transport header does not follow a 20-byte one.\n"
	"examples:\n"
	"  sendpkt listen udp 9999 --count 3 &  sendpkt udp 10.77.0.2 9999 --count 3 --size 100\n"
	"  sendpkt tcp fd77::2 8080 --size 1000\n";

struct opts {
	long count, seconds, size, src_port, interval_ms, timeout_s, hold_s;
	const char *bind;
	int rate, ip_options;
};

static int fail(const char *what)
{
	fprintf(stderr, "sendpkt: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || *end || end == s || *out < min || *out > max) {
		fprintf(stderr, "sendpkt: bad number '%s'\n", s);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct {
		const char *name;
		long min, max;
		size_t off;
	} num[] = {
		{ "--count", 1, 1000000000, offsetof(struct opts, count) },
		{ "--seconds", 1, 3600, offsetof(struct opts, seconds) },
		{ "--size", 0, 1 << 24, offsetof(struct opts, size) },
		{ "--src-port", 1, 65535, offsetof(struct opts, src_port) },
		{ "--interval", 0, 3600000, offsetof(struct opts, interval_ms) },
		{ "--timeout", 1, 86400, offsetof(struct opts, timeout_s) },
		{ "--hold", 0, 86400, offsetof(struct opts, hold_s) },
	};

	for (int i = 0; i < argc; i++) {
		const char *name = argv[i], *val;
		size_t k;

		if (!strcmp(name, "--rate")) {
			o->rate = 1;
			continue;
		}
		if (!strcmp(name, "--ip-options")) {
			o->ip_options = 1;
			continue;
		}
		if (++i >= argc) {
			fprintf(stderr, "sendpkt: %s needs a value\n", name);
			return -1;
		}
		val = argv[i];
		if (!strcmp(name, "--bind")) {
			o->bind = val;
			continue;
		}
		for (k = 0; k < sizeof(num) / sizeof(num[0]); k++)
			if (!strcmp(name, num[k].name))
				break;
		if (k == sizeof(num) / sizeof(num[0])) {
			fprintf(stderr, "sendpkt: unknown option '%s'\n%s", name, usage);
			return -1;
		}
		if (parse_num(val, num[k].min, num[k].max, (long *)((char *)o + num[k].off)))
			return -1;
	}
	return 0;
}

/* Numeric addresses only: getaddrinfo would drag NSS into a static binary. */
static int resolve(const char *addr, long port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	fprintf(stderr, "sendpkt: '%s' is not a numeric IPv4 or IPv6 address\n", addr);
	return -1;
}

static const char *addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(in6->sin6_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(in->sin_port));
	}
	return buf;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Waits for fd to become ready for events; 0 when it did, 1 (after a message) when the time ran
 * out. */
static int wait_fd(int fd, short events, long timeout_s, const char *what)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, (int)(timeout_s * 1000));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail("poll");
	if (n == 0) {
		fprintf(stderr, "sendpkt: timed out after %ld s waiting for %s\n", timeout_s, what);
		return 1;
	}
	return 0;
}

/* Whether seconds have passed since t0; the clock is read at one send in 64 only. */
static bool elapsed(const struct timespec *t0, long seconds, long sent)
{
	struct timespec t;

	if (sent % 64)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec) >=
	       seconds * 1000000000L;
}

static int do_send(int tcp, const char *addr, long port, const struct opts *o)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen;
	struct timespec t0;
	long sent;
	char *buf;
	int fd, rc = 1;

	if (resolve(addr, port, &dst, &dlen))
		return 1;
	fd = socket(dst.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail("socket");
	buf = malloc(o->size ? o->size : 1);
	if (!buf) {
		close(fd);
		return fail("malloc");
	}
	memset(buf, 'x', o->size);
	if (o->ip_options) {
		/* Three no-ops and the end of the list: the kernel keeps them as they are. */
		static const unsigned char nops[4] = { 1, 1, 1, 0 };

		if (dst.ss_family != AF_INET) {
			fprintf(stderr, "sendpkt: --ip-options is for IPv4\n");
			goto out;
		}
		if (setsockopt(fd, IPPROTO_IP, IP_OPTIONS, nops, sizeof(nops))) {
			fail("IP_OPTIONS");
			goto out;
		}
	}
	if (o->src_port) {
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (resolve(dst.ss_family == AF_INET6 ? "::" : "0.0.0.0", o->src_port, &src, &slen))
			goto out;
		if (bind(fd, (struct sockaddr *)&src, slen)) {
			fail("bind");
			goto out;
		}
	}
	if (connect(fd, (struct sockaddr *)&dst, dlen) && errno != EINPROGRESS) {
		fail("connect");
		goto out;
	}
	if (tcp) {
		int err = 0;
		socklen_t elen = sizeof(err);

		if (wait_fd(fd, POLLOUT, o->timeout_s, "the connection"))
			goto out;
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (err) {
			errno = err;
			fail("connect");
			goto out;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (sent = 0; o->seconds ? !elapsed(&t0, o->seconds, sent) : sent < o->count; sent++) {
		for (long done = 0; done < o->size || (!tcp && done == 0);) {
			ssize_t n = send(fd, buf + done, o->size - done, MSG_NOSIGNAL);

			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				if (wait_fd(fd, POLLOUT, o->timeout_s, "room to send"))
					goto out;
				continue;
			}
			/* A closed UDP port answers with ICMP, which shows up as ECONNREFUSED on
			 * the next send. */
			if (n < 0 && !tcp && errno == ECONNREFUSED)
				continue;
			if (n < 0) {
				fail("send");
				goto out;
			}
			done += n;
			if (!tcp)
				break;
		}
		if (o->interval_ms && (o->seconds || sent + 1 < o->count))
			sleep_ms(o->interval_ms);
	}
	if (o->rate) {
		struct timespec t1;
		double s;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		printf("sent %ld in %.6f s: %.0f per second\n", sent, s, s > 0 ? sent / s : 0);
	}
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static int do_listen(int tcp, long port, const struct opts *o)
{
	struct sockaddr_storage addr, peer;
	socklen_t alen, plen;
	char buf[65536], name[64];
	int fd, one = 1, zero = 0;
	long got = 0;

	if (resolve(o->bind ? o->bind : "::", port, &addr, &alen))
		return 1;
	fd = socket(addr.ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0)
		return fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* One socket for both families, so that a test need not know which one the sender will use.
	 */
	if (addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&addr, alen) || (tcp && listen(fd, 16)))
		return fail("bind");
	printf("listening %s %ld\n", tcp ? "tcp" : "udp", port);
	fflush(stdout);
	sleep((unsigned int)o->hold_s);

	while (got < o->count) {
		long bytes = 0;
		ssize_t n;

		if (wait_fd(fd, POLLIN, o->timeout_s, tcp ? "a connection" : "a datagram"))
			return 1;
		plen = sizeof(peer);
		if (!tcp) {
			n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
			if (n < 0)
				return fail("recvfrom");
			bytes = n;
		} else {
			int c = accept(fd, (struct sockaddr *)&peer, &plen);

			if (c < 0)
				return fail("accept");
			/* A sender that never closes must not hold the listener past its timeout.
			 */
			for (;;) {
				if (wait_fd(c, POLLIN, o->timeout_s, "the end of the connection")) {
					close(c);
					return 1;
				}
				n = read(c, buf, sizeof(buf));
				if (n <= 0)
					break;
				bytes += n;
			}
			close(c);
		}
		got++;
		printf("%s %s %ld bytes\n", tcp ? "tcp" : "udp",
		       addr_str(&peer, name, sizeof(name)), bytes);
		fflush(stdout);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .count = 1, .size = 32, .timeout_s = 10 };
	int listen_mode, tcp;
	long port;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	listen_mode = argc > 1 && !strcmp(argv[1], "listen");
	if (argc < 4) {
		fputs(usage, stderr);
		return 2;
	}
	argv += listen_mode;
	argc -= listen_mode;
	if (strcmp(argv[1], "udp") && strcmp(argv[1], "tcp")) {
		fputs(usage, stderr);
		return 2;
	}
	tcp = !strcmp(argv[1], "tcp");
	if (listen_mode) {
		if (parse_num(argv[2], 1, 65535, &port) || parse_opts(argc - 3, argv + 3, &o))
			return 2;
		return do_listen(tcp, port, &o);
	}
	if (parse_num(argv[3], 1, 65535, &port) || parse_opts(argc - 4, argv + 4, &o))
		return 2;
	return do_send(tcp, argv[2], port, &o);
}

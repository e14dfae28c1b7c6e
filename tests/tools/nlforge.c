// SPDX-License-Identifier: GPL-2.0
/*
 * nlforge: multicasts forged nftables trace datagrams to NFNLGRP_NFTRACE in its own network
 * namespace, as any user can in a user+network namespace of its own (unshare -Urn). Static, like
 * sendpkt. Each round sends three datagrams:
 *   - a well-formed trace message (table "forged"), which only a sender other than the kernel gives
 * away;
 *   - 40 bytes whose second message claims 1 GiB: it leaves that length in a reader's buffer;
 *   - 18 bytes holding one message of length 18: a reader that walks on by the aligned length
 *     steps 2 bytes past the datagram's end, onto the length the previous datagram left there.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

static const char usage[] = "usage: nlforge [--seconds S] [--interval MS]\n"
			    "sends forged trace datagrams for S seconds (default 5), one round "
			    "every MS ms (default 50),\n"
			    "then prints \"sent N\" and exits 0 (1 when the first send fails).\n";

#define TRACE_TYPE ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE)

static size_t put_attr(char *buf, size_t off, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	memcpy(buf + off, &a, sizeof(a));
	memcpy(buf + off + NLA_HDRLEN, data, len);
	return off + NLA_ALIGN(a.nla_len);
}

/* A message the kernel could have sent: table, chain, rule type, trace id. */
static size_t well_formed(char *buf)
{
	struct nlmsghdr nh = { .nlmsg_type = TRACE_TYPE };
	struct nfgenmsg g = { .nfgen_family = NFPROTO_INET };
	uint32_t type = htonl(NFT_TRACETYPE_RULE), id = htonl(0x600d);
	size_t off = NLMSG_HDRLEN;

	memcpy(buf + off, &g, sizeof(g));
	off += NLMSG_ALIGN(sizeof(g));
	off = put_attr(buf, off, NFTA_TRACE_TABLE, "forged", 7);
	off = put_attr(buf, off, NFTA_TRACE_CHAIN, "c", 2);
	off = put_attr(buf, off, NFTA_TRACE_TYPE, &type, 4);
	off = put_attr(buf, off, NFTA_TRACE_ID, &id, 4);
	nh.nlmsg_len = (uint32_t)off;
	memcpy(buf, &nh, sizeof(nh));
	return off;
}

static size_t plant_length(char *buf)
{
	struct nlmsghdr first = { .nlmsg_len = 20, .nlmsg_type = NLMSG_NOOP };
	struct nlmsghdr huge = { .nlmsg_len = 1u << 30, .nlmsg_type = NLMSG_NOOP };

	memset(buf, 0, 40);
	memcpy(buf, &first, sizeof(first));
	memcpy(buf + 20, &huge, sizeof(huge));
	return 40;
}

static size_t misaligned_last(char *buf)
{
	struct nlmsghdr nh = { .nlmsg_len = 18, .nlmsg_type = NLMSG_NOOP };

	memset(buf, 0, 18);
	memcpy(buf, &nh, sizeof(nh));
	return 18;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK,
				  .nl_groups = 1u << (NFNLGRP_NFTRACE - 1) };
	size_t (*const forge[])(char *) = { well_formed, plant_length, misaligned_last };
	double seconds = 5, interval_ms = 50;
	unsigned long sent = 0;
	struct timespec t0, t;
	char buf[256];
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--interval") && i + 1 < argc)
			interval_ms = atof(argv[++i]);
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0) {
		fprintf(stderr, "nlforge: netlink socket: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (size_t k = 0; k < sizeof(forge) / sizeof(forge[0]); k++) {
			size_t len = forge[k](buf);

			if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
				if (!sent) {
					fprintf(stderr, "nlforge: send to the trace group: %s\n",
						strerror(errno));
					return 1;
				}
				continue;
			}
			sent++;
		}
		usleep((useconds_t)(interval_ms * 1000));
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
	printf("sent %lu\n", sent);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running nft, the one way: a fixed path (never PATH, whose first entry root may not own), in a
 * chosen network namespace, with its standard error kept (never written over the screen) and
 * every run bounded in time (a hung nft must not hang skbtop).
 */
#ifndef SKBTOP_NFT_EXEC_H
#define SKBTOP_NFT_EXEC_H

#include <stddef.h>

/* Where nft is looked for when the configuration names none, in this order. */
#define NFT_EXEC_PATHS	    "/usr/sbin/nft, /sbin/nft, /usr/bin/nft, /bin/nft"
#define NFT_EXEC_TIMEOUT_MS 5000

/*
 * The nft to run into buf: configured when not NULL or empty (it must be an absolute path),
 * else the first executable of NFT_EXEC_PATHS. 0, or -1 with the reason in err.
 */
int nft_exec__find(const char *configured, char *buf, size_t len, char *err, size_t errlen);

/* Every later run of nft is killed after ms milliseconds (default NFT_EXEC_TIMEOUT_MS). */
void nft_exec__set_timeout(unsigned int ms);

struct nft_exec_result {
	char *out;     /* standard output, malloc'd and NUL-terminated; NULL when nft did not run */
	char err[256]; /* the first line of its standard error, or why it did not run or finish */
	int status;    /* its exit code; -1 when it did not run, was killed or ran out of time */
};

/*
 * Runs argv (argv[0] is the nft path) in the namespace of nsfd (-1: ours) with input (may be
 * NULL) on its standard input, keeping at most max_out bytes of its output. Returns 0 when it
 * exited 0, else -1; r is filled either way and r->out is the caller's to free.
 */
int nft_exec__run(int nsfd, char *const argv[], const char *input, size_t max_out,
		  struct nft_exec_result *r);

#endif /* SKBTOP_NFT_EXEC_H */

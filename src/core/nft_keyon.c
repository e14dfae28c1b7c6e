// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "log.h"
#include "nft_keyon.h"

#define KEYON_COMMENT "skbtop: turns on the nftables trace key while it runs; no packet enters it"

const char *nft_keyon__table(char *buf, size_t len, const char *prefix, pid_t pid)
{
	snprintf(buf, len, "%s%d", prefix, (int)pid);
	return buf;
}

/* Runs nft with args, script on stdin; output (stdout then stderr) into out. Returns exit code. */
static int run_nft(const char *nft, int netns_fd, char *const args[], const char *script, char *out,
		   size_t outlen)
{
	int in[2], res[2], status = 0;
	size_t len = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC))
		return -1;
	if (pipe2(res, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET))
			_exit(126);
		dup2(in[0], 0);
		dup2(res[1], 1);
		dup2(res[1], 2);
		execvp(nft, args);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	if (pid > 0 && script) {
		/* A broken pipe (nft died early) must not kill skbtop. */
		sigset_t pipe_set, old;

		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
		if (write(in[1], script, strlen(script)) < 0)
			status = -1;
		/* Blocked, a SIGPIPE (even after a partial write) is pending: take it first. */
		sigtimedwait(&pipe_set, NULL, &(struct timespec){ 0, 0 });
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	close(in[1]);
	for (ssize_t n; pid > 0 && out && len + 1 < outlen; len += n) {
		n = read(res[0], out + len, outlen - 1 - len);
		if (n <= 0)
			break;
	}
	if (out && outlen)
		out[len] = 0;
	close(res[0]);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int nft_keyon__run(const char *nft, int netns_fd, const char *script, char *err, size_t errlen)
{
	char *const args[] = { (char *)nft, "-f", "-", NULL };
	char out[1024];
	int rc = run_nft(nft, netns_fd, args, script, out, sizeof(out));

	if (err && errlen) {
		out[strcspn(out, "\n")] = 0;
		snprintf(err, errlen, "%s", rc == 127 ? "nft not found" : out);
	}
	return rc == 0 ? 0 : -1;
}

int nft_keyon__remove_leftovers(const char *nft, int netns_fd, const char *prefix)
{
	char *const args[] = { (char *)nft, "list", "tables", NULL };
	char out[16384], script[256], name[64], err[256];
	size_t plen = strlen(prefix);
	int removed = 0;

	if (run_nft(nft, netns_fd, args, NULL, out, sizeof(out)))
		return -1;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char fam[16], table[128];
		char *end;
		long pid;

		if (sscanf(line, "table %15s %127s", fam, table) != 2 ||
		    strncmp(table, prefix, plen))
			continue;
		pid = strtol(table + plen, &end, 10);
		if (*end || pid <= 0 || pid == getpid() || !(kill(pid, 0) && errno == ESRCH))
			continue;
		snprintf(script, sizeof(script), "delete table %s %s\n", fam, table);
		if (nft_keyon__run(nft, netns_fd, script, err, sizeof(err))) {
			p_warn("could not remove the leftover table %s %s: %s", fam, table, err);
			continue;
		}
		p_info("removed table %s %s left behind by an skbtop that is gone (pid %ld)", fam,
		       nft_keyon__table(name, sizeof(name), prefix, pid), pid);
		removed++;
	}
	return removed;
}

int nft_keyon__create(const char *nft)
{
	char table[64], script[512], err[256];

	nft_keyon__table(table, sizeof(table), NFT_KEYON_PREFIX, getpid());
	snprintf(script, sizeof(script),
		 "table inet %s {\n"
		 "\tcomment \"" KEYON_COMMENT "\"\n"
		 "\tchain keyon {\n"
		 "\t\tmeta nftrace set 0\n"
		 "\t}\n"
		 "}\n",
		 table);
	if (nft_keyon__run(nft, -1, script, err, sizeof(err))) {
		p_err("could not add the dormant table inet %s that turns on the nftables trace "
		      "key: "
		      "%s",
		      table, err);
		return -1;
	}
	return 0;
}

int nft_keyon__remove_own(const char *nft, int netns_fd, const char *prefix, char *err,
			  size_t errlen)
{
	char table[64], script[256];

	nft_keyon__table(table, sizeof(table), prefix, getpid());
	/* Adding first makes the delete succeed whether or not the table is there. */
	snprintf(script, sizeof(script), "table inet %s\ndelete table inet %s\n", table, table);
	return nft_keyon__run(nft, netns_fd, script, err, errlen);
}

int nft_keyon__remove(const char *nft)
{
	char table[64], err[256];

	if (nft_keyon__remove_own(nft, -1, NFT_KEYON_PREFIX, err, sizeof(err))) {
		p_err("could not remove the dormant table inet %s: %s",
		      nft_keyon__table(table, sizeof(table), NFT_KEYON_PREFIX, getpid()), err);
		return -1;
	}
	return 0;
}

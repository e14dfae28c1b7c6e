// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/log.h"
#include "core/nft/nft_exec.h"
#include "core/nft/nft_keyon.h"

#define KEYON_COMMENT "skbtop: turns on the nftables trace key while it runs; no packet enters it"

const char *nft_keyon__table(char *buf, size_t len, const char *prefix, pid_t pid)
{
	snprintf(buf, len, "%s%d", prefix, (int)pid);
	return buf;
}

int nft_keyon__run(const char *nft, int netns_fd, const char *script, char *err, size_t errlen)
{
	char *const args[] = { (char *)nft, "-f", "-", NULL };
	struct nft_exec_result r;
	int rc = nft_exec__run(netns_fd, args, script, 1024, &r);

	if (err && errlen) {
		/* nft says what went wrong on stderr; some versions on stdout. */
		if (rc && !r.err[0] && r.out)
			snprintf(r.err, sizeof(r.err), "%.*s", (int)strcspn(r.out, "\n"), r.out);
		snprintf(err, errlen, "%s", r.err);
	}
	free(r.out);
	return rc;
}

int nft_keyon__remove_leftovers(const char *nft, int netns_fd, const char *prefix)
{
	char *const args[] = { (char *)nft, "list", "tables", NULL };
	char script[256], name[64], err[256], *save = NULL;
	size_t plen = strlen(prefix);
	struct nft_exec_result r;
	int removed = 0;

	if (nft_exec__run(netns_fd, args, NULL, 1 << 20, &r)) {
		p_warn("could not list the tables to remove those left behind: %s", r.err);
		free(r.out);
		return -1;
	}
	for (char *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
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
	free(r.out);
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

// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <unistd.h>

#include "log.h"
#include "nft_chains.h"
#include "nft_exec.h"
#include "nft_ruleset.h"

static const char *const hook_names[] = { "prerouting", "input", "forward", "output",
					  "postrouting" };

const char *nft_hook__name(uint8_t hook)
{
	static __thread char buf[16];

	if (hook < sizeof(hook_names) / sizeof(hook_names[0]))
		return hook_names[hook];
	snprintf(buf, sizeof(buf), "hook#%u", hook);
	return buf;
}

static int hook_num(const char *name)
{
	for (size_t i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++)
		if (!strcmp(name, hook_names[i]))
			return (int)i;
	return -1;
}

int nft_chains__parse(const char *json, uint32_t netns, struct nft_chain_def *out, int max)
{
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr), *arr, *it;
	size_t i;
	int n = 0;

	if (!root)
		return -1;
	arr = json_object_get(root, "nftables");
	json_array_foreach(arr, i, it)
	{
		json_t *c = json_object_get(it, "chain");
		const char *fam, *hook, *table, *name;
		int f, h;

		if (!c || n >= max)
			continue;
		fam = json_string_value(json_object_get(c, "family"));
		hook = json_string_value(json_object_get(c, "hook"));
		table = json_string_value(json_object_get(c, "table"));
		name = json_string_value(json_object_get(c, "name"));
		if (!fam || !hook || !table || !name ||
		    !json_is_integer(json_object_get(c, "prio")))
			continue;
		f = nft_family__parse(fam);
		h = hook_num(hook);
		if ((f != NFPROTO_INET_V && f != NFPROTO_IPV4_V && f != NFPROTO_IPV6_V) || h < 0)
			continue;
		out[n].netns = netns;
		out[n].family = f;
		out[n].hook = h;
		out[n].prio = json_integer_value(json_object_get(c, "prio"));
		out[n].handle = json_integer_value(json_object_get(c, "handle"));
		snprintf(out[n].table, sizeof(out[n].table), "%s", table);
		snprintf(out[n].name, sizeof(out[n].name), "%s", name);
		n++;
	}
	json_decref(root);
	return n;
}

int nft_chains__list(const char *nft, uint32_t netns, struct nft_chain_def *out, int max)
{
	char *const argv[] = { (char *)nft, "-j", "list", "chains", NULL };
	int fd = nft_netns__open(netns), n;
	struct nft_exec_result r;

	if (fd < 0)
		return 0;
	n = nft_exec__run(fd, argv, NULL, 64 << 20, &r);
	close(fd);
	if (n)
		p_warn("nft: could not list the chains of netns %u: %s", netns, r.err);
	else
		n = nft_chains__parse(r.out, netns, out, max);
	free(r.out);
	return n;
}

int nft_netns__list(uint32_t want, uint32_t *out, int max)
{
	const char *dirs[] = { "/run/netns", "/proc" };
	struct dirent *de;
	struct stat st;
	char path[300];
	int n = 0;

	if (want) {
		out[0] = want;
		return 1;
	}
	out[n++] = nft_netns__self();
	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);

		while (dir && (de = readdir(dir)) && n < max) {
			bool seen = false;

			if (de->d_name[0] == '.' ||
			    (d == 1 && !isdigit((unsigned char)de->d_name[0])))
				continue;
			snprintf(path, sizeof(path), d ? "/proc/%s/ns/net" : "/run/netns/%s",
				 de->d_name);
			if (stat(path, &st))
				continue;
			for (int i = 0; i < n; i++)
				seen |= out[i] == (uint32_t)st.st_ino;
			if (!seen)
				out[n++] = (uint32_t)st.st_ino;
		}
		if (dir)
			closedir(dir);
	}
	return n;
}

bool nft_netns__foreign(uint32_t inum)
{
	int fd = nft_netns__open(inum), owner;
	struct stat ours, theirs;
	bool foreign = false;

	if (fd < 0)
		return false;
	owner = ioctl(fd, NS_GET_USERNS);
	if (owner >= 0 && !fstat(owner, &theirs) && !stat("/proc/self/ns/user", &ours))
		foreign = theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev;
	if (owner >= 0)
		close(owner);
	close(fd);
	return foreign;
}

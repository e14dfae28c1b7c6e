// SPDX-License-Identifier: GPL-2.0
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/log.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_chains.h"
#include "core/nft/nft_exec.h"
#include "core/base/netns.h"
#include "core/nft/nft_ruleset.h"

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
		f = nfproto__from_name(fam);
		h = f < 0 ? -1 : nfhook__from_name((uint8_t)f, hook);
		if ((f != NFPROTO_INET_V && f != NFPROTO_IPV4_V && f != NFPROTO_IPV6_V) || h < 0 ||
		    h > NF_INET_POST_ROUTING_V)
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
	int fd = netns__open(netns), n;
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

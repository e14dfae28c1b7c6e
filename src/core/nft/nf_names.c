// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "core/nft/nf_names.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* NFPROTO_* values of linux/netfilter.h */
#define NFPROTO_ARP_V	 3
#define NFPROTO_NETDEV_V 5

static const struct {
	uint8_t proto;
	const char *name;
} families[] = {
	{ 1, "inet" }, { 2, "ip" }, { 3, "arp" }, { 5, "netdev" }, { 7, "bridge" }, { 10, "ip6" },
};

/* NF_INET_*, NF_ARP_*, NF_NETDEV_* by value. */
static const char *const inet_hooks[] = { "prerouting", "input",       "forward",
					  "output",	"postrouting", "ingress" };
static const char *const arp_hooks[] = { "input", "output", "forward" };
static const char *const netdev_hooks[] = { "ingress", "egress" };

const char *nfproto__name(uint8_t family)
{
	for (size_t i = 0; i < N(families); i++)
		if (families[i].proto == family)
			return families[i].name;
	return "?";
}

const char *nfproto__label(uint8_t family)
{
	static __thread char buf[16];
	const char *name = nfproto__name(family);

	if (strcmp(name, "?"))
		return name;
	snprintf(buf, sizeof(buf), "family#%u", family);
	return buf;
}

int nfproto__from_name(const char *name)
{
	for (size_t i = 0; i < N(families); i++)
		if (!strcmp(name, families[i].name))
			return families[i].proto;
	return -1;
}

static const char *const *hooks_of(uint8_t family, size_t *n)
{
	if (family == NFPROTO_ARP_V) {
		*n = N(arp_hooks);
		return arp_hooks;
	}
	if (family == NFPROTO_NETDEV_V) {
		*n = N(netdev_hooks);
		return netdev_hooks;
	}
	*n = N(inet_hooks);
	return inet_hooks;
}

const char *nfhook__name(uint8_t family, uint8_t hook)
{
	size_t n;
	const char *const *hooks = hooks_of(family, &n);

	return hook < n ? hooks[hook] : "?";
}

int nfhook__from_name(uint8_t family, const char *name)
{
	size_t n;
	const char *const *hooks = hooks_of(family, &n);

	for (size_t h = 0; h < n; h++)
		if (!strcmp(hooks[h], name))
			return (int)h;
	return -1;
}

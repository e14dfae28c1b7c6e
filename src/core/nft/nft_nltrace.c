// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "core/base/log.h"
#include "core/base/netns.h"
#include "core/nft/nft_chains.h"
#include "core/nft/nft_keyon.h"
#include "core/nft/nft_nltrace.h"
#include "core/nft/nft_ruleset.h"
#include "core/base/clock.h"

#define MAX_NS	       64
#define MAX_CHAINS     64 /* base chains remembered per namespace */
#define RCVBUF	       (8 << 20)
#define GENID_EVERY_NS 100000000ull
#define MARK_COMMENT                                                                               \
	"skbtop --nft-netlink-trace: marks packets for the nftables trace while it runs"

struct ns_trace {
	uint32_t inum;
	int nsfd, sock, ctl; /* namespace, trace group socket, generation queries */
	int64_t genid;	     /* of the chain list below */
	uint64_t genid_checked_ns;
	struct nft_chain_def chains[MAX_CHAINS];
	int n_chains;
};

struct nft_nltrace {
	char nft[256];
	uint32_t func_id;
	struct ns_trace ns[MAX_NS];
	int n_ns;
	struct nft_nltrace_stats st;
	char buf[65536];
};

/* ---- parsing ---- */

static const struct nlattr *attr_next(const struct nlattr *a, int *rem)
{
	int len = NLA_ALIGN(a->nla_len);

	*rem -= len;
	return (const void *)((const char *)a + len);
}

static bool attr_ok(const struct nlattr *a, int rem)
{
	return rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= rem;
}

#define ATTR_DATA(a) ((const void *)((const char *)(a) + NLA_HDRLEN))
#define ATTR_LEN(a)  ((int)(a)->nla_len - NLA_HDRLEN)

static uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (ATTR_LEN(a) >= 4)
		memcpy(&v, ATTR_DATA(a), 4);
	return ntohl(v);
}

static void attr_str(const struct nlattr *a, char *out, size_t len)
{
	size_t n = ATTR_LEN(a) > 0 ? strnlen(ATTR_DATA(a), (size_t)ATTR_LEN(a)) : 0;

	if (n >= len)
		n = len - 1;
	memcpy(out, ATTR_DATA(a), n);
	out[n] = '\0';
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The packet's addresses, ports and identity, as the BPF side reads them (skbtop_parse.bpf.h). */
static void tuple_from_headers(struct skbtop_tuple *t, uint16_t *l3proto, uint64_t *ident,
			       const uint8_t *nh, int nlen, const uint8_t *th, int tlen)
{
	if (nlen >= 20 && nh[0] >> 4 == 4) {
		t->family = AF_INET;
		t->l4proto = nh[9];
		memcpy(&t->saddr.v4, nh + 12, 4);
		memcpy(&t->daddr.v4, nh + 16, 4);
		*l3proto = ETH_P_IP;
		*ident = (uint64_t)(nh[4] << 8 | nh[5]);
		/* Only the first fragment holds the ports. */
		if ((nh[6] << 8 | nh[7]) & 0x1fff)
			return;
	} else if (nlen >= 40 && nh[0] >> 4 == 6) {
		t->family = AF_INET6;
		t->l4proto = nh[6];
		memcpy(t->saddr.v6, nh + 8, 16);
		memcpy(t->daddr.v6, nh + 24, 16);
		*l3proto = ETH_P_IPV6;
	} else {
		return;
	}
	if (t->l4proto == IPPROTO_TCP && tlen >= 14) {
		uint8_t f = th[13];

		*ident ^= (uint64_t)be32_at(th + 4) << 32 ^ be32_at(th + 8) ^
			  (uint64_t)((f >> 1 & 1) | (f & 1) << 1 | (f >> 2 & 1) << 2) << 16;
	}
	switch (t->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (tlen >= 4) {
			t->sport = (uint16_t)(th[0] << 8 | th[1]);
			t->dport = (uint16_t)(th[2] << 8 | th[3]);
		}
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (tlen >= 2) {
			t->icmp_type = th[0];
			t->icmp_code = th[1];
		}
		break;
	}
}

static void parse_verdict(const struct nlattr *nest, struct skbtop_nft_event *e)
{
	int rem = ATTR_LEN(nest);

	for (const struct nlattr *a = ATTR_DATA(nest); attr_ok(a, rem); a = attr_next(a, &rem)) {
		if ((a->nla_type & NLA_TYPE_MASK) == NFTA_VERDICT_CODE)
			e->verdict = (int32_t)attr_u32(a);
		else if ((a->nla_type & NLA_TYPE_MASK) == NFTA_VERDICT_CHAIN)
			attr_str(a, e->target, sizeof(e->target));
	}
}

int nft_nltrace__parse(const struct nlmsghdr *nh, struct nft_trace_rec *out)
{
	const struct nfgenmsg *g = NLMSG_DATA(nh);
	const uint8_t *net = NULL, *tr = NULL;
	struct skbtop_nft_event *e = &out->e;
	uint32_t iif = 0, oif = 0, type = 0;
	int nlen = 0, tlen = 0, rem;
	bool have_table = false, have_chain = false, have_id = false;
	char table[256];

	if (nh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE))
		return 0;
	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*g)))
		return -1;
	memset(out, 0, sizeof(*out));
	e->ev.hdr.type = SKBTOP_EV_NFT_RULE;
	e->ev.hdr.flags = SKBTOP_F_NETLINK;
	e->family = g->nfgen_family;
	rem = (int)nh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g)));
	for (const struct nlattr *a = (const void *)((const char *)g + NLMSG_ALIGN(sizeof(*g)));
	     attr_ok(a, rem); a = attr_next(a, &rem)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NFTA_TRACE_TABLE:
			attr_str(a, table, sizeof(table));
			have_table = true;
			break;
		case NFTA_TRACE_CHAIN:
			attr_str(a, e->chain, sizeof(e->chain));
			have_chain = true;
			break;
		case NFTA_TRACE_RULE_HANDLE:
			if (ATTR_LEN(a) >= 8) {
				uint64_t h;

				memcpy(&h, ATTR_DATA(a), 8);
				e->rule_handle = be64toh(h);
			}
			break;
		case NFTA_TRACE_TYPE:
			type = attr_u32(a);
			break;
		case NFTA_TRACE_VERDICT:
			parse_verdict(a, e);
			break;
		case NFTA_TRACE_POLICY:
			e->verdict = (int32_t)attr_u32(a);
			break;
		case NFTA_TRACE_ID:
			out->id = attr_u32(a);
			have_id = true;
			break;
		case NFTA_TRACE_NETWORK_HEADER:
			net = ATTR_DATA(a);
			nlen = ATTR_LEN(a);
			break;
		case NFTA_TRACE_TRANSPORT_HEADER:
			tr = ATTR_DATA(a);
			tlen = ATTR_LEN(a);
			break;
		case NFTA_TRACE_IIF:
			iif = attr_u32(a);
			break;
		case NFTA_TRACE_OIF:
			oif = attr_u32(a);
			break;
		case NFTA_TRACE_MARK:
			e->ev.mark = attr_u32(a);
			break;
		}
	}
	if (!have_table || !have_chain || !have_id || !type)
		return -1;
	/* The marking table is the first chain each marked packet meets (the packet's own headers
	 * come with it): its messages take the packet's journey for the id, so that an id that
	 * passed no other chain (a packet copied into a new skb between hooks) does not leave its
	 * journey to the next id of the same headers. */
	out->own = nft_nltrace__own_table(table);
	/* Cut at the event ABI's width, as the BPF side cuts it. */
	memcpy(e->table, table, strnlen(table, sizeof(e->table) - 1));
	if (type == NFT_TRACETYPE_POLICY)
		e->ev.hdr.flags |= SKBTOP_F_POLICY;
	e->ev.ifindex = iif ? iif : oif;
	if (net) {
		uint64_t ident = 0;

		tuple_from_headers(&e->ev.tuple, &e->ev.l3proto, &ident, net, nlen, tr, tlen);
		e->ev.ident = ident;
	}
	return 1;
}

/* ---- namespaces ---- */

static void refresh_chains(struct nft_nltrace *nl, struct ns_trace *ns)
{
	int n = nft_chains__list(nl->nft, ns->inum, ns->chains, MAX_CHAINS);

	ns->n_chains = n > 0 ? n : 0;
}

/* The base chain of this name, re-reading the chains when the ruleset changed since. */
static const struct nft_chain_def *base_chain(struct nft_nltrace *nl, struct ns_trace *ns,
					      const struct skbtop_nft_event *e, uint64_t now)
{
	for (int pass = 0; pass < 2; pass++) {
		int64_t gen;

		for (int i = 0; i < ns->n_chains; i++) {
			const struct nft_chain_def *c = &ns->chains[i];

			if (c->family == e->family && !strcmp(c->table, e->table) &&
			    !strcmp(c->name, e->chain))
				return c;
		}
		/* A regular chain misses every time: ask the kernel's generation, not nft. */
		if (pass || now - ns->genid_checked_ns < GENID_EVERY_NS)
			break;
		ns->genid_checked_ns = now;
		gen = nft_ruleset__genid(ns->ctl);
		if (gen < 0 || gen == ns->genid)
			break;
		ns->genid = gen;
		refresh_chains(nl, ns);
	}
	return NULL;
}

static int ns_open(struct nft_nltrace *nl, struct ns_trace *ns, uint32_t inum)
{
	int group = NFNLGRP_NFTRACE, size = RCVBUF;
	struct timeval tv = { 0, 200000 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char table[64], script[1024], err[256];

	ns->inum = inum;
	ns->sock = ns->ctl = -1;
	ns->nsfd = netns__open(inum);
	if (ns->nsfd < 0)
		return -1;
	/* Listening first: no trace of the first marked packets is missed. */
	ns->sock = netns__socket(ns->nsfd, AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, NETLINK_NETFILTER);
	ns->ctl = netns__socket(ns->nsfd, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (ns->sock < 0 || ns->ctl < 0 || bind(ns->sock, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(ns->sock, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group))) {
		p_err("nft netlink trace: no trace socket in netns %u: %s", inum, strerror(errno));
		return -1;
	}
	if (setsockopt(ns->sock, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(ns->sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(ns->ctl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nft_keyon__remove_leftovers(nl->nft, ns->nsfd, NFT_NLTRACE_PREFIX);
	nft_keyon__table(table, sizeof(table), NFT_NLTRACE_PREFIX, getpid());
	snprintf(script, sizeof(script),
		 "table inet %s {\n"
		 "\tcomment \"" MARK_COMMENT "\"\n"
		 "\tchain pre {\n"
		 "\t\ttype filter hook prerouting priority -2147483648; policy accept;\n"
		 "\t\tmeta nftrace set 1\n"
		 "\t}\n"
		 "\tchain out {\n"
		 "\t\ttype filter hook output priority -2147483648; policy accept;\n"
		 "\t\tmeta nftrace set 1\n"
		 "\t}\n"
		 "}\n",
		 table);
	if (nft_keyon__run(nl->nft, ns->nsfd, script, err, sizeof(err))) {
		p_err("nft netlink trace: could not add the marking table inet %s in netns %u: %s",
		      table, inum, err);
		return -1;
	}
	/* The chains are listed when a trace first needs them: most namespaces see none. */
	ns->genid = -1;
	fprintf(stderr,
		"skbtop: nft: added table inet %s in netns %u: it marks every packet for the "
		"nftables trace until skbtop exits\n",
		table, inum);
	return 0;
}

static void ns_close(struct nft_nltrace *nl, struct ns_trace *ns, bool remove)
{
	char table[64], err[256];

	if (remove && ns->nsfd >= 0 &&
	    nft_keyon__remove_own(nl->nft, ns->nsfd, NFT_NLTRACE_PREFIX, err, sizeof(err)))
		p_err("could not remove the marking table inet %s in netns %u: %s",
		      nft_keyon__table(table, sizeof(table), NFT_NLTRACE_PREFIX, getpid()),
		      ns->inum, err);
	if (ns->sock >= 0)
		close(ns->sock);
	if (ns->ctl >= 0)
		close(ns->ctl);
	if (ns->nsfd >= 0)
		close(ns->nsfd);
	ns->sock = ns->ctl = ns->nsfd = -1;
}

struct nft_nltrace *nft_nltrace__start(const char *nft, const uint32_t *netns, int n,
				       uint32_t func_id, char *summary, size_t len)
{
	struct nft_nltrace *nl = calloc(1, sizeof(*nl));

	if (!nl) {
		p_err("out of memory");
		return NULL;
	}
	snprintf(nl->nft, sizeof(nl->nft), "%s", nft ? nft : "nft");
	nl->func_id = func_id;
	for (int i = 0; i < n && nl->n_ns < MAX_NS; i++) {
		struct ns_trace *ns = &nl->ns[nl->n_ns];

		if (ns_open(nl, ns, netns[i])) {
			ns_close(nl, ns, true);
			continue;
		}
		nl->n_ns++;
	}
	if (!nl->n_ns) {
		snprintf(summary, len, "rules: no netlink trace (no namespace could be traced)");
		free(nl);
		return NULL;
	}
	snprintf(summary, len, "rules: netlink trace in %d namespace%s", nl->n_ns,
		 nl->n_ns == 1 ? "" : "s");
	return nl;
}

/* Each message's length fits in what is left of the datagram, and there is nothing after the last.
 */
static bool lengths_add_up(const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		const struct nlmsghdr *nh = (const void *)(buf + off);

		if (len - off < sizeof(*nh) || nh->nlmsg_len < sizeof(*nh) ||
		    nh->nlmsg_len > len - off)
			return false;
		off += NLMSG_ALIGN(nh->nlmsg_len);
	}
	return true;
}

int nft_nltrace__datagram(const void *buf, size_t len, uint32_t from_port,
			  struct nft_trace_rec *out, int max, struct nft_nltrace_stats *st)
{
	const char *p = buf;
	size_t off = 0;
	int n = 0;

	if (from_port != 0 || !lengths_add_up(p, len)) {
		st->refused++;
		return 0;
	}
	while (off < len && n < max) {
		const struct nlmsghdr *nh = (const void *)(p + off);
		int rc = nft_nltrace__parse(nh, &out[n]);

		off += NLMSG_ALIGN(nh->nlmsg_len);
		if (rc < 0)
			st->bad++;
		else if (rc > 0 && out[n].own)
			st->own++;
		else if (rc > 0)
			st->events++;
		n += rc > 0;
	}
	return n;
}

/* What the trace message cannot say: when it was read, in which namespace, the chain's hook. */
static void complete(struct nft_nltrace *nl, struct ns_trace *ns, struct nft_trace_rec *r,
		     uint64_t now)
{
	const struct nft_chain_def *c;

	r->e.ev.hdr.ts_ns = now;
	r->e.ev.func_id = nl->func_id;
	r->e.ev.netns = ns->inum;
	c = base_chain(nl, ns, &r->e, now);
	if (c) {
		r->base = true;
		r->e.hook = c->hook;
		r->e.priority = c->prio;
		r->e.chain_handle = c->handle;
	}
}

int nft_nltrace__read(struct nft_nltrace *nl, struct nft_trace_rec *out, int max)
{
	int n = 0;

	/* A datagram holds one trace message: max bounds both loops. */
	for (int i = 0; nl && i < nl->n_ns; i++) {
		struct ns_trace *ns = &nl->ns[i];

		while (n < max) {
			struct sockaddr_nl from;
			socklen_t from_len = sizeof(from);
			ssize_t got = recvfrom(ns->sock, nl->buf, sizeof(nl->buf), MSG_DONTWAIT,
					       (struct sockaddr *)&from, &from_len);
			uint64_t now = clock__ns();
			int k;

			if (got < 0 && errno == ENOBUFS) {
				nl->st.overruns++;
				continue;
			}
			if (got <= 0)
				break;
			/* A namespace's owner may be anyone: only the kernel's port is believed. */
			if (from_len < sizeof(from) || from.nl_family != AF_NETLINK)
				from.nl_pid = UINT32_MAX;
			k = nft_nltrace__datagram(nl->buf, (size_t)got, from.nl_pid, out + n,
						  max - n, &nl->st);
			for (int j = 0; j < k; j++)
				complete(nl, ns, &out[n + j], now);
			n += k;
		}
	}
	return n;
}

void nft_nltrace__stats(const struct nft_nltrace *nl, struct nft_nltrace_stats *st)
{
	if (nl)
		*st = nl->st;
	else
		memset(st, 0, sizeof(*st));
}

void nft_nltrace__stop(struct nft_nltrace *nl)
{
	if (!nl)
		return;
	for (int i = 0; i < nl->n_ns; i++)
		ns_close(nl, &nl->ns[i], true);
	free(nl);
}

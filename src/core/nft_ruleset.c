// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "log.h"
#include "nft_exec.h"
#include "nft_ruleset.h"
#include "clock.h"

#define NAME_CUT       31 /* SKBTOP_NAME_LEN - 1: names in events are cut here */
#define GEN_CHECK_NS   100000000ull
#define GONE_RETRY_NS  10000000000ull /* a gone namespace's inode may be given to a new one */
#define MAX_GONE_KEPT  32	      /* gone namespaces whose rule text is kept */
#define MAX_FORGOTTEN  256	      /* gone namespaces dropped, not searched for a while */
#define MAX_LISTING_MB 64

struct rule_ent {
	uint8_t family;
	char *table;
	uint64_t handle;
	char *text;
};

struct ns_ent {
	uint32_t netns;
	bool read; /* a listing was parsed: a missing handle means deleted */
	int64_t genid;
	uint64_t checked_ns;
	char path[280];	  /* where the namespace was last found */
	uint64_t gone_ns; /* when no process or mount held it any more; 0 while it does */
	struct rule_ent *rules;
	size_t n, cap;
};

struct nft_ruleset {
	char *nft;
	bool live;
	struct ns_ent *ns;
	size_t n_ns;
	struct {
		uint32_t netns;
		uint64_t at;
	} forgotten[MAX_FORGOTTEN]; /* a ring of the gone namespaces dropped last */
	size_t next_forgotten;
};

static const struct {
	uint8_t proto;
	const char *name;
} families[] = {
	{ 1, "inet" }, { 2, "ip" }, { 3, "arp" }, { 5, "netdev" }, { 7, "bridge" }, { 10, "ip6" },
};

int nft_family__parse(const char *name)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (!strcmp(name, families[i].name))
			return families[i].proto;
	return -1;
}

const char *nft_family__name(uint8_t family)
{
	static __thread char buf[16];

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].proto == family)
			return families[i].name;
	snprintf(buf, sizeof(buf), "family#%u", family);
	return buf;
}

struct nft_ruleset *nft_ruleset__new(const char *nft)
{
	struct nft_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->nft = strdup(nft ? nft : "nft");
	if (!rs->nft) {
		free(rs);
		return NULL;
	}
	rs->live = true;
	return rs;
}

static void ns_clear(struct ns_ent *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		free(ns->rules[i].table);
		free(ns->rules[i].text);
	}
	ns->n = 0;
}

void nft_ruleset__free(struct nft_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n_ns; i++) {
		ns_clear(&rs->ns[i]);
		free(rs->ns[i].rules);
	}
	free(rs->ns);
	free(rs->nft);
	free(rs);
}

void nft_ruleset__set_live(struct nft_ruleset *rs, bool live)
{
	rs->live = live;
}

uint32_t nft_netns__self(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (uint32_t)st.st_ino;
}

static bool forgotten(const struct nft_ruleset *rs, uint32_t netns, uint64_t now)
{
	for (size_t i = 0; i < MAX_FORGOTTEN; i++)
		if (rs->forgotten[i].netns == netns && now - rs->forgotten[i].at < GONE_RETRY_NS)
			return true;
	return false;
}

/*
 * A namespace went away: its text stays for the packets still held, for the MAX_GONE_KEPT
 * namespaces gone last; older ones are dropped and not searched for again for a while.
 */
static void ns_gone(struct nft_ruleset *rs, struct ns_ent *ns, uint64_t now)
{
	size_t oldest = rs->n_ns, n_gone = 0;

	if (ns->read)
		p_debug("nft rule text: network namespace %u has gone; keeping its %zu rules",
			ns->netns, ns->n);
	ns->gone_ns = now;
	for (size_t i = 0; i < rs->n_ns; i++) {
		if (!rs->ns[i].gone_ns)
			continue;
		n_gone++;
		if (oldest == rs->n_ns || rs->ns[i].gone_ns < rs->ns[oldest].gone_ns)
			oldest = i;
	}
	if (n_gone <= MAX_GONE_KEPT)
		return;
	rs->forgotten[rs->next_forgotten].netns = rs->ns[oldest].netns;
	rs->forgotten[rs->next_forgotten].at = now;
	rs->next_forgotten = (rs->next_forgotten + 1) % MAX_FORGOTTEN;
	ns_clear(&rs->ns[oldest]);
	free(rs->ns[oldest].rules);
	rs->ns[oldest] = rs->ns[--rs->n_ns];
}

static struct ns_ent *ns_find_ent(struct nft_ruleset *rs, uint32_t netns)
{
	for (size_t i = 0; i < rs->n_ns; i++)
		if (rs->ns[i].netns == netns)
			return &rs->ns[i];
	return NULL;
}

static struct ns_ent *ns_get(struct nft_ruleset *rs, uint32_t netns)
{
	struct ns_ent *p;

	if (!netns)
		netns = nft_netns__self();
	p = ns_find_ent(rs, netns);
	if (p)
		return p;
	p = realloc(rs->ns, (rs->n_ns + 1) * sizeof(*p));
	if (!p)
		return NULL;
	rs->ns = p;
	p = &rs->ns[rs->n_ns++];
	memset(p, 0, sizeof(*p));
	p->netns = netns;
	p->genid = -1;
	return p;
}

static int add_rule(struct ns_ent *ns, uint8_t family, const char *table, uint64_t handle,
		    const char *text, size_t text_len)
{
	struct rule_ent *r;

	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 64;

		r = realloc(ns->rules, cap * sizeof(*r));
		if (!r)
			return -1;
		ns->rules = r;
		ns->cap = cap;
	}
	r = &ns->rules[ns->n];
	r->family = family;
	r->handle = handle;
	r->table = strdup(table);
	r->text = strndup(text, text_len);
	if (!r->table || !r->text) {
		free(r->table);
		free(r->text);
		return -1;
	}
	ns->n++;
	return 0;
}

/* Braces opened minus closed on a line, outside double quotes (comments may hold braces). */
static int brace_delta(const char *s)
{
	bool quoted = false;
	int d = 0;

	for (; *s; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && *s == '{')
			d++;
		else if (!quoted && *s == '}')
			d--;
	}
	return d;
}

/* Copies the next word of *s (unquoted) into out and advances. */
static bool next_word(const char **s, char *out, size_t len)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"') {
		p++;
		while (*p && *p != '"' && n + 1 < len)
			out[n++] = *p++;
		if (*p == '"')
			p++;
	} else {
		while (*p && !isspace((unsigned char)*p) && *p != '{' && n + 1 < len)
			out[n++] = *p++;
	}
	out[n] = 0;
	*s = p;
	return n > 0;
}

int nft_ruleset__parse(struct nft_ruleset *rs, uint32_t netns, const char *text)
{
	struct ns_ent *ns = ns_get(rs, netns);
	char table[256] = "", word[256];
	int depth = 0, family = -1, rules = 0;
	bool in_chain = false;
	const char *line = text;

	if (!ns)
		return -1;
	ns_clear(ns);
	ns->read = false;
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[4096];
		const char *p = buf, *h;

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		line = end ? end + 1 : NULL;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			continue;
		if (depth == 0) {
			if (strncmp(p, "table ", 6))
				return -1;
			p += 6;
			if (!next_word(&p, word, sizeof(word)) ||
			    (family = nft_family__parse(word)) < 0 ||
			    !next_word(&p, table, sizeof(table)))
				return -1;
		} else if (depth == 1) {
			in_chain = !strncmp(p, "chain ", 6);
		} else if (depth == 2 && in_chain && (h = strstr(p, " # handle ")) &&
			   brace_delta(p) == 0) {
			char *tail;
			unsigned long long handle = strtoull(h + 10, &tail, 10);

			if (tail != h + 10 && add_rule(ns, family, table, handle, p, h - p) == 0)
				rules++;
		}
		depth += brace_delta(p);
		if (depth < 0)
			return -1;
	}
	ns->read = true;
	return rules;
}

static bool name_match(const char *full, const char *cut)
{
	size_t n = strlen(cut);

	if (n >= NAME_CUT)
		return !strncmp(full, cut, NAME_CUT);
	return !strcmp(full, cut);
}

static const char *ns_find(const struct ns_ent *ns, uint8_t family, const char *table,
			   uint64_t handle)
{
	for (size_t i = 0; i < ns->n; i++) {
		const struct rule_ent *r = &ns->rules[i];

		if (r->handle == handle && r->family == family && name_match(r->table, table))
			return r->text;
	}
	return ns->read ? NFT_RULE_DELETED : NULL;
}

static bool inode_of(const char *path, uint32_t inum)
{
	struct stat st;

	return !stat(path, &st) && (uint32_t)st.st_ino == inum;
}

/* Finds a path that names the namespace: /proc/self, /run/netns/NAME, /proc/PID/ns/net. */
static int find_netns(uint32_t inum, char *path, size_t len)
{
	struct dirent *de;
	DIR *d;

	if (inode_of("/proc/self/ns/net", inum)) {
		snprintf(path, len, "/proc/self/ns/net");
		return 0;
	}
	d = opendir("/run/netns");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, len, "/run/netns/%s", de->d_name);
		if (inode_of(path, inum)) {
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, len, "/proc/%s/ns/net", de->d_name);
		if (inode_of(path, inum)) {
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	return -1;
}

static int open_ns(struct ns_ent *ns)
{
	int fd;

	if (!ns->path[0] || !inode_of(ns->path, ns->netns)) {
		if (find_netns(ns->netns, ns->path, sizeof(ns->path))) {
			ns->path[0] = 0;
			return -1;
		}
	}
	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	return fd;
}

int nft_netns__open(uint32_t inum)
{
	char path[280];

	if (!inum)
		return open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (find_netns(inum, path, sizeof(path)))
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

struct ns_call {
	int netns_fd;
	int (*fn)(void *arg);
	void *arg;
	int ret, err;
};

/* setns() changes only the calling thread, so a short-lived thread does the work. */
static void *ns_thread(void *arg)
{
	struct ns_call *c = arg;

	if (setns(c->netns_fd, CLONE_NEWNET)) {
		c->err = errno;
		return NULL;
	}
	c->ret = c->fn(c->arg);
	c->err = errno;
	return NULL;
}

int nft_netns__call(int netns_fd, int (*fn)(void *arg), void *arg)
{
	struct ns_call c = { netns_fd, fn, arg, -1, 0 };
	pthread_t t;

	if (pthread_create(&t, NULL, ns_thread, &c))
		return -1;
	pthread_join(t, NULL);
	errno = c.err;
	return c.ret;
}

struct sock_args {
	int domain, type, proto;
};

static int make_socket(void *arg)
{
	struct sock_args *a = arg;

	return socket(a->domain, a->type | SOCK_CLOEXEC, a->proto);
}

int nft_netns__socket(int netns_fd, int domain, int type, int proto)
{
	struct sock_args a = { domain, type, proto };

	return nft_netns__call(netns_fd, make_socket, &a);
}

int64_t nft_netns__genid(int nl_fd)
{
	struct {
		struct nlmsghdr nh;
		struct nfgenmsg g;
	} req = {
		.nh = { .nlmsg_len = sizeof(req),
			.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN,
			.nlmsg_flags = NLM_F_REQUEST,
			.nlmsg_seq = 1 },
		.g = { .nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0 },
	};
	char buf[512];
	ssize_t n;

	if (send(nl_fd, &req, sizeof(req), 0) != sizeof(req))
		return -1;
	n = recv(nl_fd, buf, sizeof(buf), 0);
	for (struct nlmsghdr *nh = (void *)buf; n > 0 && NLMSG_OK(nh, (size_t)n);
	     nh = NLMSG_NEXT(nh, n)) {
		struct nlattr *a;
		int alen;

		if (nh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN))
			continue;
		a = (void *)((char *)NLMSG_DATA(nh) + NLMSG_ALIGN(sizeof(struct nfgenmsg)));
		alen = nh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct nfgenmsg)));
		for (; alen >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= alen;
		     alen -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
			if ((a->nla_type & NLA_TYPE_MASK) == NFTA_GEN_ID)
				return ntohl(*(uint32_t *)(a + 1));
	}
	return -1;
}

static int64_t ns_genid(int nsfd)
{
	struct timeval tv = { 0, 200000 };
	int fd = nft_netns__socket(nsfd, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	int64_t id;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	id = nft_netns__genid(fd);
	close(fd);
	return id;
}

static int ns_refresh(struct nft_ruleset *rs, struct ns_ent *ns, int nsfd)
{
	char *const argv[] = { rs->nft, "-a", "-s", "list", "ruleset", NULL };
	struct nft_exec_result r;
	int n;

	n = nft_exec__run(nsfd, argv, NULL, (size_t)MAX_LISTING_MB << 20, &r);
	if (n) {
		p_err("nft rule text: '%s -a -s list ruleset' failed in netns %u: %s", rs->nft,
		      ns->netns, r.err[0] ? r.err : "exit status not 0");
		free(r.out);
		return -1;
	}
	n = nft_ruleset__parse(rs, ns->netns, r.out);
	if (n < 0)
		p_err("nft rule text: could not read the listing of netns %u", ns->netns);
	free(r.out);
	return n;
}

/* Re-reads the namespace's rules when its generation changed; a gone one keeps what it had. */
static void ns_check(struct nft_ruleset *rs, struct ns_ent *ns, uint64_t now)
{
	int64_t gen;
	int nsfd;

	if (ns->gone_ns && now - ns->gone_ns < GONE_RETRY_NS)
		return;
	ns->checked_ns = now;
	nsfd = open_ns(ns);
	if (nsfd < 0) {
		ns_gone(rs, ns, now);
		return;
	}
	if (ns->gone_ns) {
		/* Its inode names a namespace again, maybe a new one: read it afresh. */
		ns->gone_ns = 0;
		ns->read = false;
	}
	gen = ns_genid(nsfd);
	if (!ns->read || (gen >= 0 && gen != ns->genid)) {
		ns->genid = gen;
		ns_refresh(rs, ns, nsfd);
	}
	close(nsfd);
}

const char *nft_ruleset__text(struct nft_ruleset *rs, uint32_t netns, uint8_t family,
			      const char *table, uint64_t handle)
{
	struct ns_ent *ns;
	uint64_t now = 0;

	if (!table)
		return NULL;
	if (rs->live) {
		now = clock__ns();
		if (forgotten(rs, netns ? netns : nft_netns__self(), now))
			return NULL;
	}
	ns = ns_get(rs, netns);
	if (!ns)
		return NULL;
	if (rs->live && now - ns->checked_ns >= GEN_CHECK_NS) {
		uint32_t inum = ns->netns;

		ns_check(rs, ns, now);
		/* ns_check may have dropped it, or another gone namespace in its place. */
		ns = ns_find_ent(rs, inum);
		if (!ns)
			return NULL;
	}
	return ns_find(ns, family, table, handle);
}

const char *nft_ruleset__names_cb(void *rs, uint32_t netns, uint8_t family, const char *table,
				  uint64_t handle)
{
	return nft_ruleset__text(rs, netns, family, table, handle);
}

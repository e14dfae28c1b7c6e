// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/base/netns.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_exec.h"
#include "core/nft/nft_ruleset.h"
#include "core/session/refresher.h"
#include "core/base/strmap.h"

#define NAME_CUT       31 /* SKBTOP_NAME_LEN - 1: names in events are cut here */
#define GEN_CHECK_NS   100000000ull
#define GONE_RETRY_NS  10000000000ull /* a gone namespace's inode may be given to a new one */
#define MAX_GONE_KEPT  32	      /* gone namespaces whose rule text is kept */
#define MAX_FORGOTTEN  256	      /* gone namespaces dropped, not searched for a while */
#define MAX_LISTING_MB 64
#define MAX_WARM       256 /* namespaces whose rules are read at the start */

struct rule_ent {
	uint8_t family;
	char *table;
	uint64_t handle;
	char *text; /* owned while parsed, then the interned copy's */
};

struct rules {
	struct rule_ent *v;
	size_t n, cap;
};

struct ns_ent {
	uint32_t netns;
	bool read; /* a listing was parsed: a missing handle means deleted */
	int64_t genid;
	uint64_t asked_ns; /* when a lookup last asked the refresher to check it */
	char path[280];	   /* where the namespace was last found */
	uint64_t gone_ns;  /* when no process or mount held it any more; 0 while it does */
	bool stale;	   /* its generation changed and it is being read again */
	int notify_fd;	   /* tells the refresher of ruleset changes; the refresher's own */
	struct rules rules;
};

/*
 * Lookups come from the drain of the event queue and the screen's draw, and must not wait: they
 * read what is known under lock and ask the refresher thread to check a namespace that is due.
 * The refresher enters the namespace, asks its generation and runs nft without the lock, and puts
 * the new rules in under it. Texts are interned for the life of the object, so the pointers
 * lookups hand out stay valid whatever is read later.
 */
struct nft_ruleset {
	char *nft;
	bool live;
	uint32_t self;
	pthread_mutex_t lock;
	struct refresher *refresher;
	bool refresher_failed;
	uint32_t notified; /* the namespace whose changes the kernel tells */
	struct ns_ent *ns;
	size_t n_ns;
	struct {
		uint32_t netns;
		uint64_t at;
	} forgotten[MAX_FORGOTTEN]; /* a ring of the gone namespaces dropped last */
	size_t next_forgotten;
	char **texts;
	size_t n_texts, cap_texts;
	struct strmap text_ids; /* text -> index in texts */
};

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
	rs->self = netns__self();
	pthread_mutex_init(&rs->lock, NULL);
	return rs;
}

/* Rules whose texts are interned (a namespace's): the texts stay, as pointers to them may. */
static void rules_free(struct rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].table);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Rules just parsed, not handed to ns_set_rules (which takes them): their texts are theirs. */
static void parsed_free(struct rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].text);
	rules_free(r);
}

void nft_ruleset__free(struct nft_ruleset *rs)
{
	if (!rs)
		return;
	refresher__free(rs->refresher);
	for (size_t i = 0; i < rs->n_ns; i++) {
		rules_free(&rs->ns[i].rules);
		if (rs->ns[i].notify_fd >= 0)
			close(rs->ns[i].notify_fd);
	}
	free(rs->ns);
	for (size_t i = 0; i < rs->n_texts; i++)
		free(rs->texts[i]);
	free(rs->texts);
	strmap__free(&rs->text_ids);
	pthread_mutex_destroy(&rs->lock);
	free(rs->nft);
	free(rs);
}

void nft_ruleset__set_live(struct nft_ruleset *rs, bool live)
{
	struct refresher *r;

	pthread_mutex_lock(&rs->lock);
	rs->live = live;
	r = live ? NULL : rs->refresher;
	pthread_mutex_unlock(&rs->lock);
	if (!r)
		return;
	/* Its work may use rs->refresher until it is joined. */
	refresher__free(r);
	pthread_mutex_lock(&rs->lock);
	rs->refresher = NULL;
	for (size_t i = 0; i < rs->n_ns; i++) {
		if (rs->ns[i].notify_fd >= 0)
			close(rs->ns[i].notify_fd);
		rs->ns[i].notify_fd = -1;
	}
	pthread_mutex_unlock(&rs->lock);
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
			ns->netns, ns->rules.n);
	ns->gone_ns = now;
	if (ns->notify_fd >= 0) {
		/* The socket would keep the namespace alive. */
		refresher__unwatch(rs->refresher, ns->notify_fd);
		close(ns->notify_fd);
		ns->notify_fd = -1;
	}
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
	rules_free(&rs->ns[oldest].rules);
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
	struct ns_ent *p = ns_find_ent(rs, netns);

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
	p->notify_fd = -1;
	return p;
}

static int add_rule(struct rules *rules, uint8_t family, const char *table, uint64_t handle,
		    const char *text, size_t text_len)
{
	struct rule_ent *r;

	if (rules->n == rules->cap) {
		size_t cap = rules->cap ? rules->cap * 2 : 64;

		r = realloc(rules->v, cap * sizeof(*r));
		if (!r)
			return -1;
		rules->v = r;
		rules->cap = cap;
	}
	r = &rules->v[rules->n];
	r->family = family;
	r->handle = handle;
	r->table = strdup(table);
	r->text = strndup(text, text_len);
	if (!r->table || !r->text) {
		free(r->table);
		free(r->text);
		return -1;
	}
	rules->n++;
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

/* The rules of a `nft -a -s list ruleset` listing into out (texts owned); -1 if not one. */
static int parse_listing(const char *text, struct rules *out)
{
	char table[256] = "", word[256];
	int depth = 0, family = -1, rules = 0;
	bool in_chain = false;
	const char *line = text;

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
			    (family = nfproto__from_name(word)) < 0 ||
			    !next_word(&p, table, sizeof(table)))
				return -1;
		} else if (depth == 1) {
			in_chain = !strncmp(p, "chain ", 6);
		} else if (depth == 2 && in_chain && (h = strstr(p, " # handle ")) &&
			   brace_delta(p) == 0) {
			char *tail;
			unsigned long long handle = strtoull(h + 10, &tail, 10);

			if (tail != h + 10 && add_rule(out, family, table, handle, p, h - p) == 0)
				rules++;
		}
		depth += brace_delta(p);
		if (depth < 0)
			return -1;
	}
	return rules;
}

/* The one copy of text kept for the life of rs (text is freed); NULL when out of memory. */
static char *intern(struct nft_ruleset *rs, char *text)
{
	uint64_t i;

	if (!strmap__get(&rs->text_ids, text, &i)) {
		free(text);
		return rs->texts[i];
	}
	if (rs->n_texts == rs->cap_texts) {
		size_t cap = rs->cap_texts ? rs->cap_texts * 2 : 256;
		char **v = realloc(rs->texts, cap * sizeof(*v));

		if (!v)
			goto fail;
		rs->texts = v;
		rs->cap_texts = cap;
	}
	if (strmap__put(&rs->text_ids, text, rs->n_texts))
		goto fail;
	rs->texts[rs->n_texts++] = text;
	return text;
fail:
	free(text);
	return NULL;
}

/* Replaces the namespace's rules by those parsed (taken over; under the lock). */
static void ns_set_rules(struct nft_ruleset *rs, struct ns_ent *ns, struct rules *parsed)
{
	size_t kept = 0;

	for (size_t i = 0; i < parsed->n; i++) {
		parsed->v[i].text = intern(rs, parsed->v[i].text);
		if (parsed->v[i].text)
			parsed->v[kept++] = parsed->v[i];
		else
			free(parsed->v[i].table);
	}
	parsed->n = kept;
	rules_free(&ns->rules);
	ns->rules = *parsed;
	memset(parsed, 0, sizeof(*parsed));
	ns->read = true;
}

int nft_ruleset__parse(struct nft_ruleset *rs, uint32_t netns, const char *text)
{
	struct rules parsed = { 0 };
	int n = parse_listing(text, &parsed);
	struct ns_ent *ns;

	pthread_mutex_lock(&rs->lock);
	ns = ns_get(rs, netns ? netns : rs->self);
	if (ns) {
		/* Not a listing: what was known is dropped, not half replaced. */
		if (n < 0)
			parsed_free(&parsed);
		ns_set_rules(rs, ns, &parsed);
		ns->read = n >= 0;
	}
	pthread_mutex_unlock(&rs->lock);
	parsed_free(&parsed);
	return ns ? n : -1;
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
	for (size_t i = 0; i < ns->rules.n; i++) {
		const struct rule_ent *r = &ns->rules.v[i];

		if (r->handle == handle && r->family == family && name_match(r->table, table))
			return r->text;
	}
	/* Being read again after a change, a handle not known yet may be a new rule's. */
	return ns->read && !ns->stale ? NFT_RULE_DELETED : NULL;
}

int64_t nft_ruleset__genid(int nl_fd)
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
	int fd = netns__socket(nsfd, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	int64_t id;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	id = nft_ruleset__genid(fd);
	close(fd);
	return id;
}

/* Runs nft in the namespace and parses its listing into out; -1 on failure (logged). */
static int read_listing(const char *nft, uint32_t netns, int nsfd, struct rules *out)
{
	char *const argv[] = { (char *)nft, "-a", "-s", "list", "ruleset", NULL };
	struct nft_exec_result r;
	int n;

	n = nft_exec__run(nsfd, argv, NULL, (size_t)MAX_LISTING_MB << 20, &r);
	if (n) {
		p_err("nft rule text: '%s -a -s list ruleset' failed in netns %u: %s", nft, netns,
		      r.err[0] ? r.err : "exit status not 0");
		free(r.out);
		return -1;
	}
	n = parse_listing(r.out, out);
	if (n < 0)
		p_err("nft rule text: could not read the listing of netns %u", netns);
	free(r.out);
	return n;
}

/* An fd of the namespace, found again when path no longer names it; path is updated. */
static int open_ns(uint32_t netns, char *path, size_t len)
{
	if ((!path[0] || netns__inode(path) != netns) && netns__find(netns, path, len)) {
		path[0] = 0;
		return -1;
	}
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* A socket the kernel tells the namespace's ruleset changes on; -1 when there is none. */
static int notify_socket(struct nft_ruleset *rs, int nsfd, uint32_t netns)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = 1u << (NFNLGRP_NFTABLES - 1) };
	int fd = netns__socket(nsfd, AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, NETLINK_NETFILTER);

	if (fd >= 0 && (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
			refresher__watch(rs->refresher, fd, netns))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Marks the namespace as being read again: a handle it does not know is not called deleted. */
static void set_stale(struct nft_ruleset *rs, uint32_t netns)
{
	struct ns_ent *ns;

	pthread_mutex_lock(&rs->lock);
	ns = ns_find_ent(rs, netns);
	if (ns)
		ns->stale = true;
	pthread_mutex_unlock(&rs->lock);
}

/*
 * The refresher's work, when a lookup found the namespace due or the kernel told of a change:
 * re-reads the namespace's rules when its generation changed; a gone one keeps what it had. Only
 * the reads of the entry and the swap of the result hold the lock.
 */
static void ns_check(void *ctx, uint64_t key)
{
	struct nft_ruleset *rs = ctx;
	uint32_t netns = (uint32_t)key;
	struct rules parsed = { 0 };
	char path[sizeof(rs->ns->path)];
	bool read = false, fresh = false, notify = false, kept = false;
	int64_t genid = -1, gen = -1;
	int nsfd, n = -1, notify_fd = -1;
	struct ns_ent *ns;
	uint64_t now;

	pthread_mutex_lock(&rs->lock);
	ns = ns_find_ent(rs, netns);
	if (ns) {
		memcpy(path, ns->path, sizeof(path));
		read = ns->read && !ns->gone_ns;
		genid = ns->genid;
		notify = netns == rs->notified && ns->notify_fd < 0;
	}
	pthread_mutex_unlock(&rs->lock);
	if (!ns)
		return;
	nsfd = open_ns(netns, path, sizeof(path));
	if (nsfd >= 0) {
		/* Told before the generation is read: no change between the two goes unseen. */
		if (notify)
			notify_fd = notify_socket(rs, nsfd, netns);
		gen = ns_genid(nsfd);
		fresh = !read || (gen >= 0 && gen != genid);
		if (fresh && read)
			set_stale(rs, netns);
		if (fresh)
			n = read_listing(rs->nft, netns, nsfd, &parsed);
		close(nsfd);
	}
	now = clock__ns();
	pthread_mutex_lock(&rs->lock);
	ns = ns_find_ent(rs, netns);
	if (ns && notify_fd >= 0)
		ns->notify_fd = notify_fd;
	else if (notify_fd >= 0) {
		refresher__unwatch(rs->refresher, notify_fd);
		close(notify_fd);
	}
	if (ns && nsfd < 0) {
		ns_gone(rs, ns, now);
	} else if (ns) {
		memcpy(ns->path, path, sizeof(path));
		if (ns->gone_ns) {
			/* Its inode names a namespace again, maybe a new one: read it afresh. */
			ns->gone_ns = 0;
			ns->read = false;
		}
		/* A failed read is tried again at the next check; till then the text is unknown. */
		if (n >= 0) {
			ns->genid = gen;
			ns_set_rules(rs, ns, &parsed);
			ns->stale = false;
			kept = true;
		}
	}
	pthread_mutex_unlock(&rs->lock);
	parsed_free(&parsed);
	/* Said once the texts are in use: a test that changes the ruleset waits for it. */
	if (kept)
		p_debug("nft rule text: netns %u, generation %lld: %d rules read", netns,
			(long long)gen, n);
}

/* Under the lock: asks the refresher to check ns when it is due. */
static void ask_if_due(struct nft_ruleset *rs, struct ns_ent *ns, uint64_t now)
{
	if (now - ns->asked_ns < GEN_CHECK_NS || (ns->gone_ns && now - ns->gone_ns < GONE_RETRY_NS))
		return;
	if (!rs->refresher && !rs->refresher_failed) {
		rs->refresher = refresher__new(ns_check, rs);
		if (!rs->refresher) {
			rs->refresher_failed = true;
			p_err("nft rule text: cannot start the thread that reads rules: no rule "
			      "text");
		}
	}
	if (!rs->refresher)
		return;
	ns->asked_ns = now;
	refresher__ask(rs->refresher, ns->netns);
}

const char *nft_ruleset__text(struct nft_ruleset *rs, uint32_t netns, uint8_t family,
			      const char *table, uint64_t handle)
{
	const char *text = NULL;
	struct ns_ent *ns;
	uint64_t now = 0;

	if (!table)
		return NULL;
	if (!netns)
		netns = rs->self;
	pthread_mutex_lock(&rs->lock);
	if (rs->live) {
		now = clock__ns();
		if (forgotten(rs, netns, now))
			goto out;
	}
	ns = ns_get(rs, netns);
	if (!ns)
		goto out;
	if (rs->live)
		ask_if_due(rs, ns, now);
	text = ns_find(ns, family, table, handle);
out:
	pthread_mutex_unlock(&rs->lock);
	return text;
}

void nft_ruleset__warm(struct nft_ruleset *rs, uint32_t want)
{
	uint32_t nss[MAX_WARM];
	int count = netns__watched(want, nss, MAX_WARM);

	pthread_mutex_lock(&rs->lock);
	rs->notified = want ? want : rs->self;
	for (int i = 0; i < count && rs->live; i++) {
		struct ns_ent *ns = ns_get(rs, nss[i]);

		if (ns)
			ask_if_due(rs, ns, clock__ns());
	}
	pthread_mutex_unlock(&rs->lock);
}

void nft_ruleset__wait(struct nft_ruleset *rs)
{
	struct refresher *r;

	pthread_mutex_lock(&rs->lock);
	r = rs->refresher;
	pthread_mutex_unlock(&rs->lock);
	if (r)
		refresher__wait(r);
}

const char *nft_ruleset__names_cb(void *rs, uint32_t netns, uint8_t family, const char *table,
				  uint64_t handle)
{
	return nft_ruleset__text(rs, netns, family, table, handle);
}

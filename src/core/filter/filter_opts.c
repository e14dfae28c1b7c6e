// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/config.h"
#include "core/filter/filter_opts.h"
#include "core/base/log.h"
#include "core/base/netns.h"

static int set_str(char **dst, const char *arg)
{
	char *s = strdup(arg);

	if (!s) {
		p_err("out of memory");
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

int filter_opts__parse_mark(const char *arg, uint32_t *mark, uint32_t *mask)
{
	unsigned long long v, m = 0xffffffffu;
	const char *s = arg;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end != s && *end == '/') {
		s = end + 1;
		m = strtoull(s, &end, 0);
	}
	if (end == s || *end || strchr(arg, '-') || errno || v > 0xffffffffu || m > 0xffffffffu) {
		p_err("--filter-mark: expected MARK or MARK/MASK (32-bit numbers), got '%s'", arg);
		return -1;
	}
	if (v & ~m) {
		p_err("--filter-mark: mark 0x%llx has bits outside mask 0x%llx: nothing would "
		      "match",
		      v, m);
		return -1;
	}
	*mark = v;
	*mask = m;
	return 0;
}

int filter_opts__option(struct filter_opts *o, const char *name, const char *arg)
{
	if (!strcmp(name, "filter-netns")) {
		if (!*arg) {
			p_err("--filter-netns: expected an inode number or a path");
			return -1;
		}
		return set_str(&o->netns, arg);
	}
	if (!strcmp(name, "filter-ifname")) {
		if (!*arg || strlen(arg) >= IF_NAMESIZE || strchr(arg, '/')) {
			p_err("--filter-ifname: '%s' is not an interface name", arg);
			return -1;
		}
		return set_str(&o->ifname, arg);
	}
	if (!strcmp(name, "filter-mark")) {
		if (filter_opts__parse_mark(arg, &o->mark, &o->mark_mask))
			return -1;
		o->has_mark = true;
		return 0;
	}
	if (!strcmp(name, "filter-everywhere")) {
		o->everywhere = true;
		return 0;
	}
	if (!strcmp(name, "filter-func")) {
		if (!*arg) {
			p_err("--filter-func: expected a regular expression");
			return -1;
		}
		return set_str(&o->func_regex, arg);
	}
	return 1;
}

int filter_opts__set_expr(struct filter_opts *o, int argc, char *const argv[])
{
	size_t len = 1;
	char *s;

	if (argc <= 0)
		return 0;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s) {
		p_err("out of memory");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	free(o->expr);
	o->expr = s;
	return 0;
}

int filter_opts__from_config(struct filter_opts *o, const struct config *cfg)
{
	char num[16];

	if (!o->expr && cfg->filter_expr && *cfg->filter_expr &&
	    set_str(&o->expr, cfg->filter_expr))
		return -1;
	if (!o->netns && cfg->filter_netns) {
		snprintf(num, sizeof(num), "%u", cfg->filter_netns);
		if (set_str(&o->netns, num))
			return -1;
	}
	if (!o->ifname && cfg->filter_ifname && *cfg->filter_ifname &&
	    set_str(&o->ifname, cfg->filter_ifname))
		return -1;
	if (!o->has_mark && cfg->filter_mark_mask) {
		o->mark = cfg->filter_mark;
		o->mark_mask = cfg->filter_mark_mask;
		o->has_mark = true;
	}
	o->everywhere = o->everywhere || cfg->filter_everywhere;
	return 0;
}

bool filter_opts__selective(const struct filter_opts *o)
{
	return o->expr || o->netns || o->ifname || o->has_mark;
}

/* Opens the namespace named by arg (inode or path); stores its inode. */
static int open_netns(const char *arg, uint32_t *inode)
{
	unsigned long long v;
	struct stat st;
	char *end;
	int fd;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*arg != '/' && end != arg && !*end && !errno && v && v <= 0xffffffffu) {
		fd = netns__open((uint32_t)v);
		if (fd < 0) {
			p_err("--filter-netns: no process or /run/netns entry holds namespace %llu",
			      v);
			return -1;
		}
	} else if (*arg == '/') {
		fd = open(arg, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			p_err("--filter-netns: cannot open %s: %s", arg, strerror(errno));
			return -1;
		}
	} else {
		p_err("--filter-netns: expected an inode number or a path, got '%s'", arg);
		return -1;
	}
	if (fstat(fd, &st) || st.st_ino > 0xffffffffu) {
		p_err("--filter-netns: cannot read %s", arg);
		close(fd);
		return -1;
	}
	*inode = st.st_ino;
	return fd;
}

struct ifindex_req {
	const char *ifname;
	unsigned int idx;
};

static int ifindex_of(void *arg)
{
	struct ifindex_req *q = arg;

	q->idx = if_nametoindex(q->ifname);
	return q->idx ? 0 : -1;
}

/* The index of ifname inside the namespace of ns_fd (-1: skbtop's own). */
static int ifindex_in(int ns_fd, const char *ifname, uint32_t *ifindex)
{
	struct ifindex_req q = { ifname, 0 };
	int rc = ns_fd >= 0 ? netns__call(ns_fd, ifindex_of, &q) : ifindex_of(&q);

	if (rc) {
		p_err("--filter-ifname: no interface '%s' in %s: %s", ifname,
		      ns_fd >= 0 ? "that namespace" : "skbtop's namespace", strerror(errno));
		return -1;
	}
	*ifindex = q.idx;
	return 0;
}

int filter_opts__resolve(const struct filter_opts *o, struct skbtop_filter_cfg *kcfg)
{
	int fd = -1, rc = 0;

	memset(kcfg, 0, sizeof(*kcfg));
	if (o->has_mark) {
		kcfg->mark = o->mark;
		kcfg->mark_mask = o->mark_mask;
	}
	if (o->netns) {
		fd = open_netns(o->netns, &kcfg->netns);
		if (fd < 0)
			return -1;
	}
	if (o->ifname) {
		rc = ifindex_in(fd, o->ifname, &kcfg->ifindex);
		/* An index means nothing outside its namespace: pin the one it was found in. */
		if (!rc && !kcfg->netns && !(kcfg->netns = netns__self())) {
			p_err("cannot read /proc/self/ns/net: %s", strerror(errno));
			rc = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int filter_opts__compile(const struct filter_opts *o, struct pcapfilter *pf,
			 struct skbtop_filter_cfg *kcfg)
{
	char err[512];

	memset(pf, 0, sizeof(*pf));
	if (!o->expr || !o->expr[strspn(o->expr, " \t\n")])
		return 0;
	if (pcapfilter__compile(pf, o->expr, err, sizeof(err))) {
		p_err("filter: %s", err);
		return -1;
	}
	if (pf->l3_missing[0])
		p_info("filter: the expression needs a link-layer header (%s): packets are judged "
		       "once they have one",
		       pf->l3_missing);
	p_debug("filter: %zu+%zu classic BPF instructions, %zu eBPF", pf->n_cbpf_l2, pf->n_cbpf_l3,
		pf->n_code[PF_COPY]);
	kcfg->pcap = 1;
	return 0;
}

void filter_opts__describe(const struct filter_opts *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (o->expr && o->expr[strspn(o->expr, " \t\n")])
		n += snprintf(buf + n, len - n, "%s", o->expr);
	if (o->netns && n < len)
		n += snprintf(buf + n, len - n, "%snetns %s", n ? ", " : "", o->netns);
	if (o->ifname && n < len)
		n += snprintf(buf + n, len - n, "%sdev %s", n ? ", " : "", o->ifname);
	if (o->has_mark && n < len)
		n += snprintf(buf + n, len - n, "%smark 0x%x/0x%x", n ? ", " : "", o->mark,
			      o->mark_mask);
	if (o->func_regex && n < len)
		snprintf(buf + n, len - n, "%sfunc %s", n ? ", " : "", o->func_regex);
}

void filter_opts__free(struct filter_opts *o)
{
	free(o->expr);
	free(o->netns);
	free(o->ifname);
	free(o->func_regex);
	memset(o, 0, sizeof(*o));
}

// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/kernel/kernel_btf.h"
#include "core/base/log.h"
#include "core/base/netns.h"
/* The skeleton names the rodata type: its definition comes first. */
#include "core/nft/nf_names.h"
#include "nft_cfg.bpf.h"
#include "nft.skel.h"
#include "core/nft/nft_chains.h"
#include "core/nft/nft_keyon.h"
#include "core/nft/nft_exec.h"
#include "core/nft/nft_loader.h"
#include "core/nft/nft_nltrace.h"
#include "core/nft/nft_ruleset.h"

/* Newer than the uapi headers of Debian 12 and than libbpf 1.1. */
#define PROG_TYPE_NETFILTER 32
#define ATTACH_NETFILTER    45
#define CMD_LINK_CREATE	    28
#define MAX_BRACKETS	    64
#define MAX_NETNS	    256

enum {
	KP_ENTRY,
	KP_EXIT,
	KP_RULE,
	KP_HOOK_ENTRY,
	KP_HOOK_EXIT,
	KP_KFREE,
	KP_COUNT
};

struct bracket_slot {
	uint32_t netns;
	uint8_t pf, hook;
	int32_t prio;
	struct nft_bracket_cfg cfg;
};

struct nft_loader {
	struct nft_loader_opts o;
	char nft[PATH_MAX];
	bool keyon;
	struct nft_bpf *skel;
	struct bpf_link *links[KP_COUNT];
	struct nft_bpf *copies[MAX_BRACKETS];
	size_t n_copies;
	int nf_links[MAX_BRACKETS * 2];
	size_t n_nf_links;
	unsigned int chains_bracketed, brackets_failed;
	struct nft_ruleset *rules;
	struct nft_nltrace *nl;
	uint32_t func_base;	  /* probe ids of NFT events: func_base + enum nft_probe_kind */
	enum nft_rules_mode mode; /* what runs, after any fallback */
	char status[512];
};

int nft_loader__btf_params(const char *module, const char *func)
{
	struct btf *vmlinux = kernel_btf__vmlinux(), *btf = vmlinux;
	const struct btf_type *t;
	int id, n = -1;

	if (!vmlinux)
		return -1;
	if (module) {
		btf = btf__load_module_btf(module, vmlinux);
		if (!btf)
			return -1;
	}
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id > 0) {
		t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
		if (t && btf_is_func_proto(t))
			n = btf_vlen(t);
	}
	if (btf != vmlinux)
		btf__free(btf);
	return n;
}

int nft_loader__ksym(const char *func, char *buf, size_t len)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	size_t flen = strlen(func);
	char line[512], name[256];
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char type;

		if (sscanf(line, "%*s %c %255s", &type, name) != 2 || strncmp(name, func, flen))
			continue;
		if (type != 't' && type != 'T')
			continue;
		/* func itself, or func.isra.0 / func.constprop.0 / ... but not func_longer */
		if (name[flen] && name[flen] != '.')
			continue;
		snprintf(buf, len, "%s", name);
		found = 0;
		if (!name[flen])
			break;
	}
	fclose(f);
	return found;
}

static void add_status(struct nft_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_status(struct nft_loader *l, const char *fmt, ...)
{
	size_t n = strlen(l->status);
	va_list ap;

	if (n && n + 2 < sizeof(l->status)) {
		strcat(l->status, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(l->status + n, sizeof(l->status) - n, fmt, ap);
	va_end(ap);
}

static int reuse_shared(struct nft_bpf *skel, const struct loader_shared_fds *fds)
{
	if (bpf_map__reuse_fd(skel->maps.skbtop_events, fds->events) ||
	    bpf_map__reuse_fd(skel->maps.skbtop_tracked, fds->tracked) ||
	    bpf_map__reuse_fd(skel->maps.skbtop_counters, fds->counters) ||
	    bpf_map__reuse_fd(skel->maps.skbtop_live, fds->live))
		return -1;
	return 0;
}

static bool module_btf_present(const char *module)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
	return access(path, R_OK) == 0;
}

static struct bpf_link *attach_kprobe(struct bpf_program *prog, const char *func, bool ret)
{
	char sym[256];
	struct bpf_link *link;

	if (nft_loader__ksym(func, sym, sizeof(sym))) {
		p_warn("nft: no symbol %s in this kernel", func);
		return NULL;
	}
	link = bpf_program__attach_kprobe(prog, ret, sym);
	if (!link)
		p_warn("nft: could not attach to %s: %s", sym, strerror(errno));
	return link;
}

/* The kprobe path (6.1/6.12 guests and any kernel with kprobes). */
static void start_kprobes(struct nft_loader *l)
{
	const char *mod = module_btf_present("nf_tables") ? "nf_tables" : NULL;
	enum nft_rules_mode mode = l->o.rules;
	struct bpf_program *rule_prog = NULL;
	char sym[256];
	int params;

	if (mode == NFT_RULES_TRACE_KEY) {
		nft_keyon__remove_leftovers(l->nft, -1, NFT_KEYON_PREFIX);
		if (nft_keyon__create(l->nft) == 0) {
			char t[64];

			l->keyon = true;
			fprintf(stderr,
				"skbtop: nft: added table inet %s (an unhooked chain with `meta "
				"nftrace set "
				"0`) to turn on the nftables trace key; it is removed at exit. "
				"--nft-rules immediate leaves the ruleset alone\n",
				nft_keyon__table(t, sizeof(t), NFT_KEYON_PREFIX, getpid()));
		} else {
			mode = NFT_RULES_IMMEDIATE;
			add_status(l, "trace key refused, rules: immediate (partial)");
		}
	}
	/* Creating the table loads nf_tables where it is a module; otherwise it may be absent. */
	if (nft_loader__ksym("nft_do_chain", sym, sizeof(sym))) {
		add_status(l, "nf_tables not loaded: no nft probes (load it and restart)");
		return;
	}
	l->skel = nft_bpf__open();
	if (!l->skel || reuse_shared(l->skel, &l->o.fds)) {
		add_status(l, "nft object could not be opened");
		return;
	}
	l->skel->rodata->nft_func_base = l->func_base;
	bpf_program__set_autoload(l->skel->progs.nft_bracket_prog, false);
	bpf_program__set_autoload(l->skel->progs.nft_trace_packet, false);
	bpf_program__set_autoload(l->skel->progs.nft_trace_packet_v61, false);
	bpf_program__set_autoload(l->skel->progs.nft_immediate, false);
	if (mode == NFT_RULES_TRACE_KEY) {
		params = nft_loader__btf_params(mod, "__nft_trace_packet");
		if (params == 5)
			rule_prog = l->skel->progs.nft_trace_packet;
		else if (params == 3)
			rule_prog = l->skel->progs.nft_trace_packet_v61;
		else
			add_status(l, "__nft_trace_packet has no known signature in BTF: no rules");
	} else if (mode == NFT_RULES_IMMEDIATE) {
		rule_prog = l->skel->progs.nft_immediate;
	}
	if (rule_prog)
		bpf_program__set_autoload(rule_prog, true);
	l->mode = rule_prog ? mode : NFT_RULES_OFF;
	if (nft_bpf__load(l->skel)) {
		add_status(l, "nft programs failed to load: %s", strerror(errno));
		nft_bpf__destroy(l->skel);
		l->skel = NULL;
		return;
	}
	/* Before the main object attaches its kfree_skb: a chain's drop is reported first. */
	l->links[KP_KFREE] = bpf_program__attach(l->skel->progs.nft_kfree_skb);
	l->links[KP_ENTRY] = attach_kprobe(l->skel->progs.nft_chain_entry, "nft_do_chain", false);
	l->links[KP_EXIT] = attach_kprobe(l->skel->progs.nft_chain_exit, "nft_do_chain", true);
	l->links[KP_HOOK_ENTRY] =
		attach_kprobe(l->skel->progs.nf_hook_entry, "nf_hook_slow", false);
	l->links[KP_HOOK_EXIT] = attach_kprobe(l->skel->progs.nf_hook_exit, "nf_hook_slow", true);
	if (rule_prog)
		l->links[KP_RULE] = attach_kprobe(
			rule_prog,
			mode == NFT_RULES_IMMEDIATE ? "nft_immediate_eval" : "__nft_trace_packet",
			false);
	if (!l->links[KP_ENTRY] || !l->links[KP_EXIT])
		add_status(l, "nft_do_chain could not be probed: no chain level");
	else
		add_status(l, "nft chains: kprobe");
	if (rule_prog && l->links[KP_RULE])
		add_status(l, "rules: %s",
			   mode == NFT_RULES_IMMEDIATE
				   ? "immediate (partial: no policy, vmap, reject)"
				   : "trace-key");
	else if (mode == NFT_RULES_OFF && !l->o.netlink_trace)
		add_status(l, "rules: off");
	else
		add_status(l, "rules: unavailable");
	if (!l->links[KP_HOOK_ENTRY] || !l->links[KP_HOOK_EXIT])
		add_status(l, "no nf_hook_slow verdicts");
}

/* ---- without kprobes: netfilter programs around each base chain ---- */

static void set_role(struct nft_bracket_role *r, const struct nft_chain_def *c)
{
	r->set = 1;
	r->priority = c->prio;
	r->family = c->family;
	r->hook = c->hook;
	r->chain_handle = c->handle;
	memcpy(r->table, c->table, sizeof(r->table));
	memcpy(r->chain, c->name, sizeof(r->chain));
}

static struct bracket_slot *slot_get(struct bracket_slot *slots, int *n, uint32_t netns, uint8_t pf,
				     uint8_t hook, int64_t prio)
{
	if (prio <= INT_MIN || prio >= INT_MAX)
		return NULL;
	for (int i = 0; i < *n; i++)
		if (slots[i].netns == netns && slots[i].pf == pf && slots[i].hook == hook &&
		    slots[i].prio == prio)
			return &slots[i];
	if (*n >= MAX_BRACKETS)
		return NULL;
	memset(&slots[*n], 0, sizeof(slots[*n]));
	slots[*n].netns = netns;
	slots[*n].pf = pf;
	slots[*n].hook = hook;
	slots[*n].prio = (int32_t)prio;
	return &slots[(*n)++];
}

struct link_req {
	int prog_fd;
	uint8_t pf, hook;
	int32_t prio;
};

/* BPF_LINK_CREATE with the netfilter options, which libbpf 1.1 cannot express. */
static int link_netfilter(void *arg)
{
	const struct link_req *r = arg;
	struct {
		uint32_t prog_fd, target_fd, attach_type, flags;
		uint32_t pf, hooknum;
		int32_t priority;
		uint32_t nf_flags;
		char rest[96];
	} attr = {
		.prog_fd = r->prog_fd,
		.attach_type = ATTACH_NETFILTER,
		.pf = r->pf,
		.hooknum = r->hook,
		.priority = r->prio,
	};

	return (int)syscall(__NR_bpf, CMD_LINK_CREATE, &attr, sizeof(attr));
}

static struct nft_bpf *load_copy(struct nft_loader *l, const struct nft_bracket_cfg *cfg)
{
	struct nft_bpf *skel = nft_bpf__open();
	struct bpf_program *p;

	if (!skel)
		return NULL;
	if (reuse_shared(skel, &l->o.fds) ||
	    (l->n_copies && bpf_map__reuse_fd(skel->maps.nft_open_brackets,
					      bpf_map__fd(l->copies[0]->maps.nft_open_brackets)))) {
		nft_bpf__destroy(skel);
		return NULL;
	}
	bpf_object__for_each_program(p, skel->obj)
	{
		bpf_program__set_autoload(p,
					  p == skel->progs.nft_bracket_prog ||
						  (!l->n_copies && p == skel->progs.nft_kfree_skb));
	}
	bpf_program__set_type(skel->progs.nft_bracket_prog, PROG_TYPE_NETFILTER);
	bpf_program__set_expected_attach_type(skel->progs.nft_bracket_prog, ATTACH_NETFILTER);
	skel->rodata->nft_bracket = *cfg;
	skel->rodata->nft_func_base = l->func_base;
	if (nft_bpf__load(skel)) {
		nft_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static void start_brackets(struct nft_loader *l)
{
	static struct nft_chain_def chains[MAX_BRACKETS];
	static struct bracket_slot slots[MAX_BRACKETS * 2];
	uint32_t nss[MAX_NETNS];
	int n_ns = netns__list(l->o.netns, nss, MAX_NETNS), n_chains = 0, n_slots = 0;

	for (int i = 0; i < n_ns && n_chains < MAX_BRACKETS; i++) {
		int n = nft_chains__list(l->nft, nss[i], chains + n_chains,
					 MAX_BRACKETS - n_chains);

		if (n > 0)
			n_chains += n;
	}
	for (int i = 0; i < n_chains; i++) {
		const struct nft_chain_def *c = &chains[i];
		uint8_t pfs[2] = { c->family == NFPROTO_IPV6_V ? NFPROTO_IPV6_V : NFPROTO_IPV4_V,
				   NFPROTO_IPV6_V };
		int n_pf = c->family == NFPROTO_INET_V ? 2 : 1;
		bool placed = false;

		for (int k = 0; k < n_pf; k++) {
			struct bracket_slot *before = slot_get(slots, &n_slots, c->netns, pfs[k],
							       c->hook, (int64_t)c->prio - 1);
			struct bracket_slot *after = slot_get(slots, &n_slots, c->netns, pfs[k],
							      c->hook, (int64_t)c->prio + 1);

			/* Chains at one priority share brackets: the first one names them. */
			if (!before || !after || before->cfg.open.set)
				continue;
			set_role(&before->cfg.open, c);
			set_role(&after->cfg.close, c);
			placed = true;
		}
		l->chains_bracketed += placed;
	}
	for (int i = 0; i < n_slots; i++) {
		struct nft_bpf *skel = NULL;
		struct link_req r;
		int fd, ns;

		for (size_t k = 0; k < l->n_copies && !skel; k++)
			if (!memcmp(&l->copies[k]->rodata->nft_bracket, &slots[i].cfg,
				    sizeof(slots[i].cfg)))
				skel = l->copies[k];
		if (!skel && l->n_copies < MAX_BRACKETS) {
			skel = load_copy(l, &slots[i].cfg);
			if (skel)
				l->copies[l->n_copies++] = skel;
		}
		ns = netns__open(slots[i].netns);
		if (!skel || ns < 0) {
			l->brackets_failed++;
			if (ns >= 0)
				close(ns);
			continue;
		}
		r = (struct link_req){ bpf_program__fd(skel->progs.nft_bracket_prog), slots[i].pf,
				       slots[i].hook, slots[i].prio };
		fd = netns__call(ns, link_netfilter, &r);
		close(ns);
		if (fd < 0) {
			p_debug("nft: netfilter link at %s priority %d: %s",
				nfhook__name(slots[i].pf, slots[i].hook), slots[i].prio,
				strerror(errno));
			l->brackets_failed++;
			continue;
		}
		l->nf_links[l->n_nf_links++] = fd;
	}
	if (l->n_copies &&
	    !(l->links[KP_KFREE] = bpf_program__attach(l->copies[0]->progs.nft_kfree_skb)))
		add_status(l, "no NETFILTER_DROP attribution");
	if (!n_chains) {
		add_status(l, "nft chains: no IPv4/IPv6 base chain found to bracket");
		return;
	}
	add_status(l, "nft chains: netfilter brackets around %u chains (%zu links, %u failed)",
		   l->chains_bracketed, l->n_nf_links, l->brackets_failed);
	if (!l->o.netlink_trace)
		add_status(l,
			   "rules: not visible without kprobes (--nft-netlink-trace shows them)");
}

static void start_netlink(struct nft_loader *l)
{
	uint32_t nss[MAX_NETNS];
	int n = netns__list(l->o.netns, nss, MAX_NETNS), kept = 0, foreign = 0;
	char summary[128];

	/*
	 * A namespace an unprivileged user owns gets no table of ours and its trace is not read
	 * unless it is the one asked for: its owner may not want it changed, and can forge the
	 * trace.
	 */
	for (int i = 0; i < n; i++) {
		if (!l->o.netns && netns__foreign(nss[i]))
			foreign++;
		else
			nss[kept++] = nss[i];
	}
	l->nl = nft_nltrace__start(l->nft, nss, kept, l->func_base + NFT_PROBE_NETLINK, summary,
				   sizeof(summary));
	add_status(l, "%s", summary);
	if (foreign)
		add_status(l,
			   "%d namespace%s of other user namespaces left alone (--filter-netns "
			   "traces one)",
			   foreign, foreign == 1 ? "" : "s");
}

/* NFT events get probe names, so the views put them in the NFT and Netfilter layers. */
static void name_probes(struct nft_loader *l)
{
	int nft = l->o.cfg ? layer__find(l->o.cfg, "NFT") : -1;
	int nf = l->o.cfg ? layer__find(l->o.cfg, "Netfilter") : -1;
	const char *rule =
		l->mode == NFT_RULES_IMMEDIATE ? "nft_immediate_eval" : "__nft_trace_packet";
	const char *mod = module_btf_present("nf_tables") ? "nf_tables" : NULL;

	if (nft < 0)
		nft = l->o.cfg ? l->o.cfg->unknown_layer : 0;
	if (nf < 0)
		nf = nft;
	names__add_probe(l->o.names, l->func_base + NFT_PROBE_CHAIN, "nft_do_chain", mod, nft,
			 PRIO_CRITICAL);
	names__add_probe(l->o.names, l->func_base + NFT_PROBE_RULE, rule, mod, nft, PRIO_CRITICAL);
	names__add_probe(l->o.names, l->func_base + NFT_PROBE_HOOK, "nf_hook_slow", NULL, nf,
			 PRIO_CRITICAL);
	names__add_probe(l->o.names, l->func_base + NFT_PROBE_BRACKET, "nft:bracket", NULL, nft,
			 PRIO_CRITICAL);
	names__add_probe(l->o.names, l->func_base + NFT_PROBE_NETLINK, "nft:netlink-trace", NULL,
			 nft, PRIO_CRITICAL);
}

struct nft_loader *nft_loader__new(const struct nft_loader_opts *o)
{
	struct nft_loader *l = calloc(1, sizeof(*l));
	char err[256];

	if (!l)
		return NULL;
	l->o = *o;
	if (o->cfg && o->cfg->nft_timeout_ms)
		nft_exec__set_timeout(o->cfg->nft_timeout_ms);
	/* Without one, every run says "nft not found": what nft would have given is missing. */
	if (nft_exec__find(o->nft   ? o->nft
			   : o->cfg ? o->cfg->nft_path
				    : NULL,
			   l->nft, sizeof(l->nft), err, sizeof(err))) {
		p_warn("%s", err);
		l->nft[0] = '\0';
	}
	l->o.nft = l->nft;
	l->mode = NFT_RULES_OFF;
	/* The kernel's own trace gives the rules: probing them too would show each twice. */
	if (o->netlink_trace)
		l->o.rules = NFT_RULES_OFF;
	if (o->names)
		l->func_base = names__probe_count(o->names);
	if (o->kprobes)
		start_kprobes(l);
	else
		start_brackets(l);
	if (o->netlink_trace)
		start_netlink(l);
	if (o->names)
		name_probes(l);
	if (o->names && (l->rules = nft_ruleset__new(l->nft))) {
		names__set_rule_text(o->names, nft_ruleset__names_cb, l->rules);
		nft_ruleset__warm(l->rules, l->o.netns);
	}
	fprintf(stderr, "skbtop: nft: %s\n", l->status);
	return l;
}

int nft_loader__parse_rules(const char *word, enum nft_rules_mode *mode)
{
	static const enum nft_rules_mode modes[] = { NFT_RULES_TRACE_KEY, NFT_RULES_IMMEDIATE,
						     NFT_RULES_OFF };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(word, nft_rules__name(modes[i]))) {
			*mode = modes[i];
			return 0;
		}
	p_err("--nft-rules: '%s' is not one of trace-key, immediate, off", word);
	return -1;
}

const char *nft_loader__status(const struct nft_loader *l)
{
	return l ? l->status : "nft: off";
}

static void object_progs(const struct nft_bpf *skel, loader_prog_fn fn, void *ctx)
{
	struct bpf_program *p;

	if (!skel)
		return;
	bpf_object__for_each_program(p, skel->obj)
	{
		if (bpf_program__fd(p) >= 0)
			fn(ctx, bpf_program__fd(p));
	}
}

void nft_loader__for_each_prog(const struct nft_loader *l, loader_prog_fn fn, void *ctx)
{
	if (!l)
		return;
	object_progs(l->skel, fn, ctx);
	for (size_t i = 0; i < l->n_copies; i++)
		object_progs(l->copies[i], fn, ctx);
}

void nft_loader__detach(struct nft_loader *l)
{
	if (!l)
		return;
	/* What is read stays for the saved session; our own tables' removal is not read again. */
	if (l->rules)
		nft_ruleset__set_live(l->rules, false);
	for (size_t i = 0; i < l->n_nf_links; i++)
		close(l->nf_links[i]);
	l->n_nf_links = 0;
	for (int i = 0; i < KP_COUNT; i++) {
		bpf_link__destroy(l->links[i]);
		l->links[i] = NULL;
	}
	for (size_t i = 0; i < l->n_copies; i++)
		nft_bpf__destroy(l->copies[i]);
	l->n_copies = 0;
	nft_bpf__destroy(l->skel);
	l->skel = NULL;
	if (l->keyon)
		nft_keyon__remove(l->nft);
	l->keyon = false;
	nft_nltrace__stop(l->nl);
	l->nl = NULL;
}

struct nft_nltrace *nft_loader__nltrace(const struct nft_loader *l)
{
	return l ? l->nl : NULL;
}

void nft_loader__free(struct nft_loader *l)
{
	if (!l)
		return;
	nft_loader__detach(l);
	/* The names table may outlive us: it must not call into freed text. */
	if (l->o.names)
		names__set_rule_text(l->o.names, NULL, NULL);
	nft_ruleset__free(l->rules);
	free(l);
}

// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/kernel/kernel_btf.h"
#include "core/base/log.h"
#include "core/base/netns.h"
#include "core/base/signals.h"
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
#include "core/kernel/ksyms.h"

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

const char *const nft_loader_kprobed[] = {
	[NFT_KP_DO_CHAIN] = "nft_do_chain",
	[NFT_KP_HOOK_SLOW] = "nf_hook_slow",
	[NFT_KP_TRACE_PACKET] = "__nft_trace_packet",
	[NFT_KP_IMMEDIATE] = "nft_immediate_eval",
	NULL,
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
	/* The first bracket program, as libbpf loaded it (with nft_kfree_skb): the others are
	 * copies of its instructions. */
	struct nft_bpf *bracket_obj;
	struct bracket_copy {
		struct nft_bracket_cfg cfg;
		int fd; /* copies[0]'s is bracket_obj's */
	} copies[MAX_BRACKETS];
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

int nft_loader__ksyms(struct ksyms *given, const char *const funcs[], int n,
		      char (*out)[NFT_KSYM_LEN])
{
	struct ksyms *k = given ? given : ksyms__read("/proc/kallsyms");
	size_t count = k ? ksyms__count(k) : 0;
	int found = 0;

	for (int i = 0; i < n; i++)
		out[i][0] = '\0';
	for (size_t s = 0; s < count; s++) {
		uint64_t addr;
		const char *name = ksyms__at(k, s, &addr);

		for (int i = 0; i < n; i++) {
			size_t flen = strlen(funcs[i]);

			/* func itself, or func.isra.0 / func.constprop.0 / ... but not func_longer;
			 * the exact name wins over a renamed copy. */
			if (strncmp(name, funcs[i], flen) || (name[flen] && name[flen] != '.') ||
			    (out[i][0] && !out[i][flen]))
				continue;
			found += !out[i][0];
			snprintf(out[i], NFT_KSYM_LEN, "%s", name);
		}
	}
	if (!given)
		ksyms__free(k);
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
	    bpf_map__reuse_fd(skel->maps.data_gauges, fds->gauges) ||
	    bpf_map__reuse_fd(skel->maps.skbtop_pace, fds->pace) ||
	    bpf_map__reuse_fd(skel->maps.nf_hook_stacks, fds->hook_frames))
		return -1;
	/* reuse_fd took the shared maps' sizes. */
	skel->rodata->skbtop_ring_bytes = bpf_map__max_entries(skel->maps.skbtop_events);
	skel->rodata->skbtop_track_shift =
		loader__track_shift(bpf_map__max_entries(skel->maps.skbtop_tracked));
	return 0;
}

static bool module_btf_present(const char *module)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
	return access(path, R_OK) == 0;
}

/* sym: the function's kallsyms name, "" when the kernel has none (func names it then). */
static struct bpf_link *attach_kprobe(struct bpf_program *prog, const char *func, const char *sym,
				      bool ret)
{
	struct bpf_link *link;

	if (!sym[0]) {
		p_warn("nft: no symbol %s in this kernel", func);
		return NULL;
	}
	link = bpf_program__attach_kprobe(prog, ret, sym);
	if (!link)
		p_warn("nft: could not attach to %s: %s", sym, strerror(errno));
	return link;
}

/* prog on func: a kprobe (a kretprobe with ret), or with tramp the fentry or fexit its section
 * names. */
static struct bpf_link *attach_probe(struct bpf_program *prog, bool tramp, const char *func,
				     const char *sym, bool ret)
{
	struct bpf_link *link;

	if (!tramp)
		return attach_kprobe(prog, func, sym, ret);
	link = bpf_program__attach(prog);
	if (!link)
		p_warn("nft: could not attach %s: %s", bpf_program__section_name(prog),
		       strerror(errno));
	return link;
}

/* The kprobe path (6.1/6.12 guests and any kernel with kprobes). */
static void start_kprobes(struct nft_loader *l)
{
	const char *mod = module_btf_present("nf_tables") ? "nf_tables" : NULL;
	enum nft_rules_mode mode = l->o.rules;
	struct bpf_program *rule_prog = NULL;
	enum {
		DO_CHAIN,
		HOOK_SLOW,
		RULE_FUNC,
		N_SYMS
	};
	const char *funcs[N_SYMS] = { nft_loader_kprobed[NFT_KP_DO_CHAIN],
				      nft_loader_kprobed[NFT_KP_HOOK_SLOW],
				      nft_loader_kprobed[NFT_KP_TRACE_PACKET] };
	char sym[N_SYMS][NFT_KSYM_LEN];
	bool chain_tramp, hook_fexit, rule_tramp;
	const __typeof__(((struct nft_bpf *)0)->progs) *s; /* the skeleton's programs */
	struct bpf_program *p, *chain_in, *chain_out, *hook_out;
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
	if (mode == NFT_RULES_IMMEDIATE)
		funcs[RULE_FUNC] = nft_loader_kprobed[NFT_KP_IMMEDIATE];
	/* Creating the table loads nf_tables where it is a module; otherwise it may be absent. */
	nft_loader__ksyms(l->o.ksyms, funcs, N_SYMS, sym);
	if (!sym[DO_CHAIN][0]) {
		add_status(l, "nf_tables not loaded: no nft probes (load it and restart)");
		return;
	}
	l->skel = nft_bpf__open();
	if (!l->skel || reuse_shared(l->skel, &l->o.fds)) {
		add_status(l, "nft object could not be opened");
		return;
	}
	s = &l->skel->progs;
	l->skel->rodata->nft_func_base = l->func_base;
	/* A trampoline needs the function's BTF: nf_tables' own where it is a module. */
	chain_tramp = l->o.trampolines && nft_loader__btf_params(mod, funcs[DO_CHAIN]) == 2;
	hook_fexit = l->o.trampolines && nft_loader__btf_params(NULL, funcs[HOOK_SLOW]) >= 0;
	rule_tramp = l->o.trampolines && nft_loader__btf_params(mod, funcs[RULE_FUNC]) >= 0;
	if (mode == NFT_RULES_TRACE_KEY) {
		params = nft_loader__btf_params(mod, funcs[RULE_FUNC]);
		if (params == 5)
			rule_prog = rule_tramp ? s->nft_trace_packet_fentry : s->nft_trace_packet;
		else if (params == 3)
			rule_prog = rule_tramp ? s->nft_trace_packet_v61_fentry
					       : s->nft_trace_packet_v61;
		else
			add_status(l, "__nft_trace_packet has no known signature in BTF: no rules");
	} else if (mode == NFT_RULES_IMMEDIATE) {
		rule_prog = rule_tramp ? s->nft_immediate_fentry : s->nft_immediate;
	}
	/* Each probe has a kprobe program and a trampoline's: the chosen ones load. */
	chain_in = chain_tramp ? s->nft_chain_fentry : s->nft_chain_entry;
	chain_out = chain_tramp ? s->nft_chain_fexit : s->nft_chain_exit;
	hook_out = hook_fexit ? s->nf_hook_fexit : s->nf_hook_exit;
	struct bpf_program *chosen[] = {
		rule_prog, s->nft_kfree_skb, chain_in,
		chain_out, hook_out,	     l->o.hook_frames_kept ? NULL : s->nf_hook_entry
	};
	bpf_object__for_each_program(p, l->skel->obj)
	{
		bpf_program__set_autoload(p, false);
	}
	for (size_t i = 0; i < sizeof(chosen) / sizeof(chosen[0]); i++)
		if (chosen[i])
			bpf_program__set_autoload(chosen[i], true);
	l->mode = rule_prog ? mode : NFT_RULES_OFF;
	if (nft_bpf__load(l->skel)) {
		add_status(l, "nft programs failed to load: %s", strerror(errno));
		nft_bpf__destroy(l->skel);
		l->skel = NULL;
		return;
	}
	/* Before the main object attaches its kfree_skb: a chain's drop is reported first. */
	l->links[KP_KFREE] = bpf_program__attach(s->nft_kfree_skb);
	l->links[KP_ENTRY] =
		attach_probe(chain_in, chain_tramp, funcs[DO_CHAIN], sym[DO_CHAIN], false);
	l->links[KP_EXIT] =
		attach_probe(chain_out, chain_tramp, funcs[DO_CHAIN], sym[DO_CHAIN], true);
	/* The main object's program on nf_hook_slow keeps the frames, where it has one. */
	if (!l->o.hook_frames_kept)
		l->links[KP_HOOK_ENTRY] =
			attach_kprobe(s->nf_hook_entry, funcs[HOOK_SLOW], sym[HOOK_SLOW], false);
	l->links[KP_HOOK_EXIT] =
		attach_probe(hook_out, hook_fexit, funcs[HOOK_SLOW], sym[HOOK_SLOW], true);
	if (l->links[KP_HOOK_EXIT])
		p_debug("nft: nf_hook_slow's return probed by %s",
			hook_fexit ? "fexit (a BPF trampoline)" : "kretprobe");
	if (rule_prog)
		l->links[KP_RULE] = attach_probe(rule_prog, rule_tramp, funcs[RULE_FUNC],
						 sym[RULE_FUNC], false);
	if (!l->links[KP_ENTRY] || !l->links[KP_EXIT])
		add_status(l, "nft_do_chain could not be probed: no chain level");
	else
		add_status(l, "nft chains: %s", chain_tramp ? "fentry" : "kprobe");
	if (rule_prog && l->links[KP_RULE])
		add_status(l, "rules: %s",
			   mode == NFT_RULES_IMMEDIATE
				   ? "immediate (partial: no policy, vmap, reject)"
				   : "trace-key");
	else if (mode == NFT_RULES_OFF && !l->o.netlink_trace)
		add_status(l, "rules: off");
	else
		add_status(l, "rules: unavailable");
	if ((!l->o.hook_frames_kept && !l->links[KP_HOOK_ENTRY]) || !l->links[KP_HOOK_EXIT])
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

/*
 * The object of the first bracket, opened, with the kernel's BTF read by libbpf: setting a
 * program's target (its own) is libbpf 1.1's only way to have that read before the load, which
 * keeps it. NULL if it cannot be opened.
 */
static struct nft_bpf *open_bracket_obj(void)
{
	struct nft_bpf *skel = nft_bpf__open();

	if (skel)
		bpf_program__set_attach_target(skel->progs.nft_kfree_skb, 0, "kfree_skb");
	return skel;
}

/* A bracket object opened ahead and not used. */
static void drop_bracket_obj(struct nft_bpf *skel)
{
	if (skel)
		kernel_btf__drop_unloaded(skel->obj);
	nft_bpf__destroy(skel);
}

/* The first bracket program, loaded by libbpf on the shared maps; skel: opened ahead, or NULL. */
static int load_first_bracket(struct nft_loader *l, const struct nft_bracket_cfg *cfg,
			      struct nft_bpf *skel)
{
	struct bpf_program *p;

	if (!skel)
		skel = nft_bpf__open();
	if (!skel)
		return -1;
	if (reuse_shared(skel, &l->o.fds)) {
		nft_bpf__destroy(skel);
		return -1;
	}
	bpf_object__for_each_program(p, skel->obj)
	{
		bpf_program__set_autoload(p, p == skel->progs.nft_bracket_prog ||
						     p == skel->progs.nft_kfree_skb);
	}
	bpf_program__set_type(skel->progs.nft_bracket_prog, PROG_TYPE_NETFILTER);
	bpf_program__set_expected_attach_type(skel->progs.nft_bracket_prog, ATTACH_NETFILTER);
	skel->rodata->nft_bracket = *cfg;
	skel->rodata->nft_func_base = l->func_base;
	if (nft_bpf__load(skel)) {
		nft_bpf__destroy(skel);
		return -1;
	}
	l->bracket_obj = skel;
	return bpf_program__fd(skel->progs.nft_bracket_prog);
}

/*
 * Another bracket: the first one's instructions as the kernel took them, on a .rodata of its own
 * (frozen, so that the verifier still reads the chain's role as constants). Each object libbpf
 * loads reads the kernel's BTF again, 100 ms and more on a loaded machine, and a firewall makes a
 * dozen brackets.
 */
static int copy_bracket(const struct nft_loader *l, const struct nft_bracket_cfg *cfg)
{
	const struct nft_bpf *first = l->bracket_obj;
	const struct bpf_program *p = first->progs.nft_bracket_prog;
	size_t size = bpf_map__value_size(first->maps.rodata), n = bpf_program__insn_cnt(p);
	size_t cfg_at =
		(size_t)((const char *)&first->rodata->nft_bracket - (const char *)first->rodata);
	int old_fd = bpf_map__fd(first->maps.rodata), map_fd = -1, prog_fd = -1;
	LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = BPF_F_RDONLY_PROG);
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = ATTACH_NETFILTER);
	struct bpf_insn *insns = malloc(n * sizeof(*insns));
	char *ro = malloc(size);
	__u32 zero = 0;

	if (!insns || !ro)
		goto out;
	memcpy(ro, (const void *)first->rodata, size);
	memcpy(ro + cfg_at, cfg, sizeof(*cfg));
	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "nft_bpf.rodata", sizeof(zero), (__u32)size, 1,
				&mopts);
	if (map_fd < 0 || bpf_map_update_elem(map_fd, &zero, ro, BPF_ANY) || bpf_map_freeze(map_fd))
		goto out;
	memcpy(insns, bpf_program__insns(p), n * sizeof(*insns));
	for (size_t i = 0; i + 1 < n; i++) {
		if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if ((insns[i].src_reg == BPF_PSEUDO_MAP_VALUE ||
		     insns[i].src_reg == BPF_PSEUDO_MAP_FD) &&
		    insns[i].imm == old_fd)
			insns[i].imm = map_fd;
		i++; /* the second half of the 16-byte load */
	}
	prog_fd = bpf_prog_load(PROG_TYPE_NETFILTER, bpf_program__name(p), "GPL", insns, n, &popts);
	if (prog_fd < 0)
		p_debug("nft: bracket copy refused: %s", strerror(errno));
out:
	if (map_fd >= 0)
		close(map_fd);
	free(insns);
	free(ro);
	return prog_fd;
}

/* The base chains of the traced namespaces, one nft run per namespace. */
static int read_chains(const char *nft, uint32_t netns, struct nft_chain_def *chains)
{
	uint32_t nss[MAX_NETNS];
	int n_ns = netns__list(netns, nss, MAX_NETNS), n_chains = 0;

	for (int i = 0; i < n_ns && n_chains < MAX_BRACKETS; i++) {
		int n = nft_chains__list(nft, nss[i], chains + n_chains, MAX_BRACKETS - n_chains);

		if (n > 0)
			n_chains += n;
	}
	return n_chains;
}

/* The nft binary to run (o->nft, else the configuration's), with the configuration's timeout. */
static int find_nft(const struct nft_loader_opts *o, char *nft, size_t len, char *err,
		    size_t errlen)
{
	if (o->cfg && o->cfg->nft_timeout_ms)
		nft_exec__set_timeout(o->cfg->nft_timeout_ms);
	return nft_exec__find(o->nft   ? o->nft
			      : o->cfg ? o->cfg->nft_path
				       : NULL,
			      nft, len, err, errlen);
}

struct nft_chains_read {
	pthread_t thread;
	char nft[PATH_MAX];
	uint32_t netns;
	struct nft_chain_def chains[MAX_BRACKETS];
	int n_chains;
	struct nft_bpf *skel; /* where there are chains: the first bracket's object, opened */
	bool joined;
};

static void *chains_run(void *arg)
{
	struct nft_chains_read *r = arg;

	r->n_chains = read_chains(r->nft, r->netns, r->chains);
	/* Its BTF read too overlaps the main object's load. */
	if (r->n_chains)
		r->skel = open_bracket_obj();
	return NULL;
}

struct nft_chains_read *nft_loader__read_chains(const struct nft_loader_opts *o)
{
	struct nft_chains_read *r;
	char err[256];

	if (o->kprobes)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->netns = o->netns;
	/* No nft: nft_loader__new says so, once. */
	if (find_nft(o, r->nft, sizeof(r->nft), err, sizeof(err)) ||
	    signals__thread(&r->thread, chains_run, r)) {
		free(r);
		return NULL;
	}
	return r;
}

static void chains_wait(struct nft_chains_read *r)
{
	if (!r->joined)
		pthread_join(r->thread, NULL);
	r->joined = true;
}

void nft_loader__chains_free(struct nft_chains_read *r)
{
	if (!r)
		return;
	chains_wait(r);
	drop_bracket_obj(r->skel);
	free(r);
}

static void start_brackets(struct nft_loader *l)
{
	static struct nft_chain_def chains[MAX_BRACKETS];
	static struct bracket_slot slots[MAX_BRACKETS * 2];
	struct nft_chains_read *r = l->o.chains;
	struct nft_bpf *ahead = NULL;
	int n_chains, n_slots = 0;

	if (r) {
		n_chains = r->n_chains;
		memcpy(chains, r->chains, (size_t)n_chains * sizeof(*chains));
		ahead = r->skel;
		free(r);
		l->o.chains = NULL;
	} else {
		n_chains = read_chains(l->nft, l->o.netns, chains);
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
		struct link_req r;
		int prog = -1, fd, ns;

		for (size_t k = 0; k < l->n_copies && prog < 0; k++)
			if (!memcmp(&l->copies[k].cfg, &slots[i].cfg, sizeof(slots[i].cfg)))
				prog = l->copies[k].fd;
		if (prog < 0 && l->n_copies < MAX_BRACKETS) {
			prog = l->n_copies ? copy_bracket(l, &slots[i].cfg)
					   : load_first_bracket(l, &slots[i].cfg, ahead);
			ahead = NULL;
			if (prog >= 0)
				l->copies[l->n_copies++] =
					(struct bracket_copy){ slots[i].cfg, prog };
		}
		ns = netns__open(slots[i].netns);
		if (prog < 0 || ns < 0) {
			l->brackets_failed++;
			if (ns >= 0)
				close(ns);
			continue;
		}
		r = (struct link_req){ prog, slots[i].pf, slots[i].hook, slots[i].prio };
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
	drop_bracket_obj(ahead);
	if (l->bracket_obj &&
	    !(l->links[KP_KFREE] = bpf_program__attach(l->bracket_obj->progs.nft_kfree_skb)))
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

	if (!l) {
		nft_loader__chains_free(o->chains);
		return NULL;
	}
	l->o = *o;
	/* The read ahead runs nft too: from here on nft runs one at a time. */
	if (o->chains)
		chains_wait(o->chains);
	/* Without one, every run says "nft not found": what nft would have given is missing. */
	if (find_nft(o, l->nft, sizeof(l->nft), err, sizeof(err))) {
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
	nft_loader__chains_free(l->o.chains);
	l->o.chains = NULL;
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

bool nft_loader__hook_exits(const struct nft_loader *l)
{
	return l && l->links[KP_HOOK_EXIT];
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
	object_progs(l->bracket_obj, fn, ctx);
	for (size_t i = 1; i < l->n_copies; i++)
		fn(ctx, l->copies[i].fd);
}

void nft_loader__unlink(struct nft_loader *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_nf_links; i++)
		close(l->nf_links[i]);
	l->n_nf_links = 0;
	for (int i = 0; i < KP_COUNT; i++) {
		bpf_link__destroy(l->links[i]);
		l->links[i] = NULL;
	}
}

void nft_loader__detach(struct nft_loader *l)
{
	if (!l)
		return;
	/* What is read stays for the saved session; our own tables' removal is not read again. */
	if (l->rules)
		nft_ruleset__set_live(l->rules, false);
	nft_loader__unlink(l);
	for (size_t i = 1; i < l->n_copies; i++)
		close(l->copies[i].fd);
	l->n_copies = 0;
	nft_bpf__destroy(l->bracket_obj);
	l->bracket_obj = NULL;
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

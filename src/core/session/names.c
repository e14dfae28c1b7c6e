// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "skbtop_event.h"
#include "core/kernel/kernel_btf.h"
#include "core/base/log.h"
#include "core/kernel/ksyms.h"
#include "core/session/names.h"
#include "core/base/netns.h"
#include "core/base/decimal.h"
#include "core/base/printable.h"
#include "core/session/refresher.h"
#include "core/base/strmap.h"
#include "core/base/clock.h"

#define MAX_PROBE_ID	 (1u << 24)    /* probe ids index a table built before load */
#define MAX_PLACEHOLDERS 4096	       /* distinct unknown ids named; beyond, a shared name */
#define DENSE_REASONS	 4096	       /* core drop reasons are small integers */
#define IF_RETRY_NS	 2000000000ull /* an interface may appear after we first asked */
#define IF_SWEEP_MIN	 4096	       /* interface slots held before gone namespaces are swept */
#define MAX_WARM	 256	       /* namespaces whose interfaces are read at the start */
#define SYMS_KEPT	 64	       /* code addresses whose text is kept (drop locations) */

#define TP_NAME(cat, tp, id, type, skb_arg) [SKBTOP_TP_##id] = #cat ":" #tp,
static const char *const tp_names[SKBTOP_TP_COUNT] = { SKBTOP_TRACEPOINTS(TP_NAME) };
#undef TP_NAME

/* Names made up for values nobody named, kept so the pointers we hand out stay valid. */
struct placeholder {
	char kind; /* 'p' probe, 'r' drop reason, 'i' interface */
	uint64_t key;
	struct probe_info pi;
	char name[40];
};

struct reason {
	uint32_t value;
	char *name;
};

struct ifent {
	uint64_t key; /* netns << 32 | ifindex; 0 = empty slot */
	uint64_t tried_ns;
	bool known;
	char name[IF_NAMESIZE];
};

/* What the refresher found: a namespace's interfaces, or which namespaces are alive. */
struct if_found {
	struct if_found *next;
	uint32_t netns;
	bool sweep;
	uint32_t *live; /* sweep: the namespaces alive, sorted */
	size_t n_live, cap_live;
	size_t n;
	struct {
		uint32_t ifindex;
		char name[IF_NAMESIZE];
	} ifs[];
};

struct ksym {
	uint64_t addr;
	char *name;
};

struct rule_text {
	uint32_t netns;
	uint8_t family;
	uint64_t handle;
	char table[SKBTOP_NAME_LEN];
	char *text;
};

struct names {
	struct probe_info *probes; /* by id; name == NULL when not added */
	uint32_t n_probes, cap_probes;
	struct probe_info tps[SKBTOP_TP_COUNT];
	int unknown_layer;
	bool offline;

	struct placeholder **ph; /* each allocated alone: pointers into it are handed out */
	size_t n_ph, cap_ph;
	struct placeholder ph_shared;

	char *dense[DENSE_REASONS];
	struct reason *sparse;
	size_t n_sparse, cap_sparse;

	struct ifent *ifs;
	size_t n_ifs, cap_ifs; /* cap a power of two */
	size_t sweep_at;       /* n_ifs at which the slots of gone namespaces are dropped */
	bool sweep_asked;
	uint32_t self_netns;
	/* Interface names are read by a thread of their own, and taken in by the table's owner. */
	struct refresher *if_ref;
	bool if_ref_failed;
	pthread_mutex_t if_lock;
	struct if_found *found;

	struct ksyms *kallsyms; /* live: the kernel's, read at the start or at the first use */
	struct ksym *exact;	/* replay: symbols the file carried */
	size_t n_exact, cap_exact;
	struct strmap exact_by_addr; /* hex address -> index in exact */
	/*
	 * The text of recent code addresses, by address: a flood of drops repeats a few locations,
	 * and each would cost a lookup by name and a search of the symbols. Emptied whenever the
	 * symbols they were read from change.
	 */
	struct {
		uint64_t addr; /* 0: empty */
		char text[160];
	} syms_kept[SYMS_KEPT];

	names_rule_text_fn rule_fn;
	void *rule_ctx;
	struct rule_text *rules;
	size_t n_rules, cap_rules;
	struct strmap rules_by_key; /* rule_key() -> index in rules */
};

/* Grows *v (elements of size sz) so that index need - 1 fits. */
static int grow(void *v, size_t *cap, size_t need, size_t sz)
{
	void **p = v;
	size_t c = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * sz);
	if (!q)
		return -1;
	memset((char *)q + *cap * sz, 0, (c - *cap) * sz);
	*p = q;
	*cap = c;
	return 0;
}

struct names *names__new(void)
{
	struct names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->unknown_layer = 0;
	n->self_netns = netns__self();
	pthread_mutex_init(&n->if_lock, NULL);
	n->ph_shared.pi.name = "fn#?";
	strcpy(n->ph_shared.name, "?");
	return n;
}

static void probe_info__free(struct probe_info *p)
{
	free((char *)p->name);
	free((char *)p->module);
}

void names__free(struct names *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n_probes; i++)
		probe_info__free(&n->probes[i]);
	for (i = 0; i < SKBTOP_TP_COUNT; i++)
		probe_info__free(&n->tps[i]);
	free(n->probes);
	for (i = 0; i < n->n_ph; i++)
		free(n->ph[i]);
	free(n->ph);
	for (i = 0; i < DENSE_REASONS; i++)
		free(n->dense[i]);
	for (i = 0; i < n->n_sparse; i++)
		free(n->sparse[i].name);
	free(n->sparse);
	free(n->ifs);
	refresher__free(n->if_ref);
	while (n->found) {
		struct if_found *f = n->found;

		n->found = f->next;
		free(f->live);
		free(f);
	}
	pthread_mutex_destroy(&n->if_lock);
	ksyms__free(n->kallsyms);
	for (i = 0; i < n->n_exact; i++)
		free(n->exact[i].name);
	free(n->exact);
	strmap__free(&n->exact_by_addr);
	strmap__free(&n->rules_by_key);
	for (i = 0; i < n->n_rules; i++)
		free(n->rules[i].text);
	free(n->rules);
	free(n);
}

void names__set_unknown_layer(struct names *n, int layer)
{
	n->unknown_layer = layer;
}

void names__set_offline(struct names *n)
{
	n->offline = true;
}

/*
 * Views hold names as const; a placeholder is created on first use so that the pointer stays
 * valid for the session. Names are used by one thread (the store's), so this is safe.
 */
static struct placeholder *placeholder(const struct names *cn, char kind, uint64_t key)
{
	struct names *n = (struct names *)cn;
	struct placeholder *p;
	size_t i;

	for (i = 0; i < n->n_ph; i++)
		if (n->ph[i]->kind == kind && n->ph[i]->key == key)
			return n->ph[i];
	if (n->n_ph >= MAX_PLACEHOLDERS || grow(&n->ph, &n->cap_ph, n->n_ph + 1, sizeof(p)) ||
	    !(p = calloc(1, sizeof(*p)))) {
		n->ph_shared.pi.layer = n->unknown_layer;
		n->ph_shared.pi.prio = PRIO_UNKNOWN;
		return &n->ph_shared;
	}
	n->ph[n->n_ph++] = p;
	p->kind = kind;
	p->key = key;
	p->pi.name = p->name;
	p->pi.layer = n->unknown_layer;
	p->pi.prio = PRIO_UNKNOWN;
	return p;
}

int names__add_probe(struct names *n, uint32_t id, const char *name, const char *module, int layer,
		     enum priority prio)
{
	struct probe_info *p;
	char *nm, *mod = NULL;
	size_t cap;

	if (!name || !*name) {
		p_err("probe %" PRIu32 " has no name", id);
		return -1;
	}
	if (id & SKBTOP_TP_FLAG) {
		if ((id & ~SKBTOP_TP_FLAG) >= SKBTOP_TP_COUNT) {
			p_err("tracepoint id %" PRIu32 " out of range", id & ~SKBTOP_TP_FLAG);
			return -1;
		}
		p = &n->tps[id & ~SKBTOP_TP_FLAG];
	} else {
		if (id >= MAX_PROBE_ID) {
			p_err("probe id %" PRIu32 " too large (at most %u)", id, MAX_PROBE_ID - 1);
			return -1;
		}
		cap = n->cap_probes;
		if (grow(&n->probes, &cap, (size_t)id + 1, sizeof(*p)))
			return -ENOMEM;
		n->cap_probes = (uint32_t)cap;
		if (id >= n->n_probes)
			n->n_probes = id + 1;
		p = &n->probes[id];
	}
	nm = strdup(name);
	if (module && !(mod = strdup(module))) {
		free(nm);
		return -ENOMEM;
	}
	if (!nm)
		return -ENOMEM;
	probe_info__free(p);
	p->name = nm;
	p->name_len = strlen(nm);
	p->printable = printable__is(nm, p->name_len);
	p->module = mod;
	p->layer = layer;
	p->prio = prio;
	return 0;
}

const struct probe_info *names__probe(const struct names *n, uint32_t id)
{
	struct placeholder *ph;
	uint32_t tp = id & ~SKBTOP_TP_FLAG;

	if (!(id & SKBTOP_TP_FLAG)) {
		if (id < n->n_probes && n->probes[id].name)
			return &n->probes[id];
	} else if (tp < SKBTOP_TP_COUNT && n->tps[tp].name) {
		return &n->tps[tp];
	}
	ph = placeholder(n, 'p', id);
	if (ph != &n->ph_shared && !ph->name[0]) {
		if (!(id & SKBTOP_TP_FLAG))
			snprintf(ph->name, sizeof(ph->name), "fn#%" PRIu32, id);
		else if (tp < SKBTOP_TP_COUNT && tp_names[tp])
			snprintf(ph->name, sizeof(ph->name), "%s", tp_names[tp]);
		else
			snprintf(ph->name, sizeof(ph->name), "tp#%" PRIu32, tp);
	}
	ph->pi.layer = n->unknown_layer;
	return &ph->pi;
}

uint32_t names__probe_count(const struct names *n)
{
	return n->n_probes;
}

const char *names__tp_name(uint32_t tp)
{
	tp &= ~SKBTOP_TP_FLAG;
	return tp < SKBTOP_TP_COUNT ? tp_names[tp] : NULL;
}

int names__tp_by_name(const char *name)
{
	int i;

	for (i = 0; i < SKBTOP_TP_COUNT; i++)
		if (tp_names[i] && !strcmp(tp_names[i], name))
			return i;
	return -1;
}

/* ---- drop reasons ---- */

int names__add_drop_reason(struct names *n, uint32_t value, const char *name)
{
	char **slot = NULL;
	size_t i;

	if (!name || !*name) {
		p_err("drop reason %" PRIu32 " has no name", value);
		return -1;
	}
	if (value < DENSE_REASONS) {
		slot = &n->dense[value];
	} else {
		for (i = 0; i < n->n_sparse && !slot; i++)
			if (n->sparse[i].value == value)
				slot = &n->sparse[i].name;
		if (!slot) {
			if (grow(&n->sparse, &n->cap_sparse, n->n_sparse + 1,
				 sizeof(struct reason)))
				return -ENOMEM;
			n->sparse[n->n_sparse].value = value;
			slot = &n->sparse[n->n_sparse++].name;
		}
	}
	/* BTF can carry aliases for one value: the first name is the kernel's own. */
	if (*slot)
		return 0;
	*slot = strdup(name);
	return *slot ? 0 : -ENOMEM;
}

const char *names__drop_reason(const struct names *n, uint32_t value)
{
	struct placeholder *ph;
	size_t i;

	if (value < DENSE_REASONS) {
		if (n->dense[value])
			return n->dense[value];
	} else {
		for (i = 0; i < n->n_sparse; i++)
			if (n->sparse[i].value == value)
				return n->sparse[i].name;
	}
	ph = placeholder(n, 'r', value);
	if (ph == &n->ph_shared)
		return "reason#?";
	if (!ph->name[0])
		snprintf(ph->name, sizeof(ph->name), "reason#%" PRIu32, value);
	return ph->name;
}

int64_t names__drop_reason_value(const struct names *n, const char *name)
{
	size_t i;

	for (i = 0; i < DENSE_REASONS; i++)
		if (n->dense[i] && !strcmp(n->dense[i], name))
			return (int64_t)i;
	for (i = 0; i < n->n_sparse; i++)
		if (!strcmp(n->sparse[i].name, name))
			return n->sparse[i].value;
	return -1;
}

/* Adds every enumerator of enum type id; prefix is cut from names that carry it. */
static int add_enum(struct names *n, const struct btf *btf, const struct btf_type *t,
		    const char *prefix, bool subsys_only)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	int i, vlen = btf_vlen(t), added = 0;

	for (i = 0; i < vlen; i++) {
		const char *name;
		uint64_t v;

		if (btf_is_enum(t)) {
			name = btf__name_by_offset(btf, btf_enum(t)[i].name_off);
			v = (uint32_t)btf_enum(t)[i].val;
		} else {
			name = btf__name_by_offset(btf, btf_enum64(t)[i].name_off);
			v = btf_enum64_value(&btf_enum64(t)[i]);
		}
		if (!name || v > UINT32_MAX)
			continue;
		/* Subsystem enums also hold non-drop values (RX_CONTINUE ...) below 1 << 16. */
		if (subsys_only && !(v >> 16))
			continue;
		if (plen && !strncmp(name, prefix, plen) && name[plen])
			name += plen;
		if (names__add_drop_reason(n, (uint32_t)v, name))
			return -1;
		added++;
	}
	return added;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Per-subsystem reasons (6.4+): enums named *_drop_reason whose values carry subsys << 16. */
static int add_subsys_enums(struct names *n, const struct btf *btf, uint32_t first)
{
	uint32_t id, cnt = btf__type_cnt(btf);
	int added = 0, r;

	for (id = first; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!t || !(btf_is_enum(t) || btf_is_enum64(t)))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !ends_with(name, "_drop_reason") || !strcmp(name, "skb_drop_reason"))
			continue;
		r = add_enum(n, btf, t, NULL, true);
		if (r < 0)
			return -1;
		added += r;
	}
	return added;
}

static int find_enum(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM);

	return id > 0 ? id : btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
}

/*
 * The subsystems' enumerators name their module (SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE ->
 * mac80211, ..._OPENVSWITCH -> openvswitch); only those modules' BTF is read.
 */
static int add_module_reasons(struct names *n, struct btf *vm, const char *dir)
{
	const char *prefix = "SKB_DROP_REASON_SUBSYS_";
	const struct btf_type *t;
	int id = find_enum(vm, "skb_drop_reason_subsys"), i, added = 0;
	char seen[16][32];
	int n_seen = 0;

	if (id <= 0)
		return 0;
	t = btf__type_by_id(vm, id);
	for (i = 0; i < btf_vlen(t) && btf_is_enum(t); i++) {
		const char *e = btf__name_by_offset(vm, btf_enum(t)[i].name_off);
		char mod[32], path[600];
		struct btf *mb;
		size_t k;
		int j, r;

		if (!e || strncmp(e, prefix, strlen(prefix)))
			continue;
		e += strlen(prefix);
		for (k = 0; e[k] && e[k] != '_' && k < sizeof(mod) - 1; k++)
			mod[k] = (char)tolower((unsigned char)e[k]);
		mod[k] = '\0';
		for (j = 0; j < n_seen && strcmp(seen[j], mod); j++)
			;
		if (j < n_seen || n_seen == 16)
			continue;
		strcpy(seen[n_seen++], mod);
		snprintf(path, sizeof(path), "%s/%s", dir, mod);
		if (access(path, R_OK))
			continue;
		mb = btf__parse_split(path, vm);
		if (!mb) {
			p_warn("%s: cannot read module BTF: %s", path, strerror(errno));
			continue;
		}
		r = add_subsys_enums(n, mb, btf__type_cnt(vm));
		btf__free(mb);
		if (r < 0)
			return -1;
		added += r;
	}
	return added;
}

int names__load_drop_reasons(struct names *n, const char *btf_path)
{
	const char *path = btf_path ? btf_path : KERNEL_BTF_DIR "/vmlinux";
	char dir[512], *slash;
	struct btf *vm;
	bool owned;
	int id, added, r;

	vm = kernel_btf__open(path, &owned);
	if (!vm) {
		char msg[128];

		libbpf_strerror(errno, msg, sizeof(msg));
		p_err("%s: cannot read BTF: %s", path, msg);
		return -1;
	}
	id = find_enum(vm, "skb_drop_reason");
	if (id <= 0) {
		if (owned)
			btf__free(vm);
		p_warn("%s: no enum skb_drop_reason (kernel before 5.17?): drop reasons shown as "
		       "numbers",
		       path);
		return 0;
	}
	added = add_enum(n, vm, btf__type_by_id(vm, id), "SKB_DROP_REASON_", false);
	if (added >= 0) {
		r = add_subsys_enums(n, vm, 1);
		added = r < 0 ? -1 : added + r;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (added >= 0 && slash) {
		*slash = '\0';
		r = add_module_reasons(n, vm, dir);
		added = r < 0 ? -1 : added + r;
	}
	if (owned)
		btf__free(vm);
	return added;
}

/* ---- interfaces ---- */

static uint64_t if_key(uint32_t netns, uint32_t ifindex)
{
	return (uint64_t)netns << 32 | ifindex;
}

static size_t if_hash(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

/* The entry for key, created empty when missing (key 0 is never stored: ifindex 0 has no name). */
static struct ifent *if_slot(struct names *n, uint64_t key)
{
	size_t i;

	if ((n->n_ifs + 1) * 2 > n->cap_ifs) {
		size_t cap = n->cap_ifs ? n->cap_ifs * 2 : 64;
		struct ifent *old = n->ifs, *v = calloc(cap, sizeof(*v));
		size_t j, old_cap = n->cap_ifs;

		if (!v)
			return NULL;
		for (j = 0; j < old_cap; j++) {
			if (!old[j].key)
				continue;
			for (i = if_hash(old[j].key, cap); v[i].key; i = (i + 1) & (cap - 1))
				;
			v[i] = old[j];
		}
		free(old);
		n->ifs = v;
		n->cap_ifs = cap;
	}
	for (i = if_hash(key, n->cap_ifs); n->ifs[i].key; i = (i + 1) & (n->cap_ifs - 1))
		if (n->ifs[i].key == key)
			return &n->ifs[i];
	n->ifs[i].key = key;
	n->n_ifs++;
	return &n->ifs[i];
}

int names__set_ifname(struct names *n, uint32_t netns, uint32_t ifindex, const char *name)
{
	struct ifent *e;

	if (!ifindex) {
		p_err("interface index 0 cannot be named");
		return -1;
	}
	if (!name || !*name || strlen(name) >= IF_NAMESIZE) {
		p_err("interface %" PRIu32 ": bad name '%s'", ifindex, name ? name : "");
		return -1;
	}
	e = if_slot(n, if_key(netns, ifindex));
	if (!e)
		return -ENOMEM;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->known = true;
	return 0;
}

#define SWEEP_KEY UINT64_MAX

static void post(struct names *n, struct if_found *f)
{
	pthread_mutex_lock(&n->if_lock);
	f->next = n->found;
	__atomic_store_n(&n->found, f, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&n->if_lock);
}

/* Reads the interfaces of this thread's namespace; NULL when they cannot be read. */
static struct if_found *read_ifs(void)
{
	struct if_nameindex *ifs = if_nameindex(), *p;
	struct if_found *f;
	size_t count = 0;

	if (!ifs)
		return NULL;
	for (p = ifs; p->if_index; p++)
		count++;
	f = calloc(1, sizeof(*f) + count * sizeof(f->ifs[0]));
	for (p = ifs; f && p->if_index; p++) {
		if (strlen(p->if_name) >= IF_NAMESIZE)
			continue;
		f->ifs[f->n].ifindex = p->if_index;
		snprintf(f->ifs[f->n++].name, IF_NAMESIZE, "%s", p->if_name);
	}
	if_freenameindex(ifs);
	return f;
}

static int read_ifs_into(void *arg)
{
	struct if_found **f = arg;

	*f = read_ifs();
	return *f ? 0 : -1;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int add_alive(const char *path, uint32_t inum, void *ctx)
{
	struct if_found *f = ctx;

	(void)path;
	if (grow(&f->live, &f->cap_live, f->n_live + 1, sizeof(*f->live)))
		return -1;
	f->live[f->n_live++] = inum;
	return 0;
}

/* The namespaces a mount or a process holds, sorted; NULL on failure. */
static struct if_found *read_alive(void)
{
	struct if_found *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (netns__each(add_alive, f)) {
		free(f->live);
		free(f);
		return NULL;
	}
	f->sweep = true;
	qsort(f->live, f->n_live, sizeof(*f->live), u32_cmp);
	return f;
}

/* The refresher's work: the walks of /proc and the visits to other namespaces happen here. */
static void if_work(void *ctx, uint64_t key)
{
	struct names *n = ctx;
	uint32_t netns = (uint32_t)key;
	struct if_found *f = NULL;
	int fd;

	if (key == SWEEP_KEY) {
		f = read_alive();
	} else if (!netns || netns == n->self_netns) {
		f = read_ifs();
	} else if ((fd = netns__open(netns)) >= 0) {
		if (netns__call(fd, read_ifs_into, &f))
			p_debug("netns %" PRIu32 ": %s", netns, strerror(errno));
		close(fd);
	}
	if (!f)
		return;
	f->netns = netns;
	post(n, f);
}

/* Asks the refresher for key, starting it on first use; false when it cannot run. */
static bool if_ask(struct names *n, uint64_t key)
{
	if (!n->if_ref && !n->if_ref_failed) {
		n->if_ref = refresher__new(if_work, n);
		if (!n->if_ref) {
			n->if_ref_failed = true;
			p_warn("cannot start the thread that reads interface names: shown as if#N");
		}
	}
	if (n->if_ref)
		refresher__ask(n->if_ref, key);
	return n->if_ref;
}

/*
 * Interface names and namespace paths are kept per namespace: on a host where containers come and
 * go they would pile up. Past sweep_at slots, those of namespaces nobody holds any more go.
 */
static void sweep_gone_netns(struct names *n, const uint32_t *live, size_t n_live)
{
	struct ifent *old = n->ifs;
	size_t old_cap = n->cap_ifs, i;

	n->ifs = NULL;
	n->n_ifs = n->cap_ifs = 0;
	for (i = 0; i < old_cap; i++) {
		uint32_t ns = (uint32_t)(old[i].key >> 32);
		struct ifent *e;

		if (!old[i].key || (ns && ns != n->self_netns &&
				    !bsearch(&ns, live, n_live, sizeof(*live), u32_cmp)))
			continue;
		e = if_slot(n, old[i].key);
		if (e)
			*e = old[i];
	}
	free(old);
	n->sweep_at = n->n_ifs * 2 > IF_SWEEP_MIN ? n->n_ifs * 2 : IF_SWEEP_MIN;
	n->sweep_asked = false;
}

/* Takes in what the refresher found (on the thread that owns the table). */
static void take_found(struct names *n)
{
	struct if_found *f, *next;

	/* Asked at every line of the stream: a look without the lock while nothing came. */
	if (!__atomic_load_n(&n->found, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&n->if_lock);
	f = n->found;
	__atomic_store_n(&n->found, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&n->if_lock);
	for (; f; f = next) {
		next = f->next;
		if (f->sweep)
			sweep_gone_netns(n, f->live, f->n_live);
		for (size_t i = 0; !f->sweep && i < f->n; i++) {
			struct ifent *e = if_slot(n, if_key(f->netns, f->ifs[i].ifindex));

			if (e) {
				memcpy(e->name, f->ifs[i].name, IF_NAMESIZE);
				e->known = true;
			}
		}
		free(f->live);
		free(f);
	}
}

void names__warm(struct names *n, uint32_t want)
{
	uint32_t nss[MAX_WARM];
	int count = netns__watched(want, nss, MAX_WARM);

	for (int i = 0; i < count && !n->offline; i++)
		if_ask(n, nss[i]);
}

void names__wait(struct names *n)
{
	if (n->if_ref)
		refresher__wait(n->if_ref);
}

size_t names__ifname_slots(const struct names *n)
{
	return n->n_ifs;
}

const char *names__ifname(struct names *n, uint32_t netns, uint32_t ifindex)
{
	struct ifent *e;
	struct placeholder *ph;

	if (!ifindex)
		return "";
	if (!n->offline && n->if_ref)
		take_found(n);
	if (!n->offline && !n->sweep_asked &&
	    n->n_ifs >= (n->sweep_at ? n->sweep_at : IF_SWEEP_MIN))
		n->sweep_asked = if_ask(n, SWEEP_KEY);
	e = if_slot(n, if_key(netns, ifindex));
	if (e && !e->known && !n->offline) {
		uint64_t now = clock__ns();

		if (!e->tried_ns || now - e->tried_ns > IF_RETRY_NS) {
			e->tried_ns = now;
			if_ask(n, netns);
		}
	}
	if (e && e->known)
		return e->name;
	ph = placeholder(n, 'i', ifindex);
	if (ph == &n->ph_shared)
		return "if#?";
	if (!ph->name[0])
		snprintf(ph->name, sizeof(ph->name), "if#%" PRIu32, ifindex);
	return ph->name;
}

/* ---- kernel symbols ---- */

static void forget_syms(struct names *n)
{
	for (size_t i = 0; i < SYMS_KEPT; i++)
		n->syms_kept[i].addr = 0;
}

void names__read_kallsyms(struct names *n)
{
	if (n->offline)
		return;
	forget_syms(n);
	ksyms__free(n->kallsyms);
	n->kallsyms = ksyms__read("/proc/kallsyms");
}

void names__wait_kallsyms(struct names *n)
{
	if (n->kallsyms)
		ksyms__wait(n->kallsyms);
}

struct ksyms *names__kallsyms(struct names *n)
{
	return n->kallsyms;
}

int names__load_kallsyms(struct names *n, const char *path)
{
	const char *p = path ? path : "/proc/kallsyms";
	int err;

	forget_syms(n);
	ksyms__free(n->kallsyms);
	n->kallsyms = ksyms__read(p);
	if (!n->kallsyms) {
		p_err("out of memory");
		return -1;
	}
	err = ksyms__wait(n->kallsyms);
	if (err) {
		p_err("%s: %s", p, strerror(err));
		return -1;
	}
	return 0;
}

static void addr_key(char *key, size_t len, uint64_t addr)
{
	snprintf(key, len, "%" PRIx64, addr);
}

int names__add_sym(struct names *n, uint64_t addr, const char *sym)
{
	char key[24];
	uint64_t i;

	if (!sym || !*sym) {
		p_err("symbol at 0x%" PRIx64 " has no name", addr);
		return -1;
	}
	addr_key(key, sizeof(key), addr);
	if (!strmap__get(&n->exact_by_addr, key, &i))
		return 0;
	forget_syms(n);
	if (grow(&n->exact, &n->cap_exact, n->n_exact + 1, sizeof(struct ksym)))
		return -ENOMEM;
	n->exact[n->n_exact].addr = addr;
	n->exact[n->n_exact].name = strdup(sym);
	if (!n->exact[n->n_exact].name || strmap__put(&n->exact_by_addr, key, n->n_exact))
		return -ENOMEM;
	n->n_exact++;
	return 0;
}

static void sym_text(struct names *n, uint64_t addr, char *buf, size_t len)
{
	const char *sym;
	char key[24];
	uint64_t i, off;

	addr_key(key, sizeof(key), addr);
	if (!strmap__get(&n->exact_by_addr, key, &i)) {
		snprintf(buf, len, "%s", n->exact[i].name);
		return;
	}
	/* Without kallsyms we print addresses: not an error worth reporting. */
	if (addr && !n->kallsyms)
		names__read_kallsyms(n);
	sym = n->kallsyms ? ksyms__find(n->kallsyms, addr, &off) : NULL;
	if (sym)
		snprintf(buf, len, "%s+0x%" PRIx64, sym, off);
	else
		snprintf(buf, len, "0x%" PRIx64, addr);
}

const char *names__sym(struct names *n, uint64_t addr, char *buf, size_t len)
{
	size_t k = (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 58) % SYMS_KEPT, cut;

	if (!len)
		return buf;
	if (!addr || n->syms_kept[k].addr != addr) {
		sym_text(n, addr, n->syms_kept[k].text, sizeof(n->syms_kept[k].text));
		n->syms_kept[k].addr = addr;
	}
	cut = strnlen(n->syms_kept[k].text, len - 1);
	memcpy(buf, n->syms_kept[k].text, cut);
	buf[cut] = '\0';
	return buf;
}

/* ---- nft rule text ---- */

void names__set_rule_text(struct names *n, names_rule_text_fn fn, void *ctx)
{
	n->rule_fn = fn;
	n->rule_ctx = ctx;
}

/* Tables are known by their first SKBTOP_NAME_LEN - 1 characters, as the events carry them. */
/* "netns\tfamily\thandle\ttable": three numbers, three tabs, the table's name and a NUL. */
#define RULE_KEY_LEN (10 + 3 + DECIMAL_U64_MAX + 3 + SKBTOP_NAME_LEN)

/* Without printf: a stream looks a rule's text up at every rule an event names. */
static void rule_key(char key[RULE_KEY_LEN], uint32_t netns, uint8_t family, const char *table,
		     uint64_t handle)
{
	const uint64_t parts[] = { netns, family, handle };
	char d[DECIMAL_U64_MAX], *end = d + sizeof(d), *p;
	size_t o = 0, n;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		p = decimal__u64(end, parts[i]);
		memcpy(key + o, p, (size_t)(end - p));
		o += (size_t)(end - p);
		key[o++] = '\t';
	}
	n = strnlen(table, SKBTOP_NAME_LEN - 1);
	memcpy(key + o, table, n);
	key[o + n] = '\0';
}

static struct rule_text *rule_find(struct names *n, const char *key)
{
	uint64_t i;

	return strmap__get(&n->rules_by_key, key, &i) ? NULL : &n->rules[i];
}

int names__add_rule_text(struct names *n, uint32_t netns, uint8_t family, const char *table,
			 uint64_t handle, const char *text)
{
	char key[RULE_KEY_LEN];
	struct rule_text *r;
	char *t;

	if (!table || !text) {
		p_err("rule %" PRIu64 ": table and text are needed", handle);
		return -1;
	}
	t = strdup(text);
	if (!t)
		return -ENOMEM;
	rule_key(key, netns, family, table, handle);
	r = rule_find(n, key);
	if (!r) {
		if (grow(&n->rules, &n->cap_rules, n->n_rules + 1, sizeof(*r)) ||
		    strmap__put(&n->rules_by_key, key, n->n_rules)) {
			free(t);
			return -ENOMEM;
		}
		r = &n->rules[n->n_rules++];
		r->netns = netns;
		r->family = family;
		r->handle = handle;
		snprintf(r->table, sizeof(r->table), "%s", table);
	}
	free(r->text);
	r->text = t;
	return 0;
}

const char *names__rule_text(struct names *n, uint32_t netns, uint8_t family, const char *table,
			     uint64_t handle)
{
	char key[RULE_KEY_LEN];
	struct rule_text *r;

	rule_key(key, netns, family, table, handle);
	r = rule_find(n, key);
	if (r)
		return r->text;
	if (n->rule_fn)
		return n->rule_fn(n->rule_ctx, netns, family, table, handle);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * open -> rodata and map sizes -> load -> attach, for one of four backends:
 *   kprobe.multi  two links over explicit lists of symbols, the probe ids as cookies: functions
 *                 whose first argument is the skb and that end none, whose program reads the
 *                 cookie only for an skb it follows, and the rest; a list the kernel refuses is
 *                 split in halves until the culprits are alone, so one untraceable symbol does
 *                 not cost the others; a function other kprobes of skbtop's are on gets a kprobe
 *                 (func_kprobed);
 *   kprobe        one link per function, the probe id as cookie;
 *   fentry        one program per function: the object's program for a position is verified
 *                 against one function, and copies of its final instructions are loaded for the
 *                 others with their own attach_btf_id; the id comes from the function's address;
 *   tracepoint    only the path tracepoints, which every backend attaches too.
 */
#include "core/kernel/ksyms.h"
#include "core/kernel/loader.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/filter/filter_load.h"
#include "core/kernel/kernel_btf.h"
#include "core/base/log.h"
#include "core/base/signals.h"
#include "skbtop.skel.h"
#include "core/base/clock.h"

#define MAX_POS	       5
#define DETACH_THREADS 16

/* The kinds of kprobe program (skbtop__kprobe): their name suffixes, in this order. */
enum kprobe_kind {
	KPROBE_PLAIN,
	KPROBE_JUDGE,
	KPROBE_END,
	N_KPROBE_KINDS
};
static const char *const kprobe_kind_suffix[N_KPROBE_KINDS] = { "", "_judge", "_end" };

#define TP_DEF(cat, tp, id, type, skb_arg) { SKBTOP_TP_##id, #tp, skb_arg },
static const struct tp_def {
	uint32_t id;
	const char *name; /* the tracepoint's name without its category */
	int skb_arg;	  /* index of the struct sk_buff * among the tracepoint's arguments */
} tp_defs[] = { SKBTOP_TRACEPOINTS(TP_DEF) };
#undef TP_DEF

#define N_TP (sizeof(tp_defs) / sizeof(tp_defs[0]))

const char *const loader_end_funcs[] = {
	"kfree_skbmem",	     "napi_skb_cache_put", "__kfree_skb",
	"kfree_skb_partial", "__napi_kfree_skb",   NULL,
};

const char *const loader_clone_funcs[] = {
	"skb_clone", "skb_copy", "__pskb_copy_fclone", "skb_copy_expand", NULL,
};

struct module_btf {
	char *name;
	struct btf *btf;
	int fd;
};

struct loader {
	struct skbtop_bpf *skel;
	struct loader_opts o;
	struct btf *vmlinux;
	struct module_btf *mods;
	size_t n_mods;
	struct bpf_program *func_prog[MAX_POS + 1]; /* fentry: by the skb's argument */
	/* kprobe.multi or kprobe: by the skb's argument and the function's kind */
	struct bpf_program *kprobe_prog[MAX_POS + 1][N_KPROBE_KINDS];
	/* kprobe, for the functions kprobes probe anyway (func_kprobed) */
	struct bpf_program *kprobe_single[MAX_POS + 1][N_KPROBE_KINDS];
	struct bpf_program *hook_entry_prog; /* o.hook_entry's (func_hook_entry) */
	bool keeps_hook_frames;
	struct bpf_program *tp_prog[N_TP];
	struct bpf_program *clone_entry, *clone_exit; /* NULL when clones are not linked */
	/* fentry: the function each position's program was verified against (index into funcs) */
	long template[MAX_POS + 1];
	struct bpf_link **links;
	size_t n_links, cap_links;
	int *fds; /* fentry copies' links */
	size_t n_fds, cap_fds;
	struct loader_stats st;
};

/* libbpf's words, a line each: a verifier log is thousands of lines in one message. */
static int libbpf_to_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg, *line, *save = NULL;

	if (level == LIBBPF_DEBUG || log_verbosity < 2)
		return 0;
	if (vasprintf(&msg, fmt, ap) < 0)
		return 0;
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		p_debug("libbpf: %s", line);
	free(msg);
	return 0;
}

static void raise_fd_limit(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id, uint32_t *out_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (out_id)
		*out_id = id;
	return t;
}

static bool is_skb_ptr(const struct btf *btf, uint32_t type_id)
{
	const struct btf_type *t = skip_mods(btf, type_id, NULL);

	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods(btf, t->type, NULL);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "sk_buff");
}

/* The tracepoint's prototype has a struct sk_buff * at argument idx (after the hidden ctx). */
static int tp_arg_check(const struct btf *btf, const char *tp, int idx)
{
	const struct btf_type *t;
	char name[128];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ENOENT;
	t = skip_mods(btf, id, NULL);
	if (!t || !btf_is_ptr(t))
		return -EINVAL;
	t = skip_mods(btf, t->type, NULL);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) <= idx + 1)
		return -EINVAL;
	return is_skb_ptr(btf, btf_params(t)[idx + 1].type) ? 0 : -EINVAL;
}

/* Trampolines take up to 6 arguments, each at most 8 bytes and not a struct. */
static bool fentry_proto_ok(const struct btf *btf, uint32_t func_id, int pos)
{
	const struct btf_type *t = btf__type_by_id(btf, func_id);
	const struct btf_param *p;

	if (!t || !btf_is_func(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) > 6 || btf_vlen(t) < pos)
		return false;
	p = btf_params(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *a = skip_mods(btf, p[i].type, NULL);

		if (!a || btf_is_composite(a) ||
		    (!btf_is_ptr(a) && !btf_is_int(a) && !btf_is_enum(a) && !btf_is_enum64(a)))
			return false;
	}
	return is_skb_ptr(btf, p[pos - 1].type);
}

static int module_btf_fd(const char *name)
{
	__u32 id = 0;

	while (!bpf_btf_get_next_id(id, &id)) {
		struct bpf_btf_info info = {};
		__u32 len = sizeof(info);
		char buf[64] = "";
		int fd = bpf_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		info.name = (__u64)(unsigned long)buf;
		info.name_len = sizeof(buf);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.kernel_btf &&
		    !strcmp(buf, name))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* The BTF holding func (vmlinux or its module's) and the fd of that BTF object (0 = vmlinux). */
static struct btf *func_btf(struct loader *l, const char *module, int *obj_fd)
{
	struct module_btf *m;

	*obj_fd = 0;
	if (!module)
		return l->vmlinux;
	for (size_t i = 0; i < l->n_mods; i++) {
		if (!strcmp(l->mods[i].name, module)) {
			*obj_fd = l->mods[i].fd;
			return l->mods[i].btf;
		}
	}
	m = realloc(l->mods, (l->n_mods + 1) * sizeof(*m));
	if (!m)
		return NULL;
	l->mods = m;
	m = &l->mods[l->n_mods++];
	m->name = strdup(module);
	m->btf = l->vmlinux ? btf__load_module_btf(module, l->vmlinux) : NULL;
	m->fd = m->btf ? module_btf_fd(module) : -1;
	if (m->fd < 0) {
		btf__free(m->btf);
		m->btf = NULL;
	}
	*obj_fd = m->fd;
	return m->btf;
}

static int func_btf_id(struct loader *l, const struct loader_func *f, int *obj_fd)
{
	struct btf *btf = func_btf(l, f->module, obj_fd);
	int id;

	if (!btf)
		return -ENOENT;
	id = f->btf_id ? (int)f->btf_id : btf__find_by_name_kind(btf, f->name, BTF_KIND_FUNC);
	if (id <= 0 || !fentry_proto_ok(btf, id, f->param_pos))
		return -EINVAL;
	return id;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; name && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* The kind of f's kprobe program (skbtop_kmulti_at<pos><kind>, skbtop_kprobe_at<pos><kind>). */
static enum kprobe_kind kprobe_kind(const struct loader_func *f)
{
	return in_list(loader_end_funcs, f->name) ? KPROBE_END
	       : f->judge			  ? KPROBE_JUDGE
						  : KPROBE_PLAIN;
}

/*
 * Whether f gets a kprobe rather than a place on a kprobe.multi link: a kprobe of skbtop's is on
 * it anyway (struct loader_opts, kprobed), and the kprobes at one address share one ftrace user.
 */
static bool func_kprobed(const struct loader *l, const struct loader_func *f)
{
	return l->o.backend == BACKEND_KPROBE_MULTI &&
	       (in_list(loader_clone_funcs, f->name) ||
		(l->o.kprobed && in_list(l->o.kprobed, f->name)));
}

/*
 * Whether f is nf_hook_slow as skbtop_kprobe_nf_hook expects it: a judge, the skb its first
 * argument, and by kprobe.
 */
static bool func_hook_entry(const struct loader *l, const struct loader_func *f)
{
	return l->o.hook_entry && !strcmp(f->name, l->o.hook_entry) && f->param_pos == 1 &&
	       kprobe_kind(f) == KPROBE_JUDGE &&
	       (l->o.backend == BACKEND_KPROBE || func_kprobed(l, f));
}

/*
 * The kprobe program that serves f: one by the skb's argument and kind, so that it knows both
 * without the cookie (see skbtop__kprobe). On kprobe.multi, one link per program.
 */
static struct bpf_program *func_kprobe_prog(const struct loader *l, const struct loader_func *f)
{
	if (func_hook_entry(l, f))
		return l->hook_entry_prog;
	return (func_kprobed(l, f) ? l->kprobe_single
				   : l->kprobe_prog)[f->param_pos][kprobe_kind(f)];
}

static bool func_usable(const struct loader_func *f)
{
	return f->name && f->param_pos >= 1 && f->param_pos <= MAX_POS;
}

static const char *prog_name(char *buf, size_t len, const char *kind, int pos)
{
	snprintf(buf, len, "skbtop_%s%d", kind, pos);
	return buf;
}

/* The kernel can make a BTF pointer untrusted: reads through it are still plain loads. */
static bool has_rdonly_cast(const struct loader *l)
{
	return l->vmlinux &&
	       btf__find_by_name_kind(l->vmlinux, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
}

static int prepare_funcs(struct loader *l, char *err, size_t errlen)
{
	struct bpf_object *obj = l->skel->obj;
	char name[64];

	/* Where the kernel has bpf_rdonly_cast, the kprobes that read the skb by plain loads. */
	bool cast = has_rdonly_cast(l);
	const char *kprobe = l->o.backend == BACKEND_KPROBE ? "kprobe" : "kmulti";

	if (l->o.backend == BACKEND_KPROBE_MULTI || l->o.backend == BACKEND_KPROBE)
		p_debug("kprobes read the sk_buff %s", cast ? "by plain loads (bpf_rdonly_cast)"
							    : "by bpf_probe_read_kernel copies");
	for (int pos = 1; pos <= MAX_POS; pos++) {
		struct bpf_program *fentry = bpf_object__find_program_by_name(
			obj, prog_name(name, sizeof(name), "fentry", pos));

		if (!fentry) {
			snprintf(err, errlen, "BPF object has no program %s", name);
			return -1;
		}
		bpf_program__set_autoload(fentry, false);
		for (int kind = 0; kind < N_KPROBE_KINDS; kind++) {
			for (int c = 0; c < 4; c++) {
				const char *sec = c & 2 ? "kprobe" : "kmulti";
				struct bpf_program *p;

				snprintf(name, sizeof(name), "skbtop_%s_at%d%s%s", sec, pos,
					 kprobe_kind_suffix[kind], c & 1 ? "_cast" : "");
				p = bpf_object__find_program_by_name(obj, name);
				if (!p) {
					snprintf(err, errlen, "BPF object has no program %s", name);
					return -1;
				}
				bpf_program__set_autoload(p, false);
				if ((c & 1) != cast)
					continue;
				if (!strcmp(sec, kprobe))
					l->kprobe_prog[pos][kind] = p;
				if (!strcmp(sec, "kprobe"))
					l->kprobe_single[pos][kind] = p;
			}
		}
		if (l->o.backend == BACKEND_FENTRY)
			l->func_prog[pos] = fentry;
	}
	for (int c = 0; c < 2; c++) {
		struct bpf_program *p = bpf_object__find_program_by_name(
			obj, c ? "skbtop_kprobe_nf_hook_cast" : "skbtop_kprobe_nf_hook");

		if (!p) {
			snprintf(err, errlen, "BPF object has no program skbtop_kprobe_nf_hook");
			return -1;
		}
		bpf_program__set_autoload(p, false);
		if (c == cast)
			l->hook_entry_prog = p;
	}
	if (l->o.backend == BACKEND_TRACEPOINT)
		return 0;

	for (int pos = 1; pos <= MAX_POS; pos++)
		l->template[pos] = -1;
	for (size_t i = 0; i < l->o.n_funcs; i++) {
		const struct loader_func *f = &l->o.funcs[i];
		int fd;

		if (!func_usable(f))
			continue;
		if (l->o.backend != BACKEND_FENTRY) {
			bpf_program__set_autoload(func_kprobe_prog(l, f), true);
			l->keeps_hook_frames = l->keeps_hook_frames || func_hook_entry(l, f);
			continue;
		}
		if (l->template[f->param_pos] >= 0 || f->module || func_btf_id(l, f, &fd) < 0)
			continue;
		if (bpf_program__set_attach_target(l->func_prog[f->param_pos], 0, f->name))
			continue;
		bpf_program__set_autoload(l->func_prog[f->param_pos], true);
		l->template[f->param_pos] = (long)i;
	}
	if (l->o.backend == BACKEND_FENTRY)
		bpf_map__set_max_entries(l->skel->maps.skbtop_ip2id,
					 l->o.n_funcs ? 2 * l->o.n_funcs : 1);
	if (l->o.backend == BACKEND_KPROBE_MULTI) {
		__u32 slots = 1;

		/* At most a quarter full, so that a search rarely goes past its first slots. */
		while (slots < 4 * l->o.n_funcs && slots < (1u << 20))
			slots *= 2;
		bpf_map__set_max_entries(l->skel->maps.skbtop_kmulti_ids, slots);
		l->skel->rodata->skbtop_kmulti_mask = slots - 1;
	}
	return 0;
}

/* Clone links need a return probe: kprobes, whatever backend traces the functions. */
static void prepare_clones(struct loader *l)
{
	struct bpf_program *entry, *exit;
	bool want = false;

	entry = bpf_object__find_program_by_name(l->skel->obj, "skbtop_clone_entry");
	exit = bpf_object__find_program_by_name(l->skel->obj, "skbtop_clone_exit");
	if (!entry || !exit)
		return;
	for (size_t i = 0; i < l->o.n_funcs && !want; i++)
		want = in_list(loader_clone_funcs, l->o.funcs[i].name);
	want = want && l->o.backend != BACKEND_TRACEPOINT &&
	       !access("/sys/bus/event_source/devices/kprobe/type", F_OK);
	bpf_program__set_autoload(entry, want);
	bpf_program__set_autoload(exit, want);
	if (want) {
		l->clone_entry = entry;
		l->clone_exit = exit;
	}
}

static void prepare_tps(struct loader *l)
{
	/* Where it can be, the raw_tp variant with the skb cast untrusted (skbtop.bpf.c says why).
	 */
	bool cast = has_rdonly_cast(l);
	char name[96];

	for (size_t i = 0; i < N_TP; i++) {
		struct bpf_program *tpb, *tpc, *raw;

		snprintf(name, sizeof(name), "skbtop_tpb_%s", tp_defs[i].name);
		tpb = bpf_object__find_program_by_name(l->skel->obj, name);
		snprintf(name, sizeof(name), "skbtop_tpc_%s", tp_defs[i].name);
		tpc = bpf_object__find_program_by_name(l->skel->obj, name);
		snprintf(name, sizeof(name), "skbtop_raw_%s", tp_defs[i].name);
		raw = bpf_object__find_program_by_name(l->skel->obj, name);
		if (!tpb || !tpc || !raw) {
			l->st.tp_skipped++;
			continue;
		}
		bpf_program__set_autoload(tpb, false);
		bpf_program__set_autoload(tpc, false);
		bpf_program__set_autoload(raw, false);
		if (cast)
			tpb = tpc;
		if (!l->vmlinux) {
			/* No BTF to check the prototype: the kernel checks the arity at attach. */
			bpf_program__set_autoload(raw, true);
			l->tp_prog[i] = raw;
		} else if (!tp_arg_check(l->vmlinux, tp_defs[i].name, tp_defs[i].skb_arg)) {
			bpf_program__set_autoload(tpb, true);
			l->tp_prog[i] = tpb;
		} else {
			p_debug("tracepoint %s: not in this kernel with an skb at argument %d",
				tp_defs[i].name, tp_defs[i].skb_arg);
			l->st.tp_skipped++;
		}
	}
}

/* The tracking table's slots for trace.track_max: a power of two of sets of SKBTOP_TRACK_WAYS. */
static uint32_t track_slots(uint32_t track_max)
{
	uint32_t slots = 2 * SKBTOP_TRACK_WAYS;

	while (slots < track_max && slots < (1u << 31))
		slots <<= 1;
	return slots;
}

uint32_t loader__track_shift(uint32_t slots)
{
	uint32_t shift = 64;

	for (uint32_t sets = slots / SKBTOP_TRACK_WAYS; sets > 1; sets >>= 1)
		shift--;
	return shift;
}

static uint32_t ringbuf_bytes(uint32_t kb)
{
	uint64_t want = (uint64_t)kb * 1024, size = (uint64_t)sysconf(_SC_PAGESIZE);

	while (size < want && size < (1u << 30))
		size <<= 1;
	if (size != want)
		p_warn("ring buffer of %u KiB: the kernel wants a power-of-two number of pages, "
		       "using "
		       "%" PRIu64 " KiB",
		       kb, size / 1024);
	return (uint32_t)size;
}

struct loader_preopen {
	pthread_t thread;
	struct skbtop_bpf *skel;
	int err; /* errno of a failed open */
};

static void *preopen_run(void *arg)
{
	struct loader_preopen *p = arg;
	struct bpf_program *prog;
	char name[96];

	p->skel = skbtop_bpf__open();
	if (!p->skel) {
		p->err = errno;
		return NULL;
	}
	/* Setting a program's target is what makes libbpf read the kernel's BTF before the load,
	 * and keep it for the load. The target is the one the program's section names already;
	 * one the kernel lacks changes nothing (prepare_tps leaves that program out). */
	snprintf(name, sizeof(name), "skbtop_tpb_%s", tp_defs[0].name);
	prog = bpf_object__find_program_by_name(p->skel->obj, name);
	if (prog)
		bpf_program__set_attach_target(prog, 0, tp_defs[0].name);
	return NULL;
}

struct loader_preopen *loader__preopen(void)
{
	struct loader_preopen *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	libbpf_set_print(libbpf_to_log);
	if (signals__thread(&p->thread, preopen_run, p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* The opened object (NULL, errno set, if the open failed); p is freed. */
static struct skbtop_bpf *preopen_join(struct loader_preopen *p)
{
	struct skbtop_bpf *skel;

	pthread_join(p->thread, NULL);
	skel = p->skel;
	errno = p->err;
	free(p);
	return skel;
}

void loader__preopen_free(struct loader_preopen *p)
{
	struct skbtop_bpf *skel = p ? preopen_join(p) : NULL;

	if (skel)
		kernel_btf__drop_unloaded(skel->obj);
	skbtop_bpf__destroy(skel);
}

struct loader *loader__new(const struct loader_opts *o, char *err, size_t errlen)
{
	struct loader *l = calloc(1, sizeof(*l));
	double t0 = clock__ms();
	const char *window;
	enum pf_mode mode;
	int ret;

	if (!l) {
		loader__preopen_free(o->preopen);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->o = *o;
	l->o.preopen = NULL;
	libbpf_set_print(libbpf_to_log);
	raise_fd_limit();
	l->vmlinux = kernel_btf__vmlinux();
	l->skel = o->preopen ? preopen_join(o->preopen) : skbtop_bpf__open();
	p_debug("BPF object: %.0f ms to have it open, its kernel BTF read", clock__ms() - t0);
	if (!l->skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	if (o->filter)
		l->skel->rodata->skbtop_filter = *o->filter;
	l->skel->rodata->skbtop_filter.self_tgid = (uint32_t)getpid();
	l->skel->rodata->skbtop_empty_probes = o->empty_probes;
	l->skel->rodata->skbtop_tp_judges = o->tp_judges;
	l->skel->rodata->skbtop_snaplen = o->snaplen;
	mode = filter_load__mode(l->vmlinux, &l->skel->rodata->skbtop_read_window, &window);
	l->skel->rodata->skbtop_read_direct = mode == PF_DIRECT;
	if (mode == PF_WINDOW)
		p_debug("packet bytes: headers loaded in place, and the filter's first %d "
			"(bpf_rdonly_cast to struct %s); the rest copied by bpf_probe_read_kernel",
			SKBTOP_PCAP_WINDOW, window);
	else
		p_debug("packet bytes: %s", mode == PF_DIRECT
						    ? "loaded in place (bpf_rdonly_cast to void)"
						    : "copied by bpf_probe_read_kernel");
	if (o->pcap && filter_load__patch(l->skel->obj, o->pcap, mode, err, errlen) < 0)
		goto fail;
	bpf_map__set_max_entries(l->skel->maps.skbtop_events, ringbuf_bytes(o->ringbuf_kb));
	l->skel->rodata->skbtop_ring_bytes = bpf_map__max_entries(l->skel->maps.skbtop_events);
	bpf_map__set_max_entries(
		l->skel->maps.skbtop_tracked,
		track_slots(o->track_max ? o->track_max
					 : bpf_map__max_entries(l->skel->maps.skbtop_tracked)));
	l->skel->rodata->skbtop_track_shift =
		loader__track_shift(bpf_map__max_entries(l->skel->maps.skbtop_tracked));
	if (prepare_funcs(l, err, errlen))
		goto fail;
	prepare_tps(l);
	prepare_clones(l);
	ret = skbtop_bpf__load(l->skel);
	if (ret) {
		snprintf(err, errlen, "cannot load the BPF programs: %s%s", strerror(-ret),
			 log_verbosity < 2 ? " (-vv shows the verifier's words)" : "");
		goto fail;
	}
	l->st.load_ms = clock__ms() - t0;
	return l;
fail:
	loader__free(l);
	return NULL;
}

static int keep_link(struct loader *l, struct bpf_link *link)
{
	if (l->n_links == l->cap_links) {
		size_t cap = l->cap_links ? 2 * l->cap_links : 64;
		struct bpf_link **v = realloc(l->links, cap * sizeof(*v));

		if (!v) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		l->links = v;
		l->cap_links = cap;
	}
	l->links[l->n_links++] = link;
	return 0;
}

static int keep_fd(struct loader *l, int fd)
{
	if (l->n_fds == l->cap_fds) {
		size_t cap = l->cap_fds ? 2 * l->cap_fds : 64;
		int *v = realloc(l->fds, cap * sizeof(*v));

		if (!v) {
			close(fd);
			return -ENOMEM;
		}
		l->fds = v;
		l->cap_fds = cap;
	}
	l->fds[l->n_fds++] = fd;
	return 0;
}

static void note_failure(struct loader *l, const char *what, int err)
{
	l->st.failed++;
	if (!l->st.first_error[0])
		snprintf(l->st.first_error, sizeof(l->st.first_error), "%s: %s", what,
			 strerror(err < 0 ? -err : err));
	p_debug("attach %s: %s", what, strerror(err < 0 ? -err : err));
}

/* What a probe is told of its function: its id, whether it ends an skb and whether the filter
 * judges there (which a kprobe's program knows of itself, and fentry's does not). */
static __u32 probe_cookie(const struct loader_func *f)
{
	return (f->id & SKBTOP_ID_MASK) |
	       (in_list(loader_end_funcs, f->name) ? SKBTOP_END_FLAG : 0) |
	       (f->judge ? SKBTOP_JUDGE_FLAG : 0);
}

/* By address when every function has one (no symbol walk in the kernel), else by name. */
static void attach_multi_range(struct loader *l, struct bpf_program *prog, const char **syms,
			       const unsigned long *addrs, const __u64 *cookies, size_t n)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts);
	struct bpf_link *link;
	int err;

	if (!n)
		return;
	if (addrs)
		opts.addrs = addrs;
	else
		opts.syms = syms;
	opts.cookies = cookies;
	opts.cnt = n;
	link = bpf_program__attach_kprobe_multi_opts(prog, NULL, &opts);
	if (link) {
		if (!keep_link(l, link))
			l->st.attached += n;
		return;
	}
	err = -errno;
	if (n == 1) {
		note_failure(l, syms[0], err);
		return;
	}
	attach_multi_range(l, prog, syms, addrs, cookies, n / 2);
	attach_multi_range(l, prog, syms + n / 2, addrs ? addrs + n / 2 : NULL, cookies + n / 2,
			   n - n / 2);
}

/* The kprobe.multi link of the functions prog serves. */
static size_t attach_kprobe_multi_link(struct loader *l, struct bpf_program *prog, bool *by_addr)
{
	const char **syms = calloc(l->o.n_funcs + 1, sizeof(*syms));
	unsigned long *addrs = calloc(l->o.n_funcs + 1, sizeof(*addrs));
	__u64 *cookies = calloc(l->o.n_funcs + 1, sizeof(*cookies));
	size_t n = 0;

	*by_addr = false;
	if (!syms || !addrs || !cookies) {
		free(syms);
		free(addrs);
		free(cookies);
		return 0;
	}
	*by_addr = true;
	for (size_t i = 0; i < l->o.n_funcs; i++) {
		const struct loader_func *f = &l->o.funcs[i];

		if (!func_usable(f) || func_kprobe_prog(l, f) != prog)
			continue;
		syms[n] = f->name;
		addrs[n] = (unsigned long)f->addr;
		*by_addr = *by_addr && f->addr;
		cookies[n++] = probe_cookie(f);
	}
	attach_multi_range(l, prog, syms, *by_addr ? addrs : NULL, cookies, n);
	free(syms);
	free(addrs);
	free(cookies);
	return n;
}

/*
 * The cookies of the functions that go on kprobe.multi links by address, by that address, for
 * skbtop__kmulti_cookie (skbtop.bpf.c): before the links, so that their first runs find them. A
 * function whose slots are all taken is left out: its runs read the cookie.
 */
static void fill_kmulti_ids(struct loader *l)
{
	int map = bpf_map__fd(l->skel->maps.skbtop_kmulti_ids);
	__u32 mask = l->skel->rodata->skbtop_kmulti_mask, slots = mask + 1;
	struct skbtop_kmulti_id *table = calloc(slots, sizeof(*table));
	__u32 *keys = calloc(slots, sizeof(*keys));
	size_t placed = 0, total = 0;
	__u32 count = slots;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);

	if (!table || !keys)
		goto out;
	for (size_t i = 0; i < l->o.n_funcs; i++) {
		const struct loader_func *f = &l->o.funcs[i];

		if (!func_usable(f) || func_kprobed(l, f))
			continue;
		total++;
		for (__u32 k = 0; f->addr && k < SKBTOP_KMULTI_PROBES; k++) {
			struct skbtop_kmulti_id *e =
				&table[(skbtop_kmulti_slot(f->addr, mask) + k) & mask];

			if (e->ip)
				continue;
			e->ip = f->addr;
			e->cookie = probe_cookie(f);
			placed++;
			break;
		}
	}
	for (__u32 k = 0; k < slots; k++)
		keys[k] = k;
	/* One call for the whole table, not one for each of up to thousands of functions. */
	if (bpf_map_update_batch(map, keys, table, &count, &opts)) {
		p_warn("kprobe.multi: the table of cookies by address could not be written (%s): "
		       "runs read their cookies",
		       strerror(errno));
		placed = 0;
	}
	p_debug("kprobe.multi: the cookies of %zu of %zu functions in a table by address (%u "
		"slots)",
		placed, total, slots);
out:
	free(table);
	free(keys);
}

static void attach_kprobe_multi(struct loader *l)
{
	double t0 = clock__ms();
	size_t n[N_KPROBE_KINDS] = { 0 }, links = 0;
	bool by_addr = true, one;

	fill_kmulti_ids(l);
	for (int pos = 1; pos <= MAX_POS; pos++) {
		for (int kind = 0; kind < N_KPROBE_KINDS; kind++) {
			size_t k = attach_kprobe_multi_link(l, l->kprobe_prog[pos][kind], &one);

			n[kind] += k;
			links += k > 0;
			by_addr = by_addr && (one || !k);
		}
	}
	if (n[KPROBE_PLAIN] + n[KPROBE_JUDGE] + n[KPROBE_END])
		p_debug("kprobe.multi: %zu functions, %zu judges and %zu end functions in %zu "
			"links "
			"by the skb's argument (by %s), %.0f ms",
			n[KPROBE_PLAIN], n[KPROBE_JUDGE], n[KPROBE_END], links,
			by_addr ? "address" : "name", clock__ms() - t0);
}

/* One link per function: every function on the kprobe backend, the kprobed ones on kprobe.multi. */
static void attach_kprobe(struct loader *l)
{
	for (size_t i = 0; i < l->o.n_funcs; i++) {
		const struct loader_func *f = &l->o.funcs[i];
		LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = probe_cookie(f));
		struct bpf_link *link;

		if (!func_usable(f) ||
		    (l->o.backend == BACKEND_KPROBE_MULTI && !func_kprobed(l, f)))
			continue;
		link = bpf_program__attach_kprobe_opts(func_kprobe_prog(l, f), f->name, &opts);
		if (!link) {
			note_failure(l, f->name, -errno);
			continue;
		}
		if (!keep_link(l, link))
			l->st.attached++;
	}
}

/* kallsyms addresses of the fentry functions, into skbtop_ip2id (name -> id). */
static void fill_ip2id(struct loader *l)
{
	int map = bpf_map__fd(l->skel->maps.skbtop_ip2id);
	struct hsearch_data h = {};
	struct ksyms *k;
	size_t count;

	if (!hcreate_r(l->o.n_funcs * 2 + 16, &h))
		return;
	for (size_t i = 0; i < l->o.n_funcs; i++) {
		ENTRY e = { .key = (char *)l->o.funcs[i].name, .data = (void *)&l->o.funcs[i] };
		ENTRY *r;

		if (func_usable(&l->o.funcs[i]))
			hsearch_r(e, ENTER, &r, &h);
	}
	k = ksyms__read("/proc/kallsyms");
	count = k ? ksyms__count(k) : 0;
	for (size_t i = 0; i < count; i++) {
		uint64_t addr;
		ENTRY e = { .key = (char *)ksyms__at(k, i, &addr) }, *r;

		if (hsearch_r(e, FIND, &r, &h) && r) {
			const struct loader_func *fn = r->data;
			__u32 id = probe_cookie(fn);
			__u64 key = addr;

			/* With IBT the traced address may be past the 4-byte endbr64. */
			bpf_map_update_elem(map, &key, &id, BPF_ANY);
			key = addr + 4;
			bpf_map_update_elem(map, &key, &id, BPF_ANY);
		}
	}
	ksyms__free(k);
	hdestroy_r(&h);
}

static void attach_fentry(struct loader *l)
{
	fill_ip2id(l);
	for (size_t i = 0; i < l->o.n_funcs; i++) {
		const struct loader_func *f = &l->o.funcs[i];
		struct bpf_program *tmpl;
		int id, obj_fd, prog, link;

		if (!func_usable(f))
			continue;
		tmpl = l->func_prog[f->param_pos];
		if (l->template[f->param_pos] == (long)i) {
			struct bpf_link *bl = bpf_program__attach_trace(tmpl);

			if (!bl)
				note_failure(l, f->name, -errno);
			else if (!keep_link(l, bl))
				l->st.attached++;
			continue;
		}
		id = func_btf_id(l, f, &obj_fd);
		if (l->template[f->param_pos] < 0 || id < 0) {
			p_debug("fentry %s: skipped (no usable BTF prototype)", f->name);
			l->st.skipped++;
			continue;
		}
		LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_TRACE_FENTRY,
			    .attach_btf_id = id, .attach_btf_obj_fd = obj_fd);
		prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, bpf_program__name(tmpl), "GPL",
				     bpf_program__insns(tmpl), bpf_program__insn_cnt(tmpl), &popts);
		if (prog < 0) {
			note_failure(l, f->name, -errno);
			continue;
		}
		link = bpf_raw_tracepoint_open(NULL, prog);
		close(prog);
		if (link < 0) {
			note_failure(l, f->name, -errno);
			continue;
		}
		if (!keep_fd(l, link))
			l->st.attached++;
	}
}

static void attach_clones(struct loader *l)
{
	if (!l->clone_entry)
		return;
	for (size_t i = 0; i < l->o.n_funcs; i++) {
		const struct loader_func *f = &l->o.funcs[i];

		if (!in_list(loader_clone_funcs, f->name))
			continue;
		for (int ret = 0; ret <= 1; ret++) {
			LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = f->id, .retprobe = ret);
			struct bpf_link *link = bpf_program__attach_kprobe_opts(
				ret ? l->clone_exit : l->clone_entry, f->name, &opts);

			if (!link)
				p_debug("clone %s %s: %s", ret ? "return" : "entry", f->name,
					strerror(errno));
			else if (!keep_link(l, link))
				l->st.clone_probes++;
		}
	}
}

static void attach_tps(struct loader *l)
{
	for (size_t i = 0; i < N_TP; i++) {
		struct bpf_link *link;

		if (!l->tp_prog[i])
			continue;
		link = bpf_program__attach(l->tp_prog[i]);
		if (!link) {
			p_debug("tracepoint %s: %s", tp_defs[i].name, strerror(errno));
			l->st.tp_failed++;
			continue;
		}
		if (!keep_link(l, link)) {
			l->st.tp_attached++;
			l->st.tp_attached_mask[tp_defs[i].id] = true;
		}
	}
}

int loader__attach(struct loader *l, struct loader_stats *st, char *err, size_t errlen)
{
	double t0 = clock__ms(), t1, t2;

	switch (l->o.backend) {
	case BACKEND_KPROBE_MULTI:
		attach_kprobe_multi(l);
		attach_kprobe(l);
		break;
	case BACKEND_KPROBE:
		attach_kprobe(l);
		break;
	case BACKEND_FENTRY:
		attach_fentry(l);
		break;
	case BACKEND_TRACEPOINT:
	case BACKEND_AUTO:
		break;
	}
	t1 = clock__ms();
	attach_clones(l);
	t2 = clock__ms();
	attach_tps(l);
	l->st.attach_ms = clock__ms() - t0;
	p_debug("attach: functions %.0f ms, clone probes %.0f ms, tracepoints %.0f ms", t1 - t0,
		t2 - t1, clock__ms() - t2);
	if (st)
		*st = l->st;
	if (!l->st.attached && !l->st.tp_attached) {
		snprintf(err, errlen, "nothing could be attached%s%s",
			 l->st.first_error[0] ? ": " : "", l->st.first_error);
		return -1;
	}
	return 0;
}

void loader__shared_fds(const struct loader *l, struct loader_shared_fds *out)
{
	out->events = bpf_map__fd(l->skel->maps.skbtop_events);
	out->tracked = bpf_map__fd(l->skel->maps.skbtop_tracked);
	out->counters = bpf_map__fd(l->skel->maps.skbtop_counters);
	out->gauges = bpf_map__fd(l->skel->maps.data_gauges);
	out->pace = bpf_map__fd(l->skel->maps.skbtop_pace);
	out->hook_frames = bpf_map__fd(l->skel->maps.nf_hook_stacks);
}

void loader__for_each_prog(const struct loader *l, loader_prog_fn fn, void *ctx)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, l->skel->obj)
	{
		if (bpf_program__fd(p) >= 0)
			fn(ctx, bpf_program__fd(p));
	}
	/* A copy's program fd was closed once linked: its link leads to it. */
	for (size_t i = 0; i < l->n_fds; i++) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd;

		if (bpf_obj_get_info_by_fd(l->fds[i], &info, &len))
			continue;
		fd = bpf_prog_get_fd_by_id(info.prog_id);
		if (fd < 0)
			continue;
		fn(ctx, fd);
		close(fd);
	}
}

int loader__counters(const struct loader *l, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(l->skel->maps.skbtop_counters);
	__u64 *vals;

	if (ncpu <= 0)
		return -1;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -1;
	for (__u32 k = 0; k < SKBTOP_CNT_MAX; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
	return 0;
}

static int64_t gauge(const struct loader *l, enum skbtop_gauge idx)
{
	struct skbtop_bpf__data_gauges v = { 0 };
	__u32 zero = 0;

	bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.data_gauges), &zero, &v);
	return v.skbtop_gauges[idx];
}

bool loader__keeps_hook_frames(const struct loader *l)
{
	return l->keeps_hook_frames;
}

void loader__hook_exits(struct loader *l, bool probed)
{
	/* One word of the mapped section: the probes' atomic adds to the others go on. */
	if (l->skel->data_gauges)
		__atomic_store_n(&l->skel->data_gauges->skbtop_gauges[SKBTOP_GAUGE_HOOK_EXITS],
				 probed ? 1 : 0, __ATOMIC_RELAXED);
}

int64_t loader__live(const struct loader *l)
{
	return gauge(l, SKBTOP_GAUGE_LIVE);
}

int64_t loader__entries(const struct loader *l)
{
	return gauge(l, SKBTOP_GAUGE_ENTRIES);
}

struct detacher {
	struct loader *l;
	size_t first, step;
};

static void *detach_some(void *arg)
{
	struct detacher *d = arg;

	for (size_t i = d->first; i < d->l->n_links; i += d->step)
		bpf_link__destroy(d->l->links[i]);
	for (size_t i = d->first; i < d->l->n_fds; i += d->step)
		close(d->l->fds[i]);
	return NULL;
}

/*
 * Each kprobe or trampoline removed waits for an RCU grace period; removing them from several
 * threads lets those waits overlap instead of adding up (30 s -> a few for 300 kprobes in QEMU).
 */
static void detach_all(struct loader *l)
{
	struct detacher d[DETACH_THREADS];
	pthread_t th[DETACH_THREADS];
	size_t n = (l->n_links + l->n_fds) / 32 + 1, started = 0;

	if (n > DETACH_THREADS)
		n = DETACH_THREADS;
	for (size_t k = 0; k < n; k++) {
		d[k] = (struct detacher){ .l = l, .first = k, .step = n };
		if (k && !pthread_create(&th[k], NULL, detach_some, &d[k]))
			started |= 1ul << k;
	}
	detach_some(&d[0]);
	for (size_t k = 1; k < n; k++) {
		if (started & (1ul << k))
			pthread_join(th[k], NULL);
		else
			detach_some(&d[k]);
	}
}

double loader__unlink(struct loader *l)
{
	double t0 = clock__ms();

	if (!l)
		return 0;
	detach_all(l);
	l->n_links = 0;
	l->n_fds = 0;
	return clock__ms() - t0;
}

double loader__free(struct loader *l)
{
	double t0 = clock__ms();

	if (!l)
		return 0;
	loader__unlink(l);
	skbtop_bpf__destroy(l->skel);
	for (size_t i = 0; i < l->n_mods; i++) {
		free(l->mods[i].name);
		btf__free(l->mods[i].btf);
		if (l->mods[i].fd > 0)
			close(l->mods[i].fd);
	}
	free(l->mods);
	free(l->links);
	free(l->fds);
	free(l);
	return clock__ms() - t0;
}

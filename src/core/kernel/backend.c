// SPDX-License-Identifier: GPL-2.0
/*
 * Feature probes for the attach backends. Each one does what skbtop will do for real (load a
 * program of that type, attach it to one function) because a kernel can accept the program type
 * and still refuse the attachment, as this machine's kernel does with fentry (EPERM).
 */
#include "core/kernel/backend.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/kernel/kernel_btf.h"

/* A function every kernel has, with BTF, that kprobes and trampolines may attach to. */
#define PROBE_FUNC "vprintk"

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static void set_why(char *buf, size_t len, const char *what, int err)
{
	snprintf(buf, len, "%s (%s)", what, strerrorname_np(err) ?: "error");
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void probe_kprobe(struct backend_probe *bp)
{
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK)) {
		snprintf(bp->kprobe_why, sizeof(bp->kprobe_why), "kernel has no kprobes");
		return;
	}
	bp->kprobe = true;
}

static void probe_kprobe_multi(struct backend_probe *bp)
{
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	const char *syms[] = { PROBE_FUNC };
	int prog, link;

	if (!bp->kprobe) {
		snprintf(bp->kprobe_multi_why, sizeof(bp->kprobe_multi_why), "%s", bp->kprobe_why);
		return;
	}
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "skbtop_probe", "GPL", ret0, 2, &popts);
	if (prog < 0) {
		set_why(bp->kprobe_multi_why, sizeof(bp->kprobe_multi_why),
			"kprobe.multi program refused", errno);
		return;
	}
	lopts.kprobe_multi.syms = syms;
	lopts.kprobe_multi.cnt = 1;
	link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &lopts);
	if (link < 0) {
		set_why(bp->kprobe_multi_why, sizeof(bp->kprobe_multi_why),
			"kernel has no kprobe.multi", errno);
	} else {
		bp->kprobe_multi = true;
		close(link);
	}
	close(prog);
}

static void probe_fentry(struct backend_probe *bp)
{
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_TRACE_FENTRY);
	struct btf *vmlinux = kernel_btf__vmlinux();
	int id, prog, link;

	if (!vmlinux) {
		set_why(bp->fentry_why, sizeof(bp->fentry_why), "no kernel BTF", errno);
		return;
	}
	id = btf__find_by_name_kind(vmlinux, PROBE_FUNC, BTF_KIND_FUNC);
	if (id <= 0) {
		snprintf(bp->fentry_why, sizeof(bp->fentry_why), "no BTF for %s", PROBE_FUNC);
		return;
	}
	popts.attach_btf_id = id;
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "skbtop_probe", "GPL", ret0, 2, &popts);
	if (prog < 0) {
		set_why(bp->fentry_why, sizeof(bp->fentry_why), "fentry refused", errno);
		return;
	}
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		set_why(bp->fentry_why, sizeof(bp->fentry_why), "fentry attach refused", errno);
	} else {
		bp->fentry = true;
		close(link);
	}
	close(prog);
}

void backend__probe(struct backend_probe *bp)
{
	libbpf_print_fn_t old = libbpf_set_print(silent_print);

	memset(bp, 0, sizeof(*bp));
	probe_kprobe(bp);
	probe_kprobe_multi(bp);
	probe_fentry(bp);
	libbpf_set_print(old);
}

/* What the user types (--backend, the YAML) and what the kernel calls it, shown in output. */
static const struct {
	const char *word, *label;
} backends[BACKEND_COUNT] = {
	[BACKEND_AUTO] = { "auto", "auto" },
	[BACKEND_KPROBE_MULTI] = { "kprobe-multi", "kprobe.multi" },
	[BACKEND_KPROBE] = { "kprobe", "kprobe" },
	[BACKEND_FENTRY] = { "fentry", "fentry" },
	[BACKEND_TRACEPOINT] = { "tracepoint", "tracepoint" },
};

const char *backend__label(enum backend b)
{
	return (unsigned)b < BACKEND_COUNT ? backends[b].label : "auto";
}

const char *backend__name(enum backend b)
{
	return (unsigned)b < BACKEND_COUNT ? backends[b].word : "auto";
}

int backend__parse(const char *word, enum backend *out)
{
	for (int b = 0; b < BACKEND_COUNT; b++) {
		if (!strcmp(word, backends[b].word) || !strcmp(word, backends[b].label)) {
			*out = b;
			return 0;
		}
	}
	return -1;
}

int backend__choose(const struct backend_probe *bp, enum backend want, enum backend *out, char *why,
		    size_t whylen, char *err, size_t errlen)
{
	switch (want) {
	case BACKEND_KPROBE_MULTI:
		if (!bp->kprobe_multi)
			goto missing;
		snprintf(why, whylen, "chosen with --backend");
		break;
	case BACKEND_KPROBE:
		if (!bp->kprobe)
			goto missing;
		snprintf(why, whylen, "chosen with --backend");
		break;
	case BACKEND_FENTRY:
		if (!bp->fentry)
			goto missing;
		snprintf(why, whylen, "chosen with --backend");
		break;
	case BACKEND_TRACEPOINT:
		snprintf(why, whylen, "chosen with --backend");
		break;
	case BACKEND_AUTO:
		if (bp->kprobe_multi) {
			want = BACKEND_KPROBE_MULTI;
			snprintf(why, whylen, "best the kernel offers");
		} else if (bp->kprobe) {
			want = BACKEND_KPROBE;
			snprintf(why, whylen, "%s", bp->kprobe_multi_why);
		} else if (bp->fentry) {
			want = BACKEND_FENTRY;
			snprintf(why, whylen, "%s", bp->kprobe_why);
		} else {
			want = BACKEND_TRACEPOINT;
			snprintf(why, whylen, "%s; %s", bp->kprobe_why, bp->fentry_why);
		}
		break;
	}
	*out = want;
	return 0;
missing:
	snprintf(err, errlen, "--backend %s: %s", backend__label(want),
		 want == BACKEND_FENTRY	  ? bp->fentry_why
		 : want == BACKEND_KPROBE ? bp->kprobe_why
					  : bp->kprobe_multi_why);
	return -1;
}

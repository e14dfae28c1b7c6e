// SPDX-License-Identifier: GPL-2.0
/*
 * The placeholder holds no relocation and the patch has its exact length, so writing it over the
 * instructions before load leaves libbpf's relocations (whose offsets point elsewhere) valid.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_cfg.bpf.h"
#include "core/filter/filter_load.h"

_Static_assert(sizeof(struct pf_insn) == sizeof(struct bpf_insn), "pf_insn is a bpf_insn");

static bool is_placeholder(const struct bpf_insn *in, size_t left)
{
	if (left < SKBTOP_PCAP_SLOTS || in[0].code != (BPF_ALU64 | BPF_MOV | BPF_K) ||
	    in[0].dst_reg != BPF_REG_0 || in[0].imm != SKBTOP_PCAP_MAGIC)
		return false;
	for (size_t i = 1; i < SKBTOP_PCAP_SLOTS; i++)
		if (in[i].code != (BPF_JMP | BPF_JA) || in[i].off != 0)
			return false;
	return true;
}

bool filter_load__direct(const struct btf *vmlinux)
{
	int id = vmlinux ? btf__find_by_name_kind(vmlinux, "bpf_features", BTF_KIND_ENUM) : -1;
	const struct btf_type *t = id > 0 ? btf__type_by_id(vmlinux, id) : NULL;

	for (int i = 0; t && i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(vmlinux, btf_enum(t)[i].name_off);

		if (name && !strcmp(name, "BPF_FEAT_RDONLY_CAST_TO_VOID"))
			return true;
	}
	return false;
}

int filter_load__patch(struct bpf_object *obj, const struct pcapfilter *pf, bool direct, char *err,
		       size_t errlen)
{
	const struct pf_insn *code = direct ? pf->insns_direct : pf->insns;

	struct bpf_program *prog;
	int patched = 0;

	bpf_object__for_each_program(prog, obj)
	{
		const struct bpf_insn *in = bpf_program__insns(prog);
		size_t n = bpf_program__insn_cnt(prog);
		struct bpf_insn *copy = NULL;
		int ret;

		for (size_t i = 0; i < n; i++) {
			if (!is_placeholder(in + i, n - i))
				continue;
			if (!copy) {
				copy = malloc(n * sizeof(*copy));
				if (!copy) {
					snprintf(err, errlen, "out of memory");
					return -1;
				}
				memcpy(copy, in, n * sizeof(*copy));
			}
			memcpy(copy + i, code, SKBTOP_PCAP_SLOTS * sizeof(*copy));
			i += SKBTOP_PCAP_SLOTS - 1;
			patched++;
		}
		if (!copy)
			continue;
		ret = bpf_program__set_insns(prog, copy, n);
		free(copy);
		if (ret) {
			snprintf(err, errlen, "cannot write the filter into %s: %s",
				 bpf_program__name(prog), strerror(-ret));
			return -1;
		}
	}
	if (!patched) {
		snprintf(err, errlen, "the BPF object has no filter placeholder (stale build?)");
		return -1;
	}
	return patched;
}

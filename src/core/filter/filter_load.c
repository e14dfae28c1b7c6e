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

static bool has_rdonly_cast_to_void(const struct btf *vmlinux)
{
	int id = btf__find_by_name_kind(vmlinux, "bpf_features", BTF_KIND_ENUM);
	const struct btf_type *t = id > 0 ? btf__type_by_id(vmlinux, id) : NULL;

	for (int i = 0; t && i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(vmlinux, btf_enum(t)[i].name_off);

		if (name && !strcmp(name, "BPF_FEAT_RDONLY_CAST_TO_VOID"))
			return true;
	}
	return false;
}

/*
 * A struct whose first member, at offset 0, is an array of at least SKBTOP_PCAP_WINDOW bytes: the
 * verifier lets a pointer typed as it load any 1, 2 or 4 bytes of that array. The first in the
 * kernel's BTF, or 0.
 */
static uint32_t window_struct(const struct btf *vmlinux, const char **name)
{
	uint32_t n = btf__type_cnt(vmlinux);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id), *a, *elem;
		const struct btf_member *m;

		if (!btf_is_struct(t) || !btf_vlen(t))
			continue;
		m = btf_members(t);
		if (btf_member_bit_offset(t, 0) != 0)
			continue;
		a = btf__type_by_id(vmlinux, btf__resolve_type(vmlinux, m->type));
		if (!a || !btf_is_array(a) || btf_array(a)->nelems < SKBTOP_PCAP_WINDOW)
			continue;
		elem = btf__type_by_id(vmlinux, btf__resolve_type(vmlinux, btf_array(a)->type));
		if (elem && btf_is_int(elem) && elem->size == 1) {
			*name = btf__name_by_offset(vmlinux, t->name_off);
			return id;
		}
	}
	return 0;
}

enum pf_mode filter_load__mode(const struct btf *vmlinux, uint32_t *window_id, const char **window)
{
	*window_id = 0;
	*window = "";
	if (!vmlinux)
		return PF_COPY;
	if (has_rdonly_cast_to_void(vmlinux))
		return PF_DIRECT;
	if (btf__find_by_name_kind(vmlinux, "bpf_rdonly_cast", BTF_KIND_FUNC) <= 0)
		return PF_COPY;
	*window_id = window_struct(vmlinux, window);
	return *window_id ? PF_WINDOW : PF_COPY;
}

int filter_load__patch(struct bpf_object *obj, const struct pcapfilter *pf, enum pf_mode mode,
		       char *err, size_t errlen)
{
	const struct pf_insn *code = pf->insns[mode];

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

// SPDX-License-Identifier: GPL-2.0
/* Functions that take a struct sk_buff, read from the kernel's BTF and each module's split BTF. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "core/discover/discover_priv.h"
#include "core/kernel/kernel_btf.h"
#include "core/base/log.h"

#define MAX_SKB_PARAMS 5 /* BPF trampolines and the probe read the first five arguments */

/* Is type_id a pointer (or pointer to pointer) to struct sk_buff, seen through qualifiers? */
static bool is_skb_ptr(const struct btf *btf, __u32 type_id, int *depth, bool *is_const)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	bool c = false;
	int d = 0;

	for (; t; t = btf__type_by_id(btf, t->type)) {
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			break;
		case BTF_KIND_CONST:
			c = true;
			break;
		case BTF_KIND_PTR:
			if (++d > 2)
				return false;
			c = false;
			break;
		case BTF_KIND_STRUCT:
			if (!d || strcmp(btf__name_by_offset(btf, t->name_off), "sk_buff"))
				return false;
			*depth = d;
			*is_const = c;
			return true;
		default:
			return false;
		}
	}
	return false;
}

/* Prefers a plain struct sk_buff * over a struct sk_buff ** in an earlier position. */
static bool skb_param(const struct btf *btf, const struct btf_type *proto, struct skb_func *f)
{
	const struct btf_param *p = btf_params(proto);
	int n = btf_vlen(proto);
	bool found = false;

	for (int i = 0; i < n && i < MAX_SKB_PARAMS; i++) {
		int depth;
		bool c;

		if (!is_skb_ptr(btf, p[i].type, &depth, &c))
			continue;
		if (found && (f->ptr_depth == 1 || depth != 1))
			continue;
		f->param_pos = i + 1;
		f->ptr_depth = depth;
		f->is_const = c;
		found = true;
	}
	return found;
}

static int scan_one(struct func_list *l, const struct btf *btf, __u32 first, const char *module)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = first; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *proto;
		struct skb_func f = { .module = (char *)module, .method = FIND_BTF, .btf_id = id };

		if (!btf_is_func(t))
			continue;
		proto = btf__type_by_id(btf, t->type);
		if (!proto || !btf_is_func_proto(proto) || !skb_param(btf, proto, &f))
			continue;
		f.name = (char *)btf__name_by_offset(btf, t->name_off);
		if (!f.name || !*f.name || discover__is_plumbing(f.name))
			continue;
		if (func_list__push(l, &f))
			return -ENOMEM;
	}
	return 0;
}

static int scan_dir(struct func_list *l, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	struct btf *vmlinux, *mod;
	struct dirent *de;
	bool owned;
	DIR *d;
	int rc;

	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	vmlinux = kernel_btf__open(path, &owned);
	if (!vmlinux) {
		rc = -errno;
		snprintf(err, errlen,
			 "no BTF at %s (%s): the kernel needs CONFIG_DEBUG_INFO_BTF, or use "
			 "--no-btf",
			 path, strerror(-rc));
		return rc;
	}
	rc = scan_one(l, vmlinux, 1, NULL);
	d = rc ? NULL : opendir(dir);
	while (d && !rc && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		mod = btf__parse_split(path, vmlinux);
		if (!mod) {
			p_debug("skipping module BTF %s: %s", path, strerror(errno));
			l->n_modules_failed++;
			continue;
		}
		l->n_modules++;
		rc = scan_one(l, mod, btf__type_cnt(vmlinux), de->d_name);
		btf__free(mod);
	}
	if (d)
		closedir(d);
	if (owned)
		btf__free(vmlinux);
	if (rc)
		snprintf(err, errlen, "out of memory while reading BTF");
	return rc;
}

/* libbpf's complaints about a module BTF it cannot parse are counted, shown only with -d. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return log_verbosity >= 2 ? vfprintf(stderr, fmt, ap) : 0;
}

int discover_btf__scan(struct func_list *l, const char *dir, char *err, size_t errlen)
{
	libbpf_print_fn_t old = libbpf_set_print(quiet_print);
	int rc = scan_dir(l, dir, err, errlen);

	libbpf_set_print(old);
	return rc;
}

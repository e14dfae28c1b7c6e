// SPDX-License-Identifier: GPL-2.0
/*
 * Without BTF nothing says which functions take an skb: the kallsyms fallback keeps text symbols
 * whose names the guesses of layers.yaml match, and marks every one of them as a guess.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "discover_priv.h"

int discover_kallsyms__scan(struct func_list *l, const char *path, const struct config *cfg,
			    char *err, size_t errlen)
{
	char line[512], type, name[256], module[128];
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "cannot read the kernel symbols in %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		struct skb_func fn = { .param_pos = 1, .ptr_depth = 1, .method = FIND_KALLSYMS };
		int n;

		module[0] = '\0';
		n = sscanf(line, "%*s %c %255s [%127[^]]]", &type, name, module);
		if (n < 2 || (type != 't' && type != 'T'))
			continue;
		/* BPF programs and trampolines ([bpf], [__builtin__ftrace]) are not the kernel's.
		 */
		if (!strcmp(module, "bpf") || !strncmp(module, "__builtin", 9))
			continue;
		/* Compiler clones (.isra, .constprop, .cold) are not the function's entry. */
		if (strchr(name, '.') || discover__is_plumbing(name) || !classify__guess(cfg, name))
			continue;
		fn.name = name;
		fn.module = module[0] ? module : NULL;
		rc = func_list__push(l, &fn);
	}
	if (!rc && ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(EIO));
	} else if (rc) {
		snprintf(err, errlen, "out of memory while reading %s", path);
	}
	fclose(f);
	return rc;
}

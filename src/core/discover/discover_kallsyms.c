// SPDX-License-Identifier: GPL-2.0
/*
 * Without BTF nothing says which functions take an skb: the kallsyms fallback keeps text symbols
 * whose names the guesses of layers.yaml match, and marks every one of them as a guess.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/discover/classify.h"
#include "core/discover/discover_priv.h"

/*
 * Text symbols that are no function of their own: alignment padding before a function (__pfx_),
 * CFI preambles (__cfi_), static call trampolines and keys (__SCT__, __SCK__).
 */
static bool not_a_function(const char *name)
{
	static const char *const prefixes[] = { "__pfx_", "__cfi_", "__SCT__", "__SCK__" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* Splits "ADDR TYPE NAME [MODULE]" in place; module is "" for vmlinux. */
static bool parse_line(char *line, char *type, char **name, char **module)
{
	char *save = NULL, *t;

	if (!strtok_r(line, " \t\n", &save) || !(t = strtok_r(NULL, " \t\n", &save)) ||
	    !(*name = strtok_r(NULL, " \t\n", &save)))
		return false;
	*type = t[0];
	*module = strtok_r(NULL, " \t\n", &save);
	if (*module && (*module)[0] == '[') {
		(*module)++;
		(*module)[strcspn(*module, "]")] = '\0';
	} else {
		*module = "";
	}
	return true;
}

int discover_kallsyms__scan(struct func_list *l, const char *path, const struct config *cfg,
			    char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *name, *module, type;
	size_t cap = 0;
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the kernel symbols in %s: %s", path,
			 strerror(-rc));
		return rc;
	}
	while (!rc && getline(&line, &cap, f) > 0) {
		struct skb_func fn = { .param_pos = 1, .ptr_depth = 1, .method = FIND_KALLSYMS };

		if (!parse_line(line, &type, &name, &module) || (type != 't' && type != 'T'))
			continue;
		/* BPF programs and trampolines ([bpf], [__builtin__ftrace]) are not the kernel's.
		 */
		if (!strcmp(module, "bpf") || !strncmp(module, "__builtin", 9))
			continue;
		/* Compiler clones (.isra, .constprop, .cold) are not the function's entry. */
		if (strchr(name, '.') || not_a_function(name) || discover__is_plumbing(name) ||
		    !classify__guess(cfg, name))
			continue;
		fn.name = name;
		fn.module = module[0] ? module : NULL;
		rc = func_list__push(l, &fn);
	}
	if (!rc && ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "cannot read the kernel symbols in %s: %s", path,
			 strerror(EIO));
	} else if (rc) {
		snprintf(err, errlen, "out of memory while reading %s", path);
	}
	free(line);
	fclose(f);
	return rc;
}

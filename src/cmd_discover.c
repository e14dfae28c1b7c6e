// SPDX-License-Identifier: GPL-2.0
/* skbtop discover: which kernel functions take an skb, by layer and priority, and what to trace. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "core/base/config.h"
#include "core/discover/discover.h"
#include "core/base/file_atomic.h"
#include "core/kernel/kernel_btf.h"
#include "core/base/log.h"
#include "core/base/clock.h"

struct stats {
	size_t total;
	size_t method[2];
	size_t traceable[3];
	size_t prio[PRIO_COUNT];
	size_t layer[MAX_LAYERS];
	size_t skb_pp;	  /* struct sk_buff ** */
	size_t skb_const; /* const struct sk_buff * */
	double seconds;
	char kernel[65];
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: skbtop discover [OPTIONS]\n"
		"Find the kernel functions that take a struct sk_buff and sort them by layer and "
		"priority.\n"
		"\n"
		"  -c, --config FILE      configuration to read (default: $XDG_CONFIG_HOME/skbtop/"
		"skbtop.yaml,\n"
		"                         /etc/skbtop/skbtop.yaml, else built-in)\n"
		"  -L, --layers FILE      layer rules (default: layers.yaml beside the "
		"configuration, "
		"else built-in)\n"
		"  -o, --output FILE      write every function found as JSON\n"
		"  -w, --config-out FILE  write a configuration (a full skbtop.yaml) that traces "
		"the "
		"best functions\n"
		"  -n, --max-trace N      how many functions --config-out keeps, best priority "
		"first\n"
		"                         (default: trace.max_functions within "
		"trace.max_priority)\n"
		"      --no-btf           ignore BTF: guess from kallsyms names (marked as "
		"guesses)\n"
		"      --btf-dir DIR      where vmlinux and module BTF are (default "
		"/sys/kernel/btf)\n"
		"      --kallsyms FILE    symbol list for the fallback (default /proc/kallsyms)\n"
		"  -j, --json             print the statistics as JSON\n"
		"  -v, --verbose          say more (twice: debug)\n"
		"  -h, --help             show this help\n"
		"\n"
		"Without --output the statistics are printed: total, by method, by traceability, "
		"by\n"
		"priority and by layer.\n"
		"\n"
		"Examples:\n"
		"  skbtop discover                                 statistics for this kernel\n"
		"  skbtop discover --output funcs.json             the full list, for scripts\n"
		"  skbtop discover --config-out t.yaml --max-trace 50 && skbtop --config t.yaml\n"
		"  skbtop discover --no-btf --json                 what the kallsyms fallback "
		"finds\n");
}

static void stats__count(struct stats *s, const struct func_list *l)
{
	struct utsname u;

	s->total = l->n;
	for (size_t i = 0; i < l->n; i++) {
		s->method[l->v[i].method]++;
		s->traceable[l->v[i].traceable]++;
		s->prio[l->v[i].prio]++;
		s->skb_pp += l->v[i].ptr_depth == 2;
		s->skb_const += l->v[i].is_const && l->v[i].ptr_depth == 1;
		if (l->v[i].layer >= 0 && l->v[i].layer < MAX_LAYERS)
			s->layer[l->v[i].layer]++;
	}
	snprintf(s->kernel, sizeof(s->kernel), "%s", uname(&u) ? "unknown" : u.release);
}

static double pct(size_t n, size_t total)
{
	return total ? 100.0 * n / total : 0.0;
}

/* Layers by count, most first; ties keep the order of layers.yaml. */
static void layer_order(const struct config *cfg, const struct stats *s, int *order)
{
	for (int i = 0; i < cfg->n_layers; i++) {
		int j = i;

		while (j > 0 && s->layer[order[j - 1]] < s->layer[i]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

static void print_text(const struct config *cfg, const struct func_list *l, const struct stats *s)
{
	static const enum traceable tr[] = { TRACE_YES, TRACE_NO, TRACE_UNKNOWN };
	int order[MAX_LAYERS];

	if (l->method == FIND_KALLSYMS)
		printf("%zu functions may take a struct sk_buff (guessed from kallsyms names, "
		       "kernel %s,"
		       " %.3f s)\n",
		       s->total, s->kernel, s->seconds);
	else
		printf("%zu functions take a struct sk_buff (kernel %s, vmlinux + %d module%s, "
		       "%.3f s)\n",
		       s->total, s->kernel, l->n_modules, l->n_modules == 1 ? "" : "s", s->seconds);
	if (l->n_modules_failed)
		printf("  %d module BTF file%s could not be read and %s skipped\n",
		       l->n_modules_failed, l->n_modules_failed == 1 ? "" : "s",
		       l->n_modules_failed == 1 ? "was" : "were");
	printf("\nBy method\n");
	printf("  %-20s %6zu %6.1f%%\n", "btf", s->method[FIND_BTF],
	       pct(s->method[FIND_BTF], s->total));
	printf("  %-20s %6zu %6.1f%%\n", "kallsyms (guesses)", s->method[FIND_KALLSYMS],
	       pct(s->method[FIND_KALLSYMS], s->total));
	if (l->method_why)
		printf("  (%s)\n", l->method_why);
	printf("\nBy parameter\n");
	printf("  %-20s %6zu %6.1f%%\n", "struct sk_buff *", s->total - s->skb_pp - s->skb_const,
	       pct(s->total - s->skb_pp - s->skb_const, s->total));
	printf("  %-20s %6zu %6.1f%%\n", "const sk_buff *", s->skb_const,
	       pct(s->skb_const, s->total));
	printf("  %-20s %6zu %6.1f%%\n", "struct sk_buff **", s->skb_pp, pct(s->skb_pp, s->total));
	printf("\nTraceable\n");
	for (size_t i = 0; i < 3; i++)
		printf("  %-20s %6zu %6.1f%%\n", traceable__name(tr[i]), s->traceable[tr[i]],
		       pct(s->traceable[tr[i]], s->total));
	if (l->traceable_why)
		printf("  (unknown: %s)\n", l->traceable_why);
	printf("\nBy priority\n");
	for (int p = 0; p < PRIO_COUNT; p++)
		printf("  %-20s %6zu %6.1f%%\n", priority__name(p), s->prio[p],
		       pct(s->prio[p], s->total));
	printf("\nBy layer\n");
	layer_order(cfg, s, order);
	for (int i = 0; i < cfg->n_layers; i++)
		printf("  %-20s %6zu %6.1f%%\n", cfg->layers[order[i]].name, s->layer[order[i]],
		       pct(s->layer[order[i]], s->total));
}

static json_t *stats__json(const struct config *cfg, const struct func_list *l,
			   const struct stats *s)
{
	json_t *prio = json_object(), *layers = json_array();
	int order[MAX_LAYERS];

	for (int p = 0; p < PRIO_COUNT; p++)
		json_object_set_new(prio, priority__name(p), json_integer(s->prio[p]));
	layer_order(cfg, s, order);
	for (int i = 0; i < cfg->n_layers; i++)
		json_array_append_new(layers, json_pack("{s:s, s:I, s:f}", "layer",
							cfg->layers[order[i]].name, "count",
							(json_int_t)s->layer[order[i]], "percent",
							pct(s->layer[order[i]], s->total)));
	return json_pack(
		"{s:s, s:I, s:f, s:i, s:i, s:{s:I, s:I, s:s?}, s:{s:I, s:I}, s:{s:I, s:I, s:I, "
		"s:s?},"
		" s:o, s:o, s:f}",
		"kernel", s->kernel, "total", (json_int_t)s->total, "seconds", s->seconds,
		"modules", l->n_modules, "modules_failed", l->n_modules_failed, "method", "btf",
		(json_int_t)s->method[FIND_BTF], "kallsyms", (json_int_t)s->method[FIND_KALLSYMS],
		"why", l->method_why, "param", "const", (json_int_t)s->skb_const, "ptr_depth_2",
		(json_int_t)s->skb_pp, "traceable", "yes", (json_int_t)s->traceable[TRACE_YES],
		"no", (json_int_t)s->traceable[TRACE_NO], "unknown",
		(json_int_t)s->traceable[TRACE_UNKNOWN], "why", l->traceable_why, "priority", prio,
		"layers", layers, "unknown_percent", pct(s->layer[cfg->unknown_layer], s->total));
}

static json_t *funcs__json(const struct config *cfg, const struct func_list *l)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct skb_func *f = &l->v[i];

		json_array_append_new(arr,
				      json_pack("{s:s, s:s?, s:i, s:i, s:b, s:s, s:s, s:s, s:s}",
						"name", f->name, "module", f->module, "param",
						f->param_pos, "ptr_depth", f->ptr_depth, "const",
						f->is_const, "layer", cfg->layers[f->layer].name,
						"priority", priority__name(f->prio), "source",
						find_method__name(f->method), "traceable",
						traceable__name(f->traceable)));
	}
	return arr;
}

static int fill_json(FILE *f, void *arg)
{
	if (json_dumpf(arg, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER))
		return -EIO;
	return fputc('\n', f) == EOF ? -errno : 0;
}

struct trace_out {
	struct config *cfg;
	const char *header;
};

static int fill_yaml(FILE *f, void *arg)
{
	struct trace_out *t = arg;

	return config__write(t->cfg, f, t->header) ? -EIO : 0;
}

/* The configuration as loaded, with the chosen functions as its explicit trace list. */
static int write_trace_config(const char *path, struct config *cfg, const struct func_list *l,
			      const struct stats *s, long max_trace)
{
	const struct skb_func **sel = calloc(l->n + 1, sizeof(*sel));
	struct trace_func *funcs = calloc(l->n + 1, sizeof(*funcs));
	struct config out = *cfg;
	char header[512];
	size_t n;
	int rc;

	if (!sel || !funcs) {
		free(sel);
		free(funcs);
		return -ENOMEM;
	}
	if (max_trace >= 0)
		n = discover__select(l, cfg, PRIO_UNKNOWN, max_trace, sel);
	else
		n = discover__select(l, cfg, cfg->max_priority, cfg->max_functions, sel);
	for (size_t i = 0; i < n; i++)
		funcs[i] = (struct trace_func){ sel[i]->name, sel[i]->module, sel[i]->param_pos,
						sel[i]->ptr_depth };
	out.functions = funcs;
	out.n_functions = n;
	out.max_functions = 0;
	out.max_priority = PRIO_UNKNOWN;
	snprintf(header, sizeof(header),
		 "skbtop trace configuration written by `skbtop discover` on kernel %s:\n"
		 "the %zu best of %zu functions that take an skb, best priority first.\n"
		 "Use it with: skbtop --config %s",
		 s->kernel, n, s->total, path);
	rc = file__write_atomic(path, 0644, fill_yaml, &(struct trace_out){ &out, header });
	free(sel);
	free(funcs);
	return rc;
}

int cmd_discover(int argc, char **argv)
{
	enum {
		OPT_NO_BTF = 256,
		OPT_BTF_DIR,
		OPT_KALLSYMS
	};
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "layers", required_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "config-out", required_argument, NULL, 'w' },
		{ "max-trace", required_argument, NULL, 'n' },
		{ "no-btf", no_argument, NULL, OPT_NO_BTF },
		{ "btf-dir", required_argument, NULL, OPT_BTF_DIR },
		{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *config_path = NULL, *layers_path = NULL, *output = NULL, *config_out = NULL;
	struct discover_opts opts = { 0 };
	struct func_list list = { 0 };
	struct stats st = { 0 };
	struct config cfg;
	long max_trace = -1;
	bool json = false;
	char err[1024], *end;
	double t0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:L:o:w:n:jvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'L':
			layers_path = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'w':
			config_out = optarg;
			break;
		case 'n':
			errno = 0;
			max_trace = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || max_trace < 1 || max_trace > 100000) {
				p_err("--max-trace: expected a number from 1 to 100000, got '%s'",
				      optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_NO_BTF:
			opts.no_btf = true;
			break;
		case OPT_BTF_DIR:
			opts.btf_dir = optarg;
			break;
		case OPT_KALLSYMS:
			opts.kallsyms = optarg;
			break;
		case 'j':
			json = log_json = true;
			break;
		case 'v':
			log_verbosity++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		p_err("discover takes no argument '%s' (see skbtop discover --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (max_trace >= 0 && !config_out) {
		p_err("--max-trace only applies to --config-out");
		return EXIT_USAGE;
	}
	if (config__load(&cfg, config_path, layers_path, err, sizeof(err))) {
		p_err("%s", err);
		return EXIT_USAGE;
	}
	t0 = clock__ms() / 1e3;
	if (discover__run(&list, &opts, &cfg, err, sizeof(err))) {
		p_err("%s", err);
		config__free(&cfg);
		return 1;
	}
	st.seconds = clock__ms() / 1e3 - t0;
	stats__count(&st, &list);
	if (list.method_why)
		p_warn("%s: guessing skb functions from kallsyms names", list.method_why);

	rc = 0;
	if (output) {
		json_t *doc = json_pack("{s:i, s:o, s:o}", "version", 1, "stats",
					stats__json(&cfg, &list, &st), "functions",
					funcs__json(&cfg, &list));
		int wrc = doc ? file__write_atomic(output, 0644, fill_json, doc) : -ENOMEM;

		json_decref(doc);
		if (wrc) {
			p_err("cannot write %s: %s", output, strerror(-wrc));
			rc = 1;
		} else {
			p_info("wrote %zu functions to %s", list.n, output);
		}
	}
	if (!rc && config_out) {
		int wrc = write_trace_config(config_out, &cfg, &list, &st, max_trace);

		if (wrc) {
			p_err("cannot write %s: %s", config_out, strerror(-wrc));
			rc = 1;
		}
	}
	if (!rc && !output) {
		if (json) {
			json_t *doc = stats__json(&cfg, &list, &st);

			json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(doc);
		} else {
			print_text(&cfg, &list, &st);
		}
	}
	discover__free(&list);
	config__free(&cfg);
	kernel_btf__release();
	return rc;
}

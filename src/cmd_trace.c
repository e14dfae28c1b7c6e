// SPDX-License-Identifier: GPL-2.0
/*
 * skbtop itself: choose the backend, pick the functions, load and attach, then hand the events
 * to the TUI or print them (--stream) until the user stops, and leave nothing attached behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <regex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "core/kernel/backend.h"
#include "core/outputs/capture.h"
#include "core/discover/classify.h"
#include "core/base/config.h"
#include "core/kernel/cost.h"
#include "core/kernel/decode.h"
#include "core/discover/discover.h"
#include "core/outputs/export.h"
#include "core/filter/filter_opts.h"
#include "core/outputs/folded.h"
#include "core/kernel/kernel_btf.h"
#include "core/kernel/loader.h"
#include "core/base/log.h"
#include "core/outputs/metrics.h"
#include "core/outputs/metrics_http.h"
#include "core/session/names.h"
#include "core/session/session.h"
#include "core/base/signals.h"
#include "core/nft/nft_loader.h"
#include "core/nft/nft_nltrace.h"
#include "core/nft/nft_verdict.h"
#include "core/kernel/poller.h"
#include "core/kernel/queue.h"
#include "core/session/store.h"
#include "core/outputs/stream.h"
#include "ui/ui.h"
#include "core/base/clock.h"

#define QUEUE_SLOTS (1u << 16)
/* Tracepoints miss some frees: a packet quiet this long is no longer shown as in flight. */
#define UNSEEN_END_MS 5000
#define NFT_LATE_MS   1000 /* how long -w waits for the netlink trace's verdicts */

struct trace_args {
	bool stream;
	enum stream_format format;
	double duration;    /* seconds, 0 = until stopped */
	long max_functions; /* -1 = from the configuration */
	char *functions;    /* "a,b,c" */
	const char *config;
	const char *output;
	const char *folded; /* --folded FILE */
	const char *pcapng; /* -w FILE */
	long snaplen;	    /* --snaplen */
	bool metrics;	    /* --metrics [ADDR:]PORT, parsed into metrics_addr */
	struct sockaddr_storage metrics_addr;
	socklen_t metrics_len;
	const char *backend_word;
	long ringbuf_kb; /* -1 = from the configuration */
	char *proto, *host, *port;
	struct filter_opts filter;
	bool nft_rules_given; /* --nft-rules, else the configuration's */
	enum nft_rules_mode nft_rules;
	bool nft_netlink; /* --nft-netlink-trace */
	bool no_color;
	bool no_mouse;
	enum skbtop_empty empty_probes; /* --empty-probes[=emit] */
};

/* The ends of the start-up phases that -v reports. */
enum {
	PH_CONFIG,
	PH_BACKEND,
	PH_FUNCS,
	PH_LOAD,
	PH_NFT,
	PH_ATTACH,
	PH_SESSION, /* the store, the queue, the poller */
	PH_FRAME,   /* the screen's first update */
	PH_LIVE,    /* the screen's first update with the session running */
	PH_COUNT
};

/* Where the start is, for the screen that shows it while it goes on. */
enum start_stage {
	STAGE_BACKEND,
	STAGE_FUNCS,
	STAGE_LOAD,
	STAGE_NFT,
	STAGE_ATTACH,
	STAGE_DONE
};

static const char *const stage_text[] = {
	[STAGE_BACKEND] = "probing the kernel's tracing backends",
	[STAGE_FUNCS] = "choosing the functions to trace",
	[STAGE_LOAD] = "loading the BPF programs (the kernel verifies each)",
	[STAGE_NFT] = "loading the nftables brackets",
	[STAGE_ATTACH] = "attaching the probes",
};

struct trace {
	struct config cfg;
	struct names *names;
	struct store *store;
	struct queue *q;
	struct poller *poller;
	struct loader_preopen *preopen; /* until the loader takes it */
	struct loader *loader;
	struct nft_loader *nft;
	struct nft_chains_read *chains; /* until the nft loader takes it */
	struct cost *cost;
	struct session_kernel kernel; /* what the session reads of the loaders and the poller */
	struct session *session;
	struct func_list list; /* what discovery found: the functions' names live here */
	struct loader_func *funcs;
	size_t n_funcs;
	unsigned int skipped; /* functions left out before attaching (untraceable, bad parameter) */
	enum backend backend;
	enum backend want; /* --backend, else the configuration's */
	struct skbtop_filter_cfg kcfg;
	bool judge_all;	    /* every probe judges (see filter.everywhere), not only layers.yaml's */
	uint32_t tp_judges; /* the tracepoints that judge: bit (1 << enum skbtop_tp) */
	char why[256];
	char filter_text[512];
	struct pcapfilter pcap;	 /* the translated expression, until load */
	struct stream st;	 /* --stream */
	struct folded *folded;	 /* --folded: each journey added when it ends */
	struct capture *capture; /* -w: packets written as their journey ends */
	FILE *pcapng;
	struct metrics *metrics;
	struct metrics_http *http;
	/* start-up phases, for -v: where the time before the first event goes */
	double start_ms, phase_ms[PH_COUNT];
	uint64_t since_ns; /* before the first probe or trace socket: what they send is newer */
	bool nft_module;   /* nf_tables was loaded when kallsyms was first read */
	/* The screen's start: start() in a thread of its own while the screen shows how far it is.
	 * The thread writes only what start() makes; the screen reads it once the thread is joined.
	 */
	pthread_t starter;
	bool starter_on;
	bool unlinked;	    /* the probes are off: stop() is reading what they left */
	atomic_int stage;   /* enum start_stage */
	atomic_bool cancel; /* the user quit before the session ran */
	int start_rc;
	struct trace_args *args;
	struct loader_stats *ls;
	struct ui_feed *feed;
	char notice[300], nft_why[300]; /* what the screen shows of a degraded mode */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: skbtop [OPTIONS] [EXPRESSION]\n"
		"       skbtop --stream [--format text|json] [OPTIONS] [EXPRESSION]\n"
		"Follow packets through the kernel's network stack, function by function.\n"
		"EXPRESSION is a tcpdump filter (pcap-filter(7)); packets that match are "
		"followed.\n"
		"\n"
		"  -s, --stream             print events as lines instead of the screen\n"
		"  -f, --format text|json   line format of --stream (default text)\n"
		"  -o, --output FILE        at exit, save the session (JSON, mode 0600) for "
		"`skbtop replay`\n"
		"  -w FILE                  write the packets' first bytes to FILE as pcapng, "
		"each\n"
		"                           with its journey as comment ('-': stdout)\n"
		"      --snaplen N          bytes of each packet -w captures (default 128, at "
		"most\n"
		"                           %d; 0: none)\n"
		"      --folded FILE        at exit, write the packets' time as folded stacks\n"
		"                           (flamegraph.pl, inferno, speedscope; '-': stdout)\n"
		"      --metrics [ADDR:]PORT  serve Prometheus metrics on "
		"http://ADDR:PORT/metrics\n"
		"                           (ADDR defaults to 127.0.0.1)\n"
		"  -t, --duration SECS      stop after SECS seconds\n"
		"  -b, --backend NAME       auto, kprobe-multi, kprobe, fentry or tracepoint\n"
		"  -n, --max-functions N    attach the N best functions, of any priority (0: all)\n"
		"  -F, --functions a,b,c    attach exactly these functions\n"
		"  -c, --config FILE        configuration (default: $XDG_CONFIG_HOME/skbtop/"
		"skbtop.yaml,\n"
		"                           /etc/skbtop/skbtop.yaml, else built-in)\n"
		"      --ringbuf-kb N       BPF ring buffer size in KiB (a power of two)\n"
		"      --proto PROTO        only tcp, udp, icmp, icmp6, ... (added to EXPRESSION)\n"
		"      --host ADDR          only packets from or to ADDR (added to EXPRESSION)\n"
		"      --port PORT          only packets from or to PORT (added to EXPRESSION)\n"
		"      --nft-rules MODE     trace-key (adds a dormant table while tracing), "
		"immediate\n"
		"                           (partial, ruleset untouched) or off\n"
		"      --nft-netlink-trace  rule verdicts from the kernel's nftables trace, for "
		"kernels\n"
		"                           without kprobes: adds a table that marks every packet\n"
		"                           in the traced namespaces until skbtop exits\n"
		"                           (those of unprivileged users only when named\n"
		"                           by --filter-netns)\n"
		"      --netns, --ifname, --mark  short for the --filter-* options "
		"below\n" FILTER_OPTS_HELP
		"      --no-color           a screen without colours (as NO_COLOR=1 does)\n"
		"      --no-mouse           the screen ignores the mouse (ui.mouse: false)\n"
		"      --empty-probes       attach the same hooks with programs that do nothing "
		"and\n"
		"                           follow no packet: what the hooks alone cost (the "
		"floor\n"
		"                           `make bench` measures skbtop against); no nftables "
		"probes\n"
		"      --empty-probes=emit  the same, but each probe sends every skb it sees as a\n"
		"                           short event and does nothing else: the least a\n"
		"                           followed packet's event costs\n"
		"  -v, --verbose            say more (twice: debug, with libbpf's messages)\n"
		"  -h, --help               show this help\n"
		"  -V, --version            print the version and the libbpf it was built with\n"
		"\n"
		"The first Ctrl-C (or SIGTERM, SIGHUP) stops and detaches everything; a second one "
		"kills.\n"
		"\n"
		"Examples:\n"
		"  skbtop                                       the screen, every packet\n"
		"  skbtop --stream udp port 53                  DNS packets as text lines\n"
		"  skbtop --stream --format json --duration 10 -o s.json host 10.0.0.2\n"
		"  skbtop --backend tracepoint --filter-netns /run/netns/blue\n"
		"  skbtop replay s.json                         look at a saved session\n"
		"  skbtop --stream -w drops.pcapng udp port 53  and open drops.pcapng in "
		"Wireshark\n",
		SKBTOP_SNAP_MAX);
}

/* --proto, --host, --port are written as a tcpdump expression joined to the user's. */
static int build_expression(struct trace_args *a)
{
	const char *parts[4] = { a->filter.expr, a->proto, NULL, NULL };
	char host[300] = "", port[64] = "", *expr;
	size_t len = 1;

	if (a->host) {
		snprintf(host, sizeof(host), "host %s", a->host);
		parts[2] = host;
	}
	if (a->port) {
		snprintf(port, sizeof(port), "port %s", a->port);
		parts[3] = port;
	}
	if (!a->proto && !a->host && !a->port)
		return 0;
	for (int i = 0; i < 4; i++)
		if (parts[i])
			len += strlen(parts[i]) + 8;
	expr = calloc(1, len);
	if (!expr) {
		p_err("out of memory");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		if (!parts[i])
			continue;
		if (*expr)
			strcat(expr, " and ");
		strcat(expr, "(");
		strcat(expr, parts[i]);
		strcat(expr, ")");
	}
	free(a->filter.expr);
	a->filter.expr = expr;
	return 0;
}

static int parse_long(const char *opt, const char *arg, long min, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min) {
		p_err("%s: '%s' is not a number of at least %ld", opt, arg, min);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(struct trace_args *a, int argc, char **argv)
{
	enum {
		OPT_RINGBUF = 256,
		OPT_PROTO,
		OPT_HOST,
		OPT_PORT,
		OPT_FILTER,
		OPT_NFT_RULES,
		OPT_NFT_NETLINK,
		OPT_NO_COLOR,
		OPT_NO_MOUSE,
		OPT_EMPTY_PROBES,
		OPT_FOLDED,
		OPT_METRICS,
		OPT_SNAPLEN,
	};
	static const struct option opts[] = {
		{ "stream", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 't' },
		{ "backend", required_argument, NULL, 'b' },
		{ "max-functions", required_argument, NULL, 'n' },
		{ "functions", required_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ "ringbuf-kb", required_argument, NULL, OPT_RINGBUF },
		{ "proto", required_argument, NULL, OPT_PROTO },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "netns", required_argument, NULL, OPT_FILTER },
		{ "ifname", required_argument, NULL, OPT_FILTER },
		{ "mark", required_argument, NULL, OPT_FILTER },
		{ "filter-netns", required_argument, NULL, OPT_FILTER },
		{ "filter-ifname", required_argument, NULL, OPT_FILTER },
		{ "filter-mark", required_argument, NULL, OPT_FILTER },
		{ "filter-func", required_argument, NULL, OPT_FILTER },
		{ "filter-everywhere", no_argument, NULL, OPT_FILTER },
		{ "nft-rules", required_argument, NULL, OPT_NFT_RULES },
		{ "nft-netlink-trace", no_argument, NULL, OPT_NFT_NETLINK },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
		{ "empty-probes", optional_argument, NULL, OPT_EMPTY_PROBES },
		{ "folded", required_argument, NULL, OPT_FOLDED },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx;

	a->max_functions = -1;
	a->ringbuf_kb = -1;
	a->snaplen = 128;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+sf:o:w:t:b:n:F:c:vh", opts, &idx)) != -1) {
		char *end;
		long v;

		switch (c) {
		case 's':
			a->stream = true;
			break;
		case 'f':
			if (stream_format__parse(optarg, &a->format)) {
				p_err("--format: '%s' is neither text nor json", optarg);
				return -1;
			}
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'w':
			a->pcapng = optarg;
			break;
		case OPT_SNAPLEN:
			if (parse_long("--snaplen", optarg, 0, &a->snaplen))
				return -1;
			if (a->snaplen > SKBTOP_SNAP_MAX) {
				p_err("--snaplen: %ld is more than the %d bytes skbtop captures",
				      a->snaplen, SKBTOP_SNAP_MAX);
				return -1;
			}
			break;
		case 't':
			errno = 0;
			a->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(a->duration) ||
			    a->duration <= 0) {
				p_err("--duration: '%s' is not a positive number of seconds",
				      optarg);
				return -1;
			}
			break;
		case 'b':
			a->backend_word = optarg;
			break;
		case 'n':
			if (parse_long("--max-functions", optarg, 0, &a->max_functions))
				return -1;
			break;
		case 'F':
			free(a->functions);
			a->functions = strdup(optarg);
			break;
		case 'c':
			a->config = optarg;
			break;
		case OPT_RINGBUF:
			if (parse_long("--ringbuf-kb", optarg, 4, &v))
				return -1;
			a->ringbuf_kb = v;
			break;
		case OPT_PROTO:
			a->proto = optarg;
			break;
		case OPT_HOST:
			a->host = optarg;
			break;
		case OPT_PORT:
			a->port = optarg;
			break;
		case OPT_NFT_RULES:
			if (nft_loader__parse_rules(optarg, &a->nft_rules))
				return -1;
			a->nft_rules_given = true;
			break;
		case OPT_NFT_NETLINK:
			a->nft_netlink = true;
			break;
		case OPT_NO_COLOR:
			a->no_color = true;
			break;
		case OPT_NO_MOUSE:
			a->no_mouse = true;
			break;
		case OPT_EMPTY_PROBES:
			if (!optarg) {
				a->empty_probes = SKBTOP_EMPTY_RETURN;
			} else if (!strcmp(optarg, "emit")) {
				a->empty_probes = SKBTOP_EMPTY_EMIT;
			} else {
				p_err("--empty-probes: '%s' is not emit", optarg);
				return -1;
			}
			break;
		case OPT_FOLDED:
			a->folded = optarg;
			break;
		case OPT_METRICS:
			if (metrics_http__parse(optarg, &a->metrics_addr, &a->metrics_len))
				return -1;
			a->metrics = true;
			break;
		case OPT_FILTER: {
			char name[32];
			const char *n = opts[idx].name;

			if (strncmp(n, "filter-", 7)) {
				snprintf(name, sizeof(name), "filter-%s", n);
				n = name;
			}
			if (filter_opts__option(&a->filter, n, optarg))
				return -1;
			break;
		}
		case 'v':
			log_verbosity++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (a->format == STREAM_JSON && !a->stream)
		a->stream = true;
	if (filter_opts__set_expr(&a->filter, argc - optind, argv + optind))
		return -1;
	return build_expression(a);
}

/* addr: the function's entry from discovery, 0 for one named in the configuration. */
static void add_func(struct trace *t, const char *name, const char *module, int pos, int layer,
		     enum priority prio, uint32_t btf_id, uint64_t addr)
{
	struct loader_func *f = &t->funcs[t->n_funcs];

	f->name = name;
	f->module = module;
	f->param_pos = pos;
	f->btf_id = btf_id;
	f->id = (uint32_t)t->n_funcs;
	f->addr = addr;
	f->judge = t->judge_all || classify__judge(&t->cfg, name);
	names__add_probe(t->names, f->id, name, module, layer, prio);
	t->n_funcs++;
}

/* The functions that end an skb's life or clone it are attached whatever the cut: journeys need
 * them. */
static void add_lifecycle_funcs(struct trace *t, const struct func_list *list,
				const char *const *names)
{
	for (const char *const *e = names; *e; e++) {
		const struct skb_func *f = discover__find(list, *e);
		bool have = false;

		if (!f || f->traceable == TRACE_NO || f->param_pos != 1 || f->ptr_depth != 1)
			continue;
		for (size_t i = 0; i < t->n_funcs && !have; i++)
			have = !strcmp(t->funcs[i].name, f->name);
		if (!have)
			add_func(t, f->name, f->module, f->param_pos, f->layer, f->prio, f->btf_id,
				 f->addr);
	}
}

static bool func_wanted(const regex_t *re, const char *name)
{
	return !re || !regexec(re, name, 0, NULL, 0);
}

/*
 * The functions to attach: --functions, else the configuration's list, else discovery. Returns 0,
 * EXIT_USAGE for a bad name or expression, or -1.
 */
static int choose_functions(struct trace *t, const struct trace_args *a, struct func_list *list)
{
	struct discover_opts dopts = {};
	const struct skb_func **sel;
	regex_t re, *rep = NULL;
	char err[256];
	size_t n;
	int rc = -1;

	if (a->filter.func_regex) {
		if (regcomp(&re, a->filter.func_regex, REG_EXTENDED | REG_NOSUB)) {
			p_err("--filter-func: '%s' is not a valid regular expression",
			      a->filter.func_regex);
			return EXIT_USAGE;
		}
		rep = &re;
	}
	if (t->backend == BACKEND_TRACEPOINT) {
		if (a->functions || t->cfg.n_functions || rep)
			p_warn("the tracepoint backend attaches no function: the function choice "
			       "is "
			       "ignored");
		rc = 0;
		goto out;
	}
	if (t->cfg.n_functions && !a->functions) {
		t->funcs = calloc(t->cfg.n_functions, sizeof(*t->funcs));
		if (!t->funcs)
			goto out;
		for (size_t i = 0; i < t->cfg.n_functions; i++) {
			const struct trace_func *f = &t->cfg.functions[i];
			enum priority prio;
			int layer;

			if (!func_wanted(rep, f->name))
				continue;
			/* Like discovery: the probe reads a struct sk_buff *, not a **. */
			if (f->ptr_depth != 1) {
				t->skipped++;
				continue;
			}
			classify__name(&t->cfg, f->name, &layer, &prio);
			add_func(t, f->name, f->module, f->param_pos, layer, prio, 0, 0);
		}
		rc = 0;
		goto out;
	}
	if (discover__run(list, &dopts, &t->cfg, err, sizeof(err))) {
		p_err("%s", err);
		goto out;
	}
	if (!list->traceable_known)
		p_warn("which functions the kernel lets us probe is unknown (%s): some may fail",
		       list->traceable_why ? list->traceable_why : "no tracefs");
	t->funcs = calloc(list->n + 1, sizeof(*t->funcs));
	sel = calloc(list->n + 1, sizeof(*sel));
	if (!t->funcs || !sel) {
		free(sel);
		p_err("out of memory");
		goto out;
	}
	if (a->functions) {
		char *save = NULL;

		for (char *name = strtok_r(a->functions, ",", &save); name;
		     name = strtok_r(NULL, ",", &save)) {
			const struct skb_func *f = discover__find(list, name);

			if (!f) {
				p_err("--functions: the kernel has no function '%s' taking an skb",
				      name);
				free(sel);
				rc = EXIT_USAGE;
				goto out;
			}
			add_func(t, f->name, f->module, f->param_pos, f->layer, f->prio, f->btf_id,
				 f->addr);
		}
		free(sel);
		rc = 0;
		goto out;
	}
	n = discover__select(list, &t->cfg, t->cfg.max_priority, 0, sel);
	for (size_t i = 0; i < n; i++) {
		const struct skb_func *f = sel[i];

		if (!func_wanted(rep, f->name))
			continue;
		if (t->cfg.max_functions && t->n_funcs >= t->cfg.max_functions)
			break;
		if (f->ptr_depth != 1) {
			t->skipped++;
			continue;
		}
		add_func(t, f->name, f->module, f->param_pos, f->layer, f->prio, f->btf_id,
			 f->addr);
	}
	add_lifecycle_funcs(t, list, loader_end_funcs);
	add_lifecycle_funcs(t, list, loader_clone_funcs);
	for (size_t i = 0; i < list->n; i++)
		if (list->v[i].traceable == TRACE_NO)
			t->skipped++;
	free(sel);
	rc = 0;
out:
	if (rep)
		regfree(rep);
	return rc;
}

static void add_tracepoint_names(struct trace *t)
{
	_Static_assert(SKBTOP_TP_COUNT <= 32, "tp_judges holds a bit per tracepoint");
	for (uint32_t tp = 0; tp < SKBTOP_TP_COUNT; tp++) {
		const char *name = names__tp_name(tp);
		enum priority prio;
		int layer;

		if (!name)
			continue;
		classify__name(&t->cfg, name, &layer, &prio);
		names__add_probe(t->names, SKBTOP_TP_FLAG | tp, name, NULL, layer, prio);
		if (t->judge_all || classify__judge(&t->cfg, name))
			t->tp_judges |= 1u << tp;
	}
}

/* The poller thread must not take the signals: they are for the main loop. */
static struct poller *start_poller(struct trace *t, char *err, size_t errlen)
{
	sigset_t all, old;
	struct loader_shared_fds fds;
	struct poller *p;

	loader__shared_fds(t->loader, &fds);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	p = poller__start(fds.events, t->q, t->cfg.track_max, err, errlen);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p;
}

/* The programs of both objects, from now on. */
static int start_cost(struct trace *t)
{
	t->cost = cost__new(t->poller);
	if (!t->cost) {
		p_err("out of memory");
		return -1;
	}
	loader__for_each_prog(t->loader, cost__add_prog, t->cost);
	nft_loader__for_each_prog(t->nft, cost__add_prog, t->cost);
	cost__start(t->cost);
	if (!cost__live(t->cost)->bpf_known)
		p_warn("cost: BPF run time not shown, %s", cost__live(t->cost)->bpf_why);
	return 0;
}

static void run_stream(struct trace *t, const struct trace_args *a)
{
	double end = a->duration > 0 ? clock__ms() + a->duration * 1e3 : 0;
	struct timespec nap = { 0, 10 * 1000 * 1000 };

	while (!signals__stop() && (!end || clock__ms() < end)) {
		if (!session__pump(t->session, t->store)) {
			fflush(stdout);
			nanosleep(&nap, NULL);
		}
	}
}

static void print_status(const struct trace *t, const struct loader_stats *ls)
{
	fprintf(stderr, "skbtop: backend %s (%s)\n", backend__label(t->backend), t->why);
	fprintf(stderr,
		"skbtop: functions: %u attached, %u failed, %u skipped; tracepoints: %u attached, "
		"%u failed, %u not in this kernel\n",
		ls->attached, ls->failed, ls->skipped + t->skipped, ls->tp_attached, ls->tp_failed,
		ls->tp_skipped);
	if (ls->clone_probes)
		fprintf(stderr, "skbtop: clones and copies linked to their parent (%u probes)\n",
			ls->clone_probes);
	if (ls->failed && ls->first_error[0])
		fprintf(stderr, "skbtop: first attach failure: %s\n", ls->first_error);
	fprintf(stderr, "skbtop: load %.1f ms, attach %.1f ms\n", ls->load_ms, ls->attach_ms);
	p_info("start-up: options and configuration %.0f ms, backend probe %.0f ms, "
	       "function choice %.0f ms, BPF load %.0f ms, nft %.0f ms, attach %.0f ms",
	       t->phase_ms[PH_CONFIG] - t->start_ms,
	       t->phase_ms[PH_BACKEND] - t->phase_ms[PH_CONFIG],
	       t->phase_ms[PH_FUNCS] - t->phase_ms[PH_BACKEND],
	       t->phase_ms[PH_LOAD] - t->phase_ms[PH_FUNCS],
	       t->phase_ms[PH_NFT] - t->phase_ms[PH_LOAD],
	       t->phase_ms[PH_ATTACH] - t->phase_ms[PH_NFT]);
}

/* What the kernel side sent and lost, so that a reader can check nothing vanished on the way. */
static void print_counts(const struct trace *t)
{
	const struct nft_nltrace *nl = t->kernel.nl;
	const struct store_stats *ss = store__stats(t->store);
	uint64_t cnt[SKBTOP_CNT_MAX];

	if (loader__counters(t->loader, cnt))
		return;
	fprintf(stderr,
		"skbtop: kernel: %" PRIu64 " events sent, %" PRIu64
		" lost (ring buffer full), %" PRIu64 " skbs tracked, %" PRIu64
		" given up (table full), %" PRId64 " still followed; user space: %" PRIu64
		" lost (queue full), %" PRIu64 " refused\n",
		cnt[SKBTOP_CNT_EVENTS], cnt[SKBTOP_CNT_RB_FAIL], cnt[SKBTOP_CNT_TRACKED],
		cnt[SKBTOP_CNT_TRACK_FULL], loader__live(t->loader), ss->lost_queue,
		ss->bad_records);
	p_debug("tracking table: %" PRId64 " entries at exit, ended or not",
		loader__entries(t->loader));
	if (t->poller) {
		struct poller_stats ps;

		poller__stats(t->poller, &ps);
		if (ps.unbased)
			fprintf(stderr,
				"skbtop: user space: %" PRIu64
				" short records without their packet's headers (its full record "
				"was "
				"not at hand)\n",
				ps.unbased);
	}
	if (nl) {
		const struct nft_join_stats *js = session__join_stats(t->session);
		struct nft_nltrace_stats ns;

		nft_nltrace__stats(nl, &ns);
		fprintf(stderr,
			"skbtop: nft netlink trace: %" PRIu64 " rule events, %" PRIu64
			" joined to a packet, %" PRIu64
			" matched no packet held (untracked, filtered out or evicted); %" PRIu64
			" socket overruns (events lost), %" PRIu64
			" refused (too many waiting), %" PRIu64
			" datagrams refused (not from the kernel or malformed)\n",
			ns.events, js->joined, js->unmatched, ns.overruns, js->dropped, ns.refused);
	}
}

static void status_notice(const struct trace *t, char *buf, size_t len)
{
	/* The first line of the header says why: this one says what it costs. */
	if (t->backend == BACKEND_TRACEPOINT)
		snprintf(buf, len, "tracepoints only: fewer functions, some ends unseen");
	else
		buf[0] = '\0';
}

/* -w: the file is opened before loading, so that a bad path costs no attach. */
static int start_capture(struct trace *t, const struct trace_args *a)
{
	int fd;

	if (!strcmp(a->pcapng, "-")) {
		t->pcapng = stdout;
	} else {
		/* Packet bytes are the user's traffic: readable by the owner only, like sessions.
		 */
		fd = open(a->pcapng, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		t->pcapng = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!t->pcapng) {
			p_err("-w %s: %s", a->pcapng, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	setvbuf(t->pcapng, NULL, _IOFBF, 1 << 16);
	/* The netlink trace's verdicts join a journey after its end: its packets wait for them. */
	t->capture = capture__new(t->pcapng, (uint32_t)a->snaplen, a->nft_netlink ? NFT_LATE_MS : 0,
				  t->names, &t->cfg);
	if (!t->capture) {
		p_err("out of memory");
		return -1;
	}
	return 0;
}

/* The journeys still in flight are written, then what the capture did is said. */
static int finish_capture(struct trace *t, const struct trace_args *a)
{
	const struct capture_stats *cs;
	int err;

	capture__finish(t->capture, t->store);
	cs = capture__stats(t->capture);
	err = cs->write_error;
	if (t->pcapng != stdout && fclose(t->pcapng) && !err)
		err = -errno;
	t->pcapng = NULL;
	fprintf(stderr,
		"skbtop: pcapng: %" PRIu64 " packets written to %s, %" PRIu64 " captures lost\n",
		cs->packets, a->pcapng, cs->lost);
	if (err)
		p_err("-w %s: %s", a->pcapng, strerror(-err));
	return err ? -1 : 0;
}

/* The journeys still in flight join the ended ones, then the file is written. */
static int save_folded(struct trace *t, const char *path)
{
	for (size_t i = 0; i < store__len(t->store); i++) {
		const struct journey *j = store__at(t->store, i);

		if (!j->ended && folded__add(t->folded, j)) {
			p_err("folded stacks: out of memory");
			return -1;
		}
	}
	return folded__save(t->folded, path);
}

/*
 * The options that need the configuration, before anything is started. Returns 0, EXIT_USAGE
 * or 1, said.
 */
static int prepare(struct trace *t, struct trace_args *a)
{
	t->want = t->cfg.backend;
	if (a->backend_word && backend__parse(a->backend_word, &t->want)) {
		p_err("--backend: '%s' is not one of auto, kprobe-multi, kprobe, fentry, "
		      "tracepoint",
		      a->backend_word);
		return EXIT_USAGE;
	}
	/* -n asks for a number of functions: the best ones, whatever their priority. */
	if (a->max_functions >= 0) {
		t->cfg.max_functions = (uint32_t)a->max_functions;
		t->cfg.max_priority = PRIO_UNKNOWN;
	}
	if (a->ringbuf_kb > 0)
		t->cfg.ringbuf_kb = (uint32_t)a->ringbuf_kb;
	if (filter_opts__from_config(&a->filter, &t->cfg) ||
	    filter_opts__resolve(&a->filter, &t->kcfg))
		return EXIT_USAGE;
	if (filter_opts__compile(&a->filter, &t->pcap, &t->kcfg))
		return EXIT_USAGE;
	filter_opts__describe(&a->filter, t->filter_text, sizeof(t->filter_text));
	t->judge_all = a->filter.everywhere || !filter_opts__selective(&a->filter);
	t->names = names__new();
	if (!t->names) {
		p_err("out of memory");
		return 1;
	}
	/* From here on a signal stops cleanly, even during a long attach. */
	signals__install();
	t->phase_ms[PH_CONFIG] = clock__ms();
	return 0;
}

/* The user or a signal asked to stop: the start goes no further. */
static bool stopping(struct trace *t)
{
	return signals__stop() || atomic_load(&t->cancel);
}

/*
 * Start: the backend, the functions, both loaders loaded and attached. Returns 0, EXIT_USAGE for
 * a bad option, or 1; 0 too when asked to stop on the way. What it made is freed by teardown.
 */
static int start(struct trace *t, struct trace_args *a, struct loader_stats *ls)
{
	struct loader_opts lo = {};
	struct nft_loader_opts no = {};
	struct skbtop_filter_cfg *kcfg = &t->kcfg;
	struct backend_probe bp;
	char err[512];
	int rc;

	atomic_store(&t->stage, STAGE_BACKEND);
	backend__probe(&bp);
	if (backend__choose(&bp, t->want, &t->backend, t->why, sizeof(t->why), err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	t->phase_ms[PH_BACKEND] = clock__ms();
	/* The floor has none of nft's probes or brackets. The chains to bracket are read while the
	 * BPF object loads. */
	if (!a->empty_probes) {
		no.rules = a->nft_rules_given ? a->nft_rules : t->cfg.nft_rules;
		no.kprobes = t->backend != BACKEND_TRACEPOINT;
		/* Measured in the guests: on 6.1 (no kprobe.multi) trampolines cost less than
		 * kprobes and kretprobes (nf_hook_slow's kretprobe 460 instructions a datagram
		 * more than an fexit), on 6.12 more (560 a datagram more): the kernels with
		 * kprobe.multi have the cheaper kprobes. */
		no.trampolines = bp.fentry && !bp.kprobe_multi;
		no.netlink_trace = a->nft_netlink;
		no.netns = kcfg->netns;
		no.cfg = &t->cfg;
		t->chains = nft_loader__read_chains(&no);
	}
	atomic_store(&t->stage, STAGE_FUNCS);
	names__warm(t->names, kcfg->netns);
	/* The floor sends no event to name. */
	if (!a->empty_probes) {
		t->nft_module = access("/sys/module/nf_tables", F_OK) == 0;
		names__read_kallsyms(t->names);
	}
	names__load_drop_reasons(t->names, NULL);
	add_tracepoint_names(t);
	rc = choose_functions(t, a, &t->list);
	if (rc)
		return rc == EXIT_USAGE ? EXIT_USAGE : 1;
	if (!t->judge_all) {
		size_t judges = 0;

		for (size_t i = 0; i < t->n_funcs; i++)
			judges += t->funcs[i].judge;
		p_debug("the filter judges packets not yet followed at %d of %d tracepoints and "
			"%zu "
			"of %zu functions (layers.yaml's judge list; --filter-everywhere: all)",
			__builtin_popcount(t->tp_judges), SKBTOP_TP_COUNT, judges, t->n_funcs);
	}
	t->phase_ms[PH_FUNCS] = clock__ms();
	if (stopping(t))
		return 0;
	atomic_store(&t->stage, STAGE_LOAD);

	if (a->pcapng && start_capture(t, a))
		return 1;
	lo.backend = t->backend;
	lo.ringbuf_kb = t->cfg.ringbuf_kb;
	lo.track_max = t->cfg.track_max;
	lo.filter = kcfg;
	lo.pcap = kcfg->pcap ? &t->pcap : NULL;
	lo.funcs = t->funcs;
	lo.n_funcs = t->n_funcs;
	lo.empty_probes = a->empty_probes;
	/* Also for the floor, whose hooks must be skbtop's: kprobes where skbtop puts kprobes. */
	lo.kprobed = nft_loader_kprobed;
	lo.hook_entry = nft_loader_kprobed[NFT_KP_HOOK_SLOW];
	lo.tp_judges = t->tp_judges;
	/* Only an output that writes bytes has the kernel copy them. */
	lo.snaplen = t->capture ? (uint32_t)a->snaplen : 0;
	lo.preopen = t->preopen;
	t->preopen = NULL;
	t->loader = loader__new(&lo, err, sizeof(err));
	if (!t->loader) {
		p_err("%s", err);
		return 1;
	}
	t->phase_ms[PH_LOAD] = clock__ms();
	t->since_ns = clock__ns();
	if (stopping(t))
		return 0;
	atomic_store(&t->stage, STAGE_NFT);
	/* Before the main attach, so a chain's drop is reported before the skb's free. */
	if (!a->empty_probes) {
		no.names = t->names;
		no.ksyms = t->nft_module ? names__kallsyms(t->names) : NULL;
		loader__shared_fds(t->loader, &no.fds);
		no.chains = t->chains;
		no.hook_frames_kept = loader__keeps_hook_frames(t->loader);
		t->chains = NULL;
		t->nft = nft_loader__new(&no);
		if (!t->nft) {
			p_err("out of memory");
			return 1;
		}
		loader__hook_exits(t->loader, nft_loader__hook_exits(t->nft));
		/* Its trace key's table loaded nf_tables, whose functions name nftables' drops. */
		if (!t->nft_module && access("/sys/module/nf_tables", F_OK) == 0)
			names__read_kallsyms(t->names);
	}
	t->phase_ms[PH_NFT] = clock__ms();
	if (stopping(t))
		return 0;
	atomic_store(&t->stage, STAGE_ATTACH);
	/* Read while the objects loaded: the first drop named must not hold up the decoder. */
	names__wait_kallsyms(t->names);
	if (loader__attach(t->loader, ls, err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	t->phase_ms[PH_ATTACH] = clock__ms();
	return 0;
}

static void *start_thread(void *arg)
{
	struct trace *t = arg;

	t->start_rc = start(t, t->args, t->ls);
	atomic_store(&t->stage, STAGE_DONE);
	return NULL;
}

/* The store and what writes files: what the screen needs before the session runs. */
static int open_store(struct trace *t, const struct trace_args *a)
{
	t->store = store__new(t->cfg.max_packets, t->cfg.max_events_per_packet, &t->cfg, t->names);
	t->q = queue__new(QUEUE_SLOTS, sizeof(struct decode_slot));
	if (a->folded)
		t->folded = folded__new(&t->cfg, t->names);
	if (a->metrics)
		t->metrics = metrics__new(&t->cfg, t->names);
	if (!t->store || !t->q || (a->folded && !t->folded) || (a->metrics && !t->metrics)) {
		p_err("out of memory");
		return -1;
	}
	return 0;
}

/* The poller and the cost, joined with the store and the outputs by the session. */
static int open_session(struct trace *t, const struct trace_args *a)
{
	struct session_source src;
	struct session_outputs out = {};
	char err[512];

	t->poller = start_poller(t, err, sizeof(err));
	if (!t->poller) {
		p_err("%s", err);
		return -1;
	}
	if (start_cost(t))
		return -1;
	t->phase_ms[PH_SESSION] = clock__ms();
	if (a->metrics) {
		t->http = metrics_http__start(&a->metrics_addr, a->metrics_len);
		if (!t->http)
			return -1;
		fprintf(stderr, "skbtop: metrics on %s\n", metrics_http__url(t->http));
	}
	if (a->stream) {
		static char out_buf[1 << 16];

		/* Large writes: at hundreds of thousands of lines a second each write is felt. A
		 * terminal keeps its lines as they come. */
		if (!isatty(STDOUT_FILENO))
			setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
		t->st.f = stdout;
		t->st.format = a->format;
		t->st.names = t->names;
		t->st.cfg = &t->cfg;
		t->st.store = t->store;
		out.stream = &t->st;
	}
	out.folded = t->folded;
	out.capture = t->capture;
	out.metrics = t->metrics;
	out.http = t->http;
	out.cost = t->cost;
	t->kernel = (struct session_kernel){ t->poller, t->loader, nft_loader__nltrace(t->nft) };
	session__kernel_source(&t->kernel, &src);
	src.since_ns = t->since_ns;
	t->session = session__new(t->store, t->q, &src, &out);
	if (!t->session) {
		p_err("out of memory");
		return -1;
	}
	return 0;
}

static size_t screen_pump(void *ctx, struct store *s)
{
	return session__pump(((struct trace *)ctx)->session, s);
}

static void screen_clear(void *ctx, struct store *s)
{
	session__clear(((struct trace *)ctx)->session, s);
}

static void screen_drawn(void *ctx)
{
	struct trace *t = ctx;

	if (!t->phase_ms[PH_FRAME])
		t->phase_ms[PH_FRAME] = clock__ms();
	if (!t->phase_ms[PH_LIVE] && t->session)
		t->phase_ms[PH_LIVE] = clock__ms();
}

/* What the screen shows of the session: what tracing was set up, and what it lacks. */
static void fill_feed(struct trace *t, struct ui_feed *feed, const struct loader_stats *ls)
{
	feed->backend = backend__label(t->backend);
	feed->backend_why = t->why;
	feed->attached = ls->attached;
	feed->tp_attached = ls->tp_attached;
	feed->failed = ls->failed;
	feed->skipped = ls->skipped + t->skipped;
	feed->cost = cost__live(t->cost);
	status_notice(t, t->notice, sizeof(t->notice));
	feed->notice = t->notice[0] ? t->notice : NULL;
	if (t->backend == BACKEND_TRACEPOINT)
		feed->unseen_end_ms = UNSEEN_END_MS;
	/* Without kprobes a packet with no nft events may still have met rules we cannot see. */
	if (t->backend == BACKEND_TRACEPOINT && !t->kernel.nl) {
		snprintf(t->nft_why, sizeof(t->nft_why),
			 "rule verdicts need kprobes or fentry (tracepoint backend); %s",
			 nft_loader__status(t->nft));
		feed->nft_why = t->nft_why;
	}
}

/*
 * The screen's start-up, on the screen's thread: once the start thread is done, the session is
 * opened here and the screen sees it live. A failure is said on stderr, held until the screen
 * closes.
 */
static const char *screen_starting(void *ctx, bool *failed)
{
	struct trace *t = ctx;
	int stage = atomic_load(&t->stage);

	if (!t->starter_on)
		return NULL;
	if (stage != STAGE_DONE)
		return stage_text[stage];
	pthread_join(t->starter, NULL);
	t->starter_on = false;
	/* A signal during the start: the screen sees it and closes. */
	if (t->start_rc || signals__stop() || open_session(t, t->args)) {
		t->start_rc = t->start_rc ? t->start_rc : !signals__stop();
		*failed = true;
		return NULL;
	}
	print_status(t, t->ls);
	fill_feed(t, t->feed, t->ls);
	return NULL;
}

/* Both loaders' probes off, once; the time it took is said. Their maps and programs stay. */
static void unlink_probes(struct trace *t)
{
	double t0 = clock__ms();

	if (!t->loader || t->unlinked)
		return;
	nft_loader__unlink(t->nft);
	loader__unlink(t->loader);
	t->unlinked = true;
	fprintf(stderr, "skbtop: detached in %.1f ms\n", clock__ms() - t0);
}

/* Both loaders freed, their probes off first. The session reads them no more. */
static void detach(struct trace *t)
{
	unlink_probes(t);
	nft_loader__detach(t->nft);
	t->kernel.nl = NULL;
	loader__free(t->loader);
	t->loader = NULL;
	t->kernel.loader = NULL;
}

/* Stop: the rest of the events, the counts, the detach, then the files. Returns 0 or 1. */
static int stop(struct trace *t, const struct trace_args *a)
{
	struct cost_figures session;
	int rc = 0;

	/* The session's cost ends where tracing does, not after the detach's waits. */
	cost__finish(t->cost, &session);
	/* Probes off next: every event counted as sent is then in the ring buffer, and the last
	 * read below takes it. Then stop reading, and take what is still in the ring and the queue.
	 */
	unlink_probes(t);
	poller__stop(t->poller);
	session__finish(t->session);
	if (t->http)
		fprintf(stderr, "skbtop: metrics: %lu requests answered\n",
			metrics_http__requests(t->http));
	t->st.cost = &session;
	print_counts(t);
	/* The screen's users see the session's cost too, once the screen is gone. */
	fputs("skbtop: cost:", stderr);
	stream__cost_text(stderr, &session);
	fputc('\n', stderr);
	detach(t);
	if (a->stream) {
		fflush(stdout);
		stream__stats(&t->st, t->store);
		nft_verdict__stats(stdout, t->store, a->format == STREAM_JSON);
	}
	if (a->folded && save_folded(t, a->folded))
		rc = 1;
	if (t->capture && finish_capture(t, a))
		rc = 1;
	if (a->output) {
		struct export_meta m = { .backend = backend__label(t->backend), .cost = &session };

		if (export__session(a->output, t->store, t->names, &t->cfg, &m))
			rc = 1;
	}
	return rc;
}

/* The screen from the start: the session is started in a thread while the screen shows how far
 * it got. Returns 0, or 1 / EXIT_USAGE with the error said once the screen closed. */
static int follow_screen(struct trace *t, struct trace_args *a, struct loader_stats *ls)
{
	struct ui_feed feed = {
		.pump = screen_pump,
		.clear = screen_clear,
		.starting = screen_starting,
		.drawn = screen_drawn,
		.ctx = t,
		.live = true,
		.filter = t->filter_text,
	};
	int rc;

	if (open_store(t, a))
		return 1;
	t->args = a;
	t->ls = ls;
	t->feed = &feed;
	atomic_store(&t->stage, STAGE_BACKEND);
	if (signals__thread(&t->starter, start_thread, t)) {
		p_err("cannot start a thread: %s", strerror(errno));
		return 1;
	}
	t->starter_on = true;
	rc = ui__run(t->store, t->names, &t->cfg, &feed);
	/* Quit before the session ran: the start stops at its next step, and what it made is
	 * undone by the teardown. */
	if (t->starter_on) {
		atomic_store(&t->cancel, true);
		pthread_join(t->starter, NULL);
		t->starter_on = false;
		return rc ? rc : t->start_rc;
	}
	if (!t->session)
		return t->start_rc;
	if (t->phase_ms[PH_LIVE])
		p_info("start-up: first frame %.0f ms after start, live %.0f ms after start "
		       "(session %.0f ms, screen %.0f ms)",
		       t->phase_ms[PH_FRAME] - t->start_ms, t->phase_ms[PH_LIVE] - t->start_ms,
		       t->phase_ms[PH_SESSION] - t->phase_ms[PH_ATTACH],
		       t->phase_ms[PH_LIVE] - t->phase_ms[PH_SESSION]);
	return stop(t, a) ? 1 : rc;
}

/* --stream: the start, then the lines until the user or --duration stops. */
static int follow_stream(struct trace *t, struct trace_args *a, struct loader_stats *ls)
{
	int rc = start(t, a, ls);

	/* A signal during the attach: nothing was followed, nothing is to be said of it. */
	if (rc || signals__stop())
		return rc;
	print_status(t, ls);
	if (open_store(t, a) || open_session(t, a))
		return 1;
	run_stream(t, a);
	return stop(t, a);
}

/* Everything start and open_session made, however far they got. */
static void teardown(struct trace *t)
{
	metrics_http__stop(t->http);
	cost__free(t->cost);
	poller__free(t->poller);
	session__free(t->session);
	detach(t);
	loader__preopen_free(t->preopen);
	nft_loader__chains_free(t->chains);
	nft_loader__free(t->nft);
	discover__free(&t->list);
	folded__free(t->folded);
	capture__free(t->capture);
	if (t->pcapng && t->pcapng != stdout)
		fclose(t->pcapng);
	metrics__free(t->metrics);
	store__free(t->store);
	queue__free(t->q);
	names__free(t->names);
	free(t->funcs);
	pcapfilter__free(&t->pcap);
	config__free(&t->cfg);
	kernel_btf__release();
}

/* Say so before tracing, not after the user waited: the file is only written at exit. */
static bool output_unwritable(const char *opt, const char *path)
{
	char *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";
	bool bad = strcmp(path, "-") && access(dir, W_OK | X_OK) != 0;

	if (bad)
		p_err("%s %s: cannot write in %s: %s", opt, path, dir, strerror(errno));
	free(copy);
	return bad;
}

/* The options that cannot go together, or need what is not there. */
static int check_args(const struct trace_args *a)
{
	if (!a->stream && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		p_err("the screen needs a terminal: use --stream for lines, or run in a terminal");
		return 1;
	}
	if ((a->output && output_unwritable("--output", a->output)) ||
	    (a->folded && output_unwritable("--folded", a->folded)))
		return EXIT_USAGE;
	if (a->pcapng && !a->snaplen) {
		p_err("-w with --snaplen 0 would write no packet: give a snap length, or no -w");
		return EXIT_USAGE;
	}
	if (a->pcapng && !strcmp(a->pcapng, "-") && a->stream) {
		p_err("-w - writes pcapng to stdout, where --stream writes its lines: choose one");
		return EXIT_USAGE;
	}
	if (a->empty_probes && a->nft_netlink) {
		p_err("--empty-probes follows no packet: it cannot go with --nft-netlink-trace");
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_args a = {};
	struct trace t = {};
	struct loader_stats ls = {};
	char err[512];
	int rc;

	t.start_ms = clock__ms();
	if (parse_args(&a, argc, argv)) {
		rc = EXIT_USAGE;
		goto out_args;
	}
	rc = check_args(&a);
	if (rc)
		goto out_args;
	if (geteuid() != 0)
		p_warn("not running as root: loading BPF programs will probably be refused");
	/* The object and libbpf's read of the kernel's BTF, while the configuration is read and
	 * the backend probed. */
	t.preopen = loader__preopen();
	if (config__load(&t.cfg, a.config, NULL, err, sizeof(err))) {
		p_err("%s", err);
		loader__preopen_free(t.preopen);
		rc = EXIT_USAGE;
		goto out_args;
	}
	if (a.no_color)
		t.cfg.color = false;
	if (a.no_mouse)
		t.cfg.mouse = false;
	if (a.nft_netlink && a.nft_rules_given)
		p_warn("--nft-rules %s is not used: --nft-netlink-trace gives the rule verdicts",
		       nft_rules__name(a.nft_rules));
	rc = prepare(&t, &a);
	if (!rc)
		rc = a.stream ? follow_stream(&t, &a, &ls) : follow_screen(&t, &a, &ls);
	teardown(&t);
out_args:
	filter_opts__free(&a.filter);
	free(a.functions);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filter's command-line options and `filter:` settings, parsed into one plain struct, and
 * their resolution (namespace paths, interface names) into the rodata struct the kernel side
 * reads (bpf/filter_cfg.bpf.h). No libbpf here: the loader copies the result into the skeleton.
 */
#ifndef SKBTOP_FILTER_OPTS_H
#define SKBTOP_FILTER_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "filter_cfg.bpf.h"
#include "core/filter/pcapfilter.h"

struct config;

struct filter_opts {
	char *expr;	  /* tcpdump expression, NULL = every packet */
	char *netns;	  /* inode number or a path (/proc/PID/ns/net, /run/netns/NAME) */
	char *ifname;	  /* resolved in netns (or skbtop's own namespace) */
	char *func_regex; /* functions to attach (POSIX extended regex), NULL = all */
	uint32_t mark, mark_mask;
	bool has_mark;
	bool everywhere; /* judge at every probe (filter.everywhere) */
};

/* Long options for getopt_long, and their help text; filter_opts__option() handles them. */
#define FILTER_OPTS_HELP                                                                           \
	"  --filter-netns INODE|PATH  only packets in this network namespace\n"                    \
	"                             (inode, /proc/PID/ns/net or /run/netns/NAME)\n"              \
	"  --filter-ifname NAME       only packets on this interface (of that namespace)\n"        \
	"  --filter-mark MARK[/MASK]  only packets with skb->mark & MASK == MARK\n"                \
	"  --filter-func REGEX        attach only to functions matching REGEX\n"                   \
	"  --filter-everywhere        judge packets at every probe, not only where they enter\n"   \
	"                             the stack or end: journeys start earlier, costs more\n"

/*
 * Applies one option (name without the leading "--") with its argument. Returns 1 when the name
 * is not a filter option, 0 when applied, -1 after p_err() on a bad argument.
 */
int filter_opts__option(struct filter_opts *o, const char *name, const char *arg);

/* The expression from the trailing arguments, joined by spaces as tcpdump does. */
int filter_opts__set_expr(struct filter_opts *o, int argc, char *const argv[]);

/* Takes the `filter:` settings of cfg for every option the command line left unset. */
int filter_opts__from_config(struct filter_opts *o, const struct config *cfg);

/* o picks packets (an expression, a namespace, an interface, a mark): without, every packet is
 * followed from the first function it meets, so every function judges. */
bool filter_opts__selective(const struct filter_opts *o);

/* "MARK" or "MARK/MASK" (each in C notation: 10, 0xa, 012). */
int filter_opts__parse_mark(const char *arg, uint32_t *mark, uint32_t *mask);

/*
 * Fills kcfg: opens the namespace, resolves the interface name inside it. Returns 0, or -1
 * after p_err() naming what could not be resolved.
 */
int filter_opts__resolve(const struct filter_opts *o, struct skbtop_filter_cfg *kcfg);

/*
 * Compiles the expression (if any) into pf for filter_load__patch() and switches it on in kcfg.
 * Returns 0, or -1 after p_err() with libpcap's own message or the reason the kernel cannot run
 * it (both exit with EXIT_USAGE).
 */
int filter_opts__compile(const struct filter_opts *o, struct pcapfilter *pf,
			 struct skbtop_filter_cfg *kcfg);

/* One line naming every active filter ("" if none), for the TUI header and the stream banner. */
void filter_opts__describe(const struct filter_opts *o, char *buf, size_t len);

void filter_opts__free(struct filter_opts *o);

#endif /* SKBTOP_FILTER_OPTS_H */

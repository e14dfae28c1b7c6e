/* SPDX-License-Identifier: GPL-2.0 */
/*
 * skbtop's configuration: the YAML files under config/ parsed (libyaml) into plain structs.
 * The built-in copies of config/skbtop.yaml and config/layers.yaml are compiled into the binary.
 */
#ifndef SKBTOP_CONFIG_H
#define SKBTOP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_LAYERS 32

enum priority {
	PRIO_CRITICAL = 0,
	PRIO_IMPORTANT,
	PRIO_OPTIONAL,
	PRIO_UNKNOWN,
	PRIO_COUNT,
};

enum backend {
	BACKEND_AUTO = 0,
	BACKEND_KPROBE_MULTI,
	BACKEND_KPROBE,
	BACKEND_FENTRY,
	BACKEND_TRACEPOINT,
};
#define BACKEND_COUNT (BACKEND_TRACEPOINT + 1)

enum nft_rules_mode {
	NFT_RULES_TRACE_KEY = 0, /* probe __nft_trace_packet, key switched on by a dormant table */
	NFT_RULES_IMMEDIATE,	 /* probe nft_immediate_eval: partial view, ruleset untouched */
	NFT_RULES_OFF,
};

/* One classification rule of layers.yaml: the first rule whose pattern matches wins. */
struct layer_rule {
	char *pattern; /* POSIX extended regex, anchored by the author where needed */
	int layer;     /* index into config.layers; unused for guesses and judges */
	enum priority prio;
	void *compiled; /* the compiled pattern, owned by classify */
};

struct layer_def {
	char *name;  /* "IPv4", "Netfilter", ... as shown to users */
	char *color; /* a curses colour name for the UI, may be NULL */
};

/* A function chosen explicitly in the trace configuration (discover --config-out writes these). */
struct trace_func {
	char *name;
	char *module; /* NULL for vmlinux */
	int param_pos;
	int ptr_depth; /* 1: struct sk_buff *, 2: struct sk_buff ** (YAML key "depth") */
};

struct config {
	char *source; /* file the values came from, or "built-in" */

	/* store: */
	uint32_t max_packets;
	uint32_t max_events_per_packet;

	/* trace: */
	enum backend backend;
	uint32_t ringbuf_kb;	      /* BPF ring buffer size */
	uint32_t track_max;	      /* slots of the kernel's table of tracked skbs */
	uint32_t max_functions;	      /* 0 = every traceable function */
	struct trace_func *functions; /* explicit list; overrides discovery when non-empty */
	size_t n_functions;
	enum priority max_priority; /* trace functions of this priority and better */
	char *exclude;		    /* regex of function names never attached, may be NULL */

	/* filter: */
	char *filter_expr; /* tcpdump expression, may be NULL */
	uint32_t filter_netns;
	char *filter_ifname;
	uint32_t filter_mark, filter_mark_mask; /* mask 0: no mark filter */
	bool filter_everywhere; /* judge at every function, not only at the judges below */

	/* nft: */
	enum nft_rules_mode nft_rules;
	char *nft_path;		 /* absolute, NULL: the first of NFT_EXEC_PATHS */
	uint32_t nft_timeout_ms; /* one run of nft is stopped after this */

	/* ui: */
	uint32_t refresh_ms;
	bool color;
	bool mouse; /* clicks and the wheel in the UI */

	/* layers.yaml: */
	struct layer_def layers[MAX_LAYERS];
	int n_layers;
	struct layer_rule *rules;
	size_t n_rules;
	int unknown_layer; /* the layer of functions no rule matched */
	/* kallsyms fallback: names matching any of these are guessed to take an skb */
	struct layer_rule *guesses;
	size_t n_guesses;
	/* functions where the filter judges a packet not yet followed (tracepoints always do) */
	struct layer_rule *judges;
	size_t n_judges;
	char *layers_source;	/* file the layers came from, or "built-in" */
	void *exclude_compiled; /* trace.exclude compiled, NULL when empty */
};

/*
 * Load the configuration. path == NULL follows the search order
 * $XDG_CONFIG_HOME/skbtop/skbtop.yaml, /etc/skbtop/skbtop.yaml, built-in.
 * layers_path == NULL uses the layers.yaml next to the chosen file if one is there, else built-in.
 * On error returns -1 and writes "FILE:LINE:COLUMN: what is wrong" into err.
 */
int config__load(struct config *cfg, const char *path, const char *layers_path, char *err,
		 size_t errlen);
/* Parse from memory; name is used in error messages. Either buffer may be NULL (built-in). */
int config__parse(struct config *cfg, const char *name, const char *text, size_t len,
		  const char *layers_name, const char *layers_text, size_t layers_len, char *err,
		  size_t errlen);
void config__free(struct config *cfg);
/* Writes cfg as a complete skbtop.yaml that config__load reads back; header is a comment. */
int config__write(const struct config *cfg, FILE *f, const char *header);

const char *priority__name(enum priority p);		     /* "Critical", ... */
const char *nft_rules__name(enum nft_rules_mode m);	     /* "trace-key", ... as in the YAML */
int layer__find(const struct config *cfg, const char *name); /* -1 if none */
/* The layer's name as users see it, "?" for an index the configuration does not have. */
const char *layer__name(const struct config *cfg, int l);

#endif /* SKBTOP_CONFIG_H */

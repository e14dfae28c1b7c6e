// SPDX-License-Identifier: GPL-2.0
/*
 * The YAML loader. The built-in files are parsed first; a user's skbtop.yaml then overrides only
 * the keys it names, and a user's layers.yaml replaces the layers and rules as a whole (its
 * guesses are optional). Errors name FILE:LINE:COLUMN of the offending node.
 */
#include <errno.h>
#include <libgen.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/kernel/backend.h"
#include "core/base/builtin_config.h"
#include "core/discover/classify.h"
#include "core/base/config.h"
#include "core/base/printable.h"

#define BUILTIN "built-in"

struct ctx {
	const char *name;
	yaml_document_t doc;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int fail(struct ctx *c, const yaml_node_t *n,
						      const char *fmt, ...)
{
	size_t off;
	va_list ap;

	off = snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->name, n ? n->start_mark.line + 1 : 1,
		       n ? n->start_mark.column + 1 : 1);
	if (off >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + off, c->errlen - off, fmt, ap);
	va_end(ap);
	return -1;
}

static yaml_node_t *node(struct ctx *c, int id)
{
	return yaml_document_get_node(&c->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null");
}

/* Line and column (characters, from 0) of byte offset off of text. */
static yaml_mark_t mark_at(const char *text, size_t len, size_t off)
{
	yaml_mark_t m = { off, 0, 0 };

	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

/* Parse a document; an empty one (only comments) has no root and yields NULL. */
static int load_doc(struct ctx *c, const char *text, size_t len, yaml_node_t **root)
{
	yaml_parser_t parser;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &c->doc)) {
		yaml_mark_t m = parser.problem_mark;
		yaml_mark_t cm = parser.context_mark;

		/* The reader (bad bytes) gives an offset, not a mark. */
		if (parser.error == YAML_READER_ERROR)
			m = mark_at(text, len, parser.problem_offset);
		if (parser.context)
			snprintf(c->err, c->errlen,
				 "%s:%zu:%zu: YAML syntax error: %s %s (started at %zu:%zu)",
				 c->name, m.line + 1, m.column + 1, parser.problem, parser.context,
				 cm.line + 1, cm.column + 1);
		else if (parser.error == YAML_READER_ERROR && parser.problem_value >= 0)
			snprintf(c->err, c->errlen, "%s:%zu:%zu: YAML syntax error: %s (0x%x)",
				 c->name, m.line + 1, m.column + 1, parser.problem,
				 (unsigned)parser.problem_value);
		else
			snprintf(c->err, c->errlen, "%s:%zu:%zu: YAML syntax error: %s", c->name,
				 m.line + 1, m.column + 1,
				 parser.problem ? parser.problem : "unreadable input");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	*root = yaml_document_get_root_node(&c->doc);
	if (*root && is_null(*root))
		*root = NULL;
	if (*root && (*root)->type != YAML_MAPPING_NODE) {
		fail(c, *root, "expected a mapping of sections at the top, got %s",
		     kind_name(*root));
		yaml_document_delete(&c->doc);
		return -1;
	}
	return 0;
}

/* Checks that no key repeats in a mapping: YAML allows it silently, and the last would win. */
static int check_dups(struct ctx *c, yaml_node_t *map, const char *where)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key);

		if (k->type != YAML_SCALAR_NODE)
			return fail(c, k, "%s: keys must be names, got %s", where, kind_name(k));
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
			if (!strcmp(scalar(node(c, q->key)), scalar(k)))
				return fail(c, k, "%s: duplicate key '%s'", where, scalar(k));
	}
	return 0;
}

static int get_u32(struct ctx *c, yaml_node_t *n, const char *what, uint32_t min, uint32_t max,
		   uint32_t *out)
{
	unsigned long long v;
	const char *s;
	char *end;

	if (n->type != YAML_SCALAR_NODE)
		return fail(c, n, "%s: expected an integer, got %s", what, kind_name(n));
	s = scalar(n);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || *s == '+' || errno || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return fail(c, n, "%s: expected an integer, got '%s'", what, s);
	if (*s == '-' || v < min || v > max)
		return fail(c, n, "%s: %s is out of range (%u..%u)", what, s, min, max);
	*out = v;
	return 0;
}

static int get_bool(struct ctx *c, yaml_node_t *n, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no",
										  "off" };

	if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		for (size_t i = 0; i < 3; i++) {
			if (!strcasecmp(scalar(n), yes[i]))
				return *out = true, 0;
			if (!strcasecmp(scalar(n), no[i]))
				return *out = false, 0;
		}
	}
	return fail(c, n, "%s: expected true or false, got %s%s%s", what,
		    n->type == YAML_SCALAR_NODE ? "'" : "",
		    n->type == YAML_SCALAR_NODE ? scalar(n) : kind_name(n),
		    n->type == YAML_SCALAR_NODE ? "'" : "");
}

/* A string; empty or null gives NULL. */
static int get_str(struct ctx *c, yaml_node_t *n, const char *what, char **out)
{
	char *s = NULL;

	if (n->type != YAML_SCALAR_NODE)
		return fail(c, n, "%s: expected a string, got %s", what, kind_name(n));
	if (!is_null(n) && *scalar(n) && !(s = strdup(scalar(n))))
		return fail(c, n, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

static int get_word(struct ctx *c, yaml_node_t *n, const char *what, const char *const *words,
		    int nwords, int *out)
{
	char list[256] = "";

	if (n->type == YAML_SCALAR_NODE) {
		for (int i = 0; i < nwords; i++) {
			if (!strcasecmp(scalar(n), words[i]))
				return *out = i, 0;
		}
	}
	for (int i = 0; i < nwords; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, words[i], sizeof(list) - strlen(list) - 1);
	}
	if (n->type != YAML_SCALAR_NODE)
		return fail(c, n, "%s: expected one of %s, got %s", what, list, kind_name(n));
	return fail(c, n, "%s: '%s' is not one of %s", what, scalar(n), list);
}

static const char *const prio_words[] = { "critical", "important", "optional", "unknown" };
static const char *const nft_words[] = { "trace-key", "immediate", "off" };

static int get_prio(struct ctx *c, yaml_node_t *n, const char *what, enum priority *out)
{
	int v;

	if (get_word(c, n, what, prio_words, PRIO_COUNT, &v))
		return -1;
	*out = v;
	return 0;
}

/* "VALUE" or "VALUE/MASK"; 0 alone means no mark filter. */
static int get_mark(struct ctx *c, yaml_node_t *n, const char *what, struct config *cfg)
{
	unsigned long long v, m = 0xffffffffu;
	const char *s;
	char *end;

	if (n->type != YAML_SCALAR_NODE)
		return fail(c, n, "%s: expected VALUE or VALUE/MASK, got %s", what, kind_name(n));
	s = scalar(n);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end != s && *end == '/') {
		const char *ms = end + 1;

		m = strtoull(ms, &end, 0);
		if (end == ms)
			end = (char *)ms - 1;
	}
	if (end == s || *end || *s == '-' || errno || v > 0xffffffffu || m > 0xffffffffu)
		return fail(c, n, "%s: expected VALUE or VALUE/MASK (32-bit), got '%s'", what, s);
	cfg->filter_mark = v;
	cfg->filter_mark_mask = (v == 0 && !strchr(s, '/')) ? 0 : m;
	return 0;
}

static int get_regex(struct ctx *c, yaml_node_t *n, const char *what, char **out, void **compiled)
{
	char *s = NULL, msg[128];
	regex_t *re;
	int rc;

	if (get_str(c, n, what, &s))
		return -1;
	if (*compiled) {
		regfree(*compiled);
		free(*compiled);
		*compiled = NULL;
	}
	free(*out);
	*out = s;
	if (!s)
		return 0;
	re = malloc(sizeof(*re));
	if (!re)
		return fail(c, n, "out of memory");
	rc = regcomp(re, s, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, re, msg, sizeof(msg));
		free(re);
		return fail(c, n, "%s: bad regular expression '%s': %s", what, s, msg);
	}
	*compiled = re;
	return 0;
}

static void free_funcs(struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_functions; i++) {
		free(cfg->functions[i].name);
		free(cfg->functions[i].module);
	}
	free(cfg->functions);
	cfg->functions = NULL;
	cfg->n_functions = 0;
}

static int get_func(struct ctx *c, yaml_node_t *n, struct trace_func *f)
{
	const char *what = "trace.functions";
	bool have_name = false;

	f->param_pos = 1;
	f->ptr_depth = 1;
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n,
			    "%s: each entry is a mapping {name, module, param, depth}, got %s",
			    what, kind_name(n));
	if (check_dups(c, n, what))
		return -1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k);
		uint32_t pos;

		if (!strcmp(key, "name")) {
			if (get_str(c, v, "trace.functions.name", &f->name))
				return -1;
			have_name = f->name != NULL;
		} else if (!strcmp(key, "module")) {
			if (get_str(c, v, "trace.functions.module", &f->module))
				return -1;
			if (f->module && !strcmp(f->module, "vmlinux")) {
				free(f->module);
				f->module = NULL;
			}
		} else if (!strcmp(key, "param")) {
			if (get_u32(c, v, "trace.functions.param", 1, 5, &pos))
				return -1;
			f->param_pos = pos;
		} else if (!strcmp(key, "depth")) {
			if (get_u32(c, v, "trace.functions.depth", 1, 2, &pos))
				return -1;
			f->ptr_depth = pos;
		} else {
			return fail(c, k,
				    "%s: unknown key '%s' (expected name, module, param, depth)",
				    what, key);
		}
	}
	if (!have_name)
		return fail(c, n, "%s: entry has no name", what);
	return 0;
}

static int get_funcs(struct ctx *c, yaml_node_t *n, struct config *cfg)
{
	size_t cnt;

	if (is_null(n)) {
		free_funcs(cfg);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "trace.functions: expected a list, got %s", kind_name(n));
	free_funcs(cfg);
	cnt = n->data.sequence.items.top - n->data.sequence.items.start;
	cfg->functions = calloc(cnt ? cnt : 1, sizeof(*cfg->functions));
	if (!cfg->functions)
		return fail(c, n, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		cfg->n_functions++;
		if (get_func(c, node(c, n->data.sequence.items.start[i]), &cfg->functions[i]))
			return -1;
	}
	return 0;
}

enum kind {
	K_U32,
	K_POW2_U32,
	K_BOOL,
	K_STR,
	K_PATH, /* a string that is empty or an absolute path */
	K_PRIO,
	K_BACKEND,
	K_NFT,
	K_MARK,
	K_FUNCS,
	K_REGEX
};

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	uint32_t min, max;
	size_t off2; /* K_REGEX: where the compiled pattern goes */
};

#define U32(n, f, lo, hi)                                                                          \
	{                                                                                          \
		n, K_U32, offsetof(struct config, f), lo, hi, 0                                    \
	}
#define FIELD(n, k, f)                                                                             \
	{                                                                                          \
		n, k, offsetof(struct config, f), 0, 0, 0                                          \
	}

static const struct key store_keys[] = {
	U32("max_packets", max_packets, 1, 10000000),
	U32("max_events_per_packet", max_events_per_packet, 1, 65536),
	{ 0 },
};
static const struct key trace_keys[] = {
	FIELD("backend", K_BACKEND, backend),
	{ "ringbuf_kb", K_POW2_U32, offsetof(struct config, ringbuf_kb), 64, 1048576, 0 },
	U32("track_max", track_max, 16, 4194304),
	U32("max_functions", max_functions, 0, 100000),
	FIELD("functions", K_FUNCS, functions),
	FIELD("max_priority", K_PRIO, max_priority),
	{ "exclude", K_REGEX, offsetof(struct config, exclude), 0, 0,
	  offsetof(struct config, exclude_compiled) },
	{ 0 },
};
static const struct key filter_keys[] = {
	FIELD("expression", K_STR, filter_expr),	U32("netns", filter_netns, 0, UINT32_MAX),
	FIELD("ifname", K_STR, filter_ifname),		FIELD("mark", K_MARK, filter_mark),
	FIELD("everywhere", K_BOOL, filter_everywhere), { 0 },
};
static const struct key nft_keys[] = {
	FIELD("rules", K_NFT, nft_rules),
	FIELD("path", K_PATH, nft_path),
	U32("timeout_ms", nft_timeout_ms, 100, 600000),
	{ 0 },
};
static const struct key ui_keys[] = {
	U32("refresh_ms", refresh_ms, 50, 60000),
	FIELD("color", K_BOOL, color),
	FIELD("mouse", K_BOOL, mouse),
	{ 0 },
};

static const struct section {
	const char *name;
	const struct key *keys;
} sections[] = {
	{ "store", store_keys }, { "trace", trace_keys }, { "filter", filter_keys },
	{ "nft", nft_keys },	 { "ui", ui_keys },
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static int set_key(struct ctx *c, struct config *cfg, const char *sec, const struct key *k,
		   yaml_node_t *v)
{
	char what[96];
	void *field = (char *)cfg + k->off;
	int w;

	snprintf(what, sizeof(what), "%s.%s", sec, k->name);
	switch (k->kind) {
	case K_U32:
		return get_u32(c, v, what, k->min, k->max, field);
	case K_POW2_U32:
		if (get_u32(c, v, what, k->min, k->max, field))
			return -1;
		if (*(uint32_t *)field & (*(uint32_t *)field - 1))
			return fail(c, v, "%s: %s is not a power of two", what, scalar(v));
		return 0;
	case K_BOOL:
		return get_bool(c, v, what, field);
	case K_STR:
		return get_str(c, v, what, field);
	case K_PATH:
		if (get_str(c, v, what, field))
			return -1;
		if (*(char **)field && **(char **)field != '/')
			return fail(c, v, "%s: '%s' is not an absolute path", what,
				    *(char **)field);
		return 0;
	case K_REGEX:
		return get_regex(c, v, what, field, (void **)((char *)cfg + k->off2));
	case K_PRIO:
		return get_prio(c, v, what, field);
	case K_BACKEND: {
		const char *words[BACKEND_COUNT];

		for (int b = 0; b < BACKEND_COUNT; b++)
			words[b] = backend__name(b);
		if (get_word(c, v, what, words, BACKEND_COUNT, &w))
			return -1;
		cfg->backend = w;
		return 0;
	}
	case K_NFT:
		if (get_word(c, v, what, nft_words, 3, &w))
			return -1;
		cfg->nft_rules = w;
		return 0;
	case K_MARK:
		return get_mark(c, v, what, cfg);
	case K_FUNCS:
		return get_funcs(c, v, cfg);
	}
	return 0;
}

static void key_list(char *buf, size_t len, const struct key *keys)
{
	buf[0] = '\0';
	for (const struct key *k = keys; k->name; k++) {
		strncat(buf, k == keys ? "" : ", ", len - strlen(buf) - 1);
		strncat(buf, k->name, len - strlen(buf) - 1);
	}
}

static int parse_section(struct ctx *c, struct config *cfg, const struct section *s,
			 yaml_node_t *map)
{
	char keys[256];

	if (is_null(map))
		return 0;
	if (map->type != YAML_MAPPING_NODE)
		return fail(c, map, "%s: expected a mapping, got %s", s->name, kind_name(map));
	if (check_dups(c, map, s->name))
		return -1;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key);
		const struct key *key;

		for (key = s->keys; key->name; key++)
			if (!strcmp(key->name, scalar(k)))
				break;
		if (!key->name) {
			key_list(keys, sizeof(keys), s->keys);
			return fail(c, k, "unknown key '%s' in %s (expected %s)", scalar(k),
				    s->name, keys);
		}
		if (set_key(c, cfg, s->name, key, node(c, p->value)))
			return -1;
	}
	return 0;
}

static int parse_main(struct config *cfg, const char *name, const char *text, size_t len, char *err,
		      size_t errlen)
{
	struct ctx c = { .name = name, .err = err, .errlen = errlen };
	yaml_node_t *root;
	int rc = 0;

	if (load_doc(&c, text, len, &root))
		return -1;
	rc = root ? check_dups(&c, root, "top level") : 0;
	for (yaml_node_pair_t *p = root ? root->data.mapping.pairs.start : NULL;
	     root && !rc && p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(&c, p->key);
		size_t i;

		for (i = 0; i < N_SECTIONS; i++)
			if (!strcmp(sections[i].name, scalar(k)))
				break;
		if (i == N_SECTIONS)
			rc = fail(&c, k,
				  "unknown section '%s' (expected store, trace, filter, nft, ui)",
				  scalar(k));
		else
			rc = parse_section(&c, cfg, &sections[i], node(&c, p->value));
	}
	yaml_document_delete(&c.doc);
	return rc;
}

static void free_rules(struct layer_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		classify__free(&rules[i]);
		free(rules[i].pattern);
	}
	free(rules);
}

static void free_layers(struct config *cfg)
{
	for (int i = 0; i < cfg->n_layers; i++) {
		free(cfg->layers[i].name);
		free(cfg->layers[i].color);
	}
	cfg->n_layers = 0;
	free_rules(cfg->rules, cfg->n_rules);
	cfg->rules = NULL;
	cfg->n_rules = 0;
	free_rules(cfg->guesses, cfg->n_guesses);
	cfg->guesses = NULL;
	cfg->n_guesses = 0;
	free_rules(cfg->judges, cfg->n_judges);
	cfg->judges = NULL;
	cfg->n_judges = 0;
}

static size_t seq_len(yaml_node_t *n)
{
	return n->data.sequence.items.top - n->data.sequence.items.start;
}

static int compile(struct ctx *c, yaml_node_t *n, const char *what, struct layer_rule *r)
{
	char msg[128];

	if (classify__compile(r, msg, sizeof(msg)))
		return fail(c, n, "%s: bad regular expression '%s': %s", what, r->pattern, msg);
	return 0;
}

static int parse_layer_defs(struct ctx *c, struct config *cfg, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "layers: expected a list of {name, color}, got %s", kind_name(n));
	if (seq_len(n) > MAX_LAYERS)
		return fail(c, n, "layers: %zu layers, at most %d", seq_len(n), MAX_LAYERS);
	for (size_t i = 0; i < seq_len(n); i++) {
		yaml_node_t *e = node(c, n->data.sequence.items.start[i]);
		struct layer_def *l = &cfg->layers[cfg->n_layers];

		if (e->type != YAML_MAPPING_NODE)
			return fail(c, e, "layers: each entry is a mapping {name, color}, got %s",
				    kind_name(e));
		if (check_dups(c, e, "layers"))
			return -1;
		cfg->n_layers++;
		for (yaml_node_pair_t *p = e->data.mapping.pairs.start;
		     p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = node(c, p->key), *v = node(c, p->value);

			if (!strcmp(scalar(k), "name")) {
				if (get_str(c, v, "layers.name", &l->name))
					return -1;
			} else if (!strcmp(scalar(k), "color")) {
				if (get_str(c, v, "layers.color", &l->color))
					return -1;
			} else {
				return fail(c, k, "layers: unknown key '%s' (expected name, color)",
					    scalar(k));
			}
		}
		if (!l->name)
			return fail(c, e, "layers: entry has no name");
		if (layer__find(cfg, l->name) != cfg->n_layers - 1)
			return fail(c, e, "layers: '%s' is defined twice", l->name);
	}
	return 0;
}

static int parse_rule(struct ctx *c, struct config *cfg, yaml_node_t *e, struct layer_rule *r)
{
	yaml_node_t *match = NULL;
	char *layer = NULL;
	int rc = 0;

	r->prio = PRIO_OPTIONAL;
	r->layer = -1;
	if (e->type != YAML_MAPPING_NODE)
		return fail(c, e, "rules: each entry is a mapping {match, layer, priority}, got %s",
			    kind_name(e));
	if (check_dups(c, e, "rules"))
		return -1;
	for (yaml_node_pair_t *p = e->data.mapping.pairs.start;
	     !rc && p < e->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);

		if (!strcmp(scalar(k), "match")) {
			match = v;
			rc = get_str(c, v, "rules.match", &r->pattern);
		} else if (!strcmp(scalar(k), "layer")) {
			rc = get_str(c, v, "rules.layer", &layer);
			if (!rc && layer && (r->layer = layer__find(cfg, layer)) < 0)
				rc = fail(c, v, "rules.layer: no layer named '%s' in layers",
					  layer);
		} else if (!strcmp(scalar(k), "priority")) {
			rc = get_prio(c, v, "rules.priority", &r->prio);
		} else {
			rc = fail(c, k, "rules: unknown key '%s' (expected match, layer, priority)",
				  scalar(k));
		}
	}
	free(layer);
	if (rc)
		return -1;
	if (!r->pattern)
		return fail(c, e, "rules: entry has no match");
	if (r->layer < 0)
		return fail(c, e, "rules: entry has no layer");
	return compile(c, match, "rules.match", r);
}

static int parse_rules(struct ctx *c, struct config *cfg, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "rules: expected a list of {match, layer, priority}, got %s",
			    kind_name(n));
	cfg->rules = calloc(seq_len(n) + 1, sizeof(*cfg->rules));
	if (!cfg->rules)
		return fail(c, n, "out of memory");
	for (size_t i = 0; i < seq_len(n); i++) {
		cfg->n_rules++;
		if (parse_rule(c, cfg, node(c, n->data.sequence.items.start[i]), &cfg->rules[i]))
			return -1;
	}
	return 0;
}

/* A list of name patterns under key (guess, judge) into *list. */
static int parse_patterns(struct ctx *c, yaml_node_t *n, const char *key, struct layer_rule **list,
			  size_t *count)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "%s: expected a list of regular expressions, got %s", key,
			    kind_name(n));
	*list = calloc(seq_len(n) + 1, sizeof(**list));
	if (!*list)
		return fail(c, n, "out of memory");
	for (size_t i = 0; i < seq_len(n); i++) {
		yaml_node_t *e = node(c, n->data.sequence.items.start[i]);
		struct layer_rule *r = &(*list)[i];

		(*count)++;
		r->layer = -1;
		if (get_str(c, e, key, &r->pattern))
			return -1;
		if (!r->pattern)
			return fail(c, e, "%s: empty pattern", key);
		if (compile(c, e, key, r))
			return -1;
	}
	return 0;
}

/* Fills cfg's layers, rules and guesses from one layers.yaml; cfg holds none before. */
static int parse_layers(struct config *cfg, const char *name, const char *text, size_t len,
			char *err, size_t errlen)
{
	struct ctx c = { .name = name, .err = err, .errlen = errlen };
	yaml_node_t *root, *layers = NULL, *rules = NULL, *guess = NULL, *judge = NULL;
	yaml_node_t *unknown = NULL;
	char *unknown_name = NULL;
	int rc = 0;

	if (load_doc(&c, text, len, &root))
		return -1;
	if (!root) {
		yaml_document_delete(&c.doc);
		snprintf(err, errlen, "%s:1:1: no layers and no rules", name);
		return -1;
	}
	rc = check_dups(&c, root, "top level");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     !rc && p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(&c, p->key), *v = node(&c, p->value);

		if (!strcmp(scalar(k), "layers"))
			layers = v;
		else if (!strcmp(scalar(k), "rules"))
			rules = v;
		else if (!strcmp(scalar(k), "guess"))
			guess = v;
		else if (!strcmp(scalar(k), "judge"))
			judge = v;
		else if (!strcmp(scalar(k), "unknown_layer"))
			unknown = v;
		else
			rc = fail(&c, k,
				  "unknown key '%s' (expected layers, rules, unknown_layer, guess, "
				  "judge)",
				  scalar(k));
	}
	if (!rc && !layers)
		rc = fail(&c, root, "no 'layers' list");
	if (!rc && !rules)
		rc = fail(&c, root, "no 'rules' list");
	if (!rc)
		rc = parse_layer_defs(&c, cfg, layers);
	if (!rc && unknown)
		rc = get_str(&c, unknown, "unknown_layer", &unknown_name);
	if (!rc) {
		cfg->unknown_layer = layer__find(cfg, unknown_name ? unknown_name : "Unknown");
		if (cfg->unknown_layer < 0)
			rc = fail(&c, unknown ? unknown : layers,
				  "unknown_layer: no layer named '%s' in layers",
				  unknown_name ? unknown_name : "Unknown");
	}
	if (!rc)
		rc = parse_rules(&c, cfg, rules);
	if (!rc && guess)
		rc = parse_patterns(&c, guess, "guess", &cfg->guesses, &cfg->n_guesses);
	if (!rc && judge)
		rc = parse_patterns(&c, judge, "judge", &cfg->judges, &cfg->n_judges);
	free(unknown_name);
	yaml_document_delete(&c.doc);
	return rc;
}

static int set_source(char **dst, const char *name)
{
	free(*dst);
	*dst = strdup(name ? name : BUILTIN);
	return *dst ? 0 : -1;
}

int config__parse(struct config *cfg, const char *name, const char *text, size_t len,
		  const char *layers_name, const char *layers_text, size_t layers_len, char *err,
		  size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	/* strlen, not the _end symbols: those point past the NUL that .incbin's trailer adds. */
	if (parse_main(cfg, BUILTIN, skbtop_builtin_yaml, strlen(skbtop_builtin_yaml), err,
		       errlen) ||
	    parse_layers(cfg, BUILTIN, skbtop_builtin_layers_yaml,
			 strlen(skbtop_builtin_layers_yaml), err, errlen))
		goto fail;
	if (text && parse_main(cfg, name, text, len, err, errlen))
		goto fail;
	if (layers_text) {
		struct config tmp = { 0 };

		if (parse_layers(&tmp, layers_name, layers_text, layers_len, err, errlen)) {
			free_layers(&tmp);
			goto fail;
		}
		if (!tmp.n_guesses) {
			tmp.guesses = cfg->guesses;
			tmp.n_guesses = cfg->n_guesses;
			cfg->guesses = NULL;
			cfg->n_guesses = 0;
		}
		if (!tmp.n_judges) {
			tmp.judges = cfg->judges;
			tmp.n_judges = cfg->n_judges;
			cfg->judges = NULL;
			cfg->n_judges = 0;
		}
		free_layers(cfg);
		memcpy(cfg->layers, tmp.layers, sizeof(cfg->layers));
		cfg->n_layers = tmp.n_layers;
		cfg->rules = tmp.rules;
		cfg->n_rules = tmp.n_rules;
		cfg->guesses = tmp.guesses;
		cfg->n_guesses = tmp.n_guesses;
		cfg->judges = tmp.judges;
		cfg->n_judges = tmp.n_judges;
		cfg->unknown_layer = tmp.unknown_layer;
	}
	if (set_source(&cfg->source, text ? name : NULL) ||
	    set_source(&cfg->layers_source, layers_text ? layers_name : NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return 0;
fail:
	config__free(cfg);
	return -1;
}

/* The user who ran skbtop: through sudo, the one sudo names; else the real user. */
static uid_t invoking_uid(void)
{
	const char *s = getenv("SUDO_UID");
	char *end;
	unsigned long v;

	if (s && *s) {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (!*end && !errno && v < (uid_t)-1)
			return (uid_t)v;
	}
	return getuid();
}

/*
 * As root, a configuration decides what is attached and how much memory is used: like sudo and
 * ssh, skbtop only reads one owned by root or by the user who ran it, that nobody else can write.
 */
static int trusted(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;
	uid_t who;

	if (geteuid() != 0)
		return 0;
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	who = invoking_uid();
	if (st.st_uid != 0 && st.st_uid != who) {
		snprintf(err, errlen,
			 "%s: not used: it belongs to uid %u, not to root or to the user running "
			 "skbtop (uid %u)",
			 path, (unsigned)st.st_uid, (unsigned)who);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: not used: others can change it (mode %04o)", path,
			 (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Reads a whole file; returns -errno, or -EPERM with err set when it is not to be trusted. */
static int slurp(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0, n = 0, got;
	char *buf = NULL, *p;

	if (!f)
		return -errno;
	if (trusted(fileno(f), path, err, errlen)) {
		fclose(f);
		return -EPERM;
	}
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 16384;
			p = realloc(buf, cap + 1);
			if (!p) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		free(buf);
		fclose(f);
		return -e;
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* The first file of the search order that exists into out: 1, 0 for none, -1 when unreadable. */
static int find_main(char *out, size_t outlen, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	for (int i = 0; i < 2; i++) {
		if (i == 1)
			snprintf(out, outlen, "/etc/skbtop/skbtop.yaml");
		else if (xdg && *xdg)
			snprintf(out, outlen, "%s/skbtop/skbtop.yaml", xdg);
		else if (home && *home)
			snprintf(out, outlen, "%s/.config/skbtop/skbtop.yaml", home);
		else
			continue;
		if (access(out, F_OK))
			continue;
		if (access(out, R_OK)) {
			snprintf(err, errlen, "%s: cannot read: %s", out, strerror(errno));
			return -1;
		}
		return 1;
	}
	return 0;
}

int config__load(struct config *cfg, const char *path, const char *layers_path, char *err,
		 size_t errlen)
{
	char found[4096], near[4096], dir[4096];
	char *text = NULL, *ltext = NULL;
	size_t len = 0, llen = 0;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (!path) {
		rc = find_main(found, sizeof(found), err, errlen);
		if (rc < 0)
			return -1;
		path = rc ? found : NULL;
	}
	if (path && (rc = slurp(path, &text, &len, err, errlen))) {
		if (rc != -EPERM)
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-rc));
		return -1;
	}
	if (!layers_path && path) {
		snprintf(dir, sizeof(dir), "%s", path);
		snprintf(near, sizeof(near), "%s/layers.yaml", dirname(dir));
		if (!access(near, F_OK))
			layers_path = near;
	}
	if (layers_path && (rc = slurp(layers_path, &ltext, &llen, err, errlen))) {
		if (rc != -EPERM)
			snprintf(err, errlen, "%s: cannot read: %s", layers_path, strerror(-rc));
		free(text);
		return -1;
	}
	rc = config__parse(cfg, path, text, len, layers_path, ltext, llen, err, errlen);
	free(text);
	free(ltext);
	return rc;
}

void config__free(struct config *cfg)
{
	free(cfg->source);
	free(cfg->layers_source);
	free_funcs(cfg);
	free(cfg->exclude);
	if (cfg->exclude_compiled) {
		regfree(cfg->exclude_compiled);
		free(cfg->exclude_compiled);
	}
	free(cfg->filter_expr);
	free(cfg->filter_ifname);
	free(cfg->nft_path);
	free_layers(cfg);
	memset(cfg, 0, sizeof(*cfg));
}

/*
 * A YAML double-quoted scalar that reads back: printable text as it is, every other byte as \xXX.
 * YAML reads \xXX as the character U+00XX, so a C1 control (UTF-8 C2 XX) reads back exactly;
 * a byte that is not UTF-8 (only a command line can give one) reads back as that Latin-1 letter.
 */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	while (s && *s) {
		const unsigned char *u = (const unsigned char *)s;
		size_t n = printable__len(s);

		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (n) {
			fwrite(s, 1, n, f);
			s += n;
		} else if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] < 0xa0) {
			fprintf(f, "\\x%02x", u[1]);
			s += 2;
		} else {
			fprintf(f, "\\x%02x", u[0]);
			s++;
		}
	}
	fputc('"', f);
}

int config__write(const struct config *cfg, FILE *f, const char *header)
{
	if (header) {
		for (const char *p = header; *p;) {
			size_t n = strcspn(p, "\n");

			fprintf(f, "# %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		fputc('\n', f);
	}
	fprintf(f, "store:\n  max_packets: %u\n  max_events_per_packet: %u\n\n", cfg->max_packets,
		cfg->max_events_per_packet);
	fprintf(f, "trace:\n  backend: %s\n  ringbuf_kb: %u\n  track_max: %u\n",
		backend__name(cfg->backend), cfg->ringbuf_kb, cfg->track_max);
	fprintf(f, "  max_functions: %u\n  max_priority: %s\n  exclude: ", cfg->max_functions,
		prio_words[cfg->max_priority]);
	put_str(f, cfg->exclude);
	fprintf(f, "\n  functions:%s\n", cfg->n_functions ? "" : " []");
	for (size_t i = 0; i < cfg->n_functions; i++) {
		const struct trace_func *fn = &cfg->functions[i];

		fprintf(f, "    - { name: ");
		put_str(f, fn->name);
		if (fn->module) {
			fprintf(f, ", module: ");
			put_str(f, fn->module);
		}
		fprintf(f, ", param: %d", fn->param_pos);
		if (fn->ptr_depth > 1)
			fprintf(f, ", depth: %d", fn->ptr_depth);
		fprintf(f, " }\n");
	}
	fprintf(f, "\nfilter:\n  expression: ");
	put_str(f, cfg->filter_expr);
	fprintf(f, "\n  netns: %u\n  ifname: ", cfg->filter_netns);
	put_str(f, cfg->filter_ifname);
	if (cfg->filter_mark_mask == 0)
		fprintf(f, "\n  mark: 0\n");
	else
		fprintf(f, "\n  mark: \"0x%x/0x%x\"\n", cfg->filter_mark, cfg->filter_mark_mask);
	fprintf(f, "  everywhere: %s\n", cfg->filter_everywhere ? "true" : "false");
	fprintf(f, "\nnft:\n  rules: %s\n  path: ", nft_rules__name(cfg->nft_rules));
	put_str(f, cfg->nft_path);
	fprintf(f, "\n  timeout_ms: %u\n", cfg->nft_timeout_ms);
	fprintf(f, "\nui:\n  refresh_ms: %u\n  color: %s\n  mouse: %s\n", cfg->refresh_ms,
		cfg->color ? "true" : "false", cfg->mouse ? "true" : "false");
	fflush(f);
	return ferror(f) ? -1 : 0;
}

const char *priority__name(enum priority p)
{
	static const char *const names[] = { "Critical", "Important", "Optional", "Unknown" };

	return (unsigned)p < PRIO_COUNT ? names[p] : "Unknown";
}

const char *nft_rules__name(enum nft_rules_mode m)
{
	return (unsigned)m < 3 ? nft_words[m] : "off";
}

int layer__find(const struct config *cfg, const char *name)
{
	for (int i = 0; i < cfg->n_layers; i++)
		if (cfg->layers[i].name && !strcasecmp(cfg->layers[i].name, name))
			return i;
	return -1;
}

const char *layer__name(const struct config *cfg, int l)
{
	if (cfg && l >= 0 && l < cfg->n_layers && cfg->layers[l].name)
		return cfg->layers[l].name;
	return "?";
}

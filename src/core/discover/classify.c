// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "core/discover/classify.h"

/*
 * Most rules are anchored names or prefixes ("^ip_rcv$", "^tcp_"): a literal prefix checked with
 * memcmp first spares regexec for almost every rule that cannot match.
 */
struct compiled {
	regex_t re;
	size_t plen;
	char prefix[32];
};

/* The literal text a match must start with, or 0 when the pattern does not pin one. */
static size_t literal_prefix(const char *pat, char *out, size_t outlen)
{
	int depth = 0;
	size_t n = 0;

	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == '|' && depth == 0)
			return 0;
	}
	if (pat[0] != '^')
		return 0;
	for (const char *p = pat + 1; (isalnum((unsigned char)*p) || *p == '_') && n < outlen - 1;
	     p++) {
		if (p[1] == '?' || p[1] == '*' || p[1] == '{')
			break;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n;
}

int classify__compile(struct layer_rule *rule, char *err, size_t errlen)
{
	struct compiled *c = calloc(1, sizeof(*c));
	int rc;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = regcomp(&c->re, rule->pattern, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, &c->re, err, errlen);
		free(c);
		return -1;
	}
	c->plen = literal_prefix(rule->pattern, c->prefix, sizeof(c->prefix));
	rule->compiled = c;
	return 0;
}

void classify__free(struct layer_rule *rule)
{
	struct compiled *c = rule->compiled;

	if (!c)
		return;
	regfree(&c->re);
	free(c);
	rule->compiled = NULL;
}

bool classify__match(const struct layer_rule *rule, const char *name)
{
	const struct compiled *c = rule->compiled;

	if (!c)
		return false;
	if (c->plen && strncmp(name, c->prefix, c->plen))
		return false;
	return regexec(&c->re, name, 0, NULL, 0) == 0;
}

void classify__name(const struct config *cfg, const char *name, int *layer, enum priority *prio)
{
	for (size_t i = 0; i < cfg->n_rules; i++) {
		if (classify__match(&cfg->rules[i], name)) {
			*layer = cfg->rules[i].layer;
			*prio = cfg->rules[i].prio;
			return;
		}
	}
	*layer = cfg->unknown_layer;
	*prio = PRIO_UNKNOWN;
}

bool classify__excluded(const struct config *cfg, const char *name)
{
	return cfg->exclude_compiled && regexec(cfg->exclude_compiled, name, 0, NULL, 0) == 0;
}

static bool any_match(const struct layer_rule *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (classify__match(&list[i], name))
			return true;
	return false;
}

bool classify__guess(const struct config *cfg, const char *name)
{
	return any_match(cfg->guesses, cfg->n_guesses, name);
}

bool classify__judge(const struct config *cfg, const char *name)
{
	return any_match(cfg->judges, cfg->n_judges, name);
}

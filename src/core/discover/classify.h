/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classification: a function or tracepoint name to a layer and a priority, by the ordered rules
 * of layers.yaml (the first rule that matches wins). No function name is written in C.
 */
#ifndef SKBTOP_CLASSIFY_H
#define SKBTOP_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/config.h"

/* Compiles rule->pattern; on error returns -1 with regerror's words in err. */
int classify__compile(struct layer_rule *rule, char *err, size_t errlen);
void classify__free(struct layer_rule *rule);
bool classify__match(const struct layer_rule *rule, const char *name);

/* Layer and priority of "ip_rcv", "skb:kfree_skb" (tracepoint) or an NFT pseudo-probe. */
void classify__name(const struct config *cfg, const char *name, int *layer, enum priority *prio);
/* trace.exclude matches name. */
bool classify__excluded(const struct config *cfg, const char *name);
/* A kallsyms name that the guesses of layers.yaml take for an skb function. */
bool classify__guess(const struct config *cfg, const char *name);
/* A function where the filter judges a packet not yet followed (layers.yaml's judge list). */
bool classify__judge(const struct config *cfg, const char *name);

#endif /* SKBTOP_CLASSIFY_H */

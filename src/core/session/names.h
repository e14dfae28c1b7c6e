/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names resolved in user space: probe id -> function or tracepoint (with layer), drop reason ->
 * name (from the kernel's BTF enum, never a table typed by hand), ifindex -> name per netns.
 * Live sessions fill it from the kernel; replay fills it from the saved file.
 */
#ifndef SKBTOP_NAMES_H
#define SKBTOP_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/config.h"

struct probe_info {
	const char *name; /* "ip_rcv", or "skb:kfree_skb" for tracepoints */
	size_t name_len;
	bool printable;	    /* name may reach a terminal as it is (printable.h) */
	const char *module; /* NULL for vmlinux */
	int layer;	    /* index into config.layers */
	enum priority prio;
};

struct names;
struct ksyms;

struct names *names__new(void);
void names__free(struct names *n);

/* id is a probe table index or SKBTOP_TP_FLAG | enum skbtop_tp; the strings are copied. */
int names__add_probe(struct names *n, uint32_t id, const char *name, const char *module, int layer,
		     enum priority prio);
/* Never NULL: an id nobody added resolves to a placeholder named "fn#ID" in the unknown layer. */
const struct probe_info *names__probe(const struct names *n, uint32_t id);
uint32_t names__probe_count(const struct names *n);

/* Reads enum skb_drop_reason (and the subsystem enums where the kernel has them) from BTF. */
int names__load_drop_reasons(struct names *n, const char *btf_path);
int names__add_drop_reason(struct names *n, uint32_t value, const char *name);
/* "NO_SOCKET" (the SKB_DROP_REASON_ prefix cut), or "reason#N" when unknown; never NULL. */
const char *names__drop_reason(const struct names *n, uint32_t value);
/* The value of a reason by its short name, or -1. */
int64_t names__drop_reason_value(const struct names *n, const char *name);

/*
 * ifindex -> name in a netns; fixed in replay. Live, names are read by a thread of their own and
 * never waited for: an interface not read yet shows as "if#N" until its namespace was read.
 */
int names__set_ifname(struct names *n, uint32_t netns, uint32_t ifindex, const char *name);
/* "veth0", or "if#N" when unknown, "" for ifindex 0 (no device); never NULL. */
const char *names__ifname(struct names *n, uint32_t netns, uint32_t ifindex);
/*
 * Asks for the interfaces of the namespaces the session watches to be read now (want: the one
 * --filter-netns asked for, or 0), before events name them.
 */
void names__warm(struct names *n, uint32_t want);
/* Waits until the interfaces asked for so far were read. */
void names__wait(struct names *n);
/* Interface slots held (for tests): those of gone namespaces go once there are thousands. */
size_t names__ifname_slots(const struct names *n);

/* Tracepoint name of an enum skbtop_tp, e.g. "skb:kfree_skb"; NULL when out of range. */
const char *names__tp_name(uint32_t tp);
/* The enum skbtop_tp of a tracepoint name, or -1. */
int names__tp_by_name(const char *name);

/* The layer of ids nobody added (store__new sets it from config.unknown_layer). */
void names__set_unknown_layer(struct names *n, int layer);

/*
 * Replay: never look at the running kernel (ifindex, kallsyms); only what was added (and a rule
 * text callback, if one is set) is known.
 * Live sessions resolve lazily and cache.
 */
void names__set_offline(struct names *n);

/*
 * Kernel address -> "symbol+0xoff" into buf (returns buf), "0x..." when unknown. Live: the
 * symbols of /proc/kallsyms, which names__read_kallsyms starts reading on a thread of its own
 * (ksyms.h; called again, it reads again, for a module loaded since), else the first use reads,
 * or of the file names__load_kallsyms read (-1 and said when it cannot). Replay adds the symbols
 * the saved file carried with names__add_sym.
 */
void names__read_kallsyms(struct names *n);
/* Waits for the read names__read_kallsyms started, if any. */
void names__wait_kallsyms(struct names *n);
/* The symbols names__read_kallsyms reads, NULL before; n keeps them. */
struct ksyms *names__kallsyms(struct names *n);
int names__load_kallsyms(struct names *n, const char *path);
int names__add_sym(struct names *n, uint64_t addr, const char *sym);
const char *names__sym(struct names *n, uint64_t addr, char *buf, size_t len);

/*
 * nft rule text by (netns, family, table, handle). The nft module installs a callback for live
 * sessions; replay adds the texts the saved file carried. The result may be NULL (unknown).
 */
typedef const char *(*names_rule_text_fn)(void *ctx, uint32_t netns, uint8_t family,
					  const char *table, uint64_t handle);
void names__set_rule_text(struct names *n, names_rule_text_fn fn, void *ctx);
int names__add_rule_text(struct names *n, uint32_t netns, uint8_t family, const char *table,
			 uint64_t handle, const char *text);
const char *names__rule_text(struct names *n, uint32_t netns, uint8_t family, const char *table,
			     uint64_t handle);

#endif /* SKBTOP_NAMES_H */

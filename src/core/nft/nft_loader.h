/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads bpf/nft.bpf.c after the main object, on the main object's maps, and attaches what the
 * kernel allows:
 *   kprobes   nft_do_chain entry/exit (chain level), __nft_trace_packet with the dormant table
 *             (trace-key) or nft_immediate_eval (immediate) for the rule level, nf_hook_slow;
 *   no kprobes  a netfilter program just before and just after each IPv4/IPv6 base chain of the
 *             traced namespaces (kernel >= 6.4), which names the chain a packet entered and left;
 *             with --nft-netlink-trace, the kernel's own trace for the rules (nft_nltrace.h).
 * Both also report a NETFILTER_DROP free inside a chain as that chain's drop. Nothing here is
 * fatal: what could not be had is said once, in the status line and on stderr.
 */
#ifndef SKBTOP_NFT_LOADER_H
#define SKBTOP_NFT_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/config.h"
#include "core/kernel/loader.h"
#include "core/session/names.h"

struct ksyms;

struct nft_loader_opts {
	enum nft_rules_mode rules;
	bool kprobes; /* the chosen backend can attach kprobes */
	/* The probes on nft_do_chain, on the rule level's function and on nf_hook_slow's return
	 * by BPF trampolines (fentry, fexit), not kprobes: the kernel attaches them, and they cost
	 * it less there */
	bool trampolines;
	bool netlink_trace; /* rules from the kernel's netlink trace (nft_nltrace.h) */
	/* The main object keeps nf_hook_slow's frames (loader__keeps_hook_frames): no entry probe
	 */
	bool hook_frames_kept;
	uint32_t netns;	     /* bracket only this namespace (inode); 0 = every namespace found */
	const char *nft;     /* the nft binary, NULL for cfg->nft_path (nft_exec.h) */
	struct names *names; /* gets the rule text lookup; may be NULL */
	/* The kernel's symbols, read while nf_tables was loaded (borrowed); NULL: read them here */
	struct ksyms *ksyms;
	const struct config *cfg; /* layers for the NFT events' names; may be NULL */
	struct loader_shared_fds fds;
	struct nft_chains_read
		*chains; /* from nft_loader__read_chains, taken over; NULL: read here */
};

struct nft_loader;
struct nft_chains_read;

/* The functions the object probes with kprobes (loader.h's kprobed), NULL-terminated. */
enum nft_kprobed {
	NFT_KP_DO_CHAIN,
	NFT_KP_HOOK_SLOW,
	NFT_KP_TRACE_PACKET, /* the rule level, trace-key */
	NFT_KP_IMMEDIATE,    /* the rule level, immediate */
};
extern const char *const nft_loader_kprobed[];

/*
 * Without kprobes the base chains to bracket are read with nft, once per namespace: this starts
 * that read in a thread of its own, so that it runs while the main BPF object loads, and
 * nft_loader__new takes it through opts.chains. NULL when there is nothing to read ahead (kprobes,
 * no nft, no thread): nft_loader__new reads them itself.
 */
struct nft_chains_read *nft_loader__read_chains(const struct nft_loader_opts *o);
/* A read start-up ended without: waits for it, frees it. */
void nft_loader__chains_free(struct nft_chains_read *r);

/* Call after loader__new and before loader__attach. NULL only when out of memory. */
struct nft_loader *nft_loader__new(const struct nft_loader_opts *o);
/* The netlink trace to read events from, NULL when it is not on. */
struct nft_nltrace *nft_loader__nltrace(const struct nft_loader *l);
/* "trace-key", "immediate", "off"; -1 after p_err for anything else. */
int nft_loader__parse_rules(const char *word, enum nft_rules_mode *mode);
/* One line for the status bar and stderr: what is attached and what is missing, and why. */
/* Whether nf_hook_slow's return is probed (loader__hook_exits). */
bool nft_loader__hook_exits(const struct nft_loader *l);
const char *nft_loader__status(const struct nft_loader *l);
/* Every program loaded (probes and bracket copies), as loader__for_each_prog. */
void nft_loader__for_each_prog(const struct nft_loader *l, loader_prog_fn fn, void *ctx);
/*
 * Takes the probes and netfilter links off (waiting until none runs): what they sent is then all in
 * the ring buffer. The programs, the dormant table and the netlink trace stay.
 */
void nft_loader__unlink(struct nft_loader *l);
/*
 * Detach every probe, link, the dormant table and the netlink trace, but keep the rule text: the
 * session is exported after the detach, and its rule events still need their text.
 */
void nft_loader__detach(struct nft_loader *l);
/* Detaches if that was not done yet, then frees the rule text. */
void nft_loader__free(struct nft_loader *l);

/*
 * The number of parameters of func in the BTF of the kernel or of the module (NULL: vmlinux),
 * -1 when there is no such function: picks between __nft_trace_packet's two signatures.
 */
int nft_loader__btf_params(const char *module, const char *func);

#define NFT_KSYM_LEN 256

/*
 * The exact kallsyms name of each funcs[i] (GCC may have renamed it func.isra.0 or
 * func.constprop.0) into out[i], "" when the kernel has no such symbol; returns how many were
 * found. From the symbols k, or, k NULL, one read of /proc/kallsyms (ksyms.h) made now:
 * nf_tables, a module, may have been loaded just before (nft_keyon).
 */
int nft_loader__ksyms(struct ksyms *k, const char *const funcs[], int n, char (*out)[NFT_KSYM_LEN]);

#endif /* SKBTOP_NFT_LOADER_H */

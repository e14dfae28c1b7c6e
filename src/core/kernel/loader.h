/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader: opens skbtop's BPF object, sets its read-only data (filter) and map sizes, loads
 * it and attaches the chosen backend's probes and the path tracepoints, counting what attached,
 * failed and was skipped. loader__free detaches everything; since no link is pinned, a process
 * that dies leaves nothing behind either.
 */
#ifndef SKBTOP_LOADER_H
#define SKBTOP_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter_cfg.bpf.h"
#include "skbtop_event.h"
#include "core/base/config.h"
#include "core/filter/pcapfilter.h"

/* A function to probe; id is the probe id events carry (the names table's index). */
struct loader_func {
	const char *name;
	const char *module; /* NULL for vmlinux */
	int param_pos;	    /* 1..5 */
	uint32_t btf_id;    /* in its module's BTF; 0 = look up by name (fentry only) */
	uint32_t id;
	uint64_t addr; /* kprobe.multi attaches by it; 0: by name */
	bool judge;    /* the filter may start following an skb here (SKBTOP_JUDGE_FLAG) */
};

struct loader_opts {
	enum backend backend; /* already chosen: never BACKEND_AUTO */
	uint32_t ringbuf_kb;  /* rounded up to a power-of-two number of pages */
	uint32_t track_max;
	const struct skbtop_filter_cfg *filter; /* NULL: every packet */
	const struct pcapfilter *pcap;		/* the tcpdump expression, NULL if none */
	const struct loader_func *funcs;	/* ignored by the tracepoint backend */
	size_t n_funcs;
	enum skbtop_empty empty_probes; /* the hooks' own cost, or the least an event costs */
	uint32_t tp_judges;		/* bit (1 << enum skbtop_tp) set: that tracepoint judges */
	uint32_t snaplen; /* bytes of each packet to capture (SKBTOP_EV_BYTES), 0: none */
	struct loader_preopen *preopen; /* from loader__preopen(), taken over; NULL: opened here */
	/*
	 * Functions other objects of skbtop's probe with kprobes, NULL-terminated (NULL: none). On
	 * kprobe.multi those of funcs get a kprobe too, as do the clone functions: a function with
	 * two ftrace users (an fprobe and the kprobes') goes through ftrace's list of every user on
	 * each call, which cost 450 instructions a call of nf_hook_slow in a 6.12 guest.
	 */
	const char *const *kprobed;
	/*
	 * nf_hook_slow, whose program, by kprobe, also keeps the frames of its calls for the
	 * nftables object's return probe (bpf/nf_hook.bpf.h); NULL: no function's does.
	 */
	const char *hook_entry;
};

struct loader_stats {
	unsigned int attached, failed, skipped; /* functions */
	unsigned int tp_attached, tp_failed, tp_skipped;
	unsigned int clone_probes; /* kprobe/kretprobe links that link clones to their parent */
	bool tp_attached_mask[SKBTOP_TP_COUNT];
	double load_ms, attach_ms;
	char first_error[160]; /* the first attach failure, for the user */
};

struct loader_shared_fds {
	int events;	 /* ring buffer */
	int tracked;	 /* the tracked skbs' slots */
	int counters;	 /* per-CPU enum skbtop_counter */
	int gauges;	 /* the live skbs and the table's entries (enum skbtop_gauge) */
	int pace;	 /* per-CPU: where the ring stood at the last look */
	int hook_frames; /* nf_hook_slow calls in progress, per task (bpf/nf_hook.bpf.h) */
};

/*
 * Functions after which an sk_buff no longer exists, whatever freed it: the kernel side forgets the
 * address there, so the next packet at that address starts its own journey. NULL-terminated.
 */
extern const char *const loader_end_funcs[];
/* Functions that return a clone or copy of their first argument; linked where kprobes exist. */
extern const char *const loader_clone_funcs[];

struct loader;

/* open, set rodata and map sizes, load. Returns NULL after writing one sentence into err. */
struct loader *loader__new(const struct loader_opts *o, char *err, size_t errlen);
/*
 * Opens the BPF object in a thread of its own and has libbpf read the kernel's BTF there, while
 * start-up goes on: libbpf cannot take the BTF skbtop has read, so its own read overlaps the rest
 * of start-up instead of following it. NULL if no thread could start (loader__new then opens).
 */
struct loader_preopen *loader__preopen(void);
/* A preopened object start-up ended without (a bad option): waits for the thread, frees. */
void loader__preopen_free(struct loader_preopen *p);
/* Attaches the probes; failures are counted, not fatal. -1 only when nothing at all attached. */
int loader__attach(struct loader *l, struct loader_stats *st, char *err, size_t errlen);
/* The maps a second object (nft.bpf.o) reuses with bpf_map__reuse_fd(). */
void loader__shared_fds(const struct loader *l, struct loader_shared_fds *out);
/* skbtop_track_shift for a tracking table of slots entries (skbtop_maps.bpf.h). */
uint32_t loader__track_shift(uint32_t slots);
/* Gets the fd of one program; the fd stays the loader's. */
typedef void (*loader_prog_fn)(void *ctx, int prog_fd);
/* Every program loaded, the fentry copies too: their kernel statistics are skbtop's cost. */
void loader__for_each_prog(const struct loader *l, loader_prog_fn fn, void *ctx);
/* Sums the per-CPU counters into out[SKBTOP_CNT_MAX]. */
int loader__counters(const struct loader *l, uint64_t *out);
/* How many tracked skbs the kernel side counts as live (never ended): 0 once every followed skb
 * ended, unless the table evicted one that was (the count then stays higher). */
/* Whether the program of o.hook_entry keeps the hook frames (it was loaded to). */
bool loader__keeps_hook_frames(const struct loader *l);
/* Says whether nf_hook_slow's return is probed: frames are kept only while it is. */
void loader__hook_exits(struct loader *l, bool probed);
int64_t loader__live(const struct loader *l);
/* How many entries the tracking table holds, ended or not: 0 once the end functions (kprobe
 * backends) removed every one, unless the table evicted some (the count then stays higher). */
int64_t loader__entries(const struct loader *l);
/*
 * Takes every probe off and waits until none runs, so that what they sent is all in the ring
 * buffer; the maps, counters and programs stay. Returns how long that took, in ms.
 */
double loader__unlink(struct loader *l);
/* Detaches (if loader__unlink did not) and frees everything; returns how long that took, in ms. */
double loader__free(struct loader *l);

#endif

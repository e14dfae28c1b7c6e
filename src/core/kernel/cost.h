/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tracing costs while it runs: the kernel's run time of skbtop's own BPF programs (the
 * kernel's BPF statistics) and the CPU time of skbtop's process and of its poller thread, as
 * shares of one CPU. Sampled at most once a second by the thread that moves events into the
 * store; the figures are plain numbers the screen and the stream print.
 *
 * The statistics cost each program run two reads of the clock, 5-10 % of the traced machine's
 * packet rate here: skbtop turns them on for the first tenth of each second only, and its BPF
 * figures are over those tenths (over all the time when kernel.bpf_stats_enabled is set).
 */
#ifndef SKBTOP_COST_H
#define SKBTOP_COST_H

#include <stdbool.h>
#include <stdint.h>

struct poller;

/* Counters at one instant; the BPF ones summed over the programs since the first sample. */
struct cost_counts {
	uint64_t at_ns; /* CLOCK_MONOTONIC */
	uint64_t bpf_run_ns, bpf_runs;
	uint64_t sampled_ns; /* how long the BPF statistics were on, summed */
	uint64_t process_cpu_ns, poller_cpu_ns;
};

struct cost_figures {
	bool measured;	/* at least one interval has passed */
	bool bpf_known; /* the kernel's BPF statistics are on; else bpf_why says why not */
	char bpf_why[160];
	unsigned int bpf_programs; /* programs summed */
	double seconds;		   /* the interval */
	/* The BPF figures are over the part of it the statistics were on. */
	double bpf_sampled_s;
	uint64_t bpf_run_ns, bpf_runs;
	double bpf_cpu_pct; /* BPF run time over the sampled time: % of one CPU (may pass 100) */
	double bpf_ns_per_run;
	double bpf_runs_per_s;
	double process_cpu_pct; /* every thread of skbtop, user and system time */
	double poller_cpu_pct;	/* the thread that reads the ring buffer, part of process */
	double cpu_pct;		/* bpf + process; process alone when BPF time is unknown */
};

/* One program's kernel counters. */
struct cost_prog_counters {
	uint64_t run_ns, runs;
};

/* What counter cur added since prev; a counter that went back (reset) started again from 0. */
uint64_t cost__advance(uint64_t prev, uint64_t cur);
/*
 * Adds to k's BPF sums what one program added since *last, and keeps now as *last. A program
 * not read (gone, or an error) is simply not added: the sums never go back.
 */
void cost__add_read(struct cost_counts *k, struct cost_prog_counters *last,
		    const struct cost_prog_counters *now);
/*
 * The figures between two samples. bpf_known, bpf_why and bpf_programs are left as they are
 * (cpu_pct counts the BPF time only when bpf_known). The BPF figures are over the time the
 * statistics were on; when they were off all along, the BPF figures already in out stay (the
 * last sample's). An empty or backward interval gives zeros and measured false.
 */
void cost__between(const struct cost_counts *from, const struct cost_counts *to,
		   struct cost_figures *out);

struct cost;

/*
 * Finds whether skbtop may turn the kernel's BPF run-time statistics on (or finds them on
 * already); when neither, the figures say why and carry the CPU time only. poller may be NULL.
 * NULL only when out of memory.
 */
struct cost *cost__new(const struct poller *poller);
/* Adds a program to the sum; prog_fd is duplicated. The shape of loader__for_each_prog's fn. */
void cost__add_prog(void *cost, int prog_fd);
/* The first sample, and the first window: figures count from here. */
void cost__start(struct cost *c);
/*
 * Call it often: it turns the statistics off once their window is over, and when a second has
 * passed since the last interval starts a new one, with a new window; true when the figures
 * changed.
 */
bool cost__sample(struct cost *c);
/* The figures of the last interval, updated in place by cost__sample. */
const struct cost_figures *cost__live(const struct cost *c);
/*
 * A last sample, then the figures from cost__start to it into session (may be NULL); lets go of
 * the programs and of the statistics. Call it before the poller is freed.
 */
void cost__finish(struct cost *c, struct cost_figures *session);
void cost__free(struct cost *c);

#endif /* SKBTOP_COST_H */

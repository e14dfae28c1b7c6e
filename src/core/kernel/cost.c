// SPDX-License-Identifier: GPL-2.0
/*
 * Each program's run_time_ns and run_cnt are read with BPF_OBJ_GET_INFO_BY_FD and summed by
 * what they added since the previous read, so a program that cannot be read for a while, or
 * whose counters start again, neither subtracts nor counts twice.
 */
#include "core/kernel/cost.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/kernel/poller.h"
#include "core/base/clock.h"

#define SAMPLE_NS 1000000000ull
/* The statistics' window at the start of each interval: a tenth of the time. */
#define COST_WINDOW_NS 100000000ull

struct cost_prog {
	int fd;
	struct cost_prog_counters last;
};

struct cost {
	const struct poller *poller;
	int stats_fd;	    /* keeps the kernel's statistics on, for a window; else -1 */
	uint64_t window_ns; /* when that window opened */
	bool own;	    /* the kernel lets skbtop turn them on (else they are the sysctl's) */
	bool continuous;    /* on anyway (the sysctl): the whole interval is sampled */
	struct cost_prog *progs;
	size_t n_progs, cap_progs;
	/* At the start, at the start of the interval, at the last read. */
	struct cost_counts first, mark, last;
	struct cost_figures live;
};

uint64_t cost__advance(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

void cost__add_read(struct cost_counts *k, struct cost_prog_counters *last,
		    const struct cost_prog_counters *now)
{
	k->bpf_run_ns += cost__advance(last->run_ns, now->run_ns);
	k->bpf_runs += cost__advance(last->runs, now->runs);
	*last = *now;
}

static double per_s(uint64_t v, uint64_t ns)
{
	return (double)v * 1e9 / (double)ns;
}

void cost__between(const struct cost_counts *from, const struct cost_counts *to,
		   struct cost_figures *out)
{
	uint64_t ns = to->at_ns > from->at_ns ? to->at_ns - from->at_ns : 0;
	uint64_t sampled =
		to->sampled_ns > from->sampled_ns ? to->sampled_ns - from->sampled_ns : 0;
	uint64_t run_ns = cost__advance(from->bpf_run_ns, to->bpf_run_ns);
	uint64_t runs = cost__advance(from->bpf_runs, to->bpf_runs);
	uint64_t proc = cost__advance(from->process_cpu_ns, to->process_cpu_ns);
	uint64_t poll = cost__advance(from->poller_cpu_ns, to->poller_cpu_ns);

	out->measured = ns > 0;
	out->seconds = ns / 1e9;
	if (!ns) {
		out->bpf_sampled_s = out->bpf_ns_per_run = 0;
		out->bpf_run_ns = out->bpf_runs = 0;
		out->bpf_cpu_pct = out->bpf_runs_per_s = 0;
		out->process_cpu_pct = out->poller_cpu_pct = out->cpu_pct = 0;
		return;
	}
	if (sampled) {
		out->bpf_sampled_s = sampled / 1e9;
		out->bpf_run_ns = run_ns;
		out->bpf_runs = runs;
		out->bpf_ns_per_run = runs ? (double)run_ns / (double)runs : 0;
		out->bpf_cpu_pct = 100.0 * (double)run_ns / (double)sampled;
		out->bpf_runs_per_s = per_s(runs, sampled);
	}
	out->process_cpu_pct = 100.0 * (double)proc / (double)ns;
	out->poller_cpu_pct = 100.0 * (double)poll / (double)ns;
	out->cpu_pct = out->process_cpu_pct + (out->bpf_known ? out->bpf_cpu_pct : 0);
}

static bool stats_sysctl_on(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int v = 0;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v == 1;
}

/* Whether skbtop may turn the statistics on itself; if not, whether they are on anyway. */
static void probe_stats(struct cost *c)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	int err = fd < 0 ? errno : 0;

	c->own = fd >= 0;
	if (fd >= 0)
		close(fd);
	c->live.bpf_known = c->own || stats_sysctl_on();
	if (c->live.bpf_known)
		return;
	snprintf(c->live.bpf_why, sizeof(c->live.bpf_why), "kernel BPF stats unavailable: %s%s",
		 strerror(err),
		 err == EPERM	 ? " (needs CAP_SYS_ADMIN)"
		 : err == EINVAL ? " (kernel older than 5.8)"
				 : "");
}

struct cost *cost__new(const struct poller *poller)
{
	struct cost *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->poller = poller;
	c->stats_fd = -1;
	probe_stats(c);
	return c;
}

void cost__add_prog(void *cost, int prog_fd)
{
	struct cost *c = cost;
	int fd;

	if (c->n_progs == c->cap_progs) {
		size_t cap = c->cap_progs ? 2 * c->cap_progs : 32;
		struct cost_prog *v = realloc(c->progs, cap * sizeof(*v));

		if (!v)
			return;
		c->progs = v;
		c->cap_progs = cap;
	}
	fd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return;
	c->progs[c->n_progs++] = (struct cost_prog){ .fd = fd };
	c->live.bpf_programs = (unsigned int)c->n_progs;
}

/* Adds what every program ran since the last read to c->last's sums. */
static void read_bpf(struct cost *c)
{
	for (size_t i = 0; i < c->n_progs; i++) {
		struct cost_prog *p = &c->progs[i];
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(p->fd, &info, &len))
			cost__add_read(
				&c->last, &p->last,
				&(struct cost_prog_counters){ info.run_time_ns, info.run_cnt });
	}
}

/* Reads every program and the CPU clocks into c->last at now. */
static void read_counts(struct cost *c, uint64_t now)
{
	struct cost_counts *k = &c->last;

	if (c->continuous && now > k->at_ns)
		k->sampled_ns += now - k->at_ns;
	k->at_ns = now;
	k->process_cpu_ns = clock__ns_of(CLOCK_PROCESS_CPUTIME_ID);
	if (c->poller)
		poller__cpu_ns(c->poller, &k->poller_cpu_ns);
	/* Borrowed from the sysctl, the statistics go when someone turns it off. */
	if (c->live.bpf_known && !c->own && !stats_sysctl_on()) {
		c->live.bpf_known = false;
		snprintf(c->live.bpf_why, sizeof(c->live.bpf_why),
			 "kernel BPF stats turned off (kernel.bpf_stats_enabled=0)");
	}
	if (c->live.bpf_known)
		read_bpf(c);
}

/*
 * The statistics on for a window at the start of the interval; on anyway, the interval is
 * sampled whole.
 */
static void open_window(struct cost *c, uint64_t now)
{
	c->continuous = c->live.bpf_known && stats_sysctl_on();
	if (c->continuous || !c->own || c->stats_fd >= 0)
		return;
	c->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (c->stats_fd >= 0)
		c->window_ns = now;
}

/* The window's runs read, its time counted as sampled, and the statistics off again. */
static void close_window(struct cost *c, uint64_t now)
{
	if (c->stats_fd < 0)
		return;
	read_bpf(c);
	close(c->stats_fd);
	c->stats_fd = -1;
	c->last.sampled_ns += now - c->window_ns;
}

void cost__start(struct cost *c)
{
	uint64_t now = clock__ns_of(CLOCK_MONOTONIC);

	read_counts(c, now);
	/* What ran before the start is not counted: the sums start at zero here. */
	c->last.bpf_run_ns = c->last.bpf_runs = c->last.sampled_ns = 0;
	c->first = c->mark = c->last;
	open_window(c, now);
}

bool cost__sample(struct cost *c)
{
	uint64_t now = clock__ns_of(CLOCK_MONOTONIC);

	if (c->stats_fd >= 0 && now - c->window_ns >= COST_WINDOW_NS)
		close_window(c, now);
	if (now - c->mark.at_ns < SAMPLE_NS)
		return false;
	close_window(c, now);
	read_counts(c, now);
	cost__between(&c->mark, &c->last, &c->live);
	c->mark = c->last;
	open_window(c, now);
	return true;
}

const struct cost_figures *cost__live(const struct cost *c)
{
	return &c->live;
}

static void let_go(struct cost *c)
{
	for (size_t i = 0; i < c->n_progs; i++)
		close(c->progs[i].fd);
	c->n_progs = 0;
	if (c->stats_fd >= 0)
		close(c->stats_fd);
	c->stats_fd = -1;
}

void cost__finish(struct cost *c, struct cost_figures *session)
{
	uint64_t now = clock__ns_of(CLOCK_MONOTONIC);

	close_window(c, now);
	read_counts(c, now);
	if (session) {
		*session = c->live;
		cost__between(&c->first, &c->last, session);
	}
	let_go(c);
}

void cost__free(struct cost *c)
{
	if (!c)
		return;
	let_go(c);
	free(c->progs);
	free(c);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * How long discovery takes on this machine: the built-in configuration, the full BTF walk (with
 * classification and traceability), the kallsyms fallback, and classification alone.
 * Target: discovery over the full vmlinux BTF well under a second (fails above one second).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/discover/classify.h"
#include "core/base/config.h"
#include "core/discover/discover.h"

#define RUNS 15

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *what, double *ms, int n, const char *extra)
{
	qsort(ms, n, sizeof(*ms), cmp_double);
	printf("%-34s median %8.3f ms  min %8.3f  max %8.3f  (%d runs)%s\n", what, ms[n / 2], ms[0],
	       ms[n - 1], n, extra);
}

int main(void)
{
	struct discover_opts btf = { 0 }, kall = { .no_btf = true };
	double ms[RUNS], median = 0;
	struct config cfg;
	struct func_list l;
	char err[512], extra[128];
	size_t n = 0;

	for (int i = 0; i < RUNS; i++) {
		double t = now_ms();

		if (config__parse(&cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err))) {
			fprintf(stderr, "bench_discover: %s\n", err);
			return 1;
		}
		ms[i] = now_ms() - t;
		if (i < RUNS - 1)
			config__free(&cfg);
	}
	snprintf(extra, sizeof(extra), "  %zu rules", cfg.n_rules);
	report("config: built-in parse", ms, RUNS, extra);

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("discover: no /sys/kernel/btf/vmlinux, BTF walk not measured\n");
	} else {
		for (int i = 0; i < RUNS; i++) {
			double t = now_ms();

			if (discover__run(&l, &btf, &cfg, err, sizeof(err))) {
				fprintf(stderr, "bench_discover: %s\n", err);
				return 1;
			}
			ms[i] = now_ms() - t;
			n = l.n;
			if (i < RUNS - 1)
				discover__free(&l);
		}
		snprintf(extra, sizeof(extra), "  %zu functions", n);
		report("discover: full BTF walk", ms, RUNS, extra);
		median = ms[RUNS / 2];

		for (int i = 0; i < RUNS; i++) {
			double t = now_ms();

			for (size_t k = 0; k < l.n; k++)
				classify__name(&cfg, l.v[k].name, &l.v[k].layer, &l.v[k].prio);
			ms[i] = now_ms() - t;
		}
		snprintf(extra, sizeof(extra), "  %.2f us per function",
			 l.n ? ms[RUNS / 2] * 1e3 / l.n : 0.0);
		report("classify: every BTF function", ms, RUNS, extra);
		discover__free(&l);
	}

	for (int i = 0; i < 5; i++) {
		double t = now_ms();

		if (discover__run(&l, &kall, &cfg, err, sizeof(err))) {
			printf("discover: kallsyms fallback not measured: %s\n", err);
			break;
		}
		ms[i] = now_ms() - t;
		n = l.n;
		discover__free(&l);
		if (i == 4) {
			snprintf(extra, sizeof(extra), "  %zu guesses", n);
			report("discover: kallsyms fallback", ms, 5, extra);
		}
	}
	config__free(&cfg);

	if (median >= 1000.0) {
		printf("FAIL: discovery over the full BTF took %.0f ms (target: under 1000 ms)\n",
		       median);
		return 1;
	}
	return 0;
}

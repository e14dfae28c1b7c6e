// SPDX-License-Identifier: GPL-2.0
/*
 * The cost's arithmetic without a kernel: shares of one CPU, time per run and runs per second
 * between two samples; BPF figures over the seconds the statistics were on; counters that start
 * again; empty intervals; the header's forms.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel/cost.h"
#include "core/view/viewmodel.h"

#define MS 1000000ull

static const struct cost_counts t0 = {
	.at_ns = 5000 * MS,
	.bpf_run_ns = 100 * MS,
	.bpf_runs = 70000,
	.sampled_ns = 1000 * MS,
	.process_cpu_ns = 900 * MS,
	.poller_cpu_ns = 300 * MS,
};

/*
 * Two seconds later, the statistics on all along: 40 ms of BPF over 50,000 runs, 60 ms of the
 * process, 20 of the poller.
 */
static const struct cost_counts t1 = {
	.at_ns = 7000 * MS,
	.bpf_run_ns = 140 * MS,
	.bpf_runs = 120000,
	.sampled_ns = 3000 * MS,
	.process_cpu_ns = 960 * MS,
	.poller_cpu_ns = 320 * MS,
};

static void shares_of_one_cpu_per_run_and_per_second(void **state)
{
	struct cost_figures f = { .bpf_known = true };

	(void)state;
	cost__between(&t0, &t1, &f);
	assert_true(f.measured);
	assert_true(fabs(f.seconds - 2.0) < 1e-9);
	assert_int_equal(f.bpf_run_ns, 40 * MS);
	assert_int_equal(f.bpf_runs, 50000);
	assert_true(fabs(f.bpf_cpu_pct - 2.0) < 1e-9);
	assert_true(fabs(f.bpf_ns_per_run - 800.0) < 1e-9);
	assert_true(fabs(f.bpf_runs_per_s - 25000.0) < 1e-9);
	assert_true(fabs(f.process_cpu_pct - 3.0) < 1e-9);
	assert_true(fabs(f.poller_cpu_pct - 1.0) < 1e-9);
	assert_true(fabs(f.cpu_pct - 5.0) < 1e-9);
}

/* The statistics were on for half a second of the two: the BPF figures are that half second's. */
static void bpf_figures_are_over_the_sampled_time(void **state)
{
	struct cost_counts part = t1;
	struct cost_figures f = { .bpf_known = true };

	(void)state;
	part.sampled_ns = t0.sampled_ns + 500 * MS;
	cost__between(&t0, &part, &f);
	assert_true(fabs(f.seconds - 2.0) < 1e-9);
	assert_true(fabs(f.bpf_sampled_s - 0.5) < 1e-9);
	assert_true(fabs(f.bpf_cpu_pct - 8.0) < 1e-9);
	assert_true(fabs(f.bpf_ns_per_run - 800.0) < 1e-9);
	assert_true(fabs(f.bpf_runs_per_s - 100000.0) < 1e-9);
	/* The process's share stays over the whole interval; the total adds the two shares. */
	assert_true(fabs(f.process_cpu_pct - 3.0) < 1e-9);
	assert_true(fabs(f.cpu_pct - 11.0) < 1e-9);
}

/* An interval with the statistics off: the BPF figures stay the last sampled interval's. */
static void an_unsampled_interval_keeps_the_last_bpf_figures(void **state)
{
	struct cost_counts off = t1;
	struct cost_figures f = { .bpf_known = true };

	(void)state;
	cost__between(&t0, &t1, &f);
	off.at_ns += 1000 * MS;
	off.process_cpu_ns += 10 * MS;
	cost__between(&t1, &off, &f);
	assert_true(f.measured);
	assert_true(fabs(f.seconds - 1.0) < 1e-9);
	assert_true(fabs(f.bpf_cpu_pct - 2.0) < 1e-9);
	assert_true(fabs(f.bpf_ns_per_run - 800.0) < 1e-9);
	assert_true(fabs(f.bpf_runs_per_s - 25000.0) < 1e-9);
	assert_true(fabs(f.bpf_sampled_s - 2.0) < 1e-9);
	assert_true(fabs(f.process_cpu_pct - 1.0) < 1e-9);
	assert_true(fabs(f.cpu_pct - 3.0) < 1e-9);
}

static void unknown_bpf_time_is_not_added_to_the_total(void **state)
{
	struct cost_figures f = { .bpf_known = false };

	(void)state;
	cost__between(&t0, &t1, &f);
	assert_true(fabs(f.cpu_pct - f.process_cpu_pct) < 1e-9);
	assert_false(f.bpf_known);
}

static void a_counter_that_starts_again_counts_from_zero(void **state)
{
	struct cost_counts reset = t1;
	struct cost_figures f = { .bpf_known = true };

	(void)state;
	assert_int_equal(cost__advance(10, 25), 15);
	assert_int_equal(cost__advance(25, 25), 0);
	/* A program's run_cnt that went back (reloaded, or 2^64 passed): what it has now. */
	assert_int_equal(cost__advance(UINT64_MAX - 5, 7), 7);
	reset.bpf_runs = 1000;
	reset.bpf_run_ns = 2 * MS;
	cost__between(&t0, &reset, &f);
	assert_int_equal(f.bpf_runs, 1000);
	assert_int_equal(f.bpf_run_ns, 2 * MS);
	assert_true(fabs(f.bpf_ns_per_run - 2000.0) < 1e-9);
}

/* Three reads of two programs; the second cannot be read the third time (gone from the set). */
static void a_program_leaving_the_set_does_not_take_its_time_back(void **state)
{
	struct cost_prog_counters last[2] = { { 0 } };
	struct cost_counts k = { 0 };

	(void)state;
	cost__add_read(&k, &last[0], &(struct cost_prog_counters){ 1000, 10 });
	cost__add_read(&k, &last[1], &(struct cost_prog_counters){ 400, 4 });
	assert_int_equal(k.bpf_run_ns, 1400);
	assert_int_equal(k.bpf_runs, 14);
	cost__add_read(&k, &last[0], &(struct cost_prog_counters){ 1500, 15 });
	cost__add_read(&k, &last[1], &(struct cost_prog_counters){ 900, 9 });
	assert_int_equal(k.bpf_run_ns, 2400);
	assert_int_equal(k.bpf_runs, 24);
	cost__add_read(&k, &last[0], &(struct cost_prog_counters){ 1600, 16 });
	assert_int_equal(k.bpf_run_ns, 2500);
	assert_int_equal(k.bpf_runs, 25);
	/* Back in the set with counters that started again: only what it did since. */
	cost__add_read(&k, &last[1], &(struct cost_prog_counters){ 50, 1 });
	assert_int_equal(k.bpf_run_ns, 2550);
	assert_int_equal(k.bpf_runs, 26);
	assert_int_equal(last[1].run_ns, 50);
}

static void an_empty_or_backward_interval_gives_no_figures(void **state)
{
	struct cost_figures f;

	(void)state;
	memset(&f, 0xff, sizeof(f));
	f.bpf_known = true;
	cost__between(&t1, &t1, &f);
	assert_false(f.measured);
	assert_true(f.bpf_cpu_pct == 0 && f.cpu_pct == 0 && f.process_cpu_pct == 0);
	assert_true(f.bpf_runs_per_s == 0 && f.bpf_ns_per_run == 0);
	cost__between(&t1, &t0, &f);
	assert_false(f.measured);
	assert_true(isfinite(f.cpu_pct) && f.cpu_pct == 0);
}

static void no_run_means_no_time_per_run(void **state)
{
	struct cost_counts idle = t1;
	struct cost_figures f = { .bpf_known = true };

	(void)state;
	idle.bpf_runs = t0.bpf_runs;
	idle.bpf_run_ns = t0.bpf_run_ns;
	cost__between(&t0, &idle, &f);
	assert_true(f.measured);
	assert_true(f.bpf_ns_per_run == 0 && f.bpf_cpu_pct == 0);
}

static void header_forms_get_shorter_and_say_why(void **state)
{
	struct cost_figures f = { .bpf_known = true, .bpf_programs = 20 };
	char b[3][256];

	(void)state;
	cost__between(&t0, &t1, &f);
	for (int i = 0; i < VM_COST_FORMS; i++)
		vm__fmt_cost(&f, i, b[i], sizeof(b[i]));
	assert_string_equal(b[0],
			    "cost 5.0% cpu: bpf 2.0% (800 ns/run, 25.0k runs/s), process 3.0% "
			    "(poller 1.0%)");
	assert_string_equal(b[1], "cost 5.0% cpu: bpf 2.0%, process 3.0%");
	assert_string_equal(b[2], "cost 5.0% cpu");

	/* A tracer at a few hundredths of a CPU is not shown as free. */
	f.cpu_pct = 0.04;
	vm__fmt_cost(&f, 2, b[2], sizeof(b[2]));
	assert_string_equal(b[2], "cost 0.04% cpu");

	f.measured = false;
	vm__fmt_cost(&f, 2, b[2], sizeof(b[2]));
	assert_string_equal(b[2], "cost -");

	memset(&f, 0, sizeof(f));
	strcpy(f.bpf_why, "kernel BPF stats unavailable: Operation not permitted");
	cost__between(&t0, &t1, &f);
	for (int i = 0; i < VM_COST_FORMS; i++)
		vm__fmt_cost(&f, i, b[i], sizeof(b[i]));
	assert_non_null(strstr(b[0], "bpf n/a (kernel BPF stats unavailable: Operation not "
				     "permitted), process 3.0% cpu"));
	assert_string_equal(b[1], "cost bpf n/a, process 3.0% cpu");
	assert_string_equal(b[2], "cost bpf n/a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shares_of_one_cpu_per_run_and_per_second),
		cmocka_unit_test(bpf_figures_are_over_the_sampled_time),
		cmocka_unit_test(an_unsampled_interval_keeps_the_last_bpf_figures),
		cmocka_unit_test(unknown_bpf_time_is_not_added_to_the_total),
		cmocka_unit_test(a_counter_that_starts_again_counts_from_zero),
		cmocka_unit_test(a_program_leaving_the_set_does_not_take_its_time_back),
		cmocka_unit_test(an_empty_or_backward_interval_gives_no_figures),
		cmocka_unit_test(no_run_means_no_time_per_run),
		cmocka_unit_test(header_forms_get_shorter_and_say_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

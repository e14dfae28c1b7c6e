// SPDX-License-Identifier: GPL-2.0
/* The /metrics text: the series a session gives, bounded label sets, escaped label values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/outputs/metrics.h"
#include "fixture_store.h"

struct world {
	struct config cfg;
	struct names *names;
	struct store *s;
	struct metrics *m;
	char *text;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	fx_config(&w->cfg);
	w->names = names__new();
	fx_names(w->names);
	names__add_drop_reason(w->names, 2, "NO_SOCKET");
	w->s = store__new(100, 64, &w->cfg, w->names);
	w->m = metrics__new(&w->cfg, w->names);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	free(w->text);
	metrics__free(w->m);
	store__free(w->s);
	names__free(w->names);
	free(w);
	return 0;
}

/* Into the store, and counted as the main loop counts what the store took. */
static void feed(struct world *w, const void *rec, size_t size)
{
	assert_non_null(store__add(w->s, rec, size));
	assert_int_equal(metrics__count(w->m, rec, size), 0);
}

static const char *render(struct world *w, const struct cost_figures *c)
{
	size_t len = 0;
	FILE *f;

	free(w->text);
	w->text = NULL;
	f = open_memstream(&w->text, &len);
	assert_int_equal(metrics__render(w->m, w->s, c, f), 0);
	fclose(f);
	return w->text;
}

static void has(const char *text, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static void drop_one(struct world *w, uint64_t skb, uint64_t ts, uint32_t reason)
{
	struct skbtop_event e = fx_ev(SKBTOP_EV_FUNC, skb, P_IP_RCV, ts);

	feed(w, &e, sizeof(e));
	e = fx_ev(SKBTOP_EV_DROP, skb, TP(KFREE_SKB), ts + 500);
	e.reason = reason;
	feed(w, &e, sizeof(e));
}

static void test_a_dropped_packet_shows_in_every_family(void **state)
{
	struct world *w = *state;
	struct skbtop_nft_event x = fx_nft(SKBTOP_EV_NFT_RULE, 0x100, 1200, 9, 0);
	const char *t;

	/* The rule's drop comes before the skb's free. */
	feed(w, &x, sizeof(x));
	drop_one(w, 0x100, 1300, 2);
	t = render(w, NULL);
	has(t, "skbtop_events_total 3");
	has(t, "skbtop_packets_total 1");
	has(t, "skbtop_layer_events_total{layer=\"IPv4\"} 1");
	has(t, "skbtop_layer_drops_total{layer=\"IPv4\"} 1");
	has(t, "skbtop_layer_seconds_total{layer=\"IPv4\"} 0.000000500");
	has(t, "skbtop_drops_total{reason=\"NO_SOCKET\"} 1");
	has(t, "skbtop_fates_total{fate=\"dropped\"} 1");
	has(t, "skbtop_packets_in_flight 0");
	assert_null(strstr(t, "fate=\"in_flight\""));
	has(t, "skbtop_nft_rule_verdicts_total{family=\"inet\",table=\"filter\",chain=\"input\","
	       "handle=\"9\",verdict=\"drop\"} 1");
	has(t, "skbtop_events_lost_total{where=\"kernel\"} 0");
	has(t, "# TYPE skbtop_drops_total counter");
	/* No cost measured: no cost series, rather than zeros. */
	assert_null(strstr(t, "skbtop_cost"));
}

static void test_only_final_verdicts_count(void **state)
{
	struct world *w = *state;
	struct skbtop_nft_event entry = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x100, 1000, 0, 1);
	struct skbtop_nft_event cont = fx_nft(SKBTOP_EV_NFT_RULE, 0x100, 1100, 4, -1);
	struct skbtop_nft_event policy = fx_nft(SKBTOP_EV_NFT_RULE, 0x100, 1200, 0, 1);
	struct skbtop_nft_event exit = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x100, 1300, 0, 1);
	const char *t;

	policy.ev.hdr.flags |= SKBTOP_F_POLICY;
	exit.ev.hdr.flags |= SKBTOP_F_EXIT;
	feed(w, &entry, sizeof(entry));
	feed(w, &cont, sizeof(cont));
	feed(w, &policy, sizeof(policy));
	feed(w, &exit, sizeof(exit));
	t = render(w, NULL);
	assert_null(strstr(t, "handle=\"4\""));
	has(t, "skbtop_nft_rule_verdicts_total{family=\"inet\",table=\"filter\",chain=\"input\","
	       "handle=\"policy\",verdict=\"accept\"} 1");
	has(t, "skbtop_nft_chain_verdicts_total{family=\"inet\",table=\"filter\",chain=\"input\","
	       "verdict=\"accept\"} 1");
}

static void test_label_sets_are_bounded_and_the_rest_summed(void **state)
{
	struct world *w = *state;
	int rules = METRICS_TOP_RULES + 10, reasons = METRICS_TOP_REASONS + 5;
	const char *t, *p;
	int series = 0;
	char line[256];

	for (int i = 0; i < rules; i++) {
		/* Rule i is hit i+1 times: the top ones are the last. */
		for (int k = 0; k <= i; k++) {
			struct skbtop_nft_event x =
				fx_nft(SKBTOP_EV_NFT_RULE, 0x1000, 100 + i * 1000 + k, 100 + i, 0);

			feed(w, &x, sizeof(x));
		}
	}
	for (int i = 0; i < reasons; i++)
		for (int k = 0; k <= i; k++)
			drop_one(w, 0x10000 + (uint64_t)(i * 100 + k), 1000000 + i * 1000 + k * 10,
				 (uint32_t)(100 + i));
	t = render(w, NULL);
	for (p = t; (p = strstr(p, "\nskbtop_nft_rule_verdicts_total{")); p++)
		series++;
	assert_int_equal(series, METRICS_TOP_RULES + 1);
	/* Rules 100..109 were hit 1..10 times: 55 in all. */
	has(t, "skbtop_nft_rule_verdicts_total{family=\"other\",table=\"other\",chain=\"other\","
	       "handle=\"other\",verdict=\"other\"} 55");
	has(t, "skbtop_nft_rule_verdicts_total{family=\"inet\",table=\"filter\",chain=\"input\","
	       "handle=\"159\",verdict=\"drop\"} 60");
	series = 0;
	for (p = t; (p = strstr(p, "\nskbtop_drops_total{")); p++)
		series++;
	assert_int_equal(series, METRICS_TOP_REASONS + 1);
	/* reasons 100..104 were hit 1..5 times */
	has(t, "skbtop_drops_total{reason=\"other\"} 15");
	snprintf(line, sizeof(line), "skbtop_drops_total{reason=\"reason#%d\"} %d",
		 100 + reasons - 1, reasons);
	has(t, line);
}

static void test_label_values_from_outside_are_escaped(void **state)
{
	struct world *w = *state;
	struct skbtop_nft_event x = fx_nft(SKBTOP_EV_NFT_RULE, 0x100, 1200, 9, 0);
	const char *t;

	strcpy(x.table, "a\"b\\c\nd\x1b");
	feed(w, &x, sizeof(x));
	t = render(w, NULL);
	has(t,
	    "skbtop_nft_rule_verdicts_total{family=\"inet\",table=\"a\\\"b\\\\c\\\\x0ad\\\\x1b\","
	    "chain=\"input\",handle=\"9\",verdict=\"drop\"} 1");
}

static void test_the_cost_is_in_cpus(void **state)
{
	struct world *w = *state;
	struct cost_figures c = { .measured = true,
				  .bpf_known = true,
				  .cpu_pct = 6.8,
				  .bpf_cpu_pct = 2.5,
				  .process_cpu_pct = 4.3,
				  .bpf_ns_per_run = 191,
				  .bpf_runs_per_s = 1000 };
	const char *t = render(w, &c);

	has(t, "skbtop_cost_cpu_ratio 0.068000");
	has(t, "skbtop_cost_bpf_cpu_ratio 0.025000");
	has(t, "skbtop_cost_bpf_run_seconds 0.000000191");
	c.bpf_known = false;
	t = render(w, &c);
	has(t, "skbtop_cost_process_cpu_ratio 0.043000");
	assert_null(strstr(t, "skbtop_cost_bpf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_dropped_packet_shows_in_every_family, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_only_final_verdicts_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_sets_are_bounded_and_the_rest_summed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_values_from_outside_are_escaped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_the_cost_is_in_cpus, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

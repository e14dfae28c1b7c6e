// SPDX-License-Identifier: GPL-2.0
/* Folded stacks: the path frames, the weights, and that they add up to each journey's duration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/outputs/folded.h"
#include "fixture_store.h"

struct world {
	struct config cfg;
	struct names *names;
	struct folded *f;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	fx_config(&w->cfg);
	w->names = names__new();
	fx_names(w->names);
	w->f = folded__new(&w->cfg, w->names);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	folded__free(w->f);
	names__free(w->names);
	free(w);
	return 0;
}

struct step {
	uint32_t func;
	uint64_t t; /* since the journey's first event */
};

/* A journey of n steps, the layers those of the probes, starting at 1000. */
static struct journey journey(const struct world *w, struct jevent *ev, const struct step *s,
			      size_t n, uint64_t duration)
{
	struct journey j;

	memset(&j, 0, sizeof(j));
	for (size_t i = 0; i < n; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].ts_ns = 1000 + s[i].t;
		ev[i].func_id = s[i].func;
		ev[i].layer = (int16_t)names__probe(w->names, s[i].func)->layer;
	}
	j.events = ev;
	j.n_events = (uint32_t)n;
	j.first_ns = 1000;
	j.last_ns = 1000 + duration;
	return j;
}

static char *written(const struct folded *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_int_equal(folded__write(f, m), 0);
	fclose(m);
	return buf;
}

static const struct step dropped[] = {
	{ P_NETIF_CORE, 0 }, { P_IP_RCV, 100 },	      { P_NFT_DO_CHAIN, 150 },
	{ P_IP_RCV, 400 },   { TP(KFREE_SKB), 1000 },
};

static void test_each_event_weighs_the_time_until_the_next(void **state)
{
	struct world *w = *state;
	struct jevent ev[5];
	struct journey j = journey(w, ev, dropped, 5, 1000);
	char *out;

	assert_int_equal(folded__add(w->f, &j), 0);
	out = written(w->f);
	/* IPv4 entered again after NFT is a frame again; the drop, last, weighs nothing. */
	assert_string_equal(out, "Device;IPv4;NFT;IPv4;ip_rcv 600\n"
				 "Device;IPv4;NFT;nft_do_chain 250\n"
				 "Device;IPv4;ip_rcv 50\n"
				 "Device;__netif_receive_skb_core 100\n");
	assert_int_equal(folded__total_ns(w->f), 1000);
	assert_int_equal(folded__paths(w->f), 4);
	free(out);
}

static void test_packets_on_one_path_are_summed_into_one_line(void **state)
{
	struct world *w = *state;
	static const struct step a[] = { { P_IP_RCV, 0 }, { P_UDP_RCV, 30 }, { P_SOCK_QUEUE, 50 } };
	static const struct step b[] = { { P_IP_RCV, 0 }, { P_UDP_RCV, 70 }, { P_SOCK_QUEUE, 75 } };
	struct jevent ea[3], eb[3];
	struct journey ja = journey(w, ea, a, 3, 50), jb = journey(w, eb, b, 3, 90);
	char *out;

	assert_int_equal(folded__add(w->f, &ja), 0);
	assert_int_equal(folded__add(w->f, &jb), 0);
	out = written(w->f);
	/* The time after the last event (the socket holding the packet) is the last function's. */
	assert_string_equal(out, "IPv4;UDP;Socket;sock_queue_rcv_skb 15\n"
				 "IPv4;UDP;udp_rcv 25\n"
				 "IPv4;ip_rcv 100\n");
	assert_int_equal(folded__total_ns(w->f), 50 + 90);
	free(out);
}

static void test_events_out_of_order_never_count_twice(void **state)
{
	struct world *w = *state;
	/* A second CPU's event stamped before the one ahead of it in the journey. */
	static const struct step s[] = { { P_IP_RCV, 0 },
					 { P_UDP_RCV, 300 },
					 { P_SOCK_QUEUE, 200 } };
	struct jevent ev[3];
	struct journey j = journey(w, ev, s, 3, 400);

	assert_int_equal(folded__add(w->f, &j), 0);
	assert_int_equal(folded__total_ns(w->f), 400);
}

static void test_time_after_truncated_events_stays_the_packets(void **state)
{
	struct world *w = *state;
	struct jevent ev[5];
	struct journey j = journey(w, ev, dropped, 3, 1000);
	char *out;

	j.events_truncated = 2;
	assert_int_equal(folded__add(w->f, &j), 0);
	out = written(w->f);
	assert_non_null(strstr(out, "Device;IPv4;NFT;" FOLDED_NOT_HELD " 850\n"));
	assert_int_equal(folded__total_ns(w->f), 1000);
	free(out);
}

static void test_names_from_files_cannot_break_a_line(void **state)
{
	struct world *w = *state;
	static const struct step s[] = { { 77, 0 }, { P_IP_RCV, 10 } };
	struct jevent ev[2];
	struct journey j;
	char *out;

	names__add_probe(w->names, 77, "evil; name\n\x1b[2J", NULL, L_DEVICE, PRIO_CRITICAL);
	j = journey(w, ev, s, 2, 10);
	assert_int_equal(folded__add(w->f, &j), 0);
	out = written(w->f);
	assert_string_equal(out, "Device;evil__name\\x0a\\x1b[2J 10\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_event_weighs_the_time_until_the_next,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_packets_on_one_path_are_summed_into_one_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_out_of_order_never_count_twice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_time_after_truncated_events_stays_the_packets,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_from_files_cannot_break_a_line, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

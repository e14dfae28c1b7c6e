// SPDX-License-Identifier: GPL-2.0
/*
 * Captured bytes join their journey: the bytes the kernel sends before an event wait for the store
 * to add that event, a journey's packets are written when it ends (or after a delay for late
 * verdicts, or at exit), and bytes no journey takes are counted as lost.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/outputs/capture.h"
#include "core/outputs/export.h"
#include "core/outputs/replay.h"
#include "fixture_store.h"

struct world {
	struct config cfg;
	struct names *names;
	struct store *s;
	struct capture *c;
	char *buf;
	size_t len;
	FILE *f;
};

static struct world *world(uint32_t delay_ms)
{
	struct world *w = calloc(1, sizeof(*w));

	fx_config(&w->cfg);
	w->names = names__new();
	fx_names(w->names);
	w->s = store__new(100, 64, &w->cfg, w->names);
	w->f = open_memstream(&w->buf, &w->len);
	w->c = capture__new(w->f, 128, delay_ms, w->names, &w->cfg);
	return w;
}

static void done(struct world *w)
{
	capture__free(w->c);
	fclose(w->f);
	free(w->buf);
	store__free(w->s);
	names__free(w->names);
	free(w);
}

static void bytes(struct world *w, uint64_t skb, uint64_t ts)
{
	struct skbtop_bytes_event b;

	memset(&b, 0, sizeof(b));
	b.hdr.type = SKBTOP_EV_BYTES;
	b.hdr.ts_ns = ts;
	b.skb = skb;
	b.ifindex = 1;
	b.netns = 7;
	b.len = 92;
	b.caplen = 60;
	b.link = SKBTOP_LINK_ETH;
	for (int i = 0; i < 60; i++)
		b.data[i] = (uint8_t)(i * 7 + skb);
	capture__bytes(w->c, &b);
}

static void event(struct world *w, uint16_t type, uint64_t skb, uint32_t func, uint64_t ts,
		  uint64_t now_ms)
{
	struct skbtop_event e = fx_ev(type, skb, func, ts);
	const struct journey *j;

	e.reason = 2;
	j = store__add(w->s, &e, sizeof(e));
	assert_non_null(j);
	capture__joined(w->c, w->s, j, now_ms);
}

static uint64_t written(struct world *w)
{
	fflush(w->f);
	return capture__stats(w->c)->packets;
}

static void test_a_journey_is_written_when_it_ends(void **state)
{
	struct world *w = world(0);

	(void)state;
	bytes(w, 0x100, 1000);
	event(w, SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000, 1);
	event(w, SKBTOP_EV_FUNC, 0x100, P_UDP_RCV, 1100, 1);
	assert_int_equal(written(w), 0);
	bytes(w, 0x100, 1200);
	event(w, SKBTOP_EV_DROP, 0x100, TP(KFREE_SKB), 1200, 1);
	assert_int_equal(written(w), 2);
	assert_non_null(memmem(w->buf, w->len, "dropped reason#2", 16));
	assert_non_null(memmem(w->buf, w->len, "bytes at its drop", 17));
	assert_non_null(memmem(w->buf, w->len, "bytes at its first event", 24));
	assert_int_equal(capture__stats(w->c)->lost, 0);
	done(w);
}

static void test_an_ended_journey_waits_for_late_verdicts(void **state)
{
	struct world *w = world(1000);

	(void)state;
	bytes(w, 0x100, 1000);
	event(w, SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000, 5000);
	event(w, SKBTOP_EV_DROP, 0x100, TP(KFREE_SKB), 1200, 5000);
	capture__tick(w->c, w->s, 5999);
	assert_int_equal(written(w), 0);
	capture__tick(w->c, w->s, 6000);
	assert_int_equal(written(w), 1);
	done(w);
}

static void test_journeys_in_flight_are_written_at_exit(void **state)
{
	struct world *w = world(0);

	(void)state;
	bytes(w, 0x100, 1000);
	event(w, SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000, 1);
	capture__finish(w->c, w->s);
	assert_int_equal(written(w), 1);
	assert_non_null(memmem(w->buf, w->len, ": in-flight", 11));
	done(w);
}

static void test_bytes_no_journey_takes_are_lost_and_counted(void **state)
{
	struct world *w = world(0);
	/* Two skbs whose pending slot is the same: the second overwrites the first. */
	uint64_t a = 0x100, b = a + ((uint64_t)CAPTURE_PENDING << 8);

	(void)state;
	bytes(w, a, 1000);
	bytes(w, b, 1001);
	assert_int_equal(capture__stats(w->c)->lost, 1);
	event(w, SKBTOP_EV_FUNC, a, P_IP_RCV, 1002, 1);
	capture__finish(w->c, w->s);
	assert_int_equal(written(w), 0);
	done(w);
}

static void test_a_saved_session_keeps_the_bytes(void **state)
{
	struct world *w = world(0);
	char path[] = "/tmp/skbtop-test-capture-XXXXXX";
	struct session_info info = { 0 };
	const struct journey *j;
	struct names *n2 = names__new();
	struct store *back;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	bytes(w, 0x100, 999);
	event(w, SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000, 1);
	bytes(w, 0x100, 1200);
	event(w, SKBTOP_EV_DROP, 0x100, TP(KFREE_SKB), 1200, 1);
	assert_int_equal(export__session(path, w->s, w->names, &w->cfg, NULL), 0);
	back = replay__load(path, &w->cfg, n2, &info);
	assert_non_null(back);
	j = store__at(back, 0);
	assert_int_equal(j->n_caps, 2);
	assert_int_equal(j->caps[0].kind, JCAPTURE_FIRST);
	assert_int_equal(j->caps[1].kind, JCAPTURE_DROP);
	/* read just before the first event: counted as that event's */
	assert_int_equal(j->caps[0].ts_ns, j->first_ns);
	assert_int_equal(j->caps[1].caplen, 60);
	assert_int_equal(j->caps[1].len, 92);
	assert_int_equal(j->caps[1].link, SKBTOP_LINK_ETH);
	assert_memory_equal(j->caps[1].data, store__at(w->s, 0)->caps[1].data, 60);
	session_info__free(&info);
	store__free(back);
	names__free(n2);
	unlink(path);
	done(w);
}

/* A saved file with hostile "captures" is refused, whole, with a message. */
static void test_bad_captures_in_a_file_are_refused(void **state)
{
	static const char *const bad[] = {
		"[{\"kind\":\"first\",\"link\":\"raw\",\"data\":\"zz\"}]",
		"[{\"kind\":\"first\",\"link\":\"raw\",\"data\":\"abc\"}]",
		"[{\"kind\":\"sideways\",\"link\":\"raw\",\"data\":\"ab\"}]",
		"[{\"kind\":\"first\",\"link\":\"token-ring\",\"data\":\"ab\"}]",
		"[{},{},{},{}]",
		"\"ab\"",
	};
	struct world *w = world(0);
	char path[] = "/tmp/skbtop-test-capture-XXXXXX", *text = NULL, *at;
	size_t len;
	FILE *f;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	event(w, SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000, 1);
	assert_int_equal(export__session(path, w->s, w->names, &w->cfg, NULL), 0);
	f = fopen(path, "r");
	assert_int_equal(getdelim(&text, &len, '\0', f) > 0, 1);
	fclose(f);
	at = strstr(text, "\"events\":[");
	assert_non_null(at);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct session_info info = { 0 };
		struct names *n = names__new();
		struct store *back;

		f = fopen(path, "w");
		fprintf(f, "%.*s\"captures\":%s,%s", (int)(at - text), text, bad[i], at);
		fclose(f);
		back = replay__load(path, &w->cfg, n, &info);
		if (back)
			fail_msg("accepted captures %s", bad[i]);
		session_info__free(&info);
		names__free(n);
	}
	free(text);
	unlink(path);
	done(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_journey_is_written_when_it_ends),
		cmocka_unit_test(test_an_ended_journey_waits_for_late_verdicts),
		cmocka_unit_test(test_journeys_in_flight_are_written_at_exit),
		cmocka_unit_test(test_bytes_no_journey_takes_are_lost_and_counted),
		cmocka_unit_test(test_a_saved_session_keeps_the_bytes),
		cmocka_unit_test(test_bad_captures_in_a_file_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/* Translation along a journey: the headers of one event against those seen before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "core/session/nat.h"

static struct skbtop_tuple udp4(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct skbtop_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = AF_INET;
	t.l4proto = 17;
	t.sport = sport;
	t.dport = dport;
	inet_pton(AF_INET, src, &t.saddr.v4);
	inet_pton(AF_INET, dst, &t.daddr.v4);
	return t;
}

static void test_same_headers_are_no_translation(void **state)
{
	struct skbtop_tuple cur = udp4("10.91.0.1", 40001, "10.91.0.254", 9901);
	struct skbtop_tuple next = cur;

	(void)state;
	assert_false(nat__follow(&cur, &next));
	assert_memory_equal(&cur, &next, sizeof(cur));
}

static void test_dnat_and_snat_are_translations_and_followed(void **state)
{
	struct skbtop_tuple cur = udp4("10.91.0.1", 40001, "10.91.0.254", 9901);
	struct skbtop_tuple dnat = udp4("10.91.0.1", 40001, "10.92.0.2", 9911);
	struct skbtop_tuple snat = udp4("10.92.0.254", 40001, "10.92.0.2", 9911);

	(void)state;
	assert_true(nat__follow(&cur, &dnat));
	assert_memory_equal(&cur, &dnat, sizeof(cur));
	assert_true(nat__follow(&cur, &snat));
	assert_memory_equal(&cur, &snat, sizeof(cur));
}

/* On the way out the ports are 0 until the transport header is written. */
static void test_ports_written_later_are_filled_in(void **state)
{
	struct skbtop_tuple cur = udp4("10.77.0.1", 0, "10.77.0.2", 0);
	struct skbtop_tuple full = udp4("10.77.0.1", 40001, "10.77.0.2", 9999);

	(void)state;
	assert_false(nat__follow(&cur, &full));
	assert_int_equal(cur.sport, 40001);
	assert_int_equal(cur.dport, 9999);
	/* and a later event that lost them again changes nothing */
	assert_false(nat__follow(&cur, &(struct skbtop_tuple){ .family = AF_INET, .l4proto = 17 }));
	assert_int_equal(cur.dport, 9999);
}

/* An ICMP error's events may show the packet it quotes: another protocol, not a translation. */
static void test_another_protocol_is_left_out(void **state)
{
	struct skbtop_tuple cur = udp4("10.77.0.2", 0, "10.77.0.1", 0);
	struct skbtop_tuple quoted = udp4("10.77.0.1", 40001, "10.77.0.2", 9999);

	(void)state;
	cur.l4proto = 1;
	assert_false(nat__follow(&cur, &quoted));
	assert_int_equal(cur.l4proto, 1);
	assert_false(nat__follow(&cur, &(struct skbtop_tuple){ 0 }));
}

static void test_unknown_headers_take_the_first_seen(void **state)
{
	struct skbtop_tuple cur = { 0 };
	struct skbtop_tuple first = udp4("10.77.0.1", 40001, "10.77.0.2", 9999);

	(void)state;
	assert_false(nat__follow(&cur, &first));
	assert_memory_equal(&cur, &first, sizeof(cur));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_headers_are_no_translation),
		cmocka_unit_test(test_dnat_and_snat_are_translations_and_followed),
		cmocka_unit_test(test_ports_written_later_are_filled_in),
		cmocka_unit_test(test_another_protocol_is_left_out),
		cmocka_unit_test(test_unknown_headers_take_the_first_seen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

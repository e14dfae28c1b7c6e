// SPDX-License-Identifier: GPL-2.0
/*
 * pcapng blocks and the journey's comment: each block's two length fields agree and are a
 * multiple of 4, an interface is described once per (netns, ifindex, link type), the packet block
 * carries its bytes, lengths, nanosecond time and comment, and a comment can hold no control byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/outputs/journey_note.h"
#include "core/outputs/pcapng.h"
#include "fixture_store.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static uint32_t u32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The blocks of the file, checked for their framing; returns how many, types into types. */
static size_t blocks(const struct out *o, uint32_t *types, const char **at, size_t max)
{
	size_t n = 0, off = 0;

	while (off < o->len) {
		uint32_t len;

		assert_true(off + 12 <= o->len);
		len = u32(o->buf + off + 4);
		assert_int_equal(len % 4, 0);
		assert_true(off + len <= o->len);
		assert_int_equal(u32(o->buf + off + len - 4), len);
		assert_true(n < max);
		types[n] = u32(o->buf + off);
		at[n++] = o->buf + off;
		off += len;
	}
	return n;
}

static void open_out(struct out *o)
{
	memset(o, 0, sizeof(*o));
	o->f = open_memstream(&o->buf, &o->len);
}

static void test_interfaces_are_described_once_each(void **state)
{
	struct out o;
	struct pcapng *p;
	uint32_t types[16];
	const char *at[16];

	(void)state;
	open_out(&o);
	p = pcapng__new(o.f, "skbtop");
	assert_int_equal(pcapng__interface(p, 100, 2, "veth_a", PCAPNG_LINK_ETHERNET, 128), 0);
	assert_int_equal(pcapng__interface(p, 200, 2, "veth_b", PCAPNG_LINK_ETHERNET, 128), 1);
	assert_int_equal(pcapng__interface(p, 100, 2, "veth_a", PCAPNG_LINK_ETHERNET, 128), 0);
	assert_int_equal(pcapng__interface(p, 100, 2, "veth_a", PCAPNG_LINK_RAW, 128), 2);
	fflush(o.f);
	assert_int_equal(blocks(&o, types, at, 16), 4);
	assert_int_equal(types[0], 0x0A0D0D0A);
	assert_int_equal(u32(at[0] + 8), 0x1A2B3C4D);
	assert_int_equal(types[1], 1);
	assert_int_equal(types[3], 1);
	/* link type, then snap length, then the name option (code 2) */
	assert_int_equal(*(const uint16_t *)(at[3] + 8), PCAPNG_LINK_RAW);
	assert_int_equal(u32(at[3] + 12), 128);
	assert_int_equal(*(const uint16_t *)(at[1] + 16), 2);
	assert_memory_equal(at[1] + 20, "veth_a", 6);
	assert_int_equal(pcapng__error(p), 0);
	pcapng__free(p);
	fclose(o.f);
	free(o.buf);
}

static void test_a_packet_carries_its_bytes_time_and_comment(void **state)
{
	static const uint8_t data[] = { 1, 2, 3, 4, 5 };
	struct out o;
	struct pcapng *p;
	uint32_t types[8];
	const char *at[8], *e;

	(void)state;
	open_out(&o);
	p = pcapng__new(o.f, "skbtop");
	pcapng__interface(p, 1, 1, "lo", PCAPNG_LINK_RAW, 128);
	pcapng__packet(p, 0, 0x123456789abcdefULL, data, 5, 1500, "dropped\x1b[2J NO_SOCKET");
	fflush(o.f);
	assert_int_equal(blocks(&o, types, at, 8), 3);
	e = at[2];
	assert_int_equal(types[2], 6);
	assert_int_equal(u32(e + 8), 0);
	assert_int_equal(u32(e + 12), 0x1234567);
	assert_int_equal(u32(e + 16), 0x89abcdef);
	assert_int_equal(u32(e + 20), 5);
	assert_int_equal(u32(e + 24), 1500);
	assert_memory_equal(e + 28, data, 5);
	/* the data padded to 8, then the comment option (code 1), escaped */
	assert_int_equal(*(const uint16_t *)(e + 36), 1);
	assert_memory_equal(e + 40, "dropped\\x1b[2J NO_SOCKET", 24);
	pcapng__free(p);
	fclose(o.f);
	free(o.buf);
}

static void test_the_note_tells_the_journey(void **state)
{
	struct config cfg;
	struct names *n = names__new();
	struct store *s;
	struct skbtop_event e;
	struct skbtop_nft_event x;
	const struct journey *j;
	char note[512];

	(void)state;
	fx_config(&cfg);
	fx_names(n);
	names__add_drop_reason(n, 2, "NO_SOCKET");
	names__add_rule_text(n, 4026531840u, 1, "filter", 9, "udp dport 9999 drop");
	s = store__new(10, 64, &cfg, n);
	e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_IP_RCV, 1000);
	store__add(s, &e, sizeof(e));
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x100, 1100, 9, 0);
	store__add(s, &x, sizeof(x));
	e = fx_ev(SKBTOP_EV_DROP, 0x100, TP(KFREE_SKB), 1400);
	e.reason = 2;
	j = store__add(s, &e, sizeof(e));
	journey_note(note, sizeof(note), j, n, &cfg);
	assert_string_equal(note, "skbtop packet 1: dropped NO_SOCKET; nft: inet filter input "
				  "handle 9 drop \"udp dport 9999 drop\"; 400 ns in IPv4 100 ns, "
				  "Skb 0 ns, NFT 300 ns; 3 events");
	journey_note(note, 20, j, n, &cfg);
	assert_int_equal(strlen(note), 19);
	store__free(s);
	names__free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interfaces_are_described_once_each),
		cmocka_unit_test(test_a_packet_carries_its_bytes_time_and_comment),
		cmocka_unit_test(test_the_note_tells_the_journey),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

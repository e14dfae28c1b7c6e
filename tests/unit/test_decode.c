// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel/decode.h"

static void test_sizes_by_type(void **state)
{
	uint16_t t;

	(void)state;
	for (t = SKBTOP_EV_FUNC; t <= SKBTOP_EV_CLONE; t++)
		assert_int_equal(decode__size(t), sizeof(struct skbtop_event));
	for (t = SKBTOP_EV_NFT_CHAIN; t <= SKBTOP_EV_NF_HOOK; t++)
		assert_int_equal(decode__size(t), sizeof(struct skbtop_nft_event));
	assert_int_equal(decode__size(0), 0);
	assert_int_equal(decode__size(SKBTOP_EV_TYPE_MAX), 0);
}

static void test_check_refuses_mismatch(void **state)
{
	struct skbtop_nft_event x;

	(void)state;
	memset(&x, 0, sizeof(x));
	x.ev.hdr.type = SKBTOP_EV_FUNC;
	assert_int_equal(decode__check(&x, sizeof(struct skbtop_event)), 0);
	assert_int_equal(decode__check(&x, sizeof(x)), -1);
	assert_int_equal(decode__check(&x, 4), -1);
	assert_int_equal(decode__check(NULL, 0), -1);
	x.ev.hdr.type = SKBTOP_EV_NFT_RULE;
	assert_int_equal(decode__check(&x, sizeof(x)), 0);
	assert_int_equal(decode__check(&x, sizeof(struct skbtop_event)), -1);
	x.ev.hdr.type = 200;
	assert_int_equal(decode__check(&x, sizeof(x)), -1);
}

static void test_copy_counts_and_terminates(void **state)
{
	struct decoder d = { 0 };
	struct decode_slot slot;
	struct skbtop_nft_event x;

	(void)state;
	memset(&x, 'A', sizeof(x));
	x.ev.hdr.type = SKBTOP_EV_NFT_CHAIN;
	assert_int_equal(decoder__copy(&d, &slot, &x, sizeof(x)), 0);
	assert_int_equal(slot.size, sizeof(x));
	/* Names the kernel filled to the brim are cut, never left unterminated. */
	assert_int_equal(strlen(slot.u.nft.table), SKBTOP_NAME_LEN - 1);
	assert_int_equal(strlen(slot.u.nft.chain), SKBTOP_NAME_LEN - 1);
	assert_int_equal(strlen(slot.u.nft.target), SKBTOP_NAME_LEN - 1);
	assert_int_equal(slot.u.nft.rule_handle, x.rule_handle);
	assert_int_equal(decoder__copy(&d, &slot, &x, sizeof(x) - 8), -1);
	assert_int_equal(decoder__accept(&d, &x, 3), -1);
	x.ev.hdr.type = SKBTOP_EV_DROP;
	assert_int_equal(decoder__accept(&d, &x, sizeof(struct skbtop_event)), 0);
	assert_int_equal(decoder__bad(&d), 2);
	assert_int_equal(decoder__records(&d), 2);
}

static struct skbtop_event base_ev(uint64_t skb, uint32_t daddr, uint32_t len)
{
	struct skbtop_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = SKBTOP_EV_TP;
	e.hdr.flags = SKBTOP_F_BASE | SKBTOP_F_NEW_PACKET;
	e.hdr.ts_ns = 1000;
	e.skb = skb;
	e.ident = 77;
	e.ifindex = 3;
	e.netns = 4026531840u;
	e.mark = 5;
	e.len = len;
	e.l3proto = 0x0800;
	e.tuple.family = 2;
	e.tuple.l4proto = 17;
	e.tuple.sport = 5353;
	e.tuple.dport = 53;
	e.tuple.saddr.v4 = 0x0100000a;
	e.tuple.daddr.v4 = daddr;
	return e;
}

static struct skbtop_hit hit(uint64_t skb, uint32_t func_id, uint64_t ts)
{
	struct skbtop_hit h;

	memset(&h, 0, sizeof(h));
	h.hdr.type = SKBTOP_EV_HIT;
	h.hdr.cpu = 1;
	h.hdr.flags = SKBTOP_F_TUPLE_CACHED;
	h.hdr.ts_ns = ts;
	h.skb = skb;
	h.func_id = func_id;
	h.pid = 42;
	return h;
}

static void test_short_record_made_whole_from_its_base(void **state)
{
	struct decoder d = { 0 };
	struct decode_slot slot;
	struct skbtop_event b = base_ev(0x100, 0x0200000a, 60), other = base_ev(0x200, 9, 80);
	struct skbtop_hit h = hit(0x100, 7, 2000);

	(void)state;
	assert_int_equal(decoder__init(&d, 16), 0);
	assert_int_equal(decoder__copy(&d, &slot, &b, sizeof(b)), 0);
	assert_int_equal(decoder__copy(&d, &slot, &other, sizeof(other)), 0);
	assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h)), 0);
	assert_int_equal(slot.size, sizeof(struct skbtop_event));
	assert_int_equal(slot.u.hdr.type, SKBTOP_EV_FUNC);
	assert_int_equal(slot.u.hdr.flags, SKBTOP_F_TUPLE_CACHED);
	assert_int_equal(slot.u.hdr.ts_ns, 2000);
	assert_int_equal(slot.u.hdr.cpu, 1);
	assert_int_equal(slot.u.ev.skb, 0x100);
	assert_int_equal(slot.u.ev.func_id, 7);
	assert_int_equal(slot.u.ev.pid, 42);
	assert_int_equal(slot.u.ev.aux, 0);
	assert_int_equal(slot.u.ev.reason, 0);
	assert_memory_equal(&slot.u.ev.tuple, &b.tuple, sizeof(b.tuple));
	assert_int_equal(slot.u.ev.ident, 77);
	assert_int_equal(slot.u.ev.ifindex, 3);
	assert_int_equal(slot.u.ev.netns, 4026531840u);
	assert_int_equal(slot.u.ev.mark, 5);
	assert_int_equal(slot.u.ev.len, 60);
	assert_int_equal(slot.u.ev.l3proto, 0x0800);

	/* A tracepoint's id makes a TP event. */
	h = hit(0x100, SKBTOP_TP_FLAG | SKBTOP_TP_NETIF_RX, 2100);
	assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h)), 0);
	assert_int_equal(slot.u.hdr.type, SKBTOP_EV_TP);

	/* NAT: the new base's tuple is what the next short records repeat. */
	b = base_ev(0x100, 0x0300000a, 60);
	b.hdr.flags = SKBTOP_F_BASE;
	assert_int_equal(decoder__copy(&d, &slot, &b, sizeof(b)), 0);
	h = hit(0x100, 8, 2200);
	assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h)), 0);
	assert_int_equal(slot.u.ev.tuple.daddr.v4, 0x0300000a);

	/* A full record without the flag (a clone's, an nft event's) is no base. */
	b = base_ev(0x100, 0x0400000a, 60);
	b.hdr.flags = 0;
	assert_int_equal(decoder__copy(&d, &slot, &b, sizeof(b)), 0);
	assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h)), 0);
	assert_int_equal(slot.u.ev.tuple.daddr.v4, 0x0300000a);

	assert_int_equal(decoder__unbased(&d), 0);
	assert_int_equal(decoder__records(&d), 8);
	assert_int_equal(decoder__bad(&d), 0);
	decoder__release(&d);
}

static void test_short_record_without_base_is_counted(void **state)
{
	struct decoder d = { 0 }, bare = { 0 };
	struct decode_slot slot;
	struct skbtop_hit h = hit(0x300, 7, 2000);

	(void)state;
	assert_int_equal(decoder__init(&d, 16), 0);
	assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h)), 0);
	assert_int_equal(slot.u.ev.skb, 0x300);
	assert_int_equal(slot.u.ev.tuple.family, 0);
	assert_int_equal(decoder__unbased(&d), 1);
	/* A short record of the wrong size is refused like any other. */
	assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h) - 8), -1);
	assert_int_equal(decoder__bad(&d), 1);
	/* Without decoder__init there is no base at all. */
	assert_int_equal(decoder__copy(&bare, &slot, &h, sizeof(h)), 0);
	assert_int_equal(decoder__unbased(&bare), 1);
	decoder__release(&d);
}

/* The bases of skbs still hit survive any number of others; one left alone long is forgotten. */
static void test_bases_kept_while_used(void **state)
{
	struct decoder d = { 0 };
	struct decode_slot slot;
	struct skbtop_event b = base_ev(0x100, 0x0200000a, 60), idle = base_ev(0x200, 9, 80);
	struct skbtop_hit h = hit(0x100, 7, 2000);
	uint64_t skb;

	(void)state;
	assert_int_equal(decoder__init(&d, 4), 0);
	assert_int_equal(decoder__copy(&d, &slot, &b, sizeof(b)), 0);
	assert_int_equal(decoder__copy(&d, &slot, &idle, sizeof(idle)), 0);
	for (skb = 0x1000; skb < 0x1000 + 64 * 8; skb += 8) {
		struct skbtop_event o = base_ev(skb, 1, 40);

		assert_int_equal(decoder__copy(&d, &slot, &o, sizeof(o)), 0);
		assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h)), 0);
		assert_int_equal(slot.u.ev.len, 60);
	}
	assert_int_equal(decoder__unbased(&d), 0);
	h.skb = 0x200;
	assert_int_equal(decoder__copy(&d, &slot, &h, sizeof(h)), 0);
	assert_int_equal(decoder__unbased(&d), 1);
	decoder__release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_by_type),
		cmocka_unit_test(test_check_refuses_mismatch),
		cmocka_unit_test(test_copy_counts_and_terminates),
		cmocka_unit_test(test_short_record_made_whole_from_its_base),
		cmocka_unit_test(test_short_record_without_base_is_counted),
		cmocka_unit_test(test_bases_kept_while_used),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

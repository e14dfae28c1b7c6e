// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/decode.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_by_type),
		cmocka_unit_test(test_check_refuses_mismatch),
		cmocka_unit_test(test_copy_counts_and_terminates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

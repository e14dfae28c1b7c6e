// SPDX-License-Identifier: GPL-2.0
/* The string map behind replay's and names' lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "core/base/strmap.h"

static void test_keys_found_after_growing_and_values_replaced(void **state)
{
	struct strmap m = { 0 };
	char key[32];
	uint64_t v;

	(void)state;
	assert_int_equal(strmap__get(&m, "absent", &v), -1);
	for (uint64_t i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "nf_hook_slow_%llu+0x1a", (unsigned long long)i);
		assert_int_equal(strmap__put(&m, key, i * 3), 0);
	}
	assert_int_equal(m.n, 100000);
	assert_true(m.cap >= 2 * m.n);
	for (uint64_t i = 0; i < 100000; i += 997) {
		snprintf(key, sizeof(key), "nf_hook_slow_%llu+0x1a", (unsigned long long)i);
		assert_int_equal(strmap__get(&m, key, &v), 0);
		assert_int_equal(v, i * 3);
	}
	assert_int_equal(strmap__put(&m, "nf_hook_slow_5+0x1a", 7), 0);
	assert_int_equal(m.n, 100000);
	assert_int_equal(strmap__get(&m, "nf_hook_slow_5+0x1a", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(strmap__get(&m, "nf_hook_slow_5+0x1", &v), -1);
	assert_int_equal(strmap__put(&m, "", 1), 0);
	assert_int_equal(strmap__get(&m, "", &v), 0);
	strmap__free(&m);
	assert_int_equal(strmap__get(&m, "", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_found_after_growing_and_values_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

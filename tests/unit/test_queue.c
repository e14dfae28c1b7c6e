// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel/queue.h"

static void test_fifo_order_and_sizes(void **state)
{
	struct queue *q = queue__new(4, 16);
	const void *p;
	uint32_t sz, v;

	(void)state;
	assert_non_null(q);
	for (v = 1; v <= 3; v++)
		assert_true(queue__push(q, &v, sizeof(v)));
	assert_int_equal(queue__len(q), 3);
	for (v = 1; v <= 3; v++) {
		p = queue__peek(q, &sz);
		assert_non_null(p);
		assert_int_equal(sz, sizeof(v));
		assert_int_equal(*(const uint32_t *)p, v);
		queue__release(q);
	}
	assert_null(queue__peek(q, &sz));
	queue__free(q);
}

static void test_full_queue_refuses(void **state)
{
	struct queue *q = queue__new(3, 8); /* rounded up to 4 */
	uint32_t v = 7, sz;

	(void)state;
	assert_int_equal(queue__capacity(q), 4);
	for (int i = 0; i < 4; i++)
		assert_true(queue__push(q, &v, sizeof(v)));
	assert_false(queue__push(q, &v, sizeof(v)));
	queue__peek(q, &sz);
	queue__release(q);
	assert_true(queue__push(q, &v, sizeof(v)));
	queue__free(q);
}

static void test_oversized_record_refused(void **state)
{
	struct queue *q = queue__new(4, 8);
	char big[64] = { 0 };

	(void)state;
	assert_false(queue__push(q, big, sizeof(big)));
	assert_int_equal(queue__len(q), 0);
	queue__free(q);
}

static void test_reserved_slot_is_published_only_by_commit(void **state)
{
	struct queue *q = queue__new(2, 16);
	uint32_t *slot, sz;

	(void)state;
	assert_true(queue__slot_size(q) >= 16);
	slot = queue__reserve(q);
	assert_non_null(slot);
	*slot = 1;
	assert_null(queue__peek(q, &sz));
	/* Not committed: the same slot comes back. */
	assert_ptr_equal(queue__reserve(q), slot);
	*slot = 2;
	queue__commit(q, sizeof(*slot));
	slot = queue__reserve(q);
	*slot = 3;
	queue__commit(q, sizeof(*slot));
	assert_null(queue__reserve(q));
	assert_int_equal(*(const uint32_t *)queue__peek(q, &sz), 2);
	assert_int_equal(sz, sizeof(*slot));
	queue__release(q);
	assert_int_equal(*(const uint32_t *)queue__peek(q, &sz), 3);
	queue__free(q);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_null(queue__new(0, 8));
	assert_null(queue__new(8, 0));
}

#define N_ITEMS 200000

static void *producer(void *arg)
{
	struct queue *q = arg;

	for (uint64_t i = 0; i < N_ITEMS;)
		if (queue__push(q, &i, sizeof(i)))
			i++;
	return NULL;
}

/* Two threads: every record arrives once, in order, with its contents intact. */
static void test_two_threads_keep_order(void **state)
{
	struct queue *q = queue__new(64, sizeof(uint64_t));
	pthread_t t;
	uint64_t want = 0;
	uint32_t sz;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, producer, q), 0);
	while (want < N_ITEMS) {
		const void *p = queue__peek(q, &sz);

		if (!p)
			continue;
		assert_int_equal(sz, sizeof(uint64_t));
		assert_int_equal(*(const uint64_t *)p, want);
		queue__release(q);
		want++;
	}
	pthread_join(t, NULL);
	assert_null(queue__peek(q, &sz));
	queue__free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_order_and_sizes),
		cmocka_unit_test(test_full_queue_refuses),
		cmocka_unit_test(test_oversized_record_refused),
		cmocka_unit_test(test_reserved_slot_is_published_only_by_commit),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_two_threads_keep_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/* The refresher: asking never waits for the work, a key asked twice is worked on once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdbool.h>
#include <cmocka.h>

#include "core/session/refresher.h"

struct held {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool released, started;
	uint64_t keys[16];
	int n;
};

/* Works on the first key only once the test releases it. */
static void work(void *ctx, uint64_t key)
{
	struct held *h = ctx;

	pthread_mutex_lock(&h->lock);
	h->started = true;
	pthread_cond_broadcast(&h->cond);
	while (!h->released)
		pthread_cond_wait(&h->cond, &h->lock);
	if (h->n < 16)
		h->keys[h->n++] = key;
	pthread_mutex_unlock(&h->lock);
}

static void test_asks_return_while_work_is_held(void **state)
{
	struct held h = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	struct refresher *r = refresher__new(work, &h);

	(void)state;
	assert_non_null(r);
	refresher__ask(r, 1);
	pthread_mutex_lock(&h.lock);
	while (!h.started)
		pthread_cond_wait(&h.cond, &h.lock);
	pthread_mutex_unlock(&h.lock);
	/* Key 1 is held in work: these return at once, and 2 waits its turn once. */
	refresher__ask(r, 2);
	refresher__ask(r, 3);
	refresher__ask(r, 2);
	pthread_mutex_lock(&h.lock);
	assert_int_equal(h.n, 0);
	h.released = true;
	pthread_cond_broadcast(&h.cond);
	pthread_mutex_unlock(&h.lock);
	refresher__wait(r);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.keys[0], 1);
	assert_int_equal(h.keys[1], 2);
	assert_int_equal(h.keys[2], 3);
	refresher__free(r);
}

static void test_free_with_nothing_asked(void **state)
{
	struct held h = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	struct refresher *r = refresher__new(work, &h);

	(void)state;
	refresher__wait(r);
	refresher__free(r);
	refresher__free(NULL);
	assert_int_equal(h.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asks_return_while_work_is_held),
		cmocka_unit_test(test_free_with_nothing_asked),
	};

	return cmocka_run_group_tests_name("refresher", tests, NULL, NULL);
}

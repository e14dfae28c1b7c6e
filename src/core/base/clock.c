// SPDX-License-Identifier: GPL-2.0
#include "core/base/clock.h"

uint64_t clock__ns_of(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t clock__ns(void)
{
	return clock__ns_of(CLOCK_MONOTONIC);
}

double clock__ms(void)
{
	return clock__ns() / 1e6;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Time as the program measures it: CLOCK_MONOTONIC unless a caller asks for another clock. */
#ifndef SKBTOP_CLOCK_H
#define SKBTOP_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds on clk (CLOCK_MONOTONIC, CLOCK_REALTIME, a thread's CPU clock...), 0 if unreadable.
 */
uint64_t clock__ns_of(clockid_t clk);
/* Monotonic nanoseconds and milliseconds. */
uint64_t clock__ns(void);
double clock__ms(void);

#endif /* SKBTOP_CLOCK_H */

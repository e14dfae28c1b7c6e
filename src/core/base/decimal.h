/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers in decimal without printf: a stream line, a JSON value or a lookup key is written
 * hundreds of thousands of times a second, and a format's parsing would be most of its cost.
 */
#ifndef SKBTOP_DECIMAL_H
#define SKBTOP_DECIMAL_H

#include <stdint.h>

/* The longest a uint64_t's digits are. */
#define DECIMAL_U64_MAX 20

/*
 * Writes v's digits back from end (which has DECIMAL_U64_MAX bytes before it) and returns where
 * they start; nothing is terminated.
 */
static inline char *decimal__u64(char *end, uint64_t v)
{
	uint32_t w;

	/* 32-bit division, cheaper, once the number fits. */
	while (v > UINT32_MAX) {
		*--end = (char)('0' + v % 10);
		v /= 10;
	}
	w = (uint32_t)v;
	do {
		*--end = (char)('0' + w % 10);
		w /= 10;
	} while (w);
	return end;
}

#endif /* SKBTOP_DECIMAL_H */

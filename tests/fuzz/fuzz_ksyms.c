// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kallsyms as ksyms.c reads it: whatever lines it keeps, every lookup gives a name of
 * printable bytes and an offset that leads back to the address asked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kernel/ksyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct ksyms *k;

	if (!f)
		return 0;
	k = ksyms__from_file(f);
	fclose(f);
	if (!k)
		return 0;
	for (size_t i = 0; i + 8 <= size && i < 256; i += 8) {
		uint64_t addr, off;
		const char *s;

		memcpy(&addr, data + i, sizeof(addr));
		s = ksyms__find(k, addr, &off);
		if (!s)
			continue;
		if (!*s || off > addr)
			abort();
		for (const char *c = s; *c; c++)
			if (*c <= ' ' || *c >= 0x7f)
				abort();
	}
	ksyms__free(k);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Ring-buffer records through the decoder: whatever it gives out is the size its type says. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kernel/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoder d = { 0 };
	struct decode_slot slot;
	/* The ring buffer hands out 8-byte aligned records. */
	uint64_t *rec = malloc(size ? size : 1);

	if (!rec)
		return 0;
	memcpy(rec, data, size);
	/* A short record comes out whole; every other one as it came. */
	if (decoder__copy(&d, &slot, rec, size) == 0 &&
	    (decode__size(slot.u.hdr.type) != slot.size ||
	     (slot.size != size && size != sizeof(struct skbtop_hit))))
		abort();
	decoder__accept(&d, rec, size);
	free(rec);
	return 0;
}

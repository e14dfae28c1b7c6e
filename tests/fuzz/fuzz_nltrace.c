// SPDX-License-Identifier: GPL-2.0
/* Netlink trace datagrams, whole, through the receive walk: from the kernel's port and another's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/nft/nft_nltrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nft_nltrace_stats st = { 0 };
	struct nft_trace_rec out[8];
	/* As recv() fills it: an aligned buffer of exactly the datagram's size. */
	void *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	nft_nltrace__datagram(buf, size, 0, out, 8, &st);
	if (nft_nltrace__datagram(buf, size, 1234, out, 8, &st))
		abort();
	free(buf);
	return 0;
}

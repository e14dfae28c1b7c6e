// SPDX-License-Identifier: GPL-2.0
/* `nft -a -s list ruleset` text, then a lookup of each handle the text could name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/nft/nft_ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nft_ruleset *rs = nft_ruleset__new("nft");
	char *text = malloc(size + 1);

	if (!rs || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	nft_ruleset__set_live(rs, false);
	if (nft_ruleset__parse(rs, 1, text) > 0)
		for (uint64_t h = 0; h < 8; h++)
			nft_ruleset__text(rs, 1, 1 /* NFPROTO_INET */, "t", h);
	nft_ruleset__free(rs);
	free(text);
	return 0;
}

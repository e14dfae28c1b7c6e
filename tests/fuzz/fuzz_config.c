// SPDX-License-Identifier: GPL-2.0
/*
 * The YAML configuration and layer files: the input is skbtop.yaml, then after the first NUL byte
 * (if any) layers.yaml. Whatever parses is classified against a few function names. Without a NUL
 * a small layers file stands in for the built-in one, whose hundred regular expressions would
 * make each run a hundred times slower under ASan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/discover/classify.h"
#include "core/base/config.h"

static const char small_layers[] = "layers:\n"
				   "  - { name: IPv4, color: green }\n"
				   "  - { name: Other }\n"
				   "unknown_layer: Other\n"
				   "rules:\n"
				   "  - { match: '^ip_rcv$', layer: IPv4, priority: critical }\n"
				   "  - { match: '^ip_', layer: IPv4 }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fns[] = { "ip_rcv", "__netif_receive_skb_core", "tcp_v4_rcv", "" };
	const char *text = (const char *)data, *layers = small_layers;
	const char *nul = memchr(data, '\0', size);
	size_t len = size, layers_len = sizeof(small_layers) - 1;
	struct config cfg;
	char err[512];

	if (nul) {
		len = (size_t)(nul - text);
		layers = nul + 1;
		layers_len = size - len - 1;
	}
	if (config__parse(&cfg, "fuzz.yaml", text, len, "layers.yaml", layers, layers_len, err,
			  sizeof(err)))
		return 0;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		enum priority prio;
		int layer;

		classify__name(&cfg, fns[i], &layer, &prio);
		classify__excluded(&cfg, fns[i]);
		classify__guess(&cfg, fns[i]);
	}
	config__free(&cfg);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>

#include "core/base/json_util.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_json.h"
#include "core/nft/nft_verdict.h"

static void put_true(FILE *f, const char *key, int *first)
{
	json__key(f, key, first);
	fputs_unlocked("true", f);
}

void nft_json__write(FILE *f, struct names *n, uint32_t netns, uint16_t type, uint32_t flags,
		     bool spell_flags, const struct jnft *x)
{
	const char *rule = NULL;
	int first = 1;

	putc_unlocked('{', f);
	json__key_str(f, "family", nfproto__name(x->family), &first);
	json__key_str(f, "table", x->table, &first);
	json__key_str(f, "chain", x->chain, &first);
	json__key_u64(f, "chain_handle", x->chain_handle, &first);
	json__key(f, "priority", &first);
	fprintf(f, "%" PRId32, x->priority);
	json__key_str(f, "hook", nfhook__name(x->family, x->hook), &first);
	json__key_u64(f, "handle", x->rule_handle, &first);
	/* A chain's entry has no verdict: the stream says none; saved files keep the 0 their
	 * readers expect. */
	if (!spell_flags || type != SKBTOP_EV_NFT_CHAIN || (flags & SKBTOP_F_EXIT)) {
		json__key_str(f, "verdict", nft_verdict__name(x->verdict), &first);
		json__key(f, "verdict_code", &first);
		fprintf(f, "%" PRId32, x->verdict);
	}
	if (x->target[0])
		json__key_str(f, "target", x->target, &first);
	if (spell_flags && type == SKBTOP_EV_NFT_CHAIN) {
		json__key(f, "exit", &first);
		fputs_unlocked(flags & SKBTOP_F_EXIT ? "true" : "false", f);
	}
	if (spell_flags && (flags & SKBTOP_F_POLICY))
		put_true(f, "policy", &first);
	if (spell_flags && (flags & SKBTOP_F_PARTIAL))
		put_true(f, "partial", &first);
	if (spell_flags && (flags & SKBTOP_F_NETLINK))
		json__key_str(f, "source", "netlink-trace", &first);
	json__key_u64(f, "depth", x->depth, &first);
	json__key_u64(f, "seq", x->seq, &first);
	if (x->rule_handle)
		rule = names__rule_text(n, netns, x->family, x->table, x->rule_handle);
	if (rule)
		json__key_str(f, "rule", rule, &first);
	putc_unlocked('}', f);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "nft_verdict.h"

/* Kernel uapi values, spelled out so this module stays usable in replay on any machine. */
#define NF_VERDICT_MASK		0x000000ffu
#define NF_VERDICT_QBITS	16
#define NF_VERDICT_FLAG_QBYPASS 0x00008000u
#define NFT_CONTINUE		-1
#define NFT_BREAK		-2
#define NFT_JUMP		-3
#define NFT_GOTO		-4
#define NFT_RETURN		-5

static const char *const kind_names[NFT_V_COUNT] = {
	[NFT_V_DROP] = "drop",	       [NFT_V_ACCEPT] = "accept", [NFT_V_STOLEN] = "stolen",
	[NFT_V_QUEUE] = "queue",       [NFT_V_REPEAT] = "repeat", [NFT_V_STOP] = "stop",
	[NFT_V_CONTINUE] = "continue", [NFT_V_BREAK] = "break",	  [NFT_V_JUMP] = "jump",
	[NFT_V_GOTO] = "goto",	       [NFT_V_RETURN] = "return", [NFT_V_UNKNOWN] = "unknown",
};

struct nft_vdecoded nft_verdict__split(int32_t code)
{
	struct nft_vdecoded d = { .kind = NFT_V_UNKNOWN };
	uint32_t u = (uint32_t)code;

	switch (code) {
	case NFT_CONTINUE:
		d.kind = NFT_V_CONTINUE;
		return d;
	case NFT_BREAK:
		d.kind = NFT_V_BREAK;
		return d;
	case NFT_JUMP:
		d.kind = NFT_V_JUMP;
		return d;
	case NFT_GOTO:
		d.kind = NFT_V_GOTO;
		return d;
	case NFT_RETURN:
		d.kind = NFT_V_RETURN;
		return d;
	}
	if (code < 0)
		return d;
	switch (u & NF_VERDICT_MASK) {
	case 0:
		d.kind = NFT_V_DROP;
		d.err = (int)(u >> NF_VERDICT_QBITS);
		break;
	case 1:
		d.kind = NFT_V_ACCEPT;
		break;
	case 2:
		/* Since 6.7 nft_do_chain frees a dropped skb itself and says so this way. */
		d.err = (int)(u >> NF_VERDICT_QBITS);
		d.kind = d.err ? NFT_V_DROP : NFT_V_STOLEN;
		break;
	case 3:
		d.kind = NFT_V_QUEUE;
		d.queue = (uint16_t)(u >> NF_VERDICT_QBITS);
		d.queue_bypass = u & NF_VERDICT_FLAG_QBYPASS;
		break;
	case 4:
		d.kind = NFT_V_REPEAT;
		break;
	case 5:
		d.kind = NFT_V_STOP;
		break;
	}
	return d;
}

const char *nft_vkind__name(enum nft_vkind kind)
{
	if ((unsigned)kind >= NFT_V_COUNT)
		kind = NFT_V_UNKNOWN;
	return kind_names[kind];
}

enum nft_vkind nft_vkind__parse(const char *name)
{
	for (int k = 0; k < NFT_V_COUNT; k++)
		if (name && !strcmp(name, kind_names[k]))
			return k;
	return NFT_V_UNKNOWN;
}

int nft_verdict__format(char *buf, size_t len, int32_t code, const char *target, bool policy)
{
	struct nft_vdecoded d = nft_verdict__split(code);
	const char *pre = policy ? "policy " : "";
	const char *name = nft_vkind__name(d.kind);

	if ((d.kind == NFT_V_JUMP || d.kind == NFT_V_GOTO) && target && *target)
		return snprintf(buf, len, "%s%s %s", pre, name, target);
	if (d.kind == NFT_V_QUEUE)
		return snprintf(buf, len, "%s%s %u%s", pre, name, d.queue,
				d.queue_bypass ? " bypass" : "");
	if (d.kind == NFT_V_UNKNOWN)
		return snprintf(buf, len, "%sverdict#%d", pre, code);
	return snprintf(buf, len, "%s%s", pre, name);
}

bool nft_vkind__is_final(enum nft_vkind kind)
{
	return kind == NFT_V_DROP || kind == NFT_V_ACCEPT || kind == NFT_V_STOLEN ||
	       kind == NFT_V_QUEUE || kind == NFT_V_STOP;
}

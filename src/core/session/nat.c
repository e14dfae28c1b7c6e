// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <sys/socket.h>

#include "core/session/nat.h"

/* One field of length len: whether both know it and differ; cur takes next's when next knows it. */
static bool follow_field(void *cur, const void *next, size_t len)
{
	static const unsigned char zero[16];
	bool cur_known = memcmp(cur, zero, len) != 0, next_known = memcmp(next, zero, len) != 0;
	bool changed = cur_known && next_known && memcmp(cur, next, len) != 0;

	if (next_known)
		memcpy(cur, next, len);
	return changed;
}

bool nat__follow(struct skbtop_tuple *cur, const struct skbtop_tuple *next)
{
	size_t alen = next->family == AF_INET6 ? 16 : 4;
	bool changed = false;

	if (!next->family ||
	    (cur->family && (cur->family != next->family || cur->l4proto != next->l4proto)))
		return false;
	if (!cur->family) {
		*cur = *next;
		return false;
	}
	/* Most events repeat the tuple: one comparison instead of a dozen. */
	if (!memcmp(cur, next, sizeof(*cur)))
		return false;
	changed |= follow_field(&cur->saddr, &next->saddr, alen);
	changed |= follow_field(&cur->daddr, &next->daddr, alen);
	changed |= follow_field(&cur->sport, &next->sport, sizeof(cur->sport));
	changed |= follow_field(&cur->dport, &next->dport, sizeof(cur->dport));
	return changed;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address and port translation seen along a packet's journey: the headers one event shows against
 * those seen before. Pure logic, no I/O.
 */
#ifndef SKBTOP_NAT_H
#define SKBTOP_NAT_H

#include <stdbool.h>

#include "skbtop_event.h"

/*
 * Follows the headers of a packet from cur to next. True when next is a translation of cur: same
 * family and protocol, and an address or port that both know (non-zero) differs. A field cur did
 * not know yet (ports before the transport header is written) is filled in, not translated. cur
 * takes next's known fields unless next is another protocol or family (an ICMP error's quoted
 * packet, a tunnel's inner one), which is left out.
 */
bool nat__follow(struct skbtop_tuple *cur, const struct skbtop_tuple *next);

#endif /* SKBTOP_NAT_H */

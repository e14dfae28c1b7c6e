/* SPDX-License-Identifier: GPL-2.0 */
/* Names of the ETH_P_* protocols an skb carries in skb->protocol. */
#ifndef SKBTOP_ETHERTYPE_H
#define SKBTOP_ETHERTYPE_H

#include <stdint.h>

#define ETHERTYPE_ARP 0x0806

/* "ARP", "LLDP", "802.1Q", ...; NULL when the value has no name here. */
const char *ethertype__name(uint16_t proto);

#endif /* SKBTOP_ETHERTYPE_H */

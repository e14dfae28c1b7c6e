// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

#include "core/session/ethertype.h"

/* The values of linux/if_ether.h a trace can meet, by the name users know them by. */
static const struct {
	uint16_t proto;
	const char *name;
} names[] = {
	{ 0x0001, "802.3" },   { 0x0004, "802.2" },	 { 0x0005, "SNAP" },
	{ 0x000c, "CAN" },     { 0x000d, "CAN FD" },	 { 0x0019, "HDLC" },
	{ 0x00f5, "PHONET" },  { 0x00f6, "802.15.4" },	 { 0x00f9, "QMI" },
	{ 0x0060, "LOOP" },    { 0x0800, "IPv4" },	 { 0x0806, "ARP" },
	{ 0x22f0, "TSN" },     { 0x22f3, "TRILL" },	 { 0x6558, "TEB" },
	{ 0x8035, "RARP" },    { 0x8100, "802.1Q" },	 { 0x86dd, "IPv6" },
	{ 0x8808, "PAUSE" },   { 0x8809, "LACP" },	 { 0x8847, "MPLS" },
	{ 0x8848, "MPLS mc" }, { 0x8863, "PPPoE disc" }, { 0x8864, "PPPoE" },
	{ 0x888e, "EAPOL" },   { 0x8892, "PROFINET" },	 { 0x88a4, "EtherCAT" },
	{ 0x88a8, "802.1ad" }, { 0x88b5, "local exp" },	 { 0x88b6, "local exp" },
	{ 0x88cc, "LLDP" },    { 0x88e5, "MACsec" },	 { 0x88e7, "802.1ah" },
	{ 0x88f7, "PTP" },     { 0x8902, "CFM" },	 { 0x8906, "FCoE" },
	{ 0x8914, "FIP" },     { 0x8915, "RoCE" },	 { 0x893a, "1905.1" },
	{ 0x894f, "NSH" },     { 0x9000, "loopback" },	 { 0xdada, "EDSA" },
};

const char *ethertype__name(uint16_t proto)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].proto == proto)
			return names[i].name;
	return NULL;
}

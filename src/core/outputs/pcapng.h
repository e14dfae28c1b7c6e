/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pcapng writer (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html): one section
 * header, one interface description per (network namespace, interface, link type), and enhanced
 * packet blocks with nanosecond timestamps and a comment. libpcap only writes the old pcap format
 * (no per-interface blocks, no comments), so the blocks are built here; the tests read every file
 * back with tshark and capinfos.
 */
#ifndef SKBTOP_PCAPNG_H
#define SKBTOP_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#define PCAPNG_LINK_ETHERNET 1	 /* LINKTYPE_ETHERNET */
#define PCAPNG_LINK_RAW	     101 /* LINKTYPE_RAW: starts at the IPv4 or IPv6 header */

struct pcapng;

/* Writes the section header to f (not closed by pcapng__free); NULL when out of memory. */
struct pcapng *pcapng__new(FILE *f, const char *application);
void pcapng__free(struct pcapng *p);

/*
 * The interface id of (netns, ifindex, link), writing its description block the first time:
 * ifname and "netns N" as its name and description (made printable). -1 when out of memory.
 */
int pcapng__interface(struct pcapng *p, uint32_t netns, uint32_t ifindex, const char *ifname,
		      uint16_t link, uint32_t snaplen);

/* One packet: ts_ns since the epoch, caplen bytes of a packet of origlen; comment may be NULL. */
void pcapng__packet(struct pcapng *p, int ifid, uint64_t ts_ns, const void *data, uint32_t caplen,
		    uint32_t origlen, const char *comment);

/* Whether every write so far succeeded. */
int pcapng__error(const struct pcapng *p);

#endif /* SKBTOP_PCAPNG_H */

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/outputs/pcapng.h"
#include "core/base/printable.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u

#define OPT_END	      0
#define OPT_COMMENT   1
#define SHB_USERAPPL  4
#define IF_NAME	      2
#define IF_DESC	      3
#define IF_TSRESOL    9
#define TSRESOL_NANOS 9 /* 10^-9 */

struct iface {
	uint32_t netns, ifindex;
	uint16_t link;
};

struct pcapng {
	FILE *f;
	struct iface *ifs;
	size_t n, cap;
	int err;
};

static uint32_t pad4(size_t n)
{
	return (uint32_t)((4 - (n & 3)) & 3);
}

static void put(struct pcapng *p, const void *data, size_t len)
{
	if (len && fwrite(data, 1, len, p->f) != len)
		p->err = errno ? -errno : -EIO;
}

static void put32(struct pcapng *p, uint32_t v)
{
	put(p, &v, 4);
}

static void put_pad(struct pcapng *p, size_t n)
{
	static const char zero[4];

	put(p, zero, pad4(n));
}

/* The bytes an option takes: code, length, value padded to 4. */
static size_t opt_size(size_t len)
{
	return 4 + len + pad4(len);
}

static void put_opt(struct pcapng *p, uint16_t code, const void *value, size_t len)
{
	uint16_t h[2] = { code, (uint16_t)len };

	put(p, h, 4);
	put(p, value, len);
	put_pad(p, len);
}

/* Option values are text for people: made printable, and cut to what the length field holds. */
static size_t text_opt(char *buf, size_t size, const char *s)
{
	printable__copy(buf, size, s ? s : "");
	return strlen(buf);
}

struct pcapng *pcapng__new(FILE *f, const char *application)
{
	struct pcapng *p = calloc(1, sizeof(*p));
	char appl[128];
	size_t alen;
	uint32_t total;

	if (!p)
		return NULL;
	p->f = f;
	alen = text_opt(appl, sizeof(appl), application);
	total = (uint32_t)(4 + 4 + 4 + 2 + 2 + 8 + opt_size(alen) + 4 + 4);
	put32(p, BT_SHB);
	put32(p, total);
	put32(p, 0x1A2B3C4D); /* byte-order magic: readers swap if they see it reversed */
	put(p, (uint16_t[]){ 1, 0 }, 4);
	put(p, (uint64_t[]){ UINT64_MAX }, 8); /* section length unknown: written as it goes */
	put_opt(p, SHB_USERAPPL, appl, alen);
	put32(p, OPT_END);
	put32(p, total);
	return p;
}

void pcapng__free(struct pcapng *p)
{
	if (!p)
		return;
	free(p->ifs);
	free(p);
}

int pcapng__interface(struct pcapng *p, uint32_t netns, uint32_t ifindex, const char *ifname,
		      uint16_t link, uint32_t snaplen)
{
	char name[128], desc[64];
	size_t nlen, dlen;
	uint32_t total;

	for (size_t i = 0; i < p->n; i++)
		if (p->ifs[i].netns == netns && p->ifs[i].ifindex == ifindex &&
		    p->ifs[i].link == link)
			return (int)i;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		struct iface *v = realloc(p->ifs, cap * sizeof(*v));

		if (!v)
			return -1;
		p->ifs = v;
		p->cap = cap;
	}
	p->ifs[p->n] = (struct iface){ netns, ifindex, link };
	nlen = text_opt(name, sizeof(name), ifname && *ifname ? ifname : "?");
	snprintf(desc, sizeof(desc), "netns %u ifindex %u", netns, ifindex);
	dlen = strlen(desc);
	total = (uint32_t)(4 + 4 + 2 + 2 + 4 + opt_size(nlen) + opt_size(dlen) + opt_size(1) + 4 +
			   4);
	put32(p, BT_IDB);
	put32(p, total);
	put(p, (uint16_t[]){ link, 0 }, 4);
	put32(p, snaplen);
	put_opt(p, IF_NAME, name, nlen);
	put_opt(p, IF_DESC, desc, dlen);
	put_opt(p, IF_TSRESOL, (uint8_t[]){ TSRESOL_NANOS }, 1);
	put32(p, OPT_END);
	put32(p, total);
	return (int)p->n++;
}

void pcapng__packet(struct pcapng *p, int ifid, uint64_t ts_ns, const void *data, uint32_t caplen,
		    uint32_t origlen, const char *comment)
{
	static char text[65532]; /* an option's length is 16 bits, padded to 4 */
	size_t clen = comment ? text_opt(text, sizeof(text), comment) : 0;
	uint32_t total = (uint32_t)(4 + 4 + 4 + 4 + 4 + 4 + 4 + caplen + pad4(caplen) +
				    (clen ? opt_size(clen) + 4 : 0) + 4);

	put32(p, BT_EPB);
	put32(p, total);
	put32(p, (uint32_t)ifid);
	put32(p, (uint32_t)(ts_ns >> 32));
	put32(p, (uint32_t)ts_ns);
	put32(p, caplen);
	put32(p, origlen < caplen ? caplen : origlen);
	put(p, data, caplen);
	put_pad(p, caplen);
	if (clen) {
		put_opt(p, OPT_COMMENT, text, clen);
		put32(p, OPT_END);
	}
	put32(p, total);
}

int pcapng__error(const struct pcapng *p)
{
	return p->err;
}

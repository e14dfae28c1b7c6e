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

/* An option's length is 16 bits, and its value is padded to 4. */
#define COMMENT_MAX 65532

struct pcapng {
	FILE *f;
	struct iface *ifs;
	size_t n, cap;
	int err;
	/* A packet block is built here and written by one call: a call per field cost a flood's
	 * capture more than the formatting. */
	unsigned char *blk;
	size_t blk_cap;
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
	free(p->blk);
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
	size_t data_end = 28 + (size_t)caplen + pad4(caplen), need = data_end + 4 + COMMENT_MAX + 8;
	size_t clen = 0, at = data_end;
	unsigned char *b = p->blk;
	uint32_t head[7], total;

	if (need > p->blk_cap) {
		b = realloc(p->blk, need);
		if (!b) {
			p->err = -ENOMEM;
			return;
		}
		p->blk = b;
		p->blk_cap = need;
	}
	if (comment)
		clen = text_opt((char *)b + data_end + 4, COMMENT_MAX, comment);
	if (clen) {
		uint16_t opt[2] = { OPT_COMMENT, (uint16_t)clen };

		memcpy(b + at, opt, 4);
		at += 4 + clen;
		memset(b + at, 0, pad4(clen) + 4); /* the padding, then OPT_END */
		at += pad4(clen) + 4;
	}
	total = (uint32_t)(at + 4);
	head[0] = BT_EPB;
	head[1] = total;
	head[2] = (uint32_t)ifid;
	head[3] = (uint32_t)(ts_ns >> 32);
	head[4] = (uint32_t)ts_ns;
	head[5] = caplen;
	head[6] = origlen < caplen ? caplen : origlen;
	memcpy(b, head, sizeof(head));
	memcpy(b + sizeof(head), data, caplen);
	memset(b + sizeof(head) + caplen, 0, pad4(caplen));
	memcpy(b + at, &total, 4);
	put(p, b, total);
}

int pcapng__error(const struct pcapng *p)
{
	return p->err;
}

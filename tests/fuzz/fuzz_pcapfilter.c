// SPDX-License-Identifier: GPL-2.0
/*
 * The tcpdump-expression translator, differentially: the input is an expression, a NUL byte, one
 * byte saying how much of the packet is readable, then the packet's bytes. The translated eBPF
 * runs in the kernel model over the packet as an Ethernet frame and as an IP packet, and must
 * agree with libpcap's bpf_filter() on the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#define MODEL_CHECK(c)                                                                             \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "model: %s:%d: %s\n", __FILE__, __LINE__, #c);             \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
#define MODEL_FAIL(...)                                                                            \
	do {                                                                                       \
		fprintf(stderr, __VA_ARGS__);                                                      \
		abort();                                                                           \
	} while (0)
#include "ebpf_model.h"

#define MAX_EXPR 256
#define MAX_PKT	 256

/* libpcap's answer, or -1 when it compiles no program for this link type. */
static long reference(int linktype, const char *expr, const uint8_t *p, size_t wire, size_t cap)
{
	pcap_t *h = pcap_open_dead(linktype, 262144);
	struct bpf_program prog;
	long r = -1;

	if (!h)
		abort();
	if (pcap_compile(h, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0) {
		r = bpf_filter(prog.bf_insns, p, (u_int)wire, (u_int)cap) != 0;
		pcap_freecode(&prog);
	}
	pcap_close(h);
	return r;
}

static void agree(const struct pcapfilter *pf, const char *expr, const uint8_t *p, size_t wire,
		  size_t cap, bool l2)
{
	long want = reference(l2 ? DLT_EN10MB : DLT_RAW, expr, p, wire, cap);
	bool got = run_view(pf, p, wire, cap, l2) != 0;

	/* Without a network-layer program the filter waits for a MAC header: no match. */
	if (want < 0)
		want = 0;
	if (got != (want != 0)) {
		fprintf(stderr, "'%s' on %zu/%zu bytes, %s view: libpcap %ld, skbtop %d\n", expr,
			cap, wire, l2 ? "Ethernet" : "IP", want, got);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size < MAX_EXPR ? size : MAX_EXPR);
	char expr[MAX_EXPR], err[512];
	uint8_t pkt[MAX_PKT];
	struct pcapfilter pf;
	size_t wire, cut;

	if (!nul || (size_t)(nul - data) + 2 > size)
		return 0;
	memcpy(expr, data, (size_t)(nul - data) + 1);
	cut = nul[1];
	wire = size - (size_t)(nul - data) - 2;
	if (wire > MAX_PKT)
		wire = MAX_PKT;
	memcpy(pkt, nul + 2, wire);
	if (pcapfilter__compile(&pf, expr, err, sizeof(err)))
		return 0;
	/* The Ethernet view is only taken with a whole MAC header readable. */
	if (wire >= 14)
		agree(&pf, expr, pkt, wire, wire - cut % (wire - 13), true);
	if (wire >= 1)
		agree(&pf, expr, pkt, wire, wire - cut % wire, false);
	pcapfilter__free(&pf);
	return 0;
}

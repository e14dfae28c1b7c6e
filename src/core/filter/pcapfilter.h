/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tcpdump expression: libpcap compiles it twice, for packets with an Ethernet header
 * (DLT_EN10MB) and for packets that have only reached the network layer (DLT_RAW); both classic
 * BPF programs are checked and translated into one eBPF fragment that fills the placeholder of
 * bpf/filter.bpf.h (the contract is in bpf/filter_cfg.bpf.h). Pure code: no libbpf, no kernel.
 */
#ifndef SKBTOP_PCAPFILTER_H
#define SKBTOP_PCAPFILTER_H

#include <stddef.h>
#include <stdint.h>

/* One eBPF instruction, laid out as the kernel's struct bpf_insn (which clashes with pcap's). */
struct pf_insn {
	uint8_t code;
	uint8_t regs; /* dst in the low nibble, src in the high one */
	int16_t off;
	int32_t imm;
};

/* The translations, one per way the kernel lets the filter read packet bytes (filter_cfg.bpf.h). */
enum pf_mode {
	PF_COPY,   /* copied by bpf_probe_read_kernel */
	PF_DIRECT, /* read in place (skbtop_read_direct) */
	PF_WINDOW, /* read in place at constant offsets in the window (skbtop_read_window) */
	PF_MODES
};

struct pcapfilter {
	char *expr;
	/* Per mode, exactly SKBTOP_PCAP_SLOTS, the translated code at the end. */
	struct pf_insn *insns[PF_MODES];
	size_t n_code[PF_MODES]; /* instructions of real code at the end of insns */
	size_t n_cbpf_l2, n_cbpf_l3;
	/* Empty when the network-layer program exists, else libpcap's reason (link-layer words). */
	char l3_missing[256];
};

/*
 * Compiles and translates expr. On error returns -1 with a one-line message in err: libpcap's own
 * words for a bad expression (PCAPFILTER_EBADEXPR), or why the kernel path cannot evaluate it
 * (PCAPFILTER_EUNSUPPORTED).
 */
#define PCAPFILTER_EBADEXPR	-1
#define PCAPFILTER_EUNSUPPORTED -2
int pcapfilter__compile(struct pcapfilter *pf, const char *expr, char *err, size_t errlen);
void pcapfilter__free(struct pcapfilter *pf);

/* Checks and translates one classic BPF program (exposed for the tests). */
struct cbpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
int pcapfilter__check(const struct cbpf_insn *prog, size_t n, char *err, size_t errlen);

#endif /* SKBTOP_PCAPFILTER_H */

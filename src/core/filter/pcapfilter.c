// SPDX-License-Identifier: GPL-2.0
/*
 * tcpdump expression → libpcap classic BPF → eBPF for the placeholder of bpf/filter.bpf.h.
 * Translating before load (rather than interpreting classic BPF in the kernel) costs nothing per
 * instruction at run time: the JIT sees plain loads, ALU and jumps. Classic BPF has no loops
 * (every jump is forward), so the result is a straight DAG the verifier checks quickly.
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_cfg.bpf.h"
#include "core/filter/pcapfilter.h"

_Static_assert(sizeof(struct pf_insn) == 8, "struct pf_insn must match struct bpf_insn");
_Static_assert(sizeof(struct cbpf_insn) == sizeof(struct bpf_insn), "cbpf_insn must match pcap");

/* libpcap's snapshot length: the value a matching program returns. */
#define PF_SNAPLEN    262144
#define CBPF_MAXINSNS 4096
#define CBPF_MEMWORDS 16
/* Instructions before the unused slots: r0 = 0, a never-taken branch into them, a jump over. */
#define PF_PROLOGUE 3

/* eBPF encodings not in pcap's header (its bpf.h shares only the classic ones). */
#define E_ALU64		    0x07
#define E_JMP32		    0x06
#define E_DW		    0x18
#define E_MOV		    0xb0
#define E_END		    0xd0
#define E_TO_BE		    0x08
#define E_JNE		    0x50
#define E_JLT		    0xa0
#define E_JLE		    0xb0
#define E_CALL		    0x80
#define E_PROBE_READ_KERNEL 113

enum {
	R0,
	R1,
	R2,
	R3,
	R4,
	R5,
	R6,
	R7,
	R8
};
#define R_CTX R6
#define R_A   R7
#define R_X   R8
/*
 * Kept in registers between calls, which clobber them (load_slow loads them again): each load
 * checks linear, and the in-place builds load through data.
 */
#define R_LINEAR R4
#define R_DATA	 R5

#define CTX_OFF(f) ((int16_t) __builtin_offsetof(struct skbtop_pcap_ctx, f))

struct fixup {
	size_t at;
	int label;
};

struct emit {
	struct pf_insn *v;
	size_t n, cap;
	int head;	   /* bytes the prologue copies (at most SKBTOP_PCAP_HEAD): where loads read
			      the stack */
	enum pf_mode mode; /* how data reads (filter_cfg.bpf.h) */
	struct fixup *fix;
	size_t nfix, fixcap;
	long *label_pos;
	int nlabels;
	bool oom;
};

/* libpcap's X at the transport header, the usual IPv4 header (no options) ahead of it. */
#define X_IPV4_PLAIN 20

static void put(struct emit *e, uint8_t code, int dst, int src, int16_t off, int32_t imm)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 256;
		struct pf_insn *v = realloc(e->v, cap * sizeof(*v));

		if (!v) {
			e->oom = true;
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = (struct pf_insn){ code, (uint8_t)(dst | src << 4), off, imm };
}

static int new_labels(struct emit *e, int count)
{
	long *p = realloc(e->label_pos, (e->nlabels + count) * sizeof(*p));
	int first = e->nlabels;

	if (!p) {
		e->oom = true;
		return 0;
	}
	for (int i = 0; i < count; i++)
		p[first + i] = -1;
	e->label_pos = p;
	e->nlabels += count;
	return first;
}

static void bind_label(struct emit *e, int label)
{
	if (!e->oom)
		e->label_pos[label] = e->n;
}

/* A jump whose offset is known once label is bound. */
static void jump(struct emit *e, uint8_t code, int dst, int src, int32_t imm, int label)
{
	if (e->nfix == e->fixcap) {
		size_t cap = e->fixcap ? e->fixcap * 2 : 64;
		struct fixup *f = realloc(e->fix, cap * sizeof(*f));

		if (!f) {
			e->oom = true;
			return;
		}
		e->fix = f;
		e->fixcap = cap;
	}
	e->fix[e->nfix++] = (struct fixup){ e->n, label };
	put(e, code, dst, src, 0, imm);
}

static void ja(struct emit *e, int label)
{
	jump(e, BPF_JMP | BPF_JA, 0, 0, 0, label);
}

/*
 * dst = the bytes at r1 + off of the copied head, one byte at a time: the verifier wants stack
 * accesses aligned, and the bytes come out big-endian with no swap.
 */
static void load_head(struct emit *e, int dst, int size, int16_t off)
{
	put(e, BPF_LDX | BPF_MEM | BPF_B, dst, R1, off, 0);
	for (int i = 1; i < size; i++) {
		put(e, BPF_LDX | BPF_MEM | BPF_B, R2, R1, (int16_t)(off + i), 0);
		put(e, BPF_ALU | BPF_LSH | BPF_K, dst, 0, 0, 8);
		put(e, BPF_ALU | BPF_OR | BPF_X, dst, R2, 0, 0);
	}
}

/* R_LINEAR and, for the in-place builds, R_DATA from the context. */
static void load_regs(struct emit *e)
{
	put(e, BPF_LDX | BPF_MEM | BPF_W, R_LINEAR, R_CTX, CTX_OFF(linear), 0);
	if (e->mode != PF_COPY)
		put(e, BPF_LDX | BPF_MEM | E_DW, R_DATA, R_CTX, CTX_OFF(data), 0);
}

/*
 * dst = the bytes at data + r0, read from the packet itself by a call (past the prefetched head,
 * or past what the window reads in place, from data's plain address).
 */
static void load_slow(struct emit *e, int dst, int size_code, int size, int ret0)
{
	put(e, E_ALU64 | E_MOV | BPF_X, R1, R_CTX, 0, 0);
	put(e, E_ALU64 | BPF_ADD | BPF_K, R1, 0, 0, CTX_OFF(tmp));
	put(e, BPF_LDX | BPF_MEM | E_DW, R3, R_CTX,
	    e->mode == PF_WINDOW ? CTX_OFF(addr) : CTX_OFF(data), 0);
	put(e, E_ALU64 | BPF_ADD | BPF_X, R3, R0, 0, 0);
	put(e, E_ALU64 | E_MOV | BPF_K, R2, 0, 0, size);
	put(e, BPF_JMP | E_CALL, 0, 0, 0, E_PROBE_READ_KERNEL);
	jump(e, BPF_JMP | E_JNE | BPF_K, R0, 0, 0, ret0);
	put(e, BPF_LDX | BPF_MEM | size_code, dst, R_CTX, CTX_OFF(tmp), 0);
	if (size > 1)
		put(e, BPF_ALU | E_END | E_TO_BE, dst, 0, 0, size * 8);
	load_regs(e);
}

/*
 * dst = the bytes at data + k, or at data + r0 when ind (direct build only), read in place through
 * the untrusted pointer of a direct or window build: no call, and the verifier makes each load
 * fault-safe (a fault reads 0; the bounds checked before keep loads inside the skb's linear part,
 * where none can fault).
 */
static void load_direct(struct emit *e, int dst, int size_code, int size, uint32_t k, bool ind)
{
	int16_t off = 0;
	int src = R_DATA;

	if (ind || k > INT16_MAX) {
		put(e, E_ALU64 | E_MOV | BPF_X, R1, R_DATA, 0, 0);
		if (ind)
			put(e, E_ALU64 | BPF_ADD | BPF_X, R1, R0, 0, 0);
		else
			put(e, E_ALU64 | BPF_ADD | BPF_K, R1, 0, 0, (int32_t)k);
		src = R1;
	} else {
		off = (int16_t)k;
	}
	put(e, BPF_LDX | BPF_MEM | size_code, dst, src, off, 0);
	if (size > 1)
		put(e, BPF_ALU | E_END | E_TO_BE, dst, 0, 0, size * 8);
}

/* Whether the size bytes at data + k load in place, through data's typed pointer. */
static bool in_place(const struct emit *e, uint32_t k, int size)
{
	return e->mode == PF_DIRECT || (e->mode == PF_WINDOW && k + size <= SKBTOP_PCAP_WINDOW);
}

/*
 * dst = the size bytes at data + k (+ X when ind); a failed bounds check means "no match". A
 * direct build reads them in place. A window build reads in place within its window, at a
 * constant offset only, which an indirect load has when X is that of a plain IPv4 header. A copy
 * build reads the head the prologue copied from the stack. Other loads cost a helper call.
 */
static void emit_load(struct emit *e, int dst, int size_code, uint32_t k, bool ind, int ret0)
{
	int size = size_code == BPF_W ? 4 : size_code == BPF_H ? 2 : 1;
	int other, slow, done;

	if (!ind && k > (uint32_t)INT32_MAX - 4) {
		ja(e, ret0);
		return;
	}
	if (!ind) {
		jump(e, BPF_JMP | E_JLT | BPF_K, R_LINEAR, 0, (int32_t)(k + size), ret0);
		if (in_place(e, k, size)) {
			load_direct(e, dst, size_code, size, k, false);
			return;
		}
		if (k + size <= (uint32_t)e->head) {
			put(e, E_ALU64 | E_MOV | BPF_X, R1, R_CTX, 0, 0);
			load_head(e, dst, size, CTX_OFF(head) + (int16_t)k);
			return;
		}
		put(e, E_ALU64 | E_MOV | BPF_K, R0, 0, 0, (int32_t)k);
		load_slow(e, dst, size_code, size, ret0);
		return;
	}
	/* k is below 2^31 (pcapfilter__check): the immediate's sign extension leaves it as is. */
	put(e, E_ALU64 | E_MOV | BPF_X, R0, R_X, 0, 0);
	put(e, E_ALU64 | BPF_ADD | BPF_K, R0, 0, 0, (int32_t)k);
	other = new_labels(e, 3);
	slow = other + 1;
	done = other + 2;
	/* At the X of a plain IPv4 header the offset is a constant, and so is its bound. */
	if (e->mode == PF_WINDOW && in_place(e, k + X_IPV4_PLAIN, size)) {
		jump(e, BPF_JMP | E_JNE | BPF_K, R0, 0, (int32_t)(k + X_IPV4_PLAIN), other);
		jump(e, BPF_JMP | E_JLT | BPF_K, R_LINEAR, 0, (int32_t)(k + X_IPV4_PLAIN + size),
		     ret0);
		load_direct(e, dst, size_code, size, k + X_IPV4_PLAIN, false);
		ja(e, done);
		bind_label(e, other);
	}
	put(e, E_ALU64 | E_MOV | BPF_X, R2, R0, 0, 0);
	put(e, E_ALU64 | BPF_ADD | BPF_K, R2, 0, 0, size);
	jump(e, BPF_JMP | BPF_JGT | BPF_X, R2, R_LINEAR, 0, ret0);
	if (e->mode == PF_DIRECT) {
		load_direct(e, dst, size_code, size, 0, true);
		return;
	}
	if (e->mode == PF_COPY) {
		/* The bound on r0 itself is what lets the verifier accept the variable stack
		 * offset. */
		if (e->head < size)
			ja(e, slow);
		else
			jump(e, BPF_JMP | BPF_JGT | BPF_K, R0, 0, e->head - size, slow);
		put(e, E_ALU64 | E_MOV | BPF_X, R1, R_CTX, 0, 0);
		put(e, E_ALU64 | BPF_ADD | BPF_X, R1, R0, 0, 0);
		load_head(e, dst, size, CTX_OFF(head));
		ja(e, done);
		bind_label(e, slow);
	}
	load_slow(e, dst, size_code, size, ret0);
	bind_label(e, done);
}

static int16_t mem_off(uint32_t k)
{
	return CTX_OFF(mem) + (int16_t)(k * 4);
}

/* Marks the instructions some path reaches: the verifier refuses code that none does. */
static void reachable(const struct cbpf_insn *p, size_t n, bool *reach)
{
	memset(reach, 0, n);
	reach[0] = true;
	for (size_t pc = 0; pc < n; pc++) {
		uint16_t c = p[pc].code;

		if (!reach[pc] || BPF_CLASS(c) == BPF_RET)
			continue;
		if (BPF_CLASS(c) != BPF_JMP) {
			reach[pc + 1] = true;
		} else if (BPF_OP(c) == BPF_JA) {
			reach[pc + 1 + p[pc].k] = true;
		} else {
			reach[pc + 1 + p[pc].jt] = true;
			reach[pc + 1 + p[pc].jf] = true;
		}
	}
}

static bool label_used(const struct emit *e, int label)
{
	for (size_t i = 0; i < e->nfix; i++)
		if (e->fix[i].label == label)
			return true;
	return false;
}

/*
 * What the prologue must prepare for p: the bytes of the head its loads read (a constant load's
 * end; an indirect one's end past an IPv4 header without options, libpcap's X at its transport
 * loads), and in *mem_read the scratch words it loads. Classic BPF's checker in Linux refuses
 * reading a word never stored; libpcap stores first, and the words read start at 0 all the same.
 */
static int head_needed(const struct cbpf_insn *p, size_t n, uint32_t *mem_read)
{
	int head = 0;

	for (size_t pc = 0; pc < n; pc++) {
		uint16_t c = p[pc].code;
		uint32_t end, size = BPF_SIZE(c) == BPF_W ? 4 : BPF_SIZE(c) == BPF_H ? 2 : 1;

		if (BPF_CLASS(c) != BPF_LD && BPF_CLASS(c) != BPF_LDX)
			continue;
		switch (BPF_MODE(c)) {
		case BPF_MEM:
			*mem_read |= 1u << p[pc].k;
			continue;
		case BPF_ABS:
		case BPF_MSH:
			end = p[pc].k + (BPF_MODE(c) == BPF_MSH ? 1 : size);
			break;
		case BPF_IND:
			end = p[pc].k + X_IPV4_PLAIN + size;
			break;
		default:
			continue;
		}
		if (end > (uint32_t)head)
			head = end > SKBTOP_PCAP_HEAD ? SKBTOP_PCAP_HEAD : (int)end;
	}
	return head;
}

/* Translates a checked program; every return jumps to label done with r0 set. */
static void translate(struct emit *e, const struct cbpf_insn *p, size_t n, int done)
{
	int base = new_labels(e, (int)n), ret0 = new_labels(e, 1);
	bool reach[CBPF_MAXINSNS];

	reachable(p, n, reach);
	for (size_t pc = 0; pc < n && !e->oom; pc++) {
		const struct cbpf_insn *f = &p[pc];
		uint16_t c = f->code;
		int src = BPF_SRC(c) == BPF_X ? BPF_X : BPF_K;

		bind_label(e, base + (int)pc);
		if (!reach[pc])
			continue;
		switch (BPF_CLASS(c)) {
		case BPF_LD:
		case BPF_LDX: {
			int dst = BPF_CLASS(c) == BPF_LD ? R_A : R_X;

			switch (BPF_MODE(c)) {
			case BPF_ABS:
			case BPF_IND:
				emit_load(e, dst, BPF_SIZE(c), f->k, BPF_MODE(c) == BPF_IND, ret0);
				break;
			case BPF_MSH:
				emit_load(e, R_X, BPF_B, f->k, false, ret0);
				put(e, BPF_ALU | BPF_AND | BPF_K, R_X, 0, 0, 0xf);
				put(e, BPF_ALU | BPF_LSH | BPF_K, R_X, 0, 0, 2);
				break;
			case BPF_LEN:
				put(e, BPF_LDX | BPF_MEM | BPF_W, dst, R_CTX, CTX_OFF(len), 0);
				break;
			case BPF_IMM:
				put(e, BPF_ALU | E_MOV | BPF_K, dst, 0, 0, (int32_t)f->k);
				break;
			case BPF_MEM:
				put(e, BPF_LDX | BPF_MEM | BPF_W, dst, R_CTX, mem_off(f->k), 0);
				break;
			}
			break;
		}
		case BPF_ST:
		case BPF_STX:
			put(e, BPF_STX | BPF_MEM | BPF_W, R_CTX, BPF_CLASS(c) == BPF_ST ? R_A : R_X,
			    mem_off(f->k), 0);
			break;
		case BPF_ALU:
			if (BPF_OP(c) == BPF_NEG) {
				put(e, BPF_ALU | BPF_NEG, R_A, 0, 0, 0);
				break;
			}
			/* Classic BPF answers "no match" to a division by X == 0. */
			if (src == BPF_X && (BPF_OP(c) == BPF_DIV || BPF_OP(c) == BPF_MOD))
				jump(e, BPF_JMP | BPF_JEQ | BPF_K, R_X, 0, 0, ret0);
			if (src == BPF_X)
				put(e, BPF_ALU | BPF_OP(c) | BPF_X, R_A, R_X, 0, 0);
			else
				put(e, BPF_ALU | BPF_OP(c) | BPF_K, R_A, 0, 0, (int32_t)f->k);
			break;
		case BPF_JMP:
			if (BPF_OP(c) == BPF_JA) {
				ja(e, base + (int)(pc + 1 + f->k));
				break;
			}
			/* 32-bit compares: a constant above 2^31 must not be sign-extended. */
			if (src == BPF_X)
				jump(e, E_JMP32 | BPF_OP(c) | BPF_X, R_A, R_X, 0,
				     base + (int)(pc + 1 + f->jt));
			else
				jump(e, E_JMP32 | BPF_OP(c) | BPF_K, R_A, 0, (int32_t)f->k,
				     base + (int)(pc + 1 + f->jt));
			if (f->jf)
				ja(e, base + (int)(pc + 1 + f->jf));
			break;
		case BPF_RET:
			if (BPF_RVAL(c) == BPF_A)
				put(e, E_ALU64 | E_MOV | BPF_X, R0, R_A, 0, 0);
			else
				put(e, BPF_ALU | E_MOV | BPF_K, R0, 0, 0, (int32_t)f->k);
			ja(e, done);
			break;
		case BPF_MISC:
			if (BPF_MISCOP(c) == BPF_TAX)
				put(e, E_ALU64 | E_MOV | BPF_X, R_X, R_A, 0, 0);
			else
				put(e, E_ALU64 | E_MOV | BPF_X, R_A, R_X, 0, 0);
			break;
		}
	}
	if (!label_used(e, ret0))
		return;
	bind_label(e, ret0);
	put(e, BPF_ALU | E_MOV | BPF_K, R0, 0, 0, 0);
	ja(e, done);
}

static bool opcode_known(uint16_t c)
{
	switch (c) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_IMM:
	case BPF_LDX | BPF_W | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_ST:
	case BPF_STX:
	case BPF_ALU | BPF_NEG:
	case BPF_JMP | BPF_JA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
		return true;
	}
	if (BPF_CLASS(c) == BPF_ALU && (c & ~(BPF_X | 0xf0 | 0x07)) == 0)
		return BPF_OP(c) <= BPF_XOR && BPF_OP(c) != BPF_NEG;
	if (BPF_CLASS(c) == BPF_JMP && (c & ~(BPF_X | 0xf0 | 0x07)) == 0)
		return BPF_OP(c) >= BPF_JEQ && BPF_OP(c) <= BPF_JSET;
	return false;
}

int pcapfilter__check(const struct cbpf_insn *p, size_t n, char *err, size_t errlen)
{
	if (n == 0 || n > CBPF_MAXINSNS) {
		snprintf(err, errlen, "classic BPF program of %zu instructions (1 to %d allowed)",
			 n, CBPF_MAXINSNS);
		return -1;
	}
	for (size_t pc = 0; pc < n; pc++) {
		uint16_t c = p[pc].code;
		uint32_t k = p[pc].k;

		if (!opcode_known(c)) {
			snprintf(err, errlen,
				 "instruction %zu: opcode 0x%x has no kernel translation", pc, c);
			return -1;
		}
		if ((BPF_CLASS(c) == BPF_LD || BPF_CLASS(c) == BPF_LDX) &&
		    (BPF_MODE(c) == BPF_ABS || BPF_MODE(c) == BPF_IND) && k >= 0x80000000u) {
			snprintf(err, errlen,
				 "instruction %zu reads Linux socket-filter extension data "
				 "(offset 0x%x), which the skb probe cannot see",
				 pc, k);
			return -1;
		}
		if (((BPF_CLASS(c) == BPF_LD || BPF_CLASS(c) == BPF_LDX) &&
		     BPF_MODE(c) == BPF_MEM) ||
		    BPF_CLASS(c) == BPF_ST || BPF_CLASS(c) == BPF_STX) {
			if (k >= CBPF_MEMWORDS) {
				snprintf(err, errlen,
					 "instruction %zu: scratch word M[%u] out of range", pc, k);
				return -1;
			}
		}
		if (BPF_CLASS(c) == BPF_ALU && BPF_SRC(c) == BPF_K && k == 0 &&
		    (BPF_OP(c) == BPF_DIV || BPF_OP(c) == BPF_MOD)) {
			snprintf(err, errlen, "instruction %zu divides by the constant 0", pc);
			return -1;
		}
		if (BPF_CLASS(c) == BPF_JMP) {
			bool ja = BPF_OP(c) == BPF_JA;

			if ((ja && k >= n - pc - 1) ||
			    (!ja && (p[pc].jt >= n - pc - 1 || p[pc].jf >= n - pc - 1))) {
				snprintf(err, errlen, "instruction %zu jumps past the end", pc);
				return -1;
			}
		}
	}
	if (BPF_CLASS(p[n - 1].code) != BPF_RET) {
		snprintf(err, errlen, "the program does not end with a return");
		return -1;
	}
	return 0;
}

/* libpcap's program for expr on linktype, or -1 with libpcap's message in err. */
static int compile_one(int linktype, const char *expr, struct bpf_program *prog, char *err,
		       size_t errlen)
{
	pcap_t *p = pcap_open_dead(linktype, PF_SNAPLEN);
	int rc;

	if (!p) {
		snprintf(err, errlen, "libpcap: cannot open a dead handle");
		return -1;
	}
	rc = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc)
		snprintf(err, errlen, "%s", pcap_geterr(p));
	pcap_close(p);
	return rc ? -1 : 0;
}

/* The placeholder's content for l2 and l3 (may be NULL), into *insns and *n_code. */
static int build(struct pf_insn **insns, size_t *n_code, const struct bpf_program *l2,
		 const struct bpf_program *l3, enum pf_mode mode, char *err, size_t errlen)
{
	struct emit e = { .mode = mode };
	int labels, done, l3_start, unreadable, l3_head = 0;
	uint32_t mem_read = 0;
	size_t pad;
	int rc = PCAPFILTER_EUNSUPPORTED;

	labels = new_labels(&e, 3);
	done = labels;
	l3_start = labels + 1;
	unreadable = labels + 2;
	e.head = head_needed((const struct cbpf_insn *)l2->bf_insns, l2->bf_len, &mem_read);
	if (l3)
		l3_head =
			head_needed((const struct cbpf_insn *)l3->bf_insns, l3->bf_len, &mem_read);
	if (l3_head > e.head)
		e.head = l3_head;
	if (mode != PF_COPY)
		e.head = 0;
	for (int r = R6; r <= R8; r++)
		put(&e, BPF_STX | BPF_MEM | E_DW, R1, r, CTX_OFF(saved) + (r - R6) * 8, 0);
	put(&e, E_ALU64 | E_MOV | BPF_X, R_CTX, R1, 0, 0);
	for (uint32_t k = 0; k < CBPF_MEMWORDS; k++)
		if (mem_read & 1u << k)
			put(&e, BPF_ST | BPF_MEM | BPF_W, R_CTX, 0, mem_off(k), 0);
	/* One helper call copies the head the loads read; most loads then read the stack. */
	if (e.head) {
		put(&e, BPF_LDX | BPF_MEM | BPF_W, R2, R_CTX, CTX_OFF(linear), 0);
		put(&e, BPF_JMP | E_JLE | BPF_K, R2, 0, 1, e.head);
		put(&e, E_ALU64 | E_MOV | BPF_K, R2, 0, 0, e.head);
		put(&e, E_ALU64 | BPF_ADD | BPF_K, R1, 0, 0, CTX_OFF(head));
		put(&e, BPF_LDX | BPF_MEM | E_DW, R3, R_CTX, CTX_OFF(data), 0);
		put(&e, BPF_JMP | E_CALL, 0, 0, 0, E_PROBE_READ_KERNEL);
		jump(&e, BPF_JMP | E_JNE | BPF_K, R0, 0, 0, unreadable);
	}
	load_regs(&e);
	put(&e, BPF_ALU | E_MOV | BPF_K, R_A, 0, 0, 0);
	put(&e, BPF_ALU | E_MOV | BPF_K, R_X, 0, 0, 0);
	put(&e, BPF_LDX | BPF_MEM | BPF_W, R0, R_CTX, CTX_OFF(l2), 0);
	jump(&e, BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 0, l3_start);
	translate(&e, (const struct cbpf_insn *)l2->bf_insns, l2->bf_len, done);
	bind_label(&e, l3_start);
	/* Without a network-layer program such packets wait for their link-layer header. */
	if (l3)
		translate(&e, (const struct cbpf_insn *)l3->bf_insns, l3->bf_len, done);
	/* The verifier refuses code no path reaches: without a copy, nothing jumps here. */
	if (!l3 || label_used(&e, unreadable)) {
		bind_label(&e, unreadable);
		put(&e, BPF_ALU | E_MOV | BPF_K, R0, 0, 0, 0);
	}
	bind_label(&e, done);
	put(&e, BPF_LDX | BPF_MEM | E_DW, R_A, R_CTX, CTX_OFF(saved) + 8, 0);
	put(&e, BPF_LDX | BPF_MEM | E_DW, R_X, R_CTX, CTX_OFF(saved) + 16, 0);
	put(&e, BPF_LDX | BPF_MEM | E_DW, R_CTX, R_CTX, CTX_OFF(saved), 0);
	if (e.oom) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (e.n + PF_PROLOGUE > SKBTOP_PCAP_SLOTS) {
		snprintf(err, errlen,
			 "expression too large for the kernel filter: %zu eBPF instructions, "
			 "room for %d",
			 e.n, SKBTOP_PCAP_SLOTS - PF_PROLOGUE);
		goto out;
	}
	/*
	 * The unused slots stay reachable for the verifier's CFG check through a branch it can
	 * prove is never taken; it then drops them in one piece as dead code, instead of nop by nop
	 * (which costs seconds of load time per program).
	 */
	pad = SKBTOP_PCAP_SLOTS - PF_PROLOGUE - e.n;
	*insns = calloc(SKBTOP_PCAP_SLOTS, sizeof(**insns));
	if (!*insns) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	(*insns)[0] = (struct pf_insn){ E_ALU64 | E_MOV | BPF_K, R0, 0, 0 };
	(*insns)[1] = (struct pf_insn){ BPF_JMP | E_JNE | BPF_K, R0, 1, 0 };
	(*insns)[2] = (struct pf_insn){ BPF_JMP | BPF_JA, 0, (int16_t)pad, 0 };
	for (size_t i = 0; i < pad; i++)
		(*insns)[PF_PROLOGUE + i] = (struct pf_insn){ BPF_JMP | BPF_JA, 0, 0, 0 };
	for (size_t i = 0; i < e.nfix; i++) {
		const struct fixup *f = &e.fix[i];

		e.v[f->at].off = (int16_t)(e.label_pos[f->label] - (long)f->at - 1);
	}
	memcpy(*insns + PF_PROLOGUE + pad, e.v, e.n * sizeof(*e.v));
	*n_code = e.n;
	rc = 0;
out:
	free(e.v);
	free(e.fix);
	free(e.label_pos);
	return rc;
}

int pcapfilter__compile(struct pcapfilter *pf, const char *expr, char *err, size_t errlen)
{
	struct bpf_program l2 = { 0 }, l3 = { 0 };
	char why[256];
	bool have_l3;
	int rc;

	memset(pf, 0, sizeof(*pf));
	if (compile_one(DLT_EN10MB, expr, &l2, err, errlen))
		return PCAPFILTER_EBADEXPR;
	have_l3 = compile_one(DLT_RAW, expr, &l3, pf->l3_missing, sizeof(pf->l3_missing)) == 0;
	rc = PCAPFILTER_EUNSUPPORTED;
	if (pcapfilter__check((const struct cbpf_insn *)l2.bf_insns, l2.bf_len, why, sizeof(why))) {
		snprintf(err, errlen, "the kernel filter cannot run this expression: %s", why);
		goto out;
	}
	if (have_l3 &&
	    pcapfilter__check((const struct cbpf_insn *)l3.bf_insns, l3.bf_len, why, sizeof(why))) {
		snprintf(err, errlen,
			 "the kernel filter cannot run this expression (network-layer view): %s",
			 why);
		goto out;
	}
	pf->n_cbpf_l2 = l2.bf_len;
	pf->n_cbpf_l3 = have_l3 ? l3.bf_len : 0;
	/* Each build must fit: which one runs is known only once the kernel is. */
	for (int m = 0; m < PF_MODES; m++)
		if (build(&pf->insns[m], &pf->n_code[m], &l2, have_l3 ? &l3 : NULL, m, why,
			  sizeof(why))) {
			snprintf(err, errlen, "the kernel filter cannot run this expression: %s",
				 why);
			goto out;
		}
	pf->expr = strdup(expr);
	if (!pf->expr) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	pcap_freecode(&l2);
	if (have_l3)
		pcap_freecode(&l3);
	if (rc)
		pcapfilter__free(pf);
	return rc;
}

void pcapfilter__free(struct pcapfilter *pf)
{
	free(pf->expr);
	for (int m = 0; m < PF_MODES; m++)
		free(pf->insns[m]);
	memset(pf, 0, sizeof(*pf));
}

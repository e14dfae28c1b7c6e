/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of the kernel running the tcpdump filter's eBPF placeholder (bpf/filter.bpf.h): the
 * stack, probe_read_kernel with bounds, loads through data in place for the direct and window
 * translations (within the readable bytes only: past them the kernel would read whatever follows;
 * for the window, through data itself at a constant offset inside the window only), and what the
 * verifier insists on (no load of stack bytes nothing wrote: the probe sets only data, len,
 * linear and l2 of the context, and addr for the window). The three translations run on every
 * packet and must agree. Shared by
 * the unit test of pcapfilter and its differential fuzzer; the includer defines MODEL_CHECK(cond)
 * and MODEL_FAIL(fmt, ...), which must not return when the model finds the code wrong.
 */
#ifndef SKBTOP_TESTS_EBPF_MODEL_H
#define SKBTOP_TESTS_EBPF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pcap/bpf.h>

#include "core/filter/pcapfilter.h"
#include "filter_cfg.bpf.h"

struct vm {
	uint64_t r[11];
	uint8_t stack[512];
	bool written[512];
	const uint8_t *pkt;
	size_t pkt_len;
	enum pf_mode mode;
	int probe_reads;
};

/*
 * The window's typed pointer, as the model sees it: the packet's address moved this far, so that
 * a load through it is told from one through the plain address, which only a call may take.
 */
#define WINDOW_TAG (1ull << 40)

static uint64_t be(uint64_t v, int bits)
{
	if (bits == 16)
		return __builtin_bswap16((uint16_t)v);
	if (bits == 32)
		return __builtin_bswap32((uint32_t)v);
	return __builtin_bswap64(v);
}

static uint8_t *stack_addr(struct vm *m, uint64_t addr, int size)
{
	uintptr_t lo = (uintptr_t)m->stack;

	/* The translation may touch only the context on the stack, never packet memory directly. */
	MODEL_CHECK(addr >= lo && addr + size <= lo + sizeof(m->stack));
	/* The verifier refuses misaligned stack loads and stores (helpers may write anywhere). */
	if (size == 1 || size == 2 || size == 4 || size == 8)
		MODEL_CHECK(((addr - lo) % size) == (0));
	return (uint8_t *)(uintptr_t)addr;
}

static uint8_t *stack_write(struct vm *m, uint64_t addr, int size)
{
	uint8_t *a = stack_addr(m, addr, size);

	memset(m->written + (a - m->stack), 1, size);
	return a;
}

static uint8_t *stack_read(struct vm *m, uint64_t addr, int size)
{
	uint8_t *a = stack_addr(m, addr, size);

	for (int i = 0; i < size; i++)
		if (!m->written[a - m->stack + i])
			MODEL_FAIL("load of stack byte %td, which nothing wrote",
				   a - m->stack + i - (ptrdiff_t)sizeof(m->stack));
	return a;
}

static uint64_t alu(uint8_t op, uint64_t a, uint64_t b, bool is64)
{
	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case BPF_ADD:
		return a + b;
	case BPF_SUB:
		return a - b;
	case BPF_MUL:
		return a * b;
	case BPF_DIV:
		MODEL_CHECK(b != 0);
		return a / b;
	case BPF_MOD:
		MODEL_CHECK(b != 0);
		return a % b;
	case BPF_OR:
		return a | b;
	case BPF_AND:
		return a & b;
	case BPF_LSH:
		return a << (b & (is64 ? 63 : 31));
	case BPF_RSH:
		return a >> (b & (is64 ? 63 : 31));
	case BPF_XOR:
		return a ^ b;
	case 0xb0: /* mov */
		return b;
	}
	MODEL_FAIL("unexpected ALU op 0x%x", op);
	return 0;
}

static bool cond(uint8_t op, uint64_t a, uint64_t b)
{
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JSET:
		return a & b;
	case 0x50:
		return a != b;
	case 0xa0:
		return a < b;
	case 0xb0:
		return a <= b;
	}
	MODEL_FAIL("unexpected jump op 0x%x", op);
	return false;
}

/* Runs the SKBTOP_PCAP_SLOTS instructions from r1 = ctx as the asm block in filter.bpf.h does. */
static uint64_t vm_run(struct vm *m, const struct pf_insn *p, struct skbtop_pcap_ctx *ctx_init)
{
	struct skbtop_pcap_ctx *ctx = (void *)(m->stack + sizeof(m->stack) - 256);
	const uint64_t saved[3] = { 0x6666, 0x7777, 0x8888 };
	long steps = 0;

	memcpy(ctx, ctx_init, sizeof(*ctx));
	memset(m->written, 0, sizeof(m->written));
	stack_write(m, (uintptr_t)&ctx->data, sizeof(ctx->data));
	stack_write(m, (uintptr_t)&ctx->len, sizeof(ctx->len));
	stack_write(m, (uintptr_t)&ctx->linear, sizeof(ctx->linear));
	stack_write(m, (uintptr_t)&ctx->l2, sizeof(ctx->l2));
	if (m->mode == PF_WINDOW)
		stack_write(m, (uintptr_t)&ctx->addr, sizeof(ctx->addr));
	memset(m->r, 0, sizeof(m->r));
	m->r[1] = (uintptr_t)ctx;
	m->r[6] = saved[0];
	m->r[7] = saved[1];
	m->r[8] = saved[2];
	for (long pc = 0; pc < SKBTOP_PCAP_SLOTS; pc++) {
		const struct pf_insn *i = &p[pc];
		int dst = i->regs & 0xf, src = i->regs >> 4;
		uint8_t cls = i->code & 7, op = i->code & 0xf0;
		uint64_t b = (i->code & BPF_X) ? m->r[src] : (uint64_t)(int64_t)i->imm;

		MODEL_CHECK(++steps < 100000);
		/* Fields the kernel's verifier insists are zero ("uses reserved fields"). */
		if ((cls == 0x04 || cls == 0x07 || cls == 0x05 || cls == 0x06) && op != 0xd0) {
			if (i->code & BPF_X)
				MODEL_CHECK((i->imm) == (0));
			else
				MODEL_CHECK((src) == (0));
			if (cls == 0x04 || cls == 0x07)
				MODEL_CHECK((i->off) == (0));
		}
		switch (cls) {
		case 0x04: /* ALU */
		case 0x07: /* ALU64 */
			if (op == 0xd0) {
				m->r[dst] = be(m->r[dst], i->imm);
			} else if (op == BPF_NEG) {
				m->r[dst] = cls == 0x07 ? -m->r[dst] : (uint32_t)-m->r[dst];
			} else {
				m->r[dst] = alu(op, m->r[dst], b, cls == 0x07);
				if (cls == 0x04)
					m->r[dst] = (uint32_t)m->r[dst];
			}
			break;
		case BPF_LDX: {
			int size = (int[]){ 4, 2, 1, 8 }[(i->code >> 3) & 3];
			uint64_t addr = m->r[src] + i->off, base = (uintptr_t)m->pkt, v = 0;
			const uint8_t *a;

			if (m->mode == PF_WINDOW && addr >= base + WINDOW_TAG &&
			    addr < base + WINDOW_TAG + m->pkt_len) {
				/* The verifier allows a struct's pointer constant offsets only. */
				MODEL_CHECK(m->r[src] == base + WINDOW_TAG);
				MODEL_CHECK(i->off >= 0 && i->off + size <= SKBTOP_PCAP_WINDOW);
				MODEL_CHECK(addr + size <= base + WINDOW_TAG + m->pkt_len);
				a = (const uint8_t *)(uintptr_t)(addr - WINDOW_TAG);
			} else if (m->mode == PF_DIRECT && addr >= base &&
				   addr < base + m->pkt_len) {
				MODEL_CHECK(addr + size <= base + m->pkt_len);
				a = (const uint8_t *)(uintptr_t)addr;
			} else {
				a = stack_read(m, addr, size);
			}
			memcpy(&v, a, size);
			m->r[dst] = v;
			break;
		}
		case BPF_STX: {
			int size = (int[]){ 4, 2, 1, 8 }[(i->code >> 3) & 3];

			memcpy(stack_write(m, m->r[dst] + i->off, size), &m->r[src], size);
			break;
		}
		case BPF_ST: {
			int size = (int[]){ 4, 2, 1, 8 }[(i->code >> 3) & 3];
			uint64_t v = (uint64_t)(int64_t)i->imm;

			MODEL_CHECK((src) == (0));
			memcpy(stack_write(m, m->r[dst] + i->off, size), &v, size);
			break;
		}
		case 0x05: /* JMP */
		case 0x06: /* JMP32 */
			if (op == 0x80) {
				uint64_t addr = m->r[3], base = (uintptr_t)m->pkt;

				MODEL_CHECK((i->imm) == (113));
				MODEL_CHECK(m->mode != PF_DIRECT);
				MODEL_CHECK(addr < base + WINDOW_TAG);
				m->probe_reads++;
				if (addr >= base && addr + m->r[2] <= base + m->pkt_len) {
					memcpy(stack_write(m, m->r[1], (int)m->r[2]),
					       (void *)(uintptr_t)addr, m->r[2]);
					m->r[0] = 0;
				} else {
					m->r[0] = (uint64_t)-14;
				}
				m->r[1] = m->r[2] = m->r[3] = m->r[4] = m->r[5] = 0xdead;
				break;
			}
			if (op == BPF_JA) {
				MODEL_CHECK(i->off >= 0);
				pc += i->off;
				break;
			}
			if (cls == 0x06 ? cond(op, (uint32_t)m->r[dst], (uint32_t)b)
					: cond(op, m->r[dst], b)) {
				MODEL_CHECK(i->off >= 0);
				pc += i->off;
			}
			break;
		default:
			MODEL_FAIL("unexpected instruction class %d at %ld", cls, pc);
		}
	}
	MODEL_CHECK(m->r[6] == saved[0] && m->r[7] == saved[1] && m->r[8] == saved[2]);
	return m->r[0];
}

/*
 * Runs the three translations of the expression over a packet of wire bytes, cap of them readable;
 * the copying one's answer, once the others said the same.
 */
static uint64_t run_view(const struct pcapfilter *pf, const uint8_t *data, size_t wire, size_t cap,
			 bool l2)
{
	struct skbtop_pcap_ctx ctx;
	uint64_t answer[PF_MODES];

	for (int mode = 0; mode < PF_MODES; mode++) {
		struct vm m = { .pkt = data, .pkt_len = cap, .mode = mode };

		/* What the probe leaves unset holds garbage, as its stack would. */
		memset(&ctx, 0xa5, sizeof(ctx));
		ctx.data = (uintptr_t)data;
		ctx.len = wire;
		ctx.linear = cap;
		ctx.l2 = l2;
		if (mode == PF_WINDOW) {
			ctx.addr = (uintptr_t)data;
			ctx.data += WINDOW_TAG;
		}
		answer[mode] = vm_run(&m, pf->insns[mode], &ctx);
		MODEL_CHECK((answer[mode] != 0) == (answer[PF_COPY] != 0));
	}
	return answer[PF_COPY];
}

#endif /* SKBTOP_TESTS_EBPF_MODEL_H */

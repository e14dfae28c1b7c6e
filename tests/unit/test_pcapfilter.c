// SPDX-License-Identifier: GPL-2.0
/*
 * The tcpdump-expression translation, proved against libpcap's own interpreter: every expression
 * is compiled for both views (Ethernet and raw IP), the eBPF placeholder content runs in a small
 * eBPF model of the kernel (stack, probe_read_kernel with bounds), and must agree with bpf_filter()
 * on every test packet, including packets cut short of their wire length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* The model's checks are cmocka assertions here. */
#define MODEL_CHECK(c)	assert_true(c)
#define MODEL_FAIL(...) fail_msg(__VA_ARGS__)
#include "ebpf_model.h"

/* ---- test packets ---- */

struct pkt {
	uint8_t b[200];
	size_t len, l3;
	const char *what;
};

struct spec {
	const char *what;
	int family; /* 4 or 6 */
	uint8_t proto;
	const char *src, *dst; /* last byte(s) vary */
	uint16_t sport, dport;
	uint8_t tcp_flags, icmp_type;
	uint16_t vlan;
	size_t payload;
	size_t ip_options; /* IPv4: 4-byte words of options, so libpcap's X is not 20 */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void build(struct pkt *k, const struct spec *s)
{
	uint8_t *p = k->b;
	size_t l4len = 8, off;

	memset(k, 0, sizeof(*k));
	k->what = s->what;
	memcpy(p, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	off = 12;
	if (s->vlan) {
		put16(p + off, 0x8100);
		put16(p + off + 2, s->vlan);
		off += 4;
	}
	put16(p + off, s->family == 4 ? 0x0800 : 0x86dd);
	k->l3 = off + 2;
	p = k->b + k->l3;
	if (s->proto == 6)
		l4len = 20;
	l4len += s->payload;
	if (s->family == 4) {
		size_t hl = 20 + 4 * s->ip_options;

		p[0] = 0x40 | (uint8_t)(hl / 4);
		put16(p + 2, hl + l4len);
		put16(p + 4, 0x1234);
		p[8] = 64;
		p[9] = s->proto;
		assert_int_equal(inet_pton(AF_INET, s->src, p + 12), 1);
		assert_int_equal(inet_pton(AF_INET, s->dst, p + 16), 1);
		/* Options of no-operation bytes. */
		memset(p + 20, 1, 4 * s->ip_options);
		p += hl;
	} else {
		p[0] = 0x60;
		put16(p + 4, l4len);
		p[6] = s->proto;
		p[7] = 64;
		assert_int_equal(inet_pton(AF_INET6, s->src, p + 8), 1);
		assert_int_equal(inet_pton(AF_INET6, s->dst, p + 24), 1);
		p += 40;
	}
	if (s->proto == 6 || s->proto == 17) {
		put16(p, s->sport);
		put16(p + 2, s->dport);
		if (s->proto == 6) {
			put32(p + 4, 1000);
			p[12] = 0x50;
			p[13] = s->tcp_flags;
			put16(p + 14, 65535);
		} else {
			put16(p + 4, l4len);
		}
	} else {
		p[0] = s->icmp_type;
	}
	k->len = (size_t)(p - k->b) + l4len;
	assert_true(k->len <= sizeof(k->b));
}

static const struct spec specs[] = {
	{ "tcp4 syn 10.77.0.1:40000>10.77.0.2:443", 4, 6, "10.77.0.1", "10.77.0.2", 40000, 443,
	  0x02, 0, 0, 0, 0 },
	{ "tcp4 ack 10.77.0.2:443>10.77.0.1:40000", 4, 6, "10.77.0.2", "10.77.0.1", 443, 40000,
	  0x10, 0, 0, 100, 0 },
	{ "tcp4 syn 10.77.0.1:40001>10.77.0.2:8080", 4, 6, "10.77.0.1", "10.77.0.2", 40001, 8080,
	  0x02, 0, 0, 0, 0 },
	{ "udp4 10.77.0.1:5353>10.77.0.2:53", 4, 17, "10.77.0.1", "10.77.0.2", 5353, 53, 0, 0, 0, 0,
	  0 },
	{ "udp4 192.168.9.9:53>10.77.0.1:1024", 4, 17, "192.168.9.9", "10.77.0.1", 53, 1024, 0, 0,
	  0, 0, 0 },
	{ "icmp4 echo", 4, 1, "10.77.0.1", "10.77.0.2", 0, 0, 0, 8, 0, 0, 0 },
	{ "icmp4 reply", 4, 1, "10.77.0.2", "10.77.0.1", 0, 0, 0, 0, 0, 0, 0 },
	{ "tcp6 syn fd77::1:40000>fd77::2:443", 6, 6, "fd77::1", "fd77::2", 40000, 443, 0x02, 0, 0,
	  0, 0 },
	{ "tcp6 ack 2001:db8::1:443>fd77::1:5000", 6, 6, "2001:db8::1", "fd77::1", 443, 5000, 0x10,
	  0, 0, 0, 0 },
	{ "udp6 fd77::1:6000>fd77::2:53", 6, 17, "fd77::1", "fd77::2", 6000, 53, 0, 0, 0, 0, 0 },
	{ "udp6 fd77::2:7000>fd77::1:7001 long", 6, 17, "fd77::2", "fd77::1", 7000, 7001, 0, 0, 0,
	  120, 0 },
	{ "icmp6 echo request", 6, 58, "fd77::1", "fd77::2", 0, 0, 0, 128, 0, 0, 0 },
	{ "icmp6 neighbour solicitation", 6, 58, "fd77::1", "ff02::1:ff00:2", 0, 0, 0, 135, 0, 0,
	  0 },
	{ "vlan 100 tcp4 syn", 4, 6, "10.77.1.1", "10.77.1.2", 40000, 443, 0x02, 0, 100, 0, 0 },
	{ "vlan 200 udp6", 6, 17, "fd78::1", "fd78::2", 6000, 53, 0, 0, 200, 0, 0 },
	{ "udp4 with options 10.77.0.1:5353>10.77.0.2:53", 4, 17, "10.77.0.1", "10.77.0.2", 5353,
	  53, 0, 0, 0, 0, 1 },
	{ "tcp4 syn with options 10.77.0.1:40000>10.77.0.2:443", 4, 6, "10.77.0.1", "10.77.0.2",
	  40000, 443, 0x02, 0, 0, 0, 2 },
};
#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

/* The table of the issue: every family of expression tcpdump users reach for. */
static const char *const exprs[] = {
	"host 10.77.0.2",
	"src host 10.77.0.1",
	"dst host 10.77.0.1 and udp",
	"host 2001:db8::1",
	"ip6 host fd77::2",
	"net 10.77.0.0/24",
	"net 192.168.0.0/16 or net 10.77.1.0/24",
	"net fd77::/64",
	"ip6 net 2001:db8::/32",
	"tcp port 443",
	"udp and dst port 53",
	"port 53 or port 8080",
	"portrange 400-500",
	"tcp dst portrange 8000-8100",
	"tcp[tcpflags] & tcp-syn != 0",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-ack",
	"icmp[icmptype] == icmp-echo",
	"icmp",
	"icmp6 and ip6[40] == 128",
	"icmp6[icmp6type] == icmp6-neighborsolicit",
	"ip6 and udp",
	"not tcp",
	"not (udp or icmp6)",
	"(tcp port 443 or udp port 53) and ip6",
	"tcp port 443 and host 2001:db8::1",
	"host 10.77.0.1 and (port 443 or port 53)",
	"vlan",
	"vlan 100",
	"vlan and ip6",
	"len > 100",
	"greater 150",
	"less 80",
	"ip[2:2] > 50",
	"udp[4:2] == 8",
	"tcp[13] = 2",
	"ip proto 17",
	"tcp[60:4] = 0",
	"ip6[100] = 0",
	"ether src 02:00:00:00:00:01 and not vlan",
};
#define N_EXPRS (sizeof(exprs) / sizeof(exprs[0]))

static unsigned int ref_filter(int linktype, const char *expr, const uint8_t *p, size_t wire,
			       size_t cap, bool *compiled)
{
	pcap_t *h = pcap_open_dead(linktype, 262144);
	struct bpf_program prog;
	unsigned int r = 0;

	assert_non_null(h);
	*compiled = pcap_compile(h, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (*compiled) {
		r = bpf_filter(prog.bf_insns, p, wire, cap);
		pcap_freecode(&prog);
	}
	pcap_close(h);
	return r;
}

/* The verifier refuses a program with an instruction no path reaches. */
static void assert_all_reachable(const struct pf_insn *p)
{
	static bool reach[SKBTOP_PCAP_SLOTS];

	memset(reach, 0, sizeof(reach));
	reach[0] = true;
	for (int pc = 0; pc < SKBTOP_PCAP_SLOTS; pc++) {
		uint8_t cls = p[pc].code & 7, op = p[pc].code & 0xf0;
		bool jmp = (cls == 0x05 || cls == 0x06) && op != 0x80;

		if (!reach[pc])
			fail_msg("instruction %d of the placeholder is unreachable", pc);
		if (jmp)
			reach[pc + 1 + p[pc].off] = true;
		if (pc + 1 < SKBTOP_PCAP_SLOTS && !(jmp && op == BPF_JA))
			reach[pc + 1] = true;
	}
}

static void test_table_agrees_with_libpcap(void **state)
{
	(void)state;
	for (size_t e = 0; e < N_EXPRS; e++) {
		struct pcapfilter pf;
		char err[512];
		int matched = 0, missed = 0;

		if (pcapfilter__compile(&pf, exprs[e], err, sizeof(err)))
			fail_msg("'%s': %s", exprs[e], err);
		for (int m = 0; m < PF_MODES; m++)
			assert_all_reachable(pf.insns[m]);
		for (size_t s = 0; s < N_SPECS; s++) {
			struct pkt k;
			bool ok2, ok3;

			build(&k, &specs[s]);
			/* Whole packets, then cut short: loads past the linear part must miss. */
			for (size_t cap = k.len; cap + 40 >= k.len && cap > 14; cap -= 13) {
				unsigned int r2 =
					ref_filter(DLT_EN10MB, exprs[e], k.b, k.len, cap, &ok2);
				unsigned int r3 = ref_filter(DLT_RAW, exprs[e], k.b + k.l3,
							     k.len - k.l3, cap - k.l3, &ok3);
				uint64_t t2 = run_view(&pf, k.b, k.len, cap, true);
				uint64_t t3 =
					run_view(&pf, k.b + k.l3, k.len - k.l3, cap - k.l3, false);

				assert_true(ok2);
				if ((r2 != 0) != (t2 != 0))
					fail_msg("'%s' on %s (%zu/%zu bytes), Ethernet view: "
						 "libpcap %u, "
						 "skbtop %lu",
						 exprs[e], k.what, cap, k.len, r2,
						 (unsigned long)t2);
				if (!ok3)
					r3 = 0; /* no network-layer program: wait for a MAC header
						 */
				if ((r3 != 0) != (t3 != 0))
					fail_msg("'%s' on %s (%zu/%zu bytes), IP view: libpcap %u, "
						 "skbtop %lu",
						 exprs[e], k.what, cap, k.len, r3,
						 (unsigned long)t3);
				if (cap == k.len) {
					matched += t2 != 0;
					missed += t2 == 0;
				}
			}
		}
		/* A row that matches everything or nothing proves nothing. */
		if (!matched || !missed)
			fail_msg("'%s' matched %d and missed %d test packets", exprs[e], matched,
				 missed);
		print_message("# '%s': %zu+%zu classic -> %zu eBPF (%zu direct, %zu window), "
			      "%d/%zu packets match\n",
			      exprs[e], pf.n_cbpf_l2, pf.n_cbpf_l3, pf.n_code[PF_COPY],
			      pf.n_code[PF_DIRECT], pf.n_code[PF_WINDOW], matched, N_SPECS);
		pcapfilter__free(&pf);
	}
}

/* A few rows checked by hand too, so agreement with libpcap is not agreement on nothing. */
static void test_known_answers(void **state)
{
	static const struct {
		const char *expr;
		size_t spec;
		bool match;
	} rows[] = {
		{ "tcp port 443", 0, true },
		{ "tcp port 443", 3, false },
		{ "udp and dst port 53", 3, true },
		{ "udp and dst port 53", 4, false },
		{ "host 2001:db8::1", 8, true },
		{ "host 2001:db8::1", 7, false },
		{ "vlan 100", 13, true },
		{ "vlan 100", 14, false },
		{ "icmp6 and ip6[40] == 128", 11, true },
		{ "icmp6 and ip6[40] == 128", 12, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pcapfilter pf;
		struct pkt k;
		char err[256];

		assert_int_equal(pcapfilter__compile(&pf, rows[i].expr, err, sizeof(err)), 0);
		build(&k, &specs[rows[i].spec]);
		assert_int_equal(run_view(&pf, k.b, k.len, k.len, true) != 0, rows[i].match);
		pcapfilter__free(&pf);
	}
}

static void test_link_layer_words_have_no_ip_view(void **state)
{
	struct pcapfilter pf;
	struct pkt k;
	char err[256];

	(void)state;
	assert_int_equal(pcapfilter__compile(&pf, "ether src 02:00:00:00:00:01 and not vlan", err,
					     sizeof(err)),
			 0);
	assert_true(pf.l3_missing[0] != '\0');
	assert_int_equal(pf.n_cbpf_l3, 0);
	build(&k, &specs[0]);
	assert_true(run_view(&pf, k.b, k.len, k.len, true) != 0);
	assert_true(run_view(&pf, k.b + k.l3, k.len - k.l3, k.len - k.l3, false) == 0);
	pcapfilter__free(&pf);
}

static void test_bad_expression_gives_libpcap_words(void **state)
{
	struct pcapfilter pf;
	char err[256];

	(void)state;
	assert_int_equal(pcapfilter__compile(&pf, "tcp port", err, sizeof(err)),
			 PCAPFILTER_EBADEXPR);
	assert_non_null(strstr(err, "syntax error"));
	assert_int_equal(pcapfilter__compile(&pf, "host no.such.host.invalid", err, sizeof(err)),
			 PCAPFILTER_EBADEXPR);
	assert_true(strlen(err) > 0);
	assert_null(pf.insns[PF_COPY]);
}

static void test_too_large_is_refused(void **state)
{
	char expr[16384], err[256];
	struct pcapfilter pf;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 300; i++)
		n += snprintf(expr + n, sizeof(expr) - n, "%sip[%d] == %d", i ? " or " : "",
			      64 + i % 100, i);
	assert_int_equal(pcapfilter__compile(&pf, expr, err, sizeof(err)), PCAPFILTER_EUNSUPPORTED);
	if (!strstr(err, "too large"))
		fail_msg("%s", err);
}

static void test_check_rejects_what_the_kernel_cannot_run(void **state)
{
	const struct cbpf_insn ancillary[] = { { BPF_LD | BPF_W | BPF_ABS, 0, 0, 0xfffff000u + 4 },
					       { BPF_RET | BPF_K, 0, 0, 1 } };
	const struct cbpf_insn past_end[] = { { BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 1 },
					      { BPF_RET | BPF_K, 0, 0, 1 } };
	const struct cbpf_insn no_ret[] = { { BPF_LD | BPF_IMM, 0, 0, 1 } };
	const struct cbpf_insn div0[] = { { BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0 },
					  { BPF_RET | BPF_A, 0, 0, 0 } };
	const struct cbpf_insn mem[] = { { BPF_ST, 0, 0, 16 }, { BPF_RET | BPF_A, 0, 0, 0 } };
	const struct cbpf_insn good[] = { { BPF_LD | BPF_H | BPF_ABS, 0, 0, 12 },
					  { BPF_RET | BPF_A, 0, 0, 0 } };
	char err[256];

	(void)state;
	assert_int_equal(pcapfilter__check(ancillary, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "extension"));
	assert_int_equal(pcapfilter__check(past_end, 2, err, sizeof(err)), -1);
	assert_int_equal(pcapfilter__check(no_ret, 1, err, sizeof(err)), -1);
	assert_int_equal(pcapfilter__check(div0, 2, err, sizeof(err)), -1);
	assert_int_equal(pcapfilter__check(mem, 2, err, sizeof(err)), -1);
	assert_int_equal(pcapfilter__check(good, 2, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_agrees_with_libpcap),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_link_layer_words_have_no_ip_view),
		cmocka_unit_test(test_bad_expression_gives_libpcap_words),
		cmocka_unit_test(test_too_large_is_refused),
		cmocka_unit_test(test_check_rejects_what_the_kernel_cannot_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

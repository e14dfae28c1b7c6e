// SPDX-License-Identifier: GPL-2.0
/* The nftables netlink trace's messages, as the kernel builds them, into rule events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <endian.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cmocka.h>

#include "core/nft/nft_nltrace.h"

struct msg {
	union {
		struct nlmsghdr nh;
		char buf[2048];
	};
	struct nlattr *nest;
};

static void msg_init(struct msg *m, uint16_t type, uint8_t family)
{
	struct nfgenmsg *g;

	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_type = type;
	m->nh.nlmsg_len = NLMSG_LENGTH(sizeof(*g));
	g = NLMSG_DATA(&m->nh);
	g->nfgen_family = family;
}

static struct nlattr *put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (void *)(m->buf + NLMSG_ALIGN(m->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nh.nlmsg_len = NLMSG_ALIGN(m->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	if (m->nest)
		m->nest->nla_len = (uint16_t)((char *)a + NLA_ALIGN(a->nla_len) - (char *)m->nest);
	return a;
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	v = htonl(v);
	put(m, type, &v, 4);
}

static struct nlattr *put_str(struct msg *m, uint16_t type, const char *s)
{
	return put(m, type, s, strlen(s) + 1);
}

/* A trace message's first attributes: which table and chain, what kind of event, which packet. */
static void trace_head(struct msg *m, uint8_t family, const char *table, const char *chain,
		       uint32_t type, uint32_t id)
{
	msg_init(m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE, family);
	put_str(m, NFTA_TRACE_TABLE, table);
	put_str(m, NFTA_TRACE_CHAIN, chain);
	put_u32(m, NFTA_TRACE_TYPE, type);
	put_u32(m, NFTA_TRACE_ID, id);
}

/* The common part: table, chain, type, id, headers of a UDP packet 10.77.0.1:40001 -> .2:9201. */
static void trace_msg(struct msg *m, const char *table, const char *chain, uint32_t type)
{
	uint8_t ip[20] = { 0x45, 0, 0,	60, 0x23, 0x09, 0,  0,	64, IPPROTO_UDP,
			   0,	 0, 10, 77, 0,	  1,	10, 77, 0,  2 };
	uint8_t udp[8] = { 40001 >> 8, 40001 & 0xff, 9201 >> 8, 9201 & 0xff, 0, 40, 0, 0 };

	trace_head(m, NFPROTO_INET, table, chain, type, 0xf3f8a7b0);
	put_u32(m, NFTA_TRACE_IIF, 7);
	put(m, NFTA_TRACE_NETWORK_HEADER, ip, sizeof(ip));
	put(m, NFTA_TRACE_TRANSPORT_HEADER, udp, sizeof(udp));
}

static void put_verdict(struct msg *m, int32_t code, const char *target)
{
	m->nest = put(m, NFTA_TRACE_VERDICT | NLA_F_NESTED, NULL, 0);
	put_u32(m, NFTA_VERDICT_CODE, (uint32_t)code);
	if (target)
		put_str(m, NFTA_VERDICT_CHAIN, target);
	m->nest = NULL;
}

static void test_rule_jump_gives_table_chain_handle_target_and_tuple(void **state)
{
	struct nft_trace_rec r;
	struct msg m;
	uint64_t h = htobe64(5);
	char a[INET_ADDRSTRLEN];

	(void)state;
	trace_msg(&m, "o2", "in", NFT_TRACETYPE_RULE);
	put(&m, NFTA_TRACE_RULE_HANDLE, &h, 8);
	put_verdict(&m, NFT_JUMP, "j1");
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_int_equal(r.e.ev.hdr.type, SKBTOP_EV_NFT_RULE);
	assert_true(r.e.ev.hdr.flags & SKBTOP_F_NETLINK);
	assert_false(r.e.ev.hdr.flags & SKBTOP_F_POLICY);
	assert_int_equal(r.e.ev.skb, 0);
	assert_string_equal(r.e.table, "o2");
	assert_string_equal(r.e.chain, "in");
	assert_string_equal(r.e.target, "j1");
	assert_int_equal(r.e.rule_handle, 5);
	assert_int_equal(r.e.verdict, NFT_JUMP);
	assert_int_equal(r.e.family, NFPROTO_INET);
	assert_int_equal(r.id, 0xf3f8a7b0);
	assert_int_equal(r.e.ev.ifindex, 7);
	assert_int_equal(r.e.ev.tuple.family, AF_INET);
	assert_int_equal(r.e.ev.tuple.l4proto, IPPROTO_UDP);
	assert_int_equal(r.e.ev.tuple.sport, 40001);
	assert_int_equal(r.e.ev.tuple.dport, 9201);
	assert_string_equal(inet_ntop(AF_INET, &r.e.ev.tuple.daddr.v4, a, sizeof(a)), "10.77.0.2");
	/* As skbtop_parse.bpf.h computes it: the IPv4 id for UDP. */
	assert_int_equal(r.e.ev.ident, 0x2309);
	assert_false(r.base);
}

static void test_tcp_identity_mixes_ip_id_sequence_ack_and_flags(void **state)
{
	uint8_t ip[20] = { 0x45, 0, 0,	40, 0x12, 0x34, 0x40, 0,  64, IPPROTO_TCP,
			   0,	 0, 10, 77, 0,	  1,	10,   77, 0,  2 };
	uint8_t tcp[20] = { 0x9c, 0x41, 0x24, 0xc2, 0, 0, 0, 5, 0, 0, 0, 9, 0x50, 0x02 };
	struct nft_trace_rec r;
	struct msg m;

	(void)state;
	trace_head(&m, NFPROTO_IPV4, "t", "c", NFT_TRACETYPE_RULE, 1);
	put(&m, NFTA_TRACE_NETWORK_HEADER, ip, sizeof(ip));
	put(&m, NFTA_TRACE_TRANSPORT_HEADER, tcp, sizeof(tcp));
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_int_equal(r.e.ev.tuple.sport, 40001);
	assert_int_equal(r.e.ev.tuple.dport, 9410);
	/* id 0x1234 ^ seq 5 << 32 ^ ack 9 ^ SYN (bit 0 of the flags word) << 16 */
	assert_int_equal(r.e.ev.ident, 0x1234ull ^ 5ull << 32 ^ 9 ^ 1ull << 16);
}

static void test_policy_drop_is_marked_policy_with_verdict_drop(void **state)
{
	struct nft_trace_rec r;
	struct msg m;

	(void)state;
	trace_msg(&m, "o3", "in", NFT_TRACETYPE_POLICY);
	put_u32(&m, NFTA_TRACE_POLICY, 0);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_true(r.e.ev.hdr.flags & SKBTOP_F_POLICY);
	assert_int_equal(r.e.verdict, 0);
	assert_int_equal(r.e.rule_handle, 0);
}

static void test_later_events_without_headers_have_no_tuple(void **state)
{
	struct nft_trace_rec r;
	struct msg m;

	(void)state;
	trace_head(&m, NFPROTO_IPV4, "t", "c", NFT_TRACETYPE_RULE, 9);
	put_verdict(&m, NF_ACCEPT, NULL);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_int_equal(r.e.ev.tuple.family, 0);
	assert_int_equal(r.e.verdict, NF_ACCEPT);
}

static void test_ipv6_icmp_headers_give_addresses_and_type(void **state)
{
	uint8_t ip6[40] = { 0x60, 0, 0, 0, 0, 8, IPPROTO_ICMPV6, 64 };
	uint8_t icmp[8] = { 128, 0 };
	struct nft_trace_rec r;
	struct msg m;

	(void)state;
	inet_pton(AF_INET6, "fd77::1", ip6 + 8);
	inet_pton(AF_INET6, "fd77::2", ip6 + 24);
	trace_head(&m, NFPROTO_IPV6, "t6", "c", NFT_TRACETYPE_RULE, 1);
	put(&m, NFTA_TRACE_NETWORK_HEADER, ip6, sizeof(ip6));
	put(&m, NFTA_TRACE_TRANSPORT_HEADER, icmp, sizeof(icmp));
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_int_equal(r.e.ev.tuple.family, AF_INET6);
	assert_int_equal(r.e.ev.tuple.l4proto, IPPROTO_ICMPV6);
	assert_int_equal(r.e.ev.tuple.icmp_type, 128);
	assert_int_equal(r.e.ev.l3proto, 0x86dd);
	assert_int_equal(r.e.ev.tuple.saddr.v6[15], 1);
}

static void test_own_marking_table_is_flagged_and_other_messages_are_left_out(void **state)
{
	struct nft_trace_rec r;
	struct msg m;

	(void)state;
	trace_msg(&m, NFT_NLTRACE_PREFIX "4242", "pre", NFT_TRACETYPE_RULE);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_true(r.own);
	trace_msg(&m, "skbtop", "pre", NFT_TRACETYPE_RULE);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_false(r.own);
	msg_init(&m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE, NFPROTO_INET);
	put_str(&m, NFTA_TABLE_NAME, "x");
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 0);
}

static void test_malformed_messages_are_refused(void **state)
{
	struct nft_trace_rec r;
	struct msg m;

	(void)state;
	/* No trace id: the event could not be joined to anything. */
	msg_init(&m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE, NFPROTO_INET);
	put_str(&m, NFTA_TRACE_TABLE, "t");
	put_str(&m, NFTA_TRACE_CHAIN, "c");
	put_u32(&m, NFTA_TRACE_TYPE, NFT_TRACETYPE_RULE);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), -1);
	/* An attribute longer than the message ends the walk before the table is read. */
	msg_init(&m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE, NFPROTO_INET);
	put_u32(&m, NFTA_TRACE_ID, 1);
	put_str(&m, NFTA_TRACE_TABLE, "t")->nla_len = 200;
	put_str(&m, NFTA_TRACE_CHAIN, "c");
	put_u32(&m, NFTA_TRACE_TYPE, NFT_TRACETYPE_RULE);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), -1);
	/* Shorter than its own header. */
	msg_init(&m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE, NFPROTO_INET);
	m.nh.nlmsg_len = NLMSG_LENGTH(1);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), -1);
}

static void test_long_table_name_is_cut_to_the_event_width(void **state)
{
	char name[80];
	struct nft_trace_rec r;
	struct msg m;

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	trace_msg(&m, name, "c", NFT_TRACETYPE_RULE);
	assert_int_equal(nft_nltrace__parse(&m.nh, &r), 1);
	assert_int_equal(strlen(r.e.table), SKBTOP_NAME_LEN - 1);
}

/* A datagram in a heap block of exactly its size, so that a sanitizer sees any read past it. */
static void *datagram(const struct msg *a, const void *tail, size_t tail_len, size_t *len)
{
	size_t head = a ? NLMSG_ALIGN(a->nh.nlmsg_len) : 0;
	char *d;

	*len = head + tail_len;
	d = test_malloc(*len);
	if (a)
		memcpy(d, a->buf, head);
	memcpy(d + head, tail, tail_len);
	return d;
}

static void test_datagram_from_a_user_port_is_refused_whole(void **state)
{
	struct nft_nltrace_stats st = { 0 };
	struct nft_trace_rec r[2];
	struct msg m;

	(void)state;
	trace_msg(&m, "t", "c", NFT_TRACETYPE_RULE);
	assert_int_equal(nft_nltrace__datagram(m.buf, m.nh.nlmsg_len, 4242, r, 2, &st), 0);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.events, 0);
	assert_int_equal(nft_nltrace__datagram(m.buf, m.nh.nlmsg_len, 0, r, 2, &st), 1);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.events, 1);
	assert_string_equal(r[0].e.table, "t");
}

static void test_short_misaligned_last_message_ends_the_walk_inside_the_datagram(void **state)
{
	struct nft_nltrace_stats st = { 0 };
	struct nlmsghdr tail = { .nlmsg_len = 18, .nlmsg_type = 0x0a00 | NFT_MSG_TRACE };
	char tail_buf[18] = { 0 };
	struct nft_trace_rec r[4];
	struct msg m;
	size_t len;
	void *d;

	(void)state;
	memcpy(tail_buf, &tail, sizeof(tail));
	trace_msg(&m, "t", "c", NFT_TRACETYPE_RULE);
	d = datagram(&m, tail_buf, sizeof(tail_buf), &len);
	assert_int_equal(nft_nltrace__datagram(d, len, 0, r, 4, &st), 1);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.bad, 1);
	assert_int_equal(st.refused, 0);
	test_free(d);
}

static void test_datagram_whose_lengths_do_not_add_up_is_refused(void **state)
{
	struct nft_nltrace_stats st = { 0 };
	struct nlmsghdr longer = { .nlmsg_len = 64, .nlmsg_type = 0x0a00 | NFT_MSG_TRACE };
	struct nlmsghdr empty = { .nlmsg_len = 0 };
	struct nft_trace_rec r[4];
	struct msg m;
	size_t len;
	void *d;

	(void)state;
	trace_msg(&m, "t", "c", NFT_TRACETYPE_RULE);
	/* The last message says it is longer than what is left. */
	d = datagram(&m, &longer, sizeof(longer), &len);
	assert_int_equal(nft_nltrace__datagram(d, len, 0, r, 4, &st), 0);
	test_free(d);
	/* A zero length would never move on. */
	d = datagram(&m, &empty, sizeof(empty), &len);
	assert_int_equal(nft_nltrace__datagram(d, len, 0, r, 4, &st), 0);
	test_free(d);
	/* Bytes after the last message, too few for a header. */
	d = datagram(&m, "abc", 3, &len);
	assert_int_equal(nft_nltrace__datagram(d, len, 0, r, 4, &st), 0);
	test_free(d);
	assert_int_equal(st.refused, 3);
	assert_int_equal(st.events, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_jump_gives_table_chain_handle_target_and_tuple),
		cmocka_unit_test(test_tcp_identity_mixes_ip_id_sequence_ack_and_flags),
		cmocka_unit_test(test_policy_drop_is_marked_policy_with_verdict_drop),
		cmocka_unit_test(test_later_events_without_headers_have_no_tuple),
		cmocka_unit_test(test_ipv6_icmp_headers_give_addresses_and_type),
		cmocka_unit_test(test_own_marking_table_is_flagged_and_other_messages_are_left_out),
		cmocka_unit_test(test_malformed_messages_are_refused),
		cmocka_unit_test(test_long_table_name_is_cut_to_the_event_width),
		cmocka_unit_test(test_datagram_from_a_user_port_is_refused_whole),
		cmocka_unit_test(
			test_short_misaligned_last_message_ends_the_walk_inside_the_datagram),
		cmocka_unit_test(test_datagram_whose_lengths_do_not_add_up_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

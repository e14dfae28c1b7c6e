// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/discover/classify.h"
#include "core/base/config.h"

static char err[1024];

static int load_builtin(void **state)
{
	struct config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg || config__parse(cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err)))
		return -1;
	*state = cfg;
	return 0;
}

static int free_cfg(void **state)
{
	config__free(*state);
	free(*state);
	return 0;
}

static const struct {
	const char *name;
	const char *layer;
	enum priority prio;
} cases[] = {
	/* the backbone */
	{ "__netif_receive_skb_core", "Device", PRIO_CRITICAL },
	{ "netif_receive_skb", "Device", PRIO_CRITICAL },
	{ "gro_receive_skb", "GRO", PRIO_CRITICAL },
	{ "ip_rcv", "IPv4", PRIO_CRITICAL },
	{ "ip_rcv_core", "IPv4", PRIO_CRITICAL },
	{ "ip_local_deliver", "IPv4", PRIO_CRITICAL },
	{ "ip_forward", "IPv4", PRIO_CRITICAL },
	{ "ip_output", "IPv4", PRIO_CRITICAL },
	{ "ip_finish_output2", "IPv4", PRIO_CRITICAL },
	{ "ipv6_rcv", "IPv6", PRIO_CRITICAL },
	{ "ip6_output", "IPv6", PRIO_CRITICAL },
	{ "ip_route_input_noref", "Routing", PRIO_CRITICAL },
	{ "nf_hook_slow", "Netfilter", PRIO_CRITICAL },
	{ "nft_do_chain_ipv4", "NFT", PRIO_CRITICAL },
	{ "nf_flow_offload_inet_hook", "Flowtable", PRIO_CRITICAL },
	{ "nf_flow_offload_ip_hook", "Flowtable", PRIO_CRITICAL },
	{ "nf_conntrack_in", "Conntrack", PRIO_CRITICAL },
	{ "tcp_v4_rcv", "TCP", PRIO_CRITICAL },
	{ "tcp_rcv_established", "TCP", PRIO_CRITICAL },
	{ "udp_rcv", "UDP", PRIO_CRITICAL },
	{ "icmp_rcv", "ICMP", PRIO_CRITICAL },
	{ "icmpv6_rcv", "ICMP", PRIO_CRITICAL },
	{ "arp_rcv", "ARP/Neighbour", PRIO_CRITICAL },
	{ "neigh_resolve_output", "ARP/Neighbour", PRIO_CRITICAL },
	{ "br_handle_frame", "Bridge", PRIO_CRITICAL },
	{ "__dev_queue_xmit", "Xmit", PRIO_CRITICAL },
	{ "dev_hard_start_xmit", "Xmit", PRIO_CRITICAL },
	{ "sch_direct_xmit", "QDisc", PRIO_CRITICAL },
	{ "tcf_classify", "QDisc", PRIO_CRITICAL },
	{ "xfrm_input", "IPsec", PRIO_CRITICAL },
	{ "do_xdp_generic", "XDP/BPF", PRIO_CRITICAL },
	{ "kfree_skb_reason", "Skb", PRIO_CRITICAL },
	{ "sk_skb_reason_drop", "Skb", PRIO_CRITICAL },
	{ "consume_skb", "Skb", PRIO_CRITICAL },
	/* each layer's main steps */
	{ "eth_type_trans", "Device", PRIO_IMPORTANT },
	{ "inet_gro_receive", "GRO", PRIO_IMPORTANT },
	{ "udp_gro_receive", "GRO", PRIO_IMPORTANT },
	{ "ip_queue_xmit", "IPv4", PRIO_IMPORTANT },
	{ "ip6_mc_input", "IPv6", PRIO_IMPORTANT },
	{ "fib_validate_source", "Routing", PRIO_IMPORTANT },
	{ "ipt_do_table", "Netfilter", PRIO_IMPORTANT },
	{ "nft_nat_do_chain", "NFT", PRIO_IMPORTANT },
	{ "__nf_conntrack_confirm", "Conntrack", PRIO_IMPORTANT },
	{ "icmp_echo", "ICMP", PRIO_IMPORTANT },
	{ "ndisc_recv_ns", "ARP/Neighbour", PRIO_IMPORTANT },
	{ "tcp_data_queue", "TCP", PRIO_IMPORTANT },
	{ "udp_unicast_rcv_skb", "UDP", PRIO_IMPORTANT },
	{ "br_nf_pre_routing", "Bridge", PRIO_IMPORTANT },
	{ "validate_xmit_skb", "Xmit", PRIO_IMPORTANT },
	{ "skb_segment", "Xmit", PRIO_IMPORTANT },
	{ "vxlan_rcv", "Tunnel", PRIO_IMPORTANT },
	{ "ip_tunnel_xmit", "Tunnel", PRIO_IMPORTANT },
	{ "esp_input", "IPsec", PRIO_IMPORTANT },
	{ "__sock_queue_rcv_skb", "Socket", PRIO_IMPORTANT },
	{ "packet_rcv", "Socket", PRIO_IMPORTANT },
	{ "skb_clone", "Skb", PRIO_IMPORTANT },
	{ "pskb_expand_head", "Skb", PRIO_IMPORTANT },
	{ "veth_xmit", "Driver", PRIO_IMPORTANT },
	{ "process_backlog", "SoftIRQ", PRIO_IMPORTANT },
	/* the rest of each layer */
	{ "ip_options_compile", "IPv4", PRIO_OPTIONAL },
	{ "ipv6_parse_hopopts", "IPv6", PRIO_OPTIONAL },
	{ "skb_vlan_untag", "Device", PRIO_OPTIONAL },
	{ "conntrack_mt_v3", "Netfilter", PRIO_OPTIONAL }, /* an xtables match, not conntrack */
	{ "ebt_snat_tg", "Netfilter", PRIO_OPTIONAL },
	{ "hash_ip4_kadt", "Netfilter", PRIO_OPTIONAL }, /* ipset */
	{ "nf_nat_ipv4_local_in", "Conntrack", PRIO_OPTIONAL },
	{ "nft_payload_set_eval", "NFT", PRIO_OPTIONAL },
	{ "nft_payload_dump", "Netlink", PRIO_OPTIONAL }, /* the control plane */
	{ "tcp_sacktag_write_queue", "TCP", PRIO_OPTIONAL },
	{ "udplite_err", "UDP", PRIO_OPTIONAL },
	{ "ip6_pol_route_input", "Routing", PRIO_OPTIONAL },
	{ "pfifo_fast_enqueue", "QDisc", PRIO_OPTIONAL },
	{ "gre_parse_header", "Tunnel", PRIO_OPTIONAL },
	{ "bpf_skb_generic_push", "XDP/BPF", PRIO_OPTIONAL },
	{ "skb_pull", "Skb", PRIO_OPTIONAL },
	{ "selinux_ip_postroute", "Security", PRIO_OPTIONAL },
	{ "rtnl_fill_ifinfo", "Netlink", PRIO_OPTIONAL },
	{ "inet_diag_dump", "Netlink", PRIO_OPTIONAL },
	{ "netlink_rcv_skb", "Netlink", PRIO_OPTIONAL },
	{ "frobnicate_widget", "Unknown", PRIO_UNKNOWN },
	/* tracepoints, as the engine names them (names__tp_name) */
	{ "skb:kfree_skb", "Skb", PRIO_CRITICAL },
	{ "skb:consume_skb", "Skb", PRIO_CRITICAL },
	{ "net:netif_receive_skb", "Device", PRIO_CRITICAL },
	{ "net:netif_receive_skb_entry", "Device", PRIO_CRITICAL },
	{ "net:netif_rx", "Device", PRIO_CRITICAL },
	{ "net:netif_rx_entry", "Device", PRIO_CRITICAL },
	{ "net:napi_gro_receive_entry", "GRO", PRIO_CRITICAL },
	{ "net:net_dev_queue", "Xmit", PRIO_CRITICAL },
	{ "net:net_dev_start_xmit", "Xmit", PRIO_CRITICAL },
	{ "net:net_dev_xmit", "Xmit", PRIO_CRITICAL },
	{ "qdisc:qdisc_dequeue", "QDisc", PRIO_IMPORTANT },
	/* NFT pseudo-probes */
	{ "nft:chain", "NFT", PRIO_CRITICAL },
	{ "nft:rule", "NFT", PRIO_CRITICAL },
	{ "nf:hook", "Netfilter", PRIO_CRITICAL },
};

static void real_functions_land_in_their_layer_and_priority(void **state)
{
	const struct config *cfg = *state;
	int failures = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum priority prio;
		int layer;

		classify__name(cfg, cases[i].name, &layer, &prio);
		if (strcmp(cfg->layers[layer].name, cases[i].layer) || prio != cases[i].prio) {
			print_error("%s: got %s/%s, want %s/%s\n", cases[i].name,
				    cfg->layers[layer].name, priority__name(prio), cases[i].layer,
				    priority__name(cases[i].prio));
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void the_first_matching_rule_wins(void **state)
{
	const char *layers = "layers: [ { name: IPv4 }, { name: Other } ]\n"
			     "unknown_layer: Other\n"
			     "rules:\n"
			     "  - { match: '^ip_rcv$', layer: IPv4, priority: critical }\n"
			     "  - { match: '^ip_', layer: IPv4 }\n"
			     "  - { match: '^ip_forward$', layer: Other, priority: critical }\n";
	struct config cfg;
	enum priority prio;
	int layer;

	(void)state;
	assert_int_equal(
		config__parse(&cfg, NULL, NULL, 0, "t", layers, strlen(layers), err, sizeof(err)),
		0);
	classify__name(&cfg, "ip_rcv", &layer, &prio);
	assert_int_equal(layer, 0);
	assert_int_equal(prio, PRIO_CRITICAL);
	/* '^ip_' comes first, so the later exact rule never sees ip_forward. */
	classify__name(&cfg, "ip_forward", &layer, &prio);
	assert_int_equal(layer, 0);
	assert_int_equal(prio, PRIO_OPTIONAL);
	classify__name(&cfg, "tcp_v4_rcv", &layer, &prio);
	assert_int_equal(layer, 1);
	assert_int_equal(prio, PRIO_UNKNOWN);
	config__free(&cfg);
}

/* The literal-prefix shortcut must never reject a name the regex accepts. */
static void prefix_shortcut_agrees_with_the_regex(void **state)
{
	static const struct {
		const char *pattern, *name;
		bool match;
	} m[] = {
		{ "^ip6?_rcv$", "ip_rcv", true },
		{ "^ip6?_rcv$", "ip6_rcv", true },
		{ "^tcp_v[46]_rcv$", "tcp_v6_rcv", true },
		{ "^ab*c", "ac", true },
		{ "^ab{0,1}c", "ac", true },
		{ "^ip_|^tcp_", "tcp_rcv", true },
		{ "^(ip|tcp)_rcv", "tcp_rcv", true },
		{ "^skb:kfree", "skb:kfree_skb", true },
		{ "^ip_rcv$", "ip_rcv_finish", false },
		{ "^ip_", "xip_rcv", false },
		{ "_mt$", "conntrack_mt", true },
		{ "^nf_ct_", "nf_conntrack_in", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct layer_rule r = { .pattern = (char *)m[i].pattern };

		assert_int_equal(classify__compile(&r, err, sizeof(err)), 0);
		if (classify__match(&r, m[i].name) != m[i].match)
			fail_msg("'%s' on %s: want %d", m[i].pattern, m[i].name, m[i].match);
		classify__free(&r);
	}
}

static void a_bad_pattern_is_refused_with_the_reason(void **state)
{
	struct layer_rule r = { .pattern = "^ip_(" };

	(void)state;
	assert_int_equal(classify__compile(&r, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_null(r.compiled);
	assert_false(classify__match(&r, "ip_rcv"));
}

static void kallsyms_guesses_take_skb_names_only(void **state)
{
	const struct config *cfg = *state;

	assert_true(classify__guess(cfg, "kfree_skb_reason"));
	assert_true(classify__guess(cfg, "ip_rcv"));
	assert_true(classify__guess(cfg, "tcp_v4_rcv"));
	assert_true(classify__guess(cfg, "__dev_queue_xmit"));
	assert_false(classify__guess(cfg, "schedule"));
	assert_false(classify__guess(cfg, "vfs_read"));
}

static void judges_are_where_packets_enter_the_stack(void **state)
{
	const struct config *cfg = *state;

	assert_true(classify__judge(cfg, "ip_local_out"));
	assert_true(classify__judge(cfg, "ip_output"));
	assert_true(classify__judge(cfg, "ip6_xmit"));
	assert_true(classify__judge(cfg, "nf_hook_slow"));
	assert_true(classify__judge(cfg, "net:netif_receive_skb"));
	assert_true(classify__judge(cfg, "net:net_dev_queue"));
	assert_true(classify__judge(cfg, "skb:consume_skb"));
	/* Past the entry, a probe follows what was judged before it. */
	assert_false(classify__judge(cfg, "net:net_dev_start_xmit"));
	assert_false(classify__judge(cfg, "net:netif_rx_entry"));
	assert_false(classify__judge(cfg, "skb:skb_copy_datagram_iovec"));
	assert_false(classify__judge(cfg, "ip_rcv"));
	assert_false(classify__judge(cfg, "ip_finish_output2"));
	assert_false(classify__judge(cfg, "udp_rcv"));
	assert_false(classify__judge(cfg, "ip_local_out_sk"));
}

static void no_exclude_excludes_nothing(void **state)
{
	const struct config *cfg = *state;

	assert_false(classify__excluded(cfg, "ip_rcv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(real_functions_land_in_their_layer_and_priority,
						load_builtin, free_cfg),
		cmocka_unit_test(the_first_matching_rule_wins),
		cmocka_unit_test(prefix_shortcut_agrees_with_the_regex),
		cmocka_unit_test(a_bad_pattern_is_refused_with_the_reason),
		cmocka_unit_test_setup_teardown(kallsyms_guesses_take_skb_names_only, load_builtin,
						free_cfg),
		cmocka_unit_test_setup_teardown(judges_are_where_packets_enter_the_stack,
						load_builtin, free_cfg),
		cmocka_unit_test_setup_teardown(no_exclude_excludes_nothing, load_builtin,
						free_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "skbtop_event.h"
#include "core/session/names.h"
#include "fixture_netns.h"

static void test_probes_and_placeholders(void **state)
{
	struct names *n = names__new();
	const struct probe_info *p, *q;

	(void)state;
	names__set_unknown_layer(n, 9);
	assert_int_equal(names__add_probe(n, 3, "ip_rcv", NULL, 4, PRIO_CRITICAL), 0);
	assert_int_equal(names__add_probe(n, 5, "nft_do_chain", "nf_tables", 6, PRIO_IMPORTANT), 0);
	p = names__probe(n, 3);
	assert_string_equal(p->name, "ip_rcv");
	assert_null(p->module);
	assert_int_equal(p->layer, 4);
	assert_string_equal(names__probe(n, 5)->module, "nf_tables");
	assert_int_equal(names__probe_count(n), 6);
	/* Unknown ids: a stable placeholder in the unknown layer. */
	p = names__probe(n, 4);
	assert_string_equal(p->name, "fn#4");
	assert_int_equal(p->layer, 9);
	q = names__probe(n, 4000);
	assert_string_equal(q->name, "fn#4000");
	assert_ptr_equal(names__probe(n, 4), p);
	assert_string_equal(p->name, "fn#4");
	/* A tracepoint nobody added keeps its real name. */
	p = names__probe(n, SKBTOP_TP_FLAG | SKBTOP_TP_NET_DEV_XMIT);
	assert_string_equal(p->name, "net:net_dev_xmit");
	assert_int_equal(p->layer, 9);
	assert_int_not_equal(names__add_probe(n, 1u << 30, "x", NULL, 0, PRIO_CRITICAL), 0);
	assert_int_not_equal(names__add_probe(n, 7, "", NULL, 0, PRIO_CRITICAL), 0);
	assert_int_not_equal(names__add_probe(n, SKBTOP_TP_FLAG | 999, "x", NULL, 0, PRIO_CRITICAL),
			     0);
	names__free(n);
}

static void test_tracepoint_names_in_abi_order(void **state)
{
	static const char *const want[SKBTOP_TP_COUNT] = {
		"skb:kfree_skb",
		"skb:consume_skb",
		"net:netif_receive_skb",
		"net:netif_rx",
		"net:napi_gro_receive_entry",
		"net:net_dev_queue",
		"net:net_dev_start_xmit",
		"net:net_dev_xmit",
		"net:netif_receive_skb_entry",
		"net:netif_rx_entry",
		"net:netif_receive_skb_list_entry",
		"net:napi_gro_frags_entry",
		"skb:skb_copy_datagram_iovec",
		"qdisc:qdisc_enqueue",
		"qdisc:qdisc_dequeue",
		"tcp:tcp_probe",
		"tcp:tcp_retransmit_skb",
		"tcp:tcp_send_reset",
		"icmp:icmp_send",
		"sock:sock_rcvqueue_full",
	};
	uint32_t tp;

	(void)state;
	for (tp = 0; tp < SKBTOP_TP_COUNT; tp++) {
		/* A tracepoint added to the ABI needs its name here and in names.c. */
		assert_non_null(want[tp]);
		assert_non_null(names__tp_name(tp));
		assert_string_equal(names__tp_name(tp), want[tp]);
		assert_string_equal(names__tp_name(SKBTOP_TP_FLAG | tp), want[tp]);
		assert_int_equal(names__tp_by_name(want[tp]), (int)tp);
	}
	assert_null(names__tp_name(SKBTOP_TP_COUNT));
	assert_int_equal(names__tp_by_name("skb:nope"), -1);
}

static void test_drop_reasons_from_kernel_btf(void **state)
{
	struct names *n = names__new();
	int64_t v;
	int count;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		names__free(n);
		skip();
	}
	count = names__load_drop_reasons(n, NULL);
	assert_true(count > 10);
	/* Names are the enum's with the prefix cut, and map back to their own values. */
	v = names__drop_reason_value(n, "NO_SOCKET");
	assert_true(v > 0);
	assert_string_equal(names__drop_reason(n, (uint32_t)v), "NO_SOCKET");
	v = names__drop_reason_value(n, "NOT_SPECIFIED");
	assert_true(v >= 0);
	assert_string_equal(names__drop_reason(n, (uint32_t)v), "NOT_SPECIFIED");
	assert_int_equal(names__drop_reason_value(n, "SKB_DROP_REASON_NO_SOCKET"), -1);
	assert_string_equal(names__drop_reason(n, 0xfffe), "reason#65534");
	names__free(n);
}

static void test_drop_reasons_refuse_bad_files(void **state)
{
	char path[] = "/tmp/skbtop-btf-XXXXXX";
	struct names *n = names__new();
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not btf", 7), 7);
	close(fd);
	assert_int_equal(names__load_drop_reasons(n, path), -1);
	assert_int_equal(names__load_drop_reasons(n, "/nonexistent/btf"), -1);
	unlink(path);
	/* Added by hand (replay does this), aliases keep the first name. */
	assert_int_equal(names__add_drop_reason(n, 2, "NO_SOCKET"), 0);
	assert_int_equal(names__add_drop_reason(n, 2, "OTHER"), 0);
	assert_int_equal(names__add_drop_reason(n, 3 << 16 | 1, "OVS_DROP_X"), 0);
	assert_string_equal(names__drop_reason(n, 2), "NO_SOCKET");
	assert_string_equal(names__drop_reason(n, 3 << 16 | 1), "OVS_DROP_X");
	assert_int_equal(names__drop_reason_value(n, "OVS_DROP_X"), 3 << 16 | 1);
	names__free(n);
}

static void write_btf(const char *path, const struct btf *btf)
{
	uint32_t size;
	const void *raw = btf__raw_data(btf, &size);
	FILE *f = fopen(path, "w");

	assert_non_null(raw);
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
}

/*
 * A made-up kernel: its reasons, a subsystem enum naming "openvswitch", and that module's own
 * reasons in split BTF next to vmlinux. Values are what BTF says, whatever they are.
 */
static void test_drop_reasons_of_subsystems(void **state)
{
	char dir[] = "/tmp/skbtop-btfdir-XXXXXX", path[128], cmd[160];
	struct btf *vm, *mod;
	struct names *n = names__new();
	int id;

	(void)state;
	assert_non_null(mkdtemp(dir));
	vm = btf__new_empty();
	id = btf__add_enum(vm, "skb_drop_reason", 4);
	assert_true(id > 0);
	btf__add_enum_value(vm, "SKB_NOT_DROPPED_YET", 0);
	btf__add_enum_value(vm, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
	btf__add_enum_value(vm, "SKB_DROP_REASON_NO_SOCKET", 3);
	btf__add_enum(vm, "skb_drop_reason_subsys", 4);
	btf__add_enum_value(vm, "SKB_DROP_REASON_SUBSYS_CORE", 0);
	btf__add_enum_value(vm, "SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE", 1);
	btf__add_enum_value(vm, "SKB_DROP_REASON_SUBSYS_OPENVSWITCH", 3);
	btf__add_enum(vm, "mac80211_drop_reason", 4);
	btf__add_enum_value(vm, "RX_CONTINUE", 1);
	btf__add_enum_value(vm, "RX_DROP_U_MIC_FAIL", 1 << 16 | 5);
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	write_btf(path, vm);
	mod = btf__new_empty_split(vm);
	btf__add_enum(mod, "ovs_drop_reason", 4);
	btf__add_enum_value(mod, "OVS_DROP_LAST_ACTION", 3 << 16 | 1);
	snprintf(path, sizeof(path), "%s/openvswitch", dir);
	write_btf(path, mod);

	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	assert_int_equal(names__load_drop_reasons(n, path), 5);
	assert_string_equal(names__drop_reason(n, 3), "NO_SOCKET");
	assert_string_equal(names__drop_reason(n, 0), "SKB_NOT_DROPPED_YET");
	assert_string_equal(names__drop_reason(n, 1 << 16 | 5), "RX_DROP_U_MIC_FAIL");
	assert_string_equal(names__drop_reason(n, 3 << 16 | 1), "OVS_DROP_LAST_ACTION");
	/* RX_CONTINUE is no drop, and must not shadow a core reason of the same value */
	assert_int_equal(names__drop_reason_value(n, "RX_CONTINUE"), -1);
	btf__free(mod);
	btf__free(vm);
	names__free(n);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static uint32_t inode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint32_t)st.st_ino;
}

/* Live, the first lookup asks for the name and the refresher reads it; a later one has it. */
static const char *read_ifname(struct names *n, uint32_t netns, uint32_t ifindex)
{
	names__ifname(n, netns, ifindex);
	names__wait(n);
	return names__ifname(n, netns, ifindex);
}

static void test_ifnames_set_offline_and_own_netns(void **state)
{
	struct names *n = names__new();
	uint32_t self = inode_of("/proc/self/ns/net");

	(void)state;
	assert_int_equal(names__set_ifname(n, 77, 3, "veth_b"), 0);
	assert_string_equal(names__ifname(n, 77, 3), "veth_b");
	assert_string_equal(names__ifname(n, 78, 3), "if#3");
	assert_string_equal(names__ifname(n, 77, 0), "");
	assert_int_not_equal(names__set_ifname(n, 77, 0, "x"), 0);
	assert_int_not_equal(names__set_ifname(n, 77, 4, "a-name-longer-than-ifnamsiz"), 0);
	/* Live: the loopback of our own namespace resolves, first unknown while it is read. */
	assert_string_equal(names__ifname(n, self, 1), "if#1");
	names__wait(n);
	assert_string_equal(names__ifname(n, self, 1), "lo");
	names__free(n);

	n = names__new();
	names__set_offline(n);
	assert_string_equal(read_ifname(n, self, 1), "if#1");
	names__free(n);
}

/* Thousands of interfaces of namespaces nobody holds (made-up inodes): their slots go. */
static void test_ifname_slots_of_gone_namespaces_are_dropped(void **state)
{
	struct names *n = names__new();
	uint32_t self = inode_of("/proc/self/ns/net");

	(void)state;
	assert_string_equal(read_ifname(n, self, 1), "lo");
	for (uint32_t ns = 0; ns < 3000; ns++) {
		assert_int_equal(names__set_ifname(n, 4000000000u + ns, 1, "lo"), 0);
		assert_int_equal(names__set_ifname(n, 4000000000u + ns, 2, "eth0"), 0);
	}
	assert_true(names__ifname_slots(n) > 6000);
	assert_string_equal(read_ifname(n, self, 1), "lo");
	assert_true(names__ifname_slots(n) < 100);
	assert_string_equal(names__ifname(n, self, 1), "lo");
	names__free(n);
}

static void test_ifname_in_another_netns(void **state)
{
	uint32_t self = inode_of("/proc/self/ns/net"), other;
	struct if_nameindex *ifs;
	struct fx_netns x;
	struct names *n;
	int i;

	(void)state;
	fx_netns__start(&x);
	other = x.inum;
	n = names__new();
	assert_string_equal(read_ifname(n, other, 1), "lo");
	/* An interface of ours (if any besides lo) does not exist over there. */
	ifs = if_nameindex();
	for (i = 0; ifs && ifs[i].if_index; i++) {
		char want[32];

		if (ifs[i].if_index == 1)
			continue;
		snprintf(want, sizeof(want), "if#%u", ifs[i].if_index);
		assert_string_equal(read_ifname(n, other, ifs[i].if_index), want);
		assert_string_equal(read_ifname(n, self, ifs[i].if_index), ifs[i].if_name);
	}
	if (ifs)
		if_freenameindex(ifs);
	fx_netns__stop(&x);
	/* The main thread never left its namespace. */
	assert_int_equal(inode_of("/proc/self/ns/net"), self);
	names__free(n);
}

static const char *fake_rules(void *ctx, uint32_t netns, uint8_t family, const char *table,
			      uint64_t handle)
{
	int *calls = ctx;

	(*calls)++;
	return netns == 1 && family == 1 && !strcmp(table, "filter") && handle == 9
		       ? "udp dport 9999 drop"
		       : NULL;
}

static void test_rule_text_table_and_callback(void **state)
{
	struct names *n = names__new();
	int calls = 0;

	(void)state;
	assert_null(names__rule_text(n, 1, 1, "filter", 9));
	names__set_rule_text(n, fake_rules, &calls);
	assert_string_equal(names__rule_text(n, 1, 1, "filter", 9), "udp dport 9999 drop");
	assert_null(names__rule_text(n, 2, 1, "filter", 9));
	assert_int_equal(calls, 2);
	assert_int_equal(names__add_rule_text(n, 2, 1, "filter", 9, "accept"), 0);
	assert_string_equal(names__rule_text(n, 2, 1, "filter", 9), "accept");
	assert_int_equal(calls, 2);
	names__free(n);
}

/* A rule's key holds the largest numbers and the longest table; names cut at 31 bytes are one. */
static void test_rule_text_keys_at_their_limits(void **state)
{
	struct names *n = names__new();
	char table[SKBTOP_NAME_LEN + 8];

	(void)state;
	memset(table, 't', sizeof(table) - 1);
	table[sizeof(table) - 1] = '\0';
	assert_int_equal(names__add_rule_text(n, UINT32_MAX, 255, table, UINT64_MAX, "a"), 0);
	assert_int_equal(names__add_rule_text(n, UINT32_MAX, 255, "t", UINT64_MAX, "b"), 0);
	assert_int_equal(names__add_rule_text(n, 1, 2, "t", 34, "c"), 0);
	assert_int_equal(names__add_rule_text(n, 12, 3, "t", 4, "d"), 0);
	assert_string_equal(names__rule_text(n, UINT32_MAX, 255, table, UINT64_MAX), "a");
	table[SKBTOP_NAME_LEN] = 'x';
	assert_string_equal(names__rule_text(n, UINT32_MAX, 255, table, UINT64_MAX), "a");
	table[SKBTOP_NAME_LEN - 2] = 'x';
	assert_null(names__rule_text(n, UINT32_MAX, 255, table, UINT64_MAX));
	assert_string_equal(names__rule_text(n, UINT32_MAX, 255, "t", UINT64_MAX), "b");
	/* The fields stay apart: 1,2,34 is not 12,3,4. */
	assert_string_equal(names__rule_text(n, 1, 2, "t", 34), "c");
	assert_string_equal(names__rule_text(n, 12, 3, "t", 4), "d");
	assert_null(names__rule_text(n, 0, 0, "t", 0));
	names__free(n);
}

static void test_symbols(void **state)
{
	char path[] = "/tmp/skbtop-kallsyms-XXXXXX", buf[128], small[6];
	struct names *n = names__new();
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "ffffffff81000200 T udp_rcv\nffffffff81000100 t ip_rcv_core\n"
		   "ffffffff81000300 D some_data\nffffffffc0001000 t nft_do_chain\t[nf_tables]\n");
	fclose(f);
	assert_int_equal(names__load_kallsyms(n, path), 0);
	assert_string_equal(names__sym(n, 0xffffffff81000210ull, buf, sizeof(buf)), "udp_rcv+0x10");
	assert_string_equal(names__sym(n, 0xffffffff81000100ull, buf, sizeof(buf)),
			    "ip_rcv_core+0x0");
	/* data symbols are not where code runs */
	assert_string_equal(names__sym(n, 0xffffffff81000310ull, buf, sizeof(buf)),
			    "udp_rcv+0x110");
	assert_string_equal(names__sym(n, 0xffffffffc0001004ull, buf, sizeof(buf)),
			    "nft_do_chain+0x4");
	assert_string_equal(names__sym(n, 0x10, buf, sizeof(buf)), "0x10");
	assert_int_equal(names__add_sym(n, 0x10, "saved_location+0x5"), 0);
	assert_string_equal(names__sym(n, 0x10, buf, sizeof(buf)), "saved_location+0x5");
	assert_string_equal(names__sym(n, 0xffffffff81000210ull, small, sizeof(small)), "udp_r");
	/* A location's text is kept between calls, until the symbols are read again. */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "ffffffff81000200 T udp_queue_rcv\n");
	fclose(f);
	assert_int_equal(names__load_kallsyms(n, path), 0);
	assert_string_equal(names__sym(n, 0xffffffff81000210ull, buf, sizeof(buf)),
			    "udp_queue_rcv+0x10");
	assert_int_equal(names__load_kallsyms(n, "/nonexistent/kallsyms"), -1);
	unlink(path);
	names__free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probes_and_placeholders),
		cmocka_unit_test(test_tracepoint_names_in_abi_order),
		cmocka_unit_test(test_drop_reasons_from_kernel_btf),
		cmocka_unit_test(test_drop_reasons_refuse_bad_files),
		cmocka_unit_test(test_drop_reasons_of_subsystems),
		cmocka_unit_test(test_ifnames_set_offline_and_own_netns),
		cmocka_unit_test(test_ifname_slots_of_gone_namespaces_are_dropped),
		cmocka_unit_test(test_ifname_in_another_netns),
		cmocka_unit_test(test_rule_text_table_and_callback),
		cmocka_unit_test(test_rule_text_keys_at_their_limits),
		cmocka_unit_test(test_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

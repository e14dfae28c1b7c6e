#!/usr/bin/env bash
# Filters: traffic outside --host, --port, --proto, the namespace or the mark makes no journey,
# while the matching traffic sent in the same run does.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "filters keep other traffic out"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
send() { ip netns exec "$NS_A" "$TOOLS/sendpkt" udp "$@"; }
ids() { ids_of "$TRACE_OUT" "$1" | grep -c .; }

trace_start hostport --stream --format json --host 10.77.0.2 --port 9999 ||
	{ not_ok "skbtop starts with --host and --port"; exit 1; }
send 10.77.0.2 9999 --src-port 41000
send 10.77.0.2 9998 --src-port 41001
send fd77::2 9999 --src-port 41002
sleep 1
trace_stop INT
check "--host 10.77.0.2 --port 9999: the matching datagram makes a journey" \
	test "$(ids '.sport == 41000 and .dport == 9999')" -eq 1
check "--port 9999: the datagram to port 9998 makes none" test "$(ids '.sport == 41001')" -eq 0
check "--host 10.77.0.2: the IPv6 datagram to fd77::2 makes none" test "$(ids '.sport == 41002')" -eq 0

trace_start proto --stream --format json --proto tcp --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts with --proto tcp"; exit 1; }
send 10.77.0.2 9999 --src-port 41003
ip netns exec "$NS_A" "$TOOLS/sendpkt" tcp 10.77.0.2 9997 2>/dev/null
sleep 1
trace_stop INT
check "--proto tcp: the UDP datagram makes no journey" test "$(ids '.sport == 41003')" -eq 0
check "--proto tcp: the refused TCP connection's SYN makes one" \
	test "$(ids '.proto == "tcp" and .dport == 9997')" -ge 1

# A second pair of namespaces that --filter-netns must keep out.
NS_C="skbt-c-$$" NS_D="skbt-d-$$"
ip netns add "$NS_C" && ip netns add "$NS_D"
EXTRA_CLEANUP="trace_cleanup; ip netns del $NS_C; ip netns del $NS_D"
ip link add veth_c netns "$NS_C" type veth peer name veth_d netns "$NS_D"
ip -n "$NS_C" addr add 10.78.0.1/24 dev veth_c && ip -n "$NS_D" addr add 10.78.0.2/24 dev veth_d
ip -n "$NS_C" link set veth_c up && ip -n "$NS_D" link set veth_d up
trace_start netns --stream --format json --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts with --filter-netns"; exit 1; }
send 10.77.0.2 9999 --src-port 41004
ip netns exec "$NS_C" "$TOOLS/sendpkt" udp 10.78.0.2 9999 --src-port 41005
sleep 1
trace_stop INT
check "--filter-netns: the datagram sent in that namespace makes a journey" \
	test "$(ids '.sport == 41004')" -eq 1
check "--filter-netns: a datagram of another namespace pair makes none" \
	test "$(ids '.sport == 41005 or .src == "10.78.0.2"')" -eq 0

trace_start ifname --stream --format json --netns "/run/netns/$NS_B" --ifname veth_b ||
	{ not_ok "skbtop starts with --netns and --ifname"; exit 1; }
send 10.77.0.2 9999 --src-port 41010
ip netns exec "$NS_B" "$TOOLS/sendpkt" udp 127.0.0.1 9999 --src-port 41011
sleep 1
trace_stop INT
devs=$(jq -r 'select(.sport == 41010) | .ifname' "$TRACE_OUT" | sort -u | tr '\n' ' ')
check "--ifname veth_b: a datagram arriving on veth_b is followed from there (devices: $devs)" \
	test "$devs" = "veth_b "
check "--ifname veth_b: a datagram on the namespace's loopback makes no journey" \
	test "$(ids '.sport == 41011')" -eq 0

if command -v nft >/dev/null; then
	ip netns exec "$NS_A" nft -f - <<'NFT'
table inet skbtop_test {
	chain out {
		type filter hook output priority 0; policy accept;
		udp dport 9996 meta mark set 0x42
	}
}
NFT
	trace_start mark --stream --format json --filter-netns "/run/netns/$NS_A" --mark 0x42 ||
		{ not_ok "skbtop starts with --mark"; exit 1; }
	send 10.77.0.2 9996 --src-port 41006
	send 10.77.0.2 9999 --src-port 41007
	sleep 1
	trace_stop INT
	check "--mark 0x42: the datagram nftables marked makes a journey" \
		test "$(ids '.sport == 41006 and .mark == 66')" -eq 1
	check "--mark 0x42: the unmarked datagram makes none" test "$(ids '.sport == 41007')" -eq 0
else
	skip "--mark keeps unmarked packets out" "needs nft"
fi

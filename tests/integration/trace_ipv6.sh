#!/usr/bin/env bash
# IPv6 UDP between two namespaces: the journey carries the right IPv6 tuple from both sides.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "IPv6 packets are followed"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

trace_start v6 --stream --format json --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts and attaches"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp fd77::2 9999 --src-port 40006 --size 40
sleep 1
trace_stop INT
out=$TRACE_OUT

tuple='.family == "IPv6" and .proto == "udp" and .src == "fd77::1" and .sport == 40006 and .dst == "fd77::2" and .dport == 9999'
ids=$(ids_of "$out" "$tuple")
check "one journey has the tuple [fd77::1]:40006 → [fd77::2]:9999 udp (got: $(echo $ids))" \
	test "$(echo "$ids" | grep -c .)" -eq 1
id=$(echo "$ids" | head -1)
jf=$TRACE_DIR/journey.json
jq -c "select(.id == ${id:-0})" "$out" >"$jf"
check "every event of the journey has that tuple" \
	sh -c "jq -s -e 'all(.[]; $tuple)' '$jf' >/dev/null"
check "the journey is seen on both sides of the veth" \
	test "$(jq -r '.ifname // empty' "$jf" | sort -u | tr '\n' ' ')" = "veth_a veth_b "
check "the journey ends with the IPv6 closed-port drop (NO_SOCKET)" \
	any_event "$jf" '.type == "drop" and .reason == "NO_SOCKET"'
check "the kernel's ICMPv6 answer is a journey of its own (port unreachable: type 1)" \
	any_event "$out" '.proto == "icmp6" and .src == "fd77::2" and .dst == "fd77::1" and .icmp_type == 1'

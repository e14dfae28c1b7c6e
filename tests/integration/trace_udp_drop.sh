#!/usr/bin/env bash
# A UDP datagram to a closed port between two namespaces, on the tracepoint backend: one journey
# with the exact tuple, seen on both sides of the veth, ending in a drop whose reason name comes
# from the kernel's BTF.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "UDP to a closed port is followed"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

trace_start udp --stream --format json --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts and attaches"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40000 --size 50
sleep 1
trace_stop INT
out=$TRACE_OUT
check "skbtop exits 0 on SIGINT" test "$TRACE_RC" -eq 0

tuple='.family == "IPv4" and .proto == "udp" and .src == "10.77.0.1" and .sport == 40000 and .dst == "10.77.0.2" and .dport == 9999'
ids=$(ids_of "$out" "$tuple")
check "exactly one journey has the tuple 10.77.0.1:40000 → 10.77.0.2:9999 udp (got: $(echo $ids))" \
	test "$(echo "$ids" | grep -c .)" -eq 1
id=$(echo "$ids" | head -1)
jf=$TRACE_DIR/journey.json
jq -c "select(.id == ${id:-0})" "$out" >"$jf"
has() { any_event "$jf" "$1"; }
check "the journey has events on the sender's side (veth_a, transmit)" \
	has '.ifname == "veth_a" and .func == "net:net_dev_start_xmit"'
check "the journey has events on the receiver's side (veth_b, receive)" \
	has '.ifname == "veth_b" and .func == "net:netif_receive_skb"'
check "the journey's netns changes from the sender's to the receiver's" \
	test "$(jq -r .netns "$jf" | sort -u | wc -l)" -eq 2
drop=$(jq -c 'select(.type == "drop")' "$jf")
check "the journey ends in a drop with reason NO_SOCKET ($drop)" \
	has '.type == "drop" and .reason == "NO_SOCKET" and .fate == "dropped"'
code=$(echo "$drop" | jq -r '.reason_code')
btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
	awk -F'val=' '/\047SKB_DROP_REASON_NO_SOCKET\047/ { print $2; exit }')
check "the reason's value ($code) is the kernel's SKB_DROP_REASON_NO_SOCKET in BTF ($btf)" \
	test -n "$btf" -a "$code" = "$btf"
check "the drop is located in the UDP receive path ($(echo "$drop" | jq -r .location))" \
	has '.type == "drop" and (.location | test("udp"))'
last=$(tail -1 "$jf" | jq -r .type)
check "the drop is the journey's last event (last: $last)" test "$last" = drop

# The same packet as a text line, in the seed's format.
trace_start text --stream --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts in text mode"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40002
sleep 1
trace_stop TERM
check "a text line shows the tuple and the drop reason" \
	grep -qE '^\[ *[0-9]+\] DROP +IPv4 +skb:kfree_skb +10\.77\.0\.1:40002 → 10\.77\.0\.2:9999 udp.*NO_SOCKET' "$TRACE_OUT"
check "the statistics block counts the drop by reason" \
	grep -qE '^drops by reason .*NO_SOCKET 1' "$TRACE_OUT"
check "the start says which backend and why" \
	grep -qE '^skbtop: backend (tracepoint|kprobe|kprobe.multi|fentry) \(.+\)$' "$TRACE_ERR"

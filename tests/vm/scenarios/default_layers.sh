#!/usr/bin/env bash
# Inside a tests/vm/run guest: the default set of functions (the critical ones, chosen for cost) still
# shows a packet's path through every layer it crosses. A UDP datagram, a TCP connection, a datagram
# forwarded by a router and two dropped datagrams (by an nft rule, and for want of a socket) are
# traced with the built-in configuration; each journey must have events in each layer it crosses.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
TRACE_WAIT=300

if [ -z "${VM_KERNEL:-}" ]; then
	skip "the default functions cover every layer" "runs inside a tests/vm/run guest"
	exit 0
fi
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
# F (10.79.1.1) -- R, a router (10.79.1.2 | 10.79.2.2) -- C (10.79.2.1)
F="skbt-f-$$" R="skbt-r-$$" C="skbt-c-$$"
for ns in "$F" "$R" "$C"; do
	ip netns add "$ns" && ip -n "$ns" link set lo up || { not_ok "namespaces for the router"; exit 1; }
done
EXTRA_CLEANUP="trace_cleanup; ip netns del $F; ip netns del $R; ip netns del $C"
ip link add name veth_f netns "$F" type veth peer name veth_r1 netns "$R"
ip link add name veth_c netns "$C" type veth peer name veth_r2 netns "$R"
ip -n "$F" addr add 10.79.1.1/24 dev veth_f
ip -n "$R" addr add 10.79.1.2/24 dev veth_r1
ip -n "$R" addr add 10.79.2.2/24 dev veth_r2
ip -n "$C" addr add 10.79.2.1/24 dev veth_c
for dev in "$F veth_f" "$R veth_r1" "$R veth_r2" "$C veth_c"; do
	read -r ns name <<<"$dev"
	ip -n "$ns" link set "$name" up
done
ip -n "$F" route add default via 10.79.1.2
ip -n "$C" route add default via 10.79.2.2
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$R" nft -f - <<'EOF' || { not_ok "the router's ruleset loads"; exit 1; }
table inet router {
	chain forward {
		type filter hook forward priority 0;
		udp dport 7777 drop
	}
}
EOF
ip netns exec "$NS_B" nft -f - <<'EOF' || { not_ok "the receiver's ruleset loads"; exit 1; }
table inet receiver {
	chain input {
		type filter hook input priority 0;
		udp dport 9999 accept
	}
}
EOF
# Neighbours on the routed path are resolved before tracing.
ip netns exec "$F" ping -c 1 -W 2 10.79.2.1 >/dev/null 2>&1 ||
	{ not_ok "the router forwards (ping through it)"; exit 1; }

trace_start default --stream --format json ||
	{ not_ok "[$VM_KERNEL] skbtop starts with the default functions"; exit 1; }
out=$TRACE_OUT
sed -n 's/^skbtop: //p' "$TRACE_ERR" | sed 's/^/# /'
attached=$(sed -nE 's/^skbtop: functions: ([0-9]+) attached.*/\1/p' "$TRACE_ERR")
check "the default attaches a small set: ${attached:-none} functions, fewer than 150" \
	test "${attached:-0}" -gt 0 -a "${attached:-0}" -lt 150
# The default set by layer: the critical functions the kernel lets us probe (the journeys' lifecycle
# functions come on top).
skbtop discover --output "$TRACE_DIR/funcs.json" >/dev/null 2>&1 &&
	echo "# default set by layer: $(jq -r '[.functions[] | select(.priority == "Critical" and
		.traceable != "no" and .ptr_depth == 1) | .layer] | group_by(.) |
		map("\(.[0]) \(length)") | join(", ")' "$TRACE_DIR/funcs.json")"

ip netns exec "$NS_B" sendpkt listen udp 9999 --timeout 20 >/dev/null &
lpid=$!
sleep 0.3
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --src-port 41001 --size 50
wait $lpid
ip netns exec "$NS_B" sendpkt listen tcp 8080 --timeout 20 >"$TRACE_DIR/listen" 2>&1 &
lpid=$!
for _ in $(seq 100); do grep -q '^listening' "$TRACE_DIR/listen" && break; sleep 0.1; done
ip netns exec "$NS_A" sendpkt tcp 10.77.0.2 8080 --src-port 41002 --size 1000
wait $lpid
ip netns exec "$C" sendpkt listen udp 9999 --timeout 20 >/dev/null &
lpid=$!
sleep 0.3
ip netns exec "$F" sendpkt udp 10.79.2.1 9999 --src-port 41003
wait $lpid
ip netns exec "$F" sendpkt udp 10.79.2.1 7777 --src-port 41004
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 5555 --src-port 41005
sleep 2
trace_stop INT
check "SIGINT stops skbtop with status 0" test "$TRACE_RC" -eq 0

# layers SELECT: the layers of every journey that has an event matching the jq condition SELECT.
layers() {
	jq -s -r "(map(select(.id != null) | select($1) | .id) | unique) as \$ids |
		map(select(.id as \$i | \$ids | any(.[]; . == \$i)) | .layer // empty) | unique | join(\" \")" "$out"
}
# crosses NAME SELECT LAYER...: the journeys of SELECT show each LAYER ("A|B" for either).
crosses() {
	local name=$1 sel=$2 seen missing=
	shift 2
	seen=$(layers "$sel")
	for want; do
		grep -qwE "$want" <<<"$seen" || missing+=" $want"
	done
	check "$name: events in ${*// /, } (${missing:+missing:$missing; }seen: ${seen:-nothing})" \
		test -z "$missing"
}
udp='.proto == "udp" and .sport == 41001'
crosses "a UDP datagram delivered to a socket" "$udp" \
	Device IPv4 Routing 'Netfilter|NFT' UDP Socket Xmit
tcp='.proto == "tcp" and (.sport == 41002 or .dport == 41002)'
crosses "a TCP connection, both ways" "$tcp" Device IPv4 Routing 'Netfilter|NFT' TCP Socket Xmit
fwd='.proto == "udp" and .sport == 41003'
crosses "a forwarded datagram, router to receiver" "$fwd" \
	Device IPv4 Routing 'Netfilter|NFT' Xmit UDP Socket
check "the forwarded datagram passes ip_forward" any_event "$out" "($fwd) and .func == \"ip_forward\""
drop='.proto == "udp" and .sport == 41004'
crosses "a datagram the router's nft rule drops" "$drop" Device IPv4 Routing 'Netfilter|NFT' Xmit
check "its drop is reported" any_event "$out" "($drop) and .type == \"drop\""
nosock='.proto == "udp" and .sport == 41005'
crosses "a datagram to a closed port" "$nosock" Device IPv4 Routing UDP Xmit
check "its drop is reported as NO_SOCKET" any_event "$out" "($nosock) and .type == \"drop\" and .reason == \"NO_SOCKET\""

#!/usr/bin/env bash
# With a filter, a packet not yet followed is judged only at the probes layers.yaml lists under
# judge (the receive and transmit entries, the frees, and with kprobes the transport's send, the IP
# output and nf_hook_slow), not at every probe; --filter-everywhere judges at every probe. The
# receiver's prerouting chain marks a datagram that no socket takes, so it matches --filter-mark only
# after net:netif_receive_skb and nf_hook_slow: by default its journey starts at its drop
# (skb:kfree_skb), and none of the probes that run in between (icmp:icmp_send; with kprobes
# ip_local_deliver, __udp4_lib_rcv, ...) shows it; judged everywhere, it starts at the first of them.
# On this machine with the tracepoint backend; tests/vm/scenarios/filter_judges.sh runs it in the
# guests with kprobes.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
TRACE_WAIT=300
trace_env_ok "the filter judges at entry points and frees only"
backend=(--backend tracepoint)
[ -n "${VM_KERNEL:-}" ] && backend=()
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
ip netns exec "$NS_B" nft -f - <<'EOF' || { not_ok "the receiver's ruleset loads"; exit 1; }
table ip judges {
	chain pre {
		type filter hook prerouting priority 0;
		udp dport 9999 meta mark set 0x77
	}
}
EOF
# The probes that run after the mark is set and before the drop (whichever the kernel has).
between='^(icmp:icmp_send|ip_rcv_finish|ip_rcv_finish_core|ip_route_input_noref|ip_route_input_slow|ip_local_deliver|ip_local_deliver_finish|ip_protocol_deliver_rcu|udp_rcv|__udp4_lib_rcv|__icmp_send)$'

# run NAME PORT [OPTION]: traces one marked datagram from source port PORT; the probe names of its
# journey in $TRACE_DIR/NAME.funcs, its events in $TRACE_DIR/NAME.json.
run() {
	local name=$1 port=$2 ids
	shift 2
	trace_start "$name" --stream --format json "${backend[@]}" --filter-mark 0x77 "$@" ||
		{ not_ok "skbtop starts ($name)"; return 1; }
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port "$port" --size 40
	for _ in $(seq 100); do
		jq -e "select(.sport == $port and .type == \"drop\")" "$TRACE_OUT" >/dev/null 2>&1 && break
		sleep 0.1
	done
	trace_stop INT
	ids=$(ids_of "$TRACE_OUT" ".sport == $port and .dport == 9999")
	echo "# $name: journeys $(echo "$ids" | tr '\n' ' ')"
	[ "$(echo "$ids" | grep -c .)" -eq 1 ] || return 1
	jq -c "select(.id == $ids)" "$TRACE_OUT" >"$TRACE_DIR/$name.json"
	jq -r '.func' "$TRACE_DIR/$name.json" >"$TRACE_DIR/$name.funcs"
	echo "# $name: $(tr '\n' ' ' <"$TRACE_DIR/$name.funcs" | head -c 1000)"
}

check "judged at entries and frees: one journey for the marked datagram" run entry 42001
f=$TRACE_DIR/entry.funcs
check "it starts at its drop ($(head -1 "$f" 2>/dev/null)), reason NO_SOCKET" \
	sh -c "[ \"\$(head -1 '$f')\" = skb:kfree_skb ] &&
		jq -e 'select(.type == \"drop\") | .reason == \"NO_SOCKET\"' '$TRACE_DIR/entry.json' >/dev/null"
check "no probe between the mark and the drop (no judge) shows it" sh -c "! grep -qE '$between' '$f'"

check "judged everywhere (--filter-everywhere): one journey for the marked datagram" \
	run everywhere 42002 --filter-everywhere
f=$TRACE_DIR/everywhere.funcs
check "it starts at a probe between the mark and the drop ($(head -1 "$f" 2>/dev/null)), then is dropped" \
	sh -c "head -1 '$f' | grep -qE '$between' && grep -qx skb:kfree_skb '$f'"

#!/usr/bin/env bash
# Inside a tests/vm/run guest (real kprobes): the automatic backend choice, more than 1,000 functions
# attached, and function-level journeys for UDP, IPv6 and TCP between two namespaces, with the
# namespace filter keeping other traffic out; everything detached at the end.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
TRACE_WAIT=300

if [ -z "${VM_KERNEL:-}" ]; then
	skip "function-level journeys on real kernels" "runs inside a tests/vm/run guest"
	exit 0
fi
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
# A second pair the filter must keep out.
ip netns add "skbt-c-$$" && ip netns add "skbt-d-$$"
EXTRA_CLEANUP="trace_cleanup; ip netns del skbt-c-$$; ip netns del skbt-d-$$"
ip link add veth_c netns "skbt-c-$$" type veth peer name veth_d netns "skbt-d-$$"
ip -n "skbt-c-$$" addr add 10.78.0.1/24 dev veth_c
ip -n "skbt-d-$$" addr add 10.78.0.2/24 dev veth_d
ip -n "skbt-c-$$" link set veth_c up
ip -n "skbt-d-$$" link set veth_d up

# Every skb function the kernel lets us probe, not only the important ones. On 6.1 each kprobe is
# a link of its own, whose attach and detach cost tens of ms under QEMU: 1,050 keep the suite short.
max=0
[ "$VM_KERNEL" = 6.1 ] && max=1050
printf 'trace:\n  max_functions: %s\n  max_priority: unknown\n' "$max" >"$TRACE_DIR/all.yaml"
trace_start all --stream --format json --config "$TRACE_DIR/all.yaml" --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "[$VM_KERNEL] skbtop starts with every function"; exit 1; }
err=$TRACE_ERR out=$TRACE_OUT
sed -n 's/^skbtop: //p' "$err" | sed 's/^/# /'
case $VM_KERNEL in
6.1) want='^skbtop: backend kprobe \(kernel has no kprobe.multi \(EOPNOTSUPP\)\)$' ;;
*) want='^skbtop: backend kprobe.multi \(best the kernel offers\)$' ;;
esac
check "auto picks the best backend of $VM_KERNEL and says why ($(grep -o 'backend .*' "$err" | head -1))" \
	grep -qE "$want" "$err"
attached=$(sed -nE 's/^skbtop: functions: ([0-9]+) attached.*/\1/p' "$err")
check "more than 1,000 functions attach (${attached:-none})" test "${attached:-0}" -gt 1000
check "attach and load durations are printed" grep -qE '^skbtop: load [0-9.]+ ms, attach [0-9.]+ ms$' "$err"

ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --src-port 40000 --size 50
ip netns exec "$NS_A" sendpkt udp fd77::2 9999 --src-port 40006 --size 40
ip netns exec "$NS_B" sendpkt listen tcp 8080 --timeout 20 >"$TRACE_DIR/listen" 2>&1 &
for _ in $(seq 100); do grep -q '^listening' "$TRACE_DIR/listen" && break; sleep 0.1; done
ip netns exec "$NS_A" sendpkt tcp 10.77.0.2 8080 --count 2 --size 1000
wait $!
ip netns exec "skbt-c-$$" sendpkt udp 10.78.0.2 9999 --src-port 40009
sleep 2
mine=$(held_links "$TRACE_PID")
trace_stop INT
check "SIGINT stops skbtop with status 0" test "$TRACE_RC" -eq 0
grep -E '^skbtop: (detached|kernel)' "$err" | sed 's/^/# /'
left=$(links_left "$mine")
check "none of its $(echo "$mine" | grep -c .) links is left after exit${left:+ (left: $left)}" test -z "$left"

# order FILE NAME...: each NAME occurs in FILE's func column, in this order.
order() {
	local f=$1 prev=0 n fn
	shift
	for fn; do
		n=$(awk -v want="$fn" -v after="$prev" 'NR > after && $0 == want { print NR; exit }' "$f")
		[ -n "$n" ] || return 1
		prev=$n
	done
}
# journey NAME JQ_ADDRS JQ_TUPLE: the only journey whose first addresses are JQ_ADDRS and that
# shows the whole JQ_TUPLE (ports are 0 until the transport header is written); its functions in
# $TRACE_DIR/NAME.funcs.
journey() {
	local ids
	ids=$(sort <(first_ids "$out" "$2") <(ids_of "$out" "$3") | uniq -d)
	if [ "$(echo "$ids" | grep -c .)" -ne 1 ]; then
		for i in $ids; do
			echo "# journey $i: $(jq -r "select(.id == $i) | .func" "$out" | tr '\n' ' ' | head -c 1500)"
		done
		return 1
	fi
	jq -c "select(.id == $ids)" "$out" >"$TRACE_DIR/$1.json"
	jq -r '.func' "$TRACE_DIR/$1.json" >"$TRACE_DIR/$1.funcs"
}

a4='.proto == "udp" and .src == "10.77.0.1" and .dst == "10.77.0.2"'
t4="$a4"' and .sport == 40000 and .dport == 9999'
check "one journey for the UDP datagram 10.77.0.1:40000 → 10.77.0.2:9999" journey udp4 "$a4" "$t4"
f=$TRACE_DIR/udp4.funcs
echo "# udp4: $(grep -c . "$f") events: $(grep -v : "$f" | head -40 | tr '\n' ' ')"
check "it passes ip_rcv, ip_local_deliver and __udp4_lib_rcv in that order, then is dropped" \
	order "$f" ip_rcv ip_local_deliver __udp4_lib_rcv skb:kfree_skb
check "its drop reason is NO_SOCKET" any_event "$TRACE_DIR/udp4.json" '.type == "drop" and .reason == "NO_SOCKET"'
check "its first functions are the sender's (udp_send_skb or ip_send_skb before dev_queue_xmit)" \
	sh -c "grep -qE '^(udp_send_skb|ip_send_skb|ip_output)$' '$f' && grep -qE 'dev_queue_xmit' '$f'"

a6='.family == "IPv6" and .proto == "udp" and .src == "fd77::1" and .dst == "fd77::2"'
t6="$a6"' and .sport == 40006 and .dport == 9999'
check "one journey for the IPv6 datagram [fd77::1]:40006 → [fd77::2]:9999" journey udp6 "$a6" "$t6"
f=$TRACE_DIR/udp6.funcs
echo "# udp6: $(grep -v : "$f" | head -40 | tr '\n' ' ')"
check "it passes ipv6_rcv, ip6_input and __udp6_lib_rcv in that order, then is dropped" \
	order "$f" ipv6_rcv ip6_input __udp6_lib_rcv skb:kfree_skb
check "every event of it with addresses carries the IPv6 addresses" \
	sh -c "jq -s -e 'all(.[] | select(.src != null); $a6)' '$TRACE_DIR/udp6.json' >/dev/null"

data='.proto == "tcp" and .dport == 8080 and .dst == "10.77.0.2"'
check "the TCP data reaches tcp_v4_rcv" any_event "$out" "($data) and .func == \"tcp_v4_rcv\""
check "no TCP packet towards the listener is dropped" \
	sh -c "! jq -s -e 'any(.[]; ($data) and .type == \"drop\")' '$out' >/dev/null"
jq -c "select(($data) and .type == \"drop\") | {id, func, reason, location, sport, flags}" "$out" |
	head -3 | sed 's/^/# dropped: /'
check "the data is copied to the reader (skb_copy_datagram_iovec)" \
	any_event "$out" "($data) and .func == \"skb:skb_copy_datagram_iovec\""
check "traffic of another namespace pair makes no journey (--filter-netns)" \
	sh -c "! jq -s -e 'any(.[]; .src == \"10.78.0.1\" or .dst == \"10.78.0.1\")' '$out' >/dev/null"

# TCP transmits a clone of each segment it keeps for retransmission: the clone's journey is linked.
clones=$(jq -r 'select(.type == "clone") | .clone' "$out" | sort -un | tr '\n' ' ')
rcv=$(jq -r "select(($data) and .func == \"tcp_v4_rcv\") | .id" "$out" | sort -un | tr '\n' ' ')
linked=$(for c in $clones; do for r in $rcv; do [ "$c" = "$r" ] && echo "$c"; done; done | head -1)
check "a TCP segment that reached tcp_v4_rcv is a clone linked to its parent (clones: $clones; received: $rcv)" \
	test -n "$linked"

#!/usr/bin/env bash
# One UDP datagram from A to B through a router R, with no neighbour resolved yet, is one journey
# on the tracepoints-only backend: the clone neigh_probe() makes of it on each hop for the ARP
# solicitation, consumed at once, is not a packet of its own. The datagram still has its whole
# journey (sender, router, receiver).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "a neighbour probe's clone is not a journey"
ns_router || { not_ok "three namespaces could be made"; exit 1; }
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen udp 9555 --timeout 10 >/dev/null 2>&1 &
listener=$!
trace_start nc --stream --format json || { not_ok "skbtop starts"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.92.0.2 9555 --src-port 40555 --timeout 1 >/dev/null 2>&1
sleep 1
trace_stop
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
check "skbtop exits 0" test "$TRACE_RC" = 0

tuple='.sport == 40555 and .dport == 9555'
ids=$(ids_of "$TRACE_OUT" "$tuple" | paste -sd' ')
for i in $ids; do
	echo "# journey $i: $(jq -r "select(.id == $i) | \"\(.func)@\(.ifname)\"" "$TRACE_OUT" | paste -sd' ')"
done
check "one datagram whose neighbours ARP resolves is one journey (journeys: ${ids:-none})" \
	test "$(wc -w <<<"$ids")" = 1
check "no journey of that tuple is a lone consume_skb" \
	test "$(jq -s -r "map(select(.id != null and $tuple)) | group_by(.id) |
		map(select(length == 1 and .[0].type == \"consume\")) | length" "$TRACE_OUT")" = 0
seen() { any_event "$TRACE_OUT" "$tuple and .netns == $(netns_inode "$1") and .func == \"$2\""; }
check "the journey leaves the sender" seen "$NS_A" net:net_dev_queue
check "it crosses the router" seen "$NS_R" net:net_dev_queue
check "it reaches the receiver" seen "$NS_B" net:netif_receive_skb
exit 0

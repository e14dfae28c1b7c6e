#!/usr/bin/env bash
# A TCP connection with data to an open port: its packets' journeys end delivered or consumed,
# none dropped, and the data reaches the reading socket.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "a TCP connection is followed"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

trace_start tcp --stream --format json --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts and attaches"; exit 1; }
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen tcp 8080 --timeout 10 >"$TRACE_DIR/listen" 2>&1 &
lpid=$!
for _ in $(seq 50); do grep -q '^listening' "$TRACE_DIR/listen" && break; sleep 0.1; done
ip netns exec "$NS_A" "$TOOLS/sendpkt" tcp 10.77.0.2 8080 --count 3 --size 1000
wait "$lpid"
sleep 1
trace_stop INT
out=$TRACE_OUT
check "the listener got the 3000 bytes" grep -q '^tcp 10.77.0.1:[0-9]* 3000 bytes' "$TRACE_DIR/listen"

flow='.proto == "tcp" and ((.dport == 8080 and .dst == "10.77.0.2") or (.sport == 8080 and .src == "10.77.0.2"))'
ids=$(ids_of "$out" "$flow")
n=$(echo "$ids" | grep -c .)
check "the connection's packets make journeys ($n)" test "$n" -ge 6
fates=$(jq -r "select($flow) | select(.fate != null) | .fate" "$out" | sort | uniq -c | tr -s ' ' | tr '\n' ',')
# The sender's close may purge the peer's FIN from its receive queue (QUEUE_PURGE): a real drop,
# but not of the data, so only the packets towards the listener must never be dropped.
data='.proto == "tcp" and .dport == 8080 and .dst == "10.77.0.2"'
check "no packet towards the listener is dropped (fates:$fates)" \
	sh -c "! jq -s -e 'any(.[]; ($data) and .type == \"drop\")' '$out' >/dev/null"
check "journeys of the connection end delivered or consumed (fates:$fates)" \
	any_event "$out" "($flow) and (.fate == \"delivered\" or .fate == \"consumed\")"
check "the data reaches the reading socket (skb:skb_copy_datagram_iovec on a data packet)" \
	any_event "$out" "($data) and .func == \"skb:skb_copy_datagram_iovec\""
check "one journey follows a packet from the sender's device to the receiver's" \
	sh -c "jq -c 'select(($data) and .ifname != null) | [.id, .ifname]' '$out' | sort -u | awk -F, '{ print \$1 }' | uniq -d | grep -q ."

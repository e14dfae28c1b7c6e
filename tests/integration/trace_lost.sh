#!/usr/bin/env bash
# A deliberately tiny ring buffer and a burst of traffic: events are lost, and the loss is counted
# and printed; every event the kernel did send is accounted for in user space. Then a stop while
# the traffic still flows: what the probes sent up to the end is still read.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "lost events are counted"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

trace_start lost --stream --ringbuf-kb 4 --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts with a 4 KiB ring buffer"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count 3000 --size 20
sleep 1
trace_stop INT
lost=$(awk '/^lost \(kernel\)/ { print $3 }' "$TRACE_OUT")
events=$(awk '$1 == "events" && NF == 2 { print $2 }' "$TRACE_OUT")
check "the statistics block prints a non-zero kernel loss (${lost:-none} lost, ${events:-?} received)" \
	test "${lost:-0}" -gt 0
line=$(grep '^skbtop: kernel:' "$TRACE_ERR")
sent=$(echo "$line" | sed -E 's/.*kernel: ([0-9]+) events sent.*/\1/')
klost=$(echo "$line" | sed -E 's/.* ([0-9]+) lost \(ring buffer full\).*/\1/')
qlost=$(echo "$line" | sed -E 's/.* ([0-9]+) lost \(queue full\).*/\1/')
bad=$(echo "$line" | sed -E 's/.* ([0-9]+) refused$/\1/')
check "the exit summary and the statistics agree on the kernel loss ($klost = $lost)" \
	test "$klost" = "$lost"
check "every event the kernel sent arrived or is counted ($sent = $events + $qlost + $bad)" \
	test "$sent" -eq $((events + qlost + bad))
lines=$(grep -c '^\[' "$TRACE_OUT")
check "each received event was printed as a line ($lines lines, $events events)" \
	test "$lines" -eq "$events"

# sent_received: "SENT RECEIVED+QLOST+BAD" of the last stop.
sent_received() {
	local line events
	line=$(grep '^skbtop: kernel:' "$TRACE_ERR")
	events=$(awk '$1 == "events" && NF == 2 { print $2 }' "$TRACE_OUT")
	echo "$(echo "$line" | sed -E 's/.*kernel: ([0-9]+) events sent.*/\1/')" \
		$((events + $(echo "$line" | sed -E 's/.* ([0-9]+) lost \(queue full\).*/\1/') + \
			$(echo "$line" | sed -E 's/.* ([0-9]+) refused$/\1/')))
}

trace_start flowing --stream --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count 100000000 --timeout 20 \
	>/dev/null 2>&1 &
sender=$!
sleep 1
trace_stop INT
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null
read -r sent accounted < <(sent_received)
check "stopped while traffic flows, every event sent arrived or is counted ($sent = $accounted)" \
	test "${sent:-0}" -gt 0 -a "$sent" = "$accounted"

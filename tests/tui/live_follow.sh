#!/usr/bin/env bash
# The live screen while packets arrive (root, tracepoint backend here), at 80x24 and 120x36:
# following keeps the newest packet selected, a sort holds as packets come, ARP rows name who
# asks whom, and the header gives the backend's reason once.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root "live UI following"
. tests/tui/tmux.bash

SENDPKT=$BIN/tools/sendpkt
[ -x "$SENDPKT" ] || { skip "live UI following" "build/tools/sendpkt missing (make tools)"; exit 0; }
# The packet the list has selected, as the journey pane's title names it: its number and source.
# Its list row still changes (events, duration, fate) while that packet is in flight.
selected() { screen | grep -oE 'Journey #[0-9]+ [^ ]+' | head -1; }
# Durations of the listed rows in ns, in list order.
durations() {
	screen | sed -n 's/^.*│[▸ ] .* \([0-9.]\+\)\(ns\|µs\|ms\|s\) .*/\1 \2/p' |
		awk '{ m = $2 == "ns" ? 1 : $2 == "µs" ? 1e3 : $2 == "ms" ? 1e6 : 1e9; printf "%d\n", $1 * m }'
}

for size in "80 24" "120 36"; do
	set -- $size
	at="at ${1}x$2"
	ns_pair || { not_ok "$at namespaces for the live test"; continue; }
	ip netns exec "$NS_B" "$SENDPKT" listen udp 7777 --count 100 --timeout 60 >/dev/null 2>&1 &
	listener=$!
	tui_start "$1" "$2" "$SKBTOP" --filter-netns "/run/netns/$NS_B"
	if ! wait_for '▶ live' 20; then
		not_ok "$at skbtop starts live"
		screen | head -5
		kill $listener 2>/dev/null
		EXTRA_CLEANUP= ns_cleanup
		continue
	fi
	line1=$(screen | sed -n 1p)
	why=$(sed -n 's/.* failed: //p' <<<"$line1" | cut -c1-20)
	if [ -n "$why" ]; then
		check "$at the header says the backend's reason once ($why...)" \
			test "$(screen | head -2 | grep -cF -- "$why")" = 1
	else
		skip "$at the header says the backend's reason once" "the first line is cut before the reason at this width"
	fi
	check "$at the live list follows from the start, and says so" has 'live, following'

	# The first packet to 10.77.0.2 asks for its address: ARP, sender and target shown.
	ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 7777 --src-port 41000 >/dev/null
	keys / ARP Enter
	check "$at ARP rows name their sender and target addresses" \
		wait_for 'ARP +10\.77\.0\.[12] +10\.77\.0\.[12] ' 10
	keys Escape

	# Only the packets to port 7777 are listed: the newest of them stays selected.
	keys / 7777 Enter
	wait_for 'filter: search=7777' 3
	keys Home
	wait_gone 'following' 3
	keys F
	check "$at F follows again" wait_for 'following' 3
	missed=""
	for i in 1 2 3 4; do
		ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 7777 --src-port $((41000 + i)) >/dev/null
		wait_for "▸.*:$((41000 + i)) " 5 || missed="$missed $((41000 + i))"
	done
	check "$at following keeps the newest packet selected as packets arrive${missed:+ (missed:$missed)}" \
		test -z "$missed"
	keys Up
	check "$at a move leaves following" wait_gone 'following' 3
	before=$(selected)
	ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 7777 --src-port 41010 >/dev/null
	wait_for ':41010 ' 5
	after=$(selected)
	check "$at not following, the selection stays where it was${before:+ ($before)}" test -n "$before" -a "$after" = "$before"
	[ "$after" = "$before" ] || printf "# before: %s\n# after:  %s\n" "$before" "$after"

	# Sorted by duration, the order holds while packets arrive.
	keys '>' Down Enter
	wait_for 'by duration' 3
	for i in 1 2 3; do
		ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 7777 --src-port $((41020 + i)) >/dev/null
	done
	wait_for ':41023 ' 5
	sleep 0.5
	check "$at the title still says by duration after packets arrived" has 'by duration'
	# At 80 columns the duration column gives way to the addresses.
	if [ "$1" -ge 120 ]; then
		d=$(durations)
		check "$at the sort holds as packets arrive: the longest first ($(wc -l <<<"$d") rows)" \
			bash -c '[ "$(sort -rn <<<"$1")" = "$1" ] && [ "$(wc -l <<<"$1")" -ge 5 ]' _ "$d"
	fi
	keys q
	check "$at q quits with status 0" wait_for '^EXIT=0' 10
	kill $listener 2>/dev/null
	wait $listener 2>/dev/null
	EXTRA_CLEANUP= ns_cleanup
	trap tui_cleanup EXIT
done

# shellcheck shell=bash
# The oracle's packets, shared by the guests' scenario and the host's netlink test. Needs NS_A and
# NS_B (tests/lib.sh ns_pair) and SENDPKT (default: sendpkt on PATH).

# stop_bg PID [SIGNAL]: a background job of a script ignores SIGINT unless it handles it itself.
stop_bg() {
	kill -"${2:-INT}" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# send_corpus MONITOR_OUT: loads each ruleset of tests/nft/rulesets/oracle-*.nft, sends its packets
# (each with a source port of its own, from 40001 up) under `nft -a monitor trace` (started after
# the load: nft prints the text and handle of rules only from its own cache), and removes it.
send_corpus() {
	local f proto addr port mon sport=40000
	: >"$1"
	for f in tests/nft/rulesets/oracle-*.nft; do
		ip netns exec "$NS_B" nft -f "$f" || { not_ok "$f loads"; continue; }
		ip netns exec "$NS_B" nft -a monitor trace >>"$1" 2>&1 &
		mon=$!
		sleep 1
		while read -r _ proto addr port; do
			sport=$((sport + 1))
			ip netns exec "$NS_A" "${SENDPKT:-sendpkt}" "$proto" "$addr" "$port" \
				--src-port $sport --timeout 1 >/dev/null 2>&1
		done < <(grep '^#send ' "$f")
		sleep 1
		stop_bg $mon TERM
		grep -E '^table ' "$f" | while read -r _ fam name _; do
			ip netns exec "$NS_B" nft delete table "$fam" "$name"
		done
	done
}

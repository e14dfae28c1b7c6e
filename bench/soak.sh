#!/usr/bin/env bash
# Soak: the screen open in tmux for SOAK_SECONDS (default 600) with loopback traffic, while a
# network namespace is created, sends a few packets and is destroyed every second. Samples the RSS
# every 10 s; after the first minute every sample must stay within 10 % of the one at 60 s, and
# the messages skbtop holds while the screen is open (printed when it closes) must not grow with
# the namespaces made.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
SOAK_SECONDS=${SOAK_SECONDS:-600}
if [ "$(id -u)" -ne 0 ] || [ ! -x "$SKBTOP" ] || [ ! -x "$TOOLS/sendpkt" ] || ! command -v tmux >/dev/null; then
	echo "soak: skipped (needs root, $SKBTOP, $TOOLS/sendpkt and tmux)"
	exit 0
fi
. tests/tui/tmux.bash
work=$(mktemp -d)
cfg=$work/skbtop.yaml err=$work/stderr
# A store that reaches its full size within the minute: each slot keeps the event array it grew
# to, so with the defaults (20,000 packets, up to 256 events each) the RSS climbs in steps for
# a long while before it is bounded, which is not what this measures.
printf 'store:\n  max_packets: 2000\n  max_events_per_packet: 16\n' >"$cfg"
churn_pid= traffic_pid=
soak_cleanup() {
	[ -n "$churn_pid" ] && kill "$churn_pid" 2>/dev/null
	[ -n "$traffic_pid" ] && kill "$traffic_pid" 2>/dev/null
	wait 2>/dev/null
	for ns in $(ip netns list | awk '/^skbtop-soak-/ { print $1 }'); do ip netns del "$ns"; done
	tui_cleanup
	rm -rf "$work"
}
trap soak_cleanup EXIT

tui_start 120 40 sh -c "exec '$SKBTOP' -c '$cfg' 2>'$err'"
if ! wait_for '▶ live' 30; then
	echo "soak: FAILED: the screen did not open"
	screen | head -5
	exit 1
fi
pid=$(cat "$TUI_RC/pid")
# What the screen loads once, on first need, is loaded within the minute: opening a dropped packet
# reads /proc/kallsyms (~8 MB here) to name where it was dropped.
warm_up() {
	sleep 15
	keys /
	keys NO_SOCKET Enter
	sleep 2
	keys Enter
	sleep 3
	keys Escape
	sleep 1
	keys Escape
}

# Loopback traffic: 100 UDP datagrams a second to a port nobody listens on (each one dropped).
"$TOOLS/sendpkt" udp 127.0.0.1 9 --count $((SOAK_SECONDS * 100 + 1000)) --interval 10 >/dev/null 2>&1 &
traffic_pid=$!
# Namespace churn: one a second, each sending a few packets over its loopback, then gone.
(
	i=0
	while :; do
		ns=skbtop-soak-$$-$i
		ip netns add "$ns" && ip -n "$ns" link set lo up &&
			ip netns exec "$ns" "$TOOLS/sendpkt" udp 127.0.0.1 9 --count 3 >/dev/null 2>&1
		ip netns del "$ns" 2>/dev/null
		i=$((i + 1))
		sleep 1
	done
) &
churn_pid=$!

warm_up &
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null; }
t0=$SECONDS
curve=() ref= worst=0 status=0
while [ $((SECONDS - t0)) -lt "$SOAK_SECONDS" ]; do
	sleep 10
	t=$((SECONDS - t0))
	r=$(rss)
	if [ -z "$r" ]; then
		echo "soak: FAILED: skbtop exited after $t s"
		status=1
		break
	fi
	curve+=("${t}s:${r}")
	if [ "$t" -ge 60 ] && [ -z "$ref" ]; then
		ref=$r
	elif [ -n "$ref" ]; then
		d=$(((r - ref) * 1000 / ref))
		[ "${d#-}" -gt "$worst" ] && worst=${d#-}
	fi
done
kill "$churn_pid" "$traffic_pid" 2>/dev/null
wait "$churn_pid" "$traffic_pid" 2>/dev/null
churn_pid= traffic_pid=
made=$(((SECONDS - t0)))
keys q
wait_for '^EXIT=' 15 >/dev/null
exit_line=$(screen | grep -m1 '^EXIT=')
log_lines=$(wc -l <"$err")

echo "soak: ${SOAK_SECONDS} s, screen open, 100 loopback datagrams/s, ~${made} namespaces made and destroyed"
echo "soak: RSS (KiB) every 10 s: ${curve[*]}"
echo "soak: after 60 s the RSS stays within $((worst / 10)).$((worst % 10)) % of ${ref:-?} KiB (goal: 10 %)"
echo "soak: skbtop printed $log_lines log lines when the screen closed (goal: not one per namespace), ${exit_line:-no exit status}"
sed 's/^/soak:   | /' "$err" | head -10
[ -n "$ref" ] && [ "$worst" -le 100 ] || status=1
[ "$log_lines" -lt $((made / 10 + 5)) ] || status=1
[ "$exit_line" = "EXIT=0" ] || status=1
[ "$status" -eq 0 ] && echo "soak: goals met" || echo "soak: goals NOT met"
exit "$status"

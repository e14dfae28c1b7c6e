#!/usr/bin/env bash
# Folded stacks (`replay --folded`, `--folded` live): one well-formed line per distinct path, and
# the weights of a session add up to its journeys' durations, for the saved sessions of
# tests/data and for a live trace of a datagram dropped on purpose.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
if [ ! -x "$SKBTOP" ] || ! command -v jq >/dev/null; then
	skip "folded stacks are checked" "needs $SKBTOP and jq"
	exit 0
fi

# well_formed FILE: every line is FRAME;FRAME;... WEIGHT, no path twice.
well_formed() {
	! grep -vqE '^[^; ]+(;[^; ]+)* [0-9]+$' "$1" &&
		[ "$(cut -d' ' -f1 "$1" | sort | uniq -d | wc -l)" -eq 0 ]
}
weights() { awk '{ s += $NF } END { print s + 0 }' "$1"; }
durations() { jq '[.packets[].duration_ns] | add // 0' "$1"; }

for s in tests/data/session-*.json; do
	f=$TRACE_DIR/$(basename "$s" .json).folded
	"$SKBTOP" replay "$s" --folded "$f" 2>"$TRACE_DIR/err"
	check "replay $(basename "$s") --folded writes a file and exits 0 without a screen" \
		test $? -eq 0 -a -s "$f"
	check "its $(wc -l <"$f") lines are FRAME;...;FRAME WEIGHT, one per distinct path" well_formed "$f"
	check "its weights ($(weights "$f") ns) add up to the journeys' durations ($(durations "$s") ns)" \
		test "$(weights "$f")" = "$(durations "$s")"
done
s=tests/data/session-vm.json
check "each line starts with the first layer a packet met and ends with a function or tracepoint" \
	grep -qE '^(Device|Xmit|IPv4|IPv6|Socket|TCP|UDP|Skb|NFT|Unknown)(;[^; ]+)*;(skb|net|[a-z_0-9]+)[^; ]* [0-9]+$' \
	"$TRACE_DIR/session-vm.folded"
"$SKBTOP" replay "$s" --folded - >"$TRACE_DIR/stdout.folded"
check "--folded - writes the same lines to stdout" cmp -s "$TRACE_DIR/stdout.folded" "$TRACE_DIR/session-vm.folded"
"$SKBTOP" replay "$s" --folded /nonexistent/dir/x.folded 2>"$TRACE_DIR/err"
rc=$?
check "an unwritable --folded file fails with one line naming it ($(cat "$TRACE_DIR/err"))" \
	sh -c "[ $rc -eq 1 ] && [ \$(grep -c . '$TRACE_DIR/err') -eq 1 ] && grep -q '/nonexistent/dir/x.folded' '$TRACE_DIR/err'"

need_root "a live trace's folded stacks are checked"
[ -x "$TOOLS/sendpkt" ] || { skip "a live trace's folded stacks are checked" "needs $TOOLS/sendpkt"; exit 0; }
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
trace_start live --stream --format json --filter-netns "/run/netns/$NS_A" \
	--folded "$TRACE_DIR/live.folded" -o "$TRACE_DIR/live.json" ||
	{ not_ok "skbtop starts with --folded"; exit 1; }
for p in 41000 41001 41002; do
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port $p --size 50
done
sleep 1
trace_stop INT
check "skbtop --folded exits 0" test "$TRACE_RC" -eq 0
f=$TRACE_DIR/live.folded
check "the live file's lines are well formed" well_formed "$f"
check "the datagrams' time from the receiver's netif_receive_skb to their drop has a path from the sender's queue" \
	grep -qE '^Xmit;(.*;)?Device;net:netif_receive_skb [1-9][0-9]*$' "$f"
check "the live weights ($(weights "$f") ns) add up to the saved journeys' durations ($(durations "$TRACE_DIR/live.json") ns)" \
	test "$(weights "$f")" = "$(durations "$TRACE_DIR/live.json")" -a "$(weights "$f")" -gt 0

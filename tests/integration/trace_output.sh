#!/usr/bin/env bash
# --output: at exit the session is saved as JSON (mode 0600, no temporary left behind) that parses,
# and its packets are exactly the journeys the stream printed, event for event.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "--output saves the session"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
mkdir "$TRACE_DIR/save"
file=$TRACE_DIR/save/session.json
jqf() { jq -e "$1" "$2" >/dev/null; }

trace_start out --stream --format json --filter-netns "/run/netns/$NS_A" --output "$file" ||
	{ not_ok "skbtop starts with --output"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40000 --size 50
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp fd77::2 9999 --src-port 40001 --size 50
sleep 1
trace_stop INT
check "skbtop exits 0 after saving" test "$TRACE_RC" -eq 0
check "the session file exists with mode 0600" test "$(stat -c %a "$file" 2>/dev/null)" = 600
check "no temporary file is left beside it ($(ls "$TRACE_DIR/save" | tr '\n' ' '))" \
	test "$(ls "$TRACE_DIR/save" | wc -l)" -eq 1
check "the file parses as a versioned skbtop session" \
	jqf '.format == "skbtop-session" and (.version | type == "number") and (.packets | type == "array")' "$file"

# One line per journey: id, tuple and the functions of its events in order.
jq -r 'select(.id != null and .type != null) | [.id, .func] | @tsv' "$TRACE_OUT" |
	awk -F'\t' '{ f[$1] = f[$1] " " $2 } END { for (i in f) print i f[i] }' | sort -n >"$TRACE_DIR/stream.j"
jq -r '.packets[] | "\(.id) \([.events[].func] | join(" "))"' "$file" | sort -n >"$TRACE_DIR/file.j"
n=$(grep -c . "$TRACE_DIR/stream.j")
check "the file holds the same $n journeys as the stream, with the same events in the same order" \
	sh -c "[ $n -gt 0 ] && diff '$TRACE_DIR/stream.j' '$TRACE_DIR/file.j' >&2"
check "the UDP packet's saved journey has its tuple, fate and drop reason" \
	jqf '[.packets[] | select(.tuple.sport == 40000 and .tuple.dst == "10.77.0.2")] | length == 1 and
		.[0].fate == "dropped" and .[0].drop_reason == "NO_SOCKET"' "$file"
check "the IPv6 packet's saved journey has its tuple" \
	jqf 'any(.packets[]; .tuple.family == "IPv6" and .tuple.src == "fd77::1" and .tuple.sport == 40001)' "$file"
check "the saved statistics agree with the stream's (events)" \
	test "$(jq .stats.events "$file")" = "$(jq -r 'select(.stats) | .stats.events' "$TRACE_OUT")"

"$SKBTOP" --stream --output /nonexistent-dir/s.json --duration 1 >/dev/null 2>"$TRACE_DIR/bad.err"
rc=$?
check "an --output that cannot be written is refused before tracing (status $rc), naming the file" \
	sh -c "[ $rc -eq 2 ] && grep -q '^skbtop: .*/nonexistent-dir/s.json' '$TRACE_DIR/bad.err' &&
		! grep -q '^skbtop: load' '$TRACE_DIR/bad.err'"

#!/usr/bin/env bash
# The screen's save ('s') of a packet that has captured bytes (a session saved with -w and -o)
# writes a .pcapng beside the .json and .txt, which tshark reads with the packet's journey as its
# comment.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root "the screen saves a packet's bytes as pcapng"
. tests/tui/tmux.bash
. tests/integration/trace_lib.bash
EXTRA_CLEANUP="tui_cleanup; trace_cleanup"
if ! command -v tshark >/dev/null || [ ! -x "$TOOLS/sendpkt" ]; then
	skip "the screen saves a packet's bytes as pcapng" "needs tshark and sendpkt (make test-deps tools)"
	exit 0
fi
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
trace_start s --stream --filter-netns "/run/netns/$NS_A" -w "$TRACE_DIR/live.pcapng" \
	-o "$TRACE_DIR/session.json" udp || { not_ok "skbtop -w -o starts"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40400 --size 50
sleep 1
trace_stop INT
mkdir "$TRACE_DIR/save"
(cd "$TRACE_DIR/save" && tui_start 120 36 "$SKBTOP" replay "$TRACE_DIR/session.json")
wait_for 'Packets \(' 10 || { not_ok "the session opens in the screen"; screen | head -5; exit 1; }
keys s
wait_for 'save to: skbtop-' 3
proposed=$(screen | grep -oE 'save to: [^ ]+\.json' | sed 's/save to: //')
keys Enter
wait_for "saved packet #" 5
pcap=${proposed%.json}.pcapng
# The line is longer than the screen: its start says there were three files.
check "the status line reports three files: $(screen | grep -o 'saved packet.*' | cut -c1-60)..." \
	has "to $proposed, "
check "the .pcapng is private (mode 600)" test "$(stat -c %a "$TRACE_DIR/save/$pcap" 2>/dev/null)" = 600
tshark -r "$TRACE_DIR/save/$pcap" -T fields -E separator='|' -e ip.src -e udp.srcport -e frame.interface_name \
	-e frame.comment 2>/dev/null >"$TRACE_DIR/fields"
sed 's/^/# /' "$TRACE_DIR/fields"
check "tshark reads the datagram and its journey from it" \
	grep -qE '^10\.77\.0\.1\|40400\|veth_a\|skbtop packet [0-9]+: dropped NO_SOCKET' "$TRACE_DIR/fields"
keys q

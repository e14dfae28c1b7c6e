#!/usr/bin/env bash
# --metrics with the screen: /metrics answers while the screen runs and counts the drops of the
# datagrams sent to a closed port, and the screen stays whole (the HTTP thread prints nothing on it).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root "/metrics beside the screen"
. tests/tui/tmux.bash

command -v curl >/dev/null || { skip "/metrics beside the screen" "needs curl"; exit 0; }
ns_pair || { not_ok "namespaces for the metrics test"; exit 1; }
SENDPKT=$BIN/tools/sendpkt
[ -x "$SENDPKT" ] || { skip "/metrics beside the screen" "build/tools/sendpkt missing (make tools)"; exit 0; }
port=$(shuf -i 20000-45000 -n 1)
tui_start 100 30 "$SKBTOP" --metrics "$port" --filter-netns "/run/netns/$NS_B" udp
wait_for '▶ live' 20 || { not_ok "skbtop starts live with --metrics"; screen | head -3; exit 1; }
ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 7777 --count 20 --interval 5 >/dev/null
v=
for _ in $(seq 30); do
	v=$(curl -sf "http://127.0.0.1:$port/metrics" | sed -n 's/^skbtop_drops_total{reason="NO_SOCKET"} //p')
	[ "${v:-0}" -ge 20 ] && break
	sleep 0.2
done
check "/metrics counts the 20 datagrams dropped at the closed port while the screen runs ($v)" \
	test "${v:-0}" -ge 20
check "the screen's header is intact" has_re '^ skbtop '
keys q
check "quitting says how many requests /metrics answered" wait_for '^skbtop: metrics: [1-9][0-9]* requests answered' 10

#!/usr/bin/env bash
# The tracer's cost in the header, live on this host: at 80x24 its short form beside the counts;
# wider, the BPF time per run and runs per second while packets flow, refreshed as it runs; without
# CAP_SYS_ADMIN the header says the BPF part is unavailable and why; a replay (no BPF, not root)
# shows no cost at all.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root "the cost in the header"
. tests/tui/tmux.bash

ns_pair || { not_ok "namespaces for the cost test"; exit 1; }
SENDPKT=$BIN/tools/sendpkt
[ -x "$SENDPKT" ] || { skip "the cost in the header" "build/tools/sendpkt missing (make tools)"; exit 0; }
SETPRIV=$(command -v setpriv)
# 600 datagrams to a closed port of the second namespace, over 3 s.
traffic() { ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 7777 --count 600 --interval 5 >/dev/null; }
line2() { screen | sed -n 2p; }
line2_has() { line2 | grep -qE -- "$1"; }
cost_now() { line2 | sed -n 's/.*\(cost .*\)  packets .*/\1/p'; }
quit() {
	keys q
	wait_for '^EXIT=0' 10
}
# start COLS ROWS [PREFIX...]: skbtop live on the second namespace's UDP, ready or false.
start() {
	local cols=$1 rows=$2
	shift 2
	tui_start "$cols" "$rows" "$@" "$SKBTOP" --filter-netns "/run/netns/$NS_B" udp
	wait_for '▶ live' 20
}

if ! start 80 24; then
	not_ok "skbtop starts live at 80x24"
	screen | head -3
	exit 1
fi
check "at 80x24 the header's second line shows the cost as a share of one CPU" \
	wait_for '^ [0-9.]+k? ev/s  cost [0-9.]+% cpu  packets ' 5
check "at 80x24 the counts still fit beside it ($(line2 | sed 's/ *$//'))" \
	line2_has 'packets [0-9,]+ \(held [0-9,]+\)  lost [0-9,]+  evicted [0-9,]+'
quit
check "after quitting, the session's cost is said on the terminal" \
	wait_for '^skbtop: cost: cpu_pct [0-9.]+ bpf_cpu_pct [0-9.]+ bpf_ns_per_run [0-9]+ ' 5

# The trace filter names the namespace's path, about 45 columns: the cost's detail waits for room.
start 150 30 || { not_ok "skbtop starts live at 150x30"; exit 1; }
check "at 150 columns the cost is split into BPF and process, the trace filter whole" \
	wait_for '^ [0-9.]+k? ev/s  cost [0-9.]+% cpu: bpf [0-9.]+%, process [0-9.]+%  packets .*  trace: udp, netns /run/netns/[a-z0-9-]+  ' 5
quit

start 200 36 || { not_ok "skbtop starts live at 200x36"; exit 1; }
traffic &
sender=$!
check "while packets flow, the header shows the BPF time per run and the runs per second" \
	wait_for 'cost [0-9.]+% cpu: bpf [0-9.]+% \([1-9][0-9]* ns/run, [1-9][0-9.]*k? runs/s\), process [0-9.]+% \(poller [0-9.]+%\)' 5
first=$(cost_now)
changed() { [ -n "$first" ] && [ -n "$(cost_now)" ] && [ "$(cost_now)" != "$first" ]; }
for _ in $(seq 40); do
	changed && break
	sleep 0.1
done
check "the figure is refreshed while skbtop runs ($first, then $(cost_now))" changed
wait "$sender"
quit

if [ -z "$SETPRIV" ]; then
	skip "live without CAP_SYS_ADMIN" "setpriv missing (util-linux)"
else
	before=$(cat /proc/sys/kernel/bpf_stats_enabled)
	start 240 30 "$SETPRIV" --bounding-set -sys_admin ||
		{ not_ok "skbtop starts live without CAP_SYS_ADMIN"; screen | head -3; }
	if [ "$before" = 0 ]; then
		check "without CAP_SYS_ADMIN the header says the BPF figure is unavailable and why" \
			wait_for 'cost bpf n/a \(kernel BPF stats unavailable: Operation not permitted \(needs CAP_SYS_ADMIN\)\), process [0-9.]+% cpu' 5
		keys q
		wait_for '^EXIT=0' 10
		start 80 24 "$SETPRIV" --bounding-set -sys_admin
		check "at 80x24 it says so in short, the counts still beside it" \
			wait_for '^ [0-9.]+k? ev/s  cost bpf n/a(, process [0-9.]+% cpu)?  packets [0-9,]+ \(held [0-9,]+\)  lost ' 5
	else
		check "without CAP_SYS_ADMIN but with kernel.bpf_stats_enabled=1 the BPF figure is there" \
			wait_for 'cost [0-9.]+% cpu: bpf [0-9.]+%' 5
	fi
	quit
fi

# A replay has no BPF and needs no root: no cost, and no empty place for one.
if [ -z "$SETPRIV" ]; then
	skip "replay as another user" "setpriv missing (util-linux)"
	exit 0
fi
tui_start 80 24 "$SETPRIV" --reuid=65534 --regid=65534 --clear-groups \
	"$SKBTOP" replay "$PWD/tests/data/session-host.json"
if ! wait_for 'Packets \(' 10; then
	not_ok "replay opens as an unprivileged user"
	screen | head -3
	exit 1
fi
# (The checkout's path may well contain the word.)
no_cost() { ! screen | head -2 | sed "s#$PWD##" | grep -qE 'cost|n/a'; }
check "a replay's header shows no cost ($(line2 | sed 's/ *$//'))" no_cost
check "its second line starts with the packets" line2_has '^ packets [0-9,]+ \(held [0-9,]+\)  lost '
quit

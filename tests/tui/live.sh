#!/usr/bin/env bash
# The UI live on this host (root, tracepoint backend here): traffic between two namespaces fills
# the packet list, a packet sent to a closed port shows its drop reason, and after quitting no
# BPF link of skbtop remains.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root "live UI"
. tests/tui/tmux.bash

ns_pair || { not_ok "namespaces for the live test"; exit 1; }
SENDPKT=$BIN/tools/sendpkt
[ -x "$SENDPKT" ] || { skip "live UI" "build/tools/sendpkt missing (make tools)"; exit 0; }

# UDP only: an IPv6 router solicitation of the fresh veths arriving just after `c` would refill
# the list before the check sees it empty.
tui_start 120 36 "$SKBTOP" --filter-netns "/run/netns/$NS_B" udp
if ! wait_for '▶ live' 20; then
	not_ok "skbtop starts live"
	screen | head -5
	exit 1
fi
ok "skbtop starts live"
check "the header names the backend and what was attached" has_re 'backend [a-z.-]+, [0-9]+ fn \+ [1-9][0-9]* tp attached, [0-9]+ failed'
pid=$(tui_pid)
# The BPF links the process holds, from its file descriptors' fdinfo.
links() { grep -h '^link_id:' /proc/"$pid"/fdinfo/* 2>/dev/null | awk '{print $2}'; }
mine=$(links | tr '\n' ' ')
check "skbtop holds BPF links while it runs ($(wc -w <<<"$mine") links)" test -n "$mine"

ip netns exec "$NS_B" "$SENDPKT" listen udp 7777 --count 3 --timeout 10 >/dev/null &
sleep 0.3
ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 7777 --count 3 --interval 20
# Nothing listens on 4444: the UDP layer drops it with NO_SOCKET.
ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 4444 --count 1 --src-port 40404 || true
wait

check "the packet list fills with the namespace traffic" wait_for '10\.77\.0\.1:[0-9]+ +10\.77\.0\.2:7777' 10
check "the packet sent to a closed port shows its drop reason" \
	wait_for '10\.77\.0\.1:40404 +10\.77\.0\.2:4444 .*DROP NO_SOCKET' 10
keys /
keys 40404 Enter
wait_for 'filter: search=40404' 3
keys Enter
check "its journey ends in the drop with the reason and where it happened" \
	wait_for 'kfree_skb +DROP NO_SOCKET at [a-z_0-9.]+' 5
check "its nftables pane says rule verdicts need kprobes on this backend" \
	wait_for 'rule verdicts need' 3
keys Escape Escape
wait_gone 'filter: ' 3

# Space freezes the display while data keeps coming; Space again shows what came meanwhile.
packets_title() { screen | grep -oE 'Packets \([0-9,]+ . [0-9,]+ dropped\)' | head -1; }
keys Space
check "Space pauses: the header says paused" wait_for '⏸ paused' 3
before=$(packets_title)
ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 4444 --count 3 --interval 20 --src-port 40505 || true
sleep 1.5
check "while paused the packet list stays as it was ($before)" test "$(packets_title)" = "$before"
keys Space
title_changed() { [ "$(packets_title)" != "$before" ]; }
for _ in $(seq 50); do
	title_changed && break
	sleep 0.1
done
check "Space resumes: the packets sent meanwhile are counted" title_changed
keys End
check "End follows the newest packets: those sent while paused are there" \
	wait_for '10\.77\.0\.1:40505 ' 5
check "the header says live again" has '▶ live'

keys c
check "c empties the store: the list waits for packets" wait_for 'waiting for packets' 5
check "the packet pane counts zero after c" test "$(packets_title)" = "Packets (0 · 0 dropped)"

keys q
check "q quits the live UI with status 0" wait_for '^EXIT=0' 10
check "the terminal is restored" restored
left=""
for id in $mine; do
	bpftool link show id "$id" >/dev/null 2>&1 && left="$left $id"
done
check "no BPF link of skbtop remains after quitting" test -z "$left"

# The other ways out, live: each must also leave no link and a working terminal.
for how in C-c TERM HUP SEGV; do
	tui_start 100 30 "$SKBTOP" --filter-netns "/run/netns/$NS_B"
	if ! wait_for '▶ live' 20; then
		not_ok "$how: skbtop starts live"
		continue
	fi
	pid=$(tui_pid)
	mine=$(links | tr '\n' ' ')
	case $how in
	C-c) keys C-c ;;
	*) kill -"$how" "$pid" ;;
	esac
	want=0
	[ "$how" = SEGV ] && want=139
	check "live, $how: skbtop ends with status $want" wait_for "^EXIT=$want" 10
	check "live, $how: the terminal is restored" restored
	left=""
	for id in $mine; do
		bpftool link show id "$id" >/dev/null 2>&1 && left="$left $id"
	done
	check "live, $how: none of its $(wc -w <<<"$mine") BPF links remains" \
		test -n "$mine" -a -z "$left"
done

#!/usr/bin/env bash
# The nftables drill-down live on this host's kernel (tracepoints only) with --nft-netlink-trace:
# the packet a rule dropped shows, in its nft pane and timeline, the rule's handle, verdict and text
# from the kernel's trace, inside the chain the netfilter brackets saw.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root "live nft netlink UI"
. tests/tui/tmux.bash

ns_pair || { not_ok "namespaces for the live nft test"; exit 1; }
SENDPKT=$BIN/tools/sendpkt
[ -x "$SENDPKT" ] || { skip "live nft netlink UI" "build/tools/sendpkt missing (make tools)"; exit 0; }
ip netns exec "$NS_B" nft -f - <<'R' || { not_ok "the ruleset loads"; exit 1; }
table inet guard {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 4545 counter drop
	}
}
R
handle=$(ip netns exec "$NS_B" nft -a list chain inet guard in | awk '/dport 4545/ { print $NF }')

# Only the test packet: the fresh veths' IPv6 neighbour chatter would push it out of view.
tui_start 120 36 "$SKBTOP" --filter-netns "/run/netns/$NS_B" --nft-netlink-trace udp port 4545
if ! wait_for '▶ live' 20; then
	not_ok "skbtop starts live with --nft-netlink-trace"
	screen | head -5
	exit 1
fi
ok "skbtop starts live with --nft-netlink-trace"
ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 4545 --count 1 --src-port 40545 || true
if wait_for '10\.77\.0\.1:40545 +10\.77\.0\.2:4545 .*DROP NETFILTER_DROP +drop' 10; then
	ok "the dropped packet's list line shows the nft drop"
else
	not_ok "the dropped packet's list line shows the nft drop"
	screen | sed 's/^/# /'
fi
keys /
keys 40545 Enter
wait_for 'filter: search=40545' 3
keys Enter
wait_gone 'Packets \(' 3
check "the nft pane shows the base chain the brackets saw" has "inet guard in (hook input, prio 0)"
check "the nft pane shows rule #$handle and its drop" wait_for "#$handle +.* drop│" 5
check "the nft pane shows the rule's text" has "udp dport 4545 counter"
check "the timeline shows the rule's verdict" has "rule #$handle drop"
no_kprobe_notice() { ! screen | grep -q 'rule verdicts need'; }
check "the pane does not say rule verdicts need kprobes" no_kprobe_notice
keys q
check "q quits with status 0" wait_for '^EXIT=0' 10
check "the marking table is gone after quitting" \
	bash -c "! ip netns exec $NS_B nft list tables | grep -q skbtop_trace_"

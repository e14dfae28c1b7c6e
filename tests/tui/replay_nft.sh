#!/usr/bin/env bash
# The nftables drill-down, on a session recorded in a QEMU guest (Debian 6.12, kprobe.multi,
# rule-level trace key; screenshots/record-vm-session.sh): the packet a rule dropped shows the
# base chains it went through, the rule's handle and verdict, and policy verdicts marked.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/tui/tmux.bash

DATA=$PWD/tests/data/session-vm.json
# The first packet to port 9999 that nftables saw, and its rule verdict, from the file.
id=$(jq '[.packets[] | select(.tuple.dport == 9999 and .nft_verdict)][0].id' "$DATA")
rule=$(jq -c --argjson id "$id" '[.packets[] | select(.id == $id) | .events[] |
	select(.type == "nft_rule" and .nft.handle > 0) | .nft][-1]' "$DATA")
handle=$(jq '.handle' <<<"$rule")
verdict=$(jq -r '.verdict' <<<"$rule")
chain=$(jq -r '"\(.family) \(.table) \(.chain) (hook \(.hook), prio \(.priority))"' <<<"$rule")
policy=$(jq -r --argjson id "$id" '[.packets[] | select(.id == $id) | .events[] |
	select(.type == "nft_rule" and (.flags % 16) >= 8) | .nft.verdict][0] // empty' "$DATA")
reason=$(jq -r --argjson id "$id" '.packets[] | select(.id == $id) | .drop_reason' "$DATA")

tui_start 120 36 "$SKBTOP" replay "$DATA"
wait_for 'Packets \(' 5 || { not_ok "replay of the VM session opens"; exit 1; }
keys /
keys 9999 Enter
wait_for 'filter: search=9999' 3
journey() { screen | grep -oE 'Journey #[0-9]+' | head -1; }
for _ in $(seq 50); do
	has "Journey #$id " && break
	cur=$(journey)
	keys Down
	# One step at a time: the next Down only once this one shows.
	for _ in $(seq 50); do
		[ "$(journey)" != "$cur" ] && break
		sleep 0.05
	done
done
check "the packet dropped by nftables (#$id) is selected" has "Journey #$id "
check "its list line shows the final nft verdict" has_re "▸.*:9999 .*DROP $reason +$verdict"
keys Enter
wait_gone 'Packets \(' 3
check "the nft pane shows the base chain: $chain" has "$chain"
check "the nft pane shows rule #$handle with its verdict ($verdict)" has_re "#$handle +.* $verdict│"
if [ -n "$policy" ]; then
	check "a policy verdict is marked as such (policy $policy)" has_re "policy of .* policy $policy│"
else
	skip "a policy verdict is marked" "the recorded packet met no policy"
fi
check "the timeline shows the rule's verdict" has "rule #$handle $verdict"
check "the timeline ends in the drop with its reason ($reason)" has_re "kfree_skb +DROP $reason"

# A packet nftables never saw says so instead of showing an empty pane.
keys Escape Escape
wait_gone 'filter: ' 3
row=$(jq '[.packets[] | [.events[] | select(.nft)] | length] | index(0)' "$DATA")
none=$(jq --argjson r "$row" '.packets[$r].id' "$DATA")
keys Home
for _ in $(seq "$row"); do
	keys Down
done
wait_for "Journey #$none " 3
keys Enter
check "a packet without nftables events (#$none) says there is no nftables data" \
	wait_for 'no nftables data' 3
keys q
check "q quits" wait_for '^EXIT=0' 5

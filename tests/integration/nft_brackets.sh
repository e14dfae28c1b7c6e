#!/usr/bin/env bash
# Without kprobes (this machine's kernel): netfilter programs bracketing each base chain name the
# chain a packet entered and left, and the chain that dropped it (NETFILTER_DROP inside it).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root "nft brackets"
command -v nft >/dev/null || { skip "nft brackets" "nft is not installed"; exit 0; }
command -v jq >/dev/null || { skip "nft brackets" "jq is not installed"; exit 0; }

out=$(mktemp -d)
EXTRA_CLEANUP="rm -rf $out"
ns_pair || { not_ok "two namespaces could be made"; exit 1; }
ip netns exec "$NS_B" nft -f tests/nft/rulesets/brackets.nft || { not_ok "ruleset loads"; exit 1; }
before=$(ip netns exec "$NS_B" nft list ruleset | md5sum)

"$SKBTOP" --stream --format json --duration 5 --filter-netns "/run/netns/$NS_B" \
	>"$out/s.json" 2>"$out/err" &
pid=$!
for _ in $(seq 50); do grep -q "nft chains" "$out/err" 2>/dev/null && break; sleep 0.1; done
sleep 1
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen udp 9002 --timeout 4 >/dev/null &
sleep 0.3
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9001 --src-port 40001
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9002 --src-port 40002
wait $pid

# seq PORT: "table/chain:exit:verdict" for each nft_chain event of the packet to PORT.
seq_of() {
	jq -r --argjson p "$1" 'select(.dport == $p and .type == "nft_chain") |
		"\(.nft.table)/\(.nft.chain):\(if .nft.exit then "exit:" + .nft.verdict else "entry" end)"' \
		"$out/s.json" | paste -sd' '
}
drop=$(seq_of 9001)
pass=$(seq_of 9002)
check "status names the bracketing on a kernel without kprobes" grep -q "netfilter brackets around 3 chains" "$out/err"
check "a dropped packet entered f1/in and left it with drop, never reached f2/in2" \
	test "$drop" = "f1/pre:entry f1/pre:exit:accept f1/in:entry f1/in:exit:drop"
check "the drop is the kernel's NETFILTER_DROP" \
	test "$(jq -r 'select(.dport == 9001 and .type == "drop") | .reason' "$out/s.json")" = NETFILTER_DROP
check "an accepted packet passed the three chains in priority order" \
	test "$pass" = "f1/pre:entry f1/pre:exit:accept f1/in:entry f1/in:exit:accept f2/in2:entry f2/in2:exit:accept"
check "a chain's entry carries no verdict, its exit does" \
	test "$(jq -r 'select(.type == "nft_chain") | "\(.nft.exit) \(.nft | has("verdict"))"' "$out/s.json" | sort -u | paste -sd,)" = "false false,true true"
check "the ruleset is left as it was" test "$(ip netns exec "$NS_B" nft list ruleset | md5sum)" = "$before"
[ "$drop" = "f1/pre:entry f1/pre:exit:accept f1/in:entry f1/in:exit:drop" ] || { echo "# drop: $drop"; cat "$out/err"; }
[ "${pass%% f2*}" != "$pass" ] || echo "# pass: $pass"
stats=$(grep '"nft_stats"' "$out/s.json")
check "the statistics count the chains entered" \
	test "$(jq -r '.nft_stats.chains_entered' <<<"$stats")" -ge 5
check "the statistics count the drop by the chain that made it" \
	test "$(jq -r '.nft_stats.verdicts_by_chain["inet f1 in"].drop' <<<"$stats")" = 1

#!/usr/bin/env bash
# The oracle: for the rulesets tests/nft/rulesets/oracle-[1-6]-*.nft (the later ones run in trace-key
# mode alone, in nft_oracle_paths.sh, to keep this one inside its time), real packets go from one
# namespace to another while `nft monitor trace` runs in the receiving one (packets marked by a
# raw-priority prerouting rule), and skbtop's (table, chain, handle, verdict) path of each packet
# must equal the kernel's trace. Then immediate mode is held to what it can see, and a rule
# replaced while tracing must show its new text. Runs in the 6.1 and 6.12 guests (kprobes).
cd "$(dirname "$0")/../../.." 2>/dev/null || true
[ -f tests/lib.sh ] || cd "$OLDPWD"
. tests/lib.sh
. tests/nft/corpus.bash
need_root "nft oracle"
SKBTOP=${SKBTOP_STATIC:-$SKBTOP}
pair='oracle-[1-6]-*.nft'
work=$(mktemp -d)
EXTRA_CLEANUP="rm -rf $work"
ns_pair || { not_ok "two namespaces could be made"; exit 1; }
ip netns exec "$NS_B" nft -f tests/nft/rulesets/mark.nft || { not_ok "marking table loads"; exit 1; }
inode=$(netns_inode "$NS_B")
# skbtop reads a new ruleset's text on a thread of its own once the kernel says it changed (never
# on the event path): under emulation that takes about a second, which the packets leave it.
CORPUS_SETTLE=2

# trace-key: the whole corpus against the monitor.
start_skbtop tk "$NS_B" -vv
check "trace-key mode says it added the dormant table" grep -q "added table inet skbtop_keyon_" "$work/tk.err"
check "rule level runs on the trace key" grep -q "rules: trace-key" "$work/tk.err"
CORPUS_TEXT_LOG=$work/tk.err send_corpus "$work/mon.txt" "$pair"

replace_rule_while_tracing
sleep 0.5
stop_bg $skb_pid
check "the dormant table is gone after exit" bash -c "! nft list tables | grep -q skbtop_keyon_"

bash tests/nft/oracle.sh "$work/mon.txt" "$work/tk.json" "$inode" | grep -v ' 4100[12] 9701:'
check_replaced_rule_text "$work/tk.json"
untexted=$(untexted_rule_events "$work/tk.json")
check "every rule event of the corpus's packets carries its rule's text" test -z "$untexted"
[ -z "$untexted" ] || {
	while read -r l; do echo "# no text: src dst sport table chain handle $l"; done <<<"$untexted" |
		head -8
	grep 'nft rule text' "$work/tk.err" | sed 's/^/# /' | tail -12
}
# A drop decided by a rule: its chain's exit says drop (the 0x10002 encoding decoded, 6.7+ style).
check "a chain that dropped reports drop at its exit" \
	test "$(jq -r 'select(.type == "nft_chain" and .dport == 9204 and .nft.table == "o2" and .nft.exit) | .nft.verdict' "$work/tk.json" | head -1)" = drop
check "a reject's reply ran through OUTPUT nested in the INPUT call" \
	test "$(jq -r 'select(.type == "nft_chain" and .nft.chain == "out" and .nft.depth == 1) | .id' "$work/tk.json" | wc -l)" -gt 0
[ "$(jq -r 'select(.type == "nft_chain" and .nft.chain == "out" and .nft.depth == 1) | .id' "$work/tk.json" | wc -l)" -gt 0 ] ||
	jq -c 'select(.type == "nft_chain" and .nft.chain == "out") | {id, proto, src, dst, sport, dport, depth: .nft.depth, exit: .nft.exit}' \
		"$work/tk.json" | head -6 | sed 's/^/# out chain: /'

# immediate: what it can see of the same corpus.
start_skbtop imm "$NS_B" --nft-rules immediate
check "immediate mode leaves the ruleset without a dormant table" bash -c "! nft list tables | grep -q skbtop_keyon_"
send_corpus "$work/mon-imm.txt" "$pair"
stop_bg $skb_pid
check "immediate mode marks its rule events partial" \
	test "$(jq -r 'select(.type == "nft_rule") | .nft.partial' "$work/imm.json" | sort -u | paste -sd,)" = true
ORACLE_TAG=immediate bash tests/nft/oracle.sh --immediate "$work/mon-imm.txt" "$work/imm.json" "$inode"

# The netlink trace where kprobes exist too: the rule probes stay off (no rule twice), and the
# kernel's own trace is held to the same oracle, joined to journeys whose chains nft_do_chain saw.
start_skbtop nl "$NS_B" --nft-netlink-trace
# The chains by trampolines where the kernel has them and no kprobe.multi (cmd_trace.c says why).
chains_by=kprobe
[ "${VM_KERNEL:-}" = 6.1 ] && chains_by=fentry
check "netlink mode turns off the rule probes and says what it runs (the chains by $chains_by)" \
	grep -q "nft chains: $chains_by.*rules: netlink trace in 1 namespace" "$work/nl.err"
check "netlink mode adds no dormant table" bash -c "! nft list tables | grep -q skbtop_keyon_"
send_corpus "$work/mon-nl.txt" "$pair"
stop_bg $skb_pid
check "the netlink trace's marking table is gone after exit" \
	bash -c "! ip netns exec $NS_B nft list tables | grep -q skbtop_trace_"
check "every rule event comes from the netlink trace" \
	test "$(jq -r 'select(.type == "nft_rule") | .nft.source' "$work/nl.json" | sort -u | paste -sd,)" = netlink-trace
ORACLE_TAG=netlink bash tests/nft/oracle.sh "$work/mon-nl.txt" "$work/nl.json" "$inode" ||
	grep -E "^skbtop: (kernel|nft netlink trace):" "$work/nl.err" | sed 's/^/# /'
exit 0

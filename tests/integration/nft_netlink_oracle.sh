#!/usr/bin/env bash
# --nft-netlink-trace on this kernel (tracepoints only): rule verdicts from the kernel's nftables
# trace, joined to each packet's journey by headers and namespace. The oracle: for every ruleset of
# tests/nft/rulesets/oracle-[0-9]*.nft, skbtop's (table, chain, handle, verdict) path of each packet
# must equal what `nft monitor trace` printed in the same namespace (packets also marked by the
# oracle's own raw-priority rule). Then: the marking table comes and goes with skbtop (and a
# crashed skbtop's is removed), rule events sit inside their chain in the saved session, and a
# rule replaced while tracing shows its new text.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/trace_lib.bash
. tests/nft/corpus.bash
trace_env_ok "nft netlink trace oracle"
SENDPKT=$TOOLS/sendpkt
ns_pair || { not_ok "two namespaces could be made"; exit 1; }
static_neigh
ip netns exec "$NS_B" nft -f tests/nft/rulesets/mark.nft || { not_ok "marking table loads"; exit 1; }
inode=$(netns_inode "$NS_B")
# What a crashed skbtop would leave: its pid is not alive.
ip netns exec "$NS_B" nft add table inet skbtop_trace_999999999
session=$TRACE_DIR/session.json

trace_start nl --stream --format json --filter-netns "/run/netns/$NS_B" --nft-netlink-trace \
	-o "$session" || { not_ok "skbtop starts with --nft-netlink-trace"; exit 1; }
check "it says it added its marking table, and for how long" \
	grep -q "added table inet skbtop_trace_$TRACE_PID in netns $inode: it marks every packet" "$TRACE_ERR"
check "the status names the netlink trace as the rule level" \
	grep -q "rules: netlink trace in 1 namespace" "$TRACE_ERR"
check "a table left behind by a dead skbtop is removed at start" \
	bash -c "! ip netns exec $NS_B nft list tables | grep -q skbtop_trace_999999999"
check "the marking table is in the traced namespace while it runs" \
	bash -c "ip netns exec $NS_B nft list tables | grep -q 'inet skbtop_trace_$TRACE_PID'"
skb_pid=$TRACE_PID
send_corpus "$TRACE_DIR/mon.txt"

replace_rule_while_tracing
trace_stop
check "skbtop exits 0" test "$TRACE_RC" = 0
check "the marking table is gone after exit" \
	bash -c "! ip netns exec $NS_B nft list tables | grep -q skbtop_trace_"
check "the oracle's own table is left as it was" \
	bash -c "ip netns exec $NS_B nft list tables | grep -q 'inet oracle_mark'"

bash tests/nft/oracle.sh "$TRACE_DIR/mon.txt" "$TRACE_OUT" "$inode"
json=$TRACE_OUT
check "rule events say they come from the netlink trace" \
	test "$(jq -r 'select(.type == "nft_rule") | .nft.source' "$json" | sort -u | paste -sd,)" = netlink-trace
check "skbtop does not follow the trace messages it reads itself" \
	test "$(jq -r --argjson p "$skb_pid" 'select(.pid == $p and .family == "-") | .id' "$json" | wc -l)" = 0
check "no rule event of skbtop's own marking table is reported" \
	test "$(jq -r 'select(.type == "nft_rule" and (.nft.table | startswith("skbtop_"))) | .id' "$json" | wc -l)" = 0
check "every rule event of the corpus's packets carries its rule's text" \
	test -z "$(untexted_rule_events "$json")"
check_replaced_rule_text "$json"
check "a jumped-to chain's rule is known to run at its base chain's hook" \
	test "$(jq -r 'select(.type == "nft_rule" and .nft.table == "o2" and .nft.chain == "j1") | .nft.hook' "$json" | sort -u)" = input
check "the counts line says how many rule events were joined to a packet" \
	grep -qE "nft netlink trace: [1-9][0-9]* rule events, [1-9][0-9]* joined to a packet" "$TRACE_ERR"
# In a packet's saved journey, the rule events of the oracle's marking chain (there before skbtop
# started, so bracketed) sit between the entry into that chain and the exit from it.
order=$(jq -r '.packets[] | select(.tuple.dport == 9302) | .events[]
	| select(.type == "nft_chain" or .type == "nft_rule") | select(.nft.table == "oracle_mark")
	| "\(.type):\(if .type == "nft_chain" then (if .flags % 8 >= 4 then "exit" else "entry" end) else .nft.verdict end)"' \
	"$session" | paste -sd' ')
check "a packet's rule events sit inside their chain's entry and exit in the saved session ($order)" \
	bash -c "grep -qxE 'nft_chain:entry (nft_rule:continue )+nft_rule:accept nft_chain:exit' <<<'$order'"

# The stream holds a packet's lines until its rule events have joined: each packet's events come
# in the order the saved session has them (the stream's id orders journeys, not lines).
order_of() { sort -s -n -k1,1 | sed 's/ $//'; }
jq -r '.packets[] | .id as $i | .events[] | "\($i) \(.func) \(.nft.chain // "") \(if .type == "nft_rule" then .nft.verdict else "" end)"' \
	"$session" | order_of >"$TRACE_DIR/session.order"
jq -r 'select(.id != null and .ts_ns != null) | "\(.id) \(.func) \(.nft.chain // "") \(if .type == "nft_rule" then .nft.verdict else "" end)"' \
	"$json" | order_of >"$TRACE_DIR/stream.order"
moved=$(diff "$TRACE_DIR/session.order" "$TRACE_DIR/stream.order" | grep -c '^<')
check "in --stream every packet's events, rule events too, come in the saved session's order ($moved of $(wc -l <"$TRACE_DIR/session.order") elsewhere)" \
	test "$moved" = 0

# Stopping while marked traffic keeps coming: the trace is read once more, not until it ends.
ip netns exec "$NS_B" nft -f tests/nft/rulesets/oracle-2-jumps.nft
ip netns exec "$NS_A" "$SENDPKT" udp 10.77.0.2 9202 --count 2000000 --size 32 >/dev/null 2>&1 &
flood=$!
t0=$SECONDS
"$SKBTOP" --stream --filter-netns "/run/netns/$NS_B" --nft-netlink-trace -t 2 udp >/dev/null \
	2>"$TRACE_DIR/flood.err"
took=$((SECONDS - t0))
kill $flood 2>/dev/null
wait $flood 2>/dev/null
# Under the sanitizers (tests/run san) starting alone takes seconds more.
limit=$((${SKBTOP_SANITIZED:-0} ? 20 : 6))
check "under a flood of traced packets skbtop -t 2 still stops at once (took ${took} s, at most $limit)" \
	test "$took" -le "$limit"
# Under the sanitizers the flood overruns the slow reader and the queue, so that a join is luck.
joined='[1-9][0-9]*'
[ "${SKBTOP_SANITIZED:-0}" = 1 ] && joined='[0-9]+'
check "and its counts line says how many trace events it joined" \
	grep -qE "nft netlink trace: [1-9][0-9]* rule events, $joined joined" "$TRACE_DIR/flood.err"
exit 0

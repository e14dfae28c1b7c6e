#!/usr/bin/env bash
# The oracle on real kernels (kprobes) for the later rulesets: oracle-7 and -8 (limit, quota, netdev
# ingress and egress) between two namespaces, tests/nft/rulesets/oracle-r*.nft in a router (DNAT,
# SNAT, masquerade, a forward chain passing replies by conntrack state, a forward drop) and
# oracle-f*.nft there too (a flowtable: later packets of a flow go past every chain), oracle-b*.nft
# in a Linux bridge (bridge-family rules, which need the guest's bridge nftables modules).
# skbtop's (table, chain, handle, verdict) path of each packet must equal `nft monitor trace`'s:
# in trace-key mode for all, in immediate mode (cut to what it sees) and with the netlink trace
# through the router.
cd "$(dirname "$0")/../../.." 2>/dev/null || true
[ -f tests/lib.sh ] || cd "$OLDPWD"
. tests/lib.sh
. tests/nft/corpus.bash
need_root "nft oracle through a router and a bridge"
SKBTOP=${SKBTOP_STATIC:-$SKBTOP}
work=$(mktemp -d)
EXTRA_CLEANUP="rm -rf $work"

# The first packet crosses a neighbour resolution or two: the monitor gets more time to start.
CORPUS_SETTLE=2
# skbtop probes a module's functions only if it is loaded when skbtop starts.
modprobe nf_flow_table_inet 2>/dev/null

# corpus_in TOPOLOGY GLOB [MODE]: the rulesets of GLOB in B of ns_pair, or in R of ns_router or
# ns_bridge, against the oracle; MODE: trace-key (default), immediate or netlink. Leaves skbtop's
# JSON lines in $work/$run.json, run being the topology's name and the mode but trace-key's.
corpus_in() {
	local ns mode=${3:-trace-key} args=() oracle=()
	run=${1#ns_}
	"$1" || { not_ok "$run: the namespaces could be made"; return 1; }
	ns=$NS_B
	[ "$1" = ns_pair ] || ns=$NS_R
	[ "$mode" = trace-key ] || run+=-$mode
	[ "$mode" = immediate ] && args=(--nft-rules immediate) oracle=(--immediate)
	[ "$mode" = netlink ] && args=(--nft-netlink-trace)
	ip netns exec "$ns" nft -f tests/nft/rulesets/mark.nft || { not_ok "marking table loads"; return 1; }
	inode=$(netns_inode "$ns")
	start_skbtop "$run" "$ns" "${args[@]}"
	send_corpus "$work/$run.mon" "$2" "$ns"
	sleep 0.5
	stop_bg $skb_pid
	ORACLE_TAG=$run bash tests/nft/oracle.sh "${oracle[@]}" "$work/$run.mon" "$work/$run.json" "$inode"
	ip netns del "$NS_A" && ip netns del "$ns" && { [ "$ns" = "$NS_B" ] || ip netns del "$NS_B"; }
}

# in_journey ID JQ_CONDITION: some line of journey ID in $work/$run.json meets the condition.
in_journey() { jq -n -e --argjson id "$1" "any(inputs; .id == \$id and ($2))" "$work/$run.json" >/dev/null; }
lacks() { ! in_journey "$@"; }

# check_flowtable: oracle-f1's four packets of one flow (to port 9961), in the order skbtop saw
# them in the router's chains (the oracle's order too). The flowtable holds the flow from the
# second on, so the third and fourth go from its hook straight out.
check_flowtable() {
	local ids p
	mapfile -t ids < <(jq -r --argjson ns "$inode" 'select(.dport == 9961 and .netns == $ns and
		(.type == "nft_chain" or .type == "nft_rule")) | .id' "$work/$run.json" | sort -nu)
	check "[$run] the flow's four packets are seen in the router's chains" test "${#ids[@]}" = 4
	[ "${#ids[@]}" = 4 ] || return 1
	check "[$run] the flow's first packet meets the forward chain's rules" \
		in_journey "${ids[0]}" '.type == "nft_rule" and .nft.table == "f1" and .nft.chain == "forward"'
	for p in "${ids[0]}" "${ids[1]}"; do
		check "[$run] journey $p went through the chains and is not said to bypass them" \
			lacks "$p" '.flowtable'
	done
	for p in "${ids[2]}" "${ids[3]}"; do
		check "[$run] a later packet of the flow (journey $p) meets the flowtable's hook" \
			in_journey "$p" '.layer == "Flowtable"'
		check "[$run] journey $p says it bypassed the chains" in_journey "$p" '.flowtable == true'
		in_journey "$p" '.flowtable == true' ||
			jq -r --argjson id "$p" 'select(.id == $id) |
				"# \(.type) \(.layer) \(.func) \(.nft.verdict // "") \(.flowtable // "")"' "$work/$run.json"
		check "[$run] journey $p has no forward-chain step" lacks "$p" '.nft.table == "f1"'
	done
}

corpus_in ns_pair 'oracle-[78]-*.nft'
corpus_in ns_bridge 'oracle-b*.nft'
# Each mode costs a skbtop start and stop (about 20 s under emulation) and the router's corpus:
# the other modes run through the router alone (the bridge with the netlink trace runs on the
# development machine, tests/integration/nft_netlink_paths.sh).
for mode in trace-key immediate netlink; do
	t0=$SECONDS
	corpus_in ns_router 'oracle-[rf]*.nft' "$mode" && check_flowtable
	echo "# $mode through the router: $((SECONDS - t0)) s"
done
exit 0

#!/usr/bin/env bash
# The oracle on real kernels (kprobes, trace-key mode) for the later rulesets: oracle-7 and -8
# (limit, quota, netdev ingress and egress) between two namespaces, tests/nft/rulesets/oracle-r*.nft
# in a router (DNAT, SNAT, masquerade, a forward chain passing replies by conntrack state, a
# forward drop), oracle-b*.nft in a Linux bridge (bridge-family rules, which need the guest's
# bridge nftables modules). skbtop's (table, chain, handle, verdict) path of each packet must
# equal `nft monitor trace`'s.
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

# corpus_in TOPOLOGY GLOB: the rulesets of GLOB in B of ns_pair, or in R of ns_router or ns_bridge,
# against the oracle.
corpus_in() {
	local inode ns name=${1#ns_}
	"$1" || { not_ok "$name: the namespaces could be made"; return 1; }
	ns=$NS_B
	[ "$1" = ns_pair ] || ns=$NS_R
	ip netns exec "$ns" nft -f tests/nft/rulesets/mark.nft || { not_ok "marking table loads"; return 1; }
	inode=$(netns_inode "$ns")
	start_skbtop "$name" "$ns"
	send_corpus "$work/$name.mon" "$2" "$ns"
	sleep 0.5
	stop_bg $skb_pid
	ORACLE_TAG=$name bash tests/nft/oracle.sh "$work/$name.mon" "$work/$name.json" "$inode"
	ip netns del "$NS_A" && ip netns del "$ns" && { [ "$ns" = "$NS_B" ] || ip netns del "$NS_B"; }
}

corpus_in ns_pair 'oracle-[78]-*.nft'

corpus_in ns_router 'oracle-r*.nft'
corpus_in ns_bridge 'oracle-b*.nft'
exit 0

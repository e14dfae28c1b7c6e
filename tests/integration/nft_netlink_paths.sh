#!/usr/bin/env bash
# --nft-netlink-trace on this kernel, held to `nft monitor trace` where packets cross a namespace
# that routes or bridges: tests/nft/rulesets/oracle-r*.nft in a router (DNAT, SNAT, masquerade,
# a forward chain that passes replies by conntrack state and drops), oracle-b*.nft in a Linux
# bridge (bridge-family rules). A packet is known by the tuple it was sent with, before NAT.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/trace_lib.bash
. tests/nft/corpus.bash
trace_env_ok "nft netlink trace through a router and a bridge"
SENDPKT=$TOOLS/sendpkt

# corpus_in TOPOLOGY GLOB: the rulesets of GLOB in R of ns_router or ns_bridge, against the oracle.
corpus_in() {
	local inode
	"$1" || { not_ok "$1: three namespaces could be made"; return 1; }
	ip netns exec "$NS_R" nft -f tests/nft/rulesets/mark.nft || { not_ok "marking table loads"; return 1; }
	inode=$(netns_inode "$NS_R")
	trace_start "$1" --stream --format json --filter-netns "/run/netns/$NS_R" --nft-netlink-trace \
		-o "$TRACE_DIR/$1.session" ||
		{ not_ok "$1: skbtop starts with --nft-netlink-trace"; return 1; }
	send_corpus "$TRACE_DIR/$1.mon" "$2" "$NS_R"
	trace_stop
	check "$1: skbtop exits 0" test "$TRACE_RC" = 0
	ORACLE_TAG=${1#ns_} bash tests/nft/oracle.sh "$TRACE_DIR/$1.mon" "$TRACE_OUT" "$inode"
	ip netns del "$NS_A" && ip netns del "$NS_R" && ip netns del "$NS_B"
}

corpus_in ns_router 'oracle-r*.nft'
# The reply's journey starts in B, so its first tuple is the translated flow's, before R undoes it.
check "the reply on the translated flow met the forward chain's conntrack rule" \
	any_event "$TRACE_OUT" '.type == "nft_rule" and .sport == 9911 and .nft.chain == "forward" and .nft.verdict == "accept"'
# NAT: the packet sent to the router's 9901 went on to B's 9911, translated on the way.
session_has() { jq -e "$1" "$TRACE_DIR/ns_router.session" >/dev/null; }
check "the saved session keeps the DNAT'd packet's tuple and the translated one" \
	session_has '[.packets[] | select(.tuple.dst == "10.91.0.254" and .tuple.dport == 9901 and
		.translated.dst == "10.92.0.2" and .translated.dport == 9911 and
		.translated.src == "10.92.0.254")] | length == 1'
check "and marks one of its events as where the addresses changed" \
	session_has '[.packets[] | select(.tuple.dport == 9901) | .events[] | select(.flags % 512 >= 256)]
		| length >= 1'
check "the stream marks the line where that packet's headers were found translated" \
	any_event "$TRACE_OUT" '.nat == true and .dst == "10.92.0.2" and .dport == 9911'
check "a packet forwarded untranslated is not marked" \
	session_has '[.packets[] | select(.tuple.dport == 9903 and .translated != null)] | length == 0'
corpus_in ns_bridge 'oracle-b*.nft'
check "a bridge-family rule dropped a bridged frame" \
	any_event "$TRACE_OUT" '.type == "nft_rule" and .nft.table == "b1" and .nft.verdict == "drop"'
exit 0

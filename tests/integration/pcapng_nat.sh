#!/usr/bin/env bash
# -w through a router that DNATs: the datagram's bytes are taken at its first event and again
# where its headers changed, so Wireshark shows the packet before and after the translation.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "-w takes the bytes again where NAT changed the headers"
if ! command -v tshark >/dev/null || ! command -v nft >/dev/null; then
	skip "-w takes the bytes again where NAT changed the headers" "needs tshark and nft (make test-deps)"
	exit 0
fi
tshark() { command tshark "$@" 2>/dev/null; }

ns_router || { not_ok "three namespaces, R routing between A and B"; exit 1; }
ip netns exec "$NS_R" nft -f - <<NFT || { not_ok "R's DNAT rule loads"; exit 1; }
table ip nat {
	chain pre { type nat hook prerouting priority -100; udp dport 9901 dnat to 10.92.0.2:9911; }
}
NFT
f=$TRACE_DIR/nat.pcapng
trace_start nat --stream --filter-netns "/run/netns/$NS_A" -w "$f" 'udp port 9901' ||
	{ not_ok "skbtop starts with -w"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.91.0.254 9901 --src-port 40500 --size 50
sleep 1.5
trace_stop INT
tshark -r "$f" -Y 'udp.srcport == 40500' -T fields -E separator='|' -e frame.interface_name \
	-e ip.dst -e udp.dstport -e frame.comment >"$TRACE_DIR/fields"
sed 's/^/# /' "$TRACE_DIR/fields"
check "the bytes at first sight go to 10.91.0.254:9901" grep -qE '\|10\.91\.0\.254\|9901\|.*its first event' "$TRACE_DIR/fields"
check "the bytes where the headers changed go to 10.92.0.2:9911" \
	grep -qE '\|10\.92\.0\.2\|9911\|.*a change of its headers' "$TRACE_DIR/fields"
check "and the comment names the journey as one packet" \
	test "$(cut -d'|' -f4 "$TRACE_DIR/fields" | grep -oE '^skbtop packet [0-9]+' | sort -u | wc -l)" -eq 1
# Only the first headers matched 'udp port 9901': the kernel side followed the translated packet
# because it counted it live, and counts none once it was dropped.
check "the kernel side counts no skb followed once the packet ended ($(grep -o '[-0-9]* still followed' "$TRACE_ERR"))" \
	grep -q ' 0 still followed' "$TRACE_ERR"

#!/usr/bin/env bash
# -w FILE: a UDP datagram to a closed port between two namespaces, captured as pcapng and read
# back by Wireshark's own tools. capinfos takes the file; tshark finds the datagram's tuple, one
# interface per (namespace, interface) named as the journey says, the snap length, and the
# journey in each packet's comment: its fate, NO_SOCKET and where the kernel dropped it.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "-w writes pcapng that Wireshark's tools read"
if ! command -v tshark >/dev/null || ! command -v capinfos >/dev/null; then
	skip "-w writes pcapng that Wireshark's tools read" "needs tshark and capinfos (make test-deps)"
	exit 0
fi
tshark() { command tshark "$@" 2>/dev/null; }

check_refused --snaplen 1000
check_refused --snaplen -1
check_refused --snaplen 0 -w "$TRACE_DIR/x.pcapng"
check_refused -w -

ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
f=$TRACE_DIR/drop.pcapng
trace_start pcap --stream --format json --filter-netns "/run/netns/$NS_A" -w "$f" --snaplen 60 \
	-o "$TRACE_DIR/drop.json" ||
	{ not_ok "skbtop starts with -w"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40200 --size 50
sleep 1
trace_stop INT
check "skbtop -w exits 0 and counts what it wrote ($(grep pcapng "$TRACE_ERR"))" \
	sh -c "[ $TRACE_RC -eq 0 ] && grep -qE '^skbtop: pcapng: [1-9][0-9]* packets written to $f, 0 captures lost$' '$TRACE_ERR'"
check "the file is the owner's only (mode $(stat -c %a "$f"))" test "$(stat -c %a "$f")" = 600

capinfos "$f" >"$TRACE_DIR/capinfos" 2>&1
rc=$?
check "capinfos reads it (status $rc) as pcapng: $(grep -E 'File type|Number of packets' "$TRACE_DIR/capinfos" | tr -s ' \n' ' ')" \
	sh -c "[ $rc -eq 0 ] && grep -qE 'File type: +Wireshark/... - pcapng' '$TRACE_DIR/capinfos'"
check "capinfos counts the datagram's packets" grep -qE 'Number of packets: +[1-9]' "$TRACE_DIR/capinfos"
check "capinfos names skbtop as the capture application" grep -qE 'Capture application: +skbtop' "$TRACE_DIR/capinfos"

tshark -r "$f" -Y 'udp.srcport == 40200' -T fields -E separator='|' -e ip.src -e udp.srcport -e ip.dst \
	-e udp.dstport -e frame.interface_name -e frame.interface_description -e frame.cap_len -e frame.len \
	-e frame.comment >"$TRACE_DIR/fields"
sed 's/^/# /' "$TRACE_DIR/fields"
check "tshark finds the datagram 10.77.0.1:40200 → 10.77.0.2:9999 twice (first sight, drop)" \
	test "$(grep -c '^10\.77\.0\.1|40200|10\.77\.0\.2|9999|' "$TRACE_DIR/fields")" -eq 2
check "its first bytes were taken on the sender's veth_a, in namespace $(netns_inode "$NS_A")" \
	grep -qE "\|veth_a\|netns $(netns_inode "$NS_A") ifindex [0-9]+\|.*bytes at its first event$" "$TRACE_DIR/fields"
check "its bytes at the drop on the receiver's veth_b, in namespace $(netns_inode "$NS_B")" \
	grep -qE "\|veth_b\|netns $(netns_inode "$NS_B") ifindex [0-9]+\|.*bytes at its drop$" "$TRACE_DIR/fields"
check "the snap length holds: 60 bytes captured of a 92-byte frame" \
	sh -c "! grep -qvE '\|60\|92\|' '$TRACE_DIR/fields'"
check "frame.comment has the journey: dropped NO_SOCKET at __udp4_lib_rcv" \
	sh -c "[ \$(grep -cE '\|skbtop packet [0-9]+: dropped NO_SOCKET at __udp4_lib_rcv\+0x[0-9a-f]+; ' '$TRACE_DIR/fields') -eq 2 ]"
check "frame.comment has the time per layer" grep -qE '; [0-9]+ ns in .*Device [0-9]+ ns' "$TRACE_DIR/fields"
id=$(jq -r 'select(.type == "drop" and .sport == 40200) | .id' "$TRACE_OUT" | head -1)
check "the comment's packet number is the journey's id in the stream ($id)" \
	grep -q "|skbtop packet $id: dropped" "$TRACE_DIR/fields"
n_if=$(tshark -r "$f" -T fields -e frame.interface_id | sort -u | wc -l)
n_pairs=$(tshark -r "$f" -T fields -e frame.interface_name -e frame.interface_description | sort -u | wc -l)
check "one interface block per (namespace, interface): $n_if ids for $n_pairs pairs" \
	test "$n_if" -eq "$n_pairs" -a "$n_if" -ge 2

# The saved session keeps the bytes: replay --pcapng writes the same packets, interfaces and comments.
"$SKBTOP" replay "$TRACE_DIR/drop.json" --pcapng "$TRACE_DIR/replayed.pcapng" 2>"$TRACE_DIR/err"
check "replay --pcapng writes a file from the saved session ($(cat "$TRACE_DIR/err"))" \
	test -s "$TRACE_DIR/replayed.pcapng"
tshark -r "$TRACE_DIR/replayed.pcapng" -Y 'udp.srcport == 40200' -T fields -E separator='|' -e ip.src \
	-e udp.srcport -e ip.dst -e udp.dstport -e frame.interface_name -e frame.interface_description \
	-e frame.cap_len -e frame.len -e frame.comment >"$TRACE_DIR/replayed"
check "tshark reads the same datagram, interfaces, lengths and comments from the replayed file" \
	cmp -s "$TRACE_DIR/fields" "$TRACE_DIR/replayed"
capinfos -a -e "$TRACE_DIR/replayed.pcapng" >"$TRACE_DIR/times" 2>&1
check "its packets are dated today, from the session's creation time ($(grep -m1 'First packet' "$TRACE_DIR/times" | tr -s ' '))" \
	grep -q "First packet time: *$(date -u +%Y-%m-%d)" "$TRACE_DIR/times"

# An nftables rule's drop, its verdict from the kernel's netlink trace (which joins the journey
# after the drop): the comment names the table, chain, rule handle and rule text.
if ! command -v nft >/dev/null; then
	skip "the comment has the nftables verdict" "no nft"
	exit 0
fi
ip netns exec "$NS_B" nft -f - <<NFT
table inet filter {
	chain input { type filter hook input priority 0; udp dport 9998 drop; }
}
NFT
handle=$(ip netns exec "$NS_B" nft -a list chain inet filter input | awk '/dport 9998 drop/ { print $NF }')
f=$TRACE_DIR/nft.pcapng
trace_start nft --stream --nft-netlink-trace --filter-netns "/run/netns/$NS_B" -w "$f" udp port 9998 ||
	{ not_ok "skbtop starts with -w and --nft-netlink-trace"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9998 --src-port 40300 --size 50
sleep 1.5
trace_stop INT
tshark -r "$f" -Y 'udp.srcport == 40300' -T fields -e frame.interface_name -e frame.comment >"$TRACE_DIR/nft"
sed 's/^/# /' "$TRACE_DIR/nft"
check "frame.comment says the datagram was dropped by netfilter in nft_do_chain" \
	grep -qF "dropped NETFILTER_DROP at nft_do_chain+0x" "$TRACE_DIR/nft"
check "and the rule that decided it, by table, chain, handle and text" \
	grep -qF "; nft: inet filter input handle $handle drop \"udp dport 9998 drop\"; " "$TRACE_DIR/nft"

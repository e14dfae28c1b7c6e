#!/usr/bin/env bash
# The filter's other settings on real packets between namespaces (tracepoint backend): exit status
# 2 with libpcap's words for a bad expression, --filter-mark, --filter-netns (inode or path),
# --filter-ifname, and a matched packet followed through NAT although it no longer matches.
set -u
cd "$(dirname "$0")/../.."
source tests/lib.sh

need_root "filter options"
if [ ! -x "$SKBTOP" ] || [ ! -x "$TOOLS/sendpkt" ] || ! command -v jq >/dev/null ||
	! command -v nft >/dev/null; then
	skip "filter options" "needs $SKBTOP, $TOOLS/sendpkt (make tools), jq and nft"
	exit 0
fi

err=$(mktemp)
"$SKBTOP" --stream --duration 5 'tcp port' >/dev/null 2>"$err"
rc=$?
check "a bad expression exits with status 2 ($rc) and libpcap's message: $(head -1 "$err")" \
	test "$rc" -eq 2 -a -n "$(grep 'syntax error' "$err")"
"$SKBTOP" --stream --duration 5 inbound >/dev/null 2>"$err"
rc=$?
msg=$(head -1 "$err")
check "an expression the kernel filter cannot run ('inbound') is refused with 2 ($rc): $msg" \
	test "$rc" -eq 2 -a -n "$(grep 'extension data' "$err")"
big=$(for i in $(seq 300); do printf 'ip[%d] == %d or ' $((64 + i % 100)) "$i"; done)
"$SKBTOP" --stream --duration 5 "${big}ip[0] == 0" >/dev/null 2>"$err"
rc=$?
msg=$(cut -c1-90 "$err")
check "an expression too large for the kernel filter is refused with 2 ($rc): $msg" \
	test "$rc" -eq 2 -a -n "$(grep 'too large' "$err")"
"$SKBTOP" --stream --duration 5 --filter-mark 0x3/0x1 >/dev/null 2>"$err"
rc=$?
check "a mark outside its mask is refused with 2 ($rc): $(head -1 "$err")" test "$rc" -eq 2
"$SKBTOP" --stream --duration 5 --filter-ifname nosuchif0 >/dev/null 2>"$err"
rc=$?
check "an unknown interface is refused with 2 ($rc): $(head -1 "$err")" test "$rc" -eq 2
rm -f "$err"

ns_pair || {
	not_ok "two namespaces joined by veth"
	exit 1
}
WORK=$(mktemp -d)
SK_PID=
EXTRA_CLEANUP='[ -n "$SK_PID" ] && kill -KILL $SK_PID 2>/dev/null; rm -rf "$WORK"'
ip -n "$NS_A" link set lo up
ip netns exec "$NS_A" nft -f - <<'NFT' || not_ok "nft marks udp port 7 in $NS_A"
table ip skbtop_filter_test {
	chain out {
		type route hook output priority 0;
		udp dport 7 meta mark set 0x42
	}
}
NFT
ip netns exec "$NS_B" nft -f - <<'NFT' || not_ok "nft DNAT 53 -> 5353 in $NS_B"
table ip skbtop_filter_test {
	chain pre {
		type nat hook prerouting priority -100;
		udp dport 53 dnat to 10.77.0.2:5353
	}
}
NFT

# trace NAME ARGS...: skbtop --stream --format json ARGS while the test packets are sent.
trace() {
	local name=$1
	shift
	"$SKBTOP" --stream --format json --duration 60 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	SK_PID=$!
	for _ in $(seq 200); do
		grep -q '^skbtop: load .* attach' "$WORK/$name.err" && break
		kill -0 "$SK_PID" 2>/dev/null || break
		sleep 0.1
	done
	send udp 10.77.0.2 7 --src-port 42001
	send udp 10.77.0.2 8 --src-port 42002
	send udp 127.0.0.1 9 --src-port 42003
	send udp 10.77.0.2 53 --src-port 42004
	sleep 0.5
	kill -INT "$SK_PID"
	wait "$SK_PID"
	SK_PID=
}
send() { ip netns exec "$NS_A" "$TOOLS/sendpkt" "$@" >/dev/null 2>&1; }
# seen NAME PORT: how many events of that run carry source port PORT.
seen() { jq -c "select(.sport == $2)" "$WORK/$1.out" | wc -l; }
# follows NAME "PORTS followed" "PORTS not followed"
follows() {
	local name=$1 p bad=""
	for p in $2; do [ "$(seen "$name" "$p")" -gt 0 ] || bad+=" missed:$p"; done
	for p in $3; do [ "$(seen "$name" "$p")" -eq 0 ] || bad+=" extra:$p"; done
	echo "$bad"
}

trace mark --filter-netns "/run/netns/$NS_A" --filter-mark 0x42
bad=$(follows mark 42001 "42002 42003 42004")
check "--filter-mark 0x42 follows only the datagram nft marked${bad:+ ($bad)}" test -z "$bad"
trace mask --filter-netns "/run/netns/$NS_A" --filter-mark 0x40/0xf0
bad=$(follows mask 42001 "42002 42003 42004")
check "--filter-mark 0x40/0xf0 compares under the mask${bad:+ ($bad)}" test -z "$bad"

ino_a=$(netns_inode "$NS_A")
trace netns --filter-netns "$ino_a"
bad=$(follows netns "42001 42002 42003 42004" "")
others=$(jq -r "select(.id != null and .netns != $ino_a) | .id" "$WORK/netns.out" | sort -u |
	while read -r id; do
		jq -c "select(.id == $id)" "$WORK/netns.out" | head -1 | jq -r "select(.netns != $ino_a)"
	done | wc -l)
check "--filter-netns INODE starts journeys only there${bad:+ ($bad)} ($others elsewhere)" \
	test -z "$bad" -a "$others" -eq 0

trace lo --filter-netns "/run/netns/$NS_A" --filter-ifname lo
bad=$(follows lo 42003 "42001 42002 42004")
check "--filter-ifname lo in that namespace follows only the loopback datagram${bad:+ ($bad)}" \
	test -z "$bad"

trace nat --filter-netns "/run/netns/$NS_A" 'udp and dst port 53'
ids=$(jq -r 'select(.sport == 42004 and .dport == 5353) | .id' "$WORK/nat.out" | sort -u)
before=$(jq -r 'select(.sport == 42004 and .dport == 53) | .id' "$WORK/nat.out" | sort -u)
msg="ids: ${before:-none} -> ${ids:-none}"
check "a datagram matched as 'dst port 53' is still followed after DNAT made it 5353 ($msg)" \
	test -n "$ids" -a "$ids" = "$before"

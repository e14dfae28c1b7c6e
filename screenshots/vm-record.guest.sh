#!/usr/bin/env bash
# Runs inside a QEMU guest (tests/vm/run): records a session with nftables verdicts (kprobe
# backends, rule-level trace key) and prints it base64-encoded between markers, for
# screenshots/record-vm-session.sh to take out of the console output.
cd "$(dirname "$0")/../../.." 2>/dev/null || true
[ -f tests/lib.sh ] || cd "$OLDPWD"
. tests/lib.sh
SKBTOP=${SKBTOP_STATIC:-$SKBTOP}
out=$(mktemp -d)/vm-session.json
ns_pair || exit 1
ip netns exec "$NS_B" nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established,related accept
		udp dport 53 accept
		udp dport 9999 counter drop
		tcp dport { 22, 8080 } jump svc
		ip6 nexthdr icmpv6 accept
	}
	chain svc {
		tcp dport 22 drop
		tcp dport 8080 accept
	}
}
table ip raw {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		udp dport 5353 drop
	}
}
NFT
"$SKBTOP" --stream --duration 25 --output "$out" --filter-netns "/run/netns/$NS_B" \
	>/dev/null 2>"$out.err" &
pid=$!
for _ in $(seq 600); do
	grep -q "skbtop: load" "$out.err" 2>/dev/null && break
	sleep 0.1
done
sleep 2
ip netns exec "$NS_B" sendpkt listen udp 53 --count 2 --timeout 8 >/dev/null &
ip netns exec "$NS_B" sendpkt listen tcp 8080 --count 1 --timeout 8 >/dev/null &
sleep 0.5
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 53 --count 2 --interval 100 --src-port 41234
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --count 2 --interval 100 --src-port 41236
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 5353 --src-port 41238
ip netns exec "$NS_A" sendpkt tcp 10.77.0.2 8080 --size 300 --timeout 2
ip netns exec "$NS_A" sendpkt tcp 10.77.0.2 22 --timeout 1 || true
ip netns exec "$NS_A" sendpkt udp fd77::2 9999 --src-port 50100
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 4444 --src-port 41240
wait $pid
cat "$out.err" >&2
echo "----- BEGIN SESSION -----"
base64 -w 0 "$out"
echo
echo "----- END SESSION -----"

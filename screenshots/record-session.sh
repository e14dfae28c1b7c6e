#!/usr/bin/env bash
# Records a real session for the replay tests: traffic between two throw-away namespaces while
# `skbtop --stream --output` runs on this host. Usage: record-session.sh OUT.json [SECONDS]
# Needs root. Delivered UDP and TCP, UDP to a closed port (NO_SOCKET), IPv6, and a drop by an
# nftables rule in the receiving namespace.
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
SKBTOP=$OUT/skbtop
TOOLS=$OUT/tools
. tests/lib.sh
dest=$1
secs=${2:-6}
ns_pair
ip netns exec "$NS_B" nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 53 accept
		udp dport 9999 counter drop
		jump svc
	}
	chain svc {
		tcp dport 8080 accept
	}
}
NFT
"$SKBTOP" --stream --duration "$secs" --output "$dest" --filter-netns "/run/netns/$NS_B" \
	>/dev/null 2>"$dest.log" &
pid=$!
sleep 2
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen udp 7777 --count 3 --timeout 5 >/dev/null &
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen tcp 8080 --count 1 --timeout 5 >/dev/null &
sleep 0.3
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 7777 --count 3 --interval 50
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count 2 --interval 50 || true
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 4444 --count 1 || true
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp fd77::2 9999 --count 1 || true
ip netns exec "$NS_A" "$TOOLS/sendpkt" tcp 10.77.0.2 8080 --size 200 || true
wait $pid
echo "recorded $(grep -c '"id"' "$dest" || true) packets into $dest"

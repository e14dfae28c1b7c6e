#!/usr/bin/env bash
# What --nft-netlink-trace costs: packets per second through an input chain of 20 rules between
# two namespaces while skbtop traces the receiving namespace, alternating rounds with and without
# the netlink trace, same run, medians printed. With it, every packet is marked and the kernel
# sends one netlink message per rule it meets (22 here), which skbtop reads and joins.
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
[ "$(id -u)" -eq 0 ] || { echo "nft_netlink_trace: needs root, skipped"; exit 0; }
command -v nft >/dev/null || { echo "nft_netlink_trace: no nft, skipped"; exit 0; }
COUNT=${NFT_BENCH_COUNT:-50000} ROUNDS=${NFT_BENCH_ROUNDS:-5}
work=$(mktemp -d)
EXTRA_CLEANUP="rm -rf $work"
ns_pair || exit 1
{
	echo "table inet bench {"
	echo "	chain in {"
	echo "		type filter hook input priority 0; policy accept;"
	for _ in $(seq 1 19); do echo "		udp dport 9999 counter"; done
	echo "		meta l4proto udp counter accept"
	echo "	}"
	echo "}"
} | ip netns exec "$NS_B" nft -f - || exit 1
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen udp 9999 --count $((COUNT * ROUNDS * 2)) --timeout 900 \
	>/dev/null &
listener=$!
sleep 0.3

# round ARGS...: skbtop ARGS traces NS_B while COUNT datagrams go; prints packets per second.
round() {
	local t0 t1 skb
	"$SKBTOP" --stream --format json --filter-netns "/run/netns/$NS_B" "$@" udp port 9999 \
		>/dev/null 2>"$work/err" &
	skb=$!
	for _ in $(seq 200); do
		grep -q '^skbtop: load' "$work/err" && break
		sleep 0.05
	done
	sleep 0.3
	t0=$(date +%s%N)
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count "$COUNT" --size 32 >/dev/null
	t1=$(date +%s%N)
	kill -INT $skb
	wait $skb
	grep -h 'nft netlink trace:' "$work/err" >>"$work/counts"
	echo $((COUNT * 1000000000 / (t1 - t0)))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

off=() on=()
for _ in $(seq "$ROUNDS"); do
	off+=("$(round)")
	on+=("$(round --nft-netlink-trace)")
done
kill "$listener" 2>/dev/null
m_off=$(printf '%s\n' "${off[@]}" | median)
m_on=$(printf '%s\n' "${on[@]}" | median)
echo "nft netlink trace: ${m_off} pps traced without, ${m_on} pps with --nft-netlink-trace" \
	"($(awk -v a="$m_off" -v b="$m_on" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')); rounds: off ${off[*]} / on ${on[*]}"
echo "last round's $(tail -1 "$work/counts" | sed 's/^skbtop: //')"

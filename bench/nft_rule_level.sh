#!/usr/bin/env bash
# What the rule level costs: packets per second through an input chain of 20 rules between two
# namespaces while skbtop traces the receiving namespace, in rounds that alternate the rule modes
# this kernel has (with kprobes: off, trace-key, immediate, --nft-netlink-trace; without: off and
# --nft-netlink-trace), same run, medians printed. trace-key pays for the trace key and skbtop's
# probe on every matched rule; the netlink trace makes the kernel send one message per rule met
# (22 here), which skbtop reads and joins. On the host it measures there, then in both QEMU guests
# (kprobes; slow under emulation: compare modes, not machines).
cd "$(dirname "$0")/.." || exit 1
if [ -z "${VM_KERNEL:-}" ] && [ -z "${NFT_BENCH_HOST_ONLY:-}" ]; then
	NFT_BENCH_HOST_ONLY=1 bash "$0" "$@"
	exec tests/vm/run --kernel all --timeout "${VM_BENCH_TIMEOUT:-1500}" bench/nft_rule_level.sh 5000 3
fi
where=${VM_KERNEL:-host}
. tests/lib.sh
. bench/nft_lib.bash
[ "$(id -u)" -eq 0 ] || { echo "nft_rule_level: needs root, skipped"; exit 0; }
command -v nft >/dev/null || { echo "nft_rule_level: no nft, skipped"; exit 0; }
SKBTOP=${SKBTOP_STATIC:-$SKBTOP}
# bench/nft_rule_level.sh [COUNT [ROUNDS]]: arguments, since the QEMU guests get no environment.
COUNT=${1:-${NFT_BENCH_COUNT:-50000}} ROUNDS=${2:-${NFT_BENCH_ROUNDS:-5}}
work=$(mktemp -d)
EXTRA_CLEANUP="rm -rf $work"
ns_pair || exit 1
bench_chain "$NS_B" || exit 1

# round MODE: skbtop traces NS_B in MODE while COUNT datagrams go; prints packets per second.
round() {
	local t0 t1 skb lis args
	case $1 in
	netlink) args=(--nft-netlink-trace) ;;
	*) args=(--nft-rules "$1") ;;
	esac
	# The 50 best functions: the rule level's cost, not that of thousands of probes.
	"$SKBTOP" --stream --format json --max-functions 50 --filter-netns "/run/netns/$NS_B" \
		"${args[@]}" udp port 9999 >/dev/null 2>"$work/err" &
	skb=$!
	for _ in $(seq 1200); do
		grep -q '^skbtop: load' "$work/err" && break
		sleep 0.05
	done
	sleep 0.3
	ip netns exec "$NS_B" "$TOOLS/sendpkt" listen udp 9999 --count "$COUNT" --timeout 120 \
		>/dev/null &
	lis=$!
	sleep 0.2
	t0=${EPOCHREALTIME/./}
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count "$COUNT" --size 32 >/dev/null
	t1=${EPOCHREALTIME/./}
	kill $lis 2>/dev/null
	kill -INT $skb
	wait $skb
	grep -h '^skbtop: backend\|^skbtop: kernel:\|nft netlink trace:' "$work/err" >"$work/last-$1"
	echo $((COUNT * 1000000 / (t1 - t0)))
}

round off >/dev/null
if grep -q 'backend tracepoint' "$work/last-off"; then
	modes="off netlink"
else
	modes="off trace-key immediate netlink"
fi
declare -A pps
for _ in $(seq "$ROUNDS"); do
	for m in $modes; do
		pps[$m]="${pps[$m]:-} $(round "$m")"
	done
done
base=$(tr ' ' '\n' <<<"${pps[off]}" | grep . | median)
for m in $modes; do
	v=$(tr ' ' '\n' <<<"${pps[$m]}" | grep . | median)
	echo "nft rule level [$where] $m: $v pps ($(awk -v a="$base" -v b="$v" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }') against off); rounds:${pps[$m]}"
done
grep -h 'kernel:\|nft netlink trace:' "$work/last-netlink" | sed "s/^skbtop: /[$where] last netlink round: /"

#!/usr/bin/env bash
# What the nftables trace key costs by itself: packets per second through an input chain of 20
# rules that all match (each then calls __nft_trace_packet while the key is on)
# between two namespaces, alternating rounds without and with a dormant table like skbtop's (an
# unhooked chain holding `meta nftrace set 0`), same run, medians printed. With the key on, every
# rule that matches or ends a chain calls __nft_trace_packet, which returns at once for packets not
# marked; skbtop's probe adds its own cost on kernels with kprobes (bench/nft_rule_level.sh).
# On the host it measures there, then in both QEMU guests. bench/nft_trace_key.sh [COUNT [ROUNDS]]
cd "$(dirname "$0")/.." || exit 1
if [ -z "${VM_KERNEL:-}" ] && [ -z "${NFT_BENCH_HOST_ONLY:-}" ]; then
	NFT_BENCH_HOST_ONLY=1 bash "$0" "$@"
	exec tests/vm/run --kernel all --timeout "${VM_BENCH_TIMEOUT:-1500}" bench/nft_trace_key.sh 20000 6
fi
. tests/lib.sh
. bench/nft_lib.bash
[ "$(id -u)" -eq 0 ] || { echo "nft_trace_key: needs root, skipped"; exit 0; }
command -v nft >/dev/null || { echo "nft_trace_key: no nft, skipped"; exit 0; }
COUNT=${1:-${NFT_BENCH_COUNT:-100000}} ROUNDS=${2:-${NFT_BENCH_ROUNDS:-6}}
keyon=skbtop_bench_keyon
EXTRA_CLEANUP="nft delete table inet $keyon 2>/dev/null"
ns_pair || exit 1
bench_chain "$NS_B" || exit 1
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen udp 9999 --count $((COUNT * ROUNDS * 2)) --timeout 600 \
	>/dev/null &
listener=$!
sleep 0.3

# pps: one round of COUNT datagrams; prints packets per second (EPOCHREALTIME: busybox date has no %N).
pps() {
	local t0 t1
	t0=${EPOCHREALTIME/./}
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count "$COUNT" --size 32 >/dev/null
	t1=${EPOCHREALTIME/./}
	echo $((COUNT * 1000000 / (t1 - t0)))
}

off=() on=()
for _ in $(seq "$ROUNDS"); do
	off+=("$(pps)")
	printf 'table inet %s {\n\tchain keyon {\n\t\tmeta nftrace set 0\n\t}\n}\n' "$keyon" | nft -f -
	on+=("$(pps)")
	nft delete table inet "$keyon"
done
kill "$listener" 2>/dev/null
m_off=$(printf '%s\n' "${off[@]}" | median)
m_on=$(printf '%s\n' "${on[@]}" | median)
echo "nft trace key [${VM_KERNEL:-host}]: ${m_off} pps without, ${m_on} pps with the dormant table" \
	"($(awk -v a="$m_off" -v b="$m_on" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')); rounds: off ${off[*]} / on ${on[*]}"

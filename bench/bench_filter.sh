#!/usr/bin/env bash
# The in-kernel filter's cost per packet: UDP floods between two namespaces while skbtop (tracepoint
# backend on this machine) judges every packet, with the kernel's own BPF run-time statistics
# (kernel.bpf_stats_enabled) summed over the skbtop programs of that run. Every case rejects every
# packet, so no event is written and the difference to the baseline is the filter alone:
#   floor        --empty-probes: the same hooks with programs that return at once
#   baseline     --filter-mark with a mark no packet has (the probe body, no expression)
#   EXPR         the same packets judged by a tcpdump expression that does not match them
# and one case that matches (the filter runs once per packet, then the skb is followed).
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
PACKETS=${PACKETS:-20000}
REPEAT=${REPEAT:-3}
if [ "$(id -u)" -ne 0 ] || [ ! -x "$SKBTOP" ] || [ ! -x "$TOOLS/sendpkt" ] ||
	! command -v bpftool >/dev/null || ! command -v jq >/dev/null; then
	echo "bench_filter: needs root, $SKBTOP, $TOOLS/sendpkt, bpftool and jq; skipped"
	exit 0
fi
ns_pair || exit 1
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
SK_PID=
EXTRA_CLEANUP='[ -n "$SK_PID" ] && kill -KILL $SK_PID 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled=$old_stats'
sysctl -qw kernel.bpf_stats_enabled=1

# own_progs PID: the ids of the BPF programs PID holds, comma-separated: other skbtop processes on a
# shared machine load programs of the same names.
own_progs() {
	sed -n 's/^prog_id:[[:space:]]*//p' /proc/"$1"/fdinfo/* 2>/dev/null | sort -un | paste -sd,
}

# once ARGS...: one flood under skbtop ARGS; prints "runs run_time_ns" of its programs.
once() {
	local ids err
	err=$(mktemp)
	"$SKBTOP" --stream --duration 120 --filter-netns "/run/netns/$NS_A" "$@" >/dev/null 2>"$err" &
	SK_PID=$!
	for _ in $(seq 200); do
		grep -q '^skbtop: load .* attach' "$err" && break
		sleep 0.1
	done
	ids=$(own_progs "$SK_PID")
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9 --count "$PACKETS" --size 32 >&2 ||
		echo "bench_filter: sendpkt failed" >&2
	bpftool prog show -j | jq -r --arg ids "$ids" '
		($ids | split(",") | map(tonumber)) as $want
		| [.[] | select(.id as $i | $want | index($i))]
		| "\(map(.run_cnt // 0) | add) \(map(.run_time_ns // 0) | add)"'
	kill -INT "$SK_PID"
	wait "$SK_PID"
	SK_PID=
	rm -f "$err"
}

# run NAME ARGS...: REPEAT floods; the median ns per program run, and per packet.
run() {
	local name=$1 runs
	shift
	runs=$(for _ in $(seq "$REPEAT"); do once "$@"; done |
		awk -v n="$PACKETS" '$1 > 0 { printf "%.0f %.0f %d\n", $2 / $1, $2 / n, $1 }' | sort -n)
	printf '%-58s %s\n' "$name" "$(sed -n "$(((REPEAT + 1) / 2))p" <<<"$runs" |
		awk '{ printf "%5d ns/run %6d ns/packet (%d runs per flood)", $1, $2, $3 }')"
}

echo "bench_filter: $PACKETS UDP datagrams 10.77.0.1 -> 10.77.0.2:9 per flood, median of $REPEAT"
run "floor: --empty-probes (the same hooks, programs that return)" --empty-probes
run "baseline (mark filter, no expression)" --filter-mark 0xdead
run "'udp port 53'" 'udp port 53'
run "'tcp port 443 and host 2001:db8::1'" 'tcp port 443 and host 2001:db8::1'
run "'net 192.168.0.0/16 or portrange 1000-2000 or icmp'" \
	'net 192.168.0.0/16 or portrange 1000-2000 or icmp'
run "'(udp[8:4] = 1 or udp[12:4] = 2) and len > 60'" '(udp[8:4] = 1 or udp[12:4] = 2) and len > 60'
run "no filter: every packet followed" --filter-netns "/run/netns/$NS_A"
run "'udp port 9': every packet followed" 'udp port 9'

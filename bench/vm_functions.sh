#!/usr/bin/env bash
# What more functions cost: loopback UDP datagrams per second in the QEMU guests with skbtop's default
# functions, with -n 600 and with -n 0 (every traceable function), untraced as the reference, all in
# the same boot. Each traced mode is measured twice: with a filter that matches nothing (what every
# packet pays) and following every packet. Under software emulation compare the ratios, not the rates.
# On the host this boots the guests one after the other (tests/vm/run); inside a guest it measures.
set -eu
if [ -z "${VM_KERNEL:-}" ]; then
	cd "$(dirname "$0")/.."
	for k in 6.12 6.1; do
		tests/vm/run --kernel "$k" --timeout "${VM_BENCH_TIMEOUT:-1500}" bench/vm_functions.sh
	done
	exit 0
fi

COUNT=${VM_FUNCTIONS_COUNT:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# rate: datagrams per second of COUNT datagrams sent to a listening socket on loopback (the receive
# side runs in the sender's softirq; datagrams the full socket drops are sent all the same).
rate() {
	local t0 t1 l
	sendpkt listen udp 9999 --count 1000000000 --timeout 600 >/dev/null &
	l=$!
	sleep 0.3
	t0=$EPOCHREALTIME
	sendpkt udp 127.0.0.1 9999 --count "$COUNT" --size 32
	t1=$EPOCHREALTIME
	kill $l
	wait $l 2>/dev/null || true
	awk -v n="$COUNT" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }'
}

# traced NAME ARGS...: the rate while skbtop ARGS runs; the functions attached in $work/NAME.n.
traced() {
	local name=$1 pid r
	shift
	skbtop --stream "$@" >/dev/null 2>"$work/$name.err" &
	pid=$!
	for _ in $(seq 3000); do
		grep -q '^skbtop: load' "$work/$name.err" && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	sed -nE 's/^skbtop: functions: ([0-9]+) attached.*/\1/p' "$work/$name.err" >"$work/$name.n"
	r=$(rate)
	kill -INT $pid || cat "$work/$name.err" >&2
	wait $pid || true
	echo "$r"
}

ip link set lo up
base=$(rate)
for mode in default "-n 600" "-n 0"; do
	args=()
	[ "$mode" = default ] || read -ra args <<<"$mode"
	for what in "udp port 1" ""; do
		r=$(traced m "${args[@]}" ${what:+"$what"})
		again=$(rate)
		awk -v k="$VM_KERNEL" -v m="$mode" -v n="$(cat "$work/m.n")" -v w="${what:-every packet followed}" \
			-v r="$r" -v b="$base" -v b2="$again" 'BEGIN {
			ref = (b + b2) / 2
			printf "vm_functions [%s] %-8s %5d functions, %-22s %7.0f datagrams/s, untraced %7.0f: ratio %.3f\n",
				k, m, n, w, r, ref, r / ref
		}'
		base=$again
	done
done

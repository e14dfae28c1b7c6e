#!/usr/bin/env bash
# Attach and detach times of every traceable skb function, per backend, on the real kernels of the QEMU
# test bed: kprobe and fentry on 6.1, kprobe.multi, kprobe and fentry on 6.12. The figures come from what
# skbtop itself prints (load/attach/detach in ms, functions attached). Under software emulation they are
# slow in absolute terms; compare backends and kernels with each other, not with a real machine.
# On the host this boots both guests (tests/vm/run); inside a guest it does the measuring.
set -eu
if [ -z "${VM_KERNEL:-}" ]; then
	cd "$(dirname "$0")/.."
	# Thousands of kprobes and trampolines attached one by one take many minutes under emulation.
	# VM_ATTACH_KERNEL=6.12 VM_ATTACH_BACKENDS=kprobe-multi: one guest, one backend.
	# shellcheck disable=SC2086 # the backends are words
	exec tests/vm/run --kernel "${VM_ATTACH_KERNEL:-all}" --timeout "${VM_BENCH_TIMEOUT:-1800}" \
		bench/vm_attach.sh ${VM_ATTACH_BACKENDS:-}
fi

case $VM_KERNEL in
6.1) backends="kprobe fentry" ;;
*) backends="kprobe-multi kprobe fentry" ;;
esac
[ $# -eq 0 ] || backends="$*"
cfg=$(mktemp)
err=$(mktemp)
trap 'rm -f "$cfg" "$err"' EXIT
# Every function the kernel lets skbtop probe, not only the important ones.
printf 'trace:\n  max_functions: 0\n  max_priority: unknown\n' >"$cfg"

status=0
for b in $backends; do
	start=$(cut -d' ' -f1 /proc/uptime)
	if ! skbtop --stream --backend "$b" --config "$cfg" --duration 1 -vv >/dev/null 2>"$err"; then
		echo "vm_attach [$VM_KERNEL] $b: skbtop failed:"
		sed 's/^/  /' "$err"
		status=1
		continue
	fi
	wall=$(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime)
	n=$(sed -nE 's/^skbtop: functions: ([0-9]+) attached.*/\1/p' "$err")
	failed=$(sed -nE 's/^skbtop: functions: [0-9]+ attached, ([0-9]+) failed.*/\1/p' "$err")
	load=$(sed -nE 's/^skbtop: load ([0-9.]+) ms, attach [0-9.]+ ms$/\1/p' "$err")
	attach=$(sed -nE 's/^skbtop: load [0-9.]+ ms, attach ([0-9.]+) ms$/\1/p' "$err")
	detach=$(sed -nE 's/^skbtop: detached in ([0-9.]+) ms$/\1/p' "$err")
	if [ -z "$n" ] || [ -z "$attach" ] || [ -z "$detach" ]; then
		echo "vm_attach [$VM_KERNEL] $b: skbtop did not print its attach and detach figures:"
		sed 's/^/  /' "$err"
		status=1
		continue
	fi
	awk -v k="$VM_KERNEL ($VM_RELEASE)" -v b="$b" -v n="$n" -v f="${failed:-0}" -v l="$load" \
		-v a="$attach" -v d="$detach" -v w="$wall" 'BEGIN {
		printf "vm_attach %-30s %-12s %5d functions (%d failed): load %7.0f ms, attach %8.0f ms (%.2f ms each), detach %8.0f ms (%.2f ms each); %s s in all\n",
			k, b, n, f, l, a, n ? a / n : 0, d, n ? d / n : 0, w
	}'
	# Where the attach time went (-vv): the kprobe.multi links, the clone probes, the tracepoints;
	# and the start-up phases before it (-v).
	links=$(sed -nE 's/^skbtop: debug: kprobe.multi: (.*)$/\1/p' "$err")
	steps=$(sed -nE 's/^skbtop: debug: attach: (.*)$/\1/p' "$err")
	phases=$(sed -nE 's/^skbtop: start-up: (.*)$/\1/p' "$err")
	[ -z "$links" ] || echo "vm_attach   $b link: $links"
	[ -z "$steps" ] || echo "vm_attach   $b attach steps: $steps"
	[ -z "$phases" ] || echo "vm_attach   $b start-up: $phases"
done
exit $status

#!/usr/bin/env bash
# Proves the QEMU test bed itself: the right kernel booted, with BTF, kprobes, nftables, namespaces and the
# project's tools working, so that a failing trace or NFT scenario is about skbtop and not about the bed.
# Runs inside a guest: tests/vm/run --kernel all tests/vm/scenarios/smoke.sh
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../../lib.sh"

quietly() { "$@" >/dev/null 2>&1; }

if [ -z "${VM_KERNEL:-}" ]; then
	skip "the QEMU test bed works" "runs inside a tests/vm/run guest"
	exit 0
fi

release=$(uname -r)
check "the guest runs the $VM_KERNEL kernel that was asked for ($release)" \
	test "$release" = "$VM_RELEASE" -a "${release#"$VM_KERNEL".}" != "$release"
check "the kernel exposes its BTF in /sys/kernel/btf/vmlinux" test -s /sys/kernel/btf/vmlinux
mounted() { for m; do grep -q " $m " /proc/mounts || return 1; done; }
check "tracefs, debugfs and bpffs are mounted" \
	mounted '/sys/kernel/tracing tracefs' '/sys/kernel/debug debugfs' '/sys/fs/bpf bpf'

# Every module the bed promises is loaded, unless this kernel has it built in.
missing=
while read -r mod; do
	case $mod in '' | '#'*) continue ;; esac
	grep -q "^$mod " /proc/modules || grep -q "/$mod\.ko" "/lib/modules/$release/modules.builtin" ||
		missing="$missing $mod"
done </etc/skbtop-vm/modules
check "the modules of tests/vm/modules are loaded${missing:+ (missing:$missing)}" test -z "$missing"
check "nf_tables' own BTF is there for skbtop (/sys/kernel/btf/nf_tables)" test -s /sys/kernel/btf/nf_tables

check "skbtop (the static build) runs in the guest" quietly skbtop --version

nfuncs=$(wc -l </sys/kernel/tracing/available_filter_functions 2>/dev/null || echo 0)
check "available_filter_functions is readable and lists ip_rcv among $nfuncs functions" \
	grep -qw '^ip_rcv' /sys/kernel/tracing/available_filter_functions

if ! ns_pair; then
	not_ok "two namespaces joined by a veth pair can be made"
	exit 1
fi
ok "two namespaces joined by a veth pair can be made"

# A kprobe that really fires, counted by the kernel's own kprobe profile.
tr=/sys/kernel/tracing
if echo 'p:skbtop_smoke ip_rcv' >>"$tr/kprobe_events" && echo 1 >"$tr/events/kprobes/skbtop_smoke/enable"; then
	ping_ok=0
	ip netns exec "$NS_A" ping -c 2 -W 2 10.77.0.2 >/dev/null && ping_ok=1
	hits=$(awk '$1 == "skbtop_smoke" { print $2 }' "$tr/kprobe_profile")
	echo 0 >"$tr/events/kprobes/skbtop_smoke/enable"
	echo '-:skbtop_smoke' >>"$tr/kprobe_events"
	check "a veth pair between two namespaces passes an IPv4 ping" test "$ping_ok" = 1
	check "a kprobe on ip_rcv attaches and fires for the ping ($hits hits)" test "${hits:-0}" -ge 2
else
	not_ok "a kprobe on ip_rcv attaches and fires for the ping"
fi
check "the veth pair passes an IPv6 ping" quietly ip netns exec "$NS_A" ping -6 -c 1 -W 2 fd77::2

# listen_then NS OUTFILE ARGS...: starts `sendpkt listen ARGS` in NS and waits until it is bound.
listen_then() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" sendpkt listen "$@" >"$out" 2>&1 &
	for _ in $(seq 50); do
		grep -q '^listening' "$out" && return 0
		sleep 0.1
	done
	return 1
}

out=$(mktemp)
EXTRA_CLEANUP="rm -f $out"
listen_then "$NS_B" "$out" udp 9999 --count 2 --timeout 5
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --size 100 --src-port 4242
ip netns exec "$NS_A" sendpkt udp fd77::2 9999 --size 60
wait $!
check "sendpkt delivers a UDP datagram from a fixed port between namespaces over IPv4" \
	grep -q '^udp 10.77.0.1:4242 100 bytes' "$out"
check "sendpkt delivers a UDP datagram between namespaces over IPv6" grep -q '^udp \[fd77::1\]:[0-9]* 60 bytes' "$out"

listen_then "$NS_B" "$out" tcp 8080 --timeout 5
ip netns exec "$NS_A" sendpkt tcp 10.77.0.2 8080 --count 4 --size 1000
wait $!
check "sendpkt connects over TCP between namespaces and its 4000 bytes arrive" \
	grep -q '^tcp 10.77.0.1:[0-9]* 4000 bytes' "$out"
check "sendpkt reports a TCP connection to a closed port as refused" \
	sh -c "! ip netns exec $NS_A sendpkt tcp 10.77.0.2 8081 2>/dev/null"

nft_ok=0
ip netns exec "$NS_B" nft -f - <<'EOF' && nft_ok=1
table inet smoke {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 7777 counter drop
	}
}
EOF
check "nft loads a ruleset into nf_tables in a namespace" test "$nft_ok" = 1
check "nft lists the ruleset with rule handles" \
	sh -c "ip netns exec $NS_B nft -a list ruleset | grep -q 'udp dport 7777 counter packets 0 bytes 0 drop # handle [0-9]'"
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 7777 --count 3
check "the nft rule counts the 3 datagrams it drops" \
	sh -c "ip netns exec $NS_B nft list ruleset | grep -q 'counter packets 3 bytes'"

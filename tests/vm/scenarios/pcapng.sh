#!/usr/bin/env bash
# Inside a tests/vm/run guest (real kprobes, default functions): -w captures a datagram dropped at a
# closed port on every backend the kernel offers (the capture is BPF code each kernel's verifier must
# take), writes as many packets as it says with no capture lost, and the file is pcapng with the
# journey in it. The guest has no tshark: each file is printed in base64 between
# "# pcapng-begin KERNEL BACKEND" and "# pcapng-end", and tests/vm/pcapng_read reads it with tshark and
# capinfos on the host.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
TRACE_WAIT=300

if [ -z "${VM_KERNEL:-}" ]; then
	skip "-w captures on real kernels" "runs inside a tests/vm/run guest"
	exit 0
fi
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
case $VM_KERNEL in
6.1) backends="kprobe fentry" ;;
*) backends="kprobe-multi kprobe fentry" ;;
esac
port=41000
for b in $backends; do
	port=$((port + 1))
	f=$TRACE_DIR/$b.pcapng
	# fentry attaches one trampoline at a time, half a second each in the 6.12 guest: the capture's
	# code is the same with fewer functions.
	more=()
	[ "$b" = fentry ] && more=(--max-functions 40)
	trace_start "$b" --stream --backend "$b" --filter-netns "/run/netns/$NS_A" -w "$f" "${more[@]}" ||
		{ not_ok "[$VM_KERNEL] skbtop -w starts on $b"; continue; }
	ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --src-port "$port" --size 50
	sleep 1
	trace_stop INT
	check "[$VM_KERNEL] $b: -w exits 0, having written packets and lost none ($(grep pcapng "$TRACE_ERR"))" \
		sh -c "[ $TRACE_RC -eq 0 ] && grep -qE '^skbtop: pcapng: [1-9][0-9]* packets written to .*, 0 captures lost$' '$TRACE_ERR'"
	check "[$VM_KERNEL] $b: the file starts with a pcapng section header" \
		test "$(od -An -tx1 -N4 "$f" | tr -d ' ')" = 0a0d0d0a
	check "[$VM_KERNEL] $b: a packet's comment tells the drop at the closed port (NO_SOCKET)" \
		grep -qa 'dropped NO_SOCKET at __udp4_lib_rcv' "$f"
	echo "# pcapng-begin $VM_KERNEL $b"
	base64 "$f" | sed 's/^/# /'
	echo "# pcapng-end"
done

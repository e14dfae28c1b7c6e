#!/usr/bin/env bash
# How the probes read a packet's headers, and that every way gives the packet's tuple: in place
# where the kernel lets an address be typed as read-only bytes (its BTF lists
# BPF_FEAT_RDONLY_CAST_TO_VOID, 6.17+) or as a struct (bpf_rdonly_cast, 6.2+), by a helper's copy
# elsewhere; one read for an IPv4 header and the transport header after it, a second read where
# IPv4 options put the transport header further on.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "headers are read"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null)
if grep -q "'BPF_FEAT_RDONLY_CAST_TO_VOID'" <<<"$btf"; then
	want="loaded in place (bpf_rdonly_cast to void)"
elif grep -q "FUNC 'bpf_rdonly_cast'" <<<"$btf"; then
	want="headers loaded in place, and the filter's first 256"
else
	want="copied by bpf_probe_read_kernel"
fi
unset btf
trace_start hdrs -vv --stream --format json --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts and attaches"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40011 --size 20
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9998 --src-port 40012 --size 20 --ip-options
sleep 1
trace_stop INT
out=$TRACE_OUT

check "skbtop says packet bytes are $want on this kernel" \
	grep -q "packet bytes: $want" "$TRACE_ERR"
for case in "40011 9999 20-byte" "40012 9998 24-byte"; do
	read -r sport dport what <<<"$case"
	tuple=".family == \"IPv4\" and .proto == \"udp\" and .src == \"10.77.0.1\" and .sport == $sport and .dst == \"10.77.0.2\" and .dport == $dport"
	ids=$(ids_of "$out" "$tuple")
	check "a datagram with a $what IPv4 header is one journey with its tuple (got: $(echo $ids))" \
		test "$(echo "$ids" | grep -c .)" -eq 1
	id=$(echo "$ids" | head -1)
	check "the $what header's journey has its ports from both sides of the veth" \
		test "$(jq -r "select(.id == ${id:-0}) | select($tuple) | .ifname // empty" "$out" |
			sort -u | tr '\n' ' ')" = "veth_a veth_b "
	check "the $what header's journey ends in the closed-port drop" \
		any_event "$out" "$tuple and .type == \"drop\" and .reason == \"NO_SOCKET\""
done

#!/usr/bin/env bash
# Where the kernel has bpf_rdonly_cast, the tracepoint programs loaded are the raw_tp variant that
# casts the skb to an untrusted sk_buff (verified several times faster than tp_btf's trusted one,
# same plain loads, and its address a number for the tracking table), and they still report
# packets: a datagram to a closed port ends in its drop reason.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root "tracepoint program variant"
. tests/integration/trace_lib.bash
command -v bpftool >/dev/null || { skip "tracepoint program variant" "needs bpftool"; exit 0; }
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }

if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "FUNC 'bpf_rdonly_cast'"; then
	want=skbtop_tpc_
else
	want=skbtop_tpb_
fi
trace_start tp --stream --format json --backend tracepoint --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts"; exit 1; }
names=$(for id in $(awk "/^prog_id:/ { print \$2 }" /proc/"$TRACE_PID"/fdinfo/* 2>/dev/null | sort -u); do
	bpftool prog show id "$id" -j 2>/dev/null | jq -r '.name'
done | grep '^skbtop_t' | sort -u)
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40300 --size 20
sleep 1
trace_stop INT
n=$(grep -c . <<<"$names")
others=$(grep -v "^$want" <<<"$names" | tr '\n' ' ')
check "the $n tracepoint programs are all ${want}*${others:+ (not: $others)}" \
	test "$n" -ge 10 -a -z "$others"
check "they report the datagram to a closed port with its drop reason" \
	any_event "$TRACE_OUT" '.sport == 40300 and .type == "drop" and .reason == "NO_SOCKET"'

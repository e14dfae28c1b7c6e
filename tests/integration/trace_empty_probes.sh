#!/usr/bin/env bash
# --empty-probes, the floor `make bench` compares skbtop with: the same hooks as a normal run, with
# programs the verifier cut down to a return, that follow nothing.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "--empty-probes attaches the floor"
if ! command -v bpftool >/dev/null; then
	skip "--empty-probes attaches the floor" "needs bpftool"
	exit 0
fi
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
# A base chain, so that a normal run brackets it with netfilter programs; the floor must not.
ip netns exec "$NS_A" nft -f - <<'EOF2'
table inet floor_test {
	chain out {
		type filter hook output priority 0; policy accept;
	}
}
EOF2

attached() { sed -nE 's/.*tracepoints: ([0-9]+) attached.*/\1/p' "$TRACE_ERR"; }

trace_start normal --stream --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts"; exit 1; }
normal_tps=$(attached)
read -r normal_n normal_max <<<"$(prog_sizes "$TRACE_PID")"
trace_stop INT

trace_start empty --stream --empty-probes --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop --empty-probes starts"; exit 1; }
empty_tps=$(attached)
read -r empty_n empty_max <<<"$(prog_sizes "$TRACE_PID")"
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count 50 --size 20
sleep 0.5
trace_stop INT

check "the same tracepoints attach with and without --empty-probes ($empty_tps = $normal_tps)" \
	test -n "$empty_tps" -a "$empty_tps" = "$normal_tps"
check "the floor loads one program per tracepoint, nothing for nftables ($empty_n = $empty_tps; normal run: $normal_n)" \
	test "${empty_n:-0}" -gt 0 -a "$empty_n" = "$empty_tps" -a "${normal_n:-0}" -gt "$empty_n"
# An empty program is a handful of instructions (the load of the setting, a return); skbtop's are
# hundreds.
check "the empty programs are at most 16 instructions ($empty_max; skbtop's: $normal_max)" \
	test "${empty_max:-999}" -le 16
sent=$(sed -nE 's/.*kernel: ([0-9]+) events sent.*/\1/p' "$TRACE_ERR")
check "nothing is followed while packets flow (${sent:-?} events sent)" test "${sent:-1}" -eq 0
check "it exits 0 on Ctrl-C" test "$TRACE_RC" -eq 0

"$SKBTOP" --stream --empty-probes --nft-netlink-trace --duration 1 >/dev/null 2>"$TRACE_DIR/both.err"
rc=$?
check "--empty-probes with --nft-netlink-trace is a usage error with one line (rc $rc)" \
	test "$rc" -eq 2 -a "$(grep -c . "$TRACE_DIR/both.err")" -eq 1

# --empty-probes=emit, the floor of a followed packet's event: every skb a probe sees goes to user
# space as a short record, filter or not, and nothing is followed.
trace_start emit --stream --empty-probes=emit --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop --empty-probes=emit starts"; exit 1; }
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count 50 --size 20
sleep 0.5
trace_stop INT
read -r sent ring_lost <<<"$(sed -nE 's/.*kernel: ([0-9]+) events sent, ([0-9]+) lost.*/\1 \2/p' "$TRACE_ERR")"
queue_lost=$(sed -nE 's/.*user space: ([0-9]+) lost \(queue full\).*/\1/p' "$TRACE_ERR")
tracked=$(sed -nE 's/.* ([0-9]+) skbs tracked.*/\1/p' "$TRACE_ERR")
lines=$(grep -c '^\[' "$TRACE_OUT")
queued=$(grep -c 'net:net_dev_queue' "$TRACE_OUT")
check "each datagram's net_dev_queue is an event ($queued for 50 datagrams)" test "$queued" -ge 50
check "every event the kernel sent is a line or counted lost (${sent:-?} sent = $lines lines + ${queue_lost:-?} lost in the queue; ${ring_lost:-?} in the ring)" \
	test -n "$sent" -a "$sent" = "$((lines + ${queue_lost:-0}))"
check "the emitting floor follows nothing (${tracked:-?} skbs tracked)" test "${tracked:-1}" -eq 0
check "it exits 0 on Ctrl-C" test "$TRACE_RC" -eq 0

"$SKBTOP" --stream --empty-probes=all --duration 1 >/dev/null 2>"$TRACE_DIR/bad.err"
rc=$?
check "--empty-probes=all is a usage error with one line (rc $rc: $(head -c 80 "$TRACE_DIR/bad.err"))" \
	test "$rc" -eq 2 -a "$(grep -c . "$TRACE_DIR/bad.err")" -eq 1

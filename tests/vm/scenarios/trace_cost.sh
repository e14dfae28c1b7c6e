#!/usr/bin/env bash
# Inside a tests/vm/run guest: the cost at exit sums every program skbtop loaded, whatever the
# backend: with fentry one program per function (the object's and the copies loaded for the other
# functions), with kprobe.multi a few programs for many functions; and they ran for the packets.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
TRACE_WAIT=300

if [ -z "${VM_KERNEL:-}" ]; then
	skip "the cost on every backend" "runs inside a tests/vm/run guest"
	exit 0
fi
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

# cost_of BACKEND: 20 datagrams traced with --backend BACKEND, 30 functions; sets COST, FUNCS, TPS.
cost_of() {
	local b=$1
	COST=
	trace_start "cost-$b" --stream --format json --backend "$b" --max-functions 30 \
		--filter-netns "/run/netns/$NS_A" ||
		{ not_ok "[$b] skbtop starts"; return 1; }
	sleep 1
	ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --count 20 --interval 10 --size 20
	sleep 1
	trace_stop INT
	FUNCS=$(sed -nE 's/^skbtop: functions: ([0-9]+) attached.*/\1/p' "$TRACE_ERR")
	TPS=$(sed -nE 's/.*tracepoints: ([0-9]+) attached.*/\1/p' "$TRACE_ERR")
	COST=$(jq -c 'select(.stats) | .stats.cost' "$TRACE_OUT")
	echo "# $b: $FUNCS functions, $TPS tracepoints; cost $COST"
}
jqc() { jq -e "$1" <<<"$COST" >/dev/null; }

if cost_of fentry; then
	check "[fentry] the cost sums a program per function and per tracepoint ($FUNCS + $TPS)" \
		jqc ".bpf_programs >= ${FUNCS:-1} + ${TPS:-1}"
	check "[fentry] the programs ran for the packets" jqc '.bpf_runs > 0 and .bpf_run_ns > 0'
fi
case $VM_KERNEL in
6.1) b=kprobe ;;
*) b=kprobe-multi ;;
esac
if cost_of "$b"; then
	check "[$b] the cost sums the programs loaded ($(jq .bpf_programs <<<"$COST")), at least the tracepoints'" \
		jqc ".bpf_programs >= ${TPS:-1}"
	check "[$b] the programs ran for the packets" jqc '.bpf_runs > 0 and .bpf_run_ns > 0 and .bpf_ns_per_run > 0'
fi

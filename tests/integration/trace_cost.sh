#!/usr/bin/env bash
# What tracing cost, in --stream's statistics: with packets flowing between two namespaces the
# kernel's run time of skbtop's BPF programs and skbtop's own CPU time are there and not zero, under
# the same names in JSON, text, on stderr and in the saved session; the kernel's statistics, which
# cost every run two clock reads, are on for a tenth of each second only; without CAP_SYS_ADMIN the
# BPF part says why it is missing.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "the tracer's cost"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
cost_of() { jq -c 'select(.stats) | .stats.cost' "$1"; }
stats_of() { jq -c 'select(.stats) | .stats' "$1"; }
jqc() { jq -e "$1" <<<"$2" >/dev/null; }
# traffic: 600 datagrams to a closed port of the second namespace, over 3 s.
traffic() { ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 7777 --count 600 --interval 5; }
# runs_of PID: the kernel's run count summed over the BPF programs PID holds.
runs_of() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ { print $2 }' | sort -u |
		while read -r id; do bpftool prog show id "$id" -j | jq '.run_cnt // 0'; done |
		awk '{ n += $1 } END { print n + 0 }'
}

trace_start json --stream --format json --filter-netns "/run/netns/$NS_B" \
	--output "$TRACE_DIR/session.json" udp port 7777 ||
	{ not_ok "skbtop --stream --format json starts"; exit 1; }
# The cost counts from when the poller runs, a moment after the attach line.
sleep 1
traffic
sleep 0.5
runs=$(runs_of "$TRACE_PID")
trace_stop INT
check "skbtop exits 0" test "$TRACE_RC" -eq 0
stats=$(stats_of "$TRACE_OUT")
cost=$(cost_of "$TRACE_OUT")
tps=$(sed -n 's/.*tracepoints: \([0-9]*\) attached.*/\1/p' "$TRACE_ERR")
echo "# cost: $cost"
check "the JSON statistics have a cost object" jqc 'type == "object"' "$cost"
check "it sums at least the $tps attached tracepoints' programs" \
	jqc ".bpf_programs >= ${tps:-1}" "$cost"
check "the BPF programs ran, for some time, while packets flowed" \
	jqc '.bpf_runs > 0 and .bpf_run_ns > 0 and .bpf_ns_per_run > 0 and .bpf_runs_per_s > 0 and .bpf_cpu_pct > 0' "$cost"
check "the time per run is the run time over the runs" \
	jqc '((.bpf_run_ns / .bpf_runs) - .bpf_ns_per_run | fabs) <= 1' "$cost"
check "the runs per second are the runs over the seconds the statistics were on" \
	jqc '((.bpf_runs / .bpf_sampled_s) - .bpf_runs_per_s | fabs) / .bpf_runs_per_s < 0.01' "$cost"
if [ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 0 ]; then
	check "the statistics were on for about a tenth of the session" \
		jqc '.bpf_sampled_s > 0.05 * .seconds and .bpf_sampled_s < 0.2 * .seconds' "$cost"
	# Each event is a run: counted all along, the kernel's runs would be at least the events.
	check "the kernel counted fewer runs than there were events ($runs runs, $(jq .events <<<"$stats") events)" \
		test "$runs" -gt 0 -a "$((runs * 2))" -lt "$(jq .events <<<"$stats")"
else
	skip "the statistics' duty cycle" "kernel.bpf_stats_enabled is set: they are on all along"
fi
check "the process and its poller thread used CPU time, the poller's part of the process's" \
	jqc '.process_cpu_pct > 0 and .poller_cpu_pct > 0 and .poller_cpu_pct <= .process_cpu_pct + 0.01' "$cost"
check "the total is BPF plus process" \
	jqc '(.cpu_pct - .bpf_cpu_pct - .process_cpu_pct | fabs) <= 0.02' "$cost"
check "the session lasted what the run lasted (> 3 s)" jqc '.seconds > 3 and .seconds < 60' "$cost"
check "nothing says the BPF figures are unavailable" jqc 'has("bpf_unavailable") | not' "$cost"
check "the saved session keeps the same cost in its statistics" \
	test "$(jq -c .stats.cost "$TRACE_DIR/session.json")" = "$cost"

trace_start text --stream --filter-netns "/run/netns/$NS_B" udp port 7777 ||
	{ not_ok "skbtop --stream starts"; exit 1; }
sleep 1
traffic
trace_stop INT
row=$(grep '^cost ' "$TRACE_OUT")
echo "# $row"
check "the text statistics end with a cost row" test -n "$row"
check "its names are the JSON object's, in the same order" \
	test "$(awk '{ for (i = 2; i <= NF; i += 2) print $i }' <<<"$row" | tr '\n' ' ')" = \
	"$(jq -r 'keys_unsorted[]' <<<"$cost" | tr '\n' ' ')"
check "it counts BPF runs" grep -qE '^cost .* bpf_runs [1-9][0-9]* ' "$TRACE_OUT"
check "stderr says the same at exit, for the screen's users" \
	test "$(sed -n 's/^skbtop: cost: //p' "$TRACE_ERR")" = "$(sed -n 's/^cost  *//p' "$TRACE_OUT")"

# Without CAP_SYS_ADMIN the kernel refuses to turn its statistics on, unless they are on already
# (sysctl kernel.bpf_stats_enabled=1, which this test leaves alone).
if ! command -v setpriv >/dev/null; then
	skip "without CAP_SYS_ADMIN" "setpriv missing (util-linux)"
	exit 0
fi
before=$(cat /proc/sys/kernel/bpf_stats_enabled)
"$(command -v setpriv)" --bounding-set -sys_admin "$SKBTOP" --stream --format json --duration 2 \
	udp port 7777 >"$TRACE_DIR/nocap.out" 2>"$TRACE_DIR/nocap.err" &
nocap=$!
sleep 1
traffic
wait "$nocap"
rc=$?
after=$(cat /proc/sys/kernel/bpf_stats_enabled)
cost=$(cost_of "$TRACE_DIR/nocap.out")
echo "# without CAP_SYS_ADMIN (kernel.bpf_stats_enabled $before, then $after): $cost"
check "without CAP_SYS_ADMIN skbtop still traces and exits 0" test "$rc" -eq 0
if [ "$before$after" = 00 ]; then
	check "without CAP_SYS_ADMIN the cost says why there is no BPF figure" \
		jqc '.bpf_unavailable | test("kernel BPF stats unavailable: Operation not permitted")' "$cost"
	check "and gives no BPF figure, nor a total that would leave it out" \
		jqc 'has("bpf_cpu_pct") or has("cpu_pct") or has("bpf_runs") | not' "$cost"
	check "and still the process's CPU time" jqc '.process_cpu_pct > 0' "$cost"
	check "it warns on stderr once, at the start" \
		test "$(grep -c 'warning: cost: BPF run time not shown, kernel BPF stats unavailable' "$TRACE_DIR/nocap.err")" -eq 1
elif [ "$before$after" = 11 ]; then
	check "without CAP_SYS_ADMIN but with the statistics already on, the BPF figures are there" \
		jqc '.bpf_runs > 0 and (has("bpf_unavailable") | not)' "$cost"
else
	skip "without CAP_SYS_ADMIN" "kernel.bpf_stats_enabled changed during the run ($before, $after)"
fi

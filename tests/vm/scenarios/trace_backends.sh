#!/usr/bin/env bash
# Inside a tests/vm/run guest: each forced backend either works (function events for a real packet,
# counts printed, every event sent read even when stopped mid-traffic, nothing left attached) or,
# when the kernel lacks it, fails with a clear error.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
TRACE_WAIT=300

if [ -z "${VM_KERNEL:-}" ]; then
	skip "forced backends on real kernels" "runs inside a tests/vm/run guest"
	exit 0
fi
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
# check_table_count dumps the tracking table: its default 16,384 slots took 40 s of bpftool and jq
# per backend in the 6.12 guest, 1,024 take a few. How entries come and go does not depend on it.
printf 'trace:\n  track_max: 1024\n' >"$TRACE_DIR/small_table.yaml"

# try_backend NAME: a UDP datagram to a closed port, traced with --backend NAME.
try_backend() {
	local b=$1 mine left attached hooks max=150 only=()
	# fentry attaches and detaches one trampoline at a time, half a second each in the 6.12 guest:
	# 150 of them took two minutes of the suite's thirty. The IPv4 layer's first 40 hold ip_rcv.
	[ "$b" = fentry ] && max=40 only=(--filter-func '^(__)?ip_')
	trace_start "$b" --stream --format json --backend "$b" --max-functions "$max" "${only[@]}" \
		--filter-netns "/run/netns/$NS_A" -c "$TRACE_DIR/small_table.yaml" ||
		{ not_ok "[$b] skbtop starts"; return; }
	sed -n 's/^skbtop: //p' "$TRACE_ERR" | sed "s/^/# $b: /"
	attached=$(sed -nE 's/^skbtop: functions: ([0-9]+) attached.*/\1/p' "$TRACE_ERR")
	check "--backend $b attaches functions and says so (${attached:-none}, --max-functions $max)" \
		test "${attached:-0}" -gt $((max * 2 / 3))
	[ "$b" = kprobe-multi ] && check_one_ftrace_user nf_hook_slow
	ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --src-port 40100 --size 20
	sleep 1
	check_table_count "$b"
	# Still sending while skbtop stops: what the probes sent until they were off is read. From
	# the start, so that the first second, whose BPF run time is measured, has runs.
	ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9998 --count 1000000 --interval 1 \
		--timeout 60 >/dev/null 2>&1 &
	sender=$!
	sleep 2
	mine=$(held_links "$TRACE_PID")
	trace_stop TERM
	kill "$sender" 2>/dev/null
	wait "$sender" 2>/dev/null
	# The flood leaves tens of MB of JSON, tens of seconds a jq pass in a guest: jq reads only
	# the lines grep finds, the datagram's and the counts'.
	grep -F '"stats":' "$TRACE_OUT" >"$TRACE_DIR/$b.stats"
	grep -F '"sport":40100' "$TRACE_OUT" >"$TRACE_DIR/$b.datagram"
	sent=$(sed -nE 's/^skbtop: kernel: ([0-9]+) events sent.*/\1/p' "$TRACE_ERR")
	accounted=$(jq -rs 'map(select(has("stats")))[0].stats
		| .events + .lost_queue + .bad_records' "$TRACE_DIR/$b.stats")
	check "--backend $b: stopped while traffic flows, every event sent arrived or is counted (${sent:-?} = $accounted)" \
		test "${sent:-0}" -gt 0 -a "${sent:-0}" = "$accounted"
	grep -E '^skbtop: detached' "$TRACE_ERR" | sed "s/^/# $b: /"
	check "--backend $b: the datagram's journey has function events through ip_rcv to the drop" \
		any_event "$TRACE_DIR/$b.datagram" '.sport == 40100 and .type == "func" and .func == "ip_rcv"'
	check "--backend $b: the function events come with the right tuple and device" \
		any_event "$TRACE_DIR/$b.datagram" '.sport == 40100 and .type == "func" and .func == "ip_rcv" and .dst == "10.77.0.2" and .ifname == "veth_b"'
	# AppArmor, on in the guests as in Debian, hooks IPv4 postrouting in every namespace. The
	# frame of the call comes from the main object's program on nf_hook_slow (kprobe,
	# kprobe-multi) or the nftables object's own entry probe (fentry, whose functions here leave
	# nf_hook_slow out).
	hooks=$(jq -r 'select(.type == "nf_hook") | "\(.nft.hook):\(.nft.verdict)"' "$TRACE_DIR/$b.datagram" | tr '\n' ' ')
	check "--backend $b: nf_hook_slow's verdict at the sender's postrouting is in the datagram's journey (${hooks:-no hook verdict})" \
		any_event "$TRACE_DIR/$b.datagram" '.type == "nf_hook" and .nft.hook == "postrouting" and .nft.verdict == "accept"'
	left=$(links_left "$mine")
	check "--backend $b: SIGTERM leaves none of its $(echo "$mine" | grep -c .) links${left:+ (left: $left)}" \
		test -z "$left"
	check_cost "$b" "$attached"
}

# check_kmulti_table: on kprobe.multi the probes find a function's cookie by its address in a table
# user space fills (the kernel's own lookup is a binary search): the functions attached by address
# are in it, but for the odd one whose four slots are taken (its runs read the cookie).
check_kmulti_table() {
	local placed total
	skbtop --stream --backend kprobe-multi --max-functions 150 --duration 1 -vv >/dev/null \
		2>"$TRACE_DIR/kmt.err"
	read -r placed total < <(sed -nE 's/^skbtop: debug: kprobe.multi: the cookies of ([0-9]+) of ([0-9]+) functions.*/\1 \2/p' \
		"$TRACE_DIR/kmt.err")
	check "--backend kprobe-multi: the functions' cookies are in the table by address (${placed:-?} of ${total:-?})" \
		test "${placed:-0}" -gt 100 -a $((${placed:-0} * 100)) -ge $((${total:-1} * 98))
}

# check_hook_return HOW: nf_hook_slow's return is probed by HOW (fexit or kretprobe), whichever
# costs the kernel less: fexit where it has no kprobe.multi (6.1), a kretprobe where it has (its
# returns are cheaper there). try_backend checks that the verdicts arrive either way.
check_hook_return() {
	skbtop --stream --max-functions 20 --duration 1 -vv >/dev/null 2>"$TRACE_DIR/hr.err"
	check "nf_hook_slow's return is probed by $1 on $VM_KERNEL ($(sed -n "s/^skbtop: debug: nft: nf_hook_slow's return probed by //p" "$TRACE_DIR/hr.err"))" \
		grep -q "^skbtop: debug: nft: nf_hook_slow's return probed by $1" "$TRACE_DIR/hr.err"
}

# check_one_ftrace_user FUNC: on kprobe.multi a function the nftables object kprobes too gets a
# kprobe from the main object, so that ftrace calls it through the kprobes' one user rather than
# through its list of every user (the fprobe of each link and the kprobes').
check_one_ftrace_user() {
	local users
	users=$(sed -nE "s/^$1 \(([0-9]+)\).*/\1/p" /sys/kernel/tracing/enabled_functions)
	check "--backend kprobe-multi: $1, which the nftables object kprobes too, has one ftrace user (${users:-not traced})" \
		test "${users:-0}" = 1
}

# check_table_count BACKEND: with the datagram and its ICMP error freed, the count of entries in
# the tracking table (an end function skips its lookup while that count reads none) is what the
# table holds, and the end functions removed every entry.
check_table_count() {
	local gauge held
	gauge=$(bpftool map dump name .data.gauges -j | jq '.[0].formatted.value[".data.gauges"][0].skbtop_gauges[1]')
	held=$(bpftool map dump name skbtop_tracked -j | jq '[.[] | select(.formatted.value.skb != 0)] | length')
	check "--backend $1: the tracking table's count of entries is what it holds (${gauge:-?} = ${held:-?}), none once the packets were freed" \
		test "${gauge:-x}" = "${held:-y}" -a "${held:-1}" = 0
}

# check_cost BACKEND ATTACHED: the cost at exit sums every program loaded (with fentry one per
# function: the object's and the copies loaded for the others), and they ran.
check_cost() {
	local b=$1 least cost tps
	tps=$(sed -nE 's/.*tracepoints: ([0-9]+) attached.*/\1/p' "$TRACE_ERR")
	cost=$(jq -c 'select(.stats) | .stats.cost' "$TRACE_DIR/$1.stats")
	echo "# $b: cost $cost"
	least=${tps:-1}
	[ "$b" = fentry ] && least=$((least + ${2:-1}))
	check "--backend $b: the cost sums at least $least programs, which ran" \
		jq -e ".bpf_programs >= $least and .bpf_runs > 0 and .bpf_run_ns > 0" <<<"$cost"
}

# check_floors NAME: on backend NAME, --empty-probes holds programs the verifier cut down to a
# return (none of the emitting floor's reads left in them: a floor that read a cookie cost the
# 6.12 guest 35 instructions a run more), and --empty-probes=emit sends the functions' events.
check_floors() {
	local b=$1 n max funcs only=(--max-functions 50)
	# fentry: a trampoline a function, half a second each to attach.
	[ "$b" = fentry ] && only=(--max-functions 10 --filter-func '^(__)?ip_')
	trace_start "floor-$b" --stream --empty-probes --backend "$b" "${only[@]}" ||
		{ not_ok "[$b] skbtop --empty-probes starts"; return; }
	read -r n max <<<"$(prog_sizes "$TRACE_PID")"
	trace_stop INT
	check "--backend $b: the floor's ${n:-0} programs are at most 16 instructions (${max:-?})" \
		test "${n:-0}" -gt 0 -a "${max:-999}" -le 16
	trace_start "emit-$b" --stream --format json --empty-probes=emit --backend "$b" "${only[@]}" ||
		{ not_ok "[$b] skbtop --empty-probes=emit starts"; return; }
	ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --count 20 --size 20
	sleep 1
	trace_stop INT
	funcs=$(jq -s '[.[] | select(.type == "func")] | length' "$TRACE_OUT")
	check "--backend $b: the emitting floor sends each function's run as an event (${funcs:-0} for 20 datagrams)" \
		test "${funcs:-0}" -ge 20
}

try_backend fentry
check_floors fentry
case $VM_KERNEL in
6.1)
	skbtop --stream --backend kprobe-multi >/dev/null 2>"$TRACE_DIR/km.err"
	rc=$?
	check "--backend kprobe-multi on 6.1 fails (status $rc) saying the kernel lacks it: $(cat "$TRACE_DIR/km.err")" \
		sh -c "[ $rc -eq 1 ] && grep -q '^skbtop: --backend kprobe.multi: kernel has no kprobe.multi' '$TRACE_DIR/km.err'"
	try_backend kprobe
	check_floors kprobe
	check_hook_return fexit
	;;
*)
	try_backend kprobe-multi
	check_kmulti_table
	check_floors kprobe-multi
	try_backend kprobe
	check_hook_return kretprobe
	;;
esac

# --functions: exactly the functions asked for, and a name the kernel lacks is bad usage.
trace_start funcs --stream --format json --functions ip_rcv,__udp4_lib_rcv --filter-netns "/run/netns/$NS_A" ||
	{ not_ok "skbtop starts with --functions"; exit 1; }
ip netns exec "$NS_A" sendpkt udp 10.77.0.2 9999 --src-port 40200 --size 20
sleep 2
trace_stop INT
check "--functions ip_rcv,__udp4_lib_rcv attaches exactly 2 functions" \
	grep -q '^skbtop: functions: 2 attached, 0 failed' "$TRACE_ERR"
funcs=$(jq -r 'select(.sport == 40200 and .type == "func") | .func' "$TRACE_OUT" | tr '\n' ' ')
check "--functions: the journey shows just those, in order ($funcs)" test "$funcs" = "ip_rcv __udp4_lib_rcv "
skbtop --stream --functions ip_rcv,no_such_function_xyz >/dev/null 2>"$TRACE_DIR/nf.err"
rc=$?
check "--functions with a function the kernel lacks is bad usage (status $rc): $(cat "$TRACE_DIR/nf.err")" \
	sh -c "[ $rc -eq 2 ] && grep -q 'no_such_function_xyz' '$TRACE_DIR/nf.err'"

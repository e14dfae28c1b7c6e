#!/usr/bin/env bash
# What tracing costs the traced machine: loopback UDP floods (32-byte datagrams to a closed port on the
# lo of a namespace the bench makes) in rounds that alternate every case, medians, each case's packets
# per second beside "untraced" and beside the floor of the same run. The floor is skbtop
# --empty-probes: the same hooks (backend, functions, tracepoints) with programs that return at once.
# Beside it, the emitting floor (--empty-probes=emit): the same hooks, each run sending its skb as a
# 32-byte record that user space streams as a line, the least a followed packet's event can cost.
#   host (tracepoints): floor, the emitting floor, a filter that matches nothing ('udp port 1'), every packet of the
#     namespace followed (--stream to /dev/null, the same with -w FILE capturing each datagram's bytes
#     twice, and the screen in a 120x36 tmux), untraced, floor and no match again while the namespace
#     holds a small firewall's ruleset (2 chains of 5 rules: nftables' probes run on every packet
#     that crosses them), and bpftrace as a
#     peer (counting on 6 net/skb tracepoints, counting on skbtop's tracepoints as the kernel lists
#     them, printing a line per event on the 6); then, in separate runs with the kernel's BPF
#     statistics (kernel.bpf_stats_enabled, restored after), run_time_ns / run_cnt of skbtop's
#     programs per case beside the floor's, and the events accounting of a followed flood.
#   QEMU guests, one after the other (kprobe.multi on 6.12, kprobe on 6.1, default functions): floor,
#     the emitting floor, no match, every packet, and every packet with -n 50, and the ruleset's cases; then the same
#     hooks through the fentry backend, with its own floor (floor, no match, every packet); then the
#     BPF statistics of each backend's cases beside its floor. Emulated: compare ratios, not rates.
# Other skbtop processes on a shared machine skew a flood: each flood waits (QUIET_WAIT s) for them to
# end, those they overlapped anyway are marked '*', and the medians keep to the rounds without any
# when at least half are.
# Knobs (environment): PACKETS (200000), ROUNDS (5), STATS_ROUNDS (3, 0: no statistics), QUIET_WAIT
# (10), HOST=0 (guests only), VM=0 (no guests), VM=6.1 or VM=6.12 (that guest only), VM_PACKETS
# (5000, the statistics rounds' datagrams), VM_SECONDS (1: the rate rounds' floods last that long in a
# guest; 0: VM_PACKETS datagrams), VM_ROUNDS (3), VM_STATS_ROUNDS (1, 0: none), VM_FENTRY=0 (the guests' default backend
# only: fentry's attach and detach add minutes under emulation), VM_ICOUNT (1: the guests' clocks
# count instructions, so their figures repeat from run to run; 0: emulated time, which the host's
# load swings by 2x), VM_BENCH_TIMEOUT (1500 s a guest),
# GUEST_LOCK=FILE (flock FILE around each guest boot, where others boot guests on the same machine
# too).
set -u
cd "$(dirname "$0")/.." || exit 1
if [ -z "${VM_KERNEL:-}" ] && [ -z "${COST_HERE:-}" ]; then
	status=0
	if [ "${HOST:-1}" != 0 ]; then COST_HERE=1 bash "$0" || status=1; fi
	case ${VM:-all} in
	0) kernels= ;;
	all) kernels="6.12 6.1" ;;
	*) kernels=$VM ;;
	esac
	lock=()
	[ -n "${GUEST_LOCK:-}" ] && lock=(flock "$GUEST_LOCK")
	# Side by side, two emulated guests would share the CPUs and measure each other.
	for k in $kernels; do
		[ "${VM_ICOUNT:-1}" = 1 ] &&
			echo "cost [$k]: the guest's time counts its instructions (VM_ICOUNT=1, QEMU -icount shift=0): ns below are instructions run, packets/s per 10^9 of them"
		VM_ICOUNT=${VM_ICOUNT:-1} "${lock[@]}" tests/vm/run --kernel "$k" --timeout "${VM_BENCH_TIMEOUT:-1500}" bench/cost.sh \
			"${VM_PACKETS:-5000}" "${VM_ROUNDS:-3}" "${VM_STATS_ROUNDS:-1}" "${VM_FENTRY:-1}" \
			"${VM_SECONDS:-1}" ||
			status=1
	done
	exit $status
fi
where=${VM_KERNEL:-host}
. tests/lib.sh
. bench/lib.bash
# bench/cost.sh [PACKETS [ROUNDS [STATS_ROUNDS [FENTRY [SECONDS]]]]]: arguments, since the QEMU guests
# get no environment. SECONDS (0: PACKETS datagrams) is how long a rate round's flood lasts: skbtop
# turns the kernel's BPF statistics on for a tenth of each second (src/core/kernel/cost.h), which
# slows a guest's floods by a fifth while they are on, so a flood shorter than a second measures
# whatever share of that tenth it happens to overlap; a whole second always holds one tenth.
PACKETS=${1:-${PACKETS:-200000}} ROUNDS=${2:-${ROUNDS:-5}}
STATS_ROUNDS=${3:-${STATS_ROUNDS:-3}} FENTRY=${4:-0} SECONDS_A_FLOOD=${5:-0}
QUIET_WAIT=${QUIET_WAIT:-10}
if [ "$(id -u)" -ne 0 ] || [ ! -x "$SKBTOP" ] || [ ! -x "$TOOLS/sendpkt" ]; then
	echo "cost [$where]: needs root, $SKBTOP and $TOOLS/sendpkt; skipped"
	exit 0
fi
work=$(mktemp -d)
TR_PID='' TR_SCREEN='' TR_BT='' SOCK="skbtop-cost-$$" old_stats='' own_tracefs=''
EXTRA_CLEANUP='stop_tracer
	[ -n "$old_stats" ] && sysctl -qw kernel.bpf_stats_enabled=$old_stats
	[ -n "$own_tracefs" ] && umount /sys/kernel/tracing
	rm -rf "$work"'
ns_pair || exit 1
NETNS="/run/netns/$NS_A"

# flood [COUNT]: COUNT datagrams (default: SECONDS_A_FLOOD seconds of them, else PACKETS) to a closed
# port on $NS_A's lo; prints packets/s of the sending alone: starting sendpkt in the namespace takes
# hundreds of ms in an emulated guest.
flood() {
	local how=(--count "${1:-$PACKETS}")
	[ $# -eq 0 ] && [ "$SECONDS_A_FLOOD" != 0 ] && how=(--seconds "$SECONDS_A_FLOOD")
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 127.0.0.1 9 "${how[@]}" --size 32 --rate |
		sed -n 's/.*: \([0-9]*\) per second$/\1/p' | grep . || { echo "cost [$where]: sendpkt failed" >&2; echo 0; }
}

# foreign: how many skbtop processes (skbtop-static, copies named skbtop-*) run that this bench did
# not start.
foreign() { pgrep '^skbtop' | grep -cvx "${TR_PID:-0}"; }

await_skbtop() {
	# Hundreds of kprobes take long to attach under emulation.
	for _ in $(seq 3000); do
		grep -q '^skbtop: load .* attach' "$work/err" && return 0
		kill -0 "$TR_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cost [$where]: skbtop did not attach:"
	sed 's/^/  /' "$work/err"
	return 1
}

# skbtop_start ARGS...: skbtop in the background (TR_PID), back once it has attached. Its output
# goes to /dev/null, or with SK_TAIL=FILE its last lines (the stream's statistics) to FILE.
skbtop_start() {
	if [ -n "${SK_TAIL:-}" ]; then
		"$SKBTOP" "$@" > >(tail -n 40 >"$SK_TAIL") 2>"$work/err" &
	else
		"$SKBTOP" "$@" >/dev/null 2>"$work/err" &
	fi
	TR_PID=$!
	await_skbtop
}

# screen_start: skbtop's screen in a detached 120x36 tmux session, every packet of $NS_A.
screen_start() {
	tmux -L "$SOCK" new-session -d -x 120 -y 36 \
		"exec $SKBTOP --filter-netns $NETNS 2>$work/err" || return 1
	TR_PID=$(tmux -L "$SOCK" display-message -p '#{pane_pid}')
	TR_SCREEN=1
	# The screen holds stderr until it closes: its header says when it is live.
	for _ in $(seq 3000); do
		tmux -L "$SOCK" capture-pane -p 2>/dev/null | grep -q '▶ live' && return 0
		kill -0 "$TR_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cost [$where]: skbtop's screen never said it was live:"
	tmux -L "$SOCK" capture-pane -p 2>/dev/null | head -3 | sed 's/^/  /'
	return 1
}

# bt_start N PROGRAM: bpftrace PROGRAM in the background, back once its N probes are attached.
bt_start() {
	bpftrace -e "$2" >/dev/null 2>"$work/err" &
	TR_PID=$!
	TR_BT=1
	for _ in $(seq 600); do
		[ "$(bpftool perf show -j | jq --argjson p "$TR_PID" '[.[] | select(.pid == $p)] | length')" \
			-ge "$1" ] && return 0
		kill -0 "$TR_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cost [$where]: bpftrace did not attach its $1 probes:"
	sed 's/^/  /' "$work/err"
	return 1
}

stop_tracer() {
	[ -n "$TR_PID" ] || return 0
	kill -INT "$TR_PID" 2>/dev/null
	if [ -n "$TR_SCREEN" ]; then
		for _ in $(seq 600); do
			kill -0 "$TR_PID" 2>/dev/null || break
			sleep 0.1
		done
		tmux -L "$SOCK" kill-server 2>/dev/null
	elif [ -n "$TR_BT" ]; then
		# bpftrace 0.17 now and then misses an INT that comes soon after its attach: say it again.
		for _ in $(seq 30); do
			alive "$TR_PID" || break
			sleep 1
			kill -INT "$TR_PID" 2>/dev/null
		done
		kill -KILL "$TR_PID" 2>/dev/null
		wait "$TR_PID"
	else
		wait "$TR_PID"
	fi
	TR_PID='' TR_SCREEN='' TR_BT=''
}

# alive PID: PID runs (a child that ended but was not waited for does not).
alive() {
	local state
	state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

# own_progs: the ids of every program the running skbtop holds, as a JSON array: the nftables
# object's probes (nf_hook_slow, kfree_skb) run on every packet too, and the floor has none.
own_progs() {
	local ids
	ids=$(sed -n 's/^prog_id:[[:space:]]*//p' /proc/"$TR_PID"/fdinfo/* 2>/dev/null | sort -un |
		paste -sd,)
	bpftool prog show -j | jq -c --argjson ids "[$ids]" \
		'[.[] | select(.id as $i | $ids | any(. == $i)) | .id]'
}

# prog_stats IDS: "run_cnt run_time_ns" summed over the programs IDS.
prog_stats() {
	bpftool prog show -j | jq -r --argjson ids "$1" \
		'[.[] | select(.id as $i | $ids | any(. == $i))]
		| "\(map(.run_cnt // 0) | add // 0) \(map(.run_time_ns // 0) | add // 0)"'
}

# wait_quiet: waits up to QUIET_WAIT seconds for other skbtop processes to end.
wait_quiet() {
	for _ in $(seq "$QUIET_WAIT"); do
		[ "$(foreign)" -eq 0 ] && return
		sleep 1
	done
}

declare -A label=(
	[untraced]="untraced"
	[floor]="floor: skbtop --stream --empty-probes"
	[emit]="emitting floor: skbtop --stream --empty-probes=emit"
	[no-match]="skbtop --stream 'udp port 1' (matches nothing)"
	[every]="skbtop --stream --filter-netns NS, every packet"
	[n50]="skbtop --stream -n 50 --filter-netns NS, every packet"
	[capture]="skbtop --stream -w FILE --filter-netns NS (128 bytes twice)"
	[screen]="skbtop screen (tmux 120x36) --filter-netns NS"
	[bt-count6]="bpftrace counting, 6 net/skb tracepoints"
	[bt-count]="bpftrace counting, skbtop's tracepoints"
	[bt-print6]="bpftrace printf per event, 6 tracepoints"
)
# The six tracepoints every loopback datagram crosses that a user of bpftrace would pick first.
TP6="net:net_dev_queue net:net_dev_xmit net:netif_rx net:netif_receive_skb skb:kfree_skb skb:consume_skb"

# A case CASE@BACKEND is CASE through skbtop --backend BACKEND, beside its own floor, floor@BACKEND;
# CASE@rules is CASE while $NS_A holds a small firewall's ruleset (ruleset), beside floor@rules.
base() { echo "${1%@*}"; }
floor_of() { echo "floor${1#"${1%@*}"}"; }
case_label() {
	local b=${1#"${1%@*}"}
	[ "$b" = @rules ] && b=@ruleset
	echo "${label[$(base "$1")]}${b:+ [${b#@}]}"
}

# ruleset add|delete: a host firewall's input and output chains in $NS_A, whose rules the flood's
# datagrams and ICMP errors all cross without matching (policy accept), or none. With kprobes
# skbtop probes nft_do_chain and, with the trace key on, every rule that decides; without, it
# brackets the base chains with netfilter programs.
ruleset() {
	if [ "$1" = delete ]; then
		ip netns exec "$NS_A" nft delete table inet skbtop_cost 2>/dev/null
		return 0
	fi
	ip netns exec "$NS_A" nft list table inet skbtop_cost >/dev/null 2>&1 && return 0
	command -v nft >/dev/null || { echo "cost [$where]: no nft for the ruleset cases"; return 1; }
	local c rules
	for c in input output; do
		rules+="chain $c { type filter hook $c priority 0; policy accept;
			tcp dport { 22, 80, 443 } accept; udp dport 53 accept; ip saddr 192.0.2.0/24 drop;
			meta mark 0x7 drop; counter; }"$'\n'
	done
	ip netns exec "$NS_A" nft -f - <<<"table inet skbtop_cost { $rules }"
}

# case_start CASE: starts the tracer of CASE and waits until it is attached.
case_start() {
	local be=()
	if [[ $1 == *@rules ]]; then
		ruleset add || return 1
	else
		ruleset delete
		[[ $1 == *@* ]] && be=(--backend "${1#*@}")
	fi
	case $(base "$1") in
	untraced) ;;
	floor) skbtop_start --stream --empty-probes "${be[@]}" ;;
	emit) skbtop_start --stream --empty-probes=emit "${be[@]}" ;;
	no-match) skbtop_start --stream "${be[@]}" 'udp port 1' ;;
	every) skbtop_start --stream "${be[@]}" --filter-netns "$NETNS" ;;
	n50) skbtop_start --stream "${be[@]}" -n 50 --filter-netns "$NETNS" ;;
	capture) skbtop_start --stream "${be[@]}" -w "$work/capture.pcapng" --filter-netns "$NETNS" ;;
	screen) screen_start ;;
	bt-count6) bt_start 6 "$(bt_probes "$TP6") { @[probe] = count(); }" ;;
	bt-count) bt_start "$(wc -w <<<"$SK_TPS")" "$(bt_probes "$SK_TPS") { @[probe] = count(); }" ;;
	bt-print6) bt_start 6 "$(bt_probes "$TP6") { printf(\"%s %llx\\n\", probe, args->skbaddr); }" ;;
	esac
}

# bt_probes "CAT:NAME ...": bpftrace's probe list for these tracepoints.
bt_probes() { tr ' ' '\n' <<<"$1" | sed 's/^/tracepoint:/' | paste -sd,; }


# The backend and hooks this kernel gets, and (host) the tracepoints skbtop attaches, from the kernel.
case_start floor || exit 1
if [ "$where" = host ]; then
	if [ ! -d /sys/kernel/tracing/events ]; then
		mount -t tracefs nodev /sys/kernel/tracing && own_tracefs=1
	fi
	SK_TPS=$(bpftool link show -j | jq -r --argjson ids "$(own_progs)" \
		'.[] | select(.prog_id as $i | $ids | any(. == $i)) | .tp_name // empty' |
		while read -r tp; do
			for d in /sys/kernel/tracing/events/*/"$tp"; do
				[ -d "$d" ] && echo "$(basename "$(dirname "$d")"):$tp"
			done
		done | paste -sd' ')
fi
stop_tracer
grep '^skbtop: backend\|^skbtop: functions:\|^skbtop: load' "$work/err" | sed "s/^skbtop: /cost [$where] skbtop: /"
if [ "$FENTRY" != 0 ]; then
	case_start floor@fentry || exit 1
	stop_tracer
	grep '^skbtop: backend\|^skbtop: functions:\|^skbtop: load' "$work/err" |
		sed "s/^skbtop: /cost [$where] skbtop --backend fentry: /"
fi
flood "$((PACKETS / 10))" >/dev/null

cases="untraced floor emit no-match every capture untraced@rules floor@rules no-match@rules"
command -v nft >/dev/null || {
	echo "cost [$where]: no nft, no ruleset cases (make bench-deps)"
	cases="untraced floor emit no-match every capture"
}
if [ "$where" = host ]; then
	if command -v tmux >/dev/null; then cases+=" screen"; else echo "cost [$where]: no tmux, no screen case"; fi
	if command -v bpftrace >/dev/null && command -v bpftool >/dev/null && command -v jq >/dev/null &&
		[ -d /sys/kernel/tracing/events ] && [ -n "$SK_TPS" ]; then
		cases+=" bt-count6 bt-count bt-print6"
		label[bt-count]="bpftrace counting, skbtop's $(wc -w <<<"$SK_TPS") tracepoints"
		echo "cost [$where] skbtop's tracepoints (from the kernel's links): $SK_TPS"
	else
		echo "cost [$where]: no bpftrace peers (needs bpftrace, bpftool, jq and tracefs: make bench-deps)"
	fi
else
	cases+=" n50"
	[ "$FENTRY" != 0 ] && cases+=" floor@fentry no-match@fentry every@fentry"
fi

echo "cost [$where]: $([ "$SECONDS_A_FLOOD" != 0 ] && echo "$SECONDS_A_FLOOD s" || echo "$PACKETS datagrams") of 32-byte datagrams to 127.0.0.1:9 (closed) on a namespace's lo, $ROUNDS alternating rounds"
declare -A pps
clean_rounds=()
for r in $(seq "$ROUNDS"); do
	round_busy=0
	line="cost [$where] round $r:"
	for c in $cases; do
		wait_quiet
		case_start "$c" || exit 1
		others=$(foreign)
		v=$(flood)
		others=$((others + $(foreign)))
		stop_tracer
		case $(base "$c") in every | capture | screen | n50) grep '^skbtop: kernel:\|^skbtop: cost:' "$work/err" >"$work/acct-$c" ;; esac
		pps[$c,$r]=$v
		[ "$others" -gt 0 ] && round_busy=1
		line+=" $c $v$([ "$others" -gt 0 ] && echo '*')"
	done
	[ "$where" = host ] && line+=" (guests running: $(pgrep -c qemu-system))"
	echo "$line"
	[ "$round_busy" -eq 0 ] && clean_rounds+=("$r")
done
if [ $((${#clean_rounds[@]} * 2)) -ge "$ROUNDS" ] && [ "${#clean_rounds[@]}" -gt 0 ]; then
	rounds=("${clean_rounds[@]}")
	note="medians of the ${#rounds[@]} rounds without other skbtop processes"
else
	mapfile -t rounds < <(seq "$ROUNDS")
	note="other skbtop processes ran during $((ROUNDS - ${#clean_rounds[@]})) of $ROUNDS rounds ('*'): medians of all rounds"
fi
# Medians of the packet rates, and of each round's own ratios (which a slow drift in the machine's
# load moves less).
declare -A med rr rf
for c in $cases; do
	med[$c]=$(for r in "${rounds[@]}"; do echo "${pps[$c,$r]}"; done | median)
	rr[$c]=$(for r in "${rounds[@]}"; do
		awk -v a="${pps[$c,$r]}" -v b="${pps[untraced,$r]}" 'BEGIN { print a / b }'
	done | median)
	rf[$c]=$(for r in "${rounds[@]}"; do
		awk -v a="${pps[$c,$r]}" -v b="${pps[$(floor_of "$c"),$r]}" 'BEGIN { print a / b }'
	done | median)
done
echo "cost [$where]: $note"
echo "cost [$where] ratio: packets/s ÷ untraced's (medians); per round: the median of each round's own ratio"
printf 'cost [%s] %-66s %10s %7s %9s\n' "$where" case packets/s ratio "per round"
for c in $cases; do
	f=$(floor_of "$c")
	awk -v w="$where" -v l="$(case_label "$c")" -v v="${med[$c]}" -v u="${med[untraced]}" -v f="${med[$f]}" \
		-v c="$(base "$c")" -v rr="${rr[$c]}" -v rf="${rf[$c]}" -v ff="${rr[$f]}" 'BEGIN {
		printf "cost [%s] %-66s %10d %7.3f %9.3f", w, l, v, v / u, rr
		if (c != "untraced" && c != "floor")
			printf "   = %.2f x the floor (%.3f); per round %.2f x the floor (%.3f)", v / f, f / u, rf, ff
		printf "\n"
	}'
done
# A followed packet's cases beside the least an event costs, from the same rounds.
for c in every capture screen n50; do
	[[ " $cases " == *" $c "* ]] || continue
	awk -v w="$where" -v l="$(case_label "$c")" -v v="${med[$c]}" -v e="${med[emit]}" -v f="${med[floor]}" 'BEGIN {
		printf "cost [%s] %-66s = %.2f x the emitting floor (which is %.3f x the floor)\n", w, l, v / e, e / f }'
done
for c in $cases; do
	[ -s "$work/acct-$c" ] && sed "s/^skbtop: /cost [$where] ${c}, last round: /" "$work/acct-$c"
done

# The kernel's BPF statistics per program run, in runs of their own: counting run time costs too.
if [ "$STATS_ROUNDS" -eq 0 ]; then exit 0; fi
if ! command -v bpftool >/dev/null || ! command -v jq >/dev/null; then
	echo "cost [$where]: no BPF statistics (needs bpftool and jq)"
	exit 0
fi
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
declare -A st
# "every" last: the events accounting below is its run's.
stat_cases="floor emit no-match capture every"
[[ $cases == *@rules* ]] && stat_cases="floor@rules no-match@rules $stat_cases"
[ "$where" != host ] && [ "$FENTRY" != 0 ] &&
	stat_cases="floor@fentry no-match@fentry every@fentry $stat_cases"
for r in $(seq "$STATS_ROUNDS"); do
	for c in $stat_cases; do
		wait_quiet
		if [ "$c" = every ]; then
			rm -f "$work/tail"
			SK_TAIL=$work/tail case_start every || exit 1
		else
			case_start "$c" || exit 1
		fi
		ids=$(own_progs)
		read -r n0 t0 <<<"$(prog_stats "$ids")"
		others=$(foreign)
		flood "$PACKETS" >/dev/null
		read -r n1 t1 <<<"$(prog_stats "$ids")"
		others=$((others + $(foreign)))
		stop_tracer
		st[$c]+="$((n1 - n0)) $((t1 - t0)) $others"$'\n'
	done
	echo "cost [$where] statistics round $r: $(for c in $stat_cases; do
		tail -n 1 <<<"${st[$c]%$'\n'}" | awk -v c="$c" '{ printf " %s %.0f runs %.0f ns%s", c, $1, $2, ($3 > 0 ? "*" : "") }'
	done)"
done
sysctl -qw kernel.bpf_stats_enabled="$old_stats"
old_stats=''

# stat CASE FIELD: the median over the statistics rounds of ns/run (1), runs/datagram (2), ns/datagram (3).
stat() {
	awk -v f="$2" -v p="$PACKETS" 'NF { print (f == 1 ? ($1 ? $2 / $1 : 0) : f == 2 ? $1 / p : $2 / p) }' \
		<<<"${st[$1]}" | median
}
echo "cost [$where]: BPF statistics (kernel.bpf_stats_enabled), run_time_ns / run_cnt summed over every program skbtop holds (the floor has no nftables probes), $PACKETS datagrams, median of $STATS_ROUNDS runs"
for c in $stat_cases; do
	f=$(floor_of "$c")
	if [ "$c" = "$f" ]; then
		awk -v w="$where" -v l="$c" -v a="$(stat "$c" 1)" -v b="$(stat "$c" 2)" -v d="$(stat "$c" 3)" 'BEGIN {
			printf "cost [%s] %-16s %6.0f ns/run, %4.1f runs/datagram, %6.0f ns/datagram\n", w, l, a, b, d }'
		continue
	fi
	awk -v w="$where" -v l="$c" -v a="$(stat "$c" 1)" -v b="$(stat "$c" 2)" -v d="$(stat "$c" 3)" \
		-v fa="$(stat "$f" 1)" -v fb="$(stat "$f" 2)" -v fd="$(stat "$f" 3)" 'BEGIN {
		printf "cost [%s] %-16s %6.0f ns/run = %.1fx floor (%.0f ns/run), %4.1f runs/datagram (floor %.1f), %6.0f ns/datagram = %.1fx floor (%.0f)\n",
			w, l, a, a / fa, fa, b, fb, d, d / fd, fd }'
done
for c in $stat_cases; do
	[ "$(base "$c")" = every ] || [ "$(base "$c")" = capture ] || continue
	[[ " $stat_cases " == *" emit "* ]] || continue
	awk -v w="$where" -v l="$c" -v a="$(stat "$c" 1)" -v e="$(stat emit 1)" -v d="$(stat "$c" 3)" -v ed="$(stat emit 3)" 'BEGIN {
		printf "cost [%s] %-16s %6.0f ns/run = %.1fx the emitting floor (%.0f ns/run), %6.0f ns/datagram = %.1fx (%.0f)\n",
			w, l, a, a / e, e, d, d / ed, ed }'
done
# What the last followed flood sent, received and lost.
for _ in $(seq 50); do
	grep -q '^events ' "$work/tail" 2>/dev/null && break
	sleep 0.1
done
grep '^skbtop: kernel:\|^skbtop: cost:' "$work/err" | sed "s/^skbtop: /cost [$where] every, last statistics run: /"
awk -v w="$where" '/^events +[0-9]+$/ { r = $2 } /^lost \(queue\) +[0-9]+$/ { q = $3 }
	END { printf "cost [%s] every, last statistics run: user space received %s events (the stream'"'"'s statistics), %s lost (queue)\n", w, r, q }' \
	"$work/tail"

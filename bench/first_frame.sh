#!/usr/bin/env bash
# Start to first frame on this machine: from exec of `skbtop` in a tmux pane to the first drawn screen
# (its header, which may still say "starting: ..."), and to the live screen (the header's "▶ live",
# probes attached), medians of ROUNDS (default 5). Beside them, from the same rounds:
#  - where the start-up time goes (skbtop -v: configuration, backend probe, function choice, BPF load,
#    nft, attach, session, screen; and the process's own start to first frame, which leaves out the
#    exec and the dynamic linking);
#  - the floor, `skbtop --empty-probes` (the same start with programs the verifier finds empty: what
#    the verifier's work on skbtop's programs adds);
#  - BASE=path/to/another/skbtop: that build too (before and after a change).
# The builds alternate within each round, each round starting with the next one, and each start waits
# for the previous one's exit (its detach, the kernel freeing its programs).
# The load average is printed with the figures: on a shared machine they move with it.
# Needs root and tmux; the goal is under 1 s.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.bash
OUT=${OUT:-build}
SKBTOP=${SKBTOP:-$OUT/skbtop}
BASE=${BASE:-}
ROUNDS=${ROUNDS:-5}
if [ "$(id -u)" -ne 0 ] || ! command -v tmux >/dev/null || [ ! -x "$SKBTOP" ]; then
	echo "first_frame: skipped (needs root, tmux and $SKBTOP)"
	exit 0
fi
if [ -n "$BASE" ] && [ ! -x "$BASE" ]; then
	echo "first_frame: BASE=$BASE is not an executable" >&2
	exit 1
fi
work=$(mktemp -d)
sock="skbtop-ff-$$"
T() { tmux -L "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$work"' EXIT

# one KEY BINARY [OPTION]: one start in a fresh tmux server; the seconds to the first header are
# added to $work/KEY.frame, to "▶ live" to $work/KEY.live, skbtop's -v lines to $work/KEY.err.N.
# The pane is polled every 20 ms: a tighter poll forks a tmux client so often that it takes a core
# from the start it measures.
one() {
	local key=$1 bin=$2 i frame screen end
	shift 2
	touch "$work/$key.frame"
	i=$(($(wc -l <"$work/$key.frame") + 1))
	rm -f "$work/start" "$work/end"
	T -f /dev/null new-session -d -s t -x 120 -y 36 \
		"export LANG=C.UTF-8 TERM=tmux-256color; echo \$EPOCHREALTIME >'$work/start'; '$bin' -v $* 2>'$work/$key.err.$i'; touch '$work/end'"
	for _ in $(seq 2000); do [ -s "$work/start" ] && break; sleep 0.005; done
	frame=""
	for _ in $(seq 500); do
		screen=$(T capture-pane -p -t t 2>/dev/null)
		[ -z "$frame" ] && grep -q '^ skbtop ' <<<"$screen" && frame=$EPOCHREALTIME
		grep -q '▶ live' <<<"$screen" && break
		sleep 0.02
	done
	end=$EPOCHREALTIME
	awk -v a="$(cat "$work/start")" -v b="${frame:-$end}" 'BEGIN { printf "%.3f\n", b - a }' >>"$work/$key.frame"
	awk -v a="$(cat "$work/start")" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }' >>"$work/$key.live"
	T send-keys -t t q
	# The next start must not share the machine with this one's detach and exit, nor with the
	# kernel freeing its programs: wait for the exit, then a second.
	for _ in $(seq 500); do [ -e "$work/end" ] && break; sleep 0.02; done
	T kill-server 2>/dev/null
	sleep 1
}

# phases KEY: the medians of skbtop -v's start-up phases over KEY's rounds.
phases() {
	local out="" p v w
	grep -q 'start-up:' "$work/$1".err.* || {
		echo "phases not printed by this skbtop"
		return
	}
	for p in "options and configuration" "backend probe" "function choice" "BPF load" "nft" "attach" \
		"session" "screen"; do
		v=$(cat "$work/$1".err.* | sed -nE "s/.*start-up:.*[ (]$p ([0-9]+) ms.*/\1/p" | median)
		out+="${out:+, }$p ${v:-?}"
	done
	v=$(cat "$work/$1".err.* | sed -nE "s/.*start-up: first frame ([0-9]+) ms after start.*/\1/p" | median)
	w=$(cat "$work/$1".err.* | sed -nE "s/.*start-up: first frame .*, live ([0-9]+) ms after start.*/\1/p" | median)
	echo "$out ms; in the process, start to first frame ${v:-?} ms, to live ${w:-?} ms"
}

# Each round starts with another of the builds, so that none always follows the same one.
runs=("skbtop $SKBTOP" "floor $SKBTOP --empty-probes")
[ -z "$BASE" ] || runs+=("base $BASE")
loads=()
for r in $(seq "$ROUNDS"); do
	loads+=("$(cut -d' ' -f1 /proc/loadavg)")
	for k in $(seq 0 $((${#runs[@]} - 1))); do
		# shellcheck disable=SC2086 # key, binary and options as words
		one ${runs[$(((r + k) % ${#runs[@]}))]}
	done
done
report() {
	printf 'first_frame: %-28s %.2f s from exec to the first frame, %.2f s to the live one (medians of %d); start-up medians: %s\n' \
		"$1" "$(median <"$work/$2.frame")" "$(median <"$work/$2.live")" "$ROUNDS" "$(phases "$2")"
}
report "skbtop" skbtop
report "--empty-probes (floor)" floor
[ -z "$BASE" ] || report "BASE=$BASE" base
echo "first_frame: goal < 1 s; load average (1 min) at each round: ${loads[*]}"

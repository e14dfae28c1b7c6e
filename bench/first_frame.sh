#!/usr/bin/env bash
# Start to first frame on this machine: from exec of `skbtop` in a tmux pane to the first drawn screen
# (the header's "▶ live"), median of ROUNDS (default 5). Beside it, from the same rounds, where the
# start-up time goes (skbtop -v: configuration, backend probe, function choice, BPF load, nft, attach).
# Needs root and tmux; the goal is under 1 s.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
SKBTOP=${SKBTOP:-$OUT/skbtop}
ROUNDS=${ROUNDS:-5}
if [ "$(id -u)" -ne 0 ] || ! command -v tmux >/dev/null || [ ! -x "$SKBTOP" ]; then
	echo "first_frame: skipped (needs root, tmux and $SKBTOP)"
	exit 0
fi
work=$(mktemp -d)
sock="skbtop-ff-$$"
T() { tmux -L "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$work"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }

for i in $(seq "$ROUNDS"); do
	rm -f "$work/start"
	T -f /dev/null new-session -d -s t -x 120 -y 36 \
		"export LANG=C.UTF-8 TERM=tmux-256color; echo \$EPOCHREALTIME >'$work/start'; exec '$SKBTOP' -v 2>'$work/err.$i'"
	for _ in $(seq 2000); do [ -s "$work/start" ] && break; sleep 0.005; done
	for _ in $(seq 2000); do
		T capture-pane -p -t t 2>/dev/null | grep -q '▶ live' && break
		sleep 0.005
	done
	end=$EPOCHREALTIME
	awk -v a="$(cat "$work/start")" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }' >>"$work/frame"
	T send-keys -t t q
	sleep 0.5
	T kill-server 2>/dev/null
done
frame=$(median <"$work/frame")
phases=""
grep -q 'start-up:' "$work"/err.* || phases="not printed by this skbtop"
[ -n "$phases" ] || for p in "options and configuration" "backend probe" "function choice" "BPF load" "nft" "attach"; do
	# shellcheck disable=SC2002 # one pipeline per phase
	v=$(cat "$work"/err.* | sed -nE "s/.*start-up:.* $p ([0-9]+) ms.*/\1/p" | median)
	phases+="${phases:+, }$p $v ms"
done
printf 'first_frame: %.2f s from exec to the first frame (median of %d; goal < 1 s); start-up medians: %s\n' \
	"$frame" "$ROUNDS" "$phases"

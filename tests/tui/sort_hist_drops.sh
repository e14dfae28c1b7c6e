#!/usr/bin/env bash
# The keys that answer "which took longest?", "which layer is slow?", "what is dropped?" on the
# replayed host session, at 80x24 and 120x36: the sort picker (> and F6) and I, following (F),
# the layer histograms (H), the drop reasons (d), the mouse (and --no-mouse), and rows with no IP
# header. Expected values come from the file, read with jq.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/tui/tmux.bash

DATA=$PWD/tests/data/session-host.json
journey_id() { screen | grep -oE 'Journey #[0-9]+' | head -1 | tr -dc 0-9; }
jqd() { jq "$@" "$DATA"; }
# X10 mouse report (the terminfo kmous of tmux): button code, then 1-based column and row.
mouse() { T send-keys -t t -H 1b 5b 4d "$(printf '%x' $((32 + $1)))" \
	"$(printf '%x' $((33 + $2)))" "$(printf '%x' $((33 + $3)))"; }
click() { mouse 0 "$1" "$2"; mouse 3 "$1" "$2"; }

first=$(jqd '.packets[0].id')
last=$(jqd '.packets[-1].id')
longest=$(jqd '.packets | sort_by(-.duration_ns, .id) | .[0].id')
shortest=$(jqd '.packets | sort_by(.duration_ns, -.id) | .[0].id')
port=9999

for size in "80 24" "120 36"; do
	set -- $size
	at="at ${1}x$2"
	tui_start "$1" "$2" "$SKBTOP" replay "$DATA"
	if ! wait_for 'Packets \(' 5; then
		not_ok "$at replay opens the session"
		screen
		continue
	fi
	check "$at the list title says it is sorted by time" has 'by time'
	check "$at the footer names the drop reasons key" \
		bash -c "tail -1 <<<\"\$1\" | grep -q 'd drops'" _ "$(screen)"

	# Sort by duration through the picker: the longest packet comes first.
	keys '>'
	check "$at > opens the sort picker" wait_for 'Sort packets by' 3
	keys Down Enter
	check "$at the list title says it is sorted by duration" wait_for 'by duration' 3
	keys Home
	wait_for "Journey #$longest " 3
	check "$at sorted by duration, the first row is the longest packet (#$longest)" \
		test "$(journey_id)" = "$longest"
	keys I
	check "$at I inverts the order, and the title says so" wait_for 'by duration, (shortest first|inverted)' 3
	keys Home
	wait_for "Journey #$shortest " 3
	check "$at inverted, the first row is the shortest packet (#$shortest)" \
		test "$(journey_id)" = "$shortest"
	keys F6
	check "$at F6 opens the sort picker too" wait_for 'Sort packets by' 3
	keys Home Enter
	wait_for 'by time[, ]' 3
	# A click on a picker's choice takes it: the picker (9 keys) is centred in the body.
	keys '>'
	wait_for 'Sort packets by' 3
	click $((($1 - 40) / 2 + 5)) $((2 + ($2 - 3 - 11) / 2 + 2))
	check "$at a click on the picker's second choice sorts by duration" wait_for 'by duration' 3
	keys F6 Home Enter
	wait_for 'by time[, ]' 3
	# Typed ahead in one go, Home acts on the new order: the longest packet.
	keys F6 Down Enter Home
	wait_for "Journey #$longest " 3
	check "$at keys typed ahead of the redraw act on the new order" test "$(journey_id)" = "$longest"
	keys F6 Home Enter
	wait_for 'by time[, ]' 3

	# F follows the newest packet; a move leaves following.
	keys F
	wait_for "Journey #$last " 3
	check "$at F selects the newest packet (#$last)" test "$(journey_id)" = "$last"
	check "$at the header says the list is following" wait_for 'replay, following' 3
	keys Up
	check "$at a move leaves following" wait_gone 'following' 3

	# The mouse: a click selects the row under it, the wheel scrolls the list.
	keys Home
	wait_for "Journey #$first " 3
	click 50 6
	third=$(jqd '.packets[2].id')
	wait_for "Journey #$third " 3
	check "$at a click on the third row selects it (#$third)" test "$(journey_id)" = "$third"
	mouse 65 50 6
	sixth=$(jqd '.packets[5].id')
	wait_for "Journey #$sixth " 3
	check "$at the wheel scrolls the list three rows down (#$sixth)" \
		test "$(journey_id)" = "$sixth"

	# H: per-layer histograms whose buckets add up to the packets the filter keeps.
	keys / $port Enter
	wait_for "filter: search=$port" 3
	keys H
	check "$at H turns the layer pane into histograms" wait_for 'Time per layer' 3
	# The layer pane's part of each line, from the first section title to the next one.
	section=$(screen | sed -n 's/^│\([^│]*\)│.*/\1/p' |
		awk '/^[A-Za-z][A-Za-z0-9\/ ]* +[0-9,]+ pkts/ { n++ } n == 1')
	name=$(head -1 <<<"$section" | grep -oE '^[A-Za-z][A-Za-z0-9/]*')
	title_pkts=$(head -1 <<<"$section" | grep -oE '[0-9,]+ pkts' | tr -dc 0-9)
	sum=$(tail -n +2 <<<"$section" | grep -oE '[0-9,]+ \|' | tr -dc '0-9\n' |
		awk '{ s += $1 } END { print s + 0 }')
	want=$(jqd --arg l "$name" --argjson p $port \
		'[.packets[] | select((.tuple.sport == $p or .tuple.dport == $p) and .layer_events[$l] != null)] | length')
	check "$at the $name histogram's buckets add up to its $want packets (sum $sum, title $title_pkts)" \
		test "$sum" = "$want" -a "$title_pkts" = "$want" -a "$want" -gt 0
	keys H
	check "$at H again shows the counters" wait_for '│layer ' 3
	keys Escape
	wait_gone 'filter: ' 3

	# d: the drop reasons with their counts; Enter lists the packets of one.
	keys d
	check "$at d shows the drop reasons" wait_for 'Drop reasons' 3
	wrong=""
	while read -r reason count; do
		screen | grep -qE "^│$reason +$count " || wrong="$wrong $reason"
	done < <(jqd -r '[.packets[] | select(.fate == "dropped") | .drop_reason] | group_by(.) |
		map("\(.[0]) \(length)") | .[]')
	check "$at each drop reason of the file is listed with its count${wrong:+ (wrong:$wrong)}" \
		test -z "$wrong"
	top=$(screen | sed -n 's/^│\([A-Z_0-9]\+\) .*/\1/p' | head -1)
	keys Enter
	n_top=$(jqd --arg r "$top" '[.packets[] | select(.fate == "dropped" and .drop_reason == $r)] | length')
	check "$at Enter on $top lists its $n_top dropped packets" \
		wait_for "Packets \\($n_top . $n_top dropped\\)" 3
	keys Escape
	wait_gone 'filter: ' 3

	# Rows with no IP header name their protocol or the kind of skb.
	check "$at no row shows a bare 0x0000 protocol" bash -c "! grep -q '0x0000' <<<\"\$1\"" _ "$(screen)"
	keys / local Enter
	check "$at socket-local skbs say local" wait_for '│[▸ ] .* local ' 3
	keys Escape
	keys q
	check "$at q quits with status 0" wait_for '^EXIT=0' 5
done

# --no-mouse: the click is ignored, the first packet stays selected.
tui_start 120 36 "$SKBTOP" replay --no-mouse "$DATA"
wait_for 'Packets \(' 5
click 50 6
sleep 0.5
check "with --no-mouse a click selects nothing" test "$(journey_id)" = "$first"
keys q
wait_for '^EXIT=' 5

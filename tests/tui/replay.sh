#!/usr/bin/env bash
# skbtop replay of a session recorded on this host (tests/data/session-host.json, made by
# screenshots/record-session.sh): move, open, filter by layer and verdict, search, save, help,
# resize. Expected numbers come from the file itself, read with jq.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/tui/tmux.bash

DATA=$PWD/tests/data/session-host.json
SAVEDIR=$(mktemp -d)
EXTRA_CLEANUP="tui_cleanup; rm -rf '$SAVEDIR'"
trap 'eval "$EXTRA_CLEANUP"' EXIT

total=$(jq '.packets | length' "$DATA")
dropped=$(jq '[.packets[] | select(.fate == "dropped")] | length' "$DATA")
tcp=$(jq '[.packets[] | select(.layer_events.TCP != null)] | length' "$DATA")
port=$(jq '[.packets[] | select(.tuple.sport == 9999 or .tuple.dport == 9999)] | length' "$DATA")
last=$(jq '.packets[-1].id' "$DATA")
first=$(jq '.packets[0].id' "$DATA")

# The line of the packet pane's title, e.g. "Packets (36 · 18 dropped)".
packets_title() { screen | grep -oE 'Packets \([0-9,]+ . [0-9,]+ dropped\)' | head -1; }
journey_id() { screen | grep -oE 'Journey #[0-9]+' | head -1 | tr -dc 0-9; }

(cd "$SAVEDIR" && tui_start 120 36 "$SKBTOP" replay "$DATA")

if wait_for 'Packets \(' 5; then
	ok "replay opens the recorded session"
else
	not_ok "replay opens the recorded session"
	screen
	exit 1
fi
check "the header names the replayed file" has "replay $DATA"
check "packet pane counts every packet of the file ($total, $dropped dropped)" \
	test "$(packets_title)" = "Packets ($total · $dropped dropped)"
check "the first packet is selected at start" test "$(journey_id)" = "$first"
check "the layer pane lists the layers the packets went through" has_re '│Device +[0-9]'
check "the layer pane leaves out layers nothing went through" \
	bash -c "! grep -q '│Tunnel ' <<<\"\$1\"" _ "$(screen)"

keys End
wait_for "Journey #$last " 3
check "End selects the last packet (#$last) and the timeline follows it" test "$(journey_id)" = "$last"
keys Home
wait_for "Journey #$first " 3
check "Home goes back to the first packet" test "$(journey_id)" = "$first"
keys Down
wait_for "Journey #$(jq '.packets[1].id' "$DATA") " 3
check "Down moves the selection to the next packet" \
	test "$(journey_id)" = "$(jq '.packets[1].id' "$DATA")"

# Open the packet: the timeline takes the screen and lists each event of that packet.
id=$(journey_id)
n_ev=$(jq --argjson id "$id" '.packets[] | select(.id == $id) | .events | length' "$DATA")
f_last=$(jq -r --argjson id "$id" '.packets[] | select(.id == $id) | .events[-1].func' "$DATA")
keys Enter
wait_gone 'Packets \(' 3
rows=$(screen | grep -cE '│ *\+[0-9.]+(ns|µs|ms|s) ')
check "Enter opens packet #$id: the list gives way to its $n_ev events" test "$rows" = "$n_ev"
check "the opened timeline ends with the packet's last function ($f_last)" has "$f_last"
keys Escape
check "Esc goes back to the packet list" wait_for 'Packets \(' 3

# Layer filter through the picker: move the cursor onto TCP, then Enter.
keys l
wait_for 'Filter by layer' 3
# The picker's cursor line ("▸  TCP ..."), not the packet list's selection ("▸ +1.2s ...").
cursor() { screen | grep -oE '▸[ *] [A-Za-z].*' | head -1; }
for _ in $(seq 40); do
	cur=$(cursor)
	grep -qE ' TCP ' <<<"$cur" && break
	keys Down
	# One step at a time: the next Down only once this one shows.
	for _ in $(seq 50); do
		[ "$(cursor)" != "$cur" ] && break
		sleep 0.05
	done
done
keys Enter
wait_for 'filter: layer=TCP' 3
check "l picks a layer: the header shows filter layer=TCP" has 'filter: layer=TCP'
check "the layer filter keeps the $tcp packets that went through TCP" \
	test "$(packets_title)" = "Packets ($tcp · $(jq '[.packets[] | select(.layer_events.TCP != null and .fate == "dropped")] | length' "$DATA") dropped)"
keys Escape
wait_gone 'filter: ' 3
check "Esc clears the filter" test "$(packets_title)" = "Packets ($total · $dropped dropped)"

keys v
wait_for 'Filter by fate or verdict' 3
keys Down Enter
wait_for 'filter: verdict=dropped' 3
check "v filters by fate: only the $dropped dropped packets remain" \
	test "$(packets_title)" = "Packets ($dropped · $dropped dropped)"
keys Escape
wait_gone 'filter: ' 3

# Search by port: the list narrows while typing, Esc takes the search back, Enter keeps it.
keys /
wait_for 'search: ' 3
keys 9999
wait_for "Packets \\($port " 3
check "/ narrows the list while the search is typed" \
	test "$(packets_title | grep -oE '\([0-9]+' | tr -d '(')" = "$port"
keys Escape
wait_for "Packets \\($total " 3
check "Esc in the prompt takes the search back" test "$(packets_title)" = "Packets ($total · $dropped dropped)"
keys /
wait_for 'search: ' 3
keys 9999 Enter
wait_for 'filter: search=9999' 3
check "/ searches by port: $port packets to or from port 9999" \
	test "$(packets_title | grep -oE '\([0-9]+' | tr -d '(')" = "$port"
check "every listed packet has port 9999" \
	test "$(screen | grep -cE '^│.*│.*:9999 ')" -ge 1

# Save the selected packet under the proposed name.
id=$(journey_id)
keys s
wait_for 'save to: skbtop-' 3
proposed=$(screen | grep -oE 'save to: [^ ]+\.json' | sed 's/save to: //')
check "s proposes a file name made of the tuple ($proposed)" \
	bash -c "echo '$proposed' | grep -q '9999'"
keys Enter
wait_for "saved packet #$id" 5
check "the status line reports the save" has "saved packet #$id to $proposed"
check "the saved file parses and holds exactly the selected packet (#$id)" \
	test "$(jq -c '[.format, (.packets | length), .packets[0].id]' "$SAVEDIR/$proposed" 2>/dev/null)" = \
	"[\"skbtop-session\",1,$id]"
check "the saved packet is the same as in the session" \
	test "$(jq -c '.packets[0].events' "$SAVEDIR/$proposed" 2>/dev/null)" = \
	"$(jq -c --argjson id "$id" '.packets[] | select(.id == $id) | .events' "$DATA")"
check "the saved file is private (mode 600)" test "$(stat -c %a "$SAVEDIR/$proposed")" = 600
txt=${proposed%.json}.txt
check "a readable text file sits next to it with the packet's timeline" \
	grep -q "^skbtop packet #$id .*9999" "$SAVEDIR/$txt"
check "no temporary file is left behind" test "$(ls "$SAVEDIR" | wc -l)" = 2
keys Escape
wait_gone 'filter: ' 3

# Help and footer come from one key table: every key the footer offers has a line in the help.
footer=$(screen | tail -1)
keys F1
wait_for '^│ ?Keys' 3
missing=""
n_keys=0
while read -r label _; do
	[ -n "$label" ] || continue
	n_keys=$((n_keys + 1))
	screen | grep -qE "^│ +$(sed 's/[][\/.^$*+?(){}|]/\\&/g' <<<"$label") +[a-z]" ||
		missing="$missing $label"
done < <(sed -E 's/  +/\n/g' <<<"$footer")
check "F1 help has a line for each of the $n_keys keys in the footer${missing:+ (missing:$missing)}" \
	test -z "$missing" -a "$n_keys" -ge 8
keys Escape
check "Esc leaves the help" wait_for 'Packets \(' 3

# Resize: 80x24 still shows every pane; smaller says so; back again.
T resize-window -t t -x 80 -y 24
wait_for 'Packets \(' 3
all_panes() { has 'Layers' && has 'Packets (' && has 'Journey' && has 'nftables'; }
check "at 80x24 all four panes are shown" all_panes
check "at 80x24 the footer still offers quit" bash -c "tail -1 <<<\"\$1\" | grep -q 'q quit'" _ "$(screen)"
T resize-window -t t -x 79 -y 24
check "at 79x24 the screen says it is too small" wait_for 'terminal too small: 79x24' 3
T resize-window -t t -x 80 -y 23
check "at 80x23 too" wait_for 'terminal too small: 80x23' 3
T resize-window -t t -x 100 -y 30
check "growing back redraws the panes" wait_for 'Packets \(' 3

keys q
check "q quits with status 0" wait_for '^EXIT=0' 5
check "the terminal is restored after q" restored

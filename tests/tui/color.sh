#!/usr/bin/env bash
# Colours: on by default, off with NO_COLOR or --no-color, and the screen stays readable without
# them (selection in reverse video and marked, drops in bold).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/tui/tmux.bash

DATA=$PWD/tests/data/session-host.json
# SGR colour parameters in tmux's capture: 30-37/40-47, 90-97/100-107, 38;.. and 48;..
colours() { screen_color | grep -cP '\e\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)(;[0-9;]*)?m'; }
reverse() { screen_color | grep -cP '\e\[([0-9;]*;)?7(;[0-9;]*)?m'; }

tui_start 120 36 "$SKBTOP" replay "$DATA"
wait_for 'Packets \(' 5
check "colours are on by default" test "$(colours)" -gt 0
keys q

tui_start 120 36 env NO_COLOR=1 "$SKBTOP" replay "$DATA"
wait_for 'Packets \(' 5
check "NO_COLOR=1 turns every colour off" test "$(colours)" -eq 0
check "without colours the selection is in reverse video" test "$(reverse)" -gt 0
check "without colours the selected packet is marked" has_re '^│.*│▸ '
keys q

tui_start 120 36 "$SKBTOP" replay --no-color "$DATA"
wait_for 'Packets \(' 5
check "replay --no-color turns every colour off" test "$(colours)" -eq 0
keys q
check "q quits" wait_for '^EXIT=0' 5

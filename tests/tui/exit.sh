#!/usr/bin/env bash
# Every way out of the UI leaves a usable terminal: q, F10, Ctrl-C, SIGTERM, SIGHUP, and a crash.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/tui/tmux.bash

DATA=$PWD/tests/data/session-host.json

# way NAME EXPECTED_STATUS ACTION...: start the replay, act, check the status and the terminal.
way() {
	local name=$1 want=$2
	shift 2
	tui_start 100 30 "$SKBTOP" replay "$DATA"
	if ! wait_for 'Packets \(' 5; then
		not_ok "$name: the UI did not start"
		return
	fi
	"$@"
	if wait_for '^EXIT=' 5 && has "EXIT=$want"; then
		ok "$name ends skbtop with status $want"
	else
		not_ok "$name ends skbtop with status $want"
		screen | grep -E 'EXIT|skbtop' | head -3
	fi
	check "$name restores the terminal (canonical mode, echo, signals)" restored
	check "$name leaves no curses screen behind" bash -c "! grep -qF 'Packets (' <<<\"\$1\"" _ "$(screen)"
}

way "q" 0 keys q
way "F10" 0 keys F10
way "Ctrl-C" 0 keys C-c
way "SIGTERM" 0 eval 'kill -TERM "$(tui_pid)"'
way "SIGHUP" 0 eval 'kill -HUP "$(tui_pid)"'
# A crash still dies of its signal (139 = 128 + SIGSEGV), after handing the terminal back.
way "a crash (SIGSEGV)" 139 eval 'kill -SEGV "$(tui_pid)"'

# Replay needs no privilege: as root, run it as nobody.
if [ "$(id -u)" -eq 0 ]; then
	tui_start 100 30 setpriv --reuid 65534 --regid 65534 --clear-groups "$SKBTOP" replay "$DATA"
else
	tui_start 100 30 "$SKBTOP" replay "$DATA"
fi
check "replay works without root (uid $([ "$(id -u)" -eq 0 ] && echo 65534 || id -u))" \
	wait_for 'Packets \([0-9]+ ' 5
keys q
check "and quits cleanly" wait_for '^EXIT=0' 5

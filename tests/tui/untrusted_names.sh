#!/usr/bin/env bash
# A session file is anyone's to hand over: names in it that hold ESC and BEL (a terminal title,
# a colour) appear on the screen as \xHH, as in the stream and the saved text, and act on nothing.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/tui/tmux.bash

DIR=$(mktemp -d)
EXTRA_CLEANUP="tui_cleanup; rm -rf '$DIR'"
trap 'eval "$EXTRA_CLEANUP"' EXIT
cat >"$DIR/evil.json" <<'JSON'
{"format":"skbtop-session","version":1,"packets":[{"id":1,
 "tuple":{"family":"IPv4","proto":"udp","src":"10.0.0.1","sport":1,"dst":"10.0.0.2","dport":2},
 "ifname":"e\u001b[7m","ifindex":2,"netns":7,"fate":"delivered","ended":true,"events":[
 {"t_ns":0,"type":"func","func":"ip_rcv\u001b]0;pwned\u0007","layer":"IPv4","ifname":"e\u001b[7m","ifindex":2,"netns":7}]}]}
JSON
(cd "$DIR" && tui_start 120 30 "$SKBTOP" replay "$DIR/evil.json")
if wait_for 'Packets \(' 5; then
	ok "replay opens a session whose names hold control bytes"
else
	not_ok "replay opens a session whose names hold control bytes"
	screen
	exit 1
fi
check "the packet list shows the interface name as e\\x1b[7m" has 'e\x1b[7m'
keys Enter
wait_for 'ip_rcv' 3
check "the timeline shows the function name as ip_rcv\\x1b]0;pwned\\x07" has 'ip_rcv\x1b]0;pwned\x07'
title_untouched() { ! T display -p -t t '#{pane_title}' | grep -q pwned; }
check "the pane's title was not set by the name ($(T display -p -t t '#{pane_title}'))" title_untouched
keys q
check "skbtop exits and restores the terminal" restored

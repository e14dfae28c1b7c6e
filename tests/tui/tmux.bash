# shellcheck shell=bash
# Drives the real skbtop in a private tmux server and reads the screen back (sourced by tests).
# Every helper works on one session, "t", of the server on socket $TUI_SOCK.

case ${OUT:-build} in
/*) BIN=$OUT ;;
*) BIN=$PWD/${OUT:-build} ;;
esac
# tests/run joins $PWD and $OUT even when OUT is absolute: trust OUT.
[ -x "$BIN/skbtop" ] && SKBTOP=$BIN/skbtop
TUI_SOCK="skbtop-tui-$$"
TUI_RC="$(mktemp -d)"
T() { tmux -L "$TUI_SOCK" "$@"; }

tui_cleanup() {
	T kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TUI_SOCK"
	rm -rf "$TUI_RC"
	return 0
}
trap tui_cleanup EXIT
# tests/lib.sh's ns_pair replaces the EXIT trap; it runs EXTRA_CLEANUP, so we go there too.
EXTRA_CLEANUP=tui_cleanup

# tui_start COLS ROWS CMD...: runs CMD in a fresh pane; when it ends the pane shows its exit
# status and whether the terminal was restored (canonical mode and echo back on).
tui_start() {
	local cols=$1 rows=$2
	shift 2
	printf 'echo $$ >%q/pid; exec' "$TUI_RC" >"$TUI_RC/run"
	printf ' %q' "$@" >>"$TUI_RC/run"
	rm -f "$TUI_RC/pid"
	T kill-server 2>/dev/null || true
	local i
	# A server still on its way out refuses new sessions: wait for it, then retry.
	for i in $(seq 20); do
		T ls >/dev/null 2>&1 || break
		sleep 0.1
	done
	for i in 1 2 3; do
		T -f /dev/null new-session -d -s t -x "$cols" -y "$rows" \
			"cd '$PWD'; export LANG=C.UTF-8 TERM=tmux-256color; sh '$TUI_RC/run'; \
			echo EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo|isig)' | \
			tr '\n' ' '; echo; echo DONE; sleep 600" 2>/dev/null && break
		sleep 0.3
	done
	T set-option -t t status off >/dev/null
	T resize-window -t t -x "$cols" -y "$rows" 2>/dev/null
	for i in $(seq 50); do
		[ -s "$TUI_RC/pid" ] && break
		sleep 0.1
	done
}

screen() { T capture-pane -p -t t; }
# has TEXT / has_re REGEX: the screen shows it now.
has() { screen | grep -qF -- "$1"; }
has_re() { screen | grep -qE -- "$1"; }
screen_color() { T capture-pane -e -p -t t; }
keys() { T send-keys -t t "$@"; }

# Waits end as soon as the screen matches, so their limits can be generous: a host busy with
# other work (QEMU guests, builds) must not fail a test. TUI_SLOW scales them.
TUI_SLOW=${TUI_SLOW:-2}

# wait_for REGEX [SECONDS]: until the screen matches (extended regex); false on timeout.
wait_for() {
	local re=$1 deadline=$((SECONDS + ${2:-5} * TUI_SLOW))

	while [ $SECONDS -le $deadline ]; do
		screen | grep -qE -- "$re" && return 0
		sleep 0.1
	done
	return 1
}

# wait_gone REGEX [SECONDS]: until the screen no longer matches.
wait_gone() {
	local re=$1 deadline=$((SECONDS + ${2:-5} * TUI_SLOW))

	while [ $SECONDS -le $deadline ]; do
		screen | grep -qE -- "$re" || return 0
		sleep 0.1
	done
	return 1
}

# The pid of skbtop inside the pane (the shell that wrote it exec'd skbtop).
tui_pid() { cat "$TUI_RC/pid"; }

# restored: after skbtop ended, the pane's terminal was back in canonical mode with echo.
restored() { wait_for '^DONE' 5 && screen | grep -q -- '^isig icanon echo'; }

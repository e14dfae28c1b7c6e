#!/usr/bin/env bash
# The screen comes before the BPF programs are loaded: its first frame says what is still
# starting, then turns into the live header once attached. q or SIGINT during the start ends
# skbtop with status 0 and leaves none of the BPF programs, maps or links it held; an error of the
# start is still said, readable, once the screen is gone.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root "live UI start-up"
. tests/tui/tmux.bash
command -v strace >/dev/null || { skip "live UI start-up" "needs strace to make the start last"; exit 0; }

# slow_skbtop DELAY_US ARGS...: skbtop under strace, each bpf() call DELAY_US longer, so that the
# start lasts seconds and what happens during it is seen for sure.
slow_skbtop() {
	local delay=$1
	shift
	tui_start 120 36 strace -f -o /dev/null -e trace=bpf -e inject=bpf:delay_exit="$delay" \
		"$SKBTOP" "$@"
}

slow_skbtop 10000
if ! wait_for 'skbtop [^ ]+  starting: [a-z]' 10; then
	not_ok "the first frame says what is still starting"
	screen | head -3
	exit 1
fi
ok "the first frame says what is still starting"
check "the start-up header turns into the live header" wait_for '▶ live' 30
check "the live header names what was attached" has_re 'backend [a-z.-]+, [0-9]+ fn \+ [1-9][0-9]* tp attached'
check "no start-up text is left in the live header" bash -c "! grep -q 'starting' <<<\"\$1\"" _ "$(screen | head -1)"
keys q
check "q once live ends skbtop with status 0" wait_for '^EXIT=0' 10

# q (or SIGINT) while the programs load: the start stops at its next step and undoes what it made.
# during_start NAME ACTION...: ACTION once the header says the programs are loading ($pid: skbtop).
during_start() {
	local name=$1 held watcher left kind id
	shift
	slow_skbtop 50000
	if ! wait_for 'starting: loading the BPF programs' 30; then
		not_ok "$name: the header says the BPF programs are loading"
		screen | head -3
		return
	fi
	ok "$name: the header says the BPF programs are loading"
	pid=$(pgrep -P "$(tui_pid)" -x skbtop)
	# The programs, maps and links skbtop holds, from its file descriptors' fdinfo, until it
	# exits: what it makes during the rest of the start is counted too.
	held=$(mktemp)
	(while kill -0 "$pid" 2>/dev/null; do
		grep -h -E '^(prog|map|link)_id:' /proc/"$pid"/fdinfo/* 2>/dev/null
		sleep 0.05
	done | sort -u >"$held") &
	watcher=$!
	"$@"
	check "$name during the start ends skbtop with status 0" wait_for '^EXIT=0' 30
	check "$name during the start restores the terminal" restored
	check "$name during the start never showed the live screen" \
		bash -c "! grep -qF '▶ live' <<<\"\$1\"" _ "$(screen)"
	wait "$watcher"
	left=""
	while read -r kind id; do
		bpftool "${kind%_id:}" show id "$id" >/dev/null 2>&1 && left="$left ${kind%_id:} $id"
	done <"$held"
	check "$name during the start: none of the $(wc -l <"$held") BPF objects it held remains (${left:-none left})" \
		test -s "$held" -a -z "$left"
	rm -f "$held"
}
sigint() { kill -INT "$pid"; }
during_start q keys q
during_start SIGINT sigint

# An error of the start (kprobes asked for, on a kernel without them) is said once the screen
# closed, as --stream says it, with the same status.
said=$("$SKBTOP" --stream --duration 0.01 --backend kprobe 2>&1 >/dev/null | grep -m1 '^skbtop: ')
if [ -n "$said" ] && ! "$SKBTOP" --stream --duration 0.01 --backend kprobe >/dev/null 2>&1; then
	tui_start 120 36 "$SKBTOP" --backend kprobe
	check "a start that fails ends skbtop with status 1" wait_for '^EXIT=1' 20
	check "its one-line error is readable once the screen closed ($said)" has "$said"
	check "a start that fails restores the terminal" restored
else
	skip "a start that fails says why once the screen closed" "this kernel has kprobes"
fi

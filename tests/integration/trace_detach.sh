#!/usr/bin/env bash
# Exit on SIGINT, SIGTERM and SIGHUP detaches everything: none of the BPF links skbtop held while
# running (read from its own fds) is left in the kernel afterwards.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "skbtop detaches on every exit path"
command -v bpftool >/dev/null || { skip "skbtop detaches on every exit path" "needs bpftool"; exit 0; }


for sig in INT TERM HUP; do
	trace_start "sig$sig" --stream ||
		{ not_ok "skbtop starts and attaches (SIG$sig run)"; continue; }
	mine=$(held_links "$TRACE_PID")
	n=$(echo "$mine" | grep -c .)
	check "while running, skbtop holds BPF links ($n)" test "$n" -gt 0
	trace_stop "$sig"
	check "SIG$sig: skbtop exits 0" test "$TRACE_RC" -eq 0
	check "SIG$sig: the detach time is printed" grep -qE '^skbtop: detached in [0-9.]+ ms$' "$TRACE_ERR"
	left=$(links_left "$mine")
	check "SIG$sig: none of its $n links is left in the kernel${left:+ (left: $left)}" test -z "$left"
done

# Without a terminal the screen cannot start: a clear error before anything is loaded.
"$SKBTOP" </dev/null >"$TRACE_DIR/tui.out" 2>"$TRACE_DIR/tui.err"
rc=$?
check "without a terminal skbtop fails (status $rc) with one clear line" \
	sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$TRACE_DIR/tui.err') -eq 1 ] && grep -q '^skbtop: .*terminal' '$TRACE_DIR/tui.err'"
check "and it refused before loading any BPF program" \
	sh -c "! grep -q '^skbtop: load' '$TRACE_DIR/tui.err'"

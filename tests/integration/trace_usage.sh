#!/usr/bin/env bash
# The command line: help with examples, bad usage refused with status 2 and one clear line, and a
# forced backend the kernel lacks refused with the kernel's reason.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
[ -x "$SKBTOP" ] || { skip "the command line is checked" "needs $SKBTOP"; exit 0; }

"$SKBTOP" --help >"$TRACE_DIR/help" 2>&1
rc=$?
check "--help exits 0 and shows examples and every backend" \
	sh -c "[ $rc -eq 0 ] && grep -q '^Examples:' '$TRACE_DIR/help' && grep -q 'kprobe-multi, kprobe, fentry or tracepoint' '$TRACE_DIR/help'"

# refused ARGS...: status 2, exactly one line on stderr starting "skbtop: ", nothing loaded.
refused() {
	timeout 20 "$SKBTOP" "$@" >/dev/null 2>"$TRACE_DIR/err"
	local rc=$?
	[ "$rc" -eq 2 ] && [ "$(grep -c . "$TRACE_DIR/err")" -eq 1 ] && grep -q '^skbtop: ' "$TRACE_DIR/err" &&
		! grep -q 'load' "$TRACE_DIR/err"
}
check "an unknown backend is bad usage" refused --stream --backend warp
check "a duration that is not a number is bad usage" refused --stream --duration soon
check "a negative --max-functions is bad usage" refused --stream --max-functions -3
check "an unknown --format is bad usage" refused --stream --format xml
check "a ring buffer size that is not a number is bad usage" refused --stream --ringbuf-kb lots
check "a bad tcpdump expression is bad usage" refused --stream 'port port'
check "a missing configuration file is bad usage" refused --stream --config /nonexistent.yaml
check "a bad --filter-func expression is bad usage" refused --stream --filter-func '('
check "an unknown option is refused with status 2" \
	sh -c "'$SKBTOP' --stream --frobnicate >/dev/null 2>&1; [ \$? -eq 2 ]"

if [ "$(id -u)" -eq 0 ] && [ ! -e /sys/bus/event_source/devices/kprobe/type ]; then
	"$SKBTOP" --stream --backend kprobe >/dev/null 2>"$TRACE_DIR/err"
	rc=$?
	check "--backend kprobe on a kernel without kprobes fails (status $rc): $(cat "$TRACE_DIR/err")" \
		sh -c "[ $rc -eq 1 ] && grep -qx 'skbtop: --backend kprobe: kernel has no kprobes' '$TRACE_DIR/err'"
	"$SKBTOP" --stream --backend fentry >/dev/null 2>"$TRACE_DIR/err"
	rc=$?
	check "--backend fentry where the kernel refuses it fails (status $rc) with the reason: $(cat "$TRACE_DIR/err")" \
		sh -c "[ $rc -eq 1 ] && grep -qE '^skbtop: --backend fentry: fentry (attach )?refused \(E[A-Z]+\)$' '$TRACE_DIR/err'"
	"$SKBTOP" --stream --duration 0.5 >/dev/null 2>"$TRACE_DIR/err"
	check "auto says: tracepoint, kernel has no kprobes, fentry refused" \
		grep -qE '^skbtop: backend tracepoint \(kernel has no kprobes; fentry (attach )?refused \(E[A-Z]+\)\)$' "$TRACE_DIR/err"
else
	skip "forced backends the kernel lacks are refused" "this kernel has kprobes (the VM scenarios cover it)"
fi

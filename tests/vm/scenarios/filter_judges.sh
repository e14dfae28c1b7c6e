#!/usr/bin/env bash
# Inside a tests/vm/run guest: tests/integration/trace_judges.sh with real kprobes, where the
# functions between two judges follow packets without judging them.
set -u
if [ -z "${VM_KERNEL:-}" ]; then
	. tests/lib.sh
	skip "the filter judges at entry points only, with kprobes" "runs inside a tests/vm/run guest"
	exit 0
fi
exec bash tests/integration/trace_judges.sh

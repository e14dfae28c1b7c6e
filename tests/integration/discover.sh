#!/usr/bin/env bash
# skbtop discover end to end: the real binary on this machine's kernel, its files, its errors.
set -u
cd "$(dirname "$0")/../.."
source tests/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "discover reads this kernel's BTF" "no /sys/kernel/btf/vmlinux"
	exit 0
fi

"$SKBTOP" discover --output "$tmp/funcs.json" --config-out "$tmp/trace.yaml" --max-trace 50 \
	>"$tmp/out" 2>"$tmp/err"
check "discover --output --config-out --max-trace 50 exits 0" [ $? -eq 0 ]

check "--output is valid JSON listing more than 1,500 functions with every field" python3 - "$tmp/funcs.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["functions"]
assert len(f) > 1500, len(f)
for x in f:
    assert isinstance(x["name"], str) and x["name"]
    assert x["module"] is None or isinstance(x["module"], str)
    assert 1 <= x["param"] <= 5
    assert x["ptr_depth"] in (1, 2)
    assert x["priority"] in ("Critical", "Important", "Optional", "Unknown")
    assert x["source"] in ("btf", "kallsyms")
    assert x["traceable"] in ("yes", "no", "unknown")
    assert isinstance(x["layer"], str)
by = {x["name"]: x for x in f}
assert by["ip_rcv"]["param"] == 1 and by["ip_rcv"]["layer"] == "IPv4"
assert by["ip_finish_output2"]["param"] == 3
assert by["__netif_receive_skb_core"]["ptr_depth"] == 2
assert d["stats"]["total"] == len(f)
EOF

check "--config-out holds exactly 50 functions, best priority first" python3 - "$tmp/trace.yaml" "$tmp/funcs.json" <<'EOF'
import json, sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
fs = c["trace"]["functions"]
assert len(fs) == 50, len(fs)
rank = {"Critical": 0, "Important": 1, "Optional": 2, "Unknown": 3}
prio = {x["name"]: rank[x["priority"]] for x in json.load(open(sys.argv[2]))["functions"]}
p = [prio[x["name"]] for x in fs]
assert p == sorted(p), p
assert all(1 <= x["param"] <= 5 for x in fs)
assert set(c) == {"store", "trace", "filter", "nft", "ui"}
EOF

"$SKBTOP" discover --config "$tmp/trace.yaml" --json >"$tmp/again.json" 2>"$tmp/err"
check "the written configuration is one skbtop --config reads" [ $? -eq 0 ]

check "fewer than 20% of functions are Unknown on this kernel" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["unknown_percent"] < 20, d["unknown_percent"]' \
	"$tmp/again.json"

"$SKBTOP" discover >"$tmp/stats" 2>&1
stats_complete() {
	grep -q "^By priority" "$tmp/stats" && grep -q "^By layer" "$tmp/stats" &&
		grep -Eq '^  btf +[0-9]+ +100\.0%' "$tmp/stats" &&
		grep -Eq '^  IPv4 +[0-9]+ +[0-9.]+%' "$tmp/stats"
}
check "without --output the statistics list method, priority and layer with percentages" \
	stats_complete

traceability_explained() {
	grep -q "(unknown: " "$tmp/stats" || grep -Eq '^  yes +[1-9]' "$tmp/stats"
}
check "traceability is either known or explained, never silently none" traceability_explained

"$SKBTOP" discover --no-btf --json >"$tmp/kallsyms.json" 2>"$tmp/err"
check "--no-btf guesses from kallsyms, marks the guesses and says why" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["method"]; assert m["btf"]==0 and m["kallsyms"]>100 and "--no-btf" in m["why"], m' \
	"$tmp/kallsyms.json"

# fails_with STATUS LINES PATTERN CMD...: CMD exits STATUS with LINES lines on stderr, matching.
fails_with() {
	local want=$1 lines=$2 pattern=$3 rc
	shift 3
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq "$want" ] && [ "$(wc -l <"$tmp/err")" -eq "$lines" ] && grep -q -- "$pattern" "$tmp/err"
}

printf 'trace:\n  backend: warp\n' >"$tmp/bad.yaml"
check "a bad configuration exits 2 with one line FILE:LINE:COLUMN: what is wrong" \
	fails_with 2 1 "^skbtop: $tmp/bad.yaml:2:12: trace.backend: 'warp' is not one of" \
	"$SKBTOP" discover --config "$tmp/bad.yaml"

check "with --json the error is a JSON object" \
	fails_with 2 1 '^{"error":".*bad.yaml:2:12: ' "$SKBTOP" discover --json --config "$tmp/bad.yaml"

check "a missing BTF file is one sentence and status 1" \
	fails_with 1 1 "no BTF at $tmp/nowhere/vmlinux" "$SKBTOP" discover --btf-dir "$tmp/nowhere"

check "an unreadable kallsyms is one sentence and status 1" \
	fails_with 1 1 "cannot read the kernel symbols in $tmp/nowhere" \
	"$SKBTOP" discover --no-btf --kallsyms "$tmp/nowhere"

check "--max-trace 0 is a usage error" \
	fails_with 2 1 "max-trace" "$SKBTOP" discover --max-trace 0 --config-out "$tmp/x.yaml"
check "--max-trace without --config-out is a usage error" \
	fails_with 2 1 "config-out" "$SKBTOP" discover --max-trace 5

help_has_examples() { "$SKBTOP" discover --help | grep -q "^Examples:"; }
check "--help exits 0 and shows examples" help_has_examples

mkdir -p "$tmp/adir/inside"
check "an output that cannot be renamed into place fails with status 1" \
	fails_with 1 1 "cannot write $tmp/adir" "$SKBTOP" discover --output "$tmp/adir"
leftovers() { [ -z "$(find "$tmp" -name '*.json.*' -o -name '*.yaml.*' -o -name 'adir.*')" ]; }
check "outputs go through a temporary file that never stays behind" leftovers

# shellcheck shell=bash
# Runs one libFuzzer harness over its seeds (tests/fuzz/corpus/NAME/ and the files tests/fuzz/seeds
# lists for NAME), then fuzzes for SECONDS; prints one TAP line with the executions. A crashing
# input is kept in $FUZZ_OUT/fuzz/crashes/ (run the harness on it to reproduce).
# Usage: bash tests/fuzz/fuzz.bash BIN SECONDS
set -u
bin=$1 secs=$2
name=${bin##*/fuzz_}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "${bin%/*}/crashes"
seeds=(tests/fuzz/corpus/"$name"/*)
read -ra extra < <(awk -v n="$name" '$1 == n { $1 = ""; print }' tests/fuzz/seeds)
for s in "${seeds[@]}" "${extra[@]}"; do
	[ -f "$s" ] && cp "$s" "$work/corpus/$(echo "$s" | tr / _)"
done
n_seeds=$(find "$work/corpus" -type f | wc -l)
# A small quarantine: regcomp under ASan otherwise faults in fresh pages for every pattern.
# -close_fd_mask=2: the parsers' one-line errors would flood the log; libFuzzer and the
# sanitizers keep their own copy of stderr.
ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16} "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=2 -print_final_stats=1 \
	-artifact_prefix="${bin%/*}/crashes/$name-" "$work/corpus" >"$work/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
if [ "$rc" -eq 0 ]; then
	echo "ok - fuzz_$name: ${runs:-?} executions in ${secs} s from $n_seeds seeds, nothing found"
else
	echo "not ok - fuzz_$name: found a failure after ${runs:-?} executions (status $rc)"
	grep -E 'ERROR|SUMMARY|runtime error|^model|view:|Test unit written|#[0-9]+ ' "$work/log" | tail -25 | sed 's/^/# /'
fi

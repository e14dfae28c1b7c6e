#!/usr/bin/env bash
# The oracle comparator itself, on a trace `nft monitor trace` printed on this machine and skbtop
# lines for the same packets: equal paths pass, a wrong handle or a missing policy step fails.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
command -v jq >/dev/null || { skip "oracle comparator" "jq is not installed"; exit 0; }
fx=tests/nft/fixtures mon=tests/nft/fixtures/monitor-6.18.txt
check "paths equal to the kernel's trace pass, other namespaces and implicit returns aside" \
	bash -c "tests/nft/oracle.sh '$mon' '$fx/skbtop-agree.json' 7 >/dev/null"
out=$(tests/nft/oracle.sh "$mon" "$fx/skbtop-wrong-handle.json" 7)
check "a wrong rule handle fails the packet it belongs to, only that one" \
	test "$(grep -c '^not ok' <<<"$out"):$(grep -c '^ok' <<<"$out")" = 1:1
check "a missing policy verdict fails" bash -c "! tests/nft/oracle.sh '$mon' '$fx/skbtop-missing-policy.json' 7 >/dev/null"
check "skbtop lines of another namespace do not count" bash -c "! tests/nft/oracle.sh '$mon' '$fx/skbtop-agree.json' 8 >/dev/null"
check "an empty trace is a failure, not a pass" bash -c "! tests/nft/oracle.sh /dev/null '$fx/skbtop-agree.json' 7 >/dev/null"
out=$(tests/nft/oracle.sh --immediate "$mon" "$fx/skbtop-agree.json" 7)
check "immediate mode compares only what immediates decide (jump and return here)" \
	grep -q "^not ok - packet udp 40656 9: nft monitor trace 't c 4 jump sub|t sub 6 return'" <<<"$out"
check "6.1's explicit return, printed by nft without its handle, matches skbtop's return" \
	bash -c "tests/nft/oracle.sh $fx/monitor-6.1-return.txt $fx/skbtop-6.1-return.json 7 >/dev/null"
check "immediate mode keeps 6.1's explicit return" \
	bash -c "tests/nft/oracle.sh --immediate $fx/monitor-6.1-return.txt $fx/skbtop-6.1-return.json 7 | grep -q 'o2 in 5 jump j1|o2 j1 - return'"
check "a trace id 6.1 reuses for the next packet, first seen at a chain the last one missed, starts a new packet" \
	bash -c "tests/nft/oracle.sh $fx/monitor-6.1-reused-id.txt $fx/skbtop-6.1-reused-id.json 7 >/dev/null"

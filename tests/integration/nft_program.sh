#!/usr/bin/env bash
# The nft that skbtop runs as root: never the first one on PATH, its stderr never written over
# skbtop's output, and a hung one stopped at nft.timeout_ms instead of hanging skbtop.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "skbtop runs a fixed nft, bounded in time"
real_nft=$(command -v nft) || { skip "skbtop runs a fixed nft, bounded in time" "needs nft"; exit 0; }
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

# A hung nft that complains on stderr, named by the configuration.
slow=$TRACE_DIR/slow-nft
printf '#!/bin/sh\necho "slow-nft: some complaint" >&2\nexec sleep 4242\n' >"$slow"
chmod 0755 "$slow"
cfg=$TRACE_DIR/skbtop.yaml
printf 'nft:\n  path: %s\n  timeout_ms: 500\n' "$slow" >"$cfg"
chmod 0600 "$cfg"
t0=$SECONDS
timeout 60 "$SKBTOP" --config "$cfg" --stream --filter-netns "/run/netns/$NS_B" \
	--nft-netlink-trace -t 1 udp >"$TRACE_DIR/slow.out" 2>"$TRACE_DIR/slow.err"
rc=$?
took=$((SECONDS - t0))
check "with a hung nft, skbtop -t 1 still ends, by itself (exit $rc, ${took} s)" \
	bash -c "[ $rc = 0 ] && [ $took -le 15 ]"
check "it says nft did not finish in time" grep -q "did not finish in 500 ms" "$TRACE_DIR/slow.err"
check "nft's own stderr is not copied over skbtop's ($(grep -v '^skbtop' "$TRACE_DIR/slow.err" | head -1))" \
	bash -c "! grep -qv '^skbtop' '$TRACE_DIR/slow.err'"
check "no stand-in nft is left running" bash -c "! pgrep -fx 'sleep 4242' >/dev/null"

# An nft first on PATH is not the one skbtop runs: the fixed one is.
mkdir -p "$TRACE_DIR/bin"
printf '#!/bin/sh\ntouch %s/bin/ran\nexec %s "$@"\n' "$TRACE_DIR" "$real_nft" >"$TRACE_DIR/bin/nft"
chmod 0755 "$TRACE_DIR/bin/nft"
PATH="$TRACE_DIR/bin:$PATH" "$SKBTOP" --stream --filter-netns "/run/netns/$NS_B" \
	--nft-netlink-trace -t 1 udp >/dev/null 2>"$TRACE_DIR/path.err"
check "skbtop does not run the nft it would find first on PATH" test ! -e "$TRACE_DIR/bin/ran"
check "it runs the system's nft instead (its marking table was added)" \
	grep -q "added table inet skbtop_trace_" "$TRACE_DIR/path.err"

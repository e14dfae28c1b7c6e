#!/usr/bin/env bash
# An unprivileged user, in a user+network namespace of its own, multicasts forged nftables trace
# datagrams (a well-formed trace, a planted 1 GiB length, a misaligned last message) while a root
# `skbtop --stream --nft-netlink-trace` traces that namespace: skbtop keeps running, believes
# none of them, counts them as refused, and exits 0.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "forged netlink trace datagrams"
FORGE=$TOOLS/nlforge
if [ ! -x "$FORGE" ] || ! command -v setpriv >/dev/null || ! command -v unshare >/dev/null; then
	skip "forged netlink trace datagrams" "needs $FORGE (make tools), setpriv and unshare"
	exit 0
fi
forge_out=$TRACE_DIR/forge.out
setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn "$FORGE" --seconds 30 \
	>"$forge_out" 2>&1 &
forge_pid=$!
EXTRA_CLEANUP="kill $forge_pid 2>/dev/null; trace_cleanup"
for _ in $(seq 50); do
	inode=$(stat -L -c %i "/proc/$forge_pid/ns/net" 2>/dev/null)
	[ -n "$inode" ] && [ "$inode" != "$(stat -L -c %i /proc/self/ns/net)" ] && break
	inode=
	sleep 0.1
done
[ -n "$inode" ] || { not_ok "the user's own namespace exists"; cat "$forge_out"; exit 1; }
check "the user's namespace belongs to another user namespace" \
	test "$(stat -L -c %i "/proc/$forge_pid/ns/user")" != "$(stat -L -c %i /proc/self/ns/user)"

# A namespace of another user namespace is traced only when named (README, Security): here root
# names it, and its owner forges what skbtop reads there.
trace_start forged --stream --nft-netlink-trace --filter-netns "/proc/$forge_pid/ns/net" \
	udp port 9 || { not_ok "skbtop starts with --nft-netlink-trace"; exit 1; }
check "skbtop traces the user's namespace, named with --filter-netns" \
	grep -q "added table inet skbtop_trace_$TRACE_PID in netns $inode:" "$TRACE_ERR"
sleep 3
check "skbtop is still running after 3 s of forged datagrams" kill -0 "$TRACE_PID"
check "the user is still sending" kill -0 "$forge_pid"
trace_stop
check "skbtop exits 0" test "$TRACE_RC" = 0
refused=$(sed -n 's/.* \([0-9]*\) datagrams refused (not from the kernel or malformed).*/\1/p' "$TRACE_ERR")
check "the forged datagrams are counted as refused ($refused)" test "${refused:-0}" -gt 0
check "no forged trace message became a rule event" bash -c "! grep -q forged '$TRACE_OUT'"
if [ "$TRACE_RC" != 0 ] || [ "${refused:-0}" -eq 0 ]; then
	sed 's/^/# /' "$TRACE_ERR" "$forge_out" | tail -20
fi

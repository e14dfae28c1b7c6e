#!/usr/bin/env bash
# A network namespace that an unprivileged user made (unshare -Urn) is that user's: with
# --nft-netlink-trace and no --filter-netns, skbtop adds no table there and says so at start-up;
# named with --filter-netns, it is traced like any other.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "a namespace an unprivileged user owns is left alone"
command -v nft >/dev/null && command -v setpriv >/dev/null ||
	{ skip "a namespace an unprivileged user owns is left alone" "needs nft and setpriv"; exit 0; }
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
# setpriv and unshare exec: the background pid ends up as sleep, in the user's namespaces.
setpriv --reuid=nobody --regid=nogroup --clear-groups unshare -Urn sleep 120 &
user=$!
EXTRA_CLEANUP="trace_cleanup; kill $user 2>/dev/null"
for _ in $(seq 50); do
	[ "$(readlink /proc/$user/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
	sleep 0.1
done
[ "$(readlink /proc/$user/ns/user)" != "$(readlink /proc/self/ns/user)" ] ||
	{ not_ok "an unprivileged user can make its own user and network namespace"; exit 1; }
tables() { nsenter -t "$user" -n nft list tables 2>/dev/null; }

trace_start all --stream --nft-netlink-trace udp ||
	{ not_ok "skbtop --nft-netlink-trace starts"; exit 1; }
check "at start-up it says it left the user's namespace alone" \
	grep -q "1 namespace of other user namespaces left alone (--filter-netns traces one)" "$TRACE_ERR"
check "no table of skbtop's is in the user's namespace ($(tables | paste -sd' '))" \
	bash -c "! nsenter -t $user -n nft list tables | grep -q skbtop_"
check "a namespace root made gets its marking table" \
	bash -c "ip netns exec $NS_B nft list tables | grep -q 'inet skbtop_trace_$TRACE_PID'"
trace_stop
check "skbtop exits 0" test "$TRACE_RC" = 0

trace_start named --stream --nft-netlink-trace --filter-netns "/proc/$user/ns/net" udp ||
	{ not_ok "skbtop --nft-netlink-trace --filter-netns (the user's namespace) starts"; exit 1; }
check "named with --filter-netns, the user's namespace gets the marking table" \
	bash -c "nsenter -t $user -n nft list tables | grep -q 'inet skbtop_trace_$TRACE_PID'"
trace_stop
check "and it is removed at exit" bash -c "! nsenter -t $user -n nft list tables | grep -q skbtop_"

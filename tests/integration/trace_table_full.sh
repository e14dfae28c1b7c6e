#!/usr/bin/env bash
# A tracking table of 16 slots (trace.track_max) and 48 datagrams followed at once, queued unread
# on a socket: each datagram still starts its journey, the skbs whose slot a newer one took are
# counted as given up, and the count of followed skbs stays within the table (an skb given up is
# no longer counted as followed).
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "a full tracking table gives skbs up, counted"
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh

cfg=$TRACE_DIR/skbtop.yaml
printf 'trace:\n  track_max: 16\n' >"$cfg"
chmod 0600 "$cfg"
trace_start full --config "$cfg" --stream --format json --filter-netns "/run/netns/$NS_B" ||
	{ not_ok "skbtop starts with a table of 16 slots"; exit 1; }
ip netns exec "$NS_B" "$TOOLS/sendpkt" listen udp 9999 --count 48 --hold 3 --timeout 20 \
	>"$TRACE_DIR/listen.out" 2>&1 &
listener=$!
sleep 0.5
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --count 48 --size 20 --src-port 40400
sleep 1
trace_stop INT
wait "$listener"
check "the listener got the 48 datagrams after holding them" test "$?" = 0

journeys=$(jq -s '[.[] | select(.sport == 40400) | .id] | unique | length' "$TRACE_OUT")
check "each of the 48 datagrams started a journey ($journeys did)" test "${journeys:-0}" -ge 48
line=$(grep '^skbtop: kernel:' "$TRACE_ERR")
given=$(sed -nE 's/.* ([0-9]+) given up \(table full\).*/\1/p' <<<"$line")
live=$(sed -nE 's/.* ([0-9]+) still followed.*/\1/p' <<<"$line")
check "skbs whose slot a newer one took are counted as given up (${given:-?})" \
	test "${given:-0}" -ge 32
check "the count of followed skbs stays within the table's 16 slots (${live:-?})" \
	test -n "$live" -a "${live:-99}" -le 16

#!/usr/bin/env bash
# tcpdump expressions judged in the kernel (tracepoint backend on this machine): one skbtop per
# expression, all listening at once, then one set of real packets between two namespaces. Each
# expression must follow exactly the packets its row names. The packet sent into a tun device has
# no Ethernet header (the network-layer view); the VLAN frame carries its tag in its bytes.
set -u
cd "$(dirname "$0")/../.."
source tests/lib.sh

need_root "filter expressions"
if [ ! -x "$SKBTOP" ] || [ ! -x "$TOOLS/sendpkt" ] || ! command -v jq >/dev/null ||
	! command -v python3 >/dev/null; then
	skip "filter expressions" "needs $SKBTOP, $TOOLS/sendpkt (make tools), jq and python3"
	exit 0
fi
ns_pair || {
	not_ok "two namespaces joined by veth"
	exit 1
}
WORK=$(mktemp -d)
PIDS=()
TUN_PID=
EXTRA_CLEANUP='for p in "${PIDS[@]}" $TUN_PID; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$WORK"'

# A tun device (no Ethernet header: the network-layer view) held open by a small reader.
ip netns exec "$NS_A" python3 - <<'PY' &
import fcntl, os, struct, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", b"tun_a", 0x0001 | 0x1000))  # TUNSETIFF, TUN|NO_PI
time.sleep(300)
PY
TUN_PID=$!
disown "$TUN_PID"
for _ in $(seq 50); do ip -n "$NS_A" link show tun_a >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$NS_A" addr add 10.99.0.1 peer 10.99.0.2 dev tun_a && ip -n "$NS_A" link set tun_a up || {
	not_ok "tun device in the namespace"
	exit 1
}

# Packet labels -> how to recognise them in a JSON event (forward direction only).
declare -A SIG=(
	[u53]='.sport == 41001'
	[u5353]='.sport == 41002'
	[u6_53]='.sport == 41003'
	[t443]='.sport == 41004'
	[t6_443]='.sport == 41005'
	[t8080]='.sport == 41006'
	[big]='.sport == 41007'
	[pr450]='.sport == 41008'
	[v100]='.sport == 41009'
	[tun]='.sport == 41010'
	[ping4]='.proto == "icmp" and .src == "10.77.0.1" and .icmp_type == 8'
	[ping6]='.proto == "icmp6" and .src == "fd77::1" and .icmp_type == 128'
	[ns6]='.proto == "icmp6" and .src == "fd77::1" and .icmp_type == 135'
)
. tests/filter_rows.bash
# A packet counts as followed when any event of a journey is its.
followed() { jq -r "select(.id != null) | \"\\(input_filename) \" + $LABEL" "$@"; }

# expression | the labels it must follow (every other label must not appear)
ROWS=(
	"host 10.77.0.2|u53 u5353 t443 t8080 big pr450 ping4"
	"src host 10.77.0.1|u53 u5353 t443 t8080 big pr450 ping4"
	"host fd77::2|u6_53 t6_443 ping6"
	"net 10.77.0.0/24|u53 u5353 t443 t8080 big pr450 ping4"
	"net 10.99.0.0/24|tun"
	"net fd77::/64|u6_53 t6_443 ping6 ns6"
	"tcp port 443|t443 t6_443"
	"udp and dst port 53|u53 u6_53 tun"
	"port 53 or port 5353|u53 u5353 u6_53 tun"
	"portrange 400-500|t443 t6_443 pr450"
	"tcp dst portrange 8000-8100|t8080"
	"tcp[tcpflags] & tcp-syn != 0|t443 t8080"
	"icmp[icmptype] == icmp-echo|ping4"
	"icmp6 and ip6[40] == 128|ping6"
	"icmp6[icmp6type] == icmp6-neighborsolicit|ns6"
	"ip6 and udp|u6_53"
	"not ip|u6_53 t6_443 ping6 ns6 v100"
	"udp and not port 53|u5353 big pr450"
	"(tcp port 443 or udp port 53) and ip6|u6_53 t6_443"
	"host 10.77.0.2 and (port 53 or port 8080)|u53 t8080"
	"vlan|v100"
	"vlan 100 and udp dst port 53|v100"
	"vlan 200|"
	"greater 500|big"
	"less 100 and udp|u53 u5353 u6_53 pr450 tun"
	"icmp or icmp6|ping4 ping6 ns6"
)

# Every skbtop at once: the same packets are judged by every expression.
rows_start "" 600 "$SKBTOP" --stream --format json --duration 120 --filter-netns "/run/netns/$NS_A" ||
	exit 1

A() { ip netns exec "$NS_A" "$@"; }
send() { A "$TOOLS/sendpkt" "$@" >/dev/null 2>&1; }

A busybox ping -6 -c 1 -W 2 fd77::2 >/dev/null
A busybox ping -c 1 -W 2 10.77.0.2 >/dev/null
send udp 10.77.0.2 53 --src-port 41001
send udp 10.77.0.2 5353 --src-port 41002
send udp fd77::2 53 --src-port 41003
send tcp 10.77.0.2 443 --src-port 41004 --timeout 1
send tcp fd77::2 443 --src-port 41005 --timeout 1
send tcp 10.77.0.2 8080 --src-port 41006 --timeout 1
send udp 10.77.0.2 7000 --src-port 41007 --size 1000
send udp 10.77.0.2 450 --src-port 41008
send udp 10.99.0.2 53 --src-port 41010
# The VLAN frame is written whole (tag in its bytes), as a switch port would deliver it.
mac_b=$(ip -n "$NS_B" -j link show veth_b | jq -r '.[0].address')
A python3 - "$mac_b" <<'PY' || not_ok "VLAN frame sent on veth_a"
import socket, struct, sys
dst = bytes.fromhex(sys.argv[1].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("veth_a", 0))
src = s.getsockname()[4]
payload = b"x" * 32
udp = struct.pack("!HHHH", 41009, 53, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 socket.inet_aton("10.77.100.1"), socket.inet_aton("10.77.100.2"))
csum = sum(struct.unpack("!10H", ip))
csum = (csum & 0xffff) + (csum >> 16)
ip = ip[:10] + struct.pack("!H", ~csum & 0xffff) + ip[12:]
s.send(dst + src + struct.pack("!HHH", 0x8100, 100, 0x0800) + ip + udp)
PY
# Every event a packet makes comes within a second or so; a packet some row misses is waited for
# a while longer (the last of them is the VLAN frame, whose only event with its ports is its drop).
sleep 1
rows_await 30

rows_stop
rows_judge ""

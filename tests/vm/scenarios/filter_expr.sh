#!/usr/bin/env bash
# tcpdump expressions judged in the kernel with the kprobe backends (kprobe.multi on 6.12, kprobe
# on 6.1): one skbtop per expression, all at once, then one set of real packets between two
# namespaces; each expression must follow exactly the packets its row names. Locally built packets
# are first seen in IP output, before they have a MAC header (the network-layer view); replies are
# first seen with one (the Ethernet view). A packet counts as followed when a journey starts with
# it. A datagram with IPv4 options puts the transport header where 6.12's in-place reads (a typed
# window at constant offsets) do not reach, so the filter copies it there.
set -u
. "$(dirname "$0")/../../lib.sh"

if [ -z "${VM_KERNEL:-}" ]; then
	skip "filter expressions on kprobe kernels" "runs inside a tests/vm/run guest"
	exit 0
fi
ns_pair || {
	not_ok "[filter] two namespaces joined by veth"
	exit 1
}
WORK=$(mktemp -d)
PIDS=()
EXTRA_CLEANUP='for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$WORK"'
FUNCS=ip_local_out,ip_output,ip6_local_out,ip6_output,__dev_queue_xmit,ip_rcv,ipv6_rcv

declare -A SIG=(
	[u53]='.sport == 41001'
	[u5353]='.sport == 41002'
	[u53opt]='.sport == 41009'
	[u6_53]='.sport == 41003'
	[t443]='.sport == 41004'
	[t6_443]='.sport == 41005'
	[big]='.sport == 41007'
	[pr450]='.sport == 41008'
	[ping4]='.proto == "icmp" and .src == "10.77.0.1" and .icmp_type == 8'
	[ping6]='.proto == "icmp6" and .src == "fd77::1" and .icmp_type == 128'
	[ns6]='.proto == "icmp6" and .src == "fd77::1" and .icmp_type == 135'
)
. "$(dirname "$0")/../../filter_rows.bash"
# The packet each journey started with (its first event with headers): what the filter chose.
followed() {
	jq -rn "reduce (inputs | select(.id != null and .src != null)) as \$e ({};
		.[input_filename][\$e.id | tostring] //= \$e) | to_entries[] | .key as \$f
		| .value[] | \"\\(\$f) \" + $LABEL" "$@"
}
ROWS=(
	"host 10.77.0.2|u53 u5353 t443 big pr450 ping4 u53opt"
	"host fd77::2|u6_53 t6_443 ping6"
	"tcp port 443|t443 t6_443"
	"udp and dst port 53|u53 u6_53 u53opt"
	"portrange 400-500|t443 t6_443 pr450"
	"tcp[tcpflags] & tcp-syn != 0|t443"
	"icmp[icmptype] == icmp-echo|ping4"
	"icmp6[icmp6type] == icmp6-neighborsolicit|ns6"
	"not ip|u6_53 t6_443 ping6 ns6"
	"(tcp port 443 or udp port 53) and ip6|u6_53 t6_443"
	"greater 500|big"
	"udp and not port 53|u5353 big pr450"
	"src host 10.77.0.1|u53 u5353 t443 big pr450 ping4 u53opt"
	"net 10.77.0.0/24|u53 u5353 t443 big pr450 ping4 u53opt"
	"ip6 net fd77::/64 and tcp|t6_443"
	"ip6 and udp|u6_53"
	"dst port 5353|u5353"
	"udp portrange 5000-8000|u5353 big"
	"icmp|ping4"
	"icmp6 and ip6[40] == 128|ping6"
	"tcp dst port 443 and src host 10.77.0.1|t443"
	"(udp port 53 or udp port 5353) and not ip6|u53 u5353 u53opt"
)
# Each guest starts every other row (and row 3, checked below): one skbtop per row, all at once,
# took a 6.12 guest's one CPU 160 s to start for the 22 rows. So every expression runs on one of
# the kernels, and each kernel's way of reading the skb (6.1 copies, 6.12 plain loads) and of
# attaching (kprobe, kprobe.multi) judges half of them.
half=$([ "$VM_KERNEL" = 6.1 ] && echo 0 || echo 1)
for i in "${!ROWS[@]}"; do
	[ $((i % 2)) = "$half" ] || [ "$i" = 3 ] || unset 'ROWS[i]'
done
rows_start "[filter] " 1500 skbtop -vv --stream --format json --duration 300 --functions "$FUNCS" \
	--filter-netns "/run/netns/$NS_A" || exit 1
backend=$(sed -n 's/^skbtop: backend \([^ ]*\).*/\1/p' "$WORK/3.err")

A() { ip netns exec "$NS_A" "$@"; }
send() { A sendpkt "$@" >/dev/null 2>&1; }
A ping -6 -c 1 -W 2 fd77::2 >/dev/null
A ping -c 1 -W 2 10.77.0.2 >/dev/null
send udp 10.77.0.2 53 --src-port 41001
send udp 10.77.0.2 5353 --src-port 41002
send udp fd77::2 53 --src-port 41003
send tcp 10.77.0.2 443 --src-port 41004 --timeout 2
send tcp fd77::2 443 --src-port 41005 --timeout 2
send udp 10.77.0.2 7000 --src-port 41007 --size 1000
send udp 10.77.0.2 450 --src-port 41008
send udp 10.77.0.2 53 --src-port 41009 --ip-options
sleep 2
rows_await 60
rows_stop
rows_judge "[filter $backend] "

case $VM_KERNEL in
6.1) want="copied by bpf_probe_read_kernel" ;;
*) want="headers loaded in place, and the filter's first 256" ;;
esac
check "[filter $backend] packet bytes are $want" grep -q "packet bytes: $want" "$WORK/3.err"

# The network-layer view at work: the datagram to port 53 was matched in IP output, where it has
# no MAC header yet, not later at __dev_queue_xmit.
first=$(jq -r 'select(.sport == 41001) | .func' "$WORK/3.out" | head -1)
check "[filter $backend] 'udp and dst port 53' matched before the MAC header existed (at $first)" \
	test "$first" = ip_local_out -o "$first" = ip_output

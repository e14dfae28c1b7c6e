# shellcheck shell=bash
# What the nftables benchmarks share (a .bash file: bench/run only runs *.sh).
. bench/lib.bash

# bench_chain NETNS: an input chain of 20 rules that all match UDP to port 9999 (19 counters, then
# an accept), so that each packet meets 20 rules and, traced, 22 trace steps.
bench_chain() {
	{
		echo "table inet bench {"
		echo "	chain in {"
		echo "		type filter hook input priority 0; policy accept;"
		for _ in $(seq 1 19); do echo "		udp dport 9999 counter"; done
		echo "		meta l4proto udp counter accept"
		echo "	}"
		echo "}"
	} | ip netns exec "$1" nft -f -
}

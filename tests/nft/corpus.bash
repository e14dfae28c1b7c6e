# shellcheck shell=bash
# The oracle's packets, shared by the guests' scenario and the host's netlink test. Needs NS_A and
# NS_B (tests/lib.sh ns_pair) and SENDPKT (default: sendpkt on PATH).

# stop_bg PID [SIGNAL]: a background job of a script ignores SIGINT unless it handles it itself.
stop_bg() {
	kill -"${2:-INT}" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# start_skbtop NAME NETNS ARGS...: skbtop (SKBTOP) streaming JSON for the named namespace NETNS
# in the background, pid in skb_pid, output in $work/NAME.json and NAME.err; returns once it is
# attached.
start_skbtop() {
	local name=$1 ns=$2
	shift 2
	"$SKBTOP" --stream --format json --filter-netns "/run/netns/$ns" "$@" \
		>"$work/$name.json" 2>"$work/$name.err" &
	skb_pid=$!
	# grep, not has_line: with -vv the file holds libbpf's thousands of lines by then.
	for _ in $(seq 300); do
		grep -q "skbtop: load" "$work/$name.err" 2>/dev/null && break
		kill -0 $skb_pid 2>/dev/null || break
		sleep 0.2
	done
	sleep 1
}

# send_corpus MONITOR_OUT [GLOB [NETNS]]: loads each ruleset of tests/nft/rulesets/GLOB (default
# oracle-[0-9]*.nft, the two-namespace corpus) in NETNS (default NS_B), sends its packets from NS_A
# (each with a source port of its own, from 40001 up, counted across calls) under
# `nft -a monitor trace` (started after the load: nft prints the text and handle of rules only
# from its own cache; packets go once it listens), and removes it. "#send PROTO ADDR PORT" sends from NS_A; "#reply PROTO ADDR
# PORT" sends from NS_B, from PORT to ADDR at the source port of the packet sent before it. "#flow
# PROTO ADDR PORT N" sends N packets of one flow (one source port) from NS_A, 200 ms apart. The
# monitor gets CORPUS_SETTLE seconds (default 1) to start. With CORPUS_TEXT_LOG (the stderr of an
# skbtop started with -vv), each ruleset's packets also wait, up to 30 s, until skbtop says it
# read the ruleset's generation (printed by an `nft monitor` of NETNS) or a later one. It reads
# rules on a thread of its own once the kernel says they changed, which took more than
# CORPUS_SETTLE's 2 s in a guest on a slow machine; a rule event before that has no text. A count
# of reads or of rules would not do: reads of the previous ruleset's removal, one table at a time,
# can end after the load.
CORPUS_SPORT=${CORPUS_SPORT:-40000}

# read_gen INODE: the generation of skbtop's last read of the rules of netns INODE.
read_gen() {
	sed -n "s/^skbtop: debug: nft rule text: netns $1, generation \([0-9]*\): .* rules read$/\1/p" \
		"$CORPUS_TEXT_LOG" 2>/dev/null | tail -1
}

# listeners NETNS GROUP: how many netlink sockets in NETNS are in nfnetlink multicast group GROUP
# (NFNLGRP_NFTABLES 7, NFNLGRP_NFTRACE 9: bit GROUP - 1 of the Groups column of /proc/net/netlink).
listeners() {
	local n=0 proto groups
	while read -r _ proto _ groups _; do
		[ "$proto" = 12 ] && ((0x$groups >> ($2 - 1) & 1)) && n=$((n + 1))
	done < <(ip netns exec "$1" cat /proc/net/netlink)
	echo $n
}

# new_gen FILE COUNT: the generation of the newest "# new generation" line of the `nft monitor`
# output FILE, once it has more than COUNT of them (empty after 10 s).
new_gen() {
	for _ in $(seq 100); do
		[ "$(grep -c '^# new generation ' "$1")" -gt "$2" ] && break
		sleep 0.1
	done
	sed -n 's/^# new generation \([0-9]*\) .*/\1/p' "$1" | tail -1
}

send_corpus() {
	local f kind proto addr port count mon n gens gen genmon inode ns=${3:-$NS_B}
	: >"$1"
	if [ -n "${CORPUS_TEXT_LOG:-}" ]; then
		inode=$(netns_inode "$ns")
		gens=$(mktemp)
		n=$(listeners "$ns" 7)
		ip netns exec "$ns" nft monitor >"$gens" 2>&1 &
		genmon=$!
		for _ in $(seq 100); do
			[ "$(listeners "$ns" 7)" -gt "$n" ] && break
			sleep 0.1
		done
	fi
	for f in tests/nft/rulesets/${2:-oracle-[0-9]*.nft}; do
		[ -n "${gens:-}" ] && n=$(grep -c '^# new generation ' "$gens")
		ip netns exec "$ns" nft -f "$f" || { not_ok "$f loads"; continue; }
		[ -n "${gens:-}" ] && gen=$(new_gen "$gens" "$n")
		n=$(listeners "$ns" 9)
		ip netns exec "$ns" nft -a monitor trace >>"$1" 2>&1 &
		mon=$!
		# A packet sent before the monitor joined the group is missing from its side.
		for _ in $(seq 100); do
			[ "$(listeners "$ns" 9)" -gt "$n" ] && break
			sleep 0.1
		done
		sleep "${CORPUS_SETTLE:-1}"
		if [ -n "${gens:-}" ]; then
			for _ in $(seq 300); do
				[ "$(read_gen "$inode")" -ge "${gen:-0}" ] 2>/dev/null && break
				sleep 0.1
			done
		fi
		while read -r kind proto addr port count; do
			if [ "$kind" = "#reply" ]; then
				ip netns exec "$NS_B" "${SENDPKT:-sendpkt}" "$proto" "$addr" "$CORPUS_SPORT" \
					--src-port "$port" --timeout 1 >/dev/null 2>&1
				continue
			fi
			CORPUS_SPORT=$((CORPUS_SPORT + 1))
			ip netns exec "$NS_A" "${SENDPKT:-sendpkt}" "$proto" "$addr" "$port" \
				--src-port $CORPUS_SPORT --count "${count:-1}" --interval 200 --timeout 1 \
				>/dev/null 2>&1
		done < <(grep -E '^#(send|reply|flow) ' "$f")
		sleep 1
		stop_bg $mon TERM
		grep -E '^table ' "$f" | while read -r _ fam name _; do
			ip netns exec "$ns" nft delete table "$fam" "$name"
		done
	done
	if [ -n "${gens:-}" ]; then
		stop_bg "$genmon" TERM
		rm -f "$gens"
	fi
}

# untexted_rule_events JSON: "src dst sport table chain handle" of each rule event with a handle
# but no text in skbtop's JSON lines, leaving out the namespace's own IPv6 traffic (router
# solicitations from fe80::, MLD and neighbour discovery to ff02::): it can meet a chain at any
# time, before skbtop has read the rules, and then rightly has no text yet. The corpus's packets
# wait for that read (send_corpus).
untexted_rule_events() {
	jq -r 'select(.type == "nft_rule" and .nft.handle > 0 and (.nft.rule == null)
		and ((.src // "" | startswith("fe80:")) or (.dst // "" | startswith("ff")) | not))
		| "\(.src) \(.dst) \(.sport) \(.nft.table) \(.nft.chain) \(.nft.handle)"' "$1"
}

# replace_rule_while_tracing: a packet (source port 41001) meets `udp dport 9701 counter accept` in
# table inet o7, the rule is replaced by `... meta mark set 7 accept`, a second packet (41002)
# meets the new one, and the table goes. check_replaced_rule_text then reads skbtop's JSON lines.
replace_rule_while_tracing() {
	local h
	ip netns exec "$NS_B" nft -f - <<'R'
table inet o7 {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 9701 counter accept
	}
}
R
	h=$(ip netns exec "$NS_B" nft -a list chain inet o7 in | awk '/dport 9701/ { print $NF }')
	ip netns exec "$NS_A" "${SENDPKT:-sendpkt}" udp 10.77.0.2 9701 --src-port 41001 --timeout 1 \
		>/dev/null 2>&1
	sleep 1
	ip netns exec "$NS_B" nft replace rule inet o7 in handle "$h" udp dport 9701 meta mark set 7 accept
	sleep 0.5
	ip netns exec "$NS_A" "${SENDPKT:-sendpkt}" udp 10.77.0.2 9701 --src-port 41002 --timeout 1 \
		>/dev/null 2>&1
	sleep 1
	ip netns exec "$NS_B" nft delete table inet o7
}

# check_replaced_rule_text JSON: each packet of replace_rule_while_tracing shows its own rule's text.
check_replaced_rule_text() {
	local json=$1
	text_of() {
		jq -r --argjson s "$1" 'select(.type == "nft_rule" and .sport == $s and .nft.table == "o7") | .nft.rule' \
			"$json" | head -1
	}
	check "the rule's text before the change is its old text" \
		test "$(text_of 41001)" = "udp dport 9701 counter accept"
	check "a rule replaced while tracing shows its new text" \
		test "$(text_of 41002)" = "udp dport 9701 meta mark set 0x00000007 accept"
}

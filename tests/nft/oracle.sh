#!/usr/bin/env bash
# tests/nft/oracle.sh [--immediate] MONITOR SKBTOP_JSON NETNS_INODE
# Compares, packet by packet, the nftables rule path that `nft monitor trace` printed (the kernel's
# own trace, the ground truth) with the nft_rule events of skbtop's JSON lines in that namespace.
# A packet is known by protocol and ports as it was sent (each test packet gets its own source
# port): the monitor's first packet line of a trace id, skbtop's first tuple of a journey, since
# NAT changes them on the way. Packets of one flow share them: the second is "PROTO SPORT DPORT #2"
# and so on, in the order the monitor traced them and skbtop saw them in a chain. A step is
# "table chain handle verdict" ("-" when there is no rule handle, "policy V" for a policy).
# Tables of skbtop's own (skbtop_*) are left out of the monitor's side: skbtop does not report them.
# The implicit return of a chain that ran out of rules ("- continue") is left out on both sides:
# nft prints it on 6.1 (trace type RETURN) and not on 6.4+ (type RULE without a handle), and it
# carries no decision. With --immediate, the monitor's steps are cut to what immediate mode can
# see (rules whose own immediate gave accept/drop/jump/goto/return; no policy, vmap, reject, NAT).
# On 6.1 an explicit return is traced with type RETURN, which nft prints as "verdict return"
# without the rule handle the kernel sent: when the monitor shows that form, skbtop's returns are
# compared without their handle too.
# Prints one TAP line per packet and exits 1 when any disagrees or a side saw nothing.
set -u
immediate=0
[ "${1:-}" = --immediate ] && immediate=1 && shift
mon=${1:?usage: oracle.sh [--immediate] MONITOR SKBTOP_JSON NETNS_INODE} json=${2:?} netns=${3:?}
tag=${ORACLE_TAG:+[$ORACLE_TAG] }

# key TAB step, in the monitor's order.
monitor_steps() {
	awk -v imm="$immediate" '
	$1 == "trace" && $2 == "id" {
		id = $3; table = $5; chain = $6; kind = $7
		if (kind == "packet:") {
			proto = ""; sp = ""; dp = ""
			for (i = 8; i < NF; i++) {
				if (($i == "udp" || $i == "tcp") && $(i + 1) == "sport") { proto = $i; sp = $(i + 2) }
				if (($i == "udp" || $i == "tcp") && $(i + 1) == "dport") dp = $(i + 2)
			}
			# Printed at each base chain: one the id has passed already starts a new packet, and
			# so does another source port (6.1 derives the id from the skb address, which the
			# next packet often reuses, and that packet may start at a chain the last one missed;
			# NAT rewrites a source port only after the last chain has printed the packet). A
			# netdev egress chain prints raw headers: no port to compare.
			at = id " " table " " chain
			if ((id in pkt) && !(at in seen) && (proto == "" || src[id] == proto " " sp)) {
				seen[at] = 1
				next
			}
			for (h in seen) if (index(h, id " ") == 1) delete seen[h]
			delete key[id]
			pkt[id] = 1; seen[at] = 1; src[id] = proto " " sp
			if (proto != "") {
				k = proto " " sp " " dp
				key[id] = ++nth[k] > 1 ? k " #" nth[k] : k
				print key[id] "\t"
			}
			next
		}
		# skbtop never reports its own tables (the netlink trace marks packets in one), but the
		# headers of a packet it marked may be printed in its table alone.
		if (!(id in key) || table ~ /^skbtop_/) next
		step = ""
		if (kind == "rule") {
			if (!match($0, /# handle [0-9]+ \(verdict [^)]*\)/)) next
			m = substr($0, RSTART, RLENGTH)
			split(m, w, " ")
			v = substr(m, index(m, "(verdict ") + 9); sub(/\)$/, "", v)
			if (imm) {
				split(v, vw, " ")
				if (vw[1] !~ /^(accept|drop|jump|goto|return)$/) next
				if ($0 ~ / vmap | reject| (dnat|snat|masquerade|redirect)( |$)/) next
			}
			step = table " " chain " " w[3] " " v
		} else if (kind == "verdict") {
			v = $8; if (NF >= 9) v = v " " $9
			step = table " " chain " - " v
		} else if (kind == "policy") {
			step = table " " chain " - policy " $8
		}
		if (step == "" || step ~ / - continue$/) next
		if (imm && step ~ / - / && step !~ / - return$/) next
		print key[id] "\t" step
	}' "$mon"
}

skbtop_steps() {
	jq -r --argjson ns "$netns" -n '[inputs] as $all |
		(reduce ($all[] | select(.id != null and .sport != null)) as $e ({};
			if has($e.id | tostring) then . else .[$e.id | tostring] = "\($e.proto) \($e.sport) \($e.dport)" end)) as $tuple |
		([$all[] | select((.type == "nft_rule" or .type == "nft_chain") and .netns == $ns) | .id] |
			unique | map(select($tuple[tostring] != null)) | group_by($tuple[tostring]) |
			map(to_entries[] | {key: (.value | tostring),
				value: ($tuple[.value | tostring] + (if .key > 0 then " #\(.key + 1)" else "" end))}) |
			from_entries) as $first |
		$all[] | select(.type == "nft_rule" and .netns == $ns) |
		($first[.id | tostring] // (if .sport != null then "\(.proto) \(.sport) \(.dport)" else null end)) as $k |
		select($k != null) | "\($k)\t\(.nft.table) \(.nft.chain) " +
		(if .nft.policy then "- policy \(.nft.verdict)"
		 else "\(if (.nft.handle // 0) == 0 then "-" else .nft.handle end) \(.nft.verdict)" +
		      (if .nft.target then " \(.nft.target)" else "" end) end)' "$json" |
		grep -v ' - continue$'
}

m=$(mktemp) s=$(mktemp)
trap 'rm -f "$m" "$s"' EXIT
monitor_steps >"$m"
skbtop_steps >"$s"
if grep -q $'\t[^ ]* [^ ]* - return$' "$m"; then
	sed -i -E 's/^([^\t]*\t[^ ]+ [^ ]+) [0-9]+ return$/\1 - return/' "$s"
fi
keys=$(cut -f1 "$m" | awk '!seen[$0]++')
if [ -z "$keys" ]; then
	echo "not ok - ${tag}the monitor traced no packet"
	exit 1
fi
bad=0
while IFS= read -r k; do
	want=$(awk -F'\t' -v k="$k" '$1 == k && $2 != "" { print $2 }' "$m" | paste -sd'|')
	got=$(awk -F'\t' -v k="$k" '$1 == k { print $2 }' "$s" | paste -sd'|')
	n=$(awk -F'|' '{ print NF }' <<<"$want")
	[ -n "$want" ] || n=0
	if [ "$want" = "$got" ]; then
		echo "ok - ${tag}packet $k: skbtop's $n rule steps equal nft monitor trace's ($want)"
	else
		echo "not ok - ${tag}packet $k: nft monitor trace '$want' but skbtop '$got'"
		bad=1
	fi
done <<<"$keys"
exit $bad

#!/usr/bin/env bash
# The rule text lookup held: an nft that takes seconds to list the ruleset (a stand-in that waits
# until the test lets it go, then runs the real one) while `skbtop --stream --nft-netlink-trace` follows traffic through a
# rule. The stream keeps printing during the hold, no event is lost for it, and once nft has
# answered, the rule events carry the rule's text.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/trace_lib.bash
NAME="events flow while nft lists the ruleset slowly"
trace_env_ok "$NAME"
REAL_NFT=$(command -v nft) || { skip "$NAME" "needs nft"; exit 0; }
HOLD_MAX=60 # seconds the stand-in waits at most, should the test die
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
printf 'table inet held {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tudp dport 9477 counter\n\t}\n}\n' |
	ip netns exec "$NS_B" nft -f - || { not_ok "a rule in the traced namespace"; exit 1; }

# Only the listing skbtop reads rule text from is slow; starting and stopping stay quick.
slow=$TRACE_DIR/nft
cat >"$slow" <<SH
#!/bin/sh
case "\$*" in *"list ruleset"*)
	touch "$TRACE_DIR/held"
	i=0
	while [ ! -e "$TRACE_DIR/release" ] && [ \$i -lt $((HOLD_MAX * 10)) ]; do
		sleep 0.1; i=\$((i + 1))
	done
	"$REAL_NFT" "\$@"; rc=\$?
	touch "$TRACE_DIR/answered"
	exit \$rc;;
esac
exec "$REAL_NFT" "\$@"
SH
chmod 755 "$slow"
printf 'nft:\n  path: %s\n  timeout_ms: %d\n' "$slow" $(((HOLD_MAX + 10) * 1000)) >"$TRACE_DIR/c.yaml"

trace_start held --config "$TRACE_DIR/c.yaml" --stream --format json \
	--filter-netns "/run/netns/$NS_B" --nft-netlink-trace udp ||
	{ not_ok "skbtop starts with the slow nft"; exit 1; }
for _ in $(seq 100); do [ -e "$TRACE_DIR/held" ] && break; sleep 0.1; done
check "skbtop asked the slow nft for the ruleset at start" test -e "$TRACE_DIR/held"
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9477 --count 1000 --interval 2 >/dev/null
sleep 0.5
# A stream stopped mid-line would end in half an object: whole lines only.
printed=$(jq -Rn '[inputs | fromjson? | select(.dport == 9477 and .type == "nft_rule")] | length' \
	"$TRACE_OUT")
check "while nft is held, the rule events of 1000 packets are printed ($printed so far)" \
	bash -c "[ ! -e '$TRACE_DIR/answered' ] && [ '$printed' -ge 1000 ]"
touch "$TRACE_DIR/release"
for _ in $(seq 200); do [ -e "$TRACE_DIR/answered" ] && break; sleep 0.1; done
sleep 0.5
ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9477 --count 3 --src-port 40777 >/dev/null
sleep 1
trace_stop INT
check "skbtop exits 0" test "$TRACE_RC" = 0
line=$(grep '^skbtop: kernel:' "$TRACE_ERR")
klost=$(echo "$line" | sed -E 's/.* ([0-9]+) lost \(ring buffer full\).*/\1/')
qlost=$(echo "$line" | sed -E 's/.* ([0-9]+) lost \(queue full\).*/\1/')
check "no event is lost, in the kernel ($klost) or the queue ($qlost)" \
	test "$klost$qlost" = 00
# rule_texts FILTER: the texts of the rule events (with a handle) of port 9477 FILTER selects.
rule_texts() {
	jq -r "select(.dport == 9477 and .type == \"nft_rule\" and .nft.handle > 0) | select($1) |
		.nft.rule // \"none\"" "$TRACE_OUT" | sort -u | paste -sd';'
}
during=$(rule_texts '.sport != 40777')
after=$(rule_texts '.sport == 40777')
check "the rule events printed during the hold say no text rather than wait for it ($during)" \
	test "$during" = none
check "the rule events after nft answered carry the rule's text ($after)" \
	test "$after" = "udp dport 9477 counter"

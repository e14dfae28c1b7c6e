#!/usr/bin/env bash
# Whoever can add a rule or name an interface in a traced namespace controls text that skbtop
# prints: a rule comment and an interface name holding ESC and BEL (a terminal title and a colour)
# must reach the stream, the JSON and the saved text escaped, never as raw control bytes.
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "text from a traced namespace is printed escaped"
command -v nft >/dev/null || { skip "text from a traced namespace is printed escaped" "needs nft"; exit 0; }
ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
evil_if=$'vb\e[7m\a'
ip -n "$NS_B" link set veth_b down
ip -n "$NS_B" link set veth_b name "$evil_if" &&
	ip -n "$NS_B" link set "$evil_if" up || { not_ok "an interface name can hold ESC"; exit 1; }
printf 'table inet evil {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tudp dport 9399 counter comment "x\033]0;pwned\007\033[31mred"\n\t}\n}\n' |
	ip netns exec "$NS_B" nft -f - || { not_ok "a rule comment can hold ESC and BEL"; exit 1; }

# raw FILE: the lines of FILE that hold a control byte other than the line's end.
raw() { LC_ALL=C grep -n $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; }
# json_any ARGS...: jq -s -e ARGS finds it true.
json_any() { jq -s -e "$@" >/dev/null; }

for fmt in text json; do
	trace_start "$fmt" --stream --format "$fmt" --filter-netns "/run/netns/$NS_B" \
		--nft-netlink-trace -o "$TRACE_DIR/s-$fmt.json" udp ||
		{ not_ok "skbtop --stream --format $fmt starts"; continue; }
	ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9399 --size 40 --count 3 >/dev/null
	sleep 1
	trace_stop INT
	check "--format $fmt: skbtop exits 0" test "$TRACE_RC" = 0
	check "--format $fmt: the stream has no raw control byte ($(raw "$TRACE_OUT" | head -1 | cat -v))" \
		bash -c "! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' '$TRACE_OUT'"
	check "--format $fmt: the log on stderr has no raw control byte" \
		bash -c "! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' '$TRACE_ERR'"
done
check "the text stream shows the comment with its control bytes as \\xHH" \
	grep -qF 'comment "x\x1b]0;pwned\x07\x1b[31mred"' "$TRACE_DIR/text.out"
check "the text stream shows the interface name as vb\\x1b[7m\\x07" \
	grep -qF 'vb\x1b[7m\x07' "$TRACE_DIR/text.out"
check "the JSON stream keeps the exact comment, escaped as JSON" \
	json_any 'any(.[]; .nft.rule? // "" | contains("x\u001b]0;pwned\u0007"))' "$TRACE_DIR/json.out"
check "the JSON stream keeps the exact interface name" \
	json_any --arg n "$evil_if" 'any(.[]; .ifname == $n)' "$TRACE_DIR/json.out"
check "the saved session has no raw control byte" \
	bash -c "! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' '$TRACE_DIR/s-json.json'"

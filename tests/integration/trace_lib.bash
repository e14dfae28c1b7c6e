# shellcheck shell=bash
# Helpers for the trace_*.sh tests: start skbtop in the background, wait until it has attached,
# stop it with a signal, and pin the neighbours so that no ARP/NDP packet muddles a journey.
# (A .bash file: tests/run only runs *.sh.)

TRACE_DIR=$(mktemp -d)
trace_cleanup() {
	[ -n "${TRACE_PID:-}" ] && kill -KILL "$TRACE_PID" 2>/dev/null
	rm -rf "$TRACE_DIR"
}
EXTRA_CLEANUP=trace_cleanup
trap ns_cleanup EXIT

# trace_start NAME ARGS...: skbtop ARGS with stdout in $TRACE_DIR/NAME.out, stderr in NAME.err.
# Returns once it printed its attach line, or 1 if it exited first or took more than $TRACE_WAIT s
# (default 20; attaching thousands of kprobes one by one in QEMU takes minutes).
trace_start() {
	local name=$1
	shift
	TRACE_OUT=$TRACE_DIR/$name.out TRACE_ERR=$TRACE_DIR/$name.err
	: >"$TRACE_ERR"
	"$SKBTOP" "$@" >"$TRACE_OUT" 2>"$TRACE_ERR" &
	TRACE_PID=$!
	for _ in $(seq $((${TRACE_WAIT:-20} * 5))); do
		has_line "$TRACE_ERR" 'skbtop: load * attach*' && return 0
		kill -0 "$TRACE_PID" 2>/dev/null || break
		sleep 0.2
	done
	cat "$TRACE_ERR" >&2
	return 1
}

# trace_stop [SIGNAL]: stops skbtop (default SIGINT) and sets TRACE_RC to its exit status.
trace_stop() {
	kill -"${1:-INT}" "$TRACE_PID" 2>/dev/null
	wait "$TRACE_PID"
	TRACE_RC=$?
	TRACE_PID=
}

# static_neigh: permanent neighbour entries both ways, IPv4 and IPv6.
static_neigh() {
	local mac_a mac_b
	mac_a=$(ip -n "$NS_A" -j link show veth_a | jq -r '.[0].address')
	mac_b=$(ip -n "$NS_B" -j link show veth_b | jq -r '.[0].address')
	ip -n "$NS_A" neigh replace 10.77.0.2 lladdr "$mac_b" dev veth_a nud permanent
	ip -n "$NS_B" neigh replace 10.77.0.1 lladdr "$mac_a" dev veth_b nud permanent
	ip -n "$NS_A" neigh replace fd77::2 lladdr "$mac_b" dev veth_a nud permanent
	ip -n "$NS_B" neigh replace fd77::1 lladdr "$mac_a" dev veth_b nud permanent
}

# trace_env_ok: root, the binary, the sender and jq; otherwise skip the whole test.
trace_env_ok() {
	need_root "$1"
	if [ ! -x "$SKBTOP" ] || [ ! -x "$TOOLS/sendpkt" ] || ! command -v jq >/dev/null; then
		skip "$1" "needs $SKBTOP, $TOOLS/sendpkt and jq (make all tools)"
		exit 0
	fi
}

# links_left PID_LINKS: those of the given link ids (one a line) the kernel still has.
links_left() { bpftool link show -j | jq -r '.[].id' | grep -Fx -f <(echo "$1" | grep .) | tr '\n' ' '; }

# held_links PID: the ids of the BPF links among a process' file descriptors.
held_links() { cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^link_id:/ { print $2 }'; }

# ids_of FILE JQ_FILTER: the distinct journey ids of the JSON lines that match.
ids_of() { jq -r "select(.id != null) | select($2) | .id" "$1" | sort -un; }

# any_event FILE COND: some JSON line of FILE satisfies the jq condition COND.
any_event() { jq -s -e "any(.[]; $2)" "$1" >/dev/null; }

# first_ids FILE JQ_FILTER: the journeys whose first event with addresses matches. (Inside an
# ICMP error the stack points the network header at the quoted packet, so later events of the
# error's journey may show the quoted packet's tuple: a journey is known by its first tuple.)
first_ids() {
	jq -s -r "map(select(.id != null and .type != null and .src != null)) | group_by(.id) |
		map(select(.[0] | $2)) | .[][0].id" "$1"
}

# check_refused ARGS...: `skbtop --stream ARGS` is bad usage: status 2 and one line on stderr.
check_refused() {
	timeout 10 "$SKBTOP" --stream "$@" >/dev/null 2>"$TRACE_DIR/err"
	local rc=$?
	check "$* is bad usage: status $rc, one line ($(cat "$TRACE_DIR/err"))" \
		sh -c "[ $rc -eq 2 ] && [ \$(grep -c . '$TRACE_DIR/err') -eq 1 ]"
}

# prog_sizes PID: "programs most_instructions" of the BPF programs PID holds (its file descriptors
# say which; links hold programs too, so each is counted once), most_instructions being those of
# the largest program's own function as the verifier left it, without its subprograms (6.1's
# verifier keeps global ones that nothing calls).
prog_sizes() {
	local id n=0 most=0 c
	for id in $(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un); do
		c=$(bpftool prog dump xlated id "$id" -j 2>/dev/null |
			jq '(.[1:] | map(has("proto")) | index(true)) as $i | if $i == null then length else $i + 1 end') ||
			continue
		n=$((n + 1))
		[ "$c" -gt "$most" ] && most=$c
	done
	echo "$n $most"
}

# shellcheck shell=bash
# Helpers for skbtop's shell tests: TAP lines, root checks, and throw-away network namespaces.
# Traffic only ever goes between namespaces a test made itself.

SKBTOP=${SKBTOP:-$PWD/build/skbtop}
TOOLS=${TOOLS:-$PWD/build/tools}

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }

# check NAME CMD...: ok when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# has_line FILE GLOB: FILE has a line that GLOB matches, read by the shell itself. A wait that ran
# grep every tenth of a second took a good part of an emulated guest's CPU (a fork and exec there
# costs about 15 ms) from the program it waited for.
has_line() {
	local line
	[ -r "$1" ] || return 1
	while IFS= read -r line; do
		# shellcheck disable=SC2053 # GLOB is a pattern
		[[ $line == $2 ]] && return 0
	done <"$1"
	return 1
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "$1" "needs root"
		exit 0
	fi
}

# ns_pair: two namespaces joined by a veth pair, cleaned up on exit.
#   $NS_A (veth_a, 10.77.0.1/24, fd77::1/64) <-> $NS_B (veth_b, 10.77.0.2/24, fd77::2/64)
ns_pair() {
	NS_A="skbt-a-$$"
	NS_B="skbt-b-$$"
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	trap ns_cleanup EXIT
	ip link add veth_a netns "$NS_A" type veth peer name veth_b netns "$NS_B" || return 1
	ip -n "$NS_A" addr add 10.77.0.1/24 dev veth_a
	ip -n "$NS_B" addr add 10.77.0.2/24 dev veth_b
	ip -n "$NS_A" -6 addr add fd77::1/64 dev veth_a nodad
	ip -n "$NS_B" -6 addr add fd77::2/64 dev veth_b nodad
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link set veth_a up
	ip -n "$NS_B" link set veth_b up
}

# ns_three: namespaces $NS_A and $NS_B each joined by veth to a third, $NS_R (veth_a <-> veth_ra,
# veth_b <-> veth_rb), every link up, cleaned up on exit. ns_router and ns_bridge make R a router
# or a bridge.
ns_three() {
	local ns
	NS_A="skbt-a-$$"
	NS_R="skbt-r-$$"
	NS_B="skbt-b-$$"
	ip netns add "$NS_A" && ip netns add "$NS_R" && ip netns add "$NS_B" || return 1
	trap ns_cleanup EXIT
	ip link add veth_a netns "$NS_A" type veth peer name veth_ra netns "$NS_R" || return 1
	ip link add veth_b netns "$NS_B" type veth peer name veth_rb netns "$NS_R" || return 1
	for ns in "$NS_A" "$NS_R" "$NS_B"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link set veth_a up
	ip -n "$NS_R" link set veth_ra up
	ip -n "$NS_R" link set veth_rb up
	ip -n "$NS_B" link set veth_b up
}

# ns_router: R routes between A and B; their neighbours are left to ARP.
#   $NS_A (veth_a, 10.91.0.1/24) <-> (veth_ra, 10.91.0.254) $NS_R (veth_rb, 10.92.0.254)
#   <-> $NS_B (veth_b, 10.92.0.2/24)
ns_router() {
	ns_three || return 1
	ip -n "$NS_A" addr add 10.91.0.1/24 dev veth_a
	ip -n "$NS_R" addr add 10.91.0.254/24 dev veth_ra
	ip -n "$NS_R" addr add 10.92.0.254/24 dev veth_rb
	ip -n "$NS_B" addr add 10.92.0.2/24 dev veth_b
	ip -n "$NS_A" route add default via 10.91.0.254
	ip -n "$NS_B" route add default via 10.92.0.254
	ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
}

# ns_bridge: A and B on one Linux bridge, br0, in R.
#   $NS_A (veth_a, 10.93.0.1/24) <-> (veth_ra) br0 in $NS_R (veth_rb) <-> $NS_B (veth_b, 10.93.0.2/24)
ns_bridge() {
	ns_three || return 1
	ip -n "$NS_R" link add br0 type bridge || return 1
	ip -n "$NS_R" link set veth_ra master br0
	ip -n "$NS_R" link set veth_rb master br0
	ip -n "$NS_R" link set br0 up
	ip -n "$NS_A" addr add 10.93.0.1/24 dev veth_a
	ip -n "$NS_B" addr add 10.93.0.2/24 dev veth_b
}

ns_cleanup() {
	[ -n "${NS_A:-}" ] && ip netns del "$NS_A" 2>/dev/null
	[ -n "${NS_R:-}" ] && ip netns del "$NS_R" 2>/dev/null
	[ -n "${NS_B:-}" ] && ip netns del "$NS_B" 2>/dev/null
	[ -n "${EXTRA_CLEANUP:-}" ] && eval "$EXTRA_CLEANUP"
	return 0
}

# netns_inode NS: the inode skbtop reports for a named namespace.
netns_inode() { stat -L -c %i "/run/netns/$1"; }

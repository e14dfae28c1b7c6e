#!/usr/bin/env bash
# make screenshots: PNGs of real runs, rendered from tmux's colour capture (capture-pane -e)
# with aha (ANSI -> HTML) and headless chromium (HTML -> PNG). Nothing is drawn by hand.
#   live-host.png        skbtop live on this host (root), traffic between two namespaces
#   replay-vm.png        skbtop replay of a session recorded in a QEMU guest with nftables verdicts
#   replay-vm-packet.png the same session, the nft-dropped packet opened
#   replay-vm-hist.png   the same session sorted by duration, the layer pane as histograms (H)
#   replay-vm-drops.png  the same session's drop reasons (d)
#   help.png             the help screen (generated from the key table)
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
export OUT
SKBTOP=$OUT/skbtop
VM_SESSION=${VM_SESSION:-tests/data/session-vm.json}
. tests/lib.sh
. tests/tui/tmux.bash
trap 'tui_cleanup; ns_cleanup' EXIT
for tool in aha chromium jq; do
	command -v $tool >/dev/null || { echo "screenshots: $tool is missing (make deps)" >&2; exit 1; }
done
COLS=120 ROWS=36
work=$(mktemp -d)
EXTRA_CLEANUP="tui_cleanup; rm -rf '$work'"

# shot NAME: the pane as it is now, with its colours, into screenshots/NAME.png.
shot() {
	local name=$1
	T capture-pane -e -p -t t >"$work/$name.ans"
	{
		echo '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
		echo 'body { margin: 0; background: #1c1c1c; }'
		echo 'pre { margin: 8px; font: 14px/16px "DejaVu Sans Mono", monospace; color: #d0d0d0; }'
		echo '</style></head><body><pre>'
		aha --no-header <"$work/$name.ans"
		echo '</pre></body></html>'
	} >"$work/$name.html"
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--no-first-run --hide-scrollbars --user-data-dir="$work/chromium" \
		--window-size=$((COLS * 843 / 100 + 18)),$((ROWS * 16 + 16)) \
		--screenshot="$PWD/screenshots/$name.png" "file://$work/$name.html" >/dev/null 2>&1
	[ -s "screenshots/$name.png" ] && echo "screenshots/$name.png"
}

# Live: needs root and the tracepoint (or better) backend of this host.
if [ "$(id -u)" -eq 0 ]; then
	ns_pair
	ip netns exec "$NS_B" nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 9999 counter drop
		tcp dport 8080 jump svc
	}
	chain svc {
		tcp dport 8080 accept
	}
}
NFT
	ip netns exec "$NS_B" "$OUT/tools/sendpkt" listen udp 7777 --count 1000 --timeout 60 \
		>/dev/null 2>&1 &
	listeners=$!
	ip netns exec "$NS_B" "$OUT/tools/sendpkt" listen tcp 8080 --count 100 --timeout 60 \
		>/dev/null 2>&1 &
	listeners="$listeners $!"
	tui_start $COLS $ROWS "$SKBTOP" --filter-netns "/run/netns/$NS_B"
	wait_for '▶ live' 30
	for i in $(seq 6); do
		ip netns exec "$NS_A" "$OUT/tools/sendpkt" udp 10.77.0.2 7777 --count 4 --interval 30
		ip netns exec "$NS_A" "$OUT/tools/sendpkt" tcp 10.77.0.2 8080 --size 500 || true
		ip netns exec "$NS_A" "$OUT/tools/sendpkt" udp 10.77.0.2 4444 --src-port $((41000 + i)) || true
		ip netns exec "$NS_A" "$OUT/tools/sendpkt" udp fd77::2 7777 || true
		ip netns exec "$NS_A" "$OUT/tools/sendpkt" udp 10.77.0.2 9999 || true
	done
	sleep 1.5
	# The packets to port 9999, which an nftables rule drops; the newest is selected.
	keys /
	keys 9999 Enter
	sleep 1.5
	shot live-host
	keys q
	wait_for '^DONE' 10
	kill $listeners 2>/dev/null || true
	ip netns del "$NS_A"
	ip netns del "$NS_B"
	NS_A= NS_B=
else
	echo "screenshots: live-host.png needs root, skipped" >&2
fi

if [ -f "$VM_SESSION" ]; then
	tui_start $COLS $ROWS "$SKBTOP" replay "$VM_SESSION"
	wait_for 'Packets \(' 5
	# The packet the nftables rule dropped.
	id=$(jq '[.packets[] | select(.tuple.dport == 9999 and .nft_verdict)][0].id' "$VM_SESSION")
	keys End
	for _ in $(seq 200); do
		has "Journey #$id " && break
		keys Up
	done
	sleep 0.5
	shot replay-vm
	keys Enter
	sleep 0.5
	shot replay-vm-packet
	keys Escape F1
	sleep 0.5
	shot help
	keys Escape '>'
	wait_for 'Sort packets by' 3
	keys Down Enter H Home
	wait_for 'Time per layer' 3
	sleep 0.5
	shot replay-vm-hist
	keys H d
	wait_for 'Drop reasons' 3
	sleep 0.5
	shot replay-vm-drops
	keys q
else
	echo "screenshots: $VM_SESSION missing (screenshots/record-vm-session.sh makes it)" >&2
fi

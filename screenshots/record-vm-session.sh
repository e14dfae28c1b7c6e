#!/usr/bin/env bash
# Records a session with nftables verdicts in a QEMU guest (Debian 6.12, kprobe backends) and
# writes it to OUT.json. Usage: record-vm-session.sh OUT.json [6.1|6.12]
set -eu
cd "$(dirname "$0")/.."
dest=$1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
tests/vm/run --kernel "${2:-6.12}" --timeout 900 screenshots/vm-record.guest.sh >"$log" 2>&1 || true
sed -n '/^----- BEGIN SESSION -----/,/^----- END SESSION -----/p' "$log" | sed '1d;$d' |
	tr -d '\r' | base64 -d >"$dest.tmp"
if ! jq -e '.packets | length > 0' "$dest.tmp" >/dev/null 2>&1; then
	echo "record-vm-session: no session came out of the guest; its output:" >&2
	tail -40 "$log" >&2
	rm -f "$dest.tmp"
	exit 1
fi
mv "$dest.tmp" "$dest"
echo "recorded $(jq '.packets | length' "$dest") packets ($(jq '[.packets[] | select(.nft)] | length' "$dest") with nftables data) into $dest"

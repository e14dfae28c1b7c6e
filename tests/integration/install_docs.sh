#!/usr/bin/env bash
# --version, the man page and the bash completion: mandoc finds nothing to say about the page, the
# page and the completion know every option --help lists, the completion answers with options,
# subcommands, backend words and files, and `make install`/`make uninstall` put them in place
# under DESTDIR and prefix and take them away again.
set -u
. tests/lib.sh
[ -x "$SKBTOP" ] || { skip "the man page and completion are checked" "needs $SKBTOP"; exit 0; }
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

"$SKBTOP" --version >"$DIR/version"
check "--version prints the version and the libbpf it was built with: $(tr '\n' ' ' <"$DIR/version")" \
	grep -qE '^built with libbpf [0-9]+\.[0-9]+ \(running v?[0-9.]+\)$' "$DIR/version"
check "--version's first line is skbtop and a version" grep -qE '^skbtop [0-9]+\.[0-9]+\.[0-9]+$' "$DIR/version"

# Every long option of every command's --help (the lines that describe options), once each.
{
	"$SKBTOP" --help
	"$SKBTOP" replay --help
	"$SKBTOP" discover --help
} | grep -E '^ +-' | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u >"$DIR/options"

if command -v mandoc >/dev/null; then
	# A stale mandoc.db of this host is no fault of the page.
	mandoc -T lint man/skbtop.8 2>&1 | grep -v 'outdated mandoc.db' >"$DIR/lint"
	check "mandoc -T lint has nothing to say about man/skbtop.8: $(head -3 "$DIR/lint")" \
		test ! -s "$DIR/lint"
	mandoc -T ascii man/skbtop.8 | sed 's/.\x08//g' >"$DIR/man.txt"
	missing=$(while read -r o; do grep -qe "$o" "$DIR/man.txt" || echo "$o"; done <"$DIR/options" | tr '\n' ' ')
	check "the man page names every option of --help (missing: ${missing:-none})" test -z "$missing"
else
	skip "mandoc -T lint has nothing to say about man/skbtop.8" "no mandoc (make test-deps)"
fi

missing=$(while read -r o; do grep -qe "$o" completion/skbtop.bash || echo "$o"; done <"$DIR/options" | tr '\n' ' ')
check "the completion offers every option of --help (missing: ${missing:-none})" test -z "$missing"

BC=/usr/share/bash-completion/bash_completion
if [ -r "$BC" ]; then
	# complete WORDS...: what the completion offers for the last word, one per line.
	complete_words() {
		bash -c '. "$1"; . completion/skbtop.bash; shift
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_skbtop skbtop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
			printf "%s\n" "${COMPREPLY[@]}"' _ "$BC" "$@"
	}
	check "skbtop <TAB> offers replay, discover and trace" \
		test "$(complete_words skbtop '' | sort | tr '\n' ' ')" = "discover replay trace "
	check "--backend <TAB> offers every backend word" \
		test "$(complete_words skbtop --backend '' | tr '\n' ' ')" = "auto kprobe-multi kprobe fentry tracepoint "
	check "--str<TAB> completes to --stream" test "$(complete_words skbtop --str)" = "--stream"
	touch "$DIR/s1.json" "$DIR/notes.txt"
	check "replay <TAB> offers the saved sessions (.json files)" \
		test "$(complete_words skbtop replay "$DIR/")" = "$DIR/s1.json"
	check "--nft-rules <TAB> offers its three modes" \
		test "$(complete_words skbtop --nft-rules '' | tr '\n' ' ')" = "trace-key immediate off "
else
	skip "the completion answers" "no bash-completion (make test-deps)"
fi

make -s install OUT="${OUT:-build}" DESTDIR="$DIR/root" prefix=/opt/skbtop >"$DIR/install.log" 2>&1
for f in sbin/skbtop share/man/man8/skbtop.8 share/bash-completion/completions/skbtop \
	share/skbtop/skbtop.yaml; do
	check "make install puts $f under DESTDIR/prefix" test -f "$DIR/root/opt/skbtop/$f"
done
if command -v man >/dev/null; then
	check "man finds the installed page in section 8" \
		sh -c "MANPATH='$DIR/root/opt/skbtop/share/man' man -w 8 skbtop | grep -q man8/skbtop.8"
fi
make -s uninstall OUT="${OUT:-build}" DESTDIR="$DIR/root" prefix=/opt/skbtop >>"$DIR/install.log" 2>&1
left=$(find "$DIR/root" -type f)
check "make uninstall leaves no file behind (left: ${left:-none})" test -z "$left"

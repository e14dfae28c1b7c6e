#!/usr/bin/env bash
# The build says how the program is built: a second make has nothing to do, a BPF source change
# rebuilds only what includes its skeleton, and an architecture bpf/vmlinux.h does not describe
# stops with a clear message. Only make's -q/-n modes run here: nothing is rebuilt or written.
set -u
. tests/lib.sh
# As the build named it (tests/run makes OUT absolute): the dependency files say build/obj/....
OUT=${OUT:-build}
OUT=${OUT#"$PWD"/}
[ -x "$OUT/skbtop" ] || { skip "make rebuilds only what changed" "needs a build in $OUT"; exit 0; }

check "a second make of skbtop has nothing to do" make -q OUT="$OUT" all

# rebuilt FILE: the objects make -n would compile if FILE changed, one per line.
rebuilt() { make -n -W "$1" OUT="$OUT" all | grep -oE -- "-c src/[a-z_/]+\.c -o $OUT/obj/[a-z_/]+\.o" |
	sed 's/.* -o //' | sort -u; }
for bpf in bpf/*.bpf.c; do
	skel="$(basename "$bpf" .bpf.c).skel.h"
	want=$(grep -rl "#include \"$skel\"" src | sed -e "s|^src/|$OUT/obj/|" -e 's|\.c$|.o|' | sort)
	got=$(rebuilt "$bpf")
	check "a change to $bpf recompiles only the sources that include $skel ($(echo "$want" | wc -l))" \
		test -n "$want" -a "$got" = "$want"
done

make -n OUT="$OUT" ARCH=arm64 -W bpf/skbtop.bpf.c all 2>"$OUT/make-arch.err" >/dev/null
check "an architecture without its vmlinux.h stops with a message naming it" \
	grep -q "not arm64's" "$OUT/make-arch.err"
rm -f "$OUT/make-arch.err"

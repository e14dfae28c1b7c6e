#!/usr/bin/env bash
# Start-up reads the kernel's BTF (about 5 MB) as few times as libbpf allows, and not one after the
# other: skbtop's own read, the main object's (libbpf's, in a thread of its own while skbtop reads
# its own) and the first nft bracket's (in the thread that reads the chains, while the main object
# loads); the other brackets are copies of the first, however many chains there are. Where the
# kernel maps its BTF (6.16 and later), skbtop maps it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root "start-up BTF reads"
for c in nft strace; do
	command -v $c >/dev/null || { skip "start-up BTF reads" "$c is not installed"; exit 0; }
done

out=$(mktemp -d)
EXTRA_CLEANUP="rm -rf $out"
ns_pair || { not_ok "two namespaces could be made"; exit 1; }
ip netns exec "$NS_B" nft -f tests/nft/rulesets/brackets.nft || { not_ok "ruleset loads"; exit 1; }

btf=/sys/kernel/btf/vmlinux
# One file per thread (-ff): the threads' opens overlap, and in a shared file strace splits an
# overlapped call into "<unfinished ...>" and "resumed" lines. LeakSanitizer cannot run under ptrace.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -ff -e trace=openat,mmap -o "$out/trace" \
	"$SKBTOP" --stream --duration 0.5 --backend tracepoint --filter-netns "/run/netns/$NS_B" \
	>/dev/null 2>"$out/err"
# "TID FD" of each open of the kernel's BTF.
for f in "$out"/trace.*; do
	grep -E "^openat\(AT_FDCWD, \"$btf\"" "$f" | sed -nE "s/.*= ([0-9]+)\$/${f##*.} \1/p"
done >"$out/opens"
brackets=$(sed -nE 's/.*netfilter brackets around ([0-9]+) chains \(([0-9]+) links, ([0-9]+) failed\).*/\1 \2 \3/p' "$out/err")

check "the three chains are bracketed, every link attached (${brackets:-none})" \
	sh -c "set -- $brackets; [ \"\${1:-0}\" = 3 ] && [ \"\${2:-0}\" -ge 6 ] && [ \"\${3:-1}\" = 0 ]"
check "the kernel's BTF is read three times, not once more per bracket ($(wc -l <"$out/opens"))" \
	test "$(wc -l <"$out/opens")" -eq 3
check "libbpf's reads for the main object and the first bracket run in threads of their own" \
	test "$(cut -d' ' -f1 "$out/opens" | sort -u | wc -l)" -eq 3
[ "$(wc -l <"$out/opens")" -eq 3 ] || { cat "$out/opens" "$out/err"; }

# The mapping is tried first; kernels before 6.16 refuse it and skbtop reads the file.
release=$(uname -r)
major=${release%%.*}
minor=${release#*.}
minor=${minor%%.*}
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 16 ]; }; then
	size=$(stat -c %s "$btf")
	check "skbtop maps the kernel's BTF instead of reading it a page at a time" \
		grep -qE "mmap\(NULL, $size, PROT_READ, MAP_PRIVATE, [0-9]+, 0\) = 0x" "$out"/trace.*
else
	skip "skbtop maps the kernel's BTF" "kernel $release cannot map it (6.16 and later can)"
fi

# shellcheck shell=bash
# What the benchmark scripts share (a .bash file: bench/run only runs *.sh).

# median: the median of the numbers on standard input, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

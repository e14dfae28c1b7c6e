# shellcheck shell=bash
# What the tcpdump-expression tests share (tests/integration/filter_expr.sh on this machine,
# tests/vm/scenarios/filter_expr.sh in the guests). The caller sets WORK (a folder), PIDS=(),
# ROWS ("expression|labels of the packets it must follow", an array that may have gaps) and SIG (label -> jq condition that
# recognises that packet's events), and defines followed FILE...: "FILE LABEL" for each packet the
# skbtop writing FILE followed (with $LABEL), in one jq run for all the files: a jq run costs half a
# second in an emulated guest.

# One jq expression naming the packet an event belongs to (one jq run per file, not per label).
LABEL="(if false then empty"
for label in "${!SIG[@]}"; do LABEL+=" elif (${SIG[$label]}) then \"$label\""; done
LABEL+=" else empty end)"

# show_err I: row I's skbtop's stderr as TAP comments.
show_err() { while IFS= read -r line; do echo "# [${ROWS[$1]%%|*}] $line"; done <"$WORK/$1.err"; }

# rows_start TAG STEPS SKBTOP ARGS...: one SKBTOP ARGS EXPRESSION per row, all at once, outputs in
# $WORK/I.out and I.err; waits up to STEPS x 0.2 s for all to attach, else says which did not and
# returns 1.
rows_start() {
	local tag=$1 steps=$2 i ready=0 gone
	local -a waiting
	shift 2
	for i in "${!ROWS[@]}"; do
		"$@" "${ROWS[$i]%%|*}" >"$WORK/$i.out" 2>"$WORK/$i.err" &
		PIDS[i]=$!
	done
	waiting=("${!ROWS[@]}")
	for _ in $(seq "$steps"); do
		local -a still=()
		gone=0
		for i in "${waiting[@]}"; do
			if has_line "$WORK/$i.err" 'skbtop: load * attach*'; then
				ready=$((ready + 1))
			else
				kill -0 "${PIDS[$i]}" 2>/dev/null || gone=$((gone + 1))
				still+=("$i")
			fi
		done
		waiting=("${still[@]}")
		[ "${#waiting[@]}" -eq "$gone" ] && break
		sleep 0.2
	done
	[ "$ready" -eq "${#ROWS[@]}" ] && return 0
	not_ok "${tag}all ${#ROWS[@]} skbtop instances attached (only $ready did)"
	for i in "${waiting[@]}"; do show_err "$i"; done
	return 1
}

# rows_followed I...: "I LABEL" for each packet row I's skbtop followed.
rows_followed() {
	local i f label
	local -a files=()
	for i in "$@"; do files+=("$WORK/$i.out"); done
	followed "${files[@]}" | while read -r f label; do
		f=${f##*/}
		echo "${f%.out} $label"
	done
}

# rows_await SECONDS: back once every row's skbtop has written an event of each packet the row
# names, or after SECONDS: on a loaded machine the last packets may still be on their way through
# the stack and the ring buffer. A packet still missing then is judged missing by rows_judge.
rows_await() {
	local end=$((SECONDS + $1)) i label
	local -a waiting=("${!ROWS[@]}")
	local -A got
	while :; do
		local -a still=()
		got=()
		while read -r i label; do got[$i]+=" $label"; done < <(rows_followed "${waiting[@]}")
		for i in "${waiting[@]}"; do
			for label in ${ROWS[$i]#*|}; do
				[[ "${got[$i]:-} " == *" $label "* ]] || {
					still+=("$i")
					break
				}
			done
		done
		waiting=("${still[@]}")
		[ "${#waiting[@]}" -eq 0 ] && return 0
		[ "$SECONDS" -lt "$end" ] || return 0
		sleep 0.5
	done
}

# rows_stop: SIGINT to every skbtop, and wait for them.
rows_stop() {
	local p
	for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p"; done
	PIDS=()
}

# rows_judge TAG: one TAP line per row: its skbtop followed exactly the packets the row names.
# A failure shows the skbtop's stderr and the first events of the journeys that were wrong.
rows_judge() {
	local tag=$1 i expr want wrong got label id
	local -A all
	while read -r i label; do all[$i]+=" $label"; done < <(rows_followed "${!ROWS[@]}")
	for i in "${!ROWS[@]}"; do
		expr=${ROWS[$i]%%|*}
		want=" ${ROWS[$i]#*|} "
		wrong=""
		got="${all[$i]:-} "
		for label in "${!SIG[@]}"; do
			if [[ $want == *" $label "* ]]; then
				[[ $got == *" $label "* ]] || wrong+=" missed:$label"
			else
				[[ $got != *" $label "* ]] || wrong+=" extra:$label"
			fi
		done
		if [ -z "$wrong" ]; then
			ok "${tag}'$expr' follows exactly:${want% }"
			continue
		fi
		not_ok "${tag}'$expr':$wrong"
		show_err "$i"
		for label in "${!SIG[@]}"; do
			[[ $wrong == *":$label"* ]] || continue
			for id in $(jq -r "select(.id != null) | select(${SIG[$label]}) | .id" \
				"$WORK/$i.out" | sort -u | head -3); do
				jq -c "select(.id == $id) | [.func, .src, .sport, .dst, .dport, .ifname]" \
					"$WORK/$i.out" | head -6 | sed "s/^/# $label journey $id: /"
			done
		done
	done
}

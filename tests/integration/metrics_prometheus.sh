#!/usr/bin/env bash
# --metrics: skbtop serves /metrics on loopback while it traces; promtool accepts the text; a real
# Prometheus server, started here on 127.0.0.1, scrapes it, and its HTTP API gives back the drop
# counter of a datagram this test dropped on purpose (UDP to a closed port in a namespace it made).
set -u
. tests/lib.sh
. tests/integration/trace_lib.bash
trace_env_ok "skbtop serves metrics that Prometheus scrapes"
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null || ! command -v curl >/dev/null; then
	skip "skbtop serves metrics that Prometheus scrapes" "needs prometheus, promtool and curl (make test-deps)"
	exit 0
fi

# A port nothing listens on.
free_port() {
	local p
	for p in $(shuf -i 20000-45000 -n 50); do
		[ -z "$(ss -Hltn "sport = :$p")" ] && { echo "$p"; return; }
	done
}

for bad in not-a-port 70000 '::1:9464' '[::1]' 'host.example:9464'; do
	check_refused --metrics "$bad"
done

ns_pair || { not_ok "two namespaces joined by veth"; exit 1; }
static_neigh
PORT=$(free_port)
trace_start metrics --stream --format json --filter-netns "/run/netns/$NS_A" --metrics "$PORT" ||
	{ not_ok "skbtop starts with --metrics $PORT"; exit 1; }
# The server starts after the probes are attached, which trace_start waits for.
for _ in $(seq 100); do
	grep -q '^skbtop: metrics on ' "$TRACE_ERR" && break
	sleep 0.1
done
check "skbtop says where it serves: http://127.0.0.1:$PORT/metrics" \
	grep -qx "skbtop: metrics on http://127.0.0.1:$PORT/metrics" "$TRACE_ERR"
listen=$(ss -Hltn "sport = :$PORT" | awk '{ print $4 }' | tr '\n' ' ')
check "it listens on loopback only by default (ss: $listen)" test "$listen" = "127.0.0.1:$PORT "

# A Prometheus server of our own, scraping every second, with its data in the test's directory.
PROM_PORT=$(free_port)
cat >"$TRACE_DIR/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: skbtop
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
prometheus --config.file="$TRACE_DIR/prometheus.yml" --storage.tsdb.path="$TRACE_DIR/tsdb" \
	--web.listen-address="127.0.0.1:$PROM_PORT" >"$TRACE_DIR/prometheus.log" 2>&1 &
PROM_PID=$!
prom_cleanup() {
	kill "$PROM_PID" 2>/dev/null
	wait "$PROM_PID" 2>/dev/null
	trace_cleanup
}
EXTRA_CLEANUP=prom_cleanup

ip netns exec "$NS_A" "$TOOLS/sendpkt" udp 10.77.0.2 9999 --src-port 40100 --size 50
sleep 1.5
curl -sf "http://127.0.0.1:$PORT/metrics" >"$TRACE_DIR/metrics.txt"
check "GET /metrics answers with the exposition" grep -q '^# TYPE skbtop_drops_total counter$' "$TRACE_DIR/metrics.txt"
promtool check metrics <"$TRACE_DIR/metrics.txt" >"$TRACE_DIR/promtool.out" 2>&1
rc=$?
check "promtool check metrics accepts it (status $rc$(head -3 "$TRACE_DIR/promtool.out" | tr '\n' ' '))" \
	test "$rc" -eq 0 -a ! -s "$TRACE_DIR/promtool.out"
check "the text counts the drop by its reason" grep -qE '^skbtop_drops_total\{reason="NO_SOCKET"\} [1-9]' "$TRACE_DIR/metrics.txt"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/other")
check "another path is 404 ($code)" test "$code" = 404

# query EXPR: the first value Prometheus's HTTP API gives for EXPR, empty if none.
query() {
	curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}
v=
for _ in $(seq 60); do
	v=$(query 'skbtop_drops_total{job="skbtop",reason="NO_SOCKET"}')
	[ -n "$v" ] && [ "$v" != 0 ] && break
	sleep 0.5
done
check "Prometheus scraped skbtop and its API gives the NO_SOCKET drop counter ($v)" \
	test -n "$v" -a "${v:-0}" != 0
up=$(query 'up{job="skbtop"}')
check "Prometheus sees the target up ($up)" test "$up" = 1
fates=$(query 'skbtop_fates_total{job="skbtop",fate="dropped"}')
check "and the dropped fate ($fates)" test -n "$fates" -a "${fates:-0}" != 0
trace_stop INT
check "skbtop exits 0 and says how many requests it answered" \
	sh -c "[ $TRACE_RC -eq 0 ] && grep -qE '^skbtop: metrics: [1-9][0-9]* requests answered$' '$TRACE_ERR'"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")
check "nothing listens once skbtop is gone ($code)" test "$code" = 000

# A port already taken is an error at start, with one line saying so.
timeout 60 "$SKBTOP" --stream --metrics "$PROM_PORT" --duration 2 >/dev/null 2>"$TRACE_DIR/err"
rc=$?
check "a port already in use stops skbtop (status $rc) with a line naming it ($(grep metrics "$TRACE_DIR/err"))" \
	sh -c "[ $rc -eq 1 ] && grep -qE '^skbtop: --metrics: cannot listen on 127.0.0.1 port $PROM_PORT: ' '$TRACE_DIR/err'"

#!/usr/bin/env bash
# The hoster's Prometheus metrics are well-formed (`promtool check metrics`),
# answer only on their own listener, and count what was served: a real
# `hoster serve` on loopback serves blocks of a fresh feed, then its /metrics
# is read from the metrics listener and checked.
#   [HOSTING_BIN_DIR=DIR] scripts/check-metrics.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
command -v promtool >/dev/null || fail "promtool is missing: scripts/setup.sh installs it (Debian package prometheus)"
BIN=$(scripts/build-bins.sh)
start_work metrics
head -c 40000 /dev/urandom >"$WORK/input.bin"
key=$("$BIN/hoster" --data "$WORK/data" feed create "$WORK/input.bin" --chunk-size 4KiB)
http=$(free_port)
metrics=$(free_port)
HOSTER_METRICS_LISTEN=127.0.0.1:$metrics start_hoster hoster "$WORK/data" "$http"
for index in 0 1 2; do
	curl -sf -o /dev/null "http://127.0.0.1:$http/feeds/$key/blocks/$index" || fail "block $index was not served"
done
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/metrics")
[ "$status" = 404 ] || fail "the public port answers /metrics with $status; it must not serve them"
curl -sf "http://127.0.0.1:$metrics/metrics" >"$WORK/metrics.txt" || fail "no metrics on the metrics listener"
promtool check metrics <"$WORK/metrics.txt" || fail "promtool refuses the metrics (above)"
grep -q "^hoster_uploaded_blocks_total{feed=\"$key\"} 3$" "$WORK/metrics.txt" ||
	fail "the metrics do not count the 3 blocks served: $(cat "$WORK/metrics.txt")"
say "metrics: well-formed, on their own listener, 3 blocks counted"

#!/usr/bin/env bash
# Measurement accuracy against ground truth: the attestor (a real dev node's
# off-chain worker) measures a real hoster through scripts/bench/shaper.py,
# which adds a configured delay and a shared rate cap to the responses. For
# each (delay, rate) of the grid, one benchmark is requested and the rating's
# latency and bandwidth are compared with the configuration.
# Goal: latency within ±(5 ms + 10%) of the delay (over the unshaped base),
# bandwidth within ±15% of the rate.
#
# PRELIMINARY (first runs, 2026-11-23): some grid points read the previous
# configuration's figures (a rating measured before the shaper changed is taken
# as the new one, or pooled keep-alive connections outlive the proxy restart),
# and at low rates the mean time to first byte over chunks fetched in parallel
# through one shared link includes queueing. Figures from it are not in the
# README yet; see the session notes.
#   scripts/bench/accuracy.sh ["0 20 50 150"] ["5 20 100"]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
DELAYS=${1:-"0 20 50 150"}
RATES=${2:-"5 20 100"}
BIN=$(scripts/build-bins.sh)
work=$(mktemp -d)
pids=()
SHAPER_PID=""
cleanup() { for p in "${pids[@]}" $SHAPER_PID; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

RPC=$(free_port); HTTP=$(free_port); PROXY=$(free_port)
"$BIN/hosting-node" --dev --tmp --rpc-port "$RPC" --port "$(free_port)" --no-prometheus --no-telemetry --no-mdns >"$work/node.log" 2>&1 &
pids+=($!)
head -c 4194304 /dev/urandom >"$work/in.bin"
KEY=$("$BIN/hoster" --data "$work/h" feed create "$work/in.bin" --chunk-size 64KiB 2>/dev/null)
"$BIN/hoster" --data "$work/h" serve --listen "127.0.0.1:$HTTP" 2>/dev/null &
pids+=($!)
wait_rpc "$RPC" 90
shaper() { # delay rate
	[ -n "$SHAPER_PID" ] && { kill "$SHAPER_PID" 2>/dev/null || true; wait "$SHAPER_PID" 2>/dev/null || true; }
	python3 scripts/bench/shaper.py --listen "$PROXY" --target "127.0.0.1:$HTTP" --delay-ms "$1" --rate-mbit "$2" &
	SHAPER_PID=$!
	sleep 0.5
}
CHAIN=("$BIN/hoster" --data "$work/h" chain --url "ws://127.0.0.1:$RPC" --suri //Dave)
shaper 0 0
"${CHAIN[@]}" publish "$KEY" >/dev/null
"${CHAIN[@]}" register --endpoint "http://127.0.0.1:$PROXY" --region local --promise-latency 5000 \
	--promise-bandwidth 1 --promise-availability 1 --capacity 1 --feed "$KEY" >/dev/null
DAVE=$(cat "$work/h/account")

last_rating() { "${CHAIN[@]}" status | sed -n 's/^last rating  request \([0-9]*\) .*: Normal \([0-9]*\) ms, \([0-9]*\) B\/s.*/\1 \2 \3/p'; }
# One benchmark under the current shaping: prints "latency_ms bandwidth_Bps".
measure() {
	local before after
	before=$(last_rating | cut -d' ' -f1)
	"${CHAIN[@]}" request --hoster "$DAVE" --feed "$KEY" >/dev/null
	for _ in $(seq 1 30); do
		after=$(last_rating)
		if [ -n "$after" ] && [ "${after%% *}" != "${before:-none}" ]; then
			echo "${after#* }"
			return
		fi
		sleep 1
	done
	echo "no rating" >&2
	return 1
}
shaper 0 0
sleep 6
read -r base_ms base_bw < <(measure)
printf 'unshaped base: latency %s ms, bandwidth %s B/s (%.0f Mbit/s)\n' "$base_ms" "$base_bw" "$(python3 -c "print($base_bw*8/1e6)")"
printf '%8s %8s | %10s %10s %6s | %12s %12s %7s\n' delay rate "lat(ms)" "+delay" ok "bw(Mbit/s)" "cap" ok
for d in $DELAYS; do
	for r in $RATES; do
		shaper "$d" "$r"
		# Let ratings measured under the previous shaping land first.
		sleep 6
		read -r ms bw < <(measure)
		python3 - "$d" "$r" "$ms" "$bw" "$base_ms" <<'PY'
import sys
d, r, ms, bw, base = (float(x) for x in sys.argv[1:])
added = ms - base
lat_ok = abs(added - d) <= 5 + 0.1 * d
mbit = bw * 8 / 1e6
bw_ok = abs(mbit - r) <= 0.15 * r
print(f"{d:6.0f}ms {r:5.0f}Mb | {ms:10.0f} {added:10.0f} {'yes' if lat_ok else 'NO':>6} | {mbit:12.1f} {r:12.0f} {'yes' if bw_ok else 'NO':>7}")
PY
	done
done

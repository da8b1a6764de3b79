#!/usr/bin/env bash
# Wall time of one off-chain worker run with 100 open benchmark requests against
# one with a single request, with a real node and a real hoster on loopback.
# Goal: 100 requests take at most 1.5 x as long as one (all chunk requests of
# all benchmarks are in flight together under one 5 s deadline), for a hoster
# whose first byte comes 250 ms after the request: a fresh HTTP connection costs
# two round trips (TCP handshake, then the request), and 250 ms is two round
# trips of 125 ms, a hoster on another continent. Attestors are drawn at random
# from all regions, so most hosters they measure are far. The shaping proxy
# (tools/shaper) holds every response that long; DELAY_MS sets it (0: no proxy,
# loopback). The 100 requests cost a nearly constant 60-130 ms of CPU more than
# one on this 2-core machine, so the ratio is over 1.5 for nearer hosters
# (README, Figures).
# CHUNK_SIZE (default 64KiB, as Hyperdrive's file blocks) sets the feed's block
# size. RELEASE=1 runs release builds of the node, hoster and proxy (as
# operators run them) instead of the debug builds the tests share.
# The node logs at info, as in production; OCW_LOG=debug adds each chunk's
# request and fate to the logs kept in $OCW_LOGS (default /tmp).
#   [RELEASE=1] [DELAY_MS=150] [CHUNK_SIZE=4KiB] [OCW_LOG=debug] scripts/bench/ocw.sh [many]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
MANY=${1:-100}
DELAY_MS=${DELAY_MS:-250}
CHUNK_SIZE=${CHUNK_SIZE:-64KiB}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
BIN=$(scripts/build-bins.sh ${RELEASE:+--release})
client_deps

# One run: a fresh chain, a hoster, N requests; prints the OCW run's wall time in ms.
measure() {
	# Not `local`: the EXIT trap below runs after the function returned (in
	# this subshell, so nothing leaks to the caller).
	n=$1; pids=()
	local rpc http key dave endpoint
	work=$(mktemp -d)
	rpc=$(free_port); http=$(free_port)
	endpoint="http://127.0.0.1:$http"
	# measure runs in its own subshell: whatever happens, it stops what it started
	# (stop_all at the end, and on any exit).
	trap stop_all EXIT
	if [ "$DELAY_MS" != 0 ]; then
		local proxy
		proxy=$(free_port)
		"$BIN/shaper" --listen "$proxy" --target "127.0.0.1:$http" --delay-ms "$DELAY_MS" &
		pids+=($!)
		endpoint="http://127.0.0.1:$proxy"
	fi
	"$BIN/hosting-node" --dev --tmp --rpc-port "$rpc" --port "$(free_port)" --no-prometheus --no-telemetry --no-mdns \
		--detailed-log-output -lruntime::hosting="${OCW_LOG:-info}" >"$work/node.log" 2>&1 &
	pids+=($!)
	head -c 1000000 /dev/urandom >"$work/in.bin"
	key=$("$BIN/hoster" --data "$work/h" feed create "$work/in.bin" --chunk-size "$CHUNK_SIZE" 2>/dev/null)
	"$BIN/hoster" --data "$work/h" serve --listen "127.0.0.1:$http" 2>/dev/null &
	pids+=($!)
	wait_rpc "$rpc" 60
	local chain=("$BIN/hoster" --data "$work/h" chain --url "ws://127.0.0.1:$rpc" --suri //Dave)
	"${chain[@]}" publish "$key" >/dev/null
	"${chain[@]}" register --endpoint "$endpoint" --region local --promise-latency 5000 \
		--promise-bandwidth 1 --promise-availability 1 --capacity 1 --feed "$key" >/dev/null
	dave=$(cat "$work/h/account")
	local open
	open=$(timeout 180 node scripts/client/ocw-bench.mjs "ws://127.0.0.1:$rpc" "$dave" 0 "$n")
	# Ferdie's run: from the first of his requests taken to the last of his ratings sent.
	python3 - "$work/node.log" "$open" <<'PY'
import datetime, re, sys, time
FERDIE = '1cbd2d43530a44705ad088af313e18f80b53ef16b36177cd4b77b846f2a5f07c'
path, expected = sys.argv[1], int(sys.argv[2])
def t(line):
    return datetime.datetime.strptime(line[:23], '%Y-%m-%d %H:%M:%S.%f')
for _ in range(120):
    lines = open(path).read().splitlines()
    taken = {m.group(1): t(l) for l in lines if (m := re.search(rf'request (\d+): attestor {FERDIE} ', l))}
    sent = {m.group(1): t(l) for l in lines if (m := re.search(r'request (\d+): rating sent', l)) and m.group(1) in taken}
    if len(sent) >= expected:
        break
    time.sleep(1)
assert len(sent) >= expected, f'{len(sent)} of {expected} ratings sent'
print(len(sent), round((max(sent.values()) - min(taken.values())).total_seconds() * 1000))
PY
	cp "$work/node.log" "${OCW_LOGS:-/tmp}/ocw-node-$n.log"
	stop_all
}
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
	[ -n "${work:-}" ] && rm -rf "$work"
	work=""
}
read -r n1 one < <(measure 1)
read -r nm many < <(measure "$MANY")
echo "$([ -n "${RELEASE:-}" ] && echo release || echo debug) builds, hoster behind an added delay of $DELAY_MS ms, blocks of $CHUNK_SIZE"
printf 'one off-chain run, %3d open request(s): %6d ms\n' "$n1" "$one" "$nm" "$many"
python3 -c "print(f'{$nm} requests took {$many - $one} ms more than {$n1}; ratio: {max($many,1) / max($one,1):.2f} (goal <= 1.5)')"

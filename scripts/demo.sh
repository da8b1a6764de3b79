#!/usr/bin/env bash
# The main job, from a fresh clone: set up the machine, build, start a
# development chain (`hosting-node --dev`, Alice validates and attests), create
# a sample Hypercore feed and serve it with `hoster serve`, publish it, register
# the hoster (Dave) with its form, and show the benchmark requests, the ratings,
# the hoster's figures and its does_qualify answer as they land. polkadot.js
# apps can watch and drive the same chain on ws://127.0.0.1:9944.
# Ctrl-C stops every process this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
RPC_PORT=${RPC_PORT:-9944}
HOSTER_PORT=${HOSTER_PORT:-8900}

scripts/setup.sh
echo "building hosting-node and hoster (the first build takes about 25 minutes on 2 cores)..."
BIN=$(scripts/build-bins.sh)

DEMO=$(mktemp -d -t hosting-demo.XXXXXX)
pids=()
cleanup() {
	trap - INT TERM EXIT
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	echo
	echo "demo: stopped every process it started (logs in $DEMO)"
}
trap cleanup INT TERM EXIT

"$BIN/hosting-node" --dev --tmp --rpc-port "$RPC_PORT" --rpc-cors all -lruntime::hosting=info >"$DEMO/node.log" 2>&1 &
pids+=($!)
wait_rpc "$RPC_PORT"
echo "node: hosting-node --dev, RPC ws://127.0.0.1:$RPC_PORT (log: $DEMO/node.log)"

H=("$BIN/hoster" --data "$DEMO/hoster")
CHAIN=("${H[@]}" chain --url "ws://127.0.0.1:$RPC_PORT" --suri //Dave)
head -c 1048576 /dev/urandom >"$DEMO/sample.bin"
KEY=$("${H[@]}" feed create "$DEMO/sample.bin" --chunk-size 64KiB)
"${H[@]}" serve --listen "127.0.0.1:$HOSTER_PORT" >"$DEMO/hoster.log" 2>&1 &
pids+=($!)
echo "hoster: feed $KEY (1 MiB, 16 blocks of 64 KiB), served on http://127.0.0.1:$HOSTER_PORT"

"${CHAIN[@]}" publish "$KEY"
"${CHAIN[@]}" register --endpoint "http://127.0.0.1:$HOSTER_PORT" --region local --promise-latency 500 \
	--promise-bandwidth 1000000 --promise-availability 90 --capacity 1000000000 --feed "$KEY"

cat <<MSG

Open polkadot.js apps against this chain:
  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT#/explorer
  Network → Explorer: ProvidePerformanceBenchmark and BenchmarkRated events
  Developer → Chain state → hosting; Developer → Runtime calls → hostingApi.doesQualify
  Developer → Extrinsics → hosting.requestPerformanceBenchmark(Dave, 0) asks for a benchmark
Periodic benchmarks run every 10 blocks (30 s). Press Ctrl-C to stop.

MSG
# Show the pallet's log lines (requests, ratings) and, when it changes, the hoster's status.
tail --pid="${pids[0]}" -n +1 -F "$DEMO/node.log" 2>/dev/null | grep --line-buffered -E "^[0-9-]+ [0-9:.]+ .*request [0-9]+ (\(|rated)" |
	sed -u -E 's/^([0-9-]+ [0-9:]+)[.0-9]* +(INFO [^ ]+ runtime::hosting: )?/\1  /; s/ \(5[1-9A-HJ-NP-Za-km-z]{7}\.\.\.\)//g' &
pids+=($!)
last=""
while kill -0 "${pids[0]}" 2>/dev/null; do
	status=$("${CHAIN[@]}" status 2>/dev/null | grep -E '^(status|measured|qualifies)' || true)
	if [ -n "$status" ] && [ "$status" != "$last" ]; then
		printf '%s\n\n' "$status" | sed 's/^/    /'
		last=$status
		if grep -q '^status +Active' <<<"$status" && [ ! -e "$DEMO/offered" ]; then
			touch "$DEMO/offered"
			echo "    (Dave is Active: he can now offer to host more feeds with 'hoster chain offer')"
		fi
	fi
	sleep 6
done
echo "hosting-node exited; see $DEMO/node.log"

#!/usr/bin/env bash
# The main job, from a fresh clone: set up the machine, build, start a
# development chain (`hosting-node --dev`: Alice validates; the node holds the
# keys of the chain's three bonded attestors, so every benchmark is rated by a
# committee of three), create
# a sample Hypercore feed and serve it with `hoster serve`, publish it, register
# the hoster (Dave) with its form, and show the benchmark requests, the ratings
# (the chain's events), the hoster's figures and its does_qualify answer as they
# land. polkadot.js apps can watch and drive the same chain on ws://127.0.0.1:9944.
# Ctrl-C stops every process this script started; the logs stay in the work
# directory it names.
#   [HOSTING_BIN_DIR=DIR] [RPC_PORT=9944] [HOSTER_PORT=8900] scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
RPC_PORT=${RPC_PORT:-9944}
HOSTER_PORT=${HOSTER_PORT:-8900}

scripts/setup.sh
echo "building hosting-node and hoster (the first build takes about 25 minutes on 2 cores)..."
BIN=$(scripts/build-bins.sh)

KEEP_WORK=1
start_work demo
DATA=$WORK/hoster
start_dev_node node "$RPC_PORT" --rpc-cors all -lruntime::hosting=info
echo "node: hosting-node --dev, RPC ws://127.0.0.1:$RPC_PORT (log: $WORK/node.log)"

head -c 1048576 /dev/urandom >"$WORK/sample.bin"
KEY=$("$BIN/hoster" --data "$DATA" feed create "$WORK/sample.bin" --chunk-size 64KiB)
start_hoster hoster "$DATA" "$HOSTER_PORT"
echo "hoster: feed $KEY (1 MiB, 16 blocks of 64 KiB), served on http://127.0.0.1:$HOSTER_PORT"
register_hoster "$DATA" "$RPC_PORT" //Dave "$KEY" "http://127.0.0.1:$HOSTER_PORT" local 500 1000000 90 1000000000
DAVE=$(account_of //Dave)

cat <<MSG

Open polkadot.js apps against this chain:
  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT#/explorer
  Network → Explorer: BenchmarkRequested, ProvidePerformanceBenchmark (the committee),
    BenchmarkRated (each attestor) and RequestClosed (the verdict) events
  Developer → Chain state → hosting; Developer → Runtime calls → hostingApi.doesQualify
  Developer → Extrinsics → hosting.requestPerformanceBenchmark(Dave, 0) asks for a benchmark
Periodic benchmarks run every 10 blocks (30 s). Press Ctrl-C to stop.

MSG
# Every benchmark request, committee, rating and verdict, from the chain's events.
start_process watch node scripts/client/chain-facts.mjs "ws://127.0.0.1:$RPC_PORT" watch 1
tail --pid="${PIDS[watch]}" -n +1 -F "$WORK/watch.log" 2>/dev/null &
PIDS[tail]=$!
# And, when it changes, the hoster's status as `hoster chain status` reports it.
offered=""
last=""
while running node; do
	active=""
	hoster_is "$RPC_PORT" "$DAVE" Active 2>/dev/null && active=yes
	status=$(hoster_chain "$DATA" "$RPC_PORT" //Dave status 2>/dev/null || true)
	shown=$(grep -E '^(status|measured|qualifies)' <<<"$status" || printf '%s' "$status")
	if [ -n "$shown" ] && [ "$shown" != "$last" ]; then
		printf '%s\n\n' "$shown" | sed 's/^/    /'
		last=$shown
	fi
	if [ -z "$offered" ] && [ -n "$active" ]; then
		offered=yes
		echo "    (Dave is Active: he can now offer to host more feeds with 'hoster chain offer')"
	fi
	sleep 6
done
echo "hosting-node exited; see $WORK/node.log"

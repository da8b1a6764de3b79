#!/usr/bin/env bash
# The main job, from a fresh clone: set up the machine, build, start a
# development chain (`hosting-node --dev`: Alice validates; the node holds the
# keys of the chain's three bonded attestors, so every benchmark is rated by a
# committee of three) and a Hyperswarm DHT of its own on loopback; a Hypercore
# app (JS hypercore 11) writes a feed and seeds it; the hoster imports it from
# the swarm (`hoster feed import --key`), serves it over HTTP and the Hypercore
# protocol (`hoster serve --swarm`), publishes it, registers (Dave) with its
# form on it, and the script shows the benchmark requests, the ratings
# (the chain's events), the hoster's figures and its does_qualify answer as they
# land. The dashboard (`hoster dashboard`) shows the same on
# http://127.0.0.1:8800/, and polkadot.js apps can watch and drive the same
# chain on ws://127.0.0.1:9944.
# Ctrl-C stops every process this script started; the logs stay in the work
# directory it names.
#   [HOSTING_BIN_DIR=DIR] [RPC_PORT=9944] [HOSTER_PORT=8900] [DASHBOARD_PORT=8800] scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
RPC_PORT=${RPC_PORT:-9944}
HOSTER_PORT=${HOSTER_PORT:-8900}
DASHBOARD_PORT=${DASHBOARD_PORT:-8800}

scripts/setup.sh
echo "building hosting-node and hoster (the first build takes about 25 minutes on 2 cores)..."
BIN=$(scripts/build-bins.sh)

KEEP_WORK=1
start_work demo
DATA=$WORK/hoster
start_dev_node node "$RPC_PORT" --rpc-cors all -lruntime::hosting=info
echo "node: hosting-node --dev, RPC ws://127.0.0.1:$RPC_PORT (log: $WORK/node.log)"

# A DHT of its own, so nothing leaves this machine, and a Hypercore app on it.
DHT_PORT=$(free_port)
SWARM=(--bootstrap "127.0.0.1:$DHT_PORT" --swarm-listen 127.0.0.1:0)
start_process dht node scripts/swarm/testnet.js "$DHT_PORT"
wait_for 50 0.2 grep -q bootstrap "$WORK/dht.log" || fail "the DHT did not start"
start_process app node scripts/swarm/writer.js --version 11 --mode manifest --dir "$WORK/app" \
	--blocks 16 --size 65536 --seed demo --bootstrap "127.0.0.1:$DHT_PORT"
wait_for 100 0.2 grep -q '"key"' "$WORK/app.log" || fail "the Hypercore app did not start"
KEY=$(grep -m1 -o '"key":"[0-9a-f]*"' "$WORK/app.log" | cut -d'"' -f4)
echo "a Hypercore app (JS hypercore 11, log: $WORK/app.log) wrote feed $KEY (1 MiB, 16 blocks of 64 KiB) and seeds it"
"$BIN/hoster" --data "$DATA" feed import --key "$KEY" "${SWARM[@]}" >/dev/null
start_hoster hoster "$DATA" "$HOSTER_PORT" --swarm "${SWARM[@]}"
echo "hoster: imported it from the swarm, every block verified; serves it on http://127.0.0.1:$HOSTER_PORT and seeds it to Hypercore peers"
register_hoster "$DATA" "$RPC_PORT" //Dave "$KEY" "http://127.0.0.1:$HOSTER_PORT" local 500 1000000 90 1000000000
DAVE=$(account_of //Dave)
start_process dashboard "$BIN/hoster" dashboard --listen "127.0.0.1:$DASHBOARD_PORT" --url "ws://127.0.0.1:$RPC_PORT"
wait_for 50 0.2 curl -sf -o /dev/null "http://127.0.0.1:$DASHBOARD_PORT/" || fail "the dashboard did not start (log: $WORK/dashboard.log)"

cat <<MSG

The dashboard: http://127.0.0.1:$DASHBOARD_PORT/
  every hoster's figures against its promise, curves over recent blocks, an early
  warning, the ratings with their committees, the attestors, and does_qualify

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
		# A Hypercore app's reader, as a user of the feed: it reads from the
		# hoster and checks the hoster's greeting against the chain.
		CONTACT=$(curl -sf "http://127.0.0.1:$HOSTER_PORT/hello" | node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8')).contact_key")
		if node scripts/swarm/reader.js --version 10 --key "$KEY" --dir "$WORK/reader" --bootstrap "127.0.0.1:$DHT_PORT" \
			--length 16 --hoster-key "$CONTACT" --chain "ws://127.0.0.1:$RPC_PORT" >"$WORK/reader.json" 2>"$WORK/reader.log"; then
			node -e "const r = JSON.parse(require('fs').readFileSync('$WORK/reader.json', 'utf8'));
console.log('    a JS Hypercore 10 reader downloaded', r.length, 'blocks from the feed swarm, where the hoster seeds it;')
console.log('    its hosting-extension greeting checks on chain:', r.verdict.ok ? 'a registered hoster, ' + r.verdict.status : r.verdict.reasons.join('; '))"
		fi
	fi
	sleep 6
done
echo "hosting-node exited; see $WORK/node.log"

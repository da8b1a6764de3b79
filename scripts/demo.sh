#!/usr/bin/env bash
# The main job: set up a fresh machine, build, and run a development chain
# (`hosting-node --dev`) that polkadot.js apps can drive on ws://127.0.0.1:9944.
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
RPC_PORT=${RPC_PORT:-9944}

scripts/setup.sh
echo "building hosting-node (the first build takes a while)..."
cargo build --quiet -p hosting-node
NODE="$CARGO_TARGET_DIR/debug/hosting-node"

pids=()
cleanup() {
	trap - INT TERM EXIT
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	echo "demo: stopped"
}
trap cleanup INT TERM EXIT

LOG=$(mktemp -t hosting-node.XXXXXX.log)
"$NODE" --dev --tmp --rpc-port "$RPC_PORT" --rpc-cors all >"$LOG" 2>&1 &
pids+=($!)
echo "hosting-node --dev is starting (log: $LOG)"

rpc() {
	curl -s -H 'Content-Type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":${2:-[]}}" "http://127.0.0.1:$RPC_PORT"
}
for _ in $(seq 1 120); do
	rpc system_health | grep -q '"result"' && break
	sleep 1
done
cat <<MSG

The chain is running. Open polkadot.js apps and connect it to ws://127.0.0.1:$RPC_PORT:
  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT#/explorer
  Developer → Extrinsics → hosting: publish_feed, register_hoster, offer_hosting, ...
  Developer → Runtime calls → hostingApi: does_qualify, hoster_performance, open_requests_for
Alice is the validator and the attestor (her key of type 'host' is in the keystore).

Press Ctrl-C to stop.
MSG
while kill -0 "${pids[0]}" 2>/dev/null; do
	head=$(rpc chain_getHeader | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')
	fin=$(rpc chain_getFinalizedHead | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')
	fin_n=$(rpc chain_getHeader "[\"$fin\"]" | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')
	[ -n "$head" ] && printf '\rbest #%d, finalized #%d ' "$head" "${fin_n:-0}"
	sleep 3
done
echo "hosting-node exited; see $LOG"

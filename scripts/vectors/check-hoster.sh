#!/usr/bin/env bash
# Feeds created by `hoster feed create` verify with the JS reference: builds a
# feed in each key mode, exports it as a test vector, and checks it with
# verify.js (hypercore-crypto and the hypercore Verifier).
#   [HOSTING_BIN_DIR=DIR] scripts/vectors/check-hoster.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
[ -d scripts/vectors/node_modules/hypercore ] || (cd scripts/vectors && npm ci --no-audit --no-fund --loglevel=error)
BIN=$(scripts/build-bins.sh)
start_work vectors
# 150 KiB of pseudo-random bytes and a small directory: uneven last blocks.
head -c 153600 /dev/urandom >"$WORK/input.bin"
mkdir -p "$WORK/dir/sub" && printf 'hello' >"$WORK/dir/a.txt" && head -c 9000 /dev/urandom >"$WORK/dir/sub/b.bin"
for mode in compat manifest; do
	key=$("$BIN/hoster" --data "$WORK/data" feed create "$WORK/input.bin" --chunk-size 4KiB --mode "$mode")
	"$BIN/hoster" --data "$WORK/data" feed export-vector "$key" >"$WORK/$mode.json"
	key=$("$BIN/hoster" --data "$WORK/data" feed create "$WORK/dir" --chunk-size 4KiB --mode "$mode")
	"$BIN/hoster" --data "$WORK/data" feed export-vector "$key" >"$WORK/$mode-dir.json"
done
node scripts/vectors/verify.js "$WORK"/*.json || fail "a feed made by the hoster does not verify with the JS reference"

#!/usr/bin/env bash
# Feeds created by `hoster feed create` verify with the JS reference: builds a
# feed in each key mode, exports it as a test vector, and checks it with
# verify.js (hypercore-crypto and the hypercore Verifier).
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
[ -d node_modules/hypercore ] || npm ci --no-audit --no-fund --loglevel=error
HOSTER="$(../build-bins.sh)/hoster"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 150 KiB of pseudo-random bytes and a small directory: uneven last blocks.
head -c 153600 /dev/urandom >"$work/input.bin"
mkdir -p "$work/dir/sub" && printf 'hello' >"$work/dir/a.txt" && head -c 9000 /dev/urandom >"$work/dir/sub/b.bin"
for mode in compat manifest; do
	key=$("$HOSTER" --data "$work/data" feed create "$work/input.bin" --chunk-size 4KiB --mode "$mode")
	"$HOSTER" --data "$work/data" feed export-vector "$key" >"$work/$mode.json"
	key=$("$HOSTER" --data "$work/data" feed create "$work/dir" --chunk-size 4KiB --mode "$mode")
	"$HOSTER" --data "$work/data" feed export-vector "$key" >"$work/$mode-dir.json"
done
node verify.js "$work"/*.json

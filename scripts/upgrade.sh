#!/usr/bin/env bash
# A live runtime upgrade on loopback, as an operator does it: a development
# chain (`hosting-node --dev`) with a hoster that its committee rated Active is
# upgraded with sudo.sudoUncheckedWeight(system.setCode(..)) to the same
# runtime built with the next spec_version (feature `next-spec-version`, built
# under its own cargo profile, `runtime-upgrade`, so the node's own runtime is
# never replaced by it). In the same block the hosting pallet's state is put
# back to storage version 6 (sudo(system.setStorage)), so the new code runs the
# version 6 → 7 multi-block migration on a live node. Then
# scripts/client/upgrade.mjs checks that the migration ran with no transaction
# and no request closing meanwhile, that every feed, hoster, hoster's figures
# and open request survived, and that ratings keep landing: the request open
# across the upgrade and a new one close with a verdict. Every process started
# here is stopped when the script ends.
#   [HOSTING_BIN_DIR=DIR] scripts/upgrade.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}

say "building the runtime with the next spec_version (cargo profile runtime-upgrade)"
WASM_BUILD_TYPE=release cargo check --quiet --profile runtime-upgrade -p hosting-runtime \
	--features next-spec-version >&2
WASM=$CARGO_TARGET_DIR/runtime-upgrade/wbuild/hosting-runtime/hosting_runtime.compact.compressed.wasm
[ -f "$WASM" ] || fail "no upgraded runtime at $WASM"
BIN=$(scripts/build-bins.sh)
client_deps
start_work upgrade

RPC=$(free_port); HTTP=$(free_port)
DATA=$WORK/hoster
DAVE=$(account_of //Dave)
start_dev_node node "$RPC"
head -c 200000 /dev/urandom >"$WORK/input.bin"
KEY=$("$BIN/hoster" --data "$DATA" feed create "$WORK/input.bin" --chunk-size 16KiB)
start_hoster hoster "$DATA" "$HTTP"
register_hoster "$DATA" "$RPC" //Dave "$KEY" "http://127.0.0.1:$HTTP" local 1000 10000 90 1000000000
wait_for 40 2 hoster_is "$RPC" "$DAVE" Active || fail "the hoster did not become Active"
FEED=$(facts "$RPC" feed "$KEY" | field id)
say "hoster Active on feed $FEED; upgrading the runtime with $(basename "$WASM") ($(stat -c %s "$WASM") bytes)"
node scripts/client/upgrade.mjs "ws://127.0.0.1:$RPC" "$WASM" "$DAVE" "$FEED" | tee "$WORK/upgrade.out"
grep -q '^spec ' "$WORK/upgrade.out" || fail "the upgrade was not checked"
grep -q '^migrated [1-9][0-9]* version 6 7 ' "$WORK/upgrade.out" || fail "the multi-block migration was not checked"
[ "$(grep -c '^closed_after ' "$WORK/upgrade.out")" = 2 ] || fail "ratings did not land after the upgrade"
grep '^closed_after ' "$WORK/upgrade.out" | grep -qv ' verdict Served ' &&
	fail "a request closed after the upgrade without the hoster served"
hoster_is "$RPC" "$DAVE" Active || fail "the hoster is no longer Active after the upgrade"
say "the runtime was upgraded on a live chain through a multi-block migration; state kept, ratings landing"

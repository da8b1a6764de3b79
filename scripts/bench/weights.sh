#!/usr/bin/env bash
# Regenerates pallets/hosting/src/weights.rs with frame-omni-bencher over the
# runtime built with `runtime-benchmarks` (database weights: ParityDb, as the
# runtime's DbWeight). Not part of CI: the tool's cold build takes about an hour on 2 cores.
# It installs frame-omni-bencher $OMNI_BENCHER_VERSION (weight-template.hbs names
# the same version in the header it writes: change both together).
#   scripts/bench/weights.sh [steps] [repeat]
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS=${1:-20}
REPEAT=${2:-5}
OMNI_BENCHER_VERSION=0.28.0
TOOLS=${TOOLS:-$HOME/.cache/hosting/tools}
BENCH_TARGET=${BENCH_TARGET:-$HOME/.cache/hosting/bench-target}

if [ ! -x "$TOOLS/bin/frame-omni-bencher" ]; then
	command -v clang >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq libclang-dev clang; }
	CARGO_TARGET_DIR=$HOME/.cache/hosting/omni-target cargo install --locked "frame-omni-bencher@$OMNI_BENCHER_VERSION" --root "$TOOLS"
fi
CARGO_TARGET_DIR=$BENCH_TARGET cargo build --release -p hosting-runtime --features runtime-benchmarks
WASM=$(ls "$BENCH_TARGET"/release/wbuild/hosting-runtime/hosting_runtime.compact.compressed.wasm)
"$TOOLS/bin/frame-omni-bencher" v1 benchmark pallet \
	--runtime "$WASM" \
	--pallet pallet_hosting --extrinsic "*" \
	--steps "$STEPS" --repeat "$REPEAT" \
	--template scripts/bench/weight-template.hbs \
	--output pallets/hosting/src/weights.rs
echo "wrote pallets/hosting/src/weights.rs"

#!/usr/bin/env bash
# Builds hosting-node, hoster and shaper and prints the directory holding them.
# By default the way `cargo test --workspace` does (same features, so the test
# run and the scripts share one build instead of two); with --release, release
# builds of the three (for benchmarks: operators run release nodes).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
case "${1:-}" in
	"") cargo test --workspace --no-run --quiet >&2; echo "$CARGO_TARGET_DIR/debug" ;;
	--release) cargo build --release --quiet -p hosting-node -p hoster -p shaper >&2; echo "$CARGO_TARGET_DIR/release" ;;
	*) echo "usage: scripts/build-bins.sh [--release]" >&2; exit 2 ;;
esac

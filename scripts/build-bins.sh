#!/usr/bin/env bash
# Builds hosting-node and hoster the way `cargo test --workspace` does (same
# features, so the test run and the scripts share one build instead of two)
# and prints the directory holding them.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
cargo test --workspace --no-run --quiet >&2
echo "$CARGO_TARGET_DIR/debug"

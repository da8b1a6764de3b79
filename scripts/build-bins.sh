#!/usr/bin/env bash
# Builds hosting-node, hoster and shaper and prints the directory holding them.
# By default the way `cargo test --workspace` does (same features, so the test
# run and the scripts share one build instead of two); with --release, release
# builds of the three (for benchmarks: operators run release nodes).
# Use prebuilt binaries: with HOSTING_BIN_DIR set to a directory holding
# hosting-node, hoster and shaper, it prints that directory and builds nothing
# (e.g. `HOSTING_BIN_DIR=/opt/hosting/bin scripts/e2e.sh`).
#   [HOSTING_BIN_DIR=DIR] scripts/build-bins.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
case "${1:-}" in
	"" | --release) ;;
	*) echo "usage: [HOSTING_BIN_DIR=DIR] scripts/build-bins.sh [--release]" >&2; exit 2 ;;
esac
if [ -n "${HOSTING_BIN_DIR:-}" ]; then
	for bin in hosting-node hoster shaper; do
		[ -x "$HOSTING_BIN_DIR/$bin" ] || { echo "HOSTING_BIN_DIR=$HOSTING_BIN_DIR holds no executable $bin" >&2; exit 1; }
	done
	echo "using the prebuilt binaries in $HOSTING_BIN_DIR" >&2
	echo "$HOSTING_BIN_DIR"
	exit 0
fi
if [ "${1:-}" = --release ]; then
	cargo build --release --quiet -p hosting-node -p hoster -p shaper >&2
	echo "$CARGO_TARGET_DIR/release"
else
	cargo test --workspace --no-run --quiet >&2
	echo "$CARGO_TARGET_DIR/debug"
fi

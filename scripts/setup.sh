#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing: protoc (for
# sc-network), the wasm targets and rust-src (for the runtime's wasm), rustfmt
# and clippy (the test gates), promtool (the metrics check), Debian's Chromium
# (the dashboard's browser test; nothing downloads a browser), Node.js packages
# for the test vectors, the swarm peer and the dashboard, and the dashboard's
# bundle. Safe to run again: it skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

missing=()
command -v protoc >/dev/null || missing+=(protobuf-compiler)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v systemd-analyze >/dev/null || missing+=(systemd)
python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# promtool (Debian's prometheus package, without its recommends) checks the hoster's metrics.
if ! command -v promtool >/dev/null; then
	echo "installing: prometheus (for promtool)"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

# Debian's Chromium, driven headless by playwright-core in the dashboard's browser test.
if [ ! -x /usr/bin/chromium ]; then
	echo "installing: chromium (for the dashboard's browser test)"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

installed_targets=$(rustup target list --installed)
for target in wasm32-unknown-unknown wasm32v1-none; do
	grep -qx "$target" <<<"$installed_targets" || rustup target add "$target"
done
installed_components=$(rustup component list --installed)
for component in rust-src rustfmt clippy; do
	grep -q "^$component" <<<"$installed_components" || rustup component add "$component"
done

if [ ! -d scripts/vectors/node_modules/hypercore ]; then
	(cd scripts/vectors && npm ci --no-audit --no-fund --loglevel=error)
fi
client_deps
swarm_deps
dashboard_deps
echo "setup: ok"

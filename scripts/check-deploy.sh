#!/usr/bin/env bash
# The deployment files (deploy/, .dockerignore) hold together and match the
# real binaries:
#   1. systemd units: `systemd-analyze verify` with ExecStart pointing at $BIN
#      (any complaint fails: an unknown directive or a bad value is only a
#      warning to systemd), the swarm drop-in included; their sandbox
#      (`systemd-analyze security`: exposure at most 2.0; MemoryDenyWriteExecute
#      on for the hoster, off for the node and under the swarm drop-in);
#   2. every HOSTER_ variable the files set is one the hoster reads, and every
#      node flag they pass is one hosting-node takes (from their --help);
#   3. `promtool check config` on the Prometheus configuration;
#   4. compose.yaml: build contexts and Dockerfiles exist, mounted files exist,
#      named volumes are declared, images are pinned, Prometheus scrapes
#      services and ports the file defines (metrics listening there, not
#      published), the hoster's HOSTER_URL reaches the node service, RPC,
#      Prometheus and Grafana are published on loopback only, Grafana's
#      provisioning points at the mounted dashboard and at Prometheus;
#   5. the Dockerfiles: pinned base images, each COPY source exists in the
#      context and is not excluded by .dockerignore (which does exclude .git,
#      target and node_modules), `cargo build -p` names workspace packages and
#      their binaries, a non-root user, HOSTER_SWARM_PEER is a file the image
#      holds with every file it requires;
#   6. the Grafana dashboard: valid JSON; every metric its queries name is in
#      the /metrics of a real dev node and of a real hoster (`serve` with the
#      swarm on, on a DHT of its own on loopback) started here, every label
#      they match on is on those series, every hoster_* metric is shown, and
#      every query returns series on that data (`promtool test rules`);
#   7. the images' HEALTHCHECK commands pass against that node and hoster, and
#      fail against a port where nothing answers.
# What cannot run here (building the images, running the containers and the
# units) is printed at the end.
#   [HOSTING_BIN_DIR=DIR] scripts/check-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
command -v promtool >/dev/null || fail "promtool is missing: scripts/setup.sh installs it (Debian package prometheus)"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (Debian package systemd)"
python3 -c 'import yaml' 2>/dev/null || fail "PyYAML is missing (Debian package python3-yaml)"
BIN=$(scripts/build-bins.sh)
swarm_deps
start_work deploy

# The checks written in Python (YAML, JSON, Dockerfiles, PromQL), one
# subcommand each; they print what they checked and exit 1 with the reasons.
check() { python3 scripts/deploy/check.py "$@"; }

say "1. systemd units: systemd-analyze verify, ExecStart at $BIN"
# Each unit in a directory of its own (so a complaint names the unit at
# fault), with its ExecStart rewritten to $BIN, as verify wants the program
# to exist; the hoster's also with the swarm drop-in; the template also as an
# instance named by a feed key.
units=$WORK/units
place() { # unit name dir: the unit, ExecStart at $BIN, as dir/name
	mkdir -p "$units/$3"
	sed "s|^ExecStart=/usr/local/bin/|ExecStart=$BIN/|" "deploy/systemd/$1" >"$units/$3/$2"
}
for unit in deploy/systemd/*.service; do
	grep -Eq '^ExecStart=/usr/local/bin/(hosting-node|hoster) ' "$unit" ||
		fail "$unit: ExecStart is not /usr/local/bin/hosting-node or /usr/local/bin/hoster, where the install steps put them"
	place "$(basename "$unit")" "$(basename "$unit")" "$(basename "$unit" .service)"
done
place hoster.service hoster.service swarm
cp -r deploy/systemd/hoster.service.d "$units/swarm/"
place hoster-update@.service "hoster-update@$(printf '%064d' 7).service" instance
# systemd only warns about unknown directives and bad values (and still exits
# 0), so any output at all fails.
for unit in "$units"/*/*.service; do
	out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify ${unit#"$units"/}: $out"
	[ -z "$out" ] || fail "systemd-analyze verify ${unit#"$units"/} complains: $out"
done
exposure() { systemd-analyze security --offline=true "$1" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p'; }
setting_on() { systemd-analyze security --offline=true --json=short "$1" 2>/dev/null |
	python3 -c "import json, sys; sys.exit(0 if any(x['name'] == '$2=' and x['set'] for x in json.load(sys.stdin)) else 1)"; }
for unit in "$units"/*/*.service; do
	level=$(exposure "$unit")
	[ -n "$level" ] || fail "systemd-analyze security gave no exposure level for ${unit#"$units"/}"
	awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "${unit#"$units"/}: exposure $level, over 2.0: its sandbox was loosened"
	say "   ${unit#"$units"/}: exposure $level"
done
setting_on "$units/hoster/hoster.service" MemoryDenyWriteExecute || fail "hoster.service does not set MemoryDenyWriteExecute=yes"
setting_on "$units/swarm/hoster.service" MemoryDenyWriteExecute && fail "hoster.service with the swarm drop-in keeps MemoryDenyWriteExecute=yes: Node.js aborts under it"
setting_on "$units/hosting-node/hosting-node.service" MemoryDenyWriteExecute && fail "hosting-node.service sets MemoryDenyWriteExecute=yes: the runtime's wasm cannot be compiled under it"
say "   verified: no complaint; MemoryDenyWriteExecute on for the hoster, off for the node and with the swarm drop-in"

say "2. the HOSTER_ variables and node flags the files use exist"
{ "$BIN/hoster" --help; for c in serve feed chain "feed create" "feed import" "chain register" dashboard; do
	# shellcheck disable=SC2086
	"$BIN/hoster" $c --help
done; } >"$WORK/hoster-help.txt"
"$BIN/hosting-node" --help >"$WORK/node-help.txt"
"$BIN/hoster" chain update --help >/dev/null || fail "hoster has no command chain update (hoster-update@.service)"
check names "$WORK/hoster-help.txt" "$WORK/node-help.txt" || fail "deploy/ uses names the binaries do not know (above)"

say "3. Prometheus configuration"
promtool check config deploy/prometheus/prometheus.yml >"$WORK/promtool-config.log" 2>&1 ||
	{ cat "$WORK/promtool-config.log" >&2; fail "promtool refuses deploy/prometheus/prometheus.yml"; }

say "4. compose.yaml"
# `docker compose config` would parse it too, but there is no compose plugin here.
check compose || fail "compose.yaml (above)"

say "5. Dockerfiles and .dockerignore"
check dockerfiles || fail "the Dockerfiles or .dockerignore (above)"
# `docker build --check` lints with BuildKit, which needs buildx and a daemon.
if docker buildx version >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	for image in node hoster; do
		docker buildx build --check -f "deploy/docker/$image.Dockerfile" . || fail "docker build --check refuses $image.Dockerfile"
	done
	BUILD_CHECK=1
fi

say "6. the Grafana dashboard against the metrics of a real node and hoster"
python3 -m json.tool deploy/grafana/hosting-dashboard.json >/dev/null || fail "deploy/grafana/hosting-dashboard.json is not valid JSON (above)"
RPC=$(free_port)
NODE_METRICS=$(free_port)
start_node node --dev --tmp --rpc-port "$RPC" --port "$(free_port)" --prometheus-port "$NODE_METRICS" --no-telemetry --no-mdns
wait_rpc "$RPC" 120 node
# The feed the hoster serves, and a DHT of its own for its Hypercore peer.
head -c 40000 /dev/urandom >"$WORK/input.bin"
KEY=$("$BIN/hoster" --data "$WORK/hoster" feed create "$WORK/input.bin" --chunk-size 4KiB 2>>"$WORK/feed.log")
DHT=$(free_port)
start_process dht node scripts/swarm/testnet.js "$DHT"
wait_for 50 0.2 grep -q bootstrap "$WORK/dht.log" || fail "the DHT testnet did not start"
HTTP=$(free_port)
HOSTER_METRICS=$(free_port)
# Configured through its variables, as the image and the units configure it.
HOSTER_METRICS_LISTEN=127.0.0.1:$HOSTER_METRICS HOSTER_SWARM=true HOSTER_BOOTSTRAP=127.0.0.1:$DHT \
	HOSTER_SWARM_LISTEN=127.0.0.1:0 HOSTER_SWARM_PEER=$PWD/hoster/swarm/peer.js HOSTER_NODE=node \
	start_hoster hoster "$WORK/hoster" "$HTTP"
# Blocks for a client, then a contact request for an attestor (SCALE: request,
# nonce, attestor, feed, length, [(index, leaf hash)]), so that every label shows.
for index in 0 1; do
	curl -sf -o /dev/null "http://127.0.0.1:$HTTP/feeds/$KEY/blocks/$index?length=10" || fail "block $index was not served"
done
python3 - "$WORK/input.bin" "$KEY" "$WORK/contact.bin" <<'PY'
import hashlib, struct, sys
data, key, out = open(sys.argv[1], "rb").read(), bytes.fromhex(sys.argv[2]), sys.argv[3]
body = struct.pack("<Q", 1) + b"\x01" * 32 + b"\x02" * 32 + key + struct.pack("<Q", 10) + bytes([2 << 2])
for i in (0, 1):
    block = data[i * 4096:(i + 1) * 4096]
    body += struct.pack("<Q", i) + hashlib.blake2b(b"\x00" + struct.pack("<Q", len(block)) + block, digest_size=32).digest()
open(out, "wb").write(body)
PY
status=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$WORK/contact.bin" "http://127.0.0.1:$HTTP/contact")
[ "$status" = 200 ] || fail "the contact request was answered $status"
swarm_metrics() { curl -sf "http://127.0.0.1:$HOSTER_METRICS/metrics" | grep -q '^hoster_swarm_peers{'; }
wait_for 60 0.5 swarm_metrics || fail "the hoster's Hypercore peer reported no traffic figures"
curl -sf "http://127.0.0.1:$HOSTER_METRICS/metrics" >"$WORK/hoster-metrics.txt" || fail "no hoster metrics"
# A node that has imported and finalized blocks and run its off-chain worker.
node_ready() {
	curl -sf "http://127.0.0.1:$NODE_METRICS/metrics" >"$WORK/node-metrics.txt" &&
		awk '/^substrate_block_height\{status="finalized"/ && $2 >= 2 { ok = 1 } END { exit !ok }' "$WORK/node-metrics.txt" &&
		grep -q 'task_name="offchain-on-block"' "$WORK/node-metrics.txt"
}
wait_for 60 1 node_ready || fail "the node did not finalize block 2 within a minute"
check dashboard deploy/grafana/hosting-dashboard.json "$WORK/dashboard-test.yml" \
	"hosting-node=$WORK/node-metrics.txt" "hoster=$WORK/hoster-metrics.txt" || fail "the dashboard (above)"
if ! promtool test rules "$WORK/dashboard-test.yml" >"$WORK/promtool-test.log" 2>&1; then
	cat "$WORK/promtool-test.log" >&2
	say "the queries, in order:"
	cat "$WORK/dashboard-test.yml.where" >&2
	fail "a dashboard query returns nothing on the real metrics (above: absent(...) got a sample)"
fi
say "   every query returns series on the real metrics (promtool test rules)"

say "7. the images' HEALTHCHECK commands against the node and the hoster"
healthcheck() { # dockerfile env... : runs its HEALTHCHECK command with that environment
	local dockerfile=$1
	shift
	local -a cmd
	mapfile -d '' cmd < <(check healthcheck "$dockerfile")
	[ ${#cmd[@]} -gt 0 ] || fail "no HEALTHCHECK command in $dockerfile"
	env "$@" timeout 10 "${cmd[@]}" >/dev/null 2>&1
}
CLOSED=$(free_port)
healthcheck deploy/docker/node.Dockerfile HOSTING_RPC_PORT="$RPC" || fail "the node image's HEALTHCHECK fails against a running node"
healthcheck deploy/docker/node.Dockerfile HOSTING_RPC_PORT="$CLOSED" && fail "the node image's HEALTHCHECK passes with no node"
healthcheck deploy/docker/hoster.Dockerfile HOSTER_LISTEN="0.0.0.0:$HTTP" || fail "the hoster image's HEALTHCHECK fails against a running hoster"
healthcheck deploy/docker/hoster.Dockerfile HOSTER_LISTEN="0.0.0.0:$CLOSED" && fail "the hoster image's HEALTHCHECK passes with no hoster"
say "   both pass against the running process and fail with nothing on the port"

say "deploy: every check passed"
say "not run here (no Docker daemon, no compose plugin, no systemd as init):"
[ -n "${BUILD_CHECK:-}" ] || say "  - docker build --check (BuildKit's Dockerfile lint: needs buildx and a daemon)"
say "  - building the images (docker build -f deploy/docker/{node,hoster}.Dockerfile .): the builds themselves, the npm ci of the swarm peer"
say "  - running the containers and the compose stack (docker compose -f deploy/compose.yaml up): Prometheus and Grafana loading their files"
say "  - starting the units under systemd: DynamicUser, StateDirectory, LoadCredential and the sandbox at run time"

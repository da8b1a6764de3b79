#!/usr/bin/env bash
# The hoster on the Hypercore network against JS peers, on a loopback DHT, in
# one run on one feed (JS hypercore 11, manifest mode, 64 KiB blocks):
#   JS -> JS      a fresh JS reader downloads the feed from the JS writer;
#   import        `hoster feed import --key` downloads it from the JS writer
#                 and stores it, every block verified;
#   serving       with the writer gone, a fresh JS reader downloads it from
#                 `hoster serve --swarm` alone.
# Goal: import and serving each at >= 0.8 x JS -> JS. Release build.
# With LINK_MBIT=N (root), every byte on loopback passes a token bucket of N
# Mbit/s (`tc qdisc ... tbf` on lo, removed when the script ends): the writer's
# data reaches the reader or the hoster at a hoster's link rate, so the figures
# measure the product rather than how fast this machine's CPU encrypts JS
# streams.
#   [HOSTING_BIN_DIR=DIR] [LINK_MBIT=100] scripts/bench/swarm.sh [MiB, default 256]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
MIB=${1:-256}
BLOCKS=$((MIB * 16))
BIN=$(scripts/build-bins.sh --release)
swarm_deps
start_work swarm-bench
if [ -n "${LINK_MBIT:-}" ]; then
	[[ "$LINK_MBIT" =~ ^[1-9][0-9]*$ ]] || fail "LINK_MBIT takes a whole number of Mbit/s, not $LINK_MBIT"
	[ "$(id -u)" = 0 ] || fail "LINK_MBIT needs root: it shapes lo with tc"
	# Removed whatever happens; finish (lib.sh) then stops the processes.
	unshape() {
		local status=$?
		tc qdisc del dev lo root 2>/dev/null || true
		(exit "$status")
		finish
	}
	trap unshape EXIT
	tc qdisc replace dev lo root tbf rate "${LINK_MBIT}mbit" burst 256kb latency 50ms ||
		fail "tc cannot shape lo (no sch_tbf?)"
	say "loopback shaped to $LINK_MBIT Mbit/s ($(tc qdisc show dev lo))"
fi
DHT=$(free_port)
B=127.0.0.1:$DHT
start_process dht node scripts/swarm/testnet.js "$DHT"
wait_for 50 0.2 grep -q bootstrap "$WORK/dht.log" || fail "the DHT testnet did not start"
say "the JS writer appends $MIB MiB ($BLOCKS blocks of 64 KiB)"
start_process writer node scripts/swarm/writer.js --version 11 --mode manifest --dir "$WORK/writer" \
	--blocks "$BLOCKS" --size 65536 --seed bench --bootstrap "$B"
wait_for 600 0.5 grep -q '"key"' "$WORK/writer.log" || fail "the JS writer did not start"
KEY=$(grep -m1 -o '"key":"[0-9a-f]*"' "$WORK/writer.log" | cut -d'"' -f4)
rate() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8')).mb_per_s.toFixed(1)"; }

say "JS -> JS"
node scripts/swarm/download.js --version 11 --key "$KEY" --dir "$WORK/js-reader" --bootstrap "$B" --length "$BLOCKS" >"$WORK/js.json"
JS=$(rate <"$WORK/js.json")

say "hoster feed import --key"
start=$(date +%s.%N)
"$BIN/hoster" --data "$WORK/hoster" feed import --key "$KEY" --bootstrap "$B" --swarm-listen 127.0.0.1:0 >/dev/null 2>&1
IMPORT=$(python3 -c "print(f'{$MIB * 1048576 / ($(date +%s.%N) - $start) / 1e6:.1f}')")

say "serving: the writer leaves; a JS reader downloads from the hoster alone"
start_process hoster env RUST_LOG=warn "$BIN/hoster" --data "$WORK/hoster" serve --listen "127.0.0.1:$(free_port)" \
	--metrics-listen 127.0.0.1:0 --swarm --bootstrap "$B" --swarm-listen 127.0.0.1:0
# The peer has loaded the stored feed when it counts it in its statistics.
loaded() { [ -d "$WORK/hoster/swarm/cores/$KEY" ] && [ "$(du -sm "$WORK/hoster/swarm/cores/$KEY" | cut -f1)" -ge "$MIB" ]; }
wait_for 600 0.5 loaded || fail "the hoster's peer did not load the feed"
sleep 3
stop writer
node scripts/swarm/download.js --version 11 --key "$KEY" --dir "$WORK/hoster-reader" --bootstrap "$B" --length "$BLOCKS" >"$WORK/serve.json"
SERVE=$(rate <"$WORK/serve.json")
ratio() { python3 -c "print(f'{$1 / $JS:.2f}')"; }
printf '%-10s %8s MB/s\n' "JS -> JS" "$JS" import "$IMPORT" serving "$SERVE"
echo "import $(ratio "$IMPORT") x JS, serving $(ratio "$SERVE") x JS (goal >= 0.8 each)"

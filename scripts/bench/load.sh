#!/usr/bin/env bash
# Load on a development chain, on loopback: a real node (`hosting-node --dev`,
# holding the keys of the chain's three attestors, so every request is rated by
# a committee of three), a real hoster, and a @polkadot/api client sending
# REQUESTS_PER_BLOCK benchmark requests on every block for DURATION seconds
# (scripts/client/load.mjs). It prints what the chain's events and timestamps
# say (requests and ratings per block, requests closed within 2 blocks of their
# committee, void, block times) and the node's resident memory after warm-up
# and at the end (sampled from /proc every 10 s).
# The goal (README, Figures): a block's full budget of on-demand requests
# (MaxOnDemandPerBlock, 208; with the periodic and registration budgets the
# block's 256), each rated by its committee within 2 blocks, none void, block
# times unchanged, memory flat after warm-up, for 5 minutes. More are refused
# with TooManyRequests and counted as refused. All requests are on one hoster,
# so the client first raises the runtime's MaxOnDemandPerHoster (a storage
# parameter) with sudo. RELEASE=1 runs release builds (as operators run them).
#   [HOSTING_BIN_DIR=DIR] [RELEASE=1] [REQUESTS_PER_BLOCK=208] [DURATION=300] [NODE_ARGS=...] scripts/bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
PER_BLOCK=${REQUESTS_PER_BLOCK:-208}
DURATION=${DURATION:-300}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
BIN=$(scripts/build-bins.sh ${RELEASE:+--release})
client_deps
start_work load

RPC=$(free_port); HTTP=$(free_port)
DATA=$WORK/hoster
# NODE_ARGS: extra node flags, e.g. "--trie-cache-size 0" to see what the caches hold.
# shellcheck disable=SC2086
start_dev_node node "$RPC" -lruntime::hosting=warn ${NODE_ARGS:-}
head -c 1000000 /dev/urandom >"$WORK/in.bin"
KEY=$("$BIN/hoster" --data "$DATA" feed create "$WORK/in.bin" --chunk-size 16KiB 2>/dev/null)
HOSTER_LOG=warn start_hoster hoster "$DATA" "$HTTP"
register_hoster "$DATA" "$RPC" //Dave "$KEY" "http://127.0.0.1:$HTTP" local 5000 1 1 1 >/dev/null
DAVE=$(account_of //Dave)
wait_for 60 2 hoster_is "$RPC" "$DAVE" Active || fail "the hoster did not become Active"
FEED=$(facts "$RPC" feed "$KEY" | field id)

# The node's resident memory every 10 s, in KiB: all of it (VmRSS), its heap
# and other anonymous pages (RssAnon), and the pages of files it maps
# (RssFile: ParityDb's memory-mapped tables and the binary), which the kernel
# reclaims under pressure and which grow with the database, not with a leak.
(while running node; do
	awk '/^(VmRSS|RssAnon|RssFile)/ { printf "%s ", $2 } END { print "" }' "/proc/${PIDS[node]}/status"
	sleep 10
done) >"$WORK/rss.log" 2>/dev/null &
PIDS[rss]=$!

say "$PER_BLOCK requests a block for $DURATION s"
node scripts/client/load.mjs "ws://127.0.0.1:$RPC" "$DAVE" "$FEED" "$PER_BLOCK" "$DURATION" | tee "$WORK/load.out"
running node || fail "the node stopped under load"
# Warm-up: the first minute. For each measure: the lowest and highest sample
# after it, the last, and the slope over the second half of the run (MiB a
# minute; flat is near 0).
python3 - "$WORK/rss.log" <<'PY'
import sys
rows = [[int(x) for x in line.split()] for line in open(sys.argv[1]) if len(line.split()) == 3]
for i, name in enumerate(["rss", "anon", "file"]):
    kib = [r[i] for r in rows]
    after = kib[6:] or kib
    half = kib[len(kib) // 2:]
    slope = (half[-1] - half[0]) / 1024 / max((len(half) - 1) / 6, 1 / 6)
    print(f"node_{name}_mib after_warmup_min {min(after) / 1024:.0f} after_warmup_max {max(after) / 1024:.0f} "
          f"last {kib[-1] / 1024:.0f} second_half_slope_mib_per_min {slope:.1f}")
    print(f"node_{name}_mib_every_10s " + " ".join(f"{k / 1024:.0f}" for k in kib))
PY

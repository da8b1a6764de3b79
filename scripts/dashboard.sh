#!/usr/bin/env bash
# The dashboard in a real browser: a development chain (`hosting-node --dev`,
# periodic benchmarks every 10 blocks), two hosters being rated (Dave, who
# keeps his promise, and Eve, who promises far more bandwidth than she has),
# `hoster dashboard` serving the page on loopback, and headless Chromium
# (Debian's, driven by playwright-core) using it as a person would:
# dashboard/e2e/browser.mjs checks the page loads without a console error, both
# hosters appear, Dave's curve grows as ratings land, Eve is flagged as
# breaking her promise, the ratings show each committee member, the attestors
# are listed, the does_qualify form answers (yes; no with every reason's
# measured and required value) and refuses bad input. Then the page is pointed
# at a node that is not there and must say so. Screenshots stay in the work
# directory; with DASHBOARD_SCREENSHOT=FILE, the main one is copied there (the
# README's picture is made this way).
#   [HOSTING_BIN_DIR=DIR] [DASHBOARD_SCREENSHOT=docs/dashboard.png] scripts/dashboard.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
BIN=$(scripts/build-bins.sh)
client_deps
dashboard_deps
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "Chromium is missing: scripts/setup.sh installs Debian's chromium"
start_work dashboard

RPC=$(free_port); DAVE_PORT=$(free_port); EVE_PORT=$(free_port); PAGE_PORT=$(free_port)
DAVE=$(account_of //Dave); EVE=$(account_of //Eve)
DAVE_SS58=$(account_of --ss58 //Dave); EVE_SS58=$(account_of --ss58 //Eve)

start_dev_node node "$RPC"
head -c 1048576 /dev/urandom >"$WORK/input.bin"
KEY=$("$BIN/hoster" --data "$WORK/dave" feed create "$WORK/input.bin" --chunk-size 64KiB)
start_hoster dave "$WORK/dave" "$DAVE_PORT"
register_hoster "$WORK/dave" "$RPC" //Dave "$KEY" "http://127.0.0.1:$DAVE_PORT" local 500 1000000 90 1000000000
# Eve hosts the same feed (copied from Dave, verified) and promises 100 GB/s.
"$BIN/hoster" --data "$WORK/eve" feed import --from "http://127.0.0.1:$DAVE_PORT" --key "$KEY" >/dev/null
start_hoster eve "$WORK/eve" "$EVE_PORT"
hoster_chain "$WORK/eve" "$RPC" //Eve register --endpoint "http://127.0.0.1:$EVE_PORT" --region local \
	--promise-latency 500 --promise-bandwidth 100000000000 --promise-availability 90 --capacity 1000000000 --feed "$KEY" >/dev/null
wait_for 40 2 hoster_is "$RPC" "$DAVE" Active || fail "Dave did not become Active"
say "Dave ($DAVE_SS58) is Active; Eve ($EVE_SS58) registered with a promise she cannot keep"

start_process page "$BIN/hoster" dashboard --listen "127.0.0.1:$PAGE_PORT" --url "ws://127.0.0.1:$RPC"
wait_for 50 0.2 curl -sf -o /dev/null "http://127.0.0.1:$PAGE_PORT/" || fail "hoster dashboard did not answer (log: $WORK/page.log)"
[ "$(curl -sf "http://127.0.0.1:$PAGE_PORT/config.json")" = "{\"rpc\":\"ws://127.0.0.1:$RPC\"}" ] ||
	fail "config.json does not name the node: $(curl -s "http://127.0.0.1:$PAGE_PORT/config.json")"
say "dashboard on http://127.0.0.1:$PAGE_PORT/"

node dashboard/e2e/browser.mjs --url "http://127.0.0.1:$PAGE_PORT/" --hoster "$DAVE_SS58" --failing "$EVE_SS58" \
	--out "$WORK/screenshots" --timeout 120 || fail "the browser test failed (screenshots in $WORK/screenshots)"
[ -z "${DASHBOARD_SCREENSHOT:-}" ] || cp "$WORK/screenshots/dashboard.png" "$DASHBOARD_SCREENSHOT"

# The same page against a node that is not there: it must say it cannot reach it.
GONE=$(free_port); GONE_PAGE=$(free_port)
start_process gone "$BIN/hoster" dashboard --listen "127.0.0.1:$GONE_PAGE" --url "ws://127.0.0.1:$GONE"
wait_for 50 0.2 curl -sf -o /dev/null "http://127.0.0.1:$GONE_PAGE/" || fail "the second dashboard did not start (log: $WORK/gone.log)"
node dashboard/e2e/browser.mjs --url "http://127.0.0.1:$GONE_PAGE/" --unreachable "ws://127.0.0.1:$GONE" --out "$WORK/screenshots" ||
	fail "the page does not say the node is unreachable"
say "dashboard: hosters, curves, ratings, attestors, early warning and does_qualify checked in Chromium"

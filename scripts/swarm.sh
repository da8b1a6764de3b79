#!/usr/bin/env bash
# The hoster on the Hypercore network, against the real JS library, on a DHT
# of its own on loopback (hyperdht's testnet; nothing leaves this machine):
# - a feed written by JS Hypercore 11 (manifest mode) and one by 10 (compat
#   mode) are imported with `hoster feed import --key` over the swarm; an
#   import killed halfway resumes from what it downloaded;
# - `hoster serve --swarm` follows what the JS writer appends (up to its
#   follow limit: past it, nothing is downloaded or stored), and the longer
#   state is published with `hoster chain update`;
# - with the writers gone, fresh JS 11 and 10 readers download every block
#   from the hoster alone (the library verifies each), receive its greeting
#   on the `hosting-extension` and check it against the dev chain with
#   scripts/client/hoster-check.mjs; tampered or replayed greetings are refused;
# - the feed imported from the swarm is published, the hoster registered on
#   it, and its committee rates it over HTTP until it is Active;
# - the swarm's traffic shows on /stats and /metrics (promtool);
# - a feed removed with `hoster feed remove` stops being served over HTTP and
#   on the swarm, and leaves the greeting.
# Every process started here is stopped when the script ends, also on failure.
#   [HOSTING_BIN_DIR=DIR] scripts/swarm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}

BIN=$(scripts/build-bins.sh)
client_deps
swarm_deps
start_work swarm

say "the swarm peer loads stored feeds into the reference Hypercore (node --test)"
(cd hoster/swarm && node --test test/ >"$WORK/peer-tests.log" 2>&1) || { cat "$WORK/peer-tests.log" >&2; fail "the swarm peer's tests"; }

DHT=$(free_port)
B=127.0.0.1:$DHT
start_process dht node scripts/swarm/testnet.js "$DHT"
wait_for 50 0.2 grep -q bootstrap "$WORK/dht.log" || fail "the DHT testnet did not start"
SWARM=(--bootstrap "$B" --swarm-listen 127.0.0.1:0)
last_json() { grep '^{' "$WORK/$1.log" | tail -n 1 | node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8')).$2"; }

start_process w11 node scripts/swarm/writer.js --version 11 --mode manifest --dir "$WORK/w11" \
	--blocks 64 --size 4096 --seed w11 --bootstrap "$B"
start_process w10 node scripts/swarm/writer.js --version 10 --mode compat --dir "$WORK/w10" \
	--blocks 40 --size 3000 --seed w10 --bootstrap "$B"
wait_for 100 0.2 grep -q '"key"' "$WORK/w11.log" || fail "the JS 11 writer did not start"
wait_for 100 0.2 grep -q '"key"' "$WORK/w10.log" || fail "the JS 10 writer did not start"
K11=$(last_json w11 key)
K10=$(last_json w10 key)
DATA=$WORK/hoster
hoster() { "$BIN/hoster" --data "$DATA" "$@"; }
stored_length() { hoster feed list --json | node -pe "(JSON.parse(require('fs').readFileSync(0, 'utf8')).find((f) => f.key === '$1') || {}).length"; }
stored_is() { [ "$(stored_length "$1")" = "$2" ]; }
written_is() { [ "$(last_json "$1" length)" = "$2" ]; }

say "hoster feed import --key: a JS 11 feed (manifest mode) and a JS 10 feed (compat mode), from the swarm"
hoster feed import --key "$K11" "${SWARM[@]}" --find-timeout 60 >/dev/null
hoster feed import --key "$K10" "${SWARM[@]}" --find-timeout 60 >/dev/null
[ "$(stored_length "$K11")" = 64 ] || fail "the JS 11 feed was not stored whole"
[ "$(stored_length "$K10")" = 40 ] || fail "the JS 10 feed was not stored whole"
hoster feed list --json | grep -q "\"key\":\"$K10\",\"mode\":\"compat\"" || fail "the JS 10 feed is not stored in compat mode"

say "bad input fails clearly and stores nothing"
NOBODY=$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")
out=$(hoster feed import --key "$NOBODY" "${SWARM[@]}" --find-timeout 3 2>&1) && fail "a feed nobody has was imported"
grep -q "no peer of feed" <<<"$out" || fail "no clear error for a feed nobody has: $out"
out=$(hoster feed import --key xyz "${SWARM[@]}" 2>&1) && fail "a bad key was accepted"
out=$(hoster feed import --key "$K11" --bootstrap nowhere 2>&1) && fail "a bad bootstrap address was accepted"
grep -q "not host:port" <<<"$out" || fail "no clear error for a bad bootstrap address: $out"
[ "$(hoster feed list --json | grep -o '"key"' | wc -l)" = 2 ] || fail "a failed import left a feed behind"

say "an import cut short resumes where it stopped"
start_process w64 node scripts/swarm/writer.js --version 11 --mode manifest --dir "$WORK/w64" \
	--blocks 1024 --size 65536 --seed w64 --bootstrap "$B"
wait_for 300 0.2 grep -q '"key"' "$WORK/w64.log" || fail "the 64 MiB JS writer did not start"
K64=$(last_json w64 key)
RUST_LOG=hoster=debug "$BIN/hoster" --data "$DATA" feed import --key "$K64" "${SWARM[@]}" >"$WORK/import-cut.log" 2>&1 &
IMPORT=$!
# Its progress, logged every half second: cut it once a tenth is here.
downloaded_some() { grep -Eq 'downloaded ([1-9][0-9]{2,}) of 1024 blocks' "$WORK/import-cut.log"; }
wait_for 600 0.05 downloaded_some || fail "the import did not start downloading"
kill -KILL "$IMPORT"
wait "$IMPORT" 2>/dev/null || true
stored_is "$K64" 1024 && fail "the import finished before it could be cut short"
[ "$(stored_length "$K64")" = undefined ] || fail "a copy cut short is listed (and would be served)"
peer_gone() { ! pgrep -f "peer.js fetch --data $DATA" >/dev/null; }
wait_for 50 0.2 peer_gone || fail "the import's Hypercore peer outlived it"
hoster feed import --key "$K64" "${SWARM[@]}" --find-timeout 60 >/dev/null 2>"$WORK/import-resumed.log" ||
	fail "the import did not resume (log: $WORK/import-resumed.log)"
grep -q "resuming an earlier import" "$WORK/import-resumed.log" || fail "the second import started over"
stored_is "$K64" 1024 || fail "the resumed import did not store the whole feed"
[ -d "$DATA/swarm/fetch/$K64" ] && fail "the finished import left its download behind"
stop w64
say "$(grep -o 'resuming.*' "$WORK/import-resumed.log")"

RPC=$(free_port); HTTP=$(free_port)
start_dev_node node "$RPC"
# The follow limit lets K11 grow by the writer's first append (to 72 blocks of
# 4 KiB), not past it.
start_hoster hoster "$DATA" "$HTTP" --swarm "${SWARM[@]}" --follow-limit $((72 * 4096))
CONTACT=$(curl -sf "http://127.0.0.1:$HTTP/hello" | node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8')).contact_key")
DAVE=$(account_of //Dave)

say "the feed imported from the swarm is published; the hoster registers on it"
register_hoster "$DATA" "$RPC" //Dave "$K11" "http://127.0.0.1:$HTTP" local 1000 10000 90 1000000000 >/dev/null

say "the JS writer appends 8 blocks; the hoster follows"
kill -USR1 "${PIDS[w11]}"
wait_for 50 0.2 written_is w11 72 || fail "the JS writer did not append"
wait_for 60 0.5 stored_is "$K11" 72 || fail "the hoster did not follow the JS writer's appends"
grep -q "followed to length 72" "$WORK/hoster.log" || fail "the hoster did not log what it followed"
D11=$(last_json w11 digest)
D10=$(last_json w10 digest)
wait_for 40 2 hoster_is "$RPC" "$DAVE" Active || fail "the hoster did not become Active on the swarm's feed"
say "hoster Active: its committee rated the swarm's feed over HTTP"
hoster_chain "$DATA" "$RPC" //Dave update "$K11" >/dev/null
[ "$(facts "$RPC" feed "$K11" | field length)" = 72 ] || fail "the followed length was not published"

say "the writers leave; fresh JS 11 and 10 readers download from the hoster alone"
stop w11
stop w10
for case in "11 $K11 72 $D11" "10 $K11 72 $D11" "11 $K10 40 $D10" "10 $K10 40 $D10"; do
	read -r version key length digest <<<"$case"
	out=$WORK/reader-$version-${key:0:8}.json
	node scripts/swarm/reader.js --version "$version" --key "$key" --dir "$WORK/reader-$version-$key" \
		--bootstrap "$B" --length "$length" --hoster-key "$CONTACT" --chain "ws://127.0.0.1:$RPC" >"$out" 2>>"$WORK/readers.log" ||
		fail "the JS $version reader could not read feed $key from the hoster (log: $WORK/readers.log)"
	node - "$out" "$length" "$digest" "$CONTACT" <<-'JS' || fail "the JS $version reader of feed $key"
		const [file, length, digest, contact] = process.argv.slice(2)
		const r = JSON.parse(require('fs').readFileSync(file, 'utf8'))
		const assert = require('assert')
		assert.equal(r.length, Number(length), 'length')
		assert.equal(r.digest, digest, 'every block as the writer wrote it')
		assert.equal(r.remote_public_key, contact, 'the connection is the hoster contact key')
		assert.ok(r.verdict.ok, 'the greeting checks against the chain: ' + r.verdict.reasons.join('; '))
		assert.equal(r.verdict.status, 'Active')
		for (const [attack, refused] of Object.entries(r.refused)) assert.ok(refused, attack + ' is refused')
	JS
	say "JS $version reader: feed ${key:0:8}… length $length verified, greeting checked on chain, forgeries refused"
done

say "the swarm's traffic on /stats and /metrics"
sleep 2.5
node -e "
const s = JSON.parse(require('fs').readFileSync(0, 'utf8')).swarm['$K11']
if (!s || s.uploaded_blocks < 72 || s.downloaded_blocks < 8) { console.error(JSON.stringify(s)); process.exit(1) }" \
	< <(curl -sf "http://127.0.0.1:$HTTP/stats") || fail "/stats does not show the swarm's traffic"
METRICS=$(grep -o 'metrics on http://[^ ]*' "$WORK/hoster.log" | head -n 1 | cut -d' ' -f3)
curl -sf "$METRICS" >"$WORK/metrics.txt"
grep -q "^hoster_swarm_uploaded_blocks_total{feed=\"$K11\"}" "$WORK/metrics.txt" || fail "/metrics has no swarm traffic"
if command -v promtool >/dev/null; then
	promtool check metrics <"$WORK/metrics.txt" || fail "promtool rejects the metrics"
fi

# The writer comes back and grows its feed past the follow limit; the peer,
# restarted below, finds it (the writer only answers, so a peer joined before
# it came would not look again for minutes).
say "the writer grows its feed past the follow limit"
start_process w11-again node scripts/swarm/writer.js --version 11 --mode manifest --dir "$WORK/w11" \
	--blocks 64 --size 4096 --seed w11 --bootstrap "$B"
wait_for 100 0.2 grep -q '"key"' "$WORK/w11-again.log" || fail "the JS 11 writer did not start again"
[ "$(last_json w11-again length)" = 136 ] || fail "the writer did not grow its feed to 136 blocks"
say "the Hypercore peer dies: the hoster restarts it, and it seeds again"
pkill -KILL -f "peer.js serve --data $DATA" || fail "no Hypercore peer runs for the hoster"
wait_for 50 0.2 grep -q "restarting it in" "$WORK/hoster.log" || fail "the hoster did not notice its peer died"
peer_started_twice() { [ "$(grep -c 'in the Hypercore swarm' "$WORK/hoster.log")" -ge 2 ]; }
wait_for 50 0.2 peer_started_twice || fail "the hoster did not restart its peer"
node scripts/swarm/reader.js --version 11 --key "$K10" --dir "$WORK/reader-after-restart" --bootstrap "$B" \
	--length 40 --hoster-key "$CONTACT" >"$WORK/reader-after-restart.json" 2>>"$WORK/readers.log" ||
	fail "the restarted peer did not seed"
grep -q "\"digest\":\"$D10\"" "$WORK/reader-after-restart.json" || fail "the restarted peer seeded other bytes"

say "past the follow limit the hoster neither downloads nor stores the feed"
wait_for 100 0.3 grep -q "not followed: the writer grew the feed to 136 blocks" "$WORK/hoster.log" ||
	fail "the hoster did not say it stops following a feed past its limit"
sleep 2.5
stored_is "$K11" 72 || fail "a feed grown past the follow limit was stored"
node -e "
const s = JSON.parse(require('fs').readFileSync(0, 'utf8')).swarm['$K11']
if (!s || s.downloaded_blocks !== 0) { console.error(JSON.stringify(s)); process.exit(1) }" \
	< <(curl -sf "http://127.0.0.1:$HTTP/stats") || fail "the peer downloaded blocks past the follow limit"
stop w11-again
say "$(grep -o 'not followed: .*' "$WORK/hoster.log" | head -n 1)"

say "a feed removed from the store stops being served, over HTTP and on the swarm"
hoster feed remove "$K10" 2>/dev/null || fail "feed remove refused an imported feed"
gone_over_http() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/feeds/$K10")" = 404 ]; }
wait_for 50 0.2 gone_over_http || fail "the removed feed is still served over HTTP"
wait_for 50 0.2 test ! -d "$DATA/swarm/cores/$K10" || fail "the swarm peer kept its copy of the removed feed"
curl -sf "http://127.0.0.1:$HTTP/hello" | grep -q "$K10" && fail "the greeting still claims the removed feed"

say "the hoster stops: its Hypercore peer stops with it"
stop hoster
pgrep -f "peer.js serve --data $DATA" >/dev/null && fail "the Hypercore peer outlived the hoster"
say "the hoster is a Hypercore peer: imports, follows, seeds JS 10 and 11, greets, and is rated"

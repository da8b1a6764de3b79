#!/usr/bin/env bash
# The local testnet under a fault, on loopback: four validators of
# `--chain local` (Alice, Bob, Charlie, Dave) and a real hoster (Eve). Three
# bonded attestors (AliceStash, BobStash, CharlieStash) sign with their
# validators' keys, which --alice/--bob/--charlie put into each keystore, so
# every committee is the three of them.
#   1. blocks are produced and finalized by all four; the hoster registers and
#      its registration committee rates it, so it becomes Active;
#   2. Bob is killed (SIGKILL): the chain keeps finalizing; every request closes
#      on the two ratings of Alice and Charlie (a quorum), with Bob's attestor
#      silent (missed +1 each), and the hoster's figures move once per closed
#      request, never down for Bob's silence;
#   3. Bob restarts on its old base path: it keeps its state (its database
#      holds the height it had), catches up, resumes its attestor if it was
#      suspended for its misses, rates a new request, and no request is ever
#      rated twice by one attestor; the claims in Bob's off-chain storage
#      survive the restart, none attempted again (each is forgotten once its
#      request has closed).
# Why four validators: GRANDPA needs more than 2/3 of the voters, so three
# voters cannot lose one (see runtime/src/genesis_config_presets.rs).
# Every check reads the chain's answers (storage, events, off-chain storage over
# JSON-RPC, the database's chain-info). Every process started here is stopped
# when the script ends, pass or fail (logs kept in $E2E_LOGS on failure).
#   [HOSTING_BIN_DIR=DIR] scripts/testnet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
BIN=$(scripts/build-bins.sh)
client_deps
start_work testnet

NODES=(alice bob charlie dave)
declare -A rpc p2p
for n in "${NODES[@]}"; do rpc[$n]=$(free_port); p2p[$n]=$(free_port); done
read -r BOB EVE < <(account_of //Bob//stash //Eve | paste -sd ' ')

# Fixed node keys (Alice 1, Bob 2, ...), so every node can dial Alice by the
# peer id her key gives.
node_key() { printf '%064x' "$(($1 + 1))"; }
node_key 0 >"$WORK/alice.node-key"
ALICE_PEER=$("$BIN/hosting-node" key inspect-node-key --file "$WORK/alice.node-key")
start_validator() {
	local n=$1 i
	for i in "${!NODES[@]}"; do [ "${NODES[$i]}" = "$n" ] && break; done
	start_node "$n" --chain local "--$n" --base-path "$WORK/$n" --node-key "$(node_key "$i")" \
		--rpc-port "${rpc[$n]}" --listen-addr "/ip4/127.0.0.1/tcp/${p2p[$n]}" \
		--bootnodes "/ip4/127.0.0.1/tcp/${p2p[alice]}/p2p/$ALICE_PEER" \
		--no-prometheus --no-telemetry --no-mdns -lruntime::hosting=debug
}
for n in "${NODES[@]}"; do start_validator "$n"; done
for n in "${NODES[@]}"; do wait_rpc "${rpc[$n]}" 90 "$n"; done
[ "$(rpc "${rpc[alice]}" system_localPeerId)" = "\"$ALICE_PEER\"" ] ||
	fail "Alice's peer id is not the one derived from her node key"

# Waits until Alice's finalized head reaches $1; prints Alice's heads.
wait_finalized() {
	local target=$1 heads=""
	for _ in $(seq 1 60); do
		heads=$(facts "${rpc[alice]}" heads) || true
		[ "$(field finalized <<<"$heads")" -ge "$target" ] 2>/dev/null && { echo "$heads"; return; }
		sleep 2
	done
	fail "finality did not reach block $target (last: $heads)"
}

say "1. four validators produce and finalize blocks"
wait_finalized 3 >/dev/null
for n in bob charlie dave; do
	[ "$(facts "${rpc[$n]}" heads | field best)" -ge 1 ] || fail "$n imports no blocks"
done

DATA=$WORK/hoster
HTTP=$(free_port)
head -c 120000 /dev/urandom >"$WORK/input.bin"
KEY=$("$BIN/hoster" --data "$DATA" feed create "$WORK/input.bin" --chunk-size 16KiB)
start_hoster hoster "$DATA" "$HTTP"
register_hoster "$DATA" "${rpc[alice]}" //Eve "$KEY" "http://127.0.0.1:$HTTP" eu 1000 10000 90 1000000000
FEED=$(facts "${rpc[alice]}" feed "$KEY" | field id)
wait_for 40 2 hoster_is "${rpc[alice]}" "$EVE" Active || fail "the hoster did not become Active"
say "the hoster is Active: $(facts "${rpc[alice]}" hoster "$EVE")"
# Asks for a benchmark of the hoster; prints "request N attestors A,.. deadline D block B"
# once its committee is drawn.
request() { request_benchmark "${rpc[alice]}" //Eve "$EVE" "$FEED"; }
assigned_to_bob() { [[ ",$(field attestors <<<"$1")," == *",$BOB,"* ]]; }

say "2. Bob is killed"
# Bob's off-chain claims as he dies, to compare after his restart.
claims_at_kill=$(facts "${rpc[bob]}" claims "$BOB")
stop bob KILL
read -r _ kill_block _ finalized_at_kill <<<"$(facts "${rpc[alice]}" heads)"
say "Bob killed at block #$kill_block (finalized #$finalized_at_kill), holding $(grep -c . <<<"$claims_at_kill" || true) claims"

# Two requests; with three attestors every committee is all three, Bob's included.
bob_requests=() last_deadline=0
for _ in 1 2; do
	line=$(request)
	echo "$line"
	assigned_to_bob "$line" || fail "Bob's attestor is not in the committee: $line"
	last_deadline=$(field deadline <<<"$line")
	bob_requests+=("$(field request <<<"$line")")
done

# Past the last deadline every request above is closed.
read -r _ end_block _ finalized <<<"$(wait_finalized "$((last_deadline + 2))")"
[ "$finalized" -gt "$((finalized_at_kill + 5))" ] || fail "finality stalled without Bob"
window=$(facts "${rpc[alice]}" events "$((kill_block + 1))" | awk -v end="$end_block" '$NF <= end')
for id in "${bob_requests[@]}"; do
	grep -qE "^closed $id Served ratings 2 disagreeing [0-9a-f,-]+ silent $BOB " <<<"$window" ||
		fail "request $id did not close on the two live attestors' ratings with Bob silent: $(grep "^closed $id " <<<"$window")"
done
if grep '^void ' <<<"$window"; then fail "a request was void with two live attestors"; fi
bob_silent=$(grep -cE "^(closed|void) .* silent [0-9a-f,]*$BOB" <<<"$window" || true)
closed=$(grep -c '^closed ' <<<"$window" || true)
if grep '^rated ' <<<"$window" | grep -v ' Normal '; then fail "a live attestor rated the hoster other than Normal"; fi
bob_before=$(facts "${rpc[alice]}" attestor "$BOB" "$kill_block"); bob_after=$(facts "${rpc[alice]}" attestor "$BOB" "$end_block")
hoster_before=$(facts "${rpc[alice]}" hoster "$EVE" "$kill_block"); hoster_after=$(facts "${rpc[alice]}" hoster "$EVE" "$end_block")
say "blocks #$kill_block..#$end_block: $closed requests closed, $bob_silent with Bob silent"
say "Bob: $bob_before -> $bob_after"
say "hoster: $hoster_before -> $hoster_after"
[ "$(field missed <<<"$bob_after")" -eq "$(($(field missed <<<"$bob_before") + bob_silent))" ] ||
	fail "Bob's missed count did not grow by the $bob_silent requests he let pass"
# Reliability is the decayed share answered: below what it was, or 0 when
# Bob had no record before (Beta(0, 0) reads 0) and now only misses.
if [ "$(($(field answered <<<"$bob_before") + $(field missed <<<"$bob_before")))" -gt 0 ]; then
	[ "$(field reliability <<<"$bob_after")" -lt "$(field reliability <<<"$bob_before")" ] || fail "Bob's reliability did not fall"
else
	[ "$(field reliability <<<"$bob_after")" -eq 0 ] || fail "Bob's reliability is not 0 after only misses"
fi
[ "$(field samples <<<"$hoster_after")" -eq "$(($(field samples <<<"$hoster_before") + closed))" ] ||
	fail "the hoster's samples moved by other than the $closed closed requests"
[ "$(field availability <<<"$hoster_after")" -ge "$(field availability <<<"$hoster_before")" ] ||
	fail "the hoster's availability fell while an attestor was silent"

say "3. Bob restarts on its old base path"
known=$("$BIN/hosting-node" chain-info --chain local --base-path "$WORK/bob" 2>>"$WORK/bob.log" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["best_number"])')
[ "${known:-0}" -gt 0 ] || fail "Bob's database holds no blocks"
start_validator bob
wait_rpc "${rpc[bob]}" 90 bob
[ "$(facts "${rpc[bob]}" heads | field best)" -ge "$known" ] || fail "Bob restarted from scratch instead of its database"
say "Bob restarted at block #$known"
# Bob has caught up when his best block is at least what Alice's was just before.
caught_up() {
	local alice_best
	alice_best=$(facts "${rpc[alice]}" heads | field best)
	[ "$(facts "${rpc[bob]}" heads | field best)" -ge "$alice_best" ]
}
wait_for 30 2 caught_up || true
# Too many misses in a row suspend an attestor; its operator resumes it. The last of the
# requests drawn while Bob was away can close (and suspend him) after he is back, between a look
# at his status and the next committee: so resume him whenever he is suspended, and ask again
# while a committee is drawn without him.
for attempt in 1 2 3; do
	if [ "$(facts "${rpc[alice]}" attestor "$BOB" | field status)" = Suspended ]; then
		node scripts/client/tx.mjs "ws://127.0.0.1:${rpc[alice]}" //Bob//stash hosting.resumeAttestor >/dev/null ||
			fail "Bob's attestor could not resume"
		say "Bob's attestor was suspended for its misses and resumed"
	fi
	line=$(request)
	echo "$line"
	assigned_to_bob "$line" && break
	[ "$attempt" -lt 3 ] || fail "the new request's committee does not include Bob: $line"
	say "request $(field request <<<"$line") was drawn without Bob (suspended meanwhile); asking again"
done
rated_by_bob=$(field request <<<"$line")
# Read whole before matching: `grep -q` stops at the first match and would break the
# pipe under the events still being written (EPIPE, which pipefail counts as failure).
rated_by_bob() {
	local events
	events=$(facts "${rpc[alice]}" events "$known")
	grep -qE "^rated $rated_by_bob $BOB Normal " <<<"$events"
}
wait_for 20 2 rated_by_bob || fail "Bob did not rate request $rated_by_bob after restarting"
say "Bob rated request $rated_by_bob after restarting"

events=$(facts "${rpc[alice]}" events 1)
duplicates=$(grep '^rated ' <<<"$events" | awk '{ print $2, $3 }' | sort | uniq -d)
[ -z "$duplicates" ] || fail "requests rated twice by one attestor: $duplicates"
# Bob's off-chain claims survive the restart: every claim he held at the kill
# is still there, unchanged, so nothing claimed before it was taken on again
# after it, unless its request has closed since (a claim is forgotten once its
# request's deadline has passed). (Within one life a request may be attempted
# twice: the one retry when the first rating was not included 3 blocks later;
# never a third time.)
claims_now=$(facts "${rpc[bob]}" claims "$BOB")
lost=""
while read -r held; do
	[ -n "$held" ] || continue
	id=$(awk '{ print $2 }' <<<"$held")
	if now=$(grep -E "^claim $id " <<<"$claims_now"); then
		[ "$now" = "$held" ] || lost+="[$held, now $now] "
	else
		grep -qE "^(closed|void) $id " <<<"$events" || lost+="[$held, forgotten while its request is open] "
	fi
done <<<"$claims_at_kill"
[ -z "$lost" ] || fail "claims Bob held at the kill are gone or were attempted again after the restart: $lost"
thrice=$(awk '$1 == "claim" && $NF > 2' <<<"$claims_now")
[ -z "$thrice" ] || fail "Bob attempted requests more than twice: $thrice"
grep -qE "^claim $rated_by_bob at [0-9]+ attempts [12]$" <<<"$claims_now" ||
	fail "Bob's off-chain storage has no claim of request $rated_by_bob"
say "Bob's claims at the kill: [$(field claim <<<"$claims_at_kill" | paste -sd ' ')], kept across the restart until their requests closed; now: [$(field claim <<<"$claims_now" | paste -sd ' ')]"
[ "$(facts "${rpc[alice]}" heads | field finalized)" -gt "$end_block" ] || fail "finality stopped"
say "all testnet checks passed: $(facts "${rpc[alice]}" heads)"

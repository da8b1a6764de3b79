#!/usr/bin/env bash
# The local testnet under a fault, on loopback: four validators of
# `--chain local` (Alice, Bob, Charlie, Dave; Alice, Bob and Charlie attest,
# each with its key put into its own keystore by --alice/--bob/--charlie) and a
# real hoster (Eve).
#   1. blocks are produced and finalized by all four; the hoster registers and
#      its registration benchmark is rated, so it becomes Active;
#   2. Bob is killed (SIGKILL): the chain keeps finalizing; benchmark requests
#      assigned to Bob expire against Bob's attestor reliability (missed +1
#      each), while the hoster's figures only move by the ratings of the
#      attestors that answered;
#   3. Bob restarts on its old base path: it keeps its state (its database
#      starts at the height it had), catches up, rates a new request assigned
#      to it, and no request is ever rated twice by one attestor, nor is a
#      rating sent twice by Bob's off-chain worker across the restart.
# Why four validators: GRANDPA needs more than 2/3 of the voters, so three
# voters cannot lose one (see runtime/src/genesis_config_presets.rs).
# Every process started here is stopped when the script ends, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
BIN=$(scripts/build-bins.sh)
client_deps

work=$(mktemp -d -t hosting-testnet.XXXXXX)
declare -A pid rpc p2p
cleanup() {
	local status=$?
	for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "$status" -ne 0 ]; then
		echo "--- testnet failed; last hosting log lines of each node:" >&2
		for n in alice bob charlie dave; do
			echo "--- $n" >&2
			grep -E "hosting|ERROR|WARN" "$work/$n.log" 2>/dev/null | tail -n 12 >&2 || true
		done
		mkdir -p "${E2E_LOGS:-/tmp/hosting-e2e-logs}"
		cp "$work"/*.log "${E2E_LOGS:-/tmp/hosting-e2e-logs}/" 2>/dev/null || true
		echo "--- logs kept in ${E2E_LOGS:-/tmp/hosting-e2e-logs}" >&2
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT INT TERM

say() { printf '[testnet %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
facts() { node scripts/client/chain-facts.mjs "ws://127.0.0.1:${rpc[alice]}" "$@"; }

# Fixed node keys, so every node can dial Alice by her peer id.
declare -A node_key=(
	[alice]=0000000000000000000000000000000000000000000000000000000000000001
	[bob]=0000000000000000000000000000000000000000000000000000000000000002
	[charlie]=0000000000000000000000000000000000000000000000000000000000000003
	[dave]=0000000000000000000000000000000000000000000000000000000000000004
)
ALICE_PEER=12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp
for n in alice bob charlie dave; do rpc[$n]=$(free_port); p2p[$n]=$(free_port); done

start_node() {
	local n=$1
	"$BIN/hosting-node" --chain local "--$n" --base-path "$work/$n" --node-key "${node_key[$n]}" \
		--rpc-port "${rpc[$n]}" --listen-addr "/ip4/127.0.0.1/tcp/${p2p[$n]}" \
		--bootnodes "/ip4/127.0.0.1/tcp/${p2p[alice]}/p2p/$ALICE_PEER" \
		--no-prometheus --no-telemetry --no-mdns -lruntime::hosting=debug >>"$work/$n.log" 2>&1 &
	pid[$n]=$!
}
for n in alice bob charlie dave; do start_node "$n"; done
for n in alice bob charlie dave; do wait_rpc "${rpc[$n]}" 90; done
[ "$(curl -sf -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"system_localPeerId","params":[]}' \
	"http://127.0.0.1:${rpc[alice]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')" = "$ALICE_PEER" ] ||
	fail "Alice's peer id is not the one derived from her node key"

# Waits until Alice's finalized head reaches $1.
wait_finalized() {
	local target=$1 heads
	for _ in $(seq 1 60); do
		heads=$(facts heads) || true
		[ "$(field finalized <<<"$heads")" -ge "$target" ] 2>/dev/null && { echo "$heads"; return; }
		sleep 2
	done
	fail "finality did not reach block $target (last: $heads)"
}

say "1. four validators produce and finalize blocks"
wait_finalized 3 >/dev/null
for n in bob charlie dave; do
	grep -q "Imported #" "$work/$n.log" || fail "$n imports no blocks"
done

H=("$BIN/hoster" --data "$work/hoster")
CHAIN=("${H[@]}" chain --url "ws://127.0.0.1:${rpc[alice]}" --suri //Eve)
HTTP=$(free_port)
head -c 120000 /dev/urandom >"$work/input.bin"
KEY=$("${H[@]}" feed create "$work/input.bin" --chunk-size 16KiB)
"${H[@]}" serve --listen "127.0.0.1:$HTTP" >>"$work/hoster.log" 2>&1 &
pid[hoster]=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$HTTP/hello" >/dev/null && break; sleep 0.2; done
"${CHAIN[@]}" publish "$KEY"
"${CHAIN[@]}" register --endpoint "http://127.0.0.1:$HTTP" --region eu --promise-latency 1000 \
	--promise-bandwidth 10000 --promise-availability 90 --capacity 1000000000 --feed "$KEY"
EVE=$(cat "$work/hoster/account")
BOB=8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48
for _ in $(seq 1 40); do
	[ "$(facts hoster "$EVE" | field status)" = Active ] && break
	sleep 2
done
[ "$(facts hoster "$EVE" | field status)" = Active ] || fail "the hoster did not become Active"
say "the hoster is Active: $(facts hoster "$EVE")"


say "2. Bob is killed"
kill -KILL "${pid[bob]}"
wait "${pid[bob]}" 2>/dev/null || true
unset 'pid[bob]'
read -r _ kill_block _ finalized_at_kill <<<"$(facts heads)"
say "Bob killed at block #$kill_block (finalized #$finalized_at_kill)"

# Requests until two are assigned to Bob (one attestor per request, drawn at
# random); periodic benchmarks of the hosting add more on their own.
bob_requests=() last_deadline=0
for _ in $(seq 1 15); do
	line=$("${CHAIN[@]}" request --hoster "$EVE" --feed "$KEY")
	echo "$line"
	last_deadline=$(field block <<<"$line")
	grep -q "attestors $BOB" <<<"$line" && bob_requests+=("$(awk '{ print $2 }' <<<"$line")")
	[ "${#bob_requests[@]}" -ge 2 ] && break
done
[ "${#bob_requests[@]}" -ge 2 ] || fail "15 requests and fewer than two assigned to Bob: is Bob still an active attestor?"
say "requests assigned to Bob: ${bob_requests[*]}; last deadline #$last_deadline"

# Past the last deadline every request above is closed, rated or expired.
read -r _ end_block _ finalized <<<"$(wait_finalized "$((last_deadline + 2))")"
[ "$finalized" -gt "$((finalized_at_kill + 5))" ] || fail "finality stalled without Bob"
window=$(facts events "$((kill_block + 1))" | awk -v end="$end_block" '$NF <= end')
for id in "${bob_requests[@]}"; do
	grep -q "^expired $id $BOB " <<<"$window" || fail "request $id (Bob's) did not expire with Bob silent"
done
expired_for_bob=$(grep -c "^expired [0-9]* [0-9a-f,]*$BOB" <<<"$window" || true)
rated=$(grep -c '^rated ' <<<"$window" || true)
grep '^rated ' <<<"$window" | grep -v ' Normal ' && fail "a live attestor rated the hoster other than Normal"
bob_before=$(facts attestor "$BOB" "$kill_block"); bob_after=$(facts attestor "$BOB" "$end_block")
hoster_before=$(facts hoster "$EVE" "$kill_block"); hoster_after=$(facts hoster "$EVE" "$end_block")
say "blocks #$kill_block..#$end_block: $expired_for_bob requests expired with Bob silent, $rated rated Normal by the others"
say "Bob: $bob_before -> $bob_after"
say "hoster: $hoster_before -> $hoster_after"
[ "$(field missed <<<"$bob_after")" -eq "$(($(field missed <<<"$bob_before") + expired_for_bob))" ] ||
	fail "Bob's missed count did not grow by the $expired_for_bob requests he let expire"
# Reliability is the decayed share answered: below what it was, or 0 when
# Bob had no record before (Beta(0, 0) reads 0) and now only misses.
if [ "$(($(field answered <<<"$bob_before") + $(field missed <<<"$bob_before")))" -gt 0 ]; then
	[ "$(field reliability <<<"$bob_after")" -lt "$(field reliability <<<"$bob_before")" ] || fail "Bob's reliability did not fall"
else
	[ "$(field reliability <<<"$bob_after")" -eq 0 ] || fail "Bob's reliability is not 0 after only misses"
fi
[ "$(field samples <<<"$hoster_after")" -eq "$(($(field samples <<<"$hoster_before") + rated))" ] ||
	fail "the hoster's samples moved by other than the $rated ratings of live attestors"
[ "$(field availability <<<"$hoster_after")" -ge "$(field availability <<<"$hoster_before")" ] ||
	fail "the hoster's availability fell for requests its attestor never answered"

say "3. Bob restarts on its old base path"
first_life=$(wc -l <"$work/bob.log")
start_node bob
wait_rpc "${rpc[bob]}" 90
known=$(grep -oE "Highest known block at #[0-9]+" "$work/bob.log" | tail -n 1 | grep -oE "[0-9]+$")
[ "${known:-0}" -gt 0 ] || fail "Bob restarted from scratch instead of its database"
say "Bob restarted at block #$known"
for _ in $(seq 1 30); do
	bob_best=$(node scripts/client/chain-facts.mjs "ws://127.0.0.1:${rpc[bob]}" heads | field best)
	[ "$bob_best" -ge "$(facts heads | field best)" ] && break
	sleep 2
done
rated_by_bob=""
for _ in $(seq 1 12); do
	line=$("${CHAIN[@]}" request --hoster "$EVE" --feed "$KEY")
	echo "$line"
	if grep -q "attestors $BOB" <<<"$line"; then rated_by_bob=$(awk '{ print $2 }' <<<"$line"); break; fi
done
[ -n "$rated_by_bob" ] || fail "no new request was assigned to Bob"
for _ in $(seq 1 20); do
	grep -qE "^rated $rated_by_bob $BOB Normal" <<<"$(facts events "$known")" && break
	sleep 2
done
grep -qE "^rated $rated_by_bob $BOB Normal" <<<"$(facts events "$known")" || fail "Bob did not rate request $rated_by_bob after restarting"
say "Bob rated request $rated_by_bob after restarting"

events=$(facts events 1)
duplicates=$(grep '^rated ' <<<"$events" | awk '{ print $2, $3 }' | sort | uniq -d)
[ -z "$duplicates" ] || fail "requests rated twice by one attestor: $duplicates"
# Bob's off-chain claims survive the restart: nothing sent before it is sent
# again after it. (Within one life a request may be sent twice: the one
# retry when the first was not included 3 blocks later, as happens when Bob
# rates old blocks while catching up; never a third time.)
sent() { { grep -oE "request [0-9]+: rating sent" || true; } | awk '{ print $2 }' | tr -d :; }
before=$(head -n "$first_life" "$work/bob.log" | sent | sort -u)
after=$(tail -n "+$((first_life + 1))" "$work/bob.log" | sent | sort -u)
again=$(comm -12 <(echo "$before") <(echo "$after") | grep . || true)
[ -z "$again" ] || fail "Bob sent ratings again after restarting for requests: $again"
thrice=$(sent <"$work/bob.log" | sort | uniq -c | awk '$1 > 2 { print $2 }')
[ -z "$thrice" ] || fail "Bob sent more than two ratings for requests: $thrice"
say "Bob sent ratings for requests [$(echo $before)] before the kill and [$(echo $after)] after the restart"
[ "$(facts heads | field finalized)" -gt "$end_block" ] || fail "finality stopped"
say "all testnet checks passed: $(facts heads)"

#!/usr/bin/env bash
# End to end on loopback, with a real node (`hosting-node --dev`), a real hoster
# (`hoster serve`) and its CLI, and a @polkadot/api client:
#   1. registration: the registration benchmark is rated Normal by Alice's
#      off-chain worker, the hoster becomes Active, does_qualify says yes;
#   2. the hoster stops: the next benchmarks are rated Unreachable, availability
#      falls, does_qualify says no with the reason and the measured figure;
#   3. the hoster serves corrupted blocks: the rating is Integrity;
#   4. polkadot.js: metadata, calls, storage, events, a signed extrinsic, and
#      does_qualify through the runtime API.
# Every process started here is stopped when the script ends, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
BIN=$(scripts/build-bins.sh)
client_deps

work=$(mktemp -d -t hosting-e2e.XXXXXX)
pids=()
cleanup() {
	local status=$?
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "$status" -ne 0 ]; then
		echo "--- e2e failed; last node log lines:" >&2
		grep -E "hosting|ERROR|WARN" "$work/node.log" 2>/dev/null | tail -n 25 >&2 || true
		tail -n 5 "$work/hoster.log" >&2 2>/dev/null || true
		mkdir -p "${E2E_LOGS:-/tmp/hosting-e2e-logs}"
		cp "$work"/*.log "${E2E_LOGS:-/tmp/hosting-e2e-logs}/" 2>/dev/null || true
		echo "--- logs kept in ${E2E_LOGS:-/tmp/hosting-e2e-logs}" >&2
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT INT TERM

RPC=$(free_port); P2P=$(free_port); HTTP=$(free_port)
say() { printf '[e2e %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

"$BIN/hosting-node" --dev --tmp --rpc-port "$RPC" --port "$P2P" --no-prometheus --no-telemetry --no-mdns \
	-lruntime::hosting=debug >"$work/node.log" 2>&1 &
pids+=($!)
wait_rpc "$RPC" 90

H=("$BIN/hoster" --data "$work/hoster")
CHAIN=("${H[@]}" chain --url "ws://127.0.0.1:$RPC" --suri //Dave)
head -c 200000 /dev/urandom >"$work/input.bin"
KEY=$("${H[@]}" feed create "$work/input.bin" --chunk-size 16KiB)
start_hoster() {
	"${H[@]}" serve --listen "127.0.0.1:$HTTP" >>"$work/hoster.log" 2>&1 &
	HOSTER_PID=$!
	pids+=("$HOSTER_PID")
	for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$HTTP/hello" >/dev/null && return; sleep 0.2; done
	fail "the hoster did not start"
}
start_hoster
say "feed $KEY stored and served on port $HTTP; node RPC on $RPC"

"${CHAIN[@]}" publish "$KEY"
"${CHAIN[@]}" register --endpoint "http://127.0.0.1:$HTTP" --region local --promise-latency 1000 \
	--promise-bandwidth 10000 --promise-availability 90 --capacity 1000000000 --feed "$KEY"
DAVE=$(cat "$work/hoster/account")

# Waits until `hoster chain status` matches a pattern; prints the status.
wait_status() {
	local pattern=$1 what=$2 status
	for _ in $(seq 1 40); do
		status=$("${CHAIN[@]}" status)
		if grep -qE "$pattern" <<<"$status"; then
			printf '%s\n' "$status"
			return
		fi
		sleep 2
	done
	printf '%s\n' "$status" >&2
	fail "$what"
}

say "1. registration benchmark"
status=$(wait_status '^status +Active' "the hoster did not become Active")
printf '%s\n' "$status"
grep -qE '^last rating .*Normal' <<<"$status" || fail "the registration rating is not Normal"
grep -qE '^qualifies +yes' <<<"$status" || fail "does_qualify does not say yes"
# The feed grows: append, re-sign, publish the longer state.
head -c 40000 /dev/urandom >"$work/more.bin"
"${H[@]}" feed append "$KEY" "$work/more.bin" --chunk-size 16KiB
"${CHAIN[@]}" update "$KEY" | grep -q "updated to length 16" || fail "chain update did not publish length 16"

say "2. the hoster stops"
kill "$HOSTER_PID"; wait "$HOSTER_PID" 2>/dev/null || true
for _ in 1 2 3; do "${CHAIN[@]}" request --hoster "$DAVE" --feed "$KEY"; done
status=$(wait_status '^qualifies +no: .*AvailabilityBelow \(measured [0-9.]+%, required 90.0%\)' \
	"does_qualify does not say no with the measured availability")
printf '%s\n' "$status"
grep -qE '^last rating .*(Error Unreachable|Timeout)' <<<"$status" || fail "the rating of a stopped hoster is not Unreachable/Timeout"

say "3. the hoster serves corrupted blocks"
python3 - "$work/hoster/feeds/$KEY" <<'PY'
import struct, sys
d = sys.argv[1]
ends = [struct.unpack_from('<Q', open(f'{d}/offsets', 'rb').read(), 8 * i)[0] for i in range(len(open(f'{d}/offsets', 'rb').read()) // 8)]
data = bytearray(open(f'{d}/data', 'rb').read())
start = 0
for end in ends:  # one flipped byte in every block
    data[start] ^= 0x01
    start = end
open(f'{d}/data', 'wb').write(data)
PY
start_hoster
"${CHAIN[@]}" request --hoster "$DAVE" --feed "$KEY"
status=$(wait_status '^last rating .*Integrity' "a corrupted block is not rated Integrity")
printf '%s\n' "$status"

say "4. polkadot.js client"
node scripts/client/check.mjs "ws://127.0.0.1:$RPC" "$DAVE" 16
say "all end-to-end checks passed"

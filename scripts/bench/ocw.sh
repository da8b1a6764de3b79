#!/usr/bin/env bash
# Wall time of one off-chain worker run with 100 open benchmark requests against
# one with a single request, with a real node and a real hoster on loopback.
# Goal: 100 requests take at most 1.5 x as long as one (all chunk requests of
# all benchmarks are in flight together under one 5 s deadline), for a hoster
# whose first byte comes 250 ms after the request: a fresh HTTP connection costs
# two round trips (TCP handshake, then the request), and 250 ms is two round
# trips of 125 ms, a hoster on another continent. Attestors are drawn at random
# from all regions, so most hosters they measure are far. The shaping proxy
# (tools/shaper) holds every response that long; DELAY_MS sets it (0: no proxy,
# loopback). The 100 requests cost a nearly constant 60-130 ms of CPU more than
# one on this 2-core machine, so the ratio is over 1.5 for nearer hosters
# (docs/benchmarks.md).
# CHUNK_SIZE (default 64KiB, as Hyperdrive's file blocks) sets the feed's block
# size. RELEASE=1 runs release builds of the node, hoster and proxy (as
# operators run them) instead of the debug builds the tests share.
# The node logs at info, as in production; OCW_LOG=debug adds each chunk's
# request and fate to the logs kept in $OCW_LOGS (default /tmp).
# PROFILE=1 records the large run with `perf` (which must be installed) and
# prints where the worker's CPU goes per chunk (scripts/bench/ocw-profile.py;
# the recording is kept as $OCW_LOGS/ocw.perf).
#   [HOSTING_BIN_DIR=DIR] [RELEASE=1] [DELAY_MS=150] [CHUNK_SIZE=4KiB] [OCW_LOG=debug] [PROFILE=1] scripts/bench/ocw.sh [many]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
MANY=${1:-100}
DELAY_MS=${DELAY_MS:-250}
CHUNK_SIZE=${CHUNK_SIZE:-64KiB}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
BIN=$(scripts/build-bins.sh ${RELEASE:+--release})
client_deps
if [ -n "${PROFILE:-}" ]; then
	command -v perf >/dev/null || { echo "PROFILE=1 needs perf" >&2; exit 2; }
	# Names for the runtime's functions in the profile.
	export WASMTIME_PROFILING_STRATEGY=perfmap
fi
PERF_DATA=${OCW_LOGS:-/tmp}/ocw.perf

FERDIE=$(account_of //Ferdie)

# One run: a fresh chain, a hoster, N requests; prints "requests ms": how many
# of Ferdie's ratings were sent and the run's wall time. It runs in a subshell
# (`< <(measure N)`), which stops what it started when it ends or fails
# (start_work's EXIT trap, and `finish` at the end).
measure() {
	local n=$1 rpc http endpoint key dave open data
	start_work "ocw-$n"
	rpc=$(free_port); http=$(free_port)
	data=$WORK/hoster
	endpoint="http://127.0.0.1:$http"
	if [ "$DELAY_MS" != 0 ]; then
		local proxy
		proxy=$(free_port)
		start_process shaper "$BIN/shaper" --listen "$proxy" --target "127.0.0.1:$http" --delay-ms "$DELAY_MS"
		endpoint="http://127.0.0.1:$proxy"
	fi
	start_dev_node node "$rpc" --detailed-log-output -lruntime::hosting="${OCW_LOG:-info}"
	head -c 1000000 /dev/urandom >"$WORK/in.bin"
	key=$("$BIN/hoster" --data "$data" feed create "$WORK/in.bin" --chunk-size "$CHUNK_SIZE" 2>/dev/null)
	# No access log: the hoster shares the attestor's two cores during the run.
	HOSTER_LOG=warn start_hoster hoster "$data" "$http"
	register_hoster "$data" "$rpc" //Dave "$key" "$endpoint" local 5000 1 1 1 >/dev/null
	dave=$(account_of //Dave)
	local cpu_before perf_pid=
	open=$(timeout 180 node scripts/client/ocw-bench.mjs "ws://127.0.0.1:$rpc" "$dave" 0 "$n")
	# Ferdie's key is in now; his run starts with the next block.
	if [ -n "${PROFILE:-}" ] && [ "$n" = "$MANY" ]; then
		perf record -F 10000 -a -g -o "$PERF_DATA" >/dev/null 2>&1 &
		perf_pid=$!
	fi
	cpu_before=$(worker_cpu_ns "${PIDS[node]}")
	# Ferdie's run: from the first of his requests taken to the last of his
	# ratings sent, by the node log's millisecond timestamps (the worker's
	# timing exists nowhere else).
	python3 - "$WORK/node.log" "$open" "$FERDIE" "${PIDS[node]}" "$cpu_before" <<'PY'
import datetime, re, sys, time
path, expected, ferdie, pid, cpu_before = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
def t(line):
    return datetime.datetime.strptime(line[:23], '%Y-%m-%d %H:%M:%S.%f')
for _ in range(120):
    lines = open(path).read().splitlines()
    taken = {m.group(1): t(l) for l in lines if (m := re.search(rf'request (\d+): attestor {ferdie} ', l))}
    sent = {m.group(1): t(l) for l in lines if (m := re.search(r'request (\d+): rating sent', l)) and m.group(1) in taken}
    if len(sent) >= expected:
        break
    time.sleep(1)
assert len(sent) >= expected, f'{len(sent)} of {expected} ratings sent'
# The off-chain workers' CPU since Ferdie's key went in (threads named
# offchain-worker: his run, and the idle runs of the second or so until the
# last rating shows in the log), and the chunks Ferdie asked for.
cpu = sum(int(open(f'/proc/{pid}/task/{tid}/schedstat').read().split()[0])
          for tid in __import__('os').listdir(f'/proc/{pid}/task')
          if open(f'/proc/{pid}/task/{tid}/comm').read().strip() == 'offchain-worker') - cpu_before
chunks = sum(len(m.group(1).split(',')) for l in lines
             if (m := re.search(rf'attestor {ferdie} .* chunks \D*\[([0-9, ]+)\]', l)))
print(len(sent), round((max(sent.values()) - min(taken.values())).total_seconds() * 1000),
      round(cpu / 1e6, 1), chunks)
PY
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
	fi
	cp "$WORK/node.log" "${OCW_LOGS:-/tmp}/ocw-node-$n.log"
	# Stop what it started now: bash may run the subshell's last command in
	# place of the subshell (exec), and then no EXIT trap runs.
	finish
}
# CPU time so far of the node's off-chain worker threads, in nanoseconds.
worker_cpu_ns() { # pid
	local total=0 task
	for task in /proc/"$1"/task/*; do
		[ "$(cat "$task/comm" 2>/dev/null)" = offchain-worker ] || continue
		total=$((total + $(cut -d' ' -f1 "$task/schedstat")))
	done
	echo "$total"
}
read -r n1 one cpu1 chunks1 < <(measure 1)
read -r nm many cpum chunksm < <(measure "$MANY")
echo "$([ -n "${RELEASE:-}" ] && echo release || echo debug) builds, hoster behind an added delay of $DELAY_MS ms, blocks of $CHUNK_SIZE"
printf 'one off-chain run, %3d open request(s): %6d ms\n' "$n1" "$one" "$nm" "$many"
python3 -c "print(f'{$nm} requests took {$many - $one} ms more than {$n1}; ratio: {max($many,1) / max($one,1):.2f} (goal <= 1.5)')"
python3 -c "print(f'off-chain worker CPU: {$cpu1} ms for {$chunks1} chunks, {$cpum} ms for {$chunksm} chunks: {$cpum * 1000 / max($chunksm, 1):.0f} us a chunk in all, {($cpum - $cpu1) * 1000 / max($chunksm - $chunks1, 1):.0f} us a chunk beyond the small run')"
if [ -n "${PROFILE:-}" ]; then
	echo "where the worker's CPU went in the $nm-request run (perf, $PERF_DATA):"
	perf script -i "$PERF_DATA" --comm offchain-worker -F tid,time,ip,sym,dso 2>/dev/null |
		python3 scripts/bench/ocw-profile.py "$cpum" "$chunksm"
fi

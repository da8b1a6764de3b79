# shellcheck shell=bash
# Helpers shared by the scripts. Source it from the repository root (each
# script does `cd` there first); it starts nothing by itself.
#
# Output and failure
#   say TEXT                  a progress line on stderr: [script hh:mm:ss] TEXT
#   fail TEXT                 say "FAIL: TEXT" and exit 1
# Processes (each in the background, its output in $WORK/NAME.log)
#   start_work NAME           a work directory $WORK and the traps that, on any
#                             exit (pass, failure, Ctrl-C), stop every process
#                             started below; on failure they print the end of
#                             each log and keep the logs in $E2E_LOGS
#                             (default /tmp/hosting-e2e-logs); KEEP_WORK=1
#                             keeps $WORK itself instead
#   start_process NAME CMD... any command
#   start_node NAME ARGS...   $BIN/hosting-node ARGS
#   start_dev_node NAME RPC_PORT [ARGS...]
#                             a `--dev --tmp` node on loopback, waited for
#   start_hoster NAME DATA PORT [ARGS...]
#                             `hoster serve` of DATA on 127.0.0.1:PORT, waited for;
#                             its log filter is HOSTER_LOG (RUST_LOG syntax, default
#                             info: one access line per request)
#   running NAME              whether it still runs
#   stop NAME [SIGNAL]        stops one (TERM by default; KILL after 20 s), waits for it
# The chain
#   free_port                 a free TCP port on loopback
#   wait_rpc PORT [SECONDS] [NAME]
#                             waits until a node answers JSON-RPC on PORT
#   rpc PORT METHOD [PARAMS]  one JSON-RPC call; prints its result as JSON
#   client_deps               installs the @polkadot/api client (scripts/client)
#   swarm_deps                installs the Hypercore peer (hoster/swarm) and the JS interop peers (scripts/swarm)
#   dashboard_deps            installs the dashboard's packages and builds its bundle (dashboard/dist)
#   account_of [--ss58] SURI...
#                             account ids (64 hex, or SS58 with --ss58) of secret URIs such as //Dave
#   facts PORT WHAT...        scripts/client/chain-facts.mjs against the node on PORT
#                             (what the hoster CLI cannot answer: heads, attestors,
#                             events, claims, figures at a past block)
#   hoster_status PORT ACCOUNT
#                             `hoster chain status --account ACCOUNT --json`: the
#                             hoster's registration, figures, last verdict and
#                             does_qualify answer as one JSON object (no key needed)
#   hoster_is PORT ACCOUNT STATUS
#                             whether the hoster's status on chain is STATUS
#   json EXPR                 a Python expression over the JSON on stdin (`j`):
#                             `hoster_status P A | json 'j["qualifies"]'` → true
#   request_benchmark PORT SURI HOSTER FEED_ID
#                             requestPerformanceBenchmark signed by SURI; prints
#                             "request N attestors A,.. deadline D block B"
#   hoster_chain DATA PORT SURI ARGS...
#                             `hoster --data DATA chain ... ARGS`
#   register_hoster DATA PORT SURI FEED_KEY ENDPOINT REGION LATENCY_MS BANDWIDTH AVAILABILITY_PCT CAPACITY
#                             publishes the feed and registers SURI as its
#                             hoster with that promise
#   wait_for TRIES SECONDS CMD...
#                             runs CMD until it succeeds, at most TRIES times
#   field KEY                 the word after KEY on each input line
# BIN (the directory of hosting-node, hoster and shaper) comes from
# scripts/build-bins.sh: `BIN=$(scripts/build-bins.sh)`.

SCRIPT_NAME=${SCRIPT_NAME:-$(basename "$0" .sh)}
WORK=""
# The hoster's Hypercore peer and dashboard bundle are this checkout's (every
# script runs from the repository root): the binary's own defaults name the
# checkout it was built in, which a shared CARGO_TARGET_DIR need not match.
export HOSTER_SWARM_PEER=${HOSTER_SWARM_PEER:-$PWD/hoster/swarm/peer.js}
export HOSTER_DASHBOARD_DIR=${HOSTER_DASHBOARD_DIR:-$PWD/dashboard/dist}
declare -A PIDS=()

say() { printf '[%s %s] %s\n' "$SCRIPT_NAME" "$(date +%T)" "$*" >&2; }
fail() {
	say "FAIL: $*"
	exit 1
}

start_work() {
	WORK=$(mktemp -d -t "hosting-$1.XXXXXX")
	trap finish EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# The EXIT trap of start_work.
finish() {
	local status=$?
	trap - EXIT INT TERM
	stop_all
	if [ -n "${KEEP_WORK:-}" ]; then
		say "stopped every process it started; logs in $WORK"
	elif [ "$status" -ne 0 ]; then
		keep_logs
		rm -rf "$WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$status"
}

# After a failure: the end of each log on stderr, every log copied to $E2E_LOGS.
keep_logs() {
	local dir=${E2E_LOGS:-/tmp/hosting-e2e-logs} log
	for log in "$WORK"/*.log; do
		[ -e "$log" ] || continue
		echo "--- $(basename "$log"), last lines" >&2
		{ grep -E "hosting|ERROR|WARN|error" "$log" || cat "$log"; } | tail -n 15 >&2
	done
	mkdir -p "$dir"
	cp "$WORK"/*.log "$dir/" 2>/dev/null || true
	echo "--- logs kept in $dir" >&2
}

start_process() {
	local name=$1
	shift
	"$@" >>"$WORK/$name.log" 2>&1 &
	PIDS[$name]=$!
}

start_node() {
	local name=$1
	shift
	start_process "$name" "$BIN/hosting-node" "$@"
}

start_dev_node() {
	local name=$1 port=$2
	shift 2
	start_node "$name" --dev --tmp --rpc-port "$port" --port "$(free_port)" \
		--no-prometheus --no-telemetry --no-mdns "$@"
	wait_rpc "$port" 90 "$name"
}

start_hoster() {
	local name=$1 data=$2 port=$3
	shift 3
	# Metrics on a free loopback port unless told otherwise: several hosters may run at once.
	start_process "$name" env RUST_LOG="${HOSTER_LOG:-info}" HOSTER_METRICS_LISTEN="${HOSTER_METRICS_LISTEN:-127.0.0.1:0}" \
		"$BIN/hoster" --data "$data" serve --listen "127.0.0.1:$port" "$@"
	for _ in $(seq 1 50); do
		curl -sf "http://127.0.0.1:$port/hello" >/dev/null && return 0
		running "$name" || break
		sleep 0.2
	done
	fail "the hoster $name did not answer on port $port (log: $WORK/$name.log)"
}

running() { [ -n "${PIDS[$1]:-}" ] && kill -0 "${PIDS[$1]}" 2>/dev/null; }

stop() {
	local name=$1 pid=${PIDS[$1]:-}
	[ -n "$pid" ] || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null || true
	# 20 s to exit, then SIGKILL.
	for _ in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "PIDS[$name]"
}

stop_all() {
	local name
	for name in "${!PIDS[@]}"; do kill "${PIDS[$name]}" 2>/dev/null || true; done
	for name in "${!PIDS[@]}"; do stop "$name"; done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_rpc() {
	local port=$1 tries=${2:-120} name=${3:-}
	for _ in $(seq 1 "$tries"); do
		rpc "$port" system_health >/dev/null 2>&1 && return 0
		if [ -n "$name" ] && ! running "$name"; then
			fail "$name exited before answering on port $port (log: $WORK/$name.log)"
		fi
		sleep 1
	done
	fail "no node answered on port $port within $tries s"
}

rpc() {
	local port=$1 method=$2 params=${3:-[]}
	curl -sf -H 'Content-Type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$method\",\"params\":$params}" "http://127.0.0.1:$port" |
		python3 -c 'import json, sys; a = json.load(sys.stdin); sys.exit(a["error"]) if "error" in a else print(json.dumps(a["result"]))'
}

client_deps() {
	[ -d scripts/client/node_modules/@polkadot/api ] || (cd scripts/client && npm ci --no-audit --no-fund --loglevel=error)
}

account_of() { node scripts/client/account.mjs "$@"; }

facts() {
	local port=$1
	shift
	node scripts/client/chain-facts.mjs "ws://127.0.0.1:$port" "$@"
}

# Its data directory is $WORK, which holds no hoster.toml: no config file applies.
hoster_status() { "$BIN/hoster" --data "$WORK" chain --url "ws://127.0.0.1:$1" status --account "$2" --json; }

hoster_is() { [ "$(hoster_status "$1" "$2" | json 'j["status"]')" = "$3" ]; }

# Strings as they are, true/false/null as JSON spells them, the rest as JSON.
json() {
	python3 -c 'import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1], {"j": j})
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

request_benchmark() { node scripts/client/request.mjs "ws://127.0.0.1:$1" "$2" "$3" "$4"; }

hoster_chain() {
	local data=$1 port=$2 suri=$3
	shift 3
	"$BIN/hoster" --data "$data" chain --url "ws://127.0.0.1:$port" --suri "$suri" "$@"
}

register_hoster() {
	local data=$1 port=$2 suri=$3 key=$4 endpoint=$5 region=$6
	hoster_chain "$data" "$port" "$suri" publish "$key"
	hoster_chain "$data" "$port" "$suri" register --endpoint "$endpoint" --region "$region" \
		--promise-latency "$7" --promise-bandwidth "$8" --promise-availability "$9" --capacity "${10}" --feed "$key"
}

wait_for() {
	local tries=$1 delay=$2
	shift 2
	for _ in $(seq 1 "$tries"); do
		"$@" && return 0
		sleep "$delay"
	done
	return 1
}

# "best 5 finalized 3" | field finalized → 3
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

# The Node packages of the hoster's Hypercore peer and of the swarm interop tests.
swarm_deps() {
	[ -d hoster/swarm/node_modules/hyperswarm ] || (cd hoster/swarm && npm ci --no-audit --no-fund --loglevel=error)
	[ -d scripts/swarm/node_modules/hypercore10 ] || (cd scripts/swarm && npm ci --no-audit --no-fund --loglevel=error)
}

# The dashboard's packages (esbuild, @polkadot/api, playwright-core) and its
# bundle, dashboard/dist, built again each time (esbuild takes a second).
dashboard_deps() {
	[ -d dashboard/node_modules/esbuild ] || (cd dashboard && npm ci --no-audit --no-fund --loglevel=error)
	node dashboard/build.mjs >&2
}

# Helpers shared by the scripts (source it).

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits up to $2 seconds (default 120) until a node answers JSON-RPC on port $1.
wait_rpc() {
	local port=$1 tries=${2:-120}
	for _ in $(seq 1 "$tries"); do
		curl -sf -H 'Content-Type: application/json' \
			-d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' "http://127.0.0.1:$port" >/dev/null && return 0
		sleep 1
	done
	echo "no node answered on port $port" >&2
	return 1
}

# The word after the word $1 on each input line ("best 5 finalized 3" | field finalized → 3).
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

# Installs the @polkadot/api client's npm packages (scripts/client) if missing.
client_deps() {
	[ -d scripts/client/node_modules/@polkadot/api ] || (cd scripts/client && npm ci --no-audit --no-fund --loglevel=error)
}

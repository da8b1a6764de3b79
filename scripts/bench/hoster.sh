#!/usr/bin/env bash
# Throughput of `hoster serve` (64 KiB blocks with Merkle proofs) against
# nginx serving the same blocks as static files, both on loopback under the
# same wrk load; and, apart, the contact requests it signs (one per benchmark,
# naming 4 blocks). Goal: hoster >= 0.7 x nginx for blocks.
# The two servers are loaded in turns (PAIRS windows of `seconds` each, nginx
# then the hoster), and the ratio is that of their mean rates: on a
# shared machine the rate of everything drifts by 10-30% from one window to
# the next, and turns spread that drift over both servers alike.
#   [HOSTING_BIN_DIR=DIR] [PAIRS=4] scripts/bench/hoster.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
SECONDS_PER_RUN=${1:-5}
CONNECTIONS=${2:-32}
PAIRS=${PAIRS:-4}
case "$PAIRS$SECONDS_PER_RUN$CONNECTIONS" in *[!0-9]*) fail "PAIRS, seconds and connections are whole numbers";; esac
[ "$PAIRS" -ge 1 ] && [ "$SECONDS_PER_RUN" -ge 1 ] && [ "$CONNECTIONS" -ge 1 ] || fail "PAIRS, seconds and connections must be at least 1"
BLOCKS=256
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/hosting/target}
for tool in nginx wrk; do
	command -v "$tool" >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq nginx wrk >/dev/null; }
done
BIN=$(scripts/build-bins.sh --release)
start_work hoster-bench
work=$WORK
DATA=$WORK/data

head -c $((BLOCKS * 65536)) /dev/urandom >"$work/input.bin"
KEY=$("$BIN/hoster" --data "$DATA" feed create "$work/input.bin" --chunk-size 64KiB 2>/dev/null)
# The same blocks as static files for nginx.
mkdir -p "$work/www/feeds/$KEY/blocks"
python3 - "$work/input.bin" "$work/www/feeds/$KEY/blocks" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
for i in range(len(data) // 65536):
    open(f'{sys.argv[2]}/{i}', 'wb').write(data[i * 65536:(i + 1) * 65536])
PY

# nginx's workers run as an unprivileged user: let them read the files.
chmod -R a+rX "$work"
HPORT=$(free_port); NPORT=$(free_port)
# No access log, as nginx's below is off: both serve without logging each request.
HOSTER_LOG=warn start_hoster hoster "$DATA" "$HPORT"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	server {
		listen 127.0.0.1:$NPORT;
		root $work/www;
		default_type application/octet-stream;
	}
}
CONF
start_process nginx nginx -c "$work/nginx.conf" -p "$work"
sleep 1

cat >"$work/random.lua" <<LUA
math.randomseed(7)
request = function()
	return wrk.format("GET", wrk.path .. math.random(0, $BLOCKS - 1) .. (os.getenv("QUERY") or ""))
end
LUA
run() { # url query -> "requests/s MB/s"
	QUERY=$2 wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$work/random.lua" "$1" |
		awk '/Requests\/sec/ {r=$2} /Transfer\/sec/ {t=$2} END {print r, t}'
}
# Both must serve whole blocks, or the comparison means nothing.
for url in "http://127.0.0.1:$NPORT/feeds/$KEY/blocks/3" "http://127.0.0.1:$HPORT/feeds/$KEY/blocks/3"; do
	size=$(curl -sf -o /dev/null -w '%{size_download}' "$url") || fail "cannot fetch $url"
	[ "$size" -ge 65536 ] || fail "$url answered $size bytes"
done
n_rates=(); h_rates=(); n_tps=(); h_tps=()
for _ in $(seq "$PAIRS"); do
	read -r rps tp < <(run "http://127.0.0.1:$NPORT/feeds/$KEY/blocks/" "")
	n_rates+=("$rps"); n_tps+=("$tp")
	read -r rps tp < <(run "http://127.0.0.1:$HPORT/feeds/$KEY/blocks/" "?length=$BLOCKS")
	h_rates+=("$rps"); h_tps+=("$tp")
done
mean() { python3 -c "import sys; v = [float(x) for x in sys.argv[1:]]; print(f'{sum(v) / len(v):.2f}')" "$@"; }
n_rps=$(mean "${n_rates[@]}"); h_rps=$(mean "${h_rates[@]}")

# A contact request as an attestor sends it after fetching 4 blocks: SCALE
# (request, nonce, attestor, feed, length, [(index, leaf hash)]).
CHUNKS="3 70 141 250"
for index in $CHUNKS; do
	curl -sf -o /dev/null "http://127.0.0.1:$HPORT/feeds/$KEY/blocks/$index?length=$BLOCKS" || fail "cannot fetch block $index"
done
python3 - "$work/input.bin" "$KEY" "$BLOCKS" "$work/contact.bin" $CHUNKS <<'PY'
import hashlib, struct, sys
data, key, length, out = open(sys.argv[1], 'rb').read(), bytes.fromhex(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
chunks = [int(i) for i in sys.argv[5:]]
body = struct.pack('<Q', 1) + b'\x01' * 32 + b'\x02' * 32 + key + struct.pack('<Q', length)
body += bytes([len(chunks) << 2])
for i in chunks:
    block = data[i * 65536:(i + 1) * 65536]
    leaf = hashlib.blake2b(b'\x00' + struct.pack('<Q', len(block)) + block, digest_size=32).digest()
    body += struct.pack('<Q', i) + leaf
open(out, 'wb').write(body)
PY
status=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$work/contact.bin" "http://127.0.0.1:$HPORT/contact")
[ "$status" = 200 ] || fail "the contact request was answered $status"
cat >"$work/contact.lua" <<LUA
local file = io.open("$work/contact.bin", "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
LUA
read -r c_rps c_tp < <(QUERY="" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$work/contact.lua" "http://127.0.0.1:$HPORT/contact" |
	awk '/Requests\/sec/ {r=$2} /Transfer\/sec/ {t=$2} END {print r, t}')

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
printf '%-44s %12s %8s\n' "64 KiB blocks, $CONNECTIONS connections" "requests/s" "x nginx"
printf '%-44s %12s %8s\n' "nginx, static files" "$n_rps" "1.00"
printf '%-44s %12s %8s\n' "hoster, block + Merkle proof" "$h_rps" "$(ratio "$h_rps" "$n_rps")"
printf '%-44s %12s %8s\n' "hoster, contact requests (4 blocks signed)" "$c_rps" "-"
echo "in $PAIRS turns of ${SECONDS_PER_RUN}s each (nginx then hoster, requests/s and transfer/s):"
for i in "${!n_rates[@]}"; do
	printf '  nginx %10s %9s   hoster %10s %9s   %s x\n' "${n_rates[$i]}" "${n_tps[$i]}" "${h_rates[$i]}" "${h_tps[$i]}" "$(ratio "${h_rates[$i]}" "${n_rates[$i]}")"
done

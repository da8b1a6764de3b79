#!/usr/bin/env bash
# Re-creates the Hypercore test vectors with the pinned npm packages into a
# temporary folder and checks they are byte-identical to the committed ones.
set -euo pipefail
cd "$(dirname "$0")"
committed=../../primitives/hypercore-verify/tests/vectors
[ -d node_modules/hypercore ] || npm ci --no-audit --no-fund --loglevel=error
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node generate.js "$out" >/dev/null
if diff -r "$committed" "$out" >/dev/null; then
	echo "ok: $(find "$out" -mindepth 1 -maxdepth 1 | wc -l) vectors re-created byte-identically"
else
	echo "vectors differ from the committed ones:" >&2
	diff -rq "$committed" "$out" >&2 || true
	exit 1
fi

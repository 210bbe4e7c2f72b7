#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document with schemathesis and fails on any 5xx
# response (or a broken connection). A simulated operation is served with an analyst's key of
# the customs organisation, so reads and writes are both exercised.
#
#   scripts/fuzz-api.sh [--examples N] [--max-time SECONDS] [--bin PATH]
#
# CI runs it at a small budget; run it for ten minutes with `--max-time 600 --examples 100000`.
set -euo pipefail
cd "$(dirname "$0")/.."

examples=25
max_time=120
bin=${CARGO_TARGET_DIR:-target}/debug/interdict
while [ $# -gt 0 ]; do
  case "$1" in
    --examples) examples="$2"; shift 2 ;;
    --max-time) max_time="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || cargo build --quiet --bin interdict

venv=target/fuzz-api/venv
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
db="$work/fuzz.db"
"$bin" demo --shipments 400 --db "$db" --world "$work/world" >/dev/null
"$bin" admin user --db "$db" fuzzer --org customs-uk --role analyst >/dev/null
key=$("$bin" admin key --db "$db" --user fuzzer 2>/dev/null)

"$bin" serve --db "$db" --listen 127.0.0.1:0 --anchor "$work/anchor" --rate 100000 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do
  grep -q "http://" "$work/serve.log" 2>/dev/null && break
  sleep 0.1
done
addr=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
[ -n "$addr" ] || { cat "$work/serve.log" >&2; exit 1; }
echo "fuzzing $addr with up to $examples examples per operation for at most $max_time s"

# schemathesis keeps a cache in the folder it runs in: keep it out of the checkout.
st=$(realpath "$venv/bin/st")
cd "$work"
"$st" run "$addr/api/v1/openapi.json" \
  --url "$addr" \
  -H "Authorization: Bearer $key" \
  --checks not_a_server_error \
  --max-examples "$examples" \
  --max-time "$max_time" \
  --seed 7 \
  --no-color
kill -0 "$server" || { echo "the server died during fuzzing" >&2; cat "$work/serve.log" >&2; exit 1; }

#!/usr/bin/env bash
# The live platform at an operation's scale: how soon `serve` answers its first queue page on
# a store already built, its peak resident memory, how long a recorded decision takes to show,
# what a parcel scored on request costs, how long an uploaded parcel takes to be in the queue
# with its score, and reads by wrk (queue pages and actor profiles, 32 connections) while 50
# officers record decisions at 5 a second each and 100,000 shipments are uploaded beside them.
#
#   bench/serve.sh [SHIPMENTS] [--postgres URL] [--seconds S] [--officers C] [--upload N]
#                  [--latency-only] [--cold]
#
# The server keeps its read model in a snapshot ($dir/view) when it stops, and the next run
# starts from it (`ready_from=snapshot`); --cold removes it first, so the read model is built
# from the store (`ready_from=store`), as on a server's very first start.
# --latency-only stops after the latency phases (ready, decisions, scoring on request,
# arrivals), before the reads under write load. INTERDICT_BIN runs another build of `interdict`
# (an earlier commit's, say) for a side-by-side figure; a store is taken to the newest schema by
# the first build that opens it, so an earlier build needs a copy made before that.
#
# Each full run's upload adds its shipments to the store it runs on: for figures to compare,
# run each on a fresh copy of the store.
#
# With --postgres the store is that PostgreSQL database (loaded with the same simulated
# operation when it holds no records yet) instead of a SQLite file. Everything shares the
# machine's cores; quote medians of several runs. Needs wrk and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

shipments=200000
seconds=30
officers=50
upload=100000
postgres=
latency_only=
cold=
while [ $# -gt 0 ]; do
  case "$1" in
    --latency-only) latency_only=1; shift ;;
    --cold) cold=1; shift ;;
    --postgres) postgres="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --officers) officers="$2"; shift 2 ;;
    --upload) upload="$2"; shift 2 ;;
    *) shipments="$1"; shift ;;
  esac
done
[ -n "$latency_only" ] || command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
. bench/store.sh
bench_store serve "$shipments" "$postgres"
bin=${INTERDICT_BIN:-$bin}
for u in loader:analyst bencher:officer; do
  "$bin" admin user --db "$db" "${u%%:*}" --org customs-uk --role "${u##*:}" >/dev/null 2>&1 || true
done
loader=$("$bin" admin key --db "$db" --user loader --days 1 2>/dev/null)
officer=$("$bin" admin key --db "$db" --user bencher --days 1 2>/dev/null)

[ -z "$cold" ] || rm -f "$dir/view"
cache=()
# An earlier build (INTERDICT_BIN) may keep no snapshot.
if "$bin" serve --help | grep -q -- --view-cache; then cache=(--view-cache "$dir/view"); fi
start=$(date +%s.%N)
"$bin" serve --db "$db" --listen 127.0.0.1:0 --anchor "$dir/anchor" --rate 1000000 \
  "${cache[@]}" 2>"$dir/serve.log" &
server=$!
# Stopped, the server writes its snapshot for the next run: wait for it.
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 3000); do grep -q "http://" "$dir/serve.log" && break; sleep 0.05; done
addr=$(grep -o 'http://[0-9.:]*' "$dir/serve.log" | head -1)
until curl -sf -o /dev/null -H "Authorization: Bearer $officer" "$addr/api/v1/queue?limit=100"; do sleep 0.05; done
ready=$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")
echo "RESULT ready_first_queue_page seconds=$ready"
if grep -q "read back from its snapshot" "$dir/serve.log"; then from=snapshot; else from=store; fi
echo "RESULT ready_from=$from"
# Scoring on request loads in the background after start.
for _ in $(seq 1 1200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $officer" \
    -H "Content-Type: application/json" -d '{"feed":"listings","record":{"source_id":"L","marketplace":"m","seller_account_id":"s","title":"t"}}' \
    "$addr/api/v1/score")
  [ "$code" = 200 ] && break
  sleep 0.25
done
echo "RESULT scorer_on_request_ready seconds=$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")"

load="python3 bench/serve_load.py $addr $officer $loader"
$load decisions 200
$load score 2000
$load arrivals 20
if [ -n "$latency_only" ]; then
  echo "RESULT peak_resident_mib=$(($(awk '/VmHWM/ {print $2}' "/proc/$server/status") / 1024))"
  exit 0
fi

# Reads under write load: wrk on queue pages and actor profiles, 50 officers deciding, and an
# upload of $upload shipments, all at once.
paths=$dir/paths.txt
: >"$paths"
"$bin" export actors --db "$db" --format csv | awk -F, 'NR>1 && $1=="customs-uk" {print $4}' \
  | sort -u | awk 'NR <= 500' | sed 's|^|/api/v1/actors/|' >"$dir/actors.txt"
for _ in $(seq 1 100); do
  for off in 0 50 100 150 200; do echo "/api/v1/queue?limit=50&offset=$off" >>"$paths"; done
done
cat "$dir/actors.txt" >>"$paths"
cat >"$dir/load.lua" <<LUA
local paths = {}
for line in io.lines("$paths") do paths[#paths + 1] = line end
local headers = { ["Authorization"] = "Bearer $officer" }
request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT reads%s requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    os.getenv("PHASE") or "", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA
PHASE=_alone wrk -t2 -c32 -d"${seconds}s" --latency -s "$dir/load.lua" "$addr" | grep RESULT

csv=$dir/upload.csv
python3 - "$csv" "$upload" <<'PY'
import sys, time
path, n = sys.argv[1], int(sys.argv[2])
run = time.time_ns()
with open(path, "w") as f:
    f.write("source_id,carrier,arrival,origin_country,port_of_arrival,shipper.name,consignee.name,items.description,items.hs_code,items.quantity,items.value\n")
    for i in range(n):
        f.write(f"UP-{run}-{i:07d},swift,2026-03-0{1 + i % 9},CN,GBLHR,Shipper {i % 997},Consignee {i % 4999},sports shoes,640399,1,{5 + i % 50} USD\n")
PY
PHASE=_under_writes wrk -t2 -c32 -d"${seconds}s" --latency -s "$dir/load.lua" "$addr" | grep RESULT &
reads=$!
$load officers "$seconds" "$officers" 5 &
deciders=$!
curl -sS -X POST -H "Authorization: Bearer $loader" -H "Content-Type: text/csv" \
  --data-binary @"$csv" "$addr/api/v1/feeds/shipments?marking=AMBER" >"$dir/upload.json" &
uploader=$!
wait $reads
wait $deciders
wait $uploader
python3 -c "import json,sys; r=json.load(open('$dir/upload.json')); print(f\"RESULT upload read={r.get('read')} landed={r.get('landed')} quarantined={r.get('quarantined')} scored={r.get('scored')}\")"

peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "RESULT peak_resident_mib=$((peak / 1024))"

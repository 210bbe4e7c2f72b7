#!/usr/bin/env bash
# Load on the HTTP API: queue pages and actor profiles read by wrk on loopback, then the same
# read load while 100,000 shipment records are uploaded through the API, checking that every
# uploaded record landed and no request failed.
#
#   bench/api.sh [SHIPMENTS] [--seconds S] [--connections C] [--upload N] [--postgres URL]
#
# With --postgres the store is that PostgreSQL database (loaded with the same simulated
# operation when it holds no records yet) instead of a SQLite file.
#
# The server and wrk share the machine's cores; quote medians of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."

shipments=20000
seconds=20
connections=32
upload=100000
postgres=
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) postgres="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --upload) upload="$2"; shift 2 ;;
    *) shipments="$1"; shift ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
. bench/store.sh
bench_store api "$shipments" "$postgres"
"$bin" admin user --db "$db" loader --org customs-uk --role analyst >/dev/null 2>&1 || true
key=$("$bin" admin key --db "$db" --user loader --days 1 2>/dev/null)

"$bin" serve --db "$db" --listen 127.0.0.1:0 --anchor "$dir/anchor" --rate 1000000 2>"$dir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q "http://" "$dir/serve.log" && break; sleep 0.1; done
addr=$(grep -o 'http://[0-9.:]*' "$dir/serve.log" | head -1)

# Half queue pages (several offsets and days), half profiles of actors customs can see.
paths=$dir/paths.txt
: >"$paths"
for off in 0 50 100 150 200; do echo "/api/v1/queue?limit=50&offset=$off" >>"$paths"; done
"$bin" export actors --db "$db" --format csv | awk -F, 'NR>1 && $1=="customs-uk" {print $4}' \
  | sort -u | awk 'NR <= 500' | sed 's|^|/api/v1/actors/|' >"$dir/actors.txt"
n_actors=$(wc -l <"$dir/actors.txt")
for _ in $(seq 1 $((n_actors / 5))); do
  for off in 0 50 100 150 200; do echo "/api/v1/queue?limit=50&offset=$off" >>"$paths"; done
done
cat "$dir/actors.txt" >>"$paths"

cat >"$dir/load.lua" <<LUA
local paths = {}
for line in io.lines("$paths") do paths[#paths + 1] = line end
local headers = { ["Authorization"] = "Bearer $key" }
request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA

echo "== reads: $(wc -l <"$paths") paths, $connections connections, ${seconds}s, $addr"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$dir/load.lua" "$addr" | grep RESULT

echo "== reads while uploading $upload shipments through the API"
csv=$dir/upload.csv
python3 - "$csv" "$upload" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("source_id,carrier,arrival,origin_country,port_of_arrival,shipper.name,consignee.name,items.description,items.hs_code,items.quantity,items.value\n")
    for i in range(n):
        f.write(f"UP-{i:07d},swift,2026-03-0{1 + i % 9},CN,GBLHR,Shipper {i % 997},Consignee {i % 4999},sports shoes,640399,1,{5 + i % 50} USD\n")
PY
before=$("$bin" stats --db "$db" --json | python3 -c "import sys,json; print(sum(s['records'] for s in json.load(sys.stdin) if s['org']=='customs-uk' and s['feed']=='shipments'))")
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$dir/load.lua" "$addr" | grep RESULT &
loader=$!
sleep 1
start=$(date +%s.%N)
curl -sS -X POST -H "Authorization: Bearer $key" -H "Content-Type: text/csv" \
  --data-binary @"$csv" "$addr/api/v1/feeds/shipments?marking=AMBER" >"$dir/upload.json"
end=$(date +%s.%N)
wait $loader
after=$("$bin" stats --db "$db" --json | python3 -c "import sys,json; print(sum(s['records'] for s in json.load(sys.stdin) if s['org']=='customs-uk' and s['feed']=='shipments'))")
python3 - "$dir/upload.json" "$before" "$after" "$upload" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
before, after, n = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
secs = float(sys.argv[6]) - float(sys.argv[5])
new = after - before
print(f"UPLOAD read={r.get('read')} landed={r.get('landed')} updated={r.get('updated')} unchanged={r.get('unchanged')} quarantined={r.get('quarantined')} seconds={secs:.1f} store_gained={new}")
ok = r.get("read") == n and r.get("quarantined") == 0 and (new == n or r.get("unchanged") + r.get("updated") == n)
print("UPLOAD " + ("nothing lost" if ok else "RECORDS LOST"))
sys.exit(0 if ok else 1)
PY

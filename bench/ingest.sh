#!/usr/bin/env bash
# Ingest benchmark: the simulator's carrier export (one row per item line, every party filled)
# through its mapping into a fresh SQLite store, timed as a whole process.
#
#   bench/ingest.sh [SHIPMENTS]      default 1000000 (about 1.5 million rows, 1.2 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
work="${BENCH_DIR:-target/bench}"
mkdir -p "$work"
cargo build --release --quiet -p interdict
bin=target/release/interdict
world="$work/world-$n"
if [ ! -f "$world/manifest.toml" ]; then
  echo "== generating $n shipments"
  /usr/bin/time -f "simulate: %e s wall, %M KB peak" "$bin" simulate --out "$world" --shipments "$n" >/dev/null
fi
csv="$world/carrier-swift/shipments.csv"
rows=$(($(wc -l <"$csv") - 1))
echo "== ingesting $csv: $rows rows, $(du -h "$csv" | cut -f1)"
db="$work/ingest-$n.db"
rm -rf "$db" "$db-wal" "$db-shm" "$db.reports"
/usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" \
  "$bin" ingest --db "$db" --org carrier-swift --mapping "$world/mappings/carrier-swift-shipments.toml" --json "$csv" >"$work/summary.json"
read -r wall peak user sys <"$work/time.txt"
python3 - "$work/summary.json" "$wall" "$peak" "$user" "$sys" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
wall, peak, user, sys_ = float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
assert s["read"] == s["landed"] + s["updated"] + s["unchanged"] + s["quarantined"], s
print(f"rows read {s['read']}, landed {s['landed']}, quarantined {s['quarantined']}")
print(f"wall {wall:.1f} s, {s['read'] / wall:,.0f} rows/s, cpu {user + sys_:.1f} s, peak memory {peak / 1024:,.0f} MiB")
PY

#!/usr/bin/env bash
# Scoring benchmark: batch scoring of every shipment and listing of a simulated operation
# (`interdict score --all`, every actor lookup included, timed as a whole process), and
# scoring shipments one at a time as they arrive with the incremental resolution of their
# parties (`interdict bench-score-one`).
#
#   bench/score.sh [SHIPMENT_RECORDS...]   default: 1000000
#   bench/score.sh --smoke                 10,000 shipment records: a couple of minutes
#
# A simulated shipment is held twice, by the carrier and by customs, so N shipment records
# come from N/2 simulated shipments.
#
# Environment:
#   HOLDOUT=K           shipments scored one at a time, default 2000
#   BENCH_CPUS=LIST     CPUs the timed commands are pinned to (taskset), default 0,1
#   REINGEST=1          rebuild the store even when an earlier run left it
#   BENCH_DIR=DIR       working folder, default target/bench
#
# Per size N, target/bench/score-N/ holds the world, the store and the outputs. The table is
# printed and written to target/bench/score-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "score.sh: $*" >&2; exit 1; }

sizes=()
for arg in "$@"; do
  case "$arg" in
    --smoke) sizes+=(10000) ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') die "not a shipment record count: '$arg' (try --help)" ;;
    *) sizes+=("$arg") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000)

work="${BENCH_DIR:-target/bench}"
holdout="${HOLDOUT:-2000}"
cpus="${BENCH_CPUS:-0,1}"
mkdir -p "$work"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
pin=()
if command -v taskset >/dev/null && taskset -c "$cpus" true 2>/dev/null; then
  pin=(taskset -c "$cpus")
else
  echo "note: not pinning to CPUs $cpus (taskset missing or CPUs unavailable)" >&2
fi

echo "== building interdict (release)"
nice cargo build --release --quiet -p interdict || die "cargo build failed"
bin=target/release/interdict

rows=()
for n in "${sizes[@]}"; do
  dir="$work/score-$n"
  world="$dir/world"
  db="$dir/store.db"
  shipments=$(( (n + 1) / 2 ))
  mkdir -p "$dir"
  if [ ! -f "$world/manifest.toml" ]; then
    echo "== [$n] simulating $shipments shipments"
    rm -rf "$world"
    "$bin" simulate --out "$world" --shipments "$shipments" >"$dir/simulate.log" \
      || die "simulate failed, see $dir/simulate.log"
  fi
  if [ "${REINGEST:-0}" = 1 ] || [ ! -f "$dir/resolved" ]; then
    echo "== [$n] ingesting and resolving"
    rm -f "$db" "$db-wal" "$db-shm" "$dir/resolved"
    rm -rf "$db.reports"
    "$bin" ingest --db "$db" --manifest "$world/manifest.toml" --json >"$dir/ingest.json" \
      || die "ingest failed, see $dir/ingest.json"
    "$bin" resolve --db "$db" --json >"$dir/resolve.json" || die "resolve failed"
    touch "$dir/resolved"
  fi
  echo "== [$n] training"
  "$bin" train --db "$db" --json >"$dir/train.json" || die "train failed"

  echo "== [$n] interdict score --all   (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -f "%e %M" -o "$dir/score.time" ${pin[@]+"${pin[@]}"} \
    "$bin" score --db "$db" --all --json >"$dir/score.json" 2>"$dir/score.err" \
    || die "score failed, see $dir/score.err"
  echo "== [$n] one shipment at a time ($holdout shipments)"
  ${pin[@]+"${pin[@]}"} "$bin" bench-score-one --db "$db" --holdout "$holdout" >"$dir/one.txt" \
    || die "bench-score-one failed"
  cat "$dir/one.txt"
  rows+=("$n")
done

python3 - "$work" "$(cut -d' ' -f1-3 /proc/loadavg)" "${rows[@]}" <<'PY'
import json, os, re, sys

work, load, sizes = sys.argv[1], sys.argv[2], sys.argv[3:]
results = []
for n in sizes:
    d = os.path.join(work, f"score-{n}")
    wall, peak = open(os.path.join(d, "score.time")).read().split()[-2:]
    s = json.load(open(os.path.join(d, "score.json")))
    one = open(os.path.join(d, "one.txt")).read()
    p = dict(re.findall(r"(p50|p99|max) ([0-9.]+) µs", one))
    wall = float(wall)
    row = {
        "size": int(n),
        "shipments": s["shipments"],
        "listings": s["listings"],
        "wall_s": wall,
        "peak_mib": int(peak) / 1024,
        "shipments_per_s": s["shipments"] / wall,
        "one_at_a_time_us": {k: float(v) for k, v in p.items()},
    }
    results.append(row)
    print(f"{int(n):>10,} shipment records: {s['shipments']:,} shipments + {s['listings']:,} listings scored in "
          f"{wall:.1f} s ({row['shipments_per_s']:,.0f} shipments/s), peak {row['peak_mib']:,.0f} MiB; "
          f"one at a time with party resolution: p50 {p.get('p50')} µs, p99 {p.get('p99')} µs")
out = os.path.join(work, "score-results.json")
json.dump({"load_average_after": load, "results": results}, open(out, "w"), indent=2)
print(f"written to {out}")
PY

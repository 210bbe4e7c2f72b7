#!/usr/bin/env bash
# Resolution benchmark: interdict's resolver against Splink 5 (DuckDB) on the same simulated
# party records, both timed as whole processes and scored by `interdict eval resolve`.
#
#   bench/resolve.sh [PARTY_RECORDS...]    default: 100000 1000000
#   bench/resolve.sh --smoke               2,000 party records: well under a minute once the
#                                          Splink environment exists (creating it takes ~1 min)
#
# Environment:
#   SKIP_SPLINK=1       run interdict only (no Python virtual environment is created)
#   SPLINK_TIMEOUT=S    wall-clock cap on one Splink run, default 3600 s
#   HUB_LIMIT, THRESHOLD  passed to both tools, default 100 (interdict's default) and 0.9
#   SPLINK_HUB_WINDOW=W compare Splink's over-limit key groups within windows of W records in
#                       name order (see bench/splink_resolve.py), default 0: not at all
#   BENCH_CPUS=LIST     CPUs both tools are pinned to (taskset), default 0,1
#   REINGEST=1          rebuild the stores even when an earlier run left them
#   BENCH_DIR=DIR       working folder, default target/bench
#
# Per size N, target/bench/resolve-N/ holds the world (generated once, ceil(N/9) shipments),
# the store, the exported parties, both tools' outputs and scores. The table of this invocation's
# sizes is printed and written to target/bench/resolve-results.json. Both tools run on the same
# CPUs one after the other; compare runs only at similar machine load (recorded in the JSON).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "resolve.sh: $*" >&2; exit 1; }

sizes=()
for arg in "$@"; do
  case "$arg" in
    --smoke) sizes+=(2000) ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') die "not a party record count: '$arg' (try --help)" ;;
    *) sizes+=("$arg") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

work="${BENCH_DIR:-target/bench}"
hub_limit="${HUB_LIMIT:-100}"
threshold="${THRESHOLD:-0.9}"
splink_timeout="${SPLINK_TIMEOUT:-3600}"
skip_splink="${SKIP_SPLINK:-0}"
hub_window="${SPLINK_HUB_WINDOW:-0}"
cpus="${BENCH_CPUS:-0,1}"
mkdir -p "$work"

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 is missing"
pin=()
if command -v taskset >/dev/null && taskset -c "$cpus" true 2>/dev/null; then
  pin=(taskset -c "$cpus")
else
  echo "note: not pinning to CPUs $cpus (taskset missing or CPUs unavailable)" >&2
fi

echo "== building interdict (release)"
nice cargo build --release --quiet -p interdict || die "cargo build failed"
bin=target/release/interdict

venv="$work/splink-venv"
py="$venv/bin/python"
if [ "$skip_splink" != 1 ] && ! "$py" -c 'import splink; assert splink.__version__ == "5.0.0"' 2>/dev/null; then
  echo "== creating $venv with splink 5.0.0"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check splink==5.0.0 || die "pip install splink==5.0.0 failed"
fi

# Runs a command under /usr/bin/time; leaves "wall_s peak_kb" in $2 and the exit code in $3.
timed() {
  local out="$1" timing="$2" rcfile="$3"; shift 3
  local rc=0
  /usr/bin/time -f "%e %M" -o "$timing" "$@" >"$out" 2>"$out.err" || rc=$?
  echo "$rc" >"$rcfile"
}

rows=()
for n in "${sizes[@]}"; do
  dir="$work/resolve-$n"
  world="$dir/world"
  db="$dir/store.db"
  shipments=$(( (n + 8) / 9 ))
  mkdir -p "$dir"

  if [ ! -f "$world/manifest.toml" ]; then
    echo "== [$n] simulating $shipments shipments"
    rm -rf "$world"
    "$bin" simulate --out "$world" --shipments "$shipments" >"$dir/simulate.log" \
      || die "simulate failed, see $dir/simulate.log"
  fi
  truth="$world/truth/actors.csv"
  [ -f "$truth" ] || die "no truth file at $truth"

  if [ "${REINGEST:-0}" = 1 ] || [ ! -f "$dir/ingested" ]; then
    echo "== [$n] ingesting"
    rm -f "$db" "$db-wal" "$db-shm" "$dir/ingested"
    rm -rf "$db.reports"
    "$bin" ingest --db "$db" --manifest "$world/manifest.toml" --json >"$dir/ingest.json" \
      || die "ingest failed, see $dir/ingest.json"
    touch "$dir/ingested"
  fi

  echo "== [$n] exporting parties"
  "$bin" export parties --db "$db" --out "$dir/parties.csv" || die "export parties failed"
  records=$(($(wc -l <"$dir/parties.csv") - 1))
  echo "   $records party records ($shipments shipments)"

  cut -d' ' -f1-3 /proc/loadavg >"$dir/interdict.load"
  echo "== [$n] interdict resolve   (load: $(cat "$dir/interdict.load"))"
  timed "$dir/interdict.json" "$dir/interdict.time" "$dir/interdict.rc" \
    ${pin[@]+"${pin[@]}"} "$bin" resolve --db "$db" --retrain --hub-limit "$hub_limit" --threshold "$threshold" --json
  [ "$(cat "$dir/interdict.rc")" = 0 ] || die "interdict resolve failed, see $dir/interdict.json.err"
  "$bin" eval resolve --db "$db" --truth "$truth" --json >"$dir/interdict-eval.json" \
    || die "eval of interdict failed"

  splink_status=skipped
  if [ "$skip_splink" != 1 ]; then
    cut -d' ' -f1-3 /proc/loadavg >"$dir/splink.load"
    echo "== [$n] splink             (load: $(cat "$dir/splink.load"), timeout ${splink_timeout}s)"
    rm -f "$dir/splink-clusters.csv"
    timed "$dir/splink.log" "$dir/splink.time" "$dir/splink.rc" \
      timeout "$splink_timeout" ${pin[@]+"${pin[@]}"} "$py" bench/splink_resolve.py \
      "$dir/parties.csv" "$dir/splink-clusters.csv" --hub-limit "$hub_limit" --threshold "$threshold" \
      --hub-window "$hub_window"
    case "$(cat "$dir/splink.rc")" in
      0)
        splink_status=ok
        "$bin" eval resolve --db "$db" --truth "$truth" --predicted "$dir/splink-clusters.csv" --json \
          >"$dir/splink-eval.json" || die "eval of Splink's clusters failed"
        ;;
      124) splink_status=timeout; echo "   Splink timed out after ${splink_timeout}s" >&2 ;;
      *) splink_status=failed; echo "   Splink failed, see $dir/splink.log.err:" >&2; tail -5 "$dir/splink.log.err" >&2 ;;
    esac
  fi
  rows+=("$n:$records:$splink_status")
done

python3 - "$work" "$(cut -d' ' -f1-3 /proc/loadavg)" "$hub_limit" "$threshold" "$hub_window" "${rows[@]}" <<'PY'
import json, os, sys, platform

work, load, runs = sys.argv[1], sys.argv[2], sys.argv[6:]
config = {"hub_limit": int(sys.argv[3]), "threshold": float(sys.argv[4]),
          "splink_hub_window": int(sys.argv[5])}

def read_json(path):
    with open(path) as f:
        return json.load(f)

def timing(path):
    wall, peak = open(path).read().split()[-2:]
    return float(wall), int(peak) / 1024

results = []
for run in runs:
    n, records, status = run.split(":")
    d = os.path.join(work, f"resolve-{n}")
    for tool in ("interdict", "splink"):
        row = {"tool": tool, "size": int(n), "records": int(records), "status": "ok"}
        load_file = os.path.join(d, f"{tool}.load")
        if os.path.exists(load_file):
            row["load_average_before"] = open(load_file).read().strip()
        if tool == "splink" and status != "ok":
            if status == "skipped":
                continue
            row["status"] = status
            if status == "timeout":
                row["wall_s"], row["peak_mib"] = timing(os.path.join(d, "splink.time"))
            results.append(row)
            continue
        row["wall_s"], row["peak_mib"] = timing(os.path.join(d, f"{tool}.time"))
        ev = read_json(os.path.join(d, f"{tool}-eval.json"))
        for kind in ("pairwise", "bcubed"):
            row[kind] = {k: ev[kind][k] for k in ("precision", "recall", "f1")}
        row["predicted_clusters"] = ev.get("predicted_clusters")
        row["true_clusters"] = ev.get("true_clusters")
        results.append(row)

comparisons = []
for n in sorted({r["size"] for r in results}):
    i = next(r for r in results if r["size"] == n and r["tool"] == "interdict")
    s = next((r for r in results if r["size"] == n and r["tool"] == "splink"), {"status": "skipped"})
    c = {"size": n, "records": i["records"], "splink_status": s["status"]}
    if s["status"] == "ok":
        c["time_ratio_splink_over_interdict"] = s["wall_s"] / i["wall_s"]
        c["memory_ratio_splink_over_interdict"] = s["peak_mib"] / i["peak_mib"]
        c["pairwise_f1_interdict_minus_splink"] = i["pairwise"]["f1"] - s["pairwise"]["f1"]
        c["bcubed_f1_interdict_minus_splink"] = i["bcubed"]["f1"] - s["bcubed"]["f1"]
    comparisons.append(c)

def fmt(r):
    if r["status"] != "ok":
        wall = f"{r['wall_s']:.1f}" if "wall_s" in r else "-"
        return f"{r['tool']:<10}{r['records']:>10,}{wall:>9}  {r['status']}"
    p, b = r["pairwise"], r["bcubed"]
    return (f"{r['tool']:<10}{r['records']:>10,}{r['wall_s']:>9.1f}{r['peak_mib']:>10,.0f}"
            f"{p['precision']:>8.4f}{p['recall']:>8.4f}{p['f1']:>8.4f}"
            f"{b['precision']:>8.4f}{b['recall']:>8.4f}{b['f1']:>8.4f}{r['predicted_clusters']:>10,}")

print()
print(f"{'tool':<10}{'records':>10}{'wall s':>9}{'peak MiB':>10}"
      f"{'pw P':>8}{'pw R':>8}{'pw F1':>8}{'b3 P':>8}{'b3 R':>8}{'b3 F1':>8}{'clusters':>10}")
for r in results:
    print(fmt(r))
print()
for c in comparisons:
    if c["splink_status"] == "ok":
        print(f"{c['records']:,} records: Splink/interdict time {c['time_ratio_splink_over_interdict']:.2f}x, "
              f"memory {c['memory_ratio_splink_over_interdict']:.2f}x; F1 interdict - Splink: "
              f"pairwise {c['pairwise_f1_interdict_minus_splink']:+.4f}, "
              f"B-cubed {c['bcubed_f1_interdict_minus_splink']:+.4f}")
    else:
        print(f"{c['records']:,} records: Splink {c['splink_status']}")

out = os.path.join(work, "resolve-results.json")
with open(out, "w") as f:
    json.dump({"config": config, "load_average_at_end": load, "cpus": os.cpu_count(),
               "machine": platform.machine(), "results": results, "comparisons": comparisons},
              f, indent=2)
print(f"\nload average {load}; written to {out}")
PY

#!/usr/bin/env bash
# Resolution of person records: interdict's resolver against Splink 5 (DuckDB) on a simulated
# world of people (`interdict simulate --people N`: identity checks, importers of record and a
# watch list, with typos, nicknames, partial dates of birth and namesakes at one address), both
# timed as whole processes and scored by `interdict eval resolve`.
#
#   bench/people.sh [PARTY_RECORDS...]    default: 100000 1000000
#   bench/people.sh --smoke               2,000 party records: well under a minute once the Splink
#                                         environment exists (creating it takes ~1 min)
#
# Per size: simulate the world (once), ingest it into a fresh SQLite store (once, unless
# REINGEST=1), time `interdict resolve --retrain --truth` (which also reports interdict's
# blocking recall), score it, export the party records (`interdict export parties`), time
# bench/splink_people.py on them (Splink configured as its own person-data examples configure
# it, see that file), score its clusters with `eval resolve --predicted`, and measure the share
# of true pairs Splink's blocking rules compare (not timed). Both tools link at one match
# probability, THRESHOLD, never tuned on the truth.
#
# Environment:
#   SKIP_SPLINK=1       run interdict only (no Python virtual environment is needed)
#   SPLINK_TIMEOUT=S    wall-clock cap on one Splink run, default 3600 s
#   THRESHOLD           match probability for both tools, default 0.9 (interdict's default)
#   BENCH_CPUS=LIST     CPUs both tools are pinned to (taskset), default 0,1
#   REINGEST=1          rebuild the stores even when an earlier run left them
#   INTERDICT_BIN=PATH  run this build instead of building target/release/interdict
#   BENCH_DIR=DIR       working folder, default target/bench; the Python environment is
#                       BENCH_DIR/febrl-venv when it has splink 5.0.0 (bench/febrl.sh makes
#                       it), else BENCH_DIR/splink-venv, created here
#
# BENCH_DIR/people-N/ holds the world, the store, the exported parties, both tools' outputs,
# logs and scores. The table of this invocation's sizes is printed and written to
# BENCH_DIR/people-results.json. Both tools run on the same CPUs one after the other; compare
# runs only at similar machine load (recorded in the JSON).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "people.sh: $*" >&2; exit 1; }

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
threshold="${THRESHOLD:-0.9}"
splink_timeout="${SPLINK_TIMEOUT:-3600}"
skip_splink="${SKIP_SPLINK:-0}"
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

if [ -n "${INTERDICT_BIN:-}" ]; then
  bin="$INTERDICT_BIN"
  [ -x "$bin" ] || die "INTERDICT_BIN=$bin is not an executable"
else
  echo "== building interdict (release)"
  nice cargo build --release --quiet -p interdict || die "cargo build failed"
  bin=target/release/interdict
fi
help=$("$bin" simulate --help) || die "$bin simulate --help failed"
grep -q -- '--people' <<<"$help" \
  || die "$bin simulate has no --people option (this build predates the person simulator)"
# `resolve --truth` (blocking recall) is newer than some builds; run without it there.
measure_recall=0
if grep -q -- '--truth' <<<"$("$bin" resolve --help)"; then measure_recall=1; fi

py=
if [ "$skip_splink" != 1 ]; then
  check='import splink; assert splink.__version__ == "5.0.0"'
  if "$work/febrl-venv/bin/python" -c "$check" 2>/dev/null; then
    py="$work/febrl-venv/bin/python"
  else
    venv="$work/splink-venv"
    py="$venv/bin/python"
    if ! "$py" -c "$check" 2>/dev/null; then
      echo "== creating $venv with splink 5.0.0"
      rm -rf "$venv"
      python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
      "$venv/bin/pip" install --quiet --disable-pip-version-check splink==5.0.0 \
        || die "pip install splink==5.0.0 failed"
    fi
  fi
fi

# Runs a command under /usr/bin/time; leaves "wall_s peak_kb" in $2 and the exit code in $3.
timed() {
  local out="$1" timing="$2" rcfile="$3"; shift 3
  local rc=0
  /usr/bin/time -f "%e %M" -o "$timing" "$@" >"$out" 2>"$out.err" || rc=$?
  echo "$rc" >"$rcfile"
}

for n in "${sizes[@]}"; do
  dir="$work/people-$n"
  world="$dir/world"
  db="$dir/store.db"
  mkdir -p "$dir"
  rm -f "$dir"/*.status "$dir"/*.load "$dir/splink-blocking.json"

  if [ ! -f "$world/manifest.toml" ]; then
    echo "== [$n] simulating $n person records"
    rm -rf "$world"
    "$bin" simulate --out "$world" --people "$n" >"$dir/simulate.log" 2>&1 \
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

  cut -d' ' -f1-3 /proc/loadavg >"$dir/interdict.load"
  echo "== [$n] interdict resolve   (load: $(cat "$dir/interdict.load"))"
  measure=()
  if [ "$measure_recall" = 1 ]; then measure=(--truth "$truth"); fi
  timed "$dir/interdict.json" "$dir/interdict.time" "$dir/interdict.rc" \
    ${pin[@]+"${pin[@]}"} "$bin" resolve --db "$db" --retrain --threshold "$threshold" \
    ${measure[@]+"${measure[@]}"} --json
  [ "$(cat "$dir/interdict.rc")" = 0 ] || die "interdict resolve failed, see $dir/interdict.json.err"
  "$bin" eval resolve --db "$db" --truth "$truth" --json >"$dir/interdict-eval.json" \
    || die "eval of interdict failed"
  echo ok >"$dir/interdict.status"

  echo "== [$n] exporting parties"
  "$bin" export parties --db "$db" --out "$dir/parties.csv" || die "export parties failed"
  echo "   $(($(wc -l <"$dir/parties.csv") - 1)) party records"

  if [ "$skip_splink" != 1 ]; then
    cut -d' ' -f1-3 /proc/loadavg >"$dir/splink.load"
    echo "== [$n] splink             (load: $(cat "$dir/splink.load"), timeout ${splink_timeout}s)"
    rm -f "$dir/splink-clusters.csv" "$dir/splink-steps.json"
    timed "$dir/splink.log" "$dir/splink.time" "$dir/splink.rc" \
      timeout "$splink_timeout" ${pin[@]+"${pin[@]}"} "$py" bench/splink_people.py run \
      "$dir/parties.csv" "$dir/splink-clusters.csv" --threshold "$threshold" --threads 2
    rm -rf "$dir/splink-duckdb.tmp"
    case "$(cat "$dir/splink.rc")" in
      0)
        "$bin" eval resolve --db "$db" --truth "$truth" --predicted "$dir/splink-clusters.csv" \
          --json >"$dir/splink-eval.json" || die "eval of Splink's clusters failed"
        echo ok >"$dir/splink.status"
        ;;
      124) echo timeout >"$dir/splink.status"; echo "   Splink timed out after ${splink_timeout}s" >&2 ;;
      *)
        echo failed >"$dir/splink.status"
        echo "   Splink failed, see $dir/splink.log.err:" >&2; tail -5 "$dir/splink.log.err" >&2
        ;;
    esac
    echo "== [$n] splink blocking recall (not timed)"
    "$py" bench/splink_people.py blocking "$dir/parties.csv" "$truth" "$dir/splink-blocking.json" \
      2>"$dir/splink-blocking.err" | sed 's/^/   /' \
      || echo "   blocking analysis failed, see $dir/splink-blocking.err" >&2
  fi
done

config="$work/people-config.json"
printf '{"sizes": [%s], "threshold": %s, "skip_splink": %s, "splink_timeout_s": %s, "cpus_pinned": "%s", "interdict": "%s"}\n' \
  "$(IFS=,; echo "${sizes[*]}")" "$threshold" \
  "$([ "$skip_splink" = 1 ] && echo true || echo false)" "$splink_timeout" "${pin[*]:+$cpus}" \
  "$("$bin" --version 2>/dev/null | head -1 || echo unknown)" >"$config"
python3 bench/splink_people.py report "$work" "$config"

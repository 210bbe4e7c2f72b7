#!/usr/bin/env bash
# Resolution benchmark: interdict's resolver against Splink 5 (DuckDB) on the same simulated
# party records, both timed as whole processes and scored by `interdict eval resolve`.
#
#   bench/resolve.sh [PARTY_RECORDS...]            default: 100000 1000000
#   bench/resolve.sh --smoke                       2,000 party records: well under a minute once
#                                                  the Splink environment exists (creating it
#                                                  takes about a minute)
#   bench/resolve.sh --people [PARTY_RECORDS...]   person records instead (bench/people.sh)
#
# Two worlds:
#   operation   the default: `interdict simulate --shipments ceil(N/9)`, the party records of a
#               joint operation (shippers, consignees, sellers... of every partner, with hubs
#               shared by thousands of records); Splink as bench/splink_resolve.py configures
#               it. BENCH_DIR/resolve-N/, the table in BENCH_DIR/resolve-results.json.
#   people      --people: `interdict simulate --people N` (identity checks, importers of record
#               and a watch list, with typos, nicknames, partial dates of birth and namesakes at
#               one address); Splink as bench/splink_people.py configures it (Splink's own
#               person-data examples). BENCH_DIR/people-N/, BENCH_DIR/people-results.json.
#
# Per size: simulate the world (once), ingest it into a fresh SQLite store (once, unless
# REINGEST=1), time `interdict resolve --retrain --truth` (which also reports interdict's
# blocking recall), score it, export the party records (`interdict export parties`), time the
# Splink script on them, score its clusters with `eval resolve --predicted`, and measure the share
# of true pairs Splink's blocking rules compare and, with Splink's own counter, how many
# comparisons they make (not timed). Both tools link at one match probability, THRESHOLD, never
# tuned on the truth.
#
# Environment:
#   SKIP_SPLINK=1       run interdict only (no Python virtual environment is needed)
#   SPLINK_TIMEOUT=S    wall-clock cap on one Splink run, default 3600 s
#   THRESHOLD           match probability for both tools, default 0.9 (interdict's default)
#   HUB_LIMIT=N         interdict's --hub-limit (operation world), default interdict's own (100)
#   SPLINK_HUB_LIMIT=N  Splink's --hub-limit (operation world): values shared by more input rows
#                       make no block, default bench/splink_resolve.py's (1000, see there)
#   BENCH_CPUS=LIST     CPUs both tools are pinned to (taskset), default 0,1
#   REINGEST=1          rebuild the stores even when an earlier run left them
#   INTERDICT_BIN=PATH  run this build instead of building target/release/interdict
#   BENCH_DIR=DIR       working folder, default target/bench; the Python environment is
#                       BENCH_DIR/febrl-venv when it has the pinned Splink (bench/febrl.sh makes
#                       it), else BENCH_DIR/splink-venv, created here (bench/splink_common.py)
#
# A size's folder holds the world, the store, the exported parties, both tools' outputs, logs and
# scores. The table of this invocation's sizes is printed and written as above. Both tools run on
# the same CPUs one after the other; compare runs only at similar machine load (recorded in the
# JSON).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "resolve.sh: $*" >&2; exit 1; }

world=operation
sizes=()
for arg in "$@"; do
  case "$arg" in
    --smoke) sizes+=(2000) ;;
    --people) world=people ;;
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
command -v python3 >/dev/null || die "python3 is missing"

# bin, py (empty when SKIP_SPLINK=1) and pin (the taskset prefix, maybe empty).
python=auto
[ "$skip_splink" != 1 ] || python=none
setup=$(python3 bench/splink_common.py setup "$work" "$cpus" "$python") \
  || die "set-up failed (see above)"
eval "$setup"
timed() { python3 bench/splink_common.py timed "$@"; }

interdict_opts=(--threshold "$threshold")
model_opts=()  # the Splink script's own options, for its run and its blocking analysis
if [ "$world" = people ]; then
  prefix=people
  splink_script=bench/splink_people.py
  grep -q -- '--people' <<<"$("$bin" simulate --help)" \
    || die "$bin simulate has no --people option (this build predates the person simulator)"
else
  prefix=resolve
  splink_script=bench/splink_resolve.py
  if [ -n "${HUB_LIMIT:-}" ]; then interdict_opts+=(--hub-limit "$HUB_LIMIT"); fi
  if [ -n "${SPLINK_HUB_LIMIT:-}" ]; then model_opts+=(--hub-limit "$SPLINK_HUB_LIMIT"); fi
fi
# `resolve --truth` (blocking recall) is newer than some builds; run without it there.
measure_recall=0
if grep -q -- '--truth' <<<"$("$bin" resolve --help)"; then measure_recall=1; fi

runs=()
for n in "${sizes[@]}"; do
  dir="$work/$prefix-$n"
  world_dir="$dir/world"
  db="$dir/store.db"
  mkdir -p "$dir"
  rm -f "$dir"/*.status "$dir"/*.load "$dir/splink-blocking.json"

  if [ ! -f "$world_dir/manifest.toml" ]; then
    rm -rf "$world_dir"
    if [ "$world" = people ]; then
      echo "== [$n] simulating $n person records"
      simulate=(--people "$n")
    else
      echo "== [$n] simulating $(( (n + 8) / 9 )) shipments"
      simulate=(--shipments "$(( (n + 8) / 9 ))")
    fi
    "$bin" simulate --out "$world_dir" "${simulate[@]}" >"$dir/simulate.log" 2>&1 \
      || die "simulate failed, see $dir/simulate.log"
  fi
  truth="$world_dir/truth/actors.csv"
  [ -f "$truth" ] || die "no truth file at $truth"

  if [ "${REINGEST:-0}" = 1 ] || [ ! -f "$dir/ingested" ]; then
    echo "== [$n] ingesting"
    rm -f "$db" "$db-wal" "$db-shm" "$dir/ingested"
    rm -rf "$db.reports"
    "$bin" ingest --db "$db" --manifest "$world_dir/manifest.toml" --json >"$dir/ingest.json" \
      || die "ingest failed, see $dir/ingest.json"
    touch "$dir/ingested"
  fi

  cut -d' ' -f1-3 /proc/loadavg >"$dir/interdict.load"
  echo "== [$n] interdict resolve   (load: $(cat "$dir/interdict.load"))"
  measure=()
  if [ "$measure_recall" = 1 ]; then measure=(--truth "$truth"); fi
  timed "$dir/interdict.json" "$dir/interdict.time" "$dir/interdict.rc" \
    ${pin[@]+"${pin[@]}"} "$bin" resolve --db "$db" --retrain "${interdict_opts[@]}" \
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
      timeout "$splink_timeout" ${pin[@]+"${pin[@]}"} "$py" "$splink_script" run \
      "$dir/parties.csv" "$dir/splink-clusters.csv" --threshold "$threshold" --threads 2 \
      ${model_opts[@]+"${model_opts[@]}"}
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
    echo "== [$n] splink blocking: recall and comparisons (not timed)"
    "$py" "$splink_script" blocking "$dir/parties.csv" "$truth" "$dir/splink-blocking.json" \
      ${model_opts[@]+"${model_opts[@]}"} 2>"$dir/splink-blocking.err" | sed 's/^/   /' \
      || echo "   blocking analysis failed, see $dir/splink-blocking.err" >&2
  fi
  runs+=("{\"label\": \"$n\", \"size\": $n, \"dir\": \"$dir\"}")
done

config="$work/$prefix-config.json"
printf '{"world": "%s", "label": "size", "runs": [%s], "threshold": %s, "hub_limit": "%s", "splink_hub_limit": "%s", "skip_splink": %s, "splink_timeout_s": %s, "cpus_pinned": "%s", "interdict": "%s"}\n' \
  "$world" "$(IFS=,; echo "${runs[*]}")" "$threshold" "${HUB_LIMIT:-default}" \
  "${SPLINK_HUB_LIMIT:-default}" "$([ "$skip_splink" = 1 ] && echo true || echo false)" \
  "$splink_timeout" "${pin[*]:+$cpus}" \
  "$("$bin" --version 2>/dev/null | head -1 || echo unknown)" >"$config"
python3 bench/splink_common.py report "$config" "$work/$prefix-results.json"

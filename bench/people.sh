#!/usr/bin/env bash
# Resolution of person records: interdict's resolver against Splink 5 (DuckDB) on a simulated
# world of people (`interdict simulate --people N`: identity checks, importers of record and a
# watch list, with typos, nicknames, partial dates of birth and namesakes at one address), both
# timed as whole processes and scored by `interdict eval resolve`. It is `bench/resolve.sh
# --people`: the same steps, environment and options as there.
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

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
  esac
done
exec "$(dirname "$0")/resolve.sh" --people "$@"

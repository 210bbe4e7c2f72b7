# Sourced by the benchmarks: builds the release binary and makes (once) the store a benchmark
# runs on. `bench_store NAME SHIPMENTS [POSTGRES_URL]` sets `bin`, `dir` (where the benchmark
# keeps its files) and `db`: a SQLite file holding a `demo` of SHIPMENTS shipments, or the
# PostgreSQL database, loaded with the same simulated operation when it holds no records yet.
bench_store() {
  local name=$1 shipments=$2 postgres=${3:-}
  cargo build --release --quiet --bin interdict
  bin=${CARGO_TARGET_DIR:-target}/release/interdict
  dir=target/bench/$name-$shipments
  db=$dir/interdict.db
  mkdir -p "$dir"
  if [ -n "$postgres" ]; then
    db=$postgres
    dir=$dir/postgres
    mkdir -p "$dir"
    local held
    held=$("$bin" stats --db "$db" --json | python3 -c "import sys,json; print(sum(s['records'] for s in json.load(sys.stdin)))")
    if [ "$held" = 0 ]; then
      "$bin" simulate --out "$dir/world" --shipments "$shipments" >/dev/null
      "$bin" ingest --db "$db" --manifest "$dir/world/manifest.toml" --reports "$dir/reports" >/dev/null
      "$bin" resolve --db "$db" >/dev/null
      "$bin" score --db "$db" >/dev/null
      "$bin" admin org --db "$db" customs-uk --kind customs >/dev/null
      # The group the simulated partners share their AMBER exports with, as `demo` registers it.
      "$bin" admin org --db "$db" ipcc --kind coordinator >/dev/null
      "$bin" admin group --db "$db" ipr-operation --members ipcc >/dev/null
    fi
  elif [ ! -f "$db" ]; then
    "$bin" demo --shipments "$shipments" --db "$db" --world "$dir/world" >/dev/null
  fi
}

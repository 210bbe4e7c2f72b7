"""Resolve interdict's exported party records with Splink 5 (DuckDB backend).

    python bench/splink_resolve.py PARTIES.csv CLUSTERS.csv [--hub-limit 1000] [--threshold 0.9]

PARTIES.csv is `interdict export parties`: one row per party record with the normalised
comparison values (an empty field is a missing value). CLUSTERS.csv gets org,feed,source_id,
actor_id for every input record, singletons included, so that `interdict eval resolve
--predicted` scores Splink's clusters with the same implementation as interdict's own.

The model mirrors interdict's resolver as closely as Splink allows:

  field          levels, best first                                        term frequencies
  name           exact key / Jaro-Winkler >= 0.92 /                        on the exact level
                 Jaro-Winkler >= 0.80 or half the tokens shared / else
  email          same mailbox / same local part / else                     on the exact level
  phone          same number / same last 7 digits / else                   on the exact level
  address        same key / same building / same place or street / else    on the exact level
  bank_account   same / else                                               on the exact level
  tax_id         same / else                                               on the exact level
  account_id     same / else                                               on the exact level
  country        same / else                                               none
  date           same day / within 30 days / within a year / else          none

A missing value on either side is Splink's null level (no evidence either way), as in interdict.

Blocking uses the same keys as interdict (email, phone, bank_account, tax_id, account_id, address,
building, name). Splink has no MinHash/LSH blocking, so interdict's extra candidate pairs from
name-trigram LSH have no counterpart here. A value shared by more than --hub-limit records is
left out of blocking: the blocking columns are copies of the key that are NULL for such values.
interdict still compares such a group between name neighbours (unless its records carry many
different names: a hub); Splink skips it, unless --hub-window W asks for the nearest equivalent:
the group's records in name order, compared all against all within overlapping windows of W.

Training: u by random sampling, the prior from deterministic rules on exact email, phone and
tax_id, m by expectation maximisation over two blocking rules (name, then email), each session
estimating the fields its rule does not fix, as Splink's documentation recommends.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

import duckdb
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

FIELDS = [
    "name",
    "email",
    "email_local",
    "phone",
    "phone_tail",
    "address",
    "building",
    "place",
    "street",
    "bank_account",
    "tax_id",
    "account_id",
    "country",
    "date",
]
# Keys blocked on, in the order interdict lists them.
BLOCKING_KEYS = [
    "email",
    "phone",
    "bank_account",
    "tax_id",
    "account_id",
    "address",
    "building",
    "name",
]


def comparisons() -> list:
    """The comparison levels, field by field (see the module docstring)."""
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("name", 0.92),
            cll.CustomLevel(
                # Jaro-Winkler >= 0.80, or at least two and at least half of the smaller
                # name's distinct tokens appear in the other name.
                "jaro_winkler_similarity(name_l, name_r) >= 0.80 OR "
                "(len(list_intersect(name_tokens_l, name_tokens_r)) >= 2 AND "
                "len(list_intersect(name_tokens_l, name_tokens_r)) >= "
                "0.5 * least(len(name_tokens_l), len(name_tokens_r)))",
                label_for_charts="Jaro-Winkler >= 0.80 or two tokens and half of them shared",
            ),
            cll.ElseLevel(),
        ],
    )
    def exact_or_part(column: str, part: str, label: str):
        """Same value (term-frequency adjusted), else the same part of it, else different."""
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column, term_frequency_adjustments=True),
                cll.ExactMatchLevel(part).configure(label_for_charts=label),
                cll.ElseLevel(),
            ],
        )

    email = exact_or_part("email", "email_local", "Same local part")
    phone = exact_or_part("phone", "phone_tail", "Same last 7 digits")
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True),
            cll.ExactMatchLevel("building").configure(label_for_charts="Same building"),
            cll.CustomLevel(
                "place_l = place_r OR street_l = street_r",
                label_for_charts="Same place or same street",
            ),
            cll.ElseLevel(),
        ],
    )
    identifiers = [
        cl.ExactMatch(col).configure(term_frequency_adjustments=True)
        for col in ("bank_account", "tax_id", "account_id")
    ]
    country = cl.ExactMatch("country")
    # interdict compares the days a description was seen on (one day for a single record);
    # Splink compares each record's own day.
    days = "abs(date_diff('day', CAST(date_l AS DATE), CAST(date_r AS DATE)))"
    date = cl.CustomComparison(
        output_column_name="date",
        comparison_levels=[
            cll.NullLevel("date"),
            cll.ExactMatchLevel("date"),
            cll.CustomLevel(f"{days} <= 30", label_for_charts="Within 30 days"),
            cll.CustomLevel(f"{days} <= 365", label_for_charts="Within a year"),
            cll.ElseLevel(),
        ],
    )
    return [name, email, phone, address, *identifiers, country, date]


def blocking_rules(hub_window: int) -> list:
    """One rule per key on its hub-limited copy; with --hub-window, two more per key that
    compare the records of an over-limit group within overlapping windows of name order."""
    # blk_<key> is <key> where at most --hub-limit records share the value, else NULL.
    rules = [block_on(f"blk_{k}") for k in BLOCKING_KEYS]
    if hub_window:
        rules += [block_on(f"{w}_{k}") for k in BLOCKING_KEYS for w in ("win", "win2")]
    return rules


def settings(hub_window: int) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(hub_window),
        additional_columns_to_retain=["org", "feed", "source_id"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    """Runs one statement to completion (DuckDB 2 refuses new work while a result is open)."""
    return con.execute(sql, params or []).fetchall()


def load(con: duckdb.DuckDBPyConnection, path: str, hub_limit: int, hub_window: int) -> int:
    """Reads the export into table `parties`: missing values as NULL, the name's distinct tokens
    and the blocking columns. Returns the record count."""
    cols = ", ".join(f"'{c}': 'VARCHAR'" for c in ["unique_id", "org", "feed", "source_id", *FIELDS])
    values = ", ".join(f"NULLIF({c}, '') AS {c}" for c in FIELDS)
    query(
        con,
        f"""
        CREATE TABLE clean AS
        SELECT unique_id, org, feed, source_id, {values}
        FROM read_csv(?, header = true, columns = {{{cols}}}, quote = '"', escape = '"')
        """,
        [path],
    )
    derived = ["list_distinct(string_split(name, ' ')) AS name_tokens"]
    for k in BLOCKING_KEYS:
        size = f"count(*) OVER (PARTITION BY {k})"
        derived.append(f"CASE WHEN {size} <= {hub_limit} THEN {k} END AS blk_{k}")
        if hub_window:
            # Position in name order inside the value's group; two tilings offset by half a
            # window, so every record shares a window with its neighbours on both sides.
            pos = f"row_number() OVER (PARTITION BY {k} ORDER BY name, unique_id)"
            for w, shift in (("win", 0), ("win2", hub_window // 2)):
                derived.append(
                    f"CASE WHEN {k} IS NOT NULL AND {size} > {hub_limit} "
                    f"THEN {k} || '#' || (({pos} + {shift}) // {hub_window}) END AS {w}_{k}"
                )
    query(con, f"CREATE TABLE parties AS SELECT *, {', '.join(derived)} FROM clean")
    query(con, "DROP TABLE clean")
    return query(con, "SELECT count(*) FROM parties")[0][0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parties", help="CSV from `interdict export parties`")
    ap.add_argument("out", help="CSV of org,feed,source_id,actor_id to write")
    ap.add_argument("--hub-limit", type=int, default=1000, help="largest key group blocked on")
    ap.add_argument(
        "--hub-window",
        type=int,
        default=0,
        help="compare an over-limit group within windows of this many records in name order "
        "(0: not at all, the default)",
    )
    ap.add_argument("--threshold", type=float, default=0.9, help="match probability to link")
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    ap.add_argument("--u-max-pairs", type=float, default=5e6, help="random pairs for u")
    ap.add_argument("--em-max-pairs", type=float, default=5e6, help="blocked pairs per EM session")
    ap.add_argument(
        "--prior-recall",
        type=float,
        default=0.7,
        help="assumed recall of the exact email/phone/tax_id rules when estimating the prior",
    )
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--verbose", action="store_true", help="Splink's own progress messages")
    args = ap.parse_args()

    started = time.monotonic()

    def step(msg: str) -> None:
        print(f"[{time.monotonic() - started:8.1f}s] {msg}", file=sys.stderr, flush=True)

    con = duckdb.connect(":memory:")
    query(con, f"SET threads = {args.threads}")
    query(con, "SET preserve_insertion_order = false")
    # Spill beside the output rather than in the working directory.
    spill = os.path.join(os.path.dirname(os.path.abspath(args.out)), "splink-duckdb.tmp")
    query(con, f"SET temp_directory = '{spill}'")
    n = load(con, args.parties, args.hub_limit, args.hub_window)
    step(f"splink {splink.__version__}, duckdb {duckdb.__version__}: {n} records loaded")

    db_api = DuckDBAPI(connection=con)
    df = db_api.register("parties")
    log_level = logging.INFO if args.verbose else logging.WARNING
    linker = Linker(df, settings(args.hub_window), log_level=log_level)

    linker.training.estimate_probability_two_random_records_match(
        [block_on("blk_email"), block_on("blk_phone"), block_on("blk_tax_id")],
        recall=args.prior_recall,
    )
    step("prior estimated")
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=args.seed)
    step("u estimated")
    # EM session 1 blocks on name, so it estimates every field but name; session 2 blocks on
    # email and estimates name. Both on the raw columns, so Splink knows which fields they fix.
    for rule in (block_on("name"), block_on("email")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=args.em_max_pairs
            )
        except ValueError as e:
            # Splink refuses an m-probability that EM drove to 0; keep the other session's
            # estimates (and Splink's defaults where none) rather than stop.
            print(f"warning: EM session blocked on {rule} failed: {e}", file=sys.stderr)
    step("m estimated by EM")

    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    pairs = query(con, f"SELECT count(*) FROM {predictions.physical_name}")[0][0]
    step(f"{pairs} pairs at or above {args.threshold}")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    t = clusters.physical_name
    counts = query(con, f"SELECT count(*), count(DISTINCT cluster_id) FROM {t}")[0]
    step(f"{counts[1]} clusters over {counts[0]} records")
    if counts[0] != n:
        print(f"error: clustering returned {counts[0]} records for {n} inputs", file=sys.stderr)
        return 1
    query(
        con,
        f"""
        COPY (
            SELECT org, feed, source_id, cluster_id AS actor_id
            FROM {t} ORDER BY TRY_CAST(unique_id AS BIGINT)
        ) TO '{args.out.replace("'", "''")}' (HEADER, DELIMITER ',')
        """
    )
    step(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

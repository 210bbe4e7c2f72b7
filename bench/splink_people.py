"""Person records for bench/people.sh: resolve interdict's exported party records with Splink 5
(DuckDB) configured as Splink's own documentation configures person data, measure its blocking
recall against the truth, and tabulate both tools' results.

    python bench/splink_people.py run PARTIES.csv CLUSTERS.csv [--threshold 0.9] [--threads 2]
    python bench/splink_people.py blocking PARTIES.csv TRUTH.csv OUT.json
    python bench/splink_people.py report WORK CONFIG.json        the table, people-results.json

PARTIES.csv is `interdict export parties`: one row per party record with its normalised
comparison values, an empty field a missing value. `run` writes org,feed,source_id,actor_id for
every record, singletons included, so that `interdict eval resolve --predicted` scores Splink's
clusters with the same code as interdict's; its step times go beside CLUSTERS.csv as
splink-steps.json. `report` needs only the standard library (it runs without the venv).

The model (see `comparisons`, BLOCKING_RULES and `training_plan`) follows Splink's documented
person examples: docs/demos/examples/duckdb/deduplicate_50k_synthetic (historical persons:
ForenameSurnameComparison with a forename+surname column for term frequencies,
DateOfBirthComparison, exact birth place with term frequencies, composite blocking rules of names,
date of birth, postcode and birth place, the prior from deterministic rules, u from 1e7 random
pairs, EM in two sessions round robin, without term frequencies),
quick_and_dirty_persons (Jaro-Winkler on the birth place, the whole name in blocking), the
tutorial (EmailComparison, NameComparison, the recall guess 0.7 for rules that include an
identifier, "no more than about 20 million comparisons" for DuckDB on a laptop) and
febrl3/febrl4 (Damerau-Levenshtein on the identity number, exact postcode with term
frequencies). Input is standardised as Splink asks (given and family names and birth place
lower-cased, accents stripped; interdict's `name` key is already folded).

Departures, each forced by the data and the same at every size:
  * Names: some sources give given and family names apart, others only the whole name (the
    export's `name`: folded tokens, in alphabetical order). ForenameSurnameComparison alone
    would call every pair with a whole-name-only record "missing"; so when both kinds occur the
    name comparison is ForenameSurnameComparison's levels where both records give the names
    apart and NameComparison's Jaro-Winkler levels on the whole name where either does not,
    with the exact level on the whole name (any order) first, term-frequency adjusted.
  * Dates of birth may be partial (`YYYY`, `YYYY-MM`); DateOfBirthComparison casts them to dates
    and would call a partial date missing. When partial dates occur, the comparison keeps
    DateOfBirthComparison's levels (exact text, Levenshtein <= 1 on the text, within a month and
    within a year on full dates) and adds two on the text: "one agrees with the other as far as
    it goes" (1985 / 1985-03-14) and "years within 10". Without partial dates it is
    DateOfBirthComparison itself.
  * `place` is COUNTRY|postcode-or-city, not a UK postcode, so PostcodeComparison's sector,
    district and area regexes do not apply (on these values they extract '' on both sides and
    would call every pair a sector match). The address is one comparison of the full address
    key (exact, with term frequencies), Jaro-Winkler >= 0.9 on it, the same building (postcode
    and number), the same place (term frequencies), else.
  * Blocking: the examples' looser rules make too many comparisons at a million records (see
    BLOCKING_RULES); the rules used keep to the tutorial's budget there.
  * EM: the example blocks its first session on the names, its second on the date of birth.
    Here namesakes make such blocks mostly different people (at 100,000 records, measured
    afterwards against the truth: 1.2 % of same-name pairs and 3.2 % of same-date-of-birth
    pairs are one person, the bottom of the 1-99 % the EM docstring asks of a training block).
    The name session learnt that a different date of birth costs nothing (m = u), and the date
    of birth session drove an identity-document level's m below 1e-300, which Splink 5 refuses,
    losing the session; both show in the trained parameters and the log without the truth. The
    sessions are therefore blocked where most pairs are one person: the whole name with the
    date of birth (95 %), training every other comparison, then the identity document, training
    the name and the date of birth; e-mail where no documents.
  * A field nobody fills (under 1 % of records) gets no comparison and no blocking rule, as
    profiling the columns first would show; the record's own day (`date`) is when it was seen,
    not a person attribute, and `country` repeats the address's country: neither is compared.
  * One match probability, --threshold (0.9, interdict's default), to predict and to cluster;
    never tuned on the truth.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time

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
    "given_name",
    "family_name",
    "date_of_birth",
    "place_of_birth",
    "nationality",
    "gender",
    "id_document",
]
KEY = ["unique_id", "org", "feed", "source_id"]
# A field filled in fewer records than this share is left out of the model and the blocking.
MIN_FILLED = 0.01


# ---------------------------------------------------------------------------------------------
# The data


def query(con, sql: str, params: list | None = None) -> list:
    """Runs one statement to completion (DuckDB 2 refuses new work while a result is open)."""
    return con.execute(sql, params or []).fetchall()


def load(con, path: str) -> dict:
    """Reads the export into table `people` (missing values NULL) with the derived columns the
    model uses; returns the profile: record count, filled share per field, partial dates."""
    cols = ", ".join(f"'{c}': 'VARCHAR'" for c in [*KEY, *FIELDS])
    values = ", ".join(f"NULLIF(trim({c}), '') AS {c}" for c in FIELDS)
    query(
        con,
        f"""
        CREATE TABLE raw AS
        SELECT CAST(unique_id AS BIGINT) AS unique_id, org, feed, source_id, {values}
        FROM read_csv(?, header = true, columns = {{{cols}}}, quote = '"', escape = '"')
        """,
        [path],
    )
    # Standardised as Splink asks of its input (lower case, no accents): the given and family
    # names and the birth place as exported keep the source's spelling; `name` is already
    # folded. given_family: the forename+surname column ForenameSurnameComparison takes for
    # term frequencies (NULL unless both are given). dob_full: the date of birth where it is a
    # whole date, for the date-difference levels.
    query(
        con,
        """
        CREATE TABLE folded AS
        SELECT * REPLACE (
            lower(strip_accents(given_name)) AS given_name,
            lower(strip_accents(family_name)) AS family_name,
            lower(strip_accents(place_of_birth)) AS place_of_birth)
        FROM raw
        """,
    )
    query(
        con,
        """
        CREATE TABLE people AS
        SELECT *,
               given_name || ' ' || family_name AS given_family,
               CASE WHEN length(date_of_birth) = 10 THEN date_of_birth END AS dob_full
        FROM folded
        """,
    )
    query(con, "DROP TABLE folded")
    query(con, "DROP TABLE raw")
    n = query(con, "SELECT count(*) FROM people")[0][0]
    counts = query(
        con, "SELECT " + ", ".join(f"count({c})" for c in FIELDS) + " FROM people"
    )[0]
    partial, whole_only = query(
        con,
        """
        SELECT count(*) FILTER (WHERE date_of_birth IS NOT NULL AND dob_full IS NULL),
               count(*) FILTER (WHERE name IS NOT NULL AND given_family IS NULL)
        FROM people
        """,
    )[0]
    return {
        "records": n,
        "filled": {c: (k / n if n else 0.0) for c, k in zip(FIELDS, counts)},
        "partial_dates_of_birth": partial,
        "whole_name_only": whole_only / n if n else 0.0,
    }


def used(profile: dict, *fields: str) -> bool:
    return all(profile["filled"][f] >= MIN_FILLED for f in fields)


# ---------------------------------------------------------------------------------------------
# The model


def date_of_birth_comparison(profile: dict):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    if not profile["partial_dates_of_birth"]:
        return cl.DateOfBirthComparison(
            "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"
        )
    year = "TRY_CAST(substr(date_of_birth_{s}, 1, 4) AS INTEGER)"
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth").configure(
                label_for_charts="Exact match on date of birth (same precision)"
            ),
            cll.LevenshteinLevel("date_of_birth", 1),
            cll.AbsoluteDateDifferenceLevel(
                "dob_full", threshold=1, metric="month", input_is_string=True,
                datetime_format="%Y-%m-%d",
            ),
            cll.AbsoluteDateDifferenceLevel(
                "dob_full", threshold=1, metric="year", input_is_string=True,
                datetime_format="%Y-%m-%d",
            ),
            cll.CustomLevel(
                "starts_with(date_of_birth_l, date_of_birth_r) OR "
                "starts_with(date_of_birth_r, date_of_birth_l)",
                label_for_charts="Partial date agrees as far as it goes",
            ),
            cll.CustomLevel(
                f"abs({year.format(s='l')} - {year.format(s='r')}) <= 10",
                label_for_charts="Years within 10",
            ),
            cll.ElseLevel(),
        ],
    )


def split_names(profile: dict) -> str:
    """How the data gives names: "split" (given and family apart in (nearly) every record),
    "whole" (only the whole name), or "mixed" (some sources one way, some the other)."""
    if not used(profile, "given_name", "family_name"):
        return "whole"
    return "mixed" if profile["whole_name_only"] >= MIN_FILLED else "split"


def name_comparison(profile: dict):
    """ForenameSurnameComparison where both records give the names apart, NameComparison on the
    whole name where either gives only the whole name."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    kind = split_names(profile)
    if kind == "whole":
        return cl.NameComparison("name")
    if kind == "split":
        return cl.ForenameSurnameComparison(
            "given_name", "family_name", forename_surname_concat_col_name="given_family"
        )
    # Mixed. `name` is the whole name's folded tokens in order of the alphabet, so an exact
    # match on it is also ForenameSurnameComparison's exact and swapped-columns levels.
    either_whole = (
        "(given_name_l IS NULL OR family_name_l IS NULL "
        "OR given_name_r IS NULL OR family_name_r IS NULL)"
    )
    whole = [
        cll.CustomLevel(
            f"{either_whole} AND jaro_winkler_similarity(name_l, name_r) >= {t}",
            label_for_charts=f"Whole name only: Jaro-Winkler >= {t}",
        )
        for t in (0.92, 0.88, 0.7)
    ]
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True).configure(
                label_for_charts="Exact match on the whole name (any order)"
            ),
            cll.And(
                cll.JaroWinklerLevel("given_name", 0.92),
                cll.JaroWinklerLevel("family_name", 0.92),
            ),
            cll.And(
                cll.JaroWinklerLevel("given_name", 0.88),
                cll.JaroWinklerLevel("family_name", 0.88),
            ),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            *whole,
            cll.ElseLevel(),
        ],
    )


def comparisons(profile: dict) -> list:
    """Splink's documented comparisons for person data, for the fields the data fills."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    out = []
    if used(profile, "name") or used(profile, "given_name", "family_name"):
        out.append(name_comparison(profile))
    if used(profile, "date_of_birth"):
        out.append(date_of_birth_comparison(profile))
    if used(profile, "place_of_birth"):
        out.append(
            cl.JaroWinklerAtThresholds("place_of_birth", 0.9).configure(
                term_frequency_adjustments=True
            )
        )
    if used(profile, "id_document"):
        out.append(cl.DamerauLevenshteinAtThresholds("id_document", [1, 2]))
    if used(profile, "email"):
        out.append(cl.EmailComparison("email"))
    if used(profile, "phone"):
        out.append(
            cl.DamerauLevenshteinAtThresholds("phone", [1]).configure(
                term_frequency_adjustments=True
            )
        )
    if used(profile, "address"):
        out.append(
            cl.CustomComparison(
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
        )
    if used(profile, "nationality"):
        out.append(cl.ExactMatch("nationality").configure(term_frequency_adjustments=True))
    if used(profile, "gender"):
        out.append(cl.ExactMatch("gender"))
    for col in ("bank_account", "tax_id", "account_id"):
        if used(profile, col):
            out.append(cl.ExactMatch(col).configure(term_frequency_adjustments=True))
    return out


# The prediction blocking rules, each with the fields it needs filled. Chosen, as Splink's
# blocking tutorial says, by the comparisons they create: no more than about 20 million for
# DuckDB on a laptop, here at a million records (about 10 million with these rules on the
# simulated world). The person examples' looser rules (the whole name alone, given and family name,
# postcode with a name, deduplicate_50k_synthetic's 2+2-letter name prefixes with the birth
# year) each make 25 million to a billion comparisons at a million simulated records, where
# namesakes share names and addresses. Every way a true pair can differ is left at least one
# rule: a misspelt name (identifiers, the name's first three letters or the postcode or the
# birth place with the date of birth), a partial or missing date of birth (identifiers, the
# name with the street, the name and birth year with the postcode), no address (the names with
# the date of birth).
BLOCKING_RULES = [
    (("id_document",), ("id_document",)),
    (("email",), ("email",)),
    (("phone",), ("phone",)),
    (("name", "date_of_birth"), ("name", "date_of_birth")),
    (("name", "date_of_birth"), ("substr(name, 1, 3)", "date_of_birth")),
    (("family_name", "date_of_birth"), ("family_name", "date_of_birth")),
    (("given_name", "date_of_birth"), ("given_name", "date_of_birth")),
    (("date_of_birth", "place"), ("date_of_birth", "place")),
    (("date_of_birth", "place_of_birth"), ("date_of_birth", "place_of_birth")),
    (("name", "date_of_birth", "place"), ("name", "substr(date_of_birth, 1, 4)", "place")),
    (("name", "street"), ("name", "street")),
]


def blocking_rules(profile: dict) -> list:
    from splink import block_on

    return [block_on(*cols) for need, cols in BLOCKING_RULES if used(profile, *need)]


def training_plan(profile: dict) -> dict:
    """The deterministic rules for the prior (with an identifier among them, the tutorial's
    guess of their recall, 0.7), and the EM sessions' blocking rules: the whole name with the
    date of birth, which trains every other comparison, then the identity document (or the
    e-mail), which trains the name and the date of birth (see the module docstring)."""
    from splink import block_on

    deterministic = []
    for need, cols in [
        (("name", "date_of_birth"), ("name", "date_of_birth")),
        (("date_of_birth", "place"), ("date_of_birth", "place")),
        (("id_document",), ("id_document",)),
        (("email",), ("email",)),
    ]:
        if used(profile, *need):
            deterministic.append(block_on(*cols))
    em = []
    if used(profile, "name", "date_of_birth"):
        em.append(block_on("name", "date_of_birth"))
    if used(profile, "id_document"):
        em.append(block_on("id_document"))
    elif used(profile, "email"):
        em.append(block_on("email"))
    return {"deterministic": deterministic, "em": em}


def settings(profile: dict):
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(profile),
        blocking_rules_to_generate_predictions=blocking_rules(profile),
        additional_columns_to_retain=["org", "feed", "source_id"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def rule_sql(rule) -> str:
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    return to_blocking_rule_creator(rule).get_blocking_rule("duckdb").blocking_rule_sql


# ---------------------------------------------------------------------------------------------
# run


def run(args) -> int:
    import logging

    import duckdb
    import splink
    from splink import DuckDBAPI, Linker

    started = time.monotonic()

    def step(msg: str) -> None:
        print(f"[{time.monotonic() - started:8.1f}s] {msg}", file=sys.stderr, flush=True)

    con = duckdb.connect(":memory:")
    query(con, f"SET threads = {args.threads}")
    query(con, "SET preserve_insertion_order = false")
    spill = os.path.join(os.path.dirname(os.path.abspath(args.out)), "splink-duckdb.tmp")
    query(con, f"SET temp_directory = '{spill}'")
    profile = load(con, args.parties)
    n = profile["records"]
    step(f"splink {splink.__version__}, duckdb {duckdb.__version__}: {n} records loaded")
    step(
        "fields filled: "
        + ", ".join(f for f in FIELDS if used(profile, f))
        + f"; {profile['partial_dates_of_birth']} partial dates of birth; names "
        + split_names(profile)
    )

    db_api = DuckDBAPI(connection=con)
    df = db_api.register("people")
    linker = Linker(
        df, settings(profile), log_level=logging.INFO if args.verbose else logging.WARNING
    )
    plan = training_plan(profile)

    t_train = time.monotonic()
    if plan["deterministic"]:
        linker.training.estimate_probability_two_random_records_match(
            plan["deterministic"], recall=args.prior_recall
        )
        step("prior estimated from " + "; ".join(rule_sql(r) for r in plan["deterministic"]))
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=args.seed)
    step("u estimated")
    em_failed = []
    for rule in plan["em"]:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=args.em_max_pairs
            )
        except ValueError as e:
            # Splink refuses an m-probability that EM drove to 0; keep the other session's
            # estimates (and Splink's defaults where none) rather than stop.
            em_failed.append(rule_sql(rule))
            print(f"warning: EM session blocked on {rule_sql(rule)} failed: {e}", file=sys.stderr)
    train_s = time.monotonic() - t_train
    step(f"m estimated by EM on {'; '.join(rule_sql(r) for r in plan['em'])} ({train_s:.1f}s training)")

    t_predict = time.monotonic()
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    pairs = query(con, f"SELECT count(*) FROM {predictions.physical_name}")[0][0]
    predict_s = time.monotonic() - t_predict
    step(f"{pairs} pairs at or above {args.threshold} (predict {predict_s:.1f}s)")
    t_cluster = time.monotonic()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    t = clusters.physical_name
    counts = query(con, f"SELECT count(*), count(DISTINCT cluster_id) FROM {t}")[0]
    cluster_s = time.monotonic() - t_cluster
    step(f"{counts[1]} clusters over {counts[0]} records (cluster {cluster_s:.1f}s)")
    if counts[0] != n:
        print(f"error: clustering returned {counts[0]} records for {n} inputs", file=sys.stderr)
        return 1
    query(
        con,
        f"""
        COPY (
            SELECT org, feed, source_id, cluster_id AS actor_id FROM {t} ORDER BY unique_id
        ) TO '{args.out.replace("'", "''")}' (HEADER, DELIMITER ',')
        """,
    )
    total_s = time.monotonic() - started
    step(f"wrote {args.out}")
    steps = os.path.join(os.path.dirname(os.path.abspath(args.out)), "splink-steps.json")
    with open(steps, "w") as f:
        json.dump(
            {
                "splink": splink.__version__,
                "duckdb": duckdb.__version__,
                "records": n,
                "threshold": args.threshold,
                "threads": args.threads,
                "fields_filled": [c for c in FIELDS if used(profile, c)],
                "partial_dates_of_birth": profile["partial_dates_of_birth"],
                "names": split_names(profile),
                "comparisons": [c.get_comparison("duckdb").output_column_name
                                for c in comparisons(profile)],
                "blocking_rules": [rule_sql(r) for r in blocking_rules(profile)],
                "prior_rules": [rule_sql(r) for r in plan["deterministic"]],
                "prior_recall": args.prior_recall,
                "u_max_pairs": args.u_max_pairs,
                "em_rules": [rule_sql(r) for r in plan["em"]],
                "em_max_pairs": args.em_max_pairs,
                "em_failed": em_failed,
                "probability_two_random_records_match":
                    linker._settings_obj._probability_two_random_records_match,
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


# ---------------------------------------------------------------------------------------------
# blocking


def blocking(args) -> int:
    """The share of true pairs at least one prediction blocking rule compares, evaluated with
    the rules' own SQL over the true pairs, and Splink's own count of the comparisons."""
    import duckdb
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    con = duckdb.connect(":memory:")
    query(con, f"SET threads = {args.threads}")
    profile = load(con, args.parties)
    rules = blocking_rules(profile)
    query(
        con,
        """
        CREATE TABLE truth AS
        SELECT * FROM read_csv(?, header = true, columns = {
            'org': 'VARCHAR', 'feed': 'VARCHAR', 'source_id': 'VARCHAR', 'true_id': 'VARCHAR'})
        """,
        [args.truth],
    )
    query(
        con,
        """
        CREATE TABLE entity AS
        SELECT p.unique_id, t.true_id FROM people p
        JOIN truth t USING (org, feed, source_id)
        """,
    )
    matched = query(con, "SELECT count(*) FROM entity")[0][0]
    query(
        con,
        """
        CREATE TABLE true_pairs AS
        SELECT a.unique_id AS id_l, b.unique_id AS id_r
        FROM entity a JOIN entity b ON a.true_id = b.true_id AND a.unique_id < b.unique_id
        """,
    )
    true_pairs = query(con, "SELECT count(*) FROM true_pairs")[0][0]
    pair_join = """
        FROM true_pairs p
        JOIN people l ON l.unique_id = p.id_l JOIN people r ON r.unique_id = p.id_r
    """
    per_rule = []
    conds = []
    for rule in rules:
        # Every rule is symmetric in l and r, so the pair's orientation does not matter.
        cond = f"({rule_sql(rule)})"
        conds.append(cond)
        hit = query(con, f"SELECT count(*) {pair_join} WHERE {cond}")[0][0]
        per_rule.append({"rule": rule_sql(rule), "true_pairs_compared": hit})
    any_hit = (
        query(con, f"SELECT count(*) {pair_join} WHERE {' OR '.join(conds)}")[0][0]
        if conds
        else 0
    )

    db_api = DuckDBAPI(connection=con)
    counts = count_comparisons_from_blocking_rules(
        db_api.register("people"),
        blocking_rules=rules,
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        record_sample_proportion=1.0,
    )
    for r, c in zip(per_rule, counts):
        r["comparisons_marginal"] = int(c["marginal_comparison_count"])
    result = {
        "records": profile["records"],
        "records_in_truth": matched,
        "true_pairs": true_pairs,
        "compared": any_hit,
        "recall": any_hit / true_pairs if true_pairs else None,
        "comparisons": int(counts[-1]["cumulative_comparison_count"]) if counts else 0,
        "rules": per_rule,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    recall = f"{result['recall']:.4f}" if result["recall"] is not None else "-"
    print(
        f"Splink's blocking compares {any_hit:,} of {true_pairs:,} true pairs (recall {recall}) "
        f"in {result['comparisons']:,} comparisons"
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
    for n in config["sizes"]:
        d = os.path.join(work, f"people-{n}")
        with open(os.path.join(d, "parties.csv"), newline="") as f:
            records = sum(1 for _ in csv.reader(f)) - 1
        for tool in ("interdict", "splink"):
            status_file = os.path.join(d, f"{tool}.status")
            if not os.path.exists(status_file):
                continue
            row = {"size": n, "tool": tool, "records": records}
            load_file = os.path.join(d, f"{tool}.load")
            if os.path.exists(load_file):
                row["load_average_before"] = open(load_file).read().strip()
            row["status"] = open(status_file).read().strip()
            time_file = os.path.join(d, f"{tool}.time")
            if row["status"] in ("ok", "timeout") and os.path.exists(time_file):
                row["wall_s"], row["peak_mib"] = timing(time_file)
            if row["status"] != "ok":
                results.append(row)
                continue
            ev = read_json(os.path.join(d, f"{tool}-eval.json"))
            for kind in ("pairwise", "bcubed"):
                row[kind] = {k: ev[kind][k] for k in ("precision", "recall", "f1")}
            for k in ("predicted_clusters", "true_clusters", "truth_records_not_resolved"):
                if k in ev:
                    row[k] = ev[k]
            if tool == "interdict":
                out = read_json(os.path.join(d, "interdict.json"))
                b = (out.get("summary") or {}).get("blocking_recall")
                if b:
                    row["blocking"] = b
                    row["blocking_recall"] = b.get("recall")
                ingest = read_json(os.path.join(d, "ingest.json"))
                if isinstance(ingest, list):
                    row["ingest_quarantined"] = sum(x.get("quarantined", 0) for x in ingest)
            else:
                steps = read_json(os.path.join(d, "splink-steps.json"))
                row["steps"] = steps
                row["predict_cluster_s"] = steps["predict_cluster_s"]
            results.append(row)
        blk = os.path.join(d, "splink-blocking.json")
        if os.path.exists(blk):
            b = read_json(blk)
            for row in results:
                if row["size"] == n and row["tool"] == "splink":
                    row["blocking"] = b
                    row["blocking_recall"] = b["recall"]

    def fmt(r):
        head = f"{r['size']:>9,} {r['tool']:<10}{r['records']:>10,}"
        if r["status"] != "ok":
            wall = f"{r['wall_s']:.1f}" if "wall_s" in r else "-"
            return f"{head}{wall:>9}  {r['status']}"
        p, b = r["pairwise"], r["bcubed"]
        rec = r.get("blocking_recall")
        pc = r.get("predict_cluster_s")
        return (
            f"{head}{r['wall_s']:>9.1f}{r['peak_mib']:>10,.0f}"
            f"{p['precision']:>8.4f}{p['recall']:>8.4f}{p['f1']:>8.4f}"
            f"{b['precision']:>8.4f}{b['recall']:>8.4f}{b['f1']:>8.4f}"
            + (f"{rec:>12.4f}" if rec is not None else f"{'-':>12}")
            + (f"{pc:>8.1f}" if pc is not None else f"{'-':>8}")
            + f"{r.get('predicted_clusters', 0):>10,}"
        )

    print()
    print(
        f"{'size':>9} {'tool':<10}{'records':>10}{'wall s':>9}{'peak MiB':>10}"
        f"{'pw P':>8}{'pw R':>8}{'pw F1':>8}{'b3 P':>8}{'b3 R':>8}{'b3 F1':>8}"
        f"{'blk recall':>12}{'p+c s':>8}{'clusters':>10}"
    )
    for r in results:
        print(fmt(r))
    true_clusters = ", ".join(
        f"{r['size']:,}: {r['true_clusters']:,}"
        for r in results
        if r["tool"] == "interdict" and "true_clusters" in r
    )
    print(
        f"\nmatch threshold {config['threshold']} for both tools; clusters: predicted (true: "
        f"{true_clusters});\nblk recall: share of true pairs the tool's blocking compares "
        "(Splink's measured apart, not timed);\np+c s: Splink's predict + cluster seconds, "
        "inside its wall time."
    )
    for r in results:
        if r.get("truth_records_not_resolved") or r.get("ingest_quarantined"):
            print(
                f"warning: {r['size']} {r['tool']}: {r.get('ingest_quarantined', 0)} rows "
                f"quarantined, {r.get('truth_records_not_resolved', 0)} truth records unresolved"
            )
    out = os.path.join(work, "people-results.json")
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
    p = sub.add_parser("run", help="resolve the exported party records with Splink")
    p.add_argument("parties", help="CSV from `interdict export parties`")
    p.add_argument("out", help="CSV of org,feed,source_id,actor_id to write")
    p.add_argument("--threshold", type=float, default=0.9, help="match probability to link")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    p.add_argument("--u-max-pairs", type=float, default=1e7, help="random pairs for u")
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
    p = sub.add_parser("blocking", help="Splink's blocking: comparisons and recall")
    p.add_argument("parties")
    p.add_argument("truth", help="CSV of org,feed,source_id,true_id")
    p.add_argument("out", help="JSON to write")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    p = sub.add_parser("report", help="print the table, write people-results.json")
    p.add_argument("work")
    p.add_argument("config")
    args = ap.parse_args()
    if args.cmd == "run":
        return run(args)
    if args.cmd == "blocking":
        return blocking(args)
    return report(args)


if __name__ == "__main__":
    sys.exit(main())

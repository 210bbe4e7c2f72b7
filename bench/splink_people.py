"""Person records for bench/people.sh: resolve interdict's exported party records with Splink 5
(DuckDB) configured as Splink's own documentation configures person data, and measure its
blocking recall against the truth.

    python bench/splink_people.py run PARTIES.csv CLUSTERS.csv [--threshold 0.9] [--threads 2]
    python bench/splink_people.py blocking PARTIES.csv TRUTH.csv OUT.json

PARTIES.csv is `interdict export parties`: one row per party record with its normalised
comparison values, an empty field a missing value. `run` writes org,feed,source_id,actor_id for
every record, singletons included, so that `interdict eval resolve --predicted` scores Splink's
clusters with the same code as interdict's; its step times go beside CLUSTERS.csv as
splink-steps.json. The command line, the run and the blocking analysis are shared with
bench/splink_resolve.py (bench/splink_common.py); this file is the model. Splink's input is one
row per record.

The model (see `comparisons`, BLOCKING_RULES and `plan`) follows Splink's documented
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

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splink_common import address_comparison, party_command, query, read_parties  # noqa: E402

# A field filled in fewer records than this share is left out of the model and the blocking.
MIN_FILLED = 0.01


# ---------------------------------------------------------------------------------------------
# The data


def prepare(con, args) -> dict:
    """Reads the export into table `splink_input` (one row per record, missing values NULL) with
    the derived columns the model uses; returns the profile: record count, filled share per
    field, partial dates."""
    fields = read_parties(con, args.parties, "raw")
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
        CREATE TABLE splink_input AS
        SELECT *,
               given_name || ' ' || family_name AS given_family,
               CASE WHEN length(date_of_birth) = 10 THEN date_of_birth END AS dob_full
        FROM folded
        """,
    )
    query(con, "DROP TABLE folded")
    query(con, "DROP TABLE raw")
    query(
        con,
        "CREATE VIEW record_rows AS "
        "SELECT unique_id, org, feed, source_id, unique_id AS row_id FROM splink_input",
    )
    n = query(con, "SELECT count(*) FROM splink_input")[0][0]
    counts = query(
        con, "SELECT " + ", ".join(f"count({c})" for c in fields) + " FROM splink_input"
    )[0]
    partial, whole_only = query(
        con,
        """
        SELECT count(*) FILTER (WHERE date_of_birth IS NOT NULL AND dob_full IS NULL),
               count(*) FILTER (WHERE name IS NOT NULL AND given_family IS NULL)
        FROM splink_input
        """,
    )[0]
    filled = {c: (k / n if n else 0.0) for c, k in zip(fields, counts)}
    profile = {
        "records": n,
        "filled": filled,
        "fields_filled": [c for c in fields if filled[c] >= MIN_FILLED],
        "partial_dates_of_birth": partial,
        "whole_name_only": whole_only / n if n else 0.0,
    }
    profile["names"] = split_names(profile)
    return profile


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
        out.append(address_comparison())
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


def blocking_rules(profile: dict, args=None) -> list:
    from splink import block_on

    return [block_on(*cols) for need, cols in BLOCKING_RULES if used(profile, *need)]


def plan(profile: dict, args) -> dict:
    """The deterministic rules for the prior (with an identifier among them, the tutorial's
    guess of their recall, 0.7), u from --u-max-pairs random pairs, and the EM sessions'
    blocking rules: the whole name with the date of birth, which trains every other comparison,
    then the identity document (or the e-mail), which trains the name and the date of birth (see
    the module docstring); EM without term frequencies, as the historical-persons example."""
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
    return {
        "deterministic": deterministic,
        "prior_recall": args.prior_recall,
        "u_max_pairs": args.u_max_pairs,
        "seed": args.seed,
        "em": em,
        "em_without_tf": True,
        "em_max_pairs": args.em_max_pairs,
    }


def settings(profile: dict, args=None):
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


# Random pairs for u: the historical-persons example's 1e7.
U_MAX_PAIRS = 1e7


def add_arguments(parser) -> None:
    """No options of its own."""


if __name__ == "__main__":
    sys.exit(party_command(sys.modules[__name__], __doc__))

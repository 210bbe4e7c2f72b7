"""The operation world for bench/resolve.sh: resolve interdict's exported party records (shippers,
consignees, sellers... of every partner) with Splink 5 (DuckDB) configured as Splink's
documentation configures a linkage, and measure its blocking recall against the truth.

    python bench/splink_resolve.py run PARTIES.csv CLUSTERS.csv [--hub-limit 1000]
                                   [--threshold 0.9] [--threads 2] [--u-max-pairs 1e8]
    python bench/splink_resolve.py blocking PARTIES.csv TRUTH.csv OUT.json [--hub-limit 1000]

PARTIES.csv is `interdict export parties`: one row per party record with its normalised
comparison values, an empty field a missing value. `run` writes org,feed,source_id,actor_id for
every record, singletons included, so that `interdict eval resolve --predicted` scores Splink's
clusters with the same code as interdict's; its step times go beside CLUSTERS.csv as
splink-steps.json. The command line, the run and the blocking analysis are shared with
bench/splink_people.py (bench/splink_common.py); this file is the model.

The model follows Splink's tutorial (docs/demos/tutorials 03 and 04) and topic guides, in the
style of bench/splink_people.py:

  comparison     levels, best first                                         term frequencies
  name           NameComparison: exact / Jaro-Winkler 0.92, 0.88, 0.7      on the exact level
  email          EmailComparison: exact / same user name / Jaro-Winkler    on the exact level
                 0.88 on the address, on the user name
  phone          exact (numbers are E.164, no typos to grade)              yes
  address        exact key / Jaro-Winkler >= 0.9 / same building           on the exact and
                 (postcode and number) / same postcode (or city)           postcode levels
  bank_account,  exact                                                     yes
  tax_id,
  account_id

A missing value on either side is Splink's null level. `country` repeats the address's country
and `date` is the day a record was seen, not an attribute of the party: neither is compared (as
in bench/splink_people.py).

Prediction blocking rules, one per identifier and on the name and the address, as the blocking
topic guide advises (many strict rules rather than a few loose ones): e-mail, phone, bank account,
tax id, account id, the whole name, the name's first token with the country (`name` is the
folded tokens in alphabetical order, so a misspelt token elsewhere still meets), the whole
address, the postcode (or city). Their comparisons are counted with Splink's own
`count_comparisons_from_blocking_rules` (the `blocking` command) against the tutorial's budget of
about 20 million for DuckDB on a laptop.

Very common values: the blocking tutorial warns that skewed values make blocks of millions of
comparisons (`n_largest_blocks` finds them). Here they are hubs (a forwarder's warehouse, a call
centre's number, a generic mailbox) shared by parties of many different names. Each blocking
column is a copy of its key that is NULL where more than --hub-limit input rows share the value
(for the name-and-country rule, the pair of values), so such a value makes no block while the
records carrying it still meet on their other keys. The comparisons keep the value, weighted by
its term frequency, as the topic guide on term frequencies does for common values. The default
limit, 1,000, keeps any one block under half a million comparisons (n(n-1)/2), a fortieth of
the tutorial's budget, so that no single value can take a large share of it; a value shared by
fewer rows is ordinary for one prolific party and is blocked on.

Training, as the tutorial: the prior from deterministic rules (same name and same e-mail, phone
or address) with its recall guess of 0.7; u from --u-max-pairs random pairs (1e8, the scaling
tutorial's advice for a final model); m by EM in two sessions, blocked on the whole name (which
trains every other comparison) and on the e-mail (which trains the name), each on the raw
column so that Splink knows which comparison the session fixes, without term frequencies as in
bench/splink_people.py. One match probability, --threshold (0.9, interdict's default), to
predict and to cluster; nothing is tuned on the truth.

Departure: Splink scores distinct descriptions, not records. The carrier and customs hold the
same shipments and a party repeats one description on many shipments, so most records repeat
another's description in every field the model reads (100,207 records, 22,920 descriptions in
the 100,000 world). Splink's input is one row per description (with its record count); the
clusters are the same as with one row per record and the same parameters, because every record
of a description has the same comparison vector against any other record, at a fraction of the
comparisons. Two records of one description are one party when Splink scores the description
against itself at or above the threshold, as its unlinkables analysis scores a record against
itself (`linker._self_link()`, which `linker.evaluation.unlinkables_chart()` uses), or when the
description links to any other; else each is a cluster of its own. The hub limit counts
descriptions, so a party's own repeated values count once per description, not per shipment.
u, EM and the term frequencies are estimated over descriptions.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splink_common import address_comparison, party_command, query, read_parties  # noqa: E402

# The fields the model reads: a description is a distinct combination of them.
DESCRIPTION = [
    "name",
    "email",
    "phone",
    "address",
    "building",
    "place",
    "bank_account",
    "tax_id",
    "account_id",
    "country",
]
# The prediction blocking keys, each as SQL over a description; blk_<key> is the hub-limited copy.
BLOCKING_KEYS = {
    "email": "email",
    "phone": "phone",
    "bank_account": "bank_account",
    "tax_id": "tax_id",
    "account_id": "account_id",
    "name": "name",
    "name_country": "split_part(name, ' ', 1) || '|' || country",
    "address": "address",
    "postcode": "place",
}
# Random pairs for u: the scaling tutorial's advice for a final model.
U_MAX_PAIRS = 1e8


def add_arguments(parser) -> None:
    parser.add_argument(
        "--hub-limit",
        type=int,
        default=1000,
        help="largest number of descriptions sharing a value that is blocked on (default 1000)",
    )


# ---------------------------------------------------------------------------------------------
# The data


def prepare(con, args) -> dict:
    """Reads the export: table `records`, view `record_rows` (each record's description) and
    table `splink_input`, one row per description with its record count and the hub-limited
    blocking columns. Returns the counts and what the hub limit took out of blocking."""
    read_parties(con, args.parties, "records")
    n = query(con, "SELECT count(*) FROM records")[0][0]
    key = ", ".join(DESCRIPTION)
    query(
        con,
        f"""
        CREATE TABLE record_description AS
        SELECT unique_id, dense_rank() OVER (ORDER BY {key}) AS row_id FROM records
        """,
    )
    query(
        con,
        """
        CREATE VIEW record_rows AS
        SELECT r.unique_id, r.org, r.feed, r.source_id, d.row_id
        FROM records r JOIN record_description d USING (unique_id)
        """,
    )
    blk = ", ".join(
        f"CASE WHEN count(*) OVER (PARTITION BY {sql}) <= {args.hub_limit} THEN {sql} END "
        f"AS blk_{k}"
        for k, sql in BLOCKING_KEYS.items()
    )
    columns = ", ".join(f"any_value(r.{c}) AS {c}" for c in DESCRIPTION)
    query(
        con,
        f"""
        CREATE TABLE splink_input AS
        SELECT *, {blk}
        FROM (
            SELECT d.row_id AS unique_id, count(*) AS records, {columns}
            FROM records r JOIN record_description d USING (unique_id)
            GROUP BY d.row_id
        )
        """,
    )
    rows = query(con, "SELECT count(*) FROM splink_input")[0][0]
    hubs = {}
    for k, sql in BLOCKING_KEYS.items():
        values, at_values, largest = query(
            con,
            f"""
            SELECT count(*) FILTER (WHERE n > {args.hub_limit}),
                   coalesce(sum(n) FILTER (WHERE n > {args.hub_limit}), 0),
                   max(n) FILTER (WHERE n <= {args.hub_limit})
            FROM (SELECT {sql} AS v, count(*) AS n FROM splink_input WHERE v IS NOT NULL GROUP BY v)
            """,
        )[0]
        hubs[k] = {
            "hub_values": values,
            "rows_at_hub_values": int(at_values),
            "largest_block": largest,
        }
    return {"records": n, "descriptions": rows, "hub_limit": args.hub_limit, "hubs": hubs}


# ---------------------------------------------------------------------------------------------
# The model


def comparisons() -> list:
    import splink.comparison_library as cl

    return [
        cl.NameComparison("name").configure(term_frequency_adjustments=True),
        cl.EmailComparison("email").configure(term_frequency_adjustments=True),
        cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
        address_comparison(),
        *[
            cl.ExactMatch(c).configure(term_frequency_adjustments=True)
            for c in ("bank_account", "tax_id", "account_id")
        ],
    ]


def blocking_rules(info: dict, args=None) -> list:
    from splink import block_on

    return [block_on(f"blk_{k}") for k in BLOCKING_KEYS]


def plan(info: dict, args) -> dict:
    from splink import block_on

    return {
        "deterministic": [
            block_on("name", "email"),
            block_on("name", "phone"),
            block_on("name", "address"),
        ],
        "prior_recall": args.prior_recall,
        "u_max_pairs": args.u_max_pairs,
        "seed": args.seed,
        "em": [block_on("name"), block_on("email")],
        "em_without_tf": True,
        "em_max_pairs": args.em_max_pairs,
    }


def settings(info: dict, args=None):
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(info),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def record_clusters(con, linker, clusters: str, threshold: float) -> tuple[str, dict]:
    """Every record's actor: its description's cluster when the description scores at or above
    the threshold against itself or is linked to another description, else a cluster of its
    own (see the module docstring)."""
    self_link = linker._self_link().physical_name
    query(
        con,
        f"""
        CREATE TABLE description_actor AS
        SELECT c.unique_id,
               CAST(c.cluster_id AS VARCHAR) AS cluster_id,
               count(*) OVER (PARTITION BY c.cluster_id) > 1
                   OR s.match_probability >= {threshold} AS together
        FROM {clusters} c JOIN {self_link} s ON s.unique_id_l = c.unique_id
        """,
    )
    query(
        con,
        """
        CREATE VIEW record_actor AS
        SELECT r.unique_id, r.org, r.feed, r.source_id,
               CASE WHEN a.together THEN a.cluster_id
                    ELSE a.cluster_id || '#' || r.unique_id END AS actor_id
        FROM record_rows r JOIN description_actor a ON a.unique_id = r.row_id
        """,
    )
    apart, records_apart = query(
        con,
        """
        SELECT count(*), coalesce(sum(s.records), 0)
        FROM description_actor a JOIN splink_input s USING (unique_id)
        WHERE NOT a.together AND s.records > 1
        """,
    )[0]
    return "record_actor", {
        "descriptions_kept_apart": apart,
        "records_kept_apart": int(records_apart),
    }


if __name__ == "__main__":
    sys.exit(party_command(sys.modules[__name__], __doc__))

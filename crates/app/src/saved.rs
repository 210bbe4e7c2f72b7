//! The typed formats of everything kept beside the records (`Store::put_derived`): every saved
//! output is read and written here and nowhere else, so its format has one definition and one
//! set of tests. All of it is recomputable from the records.
//!
//! | key | what | format |
//! | --- | --- | --- |
//! | `resolution/model` | the Fellegi–Sunter model | JSON |
//! | `resolution/actors` | the actor of every party record, in reading order | LZ4 of `org\tfeed\tsource_id\tactor_id` lines |
//! | `resolution/state` | summary, hubs and blocking settings of the last run | JSON |
//! | `score/model` | the scoring models | JSON |
//! | `score/rules` | the active rule pack | TOML |
//! | `score/scores` | every score with its stamp and reasons; an organisation's own scores where they differ from the shared ones | LZ4 of tab-separated lines, lists joined by U+001F |
//! | `score/rules/<org>`, `score/rule-history/<org>` | an organisation's own rule pack and its versions | TOML, JSON |
//! | `score/scorings` | what each organisation's own scores were last made with | JSON |
//! | `directory/shared-risk` | which feeds of each organisation inform other organisations' scores | JSON |
//! | `score/withdrawn` | labels withdrawn by the organisation that gave them | JSON |

use std::collections::BTreeMap;

use interdict_model::{Feed, RecordKey};
use interdict_resolve::{Model, Previous, Summary};
use interdict_score::Models;
use interdict_score::rules::{RulePack, VOCABULARY};
use interdict_store::Store;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Context, Error, Result, missing};

pub const RESOLUTION_MODEL: &str = "resolution/model";
pub const ACTORS: &str = "resolution/actors";
pub const RESOLUTION_STATE: &str = "resolution/state";
pub const SCORE_MODEL: &str = "score/model";
pub const RULES: &str = "score/rules";
pub const SCORES: &str = "score/scores";
pub const WITHDRAWN: &str = "score/withdrawn";
pub const ACTOR_ID_KEY: &str = "resolution/actor-id-key";
pub const BRAND_OWNERS: &str = "directory/brand-owners";
pub const RULE_HISTORY: &str = "score/rule-history";
pub const SCORINGS: &str = "score/scorings";
pub const SHARED_RISK: &str = "directory/shared-risk";

fn corrupt(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("the saved {what} cannot be read: {e}"))
}

fn load_json<T: for<'de> Deserialize<'de>>(
    store: &dyn Store,
    key: &str,
    what: &str,
) -> Result<Option<T>> {
    store
        .get_derived(key)?
        .map(|b| serde_json::from_slice(&b).map_err(|e| corrupt(what, e)))
        .transpose()
}

fn unpack(blob: &[u8], what: &str) -> Result<String> {
    let bytes = lz4_flex::decompress_size_prepended(blob).map_err(|e| corrupt(what, e))?;
    String::from_utf8(bytes).map_err(|_| corrupt(what, "not text"))
}

// ---------------------------------------------------------------------------------------------
// Resolution

/// The saved resolution model; `None` when there is none, or when it was saved by an older
/// version that compared fewer fields (resolving again trains a new one).
pub fn resolution_model(store: &dyn Store) -> Result<Option<Model>> {
    Ok(load_json::<Model>(store, RESOLUTION_MODEL, "resolution model")?.filter(Model::is_current))
}

/// The saved resolution model, or an error telling the user to resolve first.
pub fn require_resolution_model(store: &dyn Store) -> Result<Model> {
    match resolution_model(store)? {
        Some(m) => Ok(m),
        None => missing!(
            "no current resolution model in this store (none yet, or one saved by an older \
             version): run `interdict resolve` first"
        ),
    }
}

pub fn save_resolution_model(store: &mut dyn Store, model: &Model, at: &str) -> Result<()> {
    store.put_derived(RESOLUTION_MODEL, &serde_json::to_vec_pretty(model)?, at)?;
    Ok(())
}

/// What `resolve` keeps beside the model and the actors.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResolutionState {
    pub summary: Summary,
    pub hubs: Vec<HubReport>,
    /// Hub value hashes, so incremental runs ignore the same values.
    pub hub_values: Vec<u64>,
    pub block_limit: usize,
    pub hub_names: usize,
    pub resolved_at: String,
}

/// A hub value as a person reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HubReport {
    pub kind: String,
    pub value: String,
    pub records: usize,
    pub names: usize,
}

pub fn resolution_state(store: &dyn Store) -> Result<Option<ResolutionState>> {
    load_json(store, RESOLUTION_STATE, "resolution state")
}

pub fn save_resolution_state(
    store: &mut dyn Store,
    state: &ResolutionState,
    at: &str,
) -> Result<()> {
    store.put_derived(RESOLUTION_STATE, &serde_json::to_vec(state)?, at)?;
    Ok(())
}

/// One row of the actor table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorRow<'t> {
    pub org: &'t str,
    pub feed: Feed,
    pub source_id: &'t str,
    pub actor: &'t str,
}

impl ActorRow<'_> {
    pub fn key(&self) -> RecordKey {
        RecordKey::new(self.org, self.feed, self.source_id)
    }

    fn is(&self, k: &RecordKey) -> bool {
        self.org == k.org && self.feed == k.feed && self.source_id == k.source_id
    }
}

/// The actor of every resolved party record, in the order the records were read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorTable {
    text: String,
}

impl ActorTable {
    /// The table of `keys` with their actors `ids`.
    pub fn new<'a>(rows: impl IntoIterator<Item = (&'a RecordKey, &'a str)>) -> ActorTable {
        let mut text = String::new();
        for (k, id) in rows {
            for (i, part) in [k.org.as_str(), k.feed.as_str(), &k.source_id, id]
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    text.push('\t');
                }
                // A tab or line end inside a value would shift every later column.
                text.extend(
                    part.chars()
                        .map(|c| if c == '\t' || c == '\n' { ' ' } else { c }),
                );
            }
            text.push('\n');
        }
        ActorTable { text }
    }

    pub fn encode(&self) -> Vec<u8> {
        lz4_flex::compress_prepend_size(self.text.as_bytes())
    }

    pub fn decode(blob: &[u8]) -> Result<ActorTable> {
        Ok(ActorTable {
            text: unpack(blob, "actors")?,
        })
    }

    /// One line of the table.
    pub fn row(line: &str) -> Result<ActorRow<'_>> {
        let mut p = line.splitn(4, '\t');
        let (Some(org), Some(feed), Some(source_id), Some(actor)) =
            (p.next(), p.next(), p.next(), p.next())
        else {
            return Err(corrupt("actors", format!("malformed line {line:?}")));
        };
        let feed: Feed = feed.parse().map_err(|e| corrupt("actors", e))?;
        Ok(ActorRow {
            org,
            feed,
            source_id,
            actor,
        })
    }

    pub fn len(&self) -> usize {
        self.text.lines().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Every row, in order.
    pub fn rows(&self) -> impl Iterator<Item = Result<ActorRow<'_>>> {
        self.text.lines().map(ActorTable::row)
    }

    /// The rows in chunks of about `bytes`, cut at line ends, for reading on every core.
    pub fn chunks(&self, bytes: usize) -> Vec<&str> {
        let mut chunks = Vec::new();
        let mut rest = self.text.as_str();
        while !rest.is_empty() {
            let mut cut = rest.len().min(bytes.max(1));
            while cut < rest.len() && !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let end = rest[cut..].find('\n').map_or(rest.len(), |i| cut + i + 1);
            chunks.push(&rest[..end]);
            rest = &rest[end..];
        }
        chunks
    }

    /// Every record's actor, by key.
    pub fn to_previous(&self) -> Result<Previous> {
        let mut out = Previous::default();
        for r in self.rows() {
            let r = r?;
            out.insert(r.key(), r.actor.to_owned());
        }
        Ok(out)
    }

    /// The actor of every record in `keys`. While the records come in the order they were
    /// saved in, line `i` is record `i` and no lookup is needed; from the first difference on,
    /// the rest are looked up.
    pub fn actors_of(&self, keys: &[RecordKey]) -> Result<Vec<Option<&str>>> {
        let mut out = Vec::with_capacity(keys.len());
        let mut rows = self.rows();
        for k in keys {
            let Some(r) = rows.next() else { break };
            let r = r?;
            if !r.is(k) {
                break;
            }
            out.push(Some(r.actor));
        }
        if out.len() < keys.len() {
            let mut by_key: rustc_hash::FxHashMap<(&str, Feed, &str), &str> = Default::default();
            for r in self.rows() {
                let r = r?;
                by_key.insert((r.org, r.feed, r.source_id), r.actor);
            }
            for k in &keys[out.len()..] {
                out.push(
                    by_key
                        .get(&(k.org.as_str(), k.feed, k.source_id.as_str()))
                        .copied(),
                );
            }
        }
        Ok(out)
    }
}

/// The saved actor table with the rows appended to it since, `None` before the first
/// resolution.
pub fn actor_table(store: &dyn Store) -> Result<Option<ActorTable>> {
    let pieces = store.derived_pieces(ACTORS, 0)?;
    if pieces.is_empty() {
        return Ok(None);
    }
    let mut text = String::new();
    for p in pieces {
        text.push_str(&ActorTable::decode(&p.data)?.text);
    }
    Ok(Some(ActorTable { text }))
}

/// Appends rows to the saved actor table (the party records of an arrival); gives the stamp
/// of the part.
pub fn append_actors(store: &mut dyn Store, table: &ActorTable, at: &str) -> Result<i64> {
    Ok(store.append_derived(ACTORS, &table.encode(), at)?)
}

/// What a reader holding an output up to stamp `after` lacks of it.
#[derive(Debug)]
pub enum Since {
    /// The output was replaced (or removed): read it whole again.
    Replaced,
    /// Parts were appended (none, maybe): their data, and the stamp of the last one.
    Appended { parts: Vec<Vec<u8>>, upto: i64 },
}

/// What was kept of the derived output `name` after stamp `after`.
pub fn since(store: &dyn Store, name: &str, after: i64) -> Result<Since> {
    let pieces = store.derived_pieces(name, after)?;
    if pieces.iter().any(|p| p.base) {
        return Ok(Since::Replaced);
    }
    let upto = pieces.last().map_or(after, |p| p.stamp);
    Ok(Since::Appended {
        parts: pieces.into_iter().map(|p| p.data).collect(),
        upto,
    })
}

/// The stamp of the last piece of the derived output `name` (replaced or appended).
pub fn last_piece(store: &dyn Store, name: &str) -> Result<i64> {
    // Asked from the output's own stamp on, only the parts after it are read, not the output
    // (a million scores are megabytes); a replacement meanwhile comes whole, with its stamp.
    let base = store
        .derived_stamps()?
        .into_iter()
        .find(|(n, _)| n == name)
        .map_or(0, |(_, s)| s);
    Ok(store
        .derived_pieces(name, base)?
        .last()
        .map_or(base, |p| p.stamp))
}

/// The saved actor table, or an error telling the user to resolve first.
pub fn require_actor_table(store: &dyn Store) -> Result<ActorTable> {
    match actor_table(store)? {
        Some(t) => Ok(t),
        None => missing!("no resolution in this store yet: run `interdict resolve` first"),
    }
}

pub fn save_actor_table(store: &mut dyn Store, table: &ActorTable, at: &str) -> Result<()> {
    store.put_derived(ACTORS, &table.encode(), at)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Scoring

pub fn score_models(store: &dyn Store) -> Result<Option<Models>> {
    load_json(store, SCORE_MODEL, "scoring model")
}

pub fn save_score_models(store: &mut dyn Store, models: &Models, at: &str) -> Result<()> {
    store.put_derived(SCORE_MODEL, &serde_json::to_vec(models)?, at)?;
    Ok(())
}

/// Where a pack line is kept: the platform's default pack (`None`), or an organisation's own.
fn line_key(base: &str, org: Option<&str>) -> String {
    match org {
        None => base.to_owned(),
        Some(o) => format!("{base}/{o}"),
    }
}

/// The text of the active rule pack, `None` while the default is active.
pub fn rules_text(store: &dyn Store) -> Result<Option<String>> {
    rules_text_of(store, None)
}

/// The text of the pack of a line: the platform's default (`None`) or an organisation's own
/// (`None` while it has none switched on).
/// An organisation that went back to the platform's default has an empty pack kept.
pub fn rules_text_of(store: &dyn Store, org: Option<&str>) -> Result<Option<String>> {
    Ok(store
        .get_derived(&line_key(RULES, org))?
        .map(|b| String::from_utf8(b).map_err(|_| corrupt("rule pack", "not text")))
        .transpose()?
        .filter(|t| !t.trim().is_empty()))
}

/// The active rule pack: the one set with `rules set`, else the default.
pub fn rules(store: &dyn Store) -> Result<RulePack> {
    match rules_text(store)? {
        Some(text) => RulePack::parse(&text, VOCABULARY).map_err(|e| corrupt("rule pack", e)),
        None => RulePack::default_pack()
            .map_err(|e| Error::Corrupt(format!("the default rule pack: {e}"))),
    }
}

/// The pack an organisation switched on for its own scores, if any.
pub fn own_rules(store: &dyn Store, org: &str) -> Result<Option<RulePack>> {
    rules_text_of(store, Some(org))?
        .map(|text| {
            RulePack::parse(&text, VOCABULARY)
                .map_err(|e| corrupt(&format!("rule pack of {org}"), e))
        })
        .transpose()
}

/// The organisations with a pack of their own switched on, with it.
pub fn own_packs(store: &dyn Store) -> Result<BTreeMap<String, RulePack>> {
    let prefix = format!("{RULES}/");
    let mut out = BTreeMap::new();
    for (name, _) in store.derived_stamps()? {
        if let Some(org) = name.strip_prefix(&prefix)
            && let Some(pack) = own_rules(store, org)?
        {
            out.insert(org.to_owned(), pack);
        }
    }
    Ok(out)
}

/// One version of the shared rule pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleVersion {
    /// 1, 2, ... in the order proposed.
    pub number: u32,
    /// The exact tag scores carry: `name@version#digest`.
    pub tag: String,
    /// The pack as TOML.
    pub text: String,
    /// Who proposed it (`org:user`, or `cli:login` from the command line).
    pub author: String,
    pub proposed_at: String,
    /// Why, in the author's words.
    pub note: String,
    /// A unified diff against the pack that was active when it was proposed.
    pub diff: String,
    /// The back-test over what the author saw, when it was proposed.
    pub backtest: Vec<interdict_score::RuleTest>,
    /// Who switched it on first, and when; `None` while it is only proposed.
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

/// Every version, oldest first, and which one scores now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleHistory {
    pub versions: Vec<RuleVersion>,
    /// The number of the version switched on now; `None` before any change (the built-in
    /// default or a pack set before the history was kept).
    pub active: Option<u32>,
}

impl RuleHistory {
    pub fn version(&self, number: u32) -> Option<&RuleVersion> {
        self.versions.iter().find(|v| v.number == number)
    }
}

/// Every version of a pack line and which one is on (empty before any change): the
/// platform's default (`None`) or an organisation's own.
pub fn rule_history(store: &dyn Store, org: Option<&str>) -> Result<RuleHistory> {
    Ok(load_json(store, &line_key(RULE_HISTORY, org), "rule pack history")?.unwrap_or_default())
}

pub fn save_rule_history(
    store: &mut dyn Store,
    org: Option<&str>,
    h: &RuleHistory,
    at: &str,
) -> Result<()> {
    store.put_derived(&line_key(RULE_HISTORY, org), &serde_json::to_vec(h)?, at)?;
    Ok(())
}

/// Switches `pack` on for a line: the platform's default (`None`) or an organisation's own.
/// `None` as the pack puts an organisation back on the platform's default.
pub fn save_rules(
    store: &mut dyn Store,
    org: Option<&str>,
    pack: Option<&RulePack>,
    at: &str,
) -> Result<()> {
    let text = pack.map(RulePack::to_toml).unwrap_or_default();
    store.put_derived(&line_key(RULES, org), text.as_bytes(), at)?;
    Ok(())
}

/// Whether each feed of each organisation informs other organisations' scores without
/// disclosure. A feed not named follows the default: every record but RED ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedRisk {
    /// Organisation to feed to setting.
    pub orgs: BTreeMap<String, BTreeMap<Feed, Contributes>>,
}

/// What records of a feed inform other organisations' scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contributes {
    /// Every record, RED ones too.
    All,
    /// None: only the organisations that see a record in full score with it.
    None,
}

impl Contributes {
    /// A setting as it is written: `default` (`None`), `all` or `none`.
    pub fn parse_setting(s: &str) -> std::result::Result<Option<Contributes>, String> {
        match s {
            "default" => Ok(None),
            "all" => Ok(Some(Contributes::All)),
            "none" => Ok(Some(Contributes::None)),
            other => Err(format!("{other:?}: must be default, all or none")),
        }
    }

    /// A setting's name, as [`Contributes::parse_setting`] reads it.
    pub fn setting_name(c: Option<Contributes>) -> &'static str {
        match c {
            None => "default",
            Some(Contributes::All) => "all",
            Some(Contributes::None) => "none",
        }
    }
}

impl SharedRisk {
    /// Whether a record of `owner`'s `feed` under `marking` informs the scores of
    /// organisations that do not see it.
    pub fn contributes(&self, owner: &str, feed: Feed, marking: interdict_model::Marking) -> bool {
        match self.orgs.get(owner).and_then(|f| f.get(&feed)) {
            Some(Contributes::All) => true,
            Some(Contributes::None) => false,
            None => marking != interdict_model::Marking::Red,
        }
    }

    /// The setting of a feed: `Some` when set, `None` for the default.
    pub fn get(&self, owner: &str, feed: Feed) -> Option<Contributes> {
        self.orgs.get(owner).and_then(|f| f.get(&feed)).copied()
    }

    /// Sets a feed (`None` puts the default back).
    pub fn set(&mut self, owner: &str, feed: Feed, to: Option<Contributes>) {
        let feeds = self.orgs.entry(owner.to_owned()).or_default();
        match to {
            Some(c) => {
                feeds.insert(feed, c);
            }
            None => {
                feeds.remove(&feed);
            }
        }
        if feeds.is_empty() {
            self.orgs.remove(owner);
        }
    }
}

pub fn shared_risk(store: &dyn Store) -> Result<SharedRisk> {
    Ok(load_json(store, SHARED_RISK, "shared-risk settings")?.unwrap_or_default())
}

pub fn save_shared_risk(store: &mut dyn Store, s: &SharedRisk, at: &str) -> Result<()> {
    store.put_derived(SHARED_RISK, &serde_json::to_vec(s)?, at)?;
    Ok(())
}

/// What the shared scores and each organisation's own scores were last made with: when it
/// changes (a pack switched on, a feed's sharing changed), they are made again whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorings {
    /// The shared scores' making.
    pub shared: String,
    /// Organisation to its own scores' making.
    pub own: BTreeMap<String, String>,
}

pub fn scorings(store: &dyn Store) -> Result<Scorings> {
    Ok(load_json(store, SCORINGS, "scorings")?.unwrap_or_default())
}

pub fn save_scorings(store: &mut dyn Store, s: &Scorings, at: &str) -> Result<()> {
    store.put_derived(SCORINGS, &serde_json::to_vec(s)?, at)?;
    Ok(())
}

/// Labels withdrawn by the organisation that gave them, by outcome key.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withdrawn {
    pub labels: BTreeMap<String, WithdrawnLabel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithdrawnLabel {
    pub org: String,
    pub reason: String,
    pub at: String,
}

impl Withdrawn {
    pub fn contains(&self, key: &RecordKey) -> bool {
        self.labels.contains_key(&key.to_string())
    }
}

/// Which organisations own which brands, as approved by the platform's administrators or a
/// coordinator: only an approved owner's representatives confirm or deny fakes of a brand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandOwners {
    /// Brand name (lowercase) to owning organisation to its approval.
    pub brands: BTreeMap<String, BTreeMap<String, Approval>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub by: String,
    pub at: String,
}

impl BrandOwners {
    /// The brands (lowercase) each organisation owns.
    pub fn by_org(&self) -> BTreeMap<String, std::collections::BTreeSet<String>> {
        let mut out: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        for (brand, orgs) in &self.brands {
            for org in orgs.keys() {
                out.entry(org.clone()).or_default().insert(brand.clone());
            }
        }
        out
    }
}

pub fn brand_owners(store: &dyn Store) -> Result<BrandOwners> {
    Ok(load_json(store, BRAND_OWNERS, "brand owners")?.unwrap_or_default())
}

pub fn save_brand_owners(store: &mut dyn Store, owners: &BrandOwners, at: &str) -> Result<()> {
    store.put_derived(BRAND_OWNERS, &serde_json::to_vec(owners)?, at)?;
    Ok(())
}

/// The installation's secret that new actor ids are keyed with: made at random the first time
/// resolution needs it, then kept. Nobody without it computes an actor's id from a record key.
pub fn actor_id_key(store: &mut dyn Store) -> Result<[u8; 32]> {
    if let Some(key) = known_actor_id_key(store)? {
        return Ok(key);
    }
    let mut key = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
    store.put_derived(ACTOR_ID_KEY, &key, &crate::now())?;
    Ok(key)
}

/// The installation's actor id key, when one was made.
pub fn known_actor_id_key(store: &dyn Store) -> Result<Option<[u8; 32]>> {
    store
        .get_derived(ACTOR_ID_KEY)?
        .map(|bytes| {
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| corrupt("actor id key", format!("{} bytes, not 32", bytes.len())))
        })
        .transpose()
}

pub fn withdrawn(store: &dyn Store) -> Result<Withdrawn> {
    Ok(load_json(store, WITHDRAWN, "withdrawn labels")?.unwrap_or_default())
}

pub fn save_withdrawn(store: &mut dyn Store, w: &Withdrawn, at: &str) -> Result<()> {
    store.put_derived(WITHDRAWN, &serde_json::to_vec(w)?, at)?;
    Ok(())
}

/// One saved score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedScore {
    pub org: String,
    pub feed: Feed,
    pub source_id: String,
    pub score: f64,
    /// Arrival (shipments) or creation (listings) date.
    pub day: Option<String>,
    pub port: String,
    pub model: String,
    pub rules: String,
    pub scored_at: String,
    pub reasons: Vec<String>,
    pub fired: Vec<String>,
    /// Parallel to `reasons`: the signal or `rule:<name>` each comes from.
    pub reason_sources: Vec<String>,
    /// The brands the record names (marks or look-alikes), for brand owners and filters.
    #[serde(default)]
    pub brands: Vec<String>,
    /// The organisation this score is for, when it differs from the shared score: it rests
    /// on records only that organisation sees, or on its own rule pack. `None`: the shared
    /// score, resting only on records that inform every organisation's scores.
    #[serde(default)]
    pub scored_for: Option<String>,
}

impl SavedScore {
    pub fn key(&self) -> RecordKey {
        RecordKey::new(self.org.clone(), self.feed, self.source_id.clone())
    }
}

/// The scores table: one line a score.
pub struct ScoreTable;

const SEP: char = '\u{1f}';

impl ScoreTable {
    fn push_clean(out: &mut String, v: &str) {
        out.extend(v.chars().map(|c| {
            if matches!(c, '\t' | '\n' | SEP) {
                ' '
            } else {
                c
            }
        }));
    }

    fn push_list(out: &mut String, list: &[String]) {
        for (i, r) in list.iter().enumerate() {
            if i > 0 {
                out.push(SEP);
            }
            ScoreTable::push_clean(out, r);
        }
    }

    fn line(s: &SavedScore, out: &mut String) {
        use std::fmt::Write as _;
        ScoreTable::push_clean(out, &s.org);
        let _ = write!(out, "\t{}\t", s.feed.as_str());
        ScoreTable::push_clean(out, &s.source_id);
        let _ = write!(
            out,
            "\t{:.6}\t{}\t",
            s.score,
            s.day.as_deref().unwrap_or("")
        );
        ScoreTable::push_clean(out, &s.port);
        let _ = write!(out, "\t{}\t{}\t{}\t", s.model, s.rules, s.scored_at);
        for list in [&s.reasons, &s.fired, &s.reason_sources] {
            ScoreTable::push_list(out, list);
            out.push('\t');
        }
        ScoreTable::push_list(out, &s.brands);
        out.push('\t');
        if let Some(o) = &s.scored_for {
            ScoreTable::push_clean(out, o);
        }
        out.push('\n');
    }

    pub fn encode(scores: &[SavedScore]) -> Vec<u8> {
        let parts: Vec<Vec<u8>> = scores
            .par_chunks(16_384)
            .map(|c| {
                let mut text = String::with_capacity(c.len() * 200);
                for s in c {
                    ScoreTable::line(s, &mut text);
                }
                text.into_bytes()
            })
            .collect();
        lz4_flex::compress_prepend_size(&parts.concat())
    }

    pub fn decode(blob: &[u8]) -> Result<Vec<SavedScore>> {
        let mut out = Vec::new();
        ScoreTable::each(blob, &mut |s| {
            out.push(s);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with each score in turn, without holding them all.
    pub fn each(blob: &[u8], take: &mut dyn FnMut(SavedScore) -> Result<()>) -> Result<()> {
        let text = unpack(blob, "scores")?;
        let split = |s: &str| -> Vec<String> {
            if s.is_empty() {
                Vec::new()
            } else {
                s.split(SEP).map(str::to_owned).collect()
            }
        };
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            // Tables saved before reasons named their sources have 11 columns; before
            // brands, 12; before scores of one organisation, 13.
            if !(11..=14).contains(&f.len()) {
                return Err(corrupt("scores", format!("malformed line {line:?}")));
            }
            take(SavedScore {
                org: f[0].to_owned(),
                feed: f[1].parse().map_err(|e| corrupt("scores", e))?,
                source_id: f[2].to_owned(),
                score: f[3]
                    .parse()
                    .map_err(|e| corrupt("scores", format!("score {:?}: {e}", f[3])))?,
                day: (!f[4].is_empty()).then(|| f[4].to_owned()),
                port: f[5].to_owned(),
                model: f[6].to_owned(),
                rules: f[7].to_owned(),
                scored_at: f[8].to_owned(),
                reasons: split(f[9]),
                fired: split(f[10]),
                reason_sources: f.get(11).map(|x| split(x)).unwrap_or_default(),
                brands: f.get(12).map(|x| split(x)).unwrap_or_default(),
                scored_for: f.get(13).filter(|x| !x.is_empty()).map(|x| (*x).to_owned()),
            })?;
        }
        Ok(())
    }
}

/// Every saved score, in the order saved; a record scored again (an arrival changed) has its
/// latest score only, the shared one and each organisation's own apart.
pub fn scores(store: &dyn Store) -> Result<Vec<SavedScore>> {
    let mut out: Vec<SavedScore> = Vec::new();
    let mut appended = false;
    for p in store.derived_pieces(SCORES, 0)? {
        appended |= !p.base;
        ScoreTable::each(&p.data, &mut |s| {
            out.push(s);
            Ok(())
        })?;
    }
    if appended {
        let mut last: rustc_hash::FxHashMap<(RecordKey, Option<String>), usize> =
            Default::default();
        for (i, s) in out.iter().enumerate() {
            last.insert((s.key(), s.scored_for.clone()), i);
        }
        let mut i = 0;
        out.retain(|s| {
            i += 1;
            last.get(&(s.key(), s.scored_for.clone())) == Some(&(i - 1))
        });
    }
    Ok(out)
}

/// Calls `f` with every saved score in turn, in the order saved, without holding them all:
/// a record scored again comes again, its latest score last.
pub fn each_score(store: &dyn Store, f: &mut dyn FnMut(SavedScore) -> Result<()>) -> Result<()> {
    for p in store.derived_pieces(SCORES, 0)? {
        ScoreTable::each(&p.data, f)?;
    }
    Ok(())
}

/// Appends scores to the saved ones (the shipments and listings of an arrival); gives the
/// stamp of the part.
pub fn append_scores(store: &mut dyn Store, scores: &[SavedScore], at: &str) -> Result<i64> {
    Ok(store.append_derived(SCORES, &ScoreTable::encode(scores), at)?)
}

/// Every saved score, or an error telling the user to score first.
pub fn require_scores(store: &dyn Store) -> Result<Vec<SavedScore>> {
    let s = scores(store)?;
    if s.is_empty() {
        missing!("nothing scored in this store yet: run `interdict score` first");
    }
    Ok(s)
}

pub fn save_scores(store: &mut dyn Store, scores: &[SavedScore], at: &str) -> Result<()> {
    store
        .put_derived(SCORES, &ScoreTable::encode(scores), at)
        .context("saving scores")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(id: &str) -> SavedScore {
        SavedScore {
            org: "customs-uk".into(),
            feed: Feed::Shipments,
            source_id: id.into(),
            score: 0.912345,
            day: Some("2026-03-04".into()),
            port: "LHR\tT4".into(),
            model: "m1".into(),
            rules: "r2".into(),
            scored_at: "2026-03-05T00:00:00Z".into(),
            reasons: vec!["names Altus\nin text".into(), "value below floor".into()],
            fired: vec![],
            reason_sources: vec!["brand_mark".into(), "below_floor".into()],
            brands: vec!["Altus".into()],
            scored_for: None,
        }
    }

    #[test]
    fn scores_round_trip_with_separators_in_values_made_spaces() {
        let mut s = vec![score("A1"), score("A2")];
        s[1].scored_for = Some("customs-uk".into());
        let back = ScoreTable::decode(&ScoreTable::encode(&s)).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].scored_for, None);
        assert_eq!(back[1].scored_for.as_deref(), Some("customs-uk"));
        assert_eq!(back[1].source_id, "A2");
        assert_eq!(back[0].port, "LHR T4");
        assert_eq!(
            back[0].reasons,
            vec!["names Altus in text", "value below floor"]
        );
        assert!(back[0].fired.is_empty());
        assert_eq!(back[0].brands, vec!["Altus"]);
        assert_eq!(back[0].score, 0.912345);
    }

    #[test]
    fn older_score_tables_load_and_malformed_lines_are_named() {
        let eleven = "o\tshipments\tS1\t0.5\t\tP\tm\tr\tt\tone\x1ftwo\t\n";
        let blob = lz4_flex::compress_prepend_size(eleven.as_bytes());
        let s = ScoreTable::decode(&blob).unwrap();
        assert_eq!(s[0].reasons, vec!["one", "two"]);
        assert!(s[0].reason_sources.is_empty() && s[0].brands.is_empty());
        assert_eq!(s[0].day, None);
        let bad = lz4_flex::compress_prepend_size(b"o\tshipments\tS1\n");
        let e = ScoreTable::decode(&bad).unwrap_err();
        assert!(matches!(e, Error::Corrupt(_)));
        assert!(e.to_string().contains("malformed line"), "{e}");
        let feed = lz4_flex::compress_prepend_size(b"o\tparcels\tS1\t0.5\t\tP\tm\tr\tt\t\t\n");
        assert!(ScoreTable::decode(&feed).is_err());
    }

    #[test]
    fn actor_table_round_trips_and_finds_actors_in_or_out_of_order() {
        let keys = [
            RecordKey::new("mkt", Feed::Sellers, "S1"),
            RecordKey::new("carrier", Feed::Shipments, "0001#consignee"),
            RecordKey::new("carrier", Feed::Shipments, "0002#shipper"),
        ];
        let ids = ["ACT-1", "ACT-2", "ACT-1"];
        let t = ActorTable::new(keys.iter().zip(ids));
        let back = ActorTable::decode(&t.encode()).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.len(), 3);
        assert_eq!(
            back.actors_of(&keys).unwrap(),
            vec![Some("ACT-1"), Some("ACT-2"), Some("ACT-1")]
        );
        let other = [
            keys[2].clone(),
            RecordKey::new("mkt", Feed::Sellers, "new"),
            keys[0].clone(),
        ];
        assert_eq!(
            back.actors_of(&other).unwrap(),
            vec![Some("ACT-1"), None, Some("ACT-1")]
        );
        let prev = back.to_previous().unwrap();
        assert_eq!(prev.get(&keys[1]).map(String::as_str), Some("ACT-2"));
        let chunks = back.chunks(10);
        assert_eq!(chunks.concat(), back.text);
        assert!(chunks.iter().all(|c| c.ends_with('\n')));
    }

    #[test]
    fn a_tab_in_a_source_id_does_not_shift_columns() {
        let k = RecordKey::new("mkt", Feed::Sellers, "a\tb");
        let t = ActorTable::new([(&k, "ACT-9")]);
        let r: Vec<_> = t.rows().collect::<Result<_>>().unwrap();
        assert_eq!((r[0].source_id, r[0].actor), ("a b", "ACT-9"));
        assert!(ActorTable::row("mkt\tsellers\tonly three").is_err());
    }
}

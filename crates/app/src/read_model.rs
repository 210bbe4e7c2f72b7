//! The read model the API answers from: every record with its label, the parties and actors
//! behind them, links between actors, history records per actor, and saved scores whose
//! reasons carry the labels of the data they rest on. [`build_view`] fills it from the store,
//! its records, saved actors and saved scores; the server never computes resolutions or scores
//! itself.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use interdict_access::{Label, Sight, Viewer, org_sight, sight, sight_of_all};
use interdict_model::Record;
use interdict_model::{Feed, Marking, QuarantinedRow, RecordKey};
use interdict_store::{Store, StoredRecord};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::PlatformStore;
use crate::error::Result;
use crate::saved;
use crate::search::{Found, SearchIndex};
use crate::sharing::{Sharing, sharing};

use interdict_access::Groups;

/// Owner, marking and sharing group, interned: records share a handful of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LabelRow {
    pub owner: String,
    pub marking: Marking,
    pub group: Option<String>,
}

impl LabelRow {
    pub fn label(&self) -> Label<'_> {
        Label {
            owner: &self.owner,
            marking: self.marking,
            group: self.group.as_deref(),
        }
    }
}

/// A record as the view holds it: its key and label, small columns for what pages read
/// across many records, and the record itself in its stored form (LZ4-compressed canonical
/// JSON, a few hundred bytes), decoded when a page shows it ([`View::record_json`]).
#[derive(Serialize, Deserialize)]
pub struct RecordView {
    pub key: RecordKey,
    pub label: u32,
    source_file: Text,
    ingested_at: Text,
    /// The day the record is about ([`View::record_date`]).
    date: Option<Text>,
    /// Its parties, `first_party..first_party + parties` ([`View::parties_of`]): a record's
    /// parties are added together, right after it.
    first_party: u32,
    parties: u32,
    #[serde(with = "crate::view_cache::boxed_bytes")]
    payload: Box<[u8]>,
}

/// What the dashboard sums over every outcome, kept so no outcome is decoded to count it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct OutcomeFacts {
    result: Text,
    retail_usd: f64,
}

#[derive(Serialize, Deserialize)]
pub struct PartyView {
    pub record: u32,
    role: Text,
    pub actor: Option<u32>,
    pub name: String,
    /// Its place among the record's parties: the party's fields are read from the record
    /// when asked for ([`View::party_json`]), not held twice.
    pub index: u16,
}

#[derive(Serialize, Deserialize)]
pub struct ActorView {
    pub id: String,
    pub parties: Vec<u32>,
    /// Records about the actor from others: outcomes, marketplace actions, watch lists.
    pub history: Vec<u32>,
    /// An actor in a large share of all traffic (a forwarder, a broker): shown, not expanded.
    pub hub: bool,
    /// Each label its parties' records carry, with the first of its parties under it, in the
    /// order of `parties`: who may see the actor's name is a question of a few labels, not of
    /// a broker's thousands of parties.
    labels: Vec<(u32, u32)>,
}

#[derive(Serialize, Deserialize)]
pub struct ReasonView {
    pub text: String,
    /// The labels of every record the reason rests on.
    pub sources: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
pub struct ScoreView {
    pub record: u32,
    pub score: f64,
    pub day: Option<String>,
    pub port: String,
    pub model: String,
    pub rules: String,
    pub reasons: Vec<ReasonView>,
    /// The brands the record names.
    pub brands: Vec<String>,
    /// Declared value in US dollars (a shipment's lines, a listing's price), when known.
    pub value_usd: Option<f64>,
    /// Country of origin (a shipment's, or where a listing ships from).
    pub origin: Option<String>,
}

impl ScoreView {
    /// The view of a saved score of `record`, with its reasons and the record's declared value
    /// and origin.
    fn of(
        record: u32,
        s: saved::SavedScore,
        reasons: Vec<ReasonView>,
        (value_usd, origin): (Option<f64>, Option<String>),
    ) -> ScoreView {
        ScoreView {
            record,
            score: s.score,
            day: s.day,
            port: s.port,
            model: s.model,
            rules: s.rules,
            reasons,
            brands: s.brands,
            value_usd,
            origin,
        }
    }
}

/// The ingest runs of one file: what was read, what landed, what was kept out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestFile {
    pub org: String,
    pub feed: Feed,
    pub file: String,
    pub runs: u32,
    pub read: u64,
    pub landed: u64,
    pub quarantined: u64,
    pub last_run_at: String,
}

/// A link between two actors through a record both appear in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub other: u32,
    pub via: u32,
}

/// A string the view holds once however many records repeat it (a file name, an ingest
/// time, a day, a party's role): its place in [`Texts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Text(u32);

/// Every distinct short string the view's records repeat, once each.
#[derive(Default, Serialize, Deserialize)]
struct Texts {
    list: Vec<Box<str>>,
    /// Each string's place in `list`; made again from it when a view is read back.
    #[serde(skip)]
    ids: FxHashMap<Box<str>, u32>,
}

impl Texts {
    fn intern(&mut self, s: &str) -> Text {
        if let Some(&id) = self.ids.get(s) {
            return Text(id);
        }
        let id = self.list.len() as u32;
        self.list.push(s.into());
        self.ids.insert(s.into(), id);
        Text(id)
    }

    fn get(&self, t: Text) -> &str {
        &self.list[t.0 as usize]
    }
}

/// A record's stored form with the columns the view keeps beside it.
struct Stored {
    payload: Box<[u8]>,
    date: Option<String>,
    outcome: Option<(String, f64)>,
}

/// An amount in US dollars, when known.
fn usd(m: &Option<interdict_model::Money>) -> Option<f64> {
    m.as_ref()?.usd.as_ref()?.to_string().parse().ok()
}

/// Encodes a record as the view holds it, through `scratch`, a buffer kept between records.
fn stored(record: &Record, scratch: &mut Vec<u8>) -> Stored {
    let payload = record.payload(scratch);
    stored_as(record, payload)
}

/// A record as the view holds it, given its stored form already (a store's payload).
fn stored_as(record: &Record, payload: Vec<u8>) -> Stored {
    let date = match record {
        Record::Shipments(s) => s.arrival.as_ref().or(s.shipped.as_ref()),
        Record::Listings(l) => l.created.as_ref(),
        Record::Sellers(s) => s.created.as_ref(),
        Record::Outcomes(o) => Some(&o.date),
        Record::Parties(p) => p.added.as_ref(),
        Record::Brands(_) => None,
    };
    let outcome = match record {
        Record::Outcomes(o) => Some((
            o.result.as_str().to_string(),
            usd(&o.retail_value).unwrap_or(0.0),
        )),
        _ => None,
    };
    Stored {
        payload: payload.into_boxed_slice(),
        date: date.cloned(),
        outcome,
    }
}

/// A scored record's declared value in US dollars (a shipment's lines, a listing's price)
/// and its origin (a shipment's, or where a listing ships from).
fn value_and_origin(record: &Record) -> (Option<f64>, Option<String>) {
    match record {
        Record::Listings(l) => (usd(&l.price), l.ships_from.clone()),
        Record::Shipments(s) => {
            let values: Vec<f64> = s.items.iter().filter_map(|i| usd(&i.value)).collect();
            let origin = s.origin_country.clone().or(s.export_country.clone());
            ((!values.is_empty()).then(|| values.iter().sum()), origin)
        }
        _ => (None, None),
    }
}

/// Scores put in the list, by ranking (`None`: the shared one).
type Placed = FxHashMap<Option<String>, Vec<u32>>;

/// Rankings worked out beside the view, to be swapped in ([`View::reranked`]).
pub struct Reranked(Vec<(Option<String>, Vec<u32>)>);

/// A set of scores: each record's, and their order, highest first.
#[derive(Default, Serialize, Deserialize)]
struct Ranking {
    of: FxHashMap<u32, u32>,
    ranked: Vec<u32>,
}

#[derive(Default, Serialize, Deserialize)]
pub struct View {
    pub labels: Vec<LabelRow>,
    pub records: Vec<RecordView>,
    pub parties: Vec<PartyView>,
    pub actors: Vec<ActorView>,
    pub scores: Vec<ScoreView>,
    /// Outcome records concerning each shipment or listing record.
    outcomes_of: FxHashMap<u32, Vec<u32>>,
    by_key: FxHashMap<RecordKey, u32>,
    actor_by_id: FxHashMap<String, u32>,
    links: Vec<Vec<Link>>,
    /// The shared scores: every organisation's, where it has none of its own.
    shared: Ranking,
    /// Organisations' own scores, where they differ from the shared ones.
    own: FxHashMap<String, Ranking>,
    /// People search over the parties.
    search: SearchIndex,
    /// Each label's place in `labels`; made again from it when a view is read back.
    #[serde(skip)]
    label_ids: FxHashMap<LabelRow, u32>,
    /// Shipment and listing records by their source id, for the outcomes that name them.
    shipment_records: FxHashMap<String, Vec<u32>>,
    listing_records: FxHashMap<String, Vec<u32>>,
    /// Seller account records by account id: an outcome naming an account joins the history
    /// of the actors behind it.
    seller_records: FxHashMap<String, Vec<u32>>,
    /// Listing records by the seller account that holds them: an actor's accounts lead to
    /// what it sells.
    listings_of_account: FxHashMap<String, Vec<u32>>,
    /// The sharing groups the view was built with: an outcome attaches only to the records its
    /// organisation sees in full under them.
    #[serde(with = "crate::view_cache::groups_as_text")]
    groups: Sharing,
    /// Which records inform every organisation's scores, and each user's organisation: what
    /// a score's reasons may rest on.
    shared_risk: saved::SharedRisk,
    org_of_user: FxHashMap<String, String>,
    /// The labels of each feed's records: what a reason may rest on beyond its own record.
    feed_labels: FxHashMap<Feed, BTreeSet<u32>>,
    /// The labels of the brand records of each brand, by lowercase name: a brand reason rests
    /// on the records of the brands it names, not on every brand record.
    brand_labels: FxHashMap<String, BTreeSet<u32>>,
    /// Outcomes withdrawn by the organisation that gave them: in no history, on no record.
    withdrawn: FxHashSet<RecordKey>,
    /// How far into the store's changes the view is.
    cursor: Cursor,
    texts: Texts,
    outcome_facts: FxHashMap<u32, OutcomeFacts>,
    /// Declared value and origin of each record, computed while the store is read, for the
    /// scores that follow; dropped once the view is built.
    #[serde(skip)]
    values: FxHashMap<u32, (Option<f64>, Option<String>)>,
    /// Whether changes it could not take in place were passed over: it is due a rebuild.
    stale: bool,
}

/// How far into the store's changes a view is: the last record stamp it holds and the stamps
/// of the derived outputs it was built from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub records: i64,
    pub derived: BTreeMap<String, i64>,
    /// The stamp of the last piece of each of [`BUILT_FROM`] taken in (appended parts too).
    pub parts: BTreeMap<String, i64>,
}

/// The labels behind each kind of reason (its source and the brands it names), worked out once
/// per kind.
type Behind = FxHashMap<(Option<String>, Vec<String>, Option<String>), Vec<u32>>;

#[derive(Default)]
pub struct ViewBuilder {
    view: View,
    scratch: Vec<u8>,
}

fn label_row(owner: &str, marking: Marking, group: Option<&str>) -> LabelRow {
    LabelRow {
        owner: owner.to_string(),
        marking,
        group: group.filter(|g| !g.is_empty()).map(str::to_string),
    }
}

impl ViewBuilder {
    pub fn label(&mut self, owner: &str, marking: Marking, group: Option<&str>) -> u32 {
        self.view.intern_label(label_row(owner, marking, group))
    }

    /// Notes that a brand record of `name` carries `label`.
    pub fn brand(&mut self, name: &str, label: u32) {
        self.view
            .brand_labels
            .entry(name.to_lowercase())
            .or_default()
            .insert(label);
    }

    pub fn add_record(
        &mut self,
        key: RecordKey,
        label: u32,
        source_file: &str,
        ingested_at: &str,
        record: &Record,
    ) -> u32 {
        let stored = stored(record, &mut self.scratch);
        self.put(key, label, source_file, ingested_at, record, stored)
    }

    /// Puts a record in its view form, noting a scored feed's value and origin for its score.
    fn put(
        &mut self,
        key: RecordKey,
        label: u32,
        source_file: &str,
        ingested_at: &str,
        record: &Record,
        stored: Stored,
    ) -> u32 {
        let id = self
            .view
            .put_record(key, label, source_file, ingested_at, stored);
        if matches!(record, Record::Shipments(_) | Record::Listings(_)) {
            self.view.values.insert(id, value_and_origin(record));
        }
        id
    }

    pub fn record_id(&self, key: &RecordKey) -> Option<u32> {
        self.view.by_key.get(key).copied()
    }

    pub fn record_label(&self, record: u32) -> u32 {
        self.view.records[record as usize].label
    }

    fn actor(&mut self, id: &str) -> u32 {
        self.view.actor_or_new(id)
    }

    /// The labels of everything known about some actors: the records they were resolved from
    /// and their history.
    pub fn labels_about(&self, actors: &[String]) -> Vec<u32> {
        let v = &self.view;
        let mut out = BTreeSet::new();
        for a in actors {
            let Some(&i) = v.actor_by_id.get(a) else {
                continue;
            };
            let actor = &v.actors[i as usize];
            let records = actor
                .parties
                .iter()
                .map(|&p| v.parties[p as usize].record)
                .chain(actor.history.iter().copied());
            out.extend(records.map(|r| v.records[r as usize].label));
        }
        out.into_iter().collect()
    }

    pub fn mark_hub(&mut self, actor: &str) {
        let a = self.actor(actor);
        self.view.actors[a as usize].hub = true;
    }

    pub fn add_history(&mut self, actor: &str, record: u32) {
        let a = self.actor(actor);
        self.view.add_history(a, record);
    }

    pub fn add_link(&mut self, a: &str, b: &str, via: u32) {
        if a == b {
            return;
        }
        let (a, b) = (self.actor(a), self.actor(b));
        self.view.links[a as usize].push(Link { other: b, via });
        self.view.links[b as usize].push(Link { other: a, via });
    }

    /// A record's score, shared or an organisation's own; a record scored again keeps its
    /// last score.
    fn add_score(&mut self, record: u32, mut s: saved::SavedScore, behind: &mut Behind) {
        let reasons = self
            .view
            .reasons_of(self.record_label(record), &mut s, behind);
        let values = self.view.values.get(&record).cloned().unwrap_or_default();
        let org = s.scored_for.take();
        let score = ScoreView::of(record, s, reasons, values);
        let next = self.view.scores.len() as u32;
        let ranking = match org {
            Some(o) => self.view.own.entry(o).or_default(),
            None => &mut self.view.shared,
        };
        match ranking.of.get(&record) {
            Some(&id) => self.view.scores[id as usize] = score,
            None => {
                ranking.of.insert(record, next);
                self.view.scores.push(score);
            }
        }
    }

    /// Notes that an outcome record concerns a shipment or listing record.
    pub fn add_outcome(&mut self, record: u32, outcome: u32) {
        self.view.add_outcome(record, outcome);
    }

    pub fn build(mut self) -> View {
        let v = &mut self.view;
        v.search.forget_descriptions();
        for ranking in std::iter::once(&mut v.shared).chain(v.own.values_mut()) {
            let mut ranked: Vec<u32> = ranking.of.values().copied().collect();
            ranked.sort_by(|&a, &b| rank_order(&v.scores, &v.records, a, b));
            ranking.ranked = ranked;
        }
        v.values = FxHashMap::default();
        self.view
    }
}

/// The most changed records one catch-up takes in place; beyond (a server that was stopped
/// while a large ingest ran), rebuilding is cheaper.
const MOST_APPLIED: usize = 200_000;

/// The derived outputs a view is built from: when one is replaced, the view is due a rebuild
/// ([`WITHDRAWN`](saved::WITHDRAWN) only grows, and is taken in place).
const BUILT_FROM: [&str; 3] = [saved::ACTORS, saved::SCORES, saved::SHARED_RISK];

/// What changed in the store since a view was built, read without touching the view.
pub enum Catchup {
    /// Nothing.
    Current,
    /// Changes to apply ([`View::apply`]); they may also say the view is due a rebuild.
    Apply(Box<Changes>),
}

/// Changed outcomes, arrivals (shipments, listings and seller accounts, with the actors and
/// scores appended for them) and newly withdrawn labels, to apply to a view in
/// place; and whether anything else changed that only a rebuild takes in (a batch resolution or
/// scoring replaced the actors or scores, records of other feeds landed, a record came under a
/// label its feed had not had).
pub struct Changes {
    records: VecDeque<StoredRecord>,
    /// The scores put in the list so far, by ranking, to be ranked.
    placed: Placed,
    /// Whether a record held came back under another label.
    relabelled: bool,
    actor_rows: VecDeque<(RecordKey, String)>,
    scores: VecDeque<saved::SavedScore>,
    withdrawn: Option<saved::Withdrawn>,
    cursor: Cursor,
    rebuild: bool,
}

impl Changes {
    /// Whether the changes move anyone's queue: scores appended, or records other than
    /// outcomes changed (a record's label decides who sees its score). Outcomes are read as
    /// a queue is shown.
    pub fn touch_queues(&self) -> bool {
        !self.scores.is_empty() || self.records.iter().any(|r| r.key.feed != Feed::Outcomes)
    }

    /// Whether a record already held came back under another label (so to other eyes); known
    /// once the changes are applied.
    pub fn relabels(&self) -> bool {
        self.relabelled
    }

    /// Records changed.
    pub fn records(&self) -> usize {
        self.records.len()
    }

    /// Scores appended.
    pub fn scores(&self) -> usize {
        self.scores.len()
    }

    /// Whether the view is due a rebuild: until one replaces it, it answers with what it can
    /// take in place.
    pub fn needs_rebuild(&self) -> bool {
        self.rebuild
    }
}

/// Up to `left` items from the front of `items`, counted off `left`.
fn take_front<T>(items: &mut VecDeque<T>, left: &mut usize) -> Vec<T> {
    let n = (*left).min(items.len());
    *left -= n;
    items.drain(..n).collect()
}

fn followed_stamps(store: &dyn Store) -> Result<BTreeMap<String, i64>> {
    Ok(store
        .derived_stamps()?
        .into_iter()
        .filter(|(name, _)| BUILT_FROM.contains(&name.as_str()) || name == saved::WITHDRAWN)
        .collect())
}

/// The stamps of the last pieces of [`BUILT_FROM`], appended parts included.
fn part_stamps(store: &dyn Store) -> Result<BTreeMap<String, i64>> {
    BUILT_FROM
        .iter()
        .map(|n| Ok(((*n).to_owned(), saved::last_piece(store, n)?)))
        .collect()
}

/// Reads what changed in the store since `view` was built or last caught up. Outcomes and
/// arrivals come to be applied in place; anything else only marks the view as due a rebuild
/// (the rebuild reads the whole store, so what is passed over here is not lost).
pub fn catch_up(store: &dyn PlatformStore, view: &View) -> Result<Catchup> {
    let derived = followed_stamps(store)?;
    let last = store.last_change()?;
    // Changed sharing groups change which records outcomes attach to.
    let regrouped = sharing(store)? != view.groups;
    let mut rebuild = regrouped
        || view.stale
        || BUILT_FROM
            .iter()
            .any(|n| derived.get(*n) != view.cursor.derived.get(*n));
    // The parts appended to the actors and scores are read before the records: every part
    // names records already landed, so each of its rows finds its record.
    let mut parts = view.cursor.parts.clone();
    let (mut actor_rows, mut scores) = (Vec::new(), Vec::new());
    if !rebuild {
        for name in BUILT_FROM {
            let after = view.cursor.parts.get(name).copied().unwrap_or(0);
            match saved::since(store, name, after)? {
                saved::Since::Replaced => rebuild = true,
                saved::Since::Appended { parts: data, upto } => {
                    parts.insert(name.to_owned(), upto);
                    for d in data {
                        if name == saved::ACTORS {
                            for row in saved::ActorTable::decode(&d)?.rows() {
                                let row = row?;
                                actor_rows.push((row.key(), row.actor.to_owned()));
                            }
                        } else {
                            saved::ScoreTable::each(&d, &mut |s| {
                                scores.push(s);
                                Ok(())
                            })?;
                        }
                    }
                }
            }
        }
    }
    if derived == view.cursor.derived
        && last == view.cursor.records
        && parts == view.cursor.parts
        && !rebuild
    {
        return Ok(Catchup::Current);
    }
    let withdrawn = match derived.get(saved::WITHDRAWN) != view.cursor.derived.get(saved::WITHDRAWN)
    {
        true => {
            let w = saved::withdrawn(store)?;
            if view.withdrawn.iter().any(|k| !w.contains(k)) {
                // A withdrawal taken back: only a rebuild puts the label back.
                rebuild = true;
                None
            } else {
                Some(w)
            }
        }
        false => None,
    };
    let mut records = Vec::new();
    let mut seen = last;
    store.changes_since(view.cursor.records, &mut |seq, r| {
        seen = seen.max(seq);
        let in_place =
            r.key.feed == Feed::Outcomes || crate::on_request::LIVE_FEEDS.contains(&r.key.feed);
        if in_place && records.len() < MOST_APPLIED {
            records.push(r);
        } else {
            rebuild = true;
        }
        Ok(())
    })?;
    Ok(Catchup::Apply(Box::new(Changes {
        records: records.into(),
        placed: Placed::default(),
        relabelled: false,
        actor_rows: actor_rows.into(),
        scores: scores.into(),
        withdrawn,
        cursor: Cursor {
            records: seen,
            derived,
            parts,
        },
        rebuild,
    })))
}

impl View {
    /// The labels of every record a reason rests on besides the record it is about, by what
    /// it comes from (a signal's name or `rule:<name>`).
    pub fn labels_behind(&self, source: Option<&str>) -> Vec<u32> {
        self.labels_behind_brands(source, &[], None)
    }

    /// Whether the scores kept for `scored_for` (`None`: the shared ones; an organisation;
    /// `user:NAME`) rest on records of `feed` labelled `label`: those that inform every score,
    /// and those the organisation or user sees in full.
    fn informs(&self, scored_for: Option<&str>, feed: Feed, label: u32) -> bool {
        let l = self.labels[label as usize].label();
        if self.shared_risk.contributes(l.owner, feed, l.marking) {
            return true;
        }
        match scored_for {
            None => false,
            Some(k) => match k.strip_prefix("user:") {
                Some(user) => self.org_of_user.get(user).is_some_and(|org| {
                    let v = Viewer {
                        org: org.clone(),
                        user: user.to_owned(),
                        role: interdict_access::Role::Analyst,
                    };
                    sight(&v, l, &self.groups) == Sight::Full
                }),
                None => org_sight(k, l, &self.groups) == Sight::Full,
            },
        }
    }

    /// Like [`View::labels_behind`], for a record naming `brands`: a reason that rests on the
    /// brand owners' records rests on those of the named brands only, so one restricted brand
    /// record withholds the reasons about its own brand and no other. Without names, or with a
    /// name no brand record has, it rests on every brand record.
    /// Only the records the score's scorer reads count (see [`View::informs`]; `None` for
    /// the shared scores).
    pub fn labels_behind_brands(
        &self,
        source: Option<&str>,
        brands: &[String],
        scored_for: Option<&str>,
    ) -> Vec<u32> {
        let feeds = feeds_behind(source);
        if feeds == [Feed::Brands] && !brands.is_empty() {
            let named: Option<BTreeSet<u32>> = brands
                .iter()
                .map(|b| self.brand_labels.get(&b.to_lowercase()))
                .try_fold(BTreeSet::new(), |mut acc, l| {
                    acc.extend(l?);
                    Some(acc)
                });
            if let Some(set) = named {
                return set
                    .into_iter()
                    .filter(|&l| self.informs(scored_for, Feed::Brands, l))
                    .collect();
            }
        }
        let set: BTreeSet<u32> = feeds
            .iter()
            .filter_map(|f| Some((*f, self.feed_labels.get(f)?)))
            .flat_map(|(f, labels)| {
                labels
                    .iter()
                    .copied()
                    .filter(move |&l| self.informs(scored_for, f, l))
            })
            .collect();
        set.into_iter().collect()
    }

    /// How far into the store's changes the view is.
    pub fn cursor(&self) -> &Cursor {
        &self.cursor
    }

    /// Adds a record, or replaces the one of the same key.
    fn put_record(
        &mut self,
        key: RecordKey,
        label: u32,
        source_file: &str,
        ingested_at: &str,
        stored: Stored,
    ) -> u32 {
        let view = RecordView {
            label,
            source_file: self.texts.intern(source_file),
            ingested_at: self.texts.intern(ingested_at),
            date: stored.date.as_deref().map(|d| self.texts.intern(d)),
            first_party: 0,
            parties: 0,
            payload: stored.payload,
            key,
        };
        // What reasons resting on the feed rest on from now on.
        self.feed_labels
            .entry(view.key.feed)
            .or_default()
            .insert(label);
        let id = match self.by_key.get(&view.key) {
            Some(&id) => {
                // Replaced in place, a record keeps the parties it was read with.
                let old = &mut self.records[id as usize];
                *old = RecordView {
                    first_party: old.first_party,
                    parties: old.parties,
                    ..view
                };
                id
            }
            None => {
                let id = self.records.len() as u32;
                self.by_key.insert(view.key.clone(), id);
                self.records.push(view);
                id
            }
        };
        match stored.outcome {
            Some((result, retail_usd)) => {
                let result = self.texts.intern(&result);
                self.outcome_facts
                    .insert(id, OutcomeFacts { result, retail_usd });
            }
            None => {
                self.outcome_facts.remove(&id);
            }
        }
        id
    }

    /// Adds a party of `record`, found by its name and, when given, its fields (a record's
    /// parties come together, right after it).
    fn push_party(
        &mut self,
        record: u32,
        role: &str,
        name: String,
        party: Option<&interdict_model::Party>,
        index: u16,
        actor: Option<u32>,
    ) -> u32 {
        let role = self.texts.intern(role);
        let id = self.parties.len() as u32;
        if let Some(a) = actor {
            self.join(a, id, self.records[record as usize].label);
        }
        self.search.add(id, &name, party);
        let rec = &mut self.records[record as usize];
        if rec.parties == 0 {
            rec.first_party = id;
        }
        assert_eq!(
            rec.first_party + rec.parties,
            id,
            "a record's parties are added together, right after it"
        );
        rec.parties += 1;
        self.parties.push(PartyView {
            record,
            role,
            actor,
            name,
            index,
        });
        id
    }

    /// The parties of a record just read, without their actors, which come with the actor
    /// table; and the indexes outcomes find it by.
    fn index_record(&mut self, id: u32, record: &Record) {
        for (index, (source, party)) in record.parties().into_iter().enumerate() {
            let role = source
                .rsplit_once('#')
                .map_or(record.feed().as_str(), |x| x.1);
            let name = party_name(party);
            let index = u16::try_from(index).unwrap_or(u16::MAX);
            self.push_party(id, role, name, Some(party), index, None);
        }
        match record {
            Record::Shipments(sh) => self
                .shipment_records
                .entry(sh.shipment_id.clone())
                .or_default()
                .push(id),
            Record::Sellers(se) => self
                .seller_records
                .entry(se.account_id.clone())
                .or_default()
                .push(id),
            Record::Listings(l) => {
                self.listing_records
                    .entry(l.listing_id.clone())
                    .or_default()
                    .push(id);
                self.listings_of_account
                    .entry(l.seller_account_id.clone())
                    .or_default()
                    .push(id);
            }
            _ => {}
        }
    }

    /// Gives the party record `key` (`<shipment>#consignee`, an account) its actor: the party
    /// joins the actor's records, is linked with the other actors of its shipment, and the
    /// outcomes on its record join the actor's history.
    fn set_actor(&mut self, key: &RecordKey, actor: &str) {
        let base = match key.feed {
            Feed::Shipments | Feed::Brands => key.source_id.split('#').next().unwrap_or(""),
            _ => key.source_id.as_str(),
        };
        let Some(r) = self.record(&RecordKey::new(key.org.clone(), key.feed, base)) else {
            return;
        };
        let Some(place) = self
            .record_body(r)
            .and_then(|b| b.parties().iter().position(|(id, _)| *id == key.source_id))
        else {
            return;
        };
        let range = self.parties_of(r);
        let p = range.start + place as u32;
        if !range.contains(&p) {
            return;
        }
        let a = self.actor_or_new(actor);
        match self.parties[p as usize].actor {
            Some(had) if had == a => return,
            Some(had) => {
                self.actors[had as usize].parties.retain(|&x| x != p);
                self.relabel(had);
            }
            None => {}
        }
        self.parties[p as usize].actor = Some(a);
        self.join(
            a,
            p,
            self.records[self.parties[p as usize].record as usize].label,
        );
        if key.feed == Feed::Shipments {
            let others: Vec<u32> = range
                .filter(|&q| q != p)
                .filter_map(|q| self.parties[q as usize].actor)
                .filter(|&b| b != a)
                .collect();
            for b in others {
                if !self.links[a as usize]
                    .iter()
                    .any(|l| l.other == b && l.via == r)
                {
                    self.links[a as usize].push(Link { other: b, via: r });
                    self.links[b as usize].push(Link { other: a, via: r });
                }
            }
        }
        for o in self.outcomes_of(r).to_vec() {
            self.add_history(a, o);
        }
    }

    /// A score's reasons, each with the labels of everything it rests on: the reason's
    /// sources (worked out once per kind of reason in `behind`) and the record itself.
    fn reasons_of(
        &self,
        own: u32,
        s: &mut saved::SavedScore,
        behind: &mut Behind,
    ) -> Vec<ReasonView> {
        std::mem::take(&mut s.reasons)
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let source = s.reason_sources.get(i).cloned();
                let names = match feeds_behind(source.as_deref()) {
                    [Feed::Brands] => s.brands.clone(),
                    _ => Vec::new(),
                };
                let mut sources = behind
                    .entry((source, names, s.scored_for.clone()))
                    .or_insert_with_key(|(k, n, f)| {
                        self.labels_behind_brands(k.as_deref(), n, f.as_deref())
                    })
                    .clone();
                sources.push(own);
                ReasonView { text, sources }
            })
            .collect()
    }

    /// Puts scores in the list; where they rank is left to [`View::reranked`].
    fn put_scores(&mut self, scores: Vec<saved::SavedScore>, placed: &mut Placed) {
        let mut behind = FxHashMap::default();
        for s in scores {
            if let Some((org, id)) = self.put_score(s, &mut behind) {
                placed.entry(org).or_default().push(id);
            }
        }
    }

    /// The rankings that the scores placed by [`View::apply_part`] change, with those scores
    /// where they rank. It only reads the view, so a writer can work it out beside readers
    /// and swap it in with [`View::set_ranked`]. A few scores are inserted where they rank;
    /// many (an upload's worth) are sorted among themselves and merged in one pass.
    pub fn reranked(&self, changes: &Changes) -> Reranked {
        let order = |a: &u32, b: &u32| rank_order(&self.scores, &self.records, *a, *b);
        let mut out = Vec::new();
        for (org, ids) in &changes.placed {
            let now = match org {
                Some(o) => self.own.get(o).map(|r| r.ranked.as_slice()).unwrap_or(&[]),
                None => &self.shared.ranked,
            };
            let moved: FxHashSet<u32> = ids.iter().copied().collect();
            let mut ids: Vec<u32> = moved.iter().copied().collect();
            ids.sort_by(order);
            let mut merged = Vec::with_capacity(now.len() + ids.len());
            if ids.len() <= 16 {
                merged.extend(now.iter().copied().filter(|x| !moved.contains(x)));
                for id in ids {
                    let at = merged.partition_point(|x| order(x, &id) == std::cmp::Ordering::Less);
                    merged.insert(at, id);
                }
            } else {
                let mut old = now
                    .iter()
                    .copied()
                    .filter(|x| !moved.contains(x))
                    .peekable();
                let mut new = ids.into_iter().peekable();
                loop {
                    let next = match (old.peek(), new.peek()) {
                        (Some(x), Some(y)) if order(y, x) == std::cmp::Ordering::Less => new.next(),
                        (Some(_), _) => old.next(),
                        (None, Some(_)) => new.next(),
                        (None, None) => break,
                    };
                    merged.extend(next);
                }
            }
            out.push((org.clone(), merged));
        }
        Reranked(out)
    }

    /// Puts in rankings worked out by [`View::reranked`] on this view as it is now.
    pub fn set_ranked(&mut self, ranked: Reranked) {
        for (org, ranked) in ranked.0 {
            match org {
                Some(o) => self.own.entry(o).or_default().ranked = ranked,
                None => self.shared.ranked = ranked,
            }
        }
    }

    /// Puts a score in the list, replacing the record's earlier one of the same ranking, and
    /// says which ranking it belongs in (placing it there is the caller's part).
    fn put_score(
        &mut self,
        mut s: saved::SavedScore,
        behind: &mut Behind,
    ) -> Option<(Option<String>, u32)> {
        let r = self.record(&s.key())?;
        let reasons = self.reasons_of(self.records[r as usize].label, &mut s, behind);
        let values = self
            .record_body(r)
            .map(|b| value_and_origin(&b))
            .unwrap_or_default();
        let org = s.scored_for.take();
        let score = ScoreView::of(r, s, reasons, values);
        let ranking = match &org {
            Some(o) => self.own.entry(o.clone()).or_default(),
            None => &mut self.shared,
        };
        let id = match ranking.of.get(&r) {
            Some(&id) => {
                self.scores[id as usize] = score;
                id
            }
            None => {
                let id = self.scores.len() as u32;
                self.scores.push(score);
                ranking.of.insert(r, id);
                id
            }
        };
        Some((org, id))
    }

    /// Makes again the lookups a snapshot leaves out (labels and strings by value), from the
    /// lists they index, and takes each user's organisation as the store has it now.
    pub(crate) fn restore(&mut self, store: &dyn PlatformStore) -> Result<()> {
        self.label_ids = (self.labels.iter().cloned()).zip(0u32..).collect();
        self.texts.ids = (self.texts.list.iter().cloned()).zip(0u32..).collect();
        self.org_of_user = users_by_org(store)?;
        Ok(())
    }

    fn intern_label(&mut self, row: LabelRow) -> u32 {
        if let Some(&id) = self.label_ids.get(&row) {
            return id;
        }
        let id = self.labels.len() as u32;
        self.labels.push(row.clone());
        self.label_ids.insert(row, id);
        id
    }

    fn actor_or_new(&mut self, id: &str) -> u32 {
        if let Some(&a) = self.actor_by_id.get(id) {
            return a;
        }
        let a = self.actors.len() as u32;
        self.actors.push(ActorView {
            id: id.to_string(),
            parties: Vec::new(),
            history: Vec::new(),
            hub: false,
            labels: Vec::new(),
        });
        self.links.push(Vec::new());
        self.actor_by_id.insert(id.to_string(), a);
        a
    }

    fn add_history(&mut self, actor: u32, record: u32) {
        let h = &mut self.actors[actor as usize].history;
        if !h.contains(&record) {
            h.push(record);
        }
    }

    fn add_outcome(&mut self, record: u32, outcome: u32) {
        let list = self.outcomes_of.entry(record).or_default();
        if !list.contains(&outcome) {
            list.push(outcome);
        }
    }

    /// The records and actors an outcome concerns: the shipments and listings it names, the
    /// actors behind the shipment and the seller account. Only records the outcome's
    /// organisation sees in full count: nobody writes onto a record hidden from them, nor
    /// learns that it exists by trying.
    fn outcome_targets(&self, outcome: u32) -> (Vec<u32>, Vec<u32>) {
        let o = &self.records[outcome as usize];
        let org = o.key.org.as_str();
        let Some(Record::Outcomes(body)) = self.record_body(outcome) else {
            return (Vec::new(), Vec::new());
        };
        let (shipment, listing, account) = (
            body.shipment_id.as_deref(),
            body.listing_id.as_deref(),
            body.seller_account_id.as_deref(),
        );
        let attaches = |r: &u32| org_sight(org, self.label_of(*r), &self.groups) == Sight::Full;
        let records: Vec<u32> = shipment
            .and_then(|s| self.shipment_records.get(s))
            .into_iter()
            .chain(listing.and_then(|l| self.listing_records.get(l)))
            .flatten()
            .copied()
            .filter(attaches)
            .collect();
        let accounts: Vec<u32> = account
            .and_then(|a| self.seller_records.get(a))
            .into_iter()
            .flatten()
            .copied()
            .filter(attaches)
            .collect();
        let mut actors: Vec<u32> = records
            .iter()
            .filter(|&&r| self.records[r as usize].key.feed == Feed::Shipments)
            .chain(&accounts)
            .flat_map(|&r| self.parties_of(r))
            .filter_map(|p| self.parties[p as usize].actor)
            .collect();
        actors.sort_unstable();
        actors.dedup();
        (records, actors)
    }

    /// Puts an outcome on the records and in the histories of the actors it concerns, unless
    /// it was withdrawn.
    fn attach_outcome(&mut self, outcome: u32) {
        if self.withdrawn.contains(&self.records[outcome as usize].key) {
            return;
        }
        let (records, actors) = self.outcome_targets(outcome);
        for r in records {
            self.add_outcome(r, outcome);
        }
        for a in actors {
            self.add_history(a, outcome);
        }
    }

    fn detach_outcome(&mut self, outcome: u32) {
        let (records, actors) = self.outcome_targets(outcome);
        for r in records {
            if let Some(list) = self.outcomes_of.get_mut(&r) {
                list.retain(|&o| o != outcome);
            }
        }
        for a in actors {
            self.actors[a as usize].history.retain(|&o| o != outcome);
        }
    }

    /// Takes changes read by [`catch_up`] in place: new and changed outcomes join the records
    /// and histories they concern, withdrawn ones leave them; arrivals join with their parties,
    /// the actors appended for them and their scores, in rank.
    pub fn apply(&mut self, mut changes: Changes) {
        while !self.apply_part(&mut changes, usize::MAX) {}
        let ranked = self.reranked(&changes);
        self.set_ranked(ranked);
    }

    /// Takes in up to `budget` of the changes (a record, an actor row and a score count one
    /// each) and says whether all are in. A writer that holds readers off while it applies
    /// lets them in between parts: a reader then sees records landed before their actors and
    /// scores, as the store held them a moment earlier. The cursor moves with the last part;
    /// the scores join their rankings after it, through [`View::reranked`] and
    /// [`View::set_ranked`].
    pub fn apply_part(&mut self, changes: &mut Changes, budget: usize) -> bool {
        if let Some(w) = changes.withdrawn.take() {
            for key in w.labels.keys() {
                let Some(key) = parse_key(key) else {
                    continue;
                };
                if self.withdrawn.insert(key.clone())
                    && let Some(id) = self.record(&key)
                {
                    self.detach_outcome(id);
                }
            }
        }
        let mut left = budget;
        for s in take_front(&mut changes.records, &mut left) {
            let label =
                self.intern_label(label_row(&s.key.org, s.marking, s.sharing_group.as_deref()));
            let stored = stored_as(&s.record, s.payload);
            let before = self.record(&s.key);
            changes.relabelled |= before.is_some_and(|r| self.records[r as usize].label != label);
            if s.key.feed == Feed::Outcomes {
                if let Some(id) = before {
                    self.detach_outcome(id);
                }
                let id = self.put_record(s.key, label, &s.source_file, &s.ingested_at, stored);
                self.attach_outcome(id);
                continue;
            }
            // An arrival: a record new to the view gets its parties; a changed one keeps
            // them, with their actors.
            let id = self.put_record(s.key, label, &s.source_file, &s.ingested_at, stored);
            if before.is_none() {
                self.index_record(id, &s.record);
            }
        }
        if !changes.records.is_empty() {
            return false;
        }
        for (key, actor) in take_front(&mut changes.actor_rows, &mut left) {
            self.set_actor(&key, &actor);
        }
        if !changes.actor_rows.is_empty() {
            return false;
        }
        let scores = take_front(&mut changes.scores, &mut left);
        self.put_scores(scores, &mut changes.placed);
        if !changes.scores.is_empty() {
            return false;
        }
        self.cursor = std::mem::take(&mut changes.cursor);
        self.stale |= changes.rebuild;
        true
    }

    /// Whether changes it could not take in place were passed over: it is due a rebuild.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    pub fn record(&self, key: &RecordKey) -> Option<u32> {
        self.by_key.get(key).copied()
    }

    /// The first name of an actor's party records the viewer sees in full; `None` when it sees
    /// none of them.
    pub fn visible_name(&self, viewer: &Viewer, actor: u32, groups: &dyn Groups) -> Option<String> {
        // The first party whose record the viewer sees in full is the first under a label it
        // sees in full.
        self.actors[actor as usize]
            .labels
            .iter()
            .find(|&&(l, _)| sight(viewer, self.labels[l as usize].label(), groups) == Sight::Full)
            .map(|&(_, p)| self.parties[p as usize].name.clone())
    }

    /// Joins party `p`, of a record labelled `label`, to actor `a`.
    fn join(&mut self, a: u32, p: u32, label: u32) {
        let actor = &mut self.actors[a as usize];
        actor.parties.push(p);
        if !actor.labels.iter().any(|&(l, _)| l == label) {
            actor.labels.push((label, p));
        }
    }

    /// Works out an actor's labels again after a party left it.
    fn relabel(&mut self, a: u32) {
        let mut labels: Vec<(u32, u32)> = Vec::new();
        for &p in &self.actors[a as usize].parties {
            let label = self.records[self.parties[p as usize].record as usize].label;
            if !labels.iter().any(|&(l, _)| l == label) {
                labels.push((label, p));
            }
        }
        self.actors[a as usize].labels = labels;
    }

    /// The record a key's display form (`org/feed/source id`) names.
    pub fn record_named(&self, key: &str) -> Option<u32> {
        self.record(&parse_key(key)?)
    }

    pub fn actor(&self, id: &str) -> Option<u32> {
        self.actor_by_id.get(id).copied()
    }

    pub fn label_of(&self, record: u32) -> Label<'_> {
        self.labels[self.records[record as usize].label as usize].label()
    }

    /// For each label, whether `viewer` sees its records in full: worked out once for a pass
    /// over many records (`full[records[r].label]`).
    pub fn full_sight_by_label(&self, viewer: &Viewer, groups: &dyn Groups) -> Vec<bool> {
        self.labels
            .iter()
            .map(|l| sight(viewer, l.label(), groups) == Sight::Full)
            .collect()
    }

    pub fn sight(&self, viewer: &Viewer, record: u32, groups: &dyn Groups) -> Sight {
        sight(viewer, self.label_of(record), groups)
    }

    /// Whether a reason may be shown: only when the viewer may see every record it rests on.
    pub fn reason_visible(
        &self,
        viewer: &Viewer,
        reason: &ReasonView,
        groups: &dyn Groups,
    ) -> bool {
        sight_of_all(
            viewer,
            reason
                .sources
                .iter()
                .map(|&l| self.labels[l as usize].label()),
            groups,
        ) == Sight::Full
    }

    /// A record's shared score.
    pub fn score_of(&self, record: u32) -> Option<&ScoreView> {
        self.shared
            .of
            .get(&record)
            .map(|&s| &self.scores[s as usize])
    }

    /// The own scores that come before the shared ones for `viewer`: the user's own, then
    /// their organisation's.
    fn layers(&self, viewer: &Viewer) -> Vec<&Ranking> {
        [crate::scorers::user_key(&viewer.user), viewer.org.clone()]
            .iter()
            .filter_map(|k| self.own.get(k))
            .collect()
    }

    /// A record's score as `viewer` is shown it: their own, else their organisation's own,
    /// else the shared one.
    pub fn score_for(&self, viewer: &Viewer, record: u32) -> Option<&ScoreView> {
        self.layers(viewer)
            .iter()
            .find_map(|l| l.of.get(&record))
            .or_else(|| self.shared.of.get(&record))
            .map(|&s| &self.scores[s as usize])
    }

    /// A party's fields as JSON, read from its record: `null` when the record holds no party
    /// at its place.
    pub fn party_json(&self, party: u32) -> serde_json::Value {
        let p = &self.parties[party as usize];
        self.record_body(p.record)
            .and_then(|r| {
                r.parties()
                    .into_iter()
                    .nth(usize::from(p.index))
                    .and_then(|(_, party)| serde_json::to_value(party).ok())
            })
            .unwrap_or(serde_json::Value::Null)
    }

    /// The parties of a record, in the order added.
    pub fn parties_of(&self, record: u32) -> std::ops::Range<u32> {
        let r = &self.records[record as usize];
        r.first_party..r.first_party + r.parties
    }

    /// The day a record is about: a shipment's arrival (or shipping), a listing's or an
    /// account's creation, an outcome's date, a watch-list entry's addition.
    pub fn record_date(&self, record: u32) -> Option<&str> {
        self.records[record as usize]
            .date
            .map(|t| self.texts.get(t))
    }

    /// A record as JSON, decoded from its stored form: `null` should the form not decode.
    pub fn record_json(&self, record: u32) -> serde_json::Value {
        lz4_flex::decompress_size_prepended(&self.records[record as usize].payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or(serde_json::Value::Null)
    }

    /// A record, decoded from its stored form.
    pub fn record_body(&self, record: u32) -> Option<Record> {
        let r = &self.records[record as usize];
        Record::decode_payload_of(r.key.feed, &r.payload).ok()
    }

    /// The file a record came in.
    pub fn source_file(&self, record: u32) -> &str {
        self.texts.get(self.records[record as usize].source_file)
    }

    /// When a record was ingested.
    pub fn ingested_at(&self, record: u32) -> &str {
        self.texts.get(self.records[record as usize].ingested_at)
    }

    /// A party's role in its record (`shipper`, `consignee`, `sellers`...).
    pub fn role(&self, party: u32) -> &str {
        self.texts.get(self.parties[party as usize].role)
    }

    /// An outcome record's result and retail value in US dollars (0 when unknown); `None` for
    /// any other record.
    pub fn outcome_result(&self, record: u32) -> Option<(&str, f64)> {
        self.outcome_facts
            .get(&record)
            .map(|f| (self.texts.get(f.result), f.retail_usd))
    }

    /// The outcome records concerning a shipment or listing record.
    pub fn outcomes_of(&self, record: u32) -> &[u32] {
        self.outcomes_of.get(&record).map_or(&[], Vec::as_slice)
    }

    /// Whether the viewer sees a watch-list entry among an actor's records.
    pub fn listed_for(&self, viewer: &Viewer, actor: u32, groups: &dyn Groups) -> bool {
        self.actors[actor as usize].parties.iter().any(|&p| {
            let r = self.parties[p as usize].record;
            self.records[r as usize].key.feed == Feed::Parties
                && self.sight(viewer, r, groups) == Sight::Full
        })
    }

    /// The seller-account records among an actor's records, each once, in record order.
    pub fn seller_accounts(&self, actor: u32) -> Vec<u32> {
        let mut accounts: Vec<u32> = self.actors[actor as usize]
            .parties
            .iter()
            .map(|&p| self.parties[p as usize].record)
            .filter(|&r| self.records[r as usize].key.feed == Feed::Sellers)
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        accounts
    }

    /// The listings some seller-account records hold on their own marketplace, each once, in
    /// record order. Pass only accounts the reader sees: a listing names its account, so it
    /// would tell whose a hidden account is.
    pub fn listings_of(&self, accounts: &[u32]) -> Vec<u32> {
        let mut listings: Vec<u32> = accounts
            .iter()
            .filter_map(|&r| match self.record_body(r) {
                Some(Record::Sellers(s)) => Some((r, s.account_id)),
                _ => None,
            })
            .flat_map(|(r, account)| {
                let org = &self.records[r as usize].key.org;
                self.listings_of_account
                    .get(&account)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(move |&l| &self.records[l as usize].key.org == org)
            })
            .collect();
        listings.sort_unstable();
        listings.dedup();
        listings
    }

    pub fn links(&self, actor: u32) -> &[Link] {
        &self.links[actor as usize]
    }

    /// Indices of the shared scores, highest first.
    pub fn ranked_ids(&self) -> &[u32] {
        &self.shared.ranked
    }

    /// Indices of the scores `viewer` is shown (see [`View::score_for`]), highest first.
    pub fn ranked_for(&self, viewer: &Viewer) -> std::borrow::Cow<'_, [u32]> {
        let layers = self.layers(viewer);
        if layers.is_empty() {
            return std::borrow::Cow::Borrowed(&self.shared.ranked);
        }
        let mut taken: FxHashMap<u32, u32> = FxHashMap::default();
        for l in &layers {
            for (&r, &id) in &l.of {
                taken.entry(r).or_insert(id);
            }
        }
        let mut mine: Vec<u32> = taken.values().copied().collect();
        mine.sort_by(|&a, &b| rank_order(&self.scores, &self.records, a, b));
        let shared = self
            .shared
            .ranked
            .iter()
            .copied()
            .filter(|&i| !taken.contains_key(&self.scores[i as usize].record));
        let mut out = Vec::with_capacity(self.shared.ranked.len() + mine.len());
        let mut mine = mine.into_iter().peekable();
        for i in shared {
            while let Some(&m) = mine.peek() {
                if rank_order(&self.scores, &self.records, m, i) == std::cmp::Ordering::Greater {
                    break;
                }
                out.push(m);
                mine.next();
            }
            out.push(i);
        }
        out.extend(mine);
        std::borrow::Cow::Owned(out)
    }

    /// The parties matching every unit of `query`, best first (see [`crate::search`]).
    pub fn search(&self, query: &str) -> Found {
        self.search.search(query)
    }

    /// The search index, to parse a query before running it.
    pub fn search_index(&self) -> &SearchIndex {
        &self.search
    }
}

/// The feeds a reason rests on besides the record it is about, by what it comes from (a
/// signal's name or `rule:<name>`).
fn feeds_behind(source: Option<&str>) -> &'static [Feed] {
    match source {
        Some("generic_description" | "low_value" | "commercial_quantity") => &[],
        Some(
            "brand_mark"
            | "brand_lookalike"
            | "below_floor"
            | "hs_mismatch"
            | "origin_not_genuine"
            | "lane_not_genuine"
            | "unauthorised_seller",
        ) => &[Feed::Brands],
        // A watch-list hit rests on the watch lists alone.
        Some("watchlisted") => &[Feed::Parties],
        // Network and lane reasons summarise outcomes across the platform: they rest on all.
        Some(
            "sender_seizures"
            | "receiver_seizures"
            | "marketplace_actions"
            | "graph_risk"
            | "lane_risk",
        ) => &[Feed::Outcomes, Feed::Parties],
        Some("new_account" | "listing_velocity") => &[Feed::Sellers, Feed::Listings],
        // Rules read any fact; a reason of unknown origin rests on everything.
        _ => &Feed::ALL,
    }
}

/// A record key from its display form, `org/feed/source id`.
fn parse_key(text: &str) -> Option<RecordKey> {
    let (org, rest) = text.split_once('/')?;
    let (feed, source_id) = rest.split_once('/')?;
    Some(RecordKey::new(org, feed.parse().ok()?, source_id))
}

/// The name a party is shown and found by.
fn party_name(party: &interdict_model::Party) -> String {
    party
        .name
        .clone()
        .or(party.display_name.clone())
        .or(party.account_id.clone())
        .unwrap_or_default()
}

/// The read model: every record with its label, parties with their actors, links between
/// actors that share a shipment, outcomes as history of the actors they concern (withdrawn
/// ones left out), and scores.
pub fn build_view(store: &dyn PlatformStore) -> Result<View> {
    // Where the store stands before it is read: whatever lands meanwhile is caught up with.
    let cursor = Cursor {
        records: store.last_change()?,
        derived: followed_stamps(store)?,
        parts: part_stamps(store)?,
    };
    let mut b = ViewBuilder::default();
    b.view.search.remember_descriptions();
    b.view.groups = sharing(store)?;
    b.view.shared_risk = saved::shared_risk(store)?;
    b.view.org_of_user = users_by_org(store)?;
    b.view.withdrawn = saved::withdrawn(store)?
        .labels
        .keys()
        .filter_map(|k| parse_key(k))
        .collect();
    // Each party record's actor, borrowed from the saved table: a million party records
    // would otherwise cost a million keys and ids more while the view is built.
    let table = saved::actor_table(store)?;
    let mut actor_of: FxHashMap<(&str, Feed, &str), &str> = FxHashMap::default();
    for r in table.iter().flat_map(|t| t.rows()) {
        let r = r?;
        actor_of.insert((r.org, r.feed, r.source_id), r.actor);
    }
    let mut outcomes: Vec<u32> = Vec::new();
    let mut shipments_of: FxHashMap<u32, usize> = FxHashMap::default();
    let mut shipments = 0usize;
    store.scan(None, &mut |mut s| {
        let label = b.label(&s.key.org, s.marking, s.sharing_group.as_deref());
        // The store's payload is the view's form already: kept, not encoded again.
        let stored = stored_as(&s.record, std::mem::take(&mut s.payload));
        let id = b.put(
            s.key.clone(),
            label,
            &s.source_file,
            &s.ingested_at,
            &s.record,
            stored,
        );
        b.view.index_record(id, &s.record);
        let mut actors = Vec::new();
        let parties = s.record.parties();
        for (p, (source, _)) in b.view.parties_of(id).zip(&parties) {
            if let Some(a) = actor_of.get(&(s.key.org.as_str(), s.key.feed, source.as_str())) {
                let a = b.actor(a);
                b.view.parties[p as usize].actor = Some(a);
                b.view.join(a, p, label);
                actors.push(a);
            }
        }
        let v = &mut b.view;
        match &s.record {
            Record::Shipments(_) => {
                shipments += 1;
                actors.sort();
                actors.dedup();
                for (i, &a) in actors.iter().enumerate() {
                    *shipments_of.entry(a).or_default() += 1;
                    for &c in &actors[i + 1..] {
                        v.links[a as usize].push(Link { other: c, via: id });
                        v.links[c as usize].push(Link { other: a, via: id });
                    }
                }
            }
            Record::Outcomes(_) => outcomes.push(id),
            Record::Brands(br) => b.brand(&br.name, label),
            _ => {}
        }
        Ok(())
    })?;
    for id in outcomes {
        b.view.attach_outcome(id);
    }
    // An actor on more than 0.5% of all shipments (and more than 50) is a hub: a forwarder's
    // warehouse or a broker, shown but not expanded.
    let hub_floor = (shipments as f64 * interdict_score::HUB_SHARE).max(50.0);
    for (a, n) in shipments_of {
        if n as f64 > hub_floor {
            b.view.actors[a as usize].hub = true;
        }
    }
    // The labels behind each kind of reason (and named brands), worked out once per kind.
    let mut behind = Behind::default();
    drop(actor_of);
    drop(table);
    saved::each_score(store, &mut |s| {
        if let Some(r) = b.record_id(&s.key()) {
            b.add_score(r, s, &mut behind);
        }
        Ok(())
    })?;
    let mut view = b.build();
    view.cursor = cursor;
    Ok(view)
}

/// Each user's organisation.
fn users_by_org(store: &dyn PlatformStore) -> Result<FxHashMap<String, String>> {
    Ok(store
        .users()?
        .into_iter()
        .map(|u| (u.name, u.org))
        .collect())
}

/// Highest score first; ties by source id.
fn rank_order(scores: &[ScoreView], records: &[RecordView], a: u32, b: u32) -> std::cmp::Ordering {
    let (sa, sb) = (&scores[a as usize], &scores[b as usize]);
    sb.score.total_cmp(&sa.score).then(
        records[sa.record as usize]
            .key
            .source_id
            .cmp(&records[sb.record as usize].key.source_id),
    )
}

/// Ingest health: every file's runs, and every row kept out, with its reason.
pub struct IngestHealth {
    pub files: Vec<IngestFile>,
    pub quarantine: Vec<QuarantinedRow>,
}

/// Ingest health as the store holds it now. Read when it is shown, not kept in the view: every
/// recorded decision is an ingest run, so keeping it current would read every run again on each
/// write.
pub fn ingest_health(store: &dyn Store) -> Result<IngestHealth> {
    Ok(IngestHealth {
        files: ingest_files(store)?,
        quarantine: store.quarantined()?,
    })
}

/// Every file's ingest runs summed, latest first.
fn ingest_files(store: &dyn Store) -> Result<Vec<IngestFile>> {
    let mut by_file: FxHashMap<(String, Feed, String), IngestFile> = FxHashMap::default();
    for r in store.runs()? {
        let f = by_file
            .entry((r.org.clone(), r.feed, r.file.clone()))
            .or_insert_with(|| IngestFile {
                org: r.org.clone(),
                feed: r.feed,
                file: r.file.clone(),
                runs: 0,
                read: 0,
                landed: 0,
                quarantined: 0,
                last_run_at: String::new(),
            });
        f.runs += 1;
        f.read += r.counts.read;
        f.landed += r.counts.landed + r.counts.updated;
        f.quarantined += r.counts.quarantined;
        if r.started_at > f.last_run_at {
            f.last_run_at = r.started_at;
        }
    }
    let mut files: Vec<IngestFile> = by_file.into_values().collect();
    files.sort_by(|a, b| b.last_run_at.cmp(&a.last_run_at).then(a.file.cmp(&b.file)));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_access::{Member, Role};

    fn record(feed: Feed, json: &str) -> Record {
        let rates = interdict_normalize::money::RateTable::default_table();
        interdict_ingest::record_from_json(feed, json.as_bytes(), &rates).unwrap()
    }

    #[test]
    fn a_record_is_held_in_its_stored_form_and_read_back_whole() {
        let shipment = record(
            Feed::Shipments,
            r#"{"source_id": "S1", "shipped": "2026-03-01", "arrival": "2026-03-07",
                "origin_country": "CN", "shipper": {"name": "Sun Export Co"},
                "items": [{"description": "shoes", "value": "20 USD"},
                          {"description": "bags", "value": "5.5 USD"}]}"#,
        );
        let seizure = record(
            Feed::Outcomes,
            r#"{"source_id": "O1", "result": "seized_counterfeit", "date": "2026-03-09",
                "shipment_id": "S1", "retail_value": "300 USD"}"#,
        );
        let mut b = ViewBuilder::default();
        let label = b.label("carrier", Marking::Green, None);
        let s = b.add_record(
            RecordKey::new("carrier", Feed::Shipments, "S1"),
            label,
            "f.csv",
            "2026-03-08T10:00:00Z",
            &shipment,
        );
        let o = b.add_record(
            RecordKey::new("customs", Feed::Outcomes, "O1"),
            label,
            "seizures.csv",
            "2026-03-08T10:00:00Z",
            &seizure,
        );
        score_with(&mut b, s, 0.5, Vec::new());
        let v = b.build();
        // Whole, exactly as the record serialises, and typed.
        assert_eq!(v.record_json(s), serde_json::to_value(&shipment).unwrap());
        assert_eq!(v.record_body(o), Some(seizure));
        // The columns pages read across many records.
        assert_eq!(v.record_date(s), Some("2026-03-07"));
        assert_eq!(v.record_date(o), Some("2026-03-09"));
        assert_eq!(v.source_file(o), "seizures.csv");
        assert_eq!(v.ingested_at(s), v.ingested_at(o));
        assert_eq!(v.outcome_result(o), Some(("seized_counterfeit", 300.0)));
        assert_eq!(v.outcome_result(s), None);
        let score = v.score_of(s).unwrap();
        assert_eq!(score.value_usd, Some(25.5));
        assert_eq!(score.origin.as_deref(), Some("CN"));
        // A repeated string is held once.
        assert_eq!(
            v.texts
                .list
                .iter()
                .filter(|t| t.starts_with("2026-03-08T"))
                .count(),
            1
        );
    }

    #[test]
    fn each_viewer_is_ranked_by_their_own_scores_then_their_organisations_then_the_shared() {
        let mut b = ViewBuilder::default();
        let label = b.label("carrier", Marking::Green, None);
        let ids: Vec<u32> = ["S1", "S2", "S3", "S4"]
            .iter()
            .map(|id| {
                let body = format!(r#"{{"source_id": "{id}", "arrival": "2026-03-07"}}"#);
                b.add_record(
                    RecordKey::new("carrier", Feed::Shipments, *id),
                    label,
                    "f.csv",
                    "2026-03-08T10:00:00Z",
                    &record(Feed::Shipments, &body),
                )
            })
            .collect();
        let mut put = |r: u32, score: f64, scored_for: Option<&str>| {
            let key = b.view.records[r as usize].key.clone();
            let mut s = bare_score(key, score);
            s.scored_for = scored_for.map(str::to_owned);
            b.add_score(r, s, &mut Behind::default());
        };
        // Shared: S1 0.9, S2 0.5, S3 0.3; S4 only the centre sees in full.
        put(ids[0], 0.9, None);
        put(ids[1], 0.5, None);
        put(ids[2], 0.3, None);
        put(ids[2], 0.95, Some("centre"));
        put(ids[3], 0.4, Some("centre"));
        put(ids[1], 0.1, Some("user:alice"));
        let v = b.build();
        let viewer = |org: &str, user: &str| Viewer {
            org: org.into(),
            user: user.into(),
            role: interdict_access::Role::Analyst,
        };
        let order = |who: &Viewer| -> Vec<(u32, f64)> {
            v.ranked_for(who)
                .iter()
                .map(|&i| (v.scores[i as usize].record, v.scores[i as usize].score))
                .collect()
        };
        let (s1, s2, s3, s4) = (ids[0], ids[1], ids[2], ids[3]);
        assert_eq!(
            order(&viewer("carrier", "carl")),
            [(s1, 0.9), (s2, 0.5), (s3, 0.3)]
        );
        assert_eq!(
            order(&viewer("centre", "ken")),
            [(s3, 0.95), (s1, 0.9), (s2, 0.5), (s4, 0.4)]
        );
        // A user's own come first, then their organisation's, then the shared ones.
        assert_eq!(
            order(&viewer("centre", "alice")),
            [(s3, 0.95), (s1, 0.9), (s4, 0.4), (s2, 0.1)]
        );
        assert_eq!(
            v.score_for(&viewer("centre", "alice"), s2).unwrap().score,
            0.1
        );
        assert_eq!(
            v.score_for(&viewer("centre", "ken"), s2).unwrap().score,
            0.5
        );
        assert_eq!(
            v.score_for(&viewer("carrier", "carl"), s3).unwrap().score,
            0.3
        );
        assert!(v.score_for(&viewer("carrier", "carl"), s4).is_none());
        assert_eq!(v.score_of(s3).unwrap().score, 0.3);
    }

    /// A shared score of `key` with nothing but its value.
    #[test]
    fn scores_taken_in_a_part_at_a_time_rank_as_a_view_built_with_them() {
        let mut b = ViewBuilder::default();
        let label = b.label("carrier", Marking::Green, None);
        let ids: Vec<u32> = (0..60)
            .map(|i| {
                let id = format!("S{i:02}");
                let body = format!(r#"{{"source_id": "{id}", "arrival": "2026-03-07"}}"#);
                b.add_record(
                    RecordKey::new("carrier", Feed::Shipments, &id),
                    label,
                    "f.csv",
                    "2026-03-08T10:00:00Z",
                    &record(Feed::Shipments, &body),
                )
            })
            .collect();
        // Scores with ties (ranked by source id among themselves), some replaced later.
        let score_of = |i: usize, round: usize| ((i * 7 + round * 3) % 11) as f64 / 10.0;
        for &r in &ids[..30] {
            let key = b.view.records[r as usize].key.clone();
            b.add_score(
                r,
                bare_score(key, score_of(r as usize, 0)),
                &mut Behind::default(),
            );
        }
        let mut view = b.build();
        // Thirty new scores and five replaced, taken in three at a time.
        let changed: Vec<(u32, f64)> = ids[30..]
            .iter()
            .map(|&r| (r, score_of(r as usize, 0)))
            .chain(ids[..5].iter().map(|&r| (r, score_of(r as usize, 1))))
            .collect();
        let mut changes = Changes {
            records: VecDeque::new(),
            placed: Placed::default(),
            relabelled: false,
            actor_rows: VecDeque::new(),
            scores: changed
                .iter()
                .map(|&(r, score)| bare_score(view.records[r as usize].key.clone(), score))
                .collect(),
            withdrawn: None,
            cursor: Cursor::default(),
            rebuild: false,
        };
        let mut parts = 1;
        while !view.apply_part(&mut changes, 3) {
            parts += 1;
        }
        assert_eq!(parts, 12);
        let ranked = view.reranked(&changes);
        view.set_ranked(ranked);

        let mut want: Vec<(f64, String)> = ids
            .iter()
            .map(|&r| {
                let score = changed
                    .iter()
                    .find(|&&(c, _)| c == r)
                    .map_or(score_of(r as usize, 0), |&(_, s)| s);
                (score, view.records[r as usize].key.source_id.clone())
            })
            .collect();
        want.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let got: Vec<(f64, String)> = view
            .ranked_ids()
            .iter()
            .map(|&i| {
                let s = &view.scores[i as usize];
                (
                    s.score,
                    view.records[s.record as usize].key.source_id.clone(),
                )
            })
            .collect();
        assert_eq!(got, want);
        assert_eq!(
            view.scores.len(),
            60,
            "a replaced score keeps its place in the list"
        );
    }

    fn bare_score(key: RecordKey, score: f64) -> saved::SavedScore {
        saved::SavedScore {
            org: key.org,
            feed: key.feed,
            source_id: key.source_id,
            score,
            day: None,
            port: String::new(),
            model: "m".into(),
            rules: "r".into(),
            scored_at: String::new(),
            reasons: Vec::new(),
            fired: Vec::new(),
            reason_sources: Vec::new(),
            brands: Vec::new(),
            scored_for: None,
        }
    }

    /// Scores `record` with these reasons, resting on exactly the labels they name.
    fn score_with(b: &mut ViewBuilder, record: u32, score: f64, reasons: Vec<ReasonView>) {
        let s = bare_score(RecordKey::new("", Feed::Shipments, ""), score);
        b.add_score(record, s, &mut Behind::default());
        let id = b.view.shared.of[&record];
        b.view.scores[id as usize].reasons = reasons;
    }

    #[test]
    fn a_reason_shows_only_to_viewers_who_see_everything_it_rests_on() {
        let mut b = ViewBuilder::default();
        let green = b.label("carrier", Marking::Green, None);
        let amber = b.label("customs", Marking::Amber, Some("ops"));
        let r = b.add_record(
            RecordKey::new("carrier", interdict_model::Feed::Shipments, "S1"),
            green,
            "f.csv",
            "t",
            &record(Feed::Shipments, r#"{"source_id": "S1"}"#),
        );
        let reasons = vec![
            ReasonView {
                text: "low declared value".into(),
                sources: vec![green],
            },
            ReasonView {
                text: "the sender had a seizure".into(),
                sources: vec![green, amber],
            },
        ];
        score_with(&mut b, r, 0.9, reasons);
        let view = b.build();
        let mut groups = std::collections::BTreeMap::<String, BTreeSet<Member>>::new();
        groups.insert("ops".into(), [Member::Org("carrier".into())].into());
        let shown = |org: &str| -> Vec<&str> {
            let v = Viewer {
                org: org.into(),
                user: "u".into(),
                role: Role::Analyst,
            };
            let s = view.score_of(r).unwrap();
            s.reasons
                .iter()
                .filter(|x| view.reason_visible(&v, x, &groups))
                .map(|x| x.text.as_str())
                .collect()
        };
        assert_eq!(
            shown("carrier"),
            ["low declared value", "the sender had a seizure"]
        );
        assert_eq!(
            shown("customs"),
            ["low declared value", "the sender had a seizure"]
        );
        assert_eq!(shown("brand"), ["low declared value"]);
    }

    #[test]
    fn an_actor_is_named_by_the_first_party_the_reader_sees_in_full() {
        let mut b = ViewBuilder::default();
        let red = b.label("mkt-b", Marking::Red, None);
        let amber = b.label("mkt-b", Marking::Amber, None);
        let green = b.label("mkt-a", Marking::Green, None);
        let mut add = |label: u32, id: &str, name: &str| {
            let r = record(
                Feed::Sellers,
                &format!(r#"{{"source_id": "{id}", "marketplace": "m", "name": "{name}"}}"#),
            );
            let i = b.add_record(
                RecordKey::new("mkt", Feed::Sellers, id),
                label,
                "f",
                "t",
                &r,
            );
            b.view.index_record(i, &r);
        };
        add(red, "A1", "Hidden Name");
        add(amber, "A2", "Amber Name");
        add(red, "A3", "Hidden Again");
        add(green, "A4", "Green Name");
        add(green, "A5", "Later Green");
        for id in ["A1", "A2", "A3", "A4", "A5"] {
            b.view
                .set_actor(&RecordKey::new("mkt", Feed::Sellers, id), "ACT-1");
        }
        let mut v = b.build();
        let reader = |org: &str| Viewer {
            org: org.into(),
            user: "u".into(),
            role: Role::Analyst,
        };
        let groups = Sharing::new();
        let act = v.actor("ACT-1").unwrap();
        let name = |v: &View, org: &str, a: u32| v.visible_name(&reader(org), a, &groups);
        // The owner sees every record: the first party names the actor.
        assert_eq!(name(&v, "mkt-b", act).as_deref(), Some("Hidden Name"));
        // Another organisation sees the GREEN records only (AMBER and RED are not its own).
        assert_eq!(name(&v, "carrier", act).as_deref(), Some("Green Name"));
        // The first GREEN party moves to another actor: the next one names this one.
        v.set_actor(&RecordKey::new("mkt", Feed::Sellers, "A4"), "ACT-2");
        assert_eq!(name(&v, "carrier", act).as_deref(), Some("Later Green"));
        let moved = v.actor("ACT-2").unwrap();
        assert_eq!(name(&v, "carrier", moved).as_deref(), Some("Green Name"));
        v.set_actor(&RecordKey::new("mkt", Feed::Sellers, "A5"), "ACT-2");
        assert_eq!(name(&v, "carrier", act), None, "nothing it sees names it");
        assert_eq!(name(&v, "mkt-b", act).as_deref(), Some("Hidden Name"));
    }

    #[test]
    fn an_actors_accounts_lead_to_the_listings_they_hold_on_their_own_marketplace() {
        let mut b = ViewBuilder::default();
        let label = b.label("mkt-a", Marking::Green, None);
        let other = b.label("mkt-b", Marking::Green, None);
        let seller = |id: &str| {
            record(
                Feed::Sellers,
                &format!(r#"{{"source_id": "{id}", "marketplace": "m", "name": "Zheng Li"}}"#),
            )
        };
        let listing = |id: &str, account: &str| {
            record(
                Feed::Listings,
                &format!(
                    r#"{{"source_id": "{id}", "marketplace": "m", "seller_account_id": "{account}", "title": "shoes"}}"#
                ),
            )
        };
        let add = |b: &mut ViewBuilder, org: &str, feed: Feed, id: &str, r: &Record| {
            let l = if org == "mkt-a" { label } else { other };
            let i = b.add_record(RecordKey::new(org, feed, id), l, "f", "t", r);
            b.view.index_record(i, r);
            i
        };
        let acc1 = add(&mut b, "mkt-a", Feed::Sellers, "A1", &seller("A1"));
        let acc2 = add(&mut b, "mkt-a", Feed::Sellers, "A2", &seller("A2"));
        let l1 = add(&mut b, "mkt-a", Feed::Listings, "L1", &listing("L1", "A1"));
        let l2 = add(&mut b, "mkt-a", Feed::Listings, "L2", &listing("L2", "A2"));
        let l3 = add(&mut b, "mkt-a", Feed::Listings, "L3", &listing("L3", "A1"));
        // Another account of the same id on another marketplace is someone else's.
        add(&mut b, "mkt-b", Feed::Sellers, "A1", &seller("A1"));
        add(&mut b, "mkt-b", Feed::Listings, "L9", &listing("L9", "A1"));
        let unheld = add(&mut b, "mkt-a", Feed::Listings, "L4", &listing("L4", "A3"));
        b.view
            .set_actor(&RecordKey::new("mkt-a", Feed::Sellers, "A1"), "ACT-1");
        b.view
            .set_actor(&RecordKey::new("mkt-a", Feed::Sellers, "A2"), "ACT-1");
        b.view
            .set_actor(&RecordKey::new("mkt-b", Feed::Sellers, "A1"), "ACT-2");
        let v = b.build();
        let accounts = v.seller_accounts(v.actor("ACT-1").unwrap());
        assert_eq!(accounts, [acc1, acc2]);
        let listings = v.listings_of(&accounts);
        assert_eq!(listings, [l1, l2, l3]);
        assert!(!listings.contains(&unheld));
        assert_eq!(v.listings_of(&[acc2]), [l2]);
        let accounts = v.seller_accounts(v.actor("ACT-2").unwrap());
        assert_eq!(accounts.len(), 1);
        let listings = v.listings_of(&accounts);
        assert_eq!(
            listings
                .iter()
                .map(|&l| v.records[l as usize].key.to_string())
                .collect::<Vec<_>>(),
            ["mkt-b/listings/L9"]
        );
    }

    #[test]
    fn a_party_is_read_from_its_record_at_its_place() {
        let json = br#"{"source_id": "S1", "arrival": "2026-03-07",
            "shipper": {"name": "Sun Export Co", "emails": ["sun@export.cn"]},
            "consignee": {"name": "Pat Doe", "address": {"country": "GB"}}}"#;
        let rates = interdict_normalize::money::RateTable::default_table();
        let record = interdict_ingest::record_from_json(Feed::Shipments, json, &rates).unwrap();
        let mut b = ViewBuilder::default();
        let label = b.label("carrier", Marking::Green, None);
        let r = b.add_record(
            RecordKey::new("carrier", Feed::Shipments, "S1"),
            label,
            "f.csv",
            "t",
            &record,
        );
        let mut parties = Vec::new();
        for (index, (_, party)) in record.parties().into_iter().enumerate() {
            let name = party.name.clone().unwrap_or_default();
            let p = b
                .view
                .push_party(r, "party", name, None, index as u16, None);
            parties.push(p);
        }
        let stray = b
            .view
            .push_party(r, "party", "nobody".into(), None, 9, None);
        let v = b.build();
        assert_eq!(parties.len(), 2);
        let names: Vec<String> = parties
            .iter()
            .map(|&p| v.party_json(p)["name"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(names, ["Sun Export Co", "Pat Doe"]);
        assert_eq!(v.party_json(parties[0])["emails"][0], "sun@export.cn");
        assert_eq!(v.party_json(stray), serde_json::Value::Null);
    }

    #[test]
    fn a_brand_reason_rests_on_the_records_of_the_brands_it_names() {
        let mut b = ViewBuilder::default();
        let open = b.label("brand-a", Marking::Green, None);
        let strict = b.label("brand-b", Marking::AmberStrict, None);
        for (name, label) in [("Nike", open), ("Rolex", strict)] {
            let key = RecordKey::new("x", Feed::Brands, name);
            let json = format!(r#"{{"source_id": "{name}", "name": "{name}"}}"#);
            b.add_record(key, label, "b.csv", "t", &record(Feed::Brands, &json));
            b.view
                .feed_labels
                .entry(Feed::Brands)
                .or_default()
                .insert(label);
            b.brand(name, label);
        }
        let v = b.build();
        let nike = ["nike".to_string()];
        assert_eq!(
            v.labels_behind_brands(Some("brand_lookalike"), &nike, None),
            [open]
        );
        let rolex = ["Rolex".to_string()];
        assert_eq!(
            v.labels_behind_brands(Some("below_floor"), &rolex, None),
            [strict]
        );
        // Unknown or no names: every brand record; other reasons are not narrowed.
        let every = vec![open, strict];
        let unknown = ["Acme".to_string()];
        assert_eq!(
            v.labels_behind_brands(Some("brand_mark"), &unknown, None),
            every
        );
        assert_eq!(v.labels_behind_brands(Some("brand_mark"), &[], None), every);
        assert_eq!(
            v.labels_behind_brands(Some("low_value"), &nike, None),
            Vec::<u32>::new()
        );
        let viewer = Viewer {
            org: "customs".into(),
            user: "c".into(),
            role: interdict_access::Role::Officer,
        };
        let groups = Sharing::new();
        let reason = |sources| ReasonView {
            text: String::new(),
            sources,
        };
        assert!(v.reason_visible(
            &viewer,
            &reason(v.labels_behind_brands(Some("brand_lookalike"), &nike, None)),
            &groups
        ));
        assert!(!v.reason_visible(
            &viewer,
            &reason(v.labels_behind_brands(Some("brand_lookalike"), &rolex, None)),
            &groups
        ));
    }
}

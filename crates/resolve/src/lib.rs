//! Entity resolution: the actors behind party records from every partner and feed.
//!
//! A pure library: party records in (a key and a [`Party`](interdict_model::Party) each),
//! actors out. The stages are [`features`] (what a record is compared on), [`blocking`] (which
//! pairs are compared, hubs), [`compare`] (graded levels per field), [`model`] (Fellegi–Sunter
//! trained without labels, term frequencies, explanations), [`cluster`] (no chaining through
//! weak or hub links), [`ids`] (stable actor ids), [`incremental`] (one new record against
//! resolved actors) and [`eval`] (pairwise and B-cubed accuracy against a truth).
//!
//! Architecture invariant: no I/O, no clock, no storage; deterministic for the same input.

pub mod blocking;
pub mod cluster;
pub mod compare;
pub mod eval;
pub mod features;
pub mod ids;
pub mod incremental;
pub mod model;

use std::collections::BTreeMap;
use std::time::Duration;

use interdict_model::RecordKey;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

pub use blocking::{BlockingConfig, Hub, KeyKind};
pub use cluster::ClusterConfig;
pub use compare::Field;
pub use features::Features;
pub use incremental::{Assignment, Resolver};
pub use model::{Evidence, Explanation, Model, Scorer, TrainConfig, ValueStats};

/// The actor id of every record of an earlier run.
pub type Previous = FxHashMap<RecordKey, String>;

/// Everything resolution can be told.
#[derive(Clone, Copy, PartialEq)]
pub struct Config {
    pub blocking: BlockingConfig,
    pub train: TrainConfig,
    /// Match probability two records need to be one actor.
    pub threshold: f64,
    /// The installation's secret that new actor ids are keyed with (see [`ids`]); the default
    /// is a fixed key, for tests and benchmarks only.
    pub id_key: [u8; 32],
}

impl Default for Config {
    fn default() -> Self {
        Config {
            blocking: BlockingConfig::default(),
            train: TrainConfig::default(),
            threshold: 0.9,
            id_key: [0; 32],
        }
    }
}

/// Everything but the id key, which never reaches a log.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("blocking", &self.blocking)
            .field("train", &self.train)
            .field("threshold", &self.threshold)
            .field("id_key", &"<secret>")
            .finish()
    }
}

/// A stage of [`resolve`], for progress reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Blocking,
    Comparing,
    Training,
    Scoring,
    Clustering,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Blocking => "blocking",
            Stage::Comparing => "comparing candidate pairs",
            Stage::Training => "training the model",
            Stage::Scoring => "scoring candidate pairs",
            Stage::Clustering => "clustering",
        }
    }
}

/// Counts that describe a resolution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub records: usize,
    /// Records with different comparison values: what blocking, training and scoring work on.
    #[serde(default)]
    pub distinct_descriptions: usize,
    pub actors: usize,
    /// Actors with more than one record.
    pub multi_record_actors: usize,
    /// Actors with records from more than one organisation.
    pub cross_partner_actors: usize,
    pub candidate_pairs: usize,
    /// Candidate pairs at or above the threshold.
    pub links: usize,
    pub hub_values: usize,
    /// Oversized groups compared by window.
    pub windowed_groups: usize,
    pub model_trained: bool,
    pub threshold: f64,
    /// Seconds per stage.
    pub seconds: BTreeMap<String, f64>,
    /// How many true pairs blocking compared, when the truth was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocking_recall: Option<BlockingRecall>,
}

/// The share of truly matching record pairs that blocking lets the model compare: records of
/// one description, or of two descriptions that are a candidate pair. A true pair blocking
/// misses can never be linked directly, whatever the model says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockingRecall {
    pub true_pairs: u64,
    pub compared: u64,
    pub recall: f64,
}

/// [`BlockingRecall`] of candidate pairs over distinct descriptions, with each record's true
/// entity (`u32::MAX` for a record the truth does not name).
pub fn blocking_recall(distinct: &Distinct, pairs: &[(u32, u32)], truth: &[u32]) -> BlockingRecall {
    // Each description's records by true entity.
    let mut of_node: Vec<Vec<(u32, u64)>> = vec![Vec::new(); distinct.features.len()];
    let mut per_entity: rustc_hash::FxHashMap<u32, u64> = Default::default();
    for (r, &n) in distinct.node_of.iter().enumerate() {
        let t = truth.get(r).copied().unwrap_or(u32::MAX);
        if t == u32::MAX {
            continue;
        }
        *per_entity.entry(t).or_default() += 1;
        let counts = &mut of_node[n as usize];
        match counts.iter_mut().find(|(e, _)| *e == t) {
            Some((_, c)) => *c += 1,
            None => counts.push((t, 1)),
        }
    }
    let pairs_of = |n: u64| n * n.saturating_sub(1) / 2;
    let true_pairs: u64 = per_entity.values().map(|&n| pairs_of(n)).sum();
    let mut compared: u64 = of_node.iter().flatten().map(|&(_, c)| pairs_of(c)).sum();
    for &(a, b) in pairs {
        for &(t, c) in &of_node[a as usize] {
            if let Some(&(_, d)) = of_node[b as usize].iter().find(|(e, _)| *e == t) {
                compared += c * d;
            }
        }
    }
    BlockingRecall {
        true_pairs,
        compared,
        recall: if true_pairs == 0 {
            1.0
        } else {
            compared as f64 / true_pairs as f64
        },
    }
}

/// The result of a batch resolution.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub model: Model,
    /// Cluster of every input record.
    pub clusters: Vec<u32>,
    /// Actor id of every cluster.
    pub actor_ids: Vec<String>,
    pub hubs: Vec<Hub>,
    pub summary: Summary,
}

impl Resolution {
    /// The actor id of input record `i`.
    pub fn actor_of(&self, i: usize) -> &str {
        &self.actor_ids[self.clusters[i] as usize]
    }
}

/// The distinct descriptions among records: records whose comparison values are identical (a
/// shipper repeating itself on thousands of waybills) are one node for blocking, training,
/// term frequencies and scoring. How often a description repeats says nothing about how many
/// actors share its values, and comparing copies of it with each other says nothing at all.
/// A node's [`Span`](features::Span) covers the days of all its records.
#[derive(Debug, Clone, Default)]
pub struct Distinct {
    pub features: Vec<Features>,
    /// Records per node.
    pub weights: Vec<u32>,
    /// Node of every input record.
    pub node_of: Vec<u32>,
    by_hash: FxHashMap<u64, Vec<u32>>,
}

/// A hash of everything a record is compared on.
pub fn description_hash(f: &Features) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    f.hash(&mut h);
    h.finish()
}

impl Distinct {
    pub fn of(features: &[Features]) -> Distinct {
        let hashes: Vec<u64> = features.par_iter().map(description_hash).collect();
        let mut d = Distinct::default();
        d.node_of.reserve(features.len());
        for (f, h) in features.iter().zip(hashes) {
            d.push_hashed(h, f, f.span, || f.clone());
        }
        d
    }

    /// Adds one record with features `f` (of hash `h`, see [`description_hash`]) seen on the
    /// days of `span`, copied by `make` when its description is new; gives its node.
    pub fn push_hashed(
        &mut self,
        h: u64,
        f: &Features,
        span: features::Span,
        make: impl FnOnce() -> Features,
    ) -> u32 {
        let node = match self.find(h, f) {
            Some(n) => n,
            None => self.add_node(h, make()),
        };
        self.add_record(node, span);
        node
    }

    fn find(&self, h: u64, f: &Features) -> Option<u32> {
        self.by_hash
            .get(&h)?
            .iter()
            .copied()
            .find(|&n| self.features[n as usize] == *f)
    }

    fn add_node(&mut self, h: u64, mut f: Features) -> u32 {
        let n = self.features.len() as u32;
        f.span = features::Span::NONE;
        self.features.push(f);
        self.weights.push(0);
        self.by_hash.entry(h).or_default().push(n);
        n
    }

    /// The node of a description (of hash `h`), added without records when new.
    pub fn node_of_description(&mut self, h: u64, f: Features) -> u32 {
        match self.find(h, &f) {
            Some(n) => n,
            None => self.add_node(h, f),
        }
    }

    /// Adds a record of description `node`, seen on the days of `span`.
    pub fn add_record(&mut self, node: u32, span: features::Span) {
        let n = node as usize;
        self.features[n].span.cover(span);
        self.weights[n] += 1;
        self.node_of.push(node);
    }

    /// Records added.
    pub fn records(&self) -> usize {
        self.node_of.len()
    }

    /// The features of record `i`: its description's, spanning the days of all its copies.
    pub fn record(&self, i: usize) -> &Features {
        &self.features[self.node_of[i] as usize]
    }
}

/// Compares candidate pairs once: what training counts and scoring weighs.
pub fn compare_pairs(
    stats: &ValueStats,
    features: &[Features],
    pairs: &[(u32, u32)],
) -> Vec<Evidence> {
    pairs
        .par_iter()
        .map(|&(i, j)| stats.evidence(&stats.compare(&features[i as usize], &features[j as usize])))
        .collect()
}

/// What a person has one of for life: a date of birth, an identity document of one kind, a
/// gender. Two records conflict when they disagree on one (the "different" level), and their
/// whole comparison then weighs in a merge of their clusters (see [`cluster`]). Only fields
/// whose disagreement the model itself weighs at least as strongly against as the threshold
/// weighs for are checked (a data set whose dates of birth are noise turns the check off).
pub struct PersonIdentity<'a> {
    features: &'a [Features],
    scorer: &'a Scorer,
    /// A bit per [`Field`] index checked.
    fields: u32,
}

impl<'a> PersonIdentity<'a> {
    /// `None` when no field qualifies.
    pub fn new(features: &'a [Features], scorer: &'a Scorer, threshold: f64) -> Option<Self> {
        let against = -cluster::bits(threshold);
        let fields = [Field::Birth, Field::Document, Field::Gender]
            .into_iter()
            .filter(|f| scorer.level_weight(*f, 0) <= against)
            .fold(0u32, |m, f| m | 1 << f.index());
        (fields != 0).then_some(PersonIdentity {
            features,
            scorer,
            fields,
        })
    }

    fn gives(&self, f: Field) -> bool {
        self.fields & (1 << f.index()) != 0
    }
}

impl cluster::Identity for PersonIdentity<'_> {
    fn witness(&self, i: u32) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let p = self.features[i as usize].person.as_deref()?;
        let mut h = rustc_hash::FxHasher::default();
        let mut any = false;
        if let Some(b) = p.birth.filter(|_| self.gives(Field::Birth)) {
            b.hash.hash(&mut h);
            any = true;
        }
        if self.gives(Field::Document) && !p.documents.is_empty() {
            p.documents.hash(&mut h);
            any = true;
        }
        if self.gives(Field::Gender) && p.gender != 0 {
            p.gender.hash(&mut h);
            any = true;
        }
        any.then(|| h.finish())
    }

    fn conflict(&self, i: u32, j: u32) -> Option<f32> {
        let (a, b) = (&self.features[i as usize], &self.features[j as usize]);
        let c = self.scorer.stats.compare(a, b);
        // A year alone agrees with every date of that year ("as far as the less precise
        // goes"): it conflicts only with another year.
        [Field::Birth, Field::Document, Field::Gender]
            .into_iter()
            .any(|f| self.gives(f) && c.levels[f.index()] == Some(0))
            .then(|| self.scorer.weight(&c) as f32)
    }
}

/// Scores compared pairs with a model: match weights in bits.
pub fn score_pairs(
    scorer: &Scorer,
    pairs: &[(u32, u32)],
    evidence: &[Evidence],
) -> Vec<(u32, u32, f32)> {
    pairs
        .par_iter()
        .zip(evidence)
        .map(|(&(i, j), e)| (i, j, scorer.weight_of(e) as f32))
        .collect()
}

/// Resolves every record at once. `model` is used as it is when given (frozen); otherwise one
/// is trained. `previous` holds the last run's actor ids, so ids stay stable.
pub fn resolve(
    keys: &[RecordKey],
    features: &[Features],
    model: Option<Model>,
    previous: &Previous,
    cfg: &Config,
    progress: &mut dyn FnMut(Stage, Duration),
) -> Resolution {
    assert_eq!(keys.len(), features.len(), "one key per record");
    let previous: Vec<Option<&str>> = keys
        .iter()
        .map(|k| previous.get(k).map(String::as_str))
        .collect();
    resolve_distinct(
        keys,
        Distinct::of(features),
        model,
        &previous,
        cfg,
        progress,
    )
}

/// [`resolve`] for records already gathered into distinct descriptions (one key per record),
/// with the previous run's actor id of every record (`previous[i]` for record `i`).
pub fn resolve_distinct(
    keys: &[RecordKey],
    distinct: Distinct,
    model: Option<Model>,
    previous: &[Option<&str>],
    cfg: &Config,
    progress: &mut dyn FnMut(Stage, Duration),
) -> Resolution {
    resolve_measured(keys, distinct, model, previous, cfg, None, progress)
}

/// [`resolve_distinct`], measuring blocking recall against each record's true entity when
/// `truth` is given (see [`blocking_recall`]).
pub fn resolve_measured(
    keys: &[RecordKey],
    distinct: Distinct,
    model: Option<Model>,
    previous: &[Option<&str>],
    cfg: &Config,
    truth: Option<&[u32]>,
    progress: &mut dyn FnMut(Stage, Duration),
) -> Resolution {
    assert_eq!(keys.len(), distinct.records(), "one key per record");
    let mut seconds = BTreeMap::new();
    let mut timed =
        |stage: Stage, start: std::time::Instant, progress: &mut dyn FnMut(Stage, Duration)| {
            let d = start.elapsed();
            seconds.insert(stage.as_str().to_owned(), d.as_secs_f64());
            progress(stage, d);
        };
    let t = std::time::Instant::now();
    let nodes = &distinct.features;
    let mut blocks = blocking::block(nodes, Some(&distinct.weights), &cfg.blocking);
    // Hubs name a node; report a record of it instead.
    let mut first_record = vec![u32::MAX; nodes.len()];
    for (r, &n) in distinct.node_of.iter().enumerate().rev() {
        first_record[n as usize] = r as u32;
    }
    for h in &mut blocks.hubs {
        h.example = first_record[h.example as usize];
    }
    timed(Stage::Blocking, t, progress);
    let recall = truth.map(|t| blocking_recall(&distinct, &blocks.pairs, t));

    let t = std::time::Instant::now();
    let hub_values: FxHashSet<u64> = blocks.hub_values.clone();
    let stats = ValueStats::build(nodes, hub_values);
    let evidence = compare_pairs(&stats, nodes, &blocks.pairs);
    timed(Stage::Comparing, t, progress);

    let t = std::time::Instant::now();
    let model_trained = model.is_none();
    let model = model
        .unwrap_or_else(|| Model::train_on_counts(nodes, &Evidence::count(&evidence), &cfg.train));
    timed(Stage::Training, t, progress);

    let t = std::time::Instant::now();
    let scorer = Scorer::new(model, stats);
    let scored = score_pairs(&scorer, &blocks.pairs, &evidence);
    drop(evidence);
    timed(Stage::Scoring, t, progress);

    let t = std::time::Instant::now();
    let identity = PersonIdentity::new(nodes, &scorer, cfg.threshold);
    let node_clusters = cluster::cluster(
        nodes.len(),
        &scored,
        &ClusterConfig {
            threshold: cfg.threshold,
        },
        identity.as_ref().map(|i| i as &dyn cluster::Identity),
    );
    let clusters: Vec<u32> = distinct
        .node_of
        .iter()
        .map(|&n| node_clusters[n as usize])
        .collect();
    let actor_ids = ids::assign_ids(keys, &clusters, previous, &cfg.id_key);
    timed(Stage::Clustering, t, progress);

    let threshold_bits = cluster::bits(cfg.threshold);
    let links = scored
        .iter()
        .filter(|p| f64::from(p.2) >= threshold_bits)
        .count();
    let summary = summarise(
        keys,
        &clusters,
        actor_ids.len(),
        Summary {
            records: keys.len(),
            distinct_descriptions: nodes.len(),
            candidate_pairs: blocks.pairs.len(),
            links,
            hub_values: blocks.hubs.len(),
            windowed_groups: blocks.windowed_groups,
            model_trained,
            threshold: cfg.threshold,
            seconds,
            blocking_recall: recall,
            ..Summary::default()
        },
    );
    Resolution {
        model: scorer.model,
        clusters,
        actor_ids,
        hubs: blocks.hubs,
        summary,
    }
}

/// Fills the actor counts of a summary.
pub fn summarise(keys: &[RecordKey], clusters: &[u32], actors: usize, mut s: Summary) -> Summary {
    let mut size = vec![0usize; actors];
    let mut first_org: Vec<Option<&str>> = vec![None; actors];
    let mut cross = vec![false; actors];
    for (k, &c) in keys.iter().zip(clusters) {
        let c = c as usize;
        size[c] += 1;
        match first_org[c] {
            None => first_org[c] = Some(&k.org),
            Some(o) if o != k.org => cross[c] = true,
            Some(_) => {}
        }
    }
    s.actors = actors;
    s.multi_record_actors = size.iter().filter(|&&n| n > 1).count();
    s.cross_partner_actors = cross.iter().filter(|&&x| x).count();
    s
}

/// Party records read from stored payloads a chunk at a time, gathered into distinct
/// descriptions as they come.
#[derive(Debug, Default)]
pub struct Gathered {
    /// Every party record, in the order read.
    pub keys: Vec<RecordKey>,
    pub distinct: Distinct,
    /// The description of every party read so far, by fingerprint: a party repeated word for
    /// word (a shipper on every waybill, the same shipment held by two partners) is analysed
    /// once.
    seen: FxHashMap<u128, u32>,
}

/// A 128-bit fingerprint of a party's canonical JSON (XXH3). Canonical JSON is one text per
/// party, so equal fingerprints are equal parties.
fn fingerprint(json: &[u8]) -> u128 {
    twox_hash::XxHash3_128::oneshot(json)
}

/// A chunk of stored records decoded, ready to be gathered: every record's key and day, and
/// where the JSON of each party it names lies, with its fingerprint.
#[derive(Debug, Default)]
pub struct Decoded {
    records: Vec<(
        RecordKey,
        features::Span,
        interdict_model::PartySpans,
        Vec<u128>,
    )>,
}

impl Decoded {
    /// Decompresses one chunk of stored records of `feed` on every core and finds their parties
    /// without parsing them. A payload that cannot be read is returned as an error naming its
    /// record.
    pub fn of_payloads(
        feed: interdict_model::Feed,
        payloads: Vec<(RecordKey, Vec<u8>)>,
    ) -> Result<Decoded, (RecordKey, String)> {
        let records = payloads
            .into_par_iter()
            .map(|(key, payload)| {
                let found = lz4_flex::decompress_size_prepended(&payload)
                    .map_err(|e| e.to_string())
                    .and_then(|json| interdict_model::PartySpans::of(feed, json));
                let spans = match found {
                    Ok(s) => s,
                    Err(e) => return Err((key, e)),
                };
                let day = features::Span::of_date(spans.date.as_deref());
                let prints = spans
                    .parties
                    .iter()
                    .map(|(_, at)| fingerprint(&spans.json[at.clone()]))
                    .collect();
                Ok((key, day, spans, prints))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Decoded { records })
    }
}

impl Gathered {
    /// Adds every party a decoded chunk names (`<shipment>#consignee`, `<brand>#authorised#2`,
    /// an account id), in input order, seen on its record's day. Parties met for the first
    /// time are parsed and analysed on every core; a party that cannot be parsed is returned as
    /// an error naming its record, and nothing of the chunk is added then.
    pub fn add(&mut self, decoded: Decoded) -> Result<(), (RecordKey, String)> {
        // Each party's description when known, else its place among the new parties.
        let mut fresh: Vec<(usize, usize)> = Vec::new();
        let mut fresh_fp: Vec<u128> = Vec::new();
        let mut pending: FxHashMap<u128, u32> = FxHashMap::default();
        let mut slots: Vec<Result<u32, u32>> = Vec::new();
        for (r, (_, _, _, prints)) in decoded.records.iter().enumerate() {
            for (p, fp) in prints.iter().enumerate() {
                slots.push(match self.seen.get(fp) {
                    Some(&node) => Ok(node),
                    None => Err(*pending.entry(*fp).or_insert_with(|| {
                        fresh.push((r, p));
                        fresh_fp.push(*fp);
                        fresh.len() as u32 - 1
                    })),
                });
            }
        }
        let analysed: Vec<(Features, u64)> = fresh
            .par_iter()
            .map(|&(r, p)| {
                let (key, _, spans, _) = &decoded.records[r];
                let party = spans.party(p).map_err(|e| (key.clone(), e))?;
                let f = Features::of(&party);
                let h = description_hash(&f);
                Ok((f, h))
            })
            .collect::<Result<Vec<_>, (RecordKey, String)>>()?;
        let mut fresh_node = Vec::with_capacity(analysed.len());
        for ((f, h), fp) in analysed.into_iter().zip(fresh_fp) {
            let node = self.distinct.node_of_description(h, f);
            self.seen.insert(fp, node);
            fresh_node.push(node);
        }
        self.keys.reserve(slots.len());
        let mut slots = slots.into_iter();
        for (key, span, spans, _) in decoded.records {
            for (id, _) in spans.parties {
                let node = match slots.next().expect("a slot per party") {
                    Ok(node) => node,
                    Err(k) => fresh_node[k as usize],
                };
                self.distinct.add_record(node, span);
                self.keys
                    .push(RecordKey::new(key.org.clone(), key.feed, id));
            }
        }
        Ok(())
    }
}

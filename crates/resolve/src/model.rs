//! The Fellegi–Sunter model: how much each field level says for or against a match.
//!
//! u-probabilities (how often a level occurs between two unrelated records) come from random
//! pairs; m-probabilities (how often it occurs between two records of one actor) and the share
//! of matches among candidate pairs come from expectation-maximisation over the candidate pairs,
//! with no labels. At scoring time an exact agreement is weighted by how common the agreeing
//! value is (term frequency): sharing a rare e-mail says more than sharing "John Smith". An
//! agreement on a hub value (a forwarder's warehouse) counts only between records of the same
//! name, and then weighed by how common it is.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::compare::{Comparison, FIELDS, Field, compare};
use crate::features::Features;

/// Format version of a saved model: 2 added the date field, 3 a person's identifiers, 4 the
/// postcode district level of addresses.
pub const MODEL_VERSION: u32 = 4;

/// One level of one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelParams {
    pub label: String,
    /// P(level | same actor).
    pub m: f64,
    /// P(level | different actors).
    pub u: f64,
}

impl LevelParams {
    /// The level's match weight in bits.
    pub fn weight(&self) -> f64 {
        (self.m / self.u).log2()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldParams {
    pub field: Field,
    pub levels: Vec<LevelParams>,
}

/// How the model was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub records: usize,
    pub candidate_pairs: usize,
    pub random_pairs: usize,
    pub em_iterations: usize,
    pub converged: bool,
}

/// A trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub version: u32,
    /// Share of matches among candidate pairs, as EM found it.
    pub lambda: f64,
    /// Probability that two records drawn at random are one actor: the matches EM found among
    /// the candidates over every possible pair. The prior of every scored pair.
    pub prior: f64,
    pub fields: Vec<FieldParams>,
    pub training: Training,
}

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub random_pairs: usize,
    pub max_iterations: usize,
    /// EM stops when no parameter moves more than this.
    pub tolerance: f64,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            random_pairs: 1_000_000,
            max_iterations: 100,
            tolerance: 1e-6,
            seed: 0x1d_e7_1f_1e,
        }
    }
}

/// Counts of each comparison pattern.
pub type PatternCounts = FxHashMap<u64, u64>;

/// Counts the comparison patterns of the given pairs.
pub fn pattern_counts(features: &[Features], pairs: &[(u32, u32)]) -> PatternCounts {
    pairs
        .par_chunks(16_384)
        .map(|chunk| {
            let mut m = PatternCounts::default();
            for &(i, j) in chunk {
                let c = compare(&features[i as usize], &features[j as usize]);
                *m.entry(c.pattern()).or_default() += 1;
            }
            m
        })
        .reduce(PatternCounts::default, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        })
}

/// Comparison patterns of random pairs of records (seeded, so training is repeatable).
pub fn random_patterns(features: &[Features], cfg: &TrainConfig) -> (PatternCounts, usize) {
    let n = features.len();
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let total = if n < 2 {
        0
    } else {
        cfg.random_pairs.min(n * (n - 1) / 2)
    };
    let pairs: Vec<(u32, u32)> = (0..total)
        .map(|_| {
            let i = rng.random_range(0..n);
            let mut j = rng.random_range(0..n - 1);
            if j >= i {
                j += 1;
            }
            (i as u32, j as u32)
        })
        .collect();
    (pattern_counts(features, &pairs), total)
}

/// u-probabilities: level frequencies among random pairs, each pair counted by how likely it is
/// to be a non-match (all weights 1 on the first pass), smoothed so no level is impossible.
/// Random pairs include a few true matches (many, when one actor has a large share of the
/// records), which would otherwise make agreement look common between strangers.
pub fn u_from(
    random: &PatternCounts,
    non_match: impl Fn(&[Option<u8>; FIELDS]) -> f64,
) -> Vec<Vec<f64>> {
    let mut per_level: Vec<Vec<f64>> = Field::ALL
        .iter()
        .map(|f| vec![0.0; f.level_count()])
        .collect();
    for (&p, &c) in random {
        let levels = Comparison::from_pattern(p);
        let w = non_match(&levels) * c as f64;
        for (fi, l) in levels.iter().enumerate() {
            if let Some(l) = l {
                per_level[fi][*l as usize] += w;
            }
        }
    }
    per_level
        .into_iter()
        .map(|levels| {
            let sum: f64 = levels.iter().sum();
            let k = levels.len() as f64;
            levels.iter().map(|c| (c + 0.5) / (sum + 0.5 * k)).collect()
        })
        .collect()
}

/// Starting m-probabilities: agreement likely for matches.
fn initial_m(levels: usize) -> Vec<f64> {
    let mut m: Vec<f64> = (0..levels).map(|l| 2f64.powi(l as i32 * 2)).collect();
    let s: f64 = m.iter().sum();
    m.iter_mut().for_each(|x| *x /= s);
    m
}

/// What [`em_fit`] estimates; the rest is held where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fit {
    m: bool,
    u: bool,
}

/// Expectation-maximisation over pattern counts of lambda and, as `fit` says, m and u.
/// Returns (m, u, lambda, iterations, converged).
fn em_fit(
    counts: &PatternCounts,
    mut m: Vec<Vec<f64>>,
    mut u: Vec<Vec<f64>>,
    mut lambda: f64,
    fit: Fit,
    cfg: &TrainConfig,
) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, f64, usize, bool) {
    let mut patterns: Vec<([Option<u8>; FIELDS], f64)> = counts
        .iter()
        .map(|(&p, &c)| (Comparison::from_pattern(p), c as f64))
        .collect();
    patterns.sort_by_key(|p| p.0);
    let (mut iterations, mut converged) = (0, false);
    while iterations < cfg.max_iterations {
        iterations += 1;
        let mut m_acc: Vec<Vec<f64>> = u.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut u_acc = m_acc.clone();
        let (mut matched, mut all) = (0.0, 0.0);
        for (levels, count) in &patterns {
            let (mut pm, mut pu) = (lambda, 1.0 - lambda);
            for (fi, l) in levels.iter().enumerate() {
                if let Some(l) = l {
                    pm *= m[fi][*l as usize];
                    pu *= u[fi][*l as usize];
                }
            }
            let w = pm / (pm + pu);
            matched += w * count;
            all += count;
            for (fi, l) in levels.iter().enumerate() {
                if let Some(l) = l {
                    m_acc[fi][*l as usize] += w * count;
                    u_acc[fi][*l as usize] += (1.0 - w) * count;
                }
            }
        }
        let mut delta: f64 = 0.0;
        for (on, params, acc) in [(fit.m, &mut m, &m_acc), (fit.u, &mut u, &u_acc)] {
            if !on {
                continue;
            }
            for (fi, acc) in acc.iter().enumerate() {
                let s: f64 = acc.iter().sum();
                if s <= 0.0 {
                    continue;
                }
                for (l, a) in acc.iter().enumerate() {
                    let new = (a / s).max(1e-6);
                    delta = delta.max((new - params[fi][l]).abs());
                    params[fi][l] = new;
                }
            }
        }
        let new_lambda = if all > 0.0 {
            (matched / all).clamp(1e-6, 1.0 - 1e-6)
        } else {
            lambda
        };
        delta = delta.max((new_lambda - lambda).abs());
        lambda = new_lambda;
        if delta < cfg.tolerance {
            converged = true;
            break;
        }
    }
    (m, u, lambda, iterations, converged)
}

/// Expectation-maximisation of m and lambda over pattern counts, u held fixed.
/// Returns (m, lambda, iterations, converged).
pub fn em(
    counts: &PatternCounts,
    u: &[Vec<f64>],
    cfg: &TrainConfig,
) -> (Vec<Vec<f64>>, f64, usize, bool) {
    let m0 = u.iter().map(|l| initial_m(l.len())).collect();
    let fit = Fit { m: true, u: false };
    let (m, _, lambda, iterations, converged) = em_fit(counts, m0, u.to_vec(), 0.3, fit, cfg);
    (m, lambda, iterations, converged)
}

/// Expectation-maximisation of m, u and lambda together over the candidate pairs' pattern
/// counts, u starting from `u0`. Returns (m, u, lambda, iterations, converged).
pub fn em_both(
    counts: &PatternCounts,
    u0: &[Vec<f64>],
    cfg: &TrainConfig,
) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, f64, usize, bool) {
    let m0 = u0.iter().map(|l| initial_m(l.len())).collect();
    em_fit(counts, m0, u0.to_vec(), 0.3, Fit { m: true, u: true }, cfg)
}

/// Largest share of random pairs agreeing exactly on a field that sessions may stand on.
const ANCHOR_U: f64 = 1e-3;

/// Least candidate pairs a conditioned session needs.
const SESSION_PAIRS: u64 = 1_000;

/// m-probabilities estimated field by field from sessions of candidates that agree exactly on
/// another field, so that what makes candidates alike (households sharing an address and a
/// family name, say) is not taken for what makes records one actor. A field's m is the
/// average, weighed by session size, over the sessions conditioned on other fields; a field no
/// session estimates keeps `fallback`.
fn conditioned_m(
    counts: &PatternCounts,
    u0: &[Vec<f64>],
    cfg: &TrainConfig,
    fallback: Vec<Vec<f64>>,
) -> Vec<Vec<f64>> {
    let mut sum: Vec<Vec<f64>> = fallback.iter().map(|l| vec![0.0; l.len()]).collect();
    let mut weight = [0.0f64; FIELDS];
    for anchor in Field::ALL {
        let top = anchor.level_count() as u8 - 1;
        // Sessions stand on identifiers strangers rarely share; an address is shared by a
        // household, a name by namesakes.
        let rare = u0[anchor.index()][usize::from(top)] < ANCHOR_U;
        if !anchor.term_frequency() || anchor == Field::Address || !rare {
            continue;
        }
        let session: PatternCounts = counts
            .iter()
            .filter(|(p, _)| Comparison::from_pattern(**p)[anchor.index()] == Some(top))
            .map(|(&p, &c)| (p, c))
            .collect();
        let pairs: u64 = session.values().sum();
        if pairs < SESSION_PAIRS {
            continue;
        }
        let (m, _, _, _, _) = em_both(&session, u0, cfg);
        // How many of the session's pairs each field was seen in.
        let mut seen = [0u64; FIELDS];
        for (&p, &c) in &session {
            for (fi, l) in Comparison::from_pattern(p).iter().enumerate() {
                if l.is_some() {
                    seen[fi] += c;
                }
            }
        }
        for fi in 0..FIELDS {
            if fi == anchor.index() || seen[fi] < SESSION_PAIRS {
                continue;
            }
            let w = seen[fi] as f64;
            for (l, v) in m[fi].iter().enumerate() {
                sum[fi][l] += w * v;
            }
            weight[fi] += w;
        }
    }
    fallback
        .into_iter()
        .enumerate()
        .map(|(fi, m)| {
            if weight[fi] > 0.0 {
                sum[fi].iter().map(|v| v / weight[fi]).collect()
            } else {
                m
            }
        })
        .collect()
}

/// The share of matches among the candidates with m held fixed (u estimated alongside).
fn em_lambda(
    counts: &PatternCounts,
    m: &[Vec<f64>],
    u0: &[Vec<f64>],
    cfg: &TrainConfig,
    start: f64,
) -> f64 {
    let fit = Fit { m: false, u: true };
    em_fit(counts, m.to_vec(), u0.to_vec(), start, fit, cfg).2
}

impl Model {
    /// Trains a model on the records and their candidate pairs: m and the share of matches by
    /// EM over the candidates (their non-match distribution estimated alongside); u from
    /// random pairs, each weighed by how unlikely it is to be a match under that model.
    pub fn train(features: &[Features], pairs: &[(u32, u32)], cfg: &TrainConfig) -> Model {
        Model::train_on_counts(features, &pattern_counts(features, pairs), cfg)
    }

    /// [`Model::train`] from the candidate pairs' pattern counts (see [`Evidence::count`]).
    pub fn train_on_counts(
        features: &[Features],
        counts: &PatternCounts,
        cfg: &TrainConfig,
    ) -> Model {
        let candidates: u64 = counts.values().sum();
        let n = features.len() as f64;
        let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        let (random, random_pairs) = random_patterns(features, cfg);
        let u_random = u_from(&random, |_| 1.0);
        // m and the share of matches from the candidate pairs alone, with the candidates'
        // own non-match distribution free: candidate non-matches were chosen for agreeing on
        // something (a name's sound, a date of birth), so they do not look like random pairs,
        // and a model that held them to random pairs' u would call every candidate a match.
        let (m, _, lambda, iterations, converged) = em_both(counts, &u_random, cfg);
        let m = conditioned_m(counts, &u_random, cfg, m);
        let lambda = em_lambda(counts, &m, &u_random, cfg, lambda);
        let prior = (lambda * candidates as f64 / all_pairs).clamp(1e-12, 0.5);
        // u for scoring comes from random pairs, each weighed by how unlikely it is to be a
        // match: random pairs include true matches, many when one actor holds a large share.
        let u = u_from(&random, |levels| {
            let (mut pm, mut pu) = (prior, 1.0 - prior);
            for (fi, l) in levels.iter().enumerate() {
                if let Some(l) = l {
                    pm *= m[fi][*l as usize];
                    pu *= u_random[fi][*l as usize];
                }
            }
            pu / (pm + pu)
        });
        Model::from_parts(
            &m,
            &u,
            lambda,
            prior,
            Training {
                records: features.len(),
                candidate_pairs: candidates as usize,
                random_pairs,
                em_iterations: iterations,
                converged,
            },
        )
    }

    pub fn from_parts(
        m: &[Vec<f64>],
        u: &[Vec<f64>],
        lambda: f64,
        prior: f64,
        training: Training,
    ) -> Model {
        let fields = Field::ALL
            .iter()
            .map(|&f| FieldParams {
                field: f,
                levels: f
                    .levels()
                    .iter()
                    .enumerate()
                    .map(|(l, label)| LevelParams {
                        label: (*label).to_owned(),
                        m: m[f.index()][l],
                        u: u[f.index()][l],
                    })
                    .collect(),
            })
            .collect();
        Model {
            version: MODEL_VERSION,
            lambda,
            prior,
            fields,
            training,
        }
    }

    /// Whether this model scores every field of this version (a model saved by an older version
    /// lacks the fields added since, and has to be trained again).
    pub fn is_current(&self) -> bool {
        self.version == MODEL_VERSION
            && self.fields.len() == FIELDS
            && self
                .fields
                .iter()
                .zip(Field::ALL)
                .all(|(p, f)| p.field == f && p.levels.len() == f.level_count())
    }

    /// The prior weight of a pair, in bits.
    pub fn prior_weight(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }
}

/// How common each exact value is among the records, and which values are hubs.
#[derive(Debug, Clone, Default)]
pub struct ValueStats {
    pub records: usize,
    counts: FxHashMap<u64, u32>,
    pub hubs: FxHashSet<u64>,
}

impl ValueStats {
    /// Counts every value a record carries once per record.
    pub fn build(features: &[Features], hubs: FxHashSet<u64>) -> ValueStats {
        let counts = features
            .par_chunks(65_536)
            .map(|chunk| {
                let mut m: FxHashMap<u64, u32> = FxHashMap::default();
                for f in chunk {
                    for_each_value(f, |v| *m.entry(v).or_default() += 1);
                }
                m
            })
            .reduce(FxHashMap::default, merge_counts);
        ValueStats {
            records: features.len(),
            counts,
            hubs,
        }
    }

    /// Adds one record's values (incremental resolution).
    pub fn add(&mut self, f: &Features) {
        self.records += 1;
        for_each_value(f, |v| *self.counts.entry(v).or_default() += 1);
    }

    /// The share of records carrying the value.
    pub fn frequency(&self, value: u64) -> f64 {
        let c = self.counts.get(&value).copied().unwrap_or(1).max(1);
        f64::from(c) / self.records.max(1) as f64
    }

    pub fn count(&self, value: u64) -> u32 {
        self.counts.get(&value).copied().unwrap_or(0)
    }
}

impl ValueStats {
    /// Compares two records as [`compare`] does, except that a field they disagree on says
    /// nothing (it is missing) when either record's value there is a hub: a party whose own
    /// phone is on some records and its consolidator's on others does not disagree with
    /// itself, just as agreeing on the consolidator's phone says nothing.
    pub fn compare(&self, a: &Features, b: &Features) -> Comparison {
        let mut c = compare(a, b);
        if self.hubs.is_empty() {
            return c;
        }
        let hub_in = |f: &Features, field: Field| -> bool {
            let hub = |v: &u64| self.hubs.contains(v);
            match field {
                Field::Email => f.emails.iter().any(|e| hub(&e.identity)),
                Field::Phone => f.phones.iter().any(|p| hub(&p.full)),
                Field::Address => f.addresses.iter().any(|x| hub(&x.full) || hub(&x.building)),
                Field::Bank => f.banks.iter().any(hub),
                Field::TaxId => f.tax_ids.iter().any(hub),
                Field::Account => f.accounts.iter().any(hub),
                Field::Document => f
                    .person
                    .as_deref()
                    .is_some_and(|p| p.documents.iter().any(hub)),
                _ => false,
            }
        };
        for field in Field::ALL {
            let i = field.index();
            if c.levels[i] == Some(0) && (hub_in(a, field) || hub_in(b, field)) {
                c.levels[i] = None;
            }
        }
        c
    }

    /// What a comparison brings to a pair's weight whatever the model: see [`Evidence`].
    pub fn evidence(&self, c: &Comparison) -> Evidence {
        let mut e = Evidence {
            pattern: c.pattern(),
            ..Evidence::default()
        };
        let name_exact = c.levels[Field::Name.index()] == Some(3);
        let mut rarity = 0.0f64;
        for (fi, field) in Field::ALL.into_iter().enumerate() {
            let value = c.agreed[fi];
            let top = field.level_count() as u8 - 1;
            if c.levels[fi] != Some(top) || value == 0 || !field.term_frequency() {
                continue;
            }
            if self.hubs.contains(&value) && !name_exact {
                e.hub |= 1 << fi;
            } else {
                e.rare |= 1 << fi;
                rarity -= self.frequency(value).max(1e-12).log2();
            }
        }
        e.rarity_bits = rarity as f32;
        e
    }
}

/// What comparing two records says before any model is known: the level of every field (its
/// pattern) and, for fields that agree exactly on a value, how rare that value is. Training
/// counts patterns and scoring adds the model's weights to them, so every candidate pair is
/// compared once.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Evidence {
    /// [`Comparison::pattern`].
    pub pattern: u64,
    /// Fields whose exact agreement is weighed by how rare the agreeing value is, a bit each.
    pub rare: u16,
    /// Fields agreeing on a hub value between records of different names, which says nothing.
    pub hub: u16,
    /// The sum over `rare` fields of -log2(share of records carrying the value).
    pub rarity_bits: f32,
}

impl Evidence {
    /// Counts the patterns of many pairs' evidence.
    pub fn count(evidence: &[Evidence]) -> PatternCounts {
        evidence
            .par_chunks(65_536)
            .map(|chunk| {
                let mut m = PatternCounts::default();
                for e in chunk {
                    *m.entry(e.pattern).or_default() += 1;
                }
                m
            })
            .reduce(PatternCounts::default, |mut a, b| {
                for (k, v) in b {
                    *a.entry(k).or_default() += v;
                }
                a
            })
    }
}

fn merge_counts(a: FxHashMap<u64, u32>, b: FxHashMap<u64, u32>) -> FxHashMap<u64, u32> {
    let (mut a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (k, v) in b {
        *a.entry(k).or_default() += v;
    }
    a
}

/// Every exact value of a record that term frequencies apply to.
fn for_each_value(f: &Features, mut add: impl FnMut(u64)) {
    f.names.iter().for_each(|n| add(n.key_hash));
    f.emails.iter().for_each(|e| add(e.identity));
    f.phones.iter().for_each(|p| add(p.full));
    f.addresses.iter().for_each(|a| add(a.full));
    f.banks.iter().for_each(|&v| add(v));
    f.tax_ids.iter().for_each(|&v| add(v));
    f.accounts.iter().for_each(|&v| add(v));
    if let Some(p) = f.person.as_deref() {
        p.given.iter().for_each(|w| add(w.hash));
        p.family.iter().for_each(|w| add(w.hash));
        p.birth.iter().for_each(|b| add(b.hash));
        p.birth_place.iter().for_each(|w| add(w.hash));
        p.documents.iter().for_each(|&v| add(v));
    }
}

/// What one field contributed to a pair's weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub field: Field,
    /// `None` when either record lacks the field.
    pub level: Option<u8>,
    pub label: String,
    /// Bits for (positive) or against (negative) a match.
    pub weight: f64,
    /// Term-frequency or hub note, when one applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A scored pair, field by field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub prior_weight: f64,
    pub fields: Vec<Contribution>,
    pub weight: f64,
    pub probability: f64,
}

/// Turns a weight in bits into a probability.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// A model ready to score: level weights precomputed, with the value statistics.
#[derive(Debug, Clone)]
pub struct Scorer {
    pub model: Model,
    weights: Vec<Vec<f64>>,
    /// log2 of each field's m-probability at its exact level, which a rare value's weight
    /// starts from.
    top_m_bits: [f64; FIELDS],
    pub stats: ValueStats,
}

impl Scorer {
    pub fn new(model: Model, stats: ValueStats) -> Scorer {
        let weights = model
            .fields
            .iter()
            .map(|f| f.levels.iter().map(LevelParams::weight).collect())
            .collect();
        let mut top_m_bits = [0.0; FIELDS];
        for (fi, f) in model.fields.iter().enumerate().take(FIELDS) {
            top_m_bits[fi] = f.levels.last().map_or(0.0, |l| l.m.log2());
        }
        Scorer {
            model,
            weights,
            top_m_bits,
            stats,
        }
    }

    /// The weight of one field given the pair's evidence; `None` when the field is missing.
    fn field_bits(&self, e: &Evidence, fi: usize, value: u64) -> Option<f64> {
        let code = (e.pattern >> (3 * fi)) & 7;
        if code == 0 {
            return None;
        }
        Some(if e.hub & (1 << fi) != 0 {
            // A warehouse or a call centre shared by many: evidence only for the same name.
            0.0
        } else if e.rare & (1 << fi) != 0 {
            self.top_m_bits[fi] - self.stats.frequency(value).max(1e-12).log2()
        } else {
            self.weights[fi][code as usize - 1]
        })
    }

    /// The weight of one field's comparison and what adjusted it, for explanations.
    fn field_weight(
        &self,
        c: &Comparison,
        e: &Evidence,
        fi: usize,
    ) -> Option<(f64, Option<String>)> {
        let w = self.field_bits(e, fi, c.agreed[fi])?;
        let value = c.agreed[fi];
        let count = self.stats.count(value);
        let records = self.stats.records;
        let note = if e.hub & (1 << fi) != 0 {
            Some(format!(
                "hub value (in {count} of {records} descriptions): counts only with the same name"
            ))
        } else if e.rare & (1 << fi) != 0 {
            let what = if self.stats.hubs.contains(&value) {
                "hub value with the same name, weighed by how common it is"
            } else {
                "value"
            };
            Some(format!("{what}: in {count} of {records} descriptions"))
        } else {
            None
        };
        Some((w, note))
    }

    /// The weight in bits of one level of a field, before term frequencies.
    pub fn level_weight(&self, field: Field, level: usize) -> f64 {
        self.weights[field.index()][level]
    }

    /// The match weight of a comparison, in bits.
    pub fn weight(&self, c: &Comparison) -> f64 {
        self.weight_of(&self.stats.evidence(c))
    }

    /// The match weight of a pair's evidence, in bits.
    pub fn weight_of(&self, e: &Evidence) -> f64 {
        let mut w = self.model.prior_weight() + f64::from(e.rarity_bits);
        for fi in 0..FIELDS {
            let code = (e.pattern >> (3 * fi)) & 7;
            if code == 0 || e.hub & (1 << fi) != 0 {
                continue;
            }
            w += if e.rare & (1 << fi) != 0 {
                self.top_m_bits[fi]
            } else {
                self.weights[fi][code as usize - 1]
            };
        }
        w
    }

    /// The match probability of two records.
    pub fn probability(&self, a: &Features, b: &Features) -> f64 {
        probability(self.weight(&self.stats.compare(a, b)))
    }

    /// Field by field: how two records compare and what each field contributed.
    pub fn explain(&self, a: &Features, b: &Features) -> Explanation {
        let c = self.stats.compare(a, b);
        let e = self.stats.evidence(&c);
        let mut fields = Vec::with_capacity(FIELDS);
        let mut weight = self.model.prior_weight();
        for (fi, &field) in Field::ALL.iter().enumerate() {
            let (w, note) = self.field_weight(&c, &e, fi).unwrap_or((0.0, None));
            weight += w;
            fields.push(Contribution {
                field,
                level: c.levels[fi],
                label: c.levels[fi].map_or_else(
                    || {
                        if field == Field::Name && c.levels[Field::Family.index()].is_some() {
                            "compared by its parts (given and family name)".to_owned()
                        } else {
                            "missing on one side".to_owned()
                        }
                    },
                    |l| field.levels()[l as usize].to_owned(),
                ),
                weight: w,
                note,
            });
        }
        Explanation {
            prior_weight: self.model.prior_weight(),
            fields,
            weight,
            probability: probability(weight),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_missing_a_field_is_not_current() {
        let m: Vec<Vec<f64>> = Field::ALL
            .iter()
            .map(|f| initial_m(f.level_count()))
            .collect();
        let training = Training {
            records: 2,
            candidate_pairs: 1,
            random_pairs: 1,
            em_iterations: 0,
            converged: true,
        };
        let model = Model::from_parts(&m, &m, 0.5, 0.1, training);
        assert!(model.is_current());
        let mut old = model.clone();
        old.fields.pop();
        assert!(!old.is_current(), "saved before the date field");
        let mut older = model;
        older.version = 1;
        assert!(!older.is_current());
    }

    /// Patterns drawn from a known two-class mixture over two binary fields: EM must find the
    /// parameters that generated them.
    #[test]
    fn em_recovers_a_known_mixture() {
        // Fields 0 and 1 only (2 levels each in this synthetic check): pattern codes use level+1.
        let (lambda, m1, u1, m2, u2) = (0.2, 0.9, 0.1, 0.8, 0.05);
        let mut counts = PatternCounts::default();
        let n = 1_000_000.0;
        for a in 0..2u64 {
            for b in 0..2u64 {
                let p = |agree: u64, m: f64| if agree == 1 { m } else { 1.0 - m };
                let share = lambda * p(a, m1) * p(b, m2) + (1.0 - lambda) * p(a, u1) * p(b, u2);
                let code = (a + 1) | ((b + 1) << 3);
                counts.insert(code, (share * n).round() as u64);
            }
        }
        // A third, conditionally independent field makes the two-class model identifiable.
        let mut with_third = PatternCounts::default();
        let (m3, u3) = (0.85, 0.2);
        for (&code, &c) in &counts {
            let a = (code & 7) - 1;
            let b = ((code >> 3) & 7) - 1;
            let p = |agree: u64, m: f64| if agree == 1 { m } else { 1.0 - m };
            let pm = lambda * p(a, m1) * p(b, m2);
            let pu = (1.0 - lambda) * p(a, u1) * p(b, u2);
            for t in 0..2u64 {
                let share = (pm * p(t, m3) + pu * p(t, u3)) / (pm + pu);
                with_third.insert(code | ((t + 1) << 6), (c as f64 * share).round() as u64);
            }
        }
        let mut u: Vec<Vec<f64>> = Field::ALL
            .iter()
            .map(|f| vec![0.5; f.level_count()])
            .collect();
        u[0] = vec![1.0 - u1, u1];
        u[1] = vec![1.0 - u2, u2];
        u[2] = vec![1.0 - u3, u3];
        let cfg = TrainConfig {
            max_iterations: 1000,
            tolerance: 1e-9,
            ..TrainConfig::default()
        };
        let (m, l, iterations, converged) = em(&with_third, &u, &cfg);
        assert!(converged, "no convergence in {iterations} iterations");
        assert!((l - lambda).abs() < 0.01, "lambda {l}");
        assert!((m[0][1] - m1).abs() < 0.01, "m1 {}", m[0][1]);
        assert!((m[1][1] - m2).abs() < 0.01, "m2 {}", m[1][1]);
        assert!((m[2][1] - m3).abs() < 0.01, "m3 {}", m[2][1]);
    }

    #[test]
    fn a_difference_on_a_hub_value_says_nothing() {
        let party = |phone: &str, email: &str| {
            Features::of(&interdict_model::Party {
                name: Some("Crown Horizon Retail".into()),
                phones: vec![phone.into()],
                emails: vec![email.into()],
                ..interdict_model::Party::default()
            })
        };
        // The party's own phone, then the consolidator's site phone that many names share.
        let own = party("+44 20 7946 0018", "sales@crown.example");
        let site = party("+44 20 7946 0999", "ops@crown.example");
        let hub = site.phones[0].full;
        let plain = ValueStats::build(&[own.clone(), site.clone()], FxHashSet::default());
        let c = plain.compare(&own, &site);
        assert_eq!(c.levels[Field::Phone.index()], Some(0));
        let hubs = ValueStats::build(&[own.clone(), site.clone()], [hub].into_iter().collect());
        let c = hubs.compare(&own, &site);
        assert_eq!(c.levels[Field::Phone.index()], None, "a hub phone differs");
        assert_eq!(
            c.levels[Field::Email.index()],
            Some(0),
            "other fields still differ"
        );
    }

    #[test]
    fn probability_is_a_logistic_of_bits() {
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
        assert!((probability(10.0) - 1024.0 / 1025.0).abs() < 1e-12);
        assert!(probability(-50.0) < 1e-12);
    }
}

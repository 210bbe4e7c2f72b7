//! Counterfeit risk of shipments and listings.
//!
//! A pure library: records, their actors (from resolution) and outcomes in; scores in [0, 1]
//! with reasons out. The stages are [`brands`] (marks and look-alike spellings in free text),
//! [`goods`] (categories from HS codes and words, vague descriptions), [`observe`] (what a
//! record shows on its own), [`history`] (what was known before a day: outcomes against every
//! actor, contacts, lane rates), [`features`] (signals, reasons and rule facts), [`rules`]
//! (analysts' CEL rule packs), [`model`] (logistic regression learned from outcomes),
//! [`queue`] (capacity and exploration) and [`eval`] (precision and value captured).
//!
//! Architecture invariant: no I/O, no clock, no storage; deterministic for the same input.
//! A record's score reads only what is dated before its own day.

pub mod brands;
/// Dates as day numbers (kept in `normalize`, where resolution reads them too).
pub use interdict_normalize::day;
pub mod eval;
pub mod features;
pub mod goods;
pub mod history;
pub mod model;
pub mod observe;
pub mod queue;
pub mod rules;

use interdict_model::{Outcome, OutcomeResult, RecordKey};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use features::Signals;
pub use history::{Knowledge, Label, LabelTarget};
pub use model::{Example, TrainConfig, Weights};
pub use observe::{Catalogue, Kind, Observed};
pub use rules::{RulePack, Target};

/// Share of all shipments above which an actor is a hub (a broker, a consolidator).
pub const HUB_SHARE: f64 = 0.005;
/// Reasons kept per score.
pub const TOP_REASONS: usize = 4;
/// A signal's contribution (log-odds) below which it is not given as a reason.
const REASON_FLOOR: f64 = 0.15;

/// The trained models, one per kind of record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Models {
    pub shipments: Weights,
    pub listings: Weights,
    /// Only outcomes dated before this day were used (`None`: all).
    pub trained_before: Option<String>,
}

impl Models {
    pub fn prior() -> Models {
        Models {
            shipments: Weights::prior(),
            listings: Weights::prior(),
            trained_before: None,
        }
    }

    /// "lr-" and a digest of the weights: two different models never share a version.
    pub fn version(&self) -> String {
        let json = serde_json::to_string(self).expect("models serialise");
        let h = blake3::hash(json.as_bytes()).to_hex();
        format!("lr-{}", &h[..10])
    }

    fn of(&self, kind: Kind) -> &Weights {
        match kind {
            Kind::Shipment => &self.shipments,
            Kind::Listing => &self.listings,
        }
    }
}

/// One record's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Probability of counterfeit, in [0, 1].
    pub score: f64,
    /// The strongest reasons, in words, strongest first.
    pub reasons: Vec<String>,
    /// Names of the rules that fired.
    pub rules: Vec<String>,
    /// What each reason comes from: a signal's name (`features::NAMES`) or `rule:<name>`, so a
    /// reader can tell which data a reason rests on.
    #[serde(default)]
    pub reason_sources: Vec<String>,
}

fn target_of(kind: Kind) -> Target {
    match kind {
        Kind::Shipment => Target::Shipment,
        Kind::Listing => Target::Listing,
    }
}

/// The rules' log-odds on a record and the reasons of those that fired.
fn rule_offset(rules: &RulePack, kind: Kind, s: &Signals) -> (f64, Vec<(f64, String, String)>) {
    let (fired, _errors) = rules.evaluate(target_of(kind), &s.facts);
    let sum = fired.iter().map(|f| f.weight).sum();
    (
        sum,
        fired
            .into_iter()
            .map(|f| (f.weight, f.reason, f.name))
            .collect(),
    )
}

/// Everything a score is computed from.
pub struct Scorer<'a> {
    pub catalogue: &'a Catalogue,
    pub knowledge: &'a Knowledge,
    pub models: &'a Models,
    pub rules: &'a RulePack,
    /// The day records without a date are scored as of.
    pub fallback_day: i32,
}

impl Scorer<'_> {
    pub fn signals(&self, o: &Observed, org: &str) -> Signals {
        features::signals(o, org, self.catalogue, self.knowledge, self.fallback_day)
    }

    /// The score of one record with its reasons.
    pub fn score(&self, o: &Observed, org: &str) -> Score {
        let s = self.signals(o, org);
        let w = self.models.of(o.kind);
        let (offset, fired) = rule_offset(self.rules, o.kind, &s);
        let z = w.logit(&s.x) + offset;
        let mut reasons: Vec<(f64, String, String)> = w
            .contributions(&s.x)
            .into_iter()
            .zip(s.reasons)
            .zip(features::NAMES)
            .filter_map(|((c, r), name)| {
                r.filter(|_| c >= REASON_FLOOR)
                    .map(|r| (c, r, name.to_string()))
            })
            .collect();
        let rules = fired.iter().map(|(_, _, n)| n.clone()).collect();
        for (wt, reason, name) in fired {
            if wt > 0.0 && !reasons.iter().any(|(_, r, _)| *r == reason) {
                reasons.push((wt, reason, format!("rule:{name}")));
            }
        }
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        reasons.truncate(TOP_REASONS);
        let (reasons, reason_sources) = reasons.into_iter().map(|(_, r, src)| (r, src)).unzip();
        Score {
            score: model::sigmoid(z).clamp(0.0, 1.0),
            reasons,
            rules,
            reason_sources,
        }
    }

    /// Scores of many records, on every core.
    pub fn score_all(&self, items: &[(&Observed, &str)]) -> Vec<Score> {
        items
            .par_iter()
            .map(|(o, org)| self.score(o, org))
            .collect()
    }
}

/// The training examples of each kind: every record an outcome dated before `before` (all
/// when `None`) says something about, with its signals as of its own day. A record with
/// several outcomes takes the strongest (counterfeit wins).
pub fn examples(
    scorer: &Scorer<'_>,
    observed: &[Observed],
    orgs: &[&str],
    labels: &[Label],
    before: Option<i32>,
) -> (Vec<Example>, Vec<Example>) {
    let mut y: FxHashMap<usize, f64> = FxHashMap::default();
    for l in labels {
        if let (Some(cut), Some(d)) = (before, l.day)
            && d >= cut
        {
            continue;
        }
        if before.is_some() && l.day.is_none() {
            continue;
        }
        for t in &l.targets {
            if let LabelTarget::Record(i) = *t
                && let Some(v) = l.value(observed[i].kind)
            {
                let e = y.entry(i).or_insert(v);
                *e = e.max(v);
            }
        }
    }
    let mut idx: Vec<(usize, f64)> = y.into_iter().collect();
    idx.sort_unstable_by_key(|(i, _)| *i);
    let built: Vec<(Kind, Example)> = idx
        .par_iter()
        .map(|&(i, y)| {
            let o = &observed[i];
            let s = scorer.signals(o, orgs[i]);
            let (offset, _) = rule_offset(scorer.rules, o.kind, &s);
            (o.kind, Example { x: s.x, offset, y })
        })
        .collect();
    let mut ships = Vec::new();
    let mut lists = Vec::new();
    for (k, e) in built {
        match k {
            Kind::Shipment => ships.push(e),
            Kind::Listing => lists.push(e),
        }
    }
    (ships, lists)
}

/// Trains both models on the outcomes dated before `before` (all when `None`).
pub fn train(
    scorer: &Scorer<'_>,
    observed: &[Observed],
    orgs: &[&str],
    labels: &[Label],
    before: Option<i32>,
    cfg: &TrainConfig,
) -> Models {
    let (ships, lists) = examples(scorer, observed, orgs, labels, before);
    Models {
        shipments: model::train(&ships, cfg),
        listings: model::train(&lists, cfg),
        trained_before: before.map(day::to_iso),
    }
}

/// Where outcomes point: record ids of shipments and listings (any organisation), and seller
/// accounts' actors.
#[derive(Debug, Default)]
pub struct Targets {
    pub shipments: FxHashMap<String, Vec<usize>>,
    pub listings: FxHashMap<String, Vec<usize>>,
    pub sellers: FxHashMap<String, u32>,
}

/// Links every outcome to the records and actors it is about. An outcome that names nothing
/// known still becomes a label (with no targets), so nothing given is silently dropped.
pub fn link(outcomes: &[(RecordKey, Outcome)], targets: &Targets) -> Vec<Label> {
    outcomes
        .iter()
        .map(|(key, o)| {
            let mut t: Vec<LabelTarget> = Vec::new();
            if let Some(s) = &o.shipment_id
                && let Some(v) = targets.shipments.get(s)
            {
                t.extend(v.iter().map(|&i| LabelTarget::Record(i)));
            }
            if let Some(l) = &o.listing_id
                && let Some(v) = targets.listings.get(l)
            {
                t.extend(v.iter().map(|&i| LabelTarget::Record(i)));
            }
            let about_account =
                matches!(o.result, OutcomeResult::AccountSuspended) || o.listing_id.is_none();
            if about_account
                && let Some(acc) = &o.seller_account_id
                && let Some(a) = targets.sellers.get(acc)
            {
                t.push(LabelTarget::Actor(*a));
            }
            Label {
                key: key.clone(),
                day: day::of(&o.date),
                result: o.result,
                targets: t,
            }
        })
        .collect()
}

/// One rule's back-test over history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleTest {
    pub rule: String,
    pub enabled: bool,
    pub applies_to: Target,
    pub weight: f64,
    /// Records it fires on, and their share of the records it applies to.
    pub fires: usize,
    pub share: f64,
    /// Of the records it fires on, those with an outcome, and the counterfeit among them.
    pub labelled: usize,
    pub counterfeit: usize,
    pub precision: Option<f64>,
    /// Counterfeit share among all labelled records it applies to.
    pub base_rate: Option<f64>,
    /// Records it could not be evaluated on, and the first such error.
    pub errors: usize,
    pub first_error: Option<String>,
}

/// Evaluates every rule of `pack` (switched on or not) on every record, as of each record's
/// own day, and compares where it fires with the outcomes: a rule is tried before it is used.
pub fn backtest(
    scorer: &Scorer<'_>,
    pack: &RulePack,
    observed: &[Observed],
    orgs: &[&str],
    labels: &[Label],
) -> Vec<RuleTest> {
    let mut label: FxHashMap<usize, f64> = FxHashMap::default();
    for l in labels {
        for t in &l.targets {
            if let LabelTarget::Record(i) = *t
                && let Some(v) = l.value(observed[i].kind)
            {
                let e = label.entry(i).or_insert(v);
                *e = e.max(v);
            }
        }
    }
    let specs = &pack.spec().rules;
    // Per record and rule: not applicable, fired or not, or the evaluation error.
    let results: Vec<Vec<Option<Result<bool, String>>>> = (0..observed.len())
        .into_par_iter()
        .map(|i| {
            let o = &observed[i];
            let facts = scorer.signals(o, orgs[i]).facts;
            let kind = target_of(o.kind);
            specs
                .iter()
                .enumerate()
                .map(|(r, spec)| {
                    spec.applies_to
                        .covers(kind)
                        .then(|| pack.evaluate_rule(r, &facts).map_err(|e| e.to_string()))
                })
                .collect()
        })
        .collect();
    specs
        .iter()
        .enumerate()
        .map(|(r, spec)| {
            let mut t = RuleTest {
                rule: spec.name.clone(),
                enabled: spec.enabled,
                applies_to: spec.applies_to,
                weight: spec.weight,
                fires: 0,
                share: 0.0,
                labelled: 0,
                counterfeit: 0,
                precision: None,
                base_rate: None,
                errors: 0,
                first_error: None,
            };
            let (mut applies, mut lab_all, mut cf_all) = (0usize, 0usize, 0usize);
            for (i, res) in results.iter().enumerate() {
                let Some(res) = &res[r] else { continue };
                applies += 1;
                let y = label.get(&i).map(|y| *y > 0.5);
                if let Some(y) = y {
                    lab_all += 1;
                    cf_all += usize::from(y);
                }
                match res {
                    Ok(true) => {
                        t.fires += 1;
                        if let Some(y) = y {
                            t.labelled += 1;
                            t.counterfeit += usize::from(y);
                        }
                    }
                    Ok(false) => {}
                    Err(e) => {
                        t.errors += 1;
                        t.first_error.get_or_insert_with(|| e.clone());
                    }
                }
            }
            if applies > 0 {
                t.share = t.fires as f64 / applies as f64;
            }
            t.precision = (t.labelled > 0).then(|| t.counterfeit as f64 / t.labelled as f64);
            t.base_rate = (lab_all > 0).then(|| cf_all as f64 / lab_all as f64);
            t
        })
        .collect()
}

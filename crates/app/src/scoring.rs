//! Counterfeit risk over the store: scoring every shipment and listing, training, the
//! inspection queue, rule packs and their back-tests, labels and their withdrawal, and the
//! targeting evaluation (what is read is in [`crate::world`], what is kept in [`crate::saved`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use interdict_access::Viewer;
use interdict_model::{Feed, PartyRole, Record, RecordKey};
use interdict_score::eval::{self, AtRate, RATES};
use interdict_score::queue::{self, Capacity, Pick};
use interdict_score::rules::{RulePack, VOCABULARY};
use interdict_score::{Kind, LabelTarget, Models, RuleTest, Score, day, observe};
use interdict_store::Store;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::error::{Error, Result, invalid, missing};
use crate::resolution::Latency;
use crate::saved::{self, SavedScore, WithdrawnLabel};
use crate::sharing::Scope;
use crate::world::{key_hash, load_world};
use crate::{PlatformStore, Report, now, scorers};

/// What `score` did.
#[derive(Debug, Serialize)]
pub struct ScoreSummary {
    pub shipments: usize,
    pub listings: usize,
    pub already_scored: usize,
    pub model: String,
    pub rules: String,
    pub trained: bool,
    pub seconds: f64,
    /// Seconds per stage.
    pub stages: BTreeMap<String, f64>,
    pub top: Vec<SavedScore>,
}

/// Scores every shipment and listing not scored yet (all of them with `all`), training the
/// model first when none is saved. The shared scores rest on the records that inform every
/// organisation's scores; each organisation that scores on its own (see [`crate::scorers`])
/// gets its own scores where they differ. When what the shared scores or an organisation's
/// own are made with changed (a pack switched on, a feed's sharing changed), they are made
/// again whole.
pub fn score_store(
    store: &mut dyn PlatformStore,
    all: bool,
    report: &dyn Report,
) -> Result<ScoreSummary> {
    let t = Instant::now();
    report.doing("reading records and actors");
    let scope = Scope::shared(store)?;
    let world = load_world(store, &scope)?;
    let mut stages: BTreeMap<String, f64> = world
        .timings
        .iter()
        .map(|(n, s)| ((*n).to_owned(), *s))
        .collect();
    let mut lap = Instant::now();
    let mut stage = |name: &str, stages: &mut BTreeMap<String, f64>| {
        stages.insert(name.to_owned(), lap.elapsed().as_secs_f64());
        lap = Instant::now();
    };
    let rules = saved::rules(store)?;
    report.doing("building actor histories");
    let knowledge = world.knowledge();
    let (models, trained) = match saved::score_models(store)? {
        Some(m) => (m, false),
        None => {
            report.doing("training the model on outcomes");
            let m = world.train(&knowledge, &rules, None);
            saved::save_score_models(store, &m, &now())?;
            (m, true)
        }
    };
    let scorer = world.scorer(&knowledge, &models, &rules);
    let before = saved::scorings(store)?;
    let mut makings = saved::Scorings {
        shared: scorers::making(&rules, &scope),
        own: BTreeMap::new(),
    };
    let all = all || before.shared != makings.shared;
    let mut kept = if all {
        Vec::new()
    } else {
        saved::scores(store)?
    };
    let done: FxHashSet<RecordKey> = kept
        .iter()
        .filter(|s| s.scored_for.is_none())
        .map(SavedScore::key)
        .collect();
    let todo: Vec<usize> = (0..world.keys.len())
        .filter(|&i| !done.contains(&world.keys[i]))
        .collect();
    stage("building actor histories and the model", &mut stages);
    report.doing(&format!("scoring {} records", todo.len()));
    let at = now();
    let (model_v, rules_v) = (models.version(), rules.version_tag());
    let fresh: Vec<SavedScore> = todo
        .par_iter()
        .map(|&i| {
            let (o, k) = (&world.observed[i], &world.keys[i]);
            let s = scorer.score(o, &k.org);
            saved_score(k, o, s, &world.catalogue, (&model_v, &rules_v), &at)
        })
        .collect();
    let shipments = fresh.iter().filter(|s| s.feed == Feed::Shipments).count();
    let listings = fresh.len() - shipments;
    let already = kept.iter().filter(|s| s.scored_for.is_none()).count();
    let mut top: Vec<SavedScore> = fresh.clone();
    top.sort_by(|a, b| b.score.total_cmp(&a.score));
    top.truncate(5);
    let new_keys: FxHashSet<RecordKey> = fresh.iter().map(SavedScore::key).collect();
    kept.extend(fresh);
    stage("scoring", &mut stages);
    let own = scorers::own_scorings(store, &scope, &rules)?;
    drop(knowledge);
    drop(world);
    // Own scores of organisations (and users) that no longer score on their own, or whose
    // making changed, go; the rest stay and are added to. A user's are kept against their
    // organisation's, so they go with them.
    let mut whole: FxHashSet<String> = FxHashSet::default();
    for o in &own {
        let m = scorers::making(&o.pack, &o.scope(store)?);
        if all || before.own.get(&o.key) != Some(&m) || whole.contains(&o.org) {
            whole.insert(o.key.clone());
        }
        makings.own.insert(o.key.clone(), m);
    }
    kept.retain(|s| {
        s.scored_for
            .as_ref()
            .is_none_or(|f| makings.own.contains_key(f) && !whole.contains(f))
    });
    for o in &own {
        if !whole.contains(&o.key) && new_keys.is_empty() {
            continue;
        }
        report.doing(&format!("scoring for {}", o.key));
        let mine = score_for(
            store,
            o,
            &models,
            &kept,
            &at,
            (!whole.contains(&o.key)).then_some(&new_keys),
        )?;
        kept.extend(mine);
    }
    stage("scoring for organisations on their own", &mut stages);
    report.doing("saving scores");
    saved::save_scores(store, &kept, &at)?;
    saved::save_scorings(store, &makings, &at)?;
    stage("saving scores", &mut stages);
    Ok(ScoreSummary {
        shipments,
        listings,
        already_scored: already,
        model: model_v,
        rules: rules_v,
        trained,
        seconds: t.elapsed().as_secs_f64(),
        stages,
        top,
    })
}

/// One organisation's (or user's) own scores of the records it sees in full (only those in
/// `only`, when given), kept where they differ from the ones it would be shown otherwise in
/// `kept`: the shared ones, and for a user their organisation's own.
fn score_for(
    store: &dyn PlatformStore,
    own: &scorers::OwnScoring,
    models: &Models,
    kept: &[SavedScore],
    at: &str,
    only: Option<&FxHashSet<RecordKey>>,
) -> Result<Vec<SavedScore>> {
    let scope = own.scope(store)?;
    let world = load_world(store, &scope)?;
    let knowledge = world.knowledge();
    let scorer = world.scorer(&knowledge, models, &own.pack);
    let mut shown: FxHashMap<RecordKey, &SavedScore> = kept
        .iter()
        .filter(|s| s.scored_for.is_none())
        .map(|s| (s.key(), s))
        .collect();
    if own.user.is_some() {
        shown.extend(
            kept.iter()
                .filter(|s| s.scored_for.as_deref() == Some(own.org.as_str()))
                .map(|s| (s.key(), s)),
        );
    }
    let (model_v, rules_v) = (models.version(), own.pack.version_tag());
    let out: Vec<SavedScore> = (0..world.keys.len())
        .into_par_iter()
        .filter_map(|i| {
            let k = &world.keys[i];
            if only.is_some_and(|o| !o.contains(k))
                || !scope.scores(world.tags.label(&k.org, world.tag_of[i]))
            {
                return None;
            }
            let o = &world.observed[i];
            let s = scorer.score(o, &k.org);
            let mut mine = saved_score(k, o, s, &world.catalogue, (&model_v, &rules_v), at);
            mine.scored_for = Some(own.key.clone());
            scorers::differs(&mine, shown.get(k).copied()).then_some(mine)
        })
        .collect();
    Ok(out)
}

/// `train`: retrains on every outcome not withdrawn that informs every organisation's scores,
/// and saves the model.
pub fn train_store(store: &mut dyn PlatformStore) -> Result<Models> {
    let world = load_world(store, &Scope::shared(store)?)?;
    let rules = saved::rules(store)?;
    let knowledge = world.knowledge();
    let m = world.train(&knowledge, &rules, None);
    saved::save_score_models(store, &m, &now())?;
    Ok(m)
}

/// One row of the inspection queue.
#[derive(Debug, Serialize)]
pub struct QueueRow {
    pub rank: usize,
    pub org: String,
    pub source_id: String,
    pub score: f64,
    pub pick: Pick,
    pub arrival: Option<String>,
    pub port: String,
    pub reasons: Vec<String>,
    pub model: String,
    pub rules: String,
}

#[derive(Debug, Serialize)]
pub struct QueueReport {
    pub day: Option<String>,
    pub arrivals: usize,
    pub capacity: usize,
    pub exploration: f64,
    pub rows: Vec<QueueRow>,
}

pub struct QueueOptions<'a> {
    pub capacity: Capacity,
    pub day: Option<&'a str>,
    pub org: Option<&'a str>,
    pub exploration: f64,
    pub seed: u64,
}

/// The queue for one day's arrivals (the latest day by default): shipments scored and not yet
/// inspected, ranked, with exploration picks.
pub fn queue_of(store: &dyn Store, opts: &QueueOptions<'_>) -> Result<QueueReport> {
    if !(0.0..=1.0).contains(&opts.exploration) {
        invalid!("--exploration must be between 0 and 1");
    }
    let scores = saved::require_scores(store)?;
    let mut inspected: FxHashSet<String> = FxHashSet::default();
    let withdrawn = saved::withdrawn(store)?;
    store.scan(Some(Feed::Outcomes), &mut |r| {
        if let Record::Outcomes(o) = &r.record
            && !withdrawn.contains(&r.key)
            && let Some(s) = &o.shipment_id
        {
            inspected.insert(s.clone());
        }
        Ok(())
    })?;
    // An organisation's queue ranks by its own scores where it has them.
    let own: FxHashMap<RecordKey, &SavedScore> = scores
        .iter()
        .filter(|s| s.scored_for.is_some() && s.scored_for.as_deref() == opts.org)
        .map(|s| (s.key(), s))
        .collect();
    let ships: Vec<&SavedScore> = scores
        .iter()
        .filter(|s| s.feed == Feed::Shipments && s.scored_for.is_none())
        .filter(|s| opts.org.is_none_or(|o| s.org == o))
        .map(|s| own.get(&s.key()).copied().unwrap_or(s))
        .chain(
            own.values()
                .copied()
                .filter(|s| s.feed == Feed::Shipments && opts.org.is_none_or(|o| s.org == o)),
        )
        .collect::<Vec<_>>();
    // A record with both kept its own score above; its own score alone comes from the chain.
    let mut seen: FxHashSet<RecordKey> = FxHashSet::default();
    let ships: Vec<&SavedScore> = ships.into_iter().filter(|s| seen.insert(s.key())).collect();
    let day = match opts.day {
        Some(d) => Some(
            interdict_normalize::date::date(d, None)
                .map_err(|e| Error::Invalid(format!("--day {d:?}: {e}")))?
                .chars()
                .take(10)
                .collect::<String>(),
        ),
        None => ships.iter().filter_map(|s| s.day.clone()).max(),
    };
    let arrivals: Vec<&SavedScore> = ships
        .into_iter()
        .filter(|s| s.day == day)
        .filter(|s| !inspected.contains(&s.source_id))
        .collect();
    let values: Vec<f64> = arrivals.iter().map(|s| s.score).collect();
    let seed = opts.seed
        ^ day
            .as_deref()
            .map_or(0, |d| key_hash(d, Feed::Shipments, &[]));
    let picks = queue::select(&values, opts.capacity, opts.exploration, seed);
    let rows = picks
        .into_iter()
        .enumerate()
        .map(|(r, (i, pick))| {
            let s = arrivals[i];
            QueueRow {
                rank: r + 1,
                org: s.org.clone(),
                source_id: s.source_id.clone(),
                score: s.score,
                pick,
                arrival: s.day.clone(),
                port: s.port.clone(),
                reasons: if pick == Pick::Exploration && s.reasons.is_empty() {
                    vec!["random pick: the model learns where it is blind".into()]
                } else {
                    s.reasons.clone()
                },
                model: s.model.clone(),
                rules: s.rules.clone(),
            }
        })
        .collect::<Vec<_>>();
    Ok(QueueReport {
        day,
        arrivals: arrivals.len(),
        capacity: opts.capacity.of(arrivals.len()),
        exploration: opts.exploration,
        rows,
    })
}

/// `export scores`: every shipment's and listing's score, the shared ones and organisations'
/// own (`scored_for`).
pub fn export_scores(store: &dyn Store, w: &mut dyn Write) -> Result<()> {
    let scores = saved::require_scores(store)?;
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "org",
        "feed",
        "source_id",
        "score",
        "model",
        "rules",
        "reasons",
        "scored_for",
    ])?;
    for s in &scores {
        csv.write_record([
            s.org.as_str(),
            s.feed.as_str(),
            s.source_id.as_str(),
            &format!("{:.6}", s.score),
            &s.model,
            &s.rules,
            &s.reasons.join("; "),
            s.scored_for.as_deref().unwrap_or(""),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

/// The targeting evaluation: every method at every rate.
#[derive(Debug, Serialize)]
pub struct TargetingEval {
    pub interdict: BTreeMap<String, AtRate>,
    pub random: BTreeMap<String, AtRate>,
    pub declared_value: BTreeMap<String, AtRate>,
    pub split: String,
    pub held_out: usize,
    pub counterfeit_held_out: usize,
    pub training_labels: usize,
    pub training_counterfeit: usize,
    pub model: String,
    pub rules: String,
}

/// Reads `truth/items.csv`-style truth: org,feed,source_id,counterfeit,retail_value.
fn read_items_truth(dir: &Path) -> Result<FxHashMap<RecordKey, (bool, f64)>> {
    let path = if dir.is_dir() {
        dir.join("items.csv")
    } else {
        dir.to_path_buf()
    };
    let mut r = csv::Reader::from_path(&path).map_err(|e| Error::csv(&path, e))?;
    let mut out = FxHashMap::default();
    for (n, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| Error::csv(&path, e))?;
        let bad =
            |what: String| Error::Invalid(format!("{}: row {}: {what}", path.display(), n + 2));
        let field = |i: usize, name: &str| rec.get(i).ok_or_else(|| bad(format!("no {name}")));
        let feed: Feed = field(1, "feed")?
            .parse()
            .map_err(|e| bad(format!("feed: {e}")))?;
        let counterfeit = match field(3, "counterfeit")? {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            other => return Err(bad(format!("counterfeit: {other:?} is not true or false"))),
        };
        let value: f64 = field(4, "retail_value")?
            .parse()
            .map_err(|e| bad(format!("retail_value: {e}")))?;
        out.insert(
            RecordKey::new(field(0, "org")?, feed, field(2, "source_id")?),
            (counterfeit, value),
        );
    }
    Ok(out)
}

/// `eval targeting`: retrain on outcomes before the split, rank the shipments after it.
pub fn eval_targeting(
    store: &dyn PlatformStore,
    truth: &Path,
    split: Option<&str>,
) -> Result<TargetingEval> {
    let truth = read_items_truth(truth)?;
    let world = load_world(store, &Scope::everything(store)?)?;
    let rules = saved::rules(store)?;
    let knowledge = world.knowledge();
    let orgs = world.orgs();
    let ship_days: Vec<i32> = world
        .observed
        .iter()
        .filter(|o| o.kind == Kind::Shipment)
        .filter_map(|o| o.day)
        .collect();
    let (Some(&lo), Some(&hi)) = (ship_days.iter().min(), ship_days.iter().max()) else {
        missing!("no dated shipments in this store to evaluate on");
    };
    let cut = match split {
        Some(s) => day::of(
            &interdict_normalize::date::date(s, None)
                .map_err(|e| Error::Invalid(format!("--split {s:?}: {e}")))?,
        )
        .ok_or_else(|| Error::Invalid(format!("--split {s:?}: not a date")))?,
        None => lo + (hi - lo) * 2 / 3,
    };
    let models = world.train(&knowledge, &rules, Some(cut));
    let scorer = world.scorer(&knowledge, &models, &rules);
    // Declared-value baseline trained on the same labels.
    let mut train_values = Vec::new();
    for l in &world.labels {
        if l.day.is_none_or(|d| d >= cut) {
            continue;
        }
        for t in &l.targets {
            if let LabelTarget::Record(i) = *t
                && world.observed[i].kind == Kind::Shipment
                && let (Some(y), Some(u)) = (l.value(Kind::Shipment), world.observed[i].unit_usd)
            {
                train_values.push((u, y > 0.5));
            }
        }
    }
    let by_value = eval::DeclaredValue::train(&train_values);
    let held: Vec<usize> = (0..world.keys.len())
        .filter(|&i| {
            let o = &world.observed[i];
            o.kind == Kind::Shipment && o.day.is_some_and(|d| d >= cut)
        })
        .filter(|&i| truth.contains_key(&world.keys[i]))
        .collect();
    if held.is_empty() {
        missing!(
            "no shipment after {} is in the truth file: nothing to evaluate",
            day::to_iso(cut)
        );
    }
    let scored: Vec<(eval::Outcome, eval::Outcome)> = held
        .par_iter()
        .map(|&i| {
            let (counterfeit, value) = truth[&world.keys[i]];
            let s: Score = scorer.score(&world.observed[i], orgs[i]);
            let retail_value = if counterfeit { value } else { 0.0 };
            (
                eval::Outcome {
                    score: s.score,
                    counterfeit,
                    retail_value,
                },
                eval::Outcome {
                    score: by_value.score(world.observed[i].unit_usd),
                    counterfeit,
                    retail_value,
                },
            )
        })
        .collect();
    let (ours, values): (Vec<_>, Vec<_>) = scored.into_iter().unzip();
    let table = |f: &dyn Fn(f64) -> AtRate| -> BTreeMap<String, AtRate> {
        RATES.iter().map(|(r, n)| (n.to_string(), f(*r))).collect()
    };
    Ok(TargetingEval {
        interdict: table(&|r| eval::at_rate(&ours, r)),
        random: table(&|r| eval::random(&ours, r)),
        declared_value: table(&|r| eval::at_rate(&values, r)),
        split: day::to_iso(cut),
        held_out: ours.len(),
        counterfeit_held_out: ours.iter().filter(|o| o.counterfeit).count(),
        training_labels: models.shipments.labels,
        training_counterfeit: models.shipments.positives,
        model: models.version(),
        rules: rules.version_tag(),
    })
}

/// A record's score as it is kept, stamped with the model and rule pack (`versions`) and the
/// time.
pub(crate) fn saved_score(
    k: &RecordKey,
    o: &observe::Observed,
    s: Score,
    catalogue: &observe::Catalogue,
    versions: (&str, &str),
    at: &str,
) -> SavedScore {
    SavedScore {
        org: k.org.clone(),
        feed: k.feed,
        source_id: k.source_id.clone(),
        score: s.score,
        day: o.day.map(day::to_iso),
        port: o.port.clone(),
        model: versions.0.to_owned(),
        rules: versions.1.to_owned(),
        scored_at: at.to_owned(),
        reasons: s.reasons,
        fired: s.rules,
        reason_sources: s.reason_sources,
        brands: brand_names(catalogue, o),
        scored_for: None,
    }
}

/// The distinct names of the brands a record names, in the order first named.
pub(crate) fn brand_names(catalogue: &observe::Catalogue, o: &observe::Observed) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (b, _, _) in &o.brands {
        let name = &catalogue.brands[*b].name;
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// `rules test`: evaluates every rule of a pack (switched on or not) over every record, as of
/// each record's own day, and compares where it fires with the outcomes. With a viewer, only
/// the records and outcomes that viewer sees in full are read: what fires, the counts and the
/// facts the rules test (histories, watch lists) rest on nothing else.
pub fn test_rules(
    store: &dyn PlatformStore,
    pack_text: &str,
    viewer: Option<&Viewer>,
) -> Result<(String, Vec<RuleTest>)> {
    let pack = parse_pack(pack_text)?;
    let scope = match viewer {
        Some(v) => Scope::seen_by(store, v)?,
        None => Scope::everything(store)?,
    };
    let world = load_world(store, &scope)?;
    let knowledge = world.knowledge();
    let models = saved::score_models(store)?.unwrap_or_else(Models::prior);
    let scorer = world.scorer(&knowledge, &models, &pack);
    let tests = interdict_score::backtest(
        &scorer,
        &pack,
        &world.observed,
        &world.orgs(),
        &world.labels,
    );
    Ok((pack.version_tag(), tests))
}

/// `labels withdraw`: the organisation that gave an outcome takes it back; training and
/// actor histories stop using it from the next `train` and `score`.
pub fn withdraw_label(
    store: &mut dyn Store,
    key: &RecordKey,
    org: &str,
    reason: &str,
) -> Result<()> {
    if key.feed != Feed::Outcomes {
        invalid!("{key} is not an outcome: only outcomes are labels");
    }
    if store.get(key)?.is_none() {
        missing!("no outcome {key} in this store");
    }
    if key.org != org {
        invalid!(
            "{key} was given by {}: only that organisation can withdraw it",
            key.org
        );
    }
    let mut w = saved::withdrawn(store)?;
    w.labels.insert(
        key.to_string(),
        WithdrawnLabel {
            org: org.to_owned(),
            reason: reason.to_owned(),
            at: now(),
        },
    );
    saved::save_withdrawn(store, &w, &now())?;
    Ok(())
}

/// One outcome as a label: who gave it, what it says, and whether it was withdrawn.
#[derive(Debug, Serialize)]
pub struct LabelRow {
    pub key: String,
    pub org: String,
    pub result: String,
    pub date: String,
    pub shipment_id: Option<String>,
    pub listing_id: Option<String>,
    pub seller_account_id: Option<String>,
    pub withdrawn: Option<WithdrawnLabel>,
}

/// `labels list`: every outcome with its organisation and whether it was withdrawn.
pub fn list_labels(store: &dyn Store) -> Result<Vec<LabelRow>> {
    let w = saved::withdrawn(store)?;
    let mut rows = Vec::new();
    store.scan(Some(Feed::Outcomes), &mut |r| {
        if let Record::Outcomes(o) = &r.record {
            let key = r.key.to_string();
            rows.push(LabelRow {
                withdrawn: w.labels.get(&key).cloned(),
                key,
                org: r.key.org.clone(),
                result: o.result.as_str().to_owned(),
                date: o.date.clone(),
                shipment_id: o.shipment_id.clone(),
                listing_id: o.listing_id.clone(),
                seller_account_id: o.seller_account_id.clone(),
            });
        }
        Ok(())
    })?;
    Ok(rows)
}

/// A rule pack's text, checked against the fact vocabulary; an error names rule and variable.
pub fn parse_pack(pack_text: &str) -> Result<RulePack> {
    RulePack::parse(pack_text, VOCABULARY).map_err(|e| Error::Invalid(e.to_string()))
}

/// Times scoring shipments one at a time as they arrive, each with the incremental resolution
/// of its parties: the parties of `holdout` shipments are held out of a batch resolution (model
/// frozen), then each shipment is resolved party by party, observed and scored.
pub fn bench_score_one(store: &dyn PlatformStore, holdout: usize) -> Result<ScoreOneBench> {
    use interdict_resolve::Previous;
    let mut world = load_world(store, &Scope::everything(store)?)?;
    let rules = saved::rules(store)?;
    let models = saved::score_models(store)?.unwrap_or_else(Models::prior);
    let knowledge = world.knowledge();
    let model = saved::require_resolution_model(store)?;
    let previous: Previous = saved::require_actor_table(store)?.to_previous()?;
    let parties = crate::resolution::load_parties(store, &crate::Quiet)?;
    // The last `holdout` shipments to arrive are the new ones.
    let mut ships: Vec<usize> = (0..world.keys.len())
        .filter(|&i| world.observed[i].kind == Kind::Shipment)
        .collect();
    if holdout == 0 || holdout >= ships.len() {
        invalid!(
            "--holdout {holdout}: between 1 and {} shipments",
            ships.len().saturating_sub(1)
        );
    }
    ships.sort_by_key(|&i| (world.observed[i].day, i));
    let held: Vec<usize> = ships[ships.len() - holdout..].to_vec();
    let held_ids: FxHashSet<(String, String)> = held
        .iter()
        .map(|&i| (world.keys[i].org.clone(), world.keys[i].source_id.clone()))
        .collect();
    let shipment_of = |k: &RecordKey| -> Option<(String, String)> {
        (k.feed == Feed::Shipments).then(|| {
            let sid = k.source_id.split('#').next().unwrap_or("");
            (k.org.clone(), sid.to_owned())
        })
    };
    let mut base = (Vec::new(), Vec::new());
    let mut held_parties: FxHashMap<RecordKey, interdict_resolve::Features> = FxHashMap::default();
    let features: Vec<interdict_resolve::Features> = parties.record_features().collect();
    for (k, f) in parties.keys.into_iter().zip(features) {
        if shipment_of(&k).is_some_and(|s| held_ids.contains(&s)) {
            held_parties.insert(k, f);
        } else {
            base.0.push(k);
            base.1.push(f);
        }
    }
    let resolved = base.0.len();
    let (mut resolver, batch) =
        crate::resolution::frozen_resolver(base.0, base.1, model, &previous);
    let records: Vec<(RecordKey, interdict_model::Shipment)> = held
        .iter()
        .map(|&i| {
            let k = world.keys[i].clone();
            match store.get(&k)?.map(|r| r.record) {
                Some(Record::Shipments(s)) => Ok((k, s)),
                _ => missing!("shipment {k} vanished from the store"),
            }
        })
        .collect::<Result<_>>()?;
    let mut index = std::mem::take(&mut world.actors.index);
    let scorer = world.scorer(&knowledge, &models, &rules);
    let mut times = Vec::with_capacity(records.len());
    let mut high = 0usize;
    for (k, s) in records {
        let t = Instant::now();
        let mut actors = [None; 6];
        for role in PartyRole::ALL {
            if s.party(role).is_none() {
                continue;
            }
            let pk = RecordKey::new(
                k.org.clone(),
                Feed::Shipments,
                format!("{}#{}", k.source_id, role.as_str()),
            );
            if let Some(f) = held_parties.remove(&pk) {
                let a = resolver.add(pk, f);
                let next = index.len() as u32;
                let n = *index.entry(a.actor_id).or_insert(next);
                actors[role as usize] = Some(n);
            }
        }
        let o = observe::shipment(&world.catalogue, &s, actors);
        let score = scorer.score(&o, &k.org);
        times.push(t.elapsed());
        high += usize::from(score.score >= 0.5);
    }
    Ok(ScoreOneBench {
        resolved,
        batch_seconds: batch.as_secs_f64(),
        shipments: times.len(),
        high,
        per_shipment: Latency::of(times),
    })
}

/// What timing scoring one shipment at a time found.
#[derive(Debug, Serialize)]
pub struct ScoreOneBench {
    /// Party records resolved in batch first, model frozen, and that batch's seconds.
    pub resolved: usize,
    pub batch_seconds: f64,
    /// Shipments then resolved and scored one at a time, and how many scored 0.5 or more.
    pub shipments: usize,
    pub high: usize,
    pub per_shipment: Latency,
}

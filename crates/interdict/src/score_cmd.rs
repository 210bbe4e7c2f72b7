//! `interdict score`, `train`, `queue`, `rules`, `labels`, `export scores` and
//! `eval targeting`: the risk library over the store (what is read and kept is in
//! [`crate::score_world`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use interdict_model::{Feed, PartyRole, Record, RecordKey};
use interdict_score::eval::{self, AtRate, RATES};
use interdict_score::queue::{self, Capacity, Pick};
use interdict_score::rules::{RulePack, VOCABULARY};
use interdict_score::{Kind, LabelTarget, Models, RuleTest, Score, day, observe};
use interdict_store::Store;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::resolve_cmd::{now, spinner};
pub use crate::score_world::*;

/// `println!` that returns an error instead of panicking when standard output is closed
/// (`interdict queue ... | head`).
macro_rules! outln {
    ($($t:tt)*) => {
        writeln!(std::io::stdout().lock(), $($t)*)?
    };
}

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
    pub top: Vec<Saved>,
}

/// Scores every shipment and listing not scored yet (all of them with `all`), training the
/// model first when none is saved.
pub fn score_store(store: &mut dyn Store, all: bool, quiet: bool) -> Result<ScoreSummary> {
    let t = Instant::now();
    let bar = spinner(quiet);
    bar.set_message("reading records and actors");
    let world = load_world(store)?;
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
    let rules = load_rules(store)?;
    bar.set_message("building actor histories");
    let knowledge = world.knowledge();
    let (models, trained) = match load_models(store)? {
        Some(m) => (m, false),
        None => {
            bar.set_message("training the model on outcomes");
            let m = world.train(&knowledge, &rules, None);
            store.put_derived(MODEL, &serde_json::to_vec(&m)?, &now())?;
            (m, true)
        }
    };
    let scorer = world.scorer(&knowledge, &models, &rules);
    let mut saved = if all { Vec::new() } else { load_scores(store)? };
    let done: FxHashSet<RecordKey> = saved.iter().map(Saved::key).collect();
    let todo: Vec<usize> = (0..world.keys.len())
        .filter(|&i| !done.contains(&world.keys[i]))
        .collect();
    stage("building actor histories and the model", &mut stages);
    bar.set_message(format!("scoring {} records", todo.len()));
    let at = now();
    let (model_v, rules_v) = (models.version(), rules.version_tag());
    let fresh: Vec<Saved> = todo
        .par_iter()
        .map(|&i| {
            let o = &world.observed[i];
            let k = &world.keys[i];
            let s = scorer.score(o, &k.org);
            Saved {
                org: k.org.clone(),
                feed: k.feed,
                source_id: k.source_id.clone(),
                score: s.score,
                day: o.day.map(day::to_iso),
                port: o.port.clone(),
                model: model_v.clone(),
                rules: rules_v.clone(),
                scored_at: at.clone(),
                reasons: s.reasons,
                fired: s.rules,
                reason_sources: s.reason_sources,
                brands: brand_names(&world.catalogue, o),
            }
        })
        .collect();
    let shipments = fresh.iter().filter(|s| s.feed == Feed::Shipments).count();
    let listings = fresh.len() - shipments;
    let already = saved.len();
    let mut top: Vec<Saved> = fresh.clone();
    top.sort_by(|a, b| b.score.total_cmp(&a.score));
    top.truncate(5);
    saved.extend(fresh);
    stage("scoring", &mut stages);
    bar.set_message("saving scores");
    save_scores(store, &saved, &at)?;
    stage("saving scores", &mut stages);
    bar.finish_and_clear();
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

pub fn print_score_summary(s: &ScoreSummary, json: bool) -> Result<()> {
    if json {
        outln!("{}", serde_json::to_string_pretty(s)?);
        return Ok(());
    }
    outln!(
        "scored {} shipments and {} listings in {:.1} s ({} scored before)",
        s.shipments,
        s.listings,
        s.seconds,
        s.already_scored
    );
    outln!(
        "model {}{}, rules {}",
        s.model,
        if s.trained { " (trained now)" } else { "" },
        s.rules
    );
    if !s.top.is_empty() {
        outln!("highest:");
        for t in &s.top {
            outln!(
                "  {:.3}  {}/{}/{}  {}",
                t.score,
                t.org,
                t.feed,
                t.source_id,
                t.reasons.first().map(String::as_str).unwrap_or("")
            );
        }
    }
    Ok(())
}

/// `interdict train`: retrains on every outcome not withdrawn and saves the model.
pub fn train_store(store: &mut dyn Store, json: bool) -> Result<()> {
    let world = load_world(store)?;
    let rules = load_rules(store)?;
    let knowledge = world.knowledge();
    let m = world.train(&knowledge, &rules, None);
    store.put_derived(MODEL, &serde_json::to_vec(&m)?, &now())?;
    print_models(&m, json)
}

pub fn print_models(m: &Models, json: bool) -> Result<()> {
    if json {
        let mut v = serde_json::to_value(m)?;
        v["version"] = serde_json::Value::String(m.version());
        v["features"] = serde_json::json!(interdict_score::features::NAMES);
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    outln!("model {}", m.version());
    for (name, w) in [("shipments", &m.shipments), ("listings", &m.listings)] {
        outln!(
            "{name}: trained on {} labels ({} counterfeit){}",
            w.labels,
            w.positives,
            w.train_auc
                .map(|a| format!(", training AUC {a:.3}"))
                .unwrap_or_default()
        );
        if !w.calibration.is_empty() {
            let bands: Vec<String> = w
                .calibration
                .iter()
                .map(|b| format!("{:.3} vs {:.3}", b.predicted, b.observed))
                .collect();
            outln!(
                "  calibration (mean prediction vs counterfeit share, five bands): {}",
                bands.join(", ")
            );
        }
        outln!("  {:<22} {:>8} {:>8}", "signal", "weight", "prior");
        outln!(
            "  {:<22} {:>8.3} {:>8.3}",
            "(intercept)",
            w.intercept,
            interdict_score::model::PRIOR_INTERCEPT
        );
        for (i, n) in interdict_score::features::NAMES.iter().enumerate() {
            outln!(
                "  {:<22} {:>8.3} {:>8.3}",
                n,
                w.weights[i],
                interdict_score::model::PRIOR_WEIGHTS[i]
            );
        }
    }
    Ok(())
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
        bail!("--exploration must be between 0 and 1");
    }
    let scores = load_scores(store)?;
    if scores.is_empty() {
        bail!("nothing scored in this store yet: run `interdict score` first");
    }
    let mut inspected: FxHashSet<String> = FxHashSet::default();
    let withdrawn = load_withdrawn(store)?;
    store.scan(Some(Feed::Outcomes), &mut |r| {
        if let Record::Outcomes(o) = &r.record
            && !withdrawn.labels.contains_key(&r.key.to_string())
            && let Some(s) = &o.shipment_id
        {
            inspected.insert(s.clone());
        }
        Ok(())
    })?;
    let ships: Vec<&Saved> = scores
        .iter()
        .filter(|s| s.feed == Feed::Shipments)
        .filter(|s| opts.org.is_none_or(|o| s.org == o))
        .collect();
    let day = match opts.day {
        Some(d) => Some(
            interdict_normalize::date::date(d, None)
                .map_err(|e| anyhow!("--day {d:?}: {e}"))?
                .chars()
                .take(10)
                .collect::<String>(),
        ),
        None => ships.iter().filter_map(|s| s.day.clone()).max(),
    };
    let arrivals: Vec<&Saved> = ships
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

pub fn print_queue(q: &QueueReport, json: bool, out: &mut dyn Write) -> Result<()> {
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(q)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "inspection queue for {}: open {} of {} arrivals not yet inspected ({:.0}% exploration)",
        q.day.as_deref().unwrap_or("(no date)"),
        q.capacity,
        q.arrivals,
        q.exploration * 100.0
    )?;
    for r in &q.rows {
        let tag = match r.pick {
            Pick::Score => "",
            Pick::Exploration => "  [random pick]",
        };
        writeln!(
            out,
            "{:>4}. {:.3}  {}/{}  {}{}",
            r.rank, r.score, r.org, r.source_id, r.port, tag
        )?;
        for reason in &r.reasons {
            writeln!(out, "        - {reason}")?;
        }
    }
    Ok(())
}

/// `export scores`: org,feed,source_id,score for every shipment and listing scored.
pub fn export_scores(store: &dyn Store, w: &mut dyn Write) -> Result<()> {
    let scores = load_scores(store)?;
    if scores.is_empty() {
        bail!("nothing scored in this store yet: run `interdict score` first");
    }
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "org",
        "feed",
        "source_id",
        "score",
        "model",
        "rules",
        "reasons",
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
    let mut r = csv::Reader::from_path(&path)
        .with_context(|| format!("reading the truth {}", path.display()))?;
    let mut out = FxHashMap::default();
    for (n, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: row {}", path.display(), n + 2))?;
        let field = |i: usize, name: &str| {
            rec.get(i)
                .ok_or_else(|| anyhow!("{}: row {}: no {name}", path.display(), n + 2))
        };
        let feed: Feed = field(1, "feed")?
            .parse()
            .map_err(|e| anyhow!("{}: row {}: feed: {e}", path.display(), n + 2))?;
        let counterfeit = match field(3, "counterfeit")? {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            other => bail!(
                "{}: row {}: counterfeit: {other:?} is not true or false",
                path.display(),
                n + 2
            ),
        };
        let value: f64 = field(4, "retail_value")?
            .parse()
            .map_err(|e| anyhow!("{}: row {}: retail_value: {e}", path.display(), n + 2))?;
        out.insert(
            RecordKey::new(field(0, "org")?, feed, field(2, "source_id")?),
            (counterfeit, value),
        );
    }
    Ok(out)
}

/// `eval targeting`: retrain on outcomes before the split, rank the shipments after it.
pub fn eval_targeting(
    store: &dyn Store,
    truth: &Path,
    split: Option<&str>,
) -> Result<TargetingEval> {
    let truth = read_items_truth(truth)?;
    let world = load_world(store)?;
    let rules = load_rules(store)?;
    let knowledge = world.knowledge();
    let orgs = world.orgs();
    let ship_days: Vec<i32> = world
        .observed
        .iter()
        .filter(|o| o.kind == Kind::Shipment)
        .filter_map(|o| o.day)
        .collect();
    let (Some(&lo), Some(&hi)) = (ship_days.iter().min(), ship_days.iter().max()) else {
        bail!("no dated shipments in this store to evaluate on");
    };
    let cut = match split {
        Some(s) => day::of(
            &interdict_normalize::date::date(s, None).map_err(|e| anyhow!("--split {s:?}: {e}"))?,
        )
        .ok_or_else(|| anyhow!("--split {s:?}: not a date"))?,
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
        bail!(
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

pub fn print_targeting(e: &TargetingEval, json: bool) -> Result<()> {
    if json {
        outln!("{}", serde_json::to_string_pretty(e)?);
        return Ok(());
    }
    outln!(
        "trained on {} inspected shipments before {} ({} counterfeit); {} held-out shipments, {} counterfeit",
        e.training_labels,
        e.split,
        e.training_counterfeit,
        e.held_out,
        e.counterfeit_held_out
    );
    outln!(
        "{:<16} {:>6} {:>10} {:>15}",
        "method",
        "rate",
        "precision",
        "value captured"
    );
    for (name, t) in [
        ("interdict", &e.interdict),
        ("random", &e.random),
        ("declared value", &e.declared_value),
    ] {
        for (_, rate) in RATES {
            let r = &t[rate];
            outln!(
                "{:<16} {:>6} {:>10.3} {:>15.3}",
                name,
                rate,
                r.precision,
                r.value_captured
            );
        }
    }
    Ok(())
}

/// The distinct names of the brands a record names, in the order first named.
fn brand_names(catalogue: &observe::Catalogue, o: &observe::Observed) -> Vec<String> {
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
/// each record's own day, and compares where it fires with the outcomes.
pub fn test_rules(store: &dyn Store, pack_text: &str) -> Result<(String, Vec<RuleTest>)> {
    let pack = RulePack::parse(pack_text, VOCABULARY).map_err(|e| anyhow!("{e}"))?;
    let world = load_world(store)?;
    let knowledge = world.knowledge();
    let models = load_models(store)?.unwrap_or_else(Models::prior);
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

pub fn print_rule_tests(version: &str, tests: &[RuleTest], json: bool) -> Result<()> {
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "pack": version, "rules": tests }))?
        );
        return Ok(());
    }
    outln!("back-test of {version} over every record, as of each record's day");
    outln!(
        "{:<34} {:>3} {:>7} {:>7} {:>9} {:>11} {:>10} {:>9}",
        "rule",
        "on",
        "weight",
        "fires",
        "share",
        "labelled",
        "precision",
        "base"
    );
    for t in tests {
        let pct = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{:.1}%", v * 100.0));
        outln!(
            "{:<34} {:>3} {:>7.2} {:>7} {:>8.2}% {:>11} {:>10} {:>9}",
            t.rule,
            if t.enabled { "yes" } else { "no" },
            t.weight,
            t.fires,
            t.share * 100.0,
            format!("{}/{}", t.counterfeit, t.labelled),
            pct(t.precision),
            pct(t.base_rate)
        );
        if let Some(e) = &t.first_error {
            outln!("    {} records could not be evaluated, e.g.: {e}", t.errors);
        }
    }
    Ok(())
}

/// `rules set`: checks a pack and makes it the active one.
pub fn set_rules(store: &mut dyn Store, pack_text: &str) -> Result<String> {
    let pack = RulePack::parse(pack_text, VOCABULARY).map_err(|e| anyhow!("{e}"))?;
    store.put_derived(RULES, pack.to_toml().as_bytes(), &now())?;
    Ok(pack.version_tag())
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
        bail!("{key} is not an outcome: only outcomes are labels");
    }
    if store.get(key)?.is_none() {
        bail!("no outcome {key} in this store");
    }
    if key.org != org {
        bail!(
            "{key} was given by {}: only that organisation can withdraw it",
            key.org
        );
    }
    let mut w = load_withdrawn(store)?;
    w.labels.insert(
        key.to_string(),
        WithdrawnLabel {
            org: org.to_owned(),
            reason: reason.to_owned(),
            at: now(),
        },
    );
    store.put_derived(WITHDRAWN, &serde_json::to_vec(&w)?, &now())?;
    Ok(())
}

/// `labels list`: every outcome with its organisation and whether it was withdrawn.
pub fn list_labels(store: &dyn Store, json: bool) -> Result<()> {
    let w = load_withdrawn(store)?;
    let mut rows = Vec::new();
    store.scan(Some(Feed::Outcomes), &mut |r| {
        if let Record::Outcomes(o) = &r.record {
            let k = r.key.to_string();
            rows.push(serde_json::json!({
                "key": k,
                "org": r.key.org,
                "result": o.result.as_str(),
                "date": o.date,
                "shipment_id": o.shipment_id,
                "listing_id": o.listing_id,
                "seller_account_id": o.seller_account_id,
                "withdrawn": w.labels.get(&k),
            }));
        }
        Ok(())
    })?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        let by_result = rows
            .iter()
            .fold(BTreeMap::<String, usize>::new(), |mut m, r| {
                *m.entry(format!(
                    "{} {}",
                    r["org"].as_str().unwrap_or(""),
                    r["result"].as_str().unwrap_or("")
                ))
                .or_default() += 1;
                m
            });
        outln!("{} labels ({} withdrawn)", rows.len(), w.labels.len());
        for (k, n) in by_result {
            outln!("  {n:>7}  {k}");
        }
        for (k, l) in &w.labels {
            outln!("  withdrawn {k} by {} at {}: {}", l.org, l.at, l.reason);
        }
    }
    Ok(())
}

/// Times scoring shipments one at a time as they arrive, each with the incremental resolution
/// of its parties: the parties of `holdout` shipments are held out of a batch resolution (model
/// frozen), then each shipment is resolved party by party, observed and scored.
pub fn bench_score_one(db: &Path, holdout: usize) -> Result<()> {
    use interdict_resolve::Previous;
    let store = crate::cli::open_store(db)?;
    let mut world = load_world(&store)?;
    let rules = load_rules(&store)?;
    let models = load_models(&store)?.unwrap_or_else(Models::prior);
    let knowledge = world.knowledge();
    let model = crate::resolve_cmd::require_model(&store)?;
    let previous: Previous = crate::resolve_cmd::require_actors(&store)?;
    let parties = crate::resolve_cmd::load_parties(&store, &indicatif::ProgressBar::hidden())?;

    // The last `holdout` shipments to arrive are the new ones.
    let mut ships: Vec<usize> = (0..world.keys.len())
        .filter(|&i| world.observed[i].kind == Kind::Shipment)
        .collect();
    if holdout == 0 || holdout >= ships.len() {
        bail!(
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
        crate::resolve_cmd::frozen_resolver(base.0, base.1, model, &previous);
    let records: Vec<(RecordKey, interdict_model::Shipment)> = held
        .iter()
        .map(|&i| {
            let k = world.keys[i].clone();
            match store.get(&k)?.map(|r| r.record) {
                Some(Record::Shipments(s)) => Ok((k, s)),
                _ => bail!("shipment {k} vanished from the store"),
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
    times.sort();
    let pct = |q: f64| crate::resolve_cmd::quantile_us(&times, q);
    outln!(
        "{resolved} party records resolved in batch in {:.1} s (model frozen); {} shipments then resolved and scored one at a time ({high} scored 0.5 or more)",
        batch.as_secs_f64(),
        times.len()
    );
    outln!(
        "per shipment, party resolution and score: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}

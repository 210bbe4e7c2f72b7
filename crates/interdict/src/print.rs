//! Everything the commands print: tables for people, JSON with `--json`.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use interdict_app::ingest::ExportSummary;
use interdict_app::resolution::{ActorProfile, Outcome, PairExplanation};
use interdict_app::scoring::{LabelRow, QueueReport, ScoreSummary, TargetingEval};
use interdict_model::QuarantinedRow;
use interdict_resolve::Model;
use interdict_resolve::eval::Evaluation;
use interdict_score::eval::RATES;
use interdict_score::queue::Pick;
use interdict_score::{Models, RuleTest};
use interdict_store::{FeedStats, RunRecord};

/// `println!` that returns an error instead of panicking when standard output is closed
/// (`interdict queue ... | head`).
macro_rules! outln {
    ($($t:tt)*) => {
        writeln!(std::io::stdout().lock(), $($t)*)?
    };
}

/// With `json`, prints `v` as pretty JSON and says so; the caller then prints nothing else.
fn as_json<T: serde::Serialize + ?Sized>(v: &T, json: bool) -> Result<bool> {
    if json {
        outln!("{}", serde_json::to_string_pretty(v)?);
    }
    Ok(json)
}

pub fn export(s: &ExportSummary) {
    let rate = if s.seconds > 0.0 {
        s.read as f64 / s.seconds
    } else {
        0.0
    };
    println!(
        "{}/{} {} (TLP:{}): read {} = landed {} + updated {} + unchanged {} + quarantined {}  [{:.1} s, {:.0} rows/s]",
        s.org,
        s.feed,
        s.file,
        s.marking,
        s.read,
        s.landed,
        s.updated,
        s.unchanged,
        s.quarantined,
        s.seconds,
        rate
    );
}

pub fn stats(stats: &[FeedStats], json: bool) -> Result<()> {
    if as_json(stats, json)? {
        return Ok(());
    }
    if stats.is_empty() {
        println!("the store holds no records yet");
        return Ok(());
    }
    println!(
        "{:<20} {:<10} {:>10} {:>10} {:>12}",
        "organisation", "feed", "records", "versioned", "quarantined"
    );
    let (mut r, mut v, mut q) = (0, 0, 0);
    for s in stats {
        println!(
            "{:<20} {:<10} {:>10} {:>10} {:>12}",
            s.org,
            s.feed.as_str(),
            s.records,
            s.versioned,
            s.quarantined
        );
        r += s.records;
        v += s.versioned;
        q += s.quarantined;
    }
    println!("{:<20} {:<10} {:>10} {:>10} {:>12}", "total", "", r, v, q);
    Ok(())
}

pub fn quarantine(rows: &[QuarantinedRow], json: bool) -> Result<()> {
    if as_json(rows, json)? {
        return Ok(());
    }
    if rows.is_empty() {
        println!("no quarantined rows");
        return Ok(());
    }
    for q in rows {
        println!(
            "{}:{}  {}/{}  {}: {}",
            q.file,
            q.line,
            q.org,
            q.feed,
            q.field.as_deref().unwrap_or("row"),
            q.reason
        );
    }
    println!("{} quarantined rows", rows.len());
    Ok(())
}

pub fn runs(runs: &[RunRecord], json: bool) -> Result<()> {
    if as_json(runs, json)? {
        return Ok(());
    }
    for r in runs {
        let c = &r.counts;
        println!(
            "run {:>4} {} {}/{} {} TLP:{} {}: read {} landed {} updated {} unchanged {} quarantined {}",
            r.id,
            r.started_at,
            r.org,
            r.feed,
            r.file,
            r.marking,
            if r.finished {
                "finished"
            } else {
                "interrupted"
            },
            c.read,
            c.landed,
            c.updated,
            c.unchanged,
            c.quarantined
        );
    }
    Ok(())
}

pub fn resolution(out: &Outcome, json: bool) -> Result<()> {
    let s = &out.state.summary;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "summary": s,
                "hubs": out.state.hubs,
                "incremental_added": out.incremental_added,
            }))?
        );
        return Ok(());
    }
    if let Some(n) = out.incremental_added {
        println!("resolved {n} new party records against the existing actors (model frozen)");
    }
    println!(
        "{} party records ({} distinct descriptions) -> {} actors ({} with several records, {} across partners)",
        s.records, s.distinct_descriptions, s.actors, s.multi_record_actors, s.cross_partner_actors
    );
    println!(
        "{} candidate pairs, {} links at match probability >= {}; model {}",
        s.candidate_pairs,
        s.links,
        s.threshold,
        if s.model_trained {
            "trained on this data"
        } else {
            "loaded (frozen)"
        }
    );
    if let Some(b) = &s.blocking_recall {
        println!(
            "blocking compares {} of {} true pairs (blocking recall {:.4})",
            b.compared, b.true_pairs, b.recall
        );
    }
    let times: Vec<String> = s
        .seconds
        .iter()
        .map(|(k, v)| format!("{k} {v:.1} s"))
        .collect();
    if !times.is_empty() {
        println!("time: {}", times.join(", "));
    }
    println!(
        "{} hub values (shared by records of many different names: never a blocking key, weighed by how common)",
        out.state.hubs.len()
    );
    for h in out.state.hubs.iter().take(10) {
        println!(
            "  {:<12} {:<48} {:>7} records, {:>5} names",
            h.kind, h.value, h.records, h.names
        );
    }
    if out.state.hubs.len() > 10 {
        println!(
            "  ... {} more: `interdict resolve --db ... --json` lists them all",
            out.state.hubs.len() - 10
        );
    }
    Ok(())
}

pub fn resolution_eval(e: &Evaluation, missing: usize, json: bool) -> Result<()> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "pairwise": e.pairwise,
                "bcubed": e.bcubed,
                "records": e.records,
                "truth_records_not_resolved": missing,
                "predicted_clusters": e.predicted_clusters,
                "true_clusters": e.true_clusters,
                "true_pairs": e.true_pairs,
                "predicted_pairs": e.predicted_pairs,
                "correct_pairs": e.correct_pairs,
            }))?
        );
        return Ok(());
    }
    println!(
        "{} records scored ({} truth records not in the store, e.g. quarantined rows)",
        e.records, missing
    );
    println!(
        "{:<10} {:>10} {:>10} {:>10}",
        "", "precision", "recall", "F1"
    );
    for (name, s) in [("pairwise", e.pairwise), ("B-cubed", e.bcubed)] {
        println!(
            "{:<10} {:>10.4} {:>10.4} {:>10.4}",
            name, s.precision, s.recall, s.f1
        );
    }
    println!(
        "{} predicted actors, {} true; {} true pairs, {} predicted, {} correct",
        e.predicted_clusters, e.true_clusters, e.true_pairs, e.predicted_pairs, e.correct_pairs
    );
    Ok(())
}

pub fn resolution_model(model: &Model, json: bool) -> Result<()> {
    if as_json(model, json)? {
        return Ok(());
    }
    let t = &model.training;
    println!(
        "Fellegi-Sunter model v{}: trained on {} records, {} candidate pairs, {} random pairs; EM {} in {} iterations",
        model.version,
        t.records,
        t.candidate_pairs,
        t.random_pairs,
        if t.converged { "converged" } else { "stopped" },
        t.em_iterations
    );
    println!(
        "share of matches among candidate pairs {:.4}; two random records match with probability {:.3e} (prior weight {:.2} bits)",
        model.lambda,
        model.prior,
        model.prior_weight()
    );
    println!(
        "{:<13} {:<58} {:>9} {:>11} {:>8}",
        "field", "level", "m", "u", "bits"
    );
    for f in &model.fields {
        for l in f.levels.iter().rev() {
            println!(
                "{:<13} {:<58} {:>9.5} {:>11.3e} {:>8.2}",
                f.field.as_str(),
                l.label,
                l.m,
                l.u,
                l.weight()
            );
        }
    }
    Ok(())
}

pub fn actor(p: &ActorProfile, json: bool) -> Result<()> {
    if as_json(p, json)? {
        return Ok(());
    }
    let orgs: Vec<String> = p
        .organisations
        .iter()
        .map(|(o, n)| format!("{o} ({n})"))
        .collect();
    println!(
        "actor {}: {} records at {}",
        p.actor_id,
        p.records.len(),
        orgs.join(", ")
    );
    for (label, set) in [
        ("names", &p.names),
        ("e-mails", &p.emails),
        ("phones", &p.phones),
        ("addresses", &p.addresses),
        ("bank accounts", &p.bank_accounts),
        ("tax ids", &p.tax_ids),
        ("account ids", &p.account_ids),
        ("dates of birth", &p.dates_of_birth),
        ("places of birth", &p.places_of_birth),
        ("nationalities", &p.nationalities),
        ("genders", &p.genders),
        ("identity documents", &p.id_documents),
    ] {
        if set.is_empty() {
            continue;
        }
        println!("{label}:");
        for v in set.iter().take(20) {
            println!("  {v}");
        }
        if set.len() > 20 {
            println!("  ... {} more (--json lists them all)", set.len() - 20);
        }
    }
    println!("records:");
    for r in p.records.iter().take(20) {
        println!("  {r}");
    }
    if p.records.len() > 20 {
        println!(
            "  ... {} more (--json lists them all)",
            p.records.len() - 20
        );
    }
    Ok(())
}

pub fn scored(s: &ScoreSummary, json: bool) -> Result<()> {
    if as_json(s, json)? {
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

pub fn score_models(m: &Models, json: bool) -> Result<()> {
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

pub fn queue(q: &QueueReport, json: bool, out: &mut dyn Write) -> Result<()> {
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

pub fn targeting(e: &TargetingEval, json: bool) -> Result<()> {
    if as_json(e, json)? {
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

pub fn rule_tests(version: &str, tests: &[RuleTest], json: bool) -> Result<()> {
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

pub fn explanation(x: &PairExplanation, json: bool) -> Result<()> {
    let (a, b, e) = (&x.a, &x.b, &x.explanation);
    let (aa, ab) = (&x.actor_a, &x.actor_b);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "a": a, "b": b, "explanation": e,
                "actor_a": aa, "actor_b": ab,
            }))?
        );
        return Ok(());
    }
    println!("A  {a}: {}", x.described_a);
    println!("B  {b}: {}", x.described_b);
    println!();
    println!("{:<13} {:<44} {:>8}  note", "field", "level", "bits");
    println!(
        "{:<13} {:<44} {:>8.2}  two random records are one actor",
        "prior", "", e.prior_weight
    );
    for c in &e.fields {
        println!(
            "{:<13} {:<44} {:>8.2}  {}",
            c.field.as_str(),
            c.label,
            c.weight,
            c.note.as_deref().unwrap_or("")
        );
    }
    println!("{:<13} {:<44} {:>8.2}", "total", "", e.weight);
    println!("match probability {:.4}", e.probability);
    match (aa, ab) {
        (Some(x), Some(y)) if x == y => println!("both records belong to actor {x}"),
        (Some(x), Some(y)) => println!("actors: A is {x}, B is {y}"),
        _ => println!("(one of the records is not resolved yet)"),
    }
    Ok(())
}

pub fn labels(rows: &[LabelRow], json: bool) -> Result<()> {
    if json {
        outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        let by_result = rows
            .iter()
            .fold(BTreeMap::<String, usize>::new(), |mut m, r| {
                *m.entry(format!("{} {}", r.org, r.result)).or_default() += 1;
                m
            });
        let withdrawn: Vec<&LabelRow> = rows.iter().filter(|r| r.withdrawn.is_some()).collect();
        outln!("{} labels ({} withdrawn)", rows.len(), withdrawn.len());
        for (k, n) in by_result {
            outln!("  {n:>7}  {k}");
        }
        for r in withdrawn {
            if let Some(l) = &r.withdrawn {
                outln!(
                    "  withdrawn {} by {} at {}: {}",
                    r.key,
                    l.org,
                    l.at,
                    l.reason
                );
            }
        }
    }
    Ok(())
}

pub fn incremental_bench(b: &interdict_app::resolution::IncrementalBench) -> Result<()> {
    outln!(
        "{} records resolved in batch in {:.1} s (model frozen); {} added one at a time, {} joined an existing actor",
        b.resolved,
        b.batch_seconds,
        b.added,
        b.joined
    );
    let l = &b.per_record;
    outln!(
        "per record: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        l.p50_us,
        l.p99_us,
        l.max_us
    );
    Ok(())
}

pub fn score_one_bench(b: &interdict_app::scoring::ScoreOneBench) -> Result<()> {
    outln!(
        "{} party records resolved in batch in {:.1} s (model frozen); {} shipments then resolved and scored one at a time ({} scored 0.5 or more)",
        b.resolved,
        b.batch_seconds,
        b.shipments,
        b.high
    );
    let l = &b.per_shipment;
    outln!(
        "per shipment, party resolution and score: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        l.p50_us,
        l.p99_us,
        l.max_us
    );
    Ok(())
}

pub fn directory(l: &interdict_app::admin::Listing, json: bool) -> Result<()> {
    if as_json(l, json)? {
        return Ok(());
    }
    outln!("organisations:");
    for o in &l.orgs {
        outln!("  {:<24} {}", o.name, o.kind);
    }
    outln!("users:");
    for u in &l.users {
        outln!(
            "  {:<24} {:<20} {}{}",
            u.name,
            u.org,
            u.role,
            if u.disabled { " (disabled)" } else { "" }
        );
    }
    outln!("keys:");
    for k in &l.keys {
        let state = match &k.revoked_at {
            Some(at) => format!("revoked {at}"),
            None => format!("expires {}", k.expires_at),
        };
        outln!("  {:<14} {:<24} {}", k.id, k.user, state);
    }
    outln!("sharing groups:");
    for g in &l.groups {
        outln!("  {:<24} {}", g.name, g.members.join(", "));
    }
    Ok(())
}

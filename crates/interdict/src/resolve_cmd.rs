//! `interdict resolve`, `explain`, `eval resolve` and `export actors`: entity resolution over
//! the store, with its outputs kept beside the records.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use interdict_model::{Feed, Party, RecordKey};
use interdict_resolve::eval::{Evaluation, evaluate};
use interdict_resolve::features::{Span, Values};
use interdict_resolve::{
    Config, Decoded, Distinct, Features, Gathered, Hub, Model, Previous, Resolution, Resolver,
    Scorer, Stage, Summary, ValueStats,
};
use interdict_store::Store;
use serde::{Deserialize, Serialize};

const MODEL: &str = "resolution/model";
const ACTORS: &str = "resolution/actors";
const STATE: &str = "resolution/state";

/// The feeds whose records name parties.
const PARTY_FEEDS: [Feed; 4] = [Feed::Sellers, Feed::Shipments, Feed::Brands, Feed::Parties];

/// Every party record of the store, in the order read.
pub struct Parties {
    pub keys: Vec<RecordKey>,
    /// Their distinct descriptions: record `i` is `distinct.record(i)`.
    pub distinct: Distinct,
}

impl Parties {
    /// Every record's features, in key order (copies of their descriptions').
    pub fn record_features(&self) -> impl Iterator<Item = Features> + '_ {
        (0..self.keys.len()).map(|i| self.distinct.record(i).clone())
    }
}

/// Reads every party record and computes its features, in three stages that overlap: this
/// thread reads compressed records from the store a chunk at a time, a second decodes a chunk
/// on every core, a third gathers the parties of the chunk before into distinct descriptions.
pub fn load_parties(store: &dyn Store, bar: &ProgressBar) -> Result<Parties> {
    const CHUNK: usize = 16_384;
    type Raw = (Feed, Vec<(RecordKey, Vec<u8>)>);
    let (raw_tx, raw_rx) = std::sync::mpsc::sync_channel::<Raw>(1);
    let (decoded_tx, decoded_rx) = std::sync::mpsc::sync_channel::<Decoded>(1);
    std::thread::scope(|scope| {
        // After a failure each stage drains its input unread, so no stage blocks.
        let decoder = scope.spawn(move || -> Result<()> {
            let mut failed = None;
            for (feed, chunk) in raw_rx {
                if failed.is_some() {
                    continue;
                }
                match Decoded::of_payloads(feed, chunk) {
                    Ok(d) => {
                        let _ = decoded_tx.send(d);
                    }
                    Err((k, e)) => {
                        failed = Some(anyhow!("stored record {k} cannot be read: {e}"));
                    }
                }
            }
            failed.map_or(Ok(()), Err)
        });
        let gatherer = scope.spawn(move || -> Result<Gathered> {
            let mut gathered = Gathered::default();
            let mut failed = None;
            for d in decoded_rx {
                if failed.is_some() {
                    continue;
                }
                if let Err((k, e)) = gathered.add(d) {
                    failed = Some(anyhow!("stored record {k} cannot be read: {e}"));
                }
                bar.set_message(format!("reading party records: {}", gathered.keys.len()));
            }
            failed.map_or(Ok(gathered), Err)
        });
        let scanned = (|| -> Result<()> {
            for feed in PARTY_FEEDS {
                let mut chunk = Vec::with_capacity(CHUNK);
                store.scan_payloads(feed, &mut |key, payload| {
                    chunk.push((key, payload));
                    if chunk.len() >= CHUNK {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                        let _ = raw_tx.send((feed, full));
                    }
                    Ok(())
                })?;
                if !chunk.is_empty() {
                    let _ = raw_tx.send((feed, chunk));
                }
            }
            Ok(())
        })();
        drop(raw_tx);
        let decoded = decoder
            .join()
            .map_err(|_| anyhow!("decoding party records failed"))?;
        let gathered = gatherer
            .join()
            .map_err(|_| anyhow!("gathering party records failed"))?;
        scanned?;
        decoded?;
        let gathered = gathered?;
        Ok(Parties {
            keys: gathered.keys,
            distinct: gathered.distinct,
        })
    })
}

/// What `resolve` keeps beside the model and the actors.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub summary: Summary,
    pub hubs: Vec<HubReport>,
    /// Hub value hashes, so incremental runs ignore the same values.
    pub hub_values: Vec<u64>,
    pub block_limit: usize,
    pub hub_names: usize,
    pub resolved_at: String,
}

/// A hub value as a person reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HubReport {
    pub kind: String,
    pub value: String,
    pub records: usize,
    pub names: usize,
}

/// Options of a resolution run.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Config,
    pub retrain: bool,
    pub incremental: bool,
    pub quiet: bool,
}

/// What a run did.
pub struct Outcome {
    pub state: State,
    /// Every party record, and its actor.
    pub keys: Vec<RecordKey>,
    pub actor_ids: Vec<String>,
    pub incremental_added: Option<usize>,
}

pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(crate) fn spinner(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}").expect("template"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The saved model; `None` when there is none, or when it was saved by an older version that
/// compared fewer fields (resolving again trains a new one).
pub fn load_model(store: &dyn Store) -> Result<Option<Model>> {
    let model: Option<Model> = store
        .get_derived(MODEL)?
        .map(|b| serde_json::from_slice(&b).context("the saved resolution model cannot be read"))
        .transpose()?;
    Ok(model.filter(Model::is_current))
}

pub fn load_state(store: &dyn Store) -> Result<Option<State>> {
    store
        .get_derived(STATE)?
        .map(|b| serde_json::from_slice(&b).context("the saved resolution state cannot be read"))
        .transpose()
}

/// The saved model, or an error telling the user to resolve first.
pub fn require_model(store: &dyn Store) -> Result<Model> {
    load_model(store)?.ok_or_else(|| {
        anyhow!(
            "no current resolution model in this store (none yet, or one saved by an older \
             version): run `interdict resolve` first"
        )
    })
}

/// The saved actors, or an error telling the user to resolve first.
pub fn require_actors(store: &dyn Store) -> Result<Previous> {
    load_actors(store)?
        .ok_or_else(|| anyhow!("no resolution in this store yet: run `interdict resolve` first"))
}

/// An address on one line, as a person reads it.
fn address_line(a: &interdict_model::Address) -> String {
    let mut s = a.text.clone();
    for x in [&a.postcode, &a.city, &a.country].into_iter().flatten() {
        s.push_str(", ");
        s.push_str(x);
    }
    s
}

/// The saved actor of every resolved party record.
pub fn load_actors(store: &dyn Store) -> Result<Option<Previous>> {
    saved_actors_text(store)?
        .map(|text| previous_of(&text))
        .transpose()
}

/// The actor of every record in saved actors text.
fn previous_of(text: &str) -> Result<Previous> {
    let mut out = Previous::default();
    for line in text.lines() {
        let (org, feed, source_id, actor) = actor_line(line)?;
        out.insert(RecordKey::new(org, feed, source_id), actor.to_owned());
    }
    Ok(out)
}

/// Calls `f(org, feed, source_id, actor_id)` for every resolved party record; `false` when
/// nothing has been resolved yet.
pub fn for_each_actor(
    store: &dyn Store,
    mut f: impl FnMut(&str, Feed, &str, &str),
) -> Result<bool> {
    let Some(text) = saved_actors_text(store)? else {
        return Ok(false);
    };
    for line in text.lines() {
        let (org, feed, source_id, actor) = actor_line(line)?;
        f(org, feed, source_id, actor);
    }
    Ok(true)
}

/// The saved actors as text, one `org\tfeed\tsource_id\tactor_id` line per party record.
pub fn saved_actors_text(store: &dyn Store) -> Result<Option<String>> {
    let Some(blob) = store.get_derived(ACTORS)? else {
        return Ok(None);
    };
    let bytes = lz4_flex::decompress_size_prepended(&blob)
        .map_err(|e| anyhow!("the saved actors cannot be read: {e}"))?;
    Ok(Some(
        String::from_utf8(bytes).context("the saved actors are not text")?,
    ))
}

/// The saved actor id of every record in `keys`. The actors are saved in the order records are
/// read, so while nothing changed line `i` is record `i` and no lookup is needed; from the first
/// difference on, the rest are looked up.
fn previous_ids<'t>(saved: &'t str, keys: &[RecordKey]) -> Result<Vec<Option<&'t str>>> {
    let mut out = Vec::with_capacity(keys.len());
    let mut lines = saved.lines();
    for k in keys {
        let Some(line) = lines.next() else { break };
        let (org, feed, source_id, actor) = actor_line(line)?;
        if org != k.org || feed != k.feed || source_id != k.source_id {
            break;
        }
        out.push(Some(actor));
    }
    if out.len() < keys.len() {
        let mut by_key: rustc_hash::FxHashMap<(&str, Feed, &str), &str> = Default::default();
        for line in saved.lines() {
            let (org, feed, source_id, actor) = actor_line(line)?;
            by_key.insert((org, feed, source_id), actor);
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

/// One line of the saved actors: organisation, feed, source id, actor id.
pub fn actor_line(line: &str) -> Result<(&str, Feed, &str, &str)> {
    let mut p = line.splitn(4, '\t');
    let (Some(org), Some(feed), Some(source_id), Some(actor)) =
        (p.next(), p.next(), p.next(), p.next())
    else {
        bail!("the saved actors have a malformed line: {line:?}");
    };
    let feed: Feed = feed.parse().map_err(|e| anyhow!("saved actors: {e}"))?;
    Ok((org, feed, source_id, actor))
}

fn save_actors(store: &mut dyn Store, keys: &[RecordKey], ids: &[&str], at: &str) -> Result<()> {
    let mut text = String::with_capacity(keys.len() * 48);
    for (k, id) in keys.iter().zip(ids) {
        text.push_str(&k.org);
        text.push('\t');
        text.push_str(k.feed.as_str());
        text.push('\t');
        text.push_str(&k.source_id);
        text.push('\t');
        text.push_str(id);
        text.push('\n');
    }
    store.put_derived(
        ACTORS,
        &lz4_flex::compress_prepend_size(text.as_bytes()),
        at,
    )?;
    Ok(())
}

/// The party a record key names (`<shipment>#consignee`, `<brand>#authorised#2`, an account).
pub fn party_of(store: &dyn Store, key: &RecordKey) -> Result<Option<Party>> {
    Ok(dated_party_of(store, key)?.map(|(p, _)| p))
}

/// [`party_of`], with the days its record was seen on.
pub fn dated_party_of(store: &dyn Store, key: &RecordKey) -> Result<Option<(Party, Span)>> {
    let base = match key.feed {
        Feed::Shipments | Feed::Brands => key.source_id.split('#').next().unwrap_or(""),
        _ => key.source_id.as_str(),
    };
    let Some(stored) = store.get(&RecordKey::new(key.org.clone(), key.feed, base))? else {
        return Ok(None);
    };
    let span = Span::of_date(stored.record.date());
    Ok(stored
        .record
        .parties()
        .into_iter()
        .find(|(id, _)| *id == key.source_id)
        .map(|(_, p)| (p.clone(), span)))
}

fn hub_reports(store: &dyn Store, keys: &[RecordKey], hubs: &[Hub]) -> Result<Vec<HubReport>> {
    hubs.iter()
        .map(|h| {
            let key = &keys[h.example as usize];
            let value = party_of(store, key)?
                .and_then(|p| Values::of(&p).find(h.value))
                .unwrap_or_else(|| format!("(value of {key})"));
            Ok(HubReport {
                kind: h.kind.as_str().to_owned(),
                value,
                records: h.records,
                names: h.names,
            })
        })
        .collect()
}

/// Resolves the store's party records and saves the model, the actors and the state.
pub fn resolve_store(store: &mut dyn Store, opts: &Options) -> Result<Outcome> {
    let bar = spinner(opts.quiet);
    bar.set_message("reading party records");
    let t = Instant::now();
    let parties = load_parties(store, &bar)?;
    let load_seconds = t.elapsed().as_secs_f64();
    if parties.keys.is_empty() {
        bar.finish_and_clear();
        bail!(
            "the store holds no party records: ingest sellers, shipments, brands or parties first"
        );
    }
    let saved_actors = saved_actors_text(store)?.unwrap_or_default();
    let saved_model = if opts.retrain {
        None
    } else {
        load_model(store)?
    };
    let at = now();

    if opts.incremental {
        let (Some(model), Some(state)) = (saved_model, load_state(store)?) else {
            bail!("--incremental needs an earlier `interdict resolve` on this store");
        };
        let previous = previous_of(&saved_actors)?;
        let out = resolve_incremental(store, opts, parties, &previous, model, state, &bar, &at)?;
        bar.finish_and_clear();
        return Ok(out);
    }

    let mut progress = |stage: Stage, took: Duration| {
        bar.println(format!(
            "  {:<26} {:>7.2} s",
            stage.as_str(),
            took.as_secs_f64()
        ));
        bar.set_message(match stage {
            Stage::Blocking => "comparing candidate pairs",
            Stage::Comparing => "training the model",
            Stage::Training => "scoring candidate pairs",
            Stage::Scoring => "clustering",
            Stage::Clustering => "saving",
        });
    };
    bar.println(format!(
        "  {:<26} {:>7.2} s",
        "reading party records", load_seconds
    ));
    bar.set_message("blocking");
    let previous = previous_ids(&saved_actors, &parties.keys)?;
    let res: Resolution = interdict_resolve::resolve_distinct(
        &parties.keys,
        parties.distinct,
        saved_model,
        &previous,
        &opts.config,
        &mut progress,
    );
    let mut summary = res.summary.clone();
    summary
        .seconds
        .insert("reading party records".into(), load_seconds);
    let ids: Vec<&str> = (0..parties.keys.len()).map(|i| res.actor_of(i)).collect();
    let state = State {
        hubs: hub_reports(store, &parties.keys, &res.hubs)?,
        hub_values: res.hubs.iter().map(|h| h.value).collect(),
        summary,
        block_limit: opts.config.blocking.block_limit,
        hub_names: opts.config.blocking.hub_names,
        resolved_at: at.clone(),
    };
    store.put_derived(MODEL, &serde_json::to_vec_pretty(&res.model)?, &at)?;
    save_actors(store, &parties.keys, &ids, &at)?;
    store.put_derived(STATE, &serde_json::to_vec(&state)?, &at)?;
    bar.finish_and_clear();
    let actor_ids = ids.into_iter().map(str::to_owned).collect();
    Ok(Outcome {
        state,
        keys: parties.keys,
        actor_ids,
        incremental_added: None,
    })
}

#[allow(clippy::too_many_arguments)]
fn resolve_incremental(
    store: &mut dyn Store,
    opts: &Options,
    parties: Parties,
    previous: &Previous,
    model: Model,
    mut state: State,
    bar: &ProgressBar,
    at: &str,
) -> Result<Outcome> {
    let mut config = opts.config;
    config.blocking.block_limit = state.block_limit;
    config.blocking.hub_names = state.hub_names;
    // Records resolved before, with their actors; the rest are new.
    let mut old = (Vec::new(), Vec::new(), Vec::new());
    let mut new = Vec::new();
    let mut actor_index: dense::Index = Default::default();
    for (k, f) in parties.keys.iter().cloned().zip(parties.record_features()) {
        match previous.get(&k) {
            Some(id) => {
                old.0.push(k);
                old.1.push(f);
                old.2.push(actor_index.of(id));
            }
            None => new.push((k, f)),
        }
    }
    let hubs = state.hub_values.iter().copied().collect();
    let mut resolver = Resolver::new(model, hubs, config, old.0, old.1, old.2, actor_index.ids);
    bar.set_message(format!("resolving {} new records", new.len()));
    let added = new.len();
    for (k, f) in new {
        resolver.add(k, f);
    }
    let keys: Vec<RecordKey> = (0..resolver.len())
        .map(|i| resolver.key(i).clone())
        .collect();
    let ids: Vec<&str> = (0..resolver.len()).map(|i| resolver.actor_of(i)).collect();
    save_actors(store, &keys, &ids, at)?;
    let actors: BTreeSet<&str> = ids.iter().copied().collect();
    let clusters = {
        let index: std::collections::HashMap<&str, u32> = actors
            .iter()
            .enumerate()
            .map(|(i, a)| (*a, i as u32))
            .collect();
        ids.iter().map(|a| index[a]).collect::<Vec<u32>>()
    };
    state.summary = interdict_resolve::summarise(
        &keys,
        &clusters,
        actors.len(),
        Summary {
            records: keys.len(),
            ..state.summary.clone()
        },
    );
    state.resolved_at = at.to_owned();
    store.put_derived(STATE, &serde_json::to_vec(&state)?, at)?;
    let actor_ids = ids.into_iter().map(str::to_owned).collect();
    Ok(Outcome {
        state,
        keys,
        actor_ids,
        incremental_added: Some(added),
    })
}

/// Gives each actor id a dense number.
mod dense {
    use std::collections::HashMap;

    #[derive(Default)]
    pub struct Index {
        pub ids: Vec<String>,
        by_id: HashMap<String, u32>,
    }

    impl Index {
        pub fn of(&mut self, id: &str) -> u32 {
            if let Some(&n) = self.by_id.get(id) {
                return n;
            }
            let n = self.ids.len() as u32;
            self.ids.push(id.to_owned());
            self.by_id.insert(id.to_owned(), n);
            n
        }
    }
}

pub fn print_summary(out: &Outcome, json: bool) -> Result<()> {
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

/// `interdict export actors`: one CSV row per party record.
pub fn export_actors(store: &dyn Store, mut w: impl Write) -> Result<()> {
    let actors = require_actors(store)?;
    let mut rows: Vec<(&RecordKey, &String)> = actors.iter().collect();
    rows.sort();
    let mut out = csv::Writer::from_writer(&mut w);
    out.write_record(["org", "feed", "source_id", "actor_id"])?;
    for (k, a) in rows {
        out.write_record([k.org.as_str(), k.feed.as_str(), &k.source_id, a])?;
    }
    out.flush()?;
    Ok(())
}

/// `interdict export parties`: the comparison values of every party record, flat, for other
/// tools (one value per field: the first).
pub fn export_parties(store: &dyn Store, mut w: impl Write) -> Result<()> {
    let mut out = csv::Writer::from_writer(&mut w);
    out.write_record([
        "unique_id",
        "org",
        "feed",
        "source_id",
        "name",
        "email",
        "email_local",
        "phone",
        "phone_tail",
        "address",
        "building",
        "place",
        "street",
        "bank_account",
        "tax_id",
        "account_id",
        "country",
        "date",
    ])?;
    let mut n = 0u64;
    for feed in PARTY_FEEDS {
        let mut err = None;
        store.scan(Some(feed), &mut |stored| {
            let date = stored
                .record
                .date()
                .and_then(interdict_normalize::day::of)
                .map_or_else(String::new, interdict_normalize::day::to_iso);
            for (source_id, party) in stored.record.parties() {
                let v = Values::of(party);
                let first = |x: Option<&String>| x.cloned().unwrap_or_default();
                let a = v.addresses.first();
                let row = [
                    n.to_string(),
                    stored.key.org.clone(),
                    feed.as_str().to_owned(),
                    source_id,
                    first(v.names.first().map(|x| &x.0)),
                    first(v.emails.first().map(|x| &x.0)),
                    first(v.emails.first().map(|x| &x.1)),
                    first(v.phones.first().map(|x| &x.0)),
                    first(v.phones.first().map(|x| &x.1)),
                    first(a.map(|a| &a.full)),
                    first(a.map(|a| &a.building)),
                    first(a.map(|a| &a.place)),
                    first(a.map(|a| &a.street)),
                    first(v.banks.first()),
                    first(v.tax_ids.first()),
                    first(v.accounts.first()),
                    v.country.unwrap_or_default(),
                    date.clone(),
                ];
                if let Err(e) = out.write_record(&row) {
                    err = Some(e);
                }
                n += 1;
            }
            Ok(())
        })?;
        if let Some(e) = err {
            return Err(e.into());
        }
    }
    out.flush()?;
    Ok(())
}

/// Parses `org/feed/source_id`.
pub fn parse_key(s: &str) -> Result<RecordKey> {
    let mut parts = s.splitn(3, '/');
    let (Some(org), Some(feed), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        bail!(
            "record {s:?}: expected ORG/FEED/SOURCE_ID, e.g. carrier-swift/shipments/0004021733#consignee"
        );
    };
    let feed: Feed = feed.parse().map_err(|e| anyhow!("record {s:?}: {e}"))?;
    Ok(RecordKey::new(org, feed, id))
}

/// `interdict explain`: two party records compared field by field under the saved model.
pub fn explain(store: &dyn Store, a: &str, b: &str, json: bool) -> Result<()> {
    let (ka, kb) = (parse_key(a)?, parse_key(b)?);
    let (pa, da) =
        dated_party_of(store, &ka)?.ok_or_else(|| anyhow!("record {a}: no such party record"))?;
    let (pb, db) =
        dated_party_of(store, &kb)?.ok_or_else(|| anyhow!("record {b}: no such party record"))?;
    let model = require_model(store)?;
    let state = load_state(store)?;
    let parties = load_parties(store, &ProgressBar::hidden())?;
    let hubs = state
        .map(|s| s.hub_values.into_iter().collect())
        .unwrap_or_default();
    let scorer = Scorer::new(model, ValueStats::build(&parties.distinct.features, hubs));
    let (va, vb) = (Values::of(&pa), Values::of(&pb));
    let e = scorer.explain(
        &Features::from_values(&va).seen(da),
        &Features::from_values(&vb).seen(db),
    );
    let actors = load_actors(store)?.unwrap_or_default();
    let (aa, ab) = (actors.get(&ka), actors.get(&kb));
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
    println!("A  {a}: {}", describe(&pa));
    println!("B  {b}: {}", describe(&pb));
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

fn describe(p: &Party) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &p.name {
        parts.push(n.clone());
    }
    parts.extend(p.emails.iter().cloned());
    parts.extend(p.phones.iter().cloned());
    parts.extend(p.addresses.iter().map(address_line));
    parts.extend(p.bank_accounts.iter().cloned());
    parts.extend(p.tax_ids.iter().cloned());
    if let Some(a) = &p.account_id {
        parts.push(format!("account {a}"));
    }
    parts.join(" | ")
}

/// Reads a CSV of `org,feed,source_id,<value>` (a truth file, or another tool's actors).
pub fn read_keyed_csv(path: &Path, value: &str) -> Result<Vec<(RecordKey, String)>> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = r.headers()?.clone();
    let want = ["org", "feed", "source_id", value];
    let idx: Vec<usize> = want
        .iter()
        .map(|w| {
            headers.iter().position(|h| h == *w).ok_or_else(|| {
                anyhow!(
                    "{}: missing column {w} (want org,feed,source_id,{value})",
                    path.display()
                )
            })
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for (n, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: row {}", path.display(), n + 2))?;
        let feed: Feed = rec[idx[1]]
            .parse()
            .map_err(|e| anyhow!("{}: row {}, field feed: {e}", path.display(), n + 2))?;
        out.push((
            RecordKey::new(&rec[idx[0]], feed, &rec[idx[2]]),
            rec[idx[3]].to_owned(),
        ));
    }
    Ok(out)
}

/// Scores the saved resolution (or a predicted CSV of org,feed,source_id,actor_id) against a
/// truth file.
pub fn eval_resolution(
    store: &dyn Store,
    truth: &Path,
    predicted: Option<&Path>,
) -> Result<(Evaluation, usize)> {
    let actors = match predicted {
        Some(p) => read_keyed_csv(p, "actor_id")?.into_iter().collect(),
        None => require_actors(store)?,
    };
    let truth = read_keyed_csv(truth, "true_id")?;
    let mut missing = 0usize;
    let rows: Vec<(&str, &str)> = truth
        .iter()
        .filter_map(|(k, t)| match actors.get(k) {
            Some(a) => Some((a.as_str(), t.as_str())),
            None => {
                missing += 1;
                None
            }
        })
        .collect();
    Ok((evaluate(rows), missing))
}

pub fn print_eval(e: &Evaluation, missing: usize, json: bool) -> Result<()> {
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

/// The actors with records at more than one organisation, largest spread first.
pub struct Network {
    pub actor_id: String,
    pub orgs: Vec<String>,
    pub records: usize,
    pub example: RecordKey,
}

pub fn networks(out: &Outcome) -> Vec<Network> {
    let mut by_actor: std::collections::HashMap<&str, (BTreeSet<&str>, usize, &RecordKey)> =
        std::collections::HashMap::new();
    for (k, a) in out.keys.iter().zip(&out.actor_ids) {
        let e = by_actor
            .entry(a.as_str())
            .or_insert_with(|| (BTreeSet::new(), 0, k));
        e.0.insert(k.org.as_str());
        e.1 += 1;
    }
    let mut v: Vec<Network> = by_actor
        .into_iter()
        .filter(|(_, (orgs, _, _))| orgs.len() > 1)
        .map(|(a, (orgs, n, k))| Network {
            actor_id: a.to_owned(),
            orgs: orgs.into_iter().map(str::to_owned).collect(),
            records: n,
            example: k.clone(),
        })
        .collect();
    v.sort_by(|a, b| {
        b.orgs
            .len()
            .cmp(&a.orgs.len())
            .then(b.records.cmp(&a.records))
            .then(a.actor_id.cmp(&b.actor_id))
    });
    v
}

/// The name a person would recognise for a party record.
pub fn display_name(store: &dyn Store, key: &RecordKey) -> String {
    party_of(store, key)
        .ok()
        .flatten()
        .and_then(|p| p.name.or(p.display_name).or(p.emails.first().cloned()))
        .unwrap_or_else(|| key.to_string())
}

/// `interdict resolve`.
pub fn run(a: crate::cli::ResolveArgs) -> Result<std::process::ExitCode> {
    let mut store = crate::cli::open_store(&a.db)?;
    if a.show_model {
        let model = require_model(&store)?;
        print_model(&model, a.json)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    if !(0.0..1.0).contains(&a.threshold) || a.threshold <= 0.0 {
        bail!(
            "--threshold {}: a match probability strictly between 0 and 1",
            a.threshold
        );
    }
    let mut config = Config {
        threshold: a.threshold,
        ..Config::default()
    };
    config.blocking.block_limit = a.hub_limit.max(2);
    config.blocking.hub_names = a.hub_names.max(2);
    let opts = Options {
        config,
        retrain: a.retrain,
        incremental: a.incremental,
        quiet: a.json,
    };
    let out = resolve_store(&mut store, &opts)?;
    print_summary(&out, a.json)?;
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn print_model(model: &Model, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(model)?);
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

/// Times incremental resolution of held-out records against everything else, model frozen.
pub fn bench_incremental(a: &crate::cli::BenchIncrementalArgs) -> Result<std::process::ExitCode> {
    let store = crate::cli::open_store(&a.db)?;
    let model = require_model(&store)?;
    let parties = load_parties(&store, &ProgressBar::hidden())?;
    let n = parties.keys.len();
    if a.holdout == 0 || a.holdout >= n {
        bail!("--holdout {}: between 1 and {} records", a.holdout, n - 1);
    }
    // Every k-th record is held out, so the held-out set spreads over every feed.
    let step = n / a.holdout;
    let mut base = (Vec::new(), Vec::new());
    let mut held = Vec::new();
    let features: Vec<Features> = parties.record_features().collect();
    for (i, (k, f)) in parties.keys.into_iter().zip(features).enumerate() {
        if i % step == 0 && held.len() < a.holdout {
            held.push((k, f));
        } else {
            base.0.push(k);
            base.1.push(f);
        }
    }
    let resolved = base.0.len();
    let (mut resolver, batch) = frozen_resolver(base.0, base.1, model, &Previous::default());
    let mut times = Vec::with_capacity(held.len());
    let mut joined = 0usize;
    for (k, f) in held {
        let t = Instant::now();
        let r = resolver.add(k, f);
        times.push(t.elapsed());
        joined += usize::from(!r.new_actor);
    }
    times.sort();
    let pct = |q: f64| quantile_us(&times, q);
    println!(
        "{} records resolved in batch in {:.1} s (model frozen); {} added one at a time, {} joined an existing actor",
        resolved,
        batch.as_secs_f64(),
        times.len(),
        joined
    );
    println!(
        "per record: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// Resolves `keys` in batch with `model` frozen (actor ids kept from `previous` where they
/// can be) and returns a resolver that adds further records one at a time, with the batch's
/// time.
pub fn frozen_resolver(
    keys: Vec<RecordKey>,
    features: Vec<Features>,
    model: Model,
    previous: &Previous,
) -> (Resolver, Duration) {
    let config = Config::default();
    let t = Instant::now();
    let res = interdict_resolve::resolve(
        &keys,
        &features,
        Some(model),
        previous,
        &config,
        &mut |_, _| {},
    );
    let batch = t.elapsed();
    let hubs = res.hubs.iter().map(|h| h.value).collect();
    let resolver = Resolver::new(
        res.model,
        hubs,
        config,
        keys,
        features,
        res.clusters,
        res.actor_ids,
    );
    (resolver, batch)
}

/// The `q`-quantile of sorted durations, in microseconds (0 when there are none).
pub fn quantile_us(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize)
        .saturating_sub(1)
        .min(sorted.len() - 1);
    sorted[i].as_secs_f64() * 1e6
}

/// An actor as `interdict actor` shows it: its records by organisation and every identifier they
/// carry.
#[derive(Debug, Serialize)]
pub struct ActorProfile {
    pub actor_id: String,
    pub records: Vec<String>,
    /// Records per organisation.
    pub organisations: std::collections::BTreeMap<String, usize>,
    pub names: BTreeSet<String>,
    pub emails: BTreeSet<String>,
    pub phones: BTreeSet<String>,
    pub addresses: BTreeSet<String>,
    pub bank_accounts: BTreeSet<String>,
    pub tax_ids: BTreeSet<String>,
    pub account_ids: BTreeSet<String>,
}

/// `interdict actor`: one actor's records, organisations and identifiers.
pub fn actor_profile(store: &dyn Store, actor_id: &str) -> Result<ActorProfile> {
    let actors = require_actors(store)?;
    let mut keys: Vec<&RecordKey> = actors
        .iter()
        .filter(|(_, a)| a.as_str() == actor_id)
        .map(|(k, _)| k)
        .collect();
    if keys.is_empty() {
        bail!(
            "actor {actor_id}: no such actor (ids look like ACT-0123456789; see `interdict export actors`)"
        );
    }
    keys.sort();
    let mut p = ActorProfile {
        actor_id: actor_id.to_owned(),
        records: Vec::new(),
        organisations: Default::default(),
        names: BTreeSet::new(),
        emails: BTreeSet::new(),
        phones: BTreeSet::new(),
        addresses: BTreeSet::new(),
        bank_accounts: BTreeSet::new(),
        tax_ids: BTreeSet::new(),
        account_ids: BTreeSet::new(),
    };
    for k in keys {
        p.records.push(k.to_string());
        *p.organisations.entry(k.org.clone()).or_default() += 1;
        let Some(party) = party_of(store, k)? else {
            continue;
        };
        p.names
            .extend(party.name.iter().chain(&party.display_name).cloned());
        p.emails.extend(party.emails.iter().cloned());
        p.phones.extend(party.phones.iter().cloned());
        p.addresses.extend(party.addresses.iter().map(address_line));
        p.bank_accounts.extend(party.bank_accounts.iter().cloned());
        p.tax_ids.extend(party.tax_ids.iter().cloned());
        p.account_ids.extend(party.account_id.iter().cloned());
    }
    Ok(p)
}

pub fn print_actor(p: &ActorProfile, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(p)?);
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

//! Entity resolution over the store: every party record into actors (in batch, or new records
//! one at a time against a frozen model), explanations of a pair, evaluation against a truth
//! file, actor profiles and exports. The outputs are kept beside the records (see [`crate::saved`]).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use interdict_model::{Feed, Party, RecordKey};
use interdict_resolve::eval::{Evaluation, evaluate};
use interdict_resolve::features::{Span, Values};
use interdict_resolve::{
    Config, Decoded, Distinct, Explanation, Features, Gathered, Hub, Model, Previous, Resolution,
    Resolver, Scorer, Stage, Summary, ValueStats,
};
use interdict_store::Store;
use serde::Serialize;

use crate::error::{Error, Result, invalid, missing};
use crate::saved::{self, ActorTable, HubReport, ResolutionState};
use crate::{Report, now};

/// The feeds whose records name parties.
pub const PARTY_FEEDS: [Feed; 4] = [Feed::Sellers, Feed::Shipments, Feed::Brands, Feed::Parties];

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

fn unreadable(k: &RecordKey, e: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("stored record {k} cannot be read: {e}"))
}

/// Reads every party record and computes its features, in three stages that overlap: this
/// thread reads compressed records from the store a chunk at a time, a second decodes a chunk
/// on every core, a third gathers the parties of the chunk before into distinct descriptions.
pub fn load_parties(store: &dyn Store, report: &dyn Report) -> Result<Parties> {
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
                    Err((k, e)) => failed = Some(unreadable(&k, e)),
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
                    failed = Some(unreadable(&k, e));
                }
                report.doing(&format!("reading party records: {}", gathered.keys.len()));
            }
            failed.map_or(Ok(gathered), Err)
        });
        let scanned = (|| -> Result<()> {
            for feed in PARTY_FEEDS {
                let mut chunk = Vec::with_capacity(CHUNK);
                store.scan_payloads(feed, &mut |p| {
                    chunk.push((p.key, p.data));
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
            .map_err(|_| Error::Corrupt("decoding party records failed".into()))?;
        let gathered = gatherer
            .join()
            .map_err(|_| Error::Corrupt("gathering party records failed".into()))?;
        scanned?;
        decoded?;
        let gathered = gathered?;
        Ok(Parties {
            keys: gathered.keys,
            distinct: gathered.distinct,
        })
    })
}

/// Options of a resolution run.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Config,
    pub retrain: bool,
    pub incremental: bool,
    /// A truth file (org,feed,source_id,true_id) to measure blocking recall against.
    pub truth: Option<std::path::PathBuf>,
}

impl Options {
    /// Options from a command's settings, checked.
    pub fn new(
        threshold: f64,
        hub_limit: usize,
        hub_names: usize,
        retrain: bool,
        incremental: bool,
    ) -> Result<Options> {
        if !(threshold > 0.0 && threshold < 1.0) {
            invalid!("--threshold {threshold}: a match probability strictly between 0 and 1");
        }
        let mut config = Config {
            threshold,
            ..Config::default()
        };
        config.blocking.block_limit = hub_limit.max(2);
        config.blocking.hub_names = hub_names.max(2);
        Ok(Options {
            config,
            retrain,
            incremental,
            truth: None,
        })
    }
}

/// What a run did.
pub struct Outcome {
    pub state: ResolutionState,
    /// Every party record, and its actor.
    pub keys: Vec<RecordKey>,
    pub actor_ids: Vec<String>,
    pub incremental_added: Option<usize>,
}

/// An address on one line, as a person reads it.
pub fn address_line(a: &interdict_model::Address) -> String {
    let mut s = a.text.clone();
    for x in [&a.postcode, &a.city, &a.country].into_iter().flatten() {
        s.push_str(", ");
        s.push_str(x);
    }
    s
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
pub fn resolve_store(
    store: &mut dyn Store,
    opts: &Options,
    report: &dyn Report,
) -> Result<Outcome> {
    report.doing("reading party records");
    let t = Instant::now();
    let parties = load_parties(store, report)?;
    let load_seconds = t.elapsed().as_secs_f64();
    if parties.keys.is_empty() {
        missing!(
            "the store holds no party records: ingest sellers, shipments, brands or parties first"
        );
    }
    // New actors are named with the installation's secret.
    let opts = &Options {
        config: Config {
            id_key: saved::actor_id_key(store)?,
            ..opts.config
        },
        ..opts.clone()
    };
    let saved_actors = saved::actor_table(store)?.unwrap_or_default();
    let saved_model = if opts.retrain {
        None
    } else {
        saved::resolution_model(store)?
    };
    let at = now();

    if opts.incremental {
        let (Some(model), Some(state)) = (saved_model, saved::resolution_state(store)?) else {
            missing!("--incremental needs an earlier `interdict resolve` on this store");
        };
        let previous = saved_actors.to_previous()?;
        return resolve_incremental(store, opts, parties, &previous, model, state, report, &at);
    }

    let mut progress = |stage: Stage, took: Duration| {
        report.done(stage.as_str(), took.as_secs_f64());
        report.doing(match stage {
            Stage::Blocking => "comparing candidate pairs",
            Stage::Comparing => "training the model",
            Stage::Training => "scoring candidate pairs",
            Stage::Scoring => "clustering",
            Stage::Clustering => "saving",
        });
    };
    report.done("reading party records", load_seconds);
    report.doing("blocking");
    let previous = saved_actors.actors_of(&parties.keys)?;
    let truth = match &opts.truth {
        Some(path) => Some(truth_ids(path, &parties.keys)?),
        None => None,
    };
    let res: Resolution = interdict_resolve::resolve_measured(
        &parties.keys,
        parties.distinct,
        saved_model,
        &previous,
        &opts.config,
        truth.as_deref(),
        &mut progress,
    );
    let mut summary = res.summary.clone();
    summary
        .seconds
        .insert("reading party records".into(), load_seconds);
    let ids: Vec<&str> = (0..parties.keys.len()).map(|i| res.actor_of(i)).collect();
    let state = ResolutionState {
        hubs: hub_reports(store, &parties.keys, &res.hubs)?,
        hub_values: res.hubs.iter().map(|h| h.value).collect(),
        summary,
        block_limit: opts.config.blocking.block_limit,
        hub_names: opts.config.blocking.hub_names,
        resolved_at: at.clone(),
    };
    saved::save_resolution_model(store, &res.model, &at)?;
    saved::save_actor_table(
        store,
        &ActorTable::new(parties.keys.iter().zip(ids.iter().copied())),
        &at,
    )?;
    saved::save_resolution_state(store, &state, &at)?;
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
    mut state: ResolutionState,
    report: &dyn Report,
    at: &str,
) -> Result<Outcome> {
    let (mut resolver, new) = resolver_over(parties, previous, model, &state, opts.config, false);
    report.doing(&format!("resolving {} new records", new.len()));
    let added = new.len();
    for (k, f) in new {
        resolver.add(k, f);
    }
    let keys: Vec<RecordKey> = (0..resolver.len())
        .map(|i| {
            resolver
                .key(i)
                .expect("a resolver that adds keeps its keys")
                .clone()
        })
        .collect();
    let ids: Vec<&str> = (0..resolver.len()).map(|i| resolver.actor_of(i)).collect();
    saved::save_actor_table(
        store,
        &ActorTable::new(keys.iter().zip(ids.iter().copied())),
        at,
    )?;
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
    saved::save_resolution_state(store, &state, at)?;
    let actor_ids = ids.into_iter().map(str::to_owned).collect();
    Ok(Outcome {
        state,
        keys,
        actor_ids,
        incremental_added: Some(added),
    })
}

/// A resolver over the records resolved before (`previous`), with the frozen model and the
/// blocking settings and hubs of the last run; and the records not resolved yet.
fn resolver_over(
    parties: Parties,
    previous: &Previous,
    model: Model,
    state: &ResolutionState,
    mut config: Config,
    probe_only: bool,
) -> (Resolver, Vec<(RecordKey, Features)>) {
    config.blocking.block_limit = state.block_limit;
    config.blocking.hub_names = state.hub_names;
    let Parties {
        keys,
        distinct: mut d,
    } = parties;
    // Records resolved before, with their actors; the descriptions they have.
    let mut old: Vec<(usize, u32)> = Vec::new();
    let mut described = vec![false; d.features.len()];
    let mut new = Vec::new();
    let mut actor_index = DenseIds::default();
    for (i, k) in keys.iter().enumerate() {
        match previous.get(k) {
            Some(id) => {
                described[d.node_of[i] as usize] = true;
                old.push((i, actor_index.of(id)));
            }
            None => new.push((k.clone(), d.record(i).clone())),
        }
    }
    // Value frequencies count each distinct description of the old records once, as batch
    // resolution counted them.
    let hubs = state.hub_values.iter().copied().collect();
    let stats = match described.iter().all(|&x| x) {
        true => ValueStats::build(&d.features, hubs),
        false => {
            let some: Vec<Features> = d
                .features
                .iter()
                .zip(&described)
                .filter(|(_, x)| **x)
                .map(|(f, _)| f.clone())
                .collect();
            ValueStats::build(&some, hubs)
        }
    };
    let mut resolver =
        Resolver::with_stats(model, stats, config, std::iter::empty(), actor_index.ids);
    if probe_only {
        resolver.only_probe();
    }
    // Each description moves into the resolver with its first record; the records after it
    // are copies of that one. Nothing is held twice.
    let mut first_of: Vec<u32> = vec![u32::MAX; d.features.len()];
    let mut old = old.into_iter().peekable();
    for (i, key) in keys.into_iter().enumerate() {
        // `old` is in record order.
        let Some((_, a)) = old.next_if(|&(j, _)| j == i) else {
            continue;
        };
        let node = d.node_of[i] as usize;
        match first_of[node] {
            u32::MAX => {
                first_of[node] = resolver.len() as u32;
                let f = std::mem::take(&mut d.features[node]);
                resolver.extend([((key, f), a)]);
            }
            original => resolver.extend_copy(key, original, a),
        }
    }
    (resolver, new)
}

/// A resolver over every party record resolved so far, as the last run left them: what a
/// record scored on request is matched against without being kept, and what arrivals join.
/// It keeps no keys ([`Resolver::only_probe`]).
pub fn live_resolver(store: &dyn Store) -> Result<Resolver> {
    let model = saved::require_resolution_model(store)?;
    let Some(state) = saved::resolution_state(store)? else {
        missing!("no resolution yet: run `interdict resolve` first");
    };
    let previous = saved::require_actor_table(store)?.to_previous()?;
    let parties = load_parties(store, &crate::Quiet)?;
    // New actors it makes are named with the installation's secret, as batch runs name them.
    let config = Config {
        id_key: saved::known_actor_id_key(store)?.unwrap_or_default(),
        ..Config::default()
    };
    Ok(resolver_over(parties, &previous, model, &state, config, true).0)
}

/// Gives each actor id a dense number.
#[derive(Default)]
struct DenseIds {
    ids: Vec<String>,
    by_id: std::collections::HashMap<String, u32>,
}

impl DenseIds {
    fn of(&mut self, id: &str) -> u32 {
        if let Some(&n) = self.by_id.get(id) {
            return n;
        }
        let n = self.ids.len() as u32;
        self.ids.push(id.to_owned());
        self.by_id.insert(id.to_owned(), n);
        n
    }
}

/// `export actors`: one CSV row per party record, sorted by key.
pub fn export_actors(store: &dyn Store, mut w: impl Write) -> Result<()> {
    let actors = saved::require_actor_table(store)?.to_previous()?;
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

/// `export parties`: the comparison values of every party record, flat, for other tools (one
/// value per field: the first).
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
        "given_name",
        "family_name",
        "date_of_birth",
        "place_of_birth",
        "nationality",
        "gender",
        "id_document",
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
                    v.given_name.unwrap_or_default(),
                    v.family_name.unwrap_or_default(),
                    v.date_of_birth.unwrap_or_default(),
                    v.place_of_birth.unwrap_or_default(),
                    first(v.nationality.first()),
                    v.gender.unwrap_or_default(),
                    first(v.documents.first()),
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
        invalid!(
            "record {s:?}: expected ORG/FEED/SOURCE_ID, e.g. carrier-swift/shipments/0004021733#consignee"
        );
    };
    let feed: Feed = feed
        .parse()
        .map_err(|e| Error::Invalid(format!("record {s:?}: {e}")))?;
    Ok(RecordKey::new(org, feed, id))
}

/// Two party records compared field by field under the saved model.
#[derive(Debug, Serialize)]
pub struct PairExplanation {
    pub a: String,
    pub b: String,
    /// Each record's values on one line.
    #[serde(skip)]
    pub described_a: String,
    #[serde(skip)]
    pub described_b: String,
    pub explanation: Explanation,
    pub actor_a: Option<String>,
    pub actor_b: Option<String>,
}

/// `explain`: two party records compared field by field under the saved model.
pub fn explain(store: &dyn Store, a: &str, b: &str) -> Result<PairExplanation> {
    let (ka, kb) = (parse_key(a)?, parse_key(b)?);
    let Some((pa, da)) = dated_party_of(store, &ka)? else {
        missing!("record {a}: no such party record");
    };
    let Some((pb, db)) = dated_party_of(store, &kb)? else {
        missing!("record {b}: no such party record");
    };
    let model = saved::require_resolution_model(store)?;
    let state = saved::resolution_state(store)?;
    let parties = load_parties(store, &crate::Quiet)?;
    let hubs = state
        .map(|s| s.hub_values.into_iter().collect())
        .unwrap_or_default();
    let scorer = Scorer::new(model, ValueStats::build(&parties.distinct.features, hubs));
    let (va, vb) = (Values::of(&pa), Values::of(&pb));
    let explanation = scorer.explain(
        &Features::from_values(&va).seen(da),
        &Features::from_values(&vb).seen(db),
    );
    let actors = saved::actor_table(store)?
        .map(|t| t.to_previous())
        .transpose()?
        .unwrap_or_default();
    Ok(PairExplanation {
        a: a.to_owned(),
        b: b.to_owned(),
        described_a: describe(&pa),
        described_b: describe(&pb),
        explanation,
        actor_a: actors.get(&ka).cloned(),
        actor_b: actors.get(&kb).cloned(),
    })
}

/// A party's values on one line.
pub fn describe(p: &Party) -> String {
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
    if let Some(d) = &p.date_of_birth {
        parts.push(format!("born {d}"));
    }
    if let Some(b) = &p.place_of_birth {
        parts.push(format!("born in {b}"));
    }
    if !p.nationality.is_empty() {
        parts.push(format!("nationality {}", p.nationality.join(", ")));
    }
    if let Some(g) = p.gender {
        parts.push(g.as_str().to_owned());
    }
    parts.extend(p.id_documents.iter().map(document_line));
    parts.join(" | ")
}

/// An identity document on one line: `passport 123456789 (GB)`.
pub fn document_line(d: &interdict_model::IdDocument) -> String {
    match &d.country {
        Some(c) => format!("{} {} ({c})", d.kind.as_str(), d.number),
        None => format!("{} {}", d.kind.as_str(), d.number),
    }
}

/// Each record's true entity from a truth file, numbered (`u32::MAX` where it names none).
fn truth_ids(path: &Path, keys: &[RecordKey]) -> Result<Vec<u32>> {
    let mut number: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut of: std::collections::HashMap<RecordKey, u32> = std::collections::HashMap::new();
    for (k, t) in read_keyed_csv(path, "true_id")? {
        let next = number.len() as u32;
        of.insert(k, *number.entry(t).or_insert(next));
    }
    Ok(keys
        .iter()
        .map(|k| of.get(k).copied().unwrap_or(u32::MAX))
        .collect())
}

/// Reads a CSV of `org,feed,source_id,<value>` (a truth file, or another tool's actors).
pub fn read_keyed_csv(path: &Path, value: &str) -> Result<Vec<(RecordKey, String)>> {
    let mut r = csv::Reader::from_path(path).map_err(|e| Error::csv(path, e))?;
    let headers = r.headers().map_err(|e| Error::csv(path, e))?.clone();
    let want = ["org", "feed", "source_id", value];
    let idx: Vec<usize> = want
        .iter()
        .map(|w| {
            headers.iter().position(|h| h == *w).ok_or_else(|| {
                Error::Invalid(format!(
                    "{}: missing column {w} (want org,feed,source_id,{value})",
                    path.display()
                ))
            })
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for (n, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| Error::csv(path, e))?;
        let feed: Feed = rec[idx[1]].parse().map_err(|e| {
            Error::Invalid(format!(
                "{}: row {}, field feed: {e}",
                path.display(),
                n + 2
            ))
        })?;
        out.push((
            RecordKey::new(&rec[idx[0]], feed, &rec[idx[2]]),
            rec[idx[3]].to_owned(),
        ));
    }
    Ok(out)
}

/// Scores the saved resolution (or a predicted CSV of org,feed,source_id,actor_id) against a
/// truth file; also gives how many truth records are not resolved (quarantined rows, say).
pub fn eval_resolution(
    store: &dyn Store,
    truth: &Path,
    predicted: Option<&Path>,
) -> Result<(Evaluation, usize)> {
    let actors = match predicted {
        Some(p) => read_keyed_csv(p, "actor_id")?.into_iter().collect(),
        None => saved::require_actor_table(store)?.to_previous()?,
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

/// An actor with records at more than one organisation.
pub struct Network {
    pub actor_id: String,
    pub orgs: Vec<String>,
    pub records: usize,
    pub example: RecordKey,
}

/// The actors with records at more than one organisation, largest spread first.
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

/// Per-item times of a benchmark, in microseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

impl Latency {
    /// The median, 99th percentile and maximum of `times`.
    pub fn of(mut times: Vec<Duration>) -> Latency {
        times.sort();
        let q = |q: f64| {
            if times.is_empty() {
                return 0.0;
            }
            let i = ((times.len() as f64 * q).ceil() as usize)
                .saturating_sub(1)
                .min(times.len() - 1);
            times[i].as_secs_f64() * 1e6
        };
        Latency {
            p50_us: q(0.5),
            p99_us: q(0.99),
            max_us: q(1.0),
        }
    }
}

/// What timing incremental resolution found.
#[derive(Debug, Serialize)]
pub struct IncrementalBench {
    /// Records resolved in batch first, model frozen, and that batch's seconds.
    pub resolved: usize,
    pub batch_seconds: f64,
    /// Records then added one at a time, and how many joined an existing actor.
    pub added: usize,
    pub joined: usize,
    pub per_record: Latency,
}

/// Times incremental resolution of `holdout` held-out records against everything else, model
/// frozen.
pub fn bench_incremental(store: &dyn Store, holdout: usize) -> Result<IncrementalBench> {
    let model = saved::require_resolution_model(store)?;
    let parties = load_parties(store, &crate::Quiet)?;
    let n = parties.keys.len();
    if holdout == 0 || holdout >= n {
        invalid!(
            "--holdout {holdout}: between 1 and {} records",
            n.saturating_sub(1)
        );
    }
    // Every k-th record is held out, so the held-out set spreads over every feed.
    let step = n / holdout;
    let mut base = (Vec::new(), Vec::new());
    let mut held = Vec::new();
    let features: Vec<Features> = parties.record_features().collect();
    for (i, (k, f)) in parties.keys.into_iter().zip(features).enumerate() {
        if i % step == 0 && held.len() < holdout {
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
    Ok(IncrementalBench {
        resolved,
        batch_seconds: batch.as_secs_f64(),
        added: times.len(),
        joined,
        per_record: Latency::of(times),
    })
}

/// An actor's records by organisation and every identifier they carry.
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
    pub dates_of_birth: BTreeSet<String>,
    pub places_of_birth: BTreeSet<String>,
    pub nationalities: BTreeSet<String>,
    pub genders: BTreeSet<String>,
    pub id_documents: BTreeSet<String>,
}

/// One actor's records, organisations and identifiers.
pub fn actor_profile(store: &dyn Store, actor_id: &str) -> Result<ActorProfile> {
    let table = saved::require_actor_table(store)?;
    let mut keys: Vec<RecordKey> = Vec::new();
    for r in table.rows() {
        let r = r?;
        if r.actor == actor_id {
            keys.push(r.key());
        }
    }
    if keys.is_empty() {
        missing!(
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
        dates_of_birth: BTreeSet::new(),
        places_of_birth: BTreeSet::new(),
        nationalities: BTreeSet::new(),
        genders: BTreeSet::new(),
        id_documents: BTreeSet::new(),
    };
    for k in keys {
        p.records.push(k.to_string());
        *p.organisations.entry(k.org.clone()).or_default() += 1;
        let Some(party) = party_of(store, &k)? else {
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
        p.dates_of_birth.extend(party.date_of_birth.iter().cloned());
        p.places_of_birth
            .extend(party.place_of_birth.iter().cloned());
        p.nationalities.extend(party.nationality.iter().cloned());
        p.genders
            .extend(party.gender.map(|g| g.as_str().to_owned()));
        p.id_documents
            .extend(party.id_documents.iter().map(document_line));
    }
    Ok(p)
}

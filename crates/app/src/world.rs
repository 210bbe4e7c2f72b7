//! What scoring reads from the store: the actor of every party record, shipments and
//! listings decoded and observed, outcomes linked as labels.

use std::hash::{DefaultHasher, Hasher};
use std::time::Instant;

use interdict_access::Label as AccessLabel;
use interdict_model::{Feed, Marking, PartyRole, Record, RecordKey};
use interdict_score::rules::RulePack;
use interdict_score::{
    Catalogue, Kind, Knowledge, Label, Models, Observed, Scorer, TrainConfig, day, observe,
};
use interdict_store::{Payload, Store};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::saved::{self, ActorTable};
use crate::sharing::Scope;

/// A record key as a 64-bit hash: the actor map of ten million party records stays small.
pub fn key_hash(org: &str, feed: Feed, source: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(org.as_bytes());
    h.write_u8(0xff);
    h.write(feed.as_str().as_bytes());
    h.write_u8(0xff);
    for part in source {
        h.write(part.as_bytes());
    }
    h.write_u8(0xff);
    h.finish()
}

const SHARDS: usize = 8;

/// Every resolved party record's actor, by key hash; actors numbered densely.
pub struct Actors {
    /// Shards by key hash, so they are built in parallel.
    pub by_key: Vec<FxHashMap<u64, u32>>,
    /// Actor id to number.
    pub index: FxHashMap<String, u32>,
}

impl Actors {
    pub fn load(store: &dyn Store) -> Result<Actors> {
        let table = saved::require_actor_table(store)?;
        // Lines are parsed and hashed on every core, in chunks cut at line ends.
        let parsed: Vec<Vec<(u64, &str)>> = table
            .chunks(1 << 20)
            .par_iter()
            .map(|c| {
                c.lines()
                    .map(|l| {
                        let r = ActorTable::row(l)?;
                        Ok((key_hash(r.org, r.feed, &[r.source_id]), r.actor))
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        // Actor ids are numbered in order of first appearance; the common `ACT-` + hex form
        // is interned as a number, anything else as text.
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        let mut by_code: FxHashMap<u64, u32> = FxHashMap::default();
        let mut numbered: Vec<(u64, u32)> = Vec::with_capacity(parsed.iter().map(Vec::len).sum());
        for (h, actor) in parsed.into_iter().flatten() {
            let code = actor
                .strip_prefix("ACT-")
                .filter(|x| x.len() <= 15)
                .and_then(|x| u64::from_str_radix(x, 16).ok());
            // Every actor is in `index`, so its size is the next number.
            let next = index.len() as u32;
            let n = match code {
                Some(c) => match by_code.get(&c) {
                    Some(n) => *n,
                    None => {
                        by_code.insert(c, next);
                        index.insert(actor.to_owned(), next);
                        next
                    }
                },
                None => match index.get(actor) {
                    Some(n) => *n,
                    None => {
                        index.insert(actor.to_owned(), next);
                        next
                    }
                },
            };
            numbered.push((h, n));
        }
        // Each shard holds the keys whose hash ends in its number, built on its own core.
        let by_key = (0..SHARDS)
            .into_par_iter()
            .map(|shard| {
                let mut m = FxHashMap::default();
                m.reserve(numbered.len() / SHARDS + 1024);
                for (h, n) in &numbered {
                    if (*h as usize) % SHARDS == shard {
                        m.insert(*h, *n);
                    }
                }
                m
            })
            .collect();
        Ok(Actors { by_key, index })
    }

    pub fn of(&self, org: &str, feed: Feed, source: &[&str]) -> Option<u32> {
        let h = key_hash(org, feed, source);
        self.by_key[(h as usize) % SHARDS].get(&h).copied()
    }
}

/// A record's marking and sharing group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    pub marking: Marking,
    pub group: Option<String>,
}

/// Tags interned: records share a handful of them.
#[derive(Default)]
pub struct Tags {
    pub rows: Vec<Tag>,
    ids: FxHashMap<Tag, u32>,
}

impl Tags {
    fn intern(&mut self, marking: Marking, group: Option<String>) -> u32 {
        let tag = Tag { marking, group };
        if let Some(&id) = self.ids.get(&tag) {
            return id;
        }
        let id = self.rows.len() as u32;
        self.rows.push(tag.clone());
        self.ids.insert(tag, id);
        id
    }

    /// The access label of a record of `owner` tagged `id`.
    pub fn label<'a>(&'a self, owner: &'a str, id: u32) -> AccessLabel<'a> {
        let t = &self.rows[id as usize];
        AccessLabel {
            owner,
            marking: t.marking,
            group: t.group.as_deref(),
        }
    }
}

fn access_label(p: &Payload) -> AccessLabel<'_> {
    AccessLabel {
        owner: &p.key.org,
        marking: p.marking,
        group: p.sharing_group.as_deref(),
    }
}

/// Everything the scorer reads, loaded from the store.
pub struct World {
    pub keys: Vec<RecordKey>,
    pub observed: Vec<Observed>,
    /// Each record's tag in [`World::tags`].
    pub tag_of: Vec<u32>,
    pub tags: Tags,
    pub catalogue: Catalogue,
    pub labels: Vec<Label>,
    pub watch: Vec<(u32, Option<i32>)>,
    pub actors: Actors,
    /// Seconds each part of loading took.
    pub timings: Vec<(&'static str, f64)>,
    /// The latest day of any record: records without a date are scored as of it.
    pub last_day: i32,
    /// Each seller account's actor and creation date, by organisation and account.
    pub sellers: FxHashMap<(String, String), (Option<u32>, Option<String>)>,
}

impl World {
    pub fn orgs(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.org.as_str()).collect()
    }

    /// A scorer over this world.
    pub fn scorer<'a>(
        &'a self,
        knowledge: &'a Knowledge,
        models: &'a Models,
        rules: &'a RulePack,
    ) -> Scorer<'a> {
        Scorer {
            catalogue: &self.catalogue,
            knowledge,
            models,
            rules,
            fallback_day: self.last_day,
        }
    }

    /// Both models trained from their starting weights on the outcomes dated before
    /// `before` (all when `None`).
    pub fn train(&self, knowledge: &Knowledge, rules: &RulePack, before: Option<i32>) -> Models {
        let prior = Models::prior();
        interdict_score::train(
            &self.scorer(knowledge, &prior, rules),
            &self.observed,
            &self.orgs(),
            &self.labels,
            before,
            &TrainConfig::default(),
        )
    }

    pub fn knowledge(&self) -> Knowledge {
        Knowledge::build(
            &self.observed,
            &self.labels,
            &self.watch,
            interdict_score::HUB_SHARE,
        )
    }
}

fn unreadable(key: &RecordKey, e: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("stored record {key} cannot be read: {e}"))
}

fn decode(key: &RecordKey, payload: &[u8]) -> Result<Record> {
    Record::decode_payload_of(key.feed, payload).map_err(|e| unreadable(key, e))
}

/// Reads every record of `feed` the scope reads and maps each with `f`, giving each its tag.
/// The store is read on this thread while a second one decodes and maps the previous chunk on
/// every core, so reading and decoding overlap.
fn read_feed<T: Send>(
    store: &dyn Store,
    feed: Feed,
    scope: &Scope,
    tags: &mut Tags,
    f: impl Fn(&RecordKey, Record) -> Option<T> + Sync,
) -> Result<Vec<(RecordKey, u32, T)>> {
    read_payloads(store, feed, scope, tags, |k, p| Ok(f(k, decode(k, p)?)))
}

/// Like [`read_feed`], with `f` decoding the stored payload itself.
fn read_payloads<T: Send>(
    store: &dyn Store,
    feed: Feed,
    scope: &Scope,
    tags: &mut Tags,
    f: impl Fn(&RecordKey, &[u8]) -> Result<Option<T>> + Sync,
) -> Result<Vec<(RecordKey, u32, T)>> {
    const CHUNK: usize = 8192;
    type Raw = (RecordKey, u32, Vec<u8>);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Raw>>(2);
    std::thread::scope(|threads| {
        let worker = threads.spawn(|| -> Result<Vec<(RecordKey, u32, T)>> {
            // Chunks are kept apart and joined once at the end: growing one vector of a
            // million records would copy it again and again.
            let mut parts: Vec<Vec<(RecordKey, u32, T)>> = Vec::new();
            for mut chunk in rx {
                let done: Vec<Result<Option<(RecordKey, u32, T)>>> = chunk
                    .par_drain(..)
                    .map(|(k, tag, p)| Ok(f(&k, &p)?.map(|t| (k, tag, t))))
                    .collect();
                let mut part = Vec::with_capacity(done.len());
                for d in done {
                    if let Some(x) = d? {
                        part.push(x);
                    }
                }
                parts.push(part);
            }
            let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
            for p in parts {
                out.extend(p);
            }
            Ok(out)
        });
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut stopped = false;
        let read = store.scan_payloads(feed, &mut |p| {
            if stopped || !scope.reads(feed, access_label(&p)) {
                return Ok(());
            }
            let tag = tags.intern(p.marking, p.sharing_group);
            chunk.push((p.key, tag, p.data));
            if chunk.len() >= CHUNK {
                // The worker only hangs up after an error, which it reports below.
                stopped = tx
                    .send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                    .is_err();
            }
            Ok(())
        });
        if !chunk.is_empty() && !stopped {
            let _ = tx.send(chunk);
        }
        drop(tx);
        let out = worker
            .join()
            .map_err(|_| Error::Corrupt(format!("decoding {feed} records failed")))??;
        read?;
        Ok(out)
    })
}

/// What scoring reads of a stored shipment: everything but the parties' details, which
/// resolution has already turned into actors. Decoding this is several times cheaper than a
/// whole [`interdict_model::Shipment`] with its six parties.
#[derive(Deserialize)]
struct ShipmentLite {
    #[serde(default)]
    shipment_id: String,
    #[serde(default)]
    shipped: Option<String>,
    #[serde(default)]
    arrival: Option<String>,
    #[serde(default)]
    origin_country: Option<String>,
    #[serde(default)]
    export_country: Option<String>,
    #[serde(default)]
    port_of_arrival: Option<String>,
    #[serde(default)]
    marketplace: Option<String>,
    #[serde(default)]
    listing_id: Option<String>,
    #[serde(default)]
    shipper: Option<CountryOnly>,
    #[serde(default)]
    consignee: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    seller: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    purchaser: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    final_recipient: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    importer: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    items: Vec<interdict_model::Item>,
}

#[derive(Deserialize)]
struct CountryOnly {
    #[serde(default)]
    country: Option<String>,
}

impl ShipmentLite {
    fn decode(payload: &[u8]) -> Result<ShipmentLite, String> {
        let bytes = lz4_flex::decompress_size_prepended(payload).map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    /// Which parties are present, in [`PartyRole::ALL`] order.
    fn parties(&self) -> [bool; 6] {
        [
            self.shipper.is_some(),
            self.consignee.is_some(),
            self.seller.is_some(),
            self.purchaser.is_some(),
            self.final_recipient.is_some(),
            self.importer.is_some(),
        ]
    }

    fn into_shipment(self) -> interdict_model::Shipment {
        interdict_model::Shipment {
            shipment_id: self.shipment_id,
            shipped: self.shipped,
            arrival: self.arrival,
            origin_country: self.origin_country,
            export_country: self.export_country,
            port_of_arrival: self.port_of_arrival,
            marketplace: self.marketplace,
            listing_id: self.listing_id,
            shipper: self.shipper.map(|p| interdict_model::Party {
                country: p.country,
                ..Default::default()
            }),
            items: self.items,
            ..Default::default()
        }
    }
}

/// Loads brands, sellers, listings, shipments, outcomes and watch lists, with their actors:
/// every record the scope reads. Outcomes withdrawn by their organisation are left out, and an
/// outcome attaches only to the records (and seller accounts) its organisation sees in full.
pub fn load_world(store: &dyn Store, scope: &Scope) -> Result<World> {
    let mut timings = Vec::new();
    let mut t = Instant::now();
    let mut lap = |name: &'static str| {
        timings.push((name, t.elapsed().as_secs_f64()));
        t = Instant::now();
    };
    let actors = Actors::load(store)?;
    lap("loading actors");
    let withdrawn = saved::withdrawn(store)?;
    let mut tags = Tags::default();

    let brands = read_feed(store, Feed::Brands, scope, &mut tags, |k, r| match r {
        Record::Brands(b) => {
            let auth = (0..b.authorised.len())
                .map(|i| {
                    let id = format!("{}#authorised#{}", b.brand_id, i + 1);
                    actors.of(&k.org, Feed::Brands, &[&id])
                })
                .collect::<Vec<_>>();
            Some((b, auth))
        }
        _ => None,
    })?;
    let brands: Vec<_> = brands.into_iter().map(|(_, _, b)| b).collect();
    let catalogue = Catalogue::new(&brands);
    lap("reading brands");

    // Seller accounts: actor and creation date, by (org, account) and by account alone.
    let sellers = read_feed(store, Feed::Sellers, scope, &mut tags, |k, r| match r {
        Record::Sellers(s) => Some((
            actors.of(&k.org, Feed::Sellers, &[&s.account_id]),
            s.created,
        )),
        _ => None,
    })?;
    let mut seller_of: FxHashMap<(String, String), (Option<u32>, Option<String>)> =
        FxHashMap::default();
    // Each account's actor, and the owner and tag of the record that gave it.
    let mut seller_actor: FxHashMap<String, (u32, String, u32)> = FxHashMap::default();
    for (k, tag, (a, created)) in sellers {
        if let Some(a) = a {
            seller_actor.insert(k.source_id.clone(), (a, k.org.clone(), tag));
        }
        seller_of.insert((k.org, k.source_id), (a, created));
    }

    let mut keys = Vec::new();
    let mut observed = Vec::new();
    let mut tag_of = Vec::new();
    let listings = read_feed(store, Feed::Listings, scope, &mut tags, |k, r| match r {
        Record::Listings(l) => {
            let (a, created) = seller_of
                .get(&(k.org.clone(), l.seller_account_id.clone()))
                .cloned()
                .unwrap_or((None, None));
            Some(observe::listing(&catalogue, &l, a, created.as_deref()))
        }
        _ => None,
    })?;
    for (k, tag, o) in listings {
        keys.push(k);
        tag_of.push(tag);
        observed.push(o);
    }
    lap("reading sellers and listings");
    let shipments = read_payloads(store, Feed::Shipments, scope, &mut tags, |k, p| {
        let lite = ShipmentLite::decode(p).map_err(|e| unreadable(k, e))?;
        let mut a = [None; 6];
        for (role, present) in PartyRole::ALL.into_iter().zip(lite.parties()) {
            if present {
                a[role as usize] =
                    actors.of(&k.org, Feed::Shipments, &[&k.source_id, "#", role.as_str()]);
            }
        }
        Ok(Some(observe::shipment(
            &catalogue,
            &lite.into_shipment(),
            a,
        )))
    })?;
    keys.reserve(shipments.len());
    observed.reserve(shipments.len());
    tag_of.reserve(shipments.len());
    for (k, tag, o) in shipments {
        keys.push(k);
        tag_of.push(tag);
        observed.push(o);
    }
    lap("reading shipments");

    let watch = read_feed(store, Feed::Parties, scope, &mut tags, |k, r| match r {
        Record::Parties(p) => actors
            .of(&k.org, Feed::Parties, &[&p.entry_id])
            .map(|a| (a, p.added.as_deref().and_then(day::of))),
        _ => None,
    })?
    .into_iter()
    .map(|(_, _, w)| w)
    .collect();

    let outcomes: Vec<(RecordKey, interdict_model::Outcome)> =
        read_feed(store, Feed::Outcomes, scope, &mut tags, |k, r| match r {
            Record::Outcomes(o) if !withdrawn.contains(k) => Some(o),
            _ => None,
        })?
        .into_iter()
        .map(|(k, _, o)| (k, o))
        .collect();
    // Only the records some outcome names are indexed.
    let named: rustc_hash::FxHashSet<&str> = outcomes
        .iter()
        .flat_map(|(_, o)| [o.shipment_id.as_deref(), o.listing_id.as_deref()])
        .flatten()
        .collect();
    let mut targets = interdict_score::Targets::default();
    for (i, (k, o)) in keys.iter().zip(&observed).enumerate() {
        if !named.contains(k.source_id.as_str()) {
            continue;
        }
        let map = match o.kind {
            Kind::Shipment => &mut targets.shipments,
            Kind::Listing => &mut targets.listings,
        };
        map.entry(k.source_id.clone()).or_default().push(i);
    }
    targets.sellers = seller_actor
        .iter()
        .map(|(acc, (a, _, _))| (acc.clone(), *a))
        .collect();
    let mut labels = interdict_score::link(&outcomes, &targets);
    // Nobody writes onto records hidden from them: an outcome keeps only the records and the
    // seller account its organisation sees in full.
    for (label, (_, o)) in labels.iter_mut().zip(&outcomes) {
        let org = label.key.org.as_str();
        label.targets.retain(|t| match *t {
            interdict_score::LabelTarget::Record(i) => {
                scope.attaches(org, tags.label(&keys[i].org, tag_of[i]))
            }
            interdict_score::LabelTarget::Actor(_) => o
                .seller_account_id
                .as_ref()
                .and_then(|acc| seller_actor.get(acc))
                .is_some_and(|(_, owner, tag)| scope.attaches(org, tags.label(owner, *tag))),
        });
    }
    lap("reading outcomes and watch lists");
    let last_day = observed.iter().filter_map(|o| o.day).max().unwrap_or(0);
    Ok(World {
        keys,
        observed,
        tag_of,
        tags,
        catalogue,
        labels,
        watch,
        actors,
        timings,
        last_day,
        sellers: seller_of,
    })
}

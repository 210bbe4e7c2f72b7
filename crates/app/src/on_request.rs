//! Scoring on request: a listing, a seller account or a shipment that is not stored (a
//! marketplace vetting a listing as it is submitted, a carrier before loading) scored with the
//! active model and rule pack, with its reasons, in well under a millisecond of work.
//!
//! Everything a score reads stays in memory: the brand catalogue, every actor's history, the
//! models, the rule pack, and a resolver over every resolved party record. The record's
//! parties are matched against the actors without joining them (nothing is kept); a listing's
//! seller account is looked up among the stored ones. A seller account is scored as a listing
//! of it would be before its title and price are known: on the account's age and the history of
//! the actor behind it.

use std::collections::BTreeMap;

use interdict_model::{Feed, Listing, PartyRole, Record, RecordKey};
use interdict_normalize::money::RateTable;
use interdict_resolve::features::Span;
use interdict_resolve::{Features, Resolver};
use interdict_score::{
    Catalogue, Knowledge, LabelTarget, Models, Observed, RulePack, Scorer, observe,
};
use interdict_store::Store;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::{Error, Result, invalid};
use crate::resolution;
use crate::saved;
use crate::scoring::brand_names;
use crate::world::load_world;

/// The derived outputs a scorer on request is built from: when one is replaced, it is built
/// again. Organisations' own packs (`score/rules/<org>`) count too.
pub const BUILT_FROM: [&str; 6] = [
    saved::ACTORS,
    saved::SCORE_MODEL,
    saved::RULES,
    saved::WITHDRAWN,
    saved::RESOLUTION_MODEL,
    saved::SHARED_RISK,
];

/// Whether a scorer on request rests on the derived output `name`.
fn built_from(name: &str) -> bool {
    BUILT_FROM.contains(&name)
        || name
            .strip_prefix(saved::RULES)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// An organisation (or user) that scores on its own: its pack, and its own histories when it
/// sees records that inform nobody else (else it reads the shared ones).
struct OwnClass {
    /// What its scores are kept under (see [`crate::scorers::OwnScoring`]).
    key: String,
    org: String,
    /// For a user's own scores: the user, as the access rules see them.
    user: Option<interdict_access::Viewer>,
    pack: RulePack,
    knowledge: Option<Knowledge>,
}

/// What a record not stored would score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestScore {
    pub score: f64,
    /// Strongest first.
    pub reasons: Vec<String>,
    /// What each reason rests on: a signal's name or `rule:<name>`.
    pub reason_sources: Vec<String>,
    /// The brands the record names.
    pub brands: Vec<String>,
    /// The actors its parties matched, by role.
    pub actors: Vec<MatchedActor>,
    pub model: String,
    pub rules: String,
}

/// A party of the record that matched a known actor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedActor {
    pub role: String,
    pub actor: String,
    pub probability: f64,
}

/// Scores records on request; built from the store, then read-only. What it scores for an
/// organisation rests on what that organisation's scores may rest on (see
/// [`crate::scorers`]).
pub struct OnRequest {
    catalogue: Catalogue,
    /// The shared histories: of the records that inform every organisation's scores.
    knowledge: Knowledge,
    models: Models,
    rules: RulePack,
    own: Vec<OwnClass>,
    shared_risk: saved::SharedRisk,
    last_day: i32,
    resolver: Resolver,
    /// Actor id to the number the histories use.
    actor_numbers: FxHashMap<String, u32>,
    sellers: FxHashMap<(String, String), (Option<u32>, Option<String>)>,
    rates: RateTable,
    /// The stamps of [`BUILT_FROM`] when it was built.
    stamps: BTreeMap<String, i64>,
    /// The stamp of the last part of the actor table taken in.
    actors_seen: i64,
    /// The stamps of the parts it appended itself (taken in as they were made).
    own_parts: rustc_hash::FxHashSet<i64>,
    /// The change stamp up to which outcomes were taken in.
    records_seen: i64,
    /// The organisations holding records, and the sharing groups: which records an outcome
    /// attaches to.
    orgs: Vec<String>,
    groups: crate::sharing::Sharing,
}

/// The feeds whose arrivals [`OnRequest::arrive`] takes in; records of other feeds change the
/// brand catalogue or the watch lists, which a batch run takes in.
pub const LIVE_FEEDS: [Feed; 3] = [Feed::Shipments, Feed::Listings, Feed::Sellers];

/// Why an arrival could not be taken in live.
#[derive(Debug, PartialEq, Eq)]
pub enum NotLive {
    /// What it rests on (the actor table, a model, the rules) was replaced: it must be built
    /// again.
    Replaced,
}

/// The stamps of the derived outputs a scorer on request rests on.
pub fn stamps(store: &dyn Store) -> Result<BTreeMap<String, i64>> {
    Ok(store
        .derived_stamps()?
        .into_iter()
        .filter(|(n, _)| built_from(n))
        .collect())
}

impl OnRequest {
    /// Builds the scorer from what the store holds now. Needs a resolution.
    pub fn load(store: &dyn crate::PlatformStore) -> Result<OnRequest> {
        let stamps = stamps(store)?;
        // Parts appended while it is built are taken in again on the first arrival: a record
        // adopted twice only weighs twice in blocking.
        let actors_seen = saved::last_piece(store, saved::ACTORS)?;
        let records_seen = store.last_change()?;
        let groups = crate::sharing::sharing(store)?;
        let orgs: Vec<String> = store
            .stats()?
            .into_iter()
            .map(|s| s.org)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        // Only what a score reads is kept: the records' observations, labels and actors by
        // record go before the resolver is built.
        let shared = crate::sharing::Scope::shared(store)?;
        let (catalogue, knowledge, last_day, actor_numbers, sellers) = {
            let world = load_world(store, &shared)?;
            let knowledge = world.knowledge();
            (
                world.catalogue,
                knowledge,
                world.last_day,
                world.actors.index,
                world.sellers,
            )
        };
        let models = saved::score_models(store)?.unwrap_or_else(Models::prior);
        let rules = saved::rules(store)?;
        let mut own = Vec::new();
        for o in crate::scorers::own_scorings(store, &shared, &rules)? {
            let knowledge = if o.user.is_some() || shared.hides_from_scores_of(&o.org, None) {
                Some(load_world(store, &o.scope(store)?)?.knowledge())
            } else {
                None
            };
            own.push(OwnClass {
                user: o.user.as_ref().map(|u| interdict_access::Viewer {
                    org: o.org.clone(),
                    user: u.clone(),
                    role: interdict_access::Role::Analyst,
                }),
                key: o.key,
                org: o.org,
                pack: o.pack,
                knowledge,
            });
        }
        let resolver = resolution::live_resolver(store)?;
        Ok(OnRequest {
            catalogue,
            knowledge,
            models,
            rules,
            own,
            shared_risk: shared.shared_risk,
            last_day,
            resolver,
            actor_numbers,
            sellers,
            rates: RateTable::default_table(),
            stamps,
            actors_seen,
            own_parts: Default::default(),
            records_seen,
            orgs,
            groups,
        })
    }

    /// Takes in records that just landed (those of [`LIVE_FEEDS`]; others are passed
    /// over): new party records join the actors against the frozen model, shipments and
    /// listings are scored as `score` would score them, and both are appended to the saved
    /// actor table and scores. Parts other processes appended since it was built are taken in
    /// first. `Err(NotLive)` says nothing was done and a batch arrival is needed.
    pub fn take_in(
        &mut self,
        store: &mut dyn crate::PlatformStore,
        landed: &[interdict_store::StoredRecord],
    ) -> Result<std::result::Result<crate::arrival::Arrival, NotLive>> {
        if self.stamps != stamps(store)? || !self.take_in_parts(store)? {
            return Ok(Err(NotLive::Replaced));
        }
        self.take_in_outcomes(store)?;
        let mut rows: Vec<(RecordKey, String)> = Vec::new();
        let mut scored = Vec::new();
        let at = crate::now();
        let versions = (self.models.version(), self.rules.version_tag());
        for r in landed.iter().filter(|r| LIVE_FEEDS.contains(&r.key.feed)) {
            if !self.orgs.contains(&r.key.org) {
                self.orgs.push(r.key.org.clone());
            }
            let Some(o) = self.observe_record(r, Some(&mut rows)) else {
                continue;
            };
            let shared = self.contributes(r);
            let shared_score = shared.then(|| {
                let s = self.scorer(None).score(&o, &r.key.org);
                crate::scoring::saved_score(
                    &r.key,
                    &o,
                    s,
                    &self.catalogue,
                    (&versions.0, &versions.1),
                    &at,
                )
            });
            // Organisations come before their users, whose own scores are kept where they
            // differ from their organisation's.
            let mut org_scores: FxHashMap<String, crate::saved::SavedScore> = FxHashMap::default();
            for c in 0..self.own.len() {
                if !self.class_sees(c, r) {
                    continue;
                }
                let s = self.scorer(Some(c)).score(&o, &r.key.org);
                let class = &self.own[c];
                let mut mine = crate::scoring::saved_score(
                    &r.key,
                    &o,
                    s,
                    &self.catalogue,
                    (&versions.0, &class.pack.version_tag()),
                    &at,
                );
                mine.scored_for = Some(class.key.clone());
                let shown = match class.user {
                    Some(_) => org_scores.get(&class.org).or(shared_score.as_ref()),
                    None => shared_score.as_ref(),
                };
                if crate::scorers::differs(&mine, shown) {
                    if class.user.is_none() {
                        org_scores.insert(class.org.clone(), mine.clone());
                    }
                    scored.push(mine);
                }
            }
            scored.extend(shared_score);
            if shared {
                self.knowledge.add_observed(&o);
            }
            for c in 0..self.own.len() {
                let reads = shared || self.class_sees(c, r);
                if reads && let Some(k) = self.own[c].knowledge.as_mut() {
                    k.add_observed(&o);
                }
            }
        }
        if !rows.is_empty() {
            let table = saved::ActorTable::new(rows.iter().map(|(k, a)| (k, a.as_str())));
            self.own_parts
                .insert(saved::append_actors(store, &table, &at)?);
        }
        if !scored.is_empty() {
            saved::append_scores(store, &scored, &at)?;
        }
        Ok(Ok(crate::arrival::Arrival {
            resolved: rows.len(),
            // Records scored, shared or only for those who see them.
            scored: scored
                .iter()
                .map(crate::saved::SavedScore::key)
                .collect::<rustc_hash::FxHashSet<_>>()
                .len(),
        }))
    }

    /// What scoring sees of a stored shipment or listing, its parties matched to actors. With
    /// `rows`, a record that is new (its first version) joins its parties to the actors, noting
    /// each party record's actor in `rows`, and a seller account's actor is kept for its
    /// listings; otherwise (a changed record, a record an outcome names) each party finds the
    /// actor a probe finds, which for a party already resolved is its own.
    fn observe_record(
        &mut self,
        r: &interdict_store::StoredRecord,
        mut rows: Option<&mut Vec<(RecordKey, String)>>,
    ) -> Option<Observed> {
        let span = Span::of_date(r.record.date());
        let mut actor_of = |source: &str, party: &interdict_model::Party| -> Option<u32> {
            let f = Features::of(party).seen(span);
            let id = match (r.version, rows.as_deref_mut()) {
                (1, Some(rows)) => {
                    let key = RecordKey::new(r.key.org.clone(), r.key.feed, source);
                    let a = self.resolver.add(key.clone(), f);
                    rows.push((key, a.actor_id.clone()));
                    a.actor_id
                }
                _ => self.resolver.probe(&f)?.actor_id,
            };
            Some(self.number_of(&id))
        };
        match &r.record {
            Record::Shipments(s) => {
                let mut found = [None; 6];
                for (role, p) in s.parties() {
                    let source = format!("{}#{}", r.key.source_id, role.as_str());
                    found[role as usize] = actor_of(&source, p);
                }
                Some(observe::shipment(&self.catalogue, s, found))
            }
            Record::Sellers(s) => {
                let a = actor_of(&s.account_id, &s.party);
                if rows.is_some() {
                    self.sellers.insert(
                        (r.key.org.clone(), s.account_id.clone()),
                        (a, s.created.clone()),
                    );
                }
                None
            }
            Record::Listings(l) => {
                let (seller, created) = self.seller(&r.key.org, &l.seller_account_id);
                Some(observe::listing(
                    &self.catalogue,
                    l,
                    seller,
                    created.as_deref(),
                ))
            }
            _ => None,
        }
    }

    /// Takes in the outcomes recorded since it last looked, so that what they say about the
    /// actors behind the records they name (a seizure, a suspension) weighs in the scores of
    /// what arrives next, as a batch run would weigh it. An outcome attaches only to the
    /// records its organisation sees in full, as in the batch run.
    fn take_in_outcomes(&mut self, store: &dyn crate::PlatformStore) -> Result<()> {
        let mut outcomes = Vec::new();
        let mut seen = self.records_seen;
        store.changes_since(self.records_seen, &mut |seq, r| {
            seen = seen.max(seq);
            if let Record::Outcomes(o) = r.record
                && r.version == 1
            {
                let label = (r.marking, r.sharing_group);
                outcomes.push((r.key, o, label));
            }
            Ok(())
        })?;
        self.records_seen = seen;
        for (key, o, label) in outcomes {
            let mut observed = Vec::new();
            let mut targets = Vec::new();
            let named = [
                (Feed::Shipments, o.shipment_id.as_deref()),
                (Feed::Listings, o.listing_id.as_deref()),
            ];
            for (feed, id) in named {
                let Some(id) = id else { continue };
                for org in self.orgs.clone() {
                    let Some(rec) = store.get(&RecordKey::new(org.as_str(), feed, id))? else {
                        continue;
                    };
                    if !self.attaches(&key.org, &rec) {
                        continue;
                    }
                    if let Some(ob) = self.observe_record(&rec, None) {
                        targets.push(LabelTarget::Record(observed.len()));
                        observed.push(ob);
                    }
                }
            }
            let about_account = o.result == interdict_model::OutcomeResult::AccountSuspended
                || o.listing_id.is_none();
            if about_account && let Some(acc) = o.seller_account_id.as_deref() {
                for org in self.orgs.clone() {
                    let Some(rec) = store.get(&RecordKey::new(org.as_str(), Feed::Sellers, acc))?
                    else {
                        continue;
                    };
                    if let Some((Some(a), _)) = self.sellers.get(&(org.clone(), acc.to_owned()))
                        && self.attaches(&key.org, &rec)
                    {
                        targets.push(LabelTarget::Actor(*a));
                        break;
                    }
                }
            }
            let (marking, group) = label;
            let access = interdict_access::Label {
                owner: &key.org,
                marking,
                group: group.as_deref(),
            };
            let shared = self
                .shared_risk
                .contributes(&key.org, Feed::Outcomes, marking);
            let reads: Vec<bool> = (0..self.own.len())
                .map(|c| shared || self.class_sees_label(c, access))
                .collect();
            let label = interdict_score::Label {
                day: interdict_score::day::of(&o.date),
                result: o.result,
                targets,
                key,
            };
            if shared {
                self.knowledge.add_label(&label, &observed);
            }
            for (c, read) in self.own.iter_mut().zip(reads) {
                if read && let Some(k) = c.knowledge.as_mut() {
                    k.add_label(&label, &observed);
                }
            }
        }
        Ok(())
    }

    /// Whether own class `c` sees a record labelled `label` in full: its scores rest on it,
    /// and it has its own score of it.
    fn class_sees_label(&self, c: usize, label: interdict_access::Label<'_>) -> bool {
        let class = &self.own[c];
        let sight = match &class.user {
            Some(v) => interdict_access::sight(v, label, &self.groups),
            None => interdict_access::org_sight(&class.org, label, &self.groups),
        };
        sight == interdict_access::Sight::Full
    }

    fn class_sees(&self, c: usize, r: &interdict_store::StoredRecord) -> bool {
        self.class_sees_label(
            c,
            interdict_access::Label {
                owner: &r.key.org,
                marking: r.marking,
                group: r.sharing_group.as_deref(),
            },
        )
    }

    /// Whether a stored record informs every organisation's scores.
    fn contributes(&self, r: &interdict_store::StoredRecord) -> bool {
        self.shared_risk
            .contributes(&r.key.org, r.key.feed, r.marking)
    }

    /// Whether an outcome of `org` attaches to a stored record: only when the organisation
    /// sees it in full.
    fn attaches(&self, org: &str, r: &interdict_store::StoredRecord) -> bool {
        let label = interdict_access::Label {
            owner: &r.key.org,
            marking: r.marking,
            group: r.sharing_group.as_deref(),
        };
        interdict_access::org_sight(org, label, &self.groups) == interdict_access::Sight::Full
    }

    /// Takes in the rows other processes appended to the actor table since it last looked;
    /// `false` when the table was replaced instead.
    fn take_in_parts(&mut self, store: &dyn crate::PlatformStore) -> Result<bool> {
        for piece in store.derived_pieces(saved::ACTORS, self.actors_seen)? {
            if piece.base {
                return Ok(false);
            }
            self.actors_seen = piece.stamp;
            if self.own_parts.remove(&piece.stamp) {
                continue;
            }
            let table = saved::ActorTable::decode(&piece.data)?;
            for row in table.rows() {
                let row = row?;
                let key = row.key();
                let Some((party, span)) = resolution::dated_party_of(store, &key)? else {
                    continue;
                };
                self.number_of(row.actor);
                self.resolver
                    .adopt(key, Features::of(&party).seen(span), row.actor);
            }
        }
        Ok(true)
    }

    /// The number histories use for an actor id, given one when new.
    fn number_of(&mut self, id: &str) -> u32 {
        let next = self.actor_numbers.len() as u32;
        *self.actor_numbers.entry(id.to_owned()).or_insert(next)
    }

    /// The shared scorer, or the one of own class `own`.
    fn scorer(&self, own: Option<usize>) -> Scorer<'_> {
        let (knowledge, rules) = match own.map(|c| &self.own[c]) {
            Some(c) => (c.knowledge.as_ref().unwrap_or(&self.knowledge), &c.pack),
            None => (&self.knowledge, &self.rules),
        };
        Scorer {
            catalogue: &self.catalogue,
            knowledge,
            models: &self.models,
            rules,
            fallback_day: self.last_day,
        }
    }

    /// The own class of `org`, if it scores on its own.
    fn class_of(&self, org: &str) -> Option<usize> {
        self.own
            .iter()
            .position(|c| c.user.is_none() && c.org == org)
    }

    /// The stamps of the outputs it was built from, to compare with [`stamps`].
    pub fn built_from(&self) -> &BTreeMap<String, i64> {
        &self.stamps
    }

    /// Scores `json`, a record of `feed` in canonical field names, as `org` would score it.
    /// A record that does not check out is [`Error::Invalid`], naming the field.
    pub fn score(&self, org: &str, feed: Feed, json: &[u8]) -> Result<RequestScore> {
        let record = interdict_ingest::record_from_json(feed, json, &self.rates).map_err(|e| {
            Error::Invalid(match e.field {
                Some(f) => format!("record.{f}: {}", e.reason),
                None => format!("record: {}", e.reason),
            })
        })?;
        let mut actors = Vec::new();
        let observed = match &record {
            Record::Shipments(s) => {
                let mut found = [None; 6];
                for role in PartyRole::ALL {
                    if let Some(p) = s.party(role)
                        && let Some(a) = self.matched(role.as_str(), p, &mut actors)
                    {
                        found[role as usize] = Some(a);
                    }
                }
                observe::shipment(&self.catalogue, s, found)
            }
            Record::Listings(l) => {
                let (seller, created) = self.seller(org, &l.seller_account_id);
                observe::listing(&self.catalogue, l, seller, created.as_deref())
            }
            Record::Sellers(s) => {
                let stored = self.seller(org, &s.account_id);
                let actor = stored
                    .0
                    .or_else(|| self.matched("seller", &s.party, &mut actors));
                let created = s.created.clone().or(stored.1);
                let account = Listing {
                    marketplace: s.marketplace.clone(),
                    listing_id: String::new(),
                    seller_account_id: s.account_id.clone(),
                    title: String::new(),
                    brand: None,
                    category: None,
                    price: None,
                    product_ids: Vec::new(),
                    image_hashes: Vec::new(),
                    ships_from: None,
                    created: None,
                };
                let mut o = observe::listing(&self.catalogue, &account, actor, created.as_deref());
                o.day = None;
                o
            }
            _ => invalid!(
                "feed {feed}: only shipments, listings and seller accounts are scored on request"
            ),
        };
        Ok(self.scored(org, &observed, actors))
    }

    fn scored(&self, org: &str, o: &Observed, actors: Vec<MatchedActor>) -> RequestScore {
        let class = self.class_of(org);
        let s = self.scorer(class).score(o, org);
        RequestScore {
            score: s.score,
            reasons: s.reasons,
            reason_sources: s.reason_sources,
            brands: brand_names(&self.catalogue, o),
            actors,
            model: self.models.version(),
            rules: class
                .map_or(&self.rules, |c| &self.own[c].pack)
                .version_tag(),
        }
    }

    /// The stored seller account `account` of `org`: its actor and creation date.
    fn seller(&self, org: &str, account: &str) -> (Option<u32>, Option<String>) {
        self.sellers
            .get(&(org.to_owned(), account.to_owned()))
            .cloned()
            .unwrap_or((None, None))
    }

    /// The known actor a party matches, noted in `actors`, as the number histories use.
    fn matched(
        &self,
        role: &str,
        party: &interdict_model::Party,
        actors: &mut Vec<MatchedActor>,
    ) -> Option<u32> {
        let a = self.resolver.probe(&Features::of(party))?;
        let n = self.actor_numbers.get(&a.actor_id).copied()?;
        actors.push(MatchedActor {
            role: role.to_owned(),
            actor: a.actor_id,
            probability: a.probability,
        });
        Some(n)
    }
}

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

use interdict_model::{Feed, Listing, PartyRole, Record};
use interdict_normalize::money::RateTable;
use interdict_resolve::{Features, Resolver};
use interdict_score::{Catalogue, Knowledge, Models, Observed, RulePack, Scorer, observe};
use interdict_store::Store;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::{Error, Result, invalid};
use crate::resolution;
use crate::saved;
use crate::scoring::brand_names;
use crate::world::load_world;

/// The derived outputs a scorer on request is built from: when one is replaced, it is built
/// again.
pub const BUILT_FROM: [&str; 5] = [
    saved::ACTORS,
    saved::SCORE_MODEL,
    saved::RULES,
    saved::WITHDRAWN,
    saved::RESOLUTION_MODEL,
];

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

/// Scores records on request; built from the store, then read-only.
pub struct OnRequest {
    catalogue: Catalogue,
    knowledge: Knowledge,
    models: Models,
    rules: RulePack,
    last_day: i32,
    resolver: Resolver,
    /// Actor id to the number the histories use.
    actor_numbers: FxHashMap<String, u32>,
    sellers: FxHashMap<(String, String), (Option<u32>, Option<String>)>,
    rates: RateTable,
    /// The stamps of [`BUILT_FROM`] when it was built.
    stamps: BTreeMap<String, i64>,
}

/// The stamps of the derived outputs a scorer on request rests on.
pub fn stamps(store: &dyn Store) -> Result<BTreeMap<String, i64>> {
    Ok(store
        .derived_stamps()?
        .into_iter()
        .filter(|(n, _)| BUILT_FROM.contains(&n.as_str()))
        .collect())
}

impl OnRequest {
    /// Builds the scorer from what the store holds now. Needs a resolution.
    pub fn load(store: &dyn crate::PlatformStore) -> Result<OnRequest> {
        let stamps = stamps(store)?;
        // Only what a score reads is kept: the records' observations, labels and actors by
        // record go before the resolver is built.
        let (catalogue, knowledge, last_day, actor_numbers, sellers) = {
            let world = load_world(store, &crate::sharing::Scope::everything(store)?)?;
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
        let resolver = resolution::live_resolver(store)?;
        Ok(OnRequest {
            catalogue,
            knowledge,
            models,
            rules,
            last_day,
            resolver,
            actor_numbers,
            sellers,
            rates: RateTable::default_table(),
            stamps,
        })
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
        let scorer = Scorer {
            catalogue: &self.catalogue,
            knowledge: &self.knowledge,
            models: &self.models,
            rules: &self.rules,
            fallback_day: self.last_day,
        };
        let s = scorer.score(o, org);
        RequestScore {
            score: s.score,
            reasons: s.reasons,
            reason_sources: s.reason_sources,
            brands: brand_names(&self.catalogue, o),
            actors,
            model: self.models.version(),
            rules: self.rules.version_tag(),
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

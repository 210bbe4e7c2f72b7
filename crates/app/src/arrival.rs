//! The arrival use-case: what lands in the store is resolved and scored at once, so a parcel
//! uploaded by a carrier is in the inspection queue with its reasons without anyone running a
//! batch. New party records join the saved actors one at a time against the frozen model (the
//! first arrival in a store without a resolution resolves everything and trains); shipments and
//! listings not scored yet are scored with the active model and rule pack. Retraining stays an
//! explicit step (`resolve --retrain`, `train`).

use interdict_model::Feed;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::resolution::{self, Options};
use crate::{Report, saved, scoring};

/// What the arrival of new records did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Arrival {
    /// Party records resolved into actors.
    pub resolved: usize,
    /// Shipments and listings scored.
    pub scored: usize,
}

/// Whether records of `feed` name parties that resolution joins into actors.
fn names_parties(feed: Feed) -> bool {
    resolution::PARTY_FEEDS.contains(&feed)
}

/// Whether records of `feed` are scored.
fn is_scored(feed: Feed) -> bool {
    matches!(feed, Feed::Shipments | Feed::Listings)
}

/// Resolves and scores what records of `feed` brought into the store.
pub fn arrive(
    store: &mut dyn crate::PlatformStore,
    feed: Feed,
    report: &dyn Report,
) -> Result<Arrival> {
    arrive_feeds(store, &[feed], report)
}

/// Resolves and scores what records of `feeds` brought into the store: one resolution for all
/// the party records, one scoring for all the shipments and listings.
pub fn arrive_feeds(
    store: &mut dyn crate::PlatformStore,
    feeds: &[Feed],
    report: &dyn Report,
) -> Result<Arrival> {
    let mut arrival = Arrival::default();
    if feeds.iter().any(|&f| names_parties(f) || is_scored(f)) {
        let opts = Options {
            config: interdict_resolve::Config::default(),
            incremental: is_resolved(store)?,
            retrain: !is_resolved(store)?,
            truth: None,
        };
        match resolution::resolve_store(store, &opts, report) {
            Ok(out) => arrival.resolved = out.incremental_added.unwrap_or(out.keys.len()),
            // Nothing names a party yet (brands without authorised sellers, say).
            Err(Error::Missing(_)) => return Ok(arrival),
            Err(e) => return Err(e),
        }
    }
    if feeds.iter().any(|&f| is_scored(f)) {
        let s = scoring::score_store(store, false, report)?;
        arrival.scored = s.shipments + s.listings;
    }
    Ok(arrival)
}

/// Makes again the scores whose making changed (a pack switched on, a feed's sharing
/// changed), once the store was scored: the shared scores and every organisation's own.
pub fn rescore(store: &mut dyn crate::PlatformStore) -> Result<()> {
    if is_resolved(store)? && !saved::scores(store)?.is_empty() {
        scoring::score_store(store, false, &crate::Quiet)?;
    }
    Ok(())
}

/// Whether the store was resolved before: a live store, where what lands is taken in at once.
/// A store never resolved is being loaded in bulk, to be resolved and scored as a whole.
pub fn is_resolved(store: &dyn crate::PlatformStore) -> Result<bool> {
    Ok(saved::resolution_model(store)?.is_some() && saved::resolution_state(store)?.is_some())
}

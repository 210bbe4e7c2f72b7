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
    let mut arrival = Arrival::default();
    if names_parties(feed) || is_scored(feed) {
        let resolved_before =
            saved::resolution_model(store)?.is_some() && saved::resolution_state(store)?.is_some();
        let opts = Options {
            config: interdict_resolve::Config::default(),
            incremental: resolved_before,
            retrain: !resolved_before,
        };
        match resolution::resolve_store(store, &opts, report) {
            Ok(out) => arrival.resolved = out.incremental_added.unwrap_or(out.keys.len()),
            // Nothing names a party yet (brands without authorised sellers, say).
            Err(Error::Missing(_)) => return Ok(arrival),
            Err(e) => return Err(e),
        }
    }
    if is_scored(feed) {
        let s = scoring::score_store(store, false, report)?;
        arrival.scored = s.shipments + s.listings;
    }
    Ok(arrival)
}

//! The signals of one shipment or listing as of its day: its own (see [`crate::observe`])
//! plus the history of every linked actor, the risk flowing to it along the actor graph, the
//! lane's seizure rate and the seller account's age and velocity. Each signal is a number the
//! model weighs, a sentence a person can check, and a fact analysts' rules can read.

use interdict_model::PartyRole;

use crate::history::{EventKind, Knowledge};
use crate::observe::{Catalogue, Kind, Observed};
use crate::rules::{Fact, Facts};

/// The model's inputs, in order.
pub const NAMES: [&str; 18] = [
    "brand_mark",
    "brand_lookalike",
    "below_floor",
    "hs_mismatch",
    "generic_description",
    "origin_not_genuine",
    "lane_not_genuine",
    "unauthorised_seller",
    "sender_seizures",
    "receiver_seizures",
    "marketplace_actions",
    "watchlisted",
    "graph_risk",
    "lane_risk",
    "low_value",
    "new_account",
    "listing_velocity",
    "commercial_quantity",
];

pub const N: usize = NAMES.len();

/// Roles whose actors send the goods, and those that receive them.
const SENDERS: [PartyRole; 2] = [PartyRole::Shipper, PartyRole::Seller];
const RECEIVERS: [PartyRole; 3] = [
    PartyRole::Consignee,
    PartyRole::Purchaser,
    PartyRole::FinalRecipient,
];

/// A value this low per unit is cheap whatever it is (USD).
const CHEAP_UNIT_USD: f64 = 20.0;

/// The signals of one record: the model's inputs and a sentence for each that is on.
#[derive(Debug, Clone)]
pub struct Signals {
    pub x: [f64; N],
    pub reasons: [Option<String>; N],
    pub facts: Facts,
}

fn role_name(r: PartyRole) -> &'static str {
    match r {
        PartyRole::FinalRecipient => "final recipient",
        PartyRole::Importer => "importer",
        other => other.as_str(),
    }
}

/// ", the last 12 days before" for a dated event; nothing for an undated one.
fn last(age: Option<i32>) -> String {
    match age {
        Some(1) => ", the last one the day before".to_owned(),
        Some(a) if a < 3650 => format!(", the last {a} days before"),
        _ => String::new(),
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The strongest history among the actors in `roles`: (role, tally).
fn strongest(
    o: &Observed,
    k: &Knowledge,
    day: i32,
    roles: &[PartyRole],
    kind: EventKind,
    senders: Option<bool>,
) -> Option<(PartyRole, crate::history::Tally)> {
    let mut best: Option<(PartyRole, crate::history::Tally)> = None;
    let mut done: Vec<u32> = Vec::new();
    for r in roles {
        let Some(a) = o.actors[*r as usize] else {
            continue;
        };
        if done.contains(&a) {
            continue;
        }
        done.push(a);
        let t = k.tally(a, day, kind, senders);
        if t.count > 0 && best.as_ref().is_none_or(|(_, b)| t.weight > b.weight) {
            best = Some((*r, t));
        }
    }
    best
}

/// The signals of `o` as of its day (a record without a date is scored as of `fallback_day`).
pub fn signals(
    o: &Observed,
    org: &str,
    cat: &Catalogue,
    k: &Knowledge,
    fallback_day: i32,
) -> Signals {
    let day = o.day.unwrap_or(fallback_day);
    let mut x = [0.0; N];
    let mut reasons: [Option<String>; N] = Default::default();
    let brand_name = |b: usize| cat.brands[b].name.as_str();
    let names: Vec<&str> = o.brands.iter().map(|(b, _, _)| brand_name(*b)).collect();

    // Brands named, exactly or by a look-alike spelling.
    if let Some((b, _, found)) = o
        .brands
        .iter()
        .find(|(_, h, _)| *h == crate::brands::HitKind::Lookalike)
    {
        x[1] = 1.0;
        reasons[1] = Some(format!(
            "look-alike spelling \"{found}\" of the brand {}",
            brand_name(*b)
        ));
    } else if let Some((b, _, found)) = o.brands.first() {
        x[0] = 1.0;
        reasons[0] = Some(format!("names the brand {} (\"{found}\")", brand_name(*b)));
    }

    // Value against the brand's floor.
    let mut below = false;
    if let Some(f) = &o.floor
        && f.ratio() < 1.0
    {
        below = true;
        x[2] = (1.0 / f.ratio().max(1e-3)).ln().min(5.0);
        let what = if o.kind == Kind::Shipment {
            "declared"
        } else {
            "asks"
        };
        let cat_text = f
            .category
            .map(|c| format!(" for {}", c.as_str()))
            .unwrap_or_default();
        reasons[2] = Some(format!(
            "{what} {:.2} USD per unit, {} floor{cat_text} {} ({:.2} USD)",
            f.unit_usd,
            brand_name(f.brand),
            f.floor_text,
            f.floor_usd
        ));
    }

    if let Some((desc, code)) = &o.hs_mismatch {
        x[3] = 1.0;
        reasons[3] = Some(format!("HS code {code} does not fit the goods \"{desc}\""));
    }
    if let Some(desc) = &o.vague {
        x[4] = 1.0;
        reasons[4] = Some(format!("vague goods description \"{desc}\""));
    }
    if o.origin_not_genuine
        && let Some((b, _, _)) = o.brands.first()
    {
        let info = &cat.brands[*b];
        let origin = if o.origin_country.is_empty() {
            &o.export_country
        } else {
            &o.origin_country
        };
        x[5] = 1.0;
        reasons[5] = Some(format!(
            "origin {origin} is not where {} is made ({})",
            info.name,
            info.origins.join(", ")
        ));
    }
    if o.lane_not_genuine
        && let Some((b, _, _)) = o.brands.first()
    {
        x[6] = 1.0;
        reasons[6] = Some(format!(
            "lane {} is not a genuine lane of {}",
            o.lane(),
            brand_name(*b)
        ));
    }
    if o.unauthorised_seller
        && let Some((b, _, _)) = o.brands.first()
    {
        x[7] = 1.0;
        reasons[7] = Some(format!(
            "the seller is not an authorised seller of {}",
            brand_name(*b)
        ));
    }

    // History of every linked actor.
    let sent = strongest(o, k, day, &SENDERS, EventKind::Seizure, Some(true))
        .or_else(|| strongest(o, k, day, &SENDERS, EventKind::Seizure, None));
    let mut seizures = 0u32;
    if let Some((role, t)) = sent {
        seizures += t.count;
        x[8] = (1.0 + t.weight).ln();
        reasons[8] = Some(format!(
            "{} linked to {}{}",
            role_name(role),
            plural(t.count, "seizure", "seizures"),
            last(t.last_age)
        ));
    }
    if let Some((role, t)) = strongest(o, k, day, &RECEIVERS, EventKind::Seizure, None) {
        seizures += t.count;
        x[9] = (1.0 + t.weight).ln();
        reasons[9] = Some(format!(
            "{} linked to {}{}",
            role_name(role),
            plural(t.count, "seizure", "seizures"),
            last(t.last_age)
        ));
    }
    let all_roles = PartyRole::ALL;
    let susp = strongest(o, k, day, &all_roles, EventKind::Suspension, None);
    let fakes = strongest(o, k, day, &all_roles, EventKind::FakeListing, None);
    let (n_susp, n_fake) = (
        susp.map_or(0, |(_, t)| t.count),
        fakes.map_or(0, |(_, t)| t.count),
    );
    if n_susp + n_fake > 0 {
        let w = susp.map_or(0.0, |(_, t)| t.weight) + fakes.map_or(0.0, |(_, t)| t.weight);
        x[10] = (1.0 + w).ln();
        let role = susp.or(fakes).map(|(r, _)| r).unwrap_or(PartyRole::Seller);
        let mut parts = Vec::new();
        if n_susp > 0 {
            parts.push(plural(n_susp, "account suspension", "account suspensions"));
        }
        if n_fake > 0 {
            parts.push(plural(
                n_fake,
                "fake listing or test buy",
                "fake listings or test buys",
            ));
        }
        reasons[10] = Some(format!(
            "{} linked to {}",
            role_name(role),
            parts.join(" and ")
        ));
    }
    let watched = strongest(o, k, day, &all_roles, EventKind::Watchlist, None);
    if let Some((role, _)) = watched {
        x[11] = 1.0;
        reasons[11] = Some(format!("{} is on a partner's watch list", role_name(role)));
    }

    // Risk flowing along the actor graph: counterparties whose shipments were seized.
    let mut best_graph: Option<(PartyRole, u32)> = None;
    let mut asked: Vec<u32> = Vec::with_capacity(5);
    for r in SENDERS.iter().chain(RECEIVERS.iter()) {
        if let Some(a) = o.actors[*r as usize] {
            // One actor in several roles (seller and shipper) is asked once.
            if asked.contains(&a) {
                continue;
            }
            asked.push(a);
            let n = k.seized_contacts(a, day);
            if n > 0 && best_graph.is_none_or(|(_, m)| n > m) {
                best_graph = Some((*r, n));
            }
        }
    }
    if let Some((role, n)) = best_graph {
        x[12] = 1.0 - (-0.7 * n as f64).exp();
        let verb = if SENDERS.contains(&role) {
            "sent to"
        } else {
            "received from"
        };
        reasons[12] = Some(format!(
            "{} {verb} {} with seized shipments",
            role_name(role),
            plural(n, "party", "parties")
        ));
    }

    // The export country's seizure rate among earlier inspections, against all countries'.
    if o.kind == Kind::Shipment && !o.export_country.is_empty() {
        let ((n, s), (all_n, all_s)) = k.lane_rate(&o.export_country, day);
        if all_n >= 20 && all_s > 0 {
            let base = all_s as f64 / all_n as f64;
            const PRIOR: f64 = 20.0;
            let rate = (s as f64 + PRIOR * base) / (n as f64 + PRIOR);
            x[13] = (rate / base).ln().clamp(-2.0, 3.0);
            if x[13] > 0.0 {
                reasons[13] = Some(format!(
                    "{} of {} earlier inspections of goods from {} found counterfeits ({:.0}% overall)",
                    s,
                    n,
                    o.export_country,
                    100.0 * base
                ));
            }
        }
    }

    if let Some(u) = o.unit_usd
        && u > 0.0
        && u < CHEAP_UNIT_USD
    {
        x[14] = (CHEAP_UNIT_USD / u).ln().min(4.0);
        reasons[14] = Some(format!("low declared value {u:.2} USD per unit"));
    }

    // Seller account age and velocity (listings).
    let mut age_days: i64 = -1;
    let mut velocity = 0u32;
    if o.kind == Kind::Listing {
        if let Some(created) = o.account_created {
            age_days = i64::from(day - created);
            if (0..30).contains(&age_days) {
                x[15] = 1.0 - age_days as f64 / 30.0;
                reasons[15] = Some(format!("seller account {age_days} days old"));
            }
        }
        if let Some(a) = o.actors[PartyRole::Seller as usize] {
            velocity = k.listings_last_week(a, day);
            if velocity > 5 {
                x[16] = (velocity as f64 / 5.0).ln();
                reasons[16] = Some(format!(
                    "seller created {velocity} listings in the 7 days before"
                ));
            }
        }
    }

    // Branded goods in trade quantities from a seller the brand never authorised.
    if o.kind == Kind::Shipment
        && o.unauthorised_seller
        && o.quantity >= 5
        && let Some((b, _, _)) = o.brands.first()
    {
        x[17] = (o.quantity as f64 / 4.0).ln().min(3.0);
        reasons[17] = Some(format!(
            "{} units of {} goods from a seller the brand has not authorised",
            o.quantity,
            brand_name(*b)
        ));
    }

    let mut facts = Facts::with_capacity(28);
    facts.put("kind", Fact::Str(o.kind.as_str().into()));
    facts.put("org", Fact::Str(org.into()));
    facts.put(
        "brands",
        Fact::List(names.iter().map(|s| s.to_string()).collect()),
    );
    facts.put("brand_mark", Fact::Bool(!o.brands.is_empty()));
    facts.put("brand_lookalike", Fact::Bool(x[1] > 0.0));
    facts.put("below_floor", Fact::Bool(below));
    facts.put(
        "floor_ratio",
        Fact::Float(o.floor.as_ref().map_or(1.0, |f| f.ratio())),
    );
    facts.put("unit_value_usd", Fact::Float(o.unit_usd.unwrap_or(0.0)));
    facts.put("total_value_usd", Fact::Float(o.total_usd.unwrap_or(0.0)));
    facts.put("hs_mismatch", Fact::Bool(x[3] > 0.0));
    facts.put("generic_description", Fact::Bool(x[4] > 0.0));
    facts.put("origin_country", Fact::Str(o.origin_country.clone()));
    facts.put("export_country", Fact::Str(o.export_country.clone()));
    facts.put("lane", Fact::Str(o.lane()));
    facts.put("origin_not_genuine", Fact::Bool(o.origin_not_genuine));
    facts.put("lane_not_genuine", Fact::Bool(o.lane_not_genuine));
    facts.put("unauthorised_seller", Fact::Bool(o.unauthorised_seller));
    facts.put("actor_seizures", Fact::Int(i64::from(seizures)));
    facts.put("actor_suspensions", Fact::Int(i64::from(n_susp)));
    facts.put("actor_fake_test_buys", Fact::Int(i64::from(n_fake)));
    facts.put("watchlisted", Fact::Bool(watched.is_some()));
    facts.put("graph_risk", Fact::Float(x[12]));
    facts.put("account_age_days", Fact::Int(age_days));
    facts.put("listings_last_7d", Fact::Int(i64::from(velocity)));
    facts.put("quantity", Fact::Int(o.quantity));
    facts.put("port", Fact::Str(o.port.clone()));
    facts.put("marketplace", Fact::Str(o.marketplace.clone()));
    Signals { x, reasons, facts }
}

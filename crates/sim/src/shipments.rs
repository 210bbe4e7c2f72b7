//! Shipments: planned one by one from the standing world, each with its own random stream (so
//! chunks can be generated in parallel and still give the same bytes), then written the way the
//! carrier and customs each see them.

use std::fmt::Write as _;

use rand::Rng;
use rand::seq::IndexedRandom;

use crate::actors::{self, Actor, PartyView, RenderOpts};
use crate::data::{self, CATEGORIES, COUNTRIES, GENERIC_DESCRIPTIONS, MISFIT_HS};
use crate::out::{CorruptCols, Corruption, Row};
use crate::world::{BAZAAR, World};

/// Tell flags: what in a shipment's own text gives a counterfeit away.
pub const TELL_MARK: u8 = 1;
pub const TELL_LOOKALIKE: u8 = 2;
pub const TELL_GENERIC: u8 = 4;
pub const TELL_HS: u8 = 8;
pub const TELL_LOW_VALUE: u8 = 16;

pub fn tell_names(t: u8, out: &mut String) {
    for (bit, name) in [
        (TELL_MARK, "mark"),
        (TELL_LOOKALIKE, "lookalike"),
        (TELL_GENERIC, "generic_description"),
        (TELL_HS, "hs_mismatch"),
        (TELL_LOW_VALUE, "low_value"),
    ] {
        if t & bit != 0 {
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(name);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PartyRef {
    Pool(usize),
    Consumer(u32),
}

pub struct ItemPlan {
    pub category: usize,
    pub description: String,
    pub hs: &'static str,
    pub qty: u32,
    /// Declared unit value, GBP pence.
    pub unit: u32,
    /// Retail value of one genuine unit, GBP pence.
    pub retail_unit: u32,
    pub origin: &'static str,
    pub grams: u32,
}

pub const ROLES: [&str; 6] = [
    "shipper",
    "consignee",
    "seller",
    "purchaser",
    "final_recipient",
    "importer",
];
const SHIPPER: usize = 0;
const CONSIGNEE: usize = 1;
const SELLER: usize = 2;
const PURCHASER: usize = 3;
const FINAL: usize = 4;
const IMPORTER: usize = 5;

pub struct Plan {
    pub counterfeit: bool,
    pub network: Option<usize>,
    /// Minutes from the start of the period.
    pub shipped: i64,
    pub arrival: i64,
    pub export: usize,
    pub listing: Option<u32>,
    pub account: Option<u32>,
    pub roles: [PartyRef; 6],
    pub via_consolidator: bool,
    pub at_collection_point: bool,
    pub items: Vec<ItemPlan>,
    pub tells: u8,
    pub rule_hit: bool,
    pub express: bool,
}

impl Plan {
    pub fn declared_total(&self) -> u64 {
        self.items
            .iter()
            .map(|i| i.unit as u64 * i.qty as u64)
            .sum()
    }
    pub fn retail_total(&self) -> u64 {
        self.items
            .iter()
            .map(|i| i.retail_unit as u64 * i.qty as u64)
            .sum()
    }
    pub fn quantity(&self) -> u64 {
        self.items.iter().map(|i| i.qty as u64).sum()
    }
}

fn value_pence(rng: &mut impl Rng, lo: f64, hi: f64) -> u32 {
    let v = if hi > lo {
        rng.random_range(lo..hi)
    } else {
        lo
    };
    ((v * 100.0).round() as u32).max(1)
}

fn honest_item(
    world: &World,
    rng: &mut impl Rng,
    category: usize,
    origin: &'static str,
) -> ItemPlan {
    let cat = &CATEGORIES[category];
    let unit = value_pence(
        rng,
        cat.plausible_min_gbp as f64 * 1.2,
        cat.generic_max_gbp as f64,
    );
    let hs = if rng.random_bool(0.04) {
        // Honest traders misclassify too.
        MISFIT_HS.choose(rng).unwrap()
    } else {
        cat.hs.choose(rng).unwrap()
    };
    let _ = world;
    ItemPlan {
        category,
        description: (*cat.descriptions.choose(rng).unwrap()).to_string(),
        hs,
        qty: 1,
        unit,
        retail_unit: unit,
        origin,
        grams: cat.unit_grams,
    }
}

/// Plans shipment `index`. Consumes `rng` in a fixed order.
pub fn plan(world: &World, index: usize, rng: &mut impl Rng) -> Plan {
    let cfg = &world.cfg;
    let period_min = world.days as i64 * 1440;
    let base = (index as i64 * period_min) / cfg.shipments as i64;
    let shipped = (base + rng.random_range(0..360)).min(period_min - 1);
    let day = (shipped / 1440) as i32;
    let consumer_pool = cfg.consumers() as u32;
    let consumer = rng.random_range(0..consumer_pool);
    let mut roles = [PartyRef::Consumer(consumer); 6];
    let mut items = Vec::new();
    let mut tells = 0u8;
    let mut listing = None;
    let mut account = None;
    let mut network = None;
    let mut via_consolidator = false;
    let export;
    let counterfeit = rng.random_bool(cfg.counterfeit_share);
    let n_lines = if rng.random_bool(cfg.multi_item_share) {
        rng.random_range(2..=4)
    } else {
        1
    };

    if counterfeit {
        let ni = world.pick_network(rng);
        network = Some(ni);
        let net = &world.networks[ni];
        let seller_actor;
        if rng.random_bool(cfg.marketplace_order_share)
            && let Some(acc) = world.network_account(rng, ni, day)
        {
            account = Some(acc);
            let a = &world.accounts[acc as usize];
            seller_actor = a.actor;
            listing = a.listings.choose(rng).copied();
        } else {
            seller_actor = *net.members.choose(rng).unwrap();
        }
        let shippers: Vec<usize> = net.shippers().collect();
        let shipper = if rng.random_bool(0.5) {
            seller_actor
        } else {
            *shippers.choose(rng).unwrap()
        };
        roles[SELLER] = PartyRef::Pool(seller_actor);
        roles[SHIPPER] = PartyRef::Pool(shipper);
        via_consolidator = net.country == data::CN && rng.random_bool(cfg.consolidator_share);
        export = world.actors[shipper].country;
        if rng.random_bool(cfg.drop_share) {
            let d = *net.drops.choose(rng).unwrap();
            roles[CONSIGNEE] = PartyRef::Pool(d);
        }
        let origin = match net.country {
            data::TR => "TR",
            data::VN => "VN",
            data::IN => "IN",
            _ => "CN",
        };
        let bulk = roles[CONSIGNEE] != PartyRef::Consumer(consumer);
        let no_tell = rng.random_bool(cfg.no_tell_share);
        let mut want = 0u8;
        if !no_tell {
            while want == 0 {
                if rng.random_bool(cfg.tell_brand_share) {
                    want |= if rng.random_bool(cfg.lookalike_spelling_share) {
                        TELL_LOOKALIKE
                    } else {
                        TELL_MARK
                    };
                }
                if rng.random_bool(cfg.tell_generic_share) {
                    want |= TELL_GENERIC;
                }
                if rng.random_bool(cfg.tell_hs_share) {
                    want |= TELL_HS;
                }
                if rng.random_bool(cfg.tell_low_value_share) {
                    want |= TELL_LOW_VALUE;
                }
            }
        }
        let listing_brand = listing.and_then(|l| world.listings[l as usize].brand);
        for line in 0..n_lines {
            let b = match (line, listing_brand) {
                (0, Some(b)) => b,
                _ => *net.brands.choose(rng).unwrap(),
            };
            let br = &world.brands[b];
            let category = match (line, listing) {
                (0, Some(l)) => world.listings[l as usize].category,
                _ => *br.t.categories.choose(rng).unwrap(),
            };
            let cat = &CATEGORIES[category];
            let pos = br.cat_pos(category);
            let honest = *cat.descriptions.choose(rng).unwrap();
            let mut description = String::with_capacity(32);
            if want & TELL_MARK != 0 {
                let _ = write!(description, "{} ", br.t.name);
            } else if want & TELL_LOOKALIKE != 0 {
                let _ = write!(description, "{} ", br.lookalikes.choose(rng).unwrap());
            }
            if want & TELL_GENERIC != 0 {
                description.push_str(GENERIC_DESCRIPTIONS.choose(rng).unwrap());
            } else {
                description.push_str(honest);
            }
            let hs = if want & TELL_HS != 0 {
                MISFIT_HS.choose(rng).unwrap()
            } else {
                cat.hs.choose(rng).unwrap()
            };
            let unit = if want & TELL_LOW_VALUE != 0 {
                value_pence(rng, 0.3, cat.plausible_min_gbp as f64 * 0.8)
            } else {
                value_pence(
                    rng,
                    cat.plausible_min_gbp as f64 * 1.2,
                    cat.generic_max_gbp as f64,
                )
            };
            let qty = if bulk {
                rng.random_range(5..=40)
            } else {
                rng.random_range(1..=3)
            };
            items.push(ItemPlan {
                category,
                description,
                hs,
                qty,
                unit,
                retail_unit: br.retail[pos] * 100,
                origin,
                grams: cat.unit_grams,
            });
        }
        tells = want;
    } else {
        let r = rng.random::<f64>();
        let gift = r < cfg.legit_gift_share;
        let b2b = !gift && r < cfg.legit_gift_share + 0.03;
        if gift {
            let s = *world.senders.choose(rng).unwrap();
            roles[SHIPPER] = PartyRef::Pool(s);
            roles[SELLER] = PartyRef::Pool(s);
            roles[PURCHASER] = PartyRef::Pool(s);
            export = world.actors[s].country;
            for _ in 0..n_lines.min(2) {
                let category = rng.random_range(0..CATEGORIES.len());
                let cat = &CATEGORIES[category];
                let unit = value_pence(rng, 1.0, 25.0);
                let description = if rng.random_bool(0.7) {
                    (*["gift", "present", "birthday gift", "personal gift"]
                        .choose(rng)
                        .unwrap())
                    .to_string()
                } else {
                    (*cat.descriptions.choose(rng).unwrap()).to_string()
                };
                items.push(ItemPlan {
                    category,
                    description,
                    hs: cat.hs.choose(rng).unwrap(),
                    qty: 1,
                    unit,
                    retail_unit: unit,
                    origin: COUNTRIES[export].code,
                    grams: cat.unit_grams,
                });
            }
        } else if b2b {
            // Genuine stock from a brand's distributor to an authorised seller or retailer.
            let b = rng.random_range(0..world.brands.len());
            let br = &world.brands[b];
            let dist = br.authorised[0];
            let receiver = if br.authorised.len() > 1 && rng.random_bool(0.7) {
                br.authorised[rng.random_range(1..br.authorised.len())]
            } else {
                *world.b2b.choose(rng).unwrap()
            };
            roles = [PartyRef::Pool(receiver); 6];
            roles[SHIPPER] = PartyRef::Pool(dist);
            roles[SELLER] = PartyRef::Pool(dist);
            export = world.actors[dist].country;
            let origin = br.t.origins.choose(rng).unwrap();
            for _ in 0..n_lines {
                let category = *br.t.categories.choose(rng).unwrap();
                let cat = &CATEGORIES[category];
                let pos = br.cat_pos(category);
                let mark = if rng.random_bool(0.5) {
                    br.t.name.to_uppercase()
                } else {
                    br.t.extra_mark.to_string()
                };
                let unit = value_pence(
                    rng,
                    br.floors[pos] as f64 * 0.4,
                    br.floors[pos] as f64 * 0.65,
                );
                items.push(ItemPlan {
                    category,
                    description: format!("{mark} {}", cat.descriptions.choose(rng).unwrap()),
                    hs: cat.hs.choose(rng).unwrap(),
                    qty: rng.random_range(12..=120),
                    unit,
                    retail_unit: br.retail[pos] * 100,
                    origin,
                    grams: cat.unit_grams,
                });
            }
            tells |= TELL_MARK;
        } else {
            via_consolidator = rng.random_bool(cfg.consolidator_share);
            let li = if via_consolidator {
                world
                    .pick_legit_cn(rng)
                    .unwrap_or_else(|| world.pick_legit(rng))
            } else {
                world.pick_legit(rng)
            };
            let seller = &world.legit[li];
            let seller_actor = seller.actor;
            roles[SHIPPER] = PartyRef::Pool(seller_actor);
            roles[SELLER] = PartyRef::Pool(seller_actor);
            export = world.actors[seller_actor].country;
            via_consolidator &= export == data::CN;
            let origin = if export == data::HK || rng.random_bool(0.3) {
                "CN"
            } else {
                COUNTRIES[export].code
            };
            if rng.random_bool(cfg.marketplace_order_share)
                && let Some(&acc) = seller.accounts.choose(rng)
                && !world.accounts[acc as usize].listings.is_empty()
            {
                account = Some(acc);
                let l = *world.accounts[acc as usize].listings.choose(rng).unwrap();
                listing = Some(l);
            }
            for line in 0..n_lines {
                let lst = if line == 0 {
                    listing.map(|l| &world.listings[l as usize])
                } else {
                    None
                };
                let category = lst
                    .map(|l| l.category)
                    .unwrap_or_else(|| *seller.categories.choose(rng).unwrap());
                let mut item = honest_item(world, rng, category, origin);
                if let Some(l) = lst {
                    item.unit = ((l.price as f64) * rng.random_range(0.85..1.0)) as u32;
                    item.retail_unit = l.price;
                    if let Some(b) = l.brand
                        && rng.random_bool(0.5)
                    {
                        item.description =
                            format!("{} {}", world.brands[b].t.name, item.description);
                        tells |= TELL_MARK;
                    }
                    if l.exception {
                        item.description.clone_from(&l.title);
                    }
                }
                let roll = rng.random::<f64>();
                if roll < cfg.legit_generic_share {
                    item.description = (*GENERIC_DESCRIPTIONS.choose(rng).unwrap()).to_string();
                } else if roll < cfg.legit_generic_share + cfg.legit_lookalike_share {
                    let t = world.brands[rng.random_range(0..world.brands.len())].t;
                    item.description = format!("{} {}", t.lookalike_exception, t.exception_goods);
                }
                item.qty = rng.random_range(1..=2);
                items.push(item);
            }
        }
        // Tells of honest parcels, by the same definition as counterfeit ones.
        for it in &items {
            let cat = &CATEGORIES[it.category];
            if GENERIC_DESCRIPTIONS.contains(&it.description.as_str())
                || it.description.contains("gift")
                || it.description == "present"
            {
                tells |= TELL_GENERIC;
            }
            if !cat.hs.contains(&it.hs) {
                tells |= TELL_HS;
            }
            if it.unit < cat.plausible_min_gbp * 100 {
                tells |= TELL_LOW_VALUE;
            }
        }
    }

    // Buyers and recipients.
    if roles[PURCHASER] == PartyRef::Consumer(consumer) && rng.random_bool(0.05) {
        // A present: the buyer is not the recipient.
        let other = rng.random_range(0..consumer_pool);
        if roles[CONSIGNEE] == PartyRef::Consumer(consumer) {
            roles[CONSIGNEE] = PartyRef::Consumer(other);
        }
        roles[FINAL] = PartyRef::Consumer(other);
    } else if matches!(roles[CONSIGNEE], PartyRef::Pool(_)) && counterfeit {
        roles[FINAL] = PartyRef::Consumer(consumer);
    } else {
        roles[FINAL] = roles[CONSIGNEE];
    }
    let at_collection_point = matches!(roles[CONSIGNEE], PartyRef::Consumer(_))
        && rng.random_bool(cfg.collection_point_share);
    roles[IMPORTER] = if rng.random_bool(cfg.broker_importer_share) {
        PartyRef::Pool(world.broker)
    } else {
        roles[CONSIGNEE]
    };
    let express = !matches!(export, data::DE | data::IT | data::FR) || rng.random_bool(0.3);
    let transit = if express {
        rng.random_range(1440..4 * 1440)
    } else {
        rng.random_range(1440..3 * 1440)
    };
    let declared: u64 = items.iter().map(|i| i.unit as u64 * i.qty as u64).sum();
    // Customs' naive rule: a risky origin with a generic description, a mark, or a low value.
    let risky_origin = matches!(export, data::CN | data::HK | data::TR);
    let rule_hit = risky_origin
        && (tells & (TELL_GENERIC | TELL_MARK | TELL_LOOKALIKE) != 0
            || tells & TELL_LOW_VALUE != 0 && declared < 2_000);
    Plan {
        counterfeit,
        network,
        shipped,
        arrival: shipped + transit,
        export,
        listing,
        account,
        roles,
        via_consolidator,
        at_collection_point,
        items,
        tells,
        rule_hit,
        express,
    }
}

/// The carrier's air waybill number of shipment `index`.
pub fn awb(index: usize, out: &mut String) {
    let n = (index as u64).wrapping_mul(7_919).wrapping_add(4_021_733) % 10_000_000_000;
    let _ = write!(out, "{n:010}");
}

/// Customs' declaration reference of shipment `index`.
pub fn declaration(index: usize, out: &mut String) {
    let n = (index as u64).wrapping_mul(104_723).wrapping_add(88_811) % 1_000_000_000_000;
    let _ = write!(out, "26GB{n:012}");
}

pub const CARRIER_PATH: &str = "carrier-swift/shipments.csv";
pub const CUSTOMS_PATH: &str = "customs-uk/entries.csv";
pub const INSPECTIONS_PATH: &str = "customs-uk/inspections.csv";

pub const CARRIER_PREFIXES: [&str; 6] = ["SHP", "CNE", "SEL", "PUR", "FRC", "IMP"];
pub const PARTY_COLS: [&str; 10] = [
    "NAME", "ACCT", "ADDR1", "ADDR2", "CITY", "ZIP", "STATE", "CTRY", "TEL", "EMAIL",
];

pub fn carrier_header() -> Vec<String> {
    let mut cols: Vec<String> = [
        "AWB",
        "PICKUP_DT",
        "ETA_DT",
        "SVC",
        "ORIG_CTRY",
        "EXP_CTRY",
        "DEST_PORT",
        "MKTPLACE",
        "ORDER_REF",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for p in CARRIER_PREFIXES {
        for c in PARTY_COLS {
            cols.push(format!("{p}_{c}"));
        }
    }
    cols.push("IMP_EORI".into());
    for c in [
        "LINE_NO", "DESC", "HS", "QTY", "DECL_VAL", "CUR", "WT_KG", "COO",
    ] {
        cols.push(c.into());
    }
    cols
}
/// Columns of the carrier file.
pub const CARRIER_COLUMNS: usize = 9 + 60 + 1 + 8;
/// Column of the declared value in the carrier file.
pub const CARRIER_AMOUNT_COL: usize = 9 + 60 + 1 + 4;

pub const CUSTOMS_HEADER: [&str; 23] = [
    "DECL_REF",
    "ACCEPT_DATE",
    "ARRIVAL_DATE",
    "TRANSPORT_DOC",
    "EXPORT_CTRY",
    "ENTRY_PORT",
    "CONSIGNOR_NAME",
    "CONSIGNOR_ADDRESS",
    "CONSIGNOR_CTRY",
    "CONSIGNEE_NAME",
    "CONSIGNEE_ADDRESS",
    "CONSIGNEE_POSTCODE",
    "CONSIGNEE_CTRY",
    "DECLARANT_NAME",
    "DECLARANT_EORI",
    "DECLARANT_ADDRESS",
    "ITEM_NO",
    "GOODS_DESC",
    "COMMODITY_CODE",
    "QTY",
    "STAT_VALUE_GBP",
    "NET_MASS_KG",
    "ORIGIN",
];
pub const CUSTOMS_AMOUNT_COL: usize = 20;

pub const INSPECTIONS_HEADER: [&str; 7] = [
    "CONTROL_REF",
    "DECLARATION",
    "CONTROL_DATE",
    "RESULT_CODE",
    "ITEMS_QTY",
    "RETAIL_VALUE_GBP",
    "REMARKS",
];

/// The bytes one chunk of shipments adds to each stream.
#[derive(Default)]
pub struct Chunk {
    pub carrier: Vec<u8>,
    pub carrier_rows: usize,
    pub customs: Vec<u8>,
    pub customs_rows: usize,
    pub inspections: Vec<u8>,
    pub inspection_rows: usize,
    pub actors: Vec<u8>,
    pub items: Vec<u8>,
    pub truth: Vec<u8>,
    /// (stream, 1-based line within the chunk's bytes of that stream, kind).
    pub corrupted: Vec<(Stream, u64, Corruption)>,
    pub counterfeit: usize,
    pub inspected: usize,
    pub seized_counterfeit: usize,
    pub party_records: usize,
    pub varied_appearances: usize,
    pub pool_used: Vec<u32>,
    pub consumers_used: Vec<u32>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stream {
    Carrier,
    Customs,
    Inspections,
}

/// Inspection probabilities: (for rule hits, for the rest).
#[derive(Clone, Copy, Debug)]
pub struct Inspection {
    pub targeted: f64,
    pub random: f64,
}

/// Estimates how often the rule fires on a sample of the stream and derives the two
/// probabilities that give `inspection_rate` overall with `targeted_share` of them targeted.
pub fn inspection_probabilities(world: &World) -> Inspection {
    let cfg = &world.cfg;
    let n = cfg.shipments.min(5_000);
    let step = (cfg.shipments / n).max(1);
    let mut hits = 0usize;
    let mut seen = 0usize;
    let mut i = 0;
    while i < cfg.shipments && seen < n {
        let mut rng = crate::rng_for(cfg.seed, crate::STREAM_SHIPMENT, i as u64);
        if plan(world, i, &mut rng).rule_hit {
            hits += 1;
        }
        seen += 1;
        i += step;
    }
    let h = (hits as f64 / seen.max(1) as f64).clamp(1e-6, 1.0 - 1e-6);
    let targeted = (cfg.targeted_share * cfg.inspection_rate / h).min(1.0);
    let random = ((cfg.inspection_rate - h * targeted) / (1.0 - h)).clamp(0.0, 1.0);
    Inspection { targeted, random }
}

struct Scratch {
    views: [PartyView; 6],
    hub: PartyView,
    collection: PartyView,
    row: Row,
    s: String,
    s2: String,
    id: String,
    decl: String,
}

fn fmt_minutes(world: &World, minutes: i64, fmt: &str, out: &mut String) {
    let t = world.start.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::minutes(minutes);
    let _ = write!(out, "{}", t.format(fmt));
}

fn money(pence: u64, out: &mut String) {
    let _ = write!(out, "{}.{:02}", pence / 100, pence % 100);
}

/// Rate from GBP into a declared currency.
pub fn gbp_rate(currency: &str) -> f64 {
    match currency {
        "USD" => 1.27,
        "EUR" => 1.17,
        "HKD" => 9.9,
        "CNY" => 9.1,
        _ => 1.0,
    }
}

fn consumer_actor(world: &World, idx: u32) -> Actor {
    actors::consumer(world.cfg.seed, idx)
}

/// Generates shipments `from..to` into one chunk.
pub fn chunk(world: &World, insp: Inspection, from: usize, to: usize) -> Chunk {
    let cfg = &world.cfg;
    let mut c = Chunk::default();
    let mut sc = Scratch {
        views: Default::default(),
        hub: PartyView::default(),
        collection: PartyView::default(),
        row: Row::new(),
        s: String::new(),
        s2: String::new(),
        id: String::new(),
        decl: String::new(),
    };
    let carrier_cols = CorruptCols {
        id: 0,
        date: Some(1),
        amount: Some(CARRIER_AMOUNT_COL),
        bad_date: "00/00/0000 00:00",
    };
    let customs_cols = CorruptCols {
        id: 0,
        date: Some(2),
        amount: Some(CUSTOMS_AMOUNT_COL),
        bad_date: "00.00.0000 00:00",
    };
    let insp_cols = CorruptCols {
        id: 0,
        date: Some(2),
        amount: Some(5),
        bad_date: "00.00.0000",
    };
    let carrier_opts = RenderOpts {
        vary: cfg.variation_share,
        phone_region: Some(data::GB),
        junk: cfg.junk_contact_share,
    };
    let mut carrier_lines = 0u64;
    let mut customs_lines = 0u64;
    let mut insp_lines = 0u64;
    let mut consumers: [Option<Actor>; 6] = Default::default();
    for index in from..to {
        let mut rng = crate::rng_for(cfg.seed, crate::STREAM_SHIPMENT, index as u64);
        let p = plan(world, index, &mut rng);
        // Customs decides before it sees anything else of the parcel.
        let u = rng.random::<f64>();
        let inspected = if p.rule_hit {
            u < insp.targeted
        } else {
            u < insp.random
        };
        if p.counterfeit {
            c.counterfeit += 1;
        }
        sc.id.clear();
        awb(index, &mut sc.id);
        sc.decl.clear();
        declaration(index, &mut sc.decl);

        // Who the parties really are.
        for r in 0..6 {
            consumers[r] = match p.roles[r] {
                PartyRef::Consumer(k) => {
                    c.consumers_used.push(k);
                    // The same consumer often holds several roles: derive it once.
                    let earlier = (0..r).find(|&e| p.roles[e] == PartyRef::Consumer(k));
                    match earlier {
                        Some(e) => consumers[e].clone(),
                        None => Some(consumer_actor(world, k)),
                    }
                }
                PartyRef::Pool(a) => {
                    c.pool_used.push(a as u32);
                    None
                }
            };
        }
        // Truth: parties and items of both records.
        sc.s.clear();
        for (r, role) in ROLES.iter().enumerate() {
            let a: &Actor = match p.roles[r] {
                PartyRef::Pool(a) => &world.actors[a],
                PartyRef::Consumer(_) => consumers[r].as_ref().unwrap(),
            };
            let _ = writeln!(
                sc.s,
                "carrier-swift,shipments,{}#{role},{}",
                sc.id, a.true_id
            );
        }
        for (r, role) in [
            (SHIPPER, "shipper"),
            (CONSIGNEE, "consignee"),
            (IMPORTER, "importer"),
        ] {
            let a: &Actor = match p.roles[r] {
                PartyRef::Pool(a) => &world.actors[a],
                PartyRef::Consumer(_) => consumers[r].as_ref().unwrap(),
            };
            let _ = writeln!(
                sc.s,
                "customs-uk,shipments,{}#{role},{}",
                sc.decl, a.true_id
            );
        }
        c.actors.extend_from_slice(sc.s.as_bytes());
        sc.s.clear();
        c.party_records += 9;
        let retail = if p.counterfeit {
            p.retail_total()
        } else {
            p.declared_total()
        };
        sc.s2.clear();
        money(retail, &mut sc.s2);
        let _ = writeln!(
            sc.s,
            "carrier-swift,shipments,{},{},{}\ncustoms-uk,shipments,{},{},{}",
            sc.id, p.counterfeit, sc.s2, sc.decl, p.counterfeit, sc.s2
        );
        c.items.extend_from_slice(sc.s.as_bytes());
        sc.s.clear();
        sc.s2.clear();
        tell_names(p.tells, &mut sc.s2);
        let _ = writeln!(
            sc.s,
            "{},{},{},{},{},{},{}",
            sc.id,
            sc.decl,
            p.counterfeit,
            p.network
                .map(|n| format!("N{:03}", n + 1))
                .unwrap_or_default(),
            sc.s2,
            p.rule_hit,
            inspected
        );
        c.truth.extend_from_slice(sc.s.as_bytes());
        sc.s.clear();

        // The carrier's view: every role filled.
        for (r, consumer) in consumers.iter().enumerate() {
            let a: &Actor = match p.roles[r] {
                PartyRef::Pool(a) => &world.actors[a],
                PartyRef::Consumer(_) => consumer.as_ref().unwrap(),
            };
            let mut opts = carrier_opts;
            if a.aliases {
                opts.vary = cfg.network_variation_share;
            }
            actors::render(a, &mut rng, &opts, &mut sc.views[r]);
            if sc.views[r].varied {
                c.varied_appearances += 1;
            }
        }
        if p.via_consolidator {
            actors::render(
                &world.actors[world.consolidator],
                &mut rng,
                &carrier_opts,
                &mut sc.hub,
            );
            sc.views[SHIPPER].take_site(&sc.hub);
        }
        if p.at_collection_point {
            actors::render(
                &world.actors[world.collection_point],
                &mut rng,
                &RenderOpts {
                    vary: cfg.variation_share,
                    phone_region: Some(data::GB),
                    junk: 0.0,
                },
                &mut sc.collection,
            );
            sc.views[CONSIGNEE].take_address(&sc.collection);
            if p.roles[IMPORTER] == p.roles[CONSIGNEE] {
                sc.views[IMPORTER].take_address(&sc.collection);
            }
        }
        let single = p.items.len() == 1;
        let currency = if rng.random_bool(0.8) {
            COUNTRIES[p.export].currency
        } else {
            "USD"
        };
        let rate = gbp_rate(currency);
        let mut currency = currency;
        if p.export == data::CN && rng.random_bool(0.1) {
            currency = "CNY";
        }
        let rate = if currency == "CNY" {
            gbp_rate("CNY")
        } else {
            rate
        };
        let mkt_name = p
            .account
            .map(|a| {
                if world.accounts[a as usize].mkt == BAZAAR {
                    "Bazaar"
                } else {
                    "Emporium"
                }
            })
            .unwrap_or("");
        let port = ["LHR", "EMA", "STN", "LHR"][index % 4];
        for (line, item) in p.items.iter().enumerate() {
            let row = &mut sc.row;
            row.clear();
            row.push(&sc.id);
            fmt_minutes(world, p.shipped, "%d/%m/%Y %H:%M", row.next());
            fmt_minutes(world, p.arrival, "%d/%m/%Y %H:%M", row.next());
            row.push(if p.express { "EXPRESS" } else { "ECONOMY" });
            row.push(p.items[0].origin);
            row.push(COUNTRIES[p.export].code);
            row.push(port);
            row.push(mkt_name);
            match p.listing {
                Some(l) if p.account.is_some() => row.push(&world.listings[l as usize].id),
                _ => row.push(""),
            }
            for r in 0..6 {
                let v = &sc.views[r];
                row.push(&v.name);
                match r {
                    SHIPPER => {
                        let a = match p.roles[r] {
                            PartyRef::Pool(a) => &world.actors[a].carrier_account,
                            PartyRef::Consumer(_) => "",
                        };
                        if p.via_consolidator {
                            row.push(&world.actors[world.consolidator].carrier_account);
                        } else {
                            row.push(a);
                        }
                    }
                    SELLER => match p.account {
                        Some(a) => row.push(&world.accounts[a as usize].id),
                        None => row.push(""),
                    },
                    _ => row.push(""),
                }
                row.push(&v.addr1);
                row.push(&v.addr2);
                row.push(&v.city);
                row.push(&v.postcode);
                row.push(&v.region);
                row.push(v.country);
                row.push(&v.phone);
                row.push(&v.email);
            }
            row.push(&sc.views[IMPORTER].tax_id);
            let _ = write!(row.next(), "{}", line + 1);
            row.push(&item.description);
            let hs = row.next();
            hs.push_str(&item.hs[..4]);
            hs.push('.');
            hs.push_str(&item.hs[4..]);
            let _ = write!(row.next(), "{}", item.qty);
            let declared = (item.unit as f64 * item.qty as f64 * rate).round() as u64;
            money(declared.max(1), row.next());
            row.push(currency);
            let grams = item.grams as u64 * item.qty as u64;
            let _ = write!(row.next(), "{}.{:03}", grams / 1000, grams % 1000);
            row.push(item.origin);
            debug_assert_eq!(row.len(), CARRIER_COLUMNS);
            let corrupt = if single && cfg.corrupt_share > 0.0 && rng.random_bool(cfg.corrupt_share)
            {
                Some(*carrier_cols.kinds().choose(&mut rng).unwrap())
            } else {
                None
            };
            row.write(b',', &mut c.carrier, corrupt.map(|k| (k, &carrier_cols)));
            c.carrier.push(b'\n');
            carrier_lines += 1;
            c.carrier_rows += 1;
            if let Some(k) = corrupt {
                c.corrupted.push((Stream::Carrier, carrier_lines, k));
            }
        }

        // Customs' view: consignor, consignee and declarant; values in GBP; items again.
        let customs_opts = RenderOpts {
            vary: cfg.variation_share,
            phone_region: None,
            junk: 0.0,
        };
        for r in [SHIPPER, CONSIGNEE, IMPORTER] {
            let a: &Actor = match p.roles[r] {
                PartyRef::Pool(a) => &world.actors[a],
                PartyRef::Consumer(_) => consumers[r].as_ref().unwrap(),
            };
            let mut opts = customs_opts;
            if a.aliases {
                opts.vary = cfg.network_variation_share;
            }
            actors::render(a, &mut rng, &opts, &mut sc.views[r]);
            if sc.views[r].varied {
                c.varied_appearances += 1;
            }
        }
        if p.via_consolidator {
            sc.views[SHIPPER].take_site(&sc.hub);
        }
        if p.at_collection_point {
            sc.views[CONSIGNEE].take_address(&sc.collection);
            if p.roles[IMPORTER] == p.roles[CONSIGNEE] {
                sc.views[IMPORTER].take_address(&sc.collection);
            }
        }
        let accept = p.arrival - rng.random_range(60..720);
        for (line, item) in p.items.iter().enumerate() {
            let row = &mut sc.row;
            row.clear();
            row.push(&sc.decl);
            fmt_minutes(world, accept, "%d.%m.%Y %H:%M", row.next());
            fmt_minutes(world, p.arrival, "%d.%m.%Y %H:%M", row.next());
            row.push(&sc.id);
            row.push(COUNTRIES[p.export].code);
            row.push(["GBLHR", "GBEMA", "GBSTN", "GBLHR"][index % 4]);
            for r in [SHIPPER, CONSIGNEE] {
                let v = &sc.views[r];
                row.push(&v.name);
                v.address_line(&mut sc.s);
                row.push(&sc.s);
                if r == CONSIGNEE {
                    row.push(&v.postcode);
                }
                row.push(v.country);
            }
            let v = &sc.views[IMPORTER];
            row.push(&v.name);
            if v.tax_id.is_empty() {
                row.push("");
            } else if v.tax_id.starts_with("GB") && v.tax_id.len() == 11 {
                let eori = row.next();
                eori.push_str(&v.tax_id);
                eori.push_str("000");
            } else {
                row.push(&v.tax_id);
            }
            v.address_line(&mut sc.s);
            row.push(&sc.s);
            let _ = write!(row.next(), "{}", line + 1);
            row.push(&item.description.to_uppercase());
            let _ = write!(row.next(), "{}0000", item.hs);
            let _ = write!(row.next(), "{}", item.qty);
            money(item.unit as u64 * item.qty as u64, row.next());
            let grams = item.grams as u64 * item.qty as u64 * 9 / 10;
            let _ = write!(row.next(), "{}.{:03}", grams / 1000, grams % 1000);
            row.push(item.origin);
            debug_assert_eq!(row.len(), CUSTOMS_HEADER.len());
            let corrupt = if single && cfg.corrupt_share > 0.0 && rng.random_bool(cfg.corrupt_share)
            {
                Some(*customs_cols.kinds().choose(&mut rng).unwrap())
            } else {
                None
            };
            row.write(b'|', &mut c.customs, corrupt.map(|k| (k, &customs_cols)));
            c.customs.push(b'\n');
            customs_lines += 1;
            c.customs_rows += 1;
            if let Some(k) = corrupt {
                c.corrupted.push((Stream::Customs, customs_lines, k));
            }
        }

        if inspected {
            c.inspected += 1;
            let (code, value, remark) = if p.counterfeit {
                if rng.random_bool(cfg.detection_rate) {
                    c.seized_counterfeit += 1;
                    let br = p
                        .listing
                        .and_then(|l| world.listings[l as usize].brand)
                        .map(|b| world.brands[b].t.name)
                        .unwrap_or("");
                    (
                        "IPR-SEIZ",
                        p.retail_total(),
                        if br.is_empty() {
                            "suspected IPR infringement"
                        } else {
                            "IPR infringement confirmed by rights holder"
                        },
                    )
                } else {
                    ("NO-ACTION", p.declared_total(), "examined, released")
                }
            } else if rng.random_bool(cfg.other_seizure_rate) {
                (
                    "OTH-SEIZ",
                    p.declared_total(),
                    *["undervaluation", "prohibited goods", "restricted goods"]
                        .choose(&mut rng)
                        .unwrap(),
                )
            } else {
                ("NO-ACTION", p.declared_total(), "examined, released")
            };
            let row = &mut sc.row;
            row.clear();
            let _ = write!(row.next(), "CTL{:09}", index + 1);
            row.push(&sc.decl);
            fmt_minutes(world, p.arrival, "%d.%m.%Y", row.next());
            row.push(code);
            let _ = write!(row.next(), "{}", p.quantity());
            money(value, row.next());
            row.push(remark);
            let corrupt = if cfg.corrupt_share > 0.0 && rng.random_bool(cfg.corrupt_share) {
                Some(*insp_cols.kinds().choose(&mut rng).unwrap())
            } else {
                None
            };
            row.write(b';', &mut c.inspections, corrupt.map(|k| (k, &insp_cols)));
            c.inspections.push(b'\n');
            insp_lines += 1;
            c.inspection_rows += 1;
            if let Some(k) = corrupt {
                c.corrupted.push((Stream::Inspections, insp_lines, k));
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimConfig;

    /// The tell flags recorded for each shipment are exactly what its items show.
    #[test]
    fn recorded_tells_match_the_items() {
        let cfg = SimConfig {
            shipments: 4_000,
            counterfeit_share: 0.3,
            ..SimConfig::default()
        };
        let world = World::build(&cfg);
        let marks: Vec<String> = world
            .brands
            .iter()
            .flat_map(|b| [b.t.name.to_lowercase(), b.t.extra_mark.to_lowercase()])
            .collect();
        let mut no_tell = 0;
        let mut counterfeit = 0;
        for i in 0..cfg.shipments {
            let mut rng = crate::rng_for(cfg.seed, crate::STREAM_SHIPMENT, i as u64);
            let p = plan(&world, i, &mut rng);
            if !p.counterfeit {
                continue;
            }
            counterfeit += 1;
            let mut seen = 0u8;
            for it in &p.items {
                let cat = &CATEGORIES[it.category];
                let d = it.description.to_lowercase();
                if marks.iter().any(|m| d.contains(m.as_str())) {
                    seen |= TELL_MARK;
                }
                if world.brands.iter().any(|b| {
                    b.lookalikes
                        .iter()
                        .any(|l| it.description.contains(l.as_str()))
                }) {
                    seen |= TELL_LOOKALIKE;
                }
                // A generic description, possibly after a (look-alike) mark: "N1vo shoes".
                let rest = if seen & (TELL_MARK | TELL_LOOKALIKE) != 0 {
                    d.split_once(' ').map(|x| x.1).unwrap_or("")
                } else {
                    d.as_str()
                };
                if GENERIC_DESCRIPTIONS.contains(&rest)
                    || GENERIC_DESCRIPTIONS.contains(&d.as_str())
                {
                    seen |= TELL_GENERIC;
                }
                if !cat.hs.contains(&it.hs) {
                    seen |= TELL_HS;
                }
                if it.unit < cat.plausible_min_gbp * 100 {
                    seen |= TELL_LOW_VALUE;
                }
                if p.tells == 0 {
                    assert!(
                        cat.descriptions.contains(&it.description.as_str()),
                        "{}",
                        it.description
                    );
                }
            }
            // A look-alike spelling may contain the mark's letters ("Nivvo" does not, "Nivo Air"
            // is the mark itself): compare on the recorded flags that must show.
            assert_eq!(
                seen & !TELL_MARK & !TELL_LOOKALIKE,
                p.tells & !TELL_MARK & !TELL_LOOKALIKE,
                "shipment {i}"
            );
            assert_eq!(
                seen & (TELL_MARK | TELL_LOOKALIKE) != 0,
                p.tells & (TELL_MARK | TELL_LOOKALIKE) != 0,
                "shipment {i}: {:?}",
                p.items.iter().map(|i| &i.description).collect::<Vec<_>>()
            );
            if p.tells == 0 {
                no_tell += 1;
            }
        }
        let share = no_tell as f64 / counterfeit as f64;
        assert!(
            share >= 1.0 / 3.0 && (share - cfg.no_tell_share).abs() < 0.05,
            "{share}"
        );
    }
}

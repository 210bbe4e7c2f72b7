//! What one shipment or listing shows on its own, before any history: the brands its text
//! names, its declared value against the brand's floor, whether its HS code fits its goods,
//! vague descriptions, origin and lane against the brand's genuine ones, and whether the
//! seller is among the brand's authorised ones.

use interdict_model::{Brand, Listing, Money, PartyRole, Shipment};
use interdict_normalize::money::RateTable;
use rustc_hash::FxHashSet;

use crate::brands::{BrandHit, BrandIndex, BrandSpec, HitKind};
use crate::day;
use crate::goods::{self, Category};

/// A brand as the scorer uses it.
#[derive(Debug, Clone)]
pub struct BrandInfo {
    pub id: String,
    pub name: String,
    pub categories: Vec<Category>,
    /// Floors in USD per category (`None`: a floor for every category), with the text as the
    /// brand owner gave it ("60.00 GBP").
    pub floors: Vec<(Option<Category>, f64, String)>,
    pub origins: Vec<String>,
    pub lanes: Vec<String>,
    /// Actors of the brand's authorised sellers and distributors.
    pub authorised: FxHashSet<u32>,
}

impl BrandInfo {
    /// The floor for a category: its own, else the lowest the brand set.
    pub fn floor(&self, cat: Option<Category>) -> Option<(f64, &str)> {
        let own = self
            .floors
            .iter()
            .find(|(c, _, _)| c.is_some() && *c == cat)
            .or_else(|| self.floors.iter().find(|(c, _, _)| c.is_none()));
        own.or_else(|| {
            self.floors
                .iter()
                .min_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal))
        })
        .map(|(_, usd, text)| (*usd, text.as_str()))
    }
}

/// Every brand of the brands feeds and the matcher over their marks.
pub struct Catalogue {
    pub index: BrandIndex,
    pub brands: Vec<BrandInfo>,
    rates: RateTable,
    /// Tells this catalogue's cached detections from another's.
    id: u64,
}

/// Descriptions repeat (the same "wireless earbuds" on thousands of parcels): each thread
/// remembers the brands it found in the texts it saw last, for the catalogue it saw them with.
const DETECTIONS_KEPT: usize = 1 << 16;

thread_local! {
    static DETECTED: std::cell::RefCell<(u64, rustc_hash::FxHashMap<String, Vec<BrandHit>>)> =
        std::cell::RefCell::new((0, rustc_hash::FxHashMap::default()));
}

/// Amount in USD: the value ingest converted, else the built-in rate table.
pub fn usd(m: &Money, rates: &RateTable) -> Option<f64> {
    let d = match m.usd {
        Some(u) => u,
        None => rates.to_usd(m.amount, &m.currency)?,
    };
    d.to_string().parse().ok()
}

impl Catalogue {
    /// `brands` pairs each brand record with the actors of its authorised parties.
    pub fn new(brands: &[(Brand, Vec<Option<u32>>)]) -> Catalogue {
        let rates = RateTable::default_table();
        let mut specs = Vec::new();
        let mut infos = Vec::new();
        for (b, actors) in brands {
            let mut marks = vec![b.name.clone()];
            for m in &b.marks {
                if !marks.iter().any(|x| x.eq_ignore_ascii_case(m)) {
                    marks.push(m.clone());
                }
            }
            specs.push(BrandSpec {
                brand: b.brand_id.clone(),
                name: b.name.clone(),
                marks,
                exceptions: b.lookalike_exceptions.clone(),
            });
            let floors = b
                .price_floors
                .iter()
                .filter_map(|f| {
                    let v = usd(&f.price, &rates)?;
                    let text = format!("{:.2} {}", f.price.amount, f.price.currency);
                    Some((Category::parse(&f.category), v, text))
                })
                .collect();
            infos.push(BrandInfo {
                id: b.brand_id.clone(),
                name: b.name.clone(),
                categories: b
                    .categories
                    .iter()
                    .filter_map(|c| Category::parse(c))
                    .collect(),
                floors,
                origins: b.genuine_origins.iter().map(|c| c.to_uppercase()).collect(),
                lanes: b.genuine_lanes.iter().map(|c| c.to_uppercase()).collect(),
                authorised: actors.iter().flatten().copied().collect(),
            });
        }
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Catalogue {
            index: BrandIndex::new(specs),
            brands: infos,
            rates,
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The brands named in `text` (see [`BrandIndex::detect`]), remembered per thread.
    pub fn detect(&self, text: &str) -> Vec<BrandHit> {
        DETECTED.with(|cell| {
            let mut cache = cell.borrow_mut();
            if cache.0 != self.id {
                cache.0 = self.id;
                cache.1.clear();
            }
            if let Some(hits) = cache.1.get(text) {
                return hits.clone();
            }
            let hits = self.index.detect(text);
            if cache.1.len() >= DETECTIONS_KEPT {
                cache.1.clear();
            }
            cache.1.insert(text.to_owned(), hits.clone());
            hits
        })
    }

    pub fn usd(&self, m: &Money) -> Option<f64> {
        usd(m, &self.rates)
    }
}

/// Shipment or listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Shipment,
    Listing,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Shipment => "shipment",
            Kind::Listing => "listing",
        }
    }
}

/// The declared (or asked) value of a branded line against the brand's floor.
#[derive(Debug, Clone, PartialEq)]
pub struct FloorCheck {
    pub brand: usize,
    pub unit_usd: f64,
    pub floor_usd: f64,
    pub floor_text: String,
    pub category: Option<Category>,
}

impl FloorCheck {
    pub fn ratio(&self) -> f64 {
        if self.floor_usd > 0.0 {
            self.unit_usd / self.floor_usd
        } else {
            1.0
        }
    }
}

/// What a shipment or listing shows on its own.
#[derive(Debug, Clone)]
pub struct Observed {
    pub kind: Kind,
    /// Day of arrival (shipments) or creation (listings), days since 1970-01-01.
    pub day: Option<i32>,
    pub export_country: String,
    pub origin_country: String,
    pub port: String,
    pub marketplace: String,
    /// The actor in each party role (a listing's seller account in the seller slot).
    pub actors: [Option<u32>; 6],
    /// Brands named, with how: (brand, exact mark?, the text as written).
    pub brands: Vec<(usize, HitKind, String)>,
    /// The branded line furthest below its floor.
    pub floor: Option<FloorCheck>,
    /// A line whose HS code does not fit its description or its brand: (description, code).
    pub hs_mismatch: Option<(String, String)>,
    /// A line whose description says nothing of the goods.
    pub vague: Option<String>,
    pub origin_not_genuine: bool,
    pub lane_not_genuine: bool,
    pub unauthorised_seller: bool,
    pub unit_usd: Option<f64>,
    pub total_usd: Option<f64>,
    pub quantity: i64,
    /// A listing's seller account: its creation day.
    pub account_created: Option<i32>,
}

impl Observed {
    /// "CN-GB": export country and country of arrival; empty for listings and when unknown.
    pub fn lane(&self) -> String {
        if self.export_country.is_empty() || self.kind == Kind::Listing {
            String::new()
        } else {
            format!("{}-{}", self.export_country, self.destination())
        }
    }

    fn destination(&self) -> &str {
        // Ports are UN/LOCODE-like ("GBLHR") or airport codes; the first two letters of a
        // five-letter code are the country.
        if self.port.len() == 5 && self.port.is_char_boundary(2) {
            &self.port[..2]
        } else {
            "GB"
        }
    }

    /// A record that shows nothing yet, with its parties' actors.
    pub fn empty(kind: Kind, actors: [Option<u32>; 6]) -> Observed {
        Observed {
            kind,
            day: None,
            export_country: String::new(),
            origin_country: String::new(),
            port: String::new(),
            marketplace: String::new(),
            actors,
            brands: Vec::new(),
            floor: None,
            hs_mismatch: None,
            vague: None,
            origin_not_genuine: false,
            lane_not_genuine: false,
            unauthorised_seller: false,
            unit_usd: None,
            total_usd: None,
            quantity: 0,
            account_created: None,
        }
    }

    fn add_brands(&mut self, cat: &Catalogue, text: &str) -> Vec<usize> {
        let mut here = Vec::new();
        for h in cat.detect(text) {
            here.push(h.brand);
            match self.brands.iter_mut().find(|(b, _, _)| *b == h.brand) {
                Some(e) if e.1 == HitKind::Exact && h.kind == HitKind::Lookalike => {
                    *e = (h.brand, h.kind, h.found)
                }
                Some(_) => {}
                None => self.brands.push((h.brand, h.kind, h.found)),
            }
        }
        here
    }

    fn check_floor(&mut self, cat: &Catalogue, brand: usize, c: Option<Category>, unit: f64) {
        let info = &cat.brands[brand];
        let Some((floor, text)) = info.floor(c) else {
            return;
        };
        let check = FloorCheck {
            brand,
            unit_usd: unit,
            floor_usd: floor,
            floor_text: text.to_owned(),
            category: c,
        };
        if self
            .floor
            .as_ref()
            .is_none_or(|f| check.ratio() < f.ratio())
        {
            self.floor = Some(check);
        }
    }

    fn check_origin(&mut self, cat: &Catalogue) {
        let lane = self.lane();
        for (b, _, _) in &self.brands {
            let info = &cat.brands[*b];
            let origin = if self.origin_country.is_empty() {
                &self.export_country
            } else {
                &self.origin_country
            };
            if !origin.is_empty() && !info.origins.is_empty() && !info.origins.contains(origin) {
                self.origin_not_genuine = true;
            }
            if !lane.is_empty() && !info.lanes.is_empty() && !info.lanes.contains(&lane) {
                self.lane_not_genuine = true;
            }
            let authorised = self.actors[PartyRole::Seller as usize]
                .into_iter()
                .chain(self.actors[PartyRole::Shipper as usize])
                .any(|a| info.authorised.contains(&a));
            if !authorised {
                self.unauthorised_seller = true;
            }
        }
    }
}

/// What a shipment shows on its own. `actors` holds the actor of each party, in
/// [`PartyRole::ALL`] order.
pub fn shipment(cat: &Catalogue, s: &Shipment, actors: [Option<u32>; 6]) -> Observed {
    let mut o = Observed::empty(Kind::Shipment, actors);
    o.day = s
        .arrival
        .as_deref()
        .or(s.shipped.as_deref())
        .and_then(day::of);
    o.export_country = s
        .export_country
        .clone()
        .or_else(|| s.shipper.as_ref().and_then(|p| p.country.clone()))
        .unwrap_or_default();
    o.port = s.port_of_arrival.clone().unwrap_or_default();
    o.marketplace = s.marketplace.clone().unwrap_or_default();
    o.origin_country = s
        .items
        .iter()
        .find_map(|i| i.origin_country.clone())
        .or_else(|| s.origin_country.clone())
        .unwrap_or_default();
    let mut total = 0.0;
    let mut any_value = false;
    let mut lowest_unit: Option<f64> = None;
    for item in &s.items {
        let qty = item
            .quantity
            .and_then(|q| q.to_string().parse::<f64>().ok())
            .filter(|q| *q > 0.0)
            .unwrap_or(1.0);
        o.quantity += qty.round() as i64;
        let value = item.value.as_ref().and_then(|m| cat.usd(m));
        let unit = value.map(|v| v / qty);
        if let Some(v) = value {
            total += v;
            any_value = true;
        }
        if let Some(u) = unit {
            lowest_unit = Some(lowest_unit.map_or(u, |l: f64| l.min(u)));
        }
        let words_cat = goods::of_words(&item.description);
        let hs_cat = item.hs_code.as_deref().and_then(goods::of_hs);
        let branded = o.add_brands(cat, &item.description);
        let category = words_cat.or(hs_cat);
        if let Some(u) = unit {
            for b in &branded {
                o.check_floor(cat, *b, category, u);
            }
        }
        if o.hs_mismatch.is_none()
            && let Some(code) = item.hs_code.as_deref()
        {
            let words_disagree = goods::hs_fits(&item.description, Some(code)) == Some(false);
            let brand_disagrees = !branded.is_empty()
                && branded.iter().all(|b| {
                    let cats = &cat.brands[*b].categories;
                    !cats.is_empty() && hs_cat.is_none_or(|h| !cats.contains(&h))
                });
            if words_disagree || brand_disagrees {
                o.hs_mismatch = Some((item.description.clone(), code.to_owned()));
            }
        }
        if o.vague.is_none() && goods::is_vague(&item.description) {
            o.vague = Some(item.description.clone());
        }
    }
    o.total_usd = any_value.then_some(total);
    o.unit_usd = lowest_unit;
    o.check_origin(cat);
    o
}

/// What a listing shows on its own: its title and brand field, asked price and where it ships
/// from. `seller` is the actor of its seller account and `account_created` that account's
/// creation date.
pub fn listing(
    cat: &Catalogue,
    l: &Listing,
    seller: Option<u32>,
    account_created: Option<&str>,
) -> Observed {
    let mut actors = [None; 6];
    actors[PartyRole::Seller as usize] = seller;
    let mut o = Observed::empty(Kind::Listing, actors);
    o.day = l.created.as_deref().and_then(day::of);
    o.account_created = account_created.and_then(day::of);
    o.marketplace = l.marketplace.clone();
    o.export_country = l.ships_from.clone().unwrap_or_default();
    o.quantity = 1;
    let mut text = l.title.clone();
    if let Some(b) = &l.brand {
        text.push_str(" | ");
        text.push_str(b);
    }
    let branded = o.add_brands(cat, &text);
    let category = l
        .category
        .as_deref()
        .and_then(Category::parse)
        .or_else(|| goods::of_words(&l.title));
    let price = l.price.as_ref().and_then(|m| cat.usd(m));
    o.unit_usd = price;
    o.total_usd = price;
    if let Some(p) = price {
        for b in &branded {
            o.check_floor(cat, *b, category, p);
        }
    }
    if goods::is_vague(&l.title) {
        o.vague = Some(l.title.clone());
    }
    o.check_origin(cat);
    o
}

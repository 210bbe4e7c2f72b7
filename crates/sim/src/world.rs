//! The standing world: brands, honest sellers, counterfeit networks, marketplace accounts and
//! listings with their suspension timeline, hubs, test buys and the watch list.
//!
//! Everything here is kept in memory; shipments are streamed from it (see `shipments.rs`).

use std::fmt::Write as _;

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;

use crate::SimConfig;
use crate::actors::{self, Actor, Kind};
use crate::data::{self, BrandTemplate, CATEGORIES, COUNTRIES};

pub const BAZAAR: usize = 0;
pub const EMPORIUM: usize = 1;
pub const MARKETPLACE_ORGS: [&str; 2] = ["mkt-bazaar", "mkt-emporium"];
pub const BRAND_ORGS: [&str; 2] = ["brand-altus", "brand-corvid"];

pub struct Brand {
    pub t: &'static BrandTemplate,
    pub id: String,
    /// Index into `BRAND_ORGS`.
    pub owner: usize,
    /// Genuine price floor per category of `t.categories`, GBP.
    pub floors: Vec<u32>,
    /// Genuine retail price per category of `t.categories`, GBP.
    pub retail: Vec<u32>,
    pub lanes: Vec<String>,
    /// Authorised sellers and distributors (actor indices); the first is the distributor.
    pub authorised: Vec<usize>,
    pub gtins: Vec<String>,
    /// Look-alike spellings counterfeiters use ("N1vo", "N.I.V.O", homoglyphs).
    pub lookalikes: Vec<String>,
}

impl Brand {
    pub fn cat_pos(&self, cat: usize) -> usize {
        self.t
            .categories
            .iter()
            .position(|&c| c == cat)
            .unwrap_or(0)
    }
}

pub struct Account {
    pub id: String,
    pub mkt: usize,
    pub actor: usize,
    pub network: Option<usize>,
    /// Day relative to the start (negative: before the period).
    pub created: i32,
    pub suspended: Option<i32>,
    pub closed: bool,
    pub shop: String,
    pub listings: Vec<u32>,
}

impl Account {
    pub fn active_on(&self, day: i32) -> bool {
        !self.closed && self.created <= day && self.suspended.is_none_or(|s| day < s)
    }
}

pub struct Listing {
    pub id: String,
    pub account: u32,
    pub brand: Option<usize>,
    pub category: usize,
    pub counterfeit: bool,
    /// Named after a look-alike exception ("Nivon lens cap"): honest.
    pub exception: bool,
    pub title: String,
    /// The brand attribute the seller filled in ("" when none).
    pub brand_field: String,
    /// Asking price, GBP pence.
    pub price: u32,
    /// Retail value of the genuine item (counterfeit) or the price (honest), GBP pence.
    pub retail: u32,
    pub created: i32,
    pub removed: Option<i32>,
    pub images: [u64; 2],
    pub gtin: Option<String>,
    pub ships_from: usize,
}

pub struct LegitSeller {
    pub actor: usize,
    pub categories: Vec<usize>,
    pub accounts: Vec<u32>,
    pub authorised_for: Vec<usize>,
}

pub struct Network {
    pub members: Vec<usize>,
    pub front: Option<usize>,
    pub drops: Vec<usize>,
    pub accounts: Vec<u32>,
    pub brands: Vec<usize>,
    pub images: Vec<u64>,
    pub country: usize,
}

impl Network {
    /// Actors that appear as the shipper of the network's parcels.
    pub fn shippers(&self) -> impl Iterator<Item = usize> + '_ {
        self.members.iter().copied().chain(self.front)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MktAction {
    Suspend,
    Remove,
}

pub struct MktOutcome {
    pub id: String,
    pub mkt: usize,
    pub action: MktAction,
    pub account: u32,
    pub listing: Option<u32>,
    pub day: i32,
    pub note: &'static str,
}

pub struct TestBuy {
    pub id: String,
    pub brand: usize,
    pub listing: u32,
    pub day: i32,
}

pub struct WatchEntry {
    pub id: String,
    pub actor: usize,
    /// Which identifiers the entry holds: 1 phone, 2 e-mail, 4 address, 8 bank account.
    pub mask: u8,
    pub list: &'static str,
    pub reason: &'static str,
    pub added: i32,
}

pub struct World {
    pub cfg: SimConfig,
    pub start: chrono::NaiveDate,
    pub days: i32,
    pub actors: Vec<Actor>,
    pub brands: Vec<Brand>,
    pub legit: Vec<LegitSeller>,
    pub legit_pick: WeightedIndex<f64>,
    /// Honest sellers based in China, for consolidator parcels.
    pub legit_cn: Vec<usize>,
    pub legit_cn_pick: WeightedIndex<f64>,
    /// Private senders abroad (gifts).
    pub senders: Vec<usize>,
    /// Businesses in the destination market receiving stock.
    pub b2b: Vec<usize>,
    pub networks: Vec<Network>,
    pub network_pick: WeightedIndex<f64>,
    pub accounts: Vec<Account>,
    pub listings: Vec<Listing>,
    pub consolidator: usize,
    pub collection_point: usize,
    pub broker: usize,
    pub mkt_outcomes: Vec<MktOutcome>,
    pub test_buys: Vec<TestBuy>,
    pub watchlist: Vec<WatchEntry>,
}

struct Ids {
    next_actor: u32,
    bazaar_accounts: u64,
    emporium_accounts: u64,
    bazaar_listings: u64,
    emporium_listings: u64,
}

impl Ids {
    fn actor(&mut self) -> String {
        self.next_actor += 1;
        format!("A{:07}", self.next_actor)
    }
}

/// A permutation of 0..10^digits so that ids look issued, not counted.
fn scramble(n: u64, digits: u32) -> u64 {
    let m = 10u64.pow(digits);
    (n.wrapping_mul(7_919) + 104_729) % m
}

fn gtin13(rng: &mut impl Rng, prefix: &str) -> String {
    let mut s = String::with_capacity(13);
    s.push_str(prefix);
    while s.len() < 12 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    let sum: u32 = s
        .bytes()
        .enumerate()
        .map(|(i, b)| (b - b'0') as u32 * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    s.push(char::from(b'0' + ((10 - sum % 10) % 10) as u8));
    s
}

fn lookalikes(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = name.to_lowercase();
    // Digits for letters.
    for (from, to) in [('i', '1'), ('o', '0'), ('e', '3'), ('a', '4'), ('s', '5')] {
        if let Some(pos) = name.char_indices().skip(1).find(|(_, c)| *c == from) {
            let mut s = name.to_string();
            s.replace_range(pos.0..pos.0 + 1, &to.to_string());
            out.push(s);
            break;
        }
    }
    // A doubled letter ("Adiddas").
    let chars: Vec<char> = name.chars().collect();
    let mid = chars.len() / 2;
    let mut doubled: String = chars[..=mid].iter().collect();
    doubled.push(chars[mid]);
    doubled.extend(&chars[mid + 1..]);
    out.push(doubled);
    // Dotted capitals ("N.I.K.E").
    out.push(
        lower
            .chars()
            .filter(|c| c.is_alphabetic())
            .map(|c| c.to_uppercase().to_string())
            .collect::<Vec<_>>()
            .join("."),
    );
    // A Cyrillic homoglyph for the first Latin vowel that has one.
    for (latin, cyr) in [('o', 'о'), ('a', 'а'), ('e', 'е'), ('i', 'і')] {
        if let Some((pos, _)) = name.char_indices().find(|(_, c)| *c == latin) {
            let mut s = name.to_string();
            s.replace_range(pos..pos + 1, &cyr.to_string());
            out.push(s);
            break;
        }
    }
    // Two letters swapped.
    if chars.len() > 3 {
        let mut sw = chars.clone();
        sw.swap(1, 2);
        out.push(sw.into_iter().collect());
    }
    out
}

const SHOP_ADJ: &[&str] = &[
    "Lightweight",
    "Classic",
    "Premium",
    "Unisex",
    "Vintage",
    "Casual",
    "New",
    "Designer",
    "Sport",
    "Luxury",
];

fn round5(x: f64) -> u32 {
    ((x / 5.0).round() as u32).max(1) * 5
}

fn pence(rng: &mut impl Rng, lo_gbp: f64, hi_gbp: f64) -> u32 {
    let v = if hi_gbp > lo_gbp {
        rng.random_range(lo_gbp..hi_gbp)
    } else {
        lo_gbp
    };
    // Prices end in .99, .50 or .00 as shops set them.
    let whole = v.floor().max(0.0) as u32;
    whole * 100 + [99, 50, 0, 99].choose(rng).copied().unwrap()
}

fn pick_country(rng: &mut impl Rng, weights: &[(usize, f64)]) -> usize {
    let total: f64 = weights.iter().map(|w| w.1).sum();
    let mut x = rng.random_range(0.0..total);
    for &(c, w) in weights {
        if x < w {
            return c;
        }
        x -= w;
    }
    weights[weights.len() - 1].0
}

impl World {
    pub fn build(cfg: &SimConfig) -> World {
        let mut rng = crate::rng_for(cfg.seed, crate::STREAM_WORLD, 0);
        let start = cfg.start().expect("validated config");
        let days = (cfg.weeks * 7) as i32;
        let mut ids = Ids {
            next_actor: 0,
            bazaar_accounts: 0,
            emporium_accounts: 0,
            bazaar_listings: 0,
            emporium_listings: 0,
        };
        let mut actors: Vec<Actor> = Vec::new();
        let new_actor = |a: Actor, actors: &mut Vec<Actor>| -> usize {
            actors.push(a);
            actors.len() - 1
        };

        // Hubs.
        let mut consolidator = actors::company(&mut rng, ids.actor(), data::CN);
        consolidator.company = "Shenzhen Skybridge Cross-Border Logistics".into();
        actors::relocate(&mut consolidator, &mut rng, 1); // Shenzhen
        consolidator.addr.unit = 0;
        consolidator.carrier_account = "SWX90000001".into();
        let consolidator = new_actor(consolidator, &mut actors);
        let mut collection = actors::company(&mut rng, ids.actor(), data::GB);
        collection.company = "ParcelPoint Collect".into();
        collection.addr = actors::Addr {
            number: 7,
            unit: 0,
            street: 6,
            street_type: 2,
            district: 0,
            city: 10,
            postcode: "SL3 0EY".into(),
        };
        let collection_point = new_actor(collection, &mut actors);
        let mut broker = actors::company(&mut rng, ids.actor(), data::GB);
        broker.company = "Swift Customs Services".into();
        broker.tax_id = "GB284519663000".into();
        actors::relocate(&mut broker, &mut rng, 7); // Luton
        let broker = new_actor(broker, &mut actors);

        // Brands, their distributors and authorised sellers.
        let mut brands = Vec::new();
        let mut legit: Vec<LegitSeller> = Vec::new();
        let eu = [data::DE, data::IT, data::FR];
        for (bi, t) in data::BRANDS.iter().take(cfg.brands).enumerate() {
            let floors: Vec<u32> = t
                .categories
                .iter()
                .map(|&c| round5(CATEGORIES[c].floor_gbp as f64 * rng.random_range(0.8..1.6)))
                .collect();
            let retail = floors
                .iter()
                .map(|&f| round5(f as f64 * rng.random_range(1.3..2.2)))
                .collect();
            let dist_country = *eu.choose(&mut rng).unwrap();
            let mut dist = actors::company(&mut rng, ids.actor(), dist_country);
            dist.company = format!("{} {} Distribution", t.name, COUNTRIES[dist_country].name);
            let dist = new_actor(dist, &mut actors);
            let mut lanes: Vec<String> = t.origins.iter().map(|o| format!("{o}-GB")).collect();
            lanes.push(format!("{}-GB", COUNTRIES[dist_country].code));
            let mut authorised = vec![dist];
            let n_auth = rng.random_range(1..=cfg.authorised_per_brand);
            for _ in 0..n_auth {
                let country = pick_country(
                    &mut rng,
                    &[
                        (data::GB, 0.7),
                        (data::DE, 0.1),
                        (data::IT, 0.1),
                        (data::FR, 0.1),
                    ],
                );
                let a = new_actor(actors::company(&mut rng, ids.actor(), country), &mut actors);
                authorised.push(a);
                legit.push(LegitSeller {
                    actor: a,
                    categories: t.categories.to_vec(),
                    accounts: Vec::new(),
                    authorised_for: vec![bi],
                });
            }
            let prefix = format!("50{:02}{}", bi + 11, rng.random_range(100..1000));
            let gtins = (0..6).map(|_| gtin13(&mut rng, &prefix)).collect();
            brands.push(Brand {
                t,
                id: format!("BR-{}", t.name.to_uppercase()),
                owner: bi % 2,
                floors,
                retail,
                lanes,
                authorised,
                gtins,
                lookalikes: lookalikes(t.name),
            });
        }

        // Honest sellers, small and large, many where counterfeiters are.
        let n_legit = cfg.legit_sellers();
        let seller_countries = [
            (data::CN, 0.35),
            (data::GB, 0.18),
            (data::HK, 0.08),
            (data::US, 0.08),
            (data::DE, 0.06),
            (data::TR, 0.07),
            (data::IN, 0.06),
            (data::VN, 0.05),
            (data::IT, 0.04),
            (data::FR, 0.03),
        ];
        while legit.len() < n_legit {
            let country = pick_country(&mut rng, &seller_countries);
            let a = if rng.random_bool(0.6) {
                actors::company(&mut rng, ids.actor(), country)
            } else {
                actors::person(&mut rng, ids.actor(), country)
            };
            let a = new_actor(a, &mut actors);
            let mut cats = vec![rng.random_range(0..CATEGORIES.len())];
            if rng.random_bool(0.4) {
                let c2 = rng.random_range(0..CATEGORIES.len());
                if c2 != cats[0] {
                    cats.push(c2);
                }
            }
            legit.push(LegitSeller {
                actor: a,
                categories: cats,
                accounts: Vec::new(),
                authorised_for: Vec::new(),
            });
        }
        // Volume follows a Zipf-like law: a few large sellers, a long tail of small ones.
        let order: Vec<usize> = {
            let mut o: Vec<usize> = (0..legit.len()).collect();
            o.shuffle(&mut rng);
            o
        };
        let mut weights = vec![0.0; legit.len()];
        for (rank, &i) in order.iter().enumerate() {
            weights[i] = 1.0 / ((rank + 1) as f64).powf(0.9);
        }
        let legit_cn: Vec<usize> = (0..legit.len())
            .filter(|&i| actors[legit[i].actor].country == data::CN)
            .collect();
        let legit_cn_weights: Vec<f64> = legit_cn.iter().map(|&i| weights[i]).collect();

        // Private senders abroad and businesses at home.
        let n_senders = ((cfg.shipments as f64 * cfg.legit_gift_share * 0.6) as usize).max(20);
        let sender_countries = [
            (data::IN, 0.25),
            (data::TR, 0.15),
            (data::VN, 0.1),
            (data::US, 0.2),
            (data::CN, 0.1),
            (data::HK, 0.05),
            (data::DE, 0.05),
            (data::IT, 0.05),
            (data::FR, 0.05),
        ];
        let senders: Vec<usize> = (0..n_senders)
            .map(|_| {
                let c = pick_country(&mut rng, &sender_countries);
                let a = actors::person(&mut rng, ids.actor(), c);
                new_actor(a, &mut actors)
            })
            .collect();
        let n_b2b = (n_legit / 10).max(10);
        let b2b: Vec<usize> = (0..n_b2b)
            .map(|_| {
                let a = actors::company(&mut rng, ids.actor(), data::GB);
                new_actor(a, &mut actors)
            })
            .collect();

        // Counterfeit networks.
        let mut networks = Vec::new();
        let net_countries = [
            (data::CN, 0.6),
            (data::HK, 0.15),
            (data::TR, 0.15),
            (data::VN, 0.05),
            (data::IN, 0.05),
        ];
        for _ in 0..cfg.networks() {
            let country = pick_country(&mut rng, &net_countries);
            let n_members = rng.random_range(cfg.network_members_min..=cfg.network_members_max);
            let shared_addr = actors::gen_addr(&mut rng, country);
            let mut bank_holder = actors::person(&mut rng, String::new(), country);
            if bank_holder.bank.is_empty() {
                bank_holder = actors::company(&mut rng, String::new(), country);
            }
            let bank = bank_holder.bank;
            let mut members = Vec::new();
            for _ in 0..n_members {
                let mut m = actors::person(&mut rng, ids.actor(), country);
                m.addr = shared_addr.clone();
                m.bank.clone_from(&bank);
                m.aliases = true;
                members.push(new_actor(m, &mut actors));
            }
            let front = if rng.random_bool(0.7) {
                let mut f = actors::company(&mut rng, ids.actor(), country);
                f.addr = shared_addr.clone();
                f.bank.clone_from(&bank);
                f.phone.clone_from(&actors[members[0]].phone);
                f.aliases = true;
                Some(new_actor(f, &mut actors))
            } else {
                None
            };
            let n_drops = rng.random_range(1..=cfg.network_drops_max);
            let drops = (0..n_drops)
                .map(|_| {
                    let mut d = actors::person(&mut rng, ids.actor(), data::GB);
                    d.aliases = true;
                    new_actor(d, &mut actors)
                })
                .collect();
            let mut nb: Vec<usize> = (0..brands.len()).collect();
            nb.shuffle(&mut rng);
            nb.truncate(rng.random_range(2..=4).min(brands.len()));
            let images = (0..8).map(|_| rng.random::<u64>()).collect();
            networks.push(Network {
                members,
                front,
                drops,
                accounts: Vec::new(),
                brands: nb,
                images,
                country,
            });
        }
        let network_pick =
            WeightedIndex::new(networks.iter().map(|_| rng.random_range(0.5..2.0))).unwrap();
        let actor_carrier_accounts = actors.len();
        for (i, a) in actors.iter_mut().enumerate().take(actor_carrier_accounts) {
            if a.carrier_account.is_empty() {
                a.carrier_account = format!("SWX{:08}", scramble(i as u64 + 17, 8));
            }
        }

        let mut world = World {
            cfg: cfg.clone(),
            start,
            days,
            actors,
            brands,
            legit,
            legit_pick: WeightedIndex::new(&weights).unwrap(),
            legit_cn_pick: WeightedIndex::new(if legit_cn_weights.is_empty() {
                vec![1.0]
            } else {
                legit_cn_weights
            })
            .unwrap(),
            legit_cn,
            senders,
            b2b,
            networks,
            network_pick,
            accounts: Vec::new(),
            listings: Vec::new(),
            consolidator,
            collection_point,
            broker,
            mkt_outcomes: Vec::new(),
            test_buys: Vec::new(),
            watchlist: Vec::new(),
        };
        world.open_accounts(&mut rng, &mut ids);
        world.marketplace_actions(&mut rng);
        world.plan_test_buys(&mut rng);
        world.build_watchlist(&mut rng, &mut ids);
        world
    }

    fn new_account(
        &mut self,
        rng: &mut ChaCha8Rng,
        ids: &mut Ids,
        mkt: usize,
        actor: usize,
        network: Option<usize>,
        created: i32,
    ) -> u32 {
        let id = if mkt == BAZAAR {
            ids.bazaar_accounts += 1;
            format!("BZS{:07}", scramble(ids.bazaar_accounts, 7))
        } else {
            ids.emporium_accounts += 1;
            format!("EMP-{:06X}", scramble(ids.emporium_accounts, 7) & 0xFF_FFFF)
        };
        let a = &self.actors[actor];
        let mut shop = String::new();
        if network.is_some() {
            let _ = write!(
                shop,
                "{}{} {} {}",
                data::COMPANY_WORDS.choose(rng).unwrap(),
                ["Deal", "Best", "Top", "Mega", "Hot"].choose(rng).unwrap(),
                ["Sneaker", "Fashion", "Brand", "Luxe", "Style"]
                    .choose(rng)
                    .unwrap(),
                data::SHOP_WORDS.choose(rng).unwrap()
            );
            if rng.random_bool(0.5) {
                let _ = write!(shop, " {}", rng.random_range(1..99));
            }
        } else if a.kind == Kind::Company {
            let first = a.company.split(' ').next_back().unwrap_or("Shop");
            let word = a
                .company
                .split(' ')
                .find(|w| data::COMPANY_WORDS.contains(w))
                .unwrap_or(first);
            let _ = write!(shop, "{word} {}", data::SHOP_WORDS.choose(rng).unwrap());
        } else {
            let (g, _) = actors::name_parts(a);
            let _ = write!(shop, "{g}'s {}", data::SHOP_WORDS.choose(rng).unwrap());
        }
        self.accounts.push(Account {
            id,
            mkt,
            actor,
            network,
            created,
            suspended: None,
            closed: false,
            shop,
            listings: Vec::new(),
        });
        (self.accounts.len() - 1) as u32
    }

    fn new_listing_id(ids: &mut Ids, mkt: usize) -> String {
        if mkt == BAZAAR {
            ids.bazaar_listings += 1;
            format!("BZL{:09}", scramble(ids.bazaar_listings, 9))
        } else {
            ids.emporium_listings += 1;
            format!("E{:010X}", scramble(ids.emporium_listings, 10) * 13)
        }
    }

    fn open_accounts(&mut self, rng: &mut ChaCha8Rng, ids: &mut Ids) {
        let days = self.days;
        // Honest accounts, mostly older than the period.
        for li in 0..self.legit.len() {
            let actor = self.legit[li].actor;
            let r = rng.random::<f64>();
            let mkts: &[usize] = if r < 0.45 {
                &[BAZAAR]
            } else if r < 0.8 {
                &[EMPORIUM]
            } else {
                &[BAZAAR, EMPORIUM]
            };
            for &mkt in mkts {
                let created = if rng.random_bool(0.85) {
                    -rng.random_range(30..1500)
                } else {
                    rng.random_range(0..days)
                };
                let acc = self.new_account(rng, ids, mkt, actor, None, created);
                if rng.random_bool(0.02) {
                    self.accounts[acc as usize].closed = true;
                }
                self.legit[li].accounts.push(acc);
                let n = rng.random_range(1..=2 * self.cfg.listings_per_account);
                for _ in 0..n {
                    self.honest_listing(rng, ids, li, acc);
                }
            }
        }
        // Counterfeit accounts: an initial set on both marketplaces, then re-registrations.
        for ni in 0..self.networks.len() {
            let n0 =
                rng.random_range(self.cfg.network_accounts_min..=self.cfg.network_accounts_max);
            let mut queue: Vec<(usize, i32)> = (0..n0)
                .map(|k| {
                    let mkt = if k < 2 { k } else { rng.random_range(0..2) };
                    (mkt, -rng.random_range(10..400))
                })
                .collect();
            let mut guard = 0;
            while let Some((mkt, created)) = queue.pop() {
                guard += 1;
                let net = &self.networks[ni];
                let owner = *net.members.choose(rng).unwrap();
                let acc = self.new_account(rng, ids, mkt, owner, Some(ni), created);
                self.networks[ni].accounts.push(acc);
                let n = rng.random_range(2..=2 * self.cfg.listings_per_account);
                for _ in 0..n {
                    self.counterfeit_listing(rng, ids, ni, acc);
                }
                if rng.random_bool(self.cfg.suspension_share) {
                    let from = created.max(0);
                    if from < days {
                        let day = rng.random_range(from..days);
                        self.accounts[acc as usize].suspended = Some(day);
                        if guard < 64 && rng.random_bool(self.cfg.reregistration_share) {
                            let again = day + rng.random_range(0..10);
                            if again < days {
                                let m2 = if rng.random_bool(0.6) { mkt } else { 1 - mkt };
                                queue.push((m2, again));
                            }
                        }
                    }
                }
            }
        }
    }

    fn push_listing(&mut self, acc: u32, mut l: Listing) {
        l.account = acc;
        let idx = self.listings.len() as u32;
        self.listings.push(l);
        self.accounts[acc as usize].listings.push(idx);
    }

    fn listing_created(&self, rng: &mut ChaCha8Rng, acc: u32) -> i32 {
        let a = &self.accounts[acc as usize];
        let end = a.suspended.unwrap_or(self.days).max(a.created + 1);
        let latest = (a.created + 5).min(end);
        rng.random_range(a.created..=latest.max(a.created))
    }

    fn honest_listing(&mut self, rng: &mut ChaCha8Rng, ids: &mut Ids, li: usize, acc: u32) {
        let mkt = self.accounts[acc as usize].mkt;
        let seller = &self.legit[li];
        let country = self.actors[seller.actor].country;
        let category = *seller.categories.choose(rng).unwrap();
        let cat = &CATEGORIES[category];
        let desc = cat.descriptions.choose(rng).unwrap();
        let mut title = String::new();
        let mut brand_field = String::new();
        let mut brand = None;
        let mut exception = false;
        let mut gtin = None;
        let price;
        let authorised: Vec<usize> = seller
            .authorised_for
            .iter()
            .copied()
            .filter(|&b| self.brands[b].t.categories.contains(&category))
            .collect();
        if !authorised.is_empty() && rng.random_bool(0.7) {
            let b = *authorised.choose(rng).unwrap();
            let br = &self.brands[b];
            let pos = br.cat_pos(category);
            let mark = if rng.random_bool(0.5) {
                br.t.name
            } else {
                br.t.extra_mark
            };
            let _ = write!(title, "{mark} {desc} - {}", rng.random_range(100..999));
            brand_field.push_str(br.t.name);
            brand = Some(b);
            price = pence(
                rng,
                br.retail[pos] as f64 * 0.85,
                br.retail[pos] as f64 * 1.1,
            );
            gtin = br.gtins.choose(rng).cloned();
        } else if rng.random_bool(0.04) {
            // An honest product whose name looks like a brand ("Nivon lens cap").
            let b = rng.random_range(0..self.brands.len());
            let t = self.brands[b].t;
            let _ = write!(title, "{} {}", t.lookalike_exception, t.exception_goods);
            brand_field.push_str(t.lookalike_exception);
            exception = true;
            price = pence(rng, 3.0, 25.0);
        } else {
            let _ = write!(title, "{} {desc}", SHOP_ADJ.choose(rng).unwrap());
            if rng.random_bool(0.3) {
                brand_field.push_str("Generic");
            }
            price = pence(
                rng,
                cat.plausible_min_gbp as f64 * 1.5,
                cat.generic_max_gbp as f64 * 1.4,
            );
            if rng.random_bool(0.5) {
                gtin = Some(gtin13(rng, "69"));
            }
        }
        let created = self.listing_created(rng, acc);
        let l = Listing {
            id: Self::new_listing_id(ids, mkt),
            account: acc,
            brand,
            category,
            counterfeit: false,
            exception,
            title,
            brand_field,
            price,
            retail: price,
            created,
            removed: None,
            images: [rng.random(), rng.random()],
            gtin,
            ships_from: country,
        };
        self.push_listing(acc, l);
    }

    fn counterfeit_listing(&mut self, rng: &mut ChaCha8Rng, ids: &mut Ids, ni: usize, acc: u32) {
        let mkt = self.accounts[acc as usize].mkt;
        let net = &self.networks[ni];
        let b = *net.brands.choose(rng).unwrap();
        let br = &self.brands[b];
        let category = *br.t.categories.choose(rng).unwrap();
        let pos = br.cat_pos(category);
        let desc = CATEGORIES[category].descriptions.choose(rng).unwrap();
        let mut title = String::new();
        let r = rng.random::<f64>();
        if r < 0.6 {
            let mark = if rng.random_bool(0.6) {
                br.t.name
            } else {
                br.t.extra_mark
            };
            let _ = write!(title, "{mark} {desc} {}", SHOP_ADJ.choose(rng).unwrap());
        } else if r < 0.85 {
            let _ = write!(title, "{} {desc}", br.lookalikes.choose(rng).unwrap());
        } else {
            let _ = write!(
                title,
                "{} {desc} top quality",
                SHOP_ADJ.choose(rng).unwrap()
            );
        }
        let brand_field = match rng.random_range(0..20) {
            0..=6 => br.t.name.to_string(),
            7..=11 => "Generic".to_string(),
            _ => String::new(),
        };
        let floor = br.floors[pos] as f64;
        let price = if rng.random_bool(0.7) {
            pence(rng, floor * 0.2, floor * 0.6)
        } else {
            pence(rng, floor * 0.75, floor * 0.95)
        };
        let images = [*net.images.choose(rng).unwrap(), rng.random()];
        let gtin = if rng.random_bool(0.3) {
            br.gtins.choose(rng).cloned()
        } else {
            None
        };
        let retail = br.retail[pos] * 100;
        let ships_from = if rng.random_bool(0.2) {
            data::GB
        } else {
            net.country
        };
        let created = self.listing_created(rng, acc);
        let l = Listing {
            id: Self::new_listing_id(ids, mkt),
            account: acc,
            brand: Some(b),
            category,
            counterfeit: true,
            exception: false,
            title,
            brand_field,
            price,
            retail,
            created,
            removed: None,
            images,
            gtin,
            ships_from,
        };
        self.push_listing(acc, l);
    }

    fn marketplace_actions(&mut self, rng: &mut ChaCha8Rng) {
        let mut out = Vec::new();
        for (ai, acc) in self.accounts.iter().enumerate() {
            if let Some(day) = acc.suspended {
                out.push(MktOutcome {
                    id: String::new(),
                    mkt: acc.mkt,
                    action: MktAction::Suspend,
                    account: ai as u32,
                    listing: None,
                    day,
                    note: "counterfeit goods policy",
                });
            }
        }
        for li in 0..self.listings.len() {
            let acc = self.listings[li].account as usize;
            let a = &self.accounts[acc];
            let l = &self.listings[li];
            let removal = if let Some(day) = a.suspended {
                Some((day.max(l.created), "account suspended"))
            } else if rng.random_bool(if l.counterfeit {
                self.cfg.counterfeit_listing_removal_share
            } else {
                self.cfg.legit_listing_removal_share
            }) {
                Some((
                    rng.random_range(l.created.max(0)..self.days.max(l.created.max(0) + 1)),
                    "rights owner notice",
                ))
            } else {
                None
            };
            if let Some((day, note)) = removal {
                let day = day.min(self.days - 1);
                self.listings[li].removed = Some(day);
                out.push(MktOutcome {
                    id: String::new(),
                    mkt: a.mkt,
                    action: MktAction::Remove,
                    account: acc as u32,
                    listing: Some(li as u32),
                    day,
                    note,
                });
            }
        }
        out.sort_by_key(|o| (o.mkt, o.day, o.account, o.listing));
        let mut counters = [0u32; 2];
        for o in &mut out {
            counters[o.mkt] += 1;
            o.id = if o.mkt == BAZAAR {
                format!("BZA-{:06}", counters[0])
            } else {
                format!("EMP-ENF-{:05}", counters[1])
            };
        }
        self.mkt_outcomes = out;
    }

    fn plan_test_buys(&mut self, rng: &mut ChaCha8Rng) {
        let mut by_brand: Vec<Vec<u32>> = vec![Vec::new(); self.brands.len()];
        for (li, l) in self.listings.iter().enumerate() {
            if let Some(b) = l.brand {
                by_brand[b].push(li as u32);
            }
        }
        let mut buys = Vec::new();
        for (b, pool) in by_brand.iter().enumerate() {
            if pool.is_empty() {
                continue;
            }
            for _ in 0..self.cfg.test_buys_per_brand {
                let li = *pool.choose(rng).unwrap();
                let l = &self.listings[li as usize];
                let from = l.created.max(0);
                let to = l.removed.unwrap_or(self.days).max(from + 1);
                buys.push(TestBuy {
                    id: String::new(),
                    brand: b,
                    listing: li,
                    day: rng.random_range(from..to),
                });
            }
        }
        buys.sort_by_key(|t| (self.brands[t.brand].owner, t.day, t.listing));
        for (i, t) in buys.iter_mut().enumerate() {
            t.id = format!("TB{:05}", i + 1);
        }
        self.test_buys = buys;
    }

    fn build_watchlist(&mut self, rng: &mut ChaCha8Rng, ids: &mut Ids) {
        let mut entries = Vec::new();
        let mut subjects: Vec<(usize, &'static str, &'static str)> = Vec::new();
        for net in &self.networks {
            for a in net.shippers() {
                if rng.random_bool(self.cfg.watchlist_coverage) {
                    subjects.push((a, "known-counterfeiters", "seized counterfeit goods"));
                }
            }
            for &d in &net.drops {
                if rng.random_bool(self.cfg.watchlist_coverage * 0.5) {
                    subjects.push((d, "drop-addresses", "receives counterfeit consignments"));
                }
            }
        }
        let real = subjects.len();
        // Noise: people who appear nowhere else, and honest sellers named in unverified tips.
        let n_noise = (real as f64 * self.cfg.watchlist_noise_share).round() as usize;
        for k in 0..n_noise {
            if k % 5 == 4 && !self.legit.is_empty() {
                let s = self.legit[rng.random_range(0..self.legit.len())].actor;
                subjects.push((s, "tips", "unverified complaint"));
            } else {
                let c = [data::CN, data::HK, data::TR, data::GB][k % 4];
                let a = if k % 3 == 0 {
                    actors::company(rng, ids.actor(), c)
                } else {
                    actors::person(rng, ids.actor(), c)
                };
                self.actors.push(a);
                subjects.push((
                    self.actors.len() - 1,
                    "known-counterfeiters",
                    "historic case",
                ));
            }
        }
        subjects.shuffle(rng);
        for (i, (actor, list, reason)) in subjects.into_iter().enumerate() {
            let mut mask = 0u8;
            while mask == 0 {
                mask = rng.random_range(0..16u8);
            }
            if self.actors[actor].bank.is_empty() {
                mask &= !8;
                if mask == 0 {
                    mask = 1;
                }
            }
            entries.push(WatchEntry {
                id: format!("IPCC-W-{:05}", i + 1),
                actor,
                mask,
                list,
                reason,
                added: -rng.random_range(1..900),
            });
        }
        self.watchlist = entries;
    }

    /// The account active for a network on `day`, if any, chosen at random.
    pub fn network_account(&self, rng: &mut impl Rng, ni: usize, day: i32) -> Option<u32> {
        let net = &self.networks[ni];
        let active = net
            .accounts
            .iter()
            .filter(|&&a| self.accounts[a as usize].active_on(day))
            .count();
        if active == 0 {
            return None;
        }
        let k = rng.random_range(0..active);
        net.accounts
            .iter()
            .copied()
            .filter(|&a| self.accounts[a as usize].active_on(day))
            .nth(k)
    }

    pub fn pick_legit(&self, rng: &mut impl Rng) -> usize {
        self.legit_pick.sample(rng)
    }

    pub fn pick_legit_cn(&self, rng: &mut impl Rng) -> Option<usize> {
        if self.legit_cn.is_empty() {
            None
        } else {
            Some(self.legit_cn[self.legit_cn_pick.sample(rng)])
        }
    }

    pub fn pick_network(&self, rng: &mut impl Rng) -> usize {
        self.network_pick.sample(rng)
    }

    pub fn date(&self, day: i32) -> chrono::NaiveDate {
        self.start + chrono::Duration::days(day as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookalike_spellings_of_a_mark() {
        let l = lookalikes("Nivo");
        assert!(l.contains(&"N1vo".to_string()), "{l:?}");
        assert!(l.contains(&"N.I.V.O".to_string()), "{l:?}");
        assert!(l.contains(&"Nivvo".to_string()), "{l:?}");
        assert!(l.contains(&"Nivо".to_string()), "{l:?}"); // Cyrillic o
        assert!(l.iter().all(|s| s != "Nivo"));
    }

    #[test]
    fn gtin_check_digit() {
        let mut rng = crate::rng_for(1, 1, 1);
        let g = gtin13(&mut rng, "400638133393");
        assert_eq!(g, "4006381333931");
    }
}

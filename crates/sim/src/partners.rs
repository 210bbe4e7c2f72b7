//! The partner files that are not shipments: marketplace sellers, listings and actions, brand
//! files and test buys, the coordination centre's watch list; and the truth files.

use std::fmt::Write as _;
use std::path::Path;

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::actors::{self, Kind, PartyView, RenderOpts};
use crate::data::{self, CATEGORIES, COUNTRIES};
use crate::out::{self, CorruptCols, Corruption, OutFile, Row};
use crate::world::{BAZAAR, BRAND_ORGS, EMPORIUM, MARKETPLACE_ORGS, MktAction, World};
use crate::{SimError, SimSummary};

pub const BAZAAR_SELLERS: &str = "mkt-bazaar/sellers.ndjson";
pub const BAZAAR_LISTINGS: &str = "mkt-bazaar/listings.ndjson";
pub const BAZAAR_ACTIONS: &str = "mkt-bazaar/actions.csv";
pub const EMPORIUM_SELLERS: &str = "mkt-emporium/sellers.ndjson";
pub const EMPORIUM_LISTINGS: &str = "mkt-emporium/listings.ndjson";
pub const EMPORIUM_ACTIONS: &str = "mkt-emporium/enforcement.ndjson";
pub const ALTUS_BRANDS: &str = "brand-altus/brands.ndjson";
pub const ALTUS_TEST_BUYS: &str = "brand-altus/test_buys.csv";
pub const CORVID_BRANDS: &str = "brand-corvid/brands.ndjson";
pub const CORVID_TEST_BUYS: &str = "brand-corvid/test_purchases.csv";
pub const WATCHLIST: &str = "ipcc/watchlist.csv";

/// Ground truth written alongside the exports.
pub struct Truth {
    pub actors: OutFile,
    pub items: OutFile,
    pub shipments: OutFile,
    /// (path, 1-based physical line, kind) of every corrupted row.
    pub corrupted: Vec<(String, u64, Corruption)>,
    pub pool_used: Vec<bool>,
    pub consumers_used: Vec<bool>,
}

impl Truth {
    pub fn create(root: &Path, world: &World) -> Result<Truth, SimError> {
        let mut actors = OutFile::create(root, "truth/actors.csv")?;
        actors.header(b"org,feed,source_id,true_id")?;
        let mut items = OutFile::create(root, "truth/items.csv")?;
        items.header(b"org,feed,source_id,counterfeit,retail_value")?;
        let mut shipments = OutFile::create(root, "truth/shipments.csv")?;
        shipments.header(
            b"carrier_source_id,customs_source_id,counterfeit,network,tells,rule_hit,inspected",
        )?;
        Ok(Truth {
            actors,
            items,
            shipments,
            corrupted: Vec::new(),
            pool_used: vec![false; world.actors.len()],
            consumers_used: vec![false; world.cfg.consumers()],
        })
    }

    fn actor(
        &mut self,
        world: &World,
        org: &str,
        feed: &str,
        source_id: &str,
        actor: usize,
    ) -> Result<(), SimError> {
        self.pool_used[actor] = true;
        let line = format!("{org},{feed},{source_id},{}", world.actors[actor].true_id);
        self.actors.row(line.as_bytes())?;
        Ok(())
    }

    fn item(
        &mut self,
        org: &str,
        feed: &str,
        source_id: &str,
        counterfeit: bool,
        pence: u64,
    ) -> Result<(), SimError> {
        let line = format!(
            "{org},{feed},{source_id},{counterfeit},{}.{:02}",
            pence / 100,
            pence % 100
        );
        self.items.row(line.as_bytes())?;
        Ok(())
    }

    /// Writes the remaining truth files and completes the summary.
    pub fn finish(
        mut self,
        root: &Path,
        world: &World,
        summary: &mut SimSummary,
    ) -> Result<(), SimError> {
        let mut nets = OutFile::create(root, "truth/networks.csv")?;
        nets.header(b"network,true_id,role")?;
        for (ni, n) in world.networks.iter().enumerate() {
            for &m in &n.members {
                nets.row(format!("N{:03},{},member", ni + 1, world.actors[m].true_id).as_bytes())?;
            }
            if let Some(f) = n.front {
                nets.row(
                    format!("N{:03},{},front_company", ni + 1, world.actors[f].true_id).as_bytes(),
                )?;
            }
            for &d in &n.drops {
                nets.row(format!("N{:03},{},drop", ni + 1, world.actors[d].true_id).as_bytes())?;
            }
        }
        nets.finish()?;
        self.corrupted.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut cor = OutFile::create(root, "truth/corrupted.csv")?;
        cor.header(b"path,line,kind")?;
        for (path, line, kind) in &self.corrupted {
            cor.row(format!("{path},{line},{}", kind.as_str()).as_bytes())?;
        }
        cor.finish()?;
        summary.corrupted_rows = self.corrupted.len();
        summary.party_records = self.actors.rows;
        summary.true_actors = self.pool_used.iter().filter(|u| **u).count()
            + self.consumers_used.iter().filter(|u| **u).count();
        self.actors.finish()?;
        self.items.finish()?;
        self.shipments.finish()?;
        Ok(())
    }
}

fn iso_minutes(world: &World, day: i32, minute: u32, fmt: &str) -> String {
    let t = world
        .date(day)
        .and_hms_opt(minute / 60 % 24, minute % 60, 0)
        .unwrap();
    t.format(fmt).to_string()
}

fn money(pence: u64) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

fn maybe_corrupt(
    rng: &mut ChaCha8Rng,
    share: f64,
    kinds: &'static [Corruption],
) -> Option<Corruption> {
    if share > 0.0 && rng.random_bool(share) {
        Some(*kinds.choose(rng).unwrap())
    } else {
        None
    }
}

/// Writes an NDJSON row and records its corruption.
fn json_row(
    f: &mut OutFile,
    truth: &mut Truth,
    value: Value,
    corruption: Option<Corruption>,
    id_key: &str,
    date_key: &str,
    buf: &mut Vec<u8>,
) -> Result<(), SimError> {
    buf.clear();
    out::json_line(value, corruption, id_key, date_key, buf);
    let line = f.row(buf)?;
    if let Some(k) = corruption {
        truth.corrupted.push((f.rel.clone(), line, k));
    }
    Ok(())
}

fn csv_row(
    f: &mut OutFile,
    truth: &mut Truth,
    row: &Row,
    delim: u8,
    corruption: Option<Corruption>,
    cols: &CorruptCols,
    buf: &mut Vec<u8>,
) -> Result<(), SimError> {
    buf.clear();
    row.write(delim, buf, corruption.map(|k| (k, cols)));
    let line = f.row(buf)?;
    if let Some(k) = corruption {
        truth.corrupted.push((f.rel.clone(), line, k));
    }
    Ok(())
}

fn opt(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::String(s.to_string())
    }
}

pub fn write_all(
    world: &World,
    root: &Path,
    truth: &mut Truth,
    summary: &mut SimSummary,
) -> Result<(), SimError> {
    let cfg = &world.cfg;
    let mut rng = crate::rng_for(cfg.seed, crate::STREAM_FILES, 0);
    let mut buf = Vec::new();
    let mut view = PartyView::default();
    let mut second = String::new();
    let mut line = String::new();
    let share = cfg.corrupt_share;

    // Brands first: the ingester reads marks and floors before it scores anything.
    write_brands(world, root, truth, summary, &mut rng)?;

    // Marketplace sellers.
    let mut bz = OutFile::create(root, BAZAAR_SELLERS)?;
    let mut em = OutFile::create(root, EMPORIUM_SELLERS)?;
    for acc in &world.accounts {
        let a = &world.actors[acc.actor];
        let opts = RenderOpts {
            vary: if a.aliases {
                cfg.network_variation_share
            } else {
                cfg.variation_share
            },
            phone_region: if acc.mkt == BAZAAR {
                Some(data::CN)
            } else {
                Some(data::GB)
            },
            junk: 0.0,
        };
        actors::render(a, &mut rng, &opts, &mut view);
        summary.varied_party_appearances += view.varied as usize;
        actors::write_phone(a, &mut rng, opts.phone_region, &mut second);
        let status_day = acc.suspended;
        let created = iso_minutes(
            world,
            acc.created,
            rng.random_range(0..1440),
            "%Y-%m-%dT%H:%M:00Z",
        );
        let org = MARKETPLACE_ORGS[acc.mkt];
        truth.actor(world, org, "sellers", &acc.id, acc.actor)?;
        let corruption = maybe_corrupt(&mut rng, share, Corruption::NDJSON);
        if acc.mkt == BAZAAR {
            let status = if acc.closed {
                "CLOSED"
            } else if status_day.is_some() {
                "SUSPENDED"
            } else {
                "ACTIVE"
            };
            let mut phones = vec![view.phone.clone()];
            if second != view.phone && rng.random_bool(0.3) {
                phones.push(second.clone());
            }
            let v = json!({
                "seller_id": acc.id,
                "shop": {"name": acc.shop, "opened_at": created, "status": status},
                "owner": {
                    "type": if a.kind == Kind::Person { "INDIVIDUAL" } else { "BUSINESS" },
                    "full_name": view.name,
                    "emails": [view.email],
                    "phones": phones,
                    "tax_id": opt(&view.tax_id),
                },
                "address": {
                    "street": view.addr1, "street2": opt(&view.addr2), "city": view.city,
                    "postcode": opt(&view.postcode), "province": opt(&view.region), "country": view.country,
                },
                "payout": {"bank_account": opt(&view.bank)},
            });
            json_row(
                &mut bz,
                truth,
                v,
                corruption,
                "seller_id",
                "shop.opened_at",
                &mut buf,
            )?;
        } else {
            let state = if acc.closed {
                "DEACTIVATED"
            } else if status_day.is_some() {
                "BLOCKED"
            } else {
                "LIVE"
            };
            view.address_line(&mut line);
            let mut warehouses = Vec::new();
            if acc.network.is_some() && rng.random_bool(0.4) {
                // Counterfeiters name the consolidator's warehouse as their dispatch address.
                let mut hub = PartyView::default();
                actors::render(&world.actors[world.consolidator], &mut rng, &opts, &mut hub);
                let mut h = String::new();
                hub.address_line(&mut h);
                warehouses.push(h);
            }
            let member_since = world.date(acc.created).format("%d %b %Y").to_string();
            let v = json!({
                "accountRef": acc.id,
                "displayName": acc.shop,
                "memberSince": member_since,
                "state": state,
                "legalEntity": {
                    "legalName": view.name,
                    "entityType": if a.kind == Kind::Person { "Person" } else { "Company" },
                    "registrationNo": opt(&view.tax_id),
                    "countryOfRegistration": COUNTRIES[a.country].name,
                },
                "emailAddresses": [view.email],
                "phoneNumbers": [view.phone],
                "registeredAddress": line,
                "warehouseAddresses": warehouses,
                "payoutAccount": {"iban": opt(&view.bank)},
            });
            json_row(
                &mut em,
                truth,
                v,
                corruption,
                "accountRef",
                "memberSince",
                &mut buf,
            )?;
        }
    }
    for f in [bz, em] {
        let (p, r) = f.finish()?;
        summary.files.insert(p, r);
    }

    // Listings.
    let mut bz = OutFile::create(root, BAZAAR_LISTINGS)?;
    let mut em = OutFile::create(root, EMPORIUM_LISTINGS)?;
    for l in &world.listings {
        let acc = &world.accounts[l.account as usize];
        let org = MARKETPLACE_ORGS[acc.mkt];
        truth.item(org, "listings", &l.id, l.counterfeit, l.retail as u64)?;
        let corruption = maybe_corrupt(&mut rng, share, Corruption::NDJSON);
        let minute = rng.random_range(0..1440);
        let cat = &CATEGORIES[l.category];
        let hashes: Vec<String> = l.images.iter().map(|h| format!("{h:016x}")).collect();
        if acc.mkt == BAZAAR {
            let mut v = json!({
                "item_id": l.id,
                "seller_id": acc.id,
                "title": l.title,
                "category_path": cat.bazaar_path,
                "price": {"value": l.price as f64 / 100.0, "currency": "GBP"},
                "gtin": l.gtin.iter().collect::<Vec<_>>(),
                "media": {"phash": hashes},
                "ships_from": COUNTRIES[l.ships_from].code,
                "created_at": iso_minutes(world, l.created, minute, "%Y-%m-%dT%H:%M:00Z"),
            });
            if !l.brand_field.is_empty() {
                v["brand_name"] = Value::String(l.brand_field.clone());
            }
            json_row(
                &mut bz,
                truth,
                v,
                corruption,
                "item_id",
                "created_at",
                &mut buf,
            )?;
        } else {
            let eur = (l.price as f64 * 1.17).round() as u64;
            let v = json!({
                "listingRef": l.id,
                "account": {"ref": acc.id},
                "headline": l.title,
                "attributes": {
                    "brand": opt(&l.brand_field),
                    "categoryCode": cat.emporium_code,
                    "ean": l.gtin.clone(),
                },
                "offer": {"amount": money(eur), "currency": "EUR"},
                "imageHashes": hashes,
                "dispatchCountry": COUNTRIES[l.ships_from].name,
                "listedAt": iso_minutes(world, l.created, minute, "%Y/%m/%d %H:%M"),
            });
            json_row(
                &mut em,
                truth,
                v,
                corruption,
                "listingRef",
                "listedAt",
                &mut buf,
            )?;
        }
    }
    for f in [bz, em] {
        let (p, r) = f.finish()?;
        summary.files.insert(p, r);
    }

    // Marketplace actions.
    let mut bz = OutFile::create(root, BAZAAR_ACTIONS)?;
    bz.header(&out::header(
        &[
            "action_id",
            "action",
            "seller",
            "listing",
            "acted_on",
            "reason",
        ],
        b',',
    ))?;
    let bz_cols = CorruptCols {
        id: 0,
        date: Some(4),
        amount: None,
        bad_date: "0000-00-00 00:00:00",
    };
    let mut em = OutFile::create(root, EMPORIUM_ACTIONS)?;
    let mut row = Row::new();
    for o in &world.mkt_outcomes {
        let acc = &world.accounts[o.account as usize];
        let minute = rng.random_range(0..1440);
        if o.mkt == BAZAAR {
            let corruption = maybe_corrupt(&mut rng, share, bz_cols.kinds());
            row.clear();
            row.push(&o.id);
            row.push(if o.action == MktAction::Suspend {
                "SUSPEND_ACCOUNT"
            } else {
                "REMOVE_LISTING"
            });
            row.push(&acc.id);
            row.push(
                o.listing
                    .map(|l| world.listings[l as usize].id.as_str())
                    .unwrap_or(""),
            );
            row.push(&iso_minutes(world, o.day, minute, "%Y-%m-%d %H:%M:%S"));
            row.push(o.note);
            csv_row(&mut bz, truth, &row, b',', corruption, &bz_cols, &mut buf)?;
        } else {
            debug_assert_eq!(o.mkt, EMPORIUM);
            let corruption = maybe_corrupt(&mut rng, share, Corruption::NDJSON);
            let mut v = json!({
                "caseNo": o.id,
                "measure": if o.action == MktAction::Suspend { "ACCOUNT_TERMINATION" } else { "TAKEDOWN" },
                "account": {"ref": acc.id},
                "effectiveDate": world.date(o.day).format("%Y-%m-%d").to_string(),
                "note": o.note,
            });
            if let Some(l) = o.listing {
                v["listing"] = json!({"ref": world.listings[l as usize].id});
            }
            json_row(
                &mut em,
                truth,
                v,
                corruption,
                "caseNo",
                "effectiveDate",
                &mut buf,
            )?;
        }
    }
    for f in [bz, em] {
        let (p, r) = f.finish()?;
        summary.outcomes += r;
        summary.files.insert(p, r);
    }

    write_test_buys(world, root, truth, summary, &mut rng)?;
    write_watchlist(world, root, truth, summary, &mut rng)?;
    Ok(())
}

fn write_brands(
    world: &World,
    root: &Path,
    truth: &mut Truth,
    summary: &mut SimSummary,
    rng: &mut ChaCha8Rng,
) -> Result<(), SimError> {
    let mut files = [
        OutFile::create(root, ALTUS_BRANDS)?,
        OutFile::create(root, CORVID_BRANDS)?,
    ];
    let mut view = PartyView::default();
    let mut buf = Vec::new();
    let opts = RenderOpts {
        vary: world.cfg.variation_share,
        phone_region: None,
        junk: 0.0,
    };
    for b in &world.brands {
        let org = BRAND_ORGS[b.owner];
        let mut partners = Vec::new();
        for (n, &a) in b.authorised.iter().enumerate() {
            truth.actor(
                world,
                org,
                "brands",
                &format!("{}#authorised#{}", b.id, n + 1),
                a,
            )?;
            actors::render(&world.actors[a], rng, &opts, &mut view);
            summary.varied_party_appearances += view.varied as usize;
            let mut line = String::new();
            view.address_line(&mut line);
            partners.push(if b.owner == 0 {
                json!({
                    "company": view.name,
                    "type": "company",
                    "email": view.email,
                    "phone": view.phone,
                    "address": {"street": view.addr1, "city": view.city, "postcode": opt(&view.postcode), "country": view.country},
                    "vat": opt(&view.tax_id),
                })
            } else {
                json!({
                    "legalName": view.name,
                    "tel": view.phone,
                    "mail": view.email,
                    "addressLine": line,
                    "countryCode": view.country,
                    "vatNo": opt(&view.tax_id),
                })
            });
        }
        let cats: Vec<&str> = b.t.categories.iter().map(|&c| CATEGORIES[c].name).collect();
        let v = if b.owner == 0 {
            let floors: Vec<Value> = b.t.categories.iter().zip(&b.floors)
                .map(|(&c, f)| json!({"line": CATEGORIES[c].name, "min_price": {"amount": format!("{f}.00"), "currency": "GBP"}}))
                .collect();
            json!({
                "brand_ref": b.id,
                "brand": b.t.name,
                "trademarks": [b.t.name.to_uppercase(), b.t.extra_mark],
                "not_our_marks": [b.t.lookalike_exception],
                "product_lines": cats,
                "factories": b.t.origins,
                "lanes": b.lanes,
                "floors": floors,
                "authorised_resellers": partners,
            })
        } else {
            let floors: Vec<Value> = b.t.categories.iter().zip(&b.floors)
                .map(|(&c, f)| json!({"segment": CATEGORIES[c].name, "price": format!("GBP {f}.00")}))
                .collect();
            json!({
                "id": b.id,
                "label": b.t.name,
                "wordMarks": [b.t.name, b.t.extra_mark],
                "knownLookalikes": [b.t.lookalike_exception],
                "segments": cats,
                "originCountries": b.t.origins,
                "routes": b.lanes,
                "minimumPrices": floors,
                "partners": partners,
            })
        };
        json_row(&mut files[b.owner], truth, v, None, "", "", &mut buf)?;
    }
    for f in files {
        let (p, r) = f.finish()?;
        summary.files.insert(p, r);
    }
    Ok(())
}

fn write_test_buys(
    world: &World,
    root: &Path,
    truth: &mut Truth,
    summary: &mut SimSummary,
    rng: &mut ChaCha8Rng,
) -> Result<(), SimError> {
    let mut altus = OutFile::create(root, ALTUS_TEST_BUYS)?;
    altus.header(&out::header(
        &[
            "tb_ref",
            "marketplace",
            "listing",
            "seller",
            "purchased",
            "verdict",
            "brand",
            "retail_gbp",
            "notes",
        ],
        b',',
    ))?;
    let altus_cols = CorruptCols {
        id: 0,
        date: Some(4),
        amount: Some(7),
        bad_date: "0000-00-00",
    };
    let mut corvid = OutFile::create(root, CORVID_TEST_BUYS)?;
    corvid.header(&out::header(
        &[
            "Reference",
            "Platform",
            "Listing ID",
            "Seller ID",
            "Purchase Date",
            "Result",
            "Brand",
            "Retail Value",
            "Comment",
        ],
        b',',
    ))?;
    let corvid_cols = CorruptCols {
        id: 0,
        date: Some(4),
        amount: Some(7),
        bad_date: "00/00/0000",
    };
    let mut row = Row::new();
    let mut buf = Vec::new();
    for t in &world.test_buys {
        let l = &world.listings[t.listing as usize];
        let acc = &world.accounts[l.account as usize];
        let b = &world.brands[t.brand];
        let mkt = if acc.mkt == BAZAAR {
            "Bazaar"
        } else {
            "Emporium"
        };
        row.clear();
        row.push(&t.id);
        row.push(mkt);
        row.push(&l.id);
        row.push(&acc.id);
        if b.owner == 0 {
            row.push(&world.date(t.day).format("%Y-%m-%d").to_string());
            row.push(if l.counterfeit { "FAKE" } else { "GENUINE" });
            row.push(b.t.name);
            row.push(&money(l.retail as u64));
            row.push(if l.counterfeit {
                "sample confirmed counterfeit"
            } else {
                ""
            });
            let c = maybe_corrupt(rng, world.cfg.corrupt_share, altus_cols.kinds());
            csv_row(&mut altus, truth, &row, b',', c, &altus_cols, &mut buf)?;
        } else {
            row.push(&world.date(t.day).format("%m/%d/%Y").to_string());
            row.push(if l.counterfeit {
                "counterfeit"
            } else {
                "authentic"
            });
            row.push(b.t.name);
            row.push(&format!("GBP {}", money(l.retail as u64)));
            row.push("");
            let c = maybe_corrupt(rng, world.cfg.corrupt_share, corvid_cols.kinds());
            csv_row(&mut corvid, truth, &row, b',', c, &corvid_cols, &mut buf)?;
        }
    }
    for f in [altus, corvid] {
        let (p, r) = f.finish()?;
        summary.outcomes += r;
        summary.files.insert(p, r);
    }
    Ok(())
}

fn write_watchlist(
    world: &World,
    root: &Path,
    truth: &mut Truth,
    summary: &mut SimSummary,
    rng: &mut ChaCha8Rng,
) -> Result<(), SimError> {
    let mut f = OutFile::create(root, WATCHLIST)?;
    f.header(&out::header(
        &[
            "REF",
            "LIST",
            "SUBJECT_TYPE",
            "NAME",
            "ALIAS",
            "PHONE",
            "EMAIL",
            "ADDRESS",
            "COUNTRY",
            "BANK_ACCOUNT",
            "DATE_ADDED",
            "REASON",
        ],
        b',',
    ))?;
    let cols = CorruptCols {
        id: 0,
        date: Some(10),
        amount: None,
        bad_date: "00 Unknown 0000",
    };
    let mut view = PartyView::default();
    let mut alias = PartyView::default();
    let mut row = Row::new();
    let mut buf = Vec::new();
    let mut line = String::new();
    // Intelligence is partial and second-hand: names are often misspelt or transliterated.
    let opts = RenderOpts {
        vary: 0.7,
        phone_region: None,
        junk: 0.0,
    };
    for e in &world.watchlist {
        let a = &world.actors[e.actor];
        truth.actor(world, "ipcc", "parties", &e.id, e.actor)?;
        actors::render(a, rng, &opts, &mut view);
        summary.varied_party_appearances += view.varied as usize;
        row.clear();
        row.push(&e.id);
        row.push(e.list);
        row.push(if a.kind == Kind::Person {
            "PERSON"
        } else {
            "ORGANISATION"
        });
        row.push(&view.name);
        if rng.random_bool(0.3) {
            actors::render(a, rng, &opts, &mut alias);
            if alias.name != view.name {
                row.push(&alias.name)
            } else {
                row.push("")
            }
        } else {
            row.push("");
        }
        if e.mask & 1 != 0 {
            let p = row.next();
            p.push_str(&view.phone);
            if rng.random_bool(0.3) {
                let mut other = String::new();
                actors::write_phone(a, rng, None, &mut other);
                if other != view.phone {
                    let _ = write!(p, "; {other}");
                }
            }
        } else {
            row.push("");
        }
        row.push(if e.mask & 2 != 0 {
            view.email.as_str()
        } else {
            ""
        });
        view.address_line(&mut line);
        row.push(if e.mask & 4 != 0 { line.as_str() } else { "" });
        row.push(COUNTRIES[a.country].name);
        row.push(if e.mask & 8 != 0 {
            view.bank.as_str()
        } else {
            ""
        });
        row.push(&world.date(e.added).format("%d %B %Y").to_string());
        row.push(e.reason);
        let c = maybe_corrupt(rng, world.cfg.corrupt_share, cols.kinds());
        csv_row(&mut f, truth, &row, b',', c, &cols, &mut buf)?;
    }
    let (p, r) = f.finish()?;
    summary.files.insert(p, r);
    Ok(())
}

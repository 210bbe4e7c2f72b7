//! Every signal of `features::NAMES`, with records that must make it fire and near-misses
//! that must leave it quiet; then the scorer on top of them, and the guarantee that a
//! record's score reads nothing dated on or after its own day.

use interdict_model::{
    Brand, Decimal, Feed, Item, Listing, Money, OutcomeResult, Party, PartyRole, PriceFloor,
    RecordKey, Shipment,
};
use interdict_score::features::{self, N, NAMES};
use interdict_score::rules::{Fact, Target};
use interdict_score::{
    Catalogue, HUB_SHARE, Knowledge, Label, LabelTarget, Models, Observed, RulePack, Scorer,
    Signals, TOP_REASONS, day, observe,
};

/// The day every scored record is dated.
const D: &str = "2026-03-01";

/// The authorised UK distributor of Nivo.
const NIVO_DIST: u32 = 1;
/// The authorised UK distributor of Kairo.
const KAIRO_DIST: u32 = 2;
/// A retail consignee with no history.
const SHOP: u32 = 500;

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

fn dec(s: &str) -> Decimal {
    s.parse::<Decimal>().unwrap()
}

fn day_of(iso: &str) -> i32 {
    day::of(iso).unwrap()
}

fn usd(amount: &str) -> Money {
    Money {
        amount: dec(amount),
        currency: "USD".into(),
        usd: Some(dec(amount)),
    }
}

fn floor(category: &str, amount: &str, currency: &str, in_usd: &str) -> PriceFloor {
    PriceFloor {
        category: category.into(),
        price: Money {
            amount: dec(amount),
            currency: currency.into(),
            usd: Some(dec(in_usd)),
        },
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn company(name: &str) -> Party {
    Party {
        name: Some(name.into()),
        ..Party::default()
    }
}

fn nivo() -> Brand {
    Brand {
        brand_id: "BR-NIVO".into(),
        name: "Nivo".into(),
        marks: strings(&["NIVO", "Nivo Air"]),
        lookalike_exceptions: strings(&["Nivon"]),
        categories: strings(&["footwear", "apparel"]),
        price_floors: vec![
            floor("footwear", "75", "GBP", "95"),
            floor("apparel", "30", "GBP", "38"),
        ],
        genuine_origins: strings(&["VN", "ID"]),
        genuine_lanes: strings(&["VN-GB", "ID-GB"]),
        authorised: vec![company("Nivo UK Distribution Ltd")],
    }
}

fn kairo() -> Brand {
    Brand {
        brand_id: "BR-KAIRO".into(),
        name: "Kairo".into(),
        marks: strings(&["Kairo"]),
        lookalike_exceptions: strings(&["Cairo"]),
        categories: strings(&["watches"]),
        price_floors: vec![floor("watches", "120", "GBP", "150")],
        genuine_origins: strings(&["CH"]),
        genuine_lanes: strings(&["CH-GB"]),
        authorised: vec![company("Kairo Time UK Ltd")],
    }
}

fn catalogue() -> Catalogue {
    Catalogue::new(&[
        (nivo(), vec![Some(NIVO_DIST)]),
        (kairo(), vec![Some(KAIRO_DIST)]),
    ])
}

/// One item line: `qty` units declared at `total_usd` together.
fn line(desc: &str, hs: Option<&str>, qty: u32, total_usd: &str) -> Item {
    Item {
        description: desc.into(),
        hs_code: hs.map(str::to_owned),
        quantity: Some(Decimal::from(qty)),
        value: Some(usd(total_usd)),
        ..Item::default()
    }
}

fn made_in(mut item: Item, country: &str) -> Item {
    item.origin_country = Some(country.into());
    item
}

/// A parcel arriving at London Heathrow on `arrival`.
fn parcel(id: &str, arrival: &str, export: &str, items: Vec<Item>) -> Shipment {
    Shipment {
        shipment_id: id.into(),
        carrier: Some("swiftpost".into()),
        mode: Some("air".into()),
        arrival: Some(arrival.into()),
        export_country: Some(export.into()),
        port_of_arrival: Some("GBLHR".into()),
        items,
        ..Shipment::default()
    }
}

/// Plain running shoes, nothing branded, at an ordinary price.
fn plain_shoes(id: &str, arrival: &str, export: &str) -> Shipment {
    parcel(
        id,
        arrival,
        export,
        vec![line("running shoes", Some("640399"), 2, "90.00")],
    )
}

/// Genuine Nivo: made in Vietnam, shipped VN-GB by the authorised distributor, 12 pairs at
/// 125 USD a pair against a 95 USD floor.
fn genuine_nivo(id: &str, arrival: &str) -> Shipment {
    parcel(
        id,
        arrival,
        "VN",
        vec![made_in(
            line("Nivo Air running shoes", Some("640399"), 12, "1500.00"),
            "VN",
        )],
    )
}

fn roles(pairs: &[(PartyRole, u32)]) -> [Option<u32>; 6] {
    let mut a = [None; 6];
    for (r, id) in pairs {
        a[*r as usize] = Some(*id);
    }
    a
}

/// Shipper and consignee.
fn sc(shipper: u32, consignee: u32) -> [Option<u32>; 6] {
    roles(&[
        (PartyRole::Shipper, shipper),
        (PartyRole::Consignee, consignee),
    ])
}

fn offer(
    id: &str,
    title: &str,
    brand: Option<&str>,
    price_usd: &str,
    ships_from: &str,
    created: &str,
) -> Listing {
    Listing {
        marketplace: "shopmart".into(),
        listing_id: id.into(),
        seller_account_id: format!("ACC-{id}"),
        title: title.into(),
        brand: brand.map(str::to_owned),
        category: None,
        price: Some(usd(price_usd)),
        product_ids: Vec::new(),
        image_hashes: Vec::new(),
        ships_from: Some(ships_from.into()),
        created: Some(created.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A small world of records, outcomes and watch lists
// ---------------------------------------------------------------------------------------------

struct World {
    cat: Catalogue,
    obs: Vec<Observed>,
    labels: Vec<Label>,
    watch: Vec<(u32, Option<i32>)>,
}

impl World {
    fn new() -> World {
        World {
            cat: catalogue(),
            obs: Vec::new(),
            labels: Vec::new(),
            watch: Vec::new(),
        }
    }

    fn ship(&mut self, s: &Shipment, actors: [Option<u32>; 6]) -> usize {
        self.obs.push(observe::shipment(&self.cat, s, actors));
        self.obs.len() - 1
    }

    fn list(&mut self, l: &Listing, seller: u32, account_created: Option<&str>) -> usize {
        self.obs.push(observe::listing(
            &self.cat,
            l,
            Some(seller),
            account_created,
        ));
        self.obs.len() - 1
    }

    fn outcome(&mut self, result: OutcomeResult, date: &str, target: LabelTarget) {
        let n = self.labels.len();
        self.labels.push(Label {
            key: RecordKey::new("uk-customs", Feed::Outcomes, format!("OUT-{n:04}")),
            day: day::of(date),
            result,
            targets: vec![target],
        });
    }

    fn seize(&mut self, record: usize, date: &str) {
        self.outcome(
            OutcomeResult::SeizedCounterfeit,
            date,
            LabelTarget::Record(record),
        );
    }

    fn release(&mut self, record: usize, date: &str) {
        self.outcome(OutcomeResult::Released, date, LabelTarget::Record(record));
    }

    fn watch(&mut self, actor: u32, date: Option<&str>) {
        self.watch.push((actor, date.map(day_of)));
    }

    fn knowledge(&self) -> Knowledge {
        Knowledge::build(&self.obs, &self.labels, &self.watch, HUB_SHARE)
    }

    fn signals(&self, record: usize) -> Signals {
        let s = features::signals(
            &self.obs[record],
            "uk-customs",
            &self.cat,
            &self.knowledge(),
            day_of(D),
        );
        consistent(&s);
        s
    }
}

/// The signals of one shipment on its own (no history).
fn shipment_signals(s: &Shipment, actors: [Option<u32>; 6]) -> Signals {
    let mut w = World::new();
    let i = w.ship(s, actors);
    w.signals(i)
}

/// The signals of one listing on its own (no history).
fn listing_signals(l: &Listing, seller: u32, account_created: Option<&str>) -> Signals {
    let mut w = World::new();
    let i = w.list(l, seller, account_created);
    w.signals(i)
}

// ---------------------------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------------------------

fn at(name: &str) -> usize {
    NAMES
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("no signal named {name}"))
}

/// A signal that is positive has a reason, and a reason is only given for a positive signal.
fn consistent(s: &Signals) {
    for (name, (x, reason)) in NAMES.iter().zip(s.x.iter().zip(&s.reasons)) {
        assert_eq!(
            reason.is_some(),
            *x > 0.0,
            "{name}: x = {x}, reason = {reason:?}"
        );
        assert!(x.is_finite(), "{name}: x = {x}");
    }
}

/// The signal fires and its reason names every one of `figures`; returns the reason.
fn fires(s: &Signals, name: &str, figures: &[&str]) -> String {
    let i = at(name);
    assert!(s.x[i] > 0.0, "{name} should fire: x = {}", s.x[i]);
    let reason = s.reasons[i]
        .clone()
        .unwrap_or_else(|| panic!("{name} fired without a reason"));
    for f in figures {
        assert!(
            reason.contains(f),
            "{name}: reason {reason:?} does not mention {f:?}"
        );
    }
    reason
}

fn quiet(s: &Signals, name: &str) {
    let i = at(name);
    assert_eq!(s.x[i], 0.0, "{name} should be quiet: {:?}", s.reasons[i]);
    assert!(
        s.reasons[i].is_none(),
        "{name} gave a reason while quiet: {:?}",
        s.reasons[i]
    );
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// ---------------------------------------------------------------------------------------------
// What the record shows on its own
// ---------------------------------------------------------------------------------------------

#[test]
fn signal_names_are_the_eighteen_in_model_order() {
    assert_eq!(N, 18);
    assert_eq!(
        NAMES,
        [
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
        ]
    );
}

#[test]
fn a_genuine_shipment_shows_only_its_brand() {
    let s = shipment_signals(&genuine_nivo("AWB-G", D), sc(NIVO_DIST, SHOP));
    fires(&s, "brand_mark", &["Nivo"]);
    for name in NAMES.iter().filter(|n| **n != "brand_mark") {
        quiet(&s, name);
    }
}

#[test]
fn brand_mark_fires_on_a_registered_mark() {
    let s = shipment_signals(&genuine_nivo("AWB-1", D), sc(NIVO_DIST, SHOP));
    let r = fires(&s, "brand_mark", &["Nivo", "\"Nivo Air\""]);
    assert_eq!(r, "names the brand Nivo (\"Nivo Air\")");
    assert_eq!(s.x[at("brand_mark")], 1.0);

    let s = shipment_signals(
        &parcel(
            "AWB-2",
            D,
            "CH",
            vec![line("Kairo chronograph watch", Some("910211"), 1, "400.00")],
        ),
        sc(KAIRO_DIST, SHOP),
    );
    fires(&s, "brand_mark", &["Kairo", "\"Kairo\""]);

    // A listing names the brand in its brand field, not its title.
    let l = offer("L-1", "Air running shoes", Some("Nivo"), "120.00", "VN", D);
    let s = listing_signals(&l, NIVO_DIST, Some("2020-01-01"));
    fires(&s, "brand_mark", &["Nivo"]);
    quiet(&s, "brand_lookalike");
}

#[test]
fn brand_mark_is_quiet_on_near_words_and_other_brands() {
    for desc in [
        "Nivon lens cap",
        "Nikon camera",
        "Nivosport water bottle",
        "nivea cream",
        "Cairo souvenir watch",
        "running shoes",
    ] {
        let s = shipment_signals(
            &parcel("AWB-3", D, "VN", vec![line(desc, None, 1, "60.00")]),
            sc(50, SHOP),
        );
        quiet(&s, "brand_mark");
        quiet(&s, "brand_lookalike");
        // No brand, so nothing about the brand can be wrong either.
        quiet(&s, "origin_not_genuine");
        quiet(&s, "unauthorised_seller");
        assert_eq!(
            s.facts.get("brands"),
            Some(&Fact::List(Vec::new())),
            "{desc}"
        );
    }
}

#[test]
fn brand_lookalike_fires_on_disguised_spellings() {
    let s = shipment_signals(
        &parcel(
            "AWB-4",
            D,
            "CN",
            vec![line("N1VO AIR running shoes", Some("640399"), 10, "200.00")],
        ),
        sc(50, SHOP),
    );
    let r = fires(&s, "brand_lookalike", &["\"N1VO AIR\"", "Nivo"]);
    assert_eq!(r, "look-alike spelling \"N1VO AIR\" of the brand Nivo");
    // A look-alike is reported as such, not also as the plain mark.
    quiet(&s, "brand_mark");

    let s = shipment_signals(
        &parcel(
            "AWB-5",
            D,
            "HK",
            vec![line("K4IR0 chronograph watch", Some("910211"), 5, "100.00")],
        ),
        sc(50, SHOP),
    );
    fires(&s, "brand_lookalike", &["\"K4IR0\"", "Kairo"]);

    let l = offer("L-2", "Niivo trainers size 42", None, "30.00", "CN", D);
    let s = listing_signals(&l, 51, None);
    fires(&s, "brand_lookalike", &["\"Niivo\"", "Nivo"]);
}

#[test]
fn brand_lookalike_is_quiet_on_exceptions_and_exact_marks() {
    for desc in [
        "Nivon lens cap",
        "Cairo souvenir watch",
        "Caairo print scarf",
        "Nikon camera",
        "Nivo Air running shoes",
        "Kairo chronograph watch",
    ] {
        let s = shipment_signals(
            &parcel("AWB-6", D, "VN", vec![line(desc, None, 1, "200.00")]),
            sc(50, SHOP),
        );
        quiet(&s, "brand_lookalike");
    }
}

#[test]
fn below_floor_fires_with_the_unit_value_and_the_floor() {
    // 10 pairs declared at 380 USD: 38 USD a pair against the 95 USD footwear floor.
    let s = shipment_signals(
        &parcel(
            "AWB-7",
            D,
            "VN",
            vec![made_in(
                line("Nivo Air running shoes", Some("640399"), 10, "380.00"),
                "VN",
            )],
        ),
        sc(NIVO_DIST, SHOP),
    );
    let r = fires(
        &s,
        "below_floor",
        &["38.00 USD", "Nivo", "footwear", "75.00 GBP", "95.00 USD"],
    );
    assert_eq!(
        r,
        "declared 38.00 USD per unit, Nivo floor for footwear 75.00 GBP (95.00 USD)"
    );
    assert!(close(s.x[at("below_floor")], (95.0f64 / 38.0).ln()));
    // 38 USD a pair is not cheap in itself.
    quiet(&s, "low_value");

    // The apparel floor applies to a T-shirt: 19 USD against 38 USD.
    let s = shipment_signals(
        &parcel(
            "AWB-8",
            D,
            "VN",
            vec![line("Nivo cotton t-shirt", Some("610910"), 1, "19.00")],
        ),
        sc(NIVO_DIST, SHOP),
    );
    fires(
        &s,
        "below_floor",
        &["19.00 USD", "apparel", "30.00 GBP", "38.00 USD"],
    );

    // A listing asks, a shipment declares.
    let l = offer("L-3", "Nivo Air trainers", None, "45.00", "VN", D);
    let s = listing_signals(&l, NIVO_DIST, Some("2020-01-01"));
    fires(&s, "below_floor", &["asks 45.00 USD", "95.00 USD"]);
}

#[test]
fn below_floor_is_quiet_at_or_above_the_floor_and_without_a_brand() {
    // 125 USD a pair.
    let s = shipment_signals(&genuine_nivo("AWB-9", D), sc(NIVO_DIST, SHOP));
    quiet(&s, "below_floor");

    // Exactly the floor is not below it.
    let s = shipment_signals(
        &parcel(
            "AWB-10",
            D,
            "VN",
            vec![line("Nivo Air running shoes", Some("640399"), 10, "950.00")],
        ),
        sc(NIVO_DIST, SHOP),
    );
    quiet(&s, "below_floor");

    // 45 USD is far below the footwear floor, but a T-shirt is judged by the apparel floor.
    let s = shipment_signals(
        &parcel(
            "AWB-11",
            D,
            "VN",
            vec![line("Nivo cotton t-shirt", Some("610910"), 1, "45.00")],
        ),
        sc(NIVO_DIST, SHOP),
    );
    quiet(&s, "below_floor");

    // Cheap shoes that name no brand have no floor.
    let s = shipment_signals(
        &parcel(
            "AWB-12",
            D,
            "CN",
            vec![line("running shoes", Some("640399"), 10, "100.00")],
        ),
        sc(50, SHOP),
    );
    quiet(&s, "below_floor");

    // The exception names no brand either.
    let s = shipment_signals(
        &parcel(
            "AWB-13",
            D,
            "CN",
            vec![line("Nivon lens cap", None, 10, "20.00")],
        ),
        sc(50, SHOP),
    );
    quiet(&s, "below_floor");
}

#[test]
fn hs_mismatch_fires_when_the_code_does_not_fit_the_goods() {
    let s = shipment_signals(
        &parcel(
            "AWB-14",
            D,
            "VN",
            vec![line("running shoes", Some("630790"), 2, "90.00")],
        ),
        sc(50, SHOP),
    );
    let r = fires(&s, "hs_mismatch", &["630790", "\"running shoes\""]);
    assert_eq!(r, "HS code 630790 does not fit the goods \"running shoes\"");

    // The words say nothing, but the brand makes no electronics.
    let s = shipment_signals(
        &parcel(
            "AWB-15",
            D,
            "VN",
            vec![line("Nivo Air", Some("851830"), 1, "150.00")],
        ),
        sc(50, SHOP),
    );
    fires(&s, "hs_mismatch", &["851830", "\"Nivo Air\""]);
}

#[test]
fn hs_mismatch_is_quiet_when_code_and_goods_agree_or_say_nothing() {
    for (desc, hs) in [
        ("running shoes", Some("640399")),
        ("Nivo Air running shoes", Some("640399")),
        ("Nivo Air", Some("640411")),
        ("garden light", Some("940540")),
        ("gift", Some("630790")),
        ("running shoes", None),
    ] {
        let s = shipment_signals(
            &parcel("AWB-16", D, "VN", vec![line(desc, hs, 2, "300.00")]),
            sc(NIVO_DIST, SHOP),
        );
        quiet(&s, "hs_mismatch");
    }
}

#[test]
fn generic_description_fires_on_vague_goods() {
    for desc in ["gift", "GIFT", "daily necessities", "shoes"] {
        let s = shipment_signals(
            &parcel("AWB-17", D, "CN", vec![line(desc, None, 1, "30.00")]),
            sc(50, SHOP),
        );
        let r = fires(&s, "generic_description", &[&format!("\"{desc}\"")]);
        assert_eq!(r, format!("vague goods description \"{desc}\""));
    }
    let l = offer("L-4", "gift", None, "30.00", "CN", D);
    let s = listing_signals(&l, 51, None);
    fires(&s, "generic_description", &["\"gift\""]);
}

#[test]
fn generic_description_is_quiet_on_specific_goods() {
    for desc in ["running shoes", "gift box of chocolates", "silver necklace"] {
        let s = shipment_signals(
            &parcel("AWB-18", D, "CN", vec![line(desc, None, 1, "30.00")]),
            sc(50, SHOP),
        );
        quiet(&s, "generic_description");
    }
}

#[test]
fn origin_not_genuine_fires_outside_the_brand_factories() {
    // Exported from China, no origin declared: China is the origin.
    let s = shipment_signals(
        &parcel(
            "AWB-19",
            D,
            "CN",
            vec![line("Nivo Air running shoes", Some("640399"), 2, "250.00")],
        ),
        sc(NIVO_DIST, SHOP),
    );
    let r = fires(&s, "origin_not_genuine", &["CN", "Nivo", "VN, ID"]);
    assert_eq!(r, "origin CN is not where Nivo is made (VN, ID)");

    // Made in China, though it travels along a genuine lane.
    let s = shipment_signals(
        &parcel(
            "AWB-20",
            D,
            "VN",
            vec![made_in(
                line("Nivo Air running shoes", Some("640399"), 2, "250.00"),
                "CN",
            )],
        ),
        sc(NIVO_DIST, SHOP),
    );
    fires(&s, "origin_not_genuine", &["origin CN"]);
    quiet(&s, "lane_not_genuine");

    // A listing shipping from China.
    let l = offer("L-5", "Nivo Air trainers", None, "120.00", "CN", D);
    let s = listing_signals(&l, NIVO_DIST, Some("2020-01-01"));
    fires(&s, "origin_not_genuine", &["origin CN"]);
}

#[test]
fn origin_not_genuine_is_quiet_for_genuine_origins_and_unbranded_goods() {
    let s = shipment_signals(&genuine_nivo("AWB-21", D), sc(NIVO_DIST, SHOP));
    quiet(&s, "origin_not_genuine");

    let s = shipment_signals(
        &parcel(
            "AWB-22",
            D,
            "ID",
            vec![made_in(
                line("Nivo Air running shoes", Some("640399"), 2, "250.00"),
                "ID",
            )],
        ),
        sc(NIVO_DIST, SHOP),
    );
    quiet(&s, "origin_not_genuine");

    // Unbranded shoes from China: no brand, no genuine origin to compare with.
    let s = shipment_signals(&plain_shoes("AWB-23", D, "CN"), sc(50, SHOP));
    quiet(&s, "origin_not_genuine");

    let l = offer("L-6", "Nivo Air trainers", None, "120.00", "VN", D);
    let s = listing_signals(&l, NIVO_DIST, Some("2020-01-01"));
    quiet(&s, "origin_not_genuine");
}

#[test]
fn lane_not_genuine_fires_off_the_brand_lanes() {
    // Made in Vietnam, but sent to Hamburg: VN-DE is no lane of Nivo.
    let mut s = genuine_nivo("AWB-24", D);
    s.port_of_arrival = Some("DEHAM".into());
    let sig = shipment_signals(&s, sc(NIVO_DIST, SHOP));
    let r = fires(&sig, "lane_not_genuine", &["VN-DE", "Nivo"]);
    assert_eq!(r, "lane VN-DE is not a genuine lane of Nivo");
    quiet(&sig, "origin_not_genuine");

    // Made in Vietnam, exported from China.
    let s = parcel(
        "AWB-25",
        D,
        "CN",
        vec![made_in(
            line("Nivo Air running shoes", Some("640399"), 2, "250.00"),
            "VN",
        )],
    );
    let sig = shipment_signals(&s, sc(NIVO_DIST, SHOP));
    fires(&sig, "lane_not_genuine", &["CN-GB"]);
    quiet(&sig, "origin_not_genuine");
}

#[test]
fn lane_not_genuine_is_quiet_on_genuine_lanes_unbranded_goods_and_listings() {
    let s = shipment_signals(&genuine_nivo("AWB-26", D), sc(NIVO_DIST, SHOP));
    quiet(&s, "lane_not_genuine");

    // No port given: the parcel is taken to arrive in Great Britain.
    let mut g = genuine_nivo("AWB-27", D);
    g.port_of_arrival = None;
    let s = shipment_signals(&g, sc(NIVO_DIST, SHOP));
    quiet(&s, "lane_not_genuine");

    let s = shipment_signals(&plain_shoes("AWB-28", D, "CN"), sc(50, SHOP));
    quiet(&s, "lane_not_genuine");

    // Listings have no lane, even when they ship from a country the brand does not use.
    let l = offer("L-7", "Nivo Air trainers", None, "120.00", "CN", D);
    let s = listing_signals(&l, NIVO_DIST, Some("2020-01-01"));
    quiet(&s, "lane_not_genuine");
}

#[test]
fn unauthorised_seller_fires_for_anyone_but_the_brand_own_sellers() {
    let s = shipment_signals(&genuine_nivo("AWB-29", D), sc(50, SHOP));
    let r = fires(&s, "unauthorised_seller", &["Nivo"]);
    assert_eq!(r, "the seller is not an authorised seller of Nivo");

    // Authorised for Kairo is not authorised for Nivo.
    let s = shipment_signals(&genuine_nivo("AWB-30", D), sc(KAIRO_DIST, SHOP));
    fires(&s, "unauthorised_seller", &["Nivo"]);

    // A shipment without any party is not known to come from an authorised seller.
    let s = shipment_signals(&genuine_nivo("AWB-31", D), [None; 6]);
    fires(&s, "unauthorised_seller", &["Nivo"]);

    let l = offer("L-8", "Nivo Air trainers", None, "120.00", "VN", D);
    let s = listing_signals(&l, 51, Some("2020-01-01"));
    fires(&s, "unauthorised_seller", &["Nivo"]);
}

#[test]
fn unauthorised_seller_is_quiet_for_the_authorised_seller_and_unbranded_goods() {
    let s = shipment_signals(&genuine_nivo("AWB-32", D), sc(NIVO_DIST, SHOP));
    quiet(&s, "unauthorised_seller");

    // The distributor sells; a forwarder ships for it.
    let s = shipment_signals(
        &genuine_nivo("AWB-33", D),
        roles(&[
            (PartyRole::Shipper, 52),
            (PartyRole::Seller, NIVO_DIST),
            (PartyRole::Consignee, SHOP),
        ]),
    );
    quiet(&s, "unauthorised_seller");

    let s = shipment_signals(&plain_shoes("AWB-34", D, "VN"), sc(50, SHOP));
    quiet(&s, "unauthorised_seller");

    let l = offer("L-9", "Nivo Air trainers", None, "120.00", "VN", D);
    let s = listing_signals(&l, NIVO_DIST, Some("2020-01-01"));
    quiet(&s, "unauthorised_seller");
}

#[test]
fn low_value_fires_under_twenty_dollars_a_unit() {
    // 10 cases at 50 USD: 5 USD each.
    let s = shipment_signals(
        &parcel(
            "AWB-35",
            D,
            "CN",
            vec![line("silicone phone case", None, 10, "50.00")],
        ),
        sc(50, SHOP),
    );
    let r = fires(&s, "low_value", &["5.00 USD"]);
    assert_eq!(r, "low declared value 5.00 USD per unit");
    assert!(close(s.x[at("low_value")], 4.0f64.ln()));

    let s = shipment_signals(
        &parcel(
            "AWB-36",
            D,
            "CN",
            vec![line("silicone phone case", None, 1, "19.99")],
        ),
        sc(50, SHOP),
    );
    fires(&s, "low_value", &["19.99 USD"]);
}

#[test]
fn commercial_quantity_fires_for_many_branded_units_from_an_unauthorised_seller() {
    let s = shipment_signals(
        &parcel(
            "AWB-CQ1",
            D,
            "CN",
            vec![line("NIVO running shoes", Some("640399"), 24, "480.00")],
        ),
        sc(50, SHOP),
    );
    let r = fires(&s, "commercial_quantity", &["24 units", "Nivo"]);
    assert_eq!(
        r,
        "24 units of Nivo goods from a seller the brand has not authorised"
    );
    assert!(close(s.x[at("commercial_quantity")], 6.0f64.ln()));
}

#[test]
fn commercial_quantity_is_quiet_for_few_units_unbranded_goods_or_the_brand_own_seller() {
    // Two pairs for a consumer.
    let s = shipment_signals(
        &parcel(
            "AWB-CQ2",
            D,
            "CN",
            vec![line("NIVO running shoes", Some("640399"), 2, "40.00")],
        ),
        sc(50, SHOP),
    );
    quiet(&s, "commercial_quantity");
    // Fifty phone cases, no brand.
    let s = shipment_signals(
        &parcel(
            "AWB-CQ3",
            D,
            "CN",
            vec![line("silicone phone case", None, 50, "100.00")],
        ),
        sc(50, SHOP),
    );
    quiet(&s, "commercial_quantity");
    // The brand's own distributor shipping stock.
    let s = shipment_signals(&genuine_nivo("AWB-CQ4", D), sc(NIVO_DIST, SHOP));
    quiet(&s, "commercial_quantity");
}

#[test]
fn low_value_is_quiet_at_fifty_dollars_and_at_twenty() {
    for (qty, total) in [(1, "50.00"), (10, "500.00"), (1, "20.00"), (5, "100.00")] {
        let s = shipment_signals(
            &parcel(
                "AWB-37",
                D,
                "CN",
                vec![line("silicone phone case", None, qty, total)],
            ),
            sc(50, SHOP),
        );
        quiet(&s, "low_value");
    }
    // No declared value at all.
    let mut item = line("silicone phone case", None, 1, "1.00");
    item.value = None;
    let s = shipment_signals(&parcel("AWB-38", D, "CN", vec![item]), sc(50, SHOP));
    quiet(&s, "low_value");
}

// ---------------------------------------------------------------------------------------------
// Actor history
// ---------------------------------------------------------------------------------------------

/// Shipper 60 had a shipment seized on `seized_on`; it ships again on `D`.
fn seized_shipper(seized_on: &str, result: OutcomeResult) -> Signals {
    let mut w = World::new();
    let earlier = w.ship(&plain_shoes("AWB-E1", "2026-01-20", "CN"), sc(60, 61));
    w.outcome(result, seized_on, LabelTarget::Record(earlier));
    let scored = w.ship(&plain_shoes("AWB-S1", D, "CN"), sc(60, 62));
    w.signals(scored)
}

#[test]
fn sender_seizures_fires_for_a_shipper_seized_the_day_before() {
    let s = seized_shipper("2026-02-28", OutcomeResult::SeizedCounterfeit);
    let r = fires(
        &s,
        "sender_seizures",
        &["shipper", "1 seizure", "the day before"],
    );
    assert_eq!(
        r,
        "shipper linked to 1 seizure, the last one the day before"
    );
    quiet(&s, "receiver_seizures");

    // Two seizures, the last nine days before.
    let mut w = World::new();
    let a = w.ship(&plain_shoes("AWB-E2", "2026-01-02", "CN"), sc(60, 61));
    let b = w.ship(&plain_shoes("AWB-E3", "2026-02-10", "CN"), sc(60, 63));
    w.seize(a, "2026-01-10");
    w.seize(b, "2026-02-20");
    let scored = w.ship(&plain_shoes("AWB-S2", D, "CN"), sc(60, 62));
    let s = w.signals(scored);
    fires(&s, "sender_seizures", &["2 seizures", "9 days"]);

    // A seller's seizure counts as the seller's.
    let mut w = World::new();
    let a = w.ship(
        &plain_shoes("AWB-E4", "2026-01-02", "CN"),
        roles(&[
            (PartyRole::Shipper, 70),
            (PartyRole::Seller, 71),
            (PartyRole::Consignee, 61),
        ]),
    );
    w.seize(a, "2026-02-01");
    let scored = w.ship(
        &plain_shoes("AWB-S3", D, "CN"),
        roles(&[
            (PartyRole::Shipper, 72),
            (PartyRole::Seller, 71),
            (PartyRole::Consignee, 62),
        ]),
    );
    let s = w.signals(scored);
    fires(&s, "sender_seizures", &["seller", "1 seizure", "28 days"]);
}

#[test]
fn sender_seizures_is_quiet_for_seizures_on_or_after_the_day_and_releases() {
    for date in [D, "2026-03-05"] {
        let s = seized_shipper(date, OutcomeResult::SeizedCounterfeit);
        quiet(&s, "sender_seizures");
        quiet(&s, "receiver_seizures");
    }
    for result in [OutcomeResult::Released, OutcomeResult::SeizedOther] {
        let s = seized_shipper("2026-02-28", result);
        quiet(&s, "sender_seizures");
    }
}

#[test]
fn receiver_seizures_fires_for_the_consignee_and_not_as_a_sender() {
    let mut w = World::new();
    let a = w.ship(&plain_shoes("AWB-E5", "2026-01-20", "CN"), sc(63, 64));
    w.seize(a, "2026-02-15");
    let scored = w.ship(&plain_shoes("AWB-S4", D, "TR"), sc(65, 64));
    let s = w.signals(scored);
    let r = fires(
        &s,
        "receiver_seizures",
        &["consignee", "1 seizure", "14 days"],
    );
    assert_eq!(r, "consignee linked to 1 seizure, the last 14 days before");
    quiet(&s, "sender_seizures");
}

#[test]
fn receiver_seizures_is_quiet_for_other_consignees_the_importer_and_later_seizures() {
    let mut w = World::new();
    let a = w.ship(&plain_shoes("AWB-E6", "2026-01-20", "CN"), sc(63, 64));
    w.seize(a, "2026-02-15");
    let b = w.ship(&plain_shoes("AWB-E7", "2026-01-25", "CN"), sc(66, 67));
    w.seize(b, "2026-03-02");

    // Another consignee.
    let other = w.ship(&plain_shoes("AWB-S5", D, "TR"), sc(65, 68));
    // The seized consignee as importer of record only.
    let importer = w.ship(
        &plain_shoes("AWB-S6", D, "TR"),
        roles(&[
            (PartyRole::Shipper, 65),
            (PartyRole::Consignee, 68),
            (PartyRole::Importer, 64),
        ]),
    );
    // A consignee whose seizure came after the day.
    let later = w.ship(&plain_shoes("AWB-S7", D, "TR"), sc(65, 67));
    for i in [other, importer, later] {
        let s = w.signals(i);
        quiet(&s, "receiver_seizures");
        quiet(&s, "sender_seizures");
    }
}

/// Seller 80 listed on 10 January and lists again on `D`.
fn seller_world() -> (World, usize, usize) {
    let mut w = World::new();
    let old = w.list(
        &offer(
            "L-10",
            "Nivo Air trainers",
            None,
            "40.00",
            "CN",
            "2026-01-10",
        ),
        80,
        Some("2025-06-01"),
    );
    let scored = w.list(
        &offer("L-11", "running shoes", None, "40.00", "CN", D),
        80,
        Some("2025-06-01"),
    );
    (w, old, scored)
}

#[test]
fn marketplace_actions_fires_for_a_suspended_or_fake_selling_seller() {
    let (mut w, _, scored) = seller_world();
    w.outcome(
        OutcomeResult::AccountSuspended,
        "2026-02-01",
        LabelTarget::Actor(80),
    );
    let s = w.signals(scored);
    let r = fires(
        &s,
        "marketplace_actions",
        &["seller", "1 account suspension"],
    );
    assert_eq!(r, "seller linked to 1 account suspension");

    let (mut w, old, scored) = seller_world();
    w.outcome(
        OutcomeResult::TestBuyFake,
        "2026-02-10",
        LabelTarget::Record(old),
    );
    let s = w.signals(scored);
    fires(
        &s,
        "marketplace_actions",
        &["seller", "1 fake listing or test buy"],
    );

    let (mut w, old, scored) = seller_world();
    w.outcome(
        OutcomeResult::AccountSuspended,
        "2026-02-01",
        LabelTarget::Actor(80),
    );
    w.outcome(
        OutcomeResult::ListingRemoved,
        "2026-02-10",
        LabelTarget::Record(old),
    );
    w.outcome(
        OutcomeResult::TestBuyFake,
        "2026-02-11",
        LabelTarget::Record(old),
    );
    let s = w.signals(scored);
    fires(
        &s,
        "marketplace_actions",
        &["1 account suspension and 2 fake listings or test buys"],
    );

    // The same seller selling into a shipment.
    let (mut w, _, _) = seller_world();
    w.outcome(
        OutcomeResult::AccountSuspended,
        "2026-02-01",
        LabelTarget::Actor(80),
    );
    let ship = w.ship(
        &plain_shoes("AWB-S8", D, "CN"),
        roles(&[
            (PartyRole::Shipper, 81),
            (PartyRole::Seller, 80),
            (PartyRole::Consignee, SHOP),
        ]),
    );
    let s = w.signals(ship);
    fires(
        &s,
        "marketplace_actions",
        &["seller", "1 account suspension"],
    );
}

#[test]
fn marketplace_actions_is_quiet_for_genuine_test_buys_later_actions_and_other_sellers() {
    let (mut w, old, scored) = seller_world();
    w.outcome(
        OutcomeResult::TestBuyGenuine,
        "2026-02-10",
        LabelTarget::Record(old),
    );
    quiet(&w.signals(scored), "marketplace_actions");

    let (mut w, old, scored) = seller_world();
    w.outcome(
        OutcomeResult::AccountSuspended,
        "2026-03-02",
        LabelTarget::Actor(80),
    );
    w.outcome(OutcomeResult::TestBuyFake, D, LabelTarget::Record(old));
    quiet(&w.signals(scored), "marketplace_actions");

    let (mut w, _, scored) = seller_world();
    w.outcome(
        OutcomeResult::AccountSuspended,
        "2026-02-01",
        LabelTarget::Actor(81),
    );
    quiet(&w.signals(scored), "marketplace_actions");
}

#[test]
fn watchlisted_fires_for_an_actor_listed_before_the_day() {
    for date in [Some("2026-02-01"), Some("2026-02-28"), None] {
        let mut w = World::new();
        w.watch(90, date);
        let i = w.ship(&plain_shoes("AWB-S9", D, "CN"), sc(91, 90));
        let s = w.signals(i);
        let r = fires(&s, "watchlisted", &["consignee"]);
        assert_eq!(r, "consignee is on a partner's watch list");
        assert_eq!(s.x[at("watchlisted")], 1.0);
    }
    // Any role, the importer included.
    let mut w = World::new();
    w.watch(92, Some("2026-02-01"));
    let i = w.ship(
        &plain_shoes("AWB-S10", D, "CN"),
        roles(&[
            (PartyRole::Shipper, 91),
            (PartyRole::Consignee, SHOP),
            (PartyRole::Importer, 92),
        ]),
    );
    fires(&w.signals(i), "watchlisted", &["importer"]);
}

#[test]
fn watchlisted_is_quiet_for_entries_dated_on_or_after_the_day_and_other_actors() {
    for date in [D, "2026-03-10"] {
        let mut w = World::new();
        w.watch(90, Some(date));
        let i = w.ship(&plain_shoes("AWB-S11", D, "CN"), sc(91, 90));
        quiet(&w.signals(i), "watchlisted");
    }
    let mut w = World::new();
    w.watch(93, Some("2026-02-01"));
    let i = w.ship(&plain_shoes("AWB-S12", D, "CN"), sc(91, 90));
    quiet(&w.signals(i), "watchlisted");
}

/// Shipper 100 had a shipment to 300 seized on `seized_on`; it sent to consignee 200 on
/// `contact_on`; consignee 200 receives from shipper 400 on `D`.
fn graph_world(contact_on: &str, seized_on: &str) -> Signals {
    let mut w = World::new();
    let seized = w.ship(&plain_shoes("AWB-G1", "2026-01-05", "CN"), sc(100, 300));
    w.seize(seized, seized_on);
    w.ship(&plain_shoes("AWB-G2", contact_on, "CN"), sc(100, 200));
    let scored = w.ship(&plain_shoes("AWB-G3", D, "TR"), sc(400, 200));
    w.signals(scored)
}

#[test]
fn graph_risk_fires_for_a_consignee_of_a_seized_shipper() {
    let s = graph_world("2026-02-10", "2026-01-15");
    let r = fires(&s, "graph_risk", &["consignee", "received from", "1 party"]);
    assert_eq!(r, "consignee received from 1 party with seized shipments");
    assert!(close(s.x[at("graph_risk")], 1.0 - (-0.7f64).exp()));
    // The consignee itself was never seized.
    quiet(&s, "receiver_seizures");

    // A shipper that earlier sent to the seized shipper.
    let mut w = World::new();
    let seized = w.ship(&plain_shoes("AWB-G4", "2026-01-05", "CN"), sc(100, 300));
    w.seize(seized, "2026-01-15");
    w.ship(&plain_shoes("AWB-G5", "2026-02-01", "TR"), sc(500, 100));
    let scored = w.ship(&plain_shoes("AWB-G6", D, "TR"), sc(500, 501));
    fires(
        &w.signals(scored),
        "graph_risk",
        &["shipper", "sent to", "1 party"],
    );
}

#[test]
fn graph_risk_is_quiet_when_the_contact_or_the_seizure_came_later() {
    // The contact happened after the day scored.
    quiet(&graph_world("2026-03-05", "2026-01-15"), "graph_risk");
    // Or on the day itself.
    quiet(&graph_world(D, "2026-01-15"), "graph_risk");
    // The shipper's seizure is known only after the day.
    quiet(&graph_world("2026-02-10", "2026-03-02"), "graph_risk");

    // Sending to the consignee of a seized shipment: only senders' seizures spread.
    let mut w = World::new();
    let seized = w.ship(&plain_shoes("AWB-G7", "2026-01-05", "CN"), sc(100, 300));
    w.seize(seized, "2026-01-15");
    w.ship(&plain_shoes("AWB-G8", "2026-02-01", "TR"), sc(500, 300));
    let scored = w.ship(&plain_shoes("AWB-G9", D, "TR"), sc(500, 501));
    quiet(&w.signals(scored), "graph_risk");
}

/// Earlier inspections: `cn` (seized, released) shipments from China and `vn` from Vietnam,
/// all inspected in February; then one shipment from each of CN, VN and TR arriving on `D`.
fn lane_world(cn: (usize, usize), vn: (usize, usize), inspected_on: &str) -> (World, [usize; 3]) {
    let mut w = World::new();
    let mut n = 0;
    for (country, (seized, released)) in [("CN", cn), ("VN", vn)] {
        for k in 0..seized + released {
            n += 1;
            let i = w.ship(
                &plain_shoes(&format!("AWB-L{n}"), "2026-01-20", country),
                sc(1000 + n, 2000 + n),
            );
            if k < seized {
                w.seize(i, inspected_on);
            } else {
                w.release(i, inspected_on);
            }
        }
    }
    let scored = ["CN", "VN", "TR"].map(|c| {
        n += 1;
        w.ship(
            &plain_shoes(&format!("AWB-L{n}"), D, c),
            sc(1000 + n, 2000 + n),
        )
    });
    (w, scored)
}

#[test]
fn lane_risk_fires_for_an_export_country_above_the_overall_rate() {
    // China: 8 of 10 seized; all countries: 9 of 30 (30%).
    let (w, [cn, _, _]) = lane_world((8, 2), (1, 19), "2026-02-15");
    let s = w.signals(cn);
    let r = fires(&s, "lane_risk", &["8 of 10", "CN", "30%"]);
    assert_eq!(
        r,
        "8 of 10 earlier inspections of goods from CN found counterfeits (30% overall)"
    );
    let base: f64 = 9.0 / 30.0;
    let rate = (8.0 + 20.0 * base) / (10.0 + 20.0);
    assert!(close(s.x[at("lane_risk")], (rate / base).ln()));
}

#[test]
fn lane_risk_is_quiet_for_low_rate_and_unknown_countries_and_too_few_inspections() {
    let (w, [_, vn, tr]) = lane_world((8, 2), (1, 19), "2026-02-15");
    let s = w.signals(vn);
    assert!(s.x[at("lane_risk")] < 0.0, "{}", s.x[at("lane_risk")]);
    assert!(s.reasons[at("lane_risk")].is_none());
    // A country never inspected sits at the overall rate.
    quiet(&w.signals(tr), "lane_risk");

    // 19 earlier inspections are too few to say anything.
    let (w, [cn, _, _]) = lane_world((8, 0), (0, 11), "2026-02-15");
    quiet(&w.signals(cn), "lane_risk");

    // Inspections dated on the day itself are not earlier.
    let (w, [cn, _, _]) = lane_world((8, 2), (1, 19), D);
    quiet(&w.signals(cn), "lane_risk");

    // No seizure anywhere: no rate to compare with.
    let (w, [cn, _, _]) = lane_world((0, 10), (0, 20), "2026-02-15");
    quiet(&w.signals(cn), "lane_risk");
}

#[test]
fn new_account_fires_for_a_three_day_old_seller() {
    let l = offer("L-12", "running shoes", None, "60.00", "CN", D);
    let s = listing_signals(&l, 110, Some("2026-02-26"));
    let r = fires(&s, "new_account", &["3 days"]);
    assert_eq!(r, "seller account 3 days old");
    assert!(close(s.x[at("new_account")], 0.9));

    // Opened the same day.
    let s = listing_signals(&l, 110, Some(D));
    fires(&s, "new_account", &["0 days"]);
}

#[test]
fn new_account_is_quiet_for_an_old_or_unknown_account_and_for_shipments() {
    let created = "2025-01-25";
    assert_eq!(day_of(D) - day_of(created), 400);
    let l = offer("L-13", "running shoes", None, "60.00", "CN", D);
    quiet(&listing_signals(&l, 110, Some(created)), "new_account");
    // Thirty days is no longer new.
    quiet(&listing_signals(&l, 110, Some("2026-01-30")), "new_account");
    quiet(&listing_signals(&l, 110, None), "new_account");
    // An account dated after the listing is a data error, not a new account.
    quiet(&listing_signals(&l, 110, Some("2026-03-05")), "new_account");

    let s = shipment_signals(&plain_shoes("AWB-S13", D, "CN"), sc(110, SHOP));
    quiet(&s, "new_account");
}

/// Seller 120 created one listing on each of `days`, then the scored one on `D`.
fn velocity(days: &[&str]) -> Signals {
    let mut w = World::new();
    for (n, d) in days.iter().enumerate() {
        w.list(
            &offer(&format!("L-V{n}"), "running shoes", None, "60.00", "CN", d),
            120,
            Some("2025-01-01"),
        );
    }
    let scored = w.list(
        &offer("L-V", "running shoes", None, "60.00", "CN", D),
        120,
        Some("2025-01-01"),
    );
    w.signals(scored)
}

#[test]
fn listing_velocity_fires_for_eight_listings_in_the_week_before() {
    let s = velocity(&[
        "2026-02-22",
        "2026-02-23",
        "2026-02-24",
        "2026-02-25",
        "2026-02-26",
        "2026-02-27",
        "2026-02-28",
        "2026-02-28",
    ]);
    let r = fires(&s, "listing_velocity", &["8 listings", "7 days"]);
    assert_eq!(r, "seller created 8 listings in the 7 days before");
    assert!(close(s.x[at("listing_velocity")], (8.0f64 / 5.0).ln()));
}

#[test]
fn listing_velocity_is_quiet_for_few_older_or_same_day_listings() {
    quiet(&velocity(&["2026-02-25", "2026-02-27"]), "listing_velocity");
    // Eight, but all more than a week before.
    quiet(
        &velocity(&[
            "2026-02-10",
            "2026-02-11",
            "2026-02-12",
            "2026-02-13",
            "2026-02-14",
            "2026-02-15",
            "2026-02-16",
            "2026-02-17",
        ]),
        "listing_velocity",
    );
    // Eight on the day itself are not before it.
    quiet(&velocity(&[D; 8]), "listing_velocity");
}

// ---------------------------------------------------------------------------------------------
// The scorer
// ---------------------------------------------------------------------------------------------

/// What a reason weighs: the model's contribution of the signal that gave it, or the weight
/// of the rule that gave it, whichever is larger.
fn reason_weight(
    models: &Models,
    rules: &RulePack,
    s: &Signals,
    kind: Target,
) -> Vec<(f64, String)> {
    let c = models.shipments.contributions(&s.x);
    let mut all: Vec<(f64, String)> = (0..N)
        .filter_map(|i| s.reasons[i].clone().map(|r| (c[i], r)))
        .collect();
    let (fired, errors) = rules.evaluate(kind, &s.facts);
    assert!(errors.is_empty(), "{errors:?}");
    for f in fired {
        if f.weight > 0.0 && !all.iter().any(|(_, r)| *r == f.reason) {
            all.push((f.weight, f.reason));
        }
    }
    all
}

#[test]
fn scorer_ranks_a_counterfeit_above_the_genuine_shipment() {
    let mut w = World::new();
    let a = w.ship(&plain_shoes("AWB-P1", "2026-01-02", "CN"), sc(60, 61));
    let b = w.ship(&plain_shoes("AWB-P2", "2026-02-02", "CN"), sc(60, 63));
    w.seize(a, "2026-01-12");
    w.seize(b, "2026-02-12");
    let genuine = w.ship(&genuine_nivo("AWB-P3", D), sc(NIVO_DIST, SHOP));
    let fake = w.ship(
        &parcel(
            "AWB-P4",
            D,
            "CN",
            vec![line("N1VO AIR running shoes", Some("640399"), 20, "200.00")],
        ),
        sc(60, 62),
    );
    let knowledge = w.knowledge();
    let models = Models::prior();
    let rules = RulePack::default_pack().unwrap();
    let scorer = Scorer {
        catalogue: &w.cat,
        knowledge: &knowledge,
        models: &models,
        rules: &rules,
        fallback_day: day_of(D),
    };

    let g = scorer.score(&w.obs[genuine], "uk-customs");
    let f = scorer.score(&w.obs[fake], "uk-customs");
    for out in [&g, &f] {
        assert!((0.0..=1.0).contains(&out.score), "{}", out.score);
        assert!(out.reasons.len() <= TOP_REASONS, "{:?}", out.reasons);
    }
    assert!(f.score > g.score, "fake {} vs genuine {}", f.score, g.score);
    assert!(f.score > 0.9, "{}", f.score);
    assert!(g.score < 0.1, "{}", g.score);
    assert_eq!(f.reasons.len(), TOP_REASONS);
    assert!(
        f.rules
            .iter()
            .any(|r| r == "lookalike-from-non-genuine-origin")
    );
    assert!(f.rules.iter().any(|r| r == "repeat-seizures-cheap-goods"));
    assert!(g.rules.is_empty(), "{:?}", g.rules);

    // Strongest first, and nothing left out outweighs what was kept.
    for (i, out) in [(genuine, &g), (fake, &f)] {
        let s = scorer.signals(&w.obs[i], "uk-customs");
        let weights = reason_weight(&models, &rules, &s, Target::Shipment);
        let weight_of = |r: &str| {
            weights
                .iter()
                .find(|(_, x)| x == r)
                .map(|(w, _)| *w)
                .unwrap_or_else(|| panic!("reason {r:?} comes from no signal or rule"))
        };
        let kept: Vec<f64> = out.reasons.iter().map(|r| weight_of(r)).collect();
        assert!(
            kept.windows(2).all(|p| p[0] >= p[1]),
            "not strongest first: {:?} {kept:?}",
            out.reasons
        );
        if let Some(last) = kept.last() {
            for (wt, r) in &weights {
                if !out.reasons.contains(r) {
                    assert!(wt <= last, "{r:?} ({wt}) outweighs a kept reason ({last})");
                }
            }
        }
    }
    // The look-alike spelling leads the fake's reasons.
    assert_eq!(
        f.reasons[0],
        "look-alike spelling \"N1VO AIR\" of the brand Nivo"
    );
}

// ---------------------------------------------------------------------------------------------
// No leakage
// ---------------------------------------------------------------------------------------------

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// Shipments and listings over 90 days from a small pool of actors, with outcomes that come
/// days after their record and account actions and watch-list entries at any time.
fn busy_world() -> World {
    let mut w = World::new();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let start = day_of("2026-01-01");
    let goods: [(&str, Option<&str>); 8] = [
        ("Nivo Air running shoes", Some("640399")),
        ("N1VO AIR trainers", Some("640399")),
        ("Nivo cotton t-shirt", Some("610910")),
        ("gift", None),
        ("silicone phone case", None),
        ("K4IR0 chronograph watch", Some("910211")),
        ("Kairo chronograph watch", Some("630790")),
        ("running shoes", Some("640399")),
    ];
    let countries = ["CN", "VN", "TR", "HK", "ID"];
    for n in 0..240 {
        let d = start + rng.below(90) as i32;
        let (desc, hs) = *rng.pick(&goods);
        let qty = 1 + rng.below(20) as u32;
        let total = format!("{}.00", 5 + rng.below(2000));
        let export = *rng.pick(&countries);
        let shipper = 1000 + rng.below(15) as u32;
        let consignee = 2000 + rng.below(25) as u32;
        let mut actors = sc(shipper, consignee);
        if rng.below(4) == 0 {
            actors[PartyRole::Seller as usize] = Some(3000 + rng.below(8) as u32);
        }
        if rng.below(6) == 0 {
            actors[PartyRole::Consignee as usize] = Some(1000 + rng.below(15) as u32);
        }
        let i = w.ship(
            &parcel(
                &format!("AWB-B{n}"),
                &day::to_iso(d),
                export,
                vec![line(desc, hs, qty, &total)],
            ),
            actors,
        );
        if rng.below(10) < 6 {
            let on = day::to_iso(d + 1 + rng.below(12) as i32);
            let result = match rng.below(10) {
                0..=3 => OutcomeResult::SeizedCounterfeit,
                4 => OutcomeResult::SeizedOther,
                _ => OutcomeResult::Released,
            };
            w.outcome(result, &on, LabelTarget::Record(i));
        }
    }
    for n in 0..120 {
        let d = start + rng.below(90) as i32;
        let seller = 3000 + rng.below(8) as u32;
        let (desc, _) = *rng.pick(&goods);
        let price = format!("{}.00", 5 + rng.below(300));
        let created = day::to_iso(start - 200 + rng.below(285) as i32);
        let ships_from = *rng.pick(&countries);
        let i = w.list(
            &offer(
                &format!("L-B{n}"),
                desc,
                None,
                &price,
                ships_from,
                &day::to_iso(d),
            ),
            seller,
            Some(&created),
        );
        if rng.below(3) == 0 {
            let on = day::to_iso(d + 1 + rng.below(20) as i32);
            let result = *rng.pick(&[
                OutcomeResult::TestBuyFake,
                OutcomeResult::ListingRemoved,
                OutcomeResult::TestBuyGenuine,
                OutcomeResult::AccountSuspended,
            ]);
            w.outcome(result, &on, LabelTarget::Record(i));
        }
    }
    for _ in 0..6 {
        let on = day::to_iso(start + rng.below(100) as i32);
        let actor = 3000 + rng.below(8) as u32;
        w.outcome(
            OutcomeResult::AccountSuspended,
            &on,
            LabelTarget::Actor(actor),
        );
    }
    for _ in 0..6 {
        let on = day::to_iso(start + rng.below(100) as i32);
        let actor = 2000 + rng.below(25) as u32;
        w.watch(actor, Some(&on));
    }
    // One outcome whose date is unknown: always known, on both sides of any cut.
    w.outcome(
        OutcomeResult::SeizedCounterfeit,
        "unknown",
        LabelTarget::Record(0),
    );
    w
}

#[test]
fn a_record_score_reads_nothing_dated_on_or_after_its_day() {
    let w = busy_world();
    let cut = day_of("2026-03-02");
    let models = Models::prior();
    let rules = RulePack::default_pack().unwrap();

    let full = w.knowledge();
    let before: Vec<Label> = w
        .labels
        .iter()
        .filter(|l| l.day.is_none_or(|d| d < cut))
        .cloned()
        .collect();
    let watch_before: Vec<(u32, Option<i32>)> = w
        .watch
        .iter()
        .filter(|(_, d)| d.is_none_or(|d| d < cut))
        .copied()
        .collect();
    assert!(before.len() < w.labels.len(), "the cut removes nothing");
    let cut_knowledge = Knowledge::build(&w.obs, &before, &watch_before, HUB_SHARE);

    let a = Scorer {
        catalogue: &w.cat,
        knowledge: &full,
        models: &models,
        rules: &rules,
        fallback_day: day_of(D),
    };
    let b = Scorer {
        knowledge: &cut_knowledge,
        ..a
    };
    let mut compared = 0;
    let mut with_history = 0;
    let mut differ_after = 0;
    for o in &w.obs {
        let d = o.day.expect("every record is dated");
        let (sa, sb) = (a.score(o, "uk-customs"), b.score(o, "uk-customs"));
        if d < cut {
            compared += 1;
            assert_eq!(sa.score, sb.score, "day {}", day::to_iso(d));
            assert_eq!(sa.reasons, sb.reasons, "day {}", day::to_iso(d));
            assert_eq!(sa.rules, sb.rules, "day {}", day::to_iso(d));
            let x = a.signals(o, "uk-customs").x;
            if [
                "sender_seizures",
                "receiver_seizures",
                "marketplace_actions",
                "watchlisted",
                "graph_risk",
            ]
            .iter()
            .any(|n| x[at(n)] > 0.0)
            {
                with_history += 1;
            }
        } else if sa.score != sb.score {
            differ_after += 1;
        }
    }
    assert!(compared > 100, "{compared}");
    assert!(with_history > 10, "{with_history}");
    // The labels removed matter to the records after the cut.
    assert!(differ_after > 0);
}

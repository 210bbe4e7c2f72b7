//! True actors and the way each partner writes them down.
//!
//! An [`Actor`] is the one real person or company; [`render`] writes one *appearance* of it
//! into a [`PartyView`] the way a partner would: phone formats differ, names get typos or are
//! reordered, Chinese addresses are sometimes in characters, street types abbreviated, e-mails
//! aliased. What was varied is recorded in [`PartyView::varied`] so tests can count it.

use std::fmt::Write as _;

use rand::Rng;
use rand::seq::IndexedRandom;

use crate::data::{self, COUNTRIES, Country, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Person,
    Company,
}

#[derive(Debug, Clone, Default)]
pub struct Addr {
    pub number: u16,
    /// Flat, room or unit number; 0 for none.
    pub unit: u16,
    pub street: u16,
    pub street_type: u8,
    pub district: u16,
    pub city: u16,
    pub postcode: String,
}

/// A real person or company.
#[derive(Debug, Clone)]
pub struct Actor {
    /// `A0000001` for the standing pools, `C0000001` for consumers.
    pub true_id: String,
    pub kind: Kind,
    pub country: usize,
    pub given: u16,
    pub family: u16,
    /// A company's name without its legal form ("Guangzhou Golden Star Trading").
    pub company: String,
    pub addr: Addr,
    /// National significant number, digits only.
    pub phone: String,
    pub email_local: String,
    pub email_domain: &'static str,
    /// Canonical bank account (IBAN or domestic digits), no separators.
    pub bank: String,
    pub tax_id: String,
    /// The actor's account with the express carrier.
    pub carrier_account: String,
    /// Counterfeiters vary their e-mail addresses on purpose.
    pub aliases: bool,
}

/// One appearance of a party, as the partner writes it.
#[derive(Debug, Clone, Default)]
pub struct PartyView {
    pub kind: Option<Kind>,
    pub name: String,
    pub addr1: String,
    pub addr2: String,
    pub city: String,
    pub postcode: String,
    pub region: String,
    pub country: &'static str,
    pub phone: String,
    pub email: String,
    pub bank: String,
    pub tax_id: String,
    /// Whether this appearance carries a typo, reordering, transliteration or abbreviation.
    pub varied: bool,
}

impl PartyView {
    /// The address as one line, the way single-field exports write it.
    pub fn address_line(&self, out: &mut String) {
        out.clear();
        for part in [&self.addr1, &self.addr2, &self.city] {
            if !part.is_empty() {
                if !out.is_empty() {
                    out.push_str(", ");
                }
                out.push_str(part);
            }
        }
        if !self.postcode.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&self.postcode);
        }
    }

    /// Takes the address and phone of a hub (a consolidator's warehouse) over this appearance.
    pub fn take_site(&mut self, hub: &PartyView) {
        self.addr1.clone_from(&hub.addr1);
        self.addr2.clone_from(&hub.addr2);
        self.city.clone_from(&hub.city);
        self.postcode.clone_from(&hub.postcode);
        self.region.clone_from(&hub.region);
        self.country = hub.country;
        self.phone.clone_from(&hub.phone);
    }

    /// Takes only the address of a hub (a collection point).
    pub fn take_address(&mut self, hub: &PartyView) {
        self.addr1.clone_from(&hub.addr1);
        self.addr2.clone_from(&hub.addr2);
        self.city.clone_from(&hub.city);
        self.postcode.clone_from(&hub.postcode);
        self.region.clone_from(&hub.region);
        self.country = hub.country;
    }
}

/// How a partner writes parties.
#[derive(Debug, Clone, Copy)]
pub struct RenderOpts {
    /// Chance this appearance is varied (typo, reorder, transliteration, abbreviation).
    pub vary: f64,
    /// The partner's default phone region (country index): national formats only for it.
    pub phone_region: Option<usize>,
    /// Chance the partner filled a contact field with junk.
    pub junk: f64,
}

fn culture(style: Style) -> &'static data::Culture {
    match style {
        Style::Gb | Style::Cn | Style::Hk => &data::GB_CULTURE,
        Style::Us => &data::US_CULTURE,
        Style::De => &data::DE_CULTURE,
        Style::It => &data::IT_CULTURE,
        Style::Fr => &data::FR_CULTURE,
        Style::Tr => &data::TR_CULTURE,
        Style::Vn => &data::VN_CULTURE,
        Style::In => &data::IN_CULTURE,
    }
}

fn name_pools(style: Style) -> (usize, usize) {
    match style {
        Style::Cn => (data::CN_GIVEN.len(), data::CN_FAMILY.len()),
        Style::Hk => (data::HK_GIVEN.len(), data::HK_FAMILY.len()),
        s => (culture(s).given.len(), culture(s).family.len()),
    }
}

fn street_pool(style: Style) -> usize {
    match style {
        Style::Cn => data::CN_STREETS.len(),
        Style::Hk => data::HK_STREETS.len(),
        s => culture(s).streets.len(),
    }
}

fn district_pool(style: Style) -> usize {
    match style {
        Style::Cn => data::CN_DISTRICTS.len(),
        Style::Hk => data::HK_DISTRICTS.len(),
        _ => 1,
    }
}

/// Given name and family name in Latin script.
pub fn name_parts(a: &Actor) -> (&'static str, &'static str) {
    let style = COUNTRIES[a.country].style;
    match style {
        Style::Cn => (
            data::CN_GIVEN[a.given as usize].0,
            data::CN_FAMILY[a.family as usize].0,
        ),
        Style::Hk => (
            data::HK_GIVEN[a.given as usize].0,
            data::HK_FAMILY[a.family as usize].0,
        ),
        s => (
            culture(s).given[a.given as usize],
            culture(s).family[a.family as usize],
        ),
    }
}

fn ascii_fold(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'ä' | 'à' | 'â' | 'á' => out.push('a'),
            'ö' | 'ô' | 'ó' => out.push('o'),
            'ü' | 'û' | 'ú' => out.push('u'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'ç' | 'Ç' => out.push('c'),
            'ş' | 'Ş' => out.push('s'),
            'ğ' => out.push('g'),
            'ı' | 'İ' | 'î' | 'í' => out.push('i'),
            'ß' => out.push_str("ss"),
            _ => {}
        }
    }
}

fn digits(rng: &mut impl Rng, n: usize, out: &mut String) {
    for _ in 0..n {
        out.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
}

fn upper_alnum(rng: &mut impl Rng, n: usize, out: &mut String) {
    const SET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    for _ in 0..n {
        out.push(char::from(SET[rng.random_range(0..SET.len())]));
    }
}

/// ISO 13616 check digits.
fn iban(country: &str, bban: &str) -> String {
    let mut rem: u32 = 0;
    let rearranged = bban.chars().chain(country.chars()).chain("00".chars());
    for c in rearranged {
        let v = if c.is_ascii_digit() {
            c as u32 - '0' as u32
        } else {
            c.to_ascii_uppercase() as u32 - 'A' as u32 + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

fn gen_phone(rng: &mut impl Rng, style: Style, out: &mut String) {
    out.clear();
    match style {
        Style::Cn => {
            out.push_str(
                [
                    "138", "139", "150", "158", "186", "188", "135", "136", "137", "159",
                ]
                .choose(rng)
                .unwrap(),
            );
            digits(rng, 8, out);
        }
        Style::Hk => {
            out.push_str(
                [
                    "920", "931", "945", "961", "972", "983", "613", "634", "651", "946", "974",
                ]
                .choose(rng)
                .unwrap(),
            );
            digits(rng, 5, out);
        }
        Style::Gb => {
            out.push_str(["77", "78", "74", "75"].choose(rng).unwrap());
            out.push(char::from(b'1' + rng.random_range(0..9u8)));
            digits(rng, 7, out);
        }
        Style::Us => {
            out.push_str(
                [
                    "212", "310", "415", "646", "718", "305", "312", "713", "206",
                ]
                .choose(rng)
                .unwrap(),
            );
            out.push(char::from(b'2' + rng.random_range(0..8u8)));
            out.push(char::from(b'1' + rng.random_range(0..9u8)));
            digits(rng, 5, out);
        }
        Style::De => {
            if rng.random_bool(0.5) {
                out.push_str(["170", "171", "175"].choose(rng).unwrap());
                out.push(char::from(b'1' + rng.random_range(0..9u8)));
                digits(rng, 6, out);
            } else {
                out.push_str(
                    ["151", "152", "157", "176", "177", "178"]
                        .choose(rng)
                        .unwrap(),
                );
                out.push(char::from(b'1' + rng.random_range(0..9u8)));
                digits(rng, 7, out);
            }
        }
        Style::It => {
            out.push_str(
                ["320", "328", "333", "339", "347", "348", "366", "393"]
                    .choose(rng)
                    .unwrap(),
            );
            out.push(char::from(b'1' + rng.random_range(0..9u8)));
            digits(rng, 6, out);
        }
        Style::Fr => {
            out.push_str(
                [
                    "61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78",
                ]
                .choose(rng)
                .unwrap(),
            );
            digits(rng, 7, out);
        }
        Style::Tr => {
            out.push_str(
                ["532", "533", "535", "542", "544", "505", "553"]
                    .choose(rng)
                    .unwrap(),
            );
            out.push(char::from(b'1' + rng.random_range(0..9u8)));
            digits(rng, 6, out);
        }
        Style::Vn => {
            out.push_str(["90", "91", "93", "94", "97", "98"].choose(rng).unwrap());
            out.push(char::from(b'1' + rng.random_range(0..9u8)));
            digits(rng, 6, out);
        }
        Style::In => {
            out.push_str(
                ["98", "99", "97", "96", "90", "81", "70"]
                    .choose(rng)
                    .unwrap(),
            );
            out.push(char::from(b'1' + rng.random_range(0..9u8)));
            digits(rng, 7, out);
        }
    }
}

fn gen_postcode(rng: &mut impl Rng, c: &Country, city: usize) -> String {
    let prefix = c.cities[city].postcode_prefix;
    let mut s = String::with_capacity(8);
    match c.style {
        Style::Hk => {}
        Style::Gb => {
            const L: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
            s.push_str(prefix);
            let d = rng.random_range(1..20u8);
            let _ = write!(s, "{d} {}", rng.random_range(1..10u8));
            s.push(char::from(L[rng.random_range(0..L.len())]));
            s.push(char::from(L[rng.random_range(0..L.len())]));
        }
        Style::Cn | Style::Vn => {
            s.push_str(prefix);
            digits(rng, 6 - prefix.len(), &mut s);
        }
        Style::Us | Style::It => {
            s.push_str(prefix);
            digits(rng, 5 - prefix.len(), &mut s);
        }
        Style::De | Style::Fr | Style::Tr => {
            s.push_str(prefix);
            digits(rng, 5 - prefix.len(), &mut s);
        }
        Style::In => {
            s.push_str(prefix);
            digits(rng, 6 - prefix.len(), &mut s);
        }
    }
    s
}

/// Moves an actor to another city of its country, with a postcode of that city.
pub fn relocate(a: &mut Actor, rng: &mut impl Rng, city: usize) {
    a.addr.city = city as u16;
    a.addr.postcode = gen_postcode(rng, &COUNTRIES[a.country], city);
}

pub fn gen_addr(rng: &mut impl Rng, country: usize) -> Addr {
    let c = &COUNTRIES[country];
    let city = rng.random_range(0..c.cities.len());
    Addr {
        number: rng.random_range(1..300),
        unit: if rng.random_bool(0.45) {
            rng.random_range(1..40) * 100 + rng.random_range(1..12)
        } else {
            0
        },
        street: rng.random_range(0..street_pool(c.style)) as u16,
        street_type: rng.random_range(0..3),
        district: rng.random_range(0..district_pool(c.style)) as u16,
        city: city as u16,
        postcode: gen_postcode(rng, c, city),
    }
}

fn gen_bank(rng: &mut impl Rng, country: usize) -> String {
    let c = &COUNTRIES[country];
    let mut b = String::with_capacity(24);
    match c.style {
        Style::Gb => {
            b.push_str(
                ["NWBK", "BARC", "LOYD", "HBUK", "MONZ"]
                    .choose(rng)
                    .unwrap(),
            );
            digits(rng, 14, &mut b);
            iban("GB", &b)
        }
        Style::De => {
            digits(rng, 18, &mut b);
            iban("DE", &b)
        }
        Style::It => {
            b.push('X');
            digits(rng, 22, &mut b);
            iban("IT", &b)
        }
        Style::Fr => {
            digits(rng, 23, &mut b);
            iban("FR", &b)
        }
        Style::Tr => {
            digits(rng, 22, &mut b);
            iban("TR", &b)
        }
        Style::Cn => {
            b.push_str(["6222", "6217", "6228", "6216"].choose(rng).unwrap());
            digits(rng, 15, &mut b);
            b
        }
        _ => {
            digits(rng, 12, &mut b);
            b
        }
    }
}

fn gen_tax_id(rng: &mut impl Rng, country: usize) -> String {
    let mut t = String::with_capacity(20);
    match COUNTRIES[country].style {
        Style::Cn => {
            t.push_str("91");
            t.push_str(
                ["440101", "440300", "441900", "330782", "350300"]
                    .choose(rng)
                    .unwrap(),
            );
            upper_alnum(rng, 10, &mut t);
        }
        Style::Gb => {
            t.push_str("GB");
            digits(rng, 9, &mut t);
        }
        Style::De => {
            t.push_str("DE");
            digits(rng, 9, &mut t);
        }
        Style::It => {
            t.push_str("IT");
            digits(rng, 11, &mut t);
        }
        Style::Fr => {
            t.push_str("FR");
            digits(rng, 11, &mut t);
        }
        Style::In => {
            digits(rng, 2, &mut t);
            upper_alnum(rng, 10, &mut t);
            t.push_str("1Z");
            upper_alnum(rng, 1, &mut t);
        }
        _ => digits(rng, 10, &mut t),
    }
    t
}

fn gen_email(rng: &mut impl Rng, a: &mut Actor) {
    let c = &COUNTRIES[a.country];
    let mut local = String::with_capacity(24);
    match a.kind {
        Kind::Person => {
            if c.style == Style::Cn && rng.random_bool(0.4) {
                local.push(char::from(b'1' + rng.random_range(0..9u8)));
                let n = rng.random_range(6..10);
                digits(rng, n, &mut local);
                a.email_domain = "qq.com";
            } else {
                let (g, f) = name_parts(a);
                let mut gf = String::new();
                let mut ff = String::new();
                ascii_fold(g, &mut gf);
                ascii_fold(f, &mut ff);
                match rng.random_range(0..4) {
                    0 => {
                        let _ = write!(local, "{gf}.{ff}");
                    }
                    1 => {
                        let _ = write!(local, "{ff}{gf}{}", rng.random_range(1..100));
                    }
                    2 => {
                        let _ = write!(
                            local,
                            "{}{ff}{}",
                            &gf[..1.min(gf.len())],
                            rng.random_range(70..100)
                        );
                    }
                    _ => {
                        let _ = write!(local, "{gf}{ff}{}", rng.random_range(100..1000));
                    }
                }
                a.email_domain = c.email_domains.choose(rng).unwrap();
            }
        }
        Kind::Company => {
            local.push_str(
                ["sales", "info", "service", "shop", "contact", "export"]
                    .choose(rng)
                    .unwrap(),
            );
            a.email_domain = c.email_domains.choose(rng).unwrap();
            let mut word = String::new();
            ascii_fold(&a.company, &mut word);
            if rng.random_bool(0.5) {
                // Own domain, leaked into a domain table of its own.
                local.clear();
                local.push_str(&word[..word.len().min(14)]);
                digits(rng, 2, &mut local);
            }
        }
    }
    a.email_local = local;
}

/// A new person living in `country`.
pub fn person(rng: &mut impl Rng, true_id: String, country: usize) -> Actor {
    let c = &COUNTRIES[country];
    let (ng, nf) = name_pools(c.style);
    let mut a = Actor {
        true_id,
        kind: Kind::Person,
        country,
        given: rng.random_range(0..ng) as u16,
        family: rng.random_range(0..nf) as u16,
        company: String::new(),
        addr: gen_addr(rng, country),
        phone: String::new(),
        email_local: String::new(),
        email_domain: "",
        bank: String::new(),
        tax_id: String::new(),
        carrier_account: String::new(),
        aliases: false,
    };
    gen_phone(rng, c.style, &mut a.phone);
    gen_email(rng, &mut a);
    if rng.random_bool(0.5) {
        a.bank = gen_bank(rng, country);
    }
    a
}

/// A new company registered in `country`.
pub fn company(rng: &mut impl Rng, true_id: String, country: usize) -> Actor {
    let c = &COUNTRIES[country];
    let mut a = person(rng, true_id, country);
    a.kind = Kind::Company;
    let mut name = String::with_capacity(40);
    if matches!(c.style, Style::Cn) {
        name.push_str(c.cities[a.addr.city as usize].name);
        name.push(' ');
    }
    name.push_str(data::COMPANY_WORDS.choose(rng).unwrap());
    name.push(' ');
    if rng.random_bool(0.4) {
        name.push_str(data::COMPANY_WORDS.choose(rng).unwrap());
        name.push(' ');
    }
    name.push_str(data::COMPANY_TRADES.choose(rng).unwrap());
    a.company = name;
    gen_email(rng, &mut a);
    a.bank = gen_bank(rng, country);
    a.tax_id = gen_tax_id(rng, country);
    a
}

/// A consumer's identity, derived from its index alone so that consumers need no memory.
pub fn consumer(seed: u64, index: u32) -> Actor {
    let mut rng = crate::rng_for(seed, crate::STREAM_CONSUMER, index as u64);
    let mut a = person(&mut rng, format!("C{:07}", index + 1), data::GB);
    a.bank.clear();
    a
}

fn legal_forms(style: Style) -> &'static [&'static str] {
    match style {
        Style::Cn => &[
            "Co., Ltd.",
            "Co. Ltd",
            "Company Limited",
            "CO.,LTD",
            "Co Ltd",
        ],
        Style::Hk => &["Limited", "Ltd", "Ltd.", "Company Limited"],
        Style::Gb => &["Ltd", "Limited", "Ltd.", "LTD"],
        Style::Us => &["LLC", "Inc.", "Inc", "L.L.C."],
        Style::De => &["GmbH", "GmbH", "Gesellschaft mbH"],
        Style::It => &["S.r.l.", "SRL", "Srl"],
        Style::Fr => &["SARL", "S.A.R.L.", "SAS"],
        Style::Tr => &["Ltd. Şti.", "Ltd Sti", "Limited Şirketi"],
        Style::Vn => &["Co., Ltd", "Company Limited", "Co Ltd"],
        Style::In => &["Pvt Ltd", "Private Limited", "Pvt. Ltd."],
    }
}

/// Types a typo into `s`: two letters swapped, one dropped or one doubled.
pub fn typo(rng: &mut impl Rng, s: &mut String) {
    let bytes = s.as_bytes();
    let letters: Vec<usize> = (1..bytes.len().saturating_sub(1))
        .filter(|&i| bytes[i].is_ascii_alphabetic() && bytes[i + 1].is_ascii_alphabetic())
        .collect();
    let Some(&i) = letters.choose(rng) else {
        return;
    };
    let mut v = std::mem::take(s).into_bytes();
    match rng.random_range(0..3) {
        0 => v.swap(i, i + 1),
        1 => {
            v.remove(i);
        }
        _ => {
            let b = v[i];
            v.insert(i, b);
        }
    }
    *s = String::from_utf8(v).expect("ascii edits keep utf-8");
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variation {
    None,
    NameTypo,
    NameReorder,
    NameLocal,
    AddrAbbrev,
    AddrLocal,
    AddrTypo,
    Upper,
}

fn write_name(a: &Actor, v: Variation, rng: &mut impl Rng, out: &mut String) {
    out.clear();
    let c = &COUNTRIES[a.country];
    match a.kind {
        Kind::Company => {
            out.push_str(&a.company);
            out.push(' ');
            let forms = legal_forms(c.style);
            let form = if v == Variation::None {
                forms[0]
            } else {
                forms.choose(rng).unwrap()
            };
            out.push_str(form);
        }
        Kind::Person => match c.style {
            Style::Cn | Style::Hk => {
                let (fam, giv) = if c.style == Style::Cn {
                    (
                        data::CN_FAMILY[a.family as usize],
                        data::CN_GIVEN[a.given as usize],
                    )
                } else {
                    (
                        data::HK_FAMILY[a.family as usize],
                        data::HK_GIVEN[a.given as usize],
                    )
                };
                match v {
                    Variation::NameLocal => {
                        out.push_str(fam.1);
                        out.push_str(giv.1);
                    }
                    Variation::NameReorder => {
                        let _ = write!(out, "{} {}", giv.0, fam.0);
                    }
                    _ => {
                        let _ = write!(out, "{} {}", fam.0, giv.0);
                    }
                }
            }
            _ => {
                let (g, f) = name_parts(a);
                if v == Variation::NameReorder {
                    if rng.random_bool(0.5) {
                        let _ = write!(out, "{}, {g}", f.to_uppercase());
                    } else {
                        let _ = write!(out, "{f} {g}");
                    }
                } else {
                    let _ = write!(out, "{g} {f}");
                }
            }
        },
    }
    if v == Variation::NameTypo {
        typo(rng, out);
    }
}

fn write_address(a: &Actor, v: Variation, view: &mut PartyView) {
    let c = &COUNTRIES[a.country];
    let ad = &a.addr;
    let city = &c.cities[ad.city as usize];
    let abbrev = v == Variation::AddrAbbrev;
    view.addr1.clear();
    view.addr2.clear();
    view.city.clear();
    view.region.clear();
    view.postcode.clear();
    view.postcode.push_str(&ad.postcode);
    view.country = c.code;
    let out1 = &mut view.addr1;
    let out2 = &mut view.addr2;
    match c.style {
        Style::Cn => {
            let street = data::CN_STREETS[ad.street as usize];
            let district = data::CN_DISTRICTS[ad.district as usize];
            if v == Variation::AddrLocal {
                let kind = ["路", "街", "大道"][ad.street_type as usize];
                let _ = write!(out1, "{}区{}{}{}号", district.1, street.1, kind, ad.number);
                if ad.unit != 0 {
                    let _ = write!(out1, "{}室", ad.unit);
                }
                let _ = write!(view.city, "{}市", city.local);
                if city.region != city.name {
                    let _ = write!(view.region, "{}省", city.region_local);
                }
                return;
            }
            let kind = if abbrev {
                ["Rd", "St", "Ave"][ad.street_type as usize]
            } else {
                ["Road", "Street", "Avenue"][ad.street_type as usize]
            };
            if abbrev {
                let _ = write!(out1, "{} {} {kind}", ad.number, street.0);
            } else {
                let _ = write!(out1, "No. {} {} {kind}", ad.number, street.0);
            }
            if ad.unit != 0 {
                let _ = write!(out1, ", {} {}", if abbrev { "Rm" } else { "Room" }, ad.unit);
            }
            let _ = write!(
                out2,
                "{} {}",
                district.0,
                if abbrev { "Dist." } else { "District" }
            );
            view.city.push_str(city.name);
            view.region.push_str(city.region);
            if !abbrev && city.region != city.name {
                view.region.push_str(" Province");
            }
        }
        Style::Hk => {
            let street = data::HK_STREETS[ad.street as usize];
            let kind = if abbrev { "Rd" } else { "Road" };
            if ad.unit != 0 {
                let _ = write!(out1, "{} {}, ", if abbrev { "Rm" } else { "Flat" }, ad.unit);
            }
            let _ = write!(out1, "{} {street} {kind}", ad.number);
            out2.push_str(data::HK_DISTRICTS[ad.district as usize]);
            view.city.push_str(city.name);
            view.region.push_str(city.region);
        }
        Style::Gb | Style::Us => {
            let streets = culture(c.style).streets;
            let full = if c.style == Style::Gb {
                ["Road", "Street", "Lane"]
            } else {
                ["Street", "Avenue", "Boulevard"]
            };
            let short = if c.style == Style::Gb {
                ["Rd", "St", "Ln"]
            } else {
                ["St", "Ave", "Blvd"]
            };
            let kind = if abbrev { short } else { full }[ad.street_type as usize];
            let _ = write!(out1, "{} {} {kind}", ad.number, streets[ad.street as usize]);
            if ad.unit != 0 {
                let unit = ad.unit % 100;
                if c.style == Style::Gb {
                    let _ = write!(out2, "Flat {unit}");
                } else {
                    let _ = write!(out2, "{} {unit}", if abbrev { "#" } else { "Apt" });
                }
            }
            view.city.push_str(city.name);
            view.region.push_str(city.region);
        }
        Style::De => {
            let s = culture(c.style).streets[ad.street as usize];
            let kind = if abbrev { "str." } else { "straße" };
            let _ = write!(out1, "{s}{kind} {}", ad.number % 120 + 1);
            view.city.push_str(city.name);
            view.region.push_str(city.region);
        }
        Style::It => {
            let s = culture(c.style).streets[ad.street as usize];
            let via = if abbrev { "V." } else { "Via" };
            let _ = write!(out1, "{via} {s}, {}", ad.number % 150 + 1);
            view.city.push_str(city.name);
            view.region.push_str(city.region);
        }
        Style::Fr => {
            let s = culture(c.style).streets[ad.street as usize];
            let rue = if abbrev { "r." } else { "rue" };
            let _ = write!(out1, "{} {rue} {s}", ad.number % 150 + 1);
            view.city.push_str(city.name);
            view.region.push_str(city.region);
        }
        Style::Tr => {
            let s = culture(c.style).streets[ad.street as usize];
            let kind = if abbrev { "Cad." } else { "Caddesi" };
            let _ = write!(out1, "{s} {kind} No:{}", ad.number % 200 + 1);
            if ad.unit != 0 {
                let _ = write!(out2, "D:{}", ad.unit % 40 + 1);
            }
            if abbrev {
                view.city.push_str(&city.name.replace('İ', "I"));
            } else {
                view.city.push_str(city.name);
            }
            view.region.push_str(city.region);
        }
        Style::Vn => {
            let s = culture(c.style).streets[ad.street as usize];
            if abbrev {
                let _ = write!(out1, "{} {s} St.", ad.number);
            } else {
                let _ = write!(out1, "So {} Duong {s}", ad.number);
            }
            out2.push_str(city.region);
            view.city.push_str(city.name);
        }
        Style::In => {
            let s = culture(c.style).streets[ad.street as usize];
            let kind = if abbrev { "Rd" } else { "Road" };
            let _ = write!(out1, "{}, {s} {kind}", ad.number);
            view.city.push_str(city.name);
            view.region.push_str(city.region);
        }
    }
    if v == Variation::AddrTypo {
        typo_in_words(out1);
    }
}

/// A typo that needs no random number generator: doubles the first letter of the longest word.
fn typo_in_words(s: &mut String) {
    let best = s
        .split(' ')
        .enumerate()
        .filter(|(_, w)| w.len() > 3 && w.bytes().all(|b| b.is_ascii_alphabetic()))
        .max_by_key(|(_, w)| w.len())
        .map(|(i, _)| i);
    if let Some(idx) = best {
        let words: Vec<String> = s
            .split(' ')
            .enumerate()
            .map(|(i, w)| {
                if i == idx {
                    let mut w2 = w.to_string();
                    let mid = w2.len() / 2;
                    w2.remove(mid);
                    w2
                } else {
                    w.to_string()
                }
            })
            .collect();
        *s = words.join(" ");
    }
}

/// Groups of the national significant number for the spaced international format.
fn phone_groups(style: Style) -> &'static [usize] {
    match style {
        Style::Cn => &[3, 4, 4],
        Style::Hk => &[4, 4],
        Style::Gb => &[4, 6],
        Style::Us => &[3, 3, 4],
        Style::De => &[3, 7],
        Style::It => &[3, 3, 4],
        Style::Fr => &[1, 2, 2, 2, 2],
        Style::Tr => &[3, 3, 2, 2],
        Style::Vn => &[3, 3, 3],
        Style::In => &[5, 5],
    }
}

fn push_grouped(nsn: &str, groups: &[usize], sep: char, out: &mut String) {
    let mut at = 0;
    for (i, g) in groups.iter().enumerate() {
        if at >= nsn.len() {
            break;
        }
        if i > 0 {
            out.push(sep);
        }
        let end = if i + 1 == groups.len() {
            nsn.len()
        } else {
            (at + g).min(nsn.len())
        };
        out.push_str(&nsn[at..end]);
        at = end;
    }
}

/// Writes a phone number in one of the formats partners use; national formats only where the
/// partner's default region is the number's own.
pub fn write_phone(a: &Actor, rng: &mut impl Rng, phone_region: Option<usize>, out: &mut String) {
    out.clear();
    let c = &COUNTRIES[a.country];
    let national_ok = phone_region == Some(a.country);
    let formats = if national_ok { 5 } else { 4 };
    match rng.random_range(0..formats) {
        0 => {
            let _ = write!(out, "+{}{}", c.dial, a.phone);
        }
        1 => {
            let _ = write!(out, "+{} ", c.dial);
            push_grouped(&a.phone, phone_groups(c.style), ' ', out);
        }
        2 => {
            let _ = write!(out, "00{}-{}", c.dial, a.phone);
        }
        3 => {
            let _ = write!(out, "(+{}) ", c.dial);
            push_grouped(&a.phone, phone_groups(c.style), '-', out);
        }
        _ => {
            out.push_str(c.trunk);
            push_grouped(&a.phone, phone_groups(c.style), ' ', out);
        }
    }
}

fn write_email(a: &Actor, rng: &mut impl Rng, out: &mut String) {
    out.clear();
    if !a.aliases {
        let _ = write!(out, "{}@{}", a.email_local, a.email_domain);
        return;
    }
    match rng.random_range(0..5) {
        0 => {
            let _ = write!(out, "{}@{}", a.email_local, a.email_domain);
        }
        1 => {
            // A dot where the provider ignores it, or one removed.
            if let Some(pos) = a.email_local.find('.') {
                let _ = write!(
                    out,
                    "{}{}@{}",
                    &a.email_local[..pos],
                    &a.email_local[pos + 1..],
                    a.email_domain
                );
            } else {
                let mid = a.email_local.len() / 2;
                let _ = write!(
                    out,
                    "{}.{}@{}",
                    &a.email_local[..mid],
                    &a.email_local[mid..],
                    a.email_domain
                );
            }
        }
        2 => {
            let tag = ["shop", "bz", "emp", "store2", "new"].choose(rng).unwrap();
            let _ = write!(out, "{}+{tag}@{}", a.email_local, a.email_domain);
        }
        3 => {
            let other = [
                "outlook.com",
                "gmail.com",
                "163.com",
                "hotmail.com",
                "proton.me",
            ]
            .iter()
            .find(|d| **d != a.email_domain)
            .unwrap();
            let _ = write!(out, "{}@{other}", a.email_local);
        }
        _ => {
            let _ = write!(
                out,
                "{}{}@{}",
                a.email_local,
                rng.random_range(1..10),
                a.email_domain
            );
        }
    }
}

/// Writes a bank account as partners do: IBAN groups, bare, or dashed.
pub fn write_bank(bank: &str, rng: &mut impl Rng, out: &mut String) {
    out.clear();
    match rng.random_range(0..3) {
        0 => out.push_str(bank),
        1 => {
            for (i, ch) in bank.chars().enumerate() {
                if i > 0 && i % 4 == 0 {
                    out.push(' ');
                }
                out.push(ch);
            }
        }
        _ => {
            for (i, ch) in bank.chars().enumerate() {
                if i > 0 && i % 4 == 0 {
                    out.push('-');
                }
                out.push(ch);
            }
        }
    }
}

/// Writes one appearance of `a`.
pub fn render(a: &Actor, rng: &mut impl Rng, opts: &RenderOpts, view: &mut PartyView) {
    let style = COUNTRIES[a.country].style;
    let variation = if opts.vary > 0.0 && rng.random_bool(opts.vary) {
        let chinese = matches!(style, Style::Cn | Style::Hk) && a.kind == Kind::Person;
        let choices: &[Variation] = match (chinese, style == Style::Cn) {
            (true, true) => &[
                Variation::NameTypo,
                Variation::NameReorder,
                Variation::NameLocal,
                Variation::AddrAbbrev,
                Variation::AddrLocal,
                Variation::AddrTypo,
            ],
            (true, false) => &[
                Variation::NameTypo,
                Variation::NameReorder,
                Variation::NameLocal,
                Variation::AddrAbbrev,
                Variation::Upper,
            ],
            (false, true) => &[
                Variation::NameTypo,
                Variation::AddrAbbrev,
                Variation::AddrLocal,
                Variation::AddrTypo,
                Variation::Upper,
            ],
            (false, false) => &[
                Variation::NameTypo,
                Variation::NameReorder,
                Variation::AddrAbbrev,
                Variation::AddrTypo,
                Variation::Upper,
            ],
        };
        *choices.choose(rng).unwrap()
    } else {
        Variation::None
    };
    view.kind = Some(a.kind);
    view.varied = variation != Variation::None;
    write_name(a, variation, rng, &mut view.name);
    write_address(a, variation, view);
    if variation == Variation::Upper {
        view.name = view.name.to_uppercase();
        view.addr1 = view.addr1.to_uppercase();
        view.addr2 = view.addr2.to_uppercase();
        view.city = view.city.to_uppercase();
    }
    write_phone(a, rng, opts.phone_region, &mut view.phone);
    write_email(a, rng, &mut view.email);
    if opts.junk > 0.0 && rng.random_bool(opts.junk) {
        if rng.random_bool(0.5) {
            view.email.clear();
            view.email
                .push_str(["n/a", "none", "-", "noemail"].choose(rng).unwrap());
        } else {
            view.phone.clear();
            view.phone
                .push_str(["0000", "n/a", "000000"].choose(rng).unwrap());
        }
    }
    if a.bank.is_empty() {
        view.bank.clear();
    } else {
        write_bank(&a.bank, rng, &mut view.bank);
    }
    view.tax_id.clear();
    view.tax_id.push_str(&a.tax_id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn iban_check_digits_validate() {
        // The published example IBAN.
        assert_eq!(iban("GB", "WEST12345698765432"), "GB82WEST12345698765432");
    }

    #[test]
    fn phone_formats_for_a_chinese_mobile() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut a = person(&mut rng, "A1".into(), data::CN);
        a.phone = "13800138000".into();
        let mut seen = std::collections::BTreeSet::new();
        let mut s = String::new();
        for _ in 0..200 {
            write_phone(&a, &mut rng, Some(data::CN), &mut s);
            seen.insert(s.clone());
        }
        let expected: std::collections::BTreeSet<String> = [
            "+8613800138000",
            "+86 138 0013 8000",
            "0086-13800138000",
            "(+86) 138-0013-8000",
            "138 0013 8000",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn every_generated_phone_is_valid_in_every_format() {
        // As the partners write them: international formats read with a GB default region
        // (carrier, emporium, watch list), Chinese national formats with a CN one (bazaar).
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut s = String::new();
        for (ci, c) in COUNTRIES.iter().enumerate() {
            let (partner, region) = if ci == data::CN {
                (data::CN, phonenumber::country::Id::CN)
            } else {
                (data::GB, phonenumber::country::Id::GB)
            };
            for _ in 0..300 {
                let a = person(&mut rng, "A1".into(), ci);
                for _ in 0..4 {
                    write_phone(&a, &mut rng, Some(partner), &mut s);
                    let n = phonenumber::parse(Some(region), &s)
                        .unwrap_or_else(|e| panic!("{} {s:?}: {e}", c.code));
                    assert!(phonenumber::is_valid(&n), "{} {s:?} ({})", c.code, a.phone);
                    assert!(
                        n.to_string().ends_with(&a.phone),
                        "{} {s:?} read as {n}",
                        c.code
                    );
                }
            }
        }
    }

    #[test]
    fn chinese_address_in_characters_and_pinyin() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut a = person(&mut rng, "A1".into(), data::CN);
        a.addr = Addr {
            number: 88,
            unit: 0,
            street: 0,
            street_type: 0,
            district: 0,
            city: 0,
            postcode: "510000".into(),
        };
        let mut v = PartyView::default();
        write_address(&a, Variation::None, &mut v);
        assert_eq!(v.addr1, "No. 88 Jianshe Road");
        assert_eq!(v.addr2, "Baiyun District");
        assert_eq!(v.city, "Guangzhou");
        write_address(&a, Variation::AddrAbbrev, &mut v);
        assert_eq!(v.addr1, "88 Jianshe Rd");
        write_address(&a, Variation::AddrLocal, &mut v);
        assert_eq!(v.addr1, "白云区建设路88号");
        assert_eq!(v.city, "广州市");
        assert_eq!(v.region, "广东省");
    }
}

//! A second kind of world: person records, as identity checks, customs and a watch list hold
//! them, with what makes people hard to tell apart.
//!
//! Each person has a name from one of several cultures (common names far more common than
//! rare ones), a date of birth, a birthplace, a nationality, a passport, a national id and an
//! address. Households share addresses; some hold a father and son of the same name, or twins.
//! Three partners each keep a different subset of the details in their own format, with typos,
//! nicknames, swapped name parts, mistyped or partial dates of birth and missing values. The
//! truth (`truth/actors.csv`) says which records are one person.

use std::io::Write;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::SimError;
use crate::data::{self, COUNTRIES, Culture};
use crate::out::write_field;

/// Countries people come from, with their naming culture.
const PLACES: [(usize, &Culture); 7] = [
    (data::GB, &data::GB_CULTURE),
    (data::US, &data::US_CULTURE),
    (data::DE, &data::DE_CULTURE),
    (data::IT, &data::IT_CULTURE),
    (data::FR, &data::FR_CULTURE),
    (data::TR, &data::TR_CULTURE),
    (data::IN, &data::IN_CULTURE),
];

/// Given names and the short forms people also go by.
const NICKNAMES: [(&str, &str); 16] = [
    ("James", "Jim"),
    ("Thomas", "Tom"),
    ("Daniel", "Dan"),
    ("Samuel", "Sam"),
    ("Michael", "Mike"),
    ("David", "Dave"),
    ("Christopher", "Chris"),
    ("Jennifer", "Jen"),
    ("Jessica", "Jess"),
    ("Oliver", "Ollie"),
    ("Alexander", "Alex"),
    ("Katharina", "Kathi"),
    ("Giuseppe", "Beppe"),
    ("Francesco", "Franco"),
    ("Mohammed", "Mo"),
    ("Elizabeth", "Liz"),
];

/// Beginnings and endings of family names beyond each culture's common ones: most people do
/// not share their family name with many others.
const ONSETS: [&str; 30] = [
    "Ash", "Bar", "Bel", "Bran", "Car", "Dal", "Dun", "Fair", "Gar", "Hal", "Hart", "Kel", "Lan",
    "Mar", "Mor", "Nor", "Pem", "Ran", "Ros", "Sal", "Stan", "Thorn", "Wal", "Wes", "Win", "Ber",
    "Cor", "Fer", "Gol", "Len",
];
const ENDINGS: [&str; 25] = [
    "ley", "ton", "field", "wood", "by", "ford", "well", "more", "ridge", "son", "stone", "worth",
    "ham", "ini", "etti", "mann", "berg", "ard", "ez", "oglu", "ani", "ova", "ski", "ant", "ier",
];

/// A family name: one of the culture's common ones half the time, else a rarer one.
fn family_name(rng: &mut impl Rng, culture: &Culture) -> String {
    if rng.random_bool(0.5) {
        skewed(rng, culture.family).to_string()
    } else {
        format!(
            "{}{}",
            ONSETS[rng.random_range(0..ONSETS.len())],
            ENDINGS[rng.random_range(0..ENDINGS.len())]
        )
    }
}

/// What the person world holds and where it went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeopleSummary {
    pub seed: u64,
    pub persons: usize,
    pub party_records: usize,
    /// Records per partner.
    pub files: std::collections::BTreeMap<String, usize>,
}

#[derive(Debug, Clone)]
struct Person {
    given: String,
    family: String,
    /// Year, month, day.
    born: (u32, u32, u32),
    male: bool,
    country: usize,
    birthplace: &'static str,
    passport: String,
    national_id: String,
    house: u32,
    street: String,
    postcode: String,
    city: &'static str,
    email: String,
}

/// A draw that favours the first entries: some names are far more common than others.
fn skewed<'a, T>(rng: &mut impl Rng, pool: &'a [T]) -> &'a T {
    let u: f64 = rng.random();
    &pool[((u * u * u) * pool.len() as f64) as usize % pool.len()]
}

fn people(persons: usize, rng: &mut ChaCha8Rng) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::with_capacity(persons);
    while out.len() < persons {
        let (country, culture) = PLACES[rng.random_range(0..PLACES.len())];
        let c = &COUNTRIES[country];
        let city = &c.cities[rng.random_range(0..c.cities.len())];
        let mut family = family_name(rng, culture);
        if rng.random_bool(0.05) {
            family = format!("{family}-{}", family_name(rng, culture));
        }
        let postcode = format!(
            "{}{:03}",
            city.postcode_prefix,
            rng.random_range(0..1000u32)
        );
        let head = Person {
            given: skewed(rng, culture.given).to_string(),
            family,
            born: (
                rng.random_range(1940..2006),
                rng.random_range(1..13),
                rng.random_range(1..29),
            ),
            male: rng.random_bool(0.5),
            country,
            birthplace: c.cities[rng.random_range(0..c.cities.len())].name,
            passport: String::new(),
            national_id: String::new(),
            house: rng.random_range(1..300),
            street: format!(
                "{} Road",
                culture.streets[rng.random_range(0..culture.streets.len())]
            ),
            postcode,
            city: city.name,
            email: String::new(),
        };
        // A household: alone, with relatives of the same family name, a son of the same name,
        // or twins.
        let mut household = vec![head.clone()];
        match rng.random_range(0..100) {
            0..=69 => {}
            70..=91 => {
                for _ in 0..rng.random_range(1..4) {
                    let mut r = head.clone();
                    r.given = skewed(rng, culture.given).to_string();
                    r.born = (
                        rng.random_range(1940..2006),
                        rng.random_range(1..13),
                        rng.random_range(1..29),
                    );
                    r.male = rng.random_bool(0.5);
                    household.push(r);
                }
            }
            92..=96 => {
                let mut son = head.clone();
                son.born = (
                    (head.born.0 + rng.random_range(22..36)).min(2005),
                    rng.random_range(1..13),
                    rng.random_range(1..29),
                );
                son.male = true;
                household[0].male = true;
                household.push(son);
            }
            _ => {
                let mut twin = head.clone();
                while twin.given == head.given {
                    twin.given =
                        culture.given[rng.random_range(0..culture.given.len())].to_string();
                }
                household.push(twin);
            }
        }
        for mut p in household {
            let n = out.len();
            p.passport = format!(
                "{}{:08}",
                char::from(b'A' + (n % 26) as u8),
                rng.random_range(0..100_000_000u32)
            );
            p.national_id = format!("{:09}", rng.random_range(0..1_000_000_000u32));
            p.email = format!(
                "{}.{}{}@{}",
                p.given.to_lowercase(),
                p.family.to_lowercase().replace(['-', ' '], ""),
                n % 1000,
                c.email_domains[n % c.email_domains.len()]
            );
            if out.len() < persons {
                out.push(p);
            }
        }
    }
    out
}

/// A typing error: two neighbours swapped, a letter dropped, doubled or replaced.
fn typo(rng: &mut impl Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_owned();
    }
    let i = rng.random_range(1..c.len() - 1);
    match rng.random_range(0..4) {
        0 => c.swap(i, i + 1),
        1 => {
            c.remove(i);
        }
        2 => c.insert(i, c[i]),
        _ => c[i] = char::from(b'a' + rng.random_range(0..26u8)),
    }
    c.into_iter().collect()
}

/// How a partner writes a person's given name this time.
fn given_as(rng: &mut impl Rng, p: &Person) -> String {
    if rng.random_bool(0.08)
        && let Some((_, nick)) = NICKNAMES.iter().find(|(full, _)| *full == p.given)
    {
        return (*nick).to_owned();
    }
    if rng.random_bool(0.08) {
        return typo(rng, &p.given);
    }
    p.given.clone()
}

fn family_as(rng: &mut impl Rng, p: &Person) -> String {
    if p.family.contains('-') && rng.random_bool(0.3) {
        // A double name written as its first part only.
        return p.family.split('-').next().unwrap_or_default().to_owned();
    }
    if rng.random_bool(0.1) {
        return typo(rng, &p.family);
    }
    p.family.clone()
}

/// A date of birth as a partner keeps it: sometimes a digit wrong or day and month swapped.
fn born_as(rng: &mut impl Rng, p: &Person) -> (u32, u32, u32) {
    let (y, m, d) = p.born;
    match rng.random_range(0..100) {
        0..=2 if d <= 12 && d != m => (y, d, m),
        3..=5 => (y, m, if d % 10 == 9 { d - 1 } else { d + 1 }),
        6..=7 => (y + 1, m, d),
        _ => (y, m, d),
    }
}

struct Csv {
    file: std::io::BufWriter<std::fs::File>,
    line: Vec<u8>,
    rows: usize,
}

impl Csv {
    fn create(root: &Path, rel: &str, header: &[&str]) -> Result<Csv, SimError> {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SimError::io(dir, e))?;
        }
        let f = std::fs::File::create(&path).map_err(|e| SimError::io(&path, e))?;
        let mut csv = Csv {
            file: std::io::BufWriter::new(f),
            line: Vec::new(),
            rows: 0,
        };
        csv.row(header, root)?;
        csv.rows = 0;
        Ok(csv)
    }

    fn row(&mut self, values: &[&str], root: &Path) -> Result<(), SimError> {
        self.line.clear();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.line.push(b',');
            }
            write_field(v, b',', &mut self.line);
        }
        self.line.push(b'\n');
        self.rows += 1;
        self.file
            .write_all(&self.line)
            .map_err(|e| SimError::io(root, e))
    }
}

const KYC: &str = "kyc-bazaar/identities.csv";
const CUSTOMS: &str = "customs-importers/importers.csv";
const WATCH: &str = "ipcc-watchlist/watchlist.csv";

const KYC_MAPPING: &str = r#"feed = "parties"
format = "csv"
marking = "AMBER"

[fields]
source_id = "ref"
kind = { value = "person" }
given_name = "first_name"
family_name = "last_name"
date_of_birth = { column = "dob", date_format = "%d/%m/%Y", on_invalid = "drop" }
nationality = "nationality"
passports = "passport_no"
"address.text" = "address"
"address.postcode" = { column = "postcode", on_invalid = "drop" }
"address.city" = "city"
"address.country" = "country"
emails = { column = "email", on_invalid = "drop" }
"#;

const CUSTOMS_MAPPING: &str = r#"feed = "parties"
format = "csv"
marking = "AMBER"

[fields]
source_id = "importer_id"
kind = { value = "person" }
name = "full_name"
date_of_birth = { column = "birth_date", on_invalid = "drop" }
gender = { column = "sex", on_invalid = "drop" }
"id_document.kind" = { value = "national_id" }
"id_document.number" = "national_id"
"id_document.country" = "country"
addresses = "address"
country = "country"
"#;

const WATCH_MAPPING: &str = r#"feed = "parties"
format = "csv"
marking = "AMBER"

[fields]
source_id = "entry"
kind = { value = "person" }
given_name = "given"
family_name = "surname"
date_of_birth = { column = "birth", on_invalid = "drop" }
place_of_birth = "birthplace"
nationality = "citizenship"
passports = "passport"
"address.text" = "street"
"address.postcode" = { column = "postcode", on_invalid = "drop" }
"address.city" = "city"
"address.country" = "country"
"#;

const MANIFEST: &str = r#"[[feed]]
org = "kyc-bazaar"
feed = "parties"
path = "kyc-bazaar/identities.csv"
mapping = "mappings/kyc-bazaar-identities.toml"

[[feed]]
org = "customs-importers"
feed = "parties"
path = "customs-importers/importers.csv"
mapping = "mappings/customs-importers.toml"

[[feed]]
org = "ipcc-watchlist"
feed = "parties"
path = "ipcc-watchlist/watchlist.csv"
mapping = "mappings/ipcc-watchlist.toml"
"#;

/// Writes a person world of about `records` party records into `out_dir`: every partner's
/// file, the mappings and manifest that onboard them, and the truth.
pub fn simulate_people(
    records: usize,
    seed: u64,
    out_dir: &Path,
) -> Result<PeopleSummary, SimError> {
    if records == 0 {
        return Err(SimError::Config(
            "--people needs at least one record".into(),
        ));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| SimError::io(out_dir, e))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    // About 2.2 records a person.
    let persons = (records * 10).div_ceil(22).max(1);
    let all = people(persons, &mut rng);
    let mut kyc = Csv::create(
        out_dir,
        KYC,
        &[
            "ref",
            "first_name",
            "last_name",
            "dob",
            "nationality",
            "passport_no",
            "address",
            "postcode",
            "city",
            "country",
            "email",
        ],
    )?;
    let mut customs = Csv::create(
        out_dir,
        CUSTOMS,
        &[
            "importer_id",
            "full_name",
            "birth_date",
            "sex",
            "national_id",
            "address",
            "country",
        ],
    )?;
    let mut watch = Csv::create(
        out_dir,
        WATCH,
        &[
            "entry",
            "given",
            "surname",
            "birth",
            "birthplace",
            "citizenship",
            "passport",
            "street",
            "postcode",
            "city",
            "country",
        ],
    )?;
    let mut truth = Csv::create(
        out_dir,
        "truth/actors.csv",
        &["org", "feed", "source_id", "true_id"],
    )?;
    let mut written = 0usize;
    let mut person = 0usize;
    while written < records {
        let p = &all[person % all.len()];
        let true_id = format!("PER-{:07}", person % all.len());
        person += 1;
        let code = COUNTRIES[p.country].code;
        let appearances = match rng.random_range(0..100) {
            0..=29 => 1,
            30..=64 => 2,
            65..=84 => 3,
            _ => rng.random_range(4..7),
        };
        for _ in 0..appearances.min(records - written) {
            let keep = |rng: &mut ChaCha8Rng, share: f64| rng.random_bool(share);
            match rng.random_range(0..10) {
                0..=3 => {
                    let id = format!("K{:08}", kyc.rows);
                    let (y, m, d) = born_as(&mut rng, p);
                    let dob = if keep(&mut rng, 0.95) {
                        format!("{d:02}/{m:02}/{y}")
                    } else {
                        String::new()
                    };
                    let (mut g, mut f) = (given_as(&mut rng, p), family_as(&mut rng, p));
                    if rng.random_bool(0.04) {
                        std::mem::swap(&mut g, &mut f);
                    }
                    let passport = if keep(&mut rng, 0.7) {
                        p.passport.clone()
                    } else {
                        String::new()
                    };
                    let address = format!("{} {}", p.house, p.street);
                    let email = if keep(&mut rng, 0.6) {
                        p.email.clone()
                    } else {
                        String::new()
                    };
                    kyc.row(
                        &[
                            &id,
                            &g,
                            &f,
                            &dob,
                            code,
                            &passport,
                            &address,
                            &p.postcode,
                            p.city,
                            code,
                            &email,
                        ],
                        out_dir,
                    )?;
                    truth.row(&["kyc-bazaar", "parties", &id, &true_id], out_dir)?;
                }
                4..=6 => {
                    let id = format!("IMP{:07}", customs.rows);
                    let (y, m, d) = born_as(&mut rng, p);
                    let dob = if keep(&mut rng, 0.9) {
                        format!("{y}-{m:02}-{d:02}")
                    } else {
                        String::new()
                    };
                    let (g, f) = (given_as(&mut rng, p), family_as(&mut rng, p));
                    let name = if rng.random_bool(0.5) {
                        format!("{}, {g}", f.to_uppercase())
                    } else {
                        format!("{g} {f}")
                    };
                    let sex = if keep(&mut rng, 0.8) {
                        if p.male { "M" } else { "F" }
                    } else {
                        ""
                    };
                    let nid = if keep(&mut rng, 0.6) {
                        p.national_id.clone()
                    } else {
                        String::new()
                    };
                    let address = format!("{} {}, {} {}", p.house, p.street, p.city, p.postcode);
                    customs.row(&[&id, &name, &dob, sex, &nid, &address, code], out_dir)?;
                    truth.row(&["customs-importers", "parties", &id, &true_id], out_dir)?;
                }
                _ => {
                    let id = format!("W{:07}", watch.rows);
                    let (y, m, d) = born_as(&mut rng, p);
                    // A watch list often knows only the year.
                    let birth = if keep(&mut rng, 0.5) {
                        format!("{y}")
                    } else {
                        format!("{y}-{m:02}-{d:02}")
                    };
                    let (mut g, mut f) = (given_as(&mut rng, p), family_as(&mut rng, p));
                    if rng.random_bool(0.08) {
                        std::mem::swap(&mut g, &mut f);
                    }
                    let place = if keep(&mut rng, 0.7) {
                        p.birthplace
                    } else {
                        ""
                    };
                    let passport = if keep(&mut rng, 0.5) {
                        p.passport.clone()
                    } else {
                        String::new()
                    };
                    let (street, postcode, city) = if keep(&mut rng, 0.5) {
                        (
                            format!("{} {}", p.house, p.street),
                            p.postcode.clone(),
                            p.city,
                        )
                    } else {
                        (String::new(), String::new(), "")
                    };
                    watch.row(
                        &[
                            &id, &g, &f, &birth, place, code, &passport, &street, &postcode, city,
                            code,
                        ],
                        out_dir,
                    )?;
                    truth.row(&["ipcc-watchlist", "parties", &id, &true_id], out_dir)?;
                }
            }
            written += 1;
        }
    }
    let mut files = std::collections::BTreeMap::new();
    for (name, csv) in [
        (KYC, kyc),
        (CUSTOMS, customs),
        (WATCH, watch),
        ("truth/actors.csv", truth),
    ] {
        files.insert(name.to_owned(), csv.rows);
        let mut f = csv.file;
        f.flush().map_err(|e| SimError::io(out_dir, e))?;
    }
    for (rel, text) in [
        ("mappings/kyc-bazaar-identities.toml", KYC_MAPPING),
        ("mappings/customs-importers.toml", CUSTOMS_MAPPING),
        ("mappings/ipcc-watchlist.toml", WATCH_MAPPING),
        ("manifest.toml", MANIFEST),
    ] {
        let path = out_dir.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SimError::io(dir, e))?;
        }
        std::fs::write(&path, text).map_err(|e| SimError::io(&path, e))?;
    }
    Ok(PeopleSummary {
        seed,
        persons: person.min(all.len()),
        party_records: written,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_world_is_deterministic_and_its_truth_covers_every_record() {
        let dir = std::env::temp_dir().join(format!("interdict-people-{}", std::process::id()));
        let a = simulate_people(3_000, 7, &dir.join("a")).unwrap();
        let b = simulate_people(3_000, 7, &dir.join("b")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.party_records, 3_000);
        for f in [KYC, CUSTOMS, WATCH, "truth/actors.csv"] {
            let x = std::fs::read(dir.join("a").join(f)).unwrap();
            assert_eq!(x, std::fs::read(dir.join("b").join(f)).unwrap(), "{f}");
        }
        let truth = std::fs::read_to_string(dir.join("a/truth/actors.csv")).unwrap();
        assert_eq!(truth.lines().count(), 3_001);
        let parts: usize = [KYC, CUSTOMS, WATCH].iter().map(|f| a.files[*f]).sum();
        assert_eq!(parts, 3_000);
        // People recur across partners.
        let mut ids: Vec<&str> = truth
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert!(
            ids.len() < 2_000 && ids.len() > 800,
            "{} persons",
            ids.len()
        );
        let other = simulate_people(3_000, 8, &dir.join("c")).unwrap();
        assert_ne!(
            std::fs::read(dir.join("a").join(KYC)).unwrap(),
            std::fs::read(dir.join("c").join(KYC)).unwrap()
        );
        assert_eq!(other.party_records, 3_000);
        std::fs::remove_dir_all(&dir).ok();
    }
}

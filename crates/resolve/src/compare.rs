//! Field-by-field comparison of two party records into graded levels.
//!
//! Every field has levels from 0 (the values disagree) up to its exact level; a field missing on
//! either side has no level at all (`None`): a missing value is missing, not a disagreement.

use serde::{Deserialize, Serialize};

use crate::features::{Features, NameFeature};

/// The fields a party is compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Email,
    Phone,
    Address,
    #[serde(rename = "bank_account")]
    Bank,
    TaxId,
    #[serde(rename = "account_id")]
    Account,
    Country,
    /// When the records were seen: how far apart their days are.
    Date,
}

/// How many fields there are.
pub const FIELDS: usize = 9;

impl Field {
    pub const ALL: [Field; FIELDS] = [
        Field::Name,
        Field::Email,
        Field::Phone,
        Field::Address,
        Field::Bank,
        Field::TaxId,
        Field::Account,
        Field::Country,
        Field::Date,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Address => "address",
            Field::Bank => "bank_account",
            Field::TaxId => "tax_id",
            Field::Account => "account_id",
            Field::Country => "country",
            Field::Date => "date",
        }
    }

    /// Names of the levels, from disagreement (0) to exact agreement.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "different",
                "similar (Jaro-Winkler >= 0.80, or two tokens and half of them shared)",
                "close (Jaro-Winkler >= 0.92)",
                "exact name key",
            ],
            Field::Email => &["different", "same local part", "same mailbox"],
            Field::Phone => &["different", "same last seven digits", "same number"],
            Field::Address => &[
                "different",
                "same postcode or same street and number",
                "same building (postcode and number)",
                "same address key",
            ],
            Field::Bank | Field::TaxId | Field::Account => &["different", "same"],
            Field::Country => &["different", "same"],
            Field::Date => &[
                "more than a year apart",
                "within a year",
                "within 30 days",
                "same days",
            ],
        }
    }

    pub fn level_count(self) -> usize {
        self.levels().len()
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether exact agreement is weighted by how common the agreeing value is.
    pub fn term_frequency(self) -> bool {
        !matches!(self, Field::Country | Field::Date)
    }
}

/// Jaro-Winkler similarity bands of the name comparison.
pub const NAME_CLOSE: f64 = 0.92;
pub const NAME_SIMILAR: f64 = 0.80;
/// Share of the smaller name's tokens the other must have for "similar" (with two at least).
pub const NAME_TOKEN_SHARE: f64 = 0.5;
/// Day gaps of the date levels "within 30 days" and "within a year".
pub const DATE_CLOSE_DAYS: i32 = 30;
pub const DATE_NEAR_DAYS: i32 = 365;

/// The level of two spans of days: 3 when they overlap (the same day for single records).
pub fn date_level(gap: i32) -> u8 {
    match gap {
        0 => 3,
        g if g <= DATE_CLOSE_DAYS => 2,
        g if g <= DATE_NEAR_DAYS => 1,
        _ => 0,
    }
}

/// The result of comparing two records: a level per field (`None` when missing) and, for
/// fields at their exact level, the hash of the value they agree on (for term frequencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Comparison {
    pub levels: [Option<u8>; FIELDS],
    pub agreed: [u64; FIELDS],
}

impl Comparison {
    /// A compact code of the levels: 3 bits a field, 0 for missing.
    pub fn pattern(&self) -> u32 {
        let mut p = 0u32;
        for (i, l) in self.levels.iter().enumerate() {
            let code = l.map_or(0, |l| u32::from(l) + 1);
            p |= code << (3 * i);
        }
        p
    }

    pub fn from_pattern(p: u32) -> [Option<u8>; FIELDS] {
        let mut levels = [None; FIELDS];
        for (i, l) in levels.iter_mut().enumerate() {
            let code = (p >> (3 * i)) & 7;
            *l = (code > 0).then(|| (code - 1) as u8);
        }
        levels
    }
}

/// Jaro-Winkler similarity. Names are short and mostly ASCII once folded: those are compared
/// with bit masks and no allocation (this runs for every candidate pair); anything else goes to
/// `strsim`, which gives the same result.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > 64 || y.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let range = (x.len().max(y.len()) / 2).saturating_sub(1);
    // Where each byte occurs in `y`, a bit per position: the first unmatched occurrence inside
    // a character's window is then the lowest bit of one mask, not a scan of the window.
    let mut positions = [0u64; 128];
    for (j, &d) in y.iter().enumerate() {
        positions[usize::from(d)] |= 1 << j;
    }
    let below = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let (mut x_flags, mut y_flags, mut matches) = (0u64, 0u64, 0u32);
    for (i, &c) in x.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(y.len());
        if lo >= hi {
            continue;
        }
        let window = below(hi) & !below(lo);
        let free = positions[usize::from(c)] & window & !y_flags;
        if free != 0 {
            y_flags |= free & free.wrapping_neg();
            x_flags |= 1 << i;
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    // Matched characters of both, in order: a transposition is a position where they differ.
    let mut transpositions = 0u32;
    let (mut xf, mut yf) = (x_flags, y_flags);
    while xf != 0 {
        let (i, j) = (xf.trailing_zeros() as usize, yf.trailing_zeros() as usize);
        if x[i] != y[j] {
            transpositions += 1;
        }
        xf &= xf - 1;
        yf &= yf - 1;
    }
    let m = f64::from(matches);
    let jaro =
        (m / x.len() as f64 + m / y.len() as f64 + (m - f64::from(transpositions / 2)) / m) / 3.0;
    if jaro > 0.7 {
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    } else {
        jaro
    }
}

/// Token overlap of two sorted, deduplicated hash lists over the smaller one; 0 unless at least
/// two tokens are shared (one shared given name or surname says little: "Li Ming", "He Ming").
fn token_share(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    if common < 2 {
        return 0.0;
    }
    common as f64 / a.len().min(b.len()) as f64
}

/// Jaro-Winkler similarity of two names token by token: each word of the shorter name with its
/// best match in the other, weighed by length; so a typo that changes how the words sort
/// ("Emily aTylor") or a reversed order ("Robinson Liam") costs only the typo.
fn word_similarity(a: &[String], b: &[String]) -> f64 {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return 0.0;
    }
    let (mut sum, mut len) = (0.0, 0.0);
    for w in short {
        let best = long.iter().map(|x| jaro_winkler(w, x)).fold(0.0, f64::max);
        let l = w.chars().count() as f64;
        sum += best * l;
        len += l;
    }
    let coverage = short.len() as f64 / long.len() as f64;
    // A name that is a part of the other is similar, not close.
    (sum / len) * if coverage < 1.0 { 0.9 } else { 1.0 }
}

/// The level of two names, and the name key hash when they agree exactly.
pub fn compare_names(a: &[NameFeature], b: &[NameFeature]) -> Option<(u8, u64)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut best = 0u8;
    for x in a {
        for y in b {
            if x.key_hash == y.key_hash {
                return Some((3, x.key_hash));
            }
            if best >= 2 {
                continue;
            }
            // Word by word only when the whole keys are not already close: it is the dearer.
            let mut jw = jaro_winkler(&x.key, &y.key);
            if jw < NAME_CLOSE {
                jw = jw.max(word_similarity(&x.words, &y.words));
            }
            let level = if jw >= NAME_CLOSE {
                2
            } else if jw >= NAME_SIMILAR || token_share(&x.tokens, &y.tokens) >= NAME_TOKEN_SHARE {
                1
            } else {
                0
            };
            best = best.max(level);
        }
    }
    Some((best, 0))
}

/// Exact agreement of two identifier lists: `(1, value)` when they share one.
fn compare_ids(a: &[u64], b: &[u64]) -> Option<(u8, u64)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    match a.iter().find(|x| b.contains(x)) {
        Some(&v) => Some((1, v)),
        None => Some((0, 0)),
    }
}

/// Compares two records field by field.
pub fn compare(a: &Features, b: &Features) -> Comparison {
    let mut c = Comparison::default();
    let mut set = |f: Field, r: Option<(u8, u64)>| {
        if let Some((level, value)) = r {
            c.levels[f.index()] = Some(level);
            c.agreed[f.index()] = value;
        }
    };
    set(Field::Name, compare_names(&a.names, &b.names));
    set(
        Field::Email,
        (!a.emails.is_empty() && !b.emails.is_empty()).then(|| {
            if let Some(e) = a
                .emails
                .iter()
                .find(|x| b.emails.iter().any(|y| y.identity == x.identity))
            {
                (2, e.identity)
            } else if a
                .emails
                .iter()
                .any(|x| b.emails.iter().any(|y| y.local == x.local))
            {
                (1, 0)
            } else {
                (0, 0)
            }
        }),
    );
    set(
        Field::Phone,
        (!a.phones.is_empty() && !b.phones.is_empty()).then(|| {
            if let Some(p) = a
                .phones
                .iter()
                .find(|x| b.phones.iter().any(|y| y.full == x.full))
            {
                (2, p.full)
            } else if a
                .phones
                .iter()
                .any(|x| b.phones.iter().any(|y| y.tail == x.tail))
            {
                (1, 0)
            } else {
                (0, 0)
            }
        }),
    );
    set(
        Field::Address,
        (!a.addresses.is_empty() && !b.addresses.is_empty()).then(|| {
            let mut best = (0u8, 0u64);
            for x in &a.addresses {
                for y in &b.addresses {
                    let level = if x.full == y.full {
                        3
                    } else if x.building != 0 && x.building == y.building {
                        2
                    } else if (x.place != 0 && x.place == y.place)
                        || (x.street != 0 && x.street == y.street)
                    {
                        1
                    } else {
                        0
                    };
                    if level > best.0 {
                        best = (level, if level == 3 { x.full } else { 0 });
                    }
                }
            }
            best
        }),
    );
    set(Field::Bank, compare_ids(&a.banks, &b.banks));
    set(Field::TaxId, compare_ids(&a.tax_ids, &b.tax_ids));
    set(Field::Account, compare_ids(&a.accounts, &b.accounts));
    set(
        Field::Country,
        (a.country != 0 && b.country != 0).then_some((u8::from(a.country == b.country), 0)),
    );
    set(Field::Date, a.span.gap(&b.span).map(|g| (date_level(g), 0)));
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::{Address, Party};

    fn named(name: &str) -> Features {
        Features::of(&Party {
            name: Some(name.into()),
            ..Party::default()
        })
    }

    fn level(a: &Features, b: &Features, f: Field) -> Option<u8> {
        compare(a, b).levels[f.index()]
    }

    #[test]
    fn every_name_level() {
        let a = named("Guangzhou Sunrise Industrial Co., Ltd.");
        assert_eq!(
            level(&a, &named("GUANGZHOU SUNRISE INDUSTRIAL"), Field::Name),
            Some(3)
        );
        assert_eq!(
            level(&a, &named("Guangzhou Sunrise Industrail"), Field::Name),
            Some(2)
        );
        assert_eq!(
            level(&a, &named("Sunrise Industrial Shenzhen"), Field::Name),
            Some(1)
        );
        assert_eq!(level(&a, &named("Emily Morris"), Field::Name), Some(0));
        assert_eq!(level(&a, &Features::default(), Field::Name), None);
    }

    #[test]
    fn exact_names_report_the_agreeing_value() {
        let a = named("Liam Robinson");
        let c = compare(&a, &named("ROBINSON, Liam"));
        assert_eq!(c.agreed[Field::Name.index()], a.names[0].key_hash);
        assert_eq!(compare(&a, &named("Liam Robinsen")).agreed[0], 0);
    }

    fn with(f: impl FnOnce(&mut Party)) -> Features {
        let mut p = Party::default();
        f(&mut p);
        Features::of(&p)
    }

    #[test]
    fn every_email_level() {
        let a = with(|p| p.emails = vec!["li.wei@gmail.com".into()]);
        let same = with(|p| p.emails = vec!["liwei+shop@gmail.com".into()]);
        let local = with(|p| p.emails = vec!["liwei@qq.com".into()]);
        let other = with(|p| p.emails = vec!["zhang@qq.com".into()]);
        assert_eq!(level(&a, &same, Field::Email), Some(2));
        assert_eq!(level(&a, &local, Field::Email), Some(1));
        assert_eq!(level(&a, &other, Field::Email), Some(0));
        assert_eq!(level(&a, &named("x"), Field::Email), None);
    }

    #[test]
    fn every_phone_level() {
        let a = with(|p| p.phones = vec!["+447700900123".into()]);
        let same = with(|p| p.phones = vec!["+447700900123".into(), "+447000000001".into()]);
        let tail = with(|p| p.phones = vec!["+8613700900123".into()]);
        let other = with(|p| p.phones = vec!["+447700111111".into()]);
        assert_eq!(level(&a, &same, Field::Phone), Some(2));
        assert_eq!(level(&a, &tail, Field::Phone), Some(1));
        assert_eq!(level(&a, &other, Field::Phone), Some(0));
        assert_eq!(level(&a, &named("x"), Field::Phone), None);
    }

    fn at(text: &str, postcode: Option<&str>) -> Features {
        with(|p| {
            p.addresses = vec![Address {
                text: text.into(),
                postcode: postcode.map(Into::into),
                city: Some("London".into()),
                region: None,
                country: Some("GB".into()),
            }]
        })
    }

    #[test]
    fn every_address_level() {
        let a = at("12 Baker Street", Some("NW1 6XE"));
        assert_eq!(
            level(&a, &at("12 baker st.", Some("NW16XE")), Field::Address),
            Some(3)
        );
        assert_eq!(
            level(&a, &at("12 Bakr Street", Some("NW1 6XE")), Field::Address),
            Some(2)
        );
        assert_eq!(
            level(
                &a,
                &at("40 Marylebone Road", Some("NW1 6XE")),
                Field::Address
            ),
            Some(1)
        );
        assert_eq!(
            level(&a, &at("12 Baker Street", Some("SW1A 1AA")), Field::Address),
            Some(1)
        );
        assert_eq!(
            level(&a, &at("1 Mall Road", Some("SW1A 1AA")), Field::Address),
            Some(0)
        );
        assert_eq!(level(&a, &named("x"), Field::Address), None);
    }

    #[test]
    fn identifiers_and_country_are_same_or_different() {
        let a = with(|p| {
            p.bank_accounts = vec!["GB32HBUK12312119369933".into()];
            p.tax_ids = vec!["GB865094900".into()];
            p.account_id = Some("BZS0112648".into());
            p.country = Some("GB".into());
        });
        let b = with(|p| {
            p.bank_accounts = vec!["GB32HBUK12312119369933".into()];
            p.tax_ids = vec!["GB000000000".into()];
            p.account_id = Some("BZS0112648".into());
            p.country = Some("CN".into());
        });
        let c = compare(&a, &b);
        assert_eq!(c.levels[Field::Bank.index()], Some(1));
        assert_eq!(c.levels[Field::TaxId.index()], Some(0));
        assert_eq!(c.levels[Field::Account.index()], Some(1));
        assert_eq!(c.levels[Field::Country.index()], Some(0));
        assert_ne!(c.agreed[Field::Bank.index()], 0);
        assert_eq!(compare(&a, &named("x")).levels[Field::Bank.index()], None);
    }

    #[test]
    fn every_date_level_and_spans_compare_by_their_gap() {
        use crate::features::Span;
        let on = |d: &str| {
            let mut f = named("x");
            f.span = Span::of_date(Some(d));
            f
        };
        let a = on("2026-03-10");
        assert_eq!(level(&a, &on("2026-03-10T18:00"), Field::Date), Some(3));
        assert_eq!(level(&a, &on("2026-04-01"), Field::Date), Some(2));
        assert_eq!(level(&a, &on("2025-12-01"), Field::Date), Some(1));
        assert_eq!(level(&a, &on("2024-12-01"), Field::Date), Some(0));
        assert_eq!(
            level(&a, &named("x"), Field::Date),
            None,
            "no date is missing"
        );
        assert_eq!(level(&a, &on("10/03/2026"), Field::Date), None);
        // A description seen from January to June overlaps one seen in March.
        let mut long = on("2026-01-05");
        long.span.cover(Span::of_date(Some("2026-06-30")));
        assert_eq!(level(&long, &a, Field::Date), Some(3));
        assert_eq!(level(&long, &on("2026-07-20"), Field::Date), Some(2));
        // Spans are not part of what a description is.
        assert_eq!(long, on("2019-01-01"));
        assert_eq!(crate::description_hash(&long), crate::description_hash(&a));
    }

    #[test]
    fn patterns_round_trip() {
        let a = with(|p| {
            p.name = Some("Acme".into());
            p.emails = vec!["a@b.com".into()];
        });
        let b = with(|p| {
            p.name = Some("Acme".into());
            p.emails = vec!["c@b.com".into()];
        });
        let c = compare(&a, &b);
        assert_eq!(Comparison::from_pattern(c.pattern()), c.levels);
        assert_eq!(c.levels[0], Some(3));
        assert_eq!(c.levels[1], Some(0));
        assert_eq!(c.levels[2], None);
    }

    proptest::proptest! {
        #[test]
        fn jaro_winkler_agrees_with_strsim(a in "[a-e ]{0,20}", b in "[a-e ]{0,20}", c in "\\PC{0,12}") {
            proptest::prop_assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            proptest::prop_assert_eq!(jaro_winkler(&a, &c), strsim::jaro_winkler(&a, &c));
        }

        #[test]
        fn jaro_winkler_agrees_with_strsim_on_long_names(a in "[a-c ]{30,64}", b in "[a-c ]{1,64}") {
            proptest::prop_assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            proptest::prop_assert_eq!(jaro_winkler(&b, &a), strsim::jaro_winkler(&b, &a));
        }
    }

    #[test]
    fn every_field_names_its_levels() {
        for f in Field::ALL {
            assert!(f.level_count() >= 2 && f.level_count() <= 4, "{f:?}");
        }
    }
}

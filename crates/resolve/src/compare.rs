//! Field-by-field comparison of two party records into graded levels.
//!
//! Every field has levels from 0 (the values disagree) up to its exact level; a field missing on
//! either side has no level at all (`None`): a missing value is missing, not a disagreement.

use serde::{Deserialize, Serialize};

use crate::features::{Birth, Features, NameFeature, Person, Word};

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
    /// A person's given names, when both records keep them apart.
    #[serde(rename = "given_name")]
    Given,
    /// A person's family name, when both records keep it apart (the whole name is then not
    /// compared, so the same evidence does not count twice).
    #[serde(rename = "family_name")]
    Family,
    #[serde(rename = "date_of_birth")]
    Birth,
    #[serde(rename = "place_of_birth")]
    BirthPlace,
    Nationality,
    Gender,
    #[serde(rename = "id_document")]
    Document,
}

/// How many fields there are.
pub const FIELDS: usize = 16;

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
        Field::Given,
        Field::Family,
        Field::Birth,
        Field::BirthPlace,
        Field::Nationality,
        Field::Gender,
        Field::Document,
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
            Field::Given => "given_name",
            Field::Family => "family_name",
            Field::Birth => "date_of_birth",
            Field::BirthPlace => "place_of_birth",
            Field::Nationality => "nationality",
            Field::Gender => "gender",
            Field::Document => "id_document",
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
                "same postcode district",
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
            Field::Given | Field::Family => &[
                "different",
                "similar (Jaro-Winkler >= 0.80, sounds alike, or an initial)",
                "close (Jaro-Winkler >= 0.92, or one holds the other)",
                "exact",
            ],
            Field::Birth => &[
                "different",
                "agree as far as the less precise goes (a year, or a year and month)",
                "one digit apart, or day and month swapped",
                "exact",
            ],
            Field::BirthPlace => &["different", "close (Jaro-Winkler >= 0.92)", "same"],
            Field::Nationality => &["different", "share one"],
            Field::Gender => &["different", "same"],
            Field::Document => &[
                "different",
                "one character apart (a typo or two swapped)",
                "same number",
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
        !matches!(
            self,
            Field::Country | Field::Date | Field::Nationality | Field::Gender
        )
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
    pub fn pattern(&self) -> u64 {
        let mut p = 0u64;
        for (i, l) in self.levels.iter().enumerate() {
            let code = l.map_or(0, |l| u64::from(l) + 1);
            p |= code << (3 * i);
        }
        p
    }

    pub fn from_pattern(p: u64) -> [Option<u8>; FIELDS] {
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

/// The level of two parts of a person's name, and the hash when they agree exactly.
fn compare_words(a: &Word, b: &Word) -> (u8, u64) {
    if a.hash == b.hash {
        return (3, a.hash);
    }
    let jw = jaro_winkler(&a.text, &b.text);
    // A double or hyphenated name holds the single one ("garcia lopez", "garcia").
    let holds = |x: &Word, y: &Word| {
        x.words.len() > y.words.len() && y.words.iter().all(|w| x.words.contains(w))
    };
    if jw >= NAME_CLOSE || holds(a, b) || holds(b, a) {
        return (2, 0);
    }
    // An initial ("j" for "john") agrees with the names it could stand for.
    let initial = |x: &Word, y: &Word| {
        x.text.len() == 1 && y.text.as_bytes().first() == x.text.as_bytes().first()
    };
    let sounds = a.sound != 0 && a.sound == b.sound;
    if jw >= NAME_SIMILAR || sounds || initial(a, b) || initial(b, a) {
        return (1, 0);
    }
    (0, 0)
}

/// Given and family names compared part by part, straight or swapped (a partner that put the
/// family name first), whichever agrees more.
/// A field's level and agreeing value, `None` when missing.
type Level = Option<(u8, u64)>;

fn compare_name_parts(a: &Person, b: &Person) -> (Level, Level) {
    let level = |x: &Option<Word>, y: &Option<Word>| match (x, y) {
        (Some(x), Some(y)) => Some(compare_words(x, y)),
        _ => None,
    };
    let straight = (level(&a.given, &b.given), level(&a.family, &b.family));
    if a.given.is_none() || b.given.is_none() {
        return straight;
    }
    let crossed = (level(&a.given, &b.family), level(&a.family, &b.given));
    let sum = |p: &(Level, Level)| p.0.map_or(0, |l| l.0) + p.1.map_or(0, |l| l.0);
    if sum(&crossed) > sum(&straight) {
        // Swapped parts agree as they do, but never exactly: a value's rarity is its own field's.
        let cap = |l: Level| l.map(|(l, _)| (l.min(2), 0));
        (cap(crossed.0), cap(crossed.1))
    } else {
        straight
    }
}

/// The level of two dates of birth, and the hash when they agree exactly.
fn compare_births(a: &Birth, b: &Birth) -> (u8, u64) {
    if a.is_whole() && b.is_whole() {
        if a.hash == b.hash {
            return (3, a.hash);
        }
        // Digits of YYYYMMDD that differ.
        let number =
            |x: &Birth| u32::from(x.year) * 10_000 + u32::from(x.month) * 100 + u32::from(x.day);
        let (mut x, mut y, mut differ) = (number(a), number(b), 0);
        for _ in 0..8 {
            differ += usize::from(x % 10 != y % 10);
            x /= 10;
            y /= 10;
        }
        let swapped = a.year == b.year && a.month == b.day && a.day == b.month;
        if differ == 1 || swapped {
            return (2, 0);
        }
        // Two whole dates further apart are two people's, even in one year.
        return (0, 0);
    }
    // A year alone, or a year and month, agrees with every date it could be, itself
    // included: that is all two partial dates can say, however rare the written value.
    let partial_agrees = a.year == b.year && (a.month == 0 || b.month == 0 || a.month == b.month);
    (u8::from(partial_agrees), 0)
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
    // When both keep the family name apart, the parts stand for the whole name (see
    // `compare_people`): the dearer whole-name comparison is not made at all.
    let parts_apart = |f: &Features| f.person.as_deref().is_some_and(|p| p.family.is_some());
    if !(parts_apart(a) && parts_apart(b)) {
        set(Field::Name, compare_names(&a.names, &b.names));
    }
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
                        4
                    } else if x.building != 0 && x.building == y.building {
                        3
                    } else if (x.place != 0 && x.place == y.place)
                        || (x.street != 0 && x.street == y.street)
                    {
                        2
                    } else if x.district != 0 && x.district == y.district {
                        1
                    } else {
                        0
                    };
                    if level > best.0 {
                        best = (level, if level == 4 { x.full } else { 0 });
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
    if let (Some(p), Some(q)) = (a.person.as_deref(), b.person.as_deref()) {
        compare_people(p, q, &mut c);
    }
    c
}

/// The fields of two people's identifiers.
fn compare_people(p: &Person, q: &Person, c: &mut Comparison) {
    // A nationality says what a shared country of residence already said, unless one record
    // has no country: counted twice, it would make every two compatriots look alike.
    let country_known = c.levels[Field::Country.index()].is_some();
    let (mut given, family) = compare_name_parts(p, q);
    if family.is_some() {
        // Both keep the family name apart: the parts say what the whole name would.
        c.levels[Field::Name.index()] = None;
        c.agreed[Field::Name.index()] = 0;
    } else if c.levels[Field::Name.index()].is_some() {
        // The whole names are compared, and the given names are in them: counted apart as
        // well, one "Emily" would weigh twice.
        given = None;
    }
    let mut set = |f: Field, r: Option<(u8, u64)>| {
        if let Some((level, value)) = r {
            c.levels[f.index()] = Some(level);
            c.agreed[f.index()] = value;
        }
    };
    set(Field::Given, given);
    set(Field::Family, family);
    if let (Some(x), Some(y)) = (&p.birth, &q.birth) {
        set(Field::Birth, Some(compare_births(x, y)));
    }
    if let (Some(x), Some(y)) = (&p.birth_place, &q.birth_place) {
        set(
            Field::BirthPlace,
            Some(if x.hash == y.hash {
                (2, x.hash)
            } else {
                (u8::from(jaro_winkler(&x.text, &y.text) >= NAME_CLOSE), 0)
            }),
        );
    }
    if !country_known && !p.nationality.is_empty() && !q.nationality.is_empty() {
        let shared = p.nationality.iter().any(|n| q.nationality.contains(n));
        set(Field::Nationality, Some((u8::from(shared), 0)));
    }
    if p.gender != 0 && q.gender != 0 {
        set(Field::Gender, Some((u8::from(p.gender == q.gender), 0)));
    }
    // Documents compare only with documents of their kind (or of no stated kind).
    let mut level: Option<(u8, u64)> = None;
    for (i, &x) in p.documents.iter().enumerate() {
        for (j, &y) in q.documents.iter().enumerate() {
            let (kx, ky) = (p.document_kinds[i], q.document_kinds[j]);
            if kx != 0 && ky != 0 && kx != ky {
                continue;
            }
            let l = if x == y {
                (2, x)
            } else {
                (
                    u8::from(one_apart(&p.document_numbers[i], &q.document_numbers[j])),
                    0,
                )
            };
            if level.is_none_or(|best| l.0 > best.0) {
                level = Some(l);
            }
        }
    }
    set(Field::Document, level);
}

/// Whether two identifiers of the same length differ in one character, or in two adjacent
/// characters swapped.
fn one_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.len() < 4 {
        return false;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diffs.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
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
            Some(4)
        );
        assert_eq!(
            level(&a, &at("12 Bakr Street", Some("NW1 6XE")), Field::Address),
            Some(3)
        );
        assert_eq!(
            level(
                &a,
                &at("40 Marylebone Road", Some("NW1 6XE")),
                Field::Address
            ),
            Some(2)
        );
        assert_eq!(
            level(&a, &at("12 Baker Street", Some("SW1A 1AA")), Field::Address),
            Some(2)
        );
        // A slip in the inward code, or another street of the district.
        assert_eq!(
            level(&a, &at("7 Park Road", Some("NW1 6XF")), Field::Address),
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

    fn person(given: &str, family: &str, born: Option<&str>) -> Features {
        with(|p| {
            p.given_name = Some(given.into());
            p.family_name = Some(family.into());
            p.name = Some(format!("{given} {family}"));
            p.date_of_birth = born.map(Into::into);
        })
    }

    #[test]
    fn a_given_name_compared_in_the_whole_name_is_not_compared_again() {
        let only_given = with(|p| {
            p.given_name = Some("Emily".into());
            p.name = Some("Emily".into());
        });
        let c = compare(&person("Emily", "Brummer-Archer", None), &only_given);
        assert!(c.levels[Field::Name.index()].is_some(), "the whole names");
        assert_eq!(
            c.levels[Field::Given.index()],
            None,
            "not the given name twice"
        );
        assert_eq!(c.levels[Field::Family.index()], None);
    }

    #[test]
    fn name_parts_replace_the_whole_name_when_both_have_them() {
        let a = person("Mary", "Smith", None);
        let c = compare(&a, &person("Mary", "Smyth", None));
        assert_eq!(c.levels[Field::Name.index()], None);
        assert_eq!(c.levels[Field::Given.index()], Some(3));
        assert_ne!(
            c.agreed[Field::Given.index()],
            0,
            "an exact given name is weighed by rarity"
        );
        assert_eq!(c.levels[Field::Family.index()], Some(1), "sounds alike");
        // Against a record with only a whole name, the whole names compare.
        let c = compare(&a, &named("Mary Smith"));
        assert_eq!(c.levels[Field::Name.index()], Some(3));
        assert_eq!(c.levels[Field::Family.index()], None);
    }

    #[test]
    fn every_name_part_level() {
        let a = person("Jonathan", "Garcia Lopez", None);
        let lv = |b: &Features| {
            let c = compare(&a, b);
            (
                c.levels[Field::Given.index()],
                c.levels[Field::Family.index()],
            )
        };
        assert_eq!(lv(&person("Jonathan", "Garcia", None)), (Some(3), Some(2)));
        assert_eq!(lv(&person("J", "Garcia-Lopez", None)), (Some(1), Some(3)));
        assert_eq!(
            lv(&person("Jonathon", "Garsia Lopes", None)),
            (Some(2), Some(2))
        );
        assert_eq!(lv(&person("Peter", "Khan", None)), (Some(0), Some(0)));
        // Swapped parts agree, but never at the exact level.
        let b = person("Smith", "John", None);
        let c = compare(&person("John", "Smith", None), &b);
        assert_eq!(c.levels[Field::Given.index()], Some(2));
        assert_eq!(c.levels[Field::Family.index()], Some(2));
        // Names that sound alike are similar.
        let c = compare(
            &person("Ann", "Ashcraft", None),
            &person("Ann", "Ashcroft", None),
        );
        assert!(c.levels[Field::Family.index()] >= Some(1));
    }

    #[test]
    fn every_birth_date_level() {
        let a = person("A", "B", Some("1985-03-14"));
        let lv = |d: &str| compare(&a, &person("A", "B", Some(d))).levels[Field::Birth.index()];
        assert_eq!(lv("1985-03-14"), Some(3));
        assert_eq!(lv("1985-03-15"), Some(2), "one digit");
        assert_eq!(lv("1986-03-14"), Some(2), "one digit of the year");
        let swapped = person("A", "B", Some("1985-04-03"));
        let b = person("A", "B", Some("1985-03-04"));
        assert_eq!(compare(&swapped, &b).levels[Field::Birth.index()], Some(2));
        assert_eq!(lv("1985"), Some(1), "a year alone agrees as far as it goes");
        assert_eq!(lv("1985-03"), Some(1));
        assert_eq!(lv("1985-07-30"), Some(0), "two whole dates of one year");
        assert_eq!(lv("1991-08-02"), Some(0));
        assert_eq!(lv("1984"), Some(0), "another year");
        assert_eq!(lv("1985-04"), Some(0), "another month");
        // Two partial dates agree no more than a partial and a whole one do.
        let year = person("A", "B", Some("1985"));
        let c = compare(&year, &person("A", "B", Some("1985")));
        assert_eq!(c.levels[Field::Birth.index()], Some(1));
        assert_eq!(
            compare(&a, &person("A", "B", None)).levels[Field::Birth.index()],
            None
        );
    }

    #[test]
    fn documents_gender_nationality_and_birthplace() {
        let p = |doc: &str, g: interdict_model::Gender, nat: &str, place: &str| {
            with(|p| {
                p.name = Some("Li Wei".into());
                p.id_documents = vec![interdict_model::IdDocument {
                    kind: interdict_model::DocumentKind::Passport,
                    number: doc.into(),
                    country: None,
                }];
                p.gender = Some(g);
                p.nationality = vec![nat.into()];
                p.place_of_birth = Some(place.into());
            })
        };
        use interdict_model::Gender::*;
        let a = p("E12345678", Male, "CN", "Shenzhen");
        let c = compare(&a, &p("E12345678", Male, "CN", "Shenzen"));
        assert_eq!(c.levels[Field::Document.index()], Some(2));
        assert_ne!(c.agreed[Field::Document.index()], 0);
        assert_eq!(c.levels[Field::Gender.index()], Some(1));
        assert_eq!(c.levels[Field::Nationality.index()], Some(1));
        assert_eq!(c.levels[Field::BirthPlace.index()], Some(1));
        for typo in ["E12345673", "E12354678"] {
            let c = compare(&a, &p(typo, Male, "CN", "Shenzhen"));
            assert_eq!(c.levels[Field::Document.index()], Some(1), "{typo}");
        }
        let c = compare(&a, &p("E12345687", Male, "CN", "Shenzhen"));
        assert_eq!(c.levels[Field::Document.index()], Some(1), "two swapped");
        let c = compare(&a, &p("E99345678", Male, "CN", "Shenzhen"));
        assert_eq!(c.levels[Field::Document.index()], Some(0));
        // A passport never compares with a national id.
        let mut id_card = p("E12345678", Male, "CN", "Shenzhen");
        id_card.person.as_mut().unwrap().document_kinds =
            vec![interdict_model::DocumentKind::NationalId as u8 + 1];
        assert_eq!(compare(&a, &id_card).levels[Field::Document.index()], None);
        let c = compare(&a, &p("G0000000", Female, "HK", "Lyon"));
        assert_eq!(c.levels[Field::Document.index()], Some(0));
        assert_eq!(c.levels[Field::Gender.index()], Some(0));
        assert_eq!(c.levels[Field::Nationality.index()], Some(0));
        assert_eq!(c.levels[Field::BirthPlace.index()], Some(0));
        // With a country of residence on both sides, nationality adds nothing to it.
        let resident = |nat: &str| {
            with(|p| {
                p.name = Some("Li Wei".into());
                p.country = Some("CN".into());
                p.nationality = vec![nat.into()];
            })
        };
        let c = compare(&resident("CN"), &resident("CN"));
        assert_eq!(c.levels[Field::Country.index()], Some(1));
        assert_eq!(c.levels[Field::Nationality.index()], None);
        // Records without them compare as before: the fields are missing, not different.
        let c = compare(&named("Li Wei"), &a);
        for f in [
            Field::Document,
            Field::Gender,
            Field::Nationality,
            Field::BirthPlace,
            Field::Birth,
        ] {
            assert_eq!(c.levels[f.index()], None, "{f:?}");
        }
    }

    #[test]
    fn every_field_names_its_levels() {
        for f in Field::ALL {
            // A pattern keeps 3 bits a field, 0 for missing.
            assert!(f.level_count() >= 2 && f.level_count() <= 7, "{f:?}");
        }
    }
}

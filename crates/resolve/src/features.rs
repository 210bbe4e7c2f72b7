//! What a party record is compared on, derived once per record.
//!
//! Exact-match values are kept as 64-bit hashes (tagged by field, so an e-mail never equals a
//! phone); names keep their folded key as text because they are compared by edit similarity.

use std::hash::{Hash, Hasher};

use interdict_model::{Party, PartyKind};
use interdict_normalize::address::{address_key, postcode_district};
use interdict_normalize::email::email_identity;
use interdict_normalize::name::name_parts;
use rustc_hash::FxHasher;

/// A name in comparison form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameFeature {
    /// Folded tokens without the legal form, sorted and joined by spaces.
    pub key: String,
    pub key_hash: u64,
    /// Hashes of the tokens, sorted and deduplicated.
    pub tokens: Vec<u64>,
    /// The folded tokens in their original order.
    pub words: Vec<String>,
}

/// An address in comparison form: every part hashed, 0 when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressFeature {
    /// The whole key: country, postcode or city, house number, street.
    pub full: u64,
    /// Country and postcode (or city when no postcode is known).
    pub place: u64,
    /// Country and the postcode's district, 0 without a postcode.
    pub district: u64,
    /// Place and house number.
    pub building: u64,
    /// Street tokens and house number, whatever the place.
    pub street: u64,
}

/// An e-mail in comparison form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmailFeature {
    /// The mailbox identity (`+tags` and Gmail dots removed).
    pub identity: u64,
    /// The local part alone, so `li.wei@qq.com` and `li.wei@163.com` are close.
    pub local: u64,
}

/// A phone in comparison form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhoneFeature {
    pub full: u64,
    /// The last seven digits: the subscriber number whatever the country prefix said.
    pub tail: u64,
}

/// A part of a person's name (given names, family name) in comparison form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Word {
    /// The folded tokens in their order, joined by spaces (`"garcia lopez"`).
    pub text: String,
    pub hash: u64,
    /// The folded tokens.
    pub words: Vec<String>,
    /// How the first token sounds ([`interdict_normalize::person::sound`]), hashed; 0 when
    /// it has no letter.
    pub sound: u64,
}

impl Word {
    fn of(text: &str, tag: Tag) -> Option<Word> {
        let words = interdict_normalize::name::name_tokens(text);
        if words.is_empty() {
            return None;
        }
        let joined = words.join(" ");
        let sound = interdict_normalize::person::sound(&words[0]);
        Some(Word {
            hash: value_hash(tag, &joined),
            sound: hash_or_zero(Tag::Sound, &sound),
            text: joined,
            words,
        })
    }
}

/// A date of birth: year, month and day, 0 where unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Birth {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// The hash of the date as written (`1985-03`), for term frequencies.
    pub hash: u64,
}

impl Birth {
    /// A normalised date of birth (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub fn parse(s: &str) -> Option<Birth> {
        let mut parts = s.split('-');
        let year: u16 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next().map_or(Some(0), |m| m.parse().ok())?;
        let day: u8 = parts.next().map_or(Some(0), |d| d.parse().ok())?;
        (year > 0).then(|| Birth {
            year,
            month,
            day,
            hash: value_hash(Tag::Birth, s),
        })
    }

    /// Whether the day is known, so the date is whole.
    pub fn is_whole(&self) -> bool {
        self.month != 0 && self.day != 0
    }
}

/// What identifies a person, when the partner gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Person {
    pub given: Option<Word>,
    pub family: Option<Word>,
    pub birth: Option<Birth>,
    pub birth_place: Option<Word>,
    /// ISO 3166-1 alpha-2 codes as two bytes each.
    pub nationality: Vec<u16>,
    /// 1 female, 2 male, 3 other; 0 unknown.
    pub gender: u8,
    /// Identity document numbers, hashed.
    pub documents: Vec<u64>,
    /// The same numbers as text, for typos.
    pub document_numbers: Vec<String>,
    /// The kind of each document (see [`interdict_model::DocumentKind`]; `other` is 0): a
    /// passport number is never compared with a national id.
    pub document_kinds: Vec<u8>,
}

/// Everything a party record is compared on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Features {
    pub kind: Option<PartyKind>,
    /// The legal or full name first, then a display name that differs from it.
    pub names: Vec<NameFeature>,
    pub emails: Vec<EmailFeature>,
    pub phones: Vec<PhoneFeature>,
    pub addresses: Vec<AddressFeature>,
    pub banks: Vec<u64>,
    pub tax_ids: Vec<u64>,
    pub accounts: Vec<u64>,
    /// ISO 3166-1 alpha-2 as two bytes, 0 when unknown.
    pub country: u16,
    /// The days the description was seen on (see [`Span`]).
    pub span: Span,
    /// A person's identifiers; `None` for most records, which carry none.
    pub person: Option<Box<Person>>,
}

/// The first and last day (days since 1970-01-01) of the records a description was seen on.
///
/// Not part of what a description is: two records alike in everything else are one description
/// whose span covers both, so equality and hashing ignore it. Dates compare by the gap between
/// spans: a shipper seen in March and a consignee seen in March are close; one seen only in 2019
/// and one only in 2026 are far apart.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub first: i32,
    pub last: i32,
}

impl Span {
    /// No date known.
    pub const NONE: Span = Span {
        first: i32::MAX,
        last: i32::MIN,
    };

    /// The span of one day, or none.
    pub fn day(day: Option<i32>) -> Span {
        day.map_or(Span::NONE, |d| Span { first: d, last: d })
    }

    /// The span of a record's ISO 8601 date or date-time.
    pub fn of_date(date: Option<&str>) -> Span {
        Span::day(date.and_then(interdict_normalize::day::of))
    }

    pub fn is_none(&self) -> bool {
        self.first > self.last
    }

    /// Widens this span to cover `other`.
    pub fn cover(&mut self, other: Span) {
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
    }

    /// Days between the two spans, 0 when they overlap; `None` when either has no date.
    pub fn gap(&self, other: &Span) -> Option<i32> {
        if self.is_none() || other.is_none() {
            return None;
        }
        Some((self.first.max(other.first) - self.last.min(other.last)).max(0))
    }
}

impl Default for Span {
    fn default() -> Self {
        Span::NONE
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Eq for Span {}

impl Hash for Span {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// Field tags mixed into value hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Tag {
    Name = 1,
    NameToken,
    Email,
    EmailLocal,
    Phone,
    PhoneTail,
    Address,
    Place,
    Building,
    Street,
    Bank,
    TaxId,
    Account,
    NameBand,
    Given,
    Family,
    Sound,
    Birth,
    BirthPlace,
    Document,
    District,
}

/// The hash of a tagged value; never 0, so 0 can mean "absent".
pub fn value_hash(tag: Tag, value: &str) -> u64 {
    let mut h = FxHasher::default();
    (tag as u8).hash(&mut h);
    value.hash(&mut h);
    h.finish().max(1)
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// The comparison values of a party as text: what [`Features`] hashes, what explanations show
/// and what a flat export for other tools carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub kind: Option<PartyKind>,
    /// Name keys (sorted folded tokens without legal form) with their tokens.
    pub names: Vec<(String, Vec<String>)>,
    /// (mailbox identity, local part).
    pub emails: Vec<(String, String)>,
    /// (digits, last seven digits).
    pub phones: Vec<(String, String)>,
    pub addresses: Vec<AddressValues>,
    pub banks: Vec<String>,
    pub tax_ids: Vec<String>,
    pub accounts: Vec<String>,
    pub country: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub place_of_birth: Option<String>,
    pub nationality: Vec<String>,
    pub gender: Option<String>,
    /// Identity document numbers.
    pub documents: Vec<String>,
    /// The kind of each document, `None` for `other`.
    pub document_kinds: Vec<Option<interdict_model::DocumentKind>>,
}

/// An address's comparison parts as text; empty when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressValues {
    pub full: String,
    pub place: String,
    /// Country and the postcode's district.
    pub district: String,
    pub building: String,
    pub street: String,
}

impl Values {
    /// The comparison values of a party as it was stored (already normalised by ingest).
    pub fn of(party: &Party) -> Values {
        let mut v = Values {
            kind: party.kind,
            ..Values::default()
        };
        for raw in [party.name.as_deref(), party.display_name.as_deref()]
            .into_iter()
            .flatten()
        {
            let parts = name_parts(raw);
            if !parts.key.is_empty() && !v.names.iter().any(|(k, _)| *k == parts.key) {
                v.names.push((parts.key, parts.tokens));
            }
        }
        for e in &party.emails {
            let identity = email_identity(e);
            let local = identity.split('@').next().unwrap_or("").to_owned();
            push_unique(&mut v.emails, (identity, local));
        }
        for p in &party.phones {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            if digits.len() < 6 {
                continue;
            }
            let tail = digits[digits.len().saturating_sub(7)..].to_owned();
            push_unique(&mut v.phones, (digits, tail));
        }
        for a in &party.addresses {
            if a.is_empty() {
                continue;
            }
            let k = address_key(a, party.country.as_deref());
            let place = k.postcode.as_deref().or(k.city.as_deref());
            let country = k.country.as_deref().unwrap_or("");
            let street = k.street.join(" ");
            let house = k.house_number.as_deref();
            push_unique(
                &mut v.addresses,
                AddressValues {
                    full: k.key(),
                    place: place.map_or_else(String::new, |p| format!("{country}|{p}")),
                    district: k
                        .postcode
                        .as_deref()
                        .and_then(|p| postcode_district(p, k.country.as_deref()))
                        .map_or_else(String::new, |d| format!("{country}|{d}")),
                    building: match (place, house) {
                        (Some(p), Some(h)) => format!("{country}|{p}|{h}"),
                        _ => String::new(),
                    },
                    street: match house {
                        Some(h) if !street.is_empty() => format!("{country}|{h}|{street}"),
                        _ => String::new(),
                    },
                },
            );
        }
        // The party's country, or its first address's.
        v.country = party
            .country
            .clone()
            .or_else(|| {
                party
                    .addresses
                    .iter()
                    .find_map(|a| {
                        a.country
                            .as_deref()
                            .and_then(interdict_normalize::country::country)
                    })
                    .map(str::to_owned)
            })
            .filter(|c| c.len() == 2);
        for b in &party.bank_accounts {
            push_unique(&mut v.banks, b.clone());
        }
        for t in &party.tax_ids {
            push_unique(&mut v.tax_ids, t.clone());
        }
        if let Some(a) = &party.account_id {
            push_unique(&mut v.accounts, a.clone());
        }
        v.given_name = party.given_name.clone();
        v.family_name = party.family_name.clone();
        v.date_of_birth = party.date_of_birth.clone();
        v.place_of_birth = party.place_of_birth.clone();
        v.nationality = party.nationality.clone();
        v.gender = party.gender.map(|g| g.as_str().to_owned());
        for d in &party.id_documents {
            if !v.documents.contains(&d.number) {
                v.documents.push(d.number.clone());
                v.document_kinds
                    .push((d.kind != interdict_model::DocumentKind::Other).then_some(d.kind));
            }
        }
        v
    }

    /// Whether any of a person's identifiers is known.
    fn has_person(&self) -> bool {
        self.given_name.is_some()
            || self.family_name.is_some()
            || self.date_of_birth.is_some()
            || self.place_of_birth.is_some()
            || !self.nationality.is_empty()
            || self.gender.is_some()
            || !self.documents.is_empty()
    }

    /// The text of a hashed value of this party, for showing a hub or an agreement.
    pub fn find(&self, value: u64) -> Option<String> {
        let h = |tag: Tag, s: &str| {
            (!s.is_empty() && value_hash(tag, s) == value).then(|| s.to_owned())
        };
        self.names
            .iter()
            .find_map(|(k, _)| h(Tag::Name, k))
            .or_else(|| self.emails.iter().find_map(|(e, _)| h(Tag::Email, e)))
            .or_else(|| {
                self.phones
                    .iter()
                    .find_map(|(p, _)| h(Tag::Phone, &format!("+{p}")))
            })
            .or_else(|| {
                self.addresses.iter().find_map(|a| {
                    h(Tag::Address, &a.full)
                        .or_else(|| h(Tag::Building, &a.building))
                        .or_else(|| h(Tag::Place, &a.place))
                })
            })
            .or_else(|| self.banks.iter().find_map(|b| h(Tag::Bank, b)))
            .or_else(|| self.tax_ids.iter().find_map(|t| h(Tag::TaxId, t)))
            .or_else(|| self.accounts.iter().find_map(|a| h(Tag::Account, a)))
            .or_else(|| self.documents.iter().find_map(|d| h(Tag::Document, d)))
            .or_else(|| self.date_of_birth.as_deref().and_then(|d| h(Tag::Birth, d)))
    }
}

/// A two-letter country code as two bytes.
fn country_code(c: &str) -> u16 {
    let b = c.as_bytes();
    u16::from_le_bytes([b[0], b[1]])
}

fn hash_or_zero(tag: Tag, s: &str) -> u64 {
    if s.is_empty() { 0 } else { value_hash(tag, s) }
}

impl Features {
    /// The comparison form of a party as it was stored (values already normalised by ingest).
    pub fn of(party: &Party) -> Features {
        Features::from_values(&Values::of(party))
    }

    pub fn from_values(v: &Values) -> Features {
        let mut f = Features {
            kind: v.kind,
            ..Features::default()
        };
        for (key, tokens) in &v.names {
            let mut t: Vec<u64> = tokens
                .iter()
                .map(|t| value_hash(Tag::NameToken, t))
                .collect();
            t.sort_unstable();
            t.dedup();
            f.names.push(NameFeature {
                key: key.clone(),
                key_hash: value_hash(Tag::Name, key),
                tokens: t,
                words: tokens.clone(),
            });
        }
        for (identity, local) in &v.emails {
            push_unique(
                &mut f.emails,
                EmailFeature {
                    identity: value_hash(Tag::Email, identity),
                    local: value_hash(Tag::EmailLocal, local),
                },
            );
        }
        for (digits, tail) in &v.phones {
            push_unique(
                &mut f.phones,
                PhoneFeature {
                    full: value_hash(Tag::Phone, &format!("+{digits}")),
                    tail: value_hash(Tag::PhoneTail, tail),
                },
            );
        }
        for a in &v.addresses {
            push_unique(
                &mut f.addresses,
                AddressFeature {
                    full: hash_or_zero(Tag::Address, &a.full),
                    place: hash_or_zero(Tag::Place, &a.place),
                    district: hash_or_zero(Tag::District, &a.district),
                    building: hash_or_zero(Tag::Building, &a.building),
                    street: hash_or_zero(Tag::Street, &a.street),
                },
            );
        }
        f.banks = v.banks.iter().map(|b| value_hash(Tag::Bank, b)).collect();
        f.tax_ids = v
            .tax_ids
            .iter()
            .map(|t| value_hash(Tag::TaxId, t))
            .collect();
        f.accounts = v
            .accounts
            .iter()
            .map(|a| value_hash(Tag::Account, a))
            .collect();
        f.country = v.country.as_deref().map_or(0, country_code);
        if v.has_person() {
            let mut nationality: Vec<u16> = v
                .nationality
                .iter()
                .filter(|c| c.len() == 2)
                .map(|c| country_code(c))
                .collect();
            nationality.sort_unstable();
            nationality.dedup();
            f.person = Some(Box::new(Person {
                given: v
                    .given_name
                    .as_deref()
                    .and_then(|t| Word::of(t, Tag::Given)),
                family: v
                    .family_name
                    .as_deref()
                    .and_then(|t| Word::of(t, Tag::Family)),
                birth: v.date_of_birth.as_deref().and_then(Birth::parse),
                birth_place: v
                    .place_of_birth
                    .as_deref()
                    .and_then(|t| Word::of(t, Tag::BirthPlace)),
                nationality,
                gender: match v.gender.as_deref() {
                    Some("female") => 1,
                    Some("male") => 2,
                    Some(_) => 3,
                    None => 0,
                },
                documents: v
                    .documents
                    .iter()
                    .map(|d| value_hash(Tag::Document, d))
                    .collect(),
                document_numbers: v.documents.clone(),
                document_kinds: v
                    .document_kinds
                    .iter()
                    .map(|k| k.map_or(0, |k| k as u8 + 1))
                    .collect(),
            }));
        }
        f
    }

    /// These features, seen on the days of `span`.
    pub fn seen(mut self, span: Span) -> Features {
        self.span = span;
        self
    }

    /// Whether there is anything to compare at all.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.addresses.is_empty()
            && self.banks.is_empty()
            && self.tax_ids.is_empty()
            && self.accounts.is_empty()
            && self
                .person
                .as_ref()
                .is_none_or(|p| p.documents.is_empty() && p.birth.is_none())
    }

    /// The name key blocking and windows sort by ("" when nameless).
    pub fn sort_name(&self) -> &str {
        self.names.first().map_or("", |n| n.key.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::Address;

    fn party(name: &str) -> Party {
        Party {
            name: Some(name.into()),
            ..Party::default()
        }
    }

    #[test]
    fn names_agree_whatever_the_order_case_and_legal_form() {
        let a = Features::of(&party("Zhang Wei Trading Co., Ltd."));
        let b = Features::of(&party("WEI ZHANG TRADING"));
        assert_eq!(a.names[0].key, "trading wei zhang");
        assert_eq!(a.names[0].key_hash, b.names[0].key_hash);
        assert_eq!(a.names[0].tokens, b.names[0].tokens);
    }

    #[test]
    fn display_name_is_a_second_name_only_when_different() {
        let mut p = party("Atlas Technology Ltd");
        p.display_name = Some("Atlas Outlet".into());
        assert_eq!(Features::of(&p).names.len(), 2);
        p.display_name = Some("ATLAS TECHNOLOGY".into());
        assert_eq!(Features::of(&p).names.len(), 1);
    }

    #[test]
    fn emails_keep_identity_and_local_part() {
        let mut p = party("x");
        p.emails = vec![
            "j.smith+shop@googlemail.com".into(),
            "jsmith@gmail.com".into(),
        ];
        let f = Features::of(&p);
        assert_eq!(f.emails.len(), 1, "both are one mailbox");
        let mut q = party("x");
        q.emails = vec!["jsmith@qq.com".into()];
        let g = Features::of(&q);
        assert_ne!(f.emails[0].identity, g.emails[0].identity);
        assert_eq!(f.emails[0].local, g.emails[0].local);
    }

    #[test]
    fn phones_shorter_than_six_digits_are_ignored_and_tails_compare() {
        let mut p = party("x");
        p.phones = vec!["+447700900123".into(), "0000".into()];
        let f = Features::of(&p);
        assert_eq!(f.phones.len(), 1);
        let mut q = party("x");
        q.phones = vec!["+337700900123".into()];
        let g = Features::of(&q);
        assert_ne!(f.phones[0].full, g.phones[0].full);
        assert_eq!(f.phones[0].tail, g.phones[0].tail);
    }

    #[test]
    fn split_and_one_line_addresses_share_their_key() {
        let mut a = party("x");
        a.addresses = vec![Address {
            text: "164 Albert Lane, Flat 7".into(),
            city: Some("Bradford".into()),
            postcode: Some("BD15 6ST".into()),
            region: None,
            country: Some("GB".into()),
        }];
        let mut b = party("x");
        b.addresses = vec![Address {
            text: "164 ALBERT LANE, FLAT 7, BRADFORD BD15 6ST".into(),
            country: Some("GB".into()),
            ..Address::default()
        }];
        let (fa, fb) = (Features::of(&a), Features::of(&b));
        assert_eq!(fa.addresses[0].place, fb.addresses[0].place);
        assert_eq!(fa.addresses[0].building, fb.addresses[0].building);
        assert_ne!(fa.addresses[0].place, 0);
    }

    #[test]
    fn an_empty_party_has_no_features() {
        assert!(Features::of(&Party::default()).is_empty());
        assert!(!Features::of(&party("Acme")).is_empty());
    }
}

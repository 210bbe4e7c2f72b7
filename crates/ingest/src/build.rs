//! Turning one source row's raw values into a canonical record, normalising as it goes.

use std::borrow::Cow;

use interdict_model::{
    Address, Brand, Decimal, DocumentKind, Feed, Gender, IdDocument, Item, Listing, Money, Outcome,
    OutcomeResult, Party, PartyKind, PartyListEntry, PartyRole, PriceFloor, Record, Seller,
    SellerStatus, Shipment,
};
use interdict_normalize::{self as norm, money::RateTable, phone::PhoneCache};

use crate::mapping::{Mapping, OnInvalid};
use crate::schema::{
    self, Group, ItemField, ListField, MoneyField, MoneyPart, PartyField, Scalar, Target,
};

/// A raw value taken from a row, before parsing; borrowed from the row where it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw<'a> {
    One(Cow<'a, str>),
    Many(Vec<Cow<'a, str>>),
}

impl<'a> Raw<'a> {
    fn values(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Raw::One(s) => (Some(s.as_ref()), &[][..]),
            Raw::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(AsRef::as_ref))
    }

    fn text(&self) -> Cow<'_, str> {
        match self {
            Raw::One(s) => Cow::Borrowed(s.as_ref()),
            Raw::Many(v) => Cow::Owned(v.join(" ")),
        }
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> Raw<'static> {
        match self {
            Raw::One(s) => Raw::One(Cow::Owned(s.into_owned())),
            Raw::Many(v) => Raw::Many(v.into_iter().map(|s| Cow::Owned(s.into_owned())).collect()),
        }
    }
}

/// Why a row cannot land.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The canonical field, or the source column when the fault is in the row itself.
    pub field: Option<String>,
    pub reason: String,
}

impl FieldError {
    pub fn row(reason: impl Into<String>) -> Self {
        FieldError {
            field: None,
            reason: reason.into(),
        }
    }
}

/// The raw values of one row, keyed by the mapping's field index.
#[derive(Debug, Default)]
pub struct Bag<'a> {
    pub(crate) values: Vec<(usize, usize, Raw<'a>)>,
}

impl<'a> Bag<'a> {
    pub fn with_capacity(n: usize) -> Self {
        Bag {
            values: Vec::with_capacity(n),
        }
    }

    /// Adds field `fi`'s value for element `elem` (0 for fields outside item lines).
    pub fn push(&mut self, fi: usize, elem: usize, raw: Raw<'a>) {
        self.values.push((fi, elem, raw));
    }
}

/// Per-thread state of the builder: caches for slow normalisers.
pub struct BuildCtx<'a> {
    pub rates: &'a RateTable,
    pub phones: PhoneCache,
}

impl<'a> BuildCtx<'a> {
    pub fn new(rates: &'a RateTable) -> Self {
        BuildCtx {
            rates,
            // Numbers in national form are the ones the cache is for; a million covers the
            // distinct ones of a few million rows, at some 80 bytes each.
            phones: PhoneCache::new(1_000_000),
        }
    }
}

struct Builder<'m, 'c, 'r, 'b> {
    m: &'m Mapping,
    ctx: &'c mut BuildCtx<'r>,
    bag: &'m Bag<'b>,
}

type Res<T> = Result<T, FieldError>;

impl<'b> Builder<'_, '_, '_, 'b> {
    fn fail<T>(&self, fi: usize, reason: String) -> Res<Option<T>> {
        let f = &self.m.fields[fi];
        match f.on_invalid {
            OnInvalid::Drop => Ok(None),
            OnInvalid::Quarantine => {
                let column = match &f.source {
                    crate::mapping::Source::Column(c) => format!(" (column {c})"),
                    crate::mapping::Source::Columns(c) => format!(" (columns {})", c.join(", ")),
                    crate::mapping::Source::Value(_) => " (constant)".to_string(),
                };
                Err(FieldError {
                    field: Some(f.name.clone()),
                    reason: format!("{reason}{column}"),
                })
            }
        }
    }

    fn check<T>(&self, fi: usize, r: Result<T, String>) -> Res<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(reason) => self.fail(fi, reason),
        }
    }

    fn find(
        &self,
        pred: impl Fn(Target) -> bool,
    ) -> impl Iterator<Item = (usize, usize, &Raw<'b>)> {
        self.bag
            .values
            .iter()
            .filter(move |(fi, _, _)| pred(self.m.fields[*fi].target))
            .map(|(fi, e, r)| (*fi, *e, r))
    }

    fn scalar_raw(&self, s: Scalar) -> Option<(usize, Cow<'_, str>)> {
        self.find(|t| t == Target::Scalar(s))
            .next()
            .map(|(fi, _, r)| (fi, r.text()))
    }

    fn text(&self, s: Scalar) -> Option<String> {
        self.scalar_raw(s).and_then(|(_, v)| norm::text::clean(&v))
    }

    /// The date format a field names, or the mapping's default.
    fn date_format(&self, fi: usize) -> Option<&str> {
        self.m.fields[fi]
            .date_format
            .as_deref()
            .or(self.m.defaults.date_format.as_deref())
    }

    fn date_of(&self, fi: usize, raw: &str) -> Res<Option<String>> {
        let fmt = self.date_format(fi);
        self.check(fi, norm::date::date(raw, fmt).map_err(|e| e.to_string()))
    }

    fn date(&self, s: Scalar) -> Res<Option<String>> {
        match self.scalar_raw(s) {
            Some((fi, raw)) => self.date_of(fi, &raw),
            None => Ok(None),
        }
    }

    fn country_of(&self, fi: usize, raw: &str) -> Res<Option<String>> {
        self.check(
            fi,
            norm::country::country(raw)
                .map(str::to_string)
                .ok_or_else(|| format!("unknown country {raw:?}")),
        )
    }

    fn country(&self, s: Scalar) -> Res<Option<String>> {
        match self.scalar_raw(s) {
            Some((fi, raw)) => self.country_of(fi, &raw),
            None => Ok(None),
        }
    }

    fn decimal_of(&self, fi: usize, raw: &str) -> Res<Option<Decimal>> {
        self.check(
            fi,
            norm::money::amount(raw, self.m.defaults.decimal_comma).map_err(|e| e.to_string()),
        )
    }

    fn decimal(&self, s: Scalar) -> Res<Option<Decimal>> {
        match self.scalar_raw(s) {
            Some((fi, raw)) => self.decimal_of(fi, &raw),
            None => Ok(None),
        }
    }

    fn list(&self, l: ListField) -> Vec<(usize, String)> {
        self.find(|t| t == Target::List(l))
            .flat_map(|(fi, _, r)| {
                r.values()
                    .filter_map(norm::text::clean)
                    .map(move |v| (fi, v))
            })
            .collect()
    }

    fn text_list(&self, l: ListField) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, v) in self.list(l) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    fn country_list(&self, l: ListField) -> Res<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for (fi, v) in self.list(l) {
            if let Some(c) = self.country_of(fi, &v)?
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Builds a money value from a whole field or from amount and currency parts.
    fn money(&self, parts: &[(usize, MoneyPart, Cow<'_, str>)]) -> Res<Option<Money>> {
        let dc = self.m.defaults.decimal_comma;
        let default_ccy = self.m.defaults.currency.as_deref();
        let mut amount = None;
        let mut currency: Option<String> = None;
        let mut anchor = None;
        for (fi, part, raw) in parts {
            anchor.get_or_insert(*fi);
            match part {
                MoneyPart::Whole => {
                    match self.check(
                        *fi,
                        norm::money::money(raw, default_ccy, dc).map_err(|e| e.to_string()),
                    )? {
                        Some((a, c)) => {
                            amount = Some(a);
                            currency.get_or_insert_with(|| c.to_string());
                        }
                        None => return Ok(None),
                    }
                }
                MoneyPart::Amount => match self
                    .check(*fi, norm::money::amount(raw, dc).map_err(|e| e.to_string()))?
                {
                    Some(a) => amount = Some(a),
                    None => return Ok(None),
                },
                MoneyPart::Currency => {
                    match self.check(
                        *fi,
                        norm::money::currency(raw)
                            .map(str::to_string)
                            .ok_or_else(|| format!("unknown currency {raw:?}")),
                    )? {
                        Some(c) => currency = Some(c),
                        None => return Ok(None),
                    }
                }
            }
        }
        let Some(amount) = amount else {
            return Ok(None);
        };
        let Some(currency) = currency.or_else(|| default_ccy.map(str::to_string)) else {
            let fi = anchor.expect("an amount came from a field");
            return self.fail(
                fi,
                format!(
                    "amount {amount} names no currency and the mapping sets no default currency"
                ),
            );
        };
        let usd = self.ctx.rates.to_usd(amount, &currency);
        Ok(Some(Money {
            amount,
            currency,
            usd,
        }))
    }

    fn record_money(&self, field: MoneyField) -> Res<Option<Money>> {
        let parts: Vec<_> = self
            .find(|t| matches!(t, Target::Money(f, _) if f == field))
            .map(|(fi, _, r)| {
                let Target::Money(_, p) = self.m.fields[fi].target else {
                    unreachable!()
                };
                (fi, p, r.text())
            })
            .collect();
        self.money(&parts)
    }

    fn party(
        &mut self,
        which: impl Fn(Target) -> Option<PartyField>,
        elem: Option<usize>,
    ) -> Res<Option<Party>> {
        let bag = self.bag;
        let vals: Vec<(usize, PartyField, &Raw<'_>)> = bag
            .values
            .iter()
            .filter(|(_, e, _)| elem.is_none_or(|x| x == *e))
            .filter_map(|(fi, _, r)| which(self.m.fields[*fi].target).map(|f| (*fi, f, r)))
            .collect();
        self.party_of(&vals)
    }

    /// The party of some fields' values, in the order the row gave them.
    fn party_of(&mut self, vals: &[(usize, PartyField, &Raw<'_>)]) -> Res<Option<Party>> {
        if vals.is_empty() {
            return Ok(None);
        }
        let mut p = Party::default();
        let mut addr = Address::default();
        let mut phones_raw: Vec<(usize, &str)> = Vec::new();
        let mut free_addresses: Vec<String> = Vec::new();
        // The one identity document a row may give in columns: kind, number, issuing country.
        let mut doc: (Option<DocumentKind>, Option<String>, Option<String>) = (None, None, None);
        for &(fi, f, raw) in vals {
            match f {
                PartyField::Kind => {
                    let v = raw.text();
                    p.kind = self.check(fi, party_kind(&v))?;
                }
                PartyField::Name => p.name = norm::text::clean(&raw.text()),
                PartyField::DisplayName => p.display_name = norm::text::clean(&raw.text()),
                PartyField::AccountId => p.account_id = norm::text::clean(&raw.text()),
                PartyField::Emails => {
                    for v in raw.values() {
                        if let Some(e) =
                            self.check(fi, norm::email::email(v).map_err(|e| e.to_string()))?
                            && !p.emails.contains(&e)
                        {
                            p.emails.push(e);
                        }
                    }
                }
                PartyField::Phones => phones_raw.extend(raw.values().map(|v| (fi, v))),
                PartyField::AddressText => {
                    addr.text = norm::text::clean(&raw.text()).unwrap_or_default()
                }
                PartyField::AddressCity => addr.city = norm::text::clean(&raw.text()),
                PartyField::AddressPostcode => addr.postcode = norm::text::clean(&raw.text()),
                PartyField::AddressRegion => addr.region = norm::text::clean(&raw.text()),
                PartyField::AddressCountry => addr.country = self.country_of(fi, &raw.text())?,
                PartyField::Addresses => {
                    free_addresses.extend(raw.values().filter_map(norm::text::clean))
                }
                PartyField::BankAccounts => {
                    for v in raw.values() {
                        if let Some(id) = norm::ids::identifier(v)
                            && !p.bank_accounts.contains(&id)
                        {
                            p.bank_accounts.push(id);
                        }
                    }
                }
                PartyField::TaxIds => {
                    for v in raw.values() {
                        if let Some(id) = norm::ids::identifier(v)
                            && !p.tax_ids.contains(&id)
                        {
                            p.tax_ids.push(id);
                        }
                    }
                }
                PartyField::Country => p.country = self.country_of(fi, &raw.text())?,
                PartyField::GivenName => p.given_name = norm::text::clean(&raw.text()),
                PartyField::FamilyName => p.family_name = norm::text::clean(&raw.text()),
                PartyField::DateOfBirth => {
                    let v = raw.text();
                    if !v.trim().is_empty() {
                        p.date_of_birth = self.check(
                            fi,
                            norm::person::birth_date(&v, self.date_format(fi))
                                .map_err(|e| e.to_string()),
                        )?;
                    }
                }
                PartyField::PlaceOfBirth => p.place_of_birth = norm::text::clean(&raw.text()),
                PartyField::Nationality => {
                    for v in raw.values() {
                        if let Some(c) = self.country_of(fi, v)?
                            && !p.nationality.contains(&c)
                        {
                            p.nationality.push(c);
                        }
                    }
                }
                PartyField::Gender => {
                    let v = raw.text();
                    p.gender = self
                        .check(fi, norm::person::gender(&v).map_err(|e| e.to_string()))?
                        .flatten()
                        .map(gender_of);
                }
                PartyField::IdDocumentKind => {
                    let v = raw.text();
                    doc.0 = self
                        .check(
                            fi,
                            norm::person::document_kind(&v).map_err(|e| e.to_string()),
                        )?
                        .map(document_kind_of);
                }
                PartyField::IdDocumentNumber => doc.1 = norm::ids::identifier(&raw.text()),
                PartyField::IdDocumentCountry => doc.2 = self.country_of(fi, &raw.text())?,
                PartyField::Passports | PartyField::NationalIds => {
                    let kind = if f == PartyField::Passports {
                        DocumentKind::Passport
                    } else {
                        DocumentKind::NationalId
                    };
                    for v in raw.values() {
                        if let Some(number) = norm::ids::identifier(v) {
                            push_document(&mut p, kind, number, None);
                        }
                    }
                }
            }
        }
        if let (kind, Some(number), country) = doc {
            push_document(&mut p, kind.unwrap_or(DocumentKind::Other), number, country);
        }
        if p.name.is_none() && (p.given_name.is_some() || p.family_name.is_some()) {
            let whole = [p.given_name.as_deref(), p.family_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            p.name = Some(whole);
        }
        let m = self.m;
        let default_country = m.defaults.country.as_deref();
        if !addr.is_empty() {
            if addr.country.is_none() {
                addr.country = p
                    .country
                    .clone()
                    .or_else(|| default_country.map(str::to_string));
            }
            if let Some(pc) = &addr.postcode {
                addr.postcode = Some(
                    norm::address::postcode(pc, addr.country.as_deref())
                        .unwrap_or_else(|| pc.clone()),
                );
            }
            p.addresses.push(addr);
        } else if p.country.is_none()
            && let Some(c) = addr.country
        {
            // An address that says only its country still says where the party is.
            p.country = Some(c);
        }
        for text in free_addresses {
            let a = Address {
                text,
                country: p
                    .country
                    .clone()
                    .or_else(|| default_country.map(str::to_string)),
                ..Address::default()
            };
            if !p.addresses.contains(&a) {
                p.addresses.push(a);
            }
        }
        let region = p
            .addresses
            .iter()
            .find_map(|a| a.country.as_deref())
            .or(p.country.as_deref())
            .or(default_country);
        for (fi, raw) in phones_raw {
            let r = self.ctx.phones.e164(raw, region).map_err(|e| e.to_string());
            if let Some(e) = self.check(fi, r)?
                && !p.phones.contains(&e)
            {
                p.phones.push(e);
            }
        }
        Ok(if p.is_empty() { None } else { Some(p) })
    }

    fn elements(&self, group: Group) -> Vec<usize> {
        let mut elems: Vec<usize> = self
            .bag
            .values
            .iter()
            .filter(|(fi, _, _)| self.m.fields[*fi].target.group() == Some(group))
            .map(|(_, e, _)| *e)
            .collect();
        elems.sort_unstable();
        elems.dedup();
        elems
    }

    fn item(&self, elem: usize) -> Res<Option<Item>> {
        let mut item = Item::default();
        let mut value_parts = Vec::new();
        for (fi, e, raw) in self.find(|t| matches!(t, Target::Item(_))) {
            if e != elem {
                continue;
            }
            let Target::Item(f) = self.m.fields[fi].target else {
                unreachable!()
            };
            let v = raw.text();
            match f {
                ItemField::Description => {
                    item.description = norm::text::clean(&v).unwrap_or_default()
                }
                ItemField::HsCode => {
                    item.hs_code =
                        self.check(fi, norm::hs::hs_code(&v).map_err(|e| e.to_string()))?
                }
                ItemField::Quantity => item.quantity = self.decimal_of(fi, &v)?,
                ItemField::WeightKg => item.weight_kg = self.decimal_of(fi, &v)?,
                ItemField::OriginCountry => item.origin_country = self.country_of(fi, &v)?,
                ItemField::Value(p) => value_parts.push((fi, p, v)),
            }
        }
        item.value = self.money(&value_parts)?;
        Ok(if item == Item::default() {
            None
        } else {
            Some(item)
        })
    }

    fn floor(&self, elem: usize) -> Res<Option<PriceFloor>> {
        let mut category = None;
        let mut parts = Vec::new();
        for (fi, e, raw) in
            self.find(|t| matches!(t, Target::FloorCategory | Target::FloorPrice(_)))
        {
            if e != elem {
                continue;
            }
            match self.m.fields[fi].target {
                Target::FloorCategory => category = norm::text::clean(&raw.text()),
                Target::FloorPrice(p) => parts.push((fi, p, raw.text())),
                _ => unreachable!(),
            }
        }
        let price = self.money(&parts)?;
        Ok(match (category, price) {
            (Some(category), Some(price)) => Some(PriceFloor { category, price }),
            _ => None,
        })
    }
}

fn gender_of(v: &str) -> Gender {
    match v {
        "female" => Gender::Female,
        "male" => Gender::Male,
        _ => Gender::Other,
    }
}

fn document_kind_of(v: &str) -> DocumentKind {
    DocumentKind::ALL
        .into_iter()
        .find(|k| k.as_str() == v)
        .unwrap_or(DocumentKind::Other)
}

/// Adds a document unless the party already has that number.
fn push_document(p: &mut Party, kind: DocumentKind, number: String, country: Option<String>) {
    if !p.id_documents.iter().any(|d| d.number == number) {
        p.id_documents.push(IdDocument {
            kind,
            number,
            country,
        });
    }
}

fn party_kind(v: &str) -> Result<PartyKind, String> {
    match v.trim().to_lowercase().as_str() {
        "person" | "individual" | "natural" | "natural person" | "p" | "i" | "private" => {
            Ok(PartyKind::Person)
        }
        "company" | "business" | "organisation" | "organization" | "legal" | "legal entity"
        | "c" | "b" | "corporate" => Ok(PartyKind::Company),
        _ => Err(format!("not a party kind (person or company): {v:?}")),
    }
}

fn seller_status(v: &str) -> Result<SellerStatus, String> {
    match v.trim().to_lowercase().as_str() {
        "active" | "open" | "live" | "enabled" => Ok(SellerStatus::Active),
        "suspended" | "blocked" | "banned" | "disabled" => Ok(SellerStatus::Suspended),
        "closed" | "deleted" | "terminated" => Ok(SellerStatus::Closed),
        _ => Err(format!(
            "not a seller status (active, suspended or closed): {v:?}"
        )),
    }
}

fn outcome_result(v: &str) -> Result<OutcomeResult, String> {
    let key: String = v
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    OutcomeResult::parse(&key).ok_or_else(|| {
        format!(
            "not an outcome result: {v:?} (expected one of {})",
            OutcomeResult::ALL.map(|r| r.as_str()).join(", ")
        )
    })
}

/// Builds the record of one row, or says which field keeps it out.
pub fn build(m: &Mapping, ctx: &mut BuildCtx<'_>, bag: &Bag<'_>) -> Result<Record, FieldError> {
    let mut b = Builder { m, ctx, bag };
    let source_id = b
        .find(|t| t == Target::SourceId)
        .next()
        .and_then(|(_, _, r)| norm::text::clean(&r.text()));
    let Some(source_id) = source_id else {
        return Err(FieldError {
            field: Some("source_id".into()),
            reason: match m.field("source_id").map(|f| &f.source) {
                Some(crate::mapping::Source::Column(c)) => {
                    format!("missing required field (column {c})")
                }
                _ => "missing required field".into(),
            },
        });
    };
    for req in schema::required(m.feed) {
        let target = schema::target(m.feed, req).expect("required fields exist");
        let present = match target {
            Target::Scalar(s) => b.text(s).is_some(),
            _ => true,
        };
        if !present {
            return Err(FieldError {
                field: Some((*req).to_string()),
                reason: match m.field(req).map(|f| &f.source) {
                    Some(crate::mapping::Source::Column(c)) => {
                        format!("missing required field (column {c})")
                    }
                    Some(_) => "missing required field".into(),
                    None => "missing required field (the mapping does not map it)".into(),
                },
            });
        }
    }
    let req = |b: &Builder, s: Scalar| b.text(s).expect("checked as required above");
    let record = match m.feed {
        Feed::Sellers => {
            let status = match b.scalar_raw(Scalar::Status) {
                Some((fi, v)) => b.check(fi, seller_status(&v))?,
                None => None,
            };
            let party = b
                .party(
                    |t| match t {
                        Target::Party(None, f) => Some(f),
                        _ => None,
                    },
                    None,
                )?
                .unwrap_or_default();
            Record::Sellers(Seller {
                marketplace: req(&b, Scalar::Marketplace),
                account_id: source_id,
                party,
                created: b.date(Scalar::Created)?,
                status,
            })
        }
        Feed::Parties => {
            let party = b
                .party(
                    |t| match t {
                        Target::Party(None, f) => Some(f),
                        _ => None,
                    },
                    None,
                )?
                .unwrap_or_default();
            Record::Parties(PartyListEntry {
                entry_id: source_id,
                list: b.text(Scalar::List),
                reason: b.text(Scalar::Reason),
                added: b.date(Scalar::Added)?,
                party,
            })
        }
        Feed::Listings => {
            let mut product_ids = Vec::new();
            for (_, v) in b.list(ListField::ProductIds) {
                if let Some(id) = norm::ids::product_id(&v)
                    && !product_ids.contains(&id)
                {
                    product_ids.push(id);
                }
            }
            Record::Listings(Listing {
                marketplace: req(&b, Scalar::Marketplace),
                listing_id: source_id,
                seller_account_id: req(&b, Scalar::SellerAccountId),
                title: req(&b, Scalar::Title),
                brand: b.text(Scalar::Brand),
                category: b.text(Scalar::Category),
                price: b.record_money(MoneyField::Price)?,
                product_ids,
                image_hashes: b.text_list(ListField::ImageHashes),
                ships_from: b.country(Scalar::ShipsFrom)?,
                created: b.date(Scalar::Created)?,
            })
        }
        Feed::Shipments => {
            let mut s = Shipment {
                shipment_id: source_id,
                carrier: b.text(Scalar::Carrier),
                mode: b.text(Scalar::Mode).map(|m| m.to_lowercase()),
                shipped: b.date(Scalar::Shipped)?,
                arrival: b.date(Scalar::Arrival)?,
                origin_country: b.country(Scalar::OriginCountry)?,
                export_country: b.country(Scalar::ExportCountry)?,
                port_of_arrival: b.text(Scalar::PortOfArrival),
                marketplace: b.text(Scalar::Marketplace),
                listing_id: b.text(Scalar::ListingId),
                ..Shipment::default()
            };
            // Every role's fields in one pass over the row, then each role's in row order.
            let bag = b.bag;
            let by_role: Vec<(PartyRole, usize, PartyField, &Raw<'_>)> = bag
                .values
                .iter()
                .filter_map(|(fi, _, r)| match m.fields[*fi].target {
                    Target::Party(Some(role), f) => Some((role, *fi, f, r)),
                    _ => None,
                })
                .collect();
            let mut vals = Vec::with_capacity(by_role.len());
            for role in PartyRole::ALL {
                vals.clear();
                vals.extend(
                    by_role
                        .iter()
                        .filter(|v| v.0 == role)
                        .map(|&(_, fi, f, r)| (fi, f, r)),
                );
                *s.party_mut(role) = b.party_of(&vals)?;
            }
            for e in b.elements(Group::Items) {
                if let Some(item) = b.item(e)? {
                    s.items.push(item);
                }
            }
            Record::Shipments(s)
        }
        Feed::Outcomes => {
            let (fi, raw) = b
                .scalar_raw(Scalar::Result)
                .expect("checked as required above");
            let result = match b.check(fi, outcome_result(&raw))? {
                Some(r) => r,
                None => {
                    return Err(FieldError {
                        field: Some("result".into()),
                        reason: format!("not an outcome result: {raw:?}"),
                    });
                }
            };
            let (fi, raw) = b
                .scalar_raw(Scalar::Date)
                .expect("checked as required above");
            let Some(date) = b.date_of(fi, &raw)? else {
                return Err(FieldError {
                    field: Some("date".into()),
                    reason: format!("not a date: {raw:?}"),
                });
            };
            Record::Outcomes(Outcome {
                outcome_id: source_id,
                result,
                date,
                shipment_id: b.text(Scalar::ShipmentId),
                marketplace: b.text(Scalar::Marketplace),
                listing_id: b.text(Scalar::ListingId),
                seller_account_id: b.text(Scalar::SellerAccountId),
                brand: b.text(Scalar::Brand),
                quantity: b.decimal(Scalar::Quantity)?,
                retail_value: b.record_money(MoneyField::RetailValue)?,
                note: b.text(Scalar::Note),
            })
        }
        Feed::Brands => {
            let mut brand = Brand {
                brand_id: source_id,
                name: req(&b, Scalar::Name),
                marks: b.text_list(ListField::Marks),
                lookalike_exceptions: b.text_list(ListField::LookalikeExceptions),
                categories: b.text_list(ListField::Categories),
                genuine_origins: b.country_list(ListField::GenuineOrigins)?,
                genuine_lanes: Vec::new(),
                price_floors: Vec::new(),
                authorised: Vec::new(),
            };
            for (fi, lane) in b.list(ListField::GenuineLanes) {
                let parsed = lane
                    .split_once(['-', '>', '/'])
                    .and_then(|(a, z)| {
                        Some((norm::country::country(a)?, norm::country::country(z)?))
                    })
                    .map(|(a, z)| format!("{a}-{z}"))
                    .ok_or_else(|| format!("not a lane (FROM-TO countries): {lane:?}"));
                if let Some(l) = b.check(fi, parsed)?
                    && !brand.genuine_lanes.contains(&l)
                {
                    brand.genuine_lanes.push(l);
                }
            }
            for e in b.elements(Group::Floors) {
                if let Some(f) = b.floor(e)? {
                    brand.price_floors.push(f);
                }
            }
            for e in b.elements(Group::Authorised) {
                if let Some(p) = b.party(
                    |t| match t {
                        Target::Authorised(f) => Some(f),
                        _ => None,
                    },
                    Some(e),
                )? {
                    brand.authorised.push(p);
                }
            }
            Record::Brands(brand)
        }
    };
    Ok(record)
}

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Feed, Party, PartyRole};

/// A record's identity: the organisation that sent it, its feed, and the id the partner uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordKey {
    pub org: String,
    pub feed: Feed,
    pub source_id: String,
}

impl RecordKey {
    pub fn new(org: impl Into<String>, feed: Feed, source_id: impl Into<String>) -> Self {
        RecordKey {
            org: org.into(),
            feed,
            source_id: source_id.into(),
        }
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.org, self.feed, self.source_id)
    }
}

/// An amount in its own currency, with its US dollar equivalent when a rate was known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SellerStatus {
    Active,
    Suspended,
    Closed,
}

/// A marketplace seller account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    pub marketplace: String,
    /// The account id; also the record's source id.
    pub account_id: String,
    pub party: Party,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SellerStatus>,
}

/// A marketplace listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub marketplace: String,
    pub listing_id: String,
    pub seller_account_id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    /// GTINs and other product ids, digits and letters only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_hashes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ships_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// One item line of a shipment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// 6 to 10 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_kg: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_country: Option<String>,
}

/// Advance parcel and entry data: one air waybill or tracking id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub shipment_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// When the parcel was picked up or shipped (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipped: Option<String>,
    /// When it arrived or is due at the port of arrival (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_of_arrival: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipper: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consignee: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchaser: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_recipient: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importer: Option<Party>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
}

impl Shipment {
    pub fn party(&self, role: PartyRole) -> Option<&Party> {
        match role {
            PartyRole::Shipper => self.shipper.as_ref(),
            PartyRole::Consignee => self.consignee.as_ref(),
            PartyRole::Seller => self.seller.as_ref(),
            PartyRole::Purchaser => self.purchaser.as_ref(),
            PartyRole::FinalRecipient => self.final_recipient.as_ref(),
            PartyRole::Importer => self.importer.as_ref(),
        }
    }

    pub fn party_mut(&mut self, role: PartyRole) -> &mut Option<Party> {
        match role {
            PartyRole::Shipper => &mut self.shipper,
            PartyRole::Consignee => &mut self.consignee,
            PartyRole::Seller => &mut self.seller,
            PartyRole::Purchaser => &mut self.purchaser,
            PartyRole::FinalRecipient => &mut self.final_recipient,
            PartyRole::Importer => &mut self.importer,
        }
    }

    /// The parties present, with their roles, in role order.
    pub fn parties(&self) -> impl Iterator<Item = (PartyRole, &Party)> {
        PartyRole::ALL
            .into_iter()
            .filter_map(|r| self.party(r).map(|p| (r, p)))
    }
}

/// What an inspection, a marketplace action or a brand's test buy found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeResult {
    SeizedCounterfeit,
    SeizedOther,
    Released,
    AccountSuspended,
    ListingRemoved,
    TestBuyFake,
    TestBuyGenuine,
}

impl OutcomeResult {
    pub const ALL: [OutcomeResult; 7] = [
        OutcomeResult::SeizedCounterfeit,
        OutcomeResult::SeizedOther,
        OutcomeResult::Released,
        OutcomeResult::AccountSuspended,
        OutcomeResult::ListingRemoved,
        OutcomeResult::TestBuyFake,
        OutcomeResult::TestBuyGenuine,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeResult::SeizedCounterfeit => "seized_counterfeit",
            OutcomeResult::SeizedOther => "seized_other",
            OutcomeResult::Released => "released",
            OutcomeResult::AccountSuspended => "account_suspended",
            OutcomeResult::ListingRemoved => "listing_removed",
            OutcomeResult::TestBuyFake => "test_buy_fake",
            OutcomeResult::TestBuyGenuine => "test_buy_genuine",
        }
    }

    pub fn parse(s: &str) -> Option<OutcomeResult> {
        OutcomeResult::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// An inspection or seizure of a shipment, or an action on a listing or seller account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub outcome_id: String,
    pub result: OutcomeResult,
    /// ISO 8601 date of the inspection or action.
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retail_value: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The genuine price floor of a brand's products in one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceFloor {
    pub category: String,
    pub price: Money,
}

/// What a brand owner knows about its own genuine goods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub brand_id: String,
    pub name: String,
    /// Word marks, as registered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<String>,
    /// Real words or other brands that look like a mark but are not it ("Nikon" for "Nike").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookalike_exceptions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub price_floors: Vec<PriceFloor>,
    /// Countries of the brand's genuine factories, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub genuine_origins: Vec<String>,
    /// Genuine lanes as `FROM-TO` country pairs (`VN-GB`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub genuine_lanes: Vec<String>,
    /// Authorised sellers and distributors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorised: Vec<Party>,
}

/// A person or company on a list a partner shares: a tip, a watch list, known counterfeiters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyListEntry {
    pub entry_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<String>,
    pub party: Party,
}

/// The parties a record's canonical JSON names, found without building the record: each
/// party's record id and where its JSON lies in `json`, and the record's date (see
/// [`Record::date`]). Reading every party of a store, a party whose JSON was met before need not
/// be parsed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartySpans {
    pub json: Vec<u8>,
    pub date: Option<String>,
    pub parties: Vec<(String, std::ops::Range<usize>)>,
}

mod spans {
    use std::borrow::Cow;

    use serde::Deserialize;
    use serde_json::value::RawValue;

    type Raw<'a> = Option<&'a RawValue>;

    #[derive(Deserialize)]
    pub struct Shipment<'a> {
        #[serde(borrow)]
        pub shipment_id: Cow<'a, str>,
        #[serde(borrow, default)]
        pub shipped: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        pub arrival: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        pub shipper: Raw<'a>,
        #[serde(borrow, default)]
        pub consignee: Raw<'a>,
        #[serde(borrow, default)]
        pub seller: Raw<'a>,
        #[serde(borrow, default)]
        pub purchaser: Raw<'a>,
        #[serde(borrow, default)]
        pub final_recipient: Raw<'a>,
        #[serde(borrow, default)]
        pub importer: Raw<'a>,
    }

    /// A seller account (`account_id`, `created`) or a watch-list entry (`entry_id`, `added`).
    #[derive(Deserialize)]
    pub struct OneParty<'a> {
        #[serde(borrow, rename = "account_id", alias = "entry_id")]
        pub id: Cow<'a, str>,
        #[serde(borrow)]
        pub party: &'a RawValue,
        #[serde(borrow, default, rename = "created", alias = "added")]
        pub date: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    pub struct Brand<'a> {
        #[serde(borrow)]
        pub brand_id: Cow<'a, str>,
        #[serde(borrow, default)]
        pub authorised: Vec<&'a RawValue>,
    }
}

impl PartySpans {
    /// The parties of a record of `feed` from its canonical JSON. A record whose JSON says
    /// another feed is read whole and its parties written out again.
    pub fn of(feed: Feed, json: Vec<u8>) -> Result<PartySpans, String> {
        let tag = format!("{{\"feed\":\"{}\"", feed.as_str());
        if !json.starts_with(tag.as_bytes()) {
            return Self::of_record(serde_json::from_slice(&json).map_err(|e| e.to_string())?);
        }
        let e = |e: serde_json::Error| e.to_string();
        let at = |raw: &serde_json::value::RawValue| {
            let start = raw.get().as_ptr() as usize - json.as_ptr() as usize;
            start..start + raw.get().len()
        };
        let (date, parties) = match feed {
            Feed::Shipments => {
                let s: spans::Shipment = serde_json::from_slice(&json).map_err(e)?;
                let roles = [
                    (PartyRole::Shipper, s.shipper),
                    (PartyRole::Consignee, s.consignee),
                    (PartyRole::Seller, s.seller),
                    (PartyRole::Purchaser, s.purchaser),
                    (PartyRole::FinalRecipient, s.final_recipient),
                    (PartyRole::Importer, s.importer),
                ];
                let parties = roles
                    .into_iter()
                    .filter_map(|(role, raw)| {
                        raw.filter(|r| r.get() != "null")
                            .map(|r| (format!("{}#{}", s.shipment_id, role.as_str()), at(r)))
                    })
                    .collect();
                (s.shipped.or(s.arrival), parties)
            }
            Feed::Sellers | Feed::Parties => {
                let p: spans::OneParty = serde_json::from_slice(&json).map_err(e)?;
                (p.date, vec![(p.id.into_owned(), at(p.party))])
            }
            Feed::Brands => {
                let b: spans::Brand = serde_json::from_slice(&json).map_err(e)?;
                let parties = b
                    .authorised
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (format!("{}#authorised#{}", b.brand_id, i + 1), at(r)))
                    .collect();
                (None, parties)
            }
            Feed::Listings | Feed::Outcomes => (None, Vec::new()),
        };
        let date = date.map(Cow::into_owned);
        Ok(PartySpans {
            json,
            date,
            parties,
        })
    }

    fn of_record(record: Record) -> Result<PartySpans, String> {
        let date = record.date().map(str::to_owned);
        let mut json = Vec::new();
        let mut parties = Vec::new();
        for (id, party) in record.parties() {
            let start = json.len();
            serde_json::to_writer(&mut json, party).map_err(|e| e.to_string())?;
            parties.push((id, start..json.len()));
        }
        Ok(PartySpans {
            json,
            date,
            parties,
        })
    }

    /// Party `i`, parsed.
    pub fn party(&self, i: usize) -> Result<Party, String> {
        serde_json::from_slice(&self.json[self.parties[i].1.clone()]).map_err(|e| e.to_string())
    }
}

/// One canonical record of any feed.
// Shipments dominate every feed by volume, so boxing them would cost an allocation per record
// for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "feed", rename_all = "snake_case")]
pub enum Record {
    Sellers(Seller),
    Listings(Listing),
    Shipments(Shipment),
    Outcomes(Outcome),
    Brands(Brand),
    Parties(PartyListEntry),
}

impl Record {
    /// The record's canonical JSON: what the store keeps and what its content hash covers.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).expect("records always serialise")
    }

    /// The stored form of canonical JSON: LZ4-compressed, since partner records are wide and
    /// repetitive and a store spends its time writing bytes.
    pub fn encode_payload(json: &str) -> Vec<u8> {
        encode_payload_bytes(json.as_bytes(), &mut Vec::new())
    }

    /// The content hash and the stored form of this record (what [`Record::content_hash`]
    /// and [`Record::encode_payload`] give for its [`Record::canonical_json`]), serialising
    /// through `scratch`, a buffer the caller keeps from one record to the next.
    pub fn hash_and_payload(&self, scratch: &mut Vec<u8>) -> ([u8; 16], Vec<u8>) {
        let mut hash = [0u8; 16];
        let payload = self.payload_with(scratch, |json| hash = hash_bytes(json));
        (hash, payload)
    }

    /// The stored form of this record ([`Record::encode_payload`] of its canonical JSON),
    /// serialising through `scratch`.
    pub fn payload(&self, scratch: &mut Vec<u8>) -> Vec<u8> {
        self.payload_with(scratch, |_| {})
    }

    /// Serialises into `scratch`, shows the JSON to `see`, and compresses it.
    fn payload_with(&self, scratch: &mut Vec<u8>, see: impl FnOnce(&[u8])) -> Vec<u8> {
        scratch.clear();
        serde_json::to_writer(&mut *scratch, self).expect("records always serialise");
        let split = scratch.len();
        see(&scratch[..split]);
        // The JSON stays at the front of `scratch`; the compressed block goes after it.
        let max = lz4_flex::block::get_maximum_output_size(split);
        scratch.resize(split + max, 0);
        let (json, out) = scratch.split_at_mut(split);
        let n = lz4_flex::block::compress_into(json, out).expect("the output has the maximum size");
        let mut payload = Vec::with_capacity(4 + n);
        payload.extend_from_slice(&(split as u32).to_le_bytes());
        payload.extend_from_slice(&out[..n]);
        payload
    }

    /// Reads a record back from its stored form.
    pub fn decode_payload(payload: &[u8]) -> Result<Record, String> {
        let bytes = lz4_flex::decompress_size_prepended(payload).map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    /// [`Record::decode_payload`] for a payload known to be of `feed`: straight into that
    /// feed's record, without the buffering an internally tagged enum costs serde (the `feed`
    /// key is skipped). Errors when the payload says another feed.
    pub fn decode_payload_of(feed: Feed, payload: &[u8]) -> Result<Record, String> {
        let bytes = lz4_flex::decompress_size_prepended(payload).map_err(|e| e.to_string())?;
        let tag = format!("{{\"feed\":\"{}\"", feed.as_str());
        if !bytes.starts_with(tag.as_bytes()) {
            return Self::decode_payload(payload);
        }
        let e = |e: serde_json::Error| e.to_string();
        Ok(match feed {
            Feed::Sellers => Record::Sellers(serde_json::from_slice(&bytes).map_err(e)?),
            Feed::Listings => Record::Listings(serde_json::from_slice(&bytes).map_err(e)?),
            Feed::Shipments => Record::Shipments(serde_json::from_slice(&bytes).map_err(e)?),
            Feed::Outcomes => Record::Outcomes(serde_json::from_slice(&bytes).map_err(e)?),
            Feed::Brands => Record::Brands(serde_json::from_slice(&bytes).map_err(e)?),
            Feed::Parties => Record::Parties(serde_json::from_slice(&bytes).map_err(e)?),
        })
    }

    /// A 128-bit digest of canonical JSON, by which versions are compared.
    pub fn content_hash(json: &str) -> [u8; 16] {
        hash_bytes(json.as_bytes())
    }

    pub fn feed(&self) -> Feed {
        match self {
            Record::Sellers(_) => Feed::Sellers,
            Record::Listings(_) => Feed::Listings,
            Record::Shipments(_) => Feed::Shipments,
            Record::Outcomes(_) => Feed::Outcomes,
            Record::Brands(_) => Feed::Brands,
            Record::Parties(_) => Feed::Parties,
        }
    }

    /// The id the partner uses for this record.
    pub fn source_id(&self) -> &str {
        match self {
            Record::Sellers(r) => &r.account_id,
            Record::Listings(r) => &r.listing_id,
            Record::Shipments(r) => &r.shipment_id,
            Record::Outcomes(r) => &r.outcome_id,
            Record::Brands(r) => &r.brand_id,
            Record::Parties(r) => &r.entry_id,
        }
    }

    /// Every party this record holds, each with the source id it resolves under:
    /// the record's own id for sellers and list entries, `<id>#<role>` for a shipment's
    /// parties and `<id>#authorised#<n>` for a brand's authorised sellers.
    /// When the record's parties were seen acting: a seller account's opening, a shipment's
    /// dispatch (its arrival when dispatch is unknown), a watch-list entry's addition, a
    /// listing's creation, an outcome's date. Brands carry no date.
    pub fn date(&self) -> Option<&str> {
        match self {
            Record::Sellers(s) => s.created.as_deref(),
            Record::Listings(l) => l.created.as_deref(),
            Record::Shipments(s) => s.shipped.as_deref().or(s.arrival.as_deref()),
            Record::Outcomes(o) => Some(o.date.as_str()),
            Record::Brands(_) => None,
            Record::Parties(p) => p.added.as_deref(),
        }
    }

    pub fn parties(&self) -> Vec<(String, &Party)> {
        match self {
            Record::Sellers(s) => vec![(s.account_id.clone(), &s.party)],
            Record::Parties(p) => vec![(p.entry_id.clone(), &p.party)],
            Record::Shipments(s) => s
                .parties()
                .map(|(role, p)| (format!("{}#{}", s.shipment_id, role.as_str()), p))
                .collect(),
            Record::Brands(b) => b
                .authorised
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("{}#authorised#{}", b.brand_id, i + 1), p))
                .collect(),
            Record::Listings(_) | Record::Outcomes(_) => Vec::new(),
        }
    }
}

fn hash_bytes(json: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&blake3::hash(json).as_bytes()[..16]);
    out
}

/// LZ4 block with the uncompressed size prepended (little-endian u32), as
/// `lz4_flex::compress_prepend_size` writes it, compressing through `scratch`.
fn encode_payload_bytes(json: &[u8], scratch: &mut Vec<u8>) -> Vec<u8> {
    scratch.clear();
    scratch.resize(lz4_flex::block::get_maximum_output_size(json.len()), 0);
    let n = lz4_flex::block::compress_into(json, scratch).expect("the output has the maximum size");
    let mut payload = Vec::with_capacity(4 + n);
    payload.extend_from_slice(&(json.len() as u32).to_le_bytes());
    payload.extend_from_slice(&scratch[..n]);
    payload
}

fn fill<T>(into: &mut Option<T>, from: Option<T>) {
    if into.is_none() {
        *into = from;
    }
}

fn union<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
    for v in from {
        if !into.contains(&v) {
            into.push(v);
        }
    }
}

fn absorb_party(into: &mut Party, from: Party) {
    fill(&mut into.kind, from.kind);
    fill(&mut into.name, from.name);
    fill(&mut into.display_name, from.display_name);
    fill(&mut into.account_id, from.account_id);
    fill(&mut into.country, from.country);
    union(&mut into.emails, from.emails);
    union(&mut into.phones, from.phones);
    union(&mut into.addresses, from.addresses);
    union(&mut into.bank_accounts, from.bank_accounts);
    union(&mut into.tax_ids, from.tax_ids);
    fill(&mut into.given_name, from.given_name);
    fill(&mut into.family_name, from.family_name);
    fill(&mut into.date_of_birth, from.date_of_birth);
    fill(&mut into.place_of_birth, from.place_of_birth);
    fill(&mut into.gender, from.gender);
    union(&mut into.nationality, from.nationality);
    union(&mut into.id_documents, from.id_documents);
}

fn absorb_opt_party(into: &mut Option<Party>, from: Option<Party>) {
    match (into.as_mut(), from) {
        (Some(a), Some(b)) => absorb_party(a, b),
        (None, b) => *into = b,
        (Some(_), None) => {}
    }
}

impl Record {
    /// Folds a later row with the same source id into this record: lines of a multi-line
    /// shipment, further price floors or authorised sellers of a brand. Fields this record
    /// already has win; lists gain what they lack; line lists (items, floors, authorised
    /// parties) are appended.
    ///
    /// Returns `false`, changing nothing, when `other` is of another feed or source id.
    pub fn absorb(&mut self, other: Record) -> bool {
        if self.feed() != other.feed() || self.source_id() != other.source_id() {
            return false;
        }
        match (self, other) {
            (Record::Sellers(a), Record::Sellers(b)) => {
                fill(&mut a.created, b.created);
                fill(&mut a.status, b.status);
                absorb_party(&mut a.party, b.party);
            }
            (Record::Listings(a), Record::Listings(b)) => {
                fill(&mut a.brand, b.brand);
                fill(&mut a.category, b.category);
                fill(&mut a.price, b.price);
                fill(&mut a.ships_from, b.ships_from);
                fill(&mut a.created, b.created);
                union(&mut a.product_ids, b.product_ids);
                union(&mut a.image_hashes, b.image_hashes);
            }
            (Record::Shipments(a), Record::Shipments(b)) => {
                fill(&mut a.carrier, b.carrier);
                fill(&mut a.mode, b.mode);
                fill(&mut a.shipped, b.shipped);
                fill(&mut a.arrival, b.arrival);
                fill(&mut a.origin_country, b.origin_country);
                fill(&mut a.export_country, b.export_country);
                fill(&mut a.port_of_arrival, b.port_of_arrival);
                fill(&mut a.marketplace, b.marketplace);
                fill(&mut a.listing_id, b.listing_id);
                absorb_opt_party(&mut a.shipper, b.shipper);
                absorb_opt_party(&mut a.consignee, b.consignee);
                absorb_opt_party(&mut a.seller, b.seller);
                absorb_opt_party(&mut a.purchaser, b.purchaser);
                absorb_opt_party(&mut a.final_recipient, b.final_recipient);
                absorb_opt_party(&mut a.importer, b.importer);
                a.items.extend(b.items);
            }
            (Record::Outcomes(a), Record::Outcomes(b)) => {
                fill(&mut a.shipment_id, b.shipment_id);
                fill(&mut a.marketplace, b.marketplace);
                fill(&mut a.listing_id, b.listing_id);
                fill(&mut a.seller_account_id, b.seller_account_id);
                fill(&mut a.brand, b.brand);
                fill(&mut a.quantity, b.quantity);
                fill(&mut a.retail_value, b.retail_value);
                fill(&mut a.note, b.note);
            }
            (Record::Brands(a), Record::Brands(b)) => {
                union(&mut a.marks, b.marks);
                union(&mut a.lookalike_exceptions, b.lookalike_exceptions);
                union(&mut a.categories, b.categories);
                union(&mut a.genuine_origins, b.genuine_origins);
                union(&mut a.genuine_lanes, b.genuine_lanes);
                a.price_floors.extend(b.price_floors);
                a.authorised.extend(b.authorised);
            }
            (Record::Parties(a), Record::Parties(b)) => {
                fill(&mut a.list, b.list);
                fill(&mut a.reason, b.reason);
                fill(&mut a.added, b.added);
                absorb_party(&mut a.party, b.party);
            }
            _ => unreachable!("feeds were compared above"),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(desc: &str) -> Item {
        Item {
            description: desc.into(),
            ..Item::default()
        }
    }

    #[test]
    fn absorb_appends_shipment_lines_and_fills_gaps() {
        let mut a = Record::Shipments(Shipment {
            shipment_id: "AWB1".into(),
            carrier: Some("swift".into()),
            items: vec![line("shoes")],
            ..Shipment::default()
        });
        let b = Record::Shipments(Shipment {
            shipment_id: "AWB1".into(),
            carrier: Some("other".into()),
            mode: Some("air".into()),
            items: vec![line("bags")],
            ..Shipment::default()
        });
        assert!(a.absorb(b));
        let Record::Shipments(s) = a else { panic!() };
        assert_eq!(s.carrier.as_deref(), Some("swift"));
        assert_eq!(s.mode.as_deref(), Some("air"));
        let descs: Vec<_> = s.items.iter().map(|i| i.description.as_str()).collect();
        assert_eq!(descs, ["shoes", "bags"]);
    }

    #[test]
    fn payloads_round_trip() {
        let rec = Record::Shipments(Shipment {
            shipment_id: "AWB1".into(),
            items: vec![line("shoes"), line("bags")],
            ..Shipment::default()
        });
        let payload = Record::encode_payload(&rec.canonical_json());
        assert_eq!(Record::decode_payload(&payload), Ok(rec.clone()));
        assert_eq!(
            Record::decode_payload_of(Feed::Shipments, &payload),
            Ok(rec.clone())
        );
        // Told the wrong feed, the payload's own tag wins.
        assert_eq!(Record::decode_payload_of(Feed::Sellers, &payload), Ok(rec));
        assert!(Record::decode_payload(b"garbage").is_err());
        assert!(Record::decode_payload_of(Feed::Shipments, b"garbage").is_err());
    }

    #[test]
    fn hash_and_payload_match_the_separate_steps() {
        let rec = Record::Shipments(Shipment {
            shipment_id: "AWB1".into(),
            carrier: Some("swift \"express\" ✈".into()),
            items: vec![line("shoes"), line("bags"), line("shoes")],
            ..Shipment::default()
        });
        let json = rec.canonical_json();
        let mut scratch = b"left over".to_vec();
        for _ in 0..2 {
            let (hash, payload) = rec.hash_and_payload(&mut scratch);
            assert_eq!(hash, Record::content_hash(&json));
            assert_eq!(payload, lz4_flex::compress_prepend_size(json.as_bytes()));
            assert_eq!(payload, Record::encode_payload(&json));
            assert_eq!(Record::decode_payload(&payload), Ok(rec.clone()));
        }
    }

    #[test]
    fn party_spans_find_every_party_as_the_record_names_it() {
        let party = |n: &str| Party {
            name: Some(format!("{n} \"quoted\" ✈")),
            emails: vec![format!("{n}@example.com")],
            ..Party::default()
        };
        let records = [
            Record::Shipments(Shipment {
                shipment_id: "AWB\"1".into(),
                shipped: Some("2026-03-01".into()),
                arrival: Some("2026-03-04".into()),
                shipper: Some(party("a")),
                importer: Some(party("b")),
                items: vec![line("shoes")],
                ..Shipment::default()
            }),
            Record::Sellers(Seller {
                marketplace: "bazaar".into(),
                account_id: "S1".into(),
                party: party("s"),
                created: Some("2025-01-02".into()),
                status: None,
            }),
            Record::Parties(PartyListEntry {
                entry_id: "W1".into(),
                list: None,
                reason: None,
                added: Some("2026-02-03".into()),
                party: party("w"),
            }),
            Record::Brands(Brand {
                brand_id: "B1".into(),
                name: "Brand".into(),
                authorised: vec![party("c"), party("d")],
                ..Brand::default()
            }),
        ];
        for rec in records {
            let spans = PartySpans::of(rec.feed(), rec.canonical_json().into_bytes()).unwrap();
            assert_eq!(spans.date.as_deref(), rec.date());
            let found: Vec<(String, Party)> = (0..spans.parties.len())
                .map(|i| (spans.parties[i].0.clone(), spans.party(i).unwrap()))
                .collect();
            let named: Vec<(String, Party)> = rec
                .parties()
                .into_iter()
                .map(|(id, p)| (id, p.clone()))
                .collect();
            assert_eq!(found, named);
            // Told another feed, the record is read whole and its parties written out again.
            let other = PartySpans::of(Feed::Sellers, rec.canonical_json().into_bytes()).unwrap();
            assert_eq!(other.parties.len(), named.len());
            assert_eq!(other.party(0).unwrap(), named[0].1);
        }
        assert!(PartySpans::of(Feed::Shipments, b"{\"feed\":\"shipments\",".to_vec()).is_err());
    }

    #[test]
    fn absorb_refuses_another_record() {
        let mut a = Record::Shipments(Shipment {
            shipment_id: "AWB1".into(),
            ..Shipment::default()
        });
        let b = Record::Shipments(Shipment {
            shipment_id: "AWB2".into(),
            items: vec![line("x")],
            ..Shipment::default()
        });
        assert!(!a.absorb(b));
        let Record::Shipments(s) = a else { panic!() };
        assert!(s.items.is_empty());
    }

    #[test]
    fn party_record_ids_follow_roles() {
        let rec = Record::Shipments(Shipment {
            shipment_id: "X9".into(),
            shipper: Some(Party {
                name: Some("a".into()),
                ..Party::default()
            }),
            final_recipient: Some(Party {
                name: Some("b".into()),
                ..Party::default()
            }),
            ..Shipment::default()
        });
        let ids: Vec<_> = rec.parties().into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["X9#shipper", "X9#final_recipient"]);
    }
}

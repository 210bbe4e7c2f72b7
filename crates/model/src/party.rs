use serde::{Deserialize, Serialize};

/// Whether a party is a natural person or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Person,
    Company,
}

/// The role a party plays inside a shipment; its record id is `<shipment id>#<role>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Shipper,
    Consignee,
    Seller,
    Purchaser,
    FinalRecipient,
    Importer,
}

impl PartyRole {
    pub const ALL: [PartyRole; 6] = [
        PartyRole::Shipper,
        PartyRole::Consignee,
        PartyRole::Seller,
        PartyRole::Purchaser,
        PartyRole::FinalRecipient,
        PartyRole::Importer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Shipper => "shipper",
            PartyRole::Consignee => "consignee",
            PartyRole::Seller => "seller",
            PartyRole::Purchaser => "purchaser",
            PartyRole::FinalRecipient => "final_recipient",
            PartyRole::Importer => "importer",
        }
    }

    pub fn parse(s: &str) -> Option<PartyRole> {
        PartyRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A postal address as the partner gave it, with the parts it named separately.
///
/// Comparison keys (house number, street tokens, postcode format) are derived by the
/// `normalize` crate; the record keeps what was said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Address {
    /// Street lines, or the whole address when the partner sends one free-text field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
            && self.city.is_none()
            && self.postcode.is_none()
            && self.region.is_none()
    }
}

/// A person's recorded sex or gender, as identity documents give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    /// `X` on a passport, or any other stated value.
    Other,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
        }
    }
}

/// What kind of document an identity number comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Passport,
    NationalId,
    DrivingLicence,
    ResidencePermit,
    CompanyRegistration,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::Passport,
        DocumentKind::NationalId,
        DocumentKind::DrivingLicence,
        DocumentKind::ResidencePermit,
        DocumentKind::CompanyRegistration,
        DocumentKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Passport => "passport",
            DocumentKind::NationalId => "national_id",
            DocumentKind::DrivingLicence => "driving_licence",
            DocumentKind::ResidencePermit => "residence_permit",
            DocumentKind::CompanyRegistration => "company_registration",
            DocumentKind::Other => "other",
        }
    }
}

/// An identity document: a passport, a national id card, a company's registration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdDocument {
    pub kind: DocumentKind,
    /// Upper-case letters and digits only.
    pub number: String,
    /// The issuing country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A person or company, with one shape wherever it appears: a seller account, a shipment's
/// consignee, a brand's authorised distributor or a name on a watch list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Party {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<PartyKind>,
    /// Legal or full name as given (whitespace tidied, otherwise untouched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The party's account at the partner (carrier shipper account, marketplace account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Lower-cased, syntactically valid addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// E.164 (`+447700900123`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Bank or payout accounts, upper-cased with separators removed (IBAN style).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bank_accounts: Vec<String>,
    /// Tax or company registration ids, upper-cased with separators removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tax_ids: Vec<String>,
    /// Country of registration or residence, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// A person's given names, when the partner keeps them apart from the family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// A person's family name (surname), when the partner keeps it apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// `YYYY-MM-DD`, or as much of it as is known: `YYYY-MM`, `YYYY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// As given (whitespace tidied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_birth: Option<String>,
    /// Countries of nationality, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationality: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_documents: Vec<IdDocument>,
}

impl Party {
    /// A party with nothing in it is no party at all (an empty consignee block, say).
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.display_name.is_none()
            && self.account_id.is_none()
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.addresses.iter().all(Address::is_empty)
            && self.bank_accounts.is_empty()
            && self.tax_ids.is_empty()
            && self.given_name.is_none()
            && self.family_name.is_none()
            && self.date_of_birth.is_none()
            && self.id_documents.is_empty()
    }
}

//! The canonical field names a mapping may target, per feed.

use interdict_model::{Feed, PartyRole};

/// A field of a party, wherever the party sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartyField {
    Kind,
    Name,
    DisplayName,
    AccountId,
    Emails,
    Phones,
    AddressText,
    AddressCity,
    AddressPostcode,
    AddressRegion,
    AddressCountry,
    Addresses,
    BankAccounts,
    TaxIds,
    Country,
    GivenName,
    FamilyName,
    DateOfBirth,
    PlaceOfBirth,
    Nationality,
    Gender,
    IdDocumentKind,
    IdDocumentNumber,
    IdDocumentCountry,
    Passports,
    NationalIds,
}

const PARTY_FIELDS: [(&str, PartyField); 26] = [
    ("kind", PartyField::Kind),
    ("name", PartyField::Name),
    ("display_name", PartyField::DisplayName),
    ("account_id", PartyField::AccountId),
    ("emails", PartyField::Emails),
    ("phones", PartyField::Phones),
    ("address.text", PartyField::AddressText),
    ("address.city", PartyField::AddressCity),
    ("address.postcode", PartyField::AddressPostcode),
    ("address.region", PartyField::AddressRegion),
    ("address.country", PartyField::AddressCountry),
    ("addresses", PartyField::Addresses),
    ("bank_accounts", PartyField::BankAccounts),
    ("tax_ids", PartyField::TaxIds),
    ("country", PartyField::Country),
    ("given_name", PartyField::GivenName),
    ("family_name", PartyField::FamilyName),
    ("date_of_birth", PartyField::DateOfBirth),
    ("place_of_birth", PartyField::PlaceOfBirth),
    ("nationality", PartyField::Nationality),
    ("gender", PartyField::Gender),
    ("id_document.kind", PartyField::IdDocumentKind),
    ("id_document.number", PartyField::IdDocumentNumber),
    ("id_document.country", PartyField::IdDocumentCountry),
    ("passports", PartyField::Passports),
    ("national_ids", PartyField::NationalIds),
];

impl PartyField {
    pub fn is_list(self) -> bool {
        matches!(
            self,
            PartyField::Emails
                | PartyField::Phones
                | PartyField::Addresses
                | PartyField::BankAccounts
                | PartyField::TaxIds
                | PartyField::Nationality
                | PartyField::Passports
                | PartyField::NationalIds
        )
    }
}

/// Where a field lands in the record being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    SourceId,
    /// A free-text or code field of the record itself.
    Scalar(Scalar),
    /// A list field of the record itself.
    List(ListField),
    /// A money field of the record itself, whole or in parts.
    Money(MoneyField, MoneyPart),
    /// The record's own party (sellers, parties) or a shipment party by role.
    Party(Option<PartyRole>, PartyField),
    Item(ItemField),
    FloorCategory,
    FloorPrice(MoneyPart),
    Authorised(PartyField),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    Marketplace,
    Created,
    Status,
    SellerAccountId,
    Title,
    Brand,
    Category,
    ShipsFrom,
    Carrier,
    Mode,
    Shipped,
    Arrival,
    OriginCountry,
    ExportCountry,
    PortOfArrival,
    ListingId,
    Result,
    Date,
    ShipmentId,
    Quantity,
    Note,
    Name,
    List,
    Reason,
    Added,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListField {
    ProductIds,
    ImageHashes,
    Marks,
    LookalikeExceptions,
    Categories,
    GenuineOrigins,
    GenuineLanes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoneyField {
    Price,
    RetailValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoneyPart {
    Whole,
    Amount,
    Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemField {
    Description,
    HsCode,
    Quantity,
    Value(MoneyPart),
    WeightKg,
    OriginCountry,
}

/// The scopes whose fields repeat: one element per row, or per element of an NDJSON array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Items,
    Floors,
    Authorised,
}

impl Target {
    pub fn group(self) -> Option<Group> {
        match self {
            Target::Item(_) => Some(Group::Items),
            Target::FloorCategory | Target::FloorPrice(_) => Some(Group::Floors),
            Target::Authorised(_) => Some(Group::Authorised),
            _ => None,
        }
    }

    /// Whether the field holds several values (so `split` and `columns` give a list).
    pub fn is_list(self) -> bool {
        match self {
            Target::List(_) => true,
            Target::Party(_, f) | Target::Authorised(f) => f.is_list(),
            _ => false,
        }
    }
}

fn money_part(rest: &str) -> Option<MoneyPart> {
    match rest {
        "" => Some(MoneyPart::Whole),
        ".amount" => Some(MoneyPart::Amount),
        ".currency" => Some(MoneyPart::Currency),
        _ => None,
    }
}

fn party_field(name: &str) -> Option<PartyField> {
    PARTY_FIELDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
}

/// Resolves a canonical field name of `feed` to where it lands.
pub fn target(feed: Feed, name: &str) -> Option<Target> {
    use Scalar as S;
    if name == "source_id" {
        return Some(Target::SourceId);
    }
    let scalar = |s| Some(Target::Scalar(s));
    match feed {
        Feed::Sellers => match name {
            "marketplace" => scalar(S::Marketplace),
            "created" => scalar(S::Created),
            "status" => scalar(S::Status),
            _ => party_field(name).map(|f| Target::Party(None, f)),
        },
        Feed::Parties => match name {
            "list" => scalar(S::List),
            "reason" => scalar(S::Reason),
            "added" => scalar(S::Added),
            _ => party_field(name).map(|f| Target::Party(None, f)),
        },
        Feed::Listings => match name {
            "marketplace" => scalar(S::Marketplace),
            "seller_account_id" => scalar(S::SellerAccountId),
            "title" => scalar(S::Title),
            "brand" => scalar(S::Brand),
            "category" => scalar(S::Category),
            "ships_from" => scalar(S::ShipsFrom),
            "created" => scalar(S::Created),
            "product_ids" => Some(Target::List(ListField::ProductIds)),
            "image_hashes" => Some(Target::List(ListField::ImageHashes)),
            _ => name
                .strip_prefix("price")
                .and_then(money_part)
                .map(|p| Target::Money(MoneyField::Price, p)),
        },
        Feed::Shipments => match name {
            "carrier" => scalar(S::Carrier),
            "mode" => scalar(S::Mode),
            "shipped" => scalar(S::Shipped),
            "arrival" => scalar(S::Arrival),
            "origin_country" => scalar(S::OriginCountry),
            "export_country" => scalar(S::ExportCountry),
            "port_of_arrival" => scalar(S::PortOfArrival),
            "marketplace" => scalar(S::Marketplace),
            "listing_id" => scalar(S::ListingId),
            _ => {
                if let Some(rest) = name.strip_prefix("items.") {
                    let f = match rest {
                        "description" => ItemField::Description,
                        "hs_code" => ItemField::HsCode,
                        "quantity" => ItemField::Quantity,
                        "weight_kg" => ItemField::WeightKg,
                        "origin_country" => ItemField::OriginCountry,
                        _ => ItemField::Value(rest.strip_prefix("value").and_then(money_part)?),
                    };
                    return Some(Target::Item(f));
                }
                let (role, field) = name.split_once('.')?;
                let role = PartyRole::parse(role)?;
                party_field(field).map(|f| Target::Party(Some(role), f))
            }
        },
        Feed::Outcomes => match name {
            "result" => scalar(S::Result),
            "date" => scalar(S::Date),
            "shipment_id" => scalar(S::ShipmentId),
            "marketplace" => scalar(S::Marketplace),
            "listing_id" => scalar(S::ListingId),
            "seller_account_id" => scalar(S::SellerAccountId),
            "brand" => scalar(S::Brand),
            "quantity" => scalar(S::Quantity),
            "note" => scalar(S::Note),
            _ => name
                .strip_prefix("retail_value")
                .and_then(money_part)
                .map(|p| Target::Money(MoneyField::RetailValue, p)),
        },
        Feed::Brands => match name {
            "name" => scalar(S::Name),
            "marks" => Some(Target::List(ListField::Marks)),
            "lookalike_exceptions" => Some(Target::List(ListField::LookalikeExceptions)),
            "categories" => Some(Target::List(ListField::Categories)),
            "genuine_origins" => Some(Target::List(ListField::GenuineOrigins)),
            "genuine_lanes" => Some(Target::List(ListField::GenuineLanes)),
            "price_floors.category" => Some(Target::FloorCategory),
            _ => {
                if let Some(rest) = name.strip_prefix("price_floors.price") {
                    return money_part(rest).map(Target::FloorPrice);
                }
                let f = name.strip_prefix("authorised.")?;
                party_field(f).map(Target::Authorised)
            }
        },
    }
}

/// Every canonical field name of a feed, for error messages and documentation.
pub fn field_names(feed: Feed) -> Vec<String> {
    let party = |prefix: &str| -> Vec<String> {
        PARTY_FIELDS
            .iter()
            .map(|(n, _)| format!("{prefix}{n}"))
            .collect()
    };
    let money = |base: &str| {
        vec![
            base.to_string(),
            format!("{base}.amount"),
            format!("{base}.currency"),
        ]
    };
    let mut names: Vec<String> = vec!["source_id".into()];
    let plain = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match feed {
        Feed::Sellers => {
            names.extend(plain(&["marketplace", "created", "status"]));
            names.extend(party(""));
        }
        Feed::Parties => {
            names.extend(plain(&["list", "reason", "added"]));
            names.extend(party(""));
        }
        Feed::Listings => {
            names.extend(plain(&[
                "marketplace",
                "seller_account_id",
                "title",
                "brand",
                "category",
                "ships_from",
                "created",
                "product_ids",
                "image_hashes",
            ]));
            names.extend(money("price"));
        }
        Feed::Shipments => {
            names.extend(plain(&[
                "carrier",
                "mode",
                "shipped",
                "arrival",
                "origin_country",
                "export_country",
                "port_of_arrival",
                "marketplace",
                "listing_id",
            ]));
            for role in PartyRole::ALL {
                names.extend(party(&format!("{}.", role.as_str())));
            }
            names.extend(plain(&[
                "items.description",
                "items.hs_code",
                "items.quantity",
                "items.weight_kg",
                "items.origin_country",
            ]));
            names.extend(money("items.value"));
        }
        Feed::Outcomes => {
            names.extend(plain(&[
                "result",
                "date",
                "shipment_id",
                "marketplace",
                "listing_id",
                "seller_account_id",
                "brand",
                "quantity",
                "note",
            ]));
            names.extend(money("retail_value"));
        }
        Feed::Brands => {
            names.extend(plain(&[
                "name",
                "marks",
                "lookalike_exceptions",
                "categories",
                "genuine_origins",
                "genuine_lanes",
                "price_floors.category",
            ]));
            names.extend(money("price_floors.price"));
            names.extend(party("authorised."));
        }
    }
    names
}

/// The fields a record of `feed` cannot land without (besides `source_id`).
pub fn required(feed: Feed) -> &'static [&'static str] {
    match feed {
        Feed::Sellers => &["marketplace"],
        Feed::Listings => &["marketplace", "seller_account_id", "title"],
        Feed::Shipments => &[],
        Feed::Outcomes => &["result", "date"],
        Feed::Brands => &["name"],
        Feed::Parties => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_resolves_and_nothing_else_does() {
        for feed in Feed::ALL {
            for name in field_names(feed) {
                assert!(target(feed, &name).is_some(), "{feed}: {name}");
            }
            assert_eq!(target(feed, "no_such_field"), None);
        }
        assert_eq!(target(Feed::Sellers, "items.description"), None);
        assert_eq!(target(Feed::Shipments, "name"), None);
        assert_eq!(
            target(Feed::Shipments, "consignee.address.postcode"),
            Some(Target::Party(
                Some(PartyRole::Consignee),
                PartyField::AddressPostcode
            ))
        );
        assert_eq!(
            target(Feed::Shipments, "items.value.currency"),
            Some(Target::Item(ItemField::Value(MoneyPart::Currency)))
        );
        assert_eq!(target(Feed::Shipments, "items.valuex"), None);
    }
}

//! Mapping files (docs/mappings.md format) for every export, and the manifest listing them.

use std::fmt::Write as _;
use std::path::Path;

use crate::SimError;
use crate::data::CATEGORIES;
use crate::partners::*;
use crate::shipments::{CARRIER_PATH, CARRIER_PREFIXES, CUSTOMS_PATH, INSPECTIONS_PATH, ROLES};

/// One export: who sends it, which feed, where it is, its mapping and marking.
pub struct Export {
    pub org: &'static str,
    pub feed: &'static str,
    pub path: &'static str,
    pub mapping: &'static str,
    pub marking: &'static str,
    /// The sharing group that opens an AMBER or RED export to named partners.
    pub sharing_group: Option<&'static str>,
}

/// The joint operation's sharing group: the partners who send AMBER exports open them to the
/// IP-crime coordination centre, which works the cases across them. The emporium marketplace,
/// which keeps its records to itself (AMBER+STRICT), and the watch list (RED) are not in it.
pub const OPERATION_GROUP: &str = "ipr-operation";

/// Every sharing group the exports name, with its members (organisations).
pub const GROUPS: &[(&str, &[&str])] = &[(OPERATION_GROUP, &["ipcc"])];

/// Every export in ingest order: brands and lists first, then sellers, listings, shipments and
/// finally the outcomes that refer to them.
pub const EXPORTS: &[Export] = &[
    Export {
        org: "brand-altus",
        feed: "brands",
        path: ALTUS_BRANDS,
        mapping: "mappings/brand-altus-brands.toml",
        marking: "GREEN",
        sharing_group: None,
    },
    Export {
        org: "brand-corvid",
        feed: "brands",
        path: CORVID_BRANDS,
        mapping: "mappings/brand-corvid-brands.toml",
        marking: "CLEAR",
        sharing_group: None,
    },
    Export {
        org: "ipcc",
        feed: "parties",
        path: WATCHLIST,
        mapping: "mappings/ipcc-parties.toml",
        marking: "RED",
        sharing_group: None,
    },
    Export {
        org: "mkt-bazaar",
        feed: "sellers",
        path: BAZAAR_SELLERS,
        mapping: "mappings/mkt-bazaar-sellers.toml",
        marking: "AMBER",
        sharing_group: Some(OPERATION_GROUP),
    },
    Export {
        org: "mkt-emporium",
        feed: "sellers",
        path: EMPORIUM_SELLERS,
        mapping: "mappings/mkt-emporium-sellers.toml",
        marking: "AMBER+STRICT",
        sharing_group: None,
    },
    Export {
        org: "mkt-bazaar",
        feed: "listings",
        path: BAZAAR_LISTINGS,
        mapping: "mappings/mkt-bazaar-listings.toml",
        marking: "GREEN",
        sharing_group: None,
    },
    Export {
        org: "mkt-emporium",
        feed: "listings",
        path: EMPORIUM_LISTINGS,
        mapping: "mappings/mkt-emporium-listings.toml",
        marking: "GREEN",
        sharing_group: None,
    },
    Export {
        org: "carrier-swift",
        feed: "shipments",
        path: CARRIER_PATH,
        mapping: "mappings/carrier-swift-shipments.toml",
        marking: "AMBER",
        sharing_group: Some(OPERATION_GROUP),
    },
    Export {
        org: "customs-uk",
        feed: "shipments",
        path: CUSTOMS_PATH,
        mapping: "mappings/customs-uk-shipments.toml",
        marking: "AMBER",
        sharing_group: Some(OPERATION_GROUP),
    },
    Export {
        org: "customs-uk",
        feed: "outcomes",
        path: INSPECTIONS_PATH,
        mapping: "mappings/customs-uk-outcomes.toml",
        marking: "AMBER",
        sharing_group: Some(OPERATION_GROUP),
    },
    Export {
        org: "mkt-bazaar",
        feed: "outcomes",
        path: BAZAAR_ACTIONS,
        mapping: "mappings/mkt-bazaar-outcomes.toml",
        marking: "AMBER",
        sharing_group: Some(OPERATION_GROUP),
    },
    Export {
        org: "mkt-emporium",
        feed: "outcomes",
        path: EMPORIUM_ACTIONS,
        mapping: "mappings/mkt-emporium-outcomes.toml",
        marking: "AMBER+STRICT",
        sharing_group: None,
    },
    Export {
        org: "brand-altus",
        feed: "outcomes",
        path: ALTUS_TEST_BUYS,
        mapping: "mappings/brand-altus-outcomes.toml",
        marking: "AMBER",
        sharing_group: Some(OPERATION_GROUP),
    },
    Export {
        org: "brand-corvid",
        feed: "outcomes",
        path: CORVID_TEST_BUYS,
        mapping: "mappings/brand-corvid-outcomes.toml",
        marking: "AMBER",
        sharing_group: Some(OPERATION_GROUP),
    },
];

fn head(feed: &str, format: &str, marking: &str, comment: &str) -> String {
    format!("# {comment}\nfeed = \"{feed}\"\nformat = \"{format}\"\nmarking = \"{marking}\"\n")
}

fn carrier() -> String {
    let mut s = head(
        "shipments",
        "csv",
        "AMBER",
        "carrier-swift: one row per item line; a shipment's header columns repeat on its rows.",
    );
    s.push_str(
        r#"
[csv]
delimiter = ","
has_header = true

[defaults]
date_format = "%d/%m/%Y %H:%M"
country = "GB"

[fields]
source_id = "AWB"
carrier = { value = "carrier-swift" }
mode = "SVC"
shipped = "PICKUP_DT"
arrival = "ETA_DT"
origin_country = "ORIG_CTRY"
export_country = "EXP_CTRY"
port_of_arrival = "DEST_PORT"
marketplace = { column = "MKTPLACE", map = { Bazaar = "mkt-bazaar", Emporium = "mkt-emporium" } }
listing_id = "ORDER_REF"
"#,
    );
    for (p, role) in CARRIER_PREFIXES.iter().zip(ROLES) {
        let _ = write!(
            s,
            r#""{role}.name" = "{p}_NAME"
"{role}.account_id" = "{p}_ACCT"
"{role}.address.text" = {{ columns = ["{p}_ADDR1", "{p}_ADDR2"], join = ", " }}
"{role}.address.city" = "{p}_CITY"
"{role}.address.postcode" = "{p}_ZIP"
"{role}.address.region" = "{p}_STATE"
"{role}.address.country" = "{p}_CTRY"
"{role}.phones" = {{ column = "{p}_TEL", on_invalid = "drop" }}
"{role}.emails" = {{ column = "{p}_EMAIL", on_invalid = "drop" }}
"#
        );
    }
    s.push_str(
        r#""importer.tax_ids" = "IMP_EORI"
"items.description" = "DESC"
"items.hs_code" = "HS"
"items.quantity" = "QTY"
"items.value.amount" = "DECL_VAL"
"items.value.currency" = "CUR"
"items.weight_kg" = "WT_KG"
"items.origin_country" = "COO"
"#,
    );
    s
}

fn customs() -> String {
    let mut s = head(
        "shipments",
        "csv",
        "AMBER",
        "customs-uk entry data: consignor, consignee and declarant only; values in GBP.",
    );
    s.push_str(
        r#"
[csv]
delimiter = "|"

[defaults]
date_format = "%d.%m.%Y %H:%M"
country = "GB"
currency = "GBP"

[fields]
source_id = "DECL_REF"
arrival = "ARRIVAL_DATE"
export_country = "EXPORT_CTRY"
port_of_arrival = "ENTRY_PORT"
"shipper.name" = "CONSIGNOR_NAME"
"shipper.address.text" = "CONSIGNOR_ADDRESS"
"shipper.address.country" = "CONSIGNOR_CTRY"
"consignee.name" = "CONSIGNEE_NAME"
"consignee.address.text" = "CONSIGNEE_ADDRESS"
"consignee.address.postcode" = "CONSIGNEE_POSTCODE"
"consignee.address.country" = "CONSIGNEE_CTRY"
"importer.name" = "DECLARANT_NAME"
"importer.tax_ids" = "DECLARANT_EORI"
"importer.address.text" = "DECLARANT_ADDRESS"
"items.description" = "GOODS_DESC"
"items.hs_code" = "COMMODITY_CODE"
"items.quantity" = "QTY"
"items.value" = "STAT_VALUE_GBP"
"items.weight_kg" = "NET_MASS_KG"
"items.origin_country" = "ORIGIN"
"#,
    );
    s
}

fn customs_outcomes() -> String {
    let mut s = head("outcomes", "csv", "AMBER", "customs-uk inspection results.");
    s.push_str(
        r#"
[csv]
delimiter = ";"

[defaults]
date_format = "%d.%m.%Y"
currency = "GBP"

[fields]
source_id = "CONTROL_REF"
shipment_id = "DECLARATION"
date = "CONTROL_DATE"
result = { column = "RESULT_CODE", map = { "IPR-SEIZ" = "seized_counterfeit", "OTH-SEIZ" = "seized_other", "NO-ACTION" = "released" } }
quantity = "ITEMS_QTY"
retail_value = "RETAIL_VALUE_GBP"
note = "REMARKS"
"#,
    );
    s
}

fn category_map(f: impl Fn(&crate::data::Category) -> &'static str) -> String {
    let parts: Vec<String> = CATEGORIES
        .iter()
        .map(|c| format!("\"{}\" = \"{}\"", f(c), c.name))
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

fn bazaar_sellers() -> String {
    let mut s = head(
        "sellers",
        "ndjson",
        "AMBER",
        "mkt-bazaar seller accounts (a snapshot at the end of the period).",
    );
    s.push_str(
        r#"
[defaults]
country = "CN"

[fields]
source_id = "seller_id"
account_id = "seller_id"
marketplace = { value = "mkt-bazaar" }
created = "shop.opened_at"
status = { column = "shop.status", map = { ACTIVE = "active", SUSPENDED = "suspended", CLOSED = "closed" } }
kind = { column = "owner.type", map = { INDIVIDUAL = "person", BUSINESS = "company" } }
name = "owner.full_name"
display_name = "shop.name"
emails = { column = "owner.emails", on_invalid = "drop" }
phones = { column = "owner.phones", on_invalid = "drop" }
tax_ids = "owner.tax_id"
"address.text" = { columns = ["address.street", "address.street2"], join = ", " }
"address.city" = "address.city"
"address.postcode" = "address.postcode"
"address.region" = "address.province"
"address.country" = "address.country"
bank_accounts = "payout.bank_account"
country = "address.country"
"#,
    );
    s
}

fn emporium_sellers() -> String {
    let mut s = head(
        "sellers",
        "ndjson",
        "AMBER+STRICT",
        "mkt-emporium seller accounts (a snapshot at the end of the period).",
    );
    s.push_str(
        r#"
[defaults]
date_format = "%d %b %Y"
country = "GB"

[fields]
source_id = "accountRef"
account_id = "accountRef"
marketplace = { value = "mkt-emporium" }
created = "memberSince"
status = { column = "state", map = { LIVE = "active", BLOCKED = "suspended", DEACTIVATED = "closed" } }
kind = { column = "legalEntity.entityType", map = { Person = "person", Company = "company" } }
name = "legalEntity.legalName"
display_name = "displayName"
tax_ids = "legalEntity.registrationNo"
country = "legalEntity.countryOfRegistration"
emails = { column = "emailAddresses", on_invalid = "drop" }
phones = { column = "phoneNumbers", on_invalid = "drop" }
"address.text" = "registeredAddress"
"address.country" = "legalEntity.countryOfRegistration"
addresses = "warehouseAddresses"
bank_accounts = "payoutAccount.iban"
"#,
    );
    s
}

fn bazaar_listings() -> String {
    let mut s = head("listings", "ndjson", "GREEN", "mkt-bazaar listings.");
    let _ = write!(
        s,
        r#"
[fields]
source_id = "item_id"
marketplace = {{ value = "mkt-bazaar" }}
seller_account_id = "seller_id"
title = "title"
brand = "brand_name"
category = {{ column = "category_path", map = {} }}
"price.amount" = "price.value"
"price.currency" = "price.currency"
product_ids = "gtin"
image_hashes = "media.phash"
ships_from = "ships_from"
created = "created_at"
"#,
        category_map(|c| c.bazaar_path)
    );
    s
}

fn emporium_listings() -> String {
    let mut s = head(
        "listings",
        "ndjson",
        "GREEN",
        "mkt-emporium listings; prices in EUR.",
    );
    let _ = write!(
        s,
        r#"
[defaults]
date_format = "%Y/%m/%d %H:%M"

[fields]
source_id = "listingRef"
marketplace = {{ value = "mkt-emporium" }}
seller_account_id = "account.ref"
title = "headline"
brand = "attributes.brand"
category = {{ column = "attributes.categoryCode", map = {} }}
"price.amount" = "offer.amount"
"price.currency" = "offer.currency"
product_ids = "attributes.ean"
image_hashes = "imageHashes"
ships_from = "dispatchCountry"
created = "listedAt"
"#,
        category_map(|c| c.emporium_code)
    );
    s
}

fn bazaar_outcomes() -> String {
    let mut s = head(
        "outcomes",
        "csv",
        "AMBER",
        "mkt-bazaar account suspensions and listing removals.",
    );
    s.push_str(
        r#"
[defaults]
date_format = "%Y-%m-%d %H:%M:%S"

[fields]
source_id = "action_id"
result = { column = "action", map = { SUSPEND_ACCOUNT = "account_suspended", REMOVE_LISTING = "listing_removed" } }
date = "acted_on"
marketplace = { value = "mkt-bazaar" }
seller_account_id = "seller"
listing_id = "listing"
note = "reason"
"#,
    );
    s
}

fn emporium_outcomes() -> String {
    let mut s = head(
        "outcomes",
        "ndjson",
        "AMBER+STRICT",
        "mkt-emporium enforcement measures.",
    );
    s.push_str(
        r#"
[fields]
source_id = "caseNo"
result = { column = "measure", map = { ACCOUNT_TERMINATION = "account_suspended", TAKEDOWN = "listing_removed" } }
date = "effectiveDate"
marketplace = { value = "mkt-emporium" }
seller_account_id = "account.ref"
listing_id = "listing.ref"
note = "note"
"#,
    );
    s
}

fn altus_brands() -> String {
    let mut s = head(
        "brands",
        "ndjson",
        "GREEN",
        "brand-altus: marks, floors, origins, lanes and authorised resellers.",
    );
    s.push_str(
        r#"
[defaults]
currency = "GBP"

[fields]
source_id = "brand_ref"
name = "brand"
marks = "trademarks"
lookalike_exceptions = "not_our_marks"
categories = "product_lines"
genuine_origins = "factories"
genuine_lanes = "lanes"
"price_floors.category" = "floors[].line"
"price_floors.price.amount" = "floors[].min_price.amount"
"price_floors.price.currency" = "floors[].min_price.currency"
"authorised.kind" = "authorised_resellers[].type"
"authorised.name" = "authorised_resellers[].company"
"authorised.emails" = { column = "authorised_resellers[].email", on_invalid = "drop" }
"authorised.phones" = { column = "authorised_resellers[].phone", on_invalid = "drop" }
"authorised.address.text" = "authorised_resellers[].address.street"
"authorised.address.city" = "authorised_resellers[].address.city"
"authorised.address.postcode" = "authorised_resellers[].address.postcode"
"authorised.address.country" = "authorised_resellers[].address.country"
"authorised.country" = "authorised_resellers[].address.country"
"authorised.tax_ids" = "authorised_resellers[].vat"
"#,
    );
    s
}

fn corvid_brands() -> String {
    let mut s = head(
        "brands",
        "ndjson",
        "CLEAR",
        "brand-corvid: marks, floors, origins, lanes and partners.",
    );
    s.push_str(
        r#"
[fields]
source_id = "id"
name = "label"
marks = "wordMarks"
lookalike_exceptions = "knownLookalikes"
categories = "segments"
genuine_origins = "originCountries"
genuine_lanes = "routes"
"price_floors.category" = "minimumPrices[].segment"
"price_floors.price" = "minimumPrices[].price"
"authorised.kind" = { value = "company" }
"authorised.name" = "partners[].legalName"
"authorised.phones" = { column = "partners[].tel", on_invalid = "drop" }
"authorised.emails" = { column = "partners[].mail", on_invalid = "drop" }
"authorised.address.text" = "partners[].addressLine"
"authorised.address.country" = "partners[].countryCode"
"authorised.country" = "partners[].countryCode"
"authorised.tax_ids" = "partners[].vatNo"
"#,
    );
    s
}

fn altus_outcomes() -> String {
    let mut s = head("outcomes", "csv", "AMBER", "brand-altus test buys.");
    s.push_str(
        r#"
[defaults]
currency = "GBP"

[fields]
source_id = "tb_ref"
result = { column = "verdict", map = { FAKE = "test_buy_fake", GENUINE = "test_buy_genuine" } }
date = "purchased"
marketplace = { column = "marketplace", map = { Bazaar = "mkt-bazaar", Emporium = "mkt-emporium" } }
listing_id = "listing"
seller_account_id = "seller"
brand = "brand"
retail_value = "retail_gbp"
note = "notes"
"#,
    );
    s
}

fn corvid_outcomes() -> String {
    let mut s = head("outcomes", "csv", "AMBER", "brand-corvid test purchases.");
    s.push_str(
        r#"
[defaults]
date_format = "%m/%d/%Y"

[fields]
source_id = "Reference"
result = { column = "Result", map = { counterfeit = "test_buy_fake", authentic = "test_buy_genuine" } }
date = "Purchase Date"
marketplace = { column = "Platform", map = { Bazaar = "mkt-bazaar", Emporium = "mkt-emporium" } }
listing_id = "Listing ID"
seller_account_id = "Seller ID"
brand = "Brand"
retail_value = "Retail Value"
note = "Comment"
"#,
    );
    s
}

fn watchlist() -> String {
    let mut s = head(
        "parties",
        "csv",
        "RED",
        "ipcc watch list: known counterfeiters and drop addresses, partial identifiers.",
    );
    s.push_str(
        r#"
[defaults]
date_format = "%d %B %Y"
country = "GB"

[fields]
source_id = "REF"
list = "LIST"
reason = "REASON"
added = "DATE_ADDED"
kind = { column = "SUBJECT_TYPE", map = { PERSON = "person", ORGANISATION = "company" } }
name = "NAME"
display_name = "ALIAS"
phones = { column = "PHONE", split = ";", on_invalid = "drop" }
emails = { column = "EMAIL", on_invalid = "drop" }
"address.text" = "ADDRESS"
"address.country" = "COUNTRY"
country = "COUNTRY"
bank_accounts = "BANK_ACCOUNT"
"#,
    );
    s
}

/// The text of every mapping file, by its path relative to the output directory.
pub fn mapping_files() -> Vec<(&'static str, String)> {
    EXPORTS
        .iter()
        .map(|e| {
            let text = match e.mapping {
                "mappings/brand-altus-brands.toml" => altus_brands(),
                "mappings/brand-corvid-brands.toml" => corvid_brands(),
                "mappings/ipcc-parties.toml" => watchlist(),
                "mappings/mkt-bazaar-sellers.toml" => bazaar_sellers(),
                "mappings/mkt-emporium-sellers.toml" => emporium_sellers(),
                "mappings/mkt-bazaar-listings.toml" => bazaar_listings(),
                "mappings/mkt-emporium-listings.toml" => emporium_listings(),
                "mappings/carrier-swift-shipments.toml" => carrier(),
                "mappings/customs-uk-shipments.toml" => customs(),
                "mappings/customs-uk-outcomes.toml" => customs_outcomes(),
                "mappings/mkt-bazaar-outcomes.toml" => bazaar_outcomes(),
                "mappings/mkt-emporium-outcomes.toml" => emporium_outcomes(),
                "mappings/brand-altus-outcomes.toml" => altus_outcomes(),
                "mappings/brand-corvid-outcomes.toml" => corvid_outcomes(),
                other => unreachable!("no mapping text for {other}"),
            };
            (e.mapping, text)
        })
        .collect()
}

pub fn manifest() -> String {
    let mut s = String::from(
        "# Every partner export of this simulated world, in ingest order.\n# Paths are relative to this file.\n",
    );
    for e in EXPORTS {
        let _ = write!(
            s,
            "\n[[feed]]\norg = \"{}\"\nfeed = \"{}\"\npath = \"{}\"\nmapping = \"{}\"\nmarking = \"{}\"\n",
            e.org, e.feed, e.path, e.mapping, e.marking
        );
        if let Some(g) = e.sharing_group {
            let _ = writeln!(s, "sharing_group = \"{g}\"");
        }
    }
    s
}

pub fn write(root: &Path) -> Result<(), SimError> {
    let dir = root.join("mappings");
    std::fs::create_dir_all(&dir).map_err(|e| SimError::io(&dir, e))?;
    for (rel, text) in mapping_files() {
        let p = root.join(rel);
        std::fs::write(&p, text).map_err(|e| SimError::io(&p, e))?;
    }
    let p = root.join("manifest.toml");
    std::fs::write(&p, manifest()).map_err(|e| SimError::io(&p, e))?;
    Ok(())
}

//! Canonical records of every partner feed.
//!
//! Architecture invariant: this crate is plain data. It knows nothing about files, databases,
//! HTTP or time zones; every other crate speaks in these types.

mod feed;
mod marking;
mod party;
mod records;

pub use feed::{Feed, ParseFeedError};
pub use marking::{Marking, ParseMarkingError};
pub use party::{Address, DocumentKind, Gender, IdDocument, Party, PartyKind, PartyRole};
pub use records::{
    Brand, Item, Listing, Money, Outcome, OutcomeResult, PartyListEntry, PartySpans, PriceFloor,
    Record, RecordKey, Seller, SellerStatus, Shipment,
};
pub use rust_decimal::Decimal;

mod quarantine;
pub use quarantine::QuarantinedRow;

//! Pure normalisation functions for values read from partner feeds.
//!
//! Every function here is pure: no I/O, no global mutable state (lookup tables are immutable,
//! some built once on first use). Functions called per row have an ASCII fast path that skips
//! Unicode normalisation and transliteration when they would be no-ops.
//!
//! | module | what |
//! | --- | --- |
//! | [`text`] | whitespace clean-up and the folded comparison form |
//! | [`name`] | legal forms of company names, name tokens and keys |
//! | [`address`] | address comparison keys and postcodes |
//! | [`phone`] | E.164 phone numbers, with a memoising cache |
//! | [`email`] | email addresses and their provider identity |
//! | [`country`] | ISO 3166-1 alpha-2 from codes, names and variants |
//! | [`money`] | currencies, amounts and USD conversion |
//! | [`hs`] | HS tariff codes |
//! | [`date`] | ISO 8601 dates and date-times |
//! | [`day`] | ISO dates as day numbers, for date arithmetic |
//! | [`ids`] | identifiers: bank accounts, tax ids, product ids |
//! | [`person`] | dates of birth, gender, identity document kinds, how a name sounds |

#![warn(missing_docs)]

pub mod address;
pub mod country;
pub mod date;
pub mod day;
pub mod email;
pub mod error;
mod fxhash;
pub mod hs;
pub mod ids;
pub mod money;
pub mod name;
pub mod person;
pub mod phone;
pub mod text;

pub use error::NormalizeError;

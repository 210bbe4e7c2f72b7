//! The one error type of the crate.

/// Why a value could not be normalised. Every message is short, lowercase and quotes the
/// offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    /// Not a plausible phone number.
    #[error("not a phone number: {0:?}")]
    Phone(String),
    /// Not a syntactically valid email address.
    #[error("not an email address: {0:?}")]
    Email(String),
    /// Not a number this crate can read as an amount.
    #[error("not an amount: {0:?}")]
    Amount(String),
    /// A currency symbol, code or word this crate does not know.
    #[error("unknown currency: {0:?}")]
    Currency(String),
    /// An amount that names no currency, with no default currency to fall back on.
    #[error("no currency: {0:?}")]
    MissingCurrency(String),
    /// Not an HS (tariff) code of 6, 8 or 10 digits.
    #[error("not an hs code: {0:?}")]
    HsCode(String),
    /// Not a date or date-time this crate can read.
    #[error("not a date: {0:?}")]
    Date(String),
    /// A day/month order that cannot be told without a format.
    #[error("ambiguous date, give a format: {0:?}")]
    AmbiguousDate(String),
    /// A value that fits neither the format the mapping gave nor any unambiguous form.
    #[error("not a date in the format {1}: {0:?}")]
    DateFormat(String, String),
    /// Not a date of birth (a year, a year and month, or a date, between 1850 and 2100).
    #[error("not a date of birth: {0:?}")]
    BirthDate(String),
    /// Not a gender this crate knows.
    #[error("not a gender (female, male, other or unknown): {0:?}")]
    Gender(String),
    /// Not a kind of identity document this crate knows.
    #[error(
        "not an identity document kind (passport, national_id, driving_licence, residence_permit, company_registration, other): {0:?}"
    )]
    DocumentKind(String),
    /// A rate table that does not parse or holds an invalid entry.
    #[error("invalid rate table: {0}")]
    RateTable(String),
}

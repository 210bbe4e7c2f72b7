use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The canonical feeds a partner can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feed {
    Sellers,
    Listings,
    Shipments,
    Outcomes,
    Brands,
    Parties,
}

impl Feed {
    pub const ALL: [Feed; 6] = [
        Feed::Sellers,
        Feed::Listings,
        Feed::Shipments,
        Feed::Outcomes,
        Feed::Brands,
        Feed::Parties,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Feed::Sellers => "sellers",
            Feed::Listings => "listings",
            Feed::Shipments => "shipments",
            Feed::Outcomes => "outcomes",
            Feed::Brands => "brands",
            Feed::Parties => "parties",
        }
    }
}

impl fmt::Display for Feed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown feed {0:?}: expected one of sellers, listings, shipments, outcomes, brands, parties"
)]
pub struct ParseFeedError(pub String);

impl FromStr for Feed {
    type Err = ParseFeedError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Feed::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseFeedError(s.to_string()))
    }
}

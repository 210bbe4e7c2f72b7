use serde::{Deserialize, Serialize};

use crate::Feed;

/// A source row that could not become a record, and exactly why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinedRow {
    pub org: String,
    pub feed: Feed,
    /// The source file as it was named to the ingester.
    pub file: String,
    /// 1-based physical line where the row starts (a CSV header is line 1); for Parquet, the
    /// 1-based row number.
    pub line: u64,
    /// The canonical field (or source column) at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub reason: String,
    /// The raw row, lossily decoded and cut to a readable length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

//! CSV exports of what a JSON answer lists (a queue, a search, the audit log): one header and
//! one row per item, served as a file to save.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// A CSV file named `name` with `columns` and `rows`.
pub(crate) fn csv_response(
    name: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Response, ApiError> {
    let fail = |e: csv::Error| ApiError::Internal(format!("writing {name}: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns).map_err(fail)?;
    for row in rows {
        w.write_record(&row).map_err(fail)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| ApiError::Internal(format!("writing {name}: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Whether `format` asks for CSV (`json`, the default, does not).
pub(crate) fn wants_csv(format: Option<&str>) -> Result<bool, ApiError> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(ApiError::field("format", "format is json or csv")),
    }
}

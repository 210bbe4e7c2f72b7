//! The API's errors: one enum, each with its HTTP status and a stable machine code.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine name: `unauthenticated`, `forbidden`, `not_found`, `bad_request`,
    /// `invalid_field`, `too_large`, `conflict`, `rate_limited`, `unavailable`, `internal`.
    pub code: &'static str,
    pub message: String,
    /// The request field, parameter or header at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    Unauthenticated(String),
    Forbidden(String),
    /// The same answer for a record that is missing and one the viewer may not see.
    NotFound,
    BadRequest(String),
    InvalidField {
        field: String,
        message: String,
    },
    TooLarge(String),
    /// The write was made against a version another writer has replaced.
    Conflict(String),
    RateLimited,
    /// Refused sign-ins hold further attempts back for this many seconds.
    SignInsHeldBack(u64),
    Unavailable(String),
    Internal(String),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::InvalidField {
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) | ApiError::InvalidField { .. } => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::RateLimited | ApiError::SignInsHeldBack(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::InvalidField { .. } => "invalid_field",
            ApiError::TooLarge(_) => "too_large",
            ApiError::Conflict(_) => "conflict",
            ApiError::RateLimited | ApiError::SignInsHeldBack(_) => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (message, field) = match self {
            ApiError::Unauthenticated(m)
            | ApiError::Forbidden(m)
            | ApiError::BadRequest(m)
            | ApiError::TooLarge(m)
            | ApiError::Conflict(m)
            | ApiError::Unavailable(m) => (m.clone(), None),
            ApiError::Internal(m) => (format!("internal error: {m}"), None),
            ApiError::NotFound => ("no such resource".to_string(), None),
            ApiError::RateLimited => (
                "too many requests for this key; slow down".to_string(),
                None,
            ),
            ApiError::SignInsHeldBack(secs) => (
                format!("too many refused sign-ins; try again in {secs} s"),
                None,
            ),
            ApiError::InvalidField { field, message } => (message.clone(), Some(field.clone())),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                field,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(m) = &self {
            tracing::error!(error = %m, "request failed");
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        if let ApiError::SignInsHeldBack(secs) = self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        response
    }
}

impl From<interdict_store::StoreError> for ApiError {
    fn from(e: interdict_store::StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

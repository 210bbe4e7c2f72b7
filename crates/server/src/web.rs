//! The web application's files: the single page at `/` and its scripts, styles and cytoscape.js
//! under `/app/`, embedded in the binary (`interdict-web`). Every datum the pages show comes
//! from the JSON API, under the same access rules as any other client.

use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use interdict_web::Asset;

use crate::AppState;
use crate::error::ApiError;

/// What a page may load and where it may connect: only this server.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; object-src 'none'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", axum::routing::get(index))
        .route("/app/{*path}", axum::routing::get(file))
}

async fn index(headers: HeaderMap) -> Response {
    send(interdict_web::index(), &headers)
}

async fn file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match interdict_web::asset(&path) {
        Some(a) => send(a, &headers),
        None => ApiError::NotFound.into_response(),
    }
}

/// The file, or 304 when the browser's copy is current; browsers revalidate every time, so a
/// new binary's pages are never mixed with an old one's scripts.
fn send(a: Asset, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", a.etag);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        a.bytes.into_response()
    };
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

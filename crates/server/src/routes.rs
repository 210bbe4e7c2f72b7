//! The API's handlers. Each read builds its answer only from what the access policy lets the
//! caller see, record by record.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use interdict_access::{Existence, Role, Sight, Viewer};
use interdict_audit::Event;
use interdict_model::{Feed, Marking, RecordKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::view::View;
use crate::{AppState, IngestSummary, RejectedRow, now};

type St = State<Arc<AppState>>;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "interdict",
        description = "Counterfeit-intelligence fusion and interdiction: records, scores, actors and the inspection queue, shared under TLP 2.0 markings."
    ),
    components(schemas(ErrorBody, FeedName)),
    modifiers(&BearerAuth)
)]
pub(crate) struct ApiDoc;

impl ApiDoc {
    pub fn openapi_base() -> utoipa::openapi::OpenApi {
        <ApiDoc as OpenApi>::openapi()
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = api.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        api.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "api_key",
            Vec::<String>::new(),
        )]);
    }
}

pub(crate) fn api_routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(get_record))
        .routes(routes!(get_shipment))
        .routes(routes!(get_listing))
        .routes(routes!(queue))
        .routes(routes!(get_actor))
        .routes(routes!(network))
        .routes(routes!(post_outcomes))
        .routes(routes!(withdraw_outcome))
        .routes(routes!(score_on_request))
        .routes(routes!(audit_log))
}

pub(crate) fn upload_routes() -> axum::Router<Arc<AppState>> {
    let (r, _) = OpenApiRouter::new()
        .routes(routes!(upload))
        .split_for_parts();
    r
}

/// The upload route's part of the document (it sits under its own body limit).
pub(crate) fn upload_spec() -> utoipa::openapi::OpenApi {
    let (_, spec) = OpenApiRouter::<Arc<AppState>>::new()
        .routes(routes!(upload))
        .split_for_parts();
    spec
}

/// The caller, authenticated and within its rate limit.
pub(crate) struct Caller(pub Viewer);

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok());
        let dir = state.directory.load();
        let session = parts
            .headers
            .get(header::COOKIE)
            .and_then(|h| h.to_str().ok())
            .and_then(crate::sessions::token_in);
        let viewer = match (auth, session) {
            (None, Some(token)) => {
                refuse_cross_site_forms(parts)?;
                // The store's clients block (PostgreSQL's runs a runtime of its own), so the
                // lookup leaves the async worker; it reads the store only every few seconds.
                let user = tokio::task::block_in_place(|| state.sessions.user(token))
                    .map_err(ApiError::Internal)?
                    .ok_or_else(|| {
                        ApiError::Unauthenticated("the session has ended; sign in again".into())
                    })?;
                dir.viewer_of(&user)?
            }
            _ => dir.authenticate(auth, &now())?,
        };
        if !state.limits.allow(&viewer.user) {
            return Err(ApiError::RateLimited);
        }
        Ok(Caller(viewer))
    }
}

/// A browser sends a cookie with a form another site submits, and such a form can only carry
/// the content types HTML forms have. So a write authenticated by the session cookie must come
/// with another type (the web application sends JSON); a form post is refused before it is
/// read.
fn refuse_cross_site_forms(parts: &Parts) -> Result<(), ApiError> {
    use axum::http::Method;
    if matches!(
        parts.method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::DELETE
    ) {
        return Ok(());
    }
    let essence = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if matches!(
        essence.as_str(),
        "" | "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
    ) {
        return Err(ApiError::Forbidden(
            "a write signed in by the session cookie must be sent as JSON or a file type, not as a form".into(),
        ));
    }
    Ok(())
}

/// Refuses the caller unless its role `allowed` it; `what` finishes "the ROLE role ...".
pub(crate) fn role_may(v: &Viewer, allowed: bool, what: &str) -> Result<(), ApiError> {
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!("the {} role {what}", v.role)))
    }
}

pub(crate) fn need_reader(v: &Viewer) -> Result<(), ApiError> {
    role_may(v, v.role.reads_records(), "does not read records")
}

pub(crate) fn need_audit_reader(v: &Viewer) -> Result<(), ApiError> {
    role_may(v, v.role.reads_audit(), "does not read the audit log")
}

/// Notes the records of other organisations a response shows, for the audit trail.
pub(crate) struct Disclosures<'a> {
    viewer: &'a Viewer,
    view: &'a View,
    keys: BTreeSet<String>,
}

impl<'a> Disclosures<'a> {
    pub(crate) fn new(viewer: &'a Viewer, view: &'a View) -> Self {
        Disclosures {
            viewer,
            view,
            keys: BTreeSet::new(),
        }
    }

    pub(crate) fn shown(&mut self, record: u32) {
        let l = self.view.label_of(record);
        if l.owner != self.viewer.org && l.marking != Marking::Clear {
            self.keys
                .insert(self.view.records[record as usize].key.to_string());
        }
    }

    /// The audit entry of a response: a `read` (a list, a page of figures) is audited only when
    /// it disclosed another organisation's non-CLEAR records; a `view` of one record, actor or
    /// network, and anything else, always is, since looking someone up is itself worth knowing.
    pub(crate) fn event(self, action: &str, target: String, detail: String) -> Option<Event> {
        if self.keys.is_empty() && action == "read" {
            return None;
        }
        Some(Event {
            at: now(),
            org: self.viewer.org.clone(),
            user: self.viewer.user.clone(),
            action: action.to_string(),
            target,
            disclosed: self.keys.into_iter().collect(),
            detail,
        })
    }
}

/// The audit entry of something a caller did that discloses nothing.
pub(crate) fn write_event(v: &Viewer, action: &str, target: String, detail: String) -> Event {
    Event {
        at: now(),
        org: v.org.clone(),
        user: v.user.clone(),
        action: action.to_string(),
        target,
        disclosed: Vec::new(),
        detail,
    }
}

pub(crate) fn emit(state: &AppState, event: Option<Event>) {
    if let Some(e) = event {
        state.audit.record(e);
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    status: &'static str,
}

pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

pub(crate) async fn metrics(State(state): St) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics_text(&state),
    )
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Me {
    org: String,
    user: String,
    role: String,
    /// customs, marketplace, carrier, brand or coordinator.
    org_kind: String,
}

impl Me {
    fn of(state: &AppState, v: Viewer) -> Me {
        let org_kind = state
            .directory
            .load()
            .orgs
            .get(&v.org)
            .map(|o| o.kind.clone())
            .unwrap_or_default();
        Me {
            org: v.org,
            user: v.user,
            role: v.role.to_string(),
            org_kind,
        }
    }
}

/// Who the key belongs to.
#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, body = Me),
    (status = 401, body = ErrorBody)
))]
async fn me(State(state): St, Caller(v): Caller) -> Json<Me> {
    Json(Me::of(&state, v))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct SignIn {
    user: String,
    password: String,
}

/// Signs a user in with a password and sets the session cookie for the web application.
#[utoipa::path(post, path = "/api/v1/session", request_body = SignIn, security(()),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn sign_in(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Json(body): Json<SignIn>,
) -> Result<impl IntoResponse, ApiError> {
    if body.user.len() > 64 || body.password.len() > 1024 {
        return Err(ApiError::Unauthenticated("wrong user or password".into()));
    }
    // Refused attempts hold the next ones back, per user and per address; a held-back
    // attempt is not tried at all, so guessing goes no faster than the waits allow.
    let keys = crate::throttle::keys(&body.user, &peer.ip().to_string());
    let wait = state.sign_ins.wait(&keys);
    if !wait.is_zero() {
        return Err(ApiError::SignInsHeldBack(wait.as_secs_f64().ceil() as u64));
    }
    let dir = state.directory.load_full();
    let stored = dir
        .users
        .get(&body.user)
        .and_then(|u| u.password_hash.clone());
    let password = body.password;
    let ok = tokio::task::spawn_blocking(move || {
        interdict_app::credentials::verify_password(&password, stored.as_deref())
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let viewer = if ok {
        dir.viewer_of(&body.user).ok()
    } else {
        None
    };
    let Some(v) = viewer else {
        state.sign_ins.refused(&keys);
        // One entry per refused attempt that was tried: the waits bound how many there are.
        state.audit.record(Event {
            at: now(),
            org: String::new(),
            user: body.user.clone(),
            action: "sign_in.refused".into(),
            target: "session".into(),
            disclosed: Vec::new(),
            detail: format!("from {}", peer.ip()),
        });
        return Err(ApiError::Unauthenticated("wrong user or password".into()));
    };
    state.sign_ins.signed_in(&keys[0]);
    let s2 = state.clone();
    let user = v.user.clone();
    let token = tokio::task::spawn_blocking(move || s2.sessions.start(&user))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    state
        .audit
        .record(write_event(&v, "sign_in", "session".into(), String::new()));
    Ok((
        [(header::SET_COOKIE, crate::sessions::set_cookie(&token))],
        Json(Me::of(&state, v)),
    ))
}

/// Ends the browser session.
#[utoipa::path(delete, path = "/api/v1/session", security(()),
    responses((status = 204, description = "signed out")))]
async fn sign_out(State(state): St, headers: axum::http::HeaderMap) -> impl IntoResponse {
    if let Some(t) = headers
        .get(header::COOKIE)
        .and_then(|h| h.to_str().ok())
        .and_then(crate::sessions::token_in)
    {
        let (s2, t) = (state.clone(), t.to_string());
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || s2.sessions.end(&t)).await {
            tracing::error!(error = %e, "a session was not ended in the store");
        }
    }
    (
        axum::http::StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, crate::sessions::clear_cookie())],
    )
}

/// The canonical feeds, as they are named in paths: the schema lists `Feed::ALL`, so it cannot
/// fall behind the model.
pub(crate) struct FeedName;

impl utoipa::PartialSchema for FeedName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("The canonical feeds, as they are named in paths."))
            .enum_values(Some(Feed::ALL.iter().map(|f| f.as_str())))
            .into()
    }
}

impl ToSchema for FeedName {}

/// A record as a viewer may see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecordOut {
    key: String,
    org: String,
    feed: String,
    source_id: String,
    marking: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    sharing_group: Option<String>,
    source_file: String,
    ingested_at: String,
    #[schema(value_type = Object)]
    record: serde_json::Value,
}

fn record_out(view: &View, viewer: &Viewer, r: u32) -> RecordOut {
    let rec = &view.records[r as usize];
    let label = &view.labels[rec.label as usize];
    let own = viewer.org == label.owner;
    RecordOut {
        key: rec.key.to_string(),
        org: rec.key.org.clone(),
        feed: rec.key.feed.as_str().to_string(),
        source_id: rec.key.source_id.clone(),
        marking: label.marking.as_str().to_string(),
        // Who else a record is shared with is the owner's business.
        sharing_group: if own { label.group.clone() } else { None },
        source_file: if own {
            view.source_file(r).to_string()
        } else {
            String::new()
        },
        ingested_at: view.ingested_at(r).to_string(),
        record: view.record_json(r),
    }
}

fn parse_feed(s: &str) -> Result<Feed, ApiError> {
    s.parse()
        .map_err(|e: interdict_model::ParseFeedError| ApiError::field("feed", e.to_string()))
}

/// The record the viewer may see in full, or the same 404 as a missing one.
fn visible(
    state: &AppState,
    view: &View,
    viewer: &Viewer,
    key: &RecordKey,
) -> Result<u32, ApiError> {
    let dir = state.directory.load();
    let r = view.record(key).ok_or(ApiError::NotFound)?;
    if view.sight(viewer, r, &dir.groups) == Sight::Full {
        Ok(r)
    } else {
        Err(ApiError::NotFound)
    }
}

/// One record, when the caller may see it.
#[utoipa::path(get, path = "/api/v1/records/{org}/{feed}/{id}",
    params(
        ("org" = String, Path, description = "Owner organisation"),
        ("feed" = FeedName, Path, description = "The feed"),
        ("id" = String, Path, description = "Source id")
    ),
    responses((status = 200, body = RecordOut), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn get_record(
    State(state): St,
    Caller(v): Caller,
    Path((org, feed, id)): Path<(String, String, String)>,
) -> Result<Json<RecordOut>, ApiError> {
    need_reader(&v)?;
    let feed = parse_feed(&feed)?;
    let view = state.view();
    let r = visible(&state, &view, &v, &RecordKey::new(org, feed, id))?;
    let mut d = Disclosures::new(&v, &view);
    d.shown(r);
    let out = record_out(&view, &v, r);
    emit(
        &state,
        d.event("view", format!("record {}", out.key), String::new()),
    );
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ScoreOut {
    score: f64,
    day: Option<String>,
    port: String,
    model: String,
    rules: String,
    /// The reasons the caller may see: those resting only on records it may see.
    reasons: Vec<String>,
    /// The brands the record names.
    brands: Vec<String>,
}

/// A party of a record and the actor it was resolved to.
#[derive(Serialize, ToSchema)]
pub(crate) struct PartyLinkOut {
    role: String,
    name: String,
    actor: Option<String>,
    hub: bool,
}

/// An outcome recorded on a shipment or listing.
#[derive(Serialize, ToSchema)]
pub(crate) struct OutcomeBrief {
    key: String,
    org: String,
    date: Option<String>,
    result: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    brand: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Scored {
    #[serde(flatten)]
    record: RecordOut,
    score: Option<ScoreOut>,
    parties: Vec<PartyLinkOut>,
    /// Outcomes recorded on it that the caller may see.
    outcomes: Vec<OutcomeBrief>,
}

fn outcome_brief(view: &View, o: u32) -> OutcomeBrief {
    let rec = &view.records[o as usize];
    let body = view.record_json(o);
    let text = |f: &str| body.get(f).and_then(|x| x.as_str()).map(str::to_string);
    OutcomeBrief {
        key: rec.key.to_string(),
        org: rec.key.org.clone(),
        date: text("date"),
        result: text("result"),
        brand: text("brand"),
        note: text("note"),
    }
}

/// The outcomes of a record the viewer may see, latest first.
pub(crate) fn visible_outcomes(
    view: &View,
    v: &Viewer,
    record: u32,
    groups: &dyn interdict_access::Groups,
) -> Vec<u32> {
    let mut out: Vec<u32> = view
        .outcomes_of(record)
        .iter()
        .copied()
        .filter(|&o| view.sight(v, o, groups) == Sight::Full)
        .collect();
    out.sort_by(|&a, &b| view.record_date(b).cmp(&view.record_date(a)));
    out
}

fn score_out(state: &AppState, view: &View, v: &Viewer, r: u32) -> Option<ScoreOut> {
    let dir = state.directory.load();
    view.score_for(v, r).map(|s| ScoreOut {
        score: s.score,
        day: s.day.clone(),
        port: s.port.clone(),
        model: s.model.clone(),
        rules: s.rules.clone(),
        reasons: s
            .reasons
            .iter()
            .filter(|x| view.reason_visible(v, x, &dir.groups))
            .map(|x| x.text.clone())
            .collect(),
        brands: s.brands.clone(),
    })
}

async fn scored(state: Arc<AppState>, v: Viewer, key: RecordKey) -> Result<Json<Scored>, ApiError> {
    need_reader(&v)?;
    let view = state.view();
    let r = visible(&state, &view, &v, &key)?;
    let dir = state.directory.load();
    let mut d = Disclosures::new(&v, &view);
    d.shown(r);
    let parties = view
        .parties_of(r)
        .map(|p| {
            let pv = &view.parties[p as usize];
            PartyLinkOut {
                role: view.role(p).to_string(),
                name: pv.name.clone(),
                actor: pv.actor.map(|a| view.actors[a as usize].id.clone()),
                hub: pv.actor.is_some_and(|a| view.actors[a as usize].hub),
            }
        })
        .collect();
    let outcomes = visible_outcomes(&view, &v, r, &dir.groups)
        .into_iter()
        .map(|o| {
            d.shown(o);
            outcome_brief(&view, o)
        })
        .collect();
    let out = Scored {
        record: record_out(&view, &v, r),
        score: score_out(&state, &view, &v, r),
        parties,
        outcomes,
    };
    emit(
        &state,
        d.event(
            "view",
            format!("{} {}", key.feed, out.record.key),
            String::new(),
        ),
    );
    Ok(Json(out))
}

/// A shipment with its score and the reasons the caller may see.
#[utoipa::path(get, path = "/api/v1/shipments/{org}/{id}",
    params(("org" = String, Path), ("id" = String, Path, description = "Shipment id")),
    responses((status = 200, body = Scored), (status = 404, body = ErrorBody)))]
async fn get_shipment(
    State(state): St,
    Caller(v): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<Scored>, ApiError> {
    scored(state, v, RecordKey::new(org, Feed::Shipments, id)).await
}

/// A listing with its score and the reasons the caller may see.
#[utoipa::path(get, path = "/api/v1/listings/{org}/{id}",
    params(("org" = String, Path), ("id" = String, Path, description = "Listing id")),
    responses((status = 200, body = Scored), (status = 404, body = ErrorBody)))]
async fn get_listing(
    State(state): St,
    Caller(v): Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<Scored>, ApiError> {
    scored(state, v, RecordKey::new(org, Feed::Listings, id)).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QueueParams {
    /// Arrival day (YYYY-MM-DD); every day when absent.
    day: Option<String>,
    /// First and last arrival day (YYYY-MM-DD), inclusive.
    from: Option<String>,
    to: Option<String>,
    /// Port of arrival.
    port: Option<String>,
    /// A brand the shipment names (its marks or look-alikes).
    brand: Option<String>,
    /// Lowest score to include.
    min_score: Option<f64>,
    /// `open` (no outcome the caller may see yet) or `all` (default).
    status: Option<String>,
    /// `score` (default), `day`, `port` or `value`.
    sort: Option<String>,
    /// `desc` (default) or `asc`.
    order: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
    #[param(minimum = 0)]
    offset: Option<usize>,
    /// `json` (default) or `csv`: every matching shipment from `offset` on (up to 50,000) as
    /// a CSV file, whatever `limit` says.
    format: Option<String>,
}

/// The most rows one CSV export of the queue holds.
const QUEUE_CSV_ROWS: usize = 50_000;

#[derive(Serialize, ToSchema)]
pub(crate) struct QueueItem {
    rank: usize,
    key: String,
    org: String,
    feed: String,
    shipment_id: String,
    score: f64,
    day: Option<String>,
    port: String,
    brands: Vec<String>,
    value_usd: Option<f64>,
    origin: Option<String>,
    /// The latest outcome the caller may see, if any.
    outcome: Option<OutcomeBrief>,
    reasons: Vec<String>,
    /// Cases on the shipment's parties: the caller's own, and other organisations' as much
    /// as their markings allow.
    cases: Vec<crate::notices::NoticeOut>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct QueuePage {
    /// Matching shipments the caller may see (never counting those it may not).
    total: usize,
    offset: usize,
    items: Vec<QueueItem>,
    /// Ports and brands present in the caller's whole queue, for filters.
    ports: Vec<String>,
    brands: Vec<String>,
}

fn day_param(name: &str, v: &Option<String>) -> Result<(), ApiError> {
    match v {
        Some(d) if !is_iso_day(d) => Err(ApiError::field(name, "a day is written YYYY-MM-DD")),
        _ => Ok(()),
    }
}

fn is_iso_day(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The inspection queue: scored shipments the caller may see, highest risk first, filtered and
/// sorted as asked.
#[utoipa::path(get, path = "/api/v1/queue", params(QueueParams),
    responses((status = 200, body = QueuePage, content_type = "application/json"),
              (status = 200, description = "`format=csv`", content_type = "text/csv"),
              (status = 400, body = ErrorBody)))]
async fn queue(
    State(state): St,
    Caller(v): Caller,
    Query(p): Query<QueueParams>,
) -> Result<axum::response::Response, ApiError> {
    need_reader(&v)?;
    let csv = crate::csv_out::wants_csv(p.format.as_deref())?;
    let limit = p.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "limit must be between 1 and 500"));
    }
    if p.min_score.is_some_and(|m| !m.is_finite()) {
        return Err(ApiError::field("min_score", "min_score must be a number"));
    }
    day_param("day", &p.day)?;
    day_param("from", &p.from)?;
    day_param("to", &p.to)?;
    let open_only = match p.status.as_deref() {
        None | Some("all") => false,
        Some("open") => true,
        Some(_) => return Err(ApiError::field("status", "status must be open or all")),
    };
    let sort = p.sort.as_deref().unwrap_or("score");
    if !["score", "day", "port", "value"].contains(&sort) {
        return Err(ApiError::field(
            "sort",
            "sort must be score, day, port or value",
        ));
    }
    let ascending = match p.order.as_deref() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(_) => return Err(ApiError::field("order", "order must be asc or desc")),
    };
    let offset = p.offset.unwrap_or(0);
    let view = state.view();
    let dir = state.directory.load();
    let visible = state.visible_queue(&view, &v);
    let brand = p.brand.as_deref().map(|b| b.trim().to_lowercase());
    let filtered = p.day.is_some()
        || p.from.is_some()
        || p.to.is_some()
        || p.port.is_some()
        || brand.is_some()
        || p.min_score.is_some()
        || open_only;
    let keep = |i: u32| -> bool {
        let s = &view.scores[i as usize];
        let day = s.day.as_deref();
        !(p.day.as_deref().is_some_and(|d| day != Some(d))
            || p.from.as_deref().is_some_and(|f| day.is_none_or(|d| d < f))
            || p.to.as_deref().is_some_and(|t| day.is_none_or(|d| d > t))
            || p.port.as_ref().is_some_and(|port| &s.port != port)
            || p.min_score.is_some_and(|m| s.score < m)
            || brand
                .as_ref()
                .is_some_and(|b| !s.brands.iter().any(|x| x.to_lowercase() == *b))
            || (open_only && !visible_outcomes(&view, &v, s.record, &dir.groups).is_empty()))
    };
    let mut matched: Vec<u32> = if filtered {
        visible.ids.iter().copied().filter(|&i| keep(i)).collect()
    } else if sort == "score" && !ascending {
        // The common case needs no copy: the visible queue is already in this order.
        Vec::new()
    } else {
        visible.ids.to_vec()
    };
    let by_score = !filtered && sort == "score" && !ascending;
    // `matched` is highest score first. A stable ascending sort by another key keeps that order
    // among equal keys; reversed for descending, each run of equal keys is put back.
    let sc = |i: &u32| &view.scores[*i as usize];
    match sort {
        "day" => matched.sort_by(|a, b| sc(a).day.cmp(&sc(b).day)),
        "port" => matched.sort_by(|a, b| sc(a).port.cmp(&sc(b).port)),
        "value" => matched.sort_by(|a, b| {
            sc(a)
                .value_usd
                .unwrap_or(-1.0)
                .total_cmp(&sc(b).value_usd.unwrap_or(-1.0))
        }),
        _ => {}
    }
    if sort == "score" {
        if ascending {
            matched.reverse();
        }
    } else if !ascending {
        matched.reverse();
        stable_ties_by_score(&mut matched, &view, sort);
    }
    let ids: &[u32] = if by_score { &visible.ids } else { &matched };
    let total = ids.len();
    let mut d = Disclosures::new(&v, &view);
    let take = if csv { QUEUE_CSV_ROWS } else { limit };
    let items: Vec<QueueItem> = ids
        .iter()
        .enumerate()
        .skip(offset)
        .take(take)
        .map(|(n, &i)| {
            let s = &view.scores[i as usize];
            let rec = &view.records[s.record as usize];
            d.shown(s.record);
            let outcome = visible_outcomes(&view, &v, s.record, &dir.groups)
                .first()
                .map(|&o| {
                    d.shown(o);
                    outcome_brief(&view, o)
                });
            QueueItem {
                rank: n + 1,
                key: rec.key.to_string(),
                org: rec.key.org.clone(),
                feed: rec.key.feed.as_str().to_string(),
                shipment_id: rec.key.source_id.clone(),
                score: s.score,
                day: s.day.clone(),
                port: s.port.clone(),
                brands: s.brands.clone(),
                value_usd: s.value_usd,
                origin: s.origin.clone(),
                outcome,
                reasons: s
                    .reasons
                    .iter()
                    .filter(|x| view.reason_visible(&v, x, &dir.groups))
                    .map(|x| x.text.clone())
                    .collect(),
                cases: crate::notices::on_parties(&view, &dir, &v, s.record),
            }
        })
        .collect();
    if csv {
        emit(
            &state,
            d.event("export", "queue".into(), format!("rows {}", items.len())),
        );
        let columns = [
            "rank",
            "key",
            "org",
            "shipment_id",
            "score",
            "day",
            "port",
            "brands",
            "value_usd",
            "origin",
            "outcome",
            "reasons",
        ];
        let rows = items.into_iter().map(|i| {
            vec![
                i.rank.to_string(),
                i.key,
                i.org,
                i.shipment_id,
                format!("{:.4}", i.score),
                i.day.unwrap_or_default(),
                i.port,
                i.brands.join(" "),
                i.value_usd.map(|x| format!("{x:.2}")).unwrap_or_default(),
                i.origin.unwrap_or_default(),
                i.outcome.and_then(|o| o.result).unwrap_or_default(),
                i.reasons.join("; "),
            ]
        });
        return crate::csv_out::csv_response("queue.csv", &columns, rows);
    }
    emit(&state, d.event("read", "queue".into(), String::new()));
    Ok(Json(QueuePage {
        total,
        offset,
        items,
        ports: visible.ports.clone(),
        brands: visible.brands.clone(),
    })
    .into_response())
}

/// After a descending sort that reversed ties, puts each run of equal keys back in score
/// order (highest first).
fn stable_ties_by_score(ids: &mut [u32], view: &View, sort: &str) {
    let key = |i: u32| -> String {
        let s = &view.scores[i as usize];
        match sort {
            "day" => s.day.clone().unwrap_or_default(),
            "port" => s.port.clone(),
            _ => format!("{:020.6}", s.value_usd.unwrap_or(-1.0) + 1.0),
        }
    };
    let mut start = 0;
    while start < ids.len() {
        let k = key(ids[start]);
        let mut end = start + 1;
        while end < ids.len() && key(ids[end]) == k {
            end += 1;
        }
        ids[start..end].reverse();
        start = end;
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PartyOut {
    record: String,
    org: String,
    feed: String,
    /// The day its record is about (arrival, creation, addition).
    date: Option<String>,
    role: String,
    name: String,
    #[schema(value_type = Object)]
    party: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct LinkOut {
    actor: String,
    name: String,
    via: String,
    hub: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ExistenceOut {
    org: String,
    note: String,
}

impl From<Existence> for ExistenceOut {
    fn from(e: Existence) -> Self {
        ExistenceOut {
            org: e.org,
            note: e.note,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ActorParams {
    /// Party records to give, latest first (default 200, at most 1,000): a broker's thousands
    /// come a page at a time.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
    /// Party records to skip.
    offset: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ActorOut {
    id: String,
    hub: bool,
    /// Every name of the party records the caller may see.
    names: Vec<String>,
    /// One page of the party records the caller may see, latest first.
    parties: Vec<PartyOut>,
    /// How many party records the caller may see in all.
    parties_total: usize,
    /// Where this page starts.
    offset: usize,
    history: Vec<RecordOut>,
    links: Vec<LinkOut>,
    /// Records the caller may not see that concern this actor: whom to ask, nothing more.
    held_elsewhere: Vec<ExistenceOut>,
    /// The caller's organisation's open cases on this actor, and other organisations' as much
    /// as their markings allow (deconfliction).
    cases: Vec<crate::notices::NoticeOut>,
    /// The actor's seller accounts the caller may see (record keys), whichever page of its
    /// records they fall on.
    seller_accounts: Vec<String>,
    /// The listings those accounts hold on their marketplace, latest first (at most 500).
    listings: Vec<ListingBrief>,
    /// How many such listings the caller may see in all.
    listings_total: usize,
}

/// A listing in a list: enough to tell it apart and open it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListingBrief {
    key: String,
    org: String,
    listing_id: String,
    seller_account_id: String,
    title: String,
    brand: Option<String>,
    /// The price as listed, with its currency (`129.99 GBP`).
    price: Option<String>,
    created: Option<String>,
    score: Option<f64>,
}

/// The most listings an actor profile names.
const ACTOR_LISTINGS: usize = 500;

/// An actor as the caller may see it: its visible records, identifiers, history and links,
/// and whom to ask about what it may not see.
#[utoipa::path(get, path = "/api/v1/actors/{id}",
    params(("id" = String, Path, description = "Actor id"), ActorParams),
    responses((status = 200, body = ActorOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_actor(
    State(state): St,
    Caller(v): Caller,
    Path(id): Path<String>,
    Query(page): Query<ActorParams>,
) -> Result<Json<ActorOut>, ApiError> {
    need_reader(&v)?;
    let limit = page.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "between 1 and 1,000"));
    }
    let offset = page.offset.unwrap_or(0);
    let view = state.view();
    let dir = state.directory.load();
    let groups = &dir.groups;
    let a = view.actor(&id).ok_or(ApiError::NotFound)?;
    let actor = &view.actors[a as usize];
    let mut d = Disclosures::new(&v, &view);
    let (parties, mut hidden) = interdict_access::partition(
        &v,
        actor
            .parties
            .iter()
            .map(|&p| (view.label_of(view.parties[p as usize].record), p)),
        groups,
        "links to this actor",
    );
    let (history, hidden_history) = interdict_access::partition(
        &v,
        actor.history.iter().map(|&r| (view.label_of(r), r)),
        groups,
        "concerns this actor",
    );
    if parties.is_empty() && history.is_empty() && hidden.is_empty() && hidden_history.is_empty() {
        return Err(ApiError::NotFound);
    }
    hidden.extend(hidden_history);
    let names: BTreeSet<String> = parties
        .iter()
        .map(|&p| view.parties[p as usize].name.clone())
        .collect();
    let parties_total = parties.len();
    let mut parties = parties;
    // Latest first; one record's parties together.
    parties.sort_by_cached_key(|&p| {
        let r = view.parties[p as usize].record;
        (
            std::cmp::Reverse(view.record_date(r)),
            &view.records[r as usize].key,
            p,
        )
    });
    let parties: Vec<PartyOut> = parties
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|p| {
            let pv = &view.parties[p as usize];
            d.shown(pv.record);
            let key = &view.records[pv.record as usize].key;
            PartyOut {
                record: key.to_string(),
                org: key.org.clone(),
                feed: key.feed.as_str().to_string(),
                date: view.record_date(pv.record).map(str::to_string),
                role: view.role(p).to_string(),
                name: pv.name.clone(),
                party: view.party_json(p),
            }
        })
        .collect();
    let history = history
        .into_iter()
        .map(|r| {
            d.shown(r);
            record_out(&view, &v, r)
        })
        .collect();
    let mut links = Vec::new();
    let mut seen = BTreeSet::new();
    for l in view.links(a) {
        if view.sight(&v, l.via, groups) != Sight::Full || !seen.insert(l.other) {
            continue;
        }
        d.shown(l.via);
        links.push(LinkOut {
            actor: view.actors[l.other as usize].id.clone(),
            name: view.visible_name(&v, l.other, groups).unwrap_or_default(),
            via: view.records[l.via as usize].key.to_string(),
            hub: view.actors[l.other as usize].hub,
        });
    }
    // The accounts are among the actor's records, whose hidden ones are already told; a
    // listing is reached through a visible account only.
    let accounts: Vec<u32> = view
        .seller_accounts(a)
        .into_iter()
        .filter(|&r| view.sight(&v, r, groups) == Sight::Full)
        .collect();
    let (mut listings, hidden_listings) = interdict_access::partition(
        &v,
        view.listings_of(&accounts)
            .into_iter()
            .map(|r| (view.label_of(r), r)),
        groups,
        "is listed by a seller account of this actor",
    );
    hidden.extend(hidden_listings);
    let seller_accounts = accounts
        .iter()
        .map(|&r| {
            d.shown(r);
            view.records[r as usize].key.to_string()
        })
        .collect();
    let listings_total = listings.len();
    listings.sort_by_cached_key(|&r| (std::cmp::Reverse(view.record_date(r)), r));
    listings.truncate(ACTOR_LISTINGS);
    let listings = listings
        .into_iter()
        .filter_map(|r| {
            let Some(interdict_model::Record::Listings(l)) = view.record_body(r) else {
                return None;
            };
            d.shown(r);
            let key = &view.records[r as usize].key;
            Some(ListingBrief {
                key: key.to_string(),
                org: key.org.clone(),
                listing_id: l.listing_id,
                seller_account_id: l.seller_account_id,
                title: l.title,
                brand: l.brand,
                price: l.price.map(|p| format!("{:.2} {}", p.amount, p.currency)),
                created: l.created,
                score: view.score_for(&v, r).map(|s| s.score),
            })
        })
        .collect();
    hidden.sort();
    hidden.dedup_by(|a, b| a.org == b.org);
    let out = ActorOut {
        id: actor.id.clone(),
        hub: actor.hub,
        names: names.into_iter().collect(),
        parties,
        parties_total,
        offset,
        history,
        links,
        held_elsewhere: hidden.into_iter().map(Into::into).collect(),
        cases: crate::notices::on_actor(&dir, &v, &actor.id),
        seller_accounts,
        listings,
        listings_total,
    };
    emit(
        &state,
        d.event("view", format!("actor {id}"), String::new()),
    );
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct NetworkParams {
    /// How many links out from the actor, 1 to 3 (default 2).
    #[param(minimum = 1, maximum = 3)]
    hops: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct NodeOut {
    id: String,
    name: String,
    hops: usize,
    /// Hub actors (forwarders, brokers) are shown but not expanded.
    hub: bool,
    /// On a watch list the caller may see.
    listed: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct EdgeOut {
    from: String,
    to: String,
    via: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct NetworkOut {
    nodes: Vec<NodeOut>,
    edges: Vec<EdgeOut>,
    /// True when the network was cut at the node limit.
    truncated: bool,
}

const MAX_NODES: usize = 500;

/// The actors around one actor, through links the caller may see.
#[utoipa::path(get, path = "/api/v1/actors/{id}/network",
    params(("id" = String, Path, description = "Actor id"), NetworkParams),
    responses((status = 200, body = NetworkOut), (status = 404, body = ErrorBody)))]
async fn network(
    State(state): St,
    Caller(v): Caller,
    Path(id): Path<String>,
    Query(p): Query<NetworkParams>,
) -> Result<Json<NetworkOut>, ApiError> {
    need_reader(&v)?;
    let hops = p.hops.unwrap_or(2);
    if !(1..=3).contains(&hops) {
        return Err(ApiError::field("hops", "hops must be 1, 2 or 3"));
    }
    let view = state.view();
    let dir = state.directory.load();
    let groups = &dir.groups;
    let start = view.actor(&id).ok_or(ApiError::NotFound)?;
    let start_name = view
        .visible_name(&v, start, groups)
        .ok_or(ApiError::NotFound)?;
    let mut d = Disclosures::new(&v, &view);
    let mut depth: BTreeMap<u32, usize> = BTreeMap::new();
    depth.insert(start, 0);
    let mut nodes = vec![NodeOut {
        id: id.clone(),
        name: start_name,
        hops: 0,
        hub: view.actors[start as usize].hub,
        listed: view.listed_for(&v, start, groups),
    }];
    let mut edges = Vec::new();
    let mut edge_seen = BTreeSet::new();
    let mut todo = VecDeque::from([start]);
    let mut truncated = false;
    while let Some(a) = todo.pop_front() {
        let da = depth[&a];
        if da >= hops || (view.actors[a as usize].hub && a != start) {
            continue;
        }
        for l in view.links(a) {
            if view.sight(&v, l.via, groups) != Sight::Full {
                continue;
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = depth.entry(l.other) {
                if nodes.len() >= MAX_NODES {
                    truncated = true;
                    continue;
                }
                slot.insert(da + 1);
                nodes.push(NodeOut {
                    id: view.actors[l.other as usize].id.clone(),
                    name: view.visible_name(&v, l.other, groups).unwrap_or_default(),
                    hops: da + 1,
                    hub: view.actors[l.other as usize].hub,
                    listed: view.listed_for(&v, l.other, groups),
                });
                todo.push_back(l.other);
            }
            let pair = (a.min(l.other), a.max(l.other));
            if edge_seen.insert(pair) {
                d.shown(l.via);
                edges.push(EdgeOut {
                    from: view.actors[a as usize].id.clone(),
                    to: view.actors[l.other as usize].id.clone(),
                    via: view.records[l.via as usize].key.to_string(),
                });
            }
        }
    }
    emit(
        &state,
        d.event("view", format!("network {id}"), format!("hops {hops}")),
    );
    Ok(Json(NetworkOut {
        nodes,
        edges,
        truncated,
    }))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct OutcomesIn {
    /// TLP marking of the new records. Given neither this nor a sharing group, outcomes about
    /// the caller's own shipments or listings are shared as those records are (when they all
    /// carry the same marking and group); others take the organisation's default for outcomes.
    marking: Option<String>,
    sharing_group: Option<String>,
    /// Outcome rows with the canonical field names of the outcomes feed.
    #[schema(value_type = Vec<Object>)]
    records: Vec<serde_json::Value>,
}

async fn ingest_body(
    state: &Arc<AppState>,
    v: &Viewer,
    feed: Feed,
    format: &str,
    body: &[u8],
    marking: Option<String>,
    sharing_group: Option<String>,
) -> Result<IngestSummary, ApiError> {
    let marking = marking
        .map(|m| {
            m.parse::<Marking>()
                .map_err(|e| ApiError::field("marking", e.to_string()))
        })
        .transpose()?;
    if let Some(g) = &sharing_group
        && !state.directory.load().groups.contains_key(g)
    {
        return Err(ApiError::field(
            "sharing_group",
            format!("no sharing group is named {g:?}"),
        ));
    }
    // Uploads that resolve and score rewrite the saved actors and scores: one at a time.
    // Outcomes touch neither, and land beside them.
    let _guard = match feed {
        Feed::Outcomes => None,
        _ => Some(state.write_lock.lock().await),
    };
    let dir = upload_dir()?;
    let path = dir.join(format!("api-{}-{feed}.{format}", v.user));
    std::fs::write(&path, body)
        .map_err(|e| ApiError::Internal(format!("cannot keep the upload: {e}")))?;
    let upload = interdict_app::ingest::Export {
        org: v.org.clone(),
        feed: Some(feed),
        path: path.clone(),
        name: Some(format!("api:{}/{feed}.{format}", v.user)),
        mapping: None,
        marking,
        sharing_group,
    };
    let platform = state.platform.clone();
    let s2 = state.clone();
    // Errors name the upload as the caller knows it, never the server's temporary file.
    let (temp_path, upload_name) = (
        path.display().to_string(),
        upload.name.clone().unwrap_or_default(),
    );
    let result = tokio::task::spawn_blocking(move || -> Result<IngestSummary, ApiError> {
        let live = s2.on_request.load_full();
        let (s, arrival) = platform.ingest(&upload, live.as_deref()).map_err(|e| {
            let text = e.to_string().replace(&temp_path, &upload_name);
            match e.root() {
                interdict_app::Error::Ingest(_)
                | interdict_app::Error::Invalid(_)
                | interdict_app::Error::Missing(_) => ApiError::BadRequest(text),
                _ => ApiError::Internal(text),
            }
        })?;
        if s.landed + s.updated > 0 {
            // What was resolved and scored is in the queues when the upload returns: taken
            // in place when it arrived live (outcomes always are), by a rebuild when only one
            // takes it in.
            s2.refresh().map_err(ApiError::Internal)?;
            if feed != Feed::Outcomes && s2.view().is_stale() {
                s2.rebuild_if_stale().map_err(ApiError::Internal)?;
            }
        }
        Ok(IngestSummary {
            run: s.run,
            marking: s.marking.as_str().to_string(),
            read: s.read,
            landed: s.landed,
            updated: s.updated,
            unchanged: s.unchanged,
            quarantined: s.quarantined,
            rejected: s
                .rejected
                .iter()
                .map(|q| RejectedRow {
                    line: q.line,
                    field: q.field.clone(),
                    reason: q.reason.clone(),
                })
                .collect(),
            resolved: arrival.resolved as u64,
            scored: arrival.scored as u64,
        })
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let _ = std::fs::remove_dir_all(&dir);
    let summary = result?;
    state
        .audit
        .record_durably(write_event(
            v,
            "upload",
            format!("{}/{}", v.org, feed),
            format!(
                "run {} read {} landed {} updated {} unchanged {} quarantined {}",
                summary.run,
                summary.read,
                summary.landed,
                summary.updated,
                summary.unchanged,
                summary.quarantined
            ),
        ))
        .await?;
    Ok(summary)
}

fn upload_dir() -> Result<std::path::PathBuf, ApiError> {
    let base = std::env::temp_dir().join(format!(
        "interdict-upload-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&base)
        .map_err(|e| ApiError::Internal(format!("cannot make a temporary folder: {e}")))?;
    Ok(base)
}

/// Records inspection outcomes and marketplace or brand actions, with the same validation and
/// quarantine as a file. A brand representative may only record outcomes of its own brands.
#[utoipa::path(post, path = "/api/v1/outcomes", request_body = OutcomesIn,
    responses((status = 200, body = IngestSummary), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn post_outcomes(
    State(state): St,
    Caller(v): Caller,
    Json(body): Json<OutcomesIn>,
) -> Result<Json<IngestSummary>, ApiError> {
    role_may(&v, v.role.records_outcomes(), "does not record outcomes")?;
    if body.records.is_empty() {
        return Err(ApiError::field("records", "no outcome records were given"));
    }
    if body.records.len() > 10_000 {
        return Err(ApiError::field(
            "records",
            "at most 10,000 outcomes a request; upload a file for more",
        ));
    }
    let mut ndjson = Vec::new();
    for (i, r) in body.records.iter().enumerate() {
        if !r.is_object() {
            return Err(ApiError::field(
                &format!("records[{i}]"),
                "each outcome is a JSON object",
            ));
        }
        if v.role == Role::BrandRep {
            let own = own_brands(&state, &v);
            let brand = r.get("brand").and_then(|b| b.as_str()).unwrap_or("");
            if !own.contains(&brand.trim().to_lowercase()) {
                return Err(ApiError::Forbidden(format!(
                    "records[{i}]: a brand representative of {} may only confirm or deny fakes of its own brands",
                    v.org
                )));
            }
        }
        serde_json::to_writer(&mut ndjson, r).expect("JSON values serialise");
        ndjson.push(b'\n');
    }
    let (marking, sharing_group) = match (body.marking, body.sharing_group) {
        (None, None) => shared_as_their_records(&state, &v, &body.records),
        given => given,
    };
    let s = ingest_body(
        &state,
        &v,
        Feed::Outcomes,
        "ndjson",
        &ndjson,
        marking,
        sharing_group,
    )
    .await?;
    Ok(Json(s))
}

/// The marking and sharing group of the caller's own shipments or listings the outcomes are
/// about, when they all carry the same: a decision on a record is shared as the record is. Else
/// none, and the organisation's default for outcomes applies.
fn shared_as_their_records(
    state: &AppState,
    v: &Viewer,
    records: &[serde_json::Value],
) -> (Option<String>, Option<String>) {
    let view = state.view();
    let mut label = None;
    for r in records {
        let about = [
            ("shipment_id", Feed::Shipments),
            ("listing_id", Feed::Listings),
        ]
        .into_iter()
        .find_map(|(field, feed)| {
            let id = r.get(field)?.as_str()?.trim();
            view.record(&RecordKey::new(v.org.clone(), feed, id))
        });
        let Some(rec) = about else {
            return (None, None);
        };
        let l = view.label_of(rec);
        if l.group
            .is_some_and(|g| !state.directory.load().groups.contains_key(g))
        {
            return (None, None);
        }
        let this = (l.marking, l.group.map(str::to_string));
        match &label {
            None => label = Some(this),
            Some(seen) if *seen == this => {}
            Some(_) => return (None, None),
        }
    }
    label.map_or((None, None), |(m, g)| (Some(m.as_str().to_string()), g))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct WithdrawIn {
    /// Why the decision no longer holds (a mistaken key, a lab result that cleared the goods).
    reason: String,
}

/// A decision taken back.
#[derive(Serialize, ToSchema)]
pub(crate) struct WithdrawnOut {
    /// The outcome, `org/outcomes/id`.
    key: String,
    reason: String,
    /// When it was first withdrawn.
    at: String,
}

/// Withdraws an outcome the caller's organisation recorded, with a reason: it leaves the
/// records and actor histories it was on and stops being a training label (retraining follows
/// at the next `train`). Withdrawing it again answers with the first withdrawal.
#[utoipa::path(post, path = "/api/v1/outcomes/{id}/withdraw",
    params(("id" = String, Path, description = "The outcome's id in the caller's organisation's outcomes feed")),
    request_body = WithdrawIn,
    responses((status = 200, body = WithdrawnOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn withdraw_outcome(
    State(state): St,
    Caller(v): Caller,
    Path(id): Path<String>,
    Json(body): Json<WithdrawIn>,
) -> Result<Json<WithdrawnOut>, ApiError> {
    role_may(
        &v,
        v.role.records_outcomes(),
        "does not record or withdraw outcomes",
    )?;
    let reason = body.reason.trim().to_string();
    if reason.is_empty() {
        return Err(ApiError::field(
            "reason",
            "say why the outcome is withdrawn",
        ));
    }
    if reason.chars().count() > 1_000 {
        return Err(ApiError::field("reason", "at most 1,000 characters"));
    }
    let _guard = state.write_lock.lock().await;
    let (platform, s2, org, id2, reason2) = (
        state.platform.clone(),
        state.clone(),
        v.org.clone(),
        id.clone(),
        reason.clone(),
    );
    let w = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let w = platform
            .withdraw(&org, &id2, &reason2)
            .map_err(|e| match e.root() {
                interdict_app::Error::Missing(_) => ApiError::NotFound,
                interdict_app::Error::Invalid(m) => ApiError::BadRequest(m.clone()),
                _ => ApiError::Internal(e.to_string()),
            })?;
        s2.refresh().map_err(ApiError::Internal)?;
        Ok(w)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    let key = format!("{}/{}/{id}", v.org, Feed::Outcomes);
    state
        .audit
        .record_durably(write_event(
            &v,
            "withdraw",
            key.clone(),
            format!("reason: {}", w.reason),
        ))
        .await?;
    Ok(Json(WithdrawnOut {
        key,
        reason: w.reason,
        at: w.at,
    }))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct ScoreIn {
    /// `shipments`, `listings` or `sellers` (a seller account).
    feed: String,
    /// The record in the feed's canonical field names, as a row of an NDJSON upload.
    #[schema(value_type = Object)]
    record: serde_json::Value,
}

/// A known actor one of the record's parties matched, when the caller may see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct MatchedActorOut {
    role: String,
    actor: String,
    name: String,
    probability: f64,
}

/// What a record that is not stored would score, and why.
#[derive(Serialize, ToSchema)]
pub(crate) struct RequestScoreOut {
    score: f64,
    /// Strongest first: those resting only on records the caller may see.
    reasons: Vec<String>,
    /// Reasons resting on records the caller may not see, left out.
    reasons_withheld: usize,
    brands: Vec<String>,
    actors: Vec<MatchedActorOut>,
    model: String,
    rules: String,
}

/// Scores a listing, seller account or shipment that is not stored (a listing as a seller
/// submits it, a parcel before it is loaded) with the active model and rule pack, as the
/// caller's organisation would score it. Nothing is kept. Reasons and matched actors follow
/// the same access rules as a stored record's.
#[utoipa::path(post, path = "/api/v1/score", request_body = ScoreIn,
    responses((status = 200, body = RequestScoreOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn score_on_request(
    State(state): St,
    Caller(v): Caller,
    Json(body): Json<ScoreIn>,
) -> Result<Json<RequestScoreOut>, ApiError> {
    need_reader(&v)?;
    let feed: Feed = body
        .feed
        .parse()
        .map_err(|e: interdict_model::ParseFeedError| ApiError::field("feed", e.to_string()))?;
    if !matches!(feed, Feed::Shipments | Feed::Listings | Feed::Sellers) {
        return Err(ApiError::field(
            "feed",
            "only shipments, listings and sellers are scored on request",
        ));
    }
    if !body.record.is_object() {
        return Err(ApiError::field("record", "a JSON object"));
    }
    let Some(scorer) = state.on_request.load_full() else {
        return Err(ApiError::Unavailable(
            "scoring on request is still loading; try again in a few seconds".into(),
        ));
    };
    let json = serde_json::to_vec(&body.record).expect("JSON values serialise");
    let scored = scorer
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .score(&v.org, feed, &json)
        .map_err(|e| match e.root() {
            interdict_app::Error::Invalid(m) => match m.split_once(": ") {
                Some((field, reason)) if field.starts_with("record") => {
                    ApiError::field(field, reason)
                }
                _ => ApiError::BadRequest(m.clone()),
            },
            _ => ApiError::Internal(e.to_string()),
        })?;
    let view = state.view();
    let dir = state.directory.load();
    let groups = &dir.groups;
    let mut reasons = Vec::new();
    let mut withheld = 0;
    for (text, source) in scored.reasons.iter().zip(&scored.reason_sources) {
        let behind = crate::view::ReasonView {
            text: String::new(),
            sources: view.labels_behind_brands(Some(source), &scored.brands, Some(&v.org)),
        };
        if view.reason_visible(&v, &behind, groups) {
            reasons.push(text.clone());
        } else {
            withheld += 1;
        }
    }
    let actors = scored
        .actors
        .iter()
        .filter_map(|m| {
            let a = view.actor(&m.actor)?;
            let name = view.visible_name(&v, a, groups)?;
            Some(MatchedActorOut {
                role: m.role.clone(),
                actor: m.actor.clone(),
                name,
                probability: m.probability,
            })
        })
        .collect();
    let out = RequestScoreOut {
        score: scored.score,
        reasons,
        reasons_withheld: withheld,
        brands: scored.brands,
        actors,
        model: scored.model,
        rules: scored.rules,
    };
    drop(view);
    emit(
        &state,
        Some(write_event(
            &v,
            "score",
            format!("request/{feed}"),
            format!(
                "score {:.3} model {} rules {}",
                out.score, out.model, out.rules
            ),
        )),
    );
    Ok(Json(out))
}

fn own_brands(state: &AppState, v: &Viewer) -> BTreeSet<String> {
    // Approved ownership, not an uploaded brand record: anyone may upload a record named like
    // another owner's brand.
    state
        .directory
        .load()
        .brand_owners
        .get(&v.org)
        .cloned()
        .unwrap_or_default()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadParams {
    /// `csv` (default) or `ndjson`.
    format: Option<String>,
    /// TLP marking of the records (default: the organisation's default for the feed).
    marking: Option<String>,
    sharing_group: Option<String>,
}

/// Uploads a file of canonical rows of one feed for the caller's organisation.
#[utoipa::path(post, path = "/api/v1/feeds/{feed}",
    params(("feed" = FeedName, Path, description = "The feed"), UploadParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = IngestSummary), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn upload(
    State(state): St,
    Caller(v): Caller,
    Path(feed): Path<String>,
    Query(p): Query<UploadParams>,
    body: Bytes,
) -> Result<Json<IngestSummary>, ApiError> {
    role_may(&v, v.role.writes_records(), "does not upload records")?;
    let feed = parse_feed(&feed)?;
    if feed == Feed::Outcomes {
        // The same rule as `POST /api/v1/outcomes`: an admin administers, it does not decide.
        role_may(&v, v.role.records_outcomes(), "does not record outcomes")?;
    }
    let format = p.format.as_deref().unwrap_or("csv").to_ascii_lowercase();
    if format != "csv" && format != "ndjson" {
        return Err(ApiError::field("format", "format must be csv or ndjson"));
    }
    if body.is_empty() {
        return Err(ApiError::field("body", "the upload is empty"));
    }
    let s = ingest_body(&state, &v, feed, &format, &body, p.marking, p.sharing_group).await?;
    Ok(Json(s))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// Oldest first: entries after this sequence number.
    after: Option<u64>,
    /// Newest first: entries before this sequence number (default: from the latest).
    before: Option<u64>,
    /// `asc` (default, oldest first, paged by `after`) or `desc` (newest first, paged by `before`).
    order: Option<String>,
    /// At most this many (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
    /// Only entries of this user.
    user: Option<String>,
    /// Only entries of this organisation (for those who read every organisation's).
    org: Option<String>,
    /// Only this action, or a family of actions (`admin` gives `admin.create_key`, ...).
    action: Option<String>,
    /// Only entries about this record or actor: its key (`org/feed/id`) or id in the target
    /// or among the records disclosed.
    record: Option<String>,
    /// Only entries on or after this day (`YYYY-MM-DD`).
    from: Option<String>,
    /// Only entries on or before this day (`YYYY-MM-DD`).
    to: Option<String>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditOut {
    #[schema(value_type = Vec<Object>)]
    entries: Vec<interdict_audit::Entry>,
    /// Where to go on from (`after` oldest first, `before` newest first) when more entries may
    /// match: set when the page is full or the entries one request reads ran out first.
    next: Option<u64>,
}

/// Entries one request reads at most, whatever the filters.
const AUDIT_SCAN: usize = 200_000;

/// What an audit reader asked for.
struct AuditFilter {
    own_org: Option<String>,
    user: Option<String>,
    org: Option<String>,
    action: Option<String>,
    record: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl AuditFilter {
    fn keeps(&self, e: &interdict_audit::Event) -> bool {
        let is = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        let day = e.at.get(..10).unwrap_or(&e.at);
        is(&self.own_org, &e.org)
            && is(&self.org, &e.org)
            && is(&self.user, &e.user)
            && self.action.as_deref().is_none_or(|a| {
                e.action == a
                    || e.action
                        .strip_prefix(a)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            && self
                .record
                .as_deref()
                .is_none_or(|r| e.target.contains(r) || e.disclosed.iter().any(|k| k.contains(r)))
            && self.from.as_deref().is_none_or(|f| day >= f)
            && self.to.as_deref().is_none_or(|t| day <= t)
    }
}

fn audit_day(field: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        None => Ok(None),
        Some(d) if chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").is_ok() && d.len() == 10 => {
            Ok(Some(d))
        }
        Some(_) => Err(ApiError::field(field, "a day is written YYYY-MM-DD")),
    }
}

/// The audit log, filtered by user, organisation, action, record and day, as JSON or CSV. A
/// coordinator's auditors see every entry; every other auditor and admin, the entries of their
/// own organisation's users.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams),
    responses((status = 200, body = AuditOut, content_type = "application/json"),
              (status = 200, description = "`format=csv`", content_type = "text/csv"),
              (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn audit_log(
    State(state): St,
    Caller(v): Caller,
    Query(p): Query<AuditParams>,
) -> Result<axum::response::Response, ApiError> {
    need_audit_reader(&v)?;
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "limit must be between 1 and 1000"));
    }
    let csv = crate::csv_out::wants_csv(p.format.as_deref())?;
    // docs/api.md's role table: only a coordinator's auditor reads every organisation's
    // entries; its admin, like every other, reads its own organisation's.
    let all = v.role == Role::Auditor && state.sees_every_org(&v.org);
    let newest_first = match p.order.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err(ApiError::field("order", "order must be asc or desc")),
    };
    let filter = AuditFilter {
        own_org: (!all).then(|| v.org.clone()),
        user: p.user.filter(|x| !x.is_empty()),
        org: p.org.filter(|x| !x.is_empty()),
        action: p.action.filter(|x| !x.is_empty()),
        record: p.record.filter(|x| !x.is_empty()),
        from: audit_day("from", p.from.filter(|x| !x.is_empty()))?,
        to: audit_day("to", p.to.filter(|x| !x.is_empty()))?,
    };
    let platform = state.platform.clone();
    let after = p.after.unwrap_or(0);
    let before = p.before;
    let (entries, next) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let dir = platform
            .connection()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut out = Vec::new();
        let mut scanned = 0usize;
        if newest_first {
            // Windows of sequence numbers read backwards from the end.
            let last = dir.last_audit()?.map_or(0, |r| r.seq);
            let mut end = before.unwrap_or(u64::MAX).min(last.saturating_add(1));
            while out.len() < limit && end > 1 {
                if scanned >= AUDIT_SCAN {
                    return Ok((out, Some(end)));
                }
                let start = end.saturating_sub(1000).max(1);
                let page = dir.audit(start - 1, (end - start) as usize)?;
                for row in page.iter().rev().filter(|r| r.seq < end) {
                    scanned += 1;
                    let e = crate::audit_log::row_to_entry(row).map_err(ApiError::Internal)?;
                    if filter.keeps(&e.event) {
                        out.push(e);
                        if out.len() == limit {
                            let seq = out[limit - 1].seq;
                            return Ok((out, (seq > 1).then_some(seq)));
                        }
                    }
                }
                end = start;
            }
            return Ok((out, None));
        }
        let mut cursor = after;
        while out.len() < limit {
            if scanned >= AUDIT_SCAN {
                return Ok((out, Some(cursor)));
            }
            let page = dir.audit(cursor, 1000)?;
            let Some(last) = page.last() else { break };
            for row in &page {
                scanned += 1;
                let e = crate::audit_log::row_to_entry(row).map_err(ApiError::Internal)?;
                if filter.keeps(&e.event) {
                    out.push(e);
                    if out.len() == limit {
                        let seq = out[limit - 1].seq;
                        return Ok((out, Some(seq)));
                    }
                }
            }
            cursor = last.seq;
        }
        Ok((out, None))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    if csv {
        let columns = [
            "seq",
            "at",
            "org",
            "user",
            "action",
            "target",
            "disclosed",
            "detail",
            "hash",
        ];
        let rows = entries.into_iter().map(|e| {
            vec![
                e.seq.to_string(),
                e.event.at,
                e.event.org,
                e.event.user,
                e.event.action,
                e.event.target,
                e.event.disclosed.join(" "),
                e.event.detail,
                e.hash.to_hex(),
            ]
        });
        return crate::csv_out::csv_response("audit.csv", &columns, rows);
    }
    Ok(Json(AuditOut { entries, next }).into_response())
}

//! The shared platform over HTTP.
//!
//! [`app`] builds the axum router: JSON under `/api/v1`, an OpenAPI 3 document generated from
//! the same registrations at `/api/v1/openapi.json`, `/healthz` and `/metrics`. Every read goes
//! through the access policy (`interdict-access`) record by record; every write, search and
//! disclosure of another organisation's non-CLEAR record goes to the audit trail.
//!
//! The server owns no business logic: it asks the [`Platform`] of `interdict-app` to ingest
//! uploads, build the read model ([`View`]) and keep rule packs.
//!
//! Architecture invariant: knows HTTP, keys and the policy's answers; nothing of how records
//! are parsed, resolved or scored.

pub mod audit_log;
pub mod auth;
mod cases;
mod csv_out;
pub mod error;
mod investigate;
mod limits;
mod notices;
pub mod pages;
mod routes;
pub mod sessions;
mod throttle;
mod web;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use interdict_app::Platform;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub use audit_log::AuditSink;
pub use auth::{DirectoryView, Groups};
pub use error::ApiError;
pub use interdict_app::read_model::{self as view, View};

/// What an upload did, row by row.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct IngestSummary {
    pub run: i64,
    pub marking: String,
    pub read: u64,
    pub landed: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub quarantined: u64,
    /// The rows that were refused, each with the field at fault.
    pub rejected: Vec<RejectedRow>,
    /// Party records resolved into actors as they landed.
    pub resolved: u64,
    /// Shipments and listings scored as they landed: they are in the queues now.
    pub scored: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the audit chain's head is checkpointed outside the database.
    pub anchor: Option<PathBuf>,
    /// Requests a second per key, and the burst allowed above it.
    pub rate_per_key: f64,
    pub burst_per_key: f64,
    /// Largest upload, in bytes; other requests are held to 1 MiB.
    pub max_upload: usize,
    /// How often the directory (users, keys, groups) is re-read, so a revoked key stops working.
    pub directory_refresh: Duration,
    /// How often the store's change sequence is read, so what another process writes (another
    /// server, `ingest`) is in the read model within about this long.
    pub view_refresh: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            anchor: None,
            rate_per_key: 2_000.0,
            burst_per_key: 4_000.0,
            max_upload: 256 << 20,
            directory_refresh: Duration::from_secs(2),
            view_refresh: Duration::from_millis(250),
        }
    }
}

#[derive(Default)]
pub(crate) struct Metrics {
    pub requests: AtomicU64,
    pub client_errors: AtomicU64,
    pub server_errors: AtomicU64,
}

/// Changes taken into the read model under one hold of its write lock.
const APPLY_PART: usize = 200;

pub struct AppState {
    /// The read model. Readers hold it for the synchronous part of a request; a catch-up
    /// writes changes into it in place, or swaps in a model rebuilt beside it.
    view: std::sync::RwLock<View>,
    /// One catch-up at a time.
    refreshing: std::sync::Mutex<()>,
    /// How many catch-ups have begun (counted under `refreshing`, before reading the store).
    catchups: AtomicU64,
    /// One rebuild at a time.
    rebuild_one: std::sync::Mutex<()>,
    /// Scores records that are not stored; loaded in the background after start, and again
    /// when the actors, models or rules it rests on are replaced.
    /// It also takes in arrivals uploaded to this process (under its write lock).
    pub(crate) on_request:
        arc_swap::ArcSwapOption<std::sync::RwLock<interdict_app::on_request::OnRequest>>,
    /// Whether the scorer on request is being built.
    building_scorer: std::sync::atomic::AtomicBool,
    /// Whether the read model is being rebuilt in the background, and whether another rebuild
    /// was asked for meanwhile.
    rebuilding: std::sync::atomic::AtomicBool,
    rebuild_wanted: std::sync::atomic::AtomicBool,
    pub(crate) directory: ArcSwap<DirectoryView>,
    pub(crate) platform: Arc<Platform>,
    pub(crate) audit: AuditSink,
    pub(crate) limits: limits::RateLimits,
    pub(crate) metrics: Metrics,
    pub(crate) options: Options,
    /// One write at a time: the store's writer is single.
    pub(crate) write_lock: tokio::sync::Mutex<()>,
    /// Each user's visible queue, highest score first; emptied whenever the read model or the
    /// directory changes.
    pub(crate) queues: std::sync::Mutex<rustc_hash::FxHashMap<String, QueueSlot>>,
    pub(crate) sessions: sessions::Sessions,
    pub(crate) sign_ins: throttle::SignInThrottle,
}

impl AppState {
    /// Loads the directory and the read model and starts the audit writer.
    pub fn new(platform: Arc<Platform>, options: Options) -> Result<Arc<AppState>, String> {
        let dir = platform.directory().map_err(|e| e.to_string())?;
        let mut directory = DirectoryView::load(dir.as_ref()).map_err(|e| e.to_string())?;
        directory.brand_owners = platform.brand_owners().map_err(|e| e.to_string())?;
        directory.set_cases(interdict_app::cases::load(dir.as_ref()).map_err(|e| e.to_string())?);
        let audit = AuditSink::start(dir, options.anchor.clone())?;
        let took = std::time::Instant::now();
        let (view, source) = platform.first_view().map_err(|e| e.to_string())?;
        match source {
            interdict_app::ViewSource::Snapshot { caught_up } => tracing::info!(
                seconds = took.elapsed().as_secs_f64(),
                caught_up,
                "read model read back from its snapshot"
            ),
            interdict_app::ViewSource::Built { why } => tracing::info!(
                seconds = took.elapsed().as_secs_f64(),
                %why,
                "read model built from the store"
            ),
        }
        let platform_sessions = platform.directory();
        Ok(Arc::new(AppState {
            view: std::sync::RwLock::new(view),
            refreshing: std::sync::Mutex::new(()),
            rebuild_one: std::sync::Mutex::new(()),
            catchups: AtomicU64::new(0),
            on_request: arc_swap::ArcSwapOption::empty(),
            building_scorer: std::sync::atomic::AtomicBool::new(false),
            rebuilding: std::sync::atomic::AtomicBool::new(false),
            rebuild_wanted: std::sync::atomic::AtomicBool::new(false),
            directory: ArcSwap::from_pointee(directory),
            platform,
            audit,
            limits: limits::RateLimits::new(options.rate_per_key, options.burst_per_key),
            metrics: Metrics::default(),
            options,
            write_lock: tokio::sync::Mutex::new(()),
            queues: Default::default(),
            sessions: sessions::Sessions::new(platform_sessions.map_err(|e| e.to_string())?),
            sign_ins: throttle::SignInThrottle::default(),
        }))
    }

    /// Whether an organisation oversees the platform (a coordinator): its auditors read every
    /// audit entry, its dashboard shows every feed's ingest health.
    pub(crate) fn sees_every_org(&self, org: &str) -> bool {
        self.directory
            .load()
            .orgs
            .get(org)
            .is_some_and(|o| o.kind == "coordinator")
    }

    /// Re-reads users, keys, groups and brand owners.
    pub fn reload_directory(&self) -> Result<(), String> {
        let dir = self.platform.connection().map_err(|e| e.to_string())?;
        let mut fresh = DirectoryView::load(&*dir).map_err(|e| e.to_string())?;
        fresh.brand_owners = self.platform.brand_owners().map_err(|e| e.to_string())?;
        fresh.set_cases(interdict_app::cases::load(&*dir).map_err(|e| e.to_string())?);
        let current = self.directory.load_full();
        if *current != fresh {
            // Cases change no one's queue (a row's cases are read when it is shown), so a
            // case written keeps the queues every user has built.
            let sight_changed = current.orgs != fresh.orgs
                || current.users != fresh.users
                || current.keys != fresh.keys
                || current.groups != fresh.groups
                || current.brand_owners != fresh.brand_owners;
            self.directory.store(Arc::new(fresh));
            if sight_changed {
                self.forget_queues();
            }
        }
        Ok(())
    }

    /// Builds the scorer on request when there is none yet or what it rests on was replaced;
    /// the one it replaces keeps answering meanwhile. A store without a resolution has none.
    pub fn refresh_scorer(&self) -> Result<(), String> {
        if let Some(current) = self.on_request.load_full() {
            let stamps = self
                .platform
                .on_request_stamps()
                .map_err(|e| e.to_string())?;
            if &stamps
                == current
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .built_from()
            {
                return Ok(());
            }
        }
        if self.building_scorer.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let built = self.platform.on_request();
        self.building_scorer.store(false, Ordering::SeqCst);
        match built {
            Ok(s) => {
                self.on_request
                    .store(Some(Arc::new(std::sync::RwLock::new(s))));
                Ok(())
            }
            Err(e) if matches!(e.root(), interdict_app::Error::Missing(_)) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The read model, for the synchronous part of a request (the guard cannot cross an
    /// `await`).
    pub(crate) fn view(&self) -> std::sync::RwLockReadGuard<'_, View> {
        self.view.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Brings the read model up to what the store holds, whoever wrote it. New and changed
    /// outcomes, withdrawals and arrivals (with the actors and scores appended for them) are
    /// written into it in place, a part at a time under the write lock: readers wait for a
    /// part, never for a whole upload. Anything else (a batch resolution or scoring, a
    /// retrain, records of other feeds) starts a rebuild in the background; the model keeps
    /// answering, and taking changes in place, until the rebuilt one replaces it.
    pub fn refresh(self: &Arc<Self>) -> Result<Refreshed, String> {
        let refreshed = {
            let asked = self.catchups.load(Ordering::SeqCst);
            let _one = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            if self.catchups.load(Ordering::SeqCst) != asked {
                // A catch-up began after this was asked for, so after whatever the caller
                // wrote, and it is over: the fifty writers waiting behind one catch-up need
                // one more between them, not fifty.
                return Ok(Refreshed::Current);
            }
            self.catchups.fetch_add(1, Ordering::SeqCst);
            let catchup = self
                .platform
                .catch_up(&self.view())
                .map_err(|e| e.to_string())?;
            let view::Catchup::Apply(changes) = catchup else {
                return Ok(Refreshed::Current);
            };
            let n = changes.records();
            let queues = changes.touch_queues();
            let relabelled = changes.relabels();
            let mut changes = *changes;
            loop {
                // A part at a time, so that readers wait milliseconds, not an upload's worth.
                // The queues users have built stay meanwhile: what a part adds joins them
                // when the new order is swapped in below, and building them again after each
                // part would hold off this writer behind every reader that builds one.
                let mut view = self.view.write().unwrap_or_else(|p| p.into_inner());
                if view.apply_part(&mut changes, APPLY_PART) {
                    break;
                }
            }
            // The new order is worked out beside the readers (this is the only writer) and
            // swapped in.
            let ranked = self.view().reranked(&changes);
            let mut view = self.view.write().unwrap_or_else(|p| p.into_inner());
            view.set_ranked(ranked);
            // Under the write lock: no reader pairs a queue of the old model with the new.
            // Taken in place, the model keeps every score where it was: the queue built before
            // still reads right while the new one is built, unless a record changed hands
            // (another label, so other eyes).
            if queues {
                self.outdate_queues(relabelled);
            }
            drop(view);
            Refreshed::Applied(n)
        };
        if self.view().is_stale() {
            self.rebuild_in_background();
        }
        Ok(refreshed)
    }

    /// Rebuilds the read model from the store beside the one that keeps answering, brings it
    /// up to date with what landed meanwhile, and swaps it in.
    pub fn rebuild(&self) -> Result<(), String> {
        // One at a time: each holds a whole model beside the one answering.
        let _one = self.rebuild_one.lock().unwrap_or_else(|p| p.into_inner());
        self.rebuild_now()
    }

    /// Rebuilds the read model when it is due one, after any rebuild already running: what
    /// that one took in is not built again.
    pub fn rebuild_if_stale(&self) -> Result<(), String> {
        let _one = self.rebuild_one.lock().unwrap_or_else(|p| p.into_inner());
        if self.view().is_stale() {
            self.rebuild_now()?;
        }
        Ok(())
    }

    fn rebuild_now(&self) -> Result<(), String> {
        let took = std::time::Instant::now();
        let mut fresh = self.platform.view().map_err(|e| e.to_string())?;
        {
            let _one = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            if let view::Catchup::Apply(changes) =
                self.platform.catch_up(&fresh).map_err(|e| e.to_string())?
            {
                fresh.apply(*changes);
            }
            let mut view = self.view.write().unwrap_or_else(|p| p.into_inner());
            let old = std::mem::replace(&mut *view, fresh);
            self.forget_queues();
            drop(view);
            drop(old);
        }
        tracing::info!(
            seconds = took.elapsed().as_secs_f64(),
            "read model rebuilt from the store"
        );
        Ok(())
    }

    /// One rebuild at a time, on a thread of its own; asked for while one runs, another
    /// follows it.
    fn rebuild_in_background(self: &Arc<Self>) {
        self.rebuild_wanted.store(true, Ordering::SeqCst);
        if self.rebuilding.swap(true, Ordering::SeqCst) {
            return;
        }
        let state = self.clone();
        std::thread::spawn(move || {
            loop {
                state.rebuild_wanted.store(false, Ordering::SeqCst);
                let took = std::time::Instant::now();
                if let Err(e) = state.rebuild() {
                    tracing::warn!(error = %e, "read model not rebuilt");
                }
                let again = state.view().is_stale() || state.rebuild_wanted.load(Ordering::SeqCst);
                if again {
                    // While records keep landing (a long upload), rebuild at most half the
                    // time, so the rebuilds leave the cores to the writers and readers.
                    std::thread::sleep(
                        took.elapsed()
                            .clamp(Duration::from_millis(200), Duration::from_secs(30)),
                    );
                    continue;
                }
                state.rebuilding.store(false, Ordering::SeqCst);
                // Asked for between the check and letting go: take it up again.
                if !state.rebuild_wanted.load(Ordering::SeqCst)
                    || state.rebuilding.swap(true, Ordering::SeqCst)
                {
                    return;
                }
            }
        });
    }

    /// Writes the read model to its snapshot, for the next start: on the way out, so it
    /// costs no reader any wait.
    pub fn save_view(&self) {
        let took = std::time::Instant::now();
        let view = self.view();
        match self.platform.save_view(&view) {
            Ok(Some((path, bytes))) => tracing::info!(
                path = %path.display(),
                bytes,
                seconds = took.elapsed().as_secs_f64(),
                "read model kept for the next start"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "read model not kept for the next start"),
        }
    }

    fn forget_queues(&self) {
        self.queues
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Marks every queue as due to be built again; unless `forget`, the one built before
    /// answers meanwhile (see [`QueueSlot`]).
    fn outdate_queues(&self, forget: bool) {
        if forget {
            return self.forget_queues();
        }
        for slot in self
            .queues
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values_mut()
        {
            *slot = QueueSlot {
                previous: slot.fresh.get().cloned().or_else(|| slot.previous.clone()),
                ..QueueSlot::default()
            };
        }
    }

    /// The scored shipments a user may see in full, highest first, with their ports and brands.
    /// `view` is the caller's guard of the read model: a second guard taken while a writer
    /// waits would wait for ever.
    pub(crate) fn visible_queue(
        &self,
        view: &View,
        viewer: &interdict_access::Viewer,
    ) -> Arc<VisibleQueue> {
        let key = format!("{}\u{1f}{}", viewer.org, viewer.user);
        let (fresh, previous, claimed) = {
            let mut queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
            let slot = queues.entry(key).or_default();
            (
                slot.fresh.clone(),
                slot.previous.clone(),
                slot.claimed.clone(),
            )
        };
        if let Some(q) = fresh.get() {
            return q.clone();
        }
        // One request builds it; the others answer from the one before when there is one
        // (new arrivals join it a moment later), or wait for it rather than each building
        // their own (32 readers after every catch-up would).
        if let Some(previous) = previous
            && claimed.swap(true, Ordering::SeqCst)
        {
            return previous;
        }
        fresh
            .get_or_init(|| Arc::new(self.build_queue(view, viewer)))
            .clone()
    }

    fn build_queue(&self, view: &View, viewer: &interdict_access::Viewer) -> VisibleQueue {
        let dir = self.directory.load();
        let full = view.full_sight_by_label(viewer, &dir.groups);
        let q: Vec<u32> = view
            .ranked_for(viewer)
            .iter()
            .copied()
            .filter(|&i| {
                let r = &view.records[view.scores[i as usize].record as usize];
                r.key.feed == interdict_model::Feed::Shipments && full[r.label as usize]
            })
            .collect();
        let mut ports = std::collections::BTreeSet::new();
        let mut brands = std::collections::BTreeSet::new();
        for &i in &q {
            let s = &view.scores[i as usize];
            if !s.port.is_empty() {
                ports.insert(s.port.as_str());
            }
            brands.extend(s.brands.iter().map(String::as_str));
        }
        VisibleQueue {
            ports: ports.into_iter().map(str::to_string).collect(),
            brands: brands.into_iter().map(str::to_string).collect(),
            ids: q,
        }
    }
}

/// What a catch-up with the store did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    Current,
    /// Changed outcomes taken in place (a rebuild may have been started beside).
    Applied(usize),
}

/// A user's queue as built for the model now (`fresh`, once built), and the one built before
/// the last change taken in place, which answers while the fresh one is built: its indices
/// still name the same scores, since changes in place only add scores or replace them where
/// they are.
#[derive(Default)]
pub(crate) struct QueueSlot {
    fresh: Arc<std::sync::OnceLock<Arc<VisibleQueue>>>,
    previous: Option<Arc<VisibleQueue>>,
    /// Whether a request is building `fresh`.
    claimed: Arc<std::sync::atomic::AtomicBool>,
}

/// One user's queue: indices into the scores, highest first, and the values its filters offer.
pub(crate) struct VisibleQueue {
    pub ids: Vec<u32>,
    pub ports: Vec<String>,
    pub brands: Vec<String>,
}

/// The router with its OpenAPI document.
pub fn router_and_spec(state: Arc<AppState>) -> (Router, utoipa::openapi::OpenApi) {
    let max_upload = state.options.max_upload;
    let (api, mut spec) = OpenApiRouter::with_openapi(routes::ApiDoc::openapi_base())
        .merge(routes::api_routes())
        .merge(pages::page_routes())
        .merge(investigate::investigate_routes())
        .merge(cases::case_routes())
        .split_for_parts();
    spec.merge(routes::upload_spec());
    spec.merge(cases::file_spec());
    let uploads = routes::upload_routes()
        .merge(cases::file_routes())
        .layer(DefaultBodyLimit::max(max_upload));
    let spec_json = serde_json::to_string(&spec).expect("the OpenAPI document serialises");
    let router = Router::new()
        .merge(api.layer(DefaultBodyLimit::max(1 << 20)))
        .merge(uploads)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let body = spec_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/healthz", axum::routing::get(routes::healthz))
        .route("/metrics", axum::routing::get(routes::metrics))
        .merge(web::routes())
        .fallback(|| async { ApiError::NotFound })
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            json_errors,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state);
    (router, spec)
}

pub fn app(state: Arc<AppState>) -> Router {
    router_and_spec(state).0
}

/// No response is sniffed for another type than it says; no API answer (records, queues,
/// audit entries) is kept by a browser or proxy cache.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    if api {
        h.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    response
}

/// Under TLS, browsers are told to come back only over HTTPS for a year.
async fn strict_transport(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        header::HeaderValue::from_static("max-age=31536000"),
    );
    response
}

/// Every error leaves as JSON with a stable code, including axum's own rejections (a bad path
/// parameter, a wrong method, a body too large), and is counted.
async fn json_errors(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    response: Response,
) -> Response {
    let status = response.status();
    state.metrics.requests.fetch_add(1, Ordering::Relaxed);
    if status.is_client_error() {
        state.metrics.client_errors.fetch_add(1, Ordering::Relaxed);
    } else if status.is_server_error() {
        state.metrics.server_errors.fetch_add(1, Ordering::Relaxed);
    }
    if status.as_u16() < 400 {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 10)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let err = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(format!(
            "the request body is larger than this route accepts ({text})"
        )),
        StatusCode::METHOD_NOT_ALLOWED => {
            let mut r =
                ApiError::BadRequest("this method is not allowed here".into()).into_response();
            *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            return r;
        }
        s if s.is_server_error() => ApiError::Internal(text),
        _ => ApiError::BadRequest(if text.is_empty() {
            status
                .canonical_reason()
                .unwrap_or("bad request")
                .to_string()
        } else {
            text
        }),
    };
    let mut r = err.into_response();
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A certificate chain and private key (PEM files) to serve HTTPS with.
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Serves until Ctrl-C, re-reading the directory in the background; HTTPS when `tls` is given.
pub async fn serve(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    tls: Option<Tls>,
) -> std::io::Result<()> {
    let refresh = state.options.directory_refresh;
    let s = state.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(refresh).await;
            let s2 = s.clone();
            let r = tokio::task::spawn_blocking(move || s2.reload_directory()).await;
            if let Ok(Err(e)) = r {
                tracing::warn!(error = %e, "directory not reloaded");
            }
            // Entries appended by `interdict` commands are anchored within this period.
            s.audit.anchor_head();
            let s2 = s.clone();
            let r = tokio::task::spawn_blocking(move || s2.refresh_scorer()).await;
            if let Ok(Err(e)) = r {
                tracing::warn!(error = %e, "scorer on request not rebuilt");
            }
        }
    });
    let s = state.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = s.refresh_scorer() {
            tracing::warn!(error = %e, "scorer on request not built");
        }
    });
    let every = state.options.view_refresh;
    let s = state.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let s2 = s.clone();
            let r = tokio::task::spawn_blocking(move || s2.refresh()).await;
            if let Ok(Err(e)) = r {
                tracing::warn!(error = %e, "read model not caught up with the store");
            }
        }
    });
    let app = app(state.clone());
    match tls {
        None => {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(stopped())
            .await?
        }
        Some(tls) => {
            // One process-wide crypto provider: ring, which builds without extra tools.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|e| {
                    std::io::Error::new(
                        e.kind(),
                        format!(
                            "TLS certificate {} or key {}: {e}",
                            tls.cert.display(),
                            tls.key.display()
                        ),
                    )
                })?;
            let handle = axum_server::Handle::new();
            let h = handle.clone();
            tokio::spawn(async move {
                stopped().await;
                h.graceful_shutdown(Some(Duration::from_secs(10)));
            });
            let app = app.layer(axum::middleware::map_response(strict_transport));
            axum_server::tls_rustls::from_tcp_rustls(listener.into_std()?, config)?
                .handle(handle)
                .serve(app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .await?
        }
    }
    let s = state.clone();
    tokio::task::spawn_blocking(move || s.save_view())
        .await
        .map_err(std::io::Error::other)?;
    Ok(())
}

/// Ctrl-C or a request to terminate (a service manager stopping the server).
async fn stopped() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The process's traffic figures. Nothing here is computed from records: `/metrics` needs no
/// key, and a count of records (of RED ones among them) would tell anyone when partners upload.
pub(crate) fn metrics_text(state: &AppState) -> String {
    let m = &state.metrics;
    let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
    format!(
        "# TYPE interdict_http_requests_total counter\ninterdict_http_requests_total {}\n\
         # TYPE interdict_http_client_errors_total counter\ninterdict_http_client_errors_total {}\n\
         # TYPE interdict_http_server_errors_total counter\ninterdict_http_server_errors_total {}\n",
        g(&m.requests),
        g(&m.client_errors),
        g(&m.server_errors),
    )
}

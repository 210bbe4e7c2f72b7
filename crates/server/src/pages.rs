//! What the web application's pages read beyond records, actors and the queue: the dashboard,
//! the brand portal, rule packs with their back-tests, and the audit chain's verification.
//! Every answer is built from what the caller may see, as in `routes`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use interdict_access::{Role, Sight, Viewer};
use interdict_app::read_model::IngestHealth;
use interdict_model::Feed;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::routes::{
    Caller, Disclosures, emit, need_audit_reader, need_reader, role_may, visible_outcomes,
    write_event,
};

type St = State<Arc<AppState>>;

pub(crate) fn page_routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(dashboard))
        .routes(routes!(brands))
        .routes(routes!(approve_brand_owner, remove_brand_owner))
        .routes(routes!(get_rules, put_rules))
        .routes(routes!(rule_versions))
        .routes(routes!(switch_on_rules))
        .routes(routes!(default_rules))
        .routes(routes!(test_rules))
        .routes(routes!(get_shared_risk))
        .routes(routes!(put_shared_risk))
        .routes(routes!(verify_audit))
}

// ---------------------------------------------------------------- dashboard

#[derive(Serialize, ToSchema, Default, Clone)]
pub(crate) struct WeekOut {
    /// The Monday the week starts on.
    week: String,
    inspections: u64,
    seizures: u64,
    /// Seizures of counterfeits per inspection.
    hit_rate: Option<f64>,
    /// Retail value of the counterfeits seized, in US dollars.
    value_usd: f64,
}

#[derive(Serialize, ToSchema, Default)]
pub(crate) struct TotalsOut {
    inspections: u64,
    seizures: u64,
    hit_rate: Option<f64>,
    value_usd: f64,
    /// Accounts suspended and listings removed.
    suspensions: u64,
    test_buys: u64,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct QueueSizeOut {
    /// Scored shipments the caller may see.
    scored: usize,
    /// Of those, the ones without an outcome yet.
    open: usize,
    /// Open ones scoring 0.5 or more.
    high_risk: usize,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct IngestFileOut {
    org: String,
    feed: String,
    file: String,
    runs: u32,
    read: u64,
    landed: u64,
    quarantined: u64,
    last_run_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct QuarantinedOut {
    org: String,
    feed: String,
    file: String,
    line: u64,
    field: Option<String>,
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct IngestOut {
    runs: u64,
    read: u64,
    landed: u64,
    quarantined: u64,
    files: Vec<IngestFileOut>,
    /// The latest quarantined rows (at most 100).
    recent: Vec<QuarantinedOut>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct DashboardOut {
    weeks: Vec<WeekOut>,
    totals: TotalsOut,
    queue: QueueSizeOut,
    ingest: IngestOut,
}

/// The Monday of the ISO week a `YYYY-MM-DD` day falls in.
fn week_of(day: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(day.get(..10)?, "%Y-%m-%d").ok()?;
    let monday = d - chrono::Days::new(u64::from(
        chrono::Datelike::weekday(&d).num_days_from_monday(),
    ));
    Some(monday.format("%Y-%m-%d").to_string())
}

/// Seizures, hit rate and value captured by week, the queue's size and ingest health, over
/// what the caller may see.
#[utoipa::path(get, path = "/api/v1/dashboard",
    responses((status = 200, body = DashboardOut), (status = 403, body = ErrorBody)))]
async fn dashboard(State(state): St, Caller(v): Caller) -> Result<Json<DashboardOut>, ApiError> {
    need_reader(&v)?;
    let platform = state.platform.clone();
    let health = tokio::task::spawn_blocking(move || platform.ingest_health())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let view = state.view();
    let dir = state.directory.load();
    let groups = &dir.groups;
    let mut weeks: BTreeMap<String, WeekOut> = BTreeMap::new();
    let mut totals = TotalsOut::default();
    let mut d = Disclosures::new(&v, &view);
    for (i, rec) in view.records.iter().enumerate() {
        if rec.key.feed != Feed::Outcomes || view.sight(&v, i as u32, groups) != Sight::Full {
            continue;
        }
        let Some((result, value)) = view.outcome_result(i as u32) else {
            continue;
        };
        let Some(week) = view.record_date(i as u32).and_then(week_of) else {
            continue;
        };
        let w = weeks.entry(week.clone()).or_insert_with(|| WeekOut {
            week,
            ..Default::default()
        });
        match result {
            "seized_counterfeit" | "seized_other" | "released" => {
                w.inspections += 1;
                totals.inspections += 1;
                if result == "seized_counterfeit" {
                    w.seizures += 1;
                    w.value_usd += value;
                    totals.seizures += 1;
                    totals.value_usd += value;
                }
            }
            "account_suspended" | "listing_removed" => totals.suspensions += 1,
            "test_buy_fake" | "test_buy_genuine" => totals.test_buys += 1,
            _ => {}
        }
        d.shown(i as u32);
    }
    let rate = |s: u64, n: u64| (n > 0).then(|| s as f64 / n as f64);
    totals.hit_rate = rate(totals.seizures, totals.inspections);
    let weeks: Vec<WeekOut> = weeks
        .into_values()
        .map(|mut w| {
            w.hit_rate = rate(w.seizures, w.inspections);
            w
        })
        .collect();
    let visible = state.visible_queue(&view, &v);
    let mut open = 0;
    let mut high_risk = 0;
    for &i in &visible.ids {
        let s = &view.scores[i as usize];
        if visible_outcomes(&view, &v, s.record, groups).is_empty() {
            open += 1;
            if s.score >= 0.5 {
                high_risk += 1;
            }
        }
    }
    let ingest = ingest_health(&state, &health, &v);
    emit(&state, d.event("read", "dashboard".into(), String::new()));
    Ok(Json(DashboardOut {
        weeks,
        totals,
        queue: QueueSizeOut {
            scored: visible.ids.len(),
            open,
            high_risk,
        },
        ingest,
    }))
}

/// The caller's organisation's ingest runs and quarantine; a coordinator's sees every one.
fn ingest_health(state: &AppState, health: &IngestHealth, v: &Viewer) -> IngestOut {
    let all = state.sees_every_org(&v.org);
    let mine = |org: &str| all || org == v.org;
    let files: Vec<IngestFileOut> = health
        .files
        .iter()
        .filter(|f| mine(&f.org))
        .map(|f| IngestFileOut {
            org: f.org.clone(),
            feed: f.feed.as_str().to_string(),
            file: f.file.clone(),
            runs: f.runs,
            read: f.read,
            landed: f.landed,
            quarantined: f.quarantined,
            last_run_at: f.last_run_at.clone(),
        })
        .collect();
    let recent = health
        .quarantine
        .iter()
        .rev()
        .filter(|q| mine(&q.org))
        .take(100)
        .map(|q| QuarantinedOut {
            org: q.org.clone(),
            feed: q.feed.as_str().to_string(),
            file: q.file.clone(),
            line: q.line,
            field: q.field.clone(),
            reason: q.reason.clone(),
        })
        .collect();
    IngestOut {
        runs: files.iter().map(|f| u64::from(f.runs)).sum(),
        read: files.iter().map(|f| f.read).sum(),
        landed: files.iter().map(|f| f.landed).sum(),
        quarantined: files.iter().map(|f| f.quarantined).sum(),
        files,
        recent,
    }
}

// ---------------------------------------------------------------- brand portal

#[derive(Serialize, ToSchema)]
pub(crate) struct BrandOut {
    key: String,
    org: String,
    brand_id: String,
    name: String,
    marks: Vec<String>,
    lookalike_exceptions: Vec<String>,
    categories: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    price_floors: Vec<serde_json::Value>,
    genuine_origins: Vec<String>,
    genuine_lanes: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    authorised: Vec<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SuspectOut {
    key: String,
    org: String,
    feed: String,
    source_id: String,
    score: f64,
    day: Option<String>,
    brands: Vec<String>,
    reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marketplace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct BrandsOut {
    brands: Vec<BrandOut>,
    /// Scored shipments and listings naming one of the caller's own brands, with no outcome
    /// yet, highest score first.
    suspects: Vec<SuspectOut>,
}

const MAX_SUSPECTS: usize = 200;

fn strings(v: &serde_json::Value, field: &str) -> Vec<String> {
    v.get(field)
        .and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn objects(v: &serde_json::Value, field: &str) -> Vec<serde_json::Value> {
    v.get(field)
        .and_then(|x| x.as_array())
        .cloned()
        .unwrap_or_default()
}

/// The brands the caller may see (a brand owner's own first; a brand representative, only its
/// own), and the suspected fakes of its own brands awaiting its confirmation.
#[utoipa::path(get, path = "/api/v1/brands",
    responses((status = 200, body = BrandsOut), (status = 403, body = ErrorBody)))]
async fn brands(State(state): St, Caller(v): Caller) -> Result<Json<BrandsOut>, ApiError> {
    need_reader(&v)?;
    let view = state.view();
    let dir = state.directory.load();
    let groups = &dir.groups;
    let mut d = Disclosures::new(&v, &view);
    let mut out = Vec::new();
    for (i, rec) in view.records.iter().enumerate() {
        if rec.key.feed != Feed::Brands || view.sight(&v, i as u32, groups) != Sight::Full {
            continue;
        }
        // A brand representative's portal holds its own organisation's brands.
        if v.role == Role::BrandRep && rec.key.org != v.org {
            continue;
        }
        d.shown(i as u32);
        let r = &view.record_json(i as u32);
        out.push(BrandOut {
            key: rec.key.to_string(),
            org: rec.key.org.clone(),
            brand_id: rec.key.source_id.clone(),
            name: r
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_string(),
            marks: strings(r, "marks"),
            lookalike_exceptions: strings(r, "lookalike_exceptions"),
            categories: strings(r, "categories"),
            price_floors: objects(r, "price_floors"),
            genuine_origins: strings(r, "genuine_origins"),
            genuine_lanes: strings(r, "genuine_lanes"),
            authorised: objects(r, "authorised"),
        });
    }
    out.sort_by(|a, b| {
        (a.org != v.org)
            .cmp(&(b.org != v.org))
            .then(a.name.cmp(&b.name))
    });
    // Suspects are of the brands the caller's organisation is an approved owner of.
    let own: BTreeSet<String> = dir.brand_owners.get(&v.org).cloned().unwrap_or_default();
    let mut suspects = Vec::new();
    if !own.is_empty() {
        for &i in view.ranked_for(&v).iter() {
            if suspects.len() >= MAX_SUSPECTS {
                break;
            }
            let s = &view.scores[i as usize];
            if !s.brands.iter().any(|b| own.contains(&b.to_lowercase()))
                || view.sight(&v, s.record, groups) != Sight::Full
                || !visible_outcomes(&view, &v, s.record, groups).is_empty()
            {
                continue;
            }
            let rec = &view.records[s.record as usize];
            d.shown(s.record);
            let body = view.record_json(s.record);
            let text = |f: &str| body.get(f).and_then(|x| x.as_str()).map(str::to_string);
            suspects.push(SuspectOut {
                key: rec.key.to_string(),
                org: rec.key.org.clone(),
                feed: rec.key.feed.as_str().to_string(),
                source_id: rec.key.source_id.clone(),
                score: s.score,
                day: s.day.clone(),
                brands: s.brands.clone(),
                reasons: s
                    .reasons
                    .iter()
                    .filter(|x| view.reason_visible(&v, x, groups))
                    .map(|x| x.text.clone())
                    .collect(),
                marketplace: text("marketplace"),
                title: text("title"),
            });
        }
    }
    emit(&state, d.event("read", "brands".into(), String::new()));
    Ok(Json(BrandsOut {
        brands: out,
        suspects,
    }))
}

/// An organisation's approval as an owner of a brand.
#[derive(Serialize, ToSchema)]
pub(crate) struct BrandOwnerOut {
    /// The brand's name, lowercase.
    brand: String,
    org: String,
    approved: bool,
}

/// Sets or withdraws an approval: a coordinator's admins and analysts only; audited.
async fn brand_owner(
    state: Arc<AppState>,
    v: Viewer,
    brand: String,
    org: String,
    approve: bool,
) -> Result<Json<BrandOwnerOut>, ApiError> {
    if !(state.sees_every_org(&v.org) && matches!(v.role, Role::Admin | Role::Analyst)) {
        return Err(ApiError::Forbidden(
            "only a coordinator's admins and analysts approve brand owners".into(),
        ));
    }
    let _guard = state.write_lock.lock().await;
    let platform = state.platform.clone();
    let by = format!("{}:{}", v.org, v.user);
    let org2 = org.clone();
    let name =
        tokio::task::spawn_blocking(move || platform.set_brand_owner(&by, &brand, &org2, approve))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| match e.root() {
                interdict_app::Error::Invalid(m) => ApiError::BadRequest(m.clone()),
                interdict_app::Error::Missing(_) => ApiError::NotFound,
                _ => ApiError::Internal(e.to_string()),
            })?;
    let action = if approve {
        "brand_owner.approve"
    } else {
        "brand_owner.remove"
    };
    state
        .audit
        .record_durably(write_event(&v, action, name.clone(), org.clone()))
        .await?;
    // In force at once, on this server; the others take it with their next directory read.
    let s2 = state.clone();
    tokio::task::spawn_blocking(move || s2.reload_directory())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    Ok(Json(BrandOwnerOut {
        brand: name,
        org,
        approved: approve,
    }))
}

/// Approves an organisation as an owner of a brand: its brand representatives may then confirm
/// or deny suspected fakes of the brand. Uploading a brand record does not make an owner.
#[utoipa::path(put, path = "/api/v1/brands/{brand}/owners/{org}",
    params(("brand" = String, Path, description = "The brand's name"), ("org" = String, Path, description = "A brand organisation")),
    responses((status = 200, body = BrandOwnerOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn approve_brand_owner(
    State(state): St,
    Caller(v): Caller,
    Path((brand, org)): Path<(String, String)>,
) -> Result<Json<BrandOwnerOut>, ApiError> {
    brand_owner(state, v, brand, org, true).await
}

/// Withdraws an organisation's approval as an owner of a brand.
#[utoipa::path(delete, path = "/api/v1/brands/{brand}/owners/{org}",
    params(("brand" = String, Path, description = "The brand's name"), ("org" = String, Path, description = "A brand organisation")),
    responses((status = 200, body = BrandOwnerOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_brand_owner(
    State(state): St,
    Caller(v): Caller,
    Path((brand, org)): Path<(String, String)>,
) -> Result<Json<BrandOwnerOut>, ApiError> {
    brand_owner(state, v, brand, org, false).await
}

// ---------------------------------------------------------------- rules

/// One rule of a pack.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct RuleOut {
    pub name: String,
    /// `shipment`, `listing` or `any`.
    pub applies_to: String,
    /// The condition, in CEL.
    pub when: String,
    pub weight: f64,
    pub reason: String,
    pub enabled: bool,
}

/// The active rule pack.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct RulesInfo {
    /// `name@version#digest`, as scores are stamped.
    pub version: String,
    /// The pack as TOML.
    pub text: String,
    pub rules: Vec<RuleOut>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RulesOut {
    #[serde(flatten)]
    info: RulesInfo,
    /// Whose pack line the caller's organisation changes: `default` (the platform's default
    /// pack, which the coordination centre governs) or the organisation's name (its own).
    line: String,
    /// Whether the pack scoring the caller's queue is its organisation's own (else the
    /// platform's default).
    own: bool,
    /// Whether the caller may back-test packs (over what it sees).
    may_test: bool,
    /// Whether the caller may propose a new version of its line's pack.
    may_propose: bool,
    /// Whether the caller may switch a version on (a second person's proposal, or a rollback).
    may_switch_on: bool,
    /// The number of the version that scores now.
    active: Option<u32>,
}

/// One version of the shared pack.
#[derive(Serialize, ToSchema)]
pub(crate) struct RuleVersionOut {
    number: u32,
    /// The exact tag scores carry.
    tag: String,
    author: String,
    proposed_at: String,
    note: String,
    /// A unified diff against the pack active when it was proposed.
    diff: String,
    /// `active`, `proposed` (never switched on) or `earlier` (switched on before).
    status: &'static str,
    approved_by: Option<String>,
    approved_at: Option<String>,
    /// The pack as TOML.
    text: String,
    /// The back-test over what the author saw when proposing it.
    backtest: Vec<RuleTestOut>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RuleHistoryOut {
    active: Option<u32>,
    /// Newest first.
    versions: Vec<RuleVersionOut>,
}

fn version_out(
    v: interdict_app::rule_governance::RuleVersion,
    active: Option<u32>,
) -> RuleVersionOut {
    let status = if Some(v.number) == active {
        "active"
    } else if v.approved_by.is_some() {
        "earlier"
    } else {
        "proposed"
    };
    RuleVersionOut {
        number: v.number,
        tag: v.tag,
        author: v.author,
        proposed_at: v.proposed_at,
        note: v.note,
        diff: v.diff,
        status,
        approved_by: v.approved_by,
        approved_at: v.approved_at,
        text: v.text,
        backtest: v.backtest.into_iter().map(RuleTestOut::from).collect(),
    }
}

/// How one rule did over history.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct RuleTestOut {
    pub rule: String,
    pub enabled: bool,
    pub applies_to: String,
    pub weight: f64,
    /// Records it fires on, and their share of the records it applies to.
    pub fires: usize,
    pub share: f64,
    /// Of those, the ones with an outcome, and the counterfeit among them.
    pub labelled: usize,
    pub counterfeit: usize,
    pub precision: Option<f64>,
    pub base_rate: Option<f64>,
    pub errors: usize,
    pub first_error: Option<String>,
}

/// A back-test of a pack.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct RulesTest {
    pub pack: String,
    pub rules: Vec<RuleTestOut>,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PackIn {
    /// A rule pack as TOML.
    pack: String,
    /// Why the change (kept with a proposal).
    #[serde(default)]
    note: String,
}

fn may_edit_rules(v: &Viewer) -> bool {
    matches!(v.role, Role::Analyst | Role::Admin)
}

/// The pack line a caller's organisation changes: the coordination centre governs the
/// platform's default pack (`None`), the template every other organisation scores with until
/// it switches a pack of its own on; every other organisation changes its own.
fn rule_line(state: &AppState, v: &Viewer) -> Option<String> {
    (!state.sees_every_org(&v.org)).then(|| v.org.clone())
}

/// An organisation's analysts and admins propose versions of its line's pack; its admins
/// switch them on.
fn may_propose_rules(v: &Viewer) -> bool {
    may_edit_rules(v)
}

fn may_switch_on_rules(v: &Viewer) -> bool {
    v.role == Role::Admin
}

fn need_rules_editor(v: &Viewer) -> Result<(), ApiError> {
    role_may(
        v,
        may_edit_rules(v),
        "does not test or switch on rule packs",
    )
}

/// Runs a rule-pack call off the async threads; a pack the platform calls invalid is the
/// `pack` field's fault.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> interdict_app::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| {
            if e.is_invalid() {
                ApiError::field("pack", e.to_string())
            } else {
                ApiError::Internal(e.to_string())
            }
        })
}

impl From<interdict_app::platform::RuleLine> for RuleOut {
    fn from(r: interdict_app::platform::RuleLine) -> RuleOut {
        RuleOut {
            name: r.name,
            applies_to: r.applies_to.into(),
            when: r.when,
            weight: r.weight,
            reason: r.reason,
            enabled: r.enabled,
        }
    }
}

impl From<interdict_app::platform::RuleTest> for RuleTestOut {
    fn from(t: interdict_app::platform::RuleTest) -> RuleTestOut {
        RuleTestOut {
            rule: t.rule,
            enabled: t.enabled,
            applies_to: interdict_app::platform::target_name(t.applies_to).into(),
            weight: t.weight,
            fires: t.fires,
            share: t.share,
            labelled: t.labelled,
            counterfeit: t.counterfeit,
            precision: t.precision,
            base_rate: t.base_rate,
            errors: t.errors,
            first_error: t.first_error,
        }
    }
}

/// The active rule pack, rule by rule, and what the caller may do with packs.
#[utoipa::path(get, path = "/api/v1/rules",
    responses((status = 200, body = RulesOut), (status = 403, body = ErrorBody)))]
async fn get_rules(State(state): St, Caller(v): Caller) -> Result<Json<RulesOut>, ApiError> {
    need_reader(&v)?;
    let platform = state.platform.clone();
    let line = rule_line(&state, &v);
    let l = line.clone();
    let (active, history) = blocking(move || {
        Ok((
            platform.rules(l.as_deref())?,
            platform.rule_history(l.as_deref())?,
        ))
    })
    .await?;
    let info = RulesInfo {
        version: active.version,
        text: active.text,
        rules: active.rules.into_iter().map(RuleOut::from).collect(),
    };
    Ok(Json(RulesOut {
        info,
        line: line.unwrap_or_else(|| "default".into()),
        own: active.own,
        may_test: may_edit_rules(&v),
        may_propose: may_propose_rules(&v),
        may_switch_on: may_switch_on_rules(&v),
        active: history.active,
    }))
}

/// Every version of the caller's line's pack (its organisation's own; the platform's default
/// for the coordination centre), newest first: author, diff, back-test, who switched it on.
#[utoipa::path(get, path = "/api/v1/rules/versions",
    responses((status = 200, body = RuleHistoryOut), (status = 403, body = ErrorBody)))]
async fn rule_versions(
    State(state): St,
    Caller(v): Caller,
) -> Result<Json<RuleHistoryOut>, ApiError> {
    need_reader(&v)?;
    let platform = state.platform.clone();
    let line = rule_line(&state, &v);
    let h = blocking(move || platform.rule_history(line.as_deref())).await?;
    let active = h.active;
    Ok(Json(RuleHistoryOut {
        active,
        versions: h
            .versions
            .into_iter()
            .rev()
            .map(|x| version_out(x, active))
            .collect(),
    }))
}

/// Back-tests a rule pack over every record as of its own day, rule by rule, before it is
/// switched on.
#[utoipa::path(post, path = "/api/v1/rules/test", request_body = PackIn,
    responses((status = 200, body = RulesTest), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn test_rules(
    State(state): St,
    Caller(v): Caller,
    Json(body): Json<PackIn>,
) -> Result<Json<RulesTest>, ApiError> {
    need_rules_editor(&v)?;
    let platform = state.platform.clone();
    let viewer = v.clone();
    let tested = blocking(move || platform.test_rules(&viewer, &body.pack)).await?;
    let result = RulesTest {
        pack: tested.pack,
        rules: tested.rules.into_iter().map(RuleTestOut::from).collect(),
    };
    emit(
        &state,
        Some(write_event(
            &v,
            "rules.test",
            result.pack.clone(),
            String::new(),
        )),
    );
    Ok(Json(result))
}

/// Proposes a new version of the caller's line's pack (an organisation's analysts and admins:
/// its own pack; the coordination centre's: the platform's default): checked, diffed against
/// the pack scoring the line and back-tested over what the author sees. It scores nothing
/// until a second person of the organisation switches it on.
#[utoipa::path(put, path = "/api/v1/rules", request_body = PackIn,
    responses((status = 200, body = RuleVersionOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_rules(
    State(state): St,
    Caller(v): Caller,
    Json(body): Json<PackIn>,
) -> Result<Json<RuleVersionOut>, ApiError> {
    if !may_propose_rules(&v) {
        return Err(ApiError::Forbidden(
            "an organisation's analysts and admins propose changes to its rule pack".into(),
        ));
    }
    let _guard = state.write_lock.lock().await;
    let platform = state.platform.clone();
    let author = v.clone();
    let line = rule_line(&state, &v);
    let l = line.clone();
    // The store's clients block (PostgreSQL's runs a runtime of its own): off the async threads.
    let (version, active) = blocking(move || {
        let version = platform.propose_rules(l.as_deref(), &author, &body.pack, &body.note)?;
        Ok((version, platform.rule_history(l.as_deref())?.active))
    })
    .await?;
    state
        .audit
        .record_durably(write_event(
            &v,
            "rules.propose",
            version.tag.clone(),
            format!("{} version {}", line_name(&line), version.number),
        ))
        .await?;
    Ok(Json(version_out(version, active)))
}

/// Switches a version of the caller's line's pack on (the organisation's admins): a proposal
/// by someone else, or an earlier version switched on before (a rollback). The scores it makes
/// are made again at once.
#[utoipa::path(post, path = "/api/v1/rules/versions/{number}/switch-on",
    params(("number" = u32, Path, description = "The version's number")),
    responses((status = 200, body = RuleVersionOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn switch_on_rules(
    State(state): St,
    Caller(v): Caller,
    Path(number): Path<u32>,
) -> Result<Json<RuleVersionOut>, ApiError> {
    if !may_switch_on_rules(&v) {
        return Err(ApiError::Forbidden(
            "an organisation's admins switch versions of its rule pack on".into(),
        ));
    }
    let _guard = state.write_lock.lock().await;
    let platform = state.platform.clone();
    let approver = v.clone();
    let line = rule_line(&state, &v);
    let l = line.clone();
    let version = tokio::task::spawn_blocking(move || {
        platform.switch_on_rules(l.as_deref(), &approver, number)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| match e.root() {
        interdict_app::Error::Invalid(m) => ApiError::Forbidden(m.clone()),
        interdict_app::Error::Missing(_) => ApiError::NotFound,
        _ => ApiError::Internal(e.to_string()),
    })?;
    state
        .audit
        .record_durably(write_event(
            &v,
            "rules.switch_on",
            version.tag.clone(),
            format!("{} version {}", line_name(&line), version.number),
        ))
        .await?;
    Ok(Json(version_out(version, Some(number))))
}

fn line_name(line: &Option<String>) -> String {
    match line {
        Some(org) => format!("{org}'s own pack"),
        None => "the platform's default pack".into(),
    }
}

/// Puts the caller's organisation back on the platform's default pack (its admins); its own
/// versions stay, to be switched on again. Its scores are made again at once.
#[utoipa::path(post, path = "/api/v1/rules/default",
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn default_rules(State(state): St, Caller(v): Caller) -> Result<StatusCode, ApiError> {
    if !may_switch_on_rules(&v) {
        return Err(ApiError::Forbidden(
            "an organisation's admins choose the pack its scores are made with".into(),
        ));
    }
    let Some(org) = rule_line(&state, &v) else {
        return Err(ApiError::field(
            "line",
            "the coordination centre governs the platform's default pack: switch one of its versions on",
        ));
    };
    let _guard = state.write_lock.lock().await;
    let platform = state.platform.clone();
    let o = org.clone();
    blocking(move || platform.default_rules(&o)).await?;
    state
        .audit
        .record_durably(write_event(
            &v,
            "rules.default",
            org,
            "back to the platform's default pack".into(),
        ))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- shared risk

/// Whether one feed of the caller's organisation informs other organisations' scores.
#[derive(Serialize, ToSchema)]
pub(crate) struct SharedRiskOut {
    feed: String,
    /// `default` (every record but RED ones), `all` (RED ones too) or `none`.
    contributes: String,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct SharedRiskIn {
    /// `default`, `all` or `none`.
    contributes: String,
}

use interdict_app::saved::Contributes;

/// Which feeds of the caller's organisation inform other organisations' scores without
/// disclosure.
#[utoipa::path(get, path = "/api/v1/shared-risk",
    responses((status = 200, body = Vec<SharedRiskOut>), (status = 403, body = ErrorBody)))]
async fn get_shared_risk(
    State(state): St,
    Caller(v): Caller,
) -> Result<Json<Vec<SharedRiskOut>>, ApiError> {
    need_reader(&v)?;
    let platform = state.platform.clone();
    let settings = blocking(move || platform.shared_risk()).await?;
    Ok(Json(
        interdict_model::Feed::ALL
            .iter()
            .map(|&f| SharedRiskOut {
                feed: f.as_str().into(),
                contributes: Contributes::setting_name(settings.get(&v.org, f)).into(),
            })
            .collect(),
    ))
}

/// Sets whether records of a feed of the caller's organisation inform other organisations'
/// scores without disclosure (its admins). Every score is made again at once.
#[utoipa::path(put, path = "/api/v1/shared-risk/{feed}", request_body = SharedRiskIn,
    params(("feed" = String, Path, description = "The feed")),
    responses((status = 200, body = SharedRiskOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_shared_risk(
    State(state): St,
    Caller(v): Caller,
    Path(feed): Path<String>,
    Json(body): Json<SharedRiskIn>,
) -> Result<Json<SharedRiskOut>, ApiError> {
    if v.role != Role::Admin {
        return Err(ApiError::Forbidden(
            "an organisation's admins decide what its records inform".into(),
        ));
    }
    let f: interdict_model::Feed = feed
        .parse()
        .map_err(|e: interdict_model::ParseFeedError| ApiError::field("feed", e.to_string()))?;
    let to = Contributes::parse_setting(&body.contributes)
        .map_err(|e| ApiError::field("contributes", e))?;
    let _guard = state.write_lock.lock().await;
    let platform = state.platform.clone();
    let org = v.org.clone();
    blocking(move || platform.set_shared_risk(&org, f, to)).await?;
    let name = Contributes::setting_name(to);
    state
        .audit
        .record_durably(write_event(
            &v,
            "shared_risk.set",
            format!("{}/{}", v.org, f.as_str()),
            name.into(),
        ))
        .await?;
    Ok(Json(SharedRiskOut {
        feed: f.as_str().into(),
        contributes: name.into(),
    }))
}

// ---------------------------------------------------------------- audit

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditCheck {
    ok: bool,
    entries: u64,
    /// The chain's head hash, when it verifies.
    head: Option<String>,
    /// What is wrong, when it does not.
    problem: Option<String>,
}

/// Walks the whole audit chain and checks every link and hash, and the anchored checkpoints.
#[utoipa::path(get, path = "/api/v1/audit/verify",
    responses((status = 200, body = AuditCheck), (status = 403, body = ErrorBody)))]
async fn verify_audit(State(state): St, Caller(v): Caller) -> Result<Json<AuditCheck>, ApiError> {
    need_audit_reader(&v)?;
    let platform = state.platform.clone();
    let anchor = state.options.anchor.clone();
    let check = tokio::task::spawn_blocking(move || -> Result<AuditCheck, ApiError> {
        let dir = platform
            .connection()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let text = match &anchor {
            Some(p) if p.exists() => Some(
                std::fs::read_to_string(p)
                    .map_err(|e| ApiError::Internal(format!("{}: {e}", p.display())))?,
            ),
            _ => None,
        };
        let name = anchor
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let given = text.as_deref().map(|t| (name.as_str(), t));
        Ok(match crate::audit_log::verify_log(&*dir, given) {
            Ok(done) => AuditCheck {
                ok: true,
                entries: done.entries,
                head: Some(done.head.to_string()),
                problem: None,
            },
            Err(e) => AuditCheck {
                ok: false,
                entries: 0,
                head: None,
                problem: Some(e.to_string()),
            },
        })
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(Json(check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of("2026-03-04").as_deref(), Some("2026-03-02"));
        assert_eq!(week_of("2026-03-02").as_deref(), Some("2026-03-02"));
        assert_eq!(week_of("2026-03-08").as_deref(), Some("2026-03-02"));
        assert_eq!(
            week_of("2026-03-09T10:00:00Z").as_deref(),
            Some("2026-03-09")
        );
        assert_eq!(week_of("March"), None);
    }
}

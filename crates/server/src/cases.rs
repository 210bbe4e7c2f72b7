//! Investigation cases over HTTP: the case list (with CSV), opening a case, one case as the
//! caller sees it, changes at a version (409 when another writer got there first), files kept
//! by their SHA-256, the referral package, and the notices of other organisations' cases on the
//! same actors (deconfliction). A case is read under its own marking through the one access
//! policy; its records and actors are shown only as the reader may see them, the rest as held
//! elsewhere. Every write, view and export of a case is audited with the case as its target,
//! which is the chain of custody a referral carries.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use interdict_access::{Groups, Member, Sight, Viewer, org_sight, sight};
use interdict_app::case_view::{self, PackedFile};
use interdict_app::cases::{self, Case, Change, Status};
use interdict_model::Marking;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::DirectoryView;
use crate::csv_out::{csv_response, wants_csv};
use crate::error::{ApiError, ErrorBody};
use crate::notices::NoticeOut;
use crate::routes::{Caller, Disclosures, ExistenceOut, emit, need_reader, write_event};
use crate::view::View;

type St = State<Arc<AppState>>;

pub(crate) fn case_routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, open_case))
        .routes(routes!(get_case))
        .routes(routes!(change_case))
        .routes(routes!(get_file))
        .routes(routes!(referral))
        .routes(routes!(notices))
}

/// The file upload, under the upload body limit.
pub(crate) fn file_routes() -> axum::Router<Arc<AppState>> {
    let (r, _) = OpenApiRouter::new()
        .routes(routes!(add_file))
        .split_for_parts();
    r
}

pub(crate) fn file_spec() -> utoipa::openapi::OpenApi {
    let (_, spec) = OpenApiRouter::<Arc<AppState>>::new()
        .routes(routes!(add_file))
        .split_for_parts();
    spec
}

/// The largest file a case keeps.
const FILE_BYTES: usize = 25 << 20;
/// The most changes one request makes.
const CHANGES: usize = 200;

/// Whether the caller may read the case: its marking and sharing group admit it in full.
fn reads(v: &Viewer, c: &Case, groups: &dyn Groups) -> bool {
    sight(v, c.label(), groups) == Sight::Full
}

/// Whether the caller may change the case: a reader of records in the owner organisation, or
/// in an organisation its sharing group names and that may read it. A GREEN case is read by
/// the community, not worked by it.
fn writes(v: &Viewer, c: &Case, groups: &dyn Groups) -> bool {
    let member = c
        .sharing_group
        .as_deref()
        .and_then(|g| groups.members(g))
        .is_some_and(|m| m.contains(&Member::Org(v.org.clone())));
    v.role.reads_records()
        && (v.org == c.org || (member && org_sight(&v.org, c.label(), groups) == Sight::Full))
}

/// The case the caller may read, or the same 404 as a missing one.
fn readable<'d>(dir: &'d DirectoryView, v: &Viewer, id: &str) -> Result<&'d Case, ApiError> {
    dir.cases
        .get(id)
        .filter(|c| reads(v, c, &dir.groups))
        .ok_or(ApiError::NotFound)
}

fn target(id: &str) -> String {
    format!("case {id}")
}

// ---------------------------------------------------------------- reading

#[derive(Serialize, ToSchema)]
pub(crate) struct CaseActorOut {
    actor: String,
    name: String,
    hub: bool,
    added_by: String,
    added_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CaseRecordOut {
    key: String,
    org: String,
    feed: String,
    /// `shipment`, `listing`, `outcome: seized`, `test buy: fake`, ...
    kind: String,
    date: Option<String>,
    description: String,
    /// SHA-256 of the record's canonical JSON.
    sha256: String,
    note: Option<String>,
    added_by: String,
    added_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CaseOut {
    id: String,
    org: String,
    title: String,
    status: String,
    /// The statuses the case may move to next.
    next_statuses: Vec<String>,
    marking: String,
    sharing_group: Option<String>,
    created_at: String,
    created_by: String,
    updated_at: String,
    /// Send it back with changes.
    version: u64,
    /// Whether the caller may change the case.
    may_write: bool,
    assignees: Vec<String>,
    actors: Vec<CaseActorOut>,
    records: Vec<CaseRecordOut>,
    #[schema(value_type = Vec<Object>)]
    files: Vec<cases::CaseFile>,
    #[schema(value_type = Vec<Object>)]
    tasks: Vec<cases::Task>,
    #[schema(value_type = Vec<Object>)]
    notes: Vec<cases::Note>,
    #[schema(value_type = Vec<Object>)]
    timeline: Vec<cases::Entry>,
    /// Other organisations' cases on the same actors, as much as their markings allow.
    notices: Vec<NoticeOut>,
    /// Actors and records of the case the caller may not see: whom to ask.
    held_elsewhere: Vec<ExistenceOut>,
}

fn case_out(
    c: &Case,
    view: &View,
    dir: &DirectoryView,
    v: &Viewer,
    d: &mut Disclosures,
) -> CaseOut {
    let groups = &dir.groups;
    let seen = case_view::seen(c, view, v, groups);
    let mut notices = Vec::new();
    let mut told = BTreeSet::new();
    for a in &seen.actors {
        let (_, found) =
            cases::notices_on(&dir.cases, &dir.cases_by_actor, &a.entry.actor, v, groups);
        for n in found {
            if n.case.as_deref() != Some(c.id.as_str())
                && n.org != c.org
                && told.insert((n.org.clone(), n.case.clone(), n.actor.clone()))
            {
                notices.push(n.into());
            }
        }
    }
    let records = seen
        .records
        .iter()
        .map(|r| {
            d.shown(r.record);
            let key = &view.records[r.record as usize].key;
            CaseRecordOut {
                key: r.entry.key.clone(),
                org: key.org.clone(),
                feed: key.feed.as_str().into(),
                kind: case_view::evidence_kind(view, r.record),
                date: view.record_date(r.record).map(str::to_string),
                description: case_view::evidence_description(view, r.record),
                sha256: case_view::record_hash(view, r.record),
                note: r.entry.note.clone(),
                added_by: r.entry.added_by.clone(),
                added_at: r.entry.added_at.clone(),
            }
        })
        .collect();
    CaseOut {
        id: c.id.clone(),
        org: c.org.clone(),
        title: c.title.clone(),
        status: c.status.as_str().into(),
        next_statuses: c.status.next().iter().map(|s| s.as_str().into()).collect(),
        marking: format!("TLP:{}", c.marking),
        // Who else a case is shared with is its owner's business.
        sharing_group: if v.org == c.org {
            c.sharing_group.clone()
        } else {
            None
        },
        created_at: c.created_at.clone(),
        created_by: c.created_by.clone(),
        updated_at: c.updated_at.clone(),
        version: c.version,
        may_write: writes(v, c, groups),
        assignees: c.assignees.iter().cloned().collect(),
        actors: seen
            .actors
            .iter()
            .map(|a| CaseActorOut {
                actor: a.entry.actor.clone(),
                name: a.name.clone(),
                hub: a.hub,
                added_by: a.entry.added_by.clone(),
                added_at: a.entry.added_at.clone(),
            })
            .collect(),
        records,
        files: c.files.clone(),
        tasks: c.tasks.clone(),
        notes: c.notes.clone(),
        timeline: seen.timeline,
        notices,
        held_elsewhere: seen.held_elsewhere.into_iter().map(Into::into).collect(),
    }
}

/// One case as the caller sees it.
#[utoipa::path(get, path = "/api/v1/cases/{id}",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseOut), (status = 404, body = ErrorBody)))]
async fn get_case(
    State(state): St,
    Caller(v): Caller,
    Path(id): Path<String>,
) -> Result<Json<CaseOut>, ApiError> {
    need_reader(&v)?;
    let view = state.view();
    let dir = state.directory.load();
    let c = readable(&dir, &v, &id)?;
    let mut d = Disclosures::new(&v, &view);
    let out = case_out(c, &view, &dir, &v, &mut d);
    emit(&state, d.event("view", target(&id), String::new()));
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CaseListParams {
    /// Only cases with this status (`open`, `active`, `referred`, `closed`).
    status: Option<String>,
    /// Only cases this user is assigned to (`me` for the caller).
    assignee: Option<String>,
    /// Only cases on this actor.
    actor: Option<String>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CaseBrief {
    id: String,
    title: String,
    status: String,
    org: String,
    marking: String,
    assignees: Vec<String>,
    /// Actors and evidence records of the case the caller sees.
    actors: usize,
    records: usize,
    files: usize,
    open_tasks: usize,
    updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CaseList {
    total: usize,
    items: Vec<CaseBrief>,
}

/// The cases the caller reads, latest change first.
#[utoipa::path(get, path = "/api/v1/cases", params(CaseListParams),
    responses((status = 200, body = CaseList, content_type = "application/json"),
              (status = 200, description = "`format=csv`", content_type = "text/csv"),
              (status = 400, body = ErrorBody)))]
async fn list_cases(
    State(state): St,
    Caller(v): Caller,
    Query(p): Query<CaseListParams>,
) -> Result<Response, ApiError> {
    need_reader(&v)?;
    let csv = wants_csv(p.format.as_deref())?;
    let status = p
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            Status::parse(s).ok_or_else(|| {
                ApiError::field("status", "status must be open, active, referred or closed")
            })
        })
        .transpose()?;
    let assignee = p
        .assignee
        .filter(|a| !a.is_empty())
        .map(|a| if a == "me" { v.user.clone() } else { a });
    let view = state.view();
    let dir = state.directory.load();
    let mut items: Vec<CaseBrief> = dir
        .cases
        .values()
        .filter(|c| reads(&v, c, &dir.groups))
        .filter(|c| status.is_none_or(|s| c.status == s))
        .filter(|c| assignee.as_ref().is_none_or(|a| c.assignees.contains(a)))
        .filter(|c| p.actor.as_deref().is_none_or(|a| c.has_actor(a)))
        .map(|c| {
            let seen = case_view::seen(c, &view, &v, &dir.groups);
            // An actor filter must not tell which hidden actors a case is on.
            let shown = p
                .actor
                .as_deref()
                .is_none_or(|a| seen.actors.iter().any(|x| x.entry.actor == a));
            (
                shown,
                CaseBrief {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    status: c.status.as_str().into(),
                    org: c.org.clone(),
                    marking: format!("TLP:{}", c.marking),
                    assignees: c.assignees.iter().cloned().collect(),
                    actors: seen.actors.len(),
                    records: seen.records.len(),
                    files: c.files.len(),
                    open_tasks: c.tasks.iter().filter(|t| !t.done).count(),
                    updated_at: c.updated_at.clone(),
                },
            )
        })
        .filter(|(shown, _)| *shown)
        .map(|(_, b)| b)
        .collect();
    items.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    if csv {
        emit(
            &state,
            Some(write_event(
                &v,
                "export",
                "cases".into(),
                format!("rows {}", items.len()),
            )),
        );
        let columns = [
            "id",
            "title",
            "status",
            "org",
            "marking",
            "assignees",
            "actors",
            "records",
            "files",
            "open_tasks",
            "updated_at",
        ];
        let rows = items.into_iter().map(|c| {
            vec![
                c.id,
                c.title,
                c.status,
                c.org,
                c.marking,
                c.assignees.join(" "),
                c.actors.to_string(),
                c.records.to_string(),
                c.files.to_string(),
                c.open_tasks.to_string(),
                c.updated_at,
            ]
        });
        return csv_response("cases.csv", &columns, rows);
    }
    Ok(Json(CaseList {
        total: items.len(),
        items,
    })
    .into_response())
}

// ---------------------------------------------------------------- writing

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenCase {
    title: String,
    /// TLP marking of the case itself (default AMBER: other organisations learn only that it
    /// exists, through deconfliction notices).
    marking: Option<String>,
    sharing_group: Option<String>,
    /// Actors to open it on.
    #[serde(default)]
    actors: Vec<String>,
    /// Records to keep as evidence (`org/feed/source id`).
    #[serde(default)]
    records: Vec<String>,
    /// A first note.
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseChanges {
    /// The version the changes were made against (the `version` the case was read at).
    version: u64,
    #[schema(value_type = Vec<Object>)]
    changes: Vec<Change>,
}

fn app_error(e: interdict_app::Error) -> ApiError {
    if e.is_invalid() {
        let m = e.to_string();
        match m.split_once(": ") {
            Some((field, why)) if !field.contains(' ') => ApiError::field(field, why),
            _ => ApiError::BadRequest(m),
        }
    } else {
        ApiError::Internal(e.to_string())
    }
}

/// Checks what a change names against what the writer may see and who exists.
fn check(
    change: &Change,
    c: &Case,
    view: &View,
    dir: &DirectoryView,
    v: &Viewer,
) -> Result<(), ApiError> {
    let groups = &dir.groups;
    match change {
        Change::AddActor { actor } => {
            let a = view.actor(actor.trim()).ok_or_else(|| {
                ApiError::field("actor", format!("there is no actor {}", actor.trim()))
            })?;
            if !case_view::sees_actor(view, v, a, groups) {
                return Err(ApiError::field(
                    "actor",
                    format!("there is no actor {}", actor.trim()),
                ));
            }
        }
        Change::AddRecord { record, .. } => {
            let seen = view
                .record_named(record.trim())
                .is_some_and(|r| view.sight(v, r, groups) == Sight::Full);
            if !seen {
                return Err(ApiError::field(
                    "record",
                    format!("there is no record {}", record.trim()),
                ));
            }
        }
        Change::Assign { user } => {
            let u = dir
                .users
                .get(user.trim())
                .filter(|u| !u.disabled)
                .ok_or_else(|| {
                    ApiError::field("user", format!("there is no user {}", user.trim()))
                })?;
            if org_sight(&u.org, c.label(), groups) != Sight::Full {
                return Err(ApiError::field(
                    "user",
                    format!(
                        "{} of {} may not read this case under its marking",
                        u.name, u.org
                    ),
                ));
            }
        }
        Change::AddTask {
            assignee: Some(a), ..
        } if !a.trim().is_empty() && !dir.users.contains_key(a.trim()) => {
            return Err(ApiError::field(
                "assignee",
                format!("there is no user {}", a.trim()),
            ));
        }
        Change::Marking {
            sharing_group: Some(g),
            ..
        } if !g.trim().is_empty() && !dir.groups.contains_key(g.trim()) => {
            return Err(ApiError::field(
                "sharing_group",
                format!("there is no sharing group {}", g.trim()),
            ));
        }
        _ => {}
    }
    Ok(())
}

/// A few words for the audit trail of what changed.
fn summary(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| match c {
            Change::Title { .. } => "title".to_string(),
            Change::Status { status } => format!("status {status}"),
            Change::Marking { marking, .. } => format!("marking {marking}"),
            Change::Assign { user } => format!("assign {user}"),
            Change::Unassign { user } => format!("unassign {user}"),
            Change::AddActor { actor } => format!("add actor {actor}"),
            Change::RemoveActor { actor } => format!("remove actor {actor}"),
            Change::AddRecord { record, .. } => format!("add record {record}"),
            Change::RemoveRecord { record } => format!("remove record {record}"),
            Change::AddTask { .. } => "add task".to_string(),
            Change::Task { task, done } => {
                format!("task {task} {}", if *done { "done" } else { "open" })
            }
            Change::Note { .. } => "note".to_string(),
            Change::AddFile(f) => format!("add file {} sha256 {}", f.name, f.sha256),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Applies changes to the stored case at `version`, checks them against what the caller may
/// see, writes the next version, audits it durably, and gives the case as the caller sees it.
async fn write_changes(
    state: &Arc<AppState>,
    v: &Viewer,
    id: &str,
    version: Option<u64>,
    changes: Vec<Change>,
    action: &str,
) -> Result<CaseOut, ApiError> {
    if changes.is_empty() {
        return Err(ApiError::field("changes", "no changes were sent"));
    }
    at_most(changes.len(), "changes")?;
    let _one = state.write_lock.lock().await;
    let updated = {
        let view = state.view();
        let dir = state.directory.load();
        let c = readable(&dir, v, id)?;
        if !writes(v, c, &dir.groups) {
            return Err(ApiError::Forbidden(format!(
                "{} may read this case but not change it: its owner {} does",
                v.org, c.org
            )));
        }
        if let Some(version) = version
            && version != c.version
        {
            return Err(ApiError::Conflict(format!(
                "the case is at version {}, not {version}: read it again and redo the change",
                c.version
            )));
        }
        let mut next = c.clone();
        apply_all(&mut next, &changes, &view, &dir, v)?;
        next.version += 1;
        next
    };
    store_and_show(state, v, &updated, action, summary(&changes)).await
}

/// Refuses more changes than one request may make.
fn at_most(n: usize, field: &str) -> Result<(), ApiError> {
    if n > CHANGES {
        return Err(ApiError::field(
            field,
            format!("at most {CHANGES} changes (actors, records, notes) at once"),
        ));
    }
    Ok(())
}

/// Checks each change against what the writer may see and applies it, in order.
fn apply_all(
    c: &mut Case,
    changes: &[Change],
    view: &View,
    dir: &DirectoryView,
    v: &Viewer,
) -> Result<(), ApiError> {
    let at = interdict_app::now();
    for change in changes {
        check(change, c, view, dir, v)?;
        c.apply(change, v, &at).map_err(app_error)?;
    }
    Ok(())
}

/// Stores a case and gives it as the caller now sees it.
async fn store_and_show(
    state: &Arc<AppState>,
    v: &Viewer,
    c: &Case,
    action: &str,
    detail: String,
) -> Result<CaseOut, ApiError> {
    store_case(state, v, c, action, detail).await?;
    let view = state.view();
    let dir = state.directory.load();
    let mut d = Disclosures::new(v, &view);
    Ok(case_out(c, &view, &dir, v, &mut d))
}

/// Writes a case (the caller holds the write lock), audits it durably, and reloads the cases.
async fn store_case(
    state: &Arc<AppState>,
    v: &Viewer,
    c: &Case,
    action: &str,
    detail: String,
) -> Result<(), ApiError> {
    let platform = state.platform.clone();
    let row = c.clone();
    let written = tokio::task::spawn_blocking(move || -> Result<bool, ApiError> {
        let mut dir = platform
            .connection()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        cases::save(&mut *dir, &row).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    if !written {
        state.reload_directory().map_err(ApiError::Internal)?;
        return Err(ApiError::Conflict(
            "another writer changed the case first: read it again and redo the change".into(),
        ));
    }
    state
        .audit
        .record_durably(write_event(v, action, target(&c.id), detail))
        .await?;
    let s = state.clone();
    tokio::task::spawn_blocking(move || s.reload_directory())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    Ok(())
}

/// Opens a case owned by the caller's organisation.
#[utoipa::path(post, path = "/api/v1/cases", request_body = OpenCase,
    responses((status = 201, body = CaseOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn open_case(
    State(state): St,
    Caller(v): Caller,
    Json(body): Json<OpenCase>,
) -> Result<(StatusCode, Json<CaseOut>), ApiError> {
    need_reader(&v)?;
    let marking = match body
        .marking
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => Marking::Amber,
        Some(m) => m.parse().map_err(|e: interdict_model::ParseMarkingError| {
            ApiError::field("marking", e.to_string())
        })?,
    };
    let mut changes = Vec::new();
    if body.sharing_group.is_some() {
        changes.push(Change::Marking {
            marking: marking.as_str().into(),
            sharing_group: body.sharing_group.clone(),
        });
    }
    changes.extend(
        body.actors
            .iter()
            .map(|a| Change::AddActor { actor: a.clone() }),
    );
    changes.extend(body.records.iter().map(|r| Change::AddRecord {
        record: r.clone(),
        note: None,
    }));
    if let Some(n) = body.note.filter(|n| !n.trim().is_empty()) {
        changes.push(Change::Note { text: n });
    }
    at_most(changes.len(), "actors")?;
    let _one = state.write_lock.lock().await;
    let case = {
        let view = state.view();
        let dir = state.directory.load();
        let mut c = Case::open(
            cases::new_id(),
            &v,
            &body.title,
            marking,
            &interdict_app::now(),
        )
        .map_err(app_error)?;
        apply_all(&mut c, &changes, &view, &dir, &v)?;
        c
    };
    let detail = format!("opened \u{201c}{}\u{201d}", case.title);
    let out = store_and_show(&state, &v, &case, "case.open", detail).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Changes a case: every change applies, or none does.
#[utoipa::path(post, path = "/api/v1/cases/{id}/changes",
    params(("id" = String, Path, description = "Case id")),
    request_body = CaseChanges,
    responses((status = 200, body = CaseOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn change_case(
    State(state): St,
    Caller(v): Caller,
    Path(id): Path<String>,
    Json(body): Json<CaseChanges>,
) -> Result<Json<CaseOut>, ApiError> {
    need_reader(&v)?;
    Ok(Json(
        write_changes(
            &state,
            &v,
            &id,
            Some(body.version),
            body.changes,
            "case.change",
        )
        .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FileParams {
    /// The file's name.
    name: String,
}

/// Keeps a file (a photograph, a test-buy receipt, a statement) as evidence of a case, by its
/// SHA-256.
#[utoipa::path(post, path = "/api/v1/cases/{id}/files",
    params(("id" = String, Path, description = "Case id"), FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = CaseOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn add_file(
    State(state): St,
    Caller(v): Caller,
    Path(id): Path<String>,
    Query(p): Query<FileParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseOut>, ApiError> {
    need_reader(&v)?;
    if body.is_empty() {
        return Err(ApiError::BadRequest("the file is empty".into()));
    }
    if body.len() > FILE_BYTES {
        return Err(ApiError::TooLarge(format!(
            "a case file holds at most {} MiB",
            FILE_BYTES >> 20
        )));
    }
    {
        let dir = state.directory.load();
        let c = readable(&dir, &v, &id)?;
        if !writes(&v, c, &dir.groups) {
            return Err(ApiError::Forbidden(format!(
                "{} may not change this case",
                v.org
            )));
        }
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("application/octet-stream")
        .chars()
        .take(100)
        .collect::<String>();
    let platform = state.platform.clone();
    let bytes = body.clone();
    let sha256 = tokio::task::spawn_blocking(move || platform.put_case_file(&bytes))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let file = cases::CaseFile {
        name: p.name,
        sha256,
        bytes: body.len() as u64,
        content_type,
        added_by: v.user.clone(),
        added_at: interdict_app::now(),
    };
    Ok(Json(
        write_changes(
            &state,
            &v,
            &id,
            None,
            vec![Change::AddFile(file)],
            "case.file",
        )
        .await?,
    ))
}

/// A file of a case, as it was kept.
#[utoipa::path(get, path = "/api/v1/cases/{id}/files/{sha256}",
    params(("id" = String, Path, description = "Case id"), ("sha256" = String, Path, description = "The file's SHA-256")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
async fn get_file(
    State(state): St,
    Caller(v): Caller,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    need_reader(&v)?;
    let file = {
        let dir = state.directory.load();
        let c = readable(&dir, &v, &id)?;
        c.files
            .iter()
            .find(|f| f.sha256 == sha256)
            .cloned()
            .ok_or(ApiError::NotFound)?
    };
    let platform = state.platform.clone();
    let sha = file.sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || platform.case_file(&sha))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .ok_or(ApiError::NotFound)?;
    emit(
        &state,
        Some(write_event(
            &v,
            "view",
            target(&id),
            format!("file {} sha256 {}", file.name, file.sha256),
        )),
    );
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", header_safe(&file.name)),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A file name as a header may carry it: printable ASCII, with anything else (quotes and
/// backslashes too) as `_`.
fn header_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

// ---------------------------------------------------------------- referral

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReferralParams {
    /// `zip` (default: the whole package), `pdf`, `html` or `json` (the report alone).
    format: Option<String>,
}

/// The referral package of a case: the report as HTML and PDF with the network picture, the
/// evidence with hashes and the chain of custody, the referral as JSON and the case's files,
/// in a ZIP with a manifest of hashes. The package's SHA-256 is in `X-Content-SHA256` and in
/// the audit trail. Only what the caller may see goes in.
#[utoipa::path(get, path = "/api/v1/cases/{id}/referral",
    params(("id" = String, Path, description = "Case id"), ReferralParams),
    responses((status = 200, content_type = "application/zip"), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn referral(
    State(state): St,
    Caller(v): Caller,
    Path(id): Path<String>,
    Query(p): Query<ReferralParams>,
) -> Result<Response, ApiError> {
    need_reader(&v)?;
    let format = p.format.as_deref().unwrap_or("zip");
    if !["zip", "pdf", "html", "json"].contains(&format) {
        return Err(ApiError::field(
            "format",
            "format must be zip, pdf, html or json",
        ));
    }
    let case = {
        let dir = state.directory.load();
        let c = readable(&dir, &v, &id)?;
        if !writes(&v, c, &dir.groups) {
            return Err(ApiError::Forbidden(format!(
                "only the organisations working case {id} export its referral"
            )));
        }
        c.clone()
    };
    let platform = state.platform.clone();
    let case_id = id.clone();
    let files_of = case.files.clone();
    let (custody, files) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let dir = platform
            .connection()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let custody =
            case_view::custody(&*dir, &case_id).map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut files = Vec::new();
        for f in files_of {
            let bytes = platform
                .case_file(&f.sha256)
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .ok_or_else(|| {
                    ApiError::Internal(format!("file {} of the case is missing", f.sha256))
                })?;
            files.push(PackedFile {
                name: f.name,
                sha256: f.sha256,
                bytes,
            });
        }
        Ok((custody, files))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    let (report, disclosed) = {
        let view = state.view();
        let dir = state.directory.load();
        let report = case_view::referral(
            &case,
            &view,
            &v,
            &dir.groups,
            custody,
            &interdict_app::now(),
        );
        let mut d = Disclosures::new(&v, &view);
        for r in case_view::seen(&case, &view, &v, &dir.groups).records {
            d.shown(r.record);
        }
        (report, d.event("export", target(&id), String::new()))
    };
    let (bytes, content_type, name) = match format {
        "pdf" => (
            interdict_report::pdf(&report),
            "application/pdf",
            "referral.pdf",
        ),
        "html" => (
            interdict_report::html(&report).into_bytes(),
            "text/html; charset=utf-8",
            "referral.html",
        ),
        "json" => (
            serde_json::to_vec_pretty(&report).map_err(|e| ApiError::Internal(e.to_string()))?,
            "application/json",
            "referral.json",
        ),
        _ => {
            let p = case_view::package(&report, files)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            (p.zip, "application/zip", "referral.zip")
        }
    };
    let sha = case_view::sha256_hex(&bytes);
    let mut event = disclosed.expect("an export is always audited");
    event.detail = format!("referral {format} sha256 {sha}");
    state.audit.record_durably(event).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}-{name}\""),
            ),
            (header::HeaderName::from_static("x-content-sha256"), sha),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------- notices

#[derive(Serialize, ToSchema)]
pub(crate) struct NoticesOut {
    notices: Vec<NoticeOut>,
}

/// What the caller should know about its cases: other organisations' cases on the same
/// actors (as much as their markings allow) and notes that mention the caller.
#[utoipa::path(get, path = "/api/v1/notices",
    responses((status = 200, body = NoticesOut)))]
async fn notices(State(state): St, Caller(v): Caller) -> Result<Json<NoticesOut>, ApiError> {
    need_reader(&v)?;
    let dir = state.directory.load();
    let mut out = Vec::new();
    let mut told = BTreeSet::new();
    for c in dir.cases.values().filter(|c| reads(&v, c, &dir.groups)) {
        for n in c.notes.iter().filter(|n| n.mentions.contains(&v.user)) {
            out.push(NoticeOut {
                kind: "mention".into(),
                org: c.org.clone(),
                case: Some(c.id.clone()),
                title: Some(c.title.clone()),
                status: c.status.as_str().into(),
                actor: None,
                note: format!("{} mentioned you in note {} on {}", n.author, n.id, n.at),
            });
        }
        if c.org != v.org || c.status == Status::Closed {
            continue;
        }
        for a in &c.actors {
            let (_, found) =
                cases::notices_on(&dir.cases, &dir.cases_by_actor, &a.actor, &v, &dir.groups);
            for n in found {
                if told.insert((n.org.clone(), n.case.clone(), n.actor.clone())) {
                    let mut n: NoticeOut = n.into();
                    n.note = format!("{} (your case {}: {})", n.note, c.id, c.title);
                    out.push(n);
                }
            }
        }
    }
    Ok(Json(NoticesOut { notices: out }))
}

//! What an investigator works with beyond single records: people search with facets and
//! paging, and the paths between two actors. Every answer is built from the records the
//! caller sees in full; what it may not see is at most named as held elsewhere.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use interdict_access::{Groups, Sight, Viewer};
use interdict_app::paths::{self, PathOptions};
use interdict_app::search::QueryError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::csv_out::{csv_response, wants_csv};
use crate::error::{ApiError, ErrorBody};
use crate::routes::{Caller, Disclosures, ExistenceOut, emit, need_reader};
use crate::view::View;

type St = State<Arc<AppState>>;

pub(crate) fn investigate_routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(actor_paths))
}

// ---------------------------------------------------------------- search

/// The longest search query, in characters.
const SEARCH_CHARS: usize = 200;
/// The most hits one CSV export holds.
const CSV_ROWS: usize = 5_000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Words of a name or address, a postcode, an e-mail, a phone number in any form, a date
    /// or year of birth, an account, a document or another identifier.
    q: String,
    /// At most this many actors per page (1 to 200, default 20).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
    /// How many actors to skip (default 0).
    offset: Option<usize>,
    /// Only hits on this organisation's records.
    org: Option<String>,
    /// Only hits in this role (`shipper`, `consignee`, `sellers`, ...).
    role: Option<String>,
    /// Only hits in this country (ISO 3166-1 alpha-2).
    country: Option<String>,
    /// `json` (default) or `csv`: every hit (up to 5,000) as a CSV file.
    format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SearchHit {
    actor: Option<String>,
    name: String,
    record: String,
    organisation: String,
    role: String,
    country: Option<String>,
    city: Option<String>,
    postcode: Option<String>,
    date_of_birth: Option<String>,
    /// A few of the party's identifiers (e-mails, phones, documents, accounts).
    identifiers: Vec<String>,
    /// Records of the actor the caller sees (1 when the party has no actor).
    records: usize,
    /// `exact` when every word matched as written; `close` when some matched by a typo, a
    /// sound or another form of the same mailbox.
    #[serde(rename = "match")]
    match_: &'static str,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FacetOut {
    value: String,
    count: usize,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FacetsOut {
    organisations: Vec<FacetOut>,
    roles: Vec<FacetOut>,
    countries: Vec<FacetOut>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SearchOut {
    hits: Vec<SearchHit>,
    /// Actors matching (after the filters), of which `hits` is one page.
    total: usize,
    offset: usize,
    /// Counts over every matching actor before the filters.
    facets: FacetsOut,
    /// Organisations holding matching records the caller may not see: whom to ask.
    held_elsewhere: Vec<ExistenceOut>,
    /// Whether the query matched more candidates than one search checks: add a word.
    truncated: bool,
}

fn facet(counts: BTreeMap<String, usize>) -> Vec<FacetOut> {
    let mut out: Vec<FacetOut> = counts
        .into_iter()
        .map(|(value, count)| FacetOut { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    out
}

/// The records of an actor the caller sees in full.
fn visible_records(view: &View, v: &Viewer, actor: u32, groups: &dyn Groups) -> usize {
    view.actors[actor as usize]
        .parties
        .iter()
        .map(|&p| view.parties[p as usize].record)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|&r| view.sight(v, r, groups) == Sight::Full)
        .count()
}

fn text_at(value: &serde_json::Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(|x| x.as_str())
        .map(str::to_string)
}

/// A hit with what tells namesakes apart, read from the party's record.
fn hit_of(view: &View, v: &Viewer, groups: &dyn Groups, party: u32, exact: bool) -> SearchHit {
    let pv = &view.parties[party as usize];
    let json = view.party_json(party);
    let mut identifiers: Vec<String> = Vec::new();
    for field in ["emails", "phones", "tax_ids", "bank_accounts"] {
        if let Some(list) = json.get(field).and_then(|x| x.as_array()) {
            identifiers.extend(list.iter().filter_map(|x| x.as_str()).map(str::to_string));
        }
    }
    if let Some(docs) = json.get("id_documents").and_then(|x| x.as_array()) {
        identifiers.extend(
            docs.iter()
                .filter_map(|d| d.get("number").and_then(|n| n.as_str()))
                .map(str::to_string),
        );
    }
    if let Some(a) = text_at(&json, "/account_id") {
        identifiers.push(a);
    }
    identifiers.truncate(4);
    SearchHit {
        actor: pv.actor.map(|a| view.actors[a as usize].id.clone()),
        name: pv.name.clone(),
        record: view.records[pv.record as usize].key.to_string(),
        organisation: view.records[pv.record as usize].key.org.clone(),
        role: view.role(party).to_string(),
        country: view.search_index().country(party).map(str::to_string),
        city: text_at(&json, "/addresses/0/city"),
        postcode: text_at(&json, "/addresses/0/postcode"),
        date_of_birth: text_at(&json, "/date_of_birth"),
        identifiers,
        records: pv.actor.map_or(1, |a| visible_records(view, v, a, groups)),
        match_: if exact { "exact" } else { "close" },
    }
}

/// The columns of a search's CSV, in the order of [`hit_row`].
const HIT_COLUMNS: [&str; 12] = [
    "actor",
    "name",
    "record",
    "organisation",
    "role",
    "country",
    "city",
    "postcode",
    "date_of_birth",
    "identifiers",
    "records",
    "match",
];

fn hit_row(h: SearchHit) -> Vec<String> {
    vec![
        h.actor.unwrap_or_default(),
        h.name,
        h.record,
        h.organisation,
        h.role,
        h.country.unwrap_or_default(),
        h.city.unwrap_or_default(),
        h.postcode.unwrap_or_default(),
        h.date_of_birth.unwrap_or_default(),
        h.identifiers.join(" "),
        h.records.to_string(),
        h.match_.to_string(),
    ]
}

/// Finds people and companies among the records the caller may see: by name (typos and
/// other spellings included), address, postcode, e-mail, phone in any form, date of birth
/// or identifier; one hit per actor, best first, with facets, paging and CSV export.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, body = SearchOut, content_type = "application/json"),
              (status = 200, description = "`format=csv`: every hit", content_type = "text/csv"),
              (status = 400, body = ErrorBody)))]
async fn search(
    State(state): St,
    Caller(v): Caller,
    Query(p): Query<SearchParams>,
) -> Result<Response, ApiError> {
    need_reader(&v)?;
    let q = p.q.trim();
    if q.chars().count() > SEARCH_CHARS {
        return Err(ApiError::field(
            "q",
            format!("a query has at most {SEARCH_CHARS} characters"),
        ));
    }
    let limit = p.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "limit must be between 1 and 200"));
    }
    let offset = p.offset.unwrap_or(0);
    let csv = wants_csv(p.format.as_deref())?;
    let view = state.view();
    let units = view
        .search_index()
        .parse(q)
        .map_err(|e: QueryError| ApiError::field("q", e.to_string()))?;
    let dir = state.directory.load();
    let groups = &dir.groups;
    let found = view.search_index().find(&units);
    let exact_score = units.len() as f32;
    let (seen, hidden) = interdict_access::partition(
        &v,
        found
            .hits
            .iter()
            .map(|h| (view.label_of(view.parties[h.party as usize].record), *h)),
        groups,
        "matches this search",
    );
    // One hit per actor: its best-matching party the caller sees.
    let mut actors = BTreeSet::new();
    let mut orgs: BTreeMap<String, usize> = BTreeMap::new();
    let mut roles: BTreeMap<String, usize> = BTreeMap::new();
    let mut countries: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for h in seen {
        let pv = &view.parties[h.party as usize];
        if let Some(a) = pv.actor
            && !actors.insert(a)
        {
            continue;
        }
        let org = &view.records[pv.record as usize].key.org;
        let role = view.role(h.party);
        let country = view.search_index().country(h.party);
        *orgs.entry(org.clone()).or_default() += 1;
        *roles.entry(role.to_string()).or_default() += 1;
        if let Some(c) = country {
            *countries.entry(c.to_string()).or_default() += 1;
        }
        let wanted = p.org.as_deref().is_none_or(|o| o == org)
            && p.role.as_deref().is_none_or(|r| r == role)
            && p.country
                .as_deref()
                .is_none_or(|c| country.is_some_and(|x| x.eq_ignore_ascii_case(c)));
        if wanted {
            kept.push(h);
        }
    }
    let total = kept.len();
    let page: Vec<_> = if csv {
        kept.iter().take(CSV_ROWS).collect()
    } else {
        kept.iter().skip(offset).take(limit).collect()
    };
    let mut d = Disclosures::new(&v, &view);
    let hits: Vec<SearchHit> = page
        .into_iter()
        .map(|h| {
            d.shown(view.parties[h.party as usize].record);
            hit_of(&view, &v, groups, h.party, h.score >= exact_score)
        })
        .collect();
    let detail = format!(
        "q={q} total={total} offset={offset} hits={}{}",
        hits.len(),
        if csv { " format=csv" } else { "" }
    );
    // Unlike a read, a search is audited even when it discloses nothing.
    emit(&state, d.event("search", "search".into(), detail));
    if csv {
        return csv_response("search.csv", &HIT_COLUMNS, hits.into_iter().map(hit_row));
    }
    Ok(Json(SearchOut {
        hits,
        total,
        offset,
        facets: FacetsOut {
            organisations: facet(orgs),
            roles: facet(roles),
            countries: facet(countries),
        },
        held_elsewhere: hidden.into_iter().map(Into::into).collect(),
        truncated: found.truncated,
    })
    .into_response())
}

// ---------------------------------------------------------------- paths

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PathParams {
    /// Most links in a path, 1 to 6 (default 4).
    #[param(minimum = 1, maximum = 6)]
    hops: Option<usize>,
    /// Whether a path may pass through a hub (a forwarder or broker on a large share of all
    /// shipments; default false).
    through_hubs: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ActorRef {
    id: String,
    name: String,
    hub: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct StepOut {
    from: ActorRef,
    to: ActorRef,
    /// The records both are on (at most 5).
    via: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SharedOut {
    actor: ActorRef,
    /// Records linking the first actor to it.
    via_from: Vec<String>,
    /// Records linking it to the second actor.
    via_to: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PathsOut {
    from: ActorRef,
    to: ActorRef,
    /// Links in each shortest path (0 when none was found within `hops`).
    hops: usize,
    /// The shortest paths (at most 10), each a list of links.
    paths: Vec<Vec<StepOut>>,
    /// Actors both are linked to (at most 10).
    shared: Vec<SharedOut>,
    truncated: bool,
}

/// How two actors are connected: the shortest paths between them and the actors both are
/// linked to, each link with the records that make it, through records the caller sees in
/// full.
#[utoipa::path(get, path = "/api/v1/actors/{id}/paths/{other}",
    params(("id" = String, Path, description = "Actor id"),
           ("other" = String, Path, description = "The other actor's id"), PathParams),
    responses((status = 200, body = PathsOut), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
async fn actor_paths(
    State(state): St,
    Caller(v): Caller,
    Path((id, other)): Path<(String, String)>,
    Query(p): Query<PathParams>,
) -> Result<Json<PathsOut>, ApiError> {
    need_reader(&v)?;
    let hops = p.hops.unwrap_or(4);
    if !(1..=paths::MAX_HOPS).contains(&hops) {
        return Err(ApiError::field(
            "hops",
            format!("hops must be between 1 and {}", paths::MAX_HOPS),
        ));
    }
    let view = state.view();
    let dir = state.directory.load();
    let groups = &dir.groups;
    // An actor the caller sees nothing of answers as one that does not exist.
    let found = |x: &str| {
        let a = view.actor(x)?;
        view.visible_name(&v, a, groups).map(|n| (a, n))
    };
    let (a, a_name) = found(&id).ok_or(ApiError::NotFound)?;
    let (b, b_name) = found(&other).ok_or(ApiError::NotFound)?;
    let usable = |r: u32| view.sight(&v, r, groups) == Sight::Full;
    let options = PathOptions {
        hops,
        through_hubs: p.through_hubs.unwrap_or(false),
    };
    let c = paths::connect(&view, a, b, options, &usable);
    let mut d = Disclosures::new(&v, &view);
    let mut names: BTreeMap<u32, String> = BTreeMap::from([(a, a_name), (b, b_name)]);
    let mut actor_ref = |x: u32| ActorRef {
        id: view.actors[x as usize].id.clone(),
        name: names
            .entry(x)
            .or_insert_with(|| view.visible_name(&v, x, groups).unwrap_or_default())
            .clone(),
        hub: view.actors[x as usize].hub,
    };
    let keys = |records: &[u32], d: &mut Disclosures| -> Vec<String> {
        records
            .iter()
            .map(|&r| {
                d.shown(r);
                view.records[r as usize].key.to_string()
            })
            .collect()
    };
    let path_list: Vec<Vec<StepOut>> = c
        .paths
        .iter()
        .map(|path| {
            path.iter()
                .map(|s| StepOut {
                    from: actor_ref(s.from),
                    to: actor_ref(s.to),
                    via: keys(&s.via, &mut d),
                })
                .collect()
        })
        .collect();
    let shared: Vec<SharedOut> = c
        .shared
        .iter()
        .map(|s| SharedOut {
            actor: actor_ref(s.actor),
            via_from: keys(&s.via_from, &mut d),
            via_to: keys(&s.via_to, &mut d),
        })
        .collect();
    let out = PathsOut {
        from: actor_ref(a),
        to: actor_ref(b),
        hops: c.paths.first().map_or(0, Vec::len),
        paths: path_list,
        shared,
        truncated: c.truncated,
    };
    emit(
        &state,
        d.event(
            "view",
            format!("paths {id} {other}"),
            format!("hops {hops} found {}", out.hops),
        ),
    );
    Ok(Json(out))
}

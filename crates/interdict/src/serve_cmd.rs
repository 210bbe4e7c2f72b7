//! `interdict serve`, `interdict admin` and `interdict audit verify`: the glue between the
//! store, the ingest path, the saved actors and scores, and the HTTP server.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use interdict_model::{Feed, Record, RecordKey};
use interdict_normalize::money::RateTable;
use interdict_server::pages::{RuleOut, RuleTestOut, RulesInfo, RulesTest};
use interdict_server::view::{IngestFile, NewScore, ReasonView, ViewBuilder};
use interdict_server::{Backend, BackendError, IngestRequest, IngestSummary, RejectedRow, View};
use interdict_store::{Directory, OrgRow, Store, UserRow};
use rustc_hash::FxHashMap;

use crate::cli::open_store;
use crate::ingest_cmd::{Export, ingest_export};

/// The server's way into the embedded store.
pub struct StoreBackend {
    pub db: PathBuf,
    rates: RateTable,
}

impl StoreBackend {
    pub fn new(db: &Path) -> StoreBackend {
        StoreBackend {
            db: db.to_path_buf(),
            rates: RateTable::default_table(),
        }
    }
}

impl Backend for StoreBackend {
    fn ingest(&self, r: &IngestRequest) -> Result<IngestSummary, String> {
        let mut store = open_store(&self.db).map_err(|e| format!("{e:#}"))?;
        let export = Export {
            org: r.org.clone(),
            feed: Some(r.feed),
            path: r.path.clone(),
            name: r.name.clone(),
            mapping: None,
            marking: r.marking,
            sharing_group: r.sharing_group.clone(),
        };
        let s = ingest_export(&mut store, &export, &self.rates, None, true)
            .map_err(|e| format!("{e:#}"))?;
        let rejected = s
            .rejected
            .iter()
            .map(|q| RejectedRow {
                line: q.line,
                field: q.field.clone(),
                reason: q.reason.clone(),
            })
            .collect();
        Ok(IngestSummary {
            run: s.run,
            marking: s.marking.as_str().to_string(),
            read: s.read,
            landed: s.landed,
            updated: s.updated,
            unchanged: s.unchanged,
            quarantined: s.quarantined,
            rejected,
        })
    }

    fn view(&self) -> Result<View, String> {
        let store = open_store(&self.db).map_err(|e| format!("{e:#}"))?;
        build_view(&store).map_err(|e| format!("{e:#}"))
    }

    fn directory(&self) -> Result<Box<dyn Directory + Send>, String> {
        Ok(Box::new(
            open_store(&self.db).map_err(|e| format!("{e:#}"))?,
        ))
    }

    fn rules(&self) -> Result<RulesInfo, BackendError> {
        let store = open_store(&self.db).map_err(failed)?;
        let text = match store
            .get_derived(crate::score_world::RULES)
            .map_err(failed)?
        {
            Some(b) => String::from_utf8(b)
                .map_err(|_| BackendError::Failed("the saved rule pack is not text".into()))?,
            None => interdict_score::rules::default_pack_toml().to_string(),
        };
        let pack = crate::score_world::load_rules(&store).map_err(failed)?;
        Ok(RulesInfo {
            version: pack.version_tag(),
            text,
            rules: pack
                .spec()
                .rules
                .iter()
                .map(|r| RuleOut {
                    name: r.name.clone(),
                    applies_to: target_name(r.applies_to).into(),
                    when: r.when.clone(),
                    weight: r.weight,
                    reason: r.reason.clone(),
                    enabled: r.enabled,
                })
                .collect(),
        })
    }

    fn test_rules(&self, pack: &str) -> Result<RulesTest, BackendError> {
        check_pack(pack)?;
        let store = open_store(&self.db).map_err(failed)?;
        let (version, tests) = crate::score_cmd::test_rules(&store, pack).map_err(failed)?;
        Ok(RulesTest {
            pack: version,
            rules: tests
                .into_iter()
                .map(|t| RuleTestOut {
                    rule: t.rule,
                    enabled: t.enabled,
                    applies_to: target_name(t.applies_to).into(),
                    weight: t.weight,
                    fires: t.fires,
                    share: t.share,
                    labelled: t.labelled,
                    counterfeit: t.counterfeit,
                    precision: t.precision,
                    base_rate: t.base_rate,
                    errors: t.errors,
                    first_error: t.first_error,
                })
                .collect(),
        })
    }

    fn set_rules(&self, pack: &str) -> Result<String, BackendError> {
        check_pack(pack)?;
        let mut store = open_store(&self.db).map_err(failed)?;
        crate::score_cmd::set_rules(&mut store, pack).map_err(failed)
    }
}

fn failed(e: impl std::fmt::Display) -> BackendError {
    BackendError::Failed(format!("{e:#}"))
}

/// A pack that does not parse is the caller's mistake, named by rule and variable.
fn check_pack(pack: &str) -> Result<(), BackendError> {
    interdict_score::rules::RulePack::parse(pack, interdict_score::rules::VOCABULARY)
        .map(|_| ())
        .map_err(|e| BackendError::Invalid(e.to_string()))
}

fn target_name(t: interdict_score::rules::Target) -> &'static str {
    match t {
        interdict_score::rules::Target::Shipment => "shipment",
        interdict_score::rules::Target::Listing => "listing",
        interdict_score::rules::Target::Any => "any",
    }
}

fn party_terms(p: &interdict_model::Party) -> Vec<String> {
    let mut t: Vec<String> = Vec::new();
    t.extend(p.display_name.iter().cloned());
    t.extend(p.account_id.iter().cloned());
    t.extend(p.emails.iter().cloned());
    t.extend(p.phones.iter().cloned());
    t.extend(p.bank_accounts.iter().cloned());
    t.extend(p.tax_ids.iter().cloned());
    t
}

/// The read model: every record with its label, parties with their actors, links between
/// actors that share a shipment, outcomes as history of the actors they concern, and scores.
pub fn build_view(store: &dyn Store) -> Result<View> {
    let mut b = ViewBuilder::default();
    let mut actor_of: FxHashMap<RecordKey, String> = FxHashMap::default();
    crate::resolve_cmd::for_each_actor(store, |org, feed, source, actor| {
        actor_of.insert(RecordKey::new(org, feed, source), actor.to_string());
    })?;
    // Actors behind each shipment id and seller account, for outcomes that name them.
    let mut by_shipment: FxHashMap<String, Vec<String>> = FxHashMap::default();
    let mut by_account: FxHashMap<String, Vec<String>> = FxHashMap::default();
    // Each outcome with the shipment, seller account and listing it names.
    let mut outcomes: Vec<(u32, OutcomeNames)> = Vec::new();
    // Shipment and listing records by their source id, for the outcomes that name them.
    let mut shipment_records: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut listing_records: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut shipments_of: FxHashMap<String, usize> = FxHashMap::default();
    // The labels of each feed's records: what a reason may rest on beyond its own record.
    let mut feed_labels: FxHashMap<Feed, BTreeSet<u32>> = FxHashMap::default();
    let mut shipments = 0usize;
    // The actors each shipment or listing concerns: whose history its reasons may cite.
    let mut concerns: FxHashMap<u32, Vec<String>> = FxHashMap::default();
    let mut listing_sellers: Vec<(u32, String)> = Vec::new();
    store.scan(None, &mut |s| {
        let label = b.label(&s.key.org, s.marking, s.sharing_group.as_deref());
        let json = serde_json::to_value(&s.record).unwrap_or(serde_json::Value::Null);
        let id = b.add_record(s.key.clone(), label, s.source_file, s.ingested_at, json);
        feed_labels.entry(s.key.feed).or_default().insert(label);
        let mut actors = Vec::new();
        for (source, party) in s.record.parties() {
            let pkey = RecordKey::new(s.key.org.clone(), s.key.feed, source.clone());
            let actor = actor_of.get(&pkey).cloned();
            let role = source.rsplit_once('#').map_or(s.key.feed.as_str(), |x| x.1);
            let name = party
                .name
                .clone()
                .or(party.display_name.clone())
                .or(party.account_id.clone())
                .unwrap_or_default();
            let value = serde_json::to_value(party).unwrap_or(serde_json::Value::Null);
            b.add_party(id, role, name, &party_terms(party), value, actor.as_deref());
            if let Some(a) = actor {
                actors.push(a);
            }
        }
        match &s.record {
            Record::Shipments(sh) => {
                shipments += 1;
                actors.sort();
                actors.dedup();
                for (i, a) in actors.iter().enumerate() {
                    *shipments_of.entry(a.clone()).or_default() += 1;
                    for c in &actors[i + 1..] {
                        b.add_link(a, c, id);
                    }
                }
                shipment_records
                    .entry(sh.shipment_id.clone())
                    .or_default()
                    .push(id);
                by_shipment
                    .entry(sh.shipment_id.clone())
                    .or_default()
                    .extend(actors.iter().cloned());
                concerns.insert(id, actors);
            }
            Record::Sellers(se) => {
                by_account
                    .entry(se.account_id.clone())
                    .or_default()
                    .extend(actors);
            }
            Record::Listings(l) => {
                listing_records
                    .entry(l.listing_id.clone())
                    .or_default()
                    .push(id);
                listing_sellers.push((id, l.seller_account_id.clone()));
            }
            Record::Outcomes(o) => {
                outcomes.push((
                    id,
                    OutcomeNames {
                        shipment: o.shipment_id.clone(),
                        account: o.seller_account_id.clone(),
                        listing: o.listing_id.clone(),
                    },
                ));
            }
            _ => {}
        }
        Ok(())
    })?;
    for (
        id,
        OutcomeNames {
            shipment,
            account,
            listing,
        },
    ) in outcomes
    {
        for r in shipment
            .as_ref()
            .and_then(|s| shipment_records.get(s))
            .into_iter()
            .chain(listing.as_ref().and_then(|l| listing_records.get(l)))
            .flatten()
        {
            b.add_outcome(*r, id);
        }
        let mut about: Vec<&String> = Vec::new();
        if let Some(s) = shipment.as_ref().and_then(|s| by_shipment.get(s)) {
            about.extend(s);
        }
        if let Some(a) = account.as_ref().and_then(|a| by_account.get(a)) {
            about.extend(a);
        }
        for a in about {
            b.add_history(&a.clone(), id);
        }
    }
    // An actor on more than 0.5% of all shipments (and more than 50) is a hub: a forwarder's
    // warehouse or a broker, shown but not expanded.
    let hub_floor = (shipments as f64 * interdict_score::HUB_SHARE).max(50.0);
    for (a, n) in &shipments_of {
        if *n as f64 > hub_floor {
            b.mark_hub(a);
        }
    }
    let labels_of = |feeds: &[Feed]| -> Vec<u32> {
        let set: BTreeSet<u32> = feeds
            .iter()
            .filter_map(|f| feed_labels.get(f))
            .flatten()
            .copied()
            .collect();
        set.into_iter().collect()
    };
    for (id, account) in listing_sellers {
        if let Some(a) = by_account.get(&account) {
            concerns.insert(id, a.clone());
        }
    }
    let brand = labels_of(&[Feed::Brands]);
    // Network and lane reasons summarise outcomes across the platform: they rest on all of them.
    let history = labels_of(&[Feed::Outcomes, Feed::Parties]);
    let accounts = labels_of(&[Feed::Sellers, Feed::Listings]);
    let everything = labels_of(&Feed::ALL);
    for s in crate::score_world::load_scores(store)? {
        let Some(r) = b.record_id(&s.key()) else {
            continue;
        };
        let own = b.record_label(r);
        let reasons = s
            .reasons
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let mut sources = match s.reason_sources.get(i).map(String::as_str) {
                    Some("generic_description" | "low_value" | "commercial_quantity") => Vec::new(),
                    Some(
                        "brand_mark"
                        | "brand_lookalike"
                        | "below_floor"
                        | "hs_mismatch"
                        | "origin_not_genuine"
                        | "lane_not_genuine"
                        | "unauthorised_seller",
                    ) => brand.clone(),
                    Some(
                        "sender_seizures"
                        | "receiver_seizures"
                        | "marketplace_actions"
                        | "watchlisted"
                        | "graph_risk"
                        | "lane_risk",
                    ) => history.clone(),
                    Some("new_account" | "listing_velocity") => accounts.clone(),
                    // Rules read any fact; a reason of unknown origin rests on everything.
                    _ => everything.clone(),
                };
                sources.push(own);
                ReasonView { text, sources }
            })
            .collect();
        b.add_score(NewScore {
            record: r,
            score: s.score,
            day: s.day,
            port: s.port,
            model: s.model,
            rules: s.rules,
            reasons,
            brands: s.brands,
        });
    }
    b.set_ingest(ingest_files(store)?, store.quarantined()?);
    Ok(b.build())
}

/// What an outcome names: a shipment, a seller account, a listing.
struct OutcomeNames {
    shipment: Option<String>,
    account: Option<String>,
    listing: Option<String>,
}

/// Every file's ingest runs summed, latest first.
fn ingest_files(store: &dyn Store) -> Result<Vec<IngestFile>> {
    let mut by_file: FxHashMap<(String, Feed, String), IngestFile> = FxHashMap::default();
    for r in store.runs()? {
        let f = by_file
            .entry((r.org.clone(), r.feed, r.file.clone()))
            .or_insert_with(|| IngestFile {
                org: r.org.clone(),
                feed: r.feed,
                file: r.file.clone(),
                runs: 0,
                read: 0,
                landed: 0,
                quarantined: 0,
                last_run_at: String::new(),
            });
        f.runs += 1;
        f.read += r.counts.read;
        f.landed += r.counts.landed + r.counts.updated;
        f.quarantined += r.counts.quarantined;
        if r.started_at > f.last_run_at {
            f.last_run_at = r.started_at;
        }
    }
    let mut files: Vec<IngestFile> = by_file.into_values().collect();
    files.sort_by(|a, b| b.last_run_at.cmp(&a.last_run_at).then(a.file.cmp(&b.file)));
    Ok(files)
}

pub fn serve(
    db: &Path,
    listen: &str,
    anchor: Option<PathBuf>,
    rate: f64,
    tls: Option<interdict_server::Tls>,
) -> Result<ExitCode> {
    // Structured logs on standard error; RUST_LOG=tower_http=debug adds one line per request.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,tokio_postgres=warn,postgres=warn")
            }),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
    // Creates the store (and its directory tables) when it does not exist yet.
    drop(open_store(db)?);
    let backend = Arc::new(StoreBackend::new(db));
    let options = interdict_server::Options {
        anchor,
        rate_per_key: rate,
        burst_per_key: rate * 2.0,
        ..Default::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let state =
            tokio::task::spawn_blocking(move || interdict_server::AppState::new(backend, options))
                .await?
                .map_err(anyhow::Error::msg)?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        eprintln!(
            "interdict serving {} on {}://{}  (the web application at /, the API under /api/v1, its spec at /api/v1/openapi.json)",
            crate::cli::redact_url(&db.to_string_lossy()),
            if tls.is_some() { "https" } else { "http" },
            listener.local_addr()?
        );
        interdict_server::serve(state, listener, tls).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn add_org(db: &Path, name: &str, kind: &str) -> Result<()> {
    if !interdict_server::auth::ORG_KINDS.contains(&kind) {
        bail!(
            "unknown organisation kind {kind:?}: expected one of {}",
            interdict_server::auth::ORG_KINDS.join(", ")
        );
    }
    valid_name("organisation", name)?;
    let mut store = open_store(db)?;
    if !store.add_org(&OrgRow {
        name: name.into(),
        kind: kind.into(),
        created_at: now(),
    })? {
        bail!("an organisation named {name:?} already exists");
    }
    audit_admin(&mut store, "admin.add_org", name, kind)
}

pub fn add_user(db: &Path, name: &str, org: &str, role: &str) -> Result<()> {
    let role: interdict_access::Role = role.parse()?;
    valid_name("user", name)?;
    let mut store = open_store(db)?;
    if !store.orgs()?.iter().any(|o| o.name == org) {
        bail!("no organisation is named {org:?}; add it first with `interdict admin org add`");
    }
    if !store.add_user(&UserRow {
        name: name.into(),
        org: org.into(),
        role: role.as_str().into(),
        password_hash: None,
        created_at: now(),
        disabled: false,
    })? {
        bail!("a user named {name:?} already exists");
    }
    audit_admin(&mut store, "admin.add_user", name, &format!("{org} {role}"))
}

/// Makes a key and returns the token, which is shown once and never stored.
pub fn create_key(db: &Path, user: &str, days: u32) -> Result<(String, String)> {
    let mut store = open_store(db)?;
    if !store.users()?.iter().any(|u| u.name == user) {
        bail!("no user is named {user:?}; add it first with `interdict admin user add`");
    }
    let created = chrono::Utc::now();
    let expires = created + chrono::Duration::days(i64::from(days));
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (row, token) = interdict_server::auth::new_key(user, &fmt(created), &fmt(expires));
    store.add_key(&row)?;
    audit_admin(&mut store, "admin.create_key", user, &row.id)?;
    Ok((row.id, token))
}

pub fn set_password(db: &Path, user: &str, password: &str) -> Result<()> {
    if password.chars().count() < 12 {
        bail!("a password needs at least 12 characters");
    }
    let hash = interdict_server::auth::hash_password(password).map_err(anyhow::Error::msg)?;
    let mut store = open_store(db)?;
    if !store.set_password(user, &hash)? {
        bail!("no user is named {user:?}");
    }
    audit_admin(&mut store, "admin.set_password", user, "")
}

pub fn revoke_key(db: &Path, id: &str) -> Result<()> {
    let mut store = open_store(db)?;
    if !store.revoke_key(id, &now())? {
        bail!("no live key has the id {id:?}");
    }
    audit_admin(&mut store, "admin.revoke_key", id, "")
}

pub fn set_group(db: &Path, name: &str, members: &[String]) -> Result<()> {
    valid_name("sharing group", name)?;
    let mut store = open_store(db)?;
    let orgs: BTreeSet<String> = store.orgs()?.into_iter().map(|o| o.name).collect();
    let users: BTreeSet<String> = store.users()?.into_iter().map(|u| u.name).collect();
    let mut canon = Vec::new();
    for m in members {
        let member = interdict_access::Member::parse(m);
        match &member {
            interdict_access::Member::Org(o) if !orgs.contains(o) => {
                bail!("sharing group {name}: no organisation is named {o:?}")
            }
            interdict_access::Member::User(u) if !users.contains(u) => {
                bail!("sharing group {name}: no user is named {u:?}")
            }
            _ => canon.push(member.to_string()),
        }
    }
    store.set_group(name, &canon)?;
    audit_admin(&mut store, "admin.set_group", name, &canon.join(","))
}

fn valid_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        bail!("{what} name {name:?}: use 1 to 64 letters, digits, '-', '_' or '.'");
    }
    Ok(())
}

/// An export from the command line goes into the audit chain like one through the API.
pub fn audit_export(store: &mut dyn Directory, what: &str, out: Option<&Path>) -> Result<()> {
    let to = out.map_or("standard output".to_string(), |p| p.display().to_string());
    audit_admin(store, &format!("export.{what}"), &to, "")
}

/// Administration is a write like any other: it goes into the audit chain.
fn audit_admin(store: &mut dyn Directory, action: &str, target: &str, detail: &str) -> Result<()> {
    let last = store.last_audit()?;
    let last = last
        .as_ref()
        .map(interdict_server::audit_log::row_to_entry)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let mut chain = interdict_audit::Chain::after(last.as_ref());
    let e = chain.append(interdict_audit::Event {
        at: now(),
        org: "-".into(),
        user: match std::env::var("USER") {
            Ok(u) if !u.is_empty() => format!("cli:{u}"),
            _ => "cli".into(),
        },
        action: action.into(),
        target: target.into(),
        disclosed: Vec::new(),
        detail: detail.into(),
    });
    store.append_audit(&[interdict_store::AuditRow {
        seq: e.seq,
        event: serde_json::to_string(&e.event)?,
        prev: e.prev.0,
        hash: e.hash.0,
    }])?;
    Ok(())
}

pub fn list(db: &Path, json: bool) -> Result<()> {
    let store = open_store(db)?;
    let orgs = store.orgs()?;
    let users = store.users()?;
    let keys = store.keys()?;
    let groups = store.groups()?;
    if json {
        let v = serde_json::json!({
            "orgs": orgs, "users": users, "keys": keys,
            "groups": groups.iter().map(|(n, m)| serde_json::json!({"name": n, "members": m})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("organisations:");
    for o in &orgs {
        println!("  {:<24} {}", o.name, o.kind);
    }
    println!("users:");
    for u in &users {
        println!(
            "  {:<24} {:<20} {}{}",
            u.name,
            u.org,
            u.role,
            if u.disabled { " (disabled)" } else { "" }
        );
    }
    println!("keys:");
    for k in &keys {
        let state = match &k.revoked_at {
            Some(at) => format!("revoked {at}"),
            None => format!("expires {}", k.expires_at),
        };
        println!("  {:<14} {:<24} {}", k.id, k.user, state);
    }
    println!("sharing groups:");
    for (n, m) in &groups {
        println!("  {:<24} {}", n, m.join(", "));
    }
    Ok(())
}

pub fn verify_audit(db: &Path, anchor: Option<&Path>, json: bool) -> Result<ExitCode> {
    let store = open_store(db)?;
    let text = anchor
        .map(|p| {
            std::fs::read_to_string(p).with_context(|| format!("reading anchor {}", p.display()))
        })
        .transpose()?;
    let name = anchor.map(|p| p.display().to_string()).unwrap_or_default();
    match interdict_server::audit_log::verify_log(
        &store,
        text.as_deref().map(|t| (name.as_str(), t)),
    ) {
        Ok(v) => {
            if json {
                println!("{}", serde_json::to_string(&v)?);
            } else {
                println!(
                    "audit log sound: {} entries, head {}, {} anchored checkpoints matched",
                    v.entries, v.head, v.anchors_checked
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ interdict_server::audit_log::VerifyError::Tampered(_)) => {
            eprintln!("{}: {e}", db.display());
            Ok(ExitCode::from(3))
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("verifying {}", db.display()))),
    }
}

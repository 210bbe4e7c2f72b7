//! The platform as a server uses it: uploads through the same ingest path as files, the read
//! model built from the store, the directory, and rule packs. Each call takes a connection of
//! its own from a pool, so calls from several request threads do not wait on one another.

use std::path::{Path, PathBuf};

use interdict_access::Viewer;
use interdict_ingest::Progress;
use interdict_model::Feed;
use interdict_normalize::money::RateTable;
pub use interdict_score::RuleTest;
use interdict_score::rules::Target;
use interdict_store::Directory;
use serde::Serialize;

use crate::arrival::{self, Arrival};
use crate::error::Result;
use crate::ingest::{Export, ExportSummary, ingest_export};
use crate::open::{Pool, Pooled, open_store};
use crate::read_model::{self, Catchup, View, build_view};
use crate::rule_governance::Line;
use crate::{saved, scoring};

/// The platform over one store.
pub struct Platform {
    db: PathBuf,
    rates: RateTable,
    pool: std::sync::Arc<Pool>,
    /// Where the read model is kept between runs ([`crate::view_cache`]), if anywhere.
    view_cache: Option<PathBuf>,
}

/// Where a server's first read model came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewSource {
    /// Read back from its snapshot, then brought up to the store with this many changed
    /// records.
    Snapshot { caught_up: usize },
    /// Built from the store; why no snapshot served (absent, refused, or too far behind).
    Built { why: String },
}

/// One rule of a pack, as a person reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleLine {
    pub name: String,
    /// `shipment`, `listing` or `any`.
    pub applies_to: &'static str,
    /// The condition, in CEL.
    pub when: String,
    pub weight: f64,
    pub reason: String,
    pub enabled: bool,
}

/// The active rule pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveRules {
    /// `name@version`, as scores are stamped.
    pub version: String,
    /// The pack as TOML, as it was set.
    pub text: String,
    /// Whether it is the organisation's own pack (else the platform's default).
    pub own: bool,
    pub rules: Vec<RuleLine>,
}

/// A back-test of a pack over history.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub pack: String,
    pub rules: Vec<RuleTest>,
}

/// What a rule applies to, in words.
pub fn target_name(t: Target) -> &'static str {
    match t {
        Target::Shipment => "shipment",
        Target::Listing => "listing",
        Target::Any => "any",
    }
}

impl Platform {
    /// The platform over the store at `db`, which is made when it does not exist yet.
    pub fn open(db: &Path) -> Result<Platform> {
        drop(open_store(db)?);
        Ok(Platform {
            db: db.to_path_buf(),
            rates: RateTable::default_table(),
            pool: std::sync::Arc::new(Pool::new(db)),
            view_cache: None,
        })
    }

    /// Keeps the read model at `path` between runs (`None`: nowhere).
    pub fn with_view_cache(mut self, path: Option<PathBuf>) -> Platform {
        self.view_cache = path;
        self
    }

    /// The read model a server starts with: its snapshot brought up to what the store holds
    /// now, when there is one it may use and the store's changes since can be taken in place;
    /// else built from the store.
    pub fn first_view(&self) -> Result<(View, ViewSource)> {
        let why = match &self.view_cache {
            None => "no snapshot is kept".to_string(),
            Some(path) => {
                let instance = crate::view_cache::store_instance(&mut *self.pool.get()?)?;
                match crate::view_cache::load(path, &instance) {
                    crate::view_cache::Loaded::Absent => {
                        format!("no snapshot at {}", path.display())
                    }
                    crate::view_cache::Loaded::Refused(why) => why,
                    crate::view_cache::Loaded::View(mut view) => {
                        let store = self.pool.get()?;
                        view.restore(&*store)?;
                        match read_model::catch_up(&*store, &view)? {
                            Catchup::Current => {
                                return Ok((*view, ViewSource::Snapshot { caught_up: 0 }));
                            }
                            Catchup::Apply(changes) if !changes.needs_rebuild() => {
                                let caught_up = changes.records();
                                view.apply(*changes);
                                return Ok((*view, ViewSource::Snapshot { caught_up }));
                            }
                            Catchup::Apply(_) => format!(
                                "{}: the store has changed since in ways only a rebuild takes in",
                                path.display()
                            ),
                        }
                    }
                }
            }
        };
        Ok((self.view()?, ViewSource::Built { why }))
    }

    /// Writes `view` to the snapshot the next start reads; gives where and its size, or `None`
    /// when no snapshot is kept.
    pub fn save_view(&self, view: &View) -> Result<Option<(PathBuf, u64)>> {
        let Some(path) = &self.view_cache else {
            return Ok(None);
        };
        let instance = crate::view_cache::store_instance(&mut *self.pool.get()?)?;
        let size = crate::view_cache::save(view, path, &instance)?;
        Ok(Some((path.clone(), size)))
    }

    /// Where the store is (a file, or a database URL).
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// Ingests an upload through the same mapping, validation and quarantine as a file, then
    /// resolves and scores what it brought (see [`crate::arrival`]): in milliseconds through
    /// `live`, the state a scorer on request keeps, when it is given and current and the
    /// feed is one it takes in; else by a batch run over the store.
    pub fn ingest(
        &self,
        upload: &Export,
        live: Option<&std::sync::RwLock<crate::on_request::OnRequest>>,
    ) -> Result<(ExportSummary, Arrival)> {
        let mut store = self.pool.get()?;
        let before = store.last_change()?;
        let summary = ingest_export(&mut *store, upload, &self.rates, None, &Progress::default())?;
        if summary.landed + summary.updated == 0 {
            return Ok((summary, Arrival::default()));
        }
        if let Some(live) = live
            && crate::on_request::LIVE_FEEDS.contains(&summary.feed)
            && let Some(arrival) = self.arrive_live(&mut *store, live, summary.run, before)?
        {
            return Ok((summary, arrival));
        }
        let arrival = arrival::arrive(&mut *store, summary.feed, &crate::Quiet)?;
        Ok((summary, arrival))
    }

    /// Takes in through `live` what run `run` landed after change stamp `since`, a chunk at
    /// a time, so a large upload neither holds every record at once nor keeps scoring on
    /// request waiting for long. `None` when `live` could not take it all in (what it did
    /// take in stays; a batch arrival does the rest).
    fn arrive_live(
        &self,
        store: &mut dyn crate::PlatformStore,
        live: &std::sync::RwLock<crate::on_request::OnRequest>,
        run: i64,
        since: i64,
    ) -> Result<Option<Arrival>> {
        const CHUNK: usize = 2_000;
        let reader = self.pool.get()?;
        let mut total = Arrival::default();
        let mut chunk = Vec::new();
        let mut outcome: Result<bool> = Ok(true);
        let mut flush = |chunk: &mut Vec<interdict_store::StoredRecord>| {
            if matches!(outcome, Ok(true)) && !chunk.is_empty() {
                let mut live = live.write().unwrap_or_else(|p| p.into_inner());
                outcome = live.take_in(store, chunk).map(|taken| match taken {
                    Ok(a) => {
                        total.resolved += a.resolved;
                        total.scored += a.scored;
                        true
                    }
                    Err(_) => false,
                });
            }
            chunk.clear();
        };
        reader.changes_since(since, &mut |_, r| {
            if r.run_id == run {
                chunk.push(r);
                if chunk.len() >= CHUNK {
                    flush(&mut chunk);
                }
            }
            Ok(())
        })?;
        flush(&mut chunk);
        Ok(outcome?.then_some(total))
    }

    /// The read model of everything stored.
    pub fn view(&self) -> Result<View> {
        build_view(&*self.pool.get()?)
    }

    /// Every file's ingest runs and every quarantined row, as the store holds them now.
    pub fn ingest_health(&self) -> Result<read_model::IngestHealth> {
        read_model::ingest_health(&*self.pool.get()?)
    }

    /// What changed in the store since `view` was built or last caught up: whatever wrote it
    /// (this process, another server, `ingest`).
    pub fn catch_up(&self, view: &View) -> Result<Catchup> {
        read_model::catch_up(&*self.pool.get()?, view)
    }

    /// Withdraws an outcome of `org` (its source id) with a reason: the label leaves training
    /// and the histories of the actors it concerned. Withdrawing it again changes nothing and
    /// gives the first withdrawal.
    pub fn withdraw(
        &self,
        org: &str,
        outcome: &str,
        reason: &str,
    ) -> Result<saved::WithdrawnLabel> {
        let mut store = self.pool.get()?;
        let key = interdict_model::RecordKey::new(org, interdict_model::Feed::Outcomes, outcome);
        if let Some(earlier) = saved::withdrawn(&*store)?.labels.get(&key.to_string()) {
            return Ok(earlier.clone());
        }
        scoring::withdraw_label(&mut *store, &key, org, reason)?;
        saved::withdrawn(&*store)?
            .labels
            .get(&key.to_string())
            .cloned()
            .ok_or_else(|| crate::Error::Corrupt(format!("the withdrawal of {key} was not kept")))
    }

    /// A scorer of records that are not stored, built from what the store holds now.
    pub fn on_request(&self) -> Result<crate::on_request::OnRequest> {
        crate::on_request::OnRequest::load(&*self.pool.get()?)
    }

    /// The stamps of what a scorer on request is built from: when they differ from its
    /// [`built_from`](crate::on_request::OnRequest::built_from), build it again.
    pub fn on_request_stamps(&self) -> Result<std::collections::BTreeMap<String, i64>> {
        crate::on_request::stamps(&*self.pool.get()?)
    }

    /// A connection of its own to the directory and audit log, for whoever keeps one open.
    pub fn directory(&self) -> Result<Box<dyn Directory + Send>> {
        Ok(open_store(&self.db)?)
    }

    /// A connection to the store for one piece of work, reused after it (see [`Pool`]).
    pub fn connection(&self) -> Result<Pooled> {
        self.pool.get()
    }

    /// Keeps a file of a case by its SHA-256 (kept once however many cases cite it); gives the
    /// hash.
    pub fn put_case_file(&self, bytes: &[u8]) -> Result<String> {
        let sha = crate::case_view::sha256_hex(bytes);
        let mut store = self.pool.get()?;
        let name = format!("case-file/{sha}");
        if store.get_derived(&name)?.is_none() {
            store.put_derived(&name, bytes, &crate::now())?;
        }
        Ok(sha)
    }

    /// A file of a case by its SHA-256.
    pub fn case_file(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(self
            .pool
            .get()?
            .get_derived(&format!("case-file/{}", sha256.to_ascii_lowercase()))?)
    }

    /// The brands each organisation is an approved owner of (lowercase names).
    pub fn brand_owners(
        &self,
    ) -> Result<std::collections::BTreeMap<String, std::collections::BTreeSet<String>>> {
        Ok(saved::brand_owners(&*self.pool.get()?)?.by_org())
    }

    /// Approves `org` as an owner of `brand`, or withdraws the approval (the caller audits it);
    /// gives the brand's name as kept.
    pub fn set_brand_owner(
        &self,
        by: &str,
        brand: &str,
        org: &str,
        approve: bool,
    ) -> Result<String> {
        crate::admin::set_brand_owner(&mut *self.pool.get()?, by, brand, org, approve)
    }

    /// The pack that scores a line, rule by rule: an organisation's own when it switched one
    /// on, else the platform's default.
    pub fn rules(&self, line: Line<'_>) -> Result<ActiveRules> {
        let store = self.pool.get()?;
        let own = match line {
            Some(org) => saved::rules_text_of(&*store, Some(org))?,
            None => None,
        };
        let (text, pack, own_pack) = match own {
            Some(t) => {
                let pack = scoring::parse_pack(&t)?;
                (t, pack, true)
            }
            None => (
                match saved::rules_text(&*store)? {
                    Some(t) => t,
                    None => interdict_score::rules::default_pack_toml().to_string(),
                },
                saved::rules(&*store)?,
                false,
            ),
        };
        Ok(ActiveRules {
            version: pack.version_tag(),
            text,
            own: own_pack,
            rules: pack
                .spec()
                .rules
                .iter()
                .map(|r| RuleLine {
                    name: r.name.clone(),
                    applies_to: target_name(r.applies_to),
                    when: r.when.clone(),
                    weight: r.weight,
                    reason: r.reason.clone(),
                    enabled: r.enabled,
                })
                .collect(),
        })
    }

    /// Back-tests a rule pack (TOML) over the history `viewer` sees in full, without switching
    /// it on. A pack that does not parse is [`crate::Error::Invalid`], named by rule and
    /// variable.
    pub fn test_rules(&self, viewer: &Viewer, pack: &str) -> Result<Backtest> {
        let store = self.pool.get()?;
        let (version, tests) = scoring::test_rules(&*store, pack, Some(viewer))?;
        Ok(Backtest {
            pack: version,
            rules: tests,
        })
    }

    /// Proposes a new version of a line's pack (see [`crate::rule_governance`]).
    pub fn propose_rules(
        &self,
        line: Line<'_>,
        author: &Viewer,
        pack: &str,
        note: &str,
    ) -> Result<crate::rule_governance::RuleVersion> {
        crate::rule_governance::propose(&mut *self.pool.get()?, line, author, pack, note)
    }

    /// Switches a version of a line's pack on: a proposal by a second person, or a rollback to
    /// one switched on before. The scores it makes are made at once.
    pub fn switch_on_rules(
        &self,
        line: Line<'_>,
        approver: &Viewer,
        number: u32,
    ) -> Result<crate::rule_governance::RuleVersion> {
        let mut store = self.pool.get()?;
        let v = crate::rule_governance::switch_on(&mut *store, line, approver, number)?;
        crate::arrival::rescore(&mut *store)?;
        Ok(v)
    }

    /// Puts an organisation back on the platform's default pack, and rescores.
    pub fn default_rules(&self, org: &str) -> Result<()> {
        let mut store = self.pool.get()?;
        crate::rule_governance::back_to_default(&mut *store, org)?;
        crate::arrival::rescore(&mut *store)
    }

    /// Every version of a line's pack, oldest first.
    pub fn rule_history(&self, line: Line<'_>) -> Result<crate::rule_governance::RuleHistory> {
        crate::rule_governance::history(&*self.pool.get()?, line)
    }

    /// Which feeds of `org` inform other organisations' scores.
    pub fn shared_risk(&self) -> Result<saved::SharedRisk> {
        saved::shared_risk(&*self.pool.get()?)
    }

    /// Sets whether a feed of `org` informs other organisations' scores (`None`: the
    /// default), and rescores; the caller audits it.
    pub fn set_shared_risk(
        &self,
        org: &str,
        feed: Feed,
        to: Option<saved::Contributes>,
    ) -> Result<()> {
        let mut store = self.pool.get()?;
        crate::admin::set_shared_risk(&mut *store, org, feed, to)?;
        crate::arrival::rescore(&mut *store)
    }
}

//! The embedded default: one SQLite file in WAL mode.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use parking_lot::FairMutex;

use interdict_model::{Feed, Marking, QuarantinedRow, Record, RecordKey};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{
    DerivedPiece, FeedStats, NewRecord, Payload, RowCounts, Run, RunCounts, RunInfo, RunRecord,
    Store, StoreError, StoredRecord,
};

/// Each entry upgrades the schema by one version; never edit a shipped entry, add one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL,
    feed TEXT NOT NULL,
    file TEXT NOT NULL,
    marking TEXT NOT NULL,
    sharing_group TEXT,
    started_at TEXT NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    read INTEGER NOT NULL DEFAULT 0,
    landed INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE records (
    org TEXT NOT NULL,
    feed TEXT NOT NULL,
    source_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    marking TEXT NOT NULL,
    sharing_group TEXT,
    source_file TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    hash BLOB NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (org, feed, source_id)
);
CREATE TABLE record_versions (
    org TEXT NOT NULL,
    feed TEXT NOT NULL,
    source_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    marking TEXT NOT NULL,
    sharing_group TEXT,
    source_file TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    hash BLOB NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (org, feed, source_id, version)
);
CREATE TABLE quarantine (
    org TEXT NOT NULL,
    feed TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    field TEXT,
    reason TEXT NOT NULL,
    raw TEXT,
    run_id INTEGER NOT NULL,
    PRIMARY KEY (org, feed, file, line)
) WITHOUT ROWID;
CREATE TABLE marking_defaults (
    org TEXT NOT NULL,
    feed TEXT NOT NULL,
    marking TEXT NOT NULL,
    PRIMARY KEY (org, feed)
) WITHOUT ROWID;
"#,
    r#"
CREATE TABLE derived (
    name TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    updated_at TEXT NOT NULL
);
"#,
    // Reading one feed (scoring reads brands, sellers and outcomes beside millions of
    // shipments) must not walk every record of every feed.
    r#"
CREATE INDEX records_by_feed ON records (feed);
"#,
    // The shared platform: organisations, their users and API keys, sharing groups, and the
    // hash-chained audit log.
    r#"
CREATE TABLE orgs (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    org TEXT NOT NULL REFERENCES orgs (name),
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users (name),
    secret_hash BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE sharing_groups (
    name TEXT NOT NULL,
    member TEXT NOT NULL,
    PRIMARY KEY (name, member)
) WITHOUT ROWID;
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    event TEXT NOT NULL,
    prev BLOB NOT NULL,
    hash BLOB NOT NULL
);
"#,
    // Browser sessions, shared by every server process of the store and kept across restarts:
    // the hash of each token, never the token.
    r#"
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users (name),
    started INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_name);
"#,
    // The change sequence: a server follows what other processes write by the stamps of the
    // records they changed, and learns which derived outputs were replaced by theirs.
    r#"
ALTER TABLE records ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX records_by_seq ON records (seq);
ALTER TABLE derived ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
"#,
    // Parts appended to a derived output: the actors and scores of records as they arrive,
    // without rewriting the whole output each time.
    r#"
CREATE TABLE derived_parts (
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, seq)
) WITHOUT ROWID;
"#,
    // Investigation cases, each at its latest version.
    r#"
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // A derived output's stamp, read four times a second by every server, came after its
    // data: reading it walked every overflow page of a million scores. The index holds it
    // apart, so the stamps are read from the index alone.
    r#"
CREATE INDEX derived_stamps ON derived (name, seq);
"#,
];

/// The next stamp of a derived output or part: above every stamp of either.
const NEXT_DERIVED: &str = "(SELECT MAX(IFNULL((SELECT MAX(seq) FROM derived), 0), IFNULL((SELECT MAX(seq) FROM derived_parts), 0)) + 1)";

pub struct SqliteStore {
    pub(crate) conn: Connection,
    pub(crate) path: String,
    /// The turn of this process's writers of the file (see [`write_gate`]).
    gate: Arc<FairMutex<()>>,
}

/// Writers of one database file in this process take turns in the order they came. SQLite's
/// own wait polls with growing sleeps, so a stream of transactions (an upload's batches) can
/// keep a writer that came in between (an officer's decision) waiting for seconds; queued here,
/// it waits for the transaction ahead of it at most. Other processes still meet at SQLite's lock.
fn write_gate(path: &str) -> Arc<FairMutex<()>> {
    static GATES: OnceLock<Mutex<HashMap<String, Arc<FairMutex<()>>>>> = OnceLock::new();
    let key =
        std::fs::canonicalize(path).map_or_else(|_| path.to_string(), |p| p.display().to_string());
    GATES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(key)
        .or_default()
        .clone()
}

/// Page size of a new database. Records are some 700 bytes compressed: 16 KiB pages hold more
/// of them per page than 4 KiB ones, so a bulk ingest writes 14 % fewer bytes and spends half
/// the kernel time on the WAL and its checkpoints (an ingest of 1.5 million rows ran in 13.8 s
/// instead of 15.4 to 15.9 s).
const PAGE_SIZE: i64 = 16_384;
/// Page cache of a connection, in KiB (negative, as SQLite takes it): large enough that the
/// records' key index stays in memory while millions of records are written.
const WRITE_CACHE_KIB: i64 = -262_144;
/// Page cache while a whole feed is scanned in table order.
const SCAN_CACHE_KIB: i64 = -16_384;

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let display = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| sql_err(&display, e))?;
        Self::init(conn, display)
    }

    /// A private store in memory, for tests and dry runs.
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().map_err(|e| sql_err(":memory:", e))?;
        Self::init(conn, ":memory:".into())
    }

    fn init(conn: Connection, path: String) -> Result<SqliteStore, StoreError> {
        let e = |err| sql_err(&path, err);
        // Only a new database takes it (an existing one keeps the page size it was made with).
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(e)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(e)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(e)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(e)?;
        conn.pragma_update(None, "cache_size", WRITE_CACHE_KIB)
            .map_err(e)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(e)?;
        let gate = match path.as_str() {
            ":memory:" => Arc::default(),
            _ => write_gate(&path),
        };
        let mut store = SqliteStore { conn, path, gate };
        store.migrate()?;
        Ok(store)
    }

    /// Runs a scan with a small page cache: a scan reads the table from end to end, each page
    /// about once, and the large cache that bulk writes want would only fill memory with pages
    /// never read again.
    fn with_scan_cache(
        &self,
        scan: impl FnOnce() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .map_err(|e| self.err(e))?;
        self.conn
            .pragma_update(None, "cache_size", SCAN_CACHE_KIB)
            .map_err(|e| self.err(e))?;
        let scanned = scan();
        self.conn
            .pragma_update(None, "cache_size", cache)
            .map_err(|e| self.err(e))?;
        scanned
    }

    fn scan_in_key_order(
        &self,
        feed: Option<Feed>,
        f: &mut dyn FnMut(StoredRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql = match feed {
            Some(_) => format!(
                "SELECT {COLUMNS} FROM records WHERE feed = ?1 ORDER BY org, feed, source_id"
            ),
            None => format!("SELECT {COLUMNS} FROM records ORDER BY org, feed, source_id"),
        };
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = match feed {
            Some(feed) => stmt.query(params![feed.as_str()]),
            None => stmt.query([]),
        }
        .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(self.row_to_stored(r)?)?;
        }
        Ok(())
    }

    fn scan_payloads_in_order(
        &self,
        feed: Feed,
        f: &mut dyn FnMut(Payload) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT org, source_id, marking, sharing_group, data FROM records WHERE feed = ?1 ORDER BY rowid")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![feed.as_str()])
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let org: String = r.get(0).map_err(|e| self.err(e))?;
            let source_id: String = r.get(1).map_err(|e| self.err(e))?;
            let marking: String = r.get(2).map_err(|e| self.err(e))?;
            let sharing_group: Option<String> = r.get(3).map_err(|e| self.err(e))?;
            let data: Vec<u8> = r.get(4).map_err(|e| self.err(e))?;
            let key = RecordKey::new(org, feed, source_id);
            let marking = marking
                .parse()
                .map_err(
                    |e: interdict_model::ParseMarkingError| StoreError::Corrupt {
                        path: self.path.clone(),
                        key: key.to_string(),
                        message: e.to_string(),
                    },
                )?;
            f(Payload {
                key,
                marking,
                sharing_group,
                data,
            })?;
        }
        Ok(())
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_err(&self.path, e)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self
                .conn
                .transaction()
                .map_err(|e| sql_err(&self.path, e))?;
            tx.execute_batch(sql).map_err(|e| sql_err(&self.path, e))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(|e| sql_err(&self.path, e))?;
            tx.commit().map_err(|e| sql_err(&self.path, e))?;
        }
        Ok(())
    }

    fn row_to_stored(&self, r: &rusqlite::Row<'_>) -> Result<StoredRecord, StoreError> {
        let get = |i| -> Result<String, StoreError> { r.get(i).map_err(|e| self.err(e)) };
        let org = get(0)?;
        let feed_s = get(1)?;
        let source_id = get(2)?;
        let key_text = format!("{org}/{feed_s}/{source_id}");
        let corrupt = |m: String| StoreError::Corrupt {
            path: self.path.clone(),
            key: key_text.clone(),
            message: m,
        };
        let feed: Feed = feed_s
            .parse()
            .map_err(|e: interdict_model::ParseFeedError| corrupt(e.to_string()))?;
        let marking: Marking = get(4)?
            .parse()
            .map_err(|e: interdict_model::ParseMarkingError| corrupt(e.to_string()))?;
        let data: Vec<u8> = r.get(11).map_err(|e| self.err(e))?;
        let record = Record::decode_payload_of(feed, &data).map_err(corrupt)?;
        Ok(StoredRecord {
            key: RecordKey {
                org,
                feed,
                source_id,
            },
            version: r.get(3).map_err(|e| self.err(e))?,
            marking,
            sharing_group: r.get(5).map_err(|e| self.err(e))?,
            source_file: get(6)?,
            source_line: r.get::<_, i64>(7).map_err(|e| self.err(e))? as u64,
            ingested_at: get(8)?,
            run_id: r.get(9).map_err(|e| self.err(e))?,
            record,
            payload: data,
        })
    }
}

pub(crate) fn sql_err(path: &str, e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite {
        path: path.to_string(),
        source: e,
    }
}

const COLUMNS: &str = "org, feed, source_id, version, marking, sharing_group, source_file, source_line, ingested_at, run_id, hash, data";

impl Store for SqliteStore {
    fn begin_run(&mut self, info: RunInfo) -> Result<Run, StoreError> {
        let gate = self.gate.clone();
        let _turn = gate.lock();
        self.conn
            .execute(
                "INSERT INTO runs (org, feed, file, marking, sharing_group, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    info.org,
                    info.feed.as_str(),
                    info.file,
                    info.marking.as_str(),
                    info.sharing_group,
                    info.started_at
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(Run {
            id: self.conn.last_insert_rowid(),
            info,
        })
    }

    fn write_batch(
        &mut self,
        run: &Run,
        records: Vec<NewRecord>,
        quarantined: Vec<QuarantinedRow>,
    ) -> Result<RowCounts, StoreError> {
        let path = self.path.clone();
        let e = |err| sql_err(&path, err);
        let info = &run.info;
        let marking = info.marking.as_str();
        let group = info.sharing_group.as_deref();
        let mut counts = RowCounts::default();
        let gate = self.gate.clone();
        let _turn = gate.lock();
        // Immediate: the batch's stamp is read and used under the one write lock, so batches
        // commit in stamp order.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(e)?;
        let seq: i64 = tx
            .query_row("SELECT IFNULL(MAX(seq), 0) + 1 FROM records", [], |r| {
                r.get(0)
            })
            .map_err(e)?;
        {
            let mut find = tx
                .prepare_cached(
                    "SELECT version, hash, marking, IFNULL(sharing_group, ''), run_id FROM records WHERE org = ?1 AND feed = ?2 AND source_id = ?3",
                )
                .map_err(e)?;
            let mut data_of = tx
                .prepare_cached(
                    "SELECT data FROM records WHERE org = ?1 AND feed = ?2 AND source_id = ?3",
                )
                .map_err(e)?;
            // A new key lands with this one statement; a key already stored inserts nothing
            // and is looked up below.
            let mut insert = tx
                .prepare_cached(&format!(
                    "INSERT INTO records ({COLUMNS}, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (org, feed, source_id) DO NOTHING"
                ))
                .map_err(e)?;
            let mut keep_old = tx
                .prepare_cached(&format!(
                    "INSERT INTO record_versions ({COLUMNS}) SELECT {COLUMNS} FROM records WHERE org = ?1 AND feed = ?2 AND source_id = ?3"
                ))
                .map_err(e)?;
            let mut replace = tx
                .prepare_cached(
                    "UPDATE records SET version = ?4, marking = ?5, sharing_group = ?6, source_file = ?7, source_line = ?8, ingested_at = ?9, run_id = ?10, hash = ?11, data = ?12, seq = ?13 WHERE org = ?1 AND feed = ?2 AND source_id = ?3",
                )
                .map_err(e)?;
            let feed = info.feed.as_str();
            for nr in records {
                let source_id = nr.source_id;
                let inserted = insert
                    .execute(params![
                        info.org,
                        feed,
                        source_id,
                        1i64,
                        marking,
                        group,
                        info.file,
                        nr.line as i64,
                        info.started_at,
                        run.id,
                        &nr.hash[..],
                        nr.payload,
                        seq
                    ])
                    .map_err(e)?;
                if inserted == 1 {
                    counts.landed += nr.rows;
                    continue;
                }
                let existing: Option<(i64, Vec<u8>, String, String, i64)> = find
                    .query_row(params![info.org, feed, source_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    })
                    .optional()
                    .map_err(e)?;
                let (mut payload, mut hash) = (nr.payload, nr.hash);
                if nr.continuation && existing.is_some() {
                    // A later row of a record this file already gave: fold it into what is stored.
                    let corrupt = |message: String| StoreError::Corrupt {
                        path: path.clone(),
                        key: format!("{}/{feed}/{source_id}", info.org),
                        message,
                    };
                    let data: Vec<u8> = data_of
                        .query_row(params![info.org, feed, source_id], |r| r.get(0))
                        .map_err(e)?;
                    let mut stored = Record::decode_payload(&data).map_err(corrupt)?;
                    let later = Record::decode_payload(&payload)
                        .map_err(|m| corrupt(format!("continuation record: {m}")))?;
                    stored.absorb(later);
                    let json = stored.canonical_json();
                    hash = Record::content_hash(&json);
                    payload = Record::encode_payload(&json);
                }
                match existing {
                    None => {
                        // The insert above met a conflict on this very key, so it exists.
                        return Err(StoreError::Corrupt {
                            path: path.clone(),
                            key: format!("{}/{feed}/{source_id}", info.org),
                            message: "a record neither inserted nor found".into(),
                        });
                    }
                    Some((_, old_hash, old_marking, old_group, _))
                        if old_hash == hash
                            && old_marking == marking
                            && old_group == group.unwrap_or("") =>
                    {
                        counts.unchanged += nr.rows
                    }
                    Some((version, _, _, _, old_run)) => {
                        let same_run = old_run == run.id;
                        let new_version = if same_run { version } else { version + 1 };
                        if !same_run {
                            keep_old
                                .execute(params![info.org, feed, source_id])
                                .map_err(e)?;
                        }
                        replace
                            .execute(params![
                                info.org,
                                feed,
                                source_id,
                                new_version,
                                marking,
                                group,
                                info.file,
                                nr.line as i64,
                                info.started_at,
                                run.id,
                                &hash[..],
                                payload,
                                seq
                            ])
                            .map_err(e)?;
                        if same_run && version == 1 {
                            counts.landed += nr.rows;
                        } else {
                            counts.updated += nr.rows;
                        }
                    }
                }
            }
            let mut quarantine = tx
                .prepare_cached(
                    "INSERT INTO quarantine (org, feed, file, line, field, reason, raw, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (org, feed, file, line) DO UPDATE SET field = excluded.field, reason = excluded.reason, raw = excluded.raw, run_id = excluded.run_id",
                )
                .map_err(e)?;
            for q in quarantined {
                quarantine
                    .execute(params![
                        q.org,
                        q.feed.as_str(),
                        q.file,
                        q.line as i64,
                        q.field,
                        q.reason,
                        q.raw,
                        run.id
                    ])
                    .map_err(e)?;
            }
        }
        tx.commit().map_err(e)?;
        Ok(counts)
    }

    fn finish_run(&mut self, run: &Run, c: RunCounts) -> Result<(), StoreError> {
        let gate = self.gate.clone();
        let _turn = gate.lock();
        self.conn
            .execute(
                "UPDATE runs SET finished = 1, read = ?2, landed = ?3, updated = ?4, unchanged = ?5, quarantined = ?6 WHERE id = ?1",
                params![
                    run.id,
                    c.read as i64,
                    c.landed as i64,
                    c.updated as i64,
                    c.unchanged as i64,
                    c.quarantined as i64
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn get(&self, key: &RecordKey) -> Result<Option<StoredRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM records WHERE org = ?1 AND feed = ?2 AND source_id = ?3"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![key.org, key.feed.as_str(), key.source_id])
            .map_err(|e| self.err(e))?;
        match rows.next().map_err(|e| self.err(e))? {
            Some(r) => Ok(Some(self.row_to_stored(r)?)),
            None => Ok(None),
        }
    }

    fn versions(&self, key: &RecordKey) -> Result<Vec<StoredRecord>, StoreError> {
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM record_versions WHERE org = ?1 AND feed = ?2 AND source_id = ?3 ORDER BY version"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params![key.org, key.feed.as_str(), key.source_id])
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            out.push(self.row_to_stored(r)?);
        }
        out.extend(self.get(key)?);
        Ok(out)
    }

    fn scan(
        &self,
        feed: Option<Feed>,
        f: &mut dyn FnMut(StoredRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.with_scan_cache(|| self.scan_in_key_order(feed, f))
    }

    fn scan_payloads(
        &self,
        feed: Feed,
        f: &mut dyn FnMut(Payload) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.with_scan_cache(|| self.scan_payloads_in_order(feed, f))
    }

    fn stats(&self) -> Result<Vec<FeedStats>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT org, feed, SUM(records), SUM(versioned), SUM(quarantined) FROM (
                    SELECT org, feed, COUNT(*) AS records, SUM(version > 1) AS versioned, 0 AS quarantined FROM records GROUP BY org, feed
                    UNION ALL
                    SELECT org, feed, 0, 0, COUNT(*) FROM quarantine GROUP BY org, feed
                 ) GROUP BY org, feed ORDER BY org, feed",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (org, feed, records, versioned, quarantined) = row.map_err(|e| self.err(e))?;
            out.push(FeedStats {
                feed: feed
                    .parse()
                    .map_err(|err: interdict_model::ParseFeedError| StoreError::Corrupt {
                        path: self.path.clone(),
                        key: org.clone(),
                        message: err.to_string(),
                    })?,
                org,
                records: records as u64,
                versioned: versioned as u64,
                quarantined: quarantined as u64,
            });
        }
        Ok(out)
    }

    fn quarantined(&self) -> Result<Vec<QuarantinedRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT org, feed, file, line, field, reason, raw FROM quarantine ORDER BY org, feed, file, line")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (org, feed, file, line, field, reason, raw) = row.map_err(|e| self.err(e))?;
            out.push(QuarantinedRow {
                feed: feed
                    .parse()
                    .map_err(|err: interdict_model::ParseFeedError| StoreError::Corrupt {
                        path: self.path.clone(),
                        key: format!("{org}/{file}:{line}"),
                        message: err.to_string(),
                    })?,
                org,
                file,
                line: line as u64,
                field,
                reason,
                raw,
            });
        }
        Ok(out)
    }

    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, org, feed, file, marking, started_at, finished, read, landed, updated, unchanged, quarantined FROM runs ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, bool>(6)?,
                    [
                        r.get::<_, i64>(7)? as u64,
                        r.get::<_, i64>(8)? as u64,
                        r.get::<_, i64>(9)? as u64,
                        r.get::<_, i64>(10)? as u64,
                        r.get::<_, i64>(11)? as u64,
                    ],
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, org, feed, file, marking, started_at, finished, c) =
                row.map_err(|e| self.err(e))?;
            let corrupt = |m: String| StoreError::Corrupt {
                path: self.path.clone(),
                key: format!("run {id}"),
                message: m,
            };
            out.push(RunRecord {
                id,
                org,
                feed: feed
                    .parse()
                    .map_err(|e: interdict_model::ParseFeedError| corrupt(e.to_string()))?,
                file,
                marking: marking
                    .parse()
                    .map_err(|e: interdict_model::ParseMarkingError| corrupt(e.to_string()))?,
                started_at,
                finished,
                counts: RunCounts {
                    read: c[0],
                    landed: c[1],
                    updated: c[2],
                    unchanged: c[3],
                    quarantined: c[4],
                },
            });
        }
        Ok(out)
    }

    fn default_marking(&self, org: &str, feed: Feed) -> Result<Option<Marking>, StoreError> {
        let m: Option<String> = self
            .conn
            .query_row(
                "SELECT marking FROM marking_defaults WHERE org = ?1 AND feed = ?2",
                params![org, feed.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        m.map(|m| {
            m.parse().map_err(
                |e: interdict_model::ParseMarkingError| StoreError::Corrupt {
                    path: self.path.clone(),
                    key: format!("{org}/{feed}"),
                    message: e.to_string(),
                },
            )
        })
        .transpose()
    }

    fn set_default_marking(
        &mut self,
        org: &str,
        feed: Feed,
        marking: Marking,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO marking_defaults (org, feed, marking) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org, feed) DO UPDATE SET marking = excluded.marking",
                params![org, feed.as_str(), marking.as_str()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn digest(&self) -> Result<String, StoreError> {
        let mut h = blake3::Hasher::new();
        for table in ["records", "record_versions"] {
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT org, feed, source_id, version, marking, IFNULL(sharing_group, ''), hash FROM {table} ORDER BY org, feed, source_id, version"
                ))
                .map_err(|e| self.err(e))?;
            let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
            h.update(table.as_bytes());
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                for i in [0, 1, 2] {
                    h.update(r.get::<_, String>(i).map_err(|e| self.err(e))?.as_bytes());
                    h.update(b"\x1f");
                }
                h.update(&r.get::<_, i64>(3).map_err(|e| self.err(e))?.to_le_bytes());
                for i in [4, 5] {
                    h.update(r.get::<_, String>(i).map_err(|e| self.err(e))?.as_bytes());
                    h.update(b"\x1f");
                }
                h.update(&r.get::<_, Vec<u8>>(6).map_err(|e| self.err(e))?);
                h.update(b"\x1e");
            }
        }
        crate::hash_quarantine(&mut h, self.quarantined()?);
        Ok(h.finalize().to_hex().to_string())
    }

    fn put_derived(&mut self, name: &str, data: &[u8], updated_at: &str) -> Result<(), StoreError> {
        let gate = self.gate.clone();
        let _turn = gate.lock();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_err(&self.path, e))?;
        tx.execute(
            &format!(
                "INSERT INTO derived (name, data, updated_at, seq) VALUES (?1, ?2, ?3, {NEXT_DERIVED})
                 ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, seq = excluded.seq"
            ),
            params![name, data, updated_at],
        )
        .map_err(|e| sql_err(&self.path, e))?;
        tx.execute("DELETE FROM derived_parts WHERE name = ?1", params![name])
            .map_err(|e| sql_err(&self.path, e))?;
        tx.commit().map_err(|e| sql_err(&self.path, e))?;
        Ok(())
    }

    fn append_derived(
        &mut self,
        name: &str,
        data: &[u8],
        updated_at: &str,
    ) -> Result<i64, StoreError> {
        let gate = self.gate.clone();
        let _turn = gate.lock();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_err(&self.path, e))?;
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM derived WHERE name = ?1)",
                params![name],
                |r| r.get(0),
            )
            .map_err(|e| sql_err(&self.path, e))?;
        if !exists {
            return Err(StoreError::NoDerived {
                path: self.path.clone(),
                name: name.to_owned(),
            });
        }
        let seq: i64 = tx
            .query_row(
                &format!(
                    "INSERT INTO derived_parts (name, seq, data, updated_at) VALUES (?1, {NEXT_DERIVED}, ?2, ?3) RETURNING seq"
                ),
                params![name, data, updated_at],
                |r| r.get(0),
            )
            .map_err(|e| sql_err(&self.path, e))?;
        tx.commit().map_err(|e| sql_err(&self.path, e))?;
        Ok(seq)
    }

    fn derived_pieces(&self, name: &str, after: i64) -> Result<Vec<DerivedPiece>, StoreError> {
        // One statement: one snapshot of the output and its parts.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT seq, 1, data FROM derived INDEXED BY derived_stamps WHERE name = ?1 AND seq > ?2
                 UNION ALL
                 SELECT p.seq, 0, p.data FROM derived_parts p JOIN derived d ON d.name = p.name
                 WHERE p.name = ?1 AND p.seq > ?2 AND p.seq > d.seq
                 ORDER BY 1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![name, after], |r| {
                Ok(DerivedPiece {
                    stamp: r.get(0)?,
                    base: r.get::<_, i64>(1)? == 1,
                    data: r.get(2)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    fn get_derived(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.conn
            .query_row(
                "SELECT data FROM derived WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn last_change(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT IFNULL(MAX(seq), 0) FROM records", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn changes_since(
        &self,
        after: i64,
        f: &mut dyn FnMut(i64, StoredRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, seq FROM records WHERE seq > ?1 ORDER BY seq, rowid"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params![after]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let seq: i64 = r.get(12).map_err(|e| self.err(e))?;
            f(seq, self.row_to_stored(r)?)?;
        }
        Ok(())
    }

    fn derived_stamps(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, seq FROM derived ORDER BY name")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

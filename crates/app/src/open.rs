//! Opening the store a `--db` names: a SQLite file, or PostgreSQL by URL.

use std::path::Path;

use interdict_store::{Directory, PostgresStore, SqliteStore, Store};

use crate::error::{Context, Result};

/// Everything the use-cases need of a store: records and the platform's directory.
pub trait PlatformStore: Store + Directory + Send {}
impl<T: Store + Directory + Send> PlatformStore for T {}

/// Whether `db` names a PostgreSQL database rather than a file.
pub fn is_url(db: &Path) -> bool {
    let text = db.to_string_lossy();
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// Opens the store at `db`: a SQLite file (made when it does not exist), or PostgreSQL when it
/// is a `postgres://` URL.
pub fn open_store(db: &Path) -> Result<Box<dyn PlatformStore>> {
    let text = db.to_string_lossy();
    if is_url(db) {
        let store = PostgresStore::open(&text)
            .with_context(|| format!("opening store {}", redact_url(&text)))?;
        return Ok(Box::new(store));
    }
    let store = SqliteStore::open(db).with_context(|| format!("opening store {}", db.display()))?;
    Ok(Box::new(store))
}

/// Connections to one store, kept for reuse. Opening a PostgreSQL store costs a connection, a
/// server process and a schema check, several milliseconds every time; a server that reads the
/// store's changes four times a second and on every write reuses idle connections instead. A
/// SQLite file opens in microseconds and its connections would keep their page caches, so it is
/// opened afresh.
pub struct Pool {
    db: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<PostgresStore>>,
}

/// The most idle connections a pool keeps.
const MOST_IDLE: usize = 8;

impl Pool {
    pub fn new(db: &Path) -> Pool {
        Pool {
            db: db.to_path_buf(),
            idle: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// An idle connection, or a new one.
    pub fn get(self: &std::sync::Arc<Pool>) -> Result<Pooled> {
        if !is_url(&self.db) {
            return Ok(Pooled {
                store: Some(Held::Own(open_store(&self.db)?)),
                pool: None,
            });
        }
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let store = match idle {
            Some(s) if !s.is_closed() => Box::new(s),
            _ => {
                let text = self.db.to_string_lossy();
                Box::new(
                    PostgresStore::open(&text)
                        .with_context(|| format!("opening store {}", redact_url(&text)))?,
                )
            }
        };
        Ok(Pooled {
            store: Some(Held::Pg(store)),
            pool: Some(self.clone()),
        })
    }

    /// Idle connections held now.
    pub fn idle(&self) -> usize {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

enum Held {
    Pg(Box<PostgresStore>),
    Own(Box<dyn PlatformStore>),
}

/// A store connection from a [`Pool`]; it goes back to the pool when dropped.
pub struct Pooled {
    store: Option<Held>,
    pool: Option<std::sync::Arc<Pool>>,
}

impl std::ops::Deref for Pooled {
    type Target = dyn PlatformStore;
    fn deref(&self) -> &Self::Target {
        match self.store.as_ref().expect("held until dropped") {
            Held::Pg(s) => &**s,
            Held::Own(s) => s.as_ref(),
        }
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self.store.as_mut().expect("held until dropped") {
            Held::Pg(s) => &mut **s,
            Held::Own(s) => s.as_mut(),
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let (Some(Held::Pg(s)), Some(pool)) = (self.store.take(), &self.pool)
            && !s.is_closed()
        {
            let mut idle = pool.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < MOST_IDLE {
                idle.push(*s);
            }
        }
    }
}

/// A database URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_and_other_names_kept() {
        assert_eq!(
            redact_url("postgres://ann:s3cret@db.example:5432/ops"),
            "postgres://ann:***@db.example:5432/ops"
        );
        assert_eq!(redact_url("postgres://ann@db/ops"), "postgres://ann@db/ops");
        assert_eq!(redact_url("ops.db"), "ops.db");
        assert!(is_url(Path::new("postgresql://x/y")));
        assert!(!is_url(Path::new("interdict.db")));
    }

    #[test]
    fn postgres_connections_are_reused_and_sqlite_files_opened_afresh() {
        let url = std::env::var("INTERDICT_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let scratch = PostgresStore::scratch(&url).unwrap_or_else(|e| {
            panic!("PostgreSQL at {url} is needed for this test (set INTERDICT_TEST_POSTGRES): {e}")
        });
        let sep = if url.contains('?') { '&' } else { '?' };
        let db = format!(
            "{url}{sep}options=-c%20search_path%3D{}",
            scratch.schema().unwrap()
        );
        let pool = std::sync::Arc::new(Pool::new(Path::new(&db)));
        let change = |c: &Pooled| c.last_change().unwrap();
        {
            let a = pool.get().unwrap();
            let b = pool.get().unwrap();
            assert_eq!(change(&a), change(&b));
            assert_eq!(pool.idle(), 0, "both are out");
        }
        assert_eq!(pool.idle(), 2, "both came back");
        let mut c = pool.get().unwrap();
        assert_eq!(pool.idle(), 1, "one idle connection was taken, none opened");
        c.put_derived("pooled", b"kept", "2026-01-01T00:00:00Z")
            .unwrap();
        drop(c);
        let d = pool.get().unwrap();
        let e = pool.get().unwrap();
        assert_eq!(
            e.get_derived("pooled").unwrap().as_deref(),
            Some(&b"kept"[..])
        );
        drop((d, e));
        assert_eq!(pool.idle(), 2);

        let dir = tempfile::tempdir().unwrap();
        let file = std::sync::Arc::new(Pool::new(&dir.path().join("s.db")));
        drop(file.get().unwrap());
        assert_eq!(file.idle(), 0, "a SQLite file keeps no connection");
        drop(scratch);
    }

    #[test]
    fn a_file_store_is_made_and_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let s = open_store(&db).unwrap();
        assert!(s.stats().unwrap().is_empty());
        drop(s);
        assert!(open_store(&db).is_ok());
        let e = open_store(&dir.path().join("no/such/dir/s.db"))
            .err()
            .unwrap();
        assert!(e.to_string().starts_with("opening store "), "{e}");
    }
}

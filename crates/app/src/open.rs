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

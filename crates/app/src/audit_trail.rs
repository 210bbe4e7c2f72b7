//! The audit chain as the store keeps it: entries to rows and back, the chain after the last
//! stored entry, appending one entry from a command, and verifying the whole log against the
//! anchor's checkpoints. The server's writer thread and the command line both use these.

use interdict_audit::{Chain, Digest, Entry, Event, Tamper, Verified};
use interdict_store::{AuditRow, Directory, StoreError};

use crate::error::{Error, Result};

/// A stored row as a chain entry.
pub fn row_to_entry(row: &AuditRow) -> Result<Entry, String> {
    let event: Event = serde_json::from_str(&row.event)
        .map_err(|e| format!("audit entry {} cannot be read: {e}", row.seq))?;
    Ok(Entry {
        seq: row.seq,
        event,
        prev: Digest(row.prev),
        hash: Digest(row.hash),
    })
}

/// A chain entry as a stored row.
pub fn entry_to_row(e: &Entry) -> AuditRow {
    AuditRow {
        seq: e.seq,
        event: serde_json::to_string(&e.event).expect("events serialise"),
        prev: e.prev.0,
        hash: e.hash.0,
    }
}

/// The chain after the last stored entry.
pub fn chain_after(dir: &dyn Directory) -> Result<Chain, String> {
    let last = dir.last_audit().map_err(|e| e.to_string())?;
    let last = last.as_ref().map(row_to_entry).transpose()?;
    Ok(Chain::after(last.as_ref()))
}

/// Appends one event after the last stored entry (a command's write: administration, an
/// export); gives its sequence number.
pub fn append(dir: &mut dyn Directory, event: Event) -> Result<u64> {
    // Another writer (a server, a second command) may take the next place between reading
    // the head and appending: the store refuses the taken place, and the entry is linked again
    // after what is stored now.
    let mut attempt = 0;
    loop {
        let mut chain = chain_after(dir).map_err(Error::Corrupt)?;
        let e = chain.append(event.clone());
        match dir.append_audit(&[entry_to_row(&e)]) {
            Ok(()) => return Ok(e.seq),
            Err(err) if attempt >= 20 => return Err(err.into()),
            Err(_) => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(rand::random_range(5..50)));
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Unreadable(String),
    #[error("{anchor}: {source}")]
    Anchor {
        anchor: String,
        source: interdict_audit::AnchorError,
    },
    #[error("the audit log was tampered with: {0}")]
    Tampered(#[from] Tamper),
}

/// Reads the whole log in pages and verifies it, with the anchor's checkpoints when given
/// (`(name, text)` of the anchor file).
pub fn verify_log(
    dir: &dyn Directory,
    anchor: Option<(&str, &str)>,
) -> Result<Verified, VerifyError> {
    let checkpoints = match anchor {
        Some((name, text)) => {
            interdict_audit::parse_anchor(text).map_err(|source| VerifyError::Anchor {
                anchor: name.to_string(),
                source,
            })?
        }
        None => Vec::new(),
    };
    let mut entries = Vec::new();
    let mut after = 0;
    loop {
        let page = dir.audit(after, 10_000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for row in &page {
            entries.push(row_to_entry(row).map_err(VerifyError::Unreadable)?);
        }
    }
    Ok(interdict_audit::verify(entries, &checkpoints)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_store::SqliteStore;

    fn event(n: u32) -> Event {
        Event {
            at: "2026-01-01T00:00:00Z".into(),
            org: "-".into(),
            user: "cli".into(),
            action: format!("admin.step{n}"),
            target: "t".into(),
            disclosed: Vec::new(),
            detail: String::new(),
        }
    }

    #[test]
    fn appended_entries_chain_and_verify_and_an_edit_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(append(&mut store, event(1)).unwrap(), 1);
        assert_eq!(append(&mut store, event(2)).unwrap(), 2);
        let v = verify_log(&store, None).unwrap();
        assert_eq!(v.entries, 2);
        let rows = store.audit(0, 10).unwrap();
        let back = row_to_entry(&rows[1]).unwrap();
        assert_eq!(back.event.action, "admin.step2");
        assert_eq!(entry_to_row(&back).hash, rows[1].hash);
        let bad = AuditRow {
            event: "{".into(),
            ..rows[0].clone()
        };
        assert!(row_to_entry(&bad).unwrap_err().contains("audit entry 1"));
    }
}

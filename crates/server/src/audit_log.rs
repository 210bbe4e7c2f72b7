//! Appending to the audit trail without holding up the read path, and reading it back.
//!
//! Requests hand events to one writer thread over a channel and go on; the thread links them
//! into the chain, stores a whole burst in one transaction, then writes the new head to the
//! anchor file. Writes (uploads, outcomes) wait until their entry is stored; reads do not.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

pub use interdict_app::audit_trail::{VerifyError, row_to_entry, verify_log};
use interdict_app::audit_trail::{chain_after, entry_to_row};
use interdict_audit::{Checkpoint, Event};
use interdict_store::{AuditRow, Directory};
use tokio::sync::oneshot;

use crate::error::ApiError;

type Ack = oneshot::Sender<Result<u64, String>>;

enum Msg {
    Event(Box<Event>, Option<Ack>),
    /// Anchor the chain's head when another writer (an `interdict` command) moved it on.
    Anchor,
}

/// The sending end of the audit trail; cheap to clone.
#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Msg>,
}

impl AuditSink {
    /// Starts the writer thread on its own connection to the store.
    pub fn start(
        mut dir: Box<dyn Directory + Send>,
        anchor: Option<PathBuf>,
    ) -> Result<AuditSink, String> {
        let mut chain = chain_after(dir.as_ref())?;
        let mut anchored = 0u64;
        let (tx, rx) = mpsc::channel::<Msg>();
        std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    // Let a burst gather, so a busy server writes few transactions.
                    std::thread::sleep(Duration::from_millis(2));
                    while batch.len() < 4096 {
                        match rx.try_recv() {
                            Ok(m) => batch.push(m),
                            Err(_) => break,
                        }
                    }
                    let mut events = Vec::with_capacity(batch.len());
                    let mut waiting = Vec::new();
                    let mut anchor_head = false;
                    for m in batch {
                        match m {
                            Msg::Event(event, ack) => {
                                if let Some(a) = ack {
                                    waiting.push((a, events.len()));
                                }
                                events.push(*event);
                            }
                            Msg::Anchor => anchor_head = true,
                        }
                    }
                    if events.is_empty() {
                        if anchor_head && let Some(path) = &anchor {
                            match anchor_others(dir.as_ref(), path, anchored) {
                                Ok(Some(seq)) => anchored = seq,
                                Ok(None) => {}
                                Err(e) => tracing::error!(error = %e, "audit anchor not written"),
                            }
                        }
                        continue;
                    }
                    // Another writer (an `interdict admin` command) may have moved the chain on
                    // since the last burst: then link the burst again after what is stored.
                    let mut result = Err(String::new());
                    let mut entries = Vec::new();
                    for attempt in 0..2 {
                        if attempt == 1 {
                            match chain_after(dir.as_ref()) {
                                Ok(c) => chain = c,
                                Err(e) => {
                                    result = Err(e);
                                    break;
                                }
                            }
                        }
                        let mut next = chain;
                        entries = events.iter().map(|e| next.append(e.clone())).collect();
                        let rows: Vec<AuditRow> = entries.iter().map(entry_to_row).collect();
                        result = dir.append_audit(&rows).map_err(|e| e.to_string());
                        if result.is_ok() {
                            chain = next;
                            break;
                        }
                    }
                    match &result {
                        Ok(()) => {
                            if let (Some(path), Some(last)) = (&anchor, entries.last()) {
                                match write_anchor(path, last.seq, last.hash) {
                                    Ok(()) => anchored = last.seq,
                                    Err(e) => {
                                        tracing::error!(error = %e, "audit anchor not written")
                                    }
                                }
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "audit entries not stored"),
                    }
                    let acks: Vec<_> = waiting
                        .into_iter()
                        .map(|(a, i)| (a, entries.get(i).map_or(0, |e| e.seq)))
                        .collect();
                    for (ack, seq) in acks {
                        let _ = ack.send(result.clone().map(|()| seq));
                    }
                }
            })
            .map_err(|e| format!("cannot start the audit writer: {e}"))?;
        Ok(AuditSink { tx })
    }

    /// Appends an event; the caller does not wait.
    pub fn record(&self, event: Event) {
        if self.tx.send(Msg::Event(Box::new(event), None)).is_err() {
            tracing::error!("the audit writer has stopped");
        }
    }

    /// Asks for the chain's head to be anchored if another writer (an `interdict` command on
    /// the same store) appended entries since the last checkpoint, so deleting them later is
    /// found like any other tampering.
    pub fn anchor_head(&self) {
        let _ = self.tx.send(Msg::Anchor);
    }

    /// Appends an event and waits until it is stored; gives its sequence number.
    pub async fn record_durably(&self, event: Event) -> Result<u64, ApiError> {
        let (ack, done) = oneshot::channel();
        self.tx
            .send(Msg::Event(Box::new(event), Some(ack)))
            .map_err(|_| {
                ApiError::Unavailable("the audit trail is not accepting entries".into())
            })?;
        match done.await {
            Ok(Ok(seq)) => Ok(seq),
            Ok(Err(e)) => Err(ApiError::Internal(format!("audit entry not stored: {e}"))),
            Err(_) => Err(ApiError::Unavailable("the audit writer has stopped".into())),
        }
    }
}

/// Anchors the stored head when it is past `anchored`; gives the new anchored sequence.
fn anchor_others(
    dir: &dyn Directory,
    path: &PathBuf,
    anchored: u64,
) -> Result<Option<u64>, String> {
    let Some(row) = dir.last_audit().map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    if row.seq <= anchored {
        return Ok(None);
    }
    let entry = row_to_entry(&row)?;
    write_anchor(path, entry.seq, entry.hash).map_err(|e| e.to_string())?;
    Ok(Some(entry.seq))
}

fn write_anchor(path: &PathBuf, seq: u64, hash: interdict_audit::Digest) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(Checkpoint { seq, hash }.line().as_bytes())?;
    f.sync_data()
}

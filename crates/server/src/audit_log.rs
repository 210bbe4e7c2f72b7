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
use interdict_audit::{Checkpoint, Entry, Event};
use interdict_store::{AuditRow, Directory};
use tokio::sync::oneshot;

use crate::error::ApiError;

type Ack = oneshot::Sender<Result<u64, String>>;

enum Msg {
    Event(Box<Event>, Option<Ack>),
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
                    for Msg::Event(event, ack) in batch {
                        if let Some(a) = ack {
                            waiting.push((a, events.len()));
                        }
                        events.push(*event);
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
                            if let (Some(path), Some(last)) = (&anchor, entries.last())
                                && let Err(e) = write_anchor(path, last)
                            {
                                tracing::error!(error = %e, "audit anchor not written");
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

fn write_anchor(path: &PathBuf, last: &Entry) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(
        Checkpoint {
            seq: last.seq,
            hash: last.hash,
        }
        .line()
        .as_bytes(),
    )?;
    f.sync_data()
}

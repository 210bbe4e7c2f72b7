//! The audit trail: every write, search and export, and every disclosure of a non-CLEAR record
//! to another organisation, as one entry in a hash chain.
//!
//! Each entry's hash covers its sequence number, its fields and the hash of the entry before it,
//! so changing, removing or reordering any entry breaks every later link. Someone who can
//! rewrite the whole table can recompute every later hash too; that is why the chain head is
//! also written, from time to time, to an anchor outside the database ([`Checkpoint`] lines in a
//! file or an external sink). A rewritten chain no longer passes through the anchored hashes.
//!
//! Architecture invariant: pure; knows nothing of HTTP or storage. Callers hand entries in and
//! read them back.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A 32-byte BLAKE3 digest, written as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The `prev` of the first entry.
    pub const GENESIS: Digest = Digest([0; 32]);

    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    pub fn from_hex(s: &str) -> Option<Digest> {
        let s = s.trim();
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Digest(out))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &self.to_hex()[..16])
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Digest::from_hex(&s).ok_or_else(|| serde::de::Error::custom("not a 64-digit hex digest"))
    }
}

/// What happened, before it has a place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Event {
    /// ISO 8601 UTC.
    pub at: String,
    /// The organisation and user (or API key) that acted.
    pub org: String,
    pub user: String,
    /// A short verb: `upload`, `search`, `read`, `outcome`, `export`, `admin.create_user`, ...
    pub action: String,
    /// The request or object acted on (`GET /api/v1/actors/A-1`, a file name, ...).
    pub target: String,
    /// Keys of the records of other organisations disclosed by this request.
    #[serde(default)]
    pub disclosed: Vec<String>,
    /// Anything else worth keeping (counts, a search's terms, a result status).
    #[serde(default)]
    pub detail: String,
}

/// An event in its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    #[serde(flatten)]
    pub event: Event,
    pub prev: Digest,
    pub hash: Digest,
}

/// The hash of an entry: its place, its fields and the hash before it, each length-prefixed so
/// no two different entries share an encoding.
pub fn entry_hash(seq: u64, event: &Event, prev: &Digest) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(b"interdict-audit-v1");
    h.update(&seq.to_le_bytes());
    h.update(&prev.0);
    let mut field = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(&event.at);
    field(&event.org);
    field(&event.user);
    field(&event.action);
    field(&event.target);
    field(&event.detail);
    h.update(&(event.disclosed.len() as u64).to_le_bytes());
    for d in &event.disclosed {
        h.update(&(d.len() as u64).to_le_bytes());
        h.update(d.as_bytes());
    }
    Digest(*h.finalize().as_bytes())
}

/// The head of a chain: where the next entry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain {
    pub next_seq: u64,
    pub head: Digest,
}

impl Default for Chain {
    fn default() -> Self {
        Chain {
            next_seq: 1,
            head: Digest::GENESIS,
        }
    }
}

impl Chain {
    /// Continues after the last stored entry (or from the start when there is none).
    pub fn after(last: Option<&Entry>) -> Chain {
        match last {
            Some(e) => Chain {
                next_seq: e.seq + 1,
                head: e.hash,
            },
            None => Chain::default(),
        }
    }

    /// Links an event into the chain.
    pub fn append(&mut self, event: Event) -> Entry {
        let seq = self.next_seq;
        let prev = self.head;
        let hash = entry_hash(seq, &event, &prev);
        self.next_seq += 1;
        self.head = hash;
        Entry {
            seq,
            event,
            prev,
            hash,
        }
    }
}

/// A chain head written outside the database: `<seq> <hash>` on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: u64,
    pub hash: Digest,
}

impl Checkpoint {
    pub fn line(&self) -> String {
        format!("{} {}\n", self.seq, self.hash)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("anchor line {line}: {reason}")]
pub struct AnchorError {
    pub line: usize,
    pub reason: String,
}

/// Reads an anchor file's text: one checkpoint per line. Several server processes of one store
/// append to the same file, so lines may come in any order and the same head may be written
/// twice; checkpoints come back ordered by sequence, exact repeats once. Two lines naming one
/// entry with different hashes are both kept: verification finds the one that does not match.
pub fn parse_anchor(text: &str) -> Result<Vec<Checkpoint>, AnchorError> {
    let mut out: Vec<Checkpoint> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let err = |reason: &str| AnchorError {
            line: line_no,
            reason: reason.to_string(),
        };
        let (seq, hash) = t
            .split_once(' ')
            .ok_or_else(|| err("expected `<sequence> <hash>`"))?;
        let seq: u64 = seq
            .parse()
            .map_err(|_| err("the sequence is not a number"))?;
        let hash = Digest::from_hex(hash).ok_or_else(|| err("the hash is not 64 hex digits"))?;
        out.push(Checkpoint { seq, hash });
    }
    out.sort_by(|a, b| a.seq.cmp(&b.seq).then(a.hash.0.cmp(&b.hash.0)));
    out.dedup();
    Ok(out)
}

/// What is wrong with a chain, at the first place it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Tamper {
    #[error("entry {found} follows entry {after}: an entry was removed, inserted or reordered")]
    OutOfSequence { after: u64, found: u64 },
    #[error("entry {seq} does not link to the hash of the entry before it")]
    BrokenLink { seq: u64 },
    #[error("entry {seq} was altered: its content does not give its hash")]
    Altered { seq: u64 },
    #[error(
        "entry {seq} differs from the hash anchored outside the database: the chain was rewritten"
    )]
    AnchorMismatch { seq: u64 },
    #[error("the anchor holds entry {seq} but the log ends at {last}: entries were removed")]
    Truncated { seq: u64, last: u64 },
}

/// What a sound chain holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub entries: u64,
    pub head: Digest,
    pub anchors_checked: usize,
}

/// Walks a whole log in order and checks every link, every hash and every anchored checkpoint.
pub fn verify(
    entries: impl IntoIterator<Item = Entry>,
    anchors: &[Checkpoint],
) -> Result<Verified, Tamper> {
    let mut chain = Chain::default();
    let mut anchor = anchors.iter().peekable();
    let mut checked = 0;
    let mut count = 0;
    for e in entries {
        if e.seq != chain.next_seq {
            return Err(Tamper::OutOfSequence {
                after: chain.next_seq - 1,
                found: e.seq,
            });
        }
        if e.prev != chain.head {
            return Err(Tamper::BrokenLink { seq: e.seq });
        }
        if entry_hash(e.seq, &e.event, &e.prev) != e.hash {
            return Err(Tamper::Altered { seq: e.seq });
        }
        while let Some(c) = anchor.peek() {
            if c.seq < e.seq {
                // Only possible when anchors are out of order; parse_anchor sorts them.
                anchor.next();
                continue;
            }
            if c.seq == e.seq {
                if c.hash != e.hash {
                    return Err(Tamper::AnchorMismatch { seq: e.seq });
                }
                checked += 1;
                anchor.next();
                continue;
            }
            break;
        }
        chain.next_seq += 1;
        chain.head = e.hash;
        count += 1;
    }
    if let Some(c) = anchor.next() {
        return Err(Tamper::Truncated {
            seq: c.seq,
            last: chain.next_seq - 1,
        });
    }
    Ok(Verified {
        entries: count,
        head: chain.head,
        anchors_checked: checked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: u64) -> Event {
        Event {
            at: format!("2026-12-01T10:00:{:02}Z", i % 60),
            org: "customs".into(),
            user: "officer1".into(),
            action: "read".into(),
            target: format!("GET /api/v1/shipments/S{i}"),
            disclosed: vec![format!("carrier/shipments/S{i}")],
            detail: String::new(),
        }
    }

    fn log(n: u64) -> (Vec<Entry>, Vec<Checkpoint>) {
        let mut chain = Chain::default();
        let mut entries = Vec::new();
        let mut anchors = Vec::new();
        for i in 1..=n {
            let e = chain.append(event(i));
            if i % 4 == 0 {
                anchors.push(Checkpoint {
                    seq: e.seq,
                    hash: e.hash,
                });
            }
            entries.push(e);
        }
        (entries, anchors)
    }

    /// Rewrites the log from `from` on, recomputing every later hash as a forger with database
    /// access would.
    fn relink(entries: &mut [Entry]) {
        let mut chain = Chain::default();
        for e in entries.iter_mut() {
            let again = chain.append(e.event.clone());
            *e = again;
        }
    }

    #[test]
    fn a_sound_log_verifies_with_its_anchors() {
        let (entries, anchors) = log(10);
        let v = verify(entries.clone(), &anchors).unwrap();
        assert_eq!(v.entries, 10);
        assert_eq!(v.anchors_checked, 2);
        assert_eq!(v.head, entries[9].hash);
        assert_eq!(Chain::after(entries.last()).next_seq, 11);
        assert_eq!(verify(Vec::new(), &[]).unwrap().entries, 0);
    }

    #[test]
    fn an_altered_field_is_found() {
        let (mut entries, anchors) = log(10);
        entries[5].event.disclosed.clear();
        assert_eq!(verify(entries, &anchors), Err(Tamper::Altered { seq: 6 }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let (mut entries, anchors) = log(10);
        entries.remove(3);
        assert_eq!(
            verify(entries, &anchors),
            Err(Tamper::OutOfSequence { after: 3, found: 5 })
        );
    }

    #[test]
    fn reordered_entries_are_found() {
        let (mut entries, anchors) = log(10);
        entries.swap(2, 3);
        assert!(matches!(
            verify(entries, &anchors),
            Err(Tamper::OutOfSequence { .. })
        ));
    }

    #[test]
    fn a_renumbered_entry_is_found() {
        let (mut entries, anchors) = log(10);
        // Swap the two events but keep the sequence numbers in order.
        let (a, b) = (entries[2].event.clone(), entries[3].event.clone());
        entries[2].event = b;
        entries[3].event = a;
        assert_eq!(verify(entries, &anchors), Err(Tamper::Altered { seq: 3 }));
    }

    #[test]
    fn a_rewritten_chain_is_caught_by_the_anchor() {
        let (mut entries, anchors) = log(10);
        entries[1].event.user = "someone-else".into();
        relink(&mut entries);
        // The rewritten chain is internally sound ...
        assert!(verify(entries.clone(), &[]).is_ok());
        // ... but no longer passes through the anchored heads.
        assert_eq!(
            verify(entries, &anchors),
            Err(Tamper::AnchorMismatch { seq: 4 })
        );
    }

    #[test]
    fn a_cut_tail_is_caught_by_the_anchor() {
        let (mut entries, anchors) = log(10);
        entries.truncate(6);
        assert_eq!(
            verify(entries, &anchors),
            Err(Tamper::Truncated { seq: 8, last: 6 })
        );
    }

    #[test]
    fn a_changed_link_is_found() {
        let (mut entries, anchors) = log(5);
        entries[2].prev = Digest([7; 32]);
        assert_eq!(
            verify(entries, &anchors),
            Err(Tamper::BrokenLink { seq: 3 })
        );
    }

    #[test]
    fn anchors_round_trip_and_bad_lines_are_named() {
        let (_, anchors) = log(12);
        let text: String = anchors.iter().map(Checkpoint::line).collect();
        assert_eq!(parse_anchor(&text).unwrap(), anchors);
        let err = parse_anchor("4 abc\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(parse_anchor("x y").is_err());
    }

    #[test]
    fn anchors_written_by_several_processes_verify_in_any_order() {
        let (entries, anchors) = log(12);
        // Two servers: lines interleaved out of order, one head written by both.
        let text = format!(
            "{}{}{}{}",
            anchors[1].line(),
            anchors[0].line(),
            anchors[1].line(),
            anchors[2].line()
        );
        let parsed = parse_anchor(&text).unwrap();
        assert_eq!(parsed, anchors[..3].to_vec());
        assert!(verify(entries.clone(), &parsed).is_ok());
        // A second, different hash for an anchored entry is found, whichever line is right.
        let forged = Checkpoint {
            seq: anchors[1].seq,
            hash: Digest([9; 32]),
        };
        let with_forged = parse_anchor(&format!("{}{}", text, forged.line())).unwrap();
        assert_eq!(
            verify(entries, &with_forged),
            Err(Tamper::AnchorMismatch {
                seq: anchors[1].seq
            })
        );
    }

    #[test]
    fn hashes_separate_fields() {
        let mut a = event(1);
        let mut b = event(1);
        a.org = "ab".into();
        a.user = "c".into();
        b.org = "a".into();
        b.user = "bc".into();
        assert_ne!(
            entry_hash(1, &a, &Digest::GENESIS),
            entry_hash(1, &b, &Digest::GENESIS)
        );
        let d = entry_hash(1, &a, &Digest::GENESIS);
        assert_eq!(Digest::from_hex(&d.to_hex()), Some(d));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), d);
    }
}

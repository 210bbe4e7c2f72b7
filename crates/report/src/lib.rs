//! Referral reports: renders the bundle an investigator hands to prosecutors for one case as a
//! self-contained HTML page ([`html()`]) and as a PDF ([`pdf()`]), and packs the bundle's files into
//! a ZIP archive ([`zip()`]).
//!
//! The caller gathers everything the viewer may see into a [`Referral`] (access checks,
//! redaction and the audit trail stay with their own crates); this crate only draws it. The
//! network picture in both formats comes from one [`layout()`], so the HTML and the PDF show the
//! same drawing. The PDF and ZIP writers are written by hand and kept deliberately simple:
//! standard Type1 fonts, no compression, stored (uncompressed) ZIP entries.
//!
//! Architecture invariant: pure rendering; no I/O, no clock, no network, no randomness; the
//! same input always gives byte-identical output.

mod html;
mod layout;
mod pdf;
mod zip;

use serde::Serialize;

pub use html::html;
pub use layout::layout;
pub use pdf::pdf;
pub use zip::zip;

/// Everything a referral report shows about one case. Every text is shown as given (escaped
/// for the output format); nothing is looked up, checked or redacted here.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Referral {
    /// The case identifier, e.g. `CASE-2024-0042`.
    pub case_id: String,
    /// The case title.
    pub title: String,
    /// The case status as the case tracker names it.
    pub status: String,
    /// The organisation that owns the case.
    pub owner_org: String,
    /// The TLP marking of the report, e.g. `TLP:AMBER`; shown at the top and bottom.
    pub marking: String,
    /// The sharing group the marking refers to, if any.
    pub sharing_group: Option<String>,
    /// Who prepared the report.
    pub prepared_by: String,
    /// When the report was prepared (ISO 8601, given by the caller: this crate reads no clock).
    pub prepared_at: String,
    /// The summary, one entry per paragraph.
    pub summary: Vec<String>,
    /// The actors of the case.
    pub subjects: Vec<Subject>,
    /// The network of the case: actors, identifiers and the records linking them.
    pub network: Network,
    /// The evidence items, each with its SHA-256.
    pub evidence: Vec<Evidence>,
    /// The tasks of the case.
    pub tasks: Vec<TaskLine>,
    /// The case notes, in the order to show them.
    pub notes: Vec<NoteLine>,
    /// The chain of custody, taken from the audit trail.
    pub custody: Vec<CustodyEntry>,
    /// Sentences telling where other organisations hold related records, e.g.
    /// "organisation X holds records on ...; ask X".
    pub held_elsewhere: Vec<String>,
}

/// One actor of the case.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Subject {
    /// The actor's identifier or display name.
    pub actor: String,
    /// Names the actor is known under.
    pub names: Vec<String>,
    /// Further facts about the actor, one per line (identifiers, addresses, accounts).
    pub details: Vec<String>,
}

/// The network picture of a case: nodes and the edges between them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Network {
    /// The nodes; edges refer to them by index.
    pub nodes: Vec<Node>,
    /// The edges. An edge whose index is out of range is left out of every rendering.
    pub edges: Vec<Edge>,
}

/// One node of the network.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Node {
    /// A stable identifier of the node.
    pub id: String,
    /// What the picture writes next to the node; the id when empty.
    pub label: String,
    /// A subject of the case: drawn as a square near the centre.
    pub subject: bool,
    /// A hub (an identifier shared by many actors): drawn as a larger circle.
    pub hub: bool,
}

/// An edge between two nodes, given as indices into [`Network::nodes`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Edge {
    /// Index of one end.
    pub a: usize,
    /// Index of the other end.
    pub b: usize,
    /// The record that links the two ends.
    pub via: String,
}

/// One evidence item.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evidence {
    /// What kind of item it is (screenshot, test purchase, lab report, ...).
    pub kind: String,
    /// The item's reference (file name, exhibit number, URL).
    pub reference: String,
    /// What the item shows.
    pub description: String,
    /// Who added the item.
    pub added_by: String,
    /// When the item was added (ISO 8601).
    pub added_at: String,
    /// The SHA-256 of the item, 64 hex characters; always printed whole on one line.
    pub sha256: String,
}

/// One task of the case.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskLine {
    /// What is to be done.
    pub text: String,
    /// Who it is assigned to, if anyone.
    pub assignee: Option<String>,
    /// Whether it is done.
    pub done: bool,
}

/// One case note.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoteLine {
    /// When the note was written (ISO 8601).
    pub at: String,
    /// Who wrote it.
    pub author: String,
    /// The note itself.
    pub text: String,
}

/// One entry of the chain of custody.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustodyEntry {
    /// When it happened (ISO 8601).
    pub at: String,
    /// The acting organisation.
    pub org: String,
    /// The acting user.
    pub user: String,
    /// What was done.
    pub action: String,
    /// Details of the action.
    pub detail: String,
    /// The audit entry's hash; printed whole on one line.
    pub hash: String,
}

impl Node {
    /// The text drawn for the node: its label, or its id when the label is empty.
    pub(crate) fn shown(&self) -> &str {
        if self.label.trim().is_empty() {
            &self.id
        } else {
            &self.label
        }
    }
}

impl Network {
    /// The edges whose both ends exist, in their given order.
    pub(crate) fn valid_edges(&self) -> impl Iterator<Item = &Edge> {
        let n = self.nodes.len();
        self.edges.iter().filter(move |e| e.a < n && e.b < n)
    }
}

/// The marking as printed: the given text, or `UNMARKED` when it is empty.
pub(crate) fn marking_text(marking: &str) -> &str {
    let m = marking.trim();
    if m.is_empty() { "UNMARKED" } else { m }
}

/// The TLP 2.0 colour of a marking (as RGB bytes), printed on a black banner.
pub(crate) fn marking_colour(marking: &str) -> (u8, u8, u8) {
    let m = marking.to_ascii_uppercase();
    if m.contains("RED") {
        (0xFF, 0x2B, 0x2B)
    } else if m.contains("AMBER") {
        (0xFF, 0xC0, 0x00)
    } else if m.contains("GREEN") {
        (0x33, 0xFF, 0x00)
    } else {
        (0xFF, 0xFF, 0xFF)
    }
}

/// The text of a node for a link description, or `?` for an index out of range.
pub(crate) fn node_name(n: &Network, i: usize) -> &str {
    n.nodes.get(i).map_or("?", Node::shown)
}

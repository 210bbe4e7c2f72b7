//! What a caller is told of cases where it looks: on an actor's page, a queue row's parties,
//! and a case's actors. One notice shape for all of them: the caller's own organisation's open
//! cases, and other organisations' as much as their markings allow (deconfliction).

use std::collections::BTreeSet;

use interdict_access::Viewer;
use interdict_app::cases::{self, Notice, Status};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::DirectoryView;
use crate::view::View;

#[derive(Serialize, ToSchema)]
pub(crate) struct NoticeOut {
    /// `deconfliction` (another organisation's case on the same actor), `case` (a case the
    /// caller reads), or `mention` (a note naming the caller).
    pub(crate) kind: String,
    /// The organisation to contact.
    pub(crate) org: String,
    /// The case, when the caller may read it.
    pub(crate) case: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) status: String,
    pub(crate) actor: Option<String>,
    pub(crate) note: String,
}

impl NoticeOut {
    /// Says which party of a record the notice is about.
    pub(crate) fn prefix(&mut self, role: &str) {
        self.note = format!("{role}: {}", self.note);
    }
}

impl From<Notice> for NoticeOut {
    fn from(n: Notice) -> Self {
        NoticeOut {
            kind: n.kind.into(),
            org: n.org,
            case: n.case,
            title: n.title,
            status: n.status.as_str().into(),
            actor: Some(n.actor),
            note: n.note,
        }
    }
}

/// The notices a row of the queue or an actor's page carries: the cases on `actor` the caller
/// reads, and other organisations' open cases on it as their markings allow.
pub(crate) fn on_actor(dir: &DirectoryView, v: &Viewer, actor: &str) -> Vec<NoticeOut> {
    let (readable, found) =
        cases::notices_on(&dir.cases, &dir.cases_by_actor, actor, v, &dir.groups);
    let mut out: Vec<NoticeOut> = readable
        .into_iter()
        .filter(|c| c.org == v.org && c.status != Status::Closed)
        .map(|c| NoticeOut {
            kind: "case".into(),
            org: c.org.clone(),
            case: Some(c.id.clone()),
            title: Some(c.title.clone()),
            status: c.status.as_str().into(),
            actor: Some(actor.to_string()),
            note: format!(
                "under investigation in case {} ({})",
                c.id,
                c.status.as_str()
            ),
        })
        .collect();
    out.extend(found.into_iter().map(NoticeOut::from));
    out
}

/// The cases on a record's parties the caller may know of, each note saying which party.
pub(crate) fn on_parties(
    view: &View,
    dir: &DirectoryView,
    v: &Viewer,
    record: u32,
) -> Vec<NoticeOut> {
    if dir.cases.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for p in view.parties_of(record) {
        let Some(a) = view.parties[p as usize].actor else {
            continue;
        };
        let id = &view.actors[a as usize].id;
        if !seen.insert(id.clone()) {
            continue;
        }
        for mut n in on_actor(dir, v, id) {
            n.prefix(view.role(p));
            out.push(n);
        }
    }
    out
}

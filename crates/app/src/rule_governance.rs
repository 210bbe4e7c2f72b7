//! Who changes the rule pack that scores the shared queues, and how. Every change is a new
//! version with its author, its diff against the pack active when it was proposed, and its
//! back-test over what the author sees; it scores nothing until a second person switches it
//! on. Any earlier version that was switched on may be switched on again (a rollback). The
//! history is kept beside the active pack (`score/rule-history`); the command line's
//! `rules set` stays the platform operator's direct switch and enters the history too.

use interdict_access::Viewer;

use crate::error::{Result, invalid, missing};
pub use crate::saved::{RuleHistory, RuleVersion};
use crate::{PlatformStore, now, saved, scoring};

fn who(v: &Viewer) -> String {
    format!("{}:{}", v.org, v.user)
}

impl RuleHistory {
    /// The number a new version with `text` takes, and its diff against the active pack.
    fn next(&self, text: &str) -> (u32, String) {
        let active = self
            .active
            .and_then(|n| self.version(n))
            .map_or("", |v| v.text.as_str());
        let number = self.versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
        (number, diff(active, text))
    }
}

fn diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header("active", "proposed")
        .to_string()
}

/// The history, with the pack active before any change as its first, switched-on version.
fn history_with_start(store: &dyn PlatformStore) -> Result<RuleHistory> {
    let mut h = saved::rule_history(store)?;
    if h.versions.is_empty() {
        let pack = saved::rules(store)?;
        let text = saved::rules_text(store)?.unwrap_or_else(|| pack.to_toml());
        h.versions.push(RuleVersion {
            number: 1,
            tag: pack.version_tag(),
            text,
            author: "platform".into(),
            proposed_at: String::new(),
            note: "the pack active before changes were kept".into(),
            diff: String::new(),
            backtest: Vec::new(),
            approved_by: Some("platform".into()),
            approved_at: None,
        });
        h.active = Some(1);
    }
    Ok(h)
}

/// Proposes a new version of the shared pack: checked, diffed against the active pack and
/// back-tested over what `author` sees. It scores nothing until switched on.
pub fn propose(
    store: &mut dyn PlatformStore,
    author: &Viewer,
    text: &str,
    note: &str,
) -> Result<RuleVersion> {
    let pack = scoring::parse_pack(text)?;
    let (_, backtest) = scoring::test_rules(store, text, Some(author))?;
    let mut h = history_with_start(store)?;
    let (number, diff) = h.next(text);
    let version = RuleVersion {
        number,
        tag: pack.version_tag(),
        text: text.to_string(),
        author: who(author),
        proposed_at: now(),
        note: note.trim().to_string(),
        diff,
        backtest,
        approved_by: None,
        approved_at: None,
    };
    h.versions.push(version.clone());
    saved::save_rule_history(store, &h, &now())?;
    Ok(version)
}

/// Switches version `number` on: a proposal by someone other than its author, or an earlier
/// version that was switched on before (a rollback). Scores from the next scoring on carry its
/// tag.
pub fn switch_on(
    store: &mut dyn PlatformStore,
    approver: &Viewer,
    number: u32,
) -> Result<RuleVersion> {
    let mut h = history_with_start(store)?;
    let Some(i) = h.versions.iter().position(|v| v.number == number) else {
        missing!("no rule pack version {number}");
    };
    let by = who(approver);
    let v = &mut h.versions[i];
    if v.approved_by.is_none() {
        if v.author == by {
            invalid!("version {number} was proposed by {by}: a second person switches it on");
        }
        v.approved_by = Some(by);
        v.approved_at = Some(now());
    }
    let version = v.clone();
    let pack = scoring::parse_pack(&version.text)?;
    saved::save_rules(store, &pack, &now())?;
    h.active = Some(number);
    saved::save_rule_history(store, &h, &now())?;
    Ok(version)
}

/// The history of the shared pack, oldest first.
pub fn history(store: &dyn PlatformStore) -> Result<RuleHistory> {
    history_with_start(store)
}

/// Switches a pack on directly, as the platform operator does from the command line
/// (`rules set`): checked, kept in the history as proposed and switched on by `by`. Gives its
/// tag.
pub fn set_directly(store: &mut dyn PlatformStore, by: &str, text: &str) -> Result<String> {
    let pack = scoring::parse_pack(text)?;
    let mut h = history_with_start(store)?;
    let (number, diff) = h.next(text);
    let at = now();
    h.versions.push(RuleVersion {
        number,
        tag: pack.version_tag(),
        text: text.to_string(),
        author: by.to_string(),
        proposed_at: at.clone(),
        note: "set from the command line".into(),
        diff,
        backtest: Vec::new(),
        approved_by: Some(by.to_string()),
        approved_at: Some(at.clone()),
    });
    h.active = Some(number);
    saved::save_rules(store, &pack, &at)?;
    saved::save_rule_history(store, &h, &at)?;
    Ok(pack.version_tag())
}

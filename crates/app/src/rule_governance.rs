//! Who changes a rule pack, and how. There are pack lines: the platform's default pack (the
//! template every organisation scores with until it switches a pack of its own on, governed by
//! the coordination centre) and each organisation's own. Every change is a new version with
//! its author, its diff against the pack scoring the line when it was proposed, and its
//! back-test over what the author sees; it scores nothing until a second person of the line's
//! organisation switches it on. Any earlier version that was switched on may be switched on
//! again (a rollback), and an organisation may go back to the platform's default. Histories are
//! kept beside the packs (`score/rule-history`, `score/rule-history/<org>`); the command line's
//! `rules set` stays the platform operator's direct switch of the default and enters its
//! history too.

use interdict_access::Viewer;

use crate::error::{Result, invalid, missing};
pub use crate::saved::{RuleHistory, RuleVersion};
use crate::{PlatformStore, now, saved, scoring};

fn who(v: &Viewer) -> String {
    format!("{}:{}", v.org, v.user)
}

/// A pack line: the platform's default (`None`) or an organisation's own.
pub type Line<'a> = Option<&'a str>;

impl RuleHistory {
    /// The number a new version with `text` takes, and its diff against `scoring`, the text of
    /// the pack scoring the line now.
    fn next(&self, scoring: &str, text: &str) -> (u32, String) {
        let number = self.versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
        (number, diff(scoring, text))
    }
}

/// The text of the pack that scores a line now: its own when switched on, else the default.
fn scoring_text(store: &dyn PlatformStore, line: Line<'_>) -> Result<String> {
    if let Some(t) = saved::rules_text_of(store, line)? {
        return Ok(t);
    }
    Ok(match saved::rules_text(store)? {
        Some(t) => t,
        None => saved::rules(store)?.to_toml(),
    })
}

fn diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header("active", "proposed")
        .to_string()
}

/// The history of a line; the default's has the pack active before any change as its first,
/// switched-on version.
fn history_with_start(store: &dyn PlatformStore, line: Line<'_>) -> Result<RuleHistory> {
    let mut h = saved::rule_history(store, line)?;
    if h.versions.is_empty() && line.is_none() {
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

/// Proposes a new version of a line's pack: checked, diffed against the pack scoring the line
/// and back-tested over what `author` sees. It scores nothing until switched on.
pub fn propose(
    store: &mut dyn PlatformStore,
    line: Line<'_>,
    author: &Viewer,
    text: &str,
    note: &str,
) -> Result<RuleVersion> {
    let pack = scoring::parse_pack(text)?;
    let (_, backtest) = scoring::test_rules(store, text, Some(author))?;
    let mut h = history_with_start(store, line)?;
    let (number, diff) = h.next(&scoring_text(store, line)?, text);
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
    saved::save_rule_history(store, line, &h, &now())?;
    Ok(version)
}

/// Switches version `number` of a line on: a proposal by someone other than its author, or an
/// earlier version that was switched on before (a rollback). Scores from the next scoring on
/// carry its tag; an organisation's own scores are made again whole with it.
pub fn switch_on(
    store: &mut dyn PlatformStore,
    line: Line<'_>,
    approver: &Viewer,
    number: u32,
) -> Result<RuleVersion> {
    let mut h = history_with_start(store, line)?;
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
    saved::save_rules(store, line, Some(&pack), &now())?;
    h.active = Some(number);
    saved::save_rule_history(store, line, &h, &now())?;
    Ok(version)
}

/// Puts an organisation back on the platform's default pack; its versions stay, to be
/// switched on again.
pub fn back_to_default(store: &mut dyn PlatformStore, org: &str) -> Result<()> {
    let mut h = history_with_start(store, Some(org))?;
    h.active = None;
    saved::save_rules(store, Some(org), None, &now())?;
    saved::save_rule_history(store, Some(org), &h, &now())?;
    Ok(())
}

/// The history of a line, oldest first.
pub fn history(store: &dyn PlatformStore, line: Line<'_>) -> Result<RuleHistory> {
    history_with_start(store, line)
}

/// Switches a pack on directly, as the platform operator does from the command line
/// (`rules set`): checked, kept in the history as proposed and switched on by `by`. Gives its
/// tag.
pub fn set_directly(store: &mut dyn PlatformStore, by: &str, text: &str) -> Result<String> {
    let pack = scoring::parse_pack(text)?;
    let mut h = history_with_start(store, None)?;
    let (number, diff) = h.next(&scoring_text(store, None)?, text);
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
    saved::save_rules(store, None, Some(&pack), &at)?;
    saved::save_rule_history(store, None, &h, &at)?;
    Ok(pack.version_tag())
}

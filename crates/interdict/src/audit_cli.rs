//! Who a command is, as the audit chain names it, and the entry a write from the command line
//! leaves there.

use anyhow::Result;
use interdict_app::{PlatformStore, admin};

/// Who makes an administrative change from the command line, as the audit chain names them.
pub(crate) fn cli_user() -> String {
    match std::env::var("USER") {
        Ok(u) if !u.is_empty() => format!("cli:{u}"),
        _ => "cli".into(),
    }
}

/// A write from the command line goes into the audit chain like one through the API.
pub(crate) fn audit_cli(
    store: &mut dyn PlatformStore,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<()> {
    admin::audit(store, &cli_user(), action, target, detail)?;
    Ok(())
}

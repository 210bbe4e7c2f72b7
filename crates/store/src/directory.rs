//! Who uses the platform: organisations, users, API keys, sharing groups, and the rows of the
//! audit log. The store keeps them beside the records; what they mean (roles, markings, the
//! hash chain) belongs to the access and audit crates.

use serde::Serialize;

use crate::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRow {
    pub name: String,
    /// marketplace, carrier, customs, brand or coordinator.
    pub kind: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    pub name: String,
    pub org: String,
    pub role: String,
    /// A PHC string (argon2id) when the user signs in with a password.
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub created_at: String,
    pub disabled: bool,
}

/// An API key as stored: its public id and the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    pub id: String,
    pub user: String,
    #[serde(skip)]
    pub secret_hash: Vec<u8>,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

/// One entry of the audit log as stored: the event as JSON and its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: u64,
    pub event: String,
    pub prev: [u8; 32],
    pub hash: [u8; 32],
}

/// A browser session as stored: the hash of its token (never the token), its user, and when it
/// began and was last used, in Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: [u8; 32],
    pub user: String,
    pub started: i64,
    pub last_seen: i64,
}

/// An investigation case as stored: its owner organisation and its body (JSON, read by the
/// cases use-case), at a version that goes up by one with every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: String,
    pub org: String,
    /// 1 when opened; each change writes the next.
    pub version: u64,
    pub body: String,
    pub updated_at: String,
}

/// The platform's directory and audit log.
pub trait Directory {
    /// Adds an organisation; false when the name is taken.
    fn add_org(&mut self, org: &OrgRow) -> Result<bool, StoreError>;
    fn orgs(&self) -> Result<Vec<OrgRow>, StoreError>;
    /// Adds a user of an existing organisation; false when the name is taken.
    fn add_user(&mut self, user: &UserRow) -> Result<bool, StoreError>;
    fn set_password(&mut self, user: &str, password_hash: &str) -> Result<bool, StoreError>;
    fn set_disabled(&mut self, user: &str, disabled: bool) -> Result<bool, StoreError>;
    fn users(&self) -> Result<Vec<UserRow>, StoreError>;
    fn add_key(&mut self, key: &KeyRow) -> Result<(), StoreError>;
    /// Revokes a key that is not yet revoked; false when there is no such live key.
    fn revoke_key(&mut self, id: &str, at: &str) -> Result<bool, StoreError>;
    fn keys(&self) -> Result<Vec<KeyRow>, StoreError>;
    /// Sets the members of a sharing group (`org:NAME` or `user:NAME`), replacing the old ones.
    fn set_group(&mut self, name: &str, members: &[String]) -> Result<(), StoreError>;
    /// Every group with its members, by name.
    fn groups(&self) -> Result<Vec<(String, Vec<String>)>, StoreError>;
    /// Appends audit entries in one transaction. An entry whose sequence number is taken is
    /// refused, so two writers can never fork the chain.
    fn append_audit(&mut self, rows: &[AuditRow]) -> Result<(), StoreError>;
    /// Audit entries with `seq > after`, oldest first, at most `limit`.
    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError>;
    fn last_audit(&self) -> Result<Option<AuditRow>, StoreError>;
    /// Keeps a new browser session, so every server process of the store knows it and it
    /// outlives a restart.
    fn add_session(&mut self, session: &SessionRow) -> Result<(), StoreError>;
    /// The session whose token hashes to `token_hash`, if it has not ended.
    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<SessionRow>, StoreError>;
    /// Marks a session used at `at` (an earlier time never moves it back); false when there is
    /// no such session.
    fn touch_session(&mut self, token_hash: &[u8; 32], at: i64) -> Result<bool, StoreError>;
    /// Ends a session; false when there was none.
    fn end_session(&mut self, token_hash: &[u8; 32]) -> Result<bool, StoreError>;
    /// Ends every session of `user`, or every session last used before `idle_before`; gives how
    /// many ended.
    fn end_sessions(&mut self, user: Option<&str>, idle_before: i64) -> Result<u64, StoreError>;

    /// Writes a case at `row.version`: version 1 opens it (false when the id is taken); a later
    /// version replaces the one before it (false when the stored version is not the one
    /// before, because another writer changed it first).
    fn put_case(&mut self, row: &CaseRow) -> Result<bool, StoreError>;
    /// Every case at its latest version, by id.
    fn cases(&self) -> Result<Vec<CaseRow>, StoreError>;
}

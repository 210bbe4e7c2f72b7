//! A boxed store is a store: commands open a backend chosen at run time (`Box<dyn ...>`) and
//! hand it to code written against the traits.

use interdict_model::{Feed, Marking, QuarantinedRow, RecordKey};

use crate::directory::{AuditRow, CaseRow, Directory, KeyRow, OrgRow, SessionRow, UserRow};
use crate::{
    DerivedPiece, FeedStats, NewRecord, Payload, RowCounts, Run, RunCounts, RunInfo, RunRecord,
    Store, StoreError, StoredRecord,
};

impl<S: Store + ?Sized> Store for Box<S> {
    fn begin_run(&mut self, info: RunInfo) -> Result<Run, StoreError> {
        (**self).begin_run(info)
    }
    fn write_batch(
        &mut self,
        run: &Run,
        records: Vec<NewRecord>,
        quarantined: Vec<QuarantinedRow>,
    ) -> Result<RowCounts, StoreError> {
        (**self).write_batch(run, records, quarantined)
    }
    fn finish_run(&mut self, run: &Run, counts: RunCounts) -> Result<(), StoreError> {
        (**self).finish_run(run, counts)
    }
    fn get(&self, key: &RecordKey) -> Result<Option<StoredRecord>, StoreError> {
        (**self).get(key)
    }
    fn versions(&self, key: &RecordKey) -> Result<Vec<StoredRecord>, StoreError> {
        (**self).versions(key)
    }
    fn scan(
        &self,
        feed: Option<Feed>,
        f: &mut dyn FnMut(StoredRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).scan(feed, f)
    }
    fn scan_payloads(
        &self,
        feed: Feed,
        f: &mut dyn FnMut(Payload) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).scan_payloads(feed, f)
    }
    fn stats(&self) -> Result<Vec<FeedStats>, StoreError> {
        (**self).stats()
    }
    fn quarantined(&self) -> Result<Vec<QuarantinedRow>, StoreError> {
        (**self).quarantined()
    }
    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        (**self).runs()
    }
    fn default_marking(&self, org: &str, feed: Feed) -> Result<Option<Marking>, StoreError> {
        (**self).default_marking(org, feed)
    }
    fn set_default_marking(
        &mut self,
        org: &str,
        feed: Feed,
        marking: Marking,
    ) -> Result<(), StoreError> {
        (**self).set_default_marking(org, feed, marking)
    }
    fn digest(&self) -> Result<String, StoreError> {
        (**self).digest()
    }
    fn put_derived(&mut self, name: &str, data: &[u8], updated_at: &str) -> Result<(), StoreError> {
        (**self).put_derived(name, data, updated_at)
    }
    fn get_derived(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).get_derived(name)
    }
    fn append_derived(
        &mut self,
        name: &str,
        data: &[u8],
        updated_at: &str,
    ) -> Result<i64, StoreError> {
        (**self).append_derived(name, data, updated_at)
    }
    fn derived_pieces(&self, name: &str, after: i64) -> Result<Vec<DerivedPiece>, StoreError> {
        (**self).derived_pieces(name, after)
    }
    fn last_change(&self) -> Result<i64, StoreError> {
        (**self).last_change()
    }
    fn changes_since(
        &self,
        after: i64,
        f: &mut dyn FnMut(i64, StoredRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).changes_since(after, f)
    }
    fn derived_stamps(&self) -> Result<Vec<(String, i64)>, StoreError> {
        (**self).derived_stamps()
    }
}

impl<D: Directory + ?Sized> Directory for Box<D> {
    fn add_org(&mut self, org: &OrgRow) -> Result<bool, StoreError> {
        (**self).add_org(org)
    }
    fn orgs(&self) -> Result<Vec<OrgRow>, StoreError> {
        (**self).orgs()
    }
    fn add_user(&mut self, user: &UserRow) -> Result<bool, StoreError> {
        (**self).add_user(user)
    }
    fn set_password(&mut self, user: &str, password_hash: &str) -> Result<bool, StoreError> {
        (**self).set_password(user, password_hash)
    }
    fn set_disabled(&mut self, user: &str, disabled: bool) -> Result<bool, StoreError> {
        (**self).set_disabled(user, disabled)
    }
    fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        (**self).users()
    }
    fn add_key(&mut self, key: &KeyRow) -> Result<(), StoreError> {
        (**self).add_key(key)
    }
    fn revoke_key(&mut self, id: &str, at: &str) -> Result<bool, StoreError> {
        (**self).revoke_key(id, at)
    }
    fn keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        (**self).keys()
    }
    fn set_group(&mut self, name: &str, members: &[String]) -> Result<(), StoreError> {
        (**self).set_group(name, members)
    }
    fn groups(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        (**self).groups()
    }
    fn append_audit(&mut self, rows: &[AuditRow]) -> Result<(), StoreError> {
        (**self).append_audit(rows)
    }
    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        (**self).audit(after, limit)
    }
    fn add_session(&mut self, session: &SessionRow) -> Result<(), StoreError> {
        (**self).add_session(session)
    }
    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<SessionRow>, StoreError> {
        (**self).session(token_hash)
    }
    fn touch_session(&mut self, token_hash: &[u8; 32], at: i64) -> Result<bool, StoreError> {
        (**self).touch_session(token_hash, at)
    }
    fn end_session(&mut self, token_hash: &[u8; 32]) -> Result<bool, StoreError> {
        (**self).end_session(token_hash)
    }
    fn end_sessions(&mut self, user: Option<&str>, idle_before: i64) -> Result<u64, StoreError> {
        (**self).end_sessions(user, idle_before)
    }
    fn last_audit(&self) -> Result<Option<AuditRow>, StoreError> {
        (**self).last_audit()
    }
    fn put_case(&mut self, row: &CaseRow) -> Result<bool, StoreError> {
        (**self).put_case(row)
    }
    fn cases(&self) -> Result<Vec<CaseRow>, StoreError> {
        (**self).cases()
    }
}

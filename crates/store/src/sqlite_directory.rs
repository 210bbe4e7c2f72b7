//! The directory and audit log in the embedded store.

use rusqlite::{OptionalExtension, params};

use crate::directory::{AuditRow, CaseRow, Directory, KeyRow, OrgRow, SessionRow, UserRow};
use crate::{SqliteStore, StoreError};

fn hash32(v: Vec<u8>, store: &SqliteStore, what: &str) -> Result<[u8; 32], StoreError> {
    v.try_into().map_err(|_| StoreError::Corrupt {
        path: store.path.clone(),
        key: what.to_string(),
        message: "a hash is not 32 bytes".into(),
    })
}

impl Directory for SqliteStore {
    fn put_case(&mut self, row: &CaseRow) -> Result<bool, StoreError> {
        let version = i64::try_from(row.version).unwrap_or(i64::MAX);
        let n = if row.version <= 1 {
            self.conn.execute(
                "INSERT INTO cases (id, org, version, body, updated_at) VALUES (?1, ?2, 1, ?3, ?4) ON CONFLICT (id) DO NOTHING",
                params![row.id, row.org, row.body, row.updated_at],
            )
        } else {
            self.conn.execute(
                "UPDATE cases SET version = ?2, body = ?3, updated_at = ?4 WHERE id = ?1 AND version = ?2 - 1",
                params![row.id, version, row.body, row.updated_at],
            )
        }
        .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn cases(&self) -> Result<Vec<CaseRow>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id, org, version, body, updated_at FROM cases ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(CaseRow {
                    id: r.get(0)?,
                    org: r.get(1)?,
                    version: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                    body: r.get(3)?,
                    updated_at: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    fn add_org(&mut self, org: &OrgRow) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "INSERT INTO orgs (name, kind, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
                params![org.name, org.kind, org.created_at],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn orgs(&self) -> Result<Vec<OrgRow>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name, kind, created_at FROM orgs ORDER BY name")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(OrgRow {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    fn add_user(&mut self, user: &UserRow) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "INSERT INTO users (name, org, role, password_hash, created_at, disabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO NOTHING",
                params![
                    user.name,
                    user.org,
                    user.role,
                    user.password_hash,
                    user.created_at,
                    user.disabled
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn set_password(&mut self, user: &str, password_hash: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE users SET password_hash = ?2 WHERE name = ?1",
                params![user, password_hash],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn set_disabled(&mut self, user: &str, disabled: bool) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE users SET disabled = ?2 WHERE name = ?1",
                params![user, disabled],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT name, org, role, password_hash, created_at, disabled FROM users ORDER BY name",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(UserRow {
                    name: r.get(0)?,
                    org: r.get(1)?,
                    role: r.get(2)?,
                    password_hash: r.get(3)?,
                    created_at: r.get(4)?,
                    disabled: r.get(5)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    fn add_key(&mut self, key: &KeyRow) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO api_keys (id, user_name, secret_hash, created_at, expires_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    key.id,
                    key.user,
                    key.secret_hash,
                    key.created_at,
                    key.expires_at,
                    key.revoked_at
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn revoke_key(&mut self, id: &str, at: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT id, user_name, secret_hash, created_at, expires_at, revoked_at FROM api_keys ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(KeyRow {
                    id: r.get(0)?,
                    user: r.get(1)?,
                    secret_hash: r.get(2)?,
                    created_at: r.get(3)?,
                    expires_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    fn set_group(&mut self, name: &str, members: &[String]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let e = |err| crate::sqlite::sql_err(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        tx.execute("DELETE FROM sharing_groups WHERE name = ?1", [name])
            .map_err(e)?;
        for m in members {
            tx.execute(
                "INSERT INTO sharing_groups (name, member) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![name, m],
            )
            .map_err(e)?;
        }
        tx.commit().map_err(e)
    }

    fn groups(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name, member FROM sharing_groups ORDER BY name, member")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for row in rows {
            let (g, m) = row.map_err(|e| self.err(e))?;
            match out.last_mut() {
                Some((name, members)) if *name == g => members.push(m),
                _ => out.push((g, vec![m])),
            }
        }
        Ok(out)
    }

    fn append_audit(&mut self, rows: &[AuditRow]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let e = |err| crate::sqlite::sql_err(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO audit_log (seq, event, prev, hash) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(e)?;
            for r in rows {
                ins.execute(params![r.seq as i64, r.event, &r.prev[..], &r.hash[..]])
                    .map_err(e)?;
            }
        }
        tx.commit().map_err(e)
    }

    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT seq, event, prev, hash FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(
                params![after as i64, limit.min(i64::MAX as usize) as i64],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                    ))
                },
            )
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, event, prev, hash) = row.map_err(|e| self.err(e))?;
            let what = format!("audit entry {seq}");
            out.push(AuditRow {
                seq: seq as u64,
                event,
                prev: hash32(prev, self, &what)?,
                hash: hash32(hash, self, &what)?,
            });
        }
        Ok(out)
    }

    fn last_audit(&self) -> Result<Option<AuditRow>, StoreError> {
        let last: Option<i64> = self
            .conn
            .query_row("SELECT MAX(seq) FROM audit_log", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        match last {
            None => Ok(None),
            Some(seq) => Ok(self.audit(seq as u64 - 1, 1)?.pop()),
        }
    }

    fn add_session(&mut self, session: &SessionRow) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO sessions (token_hash, user_name, started, last_seen) VALUES (?1, ?2, ?3, ?4)",
                params![
                    &session.token_hash[..],
                    session.user,
                    session.started,
                    session.last_seen
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<SessionRow>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT user_name, started, last_seen FROM sessions WHERE token_hash = ?1",
            )
            .and_then(|mut st| {
                st.query_row(params![&token_hash[..]], |r| {
                    Ok(SessionRow {
                        token_hash: *token_hash,
                        user: r.get(0)?,
                        started: r.get(1)?,
                        last_seen: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(|e| self.err(e))
    }

    fn touch_session(&mut self, token_hash: &[u8; 32], at: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE sessions SET last_seen = MAX(last_seen, ?2) WHERE token_hash = ?1",
                params![&token_hash[..], at],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn end_session(&mut self, token_hash: &[u8; 32]) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                params![&token_hash[..]],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    fn end_sessions(&mut self, user: Option<&str>, idle_before: i64) -> Result<u64, StoreError> {
        let n = self
            .conn
            .execute(
                "DELETE FROM sessions WHERE user_name = ?1 OR last_seen < ?2",
                params![user, idle_before],
            )
            .map_err(|e| self.err(e))?;
        Ok(n as u64)
    }
}

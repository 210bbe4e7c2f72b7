//! The directory and audit log in a PostgreSQL store: the same tables and answers as the
//! embedded store's, text ordered by its bytes.

use ::postgres::Row;

use crate::directory::{AuditRow, CaseRow, Directory, KeyRow, OrgRow, SessionRow, UserRow};
use crate::postgres::pg_err;
use crate::{PostgresStore, StoreError};

const DELETE_GROUP: &str = "DELETE FROM sharing_groups WHERE name = $1";
const INSERT_GROUP: &str = "INSERT INTO sharing_groups (name, member)
     SELECT $1, m FROM unnest($2::text[]) AS m ON CONFLICT DO NOTHING";
/// One statement, so one transaction: the whole batch lands or none of it. Rows go in by
/// sequence number, so two writers of overlapping batches wait on each other in one order and
/// the second fails on the first taken number instead of deadlocking.
const APPEND_AUDIT: &str = "INSERT INTO audit_log (seq, event, prev, hash)
     SELECT u.seq, u.event, u.prev, u.hash
     FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[]) AS u (seq, event, prev, hash)
     ORDER BY u.seq";
const AUDIT_AFTER: &str =
    "SELECT seq, event, prev, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";
const LAST_AUDIT: &str = "SELECT seq, event, prev, hash FROM audit_log ORDER BY seq DESC LIMIT 1";

impl PostgresStore {
    fn audit_row(&self, r: &Row, doing: &str) -> Result<AuditRow, StoreError> {
        let e = self.err(doing);
        let seq: i64 = r.try_get(0).map_err(&e)?;
        let what = format!("audit entry {seq}");
        let hash32 = |i| -> Result<[u8; 32], StoreError> {
            r.try_get::<_, &[u8]>(i)
                .map_err(&e)?
                .try_into()
                .map_err(|_| self.corrupt(&what, "a hash is not 32 bytes"))
        };
        Ok(AuditRow {
            seq: u64::try_from(seq)
                .map_err(|_| self.corrupt(&what, "a negative sequence number"))?,
            event: r.try_get(1).map_err(&e)?,
            prev: hash32(2)?,
            hash: hash32(3)?,
        })
    }
}

impl Directory for PostgresStore {
    fn put_case(&mut self, row: &CaseRow) -> Result<bool, StoreError> {
        self.storable(
            || format!("case {:?}", row.id),
            &[&row.id, &row.org, &row.body, &row.updated_at],
        )?;
        let version = i64::try_from(row.version).unwrap_or(i64::MAX);
        let doing = format!("writing case {:?}", row.id);
        let n = if row.version <= 1 {
            self.execute(
                &doing,
                "INSERT INTO cases (id, org, version, body, updated_at) VALUES ($1, $2, 1, $3, $4) ON CONFLICT (id) DO NOTHING",
                &[&row.id, &row.org, &row.body, &row.updated_at],
            )?
        } else {
            self.execute(
                &doing,
                "UPDATE cases SET version = $2::bigint, body = $3, updated_at = $4 WHERE id = $1 AND version = $2::bigint - 1",
                &[&row.id, &version, &row.body, &row.updated_at],
            )?
        };
        Ok(n == 1)
    }

    fn cases(&self) -> Result<Vec<CaseRow>, StoreError> {
        let doing = "reading cases";
        let rows = self.query(
            doing,
            "SELECT id, org, version, body, updated_at FROM cases ORDER BY id",
            &[],
        )?;
        let e = self.err(doing);
        rows.iter()
            .map(|r| {
                Ok(CaseRow {
                    id: r.try_get(0).map_err(&e)?,
                    org: r.try_get(1).map_err(&e)?,
                    version: u64::try_from(r.try_get::<_, i64>(2).map_err(&e)?).unwrap_or(0),
                    body: r.try_get(3).map_err(&e)?,
                    updated_at: r.try_get(4).map_err(&e)?,
                })
            })
            .collect()
    }

    fn add_org(&mut self, org: &OrgRow) -> Result<bool, StoreError> {
        self.storable(
            || format!("organisation {:?}", org.name),
            &[&org.name, &org.kind, &org.created_at],
        )?;
        let n = self.execute(
            &format!("adding organisation {:?}", org.name),
            "INSERT INTO orgs (name, kind, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            &[&org.name, &org.kind, &org.created_at],
        )?;
        Ok(n == 1)
    }

    fn orgs(&self) -> Result<Vec<OrgRow>, StoreError> {
        let doing = "reading organisations";
        let rows = self.query(
            doing,
            "SELECT name, kind, created_at FROM orgs ORDER BY name",
            &[],
        )?;
        let e = self.err(doing);
        rows.iter()
            .map(|r| {
                Ok(OrgRow {
                    name: r.try_get(0).map_err(&e)?,
                    kind: r.try_get(1).map_err(&e)?,
                    created_at: r.try_get(2).map_err(&e)?,
                })
            })
            .collect()
    }

    fn add_user(&mut self, user: &UserRow) -> Result<bool, StoreError> {
        self.storable(
            || format!("user {:?}", user.name),
            &[
                &user.name,
                &user.org,
                &user.role,
                user.password_hash.as_deref().unwrap_or(""),
                &user.created_at,
            ],
        )?;
        let n = self.execute(
            &format!("adding user {:?} of {:?}", user.name, user.org),
            "INSERT INTO users (name, org, role, password_hash, created_at, disabled) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING",
            &[
                &user.name,
                &user.org,
                &user.role,
                &user.password_hash,
                &user.created_at,
                &user.disabled,
            ],
        )?;
        Ok(n == 1)
    }

    fn set_password(&mut self, user: &str, password_hash: &str) -> Result<bool, StoreError> {
        if user.contains('\0') {
            // No such user can have been stored.
            return Ok(false);
        }
        self.storable(|| format!("password of user {user:?}"), &[password_hash])?;
        let n = self.execute(
            &format!("setting the password of user {user:?}"),
            "UPDATE users SET password_hash = $2 WHERE name = $1",
            &[&user, &password_hash],
        )?;
        Ok(n == 1)
    }

    fn set_disabled(&mut self, user: &str, disabled: bool) -> Result<bool, StoreError> {
        if user.contains('\0') {
            return Ok(false);
        }
        let n = self.execute(
            &format!(
                "{} user {user:?}",
                if disabled { "disabling" } else { "enabling" }
            ),
            "UPDATE users SET disabled = $2 WHERE name = $1",
            &[&user, &disabled],
        )?;
        Ok(n == 1)
    }

    fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let doing = "reading users";
        let rows = self.query(
            doing,
            "SELECT name, org, role, password_hash, created_at, disabled FROM users ORDER BY name",
            &[],
        )?;
        let e = self.err(doing);
        rows.iter()
            .map(|r| {
                Ok(UserRow {
                    name: r.try_get(0).map_err(&e)?,
                    org: r.try_get(1).map_err(&e)?,
                    role: r.try_get(2).map_err(&e)?,
                    password_hash: r.try_get(3).map_err(&e)?,
                    created_at: r.try_get(4).map_err(&e)?,
                    disabled: r.try_get(5).map_err(&e)?,
                })
            })
            .collect()
    }

    fn add_key(&mut self, key: &KeyRow) -> Result<(), StoreError> {
        self.storable(
            || format!("API key {:?}", key.id),
            &[
                &key.id,
                &key.user,
                &key.created_at,
                &key.expires_at,
                key.revoked_at.as_deref().unwrap_or(""),
            ],
        )?;
        self.execute(
            &format!("adding API key {:?} of user {:?}", key.id, key.user),
            "INSERT INTO api_keys (id, user_name, secret_hash, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &key.id,
                &key.user,
                &key.secret_hash,
                &key.created_at,
                &key.expires_at,
                &key.revoked_at,
            ],
        )?;
        Ok(())
    }

    fn revoke_key(&mut self, id: &str, at: &str) -> Result<bool, StoreError> {
        if id.contains('\0') {
            return Ok(false);
        }
        self.storable(|| format!("revocation of API key {id:?}"), &[at])?;
        let n = self.execute(
            &format!("revoking API key {id:?}"),
            "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&id, &at],
        )?;
        Ok(n == 1)
    }

    fn keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        let doing = "reading API keys";
        let rows = self.query(
            doing,
            "SELECT id, user_name, secret_hash, created_at, expires_at, revoked_at FROM api_keys ORDER BY id",
            &[],
        )?;
        let e = self.err(doing);
        rows.iter()
            .map(|r| {
                Ok(KeyRow {
                    id: r.try_get(0).map_err(&e)?,
                    user: r.try_get(1).map_err(&e)?,
                    secret_hash: r.try_get(2).map_err(&e)?,
                    created_at: r.try_get(3).map_err(&e)?,
                    expires_at: r.try_get(4).map_err(&e)?,
                    revoked_at: r.try_get(5).map_err(&e)?,
                })
            })
            .collect()
    }

    fn set_group(&mut self, name: &str, members: &[String]) -> Result<(), StoreError> {
        let mut values = vec![name];
        values.extend(members.iter().map(String::as_str));
        self.storable(|| format!("sharing group {name:?}"), &values)?;
        let store = self.name.clone();
        let doing = format!("setting the members of sharing group {name:?}");
        let e = |err| pg_err(&store, &doing, err);
        let conn = self.conn.get_mut();
        let delete = conn.statement(&store, DELETE_GROUP)?;
        let insert = conn.statement(&store, INSERT_GROUP)?;
        let mut tx = conn.client.transaction().map_err(e)?;
        // Two writers replacing the same group's members one after the other, not interleaved
        // (which would leave the union of both); readers are not held up.
        tx.batch_execute("LOCK TABLE sharing_groups IN SHARE ROW EXCLUSIVE MODE")
            .map_err(e)?;
        tx.execute(&delete, &[&name]).map_err(e)?;
        if !members.is_empty() {
            tx.execute(&insert, &[&name, &members]).map_err(e)?;
        }
        tx.commit().map_err(e)
    }

    fn groups(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let doing = "reading sharing groups";
        let rows = self.query(
            doing,
            "SELECT name, member FROM sharing_groups ORDER BY name, member",
            &[],
        )?;
        let e = self.err(doing);
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for r in &rows {
            let g: &str = r.try_get(0).map_err(&e)?;
            let m: String = r.try_get(1).map_err(&e)?;
            match out.last_mut() {
                Some((name, members)) if name == g => members.push(m),
                _ => out.push((g.to_string(), vec![m])),
            }
        }
        Ok(out)
    }

    fn append_audit(&mut self, rows: &[AuditRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut seqs = Vec::with_capacity(rows.len());
        for r in rows {
            self.storable(|| format!("audit entry {}", r.seq), &[&r.event])?;
            seqs.push(i64::try_from(r.seq).map_err(|_| StoreError::Unstorable {
                url: self.name.clone(),
                key: format!("audit entry {}", r.seq),
                message: "a sequence number above 2^63 - 1, which BIGINT cannot hold".into(),
            })?);
        }
        let events: Vec<&str> = rows.iter().map(|r| r.event.as_str()).collect();
        let prevs: Vec<&[u8]> = rows.iter().map(|r| &r.prev[..]).collect();
        let hashes: Vec<&[u8]> = rows.iter().map(|r| &r.hash[..]).collect();
        let (first, last) = (rows[0].seq, rows[rows.len() - 1].seq);
        let doing = if rows.len() == 1 {
            format!("appending audit entry {first}")
        } else {
            format!("appending {} audit entries ({first}..{last})", rows.len())
        };
        self.execute(&doing, APPEND_AUDIT, &[&seqs, &events, &prevs, &hashes])?;
        Ok(())
    }

    fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        let doing = format!("reading audit entries after {after}");
        // Nothing is stored past i64::MAX, so a larger `after` reads what i64::MAX does.
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.query(&doing, AUDIT_AFTER, &[&after, &limit])?;
        rows.iter().map(|r| self.audit_row(r, &doing)).collect()
    }

    fn last_audit(&self) -> Result<Option<AuditRow>, StoreError> {
        let doing = "reading the last audit entry";
        let rows = self.query(doing, LAST_AUDIT, &[])?;
        rows.first().map(|r| self.audit_row(r, doing)).transpose()
    }

    fn add_session(&mut self, session: &SessionRow) -> Result<(), StoreError> {
        self.storable(|| "a session".to_string(), &[session.user.as_str()])?;
        self.execute(
            "starting a session",
            "INSERT INTO sessions (token_hash, user_name, started, last_seen) VALUES ($1, $2, $3, $4)",
            &[
                &&session.token_hash[..],
                &session.user,
                &session.started,
                &session.last_seen,
            ],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<SessionRow>, StoreError> {
        let doing = "reading a session";
        let rows = self.query(
            doing,
            "SELECT user_name, started, last_seen FROM sessions WHERE token_hash = $1",
            &[&&token_hash[..]],
        )?;
        let e = self.err(doing);
        rows.first()
            .map(|r| {
                Ok(SessionRow {
                    token_hash: *token_hash,
                    user: r.try_get(0).map_err(&e)?,
                    started: r.try_get(1).map_err(&e)?,
                    last_seen: r.try_get(2).map_err(&e)?,
                })
            })
            .transpose()
    }

    fn touch_session(&mut self, token_hash: &[u8; 32], at: i64) -> Result<bool, StoreError> {
        let n = self.execute(
            "marking a session used",
            "UPDATE sessions SET last_seen = GREATEST(last_seen, $2) WHERE token_hash = $1",
            &[&&token_hash[..], &at],
        )?;
        Ok(n == 1)
    }

    fn end_session(&mut self, token_hash: &[u8; 32]) -> Result<bool, StoreError> {
        let n = self.execute(
            "ending a session",
            "DELETE FROM sessions WHERE token_hash = $1",
            &[&&token_hash[..]],
        )?;
        Ok(n == 1)
    }

    fn end_sessions(&mut self, user: Option<&str>, idle_before: i64) -> Result<u64, StoreError> {
        // No user name holds a NUL character, and PostgreSQL text cannot carry one.
        let user = user.filter(|u| !u.contains('\0'));
        self.execute(
            "ending sessions",
            "DELETE FROM sessions WHERE user_name = $1 OR last_seen < $2",
            &[&user, &idle_before],
        )
    }
}

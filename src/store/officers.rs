//! Enrolled officers and managers (issue 20): invitations by name with a
//! one-time code kept only as its keyed hash, the enrollment itself inside
//! the webhook's transaction, and the wrong codes counted per sender (as a
//! keyed hash of the sender, never the id) for the rate limit. The store
//! knows user ids and platform names as opaque text.

use sqlx::Row;

use super::accept::insert_send;
use super::statement::{Held, Stmt};
use super::{q, Store, StoreError};
use crate::enrollment::{EnrollReply, Enrolled, Role, Roster, FAILURE_WINDOW_MS, MAX_FAILURES};
use crate::notice::Notice;
use crate::pipeline::plan::{EnrollAttempt, Send};
use crate::secret::RecordKey;

/// An invitation to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The person's name as the administrator knows it.
    pub name: String,
    /// What they will receive.
    pub role: Role,
    /// A manager's groups (chat ids).
    pub groups: Vec<String>,
    /// Keyed hash of the canonical code.
    pub code_mac: String,
    /// When it was made, in ms.
    pub at: i64,
    /// When the code stops working, in ms.
    pub expires: i64,
}

/// Why an invitation was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    /// Someone of that name is enrolled already.
    #[error("{0} is enrolled already; remove them first (leakguard officers remove {0})")]
    Enrolled(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One row of `officers list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerRow {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// A manager's groups.
    pub groups: Vec<String>,
    /// The user id, when enrolled.
    pub user_id: Option<String>,
    /// The platform, when enrolled.
    pub platform: Option<String>,
    /// When they enrolled, in ms.
    pub enrolled_at: Option<i64>,
    /// When the invitation was made, in ms.
    pub invited_at: i64,
    /// When its code expires, in ms.
    pub expires_at: i64,
}

impl Store {
    /// Records an invitation; a pending one of the same name is replaced
    /// (its old code stops working), an enrolled one is refused.
    pub async fn invite(&self, inv: &Invitation) -> Result<(), InviteError> {
        let mut held = self.hold().await?;
        let enrolled = held
            .ints(
                &Stmt::new("SELECT id FROM officers WHERE name = $1 AND user_id IS NOT NULL")
                    .arg(&inv.name),
            )
            .await
            .map_err(q("read officers"))?;
        if !enrolled.is_empty() {
            return Err(InviteError::Enrolled(inv.name.clone()));
        }
        let groups = inv.groups.join("\n");
        let stmt = Stmt::new(
            "INSERT INTO officers (name, role, groups, code_mac, expires_at, invited_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (name) DO UPDATE SET role = excluded.role, groups = excluded.groups, \
             code_mac = excluded.code_mac, expires_at = excluded.expires_at, \
             invited_at = excluded.invited_at",
        )
        .arg(&inv.name)
        .arg(inv.role.as_str())
        .arg(&groups)
        .arg(&inv.code_mac)
        .arg(inv.expires)
        .arg(inv.at);
        held.execute(&stmt).await.map_err(q("record invitation"))?;
        Ok(())
    }

    /// Every invited or enrolled person, by name.
    pub async fn officer_rows(&self) -> Result<Vec<OfficerRow>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT name, role, groups, user_id, platform, enrolled_at, invited_at, expires_at \
                 FROM officers ORDER BY name",
            )
            .fetch_all(pool)
            .await
            .map_err(q("read officers"))?;
            rows.iter()
                .map(|r| {
                    let groups: String = r.try_get(2)?;
                    Ok(OfficerRow {
                        name: r.try_get(0)?,
                        role: Role::parse(&r.try_get::<String, _>(1)?).unwrap_or(Role::Manager),
                        groups: groups.lines().map(String::from).collect(),
                        user_id: r.try_get(3)?,
                        platform: r.try_get(4)?,
                        enrolled_at: r.try_get(5)?,
                        invited_at: r.try_get(6)?,
                        expires_at: r.try_get(7)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(q("read officers"))
        })
    }

    /// Who is enrolled, for the replicas to act on.
    pub async fn roster(&self) -> Result<Roster, StoreError> {
        let people = self
            .officer_rows()
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(Enrolled {
                    user_id: r.user_id?,
                    platform: r.platform?,
                    role: r.role,
                })
            })
            .collect();
        Ok(Roster { people })
    }

    /// Removes the person of `name`, invited or enrolled; whether there
    /// was one.
    pub async fn remove_officer(&self, name: &str) -> Result<bool, StoreError> {
        let mut held = self.hold().await?;
        let stmt = Stmt::new("DELETE FROM officers WHERE name = $1").arg(name);
        Ok(held.execute(&stmt).await.map_err(q("remove officer"))? > 0)
    }
}

/// Checks an enrollment code inside the webhook's transaction and queues
/// the answer: a sender with [`MAX_FAILURES`] wrong codes in the last
/// [`FAILURE_WINDOW_MS`] is not checked at all; a valid code enrolls the
/// sender (replacing an earlier enrollment of theirs) and is spent; a
/// wrong one is counted.
pub(super) async fn enroll_on(
    held: &mut Held,
    records: &RecordKey,
    a: &EnrollAttempt,
    now: i64,
) -> Result<(), StoreError> {
    let failures = held
        .ints(
            &Stmt::new("SELECT COUNT(*) FROM enroll_failures WHERE user_mac = $1 AND at > $2")
                .arg(&a.user_mac)
                .arg(a.at - FAILURE_WINDOW_MS),
        )
        .await
        .map_err(q("read enrollment failures"))?;
    let reply = if failures.first().copied().unwrap_or(0) >= MAX_FAILURES {
        EnrollReply::Limited
    } else {
        check(held, a).await?
    };
    let answer = Send {
        notice: Notice::Enrollment(reply),
        ..a.answer.clone()
    };
    insert_send(held, records, &answer, None, now).await
}

/// The outcome of a code from a sender who may still try.
async fn check(held: &mut Held, a: &EnrollAttempt) -> Result<EnrollReply, StoreError> {
    let found = held
        .texts(
            &Stmt::new(
                "SELECT role || ' ' || name FROM officers \
                 WHERE code_mac = $1 AND user_id IS NULL AND expires_at > $2",
            )
            .arg(&a.code_mac)
            .arg(a.at),
        )
        .await
        .map_err(q("read invitations"))?;
    if let Some((role, name)) = found.first().and_then(|f| f.split_once(' ')) {
        let role = Role::parse(role).unwrap_or(Role::Manager);
        let platform = a.answer.platform;
        held.execute(&Stmt::new("DELETE FROM officers WHERE user_id = $1").arg(&a.user_id))
            .await
            .map_err(q("enroll"))?;
        let stmt = Stmt::new(
            "UPDATE officers SET user_id = $1, platform = $2, enrolled_at = $3, code_mac = NULL \
             WHERE code_mac = $4",
        )
        .arg(&a.user_id)
        .arg(platform)
        .arg(a.at)
        .arg(&a.code_mac);
        held.execute(&stmt).await.map_err(q("enroll"))?;
        return Ok(EnrollReply::Welcome {
            name: name.to_string(),
            role,
        });
    }
    let known = held
        .texts(&Stmt::new("SELECT name FROM officers WHERE user_id = $1").arg(&a.user_id))
        .await
        .map_err(q("read officers"))?;
    if let Some(name) = known.into_iter().next() {
        return Ok(EnrollReply::Already { name });
    }
    let stmt = Stmt::new("INSERT INTO enroll_failures (user_mac, at) VALUES ($1, $2)")
        .arg(&a.user_mac)
        .arg(a.at);
    held.execute(&stmt)
        .await
        .map_err(q("record enrollment failure"))?;
    Ok(EnrollReply::Refused)
}

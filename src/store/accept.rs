//! Applying a batch of [`Plan`]s in one transaction: the redelivery check
//! on the events' ids, then each new plan's incidents, cooldown, chats,
//! feedback and outbox rows. Nothing is applied on error.
//!
//! Every statement is a round trip to the connection (on SQLite, to its
//! thread), so the common batch, where no event changes more than its id,
//! is one autocommit statement, and a batch that does more opens its
//! transaction in the same round trip as its first insert.

use std::collections::HashSet;

use super::statement::{Arg, Held, Stmt};
use super::{q, Store, StoreError};
use crate::pipeline::plan::{IncidentGroup, Op, Plan, Route, Send};
use crate::secret::{Record, RecordKey};

/// What a batch of plans did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accepted {
    /// Plans applied.
    pub applied: usize,
    /// Plans skipped as redeliveries.
    pub duplicates: usize,
    /// Outbox rows written.
    pub queued: usize,
    /// Content jobs recorded.
    pub jobs: usize,
    /// Messages unsent.
    pub unsent: usize,
    /// Watchlist changes.
    pub watch: usize,
    /// Messages kept in forward chains.
    pub chains: usize,
    /// Enrollment codes checked.
    pub enrollments: usize,
}

/// Columns of one `incidents` row as the insert writes them.
const INCIDENT_COLUMNS: usize = 12;

impl Store {
    /// [`Store::accept_on`] on a connection of its own from the pool.
    pub async fn accept(&self, plans: &[Plan], now: i64) -> Result<Accepted, StoreError> {
        let mut held = self.hold().await?;
        self.accept_on(&mut held, plans, now).await
    }

    /// Applies `plans` at `now` (ms) in one transaction: redeliveries are
    /// skipped, the rest recorded with their outbox rows.
    ///
    /// A connection returned to the pool is pinged first (sqlx does this
    /// on every release), one more round trip to the connection; the
    /// committer avoids it by holding one across consecutive batches.
    pub async fn accept_on(
        &self,
        held: &mut Held,
        plans: &[Plan],
        now: i64,
    ) -> Result<Accepted, StoreError> {
        let ids: Vec<&str> = plans.iter().filter_map(|p| p.event_id.as_deref()).collect();
        if !plans.iter().any(|p| p.ops.iter().any(|op| self.writes(op))) {
            let mut new_ids = record_ids(held, "", &ids, now).await?;
            let mut acc = Accepted::default();
            for plan in plans {
                if is_new(plan, &mut new_ids) {
                    acc.applied += 1;
                } else {
                    acc.duplicates += 1;
                }
            }
            return Ok(acc);
        }
        // The transaction is opened and closed by hand, so every error path
        // rolls it back (the commit loop never drops this future half-way).
        let begin = self.begin(held).await?;
        match self.apply(held, begin, &ids, plans, now).await {
            Ok((acc, new_chats)) => {
                {
                    let mut known = self.chats.lock().expect("chat cache");
                    for c in new_chats {
                        known.insert(c.to_string());
                    }
                }
                if acc.unsent > 0 && !self.is_shared() {
                    // The log still holds the pages as they were before the
                    // unsend erased the excerpts; the events are stored
                    // already, so a failure here only leaves them longer.
                    let truncate = Stmt::new(super::at_rest::TRUNCATE_LOG);
                    if let Err(e) = held.execute(&truncate).await {
                        tracing::warn!(error = %e, "cannot truncate the log after an unsend");
                    }
                }
                Ok(acc)
            }
            Err(e) => {
                // Whatever the failed statement left open is undone; if
                // BEGIN itself failed there is nothing to roll back.
                let _ = held.execute(&Stmt::new("ROLLBACK")).await;
                Err(e)
            }
        }
    }

    /// Opens a transaction. SQLite runs several statements from one
    /// string, so there BEGIN costs no round trip of its own: it is
    /// returned as the prefix of the first statement instead.
    pub(super) async fn begin(&self, held: &mut Held) -> Result<&'static str, StoreError> {
        if self.is_shared() {
            held.execute(&Stmt::new("BEGIN"))
                .await
                .map_err(q("begin"))?;
            Ok("")
        } else {
            Ok("BEGIN IMMEDIATE; ")
        }
    }

    /// The body of the transaction, COMMIT included; the chats it recorded.
    async fn apply<'p>(
        &self,
        held: &mut Held,
        begin: &str,
        ids: &[&str],
        plans: &'p [Plan],
        now: i64,
    ) -> Result<(Accepted, Vec<&'p str>), StoreError> {
        let mut new_ids = record_ids(held, begin, ids, now).await?;
        let mut acc = Accepted::default();
        let mut new_chats = Vec::new();
        for plan in plans {
            if !is_new(plan, &mut new_ids) {
                acc.duplicates += 1;
                continue;
            }
            acc.applied += 1;
            for op in &plan.ops {
                acc.queued += self.apply_op(held, op, now, &mut new_chats).await?;
                acc.jobs += usize::from(matches!(op, Op::QueueContent { .. }));
                acc.unsent += usize::from(matches!(op, Op::Retract { .. }));
                acc.watch += usize::from(matches!(op, Op::Watch(_) | Op::Unwatch(_)));
                acc.chains += usize::from(matches!(op, Op::Chain(_)));
                acc.enrollments += usize::from(matches!(op, Op::Enroll(_)));
            }
        }
        held.execute(&Stmt::new("COMMIT"))
            .await
            .map_err(q("commit"))?;
        Ok((acc, new_chats))
    }

    /// Applies one op inside the transaction; the outbox rows it queued.
    async fn apply_op<'p>(
        &self,
        held: &mut Held,
        op: &'p Op,
        now: i64,
        new_chats: &mut Vec<&'p str>,
    ) -> Result<usize, StoreError> {
        match op {
            Op::Incidents(g) => record_incidents(held, &self.records, g, now).await,
            Op::Send(s) => {
                insert_send(held, &self.records, s, None, now).await?;
                Ok(1)
            }
            Op::ChatSeen {
                chat_id,
                kind,
                joined,
                at,
            } => {
                if !*joined && self.known_chat(chat_id) {
                    return Ok(0);
                }
                new_chats.push(chat_id);
                let sql = if *joined {
                    "INSERT INTO chats (chat_id, kind, active, joined_at) VALUES ($1, $2, 1, $3) \
                     ON CONFLICT (chat_id) DO UPDATE SET active = 1, joined_at = excluded.joined_at, \
                     left_at = NULL"
                } else {
                    "INSERT INTO chats (chat_id, kind, active, joined_at) VALUES ($1, $2, 1, $3) \
                     ON CONFLICT (chat_id) DO NOTHING"
                };
                let stmt = Stmt::new(sql).arg(chat_id).arg(*kind).arg(*at);
                held.execute(&stmt).await.map_err(q("record chat"))?;
                Ok(0)
            }
            Op::ChatLeft { chat_id, at } => {
                let stmt = Stmt::new(
                    "INSERT INTO chats (chat_id, kind, active, left_at) VALUES ($1, 'group', 0, $2) \
                     ON CONFLICT (chat_id) DO UPDATE SET active = 0, left_at = excluded.left_at",
                )
                .arg(chat_id)
                .arg(*at);
                held.execute(&stmt).await.map_err(q("record leave"))?;
                Ok(0)
            }
            Op::QueueContent {
                platform,
                message_id,
                sealed,
            } => {
                let stmt = Stmt::new(
                    "INSERT INTO content_jobs (platform, message_id, event, due_at, created_at) \
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .arg(*platform)
                .arg(message_id)
                .arg(sealed)
                .arg(now);
                held.execute(&stmt).await.map_err(q("queue content job"))?;
                Ok(0)
            }
            Op::FinishContent { job_id, worker, at } => {
                let stmt = Stmt::new(
                    "UPDATE content_jobs SET state = 'done', event = '', done_at = $3, \
                     claimed_by = NULL, claimed_until = NULL \
                     WHERE id = $1 AND state = 'pending' AND claimed_by = $2",
                )
                .arg(*job_id)
                .arg(worker)
                .arg(*at);
                if held.execute(&stmt).await.map_err(q("finish content job"))? == 0 {
                    return Err(StoreError::JobLost { job: *job_id });
                }
                Ok(0)
            }
            Op::Retract { message_id, at } => {
                let stmt = Stmt::new(
                    "UPDATE incidents SET outcome = 'retracted', outcome_at = $2, excerpt = NULL \
                     WHERE message_id = $1",
                )
                .arg(message_id)
                .arg(*at);
                held.execute(&stmt).await.map_err(q("retract incident"))?;
                // A job of the message not yet done never takes effect,
                // and its sealed event goes now.
                let stmt = Stmt::new(
                    "UPDATE content_jobs SET state = 'retracted', event = '', done_at = $2, \
                     claimed_by = NULL, claimed_until = NULL \
                     WHERE message_id = $1 AND state = 'pending'",
                )
                .arg(message_id)
                .arg(*at);
                held.execute(&stmt)
                    .await
                    .map_err(q("retract content job"))?;
                Ok(0)
            }
            Op::Feedback {
                incident_id,
                user_id,
                outcome,
                at,
                thanks,
            } => {
                let stmt = Stmt::new(
                    "UPDATE incidents SET outcome = $2, outcome_by = $3, outcome_at = $4 \
                     WHERE (id = $1 OR (message_id IS NOT NULL AND message_id = \
                     (SELECT message_id FROM incidents WHERE id = $1))) \
                     AND (outcome IS NULL OR outcome <> 'retracted')",
                )
                .arg(*incident_id)
                .arg(outcome.as_str())
                .arg(user_id)
                .arg(*at);
                if held.execute(&stmt).await.map_err(q("record feedback"))? == 0 {
                    return Ok(0);
                }
                let stmt = Stmt::new(
                    "INSERT INTO feedback (incident_id, user_id, kind, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .arg(*incident_id)
                .arg(user_id)
                .arg(outcome.as_str())
                .arg(*at);
                held.execute(&stmt).await.map_err(q("record feedback"))?;
                match thanks {
                    Some(s) => {
                        insert_send(held, &self.records, s, Some(*incident_id), now).await?;
                        Ok(1)
                    }
                    None => Ok(0),
                }
            }
            Op::Watch(w) => {
                super::watch::add_on(held, &self.records, w).await?;
                Ok(0)
            }
            Op::Unwatch(which) => {
                super::watch::remove_on(held, which).await?;
                Ok(0)
            }
            Op::Chain(link) => {
                super::chain::add_on(held, link, now).await?;
                Ok(0)
            }
            Op::Enroll(attempt) => {
                super::officers::enroll_on(held, &self.records, attempt, now).await?;
                Ok(1)
            }
        }
    }

    /// Whether `op` needs a statement (a message in a known chat does not).
    fn writes(&self, op: &Op) -> bool {
        match op {
            Op::ChatSeen {
                chat_id,
                joined: false,
                ..
            } => !self.known_chat(chat_id),
            _ => true,
        }
    }
}

/// Records the batch's event ids in one statement (after `prefix`, which
/// may open the transaction; it runs alone when there is no id) and yields
/// the ones not seen before; a redelivery finds its id already there.
async fn record_ids(
    held: &mut Held,
    prefix: &str,
    ids: &[&str],
    now: i64,
) -> Result<HashSet<String>, StoreError> {
    if ids.is_empty() {
        // Events without ids (older SDKs' fixtures) still need the
        // transaction the prefix opens.
        if !prefix.is_empty() {
            held.execute(&Stmt::new(prefix)).await.map_err(q("begin"))?;
        }
        return Ok(HashSet::new());
    }
    let sql = format!(
        "{prefix}INSERT INTO seen_events (event_id, seen_at) VALUES {} \
         ON CONFLICT DO NOTHING RETURNING event_id",
        value_rows(ids.len(), |i| format!("(${}, $1)", i + 2))
    );
    let mut stmt = Stmt::new(sql).arg(now);
    for id in ids {
        stmt.push(*id);
    }
    let new_ids = held.texts(&stmt).await.map_err(q("record event ids"))?;
    Ok(new_ids.into_iter().collect())
}

/// Records one message's incidents in one statement, their excerpts
/// sealed, and, unless the cooldown holds, queues its sends pointing at
/// the first incident; the outbox rows queued.
async fn record_incidents(
    held: &mut Held,
    records: &RecordKey,
    g: &IncidentGroup,
    now: i64,
) -> Result<usize, StoreError> {
    let open = match &g.cooldown {
        None => true,
        Some(c) => cooldown_opens(held, c).await?,
    };
    let mut first_id = None;
    if !g.incidents.is_empty() {
        let sql = format!(
            "INSERT INTO incidents (event_id, chat_id, user_id, message_id, category, rules, \
             severity, score, excerpt, text_hash, action, created_at) VALUES {} RETURNING id",
            value_rows(g.incidents.len(), |i| {
                let row: Vec<String> = (1..=INCIDENT_COLUMNS)
                    .map(|c| format!("${}", i * INCIDENT_COLUMNS + c))
                    .collect();
                format!("({})", row.join(", "))
            })
        );
        let excerpts: Vec<String> = g
            .incidents
            .iter()
            .map(|inc| records.seal_text(Record::Excerpt, &inc.excerpt))
            .collect();
        let mut stmt = Stmt::new(sql);
        for (inc, excerpt) in g.incidents.iter().zip(&excerpts) {
            let action = if open {
                inc.action
            } else {
                crate::policy::held_back(inc.action)
            };
            let args: [Arg<'_>; INCIDENT_COLUMNS] = [
                (&inc.event_id).into(),
                (&inc.chat_id).into(),
                (&inc.user_id).into(),
                (&inc.message_id).into(),
                (&inc.category).into(),
                (&inc.rules).into(),
                inc.severity.into(),
                inc.score.into(),
                excerpt.into(),
                (&inc.text_hash).into(),
                action.into(),
                inc.created_at.into(),
            ];
            for arg in args {
                stmt.push(arg);
            }
        }
        // RETURNING gives no order; ids grow in the order of the rows.
        first_id = held
            .ints(&stmt)
            .await
            .map_err(q("record incident"))?
            .into_iter()
            .min();
    }
    if !open {
        return Ok(0);
    }
    for s in &g.sends {
        let mut s = s.clone();
        if let Some(id) = first_id {
            s.notice.set_incident(id);
        }
        insert_send(held, records, &s, first_id, now).await?;
    }
    Ok(g.sends.len())
}

/// Takes the cooldown for the rules of `c` where it has passed: one upsert
/// for all the rules, changing a row where the rule is new to the chat or
/// its window has passed. True when any row changed, so the sends go out.
///
/// The comparison stays inside the statement: replicas sharing one
/// PostgreSQL database must not both read an old time and both warn.
async fn cooldown_opens(
    held: &mut Held,
    c: &crate::pipeline::plan::Cooldown,
) -> Result<bool, StoreError> {
    let mut rules: Vec<&str> = c.rules.iter().map(String::as_str).collect();
    rules.sort_unstable();
    rules.dedup();
    if rules.is_empty() {
        return Ok(false);
    }
    let sql = format!(
        "INSERT INTO cooldowns (chat_id, rule, last_at) VALUES {} \
         ON CONFLICT (chat_id, rule) DO UPDATE SET last_at = excluded.last_at \
         WHERE cooldowns.last_at <= $3",
        value_rows(rules.len(), |i| format!("($1, ${}, $2)", i + 4))
    );
    let mut stmt = Stmt::new(sql)
        .arg(&c.chat_id)
        .arg(c.now)
        .arg(crate::policy::cooldown_cutoff(c.now, c.window));
    for rule in rules {
        stmt.push(rule);
    }
    let changed = held.execute(&stmt).await.map_err(q("update cooldown"))?;
    Ok(changed > 0)
}

/// Writes one outbox row inside a transaction, due at `now`, its notice
/// sealed.
pub(super) async fn insert_send(
    held: &mut Held,
    records: &RecordKey,
    send: &Send,
    incident: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    let (kind, target, handle) = match &send.route {
        Route::Reply {
            handle,
            fallback_to,
        } => ("reply", fallback_to.as_deref(), Some(handle.as_str())),
        Route::Push { to } => ("push", Some(to.as_str()), None),
    };
    let payload = records.seal(
        Record::Notice,
        &serde_json::to_vec(&send.notice).expect("a notice serializes"),
    );
    let retry_key = uuid::Uuid::new_v4().to_string();
    let stmt = Stmt::new(
        "INSERT INTO outbox (incident_id, kind, target, reply_token, retry_key, payload, due_at, \
         created_at, platform) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)",
    )
    .arg(incident)
    .arg(kind)
    .arg(target)
    .arg(handle)
    .arg(&retry_key)
    .arg(&payload)
    .arg(now)
    .arg(send.platform);
    held.execute(&stmt).await.map_err(q("queue message"))?;
    Ok(())
}

/// The rows of a multi-row `VALUES` list: `row(i)` for each of `n` rows,
/// comma-separated.
fn value_rows(n: usize, row: impl Fn(usize) -> String) -> String {
    (0..n).map(row).collect::<Vec<_>>().join(", ")
}

/// Whether `plan` is applied: it has no event id, or its id is among the
/// batch's `new_ids`. Taking the id out makes a second copy of it in the
/// same batch a duplicate.
fn is_new(plan: &Plan, new_ids: &mut HashSet<String>) -> bool {
    plan.event_id.as_ref().is_none_or(|id| new_ids.remove(id))
}

//! [`RsvpStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).
//! Every change that takes or frees a place locks the event's row first, counts places
//! and moves the waitlist up inside one transaction, with the activities that tell
//! fediverse accounts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::backend::SqlStore;
use super::backend::{Db, DbRow};
use super::rows::{ACTOR_COLUMNS, actor_from_row};
use super::transaction::enqueue_in;
use crate::social::{JoinReply, Registration, RsvpState};
use crate::store::results::decode;
use crate::store::{Admission, Change, JoinAnswer, Reminder, RsvpStore, StoreError};

type Tx<'t> = sqlx::Transaction<'t, Db>;

const REGISTRATION_COLUMNS: &str = "actor_id, display_name, state, created_at, language";

fn registration_from_row(row: &DbRow) -> Result<Registration, StoreError> {
    Ok(Registration {
        participant: row.try_get("actor_id")?,
        display_name: row.try_get("display_name")?,
        state: decode("rsvps", "state", row.try_get("state")?, RsvpState::parse)?,
        created_at: row.try_get("created_at")?,
        language: row.try_get("language")?,
    })
}

/// Takes the write lock first (SQLite) / locks the event's row (PostgreSQL), so that
/// concurrent changes see each other's places.
async fn lock_event(tx: &mut Tx<'_>, publication_id: Uuid) -> Result<(), StoreError> {
    sqlx::query("UPDATE publications SET updated_at = updated_at WHERE id = $1")
        .bind(publication_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Places held (accepted or pending).
async fn places_taken(tx: &mut Tx<'_>, publication_id: Uuid) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM rsvps WHERE publication_id = $1 AND state IN ('accepted', 'pending')",
    )
    .bind(publication_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?)
}

fn has_room(admission: Admission, taken: i64) -> bool {
    admission.capacity.is_none_or(|c| taken < i64::from(c))
}

/// Queues `reply` to the fediverse account `participant` about its `Join` `join_id`; a
/// visitor (`mailto:`) hears nothing from here. An account this node no longer knows
/// cannot be told: logged, the change stands.
async fn tell_in(
    tx: &mut Tx<'_>,
    participant: &str,
    join_id: &str,
    reply: JoinReply,
    answer: JoinAnswer<'_>,
) -> Result<(), StoreError> {
    if participant.starts_with("mailto:") {
        return Ok(());
    }
    let sql = format!("SELECT {ACTOR_COLUMNS} FROM remote_actors WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(participant)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(row) => enqueue_in(tx, &answer(&actor_from_row(&row)?, join_id, reply)).await?,
        None => {
            tracing::warn!(%participant, ?reply, "participant's actor unknown: not told");
        }
    }
    Ok(())
}

/// Moves the first in line up while places remain (an open event only): to `accepted`,
/// told at once, or to `pending` when organisers approve each one.
async fn promote_in(
    tx: &mut Tx<'_>,
    publication_id: Uuid,
    admission: Admission,
    answer: JoinAnswer<'_>,
) -> Result<Vec<Registration>, StoreError> {
    let mut promoted = Vec::new();
    if !admission.open {
        return Ok(promoted);
    }
    let state = if admission.needs_approval {
        RsvpState::Pending
    } else {
        RsvpState::Accepted
    };
    while has_room(admission, places_taken(tx, publication_id).await?) {
        let sql = format!(
            "SELECT {REGISTRATION_COLUMNS}, activity_id FROM rsvps
             WHERE publication_id = $1 AND state = 'waitlisted' ORDER BY seq, created_at LIMIT 1"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(publication_id)
            .fetch_optional(&mut **tx)
            .await?
        else {
            break;
        };
        let mut next = registration_from_row(&row)?;
        let join_id: String = row.try_get("activity_id")?;
        sqlx::query("UPDATE rsvps SET state = $3 WHERE publication_id = $1 AND actor_id = $2")
            .bind(publication_id)
            .bind(&next.participant)
            .bind(state.as_str())
            .execute(&mut **tx)
            .await?;
        if state == RsvpState::Accepted {
            tell_in(tx, &next.participant, &join_id, JoinReply::Accept, answer).await?;
        }
        next.state = state;
        promoted.push(next);
    }
    Ok(promoted)
}

/// Registers a participant inside the caller's transaction; returns the state and
/// whether the registration is new (a repeated one keeps its state).
#[allow(clippy::too_many_arguments)]
async fn rsvp_in(
    tx: &mut Tx<'_>,
    publication_id: Uuid,
    actor_id: &str,
    activity_id: &str,
    display_name: Option<&str>,
    cancel_token: Option<&str>,
    language: Option<&str>,
    admission: Admission,
    at: DateTime<Utc>,
) -> Result<(RsvpState, bool), StoreError> {
    lock_event(tx, publication_id).await?;
    let existing =
        sqlx::query("SELECT state FROM rsvps WHERE publication_id = $1 AND actor_id = $2")
            .bind(publication_id)
            .bind(actor_id)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(row) = existing {
        let state = decode("rsvps", "state", row.try_get("state")?, RsvpState::parse)?;
        if state != RsvpState::Rejected {
            return Ok((state, false));
        }
    }
    let state = if !admission.open {
        RsvpState::Rejected
    } else if !has_room(admission, places_taken(tx, publication_id).await?) {
        RsvpState::Waitlisted
    } else if admission.needs_approval {
        RsvpState::Pending
    } else {
        RsvpState::Accepted
    };
    let seq: i64 =
        sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM rsvps WHERE publication_id = $1")
            .bind(publication_id)
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
    sqlx::query(
        "INSERT INTO rsvps (publication_id, actor_id, activity_id, state, created_at, display_name, seq, cancel_token, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (publication_id, actor_id) DO UPDATE
         SET activity_id = $3, state = $4, created_at = $5, display_name = $6, seq = $7,
             cancel_token = $8, language = $9, reminded_at = NULL",
    )
    .bind(publication_id)
    .bind(actor_id)
    .bind(activity_id)
    .bind(state.as_str())
    .bind(at)
    .bind(display_name)
    .bind(seq)
    .bind(cancel_token)
    .bind(language)
    .execute(&mut **tx)
    .await?;
    Ok((state, true))
}

/// Deletes a registration inside the caller's transaction: its `Join` id and the state
/// it had, `None` when there was none.
async fn delete_in(
    tx: &mut Tx<'_>,
    publication_id: Uuid,
    participant: &str,
) -> Result<Option<(String, RsvpState)>, StoreError> {
    let row = sqlx::query(
        "DELETE FROM rsvps WHERE publication_id = $1 AND actor_id = $2 RETURNING activity_id, state",
    )
    .bind(publication_id)
    .bind(participant)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|row| {
        Ok((
            row.try_get("activity_id")?,
            decode("rsvps", "state", row.try_get("state")?, RsvpState::parse)?,
        ))
    })
    .transpose()
}

#[async_trait]
impl RsvpStore for SqlStore {
    async fn rsvp(
        &self,
        publication_id: Uuid,
        actor: &crate::social::RemoteActor,
        activity_id: &str,
        admission: Admission,
        at: DateTime<Utc>,
        answer: JoinAnswer<'_>,
    ) -> Result<RsvpState, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (state, new) = rsvp_in(
            &mut tx,
            publication_id,
            &actor.id,
            activity_id,
            None,
            None,
            None,
            admission,
            at,
        )
        .await?;
        let reply = match state {
            RsvpState::Accepted => Some(JoinReply::Accept),
            RsvpState::Rejected => Some(JoinReply::Reject),
            RsvpState::Pending | RsvpState::Waitlisted => None,
        };
        if let (true, Some(reply)) = (new, reply) {
            enqueue_in(&mut tx, &answer(actor, activity_id, reply)).await?;
        }
        tx.commit().await?;
        Ok(state)
    }

    async fn register_visitor(
        &self,
        publication_id: Uuid,
        email: &str,
        name: &str,
        admission: Admission,
        cancel_token: &str,
        language: &str,
        at: DateTime<Utc>,
    ) -> Result<RsvpState, StoreError> {
        let mut tx = self.pool.begin().await?;
        let participant = format!("mailto:{}", email.trim().to_lowercase());
        let activity = format!("urn:rhizome:registration:{}", Uuid::now_v7());
        let (state, registered) = rsvp_in(
            &mut tx,
            publication_id,
            &participant,
            &activity,
            Some(name),
            Some(cancel_token),
            Some(language),
            admission,
            at,
        )
        .await?;
        if !registered {
            // One registration per address and event (the primary key holds
            // the lower-cased address): a second one is refused, not merged.
            return Err(StoreError::Conflict("email"));
        }
        tx.commit().await?;
        Ok(state)
    }

    async fn registration_by_cancel_token(
        &self,
        cancel_token: &str,
    ) -> Result<Option<(Uuid, Registration)>, StoreError> {
        let sql = format!(
            "SELECT publication_id, {REGISTRATION_COLUMNS} FROM rsvps WHERE cancel_token = $1"
        );
        let row = sqlx::query(&sql)
            .bind(cancel_token)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok((row.try_get("publication_id")?, registration_from_row(&row)?)))
            .transpose()
    }

    async fn cancel_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Change, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_event(&mut tx, publication_id).await?;
        if delete_in(&mut tx, publication_id, participant)
            .await?
            .is_none()
        {
            return Ok(Change::default());
        }
        let promoted = promote_in(&mut tx, publication_id, admission, answer).await?;
        tx.commit().await?;
        Ok(Change {
            done: true,
            promoted,
        })
    }

    async fn remove_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Change, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_event(&mut tx, publication_id).await?;
        let Some((join_id, _)) = delete_in(&mut tx, publication_id, participant).await? else {
            return Ok(Change::default());
        };
        tell_in(&mut tx, participant, &join_id, JoinReply::Reject, answer).await?;
        let promoted = promote_in(&mut tx, publication_id, admission, answer).await?;
        tx.commit().await?;
        Ok(Change {
            done: true,
            promoted,
        })
    }

    async fn decide_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        accept: bool,
        cancel_token: &str,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Change, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_event(&mut tx, publication_id).await?;
        let (state, reply) = if accept {
            (RsvpState::Accepted, JoinReply::Accept)
        } else {
            (RsvpState::Rejected, JoinReply::Reject)
        };
        let decided = sqlx::query(
            "UPDATE rsvps SET state = $3,
                 cancel_token = CASE WHEN $3 = 'accepted' AND actor_id LIKE 'mailto:%' THEN $4 ELSE cancel_token END
             WHERE publication_id = $1 AND actor_id = $2 AND state = 'pending'
             RETURNING activity_id",
        )
        .bind(publication_id)
        .bind(participant)
        .bind(state.as_str())
        .bind(cancel_token)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = decided else {
            let exists =
                sqlx::query("SELECT 1 FROM rsvps WHERE publication_id = $1 AND actor_id = $2")
                    .bind(publication_id)
                    .bind(participant)
                    .fetch_optional(&mut *tx)
                    .await?;
            return match exists {
                Some(_) => Ok(Change::default()),
                None => Err(StoreError::NotFound),
            };
        };
        let join_id: String = row.try_get("activity_id")?;
        tell_in(&mut tx, participant, &join_id, reply, answer).await?;
        let promoted = if accept {
            Vec::new()
        } else {
            promote_in(&mut tx, publication_id, admission, answer).await?
        };
        tx.commit().await?;
        Ok(Change {
            done: true,
            promoted,
        })
    }

    async fn promote_waitlist(
        &self,
        publication_id: Uuid,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Vec<Registration>, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_event(&mut tx, publication_id).await?;
        let promoted = promote_in(&mut tx, publication_id, admission, answer).await?;
        tx.commit().await?;
        Ok(promoted)
    }

    async fn registrations(&self, publication_id: Uuid) -> Result<Vec<Registration>, StoreError> {
        let sql = format!(
            "SELECT {REGISTRATION_COLUMNS} FROM rsvps
             WHERE publication_id = $1 ORDER BY seq, created_at, actor_id"
        );
        let rows = sqlx::query(&sql)
            .bind(publication_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(registration_from_row).collect()
    }

    async fn participant_count(&self, publication_id: Uuid) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM rsvps WHERE publication_id = $1 AND state = 'accepted'",
        )
        .bind(publication_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    async fn take_reminders(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError> {
        let sql = format!(
            "UPDATE rsvps SET reminded_at = $3
             WHERE state = 'accepted' AND reminded_at IS NULL AND actor_id LIKE 'mailto:%'
               AND publication_id IN (
                   SELECT id FROM publications
                   WHERE kind = 'event' AND deleted_at IS NULL AND starts_at >= $1 AND starts_at < $2)
             RETURNING publication_id, {REGISTRATION_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(from)
            .bind(to)
            .bind(at)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Reminder {
                    publication_id: row.try_get("publication_id")?,
                    registration: registration_from_row(row)?,
                })
            })
            .collect()
    }
}

//! [`RsvpStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::backend::{Db, SqlStore};
use super::transaction::enqueue_in;
use crate::social::{Registration, RsvpState};
use crate::store::results::decode;
use crate::store::{RemovalReply, RsvpReply, RsvpStore, StoreError};

/// Registers a participant inside the caller's transaction; returns the state
/// and whether the registration is new (a repeated one keeps its state).
#[allow(clippy::too_many_arguments)]
async fn rsvp_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    publication_id: Uuid,
    actor_id: &str,
    activity_id: &str,
    display_name: Option<&str>,
    capacity: Option<u32>,
    needs_approval: bool,
    at: DateTime<Utc>,
) -> Result<(RsvpState, bool), StoreError> {
    // Take the write lock first (SQLite) / lock the event row (PostgreSQL), so
    // concurrent registrations see each other's places.
    sqlx::query("UPDATE publications SET updated_at = updated_at WHERE id = $1")
        .bind(publication_id)
        .execute(&mut **tx)
        .await?;
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
    let taken: i64 = sqlx::query("SELECT COUNT(*) AS n FROM rsvps WHERE publication_id = $1 AND state IN ('accepted', 'pending')")
        .bind(publication_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
    let state = match capacity {
        Some(c) if taken >= i64::from(c) => RsvpState::Rejected,
        _ if needs_approval => RsvpState::Pending,
        _ => RsvpState::Accepted,
    };
    sqlx::query(
        "INSERT INTO rsvps (publication_id, actor_id, activity_id, state, created_at, display_name) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (publication_id, actor_id) DO UPDATE SET activity_id = $3, state = $4, display_name = $6",
    )
    .bind(publication_id)
    .bind(actor_id)
    .bind(activity_id)
    .bind(state.as_str())
    .bind(at)
    .bind(display_name)
    .execute(&mut **tx)
    .await?;
    Ok((state, true))
}

#[async_trait]
impl RsvpStore for SqlStore {
    async fn rsvp(
        &self,
        publication_id: Uuid,
        actor_id: &str,
        activity_id: &str,
        capacity: Option<u32>,
        needs_approval: bool,
        at: DateTime<Utc>,
        reply: RsvpReply<'_>,
    ) -> Result<RsvpState, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (state, new) = rsvp_in(
            &mut tx,
            publication_id,
            actor_id,
            activity_id,
            None,
            capacity,
            needs_approval,
            at,
        )
        .await?;
        if new && state != RsvpState::Pending {
            enqueue_in(&mut tx, &reply(state)).await?;
        }
        tx.commit().await?;
        Ok(state)
    }

    async fn register_visitor(
        &self,
        publication_id: Uuid,
        email: &str,
        name: &str,
        capacity: Option<u32>,
        needs_approval: bool,
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
            capacity,
            needs_approval,
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

    async fn cancel_rsvp(&self, publication_id: Uuid, actor_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM rsvps WHERE publication_id = $1 AND actor_id = $2")
            .bind(publication_id)
            .bind(actor_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn remove_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        reply: RemovalReply<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let removed = sqlx::query(
            "DELETE FROM rsvps WHERE publication_id = $1 AND actor_id = $2 RETURNING activity_id",
        )
        .bind(publication_id)
        .bind(participant)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = removed else {
            return Ok(false);
        };
        let join_id: String = row.try_get("activity_id")?;
        if let Some(reject) = reply(&join_id) {
            enqueue_in(&mut tx, &reject).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn registrations(&self, publication_id: Uuid) -> Result<Vec<Registration>, StoreError> {
        let rows = sqlx::query(
            "SELECT actor_id, display_name, state, created_at FROM rsvps
             WHERE publication_id = $1 ORDER BY created_at, actor_id",
        )
        .bind(publication_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Registration {
                    participant: row.try_get("actor_id")?,
                    display_name: row.try_get("display_name")?,
                    state: decode("rsvps", "state", row.try_get("state")?, RsvpState::parse)?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
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
}

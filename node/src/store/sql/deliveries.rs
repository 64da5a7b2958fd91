//! [`DeliveryStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::{DIALECT, Db, SqlStore};
use super::group_commit::Write;
use super::transaction::enqueue_in;
use crate::outbox;
use crate::outbox::{Delivery, Outgoing, ServerDeliveries, ServerState};
use crate::store::{DeliveryStore, StoreError};

#[async_trait]
impl DeliveryStore for SqlStore {
    async fn mark_received(
        &self,
        activity_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.write_grouped(Write::Received {
            id: activity_id.to_owned(),
            at,
        })
        .await
    }

    async fn forget_received(&self, activity_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM received_activities WHERE id = $1")
            .bind(activity_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn enqueue(&self, outgoing: &Outgoing) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        enqueue_in(&mut tx, outgoing).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn outbox(
        &self,
        sender: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        let rows = sqlx::query(
            "SELECT body FROM outbox_activities WHERE sender = $1 AND public = TRUE
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(sender)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get::<Json<serde_json::Value>, _>("body").map(|j| j.0))
            .collect::<Result<_, _>>()?)
    }

    async fn outbox_count(&self, sender: Uuid) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM outbox_activities WHERE sender = $1 AND public = TRUE",
        )
        .bind(sender)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
        per_host: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        // Due rows ranked within their server, so one server's backlog cannot
        // fill the claim with more than can be sent to it within the lease.
        // PostgreSQL skips rows another claim is taking instead of queueing
        // behind it; SQLite has one writer at a time anyway.
        let skip_locked = DIALECT.skip_locked;
        let sql = format!(
            "UPDATE deliveries SET locked_until = $1, claim = $4
             WHERE (activity_id, inbox) IN (
                 SELECT activity_id, inbox FROM deliveries
                 WHERE (activity_id, inbox) IN (
                     SELECT activity_id, inbox FROM (
                         SELECT activity_id, inbox, next_attempt_at,
                                ROW_NUMBER() OVER (PARTITION BY host ORDER BY next_attempt_at) AS rank_in_host
                         FROM deliveries
                         WHERE next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $2)) due
                     WHERE rank_in_host <= $5
                     ORDER BY next_attempt_at LIMIT $3)
                   AND (locked_until IS NULL OR locked_until < $2)
                 {skip_locked})
               AND (locked_until IS NULL OR locked_until < $2)
             RETURNING activity_id, inbox, host, attempts"
        );
        let claim = Uuid::new_v4();
        let leased_until = now + lease;
        let rows = sqlx::query(&sql)
            .bind(leased_until)
            .bind(now)
            .bind(limit)
            .bind(claim)
            .bind(per_host)
            .fetch_all(&self.pool)
            .await?;
        let mut bodies: std::collections::HashMap<Uuid, (Uuid, std::sync::Arc<serde_json::Value>)> =
            Default::default();
        let mut deliveries = Vec::with_capacity(rows.len());
        for row in &rows {
            let activity_id: Uuid = row.try_get("activity_id")?;
            if let std::collections::hash_map::Entry::Vacant(slot) = bodies.entry(activity_id) {
                let a = sqlx::query("SELECT sender, body FROM outbox_activities WHERE id = $1")
                    .bind(activity_id)
                    .fetch_one(&self.pool)
                    .await?;
                let body = std::sync::Arc::new(a.try_get::<Json<serde_json::Value>, _>("body")?.0);
                slot.insert((a.try_get("sender")?, body));
            }
            let (sender, body) = bodies[&activity_id].clone();
            deliveries.push(Delivery {
                activity_id,
                inbox: row.try_get("inbox")?,
                host: row.try_get("host")?,
                attempts: row.try_get("attempts")?,
                sender,
                body,
                claim,
                leased_until,
            });
        }
        Ok(deliveries)
    }

    async fn deliveries_succeeded(
        &self,
        deliveries: &[Delivery],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let hosts: std::collections::BTreeSet<&str> =
            deliveries.iter().map(|d| d.host.as_str()).collect();
        // One statement per chunk rather than one per delivery.
        for chunk in deliveries.chunks(200) {
            let mut delete = sqlx::QueryBuilder::<Db>::new(
                "DELETE FROM deliveries WHERE (activity_id, inbox) IN (",
            );
            let mut list = delete.separated(", ");
            for d in chunk {
                list.push("(");
                list.push_bind_unseparated(d.activity_id);
                list.push_unseparated(", ");
                list.push_bind_unseparated(&d.inbox);
                list.push_unseparated(")");
            }
            delete.push(")");
            delete.build().execute(&mut *tx).await?;
        }
        // Each server that answered, once, in one statement per chunk too.
        let hosts: Vec<&str> = hosts.into_iter().collect();
        for chunk in hosts.chunks(200) {
            let mut upsert = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO remote_servers (host, consecutive_failures, last_success) ",
            );
            upsert.push_values(chunk, |mut row, host| {
                row.push_bind(*host).push_bind(0i32).push_bind(at);
            });
            upsert.push(
                " ON CONFLICT (host) DO UPDATE SET consecutive_failures = 0, last_success = excluded.last_success",
            );
            upsert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delivery_failed(
        &self,
        d: &Delivery,
        at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(500).collect();
        let mut tx = self.pool.begin().await?;
        let server = sqlx::query(
            "INSERT INTO remote_servers (host, consecutive_failures, last_failure, last_error) VALUES ($1, 1, $2, $3)
             ON CONFLICT (host) DO UPDATE SET consecutive_failures = remote_servers.consecutive_failures + 1,
               last_failure = $2, last_error = $3
             RETURNING consecutive_failures, last_success",
        )
        .bind(&d.host)
        .bind(at)
        .bind(&error)
        .fetch_one(&mut *tx)
        .await?;
        let failures: i32 = server.try_get("consecutive_failures")?;
        let last_success: Option<DateTime<Utc>> = server.try_get("last_success")?;
        let attempts = d.attempts + 1;
        let dead = failures >= outbox::DEAD_AFTER_FAILURES
            && last_success.is_none_or(|t| at - t > Duration::days(1));
        if attempts >= outbox::MAX_ATTEMPTS {
            sqlx::query(
                "DELETE FROM deliveries WHERE activity_id = $1 AND inbox = $2 AND claim = $3",
            )
            .bind(d.activity_id)
            .bind(&d.inbox)
            .bind(d.claim)
            .execute(&mut *tx)
            .await?;
            tracing::warn!(inbox = %d.inbox, attempts, "delivery abandoned after too many failures");
        } else {
            let wait = if dead {
                Duration::days(1)
            } else {
                outbox::backoff(attempts)
            };
            sqlx::query(
                "UPDATE deliveries SET attempts = $3, next_attempt_at = $4, locked_until = NULL, claim = NULL, last_error = $5
                 WHERE activity_id = $1 AND inbox = $2 AND claim = $6",
            )
            .bind(d.activity_id)
            .bind(&d.inbox)
            .bind(attempts)
            .bind(at + wait)
            .bind(&error)
            .bind(d.claim)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn drop_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM deliveries WHERE activity_id = $1 AND inbox = $2 AND claim = $3")
            .bind(d.activity_id)
            .bind(&d.inbox)
            .bind(d.claim)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn release_claim(&self, claim: Uuid) -> Result<u64, StoreError> {
        let done =
            sqlx::query("UPDATE deliveries SET locked_until = NULL, claim = NULL WHERE claim = $1")
                .bind(claim)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    async fn renew_claim(
        &self,
        claim: Uuid,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE deliveries SET locked_until = $3 WHERE claim = $1 AND locked_until > $2",
        )
        .bind(claim)
        .bind(now)
        .bind(until)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn pending_deliveries(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM deliveries")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    async fn servers(&self) -> Result<Vec<ServerState>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.host, COALESCE(d.queued, 0) AS queued, d.next_attempt,
                    COALESCE(s.consecutive_failures, 0) AS consecutive_failures,
                    s.last_success, s.last_failure, s.last_error
             FROM (SELECT host FROM remote_servers UNION SELECT host FROM deliveries) h
             LEFT JOIN remote_servers s ON s.host = h.host
             LEFT JOIN (SELECT host, COUNT(*) AS queued, MIN(next_attempt_at) AS next_attempt
                        FROM deliveries GROUP BY host) d ON d.host = h.host
             ORDER BY h.host",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ServerState {
                    host: r.try_get("host")?,
                    queued: r.try_get("queued")?,
                    consecutive_failures: r.try_get("consecutive_failures")?,
                    last_success: r.try_get("last_success")?,
                    last_failure: r.try_get("last_failure")?,
                    last_error: r.try_get("last_error")?,
                    next_attempt: r.try_get("next_attempt")?,
                })
            })
            .collect()
    }

    async fn deliveries_by_server(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<ServerDeliveries>, StoreError> {
        let rows = sqlx::query(
            "SELECT host, COUNT(*) AS queued,
                    SUM(CASE WHEN locked_until IS NOT NULL AND locked_until >= $1 THEN 1 ELSE 0 END) AS in_flight,
                    SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS failed
             FROM deliveries GROUP BY host ORDER BY host",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ServerDeliveries {
                    host: r.try_get("host")?,
                    queued: r.try_get("queued")?,
                    in_flight: r.try_get("in_flight")?,
                    failed: r.try_get("failed")?,
                })
            })
            .collect()
    }
}

/// Records an activity id as received; whether it was new (not a duplicate).
pub(super) async fn mark_received_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    activity_id: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO received_activities (id, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(activity_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

//! [`LeaseStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`). Taking a lease is one upsert whose update applies only to an expired row:
//! PostgreSQL's `ON CONFLICT DO UPDATE ... WHERE` and SQLite's single writer both make it
//! atomic, so of several processes asking at once exactly one gets `RETURNING` a row.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::backend::SqlStore;
use crate::store::leases::Lease;
use crate::store::{LeaseStore, StoreError};

#[async_trait]
impl LeaseStore for SqlStore {
    async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let taken = sqlx::query(
            "INSERT INTO scheduled_runs (name, holder, taken_at, expires_at, runs)
             VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (name) DO UPDATE
                SET holder = $2, taken_at = $3, expires_at = $4, runs = scheduled_runs.runs + 1
                WHERE scheduled_runs.expires_at <= $3
             RETURNING holder",
        )
        .bind(name)
        .bind(holder)
        .bind(now)
        .bind(until)
        .fetch_optional(&self.pool)
        .await?;
        Ok(taken.is_some())
    }

    async fn extend_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE scheduled_runs SET expires_at = $4
             WHERE name = $1 AND holder = $2 AND expires_at > $3",
        )
        .bind(name)
        .bind(holder)
        .bind(now)
        .bind(until)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn release_leases(&self, holder: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE scheduled_runs SET expires_at = $2 WHERE holder = $1 AND expires_at > $2",
        )
        .bind(holder)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn leases(&self) -> Result<Vec<Lease>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, holder, taken_at, expires_at, runs FROM scheduled_runs ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Lease {
                    name: r.try_get("name")?,
                    holder: r.try_get("holder")?,
                    taken_at: r.try_get("taken_at")?,
                    expires_at: r.try_get("expires_at")?,
                    runs: r.try_get("runs")?,
                })
            })
            .collect()
    }
}

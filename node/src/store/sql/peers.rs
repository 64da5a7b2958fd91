//! [`PeerStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::types::Json;

use super::backend::SqlStore;
use super::rows::{PEER_COLUMNS, peer_from_row};
use crate::network::{PEER_MAX_FAILURES, Peer};
use crate::store::{PeerStore, StoreError};

#[async_trait]
impl PeerStore for SqlStore {
    async fn learn_peer(
        &self,
        host: &str,
        source: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("INSERT INTO peers (host, source, first_seen) VALUES ($1, $2, $3) ON CONFLICT (host) DO NOTHING")
            .bind(host)
            .bind(source)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn peers_due(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<Peer>, StoreError> {
        let sql = format!(
            "SELECT {PEER_COLUMNS} FROM peers WHERE last_checked IS NULL OR last_checked < $1
             ORDER BY last_checked IS NOT NULL, last_checked, host LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(before)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(peer_from_row).collect::<Result<_, _>>()?)
    }

    async fn record_peer_check(
        &self,
        host: &str,
        directory: Option<&serde_json::Value>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        match directory {
            Some(d) => sqlx::query(
                "UPDATE peers SET verified = TRUE, directory = $2, failures = 0, last_checked = $3, last_success = $3 WHERE host = $1",
            )
            .bind(host)
            .bind(Json(d))
            .bind(at)
            .execute(&self.pool)
            .await?,
            None => sqlx::query("UPDATE peers SET failures = failures + 1, last_checked = $2 WHERE host = $1")
                .bind(host)
                .bind(at)
                .execute(&self.pool)
                .await?,
        };
        Ok(())
    }

    async fn verified_peers(&self, limit: i64) -> Result<Vec<Peer>, StoreError> {
        let sql = format!(
            "SELECT {PEER_COLUMNS} FROM peers WHERE verified = TRUE AND failures < $1 ORDER BY host LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(PEER_MAX_FAILURES)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(peer_from_row).collect::<Result<_, _>>()?)
    }

    async fn peer_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM peers")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}

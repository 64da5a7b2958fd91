//! [`NoticeStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::backend::SqlStore;
use crate::store::notices::MatchNotice;
use crate::store::{NoticeStore, StoreError};

#[async_trait]
impl NoticeStore for SqlStore {
    async fn add_match_notices(&self, notices: &[MatchNotice]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for n in notices {
            added += sqlx::query(
                "INSERT INTO match_notices (call_id, territory_id, matched_id, matched_title, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (call_id, matched_id) DO NOTHING",
            )
            .bind(n.call_id)
            .bind(n.territory_id)
            .bind(&n.matched_id)
            .bind(&n.matched_title)
            .bind(n.created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn match_notices(
        &self,
        territory_id: Uuid,
        unseen: bool,
        limit: i64,
    ) -> Result<Vec<MatchNotice>, StoreError> {
        let rows = sqlx::query(
            "SELECT call_id, territory_id, matched_id, matched_title, created_at, seen_at
             FROM match_notices
             WHERE territory_id = $1 AND ($2 = FALSE OR seen_at IS NULL)
             ORDER BY created_at DESC, matched_id LIMIT $3",
        )
        .bind(territory_id)
        .bind(unseen)
        .bind(limit.clamp(0, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MatchNotice {
                    call_id: row.try_get::<Uuid, _>("call_id")?,
                    territory_id: row.try_get("territory_id")?,
                    matched_id: row.try_get("matched_id")?,
                    matched_title: row.try_get("matched_title")?,
                    created_at: row.try_get("created_at")?,
                    seen_at: row.try_get("seen_at")?,
                })
            })
            .collect()
    }

    async fn unseen_match_notices(&self, territory_id: Uuid) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM match_notices WHERE territory_id = $1 AND seen_at IS NULL",
        )
        .bind(territory_id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn mark_match_notices_seen(
        &self,
        territory_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE match_notices SET seen_at = $2
             WHERE territory_id = $1 AND seen_at IS NULL AND created_at <= $2",
        )
        .bind(territory_id)
        .bind(at)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }
}

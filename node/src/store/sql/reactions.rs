//! [`ReactionStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;
use uuid::Uuid;

use super::backend::SqlStore;
use crate::social::{ReactionCounts, ReactionKind};
use crate::store::{ReactionStore, StoreError};

#[async_trait]
impl ReactionStore for SqlStore {
    async fn insert_reaction(
        &self,
        activity_id: &str,
        publication_id: Uuid,
        actor_id: &str,
        kind: ReactionKind,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO reactions (activity_id, publication_id, actor_id, kind) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(activity_id)
        .bind(publication_id)
        .bind(actor_id)
        .bind(kind.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn remove_reaction(&self, activity_id: &str, actor_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM reactions WHERE activity_id = $1 AND actor_id = $2")
            .bind(activity_id)
            .bind(actor_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn reaction_counts(&self, publication_id: Uuid) -> Result<ReactionCounts, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN kind = 'like' THEN 1 ELSE 0 END), 0) AS likes,
                    COALESCE(SUM(CASE WHEN kind = 'announce' THEN 1 ELSE 0 END), 0) AS announces
             FROM reactions WHERE publication_id = $1",
        )
        .bind(publication_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ReactionCounts {
            likes: row.try_get("likes")?,
            announces: row.try_get("announces")?,
        })
    }
}

//! [`FollowerStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::SqlStore;
use super::rows::{FOLLOWER_COLUMNS, follower_from_row};
use super::transaction::enqueue_in;
use crate::outbox::Outgoing;
use crate::social::Follower;
use crate::store::{FollowerStore, StoreError};

#[async_trait]
impl FollowerStore for SqlStore {
    async fn upsert_follower(
        &self,
        f: &Follower,
        reply: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let host = crate::social::host_of(&f.inbox).unwrap_or_default();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO followers (territory_id, actor_id, inbox, host, state, follow_activity_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (territory_id, actor_id) DO UPDATE
             SET inbox = $3, host = $4, state = $5, follow_activity_id = $6",
        )
        .bind(f.territory_id)
        .bind(&f.actor_id)
        .bind(&f.inbox)
        .bind(host)
        .bind(f.state.as_str())
        .bind(&f.follow_activity_id)
        .bind(f.created_at)
        .execute(&mut *tx)
        .await?;
        if let Some(reply) = reply {
            enqueue_in(&mut tx, reply).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_follower_scope(
        &self,
        territory_id: Uuid,
        actor_id: &str,
        scope: Option<&crate::network::Scope>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE followers SET scope = $3 WHERE territory_id = $1 AND actor_id = $2")
            .bind(territory_id)
            .bind(actor_id)
            .bind(scope.map(Json))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn scoped_followers(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<(String, crate::network::Scope)>, StoreError> {
        let rows = sqlx::query(
            "SELECT inbox, scope FROM followers WHERE territory_id = $1 AND state = 'accepted' AND scope IS NOT NULL",
        )
        .bind(territory_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("inbox")?,
                    r.try_get::<Json<crate::network::Scope>, _>("scope")?.0,
                ))
            })
            .collect()
    }

    async fn remove_follower(
        &self,
        territory_id: Uuid,
        actor_id: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM followers WHERE territory_id = $1 AND actor_id = $2")
            .bind(territory_id)
            .bind(actor_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn followers(
        &self,
        territory_id: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Follower>, StoreError> {
        let sql = format!(
            "SELECT {FOLLOWER_COLUMNS} FROM followers WHERE territory_id = $1
             ORDER BY created_at, actor_id LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query(&sql)
            .bind(territory_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(follower_from_row).collect()
    }

    async fn follower_count(&self, territory_id: Uuid) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM followers WHERE territory_id = $1 AND state = 'accepted'",
        )
        .bind(territory_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    async fn upsert_node_follower(
        &self,
        actor_id: &str,
        inbox: &str,
        follow_activity_id: &str,
        accept: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO node_followers (actor_id, inbox, host, follow_activity_id, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (actor_id) DO UPDATE SET inbox = $2, host = $3, follow_activity_id = $4",
        )
        .bind(actor_id)
        .bind(inbox)
        .bind(crate::social::host_of(inbox).unwrap_or_default())
        .bind(follow_activity_id)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
        if let Some(accept) = accept {
            enqueue_in(&mut tx, accept).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remove_node_follower(&self, actor_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM node_followers WHERE actor_id = $1")
            .bind(actor_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn node_followers(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT actor_id, inbox FROM node_followers ORDER BY actor_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("actor_id")?, r.try_get("inbox")?)))
            .collect()
    }
}

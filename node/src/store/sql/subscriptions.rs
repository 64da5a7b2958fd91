//! [`SubscriptionStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::{Db, DbRow, SqlStore};
use super::transaction::enqueue_in;
use crate::network::{Following, Scope};
use crate::outbox::Outgoing;
use crate::social::FollowState;
use crate::store::results::decode;
use crate::store::{StoreError, SubscriptionStore};

/// Our subscriptions are kept in two tables: territories' follows (`following`)
/// and the node's own, to other nodes and relays (`node_subscriptions`, without
/// territory: the nil uuid in [`Following`]). One set of statements serves both.
#[derive(Clone, Copy)]
enum Subscriptions {
    OfTerritories,
    OfNode,
}

impl Subscriptions {
    fn table(self) -> &'static str {
        match self {
            Subscriptions::OfTerritories => "following",
            Subscriptions::OfNode => "node_subscriptions",
        }
    }

    fn columns(self) -> &'static str {
        match self {
            Subscriptions::OfTerritories => {
                "territory_id, target_id, state, follow_activity_id, scope, created_at"
            }
            Subscriptions::OfNode => "target_id, state, follow_activity_id, scope, created_at",
        }
    }

    fn read_row(self, row: &DbRow) -> Result<Following, StoreError> {
        Ok(Following {
            territory_id: match self {
                Subscriptions::OfTerritories => row.try_get("territory_id")?,
                Subscriptions::OfNode => Uuid::nil(),
            },
            target_id: row.try_get("target_id")?,
            state: decode(
                self.table(),
                "state",
                row.try_get("state")?,
                FollowState::parse,
            )?,
            follow_activity_id: row.try_get("follow_activity_id")?,
            scope: row.try_get::<Json<Scope>, _>("scope")?.0,
            created_at: row.try_get("created_at")?,
        })
    }

    /// The rows `filter` keeps (conditions pushed after `WHERE TRUE`), in the
    /// order they were made.
    async fn select(
        self,
        pool: &sqlx::Pool<Db>,
        filter: impl FnOnce(&mut sqlx::QueryBuilder<'_, Db>),
    ) -> Result<Vec<Following>, StoreError> {
        let mut sql = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {} FROM {} WHERE TRUE",
            self.columns(),
            self.table()
        ));
        filter(&mut sql);
        sql.push(" ORDER BY created_at, target_id");
        let rows = sql.build().fetch_all(pool).await?;
        rows.iter().map(|row| self.read_row(row)).collect()
    }

    async fn by_activity(
        self,
        pool: &sqlx::Pool<Db>,
        follow_activity_id: &str,
    ) -> Result<Option<Following>, StoreError> {
        let id = follow_activity_id.to_owned();
        let found = self
            .select(pool, |sql| {
                sql.push(" AND follow_activity_id = ").push_bind(id);
            })
            .await?;
        Ok(found.into_iter().next())
    }

    /// Sets the state of the subscription to `target_id` (a territory's, when
    /// `territory_id` is given).
    async fn set_state(
        self,
        pool: &sqlx::Pool<Db>,
        territory_id: Option<Uuid>,
        target_id: &str,
        state: FollowState,
    ) -> Result<bool, StoreError> {
        let mut sql =
            sqlx::QueryBuilder::<Db>::new(format!("UPDATE {} SET state = ", self.table()));
        sql.push_bind(state.as_str())
            .push(" WHERE target_id = ")
            .push_bind(target_id);
        if let Some(territory_id) = territory_id {
            sql.push(" AND territory_id = ").push_bind(territory_id);
        }
        Ok(sql.build().execute(pool).await?.rows_affected() > 0)
    }

    /// Records a subscription and the `Follow` asking for it, in one transaction;
    /// `relay` is kept for the node's own.
    async fn upsert(
        self,
        pool: &sqlx::Pool<Db>,
        f: &Following,
        relay: bool,
        follow: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let (sixth, key, set_sixth) = match self {
            Subscriptions::OfTerritories => ("territory_id", "territory_id, target_id", ""),
            Subscriptions::OfNode => ("relay", "target_id", ", relay = $6"),
        };
        let sql = format!(
            "INSERT INTO {} (target_id, state, follow_activity_id, scope, created_at, {sixth})
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT ({key}) DO UPDATE
             SET state = $2, follow_activity_id = $3, scope = $4{set_sixth}",
            self.table()
        );
        let query = sqlx::query(&sql)
            .bind(&f.target_id)
            .bind(f.state.as_str())
            .bind(&f.follow_activity_id)
            .bind(Json(&f.scope))
            .bind(f.created_at);
        let query = match self {
            Subscriptions::OfTerritories => query.bind(f.territory_id),
            Subscriptions::OfNode => query.bind(relay),
        };
        let mut tx = pool.begin().await?;
        query.execute(&mut *tx).await?;
        if let Some(follow) = follow {
            enqueue_in(&mut tx, follow).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl SubscriptionStore for SqlStore {
    async fn upsert_following(
        &self,
        f: &Following,
        follow: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        Subscriptions::OfTerritories
            .upsert(&self.pool, f, false, follow)
            .await
    }

    async fn following_by_activity(
        &self,
        follow_activity_id: &str,
    ) -> Result<Option<Following>, StoreError> {
        Subscriptions::OfTerritories
            .by_activity(&self.pool, follow_activity_id)
            .await
    }

    async fn set_following_state(
        &self,
        territory_id: Uuid,
        target_id: &str,
        state: FollowState,
    ) -> Result<bool, StoreError> {
        Subscriptions::OfTerritories
            .set_state(&self.pool, Some(territory_id), target_id, state)
            .await
    }

    async fn remove_following(
        &self,
        territory_id: Uuid,
        target_id: &str,
        undo: Option<&Outgoing>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM following WHERE territory_id = $1 AND target_id = $2")
            .bind(territory_id)
            .bind(target_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() > 0
            && let Some(undo) = undo
        {
            enqueue_in(&mut tx, undo).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn followings(&self, territory_id: Uuid) -> Result<Vec<Following>, StoreError> {
        Subscriptions::OfTerritories
            .select(&self.pool, |sql| {
                sql.push(" AND territory_id = ").push_bind(territory_id);
            })
            .await
    }

    async fn followings_of(&self, target_id: &str) -> Result<Vec<Following>, StoreError> {
        let target_id = target_id.to_owned();
        Subscriptions::OfTerritories
            .select(&self.pool, |sql| {
                sql.push(" AND state = 'accepted' AND target_id = ")
                    .push_bind(target_id);
            })
            .await
    }

    async fn upsert_node_subscription(
        &self,
        f: &Following,
        relay: bool,
        follow: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        Subscriptions::OfNode
            .upsert(&self.pool, f, relay, follow)
            .await
    }

    async fn relays(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT target_id FROM node_subscriptions WHERE relay = TRUE")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("target_id"))
            .collect::<Result<_, _>>()?)
    }

    async fn node_subscription_by_activity(
        &self,
        follow_activity_id: &str,
    ) -> Result<Option<Following>, StoreError> {
        Subscriptions::OfNode
            .by_activity(&self.pool, follow_activity_id)
            .await
    }

    async fn set_node_subscription_state(
        &self,
        target_id: &str,
        state: FollowState,
    ) -> Result<bool, StoreError> {
        Subscriptions::OfNode
            .set_state(&self.pool, None, target_id, state)
            .await
    }

    async fn node_subscriptions(&self) -> Result<Vec<Following>, StoreError> {
        Subscriptions::OfNode.select(&self.pool, |_| {}).await
    }
}

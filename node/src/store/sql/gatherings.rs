//! [`GatheringStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::{DbRow, SqlStore};
use super::transaction::enqueue_in;
use crate::festival::GatheringSettings;
use crate::gathering::{GatheredItem, ItemState, Participation, Settlement};
use crate::outbox::Outgoing;
use crate::store::results::{conflict_on, decode, touched};
use crate::store::{GatheringStore, StoreError};
use crate::territory::ActorRole;

const ITEM_COLUMNS: &str = "g.id, g.gathering_actor, g.gathering_id, g.gathering_inbox, \
    g.object_id, g.publication_id, g.submitter, g.submitter_territory, g.state, \
    g.submission_id, g.announce_id, g.decided_by, g.created_at, g.decided_at";

fn item_from_row(row: &DbRow) -> Result<GatheredItem, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(GatheredItem {
        id: row.try_get("id")?,
        gathering_actor: row.try_get("gathering_actor")?,
        gathering_id: row.try_get("gathering_id")?,
        gathering_inbox: row.try_get("gathering_inbox")?,
        object_id: row.try_get("object_id")?,
        publication_id: row.try_get("publication_id")?,
        submitter: row.try_get("submitter")?,
        submitter_territory: row.try_get("submitter_territory")?,
        state: decode("gathered_items", "state", &state, ItemState::parse)?,
        submission_id: row.try_get("submission_id")?,
        announce_id: row.try_get("announce_id")?,
        decided_by: row.try_get("decided_by")?,
        created_at: row.try_get("created_at")?,
        decided_at: row.try_get("decided_at")?,
    })
}

/// The one value a listing of items is selected by.
enum Key<'a> {
    Id(Uuid),
    Text(&'a str),
}

impl SqlStore {
    async fn items_where(
        &self,
        condition: &str,
        key: Key<'_>,
        state: Option<ItemState>,
    ) -> Result<Vec<GatheredItem>, StoreError> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM gathered_items g WHERE {condition}
             AND ($2 IS NULL OR g.state = $2) ORDER BY g.created_at, g.id"
        );
        let query = sqlx::query(&sql);
        let query = match key {
            Key::Id(id) => query.bind(id),
            Key::Text(text) => query.bind(text),
        };
        let rows = query
            .bind(state.map(ItemState::as_str))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(item_from_row).collect()
    }
}

#[async_trait]
impl GatheringStore for SqlStore {
    async fn save_gathering_settings(
        &self,
        gathering_id: Uuid,
        settings: &GatheringSettings,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO gathering_settings (territory_id, data) VALUES ($1, $2)
             ON CONFLICT (territory_id) DO UPDATE SET data = $2",
        )
        .bind(gathering_id)
        .bind(Json(settings))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn gathering_settings(
        &self,
        gathering_id: Uuid,
    ) -> Result<Option<GatheringSettings>, StoreError> {
        let row = sqlx::query("SELECT data FROM gathering_settings WHERE territory_id = $1")
            .bind(gathering_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            r.try_get::<Json<GatheringSettings>, _>("data")
                .map(|j| j.0)
                .map_err(StoreError::from)
        })
        .transpose()
    }

    async fn insert_gathered_item(
        &self,
        item: &GatheredItem,
        sends: &[Outgoing],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO gathered_items (id, gathering_actor, gathering_id, gathering_inbox,
                 object_id, publication_id, submitter, submitter_territory, state,
                 submission_id, announce_id, decided_by, created_at, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(item.id)
        .bind(&item.gathering_actor)
        .bind(item.gathering_id)
        .bind(&item.gathering_inbox)
        .bind(&item.object_id)
        .bind(item.publication_id)
        .bind(&item.submitter)
        .bind(item.submitter_territory)
        .bind(item.state.as_str())
        .bind(&item.submission_id)
        .bind(&item.announce_id)
        .bind(&item.decided_by)
        .bind(item.created_at)
        .bind(item.decided_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("submission"))?;
        for send in sends {
            enqueue_in(&mut tx, send).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn gathered_item(&self, id: Uuid) -> Result<Option<GatheredItem>, StoreError> {
        Ok(self
            .items_where("g.id = $1", Key::Id(id), None)
            .await?
            .pop())
    }

    async fn gathered_item_by_submission(
        &self,
        submission_id: &str,
    ) -> Result<Option<GatheredItem>, StoreError> {
        Ok(self
            .items_where("g.submission_id = $1", Key::Text(submission_id), None)
            .await?
            .pop())
    }

    async fn gathered_item_of(
        &self,
        gathering_actor: &str,
        object_id: &str,
    ) -> Result<Option<GatheredItem>, StoreError> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM gathered_items g
             WHERE g.gathering_actor = $1 AND g.object_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(gathering_actor)
            .bind(object_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(item_from_row).transpose()
    }

    async fn gathered_items(
        &self,
        gathering_actor: &str,
        state: Option<ItemState>,
    ) -> Result<Vec<GatheredItem>, StoreError> {
        self.items_where("g.gathering_actor = $1", Key::Text(gathering_actor), state)
            .await
    }

    async fn items_of_object(&self, object_id: &str) -> Result<Vec<GatheredItem>, StoreError> {
        self.items_where("g.object_id = $1", Key::Text(object_id), None)
            .await
    }

    async fn submissions_by(&self, territory_id: Uuid) -> Result<Vec<GatheredItem>, StoreError> {
        self.items_where("g.submitter_territory = $1", Key::Id(territory_id), None)
            .await
    }

    async fn settle_gathered_item(
        &self,
        id: Uuid,
        settlement: &Settlement,
        sends: &[Outgoing],
    ) -> Result<(), StoreError> {
        let from: Vec<&str> = settlement.from.iter().map(|s| s.as_str()).collect();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE gathered_items SET state = $1, decided_by = $2, decided_at = $3,
                 announce_id = COALESCE($4, announce_id)
             WHERE id = $5 AND state IN ($6, $7, $8, $9)",
        )
        .bind(settlement.state.as_str())
        .bind(&settlement.decided_by)
        .bind(settlement.at)
        .bind(&settlement.announce_id)
        .bind(id)
        .bind(from.first().copied().unwrap_or(""))
        .bind(from.get(1).copied().unwrap_or(""))
        .bind(from.get(2).copied().unwrap_or(""))
        .bind(from.get(3).copied().unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        touched(done.rows_affected())?;
        for send in sends {
            enqueue_in(&mut tx, send).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn participations(&self) -> Result<Vec<Participation>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT g.gathering_id, g.submitter, t.role
             FROM gathered_items g JOIN territories t ON t.id = g.gathering_id
             WHERE g.state = 'accepted' ORDER BY g.gathering_id, g.submitter",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                Ok(Participation {
                    gathering_id: row.try_get("gathering_id")?,
                    participant: row.try_get("submitter")?,
                    kind: decode("territories", "role", &role, ActorRole::parse)?,
                })
            })
            .collect()
    }
}

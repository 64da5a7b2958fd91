//! [`TerritoryStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::SqlStore;
use super::rows::{
    PUBLICATION_COLUMNS, TERRITORY_COLUMNS, publication_from_row, territory_from_row,
};
use super::transaction::{enqueue_in, upsert_listing_in};
use crate::listing::ListingRow;
use crate::outbox::Outgoing;
use crate::store::results::{conflict_on, touched};
use crate::store::{StoreError, TerritoryStore};
use crate::territory::{ActorRole, Territory};

#[async_trait]
impl TerritoryStore for SqlStore {
    async fn insert_territory(&self, t: &Territory) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO territories (id, role, slug, name, data, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(t.id)
        .bind(t.role.as_str())
        .bind(&t.profile.slug)
        .bind(&t.profile.name)
        .bind(Json(&t.profile))
        .bind(t.created_at)
        .bind(t.updated_at)
        .execute(&self.pool)
        .await
        .map_err(conflict_on("slug"))?;
        Ok(())
    }

    async fn update_territory(
        &self,
        t: &Territory,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE territories SET name = $2, data = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(t.id)
        .bind(&t.profile.name)
        .bind(Json(&t.profile))
        .bind(t.updated_at)
        .execute(&mut *tx)
        .await?;
        touched(done.rows_affected())?;
        // Its publications without a place of their own are where it is.
        let sql = format!(
            "SELECT {PUBLICATION_COLUMNS} FROM publications WHERE territory_id = $1 AND deleted_at IS NULL"
        );
        let rows = sqlx::query(&sql).bind(t.id).fetch_all(&mut *tx).await?;
        for row in &rows {
            upsert_listing_in(&mut tx, &ListingRow::local(&publication_from_row(row)?, t)).await?;
        }
        if let Some(a) = announce {
            enqueue_in(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn territory(&self, id: Uuid) -> Result<Option<Territory>, StoreError> {
        let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(territory_from_row).transpose()?)
    }

    async fn territory_by_slug(&self, slug: &str) -> Result<Option<Territory>, StoreError> {
        let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories WHERE slug = $1");
        let row = sqlx::query(&sql)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(territory_from_row).transpose()?)
    }

    async fn territories(&self) -> Result<Vec<Territory>, StoreError> {
        self.actors_with_role(ActorRole::Territory).await
    }

    async fn actors_with_role(&self, role: ActorRole) -> Result<Vec<Territory>, StoreError> {
        let sql = format!(
            "SELECT {TERRITORY_COLUMNS} FROM territories WHERE role = $1 ORDER BY name, slug"
        );
        let rows = sqlx::query(&sql)
            .bind(role.as_str())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(territory_from_row)
            .collect::<Result<_, _>>()?)
    }
}

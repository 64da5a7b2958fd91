//! [`SeriesStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::{DbRow, SqlStore};
use super::rows::{PUBLICATION_COLUMNS, publication_from_row};
use super::transaction::insert_series_row;
use crate::publication::Publication;
use crate::publication::series::Series;
use crate::store::results::touched;
use crate::store::{SeriesStore, StoreError};

const SERIES_COLUMNS: &str = "id, territory_id, template, recurrence, materialised_until, created_at, updated_at, deleted_at";

fn series_from_row(row: &DbRow) -> Result<Series, sqlx::Error> {
    Ok(Series {
        id: row.try_get("id")?,
        territory_id: row.try_get("territory_id")?,
        template: row.try_get::<Json<_>, _>("template")?.0,
        recurrence: row.try_get::<Json<_>, _>("recurrence")?.0,
        materialised_until: row.try_get("materialised_until")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        deleted_at: row.try_get("deleted_at")?,
    })
}

#[async_trait]
impl SeriesStore for SqlStore {
    async fn insert_series(&self, s: &Series) -> Result<(), StoreError> {
        insert_series_row(&self.pool, s)
            .await
            .map_err(crate::store::results::conflict_on("id"))?;
        Ok(())
    }

    async fn update_series(&self, s: &Series) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE series SET template = $2, recurrence = $3, rrule = $4,
                               materialised_until = $5, updated_at = $6
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(s.id)
        .bind(Json(&s.template))
        .bind(Json(&s.recurrence))
        .bind(&s.recurrence.rule)
        .bind(s.materialised_until)
        .bind(s.updated_at)
        .execute(&self.pool)
        .await?;
        touched(done.rows_affected())
    }

    async fn delete_series(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE series SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(&self.pool)
        .await?;
        touched(done.rows_affected())
    }

    async fn series(&self, id: Uuid) -> Result<Option<Series>, StoreError> {
        let sql = format!("SELECT {SERIES_COLUMNS} FROM series WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(series_from_row).transpose()?)
    }

    async fn live_series(&self, territory_id: Option<Uuid>) -> Result<Vec<Series>, StoreError> {
        let sql = format!(
            "SELECT {SERIES_COLUMNS} FROM series
             WHERE deleted_at IS NULL AND ($1 IS NULL OR territory_id = $1)
             ORDER BY created_at, id LIMIT 1000"
        );
        let rows = sqlx::query(&sql)
            .bind(territory_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(series_from_row).collect::<Result<_, _>>()?)
    }

    async fn series_to_extend(
        &self,
        horizon: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Series>, StoreError> {
        let sql = format!(
            "SELECT {SERIES_COLUMNS} FROM series
             WHERE deleted_at IS NULL AND materialised_until < $1
             ORDER BY materialised_until, id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(horizon)
            .bind(limit.clamp(0, 1000))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(series_from_row).collect::<Result<_, _>>()?)
    }

    async fn occurrences(&self, series_id: Uuid) -> Result<Vec<Publication>, StoreError> {
        let sql = format!(
            "SELECT {PUBLICATION_COLUMNS} FROM publications WHERE series_id = $1
             ORDER BY recurrence_id, id"
        );
        let rows = sqlx::query(&sql)
            .bind(series_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(publication_from_row)
            .collect::<Result<_, _>>()?)
    }

    async fn next_occurrences(
        &self,
        territory_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<Publication>, StoreError> {
        let sql = format!(
            "SELECT {PUBLICATION_COLUMNS} FROM (
                 SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.series_id ORDER BY p.starts_at, p.id) AS place_in_series
                 FROM publications p JOIN series s ON s.id = p.series_id
                 WHERE s.territory_id = $1 AND s.deleted_at IS NULL AND p.deleted_at IS NULL
                   AND (p.ends_at IS NULL OR p.ends_at >= $2)) upcoming
             WHERE place_in_series = 1"
        );
        let rows = sqlx::query(&sql)
            .bind(territory_id)
            .bind(at)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(publication_from_row)
            .collect::<Result<_, _>>()?)
    }
}

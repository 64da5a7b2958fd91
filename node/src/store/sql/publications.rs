//! [`PublicationStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::{Db, SqlStore};
use super::rows::{PUBLICATION_COLUMNS, publication_from_row};
use super::transaction::{delete_listing_in, enqueue_in, index_local_in, insert_publication_row};
use crate::outbox::Outgoing;
use crate::publication::{Publication, PublicationKind};
use crate::store::results::{conflict_on, decode, touched};
use crate::store::{CurrentCounts, Order, PublicationQuery, PublicationStore, StoreError};

#[async_trait]
impl PublicationStore for SqlStore {
    async fn insert_publication(
        &self,
        p: &Publication,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_publication_row(&mut *tx, p)
            .await
            .map_err(conflict_on(if p.series.is_some() {
                "recurrence_id"
            } else {
                "id"
            }))?;
        index_local_in(&mut tx, p).await?;
        if let Some(a) = announce {
            enqueue_in(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn update_publication(
        &self,
        p: &Publication,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE publications
             SET title = $2, language = $3, starts_at = $4, ends_at = $5, data = $6, updated_at = $7,
                 series_id = $8, recurrence_id = $9, series_exception = $10
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(p.id)
        .bind(p.body.title())
        .bind(p.body.language())
        .bind(p.body.starts_at())
        .bind(p.body.ends_at())
        .bind(Json(&p.body))
        .bind(p.updated_at)
        .bind(p.series.map(|s| s.id))
        .bind(p.series.map(|s| s.recurrence_id))
        .bind(p.series.is_some_and(|s| s.exception))
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("recurrence_id"))?;
        touched(done.rows_affected())?;
        index_local_in(&mut tx, p).await?;
        if let Some(a) = announce {
            enqueue_in(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delete_publication(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE publications SET deleted_at = $2, updated_at = $2
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        touched(done.rows_affected())?;
        delete_listing_in(&mut tx, &id.to_string()).await?;
        if let Some(a) = announce {
            enqueue_in(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn publication(&self, id: Uuid) -> Result<Option<Publication>, StoreError> {
        let sql = format!("SELECT {PUBLICATION_COLUMNS} FROM publications WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(publication_from_row).transpose()?)
    }

    async fn publications_by_id(&self, ids: &[Uuid]) -> Result<Vec<Publication>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {PUBLICATION_COLUMNS} FROM publications WHERE id IN ("
        ));
        let mut list = sql.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        sql.push(")");
        let rows = sql.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(publication_from_row)
            .collect::<Result<_, _>>()?)
    }

    async fn publication_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM publications WHERE deleted_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    async fn current_counts(
        &self,
        territory_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<CurrentCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, COUNT(*) AS n FROM publications
             WHERE territory_id = $1 AND deleted_at IS NULL
               AND (kind = 'resource' OR ends_at IS NULL OR ends_at >= $2)
             GROUP BY kind",
        )
        .bind(territory_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut counts = CurrentCounts::default();
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            let kind = decode(
                "publications",
                "kind",
                row.try_get("kind")?,
                PublicationKind::parse,
            )?;
            match kind {
                PublicationKind::Event => counts.upcoming_events = n,
                PublicationKind::Resource => counts.resources = n,
                PublicationKind::Call => counts.open_calls = n,
            }
        }
        Ok(counts)
    }

    async fn publications(&self, q: &PublicationQuery) -> Result<Vec<Publication>, StoreError> {
        let mut sql = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {PUBLICATION_COLUMNS} FROM publications WHERE deleted_at IS NULL"
        ));
        if let Some(kind) = q.kind {
            sql.push(" AND kind = ").push_bind(kind.as_str());
        }
        if let Some(territory_id) = q.territory_id {
            sql.push(" AND territory_id = ").push_bind(territory_id);
        }
        if let Some(at) = q.current_at {
            sql.push(" AND (ends_at IS NULL OR ends_at >= ")
                .push_bind(at)
                .push(")");
        }
        if let Some(at) = q.over_at {
            sql.push(" AND ends_at < ").push_bind(at);
        }
        if q.without_live_series {
            sql.push(
                " AND (series_id IS NULL
                   OR series_id NOT IN (SELECT id FROM series WHERE deleted_at IS NULL))",
            );
        }
        sql.push(match q.order {
            Order::Newest => " ORDER BY created_at DESC, id DESC",
            Order::Soonest => " ORDER BY starts_at ASC, id ASC",
            Order::Latest => " ORDER BY starts_at DESC, id DESC",
        });
        sql.push(" LIMIT ").push_bind(q.limit.clamp(0, 1000));
        sql.push(" OFFSET ").push_bind(q.offset.max(0));
        let rows = sql.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(publication_from_row)
            .collect::<Result<_, _>>()?)
    }
}

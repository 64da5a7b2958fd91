//! [`RemotePublicationStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::types::Json;

use super::backend::{Db, SqlStore};
use super::group_commit::Write;
use super::rows::{REMOTE_COLUMNS, remote_from_row};
use super::transaction::{delete_listing_in, upsert_listing_in};
use crate::listing::{ListingRow, RemoteFacts};
use crate::network::{Backfill, RemotePublication};
use crate::publication::PublicationKind;
use crate::store::results::touched;
use crate::store::{RemotePublicationStore, RemoteQuery, StoreError};

#[async_trait]
impl RemotePublicationStore for SqlStore {
    async fn upsert_remote_publication(&self, p: &RemotePublication) -> Result<bool, StoreError> {
        self.write_grouped(Write::RemotePublication(Box::new(p.clone())))
            .await
    }

    async fn delete_remote_publication(
        &self,
        id: &str,
        actor_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE remote_publications SET deleted_at = $3 WHERE id = $1 AND actor_id = $2 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(actor_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let deleted = done.rows_affected() > 0;
        if deleted {
            delete_listing_in(&mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    async fn remote_publication(&self, id: &str) -> Result<Option<RemotePublication>, StoreError> {
        let sql = format!("SELECT {REMOTE_COLUMNS} FROM remote_publications WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(remote_from_row).transpose()
    }

    async fn remote_objects_without_facts(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, object FROM remote_publications WHERE facts IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get::<Json<serde_json::Value>, _>("object")?.0,
                ))
            })
            .collect()
    }

    async fn set_remote_facts(&self, id: &str, facts: &RemoteFacts) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE remote_publications SET facts = $2 WHERE id = $1")
            .bind(id)
            .bind(Json(facts))
            .execute(&mut *tx)
            .await?;
        touched(done.rows_affected())?;
        let sql = format!(
            "SELECT {REMOTE_COLUMNS} FROM remote_publications WHERE id = $1 AND deleted_at IS NULL"
        );
        if let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&mut *tx).await? {
            upsert_listing_in(&mut tx, &ListingRow::remote(&remote_from_row(&row)?)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remote_publications(
        &self,
        q: &RemoteQuery,
    ) -> Result<Vec<RemotePublication>, StoreError> {
        let mut sql = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {REMOTE_COLUMNS} FROM remote_publications WHERE deleted_at IS NULL"
        ));
        if let Some(kind) = q.kind {
            sql.push(" AND kind = ").push_bind(kind.as_str());
        }
        if let Some(actor) = &q.actor_id {
            sql.push(" AND actor_id = ").push_bind(actor.clone());
        }
        if let Some(at) = q.current_at {
            sql.push(" AND (ends_at IS NULL OR ends_at >= ")
                .push_bind(at)
                .push(")");
        }
        sql.push(if q.kind == Some(PublicationKind::Event) {
            " ORDER BY starts_at ASC, id ASC"
        } else {
            " ORDER BY published DESC, id DESC"
        });
        sql.push(" LIMIT ").push_bind(q.limit.clamp(0, 1000));
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter().map(remote_from_row).collect()
    }

    async fn backfill(&self, actor_id: &str) -> Result<Option<Backfill>, StoreError> {
        let row = sqlx::query(
            "SELECT actor_id, next_page, pages, imported, done FROM backfills WHERE actor_id = $1",
        )
        .bind(actor_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(Backfill {
                actor_id: r.try_get("actor_id")?,
                next_page: r.try_get("next_page")?,
                pages: r.try_get("pages")?,
                imported: r.try_get("imported")?,
                done: r.try_get("done")?,
            }),
            None => None,
        })
    }

    async fn save_backfill(&self, b: &Backfill) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO backfills (actor_id, next_page, pages, imported, done, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (actor_id) DO UPDATE SET next_page = $2, pages = $3, imported = $4, done = $5, updated_at = $6",
        )
        .bind(&b.actor_id)
        .bind(&b.next_page)
        .bind(b.pages)
        .bind(b.imported)
        .bind(b.done)
        .bind(crate::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Stores or refreshes a remote publication and its listing in `tx` (see
/// [`RemotePublicationStore::upsert_remote_publication`]).
pub(super) async fn upsert_remote_publication_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    p: &RemotePublication,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO remote_publications
           (id, actor_id, kind, title, starts_at, ends_at, object, published, updated, deleted_at, received_at, facts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (id) DO UPDATE
         SET kind = $3, title = $4, starts_at = $5, ends_at = $6, object = $7, updated = $9, received_at = $11,
             facts = $12
         WHERE remote_publications.actor_id = $2 AND remote_publications.deleted_at IS NULL
           AND remote_publications.updated <= $9",
    )
    .bind(&p.id)
    .bind(&p.actor_id)
    .bind(p.kind.as_str())
    .bind(&p.title)
    .bind(p.starts_at)
    .bind(p.ends_at)
    .bind(Json(&p.object))
    .bind(p.published)
    .bind(p.updated)
    .bind(p.deleted_at)
    .bind(crate::now())
    .bind(Json(&p.facts))
    .execute(&mut **tx)
    .await?;
    let written = done.rows_affected() > 0;
    if written && p.deleted_at.is_none() {
        upsert_listing_in(tx, &ListingRow::remote(p)).await?;
    }
    Ok(written)
}

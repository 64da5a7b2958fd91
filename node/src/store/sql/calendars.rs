//! [`CalendarStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::{DbRow, SqlStore};
use crate::calendar_import::ImportReport;
use crate::store::calendars::{CalendarMirror, CalendarSubscription, CalendarSuccess};
use crate::store::results::conflict_on;
use crate::store::{CalendarStore, StoreError};

const SUBSCRIPTION: &str = "SELECT s.id, s.territory_id, s.url, s.created_by, s.created_at,
    s.fetched_at, s.succeeded_at, s.etag, s.last_modified, s.last_error, s.last_error_detail,
    s.report, (SELECT COUNT(*) FROM calendar_mirrors m WHERE m.subscription_id = s.id) AS mirrored
    FROM calendar_subscriptions s";

fn subscription(row: &DbRow) -> Result<CalendarSubscription, StoreError> {
    let url: String = row.try_get("url")?;
    Ok(CalendarSubscription {
        id: row.try_get("id")?,
        territory_id: row.try_get("territory_id")?,
        url: (!url.is_empty()).then_some(url),
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        fetched_at: row.try_get("fetched_at")?,
        succeeded_at: row.try_get("succeeded_at")?,
        etag: row.try_get("etag")?,
        last_modified: row.try_get("last_modified")?,
        last_error: row.try_get("last_error")?,
        last_error_detail: row.try_get("last_error_detail")?,
        report: row
            .try_get::<Option<Json<ImportReport>>, _>("report")?
            .map(|j| j.0),
        mirrored: row.try_get("mirrored")?,
    })
}

const MIRROR: &str = "SELECT subscription_id, uid, recurrence_id, publication_id, digest,
    starts_at, synced_at FROM calendar_mirrors";

fn mirror(row: &DbRow) -> Result<CalendarMirror, StoreError> {
    Ok(CalendarMirror {
        subscription_id: row.try_get("subscription_id")?,
        uid: row.try_get("uid")?,
        recurrence_id: row.try_get("recurrence_id")?,
        publication_id: row.try_get("publication_id")?,
        digest: row.try_get("digest")?,
        starts_at: row.try_get("starts_at")?,
        synced_at: row.try_get("synced_at")?,
    })
}

#[async_trait]
impl CalendarStore for SqlStore {
    async fn insert_calendar_subscription(
        &self,
        s: &CalendarSubscription,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_subscriptions (id, territory_id, url, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s.id)
        .bind(s.territory_id)
        .bind(s.url.as_deref().unwrap_or(""))
        .bind(s.created_by)
        .bind(s.created_at)
        .execute(&self.pool)
        .await
        .map_err(conflict_on("url"))?;
        Ok(())
    }

    async fn calendar_subscription(
        &self,
        id: Uuid,
    ) -> Result<Option<CalendarSubscription>, StoreError> {
        sqlx::query(&format!("{SUBSCRIPTION} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(subscription)
            .transpose()
    }

    async fn calendar_subscriptions(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<CalendarSubscription>, StoreError> {
        sqlx::query(&format!(
            "{SUBSCRIPTION} WHERE s.territory_id = $1 ORDER BY s.created_at, s.id"
        ))
        .bind(territory_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(subscription)
        .collect()
    }

    async fn calendar_subscriptions_due(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<CalendarSubscription>, StoreError> {
        sqlx::query(&format!(
            "{SUBSCRIPTION} WHERE s.url <> '' AND (s.fetched_at IS NULL OR s.fetched_at < $1)
             ORDER BY s.fetched_at IS NOT NULL, s.fetched_at, s.id LIMIT $2"
        ))
        .bind(before)
        .bind(limit.clamp(0, 1000))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(subscription)
        .collect()
    }

    async fn delete_calendar_subscription(&self, id: Uuid) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM calendar_mirrors WHERE subscription_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM calendar_subscriptions WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_calendar_success(
        &self,
        id: Uuid,
        success: &CalendarSuccess,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE calendar_subscriptions SET fetched_at = $2, succeeded_at = $2,
                etag = $3, last_modified = $4, last_error = NULL, last_error_detail = NULL,
                report = COALESCE($5, report)
             WHERE id = $1",
        )
        .bind(id)
        .bind(success.at)
        .bind(&success.etag)
        .bind(&success.last_modified)
        .bind(success.report.as_ref().map(Json))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn record_calendar_failure(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        code: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE calendar_subscriptions SET fetched_at = $2, last_error = $3,
                last_error_detail = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(at)
        .bind(code)
        .bind(detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn calendar_mirrors(
        &self,
        subscription_id: Uuid,
    ) -> Result<Vec<CalendarMirror>, StoreError> {
        sqlx::query(&format!(
            "{MIRROR} WHERE subscription_id = $1 ORDER BY starts_at, uid, recurrence_id"
        ))
        .bind(subscription_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(mirror)
        .collect()
    }

    async fn put_calendar_mirror(&self, m: &CalendarMirror) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_mirrors (subscription_id, uid, recurrence_id, publication_id,
                digest, starts_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (subscription_id, uid, recurrence_id) DO UPDATE SET
                publication_id = excluded.publication_id, digest = excluded.digest,
                starts_at = excluded.starts_at, synced_at = excluded.synced_at",
        )
        .bind(m.subscription_id)
        .bind(&m.uid)
        .bind(&m.recurrence_id)
        .bind(m.publication_id)
        .bind(&m.digest)
        .bind(m.starts_at)
        .bind(m.synced_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_calendar_mirror(
        &self,
        subscription_id: Uuid,
        uid: &str,
        recurrence_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM calendar_mirrors
             WHERE subscription_id = $1 AND uid = $2 AND recurrence_id = $3",
        )
        .bind(subscription_id)
        .bind(uid)
        .bind(recurrence_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn calendar_mirror_of(
        &self,
        publication_id: Uuid,
    ) -> Result<Option<(CalendarMirror, Option<String>)>, StoreError> {
        let row = sqlx::query(
            "SELECT m.subscription_id, m.uid, m.recurrence_id, m.publication_id, m.digest,
                m.starts_at, m.synced_at, s.url
             FROM calendar_mirrors m JOIN calendar_subscriptions s ON s.id = m.subscription_id
             WHERE m.publication_id = $1 LIMIT 1",
        )
        .bind(publication_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let url: String = row.try_get("url")?;
            Ok((mirror(&row)?, (!url.is_empty()).then_some(url)))
        })
        .transpose()
    }
}

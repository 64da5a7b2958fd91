//! [`ModerationStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::SqlStore;
use super::rows::REPORT_COLUMNS;
use crate::social::Report;
use crate::store::{ModerationStore, StoreError};

#[async_trait]
impl ModerationStore for SqlStore {
    async fn insert_report(&self, r: &Report) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO reports (id, activity_id, reporter, content, objects, created_at, resolved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (activity_id) DO NOTHING",
        )
        .bind(r.id)
        .bind(&r.activity_id)
        .bind(&r.reporter)
        .bind(&r.content)
        .bind(Json(&r.objects))
        .bind(r.created_at)
        .bind(r.resolved_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn reports(&self, open_only: bool, limit: i64) -> Result<Vec<Report>, StoreError> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE (resolved_at IS NULL OR NOT $1)
             ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(open_only)
            .bind(limit.clamp(0, 1000))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Report {
                    id: row.try_get("id")?,
                    activity_id: row.try_get("activity_id")?,
                    reporter: row.try_get("reporter")?,
                    content: row.try_get("content")?,
                    objects: row.try_get::<Json<Vec<String>>, _>("objects")?.0,
                    created_at: row.try_get("created_at")?,
                    resolved_at: row.try_get("resolved_at")?,
                })
            })
            .collect()
    }

    async fn resolve_report(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE reports SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn block_domain(&self, domain: &str, reason: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO blocked_domains (domain, reason, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (domain) DO UPDATE SET reason = $2",
        )
        .bind(domain.to_lowercase())
        .bind(reason)
        .bind(crate::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn unblock_domain(&self, domain: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM blocked_domains WHERE domain = $1")
            .bind(domain.to_lowercase())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn blocked_domains(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT domain FROM blocked_domains ORDER BY domain")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("domain"))
            .collect::<Result<_, _>>()?)
    }

    async fn allow_domain(&self, domain: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO allowed_domains (domain, created_at) VALUES ($1, $2)
             ON CONFLICT (domain) DO NOTHING",
        )
        .bind(domain.to_lowercase())
        .bind(crate::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn disallow_domain(&self, domain: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM allowed_domains WHERE domain = $1")
            .bind(domain.to_lowercase())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn allowed_domains(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT domain FROM allowed_domains ORDER BY domain")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("domain"))
            .collect::<Result<_, _>>()?)
    }
}

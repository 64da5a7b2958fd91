//! [`MailStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::backend::SqlStore;
use crate::mail::{Letter, QueuedLetter};
use crate::store::{MailStore, StoreError};

#[async_trait]
impl MailStore for SqlStore {
    async fn queue_letter(&self, letter: &Letter, at: DateTime<Utc>) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO mail_queue (id, kind, recipient, subject, body, created_at, send_after)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id)
        .bind(&letter.kind)
        .bind(&letter.to)
        .bind(&letter.subject)
        .bind(&letter.body)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    async fn unsent_letters(&self, limit: i64) -> Result<Vec<QueuedLetter>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, recipient, subject, body, attempts FROM mail_queue
             WHERE sent_at IS NULL ORDER BY created_at, id LIMIT $1",
        )
        .bind(limit.clamp(0, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(QueuedLetter {
                    id: row.try_get("id")?,
                    attempts: row.try_get("attempts")?,
                    letter: Letter {
                        kind: row.try_get("kind")?,
                        to: row.try_get("recipient")?,
                        subject: row.try_get("subject")?,
                        body: row.try_get("body")?,
                    },
                })
            })
            .collect()
    }
}

//! [`MailStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::backend::{DIALECT, Db, DbRow, SqlStore};
use crate::mail::{
    ClaimedLetter, DigestItem, Letter, MailChoices, MailQueueCounts, QueuedLetter, Recipient,
};
use crate::store::mail::DigestWriter;
use crate::store::results::{conflict_on, touched};
use crate::store::{MailStore, StoreError};

const LETTER_COLUMNS: &str = "id, kind, recipient, subject, body, attempts";

fn queued_from_row(row: &DbRow) -> Result<QueuedLetter, sqlx::Error> {
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
}

/// The statement that puts `letter` in the queue as `id`, due at `at`.
fn insert_letter(
    id: Uuid,
    letter: &Letter,
    at: DateTime<Utc>,
) -> sqlx::query::Query<'_, Db, <Db as sqlx::Database>::Arguments<'_>> {
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
}

#[async_trait]
impl MailStore for SqlStore {
    async fn queue_letter(&self, letter: &Letter, at: DateTime<Utc>) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        insert_letter(id, letter, at).execute(&self.pool).await?;
        Ok(id)
    }

    async fn unsent_letters(&self, limit: i64) -> Result<Vec<QueuedLetter>, StoreError> {
        let sql = format!(
            "SELECT {LETTER_COLUMNS} FROM mail_queue
             WHERE sent_at IS NULL ORDER BY created_at, id LIMIT $1"
        );
        let rows = sqlx::query(&sql)
            .bind(limit.clamp(0, 10_000))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(queued_from_row).collect::<Result<_, _>>()?)
    }

    async fn mail_queue_counts(&self) -> Result<MailQueueCounts, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN gave_up_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting,
                    COALESCE(SUM(CASE WHEN gave_up_at IS NULL THEN 0 ELSE 1 END), 0) AS given_up
             FROM mail_queue WHERE sent_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(MailQueueCounts {
            waiting: row.try_get("waiting")?,
            given_up: row.try_get("given_up")?,
        })
    }

    async fn claim_letters(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedLetter>, StoreError> {
        let skip_locked = DIALECT.skip_locked;
        let due = "sent_at IS NULL AND gave_up_at IS NULL AND send_after <= $2
                   AND (locked_until IS NULL OR locked_until < $2)";
        let sql = format!(
            "UPDATE mail_queue SET claim = $3, locked_until = $1
             WHERE id IN (SELECT id FROM mail_queue WHERE {due}
                          ORDER BY send_after, id LIMIT $4 {skip_locked})
               AND {due}
             RETURNING {LETTER_COLUMNS}"
        );
        let claim = Uuid::new_v4();
        let rows = sqlx::query(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(claim)
            .bind(limit.clamp(0, 1000))
            .fetch_all(&self.pool)
            .await?;
        let mut claimed = rows
            .iter()
            .map(|row| {
                Ok(ClaimedLetter {
                    queued: queued_from_row(row)?,
                    claim,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        claimed.sort_by_key(|c| c.queued.id);
        Ok(claimed)
    }

    async fn letter_sent(
        &self,
        id: Uuid,
        claim: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE mail_queue SET sent_at = $3, claim = NULL, locked_until = NULL
             WHERE id = $1 AND claim = $2",
        )
        .bind(id)
        .bind(claim)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn letter_failed(
        &self,
        id: Uuid,
        claim: Uuid,
        at: DateTime<Utc>,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let error: String = error.chars().take(500).collect();
        let done = sqlx::query(
            "UPDATE mail_queue SET attempts = attempts + 1, last_error = $3,
                 send_after = COALESCE($4, send_after),
                 gave_up_at = CASE WHEN $4 IS NULL THEN $5 ELSE NULL END,
                 claim = NULL, locked_until = NULL
             WHERE id = $1 AND claim = $2",
        )
        .bind(id)
        .bind(claim)
        .bind(&error)
        .bind(retry_at)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn member_mail(&self, member_id: Uuid) -> Result<Option<MailChoices>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT email, mail_language, mail_digest FROM members WHERE id = $1")
                .bind(member_id)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let refused = sqlx::query("SELECT kind FROM mail_refusals WHERE member_id = $1")
            .bind(member_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("kind"))
            .collect::<Result<_, _>>()?;
        Ok(Some(MailChoices {
            email: row.try_get("email")?,
            language: row.try_get("mail_language")?,
            digest: row.try_get("mail_digest")?,
            refused,
        }))
    }

    async fn set_member_mail(
        &self,
        member_id: Uuid,
        choices: &MailChoices,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE members SET email = $2, mail_language = $3, mail_digest = $4 WHERE id = $1",
        )
        .bind(member_id)
        .bind(&choices.email)
        .bind(&choices.language)
        .bind(choices.digest)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("email"))?;
        touched(done.rows_affected())?;
        sqlx::query("DELETE FROM mail_refusals WHERE member_id = $1")
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        for kind in &choices.refused {
            sqlx::query("INSERT INTO mail_refusals (member_id, kind) VALUES ($1, $2)")
                .bind(member_id)
                .bind(kind)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn territory_recipients(&self, territory_id: Uuid) -> Result<Vec<Recipient>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.id FROM members m JOIN territory_editors e ON e.member_id = m.id
             WHERE e.territory_id = $1 AND m.email IS NOT NULL ORDER BY m.username",
        )
        .bind(territory_id)
        .fetch_all(&self.pool)
        .await?;
        let mut recipients = Vec::with_capacity(rows.len());
        for row in &rows {
            let member_id: Uuid = row.try_get("id")?;
            if let Some(choices) = self.member_mail(member_id).await? {
                recipients.push(Recipient { member_id, choices });
            }
        }
        Ok(recipients)
    }

    async fn add_digest_item(
        &self,
        member_id: Uuid,
        letter: &Letter,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO mail_digest_items (id, member_id, kind, subject, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7())
        .bind(member_id)
        .bind(&letter.kind)
        .bind(&letter.subject)
        .bind(&letter.body)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn digests_due(&self, before: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError> {
        let rows =
            sqlx::query("SELECT DISTINCT member_id FROM mail_digest_items WHERE created_at < $1")
                .bind(before)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("member_id"))
            .collect::<Result<_, _>>()?)
    }

    async fn gather_digest(
        &self,
        member_id: Uuid,
        before: DateTime<Utc>,
        at: DateTime<Utc>,
        write: DigestWriter<'_>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(
            "DELETE FROM mail_digest_items WHERE member_id = $1 AND created_at < $2
             RETURNING id, kind, subject, body, created_at",
        )
        .bind(member_id)
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        let mut items = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<Uuid, _>("id")?,
                    DigestItem {
                        kind: r.try_get("kind")?,
                        subject: r.try_get("subject")?,
                        body: r.try_get("body")?,
                        created_at: r.try_get("created_at")?,
                    },
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        if items.is_empty() {
            return Ok(0);
        }
        items.sort_by_key(|(id, i)| (i.created_at, *id));
        let items: Vec<DigestItem> = items.into_iter().map(|(_, i)| i).collect();
        if let Some(letter) = write(&items).filter(|l| !l.to.is_empty()) {
            insert_letter(Uuid::now_v7(), &letter, at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(items.len())
    }

    async fn set_invited_address(&self, token_hash: &str, email: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO invitation_addresses (token_hash, email) VALUES ($1, $2)
             ON CONFLICT (token_hash) DO UPDATE SET email = $2",
        )
        .bind(token_hash)
        .bind(email)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn invited_address(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT email FROM invitation_addresses WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("email")).transpose()?)
    }
}

//! [`CommentStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use uuid::Uuid;

use super::backend::SqlStore;
use super::rows::{COMMENT_COLUMNS, comment_from_row};
use crate::social::Comment;
use crate::store::{CommentStore, StoreError};

#[async_trait]
impl CommentStore for SqlStore {
    async fn insert_comment(&self, c: &Comment) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO comments
               (id, publication_id, ap_id, author_id, author_name, author_url, content_html, published, hidden)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ap_id) DO NOTHING",
        )
        .bind(c.id)
        .bind(c.publication_id)
        .bind(&c.ap_id)
        .bind(&c.author_id)
        .bind(&c.author_name)
        .bind(&c.author_url)
        .bind(&c.content_html)
        .bind(c.published)
        .bind(c.hidden)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn comments(
        &self,
        publication_id: Uuid,
        include_hidden: bool,
    ) -> Result<Vec<Comment>, StoreError> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM comments c WHERE c.publication_id = $1 AND (c.hidden = FALSE OR $2)
             ORDER BY c.published, c.id"
        );
        let rows = sqlx::query(&sql)
            .bind(publication_id)
            .bind(include_hidden)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(comment_from_row)
            .collect::<Result<_, _>>()?)
    }

    async fn territory_comments(
        &self,
        territory_id: Uuid,
        limit: i64,
    ) -> Result<Vec<Comment>, StoreError> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM comments c JOIN publications p ON p.id = c.publication_id
             WHERE p.territory_id = $1 AND p.deleted_at IS NULL AND c.hidden = FALSE
             ORDER BY c.published DESC, c.id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(territory_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(comment_from_row)
            .collect::<Result<_, _>>()?)
    }

    async fn delete_comment(&self, ap_id: &str, author_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM comments WHERE ap_id = $1 AND author_id = $2")
            .bind(ap_id)
            .bind(author_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn hide_comment(&self, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE comments SET hidden = TRUE WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

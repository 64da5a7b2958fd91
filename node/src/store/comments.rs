//! [`CommentStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/comments.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use crate::social::Comment;
use crate::store::StoreError;

/// Replies to publications, from the fediverse.
#[async_trait]
pub trait CommentStore: Send + Sync {
    /// Stores a reply; `false` if this Note was already stored.
    async fn insert_comment(&self, comment: &Comment) -> Result<bool, StoreError>;

    async fn comments(
        &self,
        publication_id: Uuid,
        include_hidden: bool,
    ) -> Result<Vec<Comment>, StoreError>;

    /// The latest visible replies to a territory's live publications, newest first.
    async fn territory_comments(
        &self,
        territory_id: Uuid,
        limit: i64,
    ) -> Result<Vec<Comment>, StoreError>;

    /// Deletes a reply at its author's request; `false` if unknown or not theirs.
    async fn delete_comment(&self, ap_id: &str, author_id: &str) -> Result<bool, StoreError>;

    /// An editor removes a reply; it stays hidden even if delivered again.
    async fn hide_comment(&self, id: Uuid) -> Result<bool, StoreError>;
}

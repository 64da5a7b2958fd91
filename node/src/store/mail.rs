//! [`MailStore`], one table family of [`super::Store`]: the queue of letters waiting to be
//! sent. Its SQL, shared by both backends, is in `sql/mail.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::mail::{Letter, QueuedLetter};
use crate::store::StoreError;

/// The mail queue.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Puts a letter in the queue, to be sent from `at` on; returns its id.
    async fn queue_letter(&self, letter: &Letter, at: DateTime<Utc>) -> Result<Uuid, StoreError>;

    /// Letters not sent yet, oldest first, at most `limit`.
    async fn unsent_letters(&self, limit: i64) -> Result<Vec<QueuedLetter>, StoreError>;
}

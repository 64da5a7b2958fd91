//! [`ModerationStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/moderation.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::social::Report;
use crate::store::StoreError;

/// Moderation: reports received, blocked domains and, for allow-list mode, allowed ones.
#[async_trait]
pub trait ModerationStore: Send + Sync {
    /// Stores a report; `false` if this activity was already stored.
    async fn insert_report(&self, report: &Report) -> Result<bool, StoreError>;

    /// Reports not yet handled, newest first, or all of them.
    async fn reports(&self, open_only: bool, limit: i64) -> Result<Vec<Report>, StoreError>;

    /// Marks a report handled; `false` if unknown or already handled.
    async fn resolve_report(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError>;

    async fn block_domain(&self, domain: &str, reason: &str) -> Result<(), StoreError>;

    async fn unblock_domain(&self, domain: &str) -> Result<bool, StoreError>;

    async fn blocked_domains(&self) -> Result<Vec<String>, StoreError>;

    /// Adds a server to the allow-list (kept once, in lower case).
    async fn allow_domain(&self, domain: &str) -> Result<(), StoreError>;

    /// Takes a server off the allow-list; `false` if it was not on it.
    async fn disallow_domain(&self, domain: &str) -> Result<bool, StoreError>;

    /// The allow-list, by domain.
    async fn allowed_domains(&self) -> Result<Vec<String>, StoreError>;
}

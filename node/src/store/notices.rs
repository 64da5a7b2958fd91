//! [`NoticeStore`], one table family of [`super::Store`]: what a call's editors are told
//! in `/manage` when a new publication or inventory entry matches one of their open
//! calls, and whether they saw it. Its SQL, shared by both backends, is in
//! `sql/notices.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::store::StoreError;

/// A publication (local or remote, by its index id) among the best matches of a local
/// open call.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchNotice {
    pub call_id: Uuid,
    /// The call's territory, whose editors read it.
    pub territory_id: Uuid,
    pub matched_id: String,
    pub matched_title: String,
    pub created_at: DateTime<Utc>,
    /// When an editor saw it (opened the territory's notices or marked them seen).
    pub seen_at: Option<DateTime<Utc>>,
}

/// Notices of new matches.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// Keeps the notices not already kept (one per call and matched publication);
    /// returns how many were new.
    async fn add_match_notices(&self, notices: &[MatchNotice]) -> Result<u64, StoreError>;

    /// The newest notices for a territory's calls, at most `limit`; with `unseen`, only
    /// those no editor saw yet.
    async fn match_notices(
        &self,
        territory_id: Uuid,
        unseen: bool,
        limit: i64,
    ) -> Result<Vec<MatchNotice>, StoreError>;

    /// How many of a territory's notices no editor saw yet.
    async fn unseen_match_notices(&self, territory_id: Uuid) -> Result<i64, StoreError>;

    /// Marks every notice of the territory kept by `at` and not seen yet as seen at `at`
    /// (a notice arriving later stays unseen); returns how many.
    async fn mark_match_notices_seen(
        &self,
        territory_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
}

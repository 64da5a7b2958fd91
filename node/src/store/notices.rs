//! [`NoticeStore`], one table family of [`super::Store`]: what a call's editors are told
//! in `/manage` when a new publication matches one of their open calls. Its SQL, shared
//! by both backends, is in `sql/notices.rs`.

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
}

/// Notices of new matches.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// Keeps the notices not already kept (one per call and matched publication);
    /// returns how many were new.
    async fn add_match_notices(&self, notices: &[MatchNotice]) -> Result<u64, StoreError>;

    /// The newest notices for a territory's calls, at most `limit`.
    async fn match_notices(
        &self,
        territory_id: Uuid,
        limit: i64,
    ) -> Result<Vec<MatchNotice>, StoreError>;
}

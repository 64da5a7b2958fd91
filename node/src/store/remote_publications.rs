//! [`RemotePublicationStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/remote_publications.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::listing::RemoteFacts;
use crate::network::{Backfill, RemotePublication};
use crate::publication::PublicationKind;
use crate::store::StoreError;

/// Which remote publications to list.
#[derive(Debug, Clone, Default)]
pub struct RemoteQuery {
    pub kind: Option<PublicationKind>,
    /// Only those not over at this instant (events), like [`super::PublicationQuery`].
    pub current_at: Option<DateTime<Utc>>,
    pub actor_id: Option<String>,
    pub limit: i64,
}

/// What remote actors publish, and the progress of backfills.
#[async_trait]
pub trait RemotePublicationStore: Send + Sync {
    /// Stores or refreshes a remote publication; an older version never replaces a newer
    /// one (equal `updated` is accepted: many servers never set it). Returns whether
    /// anything was written.
    async fn upsert_remote_publication(
        &self,
        publication: &RemotePublication,
    ) -> Result<bool, StoreError>;

    /// Marks a remote publication deleted, if `actor_id` is its author.
    async fn delete_remote_publication(
        &self,
        id: &str,
        actor_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// A remote publication, deleted ones included. One stored before its facts were kept
    /// and not converted yet is an error (`Corrupt`): see `remote_objects_without_facts`.
    async fn remote_publication(&self, id: &str) -> Result<Option<RemotePublication>, StoreError>;

    /// Up to `limit` remote publications stored before their facts were kept, as
    /// `(id, object)`: storage does not read objects, the federation side reads their facts
    /// and gives them back with [`set_remote_facts`](Self::set_remote_facts).
    async fn remote_objects_without_facts(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError>;

    /// Stores a remote publication's facts and lists it again if it is live; `NotFound` if
    /// there is no such publication.
    async fn set_remote_facts(&self, id: &str, facts: &RemoteFacts) -> Result<(), StoreError>;

    /// Live remote publications, soonest start first for events, newest first otherwise.
    async fn remote_publications(
        &self,
        query: &RemoteQuery,
    ) -> Result<Vec<RemotePublication>, StoreError>;

    async fn backfill(&self, actor_id: &str) -> Result<Option<Backfill>, StoreError>;

    async fn save_backfill(&self, backfill: &Backfill) -> Result<(), StoreError>;
}

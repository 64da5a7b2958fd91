//! [`PublicationStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/publications.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::outbox::Outgoing;
use crate::publication::{Publication, PublicationKind};
use crate::store::StoreError;

/// How much a territory has on offer now (see [`PublicationStore::current_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CurrentCounts {
    pub upcoming_events: i64,
    pub resources: i64,
    pub open_calls: i64,
}

/// Which publications to list, and in what order.
#[derive(Debug, Clone, Default)]
pub struct PublicationQuery {
    pub kind: Option<PublicationKind>,
    pub territory_id: Option<Uuid>,
    /// Only what is still current at this instant: events not yet over, calls not past
    /// their deadline (resources are always current).
    pub current_at: Option<DateTime<Utc>>,
    /// Only what is over at this instant: events ended, calls past their deadline (no
    /// resource is ever over).
    pub over_at: Option<DateTime<Utc>>,
    /// Leaves out the occurrences of live series (a territory's page shows each of those
    /// once, with its next date: [`super::SeriesStore::next_occurrences`]).
    pub without_live_series: bool,
    pub order: Order,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Most recently published first.
    #[default]
    Newest,
    /// Soonest start first: the agenda order.
    Soonest,
    /// Latest start first: past events, the most recent first.
    Latest,
}

/// Local publications (each write keeps its row of the network index and queues its
/// announcement in the same transaction).
#[async_trait]
pub trait PublicationStore: Send + Sync {
    /// Stores a publication and, in the same transaction, the activity announcing it.
    async fn insert_publication(
        &self,
        publication: &Publication,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    /// Replaces the body and `updated_at` of a live publication (same transaction rule).
    async fn update_publication(
        &self,
        publication: &Publication,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    /// Leaves a tombstone; `NotFound` if absent or already deleted (same transaction rule).
    async fn delete_publication(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    /// A publication, tombstones included (check `deleted_at`).
    async fn publication(&self, id: Uuid) -> Result<Option<Publication>, StoreError>;

    /// The publications of these ids that exist, tombstones included (check
    /// `deleted_at`), in one query; in no particular order.
    async fn publications_by_id(&self, ids: &[Uuid]) -> Result<Vec<Publication>, StoreError>;

    /// Live publications on this node.
    async fn publication_count(&self) -> Result<i64, StoreError>;

    /// What a territory has on offer at `now`, counted in one query: events not over,
    /// resources, calls still open.
    async fn current_counts(
        &self,
        territory_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<CurrentCounts, StoreError>;

    /// Live publications matching the query.
    async fn publications(&self, query: &PublicationQuery) -> Result<Vec<Publication>, StoreError>;
}

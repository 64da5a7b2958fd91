//! [`SeriesStore`], one table family of [`super::Store`]: recurring series of events and
//! the links of their occurrences; its SQL, shared by both backends, is in
//! `sql/series.rs`. Occurrences themselves are publications ([`super::PublicationStore`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::publication::Publication;
use crate::publication::series::Series;
use crate::store::StoreError;

#[async_trait]
pub trait SeriesStore: Send + Sync {
    /// Stores a new series (its occurrences are published one by one afterwards).
    async fn insert_series(&self, series: &Series) -> Result<(), StoreError>;

    /// Replaces the template, recurrence, `materialised_until` and `updated_at` of a live
    /// series; `NotFound` if absent or deleted.
    async fn update_series(&self, series: &Series) -> Result<(), StoreError>;

    /// Marks a series deleted (its occurrences are deleted one by one by the caller);
    /// `NotFound` if absent or already deleted.
    async fn delete_series(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// A series, deleted ones included (check `deleted_at`).
    async fn series(&self, id: Uuid) -> Result<Option<Series>, StoreError>;

    /// Live series of a territory (or of the whole node), oldest first.
    async fn live_series(&self, territory_id: Option<Uuid>) -> Result<Vec<Series>, StoreError>;

    /// Live series whose occurrences are stored only up to before `horizon`: those the
    /// periodic task extends, at most `limit`, the least advanced first.
    async fn series_to_extend(
        &self,
        horizon: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Series>, StoreError>;

    /// Every occurrence of a series, deleted ones included, by their rule's start.
    async fn occurrences(&self, series_id: Uuid) -> Result<Vec<Publication>, StoreError>;

    /// The next date of each live series of a territory: its soonest live occurrence not
    /// over at `at` (a series with none is left out), in one query.
    async fn next_occurrences(
        &self,
        territory_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<Publication>, StoreError>;
}

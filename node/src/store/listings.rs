//! [`ListingStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/listings.rs`.

use async_trait::async_trait;

use crate::listing::{Listing, ListingQuery};
use crate::store::StoreError;

/// The network index (local and remote publications), searched and rebuilt.
#[async_trait]
pub trait ListingStore: Send + Sync {
    /// The network index (local and remote), filtered and ordered in the database; the
    /// distance is checked exactly, paging on until `limit` rows are within it.
    async fn listings(&self, query: &ListingQuery) -> Result<Vec<Listing>, StoreError>;

    /// Rebuilds the whole index from the publications (remote ones from their stored facts),
    /// in one transaction; returns its size.
    async fn rebuild_listings(&self) -> Result<u64, StoreError>;
}

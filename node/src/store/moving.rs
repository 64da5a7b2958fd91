//! [`MovingStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/moving.rs`. Territories that moved away (FEP-7628), the actors a
//! territory also is, and what an import brought: the old ids of its publications and the
//! followers list it carried.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::network::Following;
use crate::outbox::Outgoing;
use crate::publication::Publication;
use crate::publication::series::Series;
use crate::store::StoreError;
use crate::territory::Territory;
use crate::territory_archive::ArchivedFollower;

/// A territory arriving from an archive, stored whole or not at all.
#[derive(Debug, Clone)]
pub struct TerritoryImport {
    pub territory: Territory,
    pub series: Vec<Series>,
    /// Each publication with its id (URL) on the node it came from.
    pub publications: Vec<(String, Publication)>,
    /// The actors it also is (`alsoKnownAs`): its actor on the node it came from.
    pub aliases: Vec<String>,
    /// Its followers there, kept as information.
    pub followers: Vec<ArchivedFollower>,
    /// Restored on the node it came from (its actor unchanged): `followers` follow it
    /// again here, as before.
    pub restore: bool,
}

/// A territory that left this node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerritoryMove {
    /// Its new actor.
    pub moved_to: String,
    pub moved_at: DateTime<Utc>,
}

#[async_trait]
pub trait MovingStore: Send + Sync {
    /// Stores an imported territory with its series, publications (indexed), aliases,
    /// old ids and followers list, in one transaction. `Conflict("slug")` when the slug is
    /// taken, `Conflict("publications")` when one of its publications (or their old ids) is
    /// here already.
    async fn import_territory(&self, import: &TerritoryImport) -> Result<(), StoreError>;

    /// The actors `territory_id` also is (`alsoKnownAs`).
    async fn territory_aliases(&self, territory_id: Uuid) -> Result<Vec<String>, StoreError>;

    /// Where the territory moved, if it did.
    async fn territory_move(&self, territory_id: Uuid)
    -> Result<Option<TerritoryMove>, StoreError>;

    /// Records that the territory moved to `moved.moved_to`, with the `Move` for its
    /// followers, in one transaction; `Conflict("moved_to")` when it had moved already.
    async fn record_move(
        &self,
        territory_id: Uuid,
        moved: &TerritoryMove,
        announce: &Outgoing,
    ) -> Result<(), StoreError>;

    /// The imported publication whose id on its former node was `old_id`.
    async fn moved_publication(&self, old_id: &str) -> Result<Option<Publication>, StoreError>;

    /// The followers list an import brought (information only).
    async fn imported_followers(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<ArchivedFollower>, StoreError>;

    /// The territory's followers as an archive carries them (with their scopes).
    async fn archived_followers(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<ArchivedFollower>, StoreError>;

    /// Every live publication of a territory, past ones included, oldest first.
    async fn territory_publications(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<Publication>, StoreError>;

    /// A followed actor moved: replaces the subscription `old` by `new`, queuing the
    /// `Undo` of the old `Follow` (if any) and the new `Follow`, in one transaction.
    async fn replace_following(
        &self,
        old: &Following,
        undo: Option<&Outgoing>,
        new: &Following,
        follow: &Outgoing,
    ) -> Result<(), StoreError>;
}

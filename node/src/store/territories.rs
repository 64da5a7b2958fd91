//! [`TerritoryStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/territories.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use crate::outbox::Outgoing;
use crate::store::StoreError;
use crate::territory::{ActorRole, Territory};

/// Territories: their profiles (saving one re-indexes its publications).
#[async_trait]
pub trait TerritoryStore: Send + Sync {
    async fn insert_territory(&self, territory: &Territory) -> Result<(), StoreError>;

    /// Saves a territory's profile; `announce` (its actor's `Update`) is queued in the
    /// same transaction.
    async fn update_territory(
        &self,
        territory: &Territory,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    async fn territory(&self, id: Uuid) -> Result<Option<Territory>, StoreError>;

    async fn territory_by_slug(&self, slug: &str) -> Result<Option<Territory>, StoreError>;

    /// All territories (role `territory`), by name. Festivals, collections and
    /// collectives are rows of the same table, found by id or slug like any local actor
    /// and listed by [`TerritoryStore::actors_with_role`].
    async fn territories(&self) -> Result<Vec<Territory>, StoreError>;

    /// The local actors of one role, by name.
    async fn actors_with_role(&self, role: ActorRole) -> Result<Vec<Territory>, StoreError>;
}

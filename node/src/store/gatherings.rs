//! [`GatheringStore`], one table family of [`super::Store`]: festival and collection
//! settings (table `gathering_settings`) and gathered items, ours and our submissions
//! elsewhere (table `gathered_items`); its SQL, shared by both backends, is in
//! `sql/gatherings.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use super::StoreError;
use crate::festival::GatheringSettings;
use crate::gathering::{GatheredItem, ItemState, Participation, Settlement};
use crate::outbox::Outgoing;

#[async_trait]
pub trait GatheringStore: Send + Sync {
    /// Stores (or replaces) the settings of a local gathering actor.
    async fn save_gathering_settings(
        &self,
        gathering_id: Uuid,
        settings: &GatheringSettings,
    ) -> Result<(), StoreError>;

    async fn gathering_settings(
        &self,
        gathering_id: Uuid,
    ) -> Result<Option<GatheringSettings>, StoreError>;

    /// Stores a new item and, in the same transaction, what it sends (the `Add` to a
    /// gathering elsewhere; an automatic acceptance's `Accept` and `Announce`).
    /// `Conflict("submission")` when this publication is already in this gathering or the
    /// submission id is known: nothing is stored.
    async fn insert_gathered_item(
        &self,
        item: &GatheredItem,
        sends: &[Outgoing],
    ) -> Result<(), StoreError>;

    async fn gathered_item(&self, id: Uuid) -> Result<Option<GatheredItem>, StoreError>;

    /// An item by the id of the `Add` that submitted it.
    async fn gathered_item_by_submission(
        &self,
        submission_id: &str,
    ) -> Result<Option<GatheredItem>, StoreError>;

    /// The item of one publication in one gathering.
    async fn gathered_item_of(
        &self,
        gathering_actor: &str,
        object_id: &str,
    ) -> Result<Option<GatheredItem>, StoreError>;

    /// A gathering's items (in `state`, or all), oldest first.
    async fn gathered_items(
        &self,
        gathering_actor: &str,
        state: Option<ItemState>,
    ) -> Result<Vec<GatheredItem>, StoreError>;

    /// Every item (any gathering, any state) of one publication, oldest first.
    async fn items_of_object(&self, object_id: &str) -> Result<Vec<GatheredItem>, StoreError>;

    /// The submissions made by one of our territories, oldest first.
    async fn submissions_by(&self, territory_id: Uuid) -> Result<Vec<GatheredItem>, StoreError>;

    /// Moves an item to `settlement.state` if it is in one of `settlement.from`, and queues
    /// `sends` in the same transaction; `NotFound` otherwise (nothing queued).
    async fn settle_gathered_item(
        &self,
        id: Uuid,
        settlement: &Settlement,
        sends: &[Outgoing],
    ) -> Result<(), StoreError>;

    /// Accepted items of this node's gatherings: who takes part in what, for the map of
    /// links. One row per gathering and participant.
    async fn participations(&self) -> Result<Vec<Participation>, StoreError>;
}

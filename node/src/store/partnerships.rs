//! [`PartnershipStore`], one table family of [`super::Store`]: partnerships between
//! territories (table `partnerships`); its SQL, shared by both backends, is in
//! `sql/partnerships.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::outbox::Outgoing;
use crate::partnership::{Partnership, PartnershipState};

#[async_trait]
pub trait PartnershipStore: Send + Sync {
    /// Stores a new partnership and, in the same transaction, the activity that tells the
    /// other territory's node (`Offer`, or an `Accept` of an offer received). Nothing is
    /// stored and `Conflict("partnership")` is returned when the two territories already
    /// have a live one (offered or active), or when its `offer_id` or `object_id` is known.
    async fn insert_partnership(
        &self,
        partnership: &Partnership,
        activity: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
    async fn partnership(&self, id: Uuid) -> Result<Option<Partnership>, StoreError>;
    /// A partnership by the id of the `Offer` that carries it, or of the `Partnership`
    /// object inside that `Offer`.
    async fn partnership_by_ap_id(&self, ap_id: &str) -> Result<Option<Partnership>, StoreError>;
    /// Every partnership a territory of this node is a side of, whatever its state,
    /// newest first.
    async fn partnerships_of(&self, territory_id: Uuid) -> Result<Vec<Partnership>, StoreError>;
    /// Every active partnership of this node's territories, oldest first: public links.
    async fn active_partnerships(&self) -> Result<Vec<Partnership>, StoreError>;
    /// Moves a partnership from `from` to `to` at `at` (accepted or refused: its decision;
    /// ended: its end) and queues `activity` in the same transaction. `NotFound` when it
    /// is absent or no longer `from`: nothing changes.
    async fn change_partnership(
        &self,
        id: Uuid,
        from: PartnershipState,
        to: PartnershipState,
        at: DateTime<Utc>,
        activity: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
}

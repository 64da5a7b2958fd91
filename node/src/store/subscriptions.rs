//! [`SubscriptionStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/subscriptions.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use crate::network::Following;
use crate::outbox::Outgoing;
use crate::social::FollowState;
use crate::store::StoreError;

/// Whom we follow: territories' subscriptions, and the node's own (to other nodes and
/// relays).
#[async_trait]
pub trait SubscriptionStore: Send + Sync {
    /// Records a subscription and the `Follow` that asks for it, in one transaction.
    async fn upsert_following(
        &self,
        following: &Following,
        follow: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    async fn following_by_activity(
        &self,
        follow_activity_id: &str,
    ) -> Result<Option<Following>, StoreError>;

    async fn set_following_state(
        &self,
        territory_id: Uuid,
        target_id: &str,
        state: FollowState,
    ) -> Result<bool, StoreError>;

    /// Ends a subscription, with the `Undo` that tells the other side, in one transaction.
    async fn remove_following(
        &self,
        territory_id: Uuid,
        target_id: &str,
        undo: Option<&Outgoing>,
    ) -> Result<bool, StoreError>;

    async fn followings(&self, territory_id: Uuid) -> Result<Vec<Following>, StoreError>;

    /// Our accepted subscriptions to one remote actor (several territories may follow it).
    async fn followings_of(&self, target_id: &str) -> Result<Vec<Following>, StoreError>;

    /// This node follows another node; `territory_id` is nil for these.
    /// `relay`: the target is an ActivityPub relay, which also receives our public activities.
    async fn upsert_node_subscription(
        &self,
        subscription: &Following,
        relay: bool,
        follow: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    /// Targets of subscriptions that are relays.
    async fn relays(&self) -> Result<Vec<String>, StoreError>;

    async fn node_subscription_by_activity(
        &self,
        follow_activity_id: &str,
    ) -> Result<Option<Following>, StoreError>;

    async fn set_node_subscription_state(
        &self,
        target_id: &str,
        state: FollowState,
    ) -> Result<bool, StoreError>;

    async fn node_subscriptions(&self) -> Result<Vec<Following>, StoreError>;
}

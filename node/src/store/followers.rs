//! [`FollowerStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/followers.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use crate::outbox::Outgoing;
use crate::social::Follower;
use crate::store::StoreError;

/// Who follows us: the followers of territories and of the node itself.
#[async_trait]
pub trait FollowerStore: Send + Sync {
    /// Records a follow, and the `Accept` to send if any, in one transaction.
    async fn upsert_follower(
        &self,
        follower: &Follower,
        reply: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    /// Records the scope a follower asked for (Rhizome's `scope` extension); `None`: all.
    async fn set_follower_scope(
        &self,
        territory_id: Uuid,
        actor_id: &str,
        scope: Option<&crate::network::Scope>,
    ) -> Result<(), StoreError>;

    /// Accepted followers that asked for a scope, with their inboxes.
    async fn scoped_followers(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<(String, crate::network::Scope)>, StoreError>;

    async fn remove_follower(&self, territory_id: Uuid, actor_id: &str)
    -> Result<bool, StoreError>;

    async fn followers(
        &self,
        territory_id: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Follower>, StoreError>;

    /// Accepted followers only.
    async fn follower_count(&self, territory_id: Uuid) -> Result<i64, StoreError>;

    /// A remote node follows this node's instance actor; the `Accept` goes in the same
    /// transaction.
    async fn upsert_node_follower(
        &self,
        actor_id: &str,
        inbox: &str,
        follow_activity_id: &str,
        accept: Option<&Outgoing>,
    ) -> Result<(), StoreError>;

    async fn remove_node_follower(&self, actor_id: &str) -> Result<bool, StoreError>;

    /// Remote nodes following this one, with their inboxes.
    async fn node_followers(&self) -> Result<Vec<(String, String)>, StoreError>;
}

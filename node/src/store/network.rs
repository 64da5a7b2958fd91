//! Storage for the network: subscriptions to remote actors, what they publish, and the
//! progress of backfills. Part of [`super::Store`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::listing::{Listing, ListingQuery, RemoteFacts};
use crate::network::{Backfill, Following, Peer, RemotePublication};
use crate::outbox::Outgoing;
use crate::publication::PublicationKind;
use crate::social::FollowState;

/// Which remote publications to list.
#[derive(Debug, Clone, Default)]
pub struct RemoteQuery {
    pub kind: Option<PublicationKind>,
    /// Only those not over at this instant (events), like [`super::PublicationQuery`].
    pub current_at: Option<DateTime<Utc>>,
    pub actor_id: Option<String>,
    pub limit: i64,
}

#[async_trait]
pub trait NetworkStore: Send + Sync {
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

    /// The network index (local and remote), filtered and ordered in the database; the
    /// distance is checked exactly, paging on until `limit` rows are within it.
    async fn listings(&self, query: &ListingQuery) -> Result<Vec<Listing>, StoreError>;
    /// Rebuilds the whole index from the publications (remote ones from their stored facts),
    /// in one transaction; returns its size.
    async fn rebuild_listings(&self) -> Result<u64, StoreError>;
    /// The id of a known remote actor with this username on this host.
    async fn remote_actor_id_by_handle(
        &self,
        username: &str,
        host: &str,
    ) -> Result<Option<String>, StoreError>;

    /// Remembers a host; `false` if it was already known.
    async fn learn_peer(
        &self,
        host: &str,
        source: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Peers to check now: never checked, or last checked before `before`.
    async fn peers_due(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<Peer>, StoreError>;
    /// The outcome of fetching a peer's directory: `Some` verified it, `None` is a failure.
    async fn record_peer_check(
        &self,
        host: &str,
        directory: Option<&serde_json::Value>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Verified peers still answering, by host.
    async fn verified_peers(&self, limit: i64) -> Result<Vec<Peer>, StoreError>;
    async fn peer_count(&self) -> Result<i64, StoreError>;

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

    async fn backfill(&self, actor_id: &str) -> Result<Option<Backfill>, StoreError>;
    async fn save_backfill(&self, backfill: &Backfill) -> Result<(), StoreError>;
}

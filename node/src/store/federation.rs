//! Storage for federation: keys, remote actors, followers, what the fediverse sends us,
//! and the durable outbox. Part of [`super::Store`]; split out to keep each file readable.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::outbox::{Delivery, Outgoing, ServerState};
use crate::social::{
    Comment, Follower, ReactionCounts, ReactionKind, Registration, RemoteActor, Report, RsvpState,
};

/// An actor's RSA key pair as PEM (PKCS#8 private, SPKI public).
#[derive(Debug, Clone, PartialEq)]
pub struct Keypair {
    pub public_pem: String,
    pub private_pem: String,
}

/// Builds the answer to a registration once its outcome is known, so that the answer is
/// written in the same transaction as the registration.
pub type RsvpReply<'a> = &'a (dyn Fn(RsvpState) -> Outgoing + Send + Sync);

#[async_trait]
pub trait FederationStore: Send + Sync {
    async fn keypair(&self, owner: Uuid) -> Result<Option<Keypair>, StoreError>;
    /// Stores `keypair` unless `owner` already has one; returns the owner's key either way,
    /// so concurrent first uses agree on one key.
    async fn insert_keypair(&self, owner: Uuid, keypair: &Keypair) -> Result<Keypair, StoreError>;

    async fn upsert_remote_actor(&self, actor: &RemoteActor) -> Result<(), StoreError>;
    async fn remote_actor(&self, id: &str) -> Result<Option<RemoteActor>, StoreError>;
    /// A remote account is gone: forget it with its follows, comments, reactions and
    /// registrations.
    async fn forget_remote_actor(&self, id: &str) -> Result<(), StoreError>;

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

    /// Stores a reply; `false` if this Note was already stored.
    async fn insert_comment(&self, comment: &Comment) -> Result<bool, StoreError>;
    async fn comments(
        &self,
        publication_id: Uuid,
        include_hidden: bool,
    ) -> Result<Vec<Comment>, StoreError>;
    /// The latest visible replies to a territory's live publications, newest first.
    async fn territory_comments(
        &self,
        territory_id: Uuid,
        limit: i64,
    ) -> Result<Vec<Comment>, StoreError>;
    /// Deletes a reply at its author's request; `false` if unknown or not theirs.
    async fn delete_comment(&self, ap_id: &str, author_id: &str) -> Result<bool, StoreError>;
    /// An editor removes a reply; it stays hidden even if delivered again.
    async fn hide_comment(&self, id: Uuid) -> Result<bool, StoreError>;

    async fn insert_reaction(
        &self,
        activity_id: &str,
        publication_id: Uuid,
        actor_id: &str,
        kind: ReactionKind,
    ) -> Result<bool, StoreError>;
    /// Undoes a reaction by the id of the activity that made it.
    async fn remove_reaction(&self, activity_id: &str, actor_id: &str) -> Result<bool, StoreError>;
    async fn reaction_counts(&self, publication_id: Uuid) -> Result<ReactionCounts, StoreError>;

    /// Registers `actor_id` for an event: accepted while places remain, pending when the
    /// event needs approval, rejected when full. Capacity is checked and the reply written
    /// in one transaction, so two last-minute requests cannot both take the last place.
    /// A repeated request gets the state it already has.
    #[allow(clippy::too_many_arguments)]
    async fn rsvp(
        &self,
        publication_id: Uuid,
        actor_id: &str,
        activity_id: &str,
        capacity: Option<u32>,
        needs_approval: bool,
        at: DateTime<Utc>,
        reply: RsvpReply<'_>,
    ) -> Result<RsvpState, StoreError>;
    /// A visitor registers from the event page with a name and an e-mail address: same
    /// rules as [`rsvp`](Self::rsvp), nothing sent anywhere. The address is kept private.
    /// An address (trimmed, case ignored) already registered or waiting for this event is
    /// refused with `Conflict("email")`; one turned away when the event was full may try
    /// again.
    #[allow(clippy::too_many_arguments)]
    async fn register_visitor(
        &self,
        publication_id: Uuid,
        email: &str,
        name: &str,
        capacity: Option<u32>,
        needs_approval: bool,
        at: DateTime<Utc>,
    ) -> Result<RsvpState, StoreError>;
    async fn cancel_rsvp(&self, publication_id: Uuid, actor_id: &str) -> Result<bool, StoreError>;
    /// Stores a report; `false` if this activity was already stored.
    async fn insert_report(&self, report: &Report) -> Result<bool, StoreError>;
    /// Reports not yet handled, newest first, or all of them.
    async fn reports(&self, open_only: bool, limit: i64) -> Result<Vec<Report>, StoreError>;
    /// Marks a report handled; `false` if unknown or already handled.
    async fn resolve_report(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Everyone registered for an event, in order of arrival: for its organisers only.
    async fn registrations(&self, publication_id: Uuid) -> Result<Vec<Registration>, StoreError>;
    /// Accepted registrations.
    async fn participant_count(&self, publication_id: Uuid) -> Result<i64, StoreError>;

    /// Remembers an inbound activity id; `false` if it was seen before.
    async fn mark_received(&self, activity_id: &str, at: DateTime<Utc>)
    -> Result<bool, StoreError>;
    /// Undoes `mark_received` when handling failed, so the sender's retry is not dropped.
    async fn forget_received(&self, activity_id: &str) -> Result<(), StoreError>;

    /// Queues an activity on its own (replies, for instance).
    async fn enqueue(&self, outgoing: &Outgoing) -> Result<(), StoreError>;
    /// The sender's public activities, newest first.
    async fn outbox(
        &self,
        sender: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<serde_json::Value>, StoreError>;
    async fn outbox_count(&self, sender: Uuid) -> Result<i64, StoreError>;
    /// Takes up to `limit` due deliveries, at most `per_host` for any one server, and leases
    /// them until `now + lease` under a new claim token (on PostgreSQL, rows another
    /// worker is claiming at the same moment are skipped, not waited for).
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
        per_host: i64,
    ) -> Result<Vec<Delivery>, StoreError>;
    /// Records deliveries that went through, in one transaction. They are done whoever
    /// holds them now: a row re-claimed after its lease ran out is not sent again.
    async fn deliveries_succeeded(
        &self,
        deliveries: &[Delivery],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Schedules the next try (or drops the delivery after too many) and counts the failure
    /// against its server. The row is left alone if its claim is no longer this one.
    async fn delivery_failed(
        &self,
        delivery: &Delivery,
        at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError>;
    /// Drops a delivery that must not be sent (blocked domain, permanent refusal), if its
    /// claim is still this one.
    async fn drop_delivery(&self, delivery: &Delivery) -> Result<(), StoreError>;
    /// Hands back, unsent and due at once for any worker, the rows still held by `claim`;
    /// returns how many.
    async fn release_claim(&self, claim: Uuid) -> Result<u64, StoreError>;
    async fn pending_deliveries(&self) -> Result<i64, StoreError>;
    async fn servers(&self) -> Result<Vec<ServerState>, StoreError>;

    async fn block_domain(&self, domain: &str, reason: &str) -> Result<(), StoreError>;
    async fn unblock_domain(&self, domain: &str) -> Result<bool, StoreError>;
    async fn blocked_domains(&self) -> Result<Vec<String>, StoreError>;
}

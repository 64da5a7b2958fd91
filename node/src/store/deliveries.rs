//! [`DeliveryStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/deliveries.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::outbox::{Delivery, Outgoing, ServerDeliveries, ServerState};
use crate::store::StoreError;

/// Activities in and out: ids received, the durable outbox, its deliveries and the state of
/// remote servers.
#[async_trait]
pub trait DeliveryStore: Send + Sync {
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

    /// Pushes the lease of the rows still held by `claim` to `until`, if it has not run
    /// out at `now` (the worker is alive and still sending them); returns how many.
    async fn renew_claim(
        &self,
        claim: Uuid,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    async fn pending_deliveries(&self) -> Result<i64, StoreError>;

    async fn servers(&self) -> Result<Vec<ServerState>, StoreError>;

    /// Per server with deliveries waiting: how many, how many leased at `now`, how many
    /// after a failed attempt; by host.
    async fn deliveries_by_server(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<ServerDeliveries>, StoreError>;
}

//! [`PeerStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/peers.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::network::Peer;
use crate::store::StoreError;

/// Peers: other nodes this one has heard of, and their directories.
#[async_trait]
pub trait PeerStore: Send + Sync {
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
}

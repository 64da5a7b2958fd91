//! [`ActorStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/actors.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use crate::social::RemoteActor;
use crate::store::StoreError;

/// An actor's RSA key pair as PEM (PKCS#8 private, SPKI public).
#[derive(Debug, Clone, PartialEq)]
pub struct Keypair {
    pub public_pem: String,
    pub private_pem: String,
}

/// Actors: our key pairs and the remote actors we know.
#[async_trait]
pub trait ActorStore: Send + Sync {
    async fn keypair(&self, owner: Uuid) -> Result<Option<Keypair>, StoreError>;

    /// Stores `keypair` unless `owner` already has one; returns the owner's key either way,
    /// so concurrent first uses agree on one key.
    async fn insert_keypair(&self, owner: Uuid, keypair: &Keypair) -> Result<Keypair, StoreError>;

    /// The owner's Ed25519 key (PKCS#8 PEM), if it has one yet.
    async fn ed25519_key(&self, owner: Uuid) -> Result<Option<String>, StoreError>;

    /// Stores `private_pem` as the owner's Ed25519 key unless it already has one (its RSA
    /// key pair must exist); returns the owner's key either way, so concurrent first uses
    /// agree on one key.
    async fn insert_ed25519_key(
        &self,
        owner: Uuid,
        private_pem: &str,
    ) -> Result<String, StoreError>;

    async fn upsert_remote_actor(&self, actor: &RemoteActor) -> Result<(), StoreError>;

    async fn remote_actor(&self, id: &str) -> Result<Option<RemoteActor>, StoreError>;

    /// A remote account is gone: forget it with its follows, comments, reactions and
    /// registrations.
    async fn forget_remote_actor(&self, id: &str) -> Result<(), StoreError>;

    /// The id of a known remote actor with this username on this host.
    async fn remote_actor_id_by_handle(
        &self,
        username: &str,
        host: &str,
    ) -> Result<Option<String>, StoreError>;
}

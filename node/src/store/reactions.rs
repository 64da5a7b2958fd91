//! [`ReactionStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/reactions.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use crate::social::{ReactionCounts, ReactionKind};
use crate::store::StoreError;

/// Reactions (likes, boosts) to publications.
#[async_trait]
pub trait ReactionStore: Send + Sync {
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
}

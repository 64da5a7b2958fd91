//! [`CollectiveStore`], one table family of [`super::Store`]: collectives, their members,
//! proposals and votes (tables `collectives`, `collective_*`); its SQL, shared by both
//! backends, is in `sql/collectives.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::collective::{Collective, Member, Proposal, Rules, Vote};
use crate::outbox::Outgoing;

/// What a passed proposal changes, applied in the same transaction as its new state.
#[derive(Debug, Clone, PartialEq)]
pub enum CollectiveChange {
    /// A territory becomes a member (again, if it had been removed).
    Admit {
        actor_id: String,
        host: String,
    },
    Remove {
        actor_id: String,
    },
    Rules(Rules),
}

#[async_trait]
pub trait CollectiveStore: Send + Sync {
    /// Creates or replaces a collective (its name and rules) and sets its current members
    /// to `members` (actor id, host): those not yet members are admitted at `at`, current
    /// members missing from the list are removed at `at`. `outgoing` is queued in the same
    /// transaction.
    async fn save_collective(
        &self,
        collective: &Collective,
        members: &[(String, String)],
        at: DateTime<Utc>,
        outgoing: &[Outgoing],
    ) -> Result<(), StoreError>;

    async fn collective(&self, actor_id: &str) -> Result<Option<Collective>, StoreError>;

    /// The collective a local actor of role `collective` is.
    async fn collective_of(&self, territory_id: Uuid) -> Result<Option<Collective>, StoreError>;

    /// The collectives `actor_id` is a current member of, by name.
    async fn collectives_with_member(&self, actor_id: &str) -> Result<Vec<Collective>, StoreError>;

    /// Every member, removed ones included, oldest first.
    async fn collective_members(&self, collective: &str) -> Result<Vec<Member>, StoreError>;

    /// Whether `actor_id` is a current member of `collective`: the seam through which a
    /// member's publication to the collective is accepted without a vote.
    async fn is_member(&self, collective: &str, actor_id: &str) -> Result<bool, StoreError>;

    /// Stores a new proposal (`Conflict("proposal")` when its id is known) and queues
    /// `outgoing` with it.
    async fn insert_proposal(
        &self,
        proposal: &Proposal,
        outgoing: &[Outgoing],
    ) -> Result<(), StoreError>;

    async fn proposal(&self, id: &str) -> Result<Option<Proposal>, StoreError>;

    /// A collective's proposals, newest first.
    async fn proposals(&self, collective: &str) -> Result<Vec<Proposal>, StoreError>;

    /// Stores one territory's vote and queues `outgoing` with it. `Conflict("vote")` when
    /// it already voted on that proposal (or the activity id is known): nothing stored.
    async fn insert_vote(&self, vote: &Vote, outgoing: &[Outgoing]) -> Result<(), StoreError>;

    /// Every vote on a proposal, first cast first.
    async fn votes(&self, proposal: &str) -> Result<Vec<Vote>, StoreError>;

    /// Records a proposal's tally (`proposal`'s state, counts and `decided_at`) and, when
    /// it passed, what it changes, queuing `outgoing` in the same transaction. A proposal
    /// already decided is not changed again: `NotFound`.
    async fn record_tally(
        &self,
        proposal: &Proposal,
        change: Option<&CollectiveChange>,
        outgoing: &[Outgoing],
    ) -> Result<(), StoreError>;
}

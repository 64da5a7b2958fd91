//! The machinery festivals, collections and collectives share: a gathered item is one
//! publication (ours or from anywhere) submitted by a territory to a gathering actor (ours
//! or elsewhere), pending until the gathering's rule decides it, then accepted, refused
//! or withdrawn. The rule that decides depends on the gathering's role (see
//! [`DecidingRule`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::territory::ActorRole;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Pending,
    Accepted,
    Refused,
    Withdrawn,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Accepted => "accepted",
            ItemState::Refused => "refused",
            ItemState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ItemState> {
        [
            ItemState::Pending,
            ItemState::Accepted,
            ItemState::Refused,
            ItemState::Withdrawn,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// Who decides what enters a gathering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecidingRule {
    /// A festival's or collection's curators (the editors of its actor), or nobody when
    /// it accepts what is inside its perimeter automatically.
    Curators,
    /// A collective's members, by a collegial vote: no curator decides alone; the vote's
    /// outcome calls [`crate::action::Actions::settle_submission`].
    CollegialVote,
}

impl DecidingRule {
    pub fn of(role: ActorRole) -> DecidingRule {
        match role {
            ActorRole::Collective => DecidingRule::CollegialVote,
            _ => DecidingRule::Curators,
        }
    }
}

/// One publication submitted to one gathering. Kept on both sides: the gathering's node
/// holds its programme, the submitting node where its submissions stand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GatheredItem {
    pub id: Uuid,
    /// The gathering's actor id (a URL).
    pub gathering_actor: String,
    /// Set when the gathering is one of this node's actors.
    pub gathering_id: Option<Uuid>,
    /// The gathering's inbox, when it is elsewhere: where the publication's `Update` and
    /// `Delete` go too.
    pub gathering_inbox: Option<String>,
    /// The publication's ActivityPub id.
    pub object_id: String,
    /// Set when the publication is one of this node's.
    pub publication_id: Option<Uuid>,
    /// The submitting territory's actor id.
    pub submitter: String,
    /// Set when the submitting territory is one of this node's.
    pub submitter_territory: Option<Uuid>,
    pub state: ItemState,
    /// The id of the `Add` that submitted it (a local submission gets one too).
    pub submission_id: String,
    /// The id of the gathering's `Announce` of it, once accepted by one of our gatherings.
    pub announce_id: Option<String>,
    /// Who decided: a curator's username, `automatic`, or the deciding actor elsewhere.
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl GatheredItem {
    /// A new, pending submission.
    pub fn submitted(
        gathering_actor: String,
        object_id: String,
        submitter: String,
        submission_id: String,
    ) -> GatheredItem {
        GatheredItem {
            id: Uuid::now_v7(),
            gathering_actor,
            gathering_id: None,
            gathering_inbox: None,
            object_id,
            publication_id: None,
            submitter,
            submitter_territory: None,
            state: ItemState::Pending,
            submission_id,
            announce_id: None,
            decided_by: None,
            created_at: crate::now(),
            decided_at: None,
        }
    }
}

/// A territory taking part in a gathering of this node: one accepted item, for the map of
/// links (`kind` is the gathering's role).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Participation {
    pub gathering_id: Uuid,
    /// The participating territory's actor id.
    pub participant: String,
    pub kind: ActorRole,
}

/// A change of state and what it sends, stored in one transaction.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub state: ItemState,
    /// Only an item in one of these states is changed (else `NotFound`).
    pub from: &'static [ItemState],
    pub decided_by: Option<String>,
    pub at: DateTime<Utc>,
    pub announce_id: Option<String>,
}

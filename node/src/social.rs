//! What the fediverse brings to a territory: remote actors, followers, comments,
//! reactions and registrations. Stored here as plain records; `federation` turns
//! ActivityPub traffic into them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A remote account or server we have fetched: where to deliver to it and how to check
/// its signatures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteActor {
    /// The actor's id (a URL).
    pub id: String,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub public_key_id: String,
    pub public_key_pem: String,
    pub username: Option<String>,
    pub name: Option<String>,
    /// Its profile page, for links.
    pub url: Option<String>,
    pub fetched_at: DateTime<Utc>,
    /// Its Ed25519 assertion keys (FEP-521a), which sign its objects' integrity proofs.
    #[serde(default)]
    pub assertion_keys: Vec<AssertionKey>,
}

/// One of a remote actor's Ed25519 assertion keys: its id (`verificationMethod` in the
/// proofs it signs) and its `publicKeyMultibase`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssertionKey {
    pub id: String,
    pub multibase: String,
}

impl RemoteActor {
    /// Where to deliver: the shared inbox when the server has one, so N followers on one
    /// server cost one request.
    pub fn delivery_inbox(&self) -> &str {
        self.shared_inbox.as_deref().unwrap_or(&self.inbox)
    }

    /// `@user@host`, or the id when the username is unknown.
    pub fn handle(&self) -> String {
        match (&self.username, host_of(&self.id)) {
            (Some(u), Some(h)) => format!("@{u}@{h}"),
            _ => self.id.clone(),
        }
    }
}

/// The host (with port) of a URL, lower-cased: how servers are told apart.
pub fn host_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?.to_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowState {
    /// Waiting for an editor's approval (territories that approve followers by hand).
    Pending,
    Accepted,
}

impl FollowState {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowState::Pending => "pending",
            FollowState::Accepted => "accepted",
        }
    }

    /// The state [`as_str`](Self::as_str) names; `None` for any other text.
    pub fn parse(s: &str) -> Option<FollowState> {
        match s {
            "accepted" => Some(FollowState::Accepted),
            "pending" => Some(FollowState::Pending),
            _ => None,
        }
    }
}

/// A remote actor following one of our territories.
#[derive(Debug, Clone, PartialEq)]
pub struct Follower {
    pub territory_id: Uuid,
    pub actor_id: String,
    /// The inbox deliveries go to (shared when available).
    pub inbox: String,
    pub state: FollowState,
    /// The id of their `Follow`, echoed in our `Accept`.
    pub follow_activity_id: String,
    pub created_at: DateTime<Utc>,
}

/// A reply from the fediverse to one of our publications. `content_html` is sanitised
/// before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    pub id: Uuid,
    pub publication_id: Uuid,
    /// The Note's id: replies are deduplicated and deleted by it.
    pub ap_id: String,
    pub author_id: String,
    pub author_name: String,
    pub author_url: Option<String>,
    pub content_html: String,
    pub published: DateTime<Utc>,
    /// Removed by an editor: kept so that a redelivery does not bring it back.
    pub hidden: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    Like,
    Announce,
}

impl ReactionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Like => "like",
            ReactionKind::Announce => "announce",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ReactionCounts {
    pub likes: i64,
    pub announces: i64,
}

/// A report (`Flag`) from another server about content of this node: who sent it, what
/// they said (plain text), and which of our objects it names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: Uuid,
    pub activity_id: String,
    pub reporter: String,
    pub content: String,
    pub objects: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Someone registered for an event: a fediverse account (`actor_id` is its URL) or a
/// visitor of the event page (`mailto:` address and the name they gave).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Registration {
    pub participant: String,
    pub display_name: Option<String>,
    pub state: RsvpState,
    pub created_at: DateTime<Utc>,
    /// The language a visitor registered in (their letters are written in it).
    pub language: Option<String>,
}

impl Registration {
    /// The e-mail address of a visitor's registration.
    pub fn email(&self) -> Option<&str> {
        self.participant.strip_prefix("mailto:")
    }
}

/// What came of a registration request (`Join`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RsvpState {
    Accepted,
    /// Waiting for an editor (events with approval).
    Pending,
    /// The event was full: in line for the next place that frees, in order of arrival.
    /// A fediverse account's `Join` gets no answer while it waits (Mobilizon leaves a
    /// participation without answer the same way), its `Accept` when promoted.
    Waitlisted,
    /// Refused by an organiser, or the event took no registration.
    Rejected,
}

/// What a fediverse account's `Join` is answered with (FEP-8a8e): `Accept` (a place is
/// theirs), `Reject` (refused, or the event closed) or `Ignore` (the event takes no
/// registration: `joinMode: none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinReply {
    Accept,
    Reject,
    Ignore,
}

impl RsvpState {
    pub fn as_str(self) -> &'static str {
        match self {
            RsvpState::Accepted => "accepted",
            RsvpState::Pending => "pending",
            RsvpState::Waitlisted => "waitlisted",
            RsvpState::Rejected => "rejected",
        }
    }

    /// The state [`as_str`](Self::as_str) names; `None` for any other text.
    pub fn parse(s: &str) -> Option<RsvpState> {
        match s {
            "accepted" => Some(RsvpState::Accepted),
            "pending" => Some(RsvpState::Pending),
            "waitlisted" => Some(RsvpState::Waitlisted),
            "rejected" => Some(RsvpState::Rejected),
            _ => None,
        }
    }
}

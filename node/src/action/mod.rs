//! The use cases: one entry per user action (publish, edit, delete...), called alike by
//! the API, the pages, the CLI and the inbox. Each checks who may act, validates, stores
//! the change together with the activities that tell the network (one transaction), and
//! returns what the caller renders. Callers only translate requests and render results.

pub mod answer;
pub mod calendars;
pub mod collective;
pub mod gathering;
pub mod mail;
pub mod matching;
pub mod moderation;
pub mod moving;
pub mod partnership;
pub mod publication;
pub mod references;
pub mod registration;
pub mod series;
pub mod social;
pub mod territory;

use std::sync::Arc;

use async_trait::async_trait;

use crate::answer::{Answer, Refusal, RemoteCall};
use crate::member::Forbidden;
use crate::network::{Following, Scope};
use crate::outbox::Outgoing;
use crate::social::{Follower, JoinReply, RemoteActor};
use crate::store::StoreError;
use crate::store::prelude::*;
use crate::validation::ValidationError;
use crate::{Publication, Territory};

pub use publication::{Draft, PastEvents};
pub use registration::{Closed, Registrant};
pub use series::SeriesScope;

/// What the use cases need: the storage, and the network side that turns a change into
/// activities (implemented by the federation crate; the domain never builds wire JSON).
#[derive(Clone)]
pub struct Actions {
    pub store: Arc<dyn Store>,
    pub wire: Arc<dyn Wire>,
    /// Whether mail is sent, and the base of the links letters carry.
    pub mailing: crate::mail::Mailing,
}

/// The activities that tell followers about a change, written to the outbox in the same
/// transaction as the change itself.
#[async_trait]
pub trait Wire: Send + Sync + 'static {
    async fn publication_created(
        &self,
        territory: &Territory,
        p: &Publication,
    ) -> Result<Outgoing, StoreError>;

    async fn publication_updated(
        &self,
        territory: &Territory,
        p: &Publication,
    ) -> Result<Outgoing, StoreError>;

    /// `gone` carries its `deleted_at`.
    async fn publication_deleted(
        &self,
        territory: &Territory,
        gone: &Publication,
    ) -> Result<Outgoing, StoreError>;

    /// The `Update` of an edited territory's actor, for its followers; `None` when the
    /// territory cannot sign it (its key unreadable): the profile is saved all the same.
    async fn territory_updated(
        &self,
        territory: &Territory,
    ) -> Result<Option<Outgoing>, StoreError>;

    /// The `Accept` (or `Reject`) of `follower`'s follow request, for that actor alone.
    fn follow_answered(
        &self,
        territory: &Territory,
        follower: &Follower,
        actor: &RemoteActor,
        accepted: bool,
    ) -> Outgoing;

    /// The `Accept` (a place is theirs), `Reject` or `Ignore` of `actor`'s `Join`
    /// (`join_id`) of `event`, for that actor alone.
    fn registration_answered(
        &self,
        territory: &Territory,
        event: &Publication,
        actor: &RemoteActor,
        join_id: &str,
        reply: JoinReply,
    ) -> Outgoing;

    /// The organisers' message `text` (plain) about `event` to its fediverse participants:
    /// a direct `Note` mentioning each of `actors`, addressed to them only.
    fn participants_messaged(
        &self,
        territory: &Territory,
        event: &Publication,
        actors: &[RemoteActor],
        text: &str,
    ) -> Outgoing;

    /// This node's public address of `path` (which starts with `/`), for links in letters.
    fn link(&self, path: &str) -> String;

    /// Finds `target` (`@name@host` or an actor URL) elsewhere and builds the `Follow` of
    /// it by `territory`, asking for `scope`: the subscription, pending, and its activity.
    /// Refuses an actor of this node (`Invalid`, field `target`), one that does not resolve
    /// (`Invalid`) and one whose server cannot be reached (`Unreachable`).
    async fn follow_request(
        &self,
        territory: &Territory,
        target: &str,
        scope: Scope,
    ) -> Result<(Following, Outgoing), ActionError>;

    /// The `Undo{Follow}` that ends one of `territory`'s subscriptions, for the followed
    /// actor; `None` when there is nowhere to send it.
    async fn following_ended(
        &self,
        territory: &Territory,
        following: &Following,
    ) -> Result<Option<Outgoing>, StoreError>;

    /// This node's copy of a call elsewhere (`NotFound` when it knows no such call).
    async fn remote_call(&self, id: &str) -> Result<RemoteCall, ActionError>;

    /// The `Offer` carrying `answer`, made by `territory`, to `call`'s territory alone;
    /// its activity id becomes the answer's. `Unreachable` when that territory's inbox
    /// cannot be found.
    async fn answer_offered(
        &self,
        territory: &Territory,
        answer: &Answer,
        call: &RemoteCall,
    ) -> Result<Outgoing, ActionError>;

    /// The `Accept` (or `Reject`) of a remote territory's answer to `call` (of
    /// `territory`), for that territory alone.
    async fn answer_decided(
        &self,
        territory: &Territory,
        call: &Publication,
        answer: &Answer,
        accepted: bool,
    ) -> Result<Outgoing, ActionError>;

    /// `target` (`@name@host` or an actor URL) as a territory: one of this node's when it
    /// names one, else the remote actor's id (fetched and kept). `Invalid` (field
    /// `partner`) when it resolves to nothing, `Unreachable` when its server cannot be
    /// asked.
    async fn territory_ref(
        &self,
        target: &str,
    ) -> Result<crate::publication::partner::TerritoryRef, ActionError>;

    /// The `Offer{Partnership}` of `partnership` by `territory` (its offerer), for the
    /// territory elsewhere it is offered to alone; its id becomes the `offer_id`.
    async fn partnership_offered(
        &self,
        territory: &Territory,
        partnership: &crate::partnership::Partnership,
    ) -> Result<Outgoing, ActionError>;

    /// The `Accept` (or `Reject`) by `territory` of a partnership offered from elsewhere,
    /// for the offering territory alone.
    async fn partnership_answered(
        &self,
        territory: &Territory,
        partnership: &crate::partnership::Partnership,
        accepted: bool,
    ) -> Result<Outgoing, ActionError>;

    /// The `Delete` of `partnership` by `territory`, for the territory elsewhere on its
    /// other side alone.
    async fn partnership_ended(
        &self,
        territory: &Territory,
        partnership: &crate::partnership::Partnership,
    ) -> Result<Outgoing, ActionError>;
    /// This node's actor id (URL) of a local actor (territory or gathering).
    fn actor_id(&self, actor: &Territory) -> String;

    /// The ActivityPub id (URL) of one of this node's publications.
    fn object_id(&self, p: &Publication) -> String;

    /// Finds the gathering `target` names (`@slug@host`, `slug` or an actor URL): one of
    /// this node's (its slug) or an actor elsewhere. `Invalid` (field `gathering`) when it
    /// does not resolve, `Unreachable` when its server cannot be asked.
    async fn find_gathering(&self, target: &str) -> Result<GatheringTarget, ActionError>;

    /// The `Add` (or, with `withdraw`, the `Remove`) of `object_id` by `territory` to the
    /// gathering `gathering` elsewhere, for its inbox alone.
    fn submission_sent(
        &self,
        territory: &Territory,
        object_id: &str,
        gathering: &RemoteActor,
        withdraw: bool,
    ) -> Outgoing;

    /// The `Accept` (or `Reject`) of a remote territory's `Add` of `item` to `gathering`,
    /// for that territory alone.
    async fn submission_answered(
        &self,
        gathering: &Territory,
        item: &crate::gathering::GatheredItem,
        accepted: bool,
    ) -> Result<Outgoing, ActionError>;

    /// The `Announce` of an accepted item, public, to the gathering's followers.
    fn gathered_announced(
        &self,
        gathering: &Territory,
        item: &crate::gathering::GatheredItem,
    ) -> Outgoing;

    /// The `Undo{Announce}` of a withdrawn item, to the gathering's followers.
    fn gathered_unannounced(
        &self,
        gathering: &Territory,
        item: &crate::gathering::GatheredItem,
        announce_id: &str,
    ) -> Outgoing;

    /// What the collective `collective` (hosted here) tells the member territories
    /// `to` (actor ids elsewhere; their inboxes are looked up): `None` when there is no
    /// one to tell. `Unreachable` when a member's inbox cannot be found.
    async fn collective_told(
        &self,
        collective: &Territory,
        news: collective::CollectiveNews<'_>,
        to: &[String],
    ) -> Result<Option<Outgoing>, ActionError>;

    /// The vote of member territory `territory` on `proposal` (a `Create{Note}` named
    /// `approve` or `refuse` replying to the `Question`), to the collective elsewhere
    /// (`collective`, its actor id) alone.
    async fn vote_cast(
        &self,
        territory: &Territory,
        collective: &str,
        proposal: &crate::collective::Proposal,
        approve: bool,
    ) -> Result<Outgoing, ActionError>;

    /// A proposal by member territory `territory` (an `Offer{Question}`) to the
    /// collective elsewhere `collective` (its actor id) alone.
    async fn proposal_offered(
        &self,
        territory: &Territory,
        collective: &str,
        kind: crate::collective::DecisionKind,
        subject: &str,
    ) -> Result<Outgoing, ActionError>;

    /// The node's domain blocks changed: read them again before the next request.
    async fn blocks_changed(&self);

    /// New activities were queued: deliver them soon.
    fn queued(&self);

    /// Fetches the actor `target` names (its URL or `@name@host`) for `territory` to move
    /// to, and checks that its `alsoKnownAs` names the territory's actor (FEP-7628): its
    /// id. `Invalid` (field `target`) when it does not, `Unreachable` when it cannot be
    /// fetched.
    async fn move_target(&self, territory: &Territory, target: &str)
    -> Result<String, ActionError>;

    /// The `Move` of `territory`'s actor to `target`, for all its followers.
    async fn territory_moved(
        &self,
        territory: &Territory,
        target: &str,
    ) -> Result<Outgoing, StoreError>;
}

/// A gathering a submission is for: one of this node's actors, or an actor elsewhere.
#[derive(Debug, Clone)]
pub enum GatheringTarget {
    Local(String),
    Remote(RemoteActor),
}

/// Why an action was refused, in terms every caller maps to its own answer.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("not found")]
    NotFound,
    #[error("gone")]
    Gone,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The event takes no registration now.
    #[error(transparent)]
    Closed(#[from] Closed),
    /// Refused for what the call or the answer is (closed, past its deadline, answered
    /// twice, forged by another server).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// Refused for what a partnership is (twice, not offered to this territory, ended).
    #[error(transparent)]
    Partnership(#[from] crate::partnership::PartnershipRefusal),
    /// Another server could not be asked (down, refused, answered nonsense).
    #[error("unreachable: {0}")]
    Unreachable(String),
}

impl Actions {
    /// The use cases, sending no mail (see [`Actions::with_mailing`]).
    pub fn new(store: Arc<dyn Store>, wire: Arc<dyn Wire>) -> Actions {
        Actions {
            store,
            wire,
            mailing: crate::mail::Mailing::default(),
        }
    }

    /// The same use cases, sending mail as `mailing` says.
    pub fn with_mailing(self, mailing: crate::mail::Mailing) -> Actions {
        Actions { mailing, ..self }
    }

    /// A territory by its slug.
    pub async fn territory(&self, slug: &str) -> Result<Territory, ActionError> {
        self.store
            .territory_by_slug(slug)
            .await?
            .ok_or(ActionError::NotFound)
    }

    /// A territory the member may edit.
    pub async fn editable_territory(
        &self,
        who: &crate::Principal,
        slug: &str,
    ) -> Result<Territory, ActionError> {
        let territory = self.territory(slug).await?;
        who.require_editor(territory.id)?;
        Ok(territory)
    }
}

//! Activities, one file per family, each with its receiving and sending side. `receive`
//! routes a verified inbound activity; anything we do not handle is accepted and ignored.

pub mod actor;
pub mod answer;
pub mod collective;
pub mod follow;
pub mod gathering;
pub mod moving;
pub mod network;
pub mod partnership;
pub mod publish;
pub mod reaction;
pub mod reply;
pub mod report;
pub mod rsvp;

use chrono::SecondsFormat;
use rhizome_node::outbox::{Outgoing, Recipients};
use rhizome_node::social::{ReactionKind, RemoteActor};
use serde::Serialize;
use uuid::Uuid;

use crate::Federation;
use crate::error::FederationError;
use crate::internaltoas::as_json;
use crate::protocol::outbound::{Extensions, Outbound};
use crate::protocol::{Activity, Inbound, Verb, context};

/// Handles an activity whose signature and origin were already checked by the inbox.
pub async fn receive(
    fed: &Federation,
    activity: &Activity,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    match Inbound::parse(activity, &actor.id)? {
        Inbound::Follow(follow) => follow::receive_follow(fed, follow, actor).await,
        Inbound::Accept(accept) => network::receive_accept(fed, accept, actor).await,
        Inbound::Reject(reject) => network::receive_reject(fed, reject, actor).await,
        Inbound::CreateNote(note) => {
            if collective::receive_vote(fed, activity.id.as_str(), &note, actor).await? {
                return Ok(());
            }
            reply::receive_create(fed, *note, actor).await
        }
        Inbound::CreateOrUpdatePublication(object) => {
            gathering::receive_update(fed, &object, actor).await?;
            network::receive_publication(fed, &object, actor).await
        }
        Inbound::UpdateActor(object) => {
            actor::receive_update(fed, object.clone(), actor).await?;
            collective::receive_group(fed, &object, actor).await
        }
        Inbound::DeleteActor => actor::receive_delete(fed, actor).await,
        Inbound::Delete(delete) => {
            reply::receive_delete(fed, &delete, actor).await?;
            gathering::receive_delete(fed, &delete, actor).await?;
            network::receive_delete(fed, &delete, actor).await
        }
        Inbound::Like(like) => reaction::receive(fed, like, actor, ReactionKind::Like).await,
        Inbound::Announce(announce) => {
            if network::receive_announce(fed, &announce, actor).await? {
                return Ok(());
            }
            reaction::receive(fed, announce, actor, ReactionKind::Announce).await
        }
        Inbound::Flag(flag) => report::receive_flag(fed, flag, actor).await,
        Inbound::Join(join) => rsvp::receive_join(fed, join, actor).await,
        Inbound::Leave(leave) | Inbound::UndoJoin(leave) => {
            rsvp::receive_leave(fed, leave, actor).await
        }
        Inbound::UndoFollow(undo) => follow::receive_undo(fed, undo, actor).await,
        Inbound::UndoReaction(undo) => reaction::receive_undo(fed, undo, actor).await,
        Inbound::Offer(offer) => answer::receive_offer(fed, *offer, actor).await,
        // One `Offer` id, one thing: a partnership we keep, else an answer to a call.
        Inbound::AcceptOffer(decision)
            if partnership::is_partnership(fed, &decision.offer).await? =>
        {
            partnership::receive_decision(fed, decision, actor, true).await
        }
        Inbound::RejectOffer(decision)
            if partnership::is_partnership(fed, &decision.offer).await? =>
        {
            partnership::receive_decision(fed, decision, actor, false).await
        }
        Inbound::AcceptOffer(decision) => {
            answer::receive_decision(fed, decision, actor, true).await
        }
        Inbound::RejectOffer(decision) => {
            answer::receive_decision(fed, decision, actor, false).await
        }
        Inbound::OfferPartnership(offer) => partnership::receive_offer(fed, *offer, actor).await,
        Inbound::EndPartnership(end) => partnership::receive_end(fed, end, actor).await,
        Inbound::Move(moved) => moving::receive_move(fed, moved, actor).await,
        Inbound::Add(add) => gathering::receive_add(fed, add, actor).await,
        Inbound::Remove(remove) => gathering::receive_remove(fed, remove, actor).await,
        Inbound::AcceptAdd(decision) => {
            gathering::receive_decision(fed, decision, actor, true).await
        }
        Inbound::RejectAdd(decision) => {
            gathering::receive_decision(fed, decision, actor, false).await
        }
        Inbound::Question(object) => collective::receive_question(fed, &object, actor).await,
        Inbound::OfferQuestion { object, target } => {
            collective::receive_offered_question(fed, &object, &target, actor).await
        }
        Inbound::Membership { member, added } => {
            collective::receive_membership(fed, &member, added, actor).await
        }
        Inbound::Other { kind } => {
            tracing::debug!(%kind, id = %activity.id, "activity ignored");
            Ok(())
        }
    }
}

/// Who an activity is addressed to and where it is delivered.
pub(crate) struct Address {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub recipients: Recipients,
}

impl Address {
    /// Public, to every follower of the territory.
    /// `scoped`: the inboxes of followers with a scope that admits this activity.
    pub fn followers(
        fed: &Federation,
        territory: &rhizome_node::Territory,
        scoped: Vec<String>,
    ) -> Address {
        Address {
            to: vec![crate::protocol::PUBLIC.into()],
            cc: vec![fed.urls.followers(&territory.profile.slug)],
            recipients: Recipients::FollowersOf {
                territory: territory.id,
                scoped,
            },
        }
    }

    /// Privately, to one remote actor's own inbox.
    pub fn only(actor: &RemoteActor) -> Address {
        Address {
            to: vec![actor.id.clone()],
            cc: vec![],
            recipients: Recipients::Inboxes(vec![actor.inbox.clone()]),
        }
    }
}

/// Wraps an activity for the durable outbox, with a fresh id under `/activities/`.
pub(crate) fn outgoing(
    fed: &Federation,
    sender: Uuid,
    verb: Verb,
    actor: &str,
    object: impl Serialize,
    address: Address,
) -> Outgoing {
    outgoing_extended(
        fed,
        sender,
        verb,
        actor,
        object,
        Extensions::default(),
        address,
    )
}

/// [`outgoing`], with Rhizome's `scope` (on a `Follow`) or a `target` (on an `Offer`).
pub(crate) fn outgoing_extended(
    fed: &Federation,
    sender: Uuid,
    verb: Verb,
    actor: &str,
    object: impl Serialize,
    extensions: Extensions,
    address: Address,
) -> Outgoing {
    let id = Uuid::now_v7();
    let activity_id = fed.urls.activity(id);
    let public = address
        .to
        .iter()
        .chain(&address.cc)
        .any(|a| a == crate::protocol::PUBLIC);
    let activity = Outbound {
        context: context(),
        id: activity_id.clone(),
        kind: verb,
        actor: actor.to_owned(),
        object,
        to: address.to,
        cc: address.cc,
        published: rhizome_node::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        scope: extensions.scope,
        target: extensions.target,
    };
    let body = as_json(&activity);
    Outgoing {
        id,
        activity_id,
        sender,
        body,
        recipients: address.recipients,
        public,
    }
}

/// The local publication an id names, if it is one of ours and not deleted.
pub(crate) async fn local_publication(
    fed: &Federation,
    id: Option<&str>,
) -> Result<Option<(rhizome_node::Publication, rhizome_node::Territory)>, FederationError> {
    let Some((kind, uuid)) = id.and_then(|id| fed.urls.parse_publication(id)) else {
        return Ok(None);
    };
    let Some(p) = fed
        .store
        .publication(uuid)
        .await?
        .filter(|p| p.body.kind() == kind && p.deleted_at.is_none())
    else {
        return Ok(None);
    };
    let territory = fed
        .store
        .territory(p.territory_id)
        .await?
        .ok_or(FederationError::NotFound)?;
    Ok(Some((p, territory)))
}

pub(crate) fn territory_actor(fed: &Federation, t: &rhizome_node::Territory) -> String {
    fed.urls.territory(&t.profile.slug)
}

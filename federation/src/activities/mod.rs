//! Activities, one file per family, each with its receiving and sending side. `receive`
//! routes a verified inbound activity; anything we do not handle is accepted and ignored.

pub mod actor;
pub mod follow;
pub mod network;
pub mod publish;
pub mod reaction;
pub mod reply;
pub mod report;
pub mod rsvp;

use chrono::SecondsFormat;
use rhizome_node::outbox::{Outgoing, Recipients};
use rhizome_node::social::RemoteActor;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::Federation;
use crate::error::FederationError;
use crate::objects::with_context;
use crate::protocol::{Activity, id_of};

/// Handles an activity whose signature and origin were already checked by the inbox.
pub async fn receive(
    fed: &Federation,
    activity: &Activity,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let object_kind = object_type(&activity.object);
    match (activity.kind.as_str(), object_kind) {
        ("Follow", _) => follow::receive_follow(fed, activity, actor).await,
        ("Accept", _) => network::receive_accept(fed, activity, actor).await,
        ("Reject", _) => network::receive_reject(fed, activity, actor).await,
        ("Create", Some("Note")) => reply::receive_create(fed, activity, actor).await,
        ("Create" | "Update", Some("Event" | "Page" | "Article")) => {
            network::receive_publication(fed, activity, actor).await
        }
        ("Update", Some("Person" | "Service" | "Organization" | "Group" | "Application")) => {
            actor::receive_update(fed, activity, actor).await
        }
        ("Delete", _) if id_of(&activity.object) == Some(actor.id.as_str()) => {
            actor::receive_delete(fed, actor).await
        }
        ("Delete", _) => {
            reply::receive_delete(fed, activity, actor).await?;
            network::receive_delete(fed, activity, actor).await
        }
        ("Like", _) => {
            reaction::receive(
                fed,
                activity,
                actor,
                rhizome_node::social::ReactionKind::Like,
            )
            .await
        }
        ("Announce", _) => {
            if network::receive_relayed(fed, activity, actor).await? {
                return Ok(());
            }
            reaction::receive(
                fed,
                activity,
                actor,
                rhizome_node::social::ReactionKind::Announce,
            )
            .await
        }
        ("Flag", _) => report::receive_flag(fed, activity, actor).await,
        ("Join", _) => rsvp::receive_join(fed, activity, actor).await,
        ("Leave", _) => rsvp::receive_leave(fed, activity, actor).await,
        ("Undo", Some("Follow")) => follow::receive_undo(fed, activity, actor).await,
        ("Undo", Some("Like" | "Announce") | None) => {
            reaction::receive_undo(fed, activity, actor).await
        }
        ("Undo", Some("Join")) => rsvp::receive_leave(fed, activity, actor).await,
        _ => ignore(activity),
    }
}

fn ignore(activity: &Activity) -> Result<(), FederationError> {
    tracing::debug!(kind = %activity.kind, id = %activity.id, "activity ignored");
    Ok(())
}

pub(crate) fn object_type(object: &Value) -> Option<&str> {
    object.get("type").and_then(Value::as_str)
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
    kind: &str,
    actor: &str,
    object: Value,
    address: Address,
) -> Outgoing {
    let id = Uuid::now_v7();
    let activity_id = fed.urls.activity(id);
    let public = address
        .to
        .iter()
        .chain(&address.cc)
        .any(|a| a == crate::protocol::PUBLIC);
    let body = with_context(json!({
        "id": activity_id,
        "type": kind,
        "actor": actor,
        "object": object,
        "to": address.to,
        "cc": address.cc,
        "published": rhizome_node::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    }));
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

//! `Follow` a territory (accepted at once, or held for an editor), `Undo{Follow}`, and the
//! `Accept`/`Reject` we send back.

use rhizome_node::social::{FollowState, Follower, RemoteActor};
use rhizome_node::{Territory, now};

use super::{Address, outgoing, territory_actor};
use crate::Federation;
use crate::error::FederationError;
use crate::protocol::outbound::Embedded;
use crate::protocol::{Verb, inbound};

pub async fn receive_follow(
    fed: &Federation,
    activity: inbound::Follow,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let target = activity.target.as_str();
    // Following the node itself, or the public collection as relay clients do.
    if target == fed.urls.instance_actor() || crate::protocol::is_public(&serde_json::json!(target))
    {
        return follow_node(fed, &activity, actor).await;
    }
    let slug = fed
        .urls
        .parse_territory(target)
        .ok_or(FederationError::NotFound)?;
    let territory = fed
        .store
        .territory_by_slug(&slug)
        .await?
        .ok_or(FederationError::NotFound)?;
    let state = if territory.profile.manually_approves_followers {
        FollowState::Pending
    } else {
        FollowState::Accepted
    };
    let follower = Follower {
        territory_id: territory.id,
        actor_id: actor.id.clone(),
        inbox: actor.delivery_inbox().to_owned(),
        state,
        follow_activity_id: activity.id.to_string(),
        created_at: now(),
    };
    let reply = (state == FollowState::Accepted)
        .then(|| answer(fed, &territory, &follower, actor, Verb::Accept));
    fed.store.upsert_follower(&follower, reply.as_ref()).await?;
    // A Rhizome follower may ask only for part of what we publish; a scope that does not
    // parse is ignored (the follower gets everything and filters itself).
    let scope = activity
        .scope
        .and_then(|s| serde_json::from_value::<rhizome_node::network::Scope>(s).ok())
        .and_then(|s| s.validate().ok())
        .filter(|s| *s != rhizome_node::network::Scope::default());
    fed.store
        .set_follower_scope(territory.id, &actor.id, scope.as_ref())
        .await?;
    tracing::info!(territory = %slug, follower = %actor.id, state = state.as_str(), "followed");
    if state == FollowState::Pending {
        fed.actions()
            .tell_of_follow_request(&territory, &actor.id)
            .await;
    }
    fed.wake_delivery();
    Ok(())
}

pub async fn receive_undo(
    fed: &Federation,
    undo: inbound::UndoFollow,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let target = undo.target.as_str();
    // Following the node itself, or the public collection as relay clients do.
    if target == fed.urls.instance_actor() || crate::protocol::is_public(&serde_json::json!(target))
    {
        fed.store.remove_node_follower(&actor.id).await?;
        return Ok(());
    }
    let Some(slug) = fed.urls.parse_territory(target) else {
        return Ok(());
    };
    if let Some(territory) = fed.store.territory_by_slug(&slug).await? {
        fed.store.remove_follower(territory.id, &actor.id).await?;
        tracing::info!(territory = %slug, follower = %actor.id, "unfollowed");
    }
    Ok(())
}

/// A remote node (or anyone) follows this node's instance actor: accepted, and from then
/// on every public activity of every territory is delivered to it too. A hub follows back,
/// so that it can pass each subscriber's publications on to the others.
async fn follow_node(
    fed: &Federation,
    activity: &inbound::Follow,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let me = fed.urls.instance_actor();
    let follow = Embedded {
        id: activity.id.to_string(),
        kind: Verb::Follow,
        actor: actor.id.clone(),
        object: me.clone(),
    };
    let accept = outgoing(
        fed,
        uuid::Uuid::nil(),
        Verb::Accept,
        &me,
        follow,
        Address::only(actor),
    );
    fed.store
        .upsert_node_follower(
            &actor.id,
            actor.delivery_inbox(),
            activity.id.as_str(),
            Some(&accept),
        )
        .await?;
    tracing::info!(follower = %actor.id, "node subscription accepted");
    if fed.config.hub {
        let already = fed
            .store
            .node_subscriptions()
            .await?
            .iter()
            .any(|s| s.target_id == actor.id);
        if !already {
            fed.subscribe_node(&actor.id, rhizome_node::network::Scope::default(), false)
                .await?;
        }
    }
    fed.wake_delivery();
    Ok(())
}

/// Our answer to a follow request (`Accept` or `Reject`), for the follower alone.
pub(crate) fn answer(
    fed: &Federation,
    territory: &Territory,
    follower: &Follower,
    actor: &RemoteActor,
    verb: Verb,
) -> rhizome_node::outbox::Outgoing {
    let me = territory_actor(fed, territory);
    let follow = Embedded {
        id: follower.follow_activity_id.clone(),
        kind: Verb::Follow,
        actor: actor.id.clone(),
        object: me.clone(),
    };
    outgoing(fed, territory.id, verb, &me, follow, Address::only(actor))
}

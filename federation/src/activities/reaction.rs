//! `Like` and `Announce` (boost) of our publications are counted; `Undo` takes them back.

use rhizome_node::social::{ReactionKind, RemoteActor};

use super::local_publication;
use crate::Federation;
use crate::error::FederationError;
use crate::protocol::inbound;

pub async fn receive(
    fed: &Federation,
    activity: inbound::Reaction,
    actor: &RemoteActor,
    kind: ReactionKind,
) -> Result<(), FederationError> {
    let Some((publication, _)) = local_publication(fed, activity.object.as_deref()).await? else {
        return Ok(());
    };
    fed.store
        .insert_reaction(activity.id.as_str(), publication.id, &actor.id, kind)
        .await?;
    Ok(())
}

pub async fn receive_undo(
    fed: &Federation,
    undo: inbound::UndoReaction,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    if let Some(id) = &undo.reaction {
        fed.store.remove_reaction(id, &actor.id).await?;
    }
    Ok(())
}

//! `Like` and `Announce` (boost) of our publications are counted; `Undo` takes them back.

use rhizome_node::social::{ReactionKind, RemoteActor};

use super::local_publication;
use crate::Federation;
use crate::error::FederationError;
use crate::protocol::{Activity, id_of};

pub async fn receive(
    fed: &Federation,
    activity: &Activity,
    actor: &RemoteActor,
    kind: ReactionKind,
) -> Result<(), FederationError> {
    let Some((publication, _)) = local_publication(fed, id_of(&activity.object)).await? else {
        return Ok(());
    };
    fed.store
        .insert_reaction(activity.id.as_str(), publication.id, &actor.id, kind)
        .await?;
    Ok(())
}

pub async fn receive_undo(
    fed: &Federation,
    activity: &Activity,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    if let Some(id) = id_of(&activity.object) {
        fed.store.remove_reaction(id, &actor.id).await?;
    }
    Ok(())
}

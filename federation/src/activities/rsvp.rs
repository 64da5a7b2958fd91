//! Registrations the way Mobilizon does them: `Join` an event, answered by `Accept` (a
//! place is yours), `Reject` (full, cancelled or over) or nothing yet (approval needed);
//! `Leave` gives the place back.

use rhizome_node::action::Registrant;
use rhizome_node::outbox::Outgoing;
use rhizome_node::social::RemoteActor;
use rhizome_node::{Publication, Territory};

use super::{Address, local_publication, outgoing, territory_actor};
use crate::Federation;
use crate::error::FederationError;
use crate::protocol::outbound::Embedded;
use crate::protocol::{Verb, inbound};

pub async fn receive_join(
    fed: &Federation,
    activity: inbound::Participation,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let Some((publication, _)) = local_publication(fed, activity.event.as_deref()).await? else {
        return Err(FederationError::NotFound);
    };
    let who = Registrant::Account {
        actor,
        join_id: activity.id.as_str(),
    };
    fed.actions().register(publication.id, who).await?;
    Ok(())
}

/// The `Accept` (a place is theirs) or `Reject` of `actor`'s `Join` of `event`, sent to
/// that actor alone.
pub(crate) fn answer(
    fed: &Federation,
    territory: &Territory,
    event: &Publication,
    actor: &RemoteActor,
    join_id: &str,
    accepted: bool,
) -> Outgoing {
    let join = Embedded {
        id: join_id.to_owned(),
        kind: Verb::Join,
        actor: actor.id.clone(),
        object: fed.urls.publication(event.body.kind(), event.id),
    };
    let verb = if accepted { Verb::Accept } else { Verb::Reject };
    outgoing(
        fed,
        territory.id,
        verb,
        &territory_actor(fed, territory),
        join,
        Address::only(actor),
    )
}

pub async fn receive_leave(
    fed: &Federation,
    activity: inbound::Participation,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    // `Leave{event}` (Mobilizon) or `Undo{Join{event}}`.
    if let Some((publication, _)) = local_publication(fed, activity.event.as_deref()).await? {
        fed.store.cancel_rsvp(publication.id, &actor.id).await?;
    }
    Ok(())
}

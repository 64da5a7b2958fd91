//! Registrations the way Mobilizon does them: `Join` an event, answered by `Accept` (a
//! place is yours), `Reject` (full, cancelled or over) or nothing yet (approval needed);
//! `Leave` gives the place back.

use rhizome_node::publication::event::{EventStatus, RegistrationMode};
use rhizome_node::social::{RemoteActor, RsvpState};
use rhizome_node::{PublicationBody, now};

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
    let Some((publication, territory)) = local_publication(fed, activity.event.as_deref()).await?
    else {
        return Err(FederationError::NotFound);
    };
    let PublicationBody::Event(event) = &publication.body else {
        return Err(FederationError::Malformed(
            "only events can be joined".into(),
        ));
    };
    // A cancelled, finished or externally managed event has no place to give.
    let closed = event.status == EventStatus::Cancelled
        || event.ends_at < now()
        || event.registration.mode == RegistrationMode::External;
    let capacity = if closed { Some(0) } else { event.capacity };
    let me = territory_actor(fed, &territory);
    let join = Embedded {
        id: activity.id.to_string(),
        kind: Verb::Join,
        actor: actor.id.clone(),
        object: fed
            .urls
            .publication(publication.body.kind(), publication.id),
    };
    let reply = |state: RsvpState| {
        let verb = if state == RsvpState::Accepted {
            Verb::Accept
        } else {
            Verb::Reject
        };
        outgoing(
            fed,
            territory.id,
            verb,
            &me,
            join.clone(),
            Address::only(actor),
        )
    };
    let state = fed
        .store
        .rsvp(
            publication.id,
            &actor.id,
            activity.id.as_str(),
            capacity,
            event.registration.mode == RegistrationMode::Approval,
            now(),
            &reply,
        )
        .await?;
    tracing::info!(event = %publication.id, participant = %actor.id, state = state.as_str(), "registration");
    fed.wake_delivery();
    Ok(())
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

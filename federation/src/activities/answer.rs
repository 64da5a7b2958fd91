//! Answers to calls between nodes: an `Offer{Note}` from the answering territory to the
//! call's territory alone, answered by `Accept{Offer}` or `Reject{Offer}`. Receiving goes
//! through the use cases (`Actions::receive_answer`, `Actions::receive_decision`); the
//! sending side builds what the use cases queue.

use rhizome_node::PublicationKind;
use rhizome_node::action::ActionError;
use rhizome_node::answer::{Answer, Refusal, RemoteCall, Responder};
use rhizome_node::outbox::Outgoing;
use rhizome_node::social::RemoteActor;
use rhizome_node::{Publication, Territory};

use super::{Address, local_publication, outgoing, outgoing_extended, territory_actor};
use crate::Federation;
use crate::astointernal::answer::{answer_text, remote_call};
use crate::error::FederationError;
use crate::internaltoas::answer::answer_note;
use crate::protocol::outbound::{Extensions, OfferRef};
use crate::protocol::{Verb, id_of, ids_of, inbound};

fn forged(reason: &str) -> FederationError {
    FederationError::Forbidden(Refusal::Forged(reason.into()).to_string())
}

/// An `Offer` from a territory elsewhere: stored as a pending answer to one of our calls.
/// Refused, storing nothing, when the Note is not the sender's, when the call is not one
/// of this node's, or for what the use case refuses (closed, past deadline, twice).
pub async fn receive_offer(
    fed: &Federation,
    offer: inbound::Offer,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let note = &offer.note.note;
    let author = url::Url::parse(&actor.id)
        .map_err(|e| FederationError::Malformed(format!("actor: {e}")))?;
    if activitypub_federation::protocol::verification::verify_domains_match(&note.id, &author)
        .is_err()
    {
        return Err(forged(
            "the answer's Note is on another host than its sender",
        ));
    }
    if !ids_of(&note.attributed_to).contains(&actor.id.as_str()) {
        return Err(forged("the answer's Note is not attributed to its sender"));
    }
    let replied = id_of(&note.in_reply_to);
    let call_id = offer.target.as_deref().or(replied);
    if replied.is_some() && offer.target.is_some() && replied != offer.target.as_deref() {
        return Err(FederationError::Malformed(
            "target and object.inReplyTo name different calls".into(),
        ));
    }
    let Some((publication, _)) = local_publication(fed, call_id).await? else {
        return Err(forged("the call answered is not one of this node's"));
    };
    if publication.body.kind() != PublicationKind::Call {
        return Err(FederationError::Malformed(
            "only calls can be answered".into(),
        ));
    }
    fed.actions()
        .receive_answer(
            publication.id,
            &actor.id,
            offer.id.as_str(),
            answer_text(&offer.note),
        )
        .await?;
    Ok(())
}

/// `Accept{Offer}` or `Reject{Offer}` of one of our answers, from the call's territory.
pub async fn receive_decision(
    fed: &Federation,
    decision: inbound::OfferDecision,
    actor: &RemoteActor,
    accepted: bool,
) -> Result<(), FederationError> {
    fed.actions()
        .receive_decision(&decision.offer, &actor.id, accepted)
        .await
        .map_err(FederationError::from)
}

impl Federation {
    /// This node's copy of a call elsewhere.
    pub async fn known_remote_call(&self, id: &str) -> Result<Option<RemoteCall>, FederationError> {
        Ok(self
            .store
            .remote_publication(id)
            .await?
            .as_ref()
            .and_then(remote_call))
    }

    /// The `Offer` of `answer` by `territory` to `call`'s territory.
    pub(crate) async fn offer(
        &self,
        territory: &Territory,
        answer: &Answer,
        call: &RemoteCall,
    ) -> Result<Outgoing, ActionError> {
        let call_actor = self
            .actor(&call.actor_id, false)
            .await
            .map_err(|e| ActionError::Unreachable(e.to_string()))?;
        let me = territory_actor(self, territory);
        let note = answer_note(&self.urls, answer, &me, &call.id, &call_actor.id);
        Ok(outgoing_extended(
            self,
            territory.id,
            Verb::Offer,
            &me,
            note,
            Extensions {
                scope: None,
                target: Some(call.id.clone()),
            },
            Address::only(&call_actor),
        ))
    }

    /// The `Accept` or `Reject` of a remote territory's answer to `call`.
    pub(crate) async fn offer_decided(
        &self,
        territory: &Territory,
        call: &Publication,
        answer: &Answer,
        accepted: bool,
    ) -> Result<Outgoing, ActionError> {
        let (Responder::RemoteTerritory(responder), Some(offer_id)) =
            (&answer.responder, &answer.ap_id)
        else {
            return Err(ActionError::NotFound);
        };
        let responder = self
            .actor(responder, false)
            .await
            .map_err(|e| ActionError::Unreachable(e.to_string()))?;
        let offer = OfferRef {
            id: offer_id.clone(),
            kind: Verb::Offer,
            actor: responder.id.clone(),
            target: self.urls.publication(PublicationKind::Call, call.id),
        };
        let verb = if accepted { Verb::Accept } else { Verb::Reject };
        let me = territory_actor(self, territory);
        Ok(outgoing(
            self,
            territory.id,
            verb,
            &me,
            offer,
            Address::only(&responder),
        ))
    }
}

//! Answering calls for collaboration: an editor answers for one of their territories (a
//! call here, or elsewhere through an `Offer`), a visitor answers with a name and an
//! address (held until accepted); answers from elsewhere arrive through the inbox; the
//! call's editors accept or decline each one, mark the call in progress and close it
//! with an outcome.

use uuid::Uuid;

use super::{ActionError, Actions};
use crate::answer::{
    Answer, AnswerDraft, AnswerState, AnswerText, CallRef, Refusal, Responder, open_to_answers,
};
use crate::publication::PublicationKind;
use crate::publication::call::{Call, CallStatus};
use crate::store::StoreError;
use crate::validation::ValidationError;
use crate::{Principal, Publication, PublicationBody, Territory};

/// The call inside a publication of kind `call`.
fn call_of(publication: &Publication) -> Result<&Call, ActionError> {
    match &publication.body {
        PublicationBody::Call(call) => Ok(call),
        _ => Err(ActionError::NotFound),
    }
}

/// A second answer by the same responder is a refusal, not a storage failure.
fn refused_if_twice(e: StoreError) -> ActionError {
    match e {
        StoreError::Conflict(_) => Refusal::AnsweredTwice.into(),
        other => other.into(),
    }
}

impl Actions {
    /// One of this node's calls, with its territory, if it still takes answers.
    async fn call_open_to_answers(
        &self,
        call_id: Uuid,
    ) -> Result<(Publication, Territory), ActionError> {
        let (publication, territory) = self.publication(PublicationKind::Call, call_id).await?;
        let call = call_of(&publication)?;
        open_to_answers(call.status, call.deadline_end(), crate::now())?;
        Ok((publication, territory))
    }

    /// Answers one of this node's calls: `who` (an editor) for the territory the draft
    /// names, or a visitor (no `who`, or no territory named) with a name and an address.
    /// Every answer waits for the call's editors; a visitor's is shown to no one else.
    pub async fn answer_call(
        &self,
        who: Option<&Principal>,
        call_id: Uuid,
        draft: AnswerDraft,
    ) -> Result<Answer, ActionError> {
        let (call, call_territory) = self.call_open_to_answers(call_id).await?;
        let text = draft.text()?;
        let responder = match (&draft.territory, who) {
            (Some(slug), Some(who)) => {
                let territory = self.editable_territory(who, slug).await?;
                if territory.id == call_territory.id {
                    return Err(Refusal::OwnCall.into());
                }
                Responder::LocalTerritory(territory.id)
            }
            (Some(_), None) => {
                return Err(
                    crate::member::Forbidden("log in to answer on behalf of a territory").into(),
                );
            }
            (None, _) => draft.visitor()?,
        };
        let answer = Answer::new(CallRef::Local(call_id), responder, text);
        self.store
            .insert_answer(&answer, None)
            .await
            .map_err(refused_if_twice)?;
        tracing::info!(call = %call_id, answer = %answer.id, responder = %answer.responder.key(), "call answered");
        self.tell_of_answer(&call, &call_territory, &answer).await;
        Ok(answer)
    }

    /// Answers a call of another server, known here by its id, for the territory the
    /// draft names; the `Offer` that carries it is queued with it.
    pub async fn answer_remote_call(
        &self,
        who: &Principal,
        call_id: &str,
        draft: AnswerDraft,
    ) -> Result<Answer, ActionError> {
        let slug = draft.territory.as_deref().ok_or_else(|| {
            ValidationError::new("territory", "choose the territory that answers")
        })?;
        let territory = self.editable_territory(who, slug).await?;
        let text = draft.text()?;
        let call = self.wire.remote_call(call_id).await?;
        open_to_answers(call.status, call.deadline_end, crate::now())?;
        let mut answer = Answer::new(
            CallRef::Remote(call.id.clone()),
            Responder::LocalTerritory(territory.id),
            text,
        );
        let offer = self.wire.answer_offered(&territory, &answer, &call).await?;
        answer.ap_id = Some(offer.activity_id.clone());
        self.store
            .insert_answer(&answer, Some(&offer))
            .await
            .map_err(refused_if_twice)?;
        self.wire.queued();
        tracing::info!(call = %call.id, answer = %answer.id, territory = %territory.profile.slug, by = %who.member.username, "remote call answered");
        Ok(answer)
    }

    /// An answer from a territory elsewhere (`Offer` `offer_id` by `actor_id`, already
    /// verified as theirs), to one of our calls. The same `Offer` again is no new answer.
    pub async fn receive_answer(
        &self,
        call_id: Uuid,
        actor_id: &str,
        offer_id: &str,
        text: AnswerText,
    ) -> Result<Answer, ActionError> {
        if let Some(known) = self.store.answer_by_ap_id(offer_id).await? {
            if known.responder == Responder::RemoteTerritory(actor_id.to_owned()) {
                return Ok(known);
            }
            return Err(Refusal::Forged("this Offer id belongs to another answer".into()).into());
        }
        let (call, call_territory) = self.call_open_to_answers(call_id).await?;
        if text.message.is_empty() {
            return Err(ValidationError::new("object.content", "must not be empty").into());
        }
        let mut answer = Answer::new(
            CallRef::Local(call_id),
            Responder::RemoteTerritory(actor_id.to_owned()),
            text,
        );
        answer.ap_id = Some(offer_id.to_owned());
        self.store
            .insert_answer(&answer, None)
            .await
            .map_err(refused_if_twice)?;
        tracing::info!(call = %call_id, answer = %answer.id, actor = %actor_id, "answer received");
        self.tell_of_answer(&call, &call_territory, &answer).await;
        Ok(answer)
    }

    /// An answer to one of this node's calls, with the call and its territory, for one of
    /// the call's editors.
    pub async fn answer_for_editor(
        &self,
        who: &Principal,
        answer_id: Uuid,
    ) -> Result<(Answer, Publication, Territory), ActionError> {
        let answer = (self.store.answer(answer_id).await?).ok_or(ActionError::NotFound)?;
        let CallRef::Local(call_id) = answer.call else {
            return Err(ActionError::NotFound);
        };
        let (publication, territory) = self
            .editable_publication(who, PublicationKind::Call, call_id)
            .await?;
        Ok((answer, publication, territory))
    }

    /// Accepts (the responder becomes a partner of the call) or declines an answer. A
    /// territory elsewhere hears it (`Accept` or `Reject` of its `Offer`); a visitor's
    /// address is marked to be told, and mailed the decision when the node sends mail.
    pub async fn decide_answer(
        &self,
        who: &Principal,
        answer_id: Uuid,
        accept: bool,
    ) -> Result<Answer, ActionError> {
        let (answer, publication, territory) = self.answer_for_editor(who, answer_id).await?;
        if answer.state != AnswerState::Pending {
            return Err(Refusal::AlreadyDecided.into());
        }
        let state = if accept {
            AnswerState::Accepted
        } else {
            AnswerState::Declined
        };
        let reply = match &answer.responder {
            Responder::RemoteTerritory(_) => Some(
                self.wire
                    .answer_decided(&territory, &publication, &answer, accept)
                    .await?,
            ),
            _ => None,
        };
        let tell_by_mail = matches!(answer.responder, Responder::Visitor { .. });
        let at = crate::now();
        match self
            .store
            .decide_answer(answer.id, state, at, tell_by_mail, reply.as_ref())
            .await
        {
            Err(StoreError::NotFound) => return Err(Refusal::AlreadyDecided.into()),
            other => other?,
        }
        if reply.is_some() {
            self.wire.queued();
        }
        tracing::info!(answer = %answer.id, call = %publication.id, state = state.as_str(), tell_by_mail, by = %who.member.username, "answer decided");
        self.tell_visitor_of_decision(&publication, &territory, &answer, accept)
            .await;
        Ok(Answer {
            state,
            decided_at: Some(at),
            tell_by_mail,
            ..answer
        })
    }

    /// The call's territory elsewhere accepted or declined (`accepted`) the answer our
    /// `Offer` `offer_id` carried; `sender` must be that territory.
    pub async fn receive_decision(
        &self,
        offer_id: &str,
        sender: &str,
        accepted: bool,
    ) -> Result<(), ActionError> {
        let answer = (self.store.answer_by_ap_id(offer_id).await?).ok_or(ActionError::NotFound)?;
        let (CallRef::Remote(call_id), Responder::LocalTerritory(_)) =
            (&answer.call, &answer.responder)
        else {
            return Err(Refusal::Forged("this Offer is not one of ours".into()).into());
        };
        let call = self.wire.remote_call(call_id).await?;
        if call.actor_id != sender {
            return Err(Refusal::Forged(
                "only the call's territory may accept or reject an answer to it".into(),
            )
            .into());
        }
        let state = if accepted {
            AnswerState::Accepted
        } else {
            AnswerState::Declined
        };
        if answer.state == state {
            return Ok(());
        }
        if answer.state != AnswerState::Pending {
            return Err(Refusal::AlreadyDecided.into());
        }
        self.store
            .decide_answer(answer.id, state, crate::now(), false, None)
            .await?;
        tracing::info!(answer = %answer.id, call = %call_id, state = state.as_str(), "answer decided elsewhere");
        Ok(())
    }

    /// Marks a call in progress: its partners (the accepted answers) are at work. The
    /// `Update` reaches the territory's followers.
    pub async fn mark_call_in_progress(
        &self,
        who: &Principal,
        call_id: Uuid,
    ) -> Result<Publication, ActionError> {
        let (publication, territory) = self
            .editable_publication(who, PublicationKind::Call, call_id)
            .await?;
        let patch = serde_json::json!({ "status": CallStatus::InProgress });
        self.edit(who, &territory, &publication, &patch).await
    }

    /// Closes a call with what came of it (required); answers stop, the `Update` carries
    /// the outcome to the territory's followers.
    pub async fn close_call(
        &self,
        who: &Principal,
        call_id: Uuid,
        outcome: &str,
    ) -> Result<Publication, ActionError> {
        let (publication, territory) = self
            .editable_publication(who, PublicationKind::Call, call_id)
            .await?;
        if outcome.trim().is_empty() {
            return Err(ValidationError::new("outcome", "must not be empty").into());
        }
        let patch = serde_json::json!({ "status": CallStatus::Closed, "outcome": outcome });
        self.edit(who, &territory, &publication, &patch).await
    }

    /// A call's partners: its accepted answers, oldest first. Nothing else of its answers
    /// is public (a visitor's is held until accepted, a declined one stays with the editors).
    pub async fn partners(&self, call: &CallRef) -> Result<Vec<Answer>, ActionError> {
        let mut answers = self.store.answers_to(call).await?;
        answers.retain(|a| a.state == AnswerState::Accepted);
        Ok(answers)
    }
}

//! Registering for an event, one rule for everyone: a visitor of the event page (a name
//! and an e-mail address) and a fediverse account (`Join`, answered by `Accept` or
//! `Reject` the way Mobilizon does). Places are counted in the same transaction as the
//! registration; an event that is cancelled, postponed, over or registered elsewhere
//! takes none.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ActionError, Actions};
use crate::publication::event::{Event, EventStatus, RegistrationMode};
use crate::social::{RemoteActor, RsvpState};
use crate::validation::{self as v, ValidationError};
use crate::{Principal, Publication, PublicationBody, Territory};

/// Who registers.
pub enum Registrant<'a> {
    /// Someone on the event page, without an account. Their address is kept for the
    /// organisers' eyes only.
    Visitor { name: &'a str, email: &'a str },
    /// A fediverse account that sent `Join` (its id is `join_id`).
    Account {
        actor: &'a RemoteActor,
        join_id: &'a str,
    },
}

/// Why an event takes no registration now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Closed {
    #[error("the event is cancelled")]
    Cancelled,
    #[error("the event is postponed: registrations wait for its new date")]
    Postponed,
    #[error("the event is over")]
    Over,
    #[error("registration happens on another site")]
    Elsewhere,
}

impl Event {
    /// Whether the event takes registrations at `at`; `Err` says why not. "Just come"
    /// events take them too (Mobilizon's `joinMode: free`): they count who comes.
    pub fn takes_registrations(&self, at: DateTime<Utc>) -> Result<(), Closed> {
        if self.status == EventStatus::Cancelled {
            Err(Closed::Cancelled)
        } else if self.status == EventStatus::Postponed {
            Err(Closed::Postponed)
        } else if self.ends_at < at {
            Err(Closed::Over)
        } else if self.registration.mode == RegistrationMode::External {
            Err(Closed::Elsewhere)
        } else {
            Ok(())
        }
    }
}

impl Actions {
    /// Registers `who` for the local event `event_id`: accepted while places remain,
    /// pending when the organisers approve each one, refused when full. A visitor's bad
    /// name or address is `Invalid` (fields `name`, `email`), a second registration of one
    /// address `Store(Conflict("email"))`, a closed event `Closed` for a visitor; a
    /// fediverse account always hears an answer, `Reject` when closed.
    pub async fn register(
        &self,
        event_id: Uuid,
        who: Registrant<'_>,
    ) -> Result<RsvpState, ActionError> {
        let (publication, territory, event) = self.local_event(event_id).await?;
        let now = crate::now();
        let open = event.takes_registrations(now);
        let needs_approval = event.registration.mode == RegistrationMode::Approval;
        let state = match who {
            Registrant::Visitor { name, email } => {
                let name = v::required_text("name", name, 100)?;
                let email = v::email("email", email)?;
                open.map_err(ActionError::Closed)?;
                self.store
                    .register_visitor(
                        publication.id,
                        &email,
                        &name,
                        event.capacity,
                        needs_approval,
                        now,
                    )
                    .await?
            }
            Registrant::Account { actor, join_id } => {
                // Closed: no place to give, so the store refuses it and the `Reject` is
                // queued with that refusal.
                let capacity = if open.is_ok() {
                    event.capacity
                } else {
                    Some(0)
                };
                let reply = |state: RsvpState| {
                    self.wire.registration_answered(
                        &territory,
                        &publication,
                        actor,
                        join_id,
                        state == RsvpState::Accepted,
                    )
                };
                let state = self
                    .store
                    .rsvp(
                        publication.id,
                        &actor.id,
                        join_id,
                        capacity,
                        needs_approval,
                        now,
                        &reply,
                    )
                    .await?;
                self.wire.queued();
                state
            }
        };
        tracing::info!(event = %event_id, state = state.as_str(), "registration");
        Ok(state)
    }

    /// An organiser (an editor of the event's territory) removes `participant`'s
    /// registration; its place is free again. A fediverse account hears a `Reject` of its
    /// `Join`, queued in the same transaction. `false` when there was no such registration.
    pub async fn remove_registration(
        &self,
        who: &Principal,
        event_id: Uuid,
        participant: &str,
    ) -> Result<bool, ActionError> {
        let (publication, territory, _) = self.local_event(event_id).await?;
        who.require_editor(territory.id)?;
        let actor = match participant.strip_prefix("mailto:") {
            Some(_) => None,
            None => self.store.remote_actor(participant).await?,
        };
        let reject = |join_id: &str| {
            actor.as_ref().map(|actor| {
                self.wire
                    .registration_answered(&territory, &publication, actor, join_id, false)
            })
        };
        let removed = self
            .store
            .remove_rsvp(publication.id, participant, &reject)
            .await?;
        if removed && actor.is_some() {
            self.wire.queued();
        }
        tracing::info!(event = %event_id, by = %who.member.username, removed, told = actor.is_some(), "registration removed by an organiser");
        Ok(removed)
    }

    /// A live local event, its territory and its body.
    async fn local_event(&self, id: Uuid) -> Result<(Publication, Territory, Event), ActionError> {
        let publication = self
            .store
            .publication(id)
            .await?
            .ok_or(ActionError::NotFound)?;
        if publication.deleted_at.is_some() {
            return Err(ActionError::Gone);
        }
        let PublicationBody::Event(event) = publication.body.clone() else {
            return Err(ActionError::Invalid(ValidationError::new(
                "event",
                "only events take registrations",
            )));
        };
        let territory = self
            .store
            .territory(publication.territory_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        Ok((publication, territory, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publication::event::Registration;

    fn event(status: EventStatus, mode: RegistrationMode, ends_in_hours: i64) -> Event {
        let now = crate::now();
        Event {
            title: "Repair café".into(),
            description: String::new(),
            starts_at: now - chrono::Duration::hours(3),
            ends_at: now + chrono::Duration::hours(ends_in_hours),
            timezone: "Europe/Paris".into(),
            format: Default::default(),
            place: None,
            online_url: None,
            audience: Default::default(),
            free: true,
            price: None,
            capacity: Some(10),
            registration: Registration { mode, url: None },
            status,
            links: vec![],
            language: "fr".into(),
            themes: vec![],
            tags: vec![],
            organisers: vec![],
            partners: vec![],
            image: None,
        }
    }

    #[test]
    fn one_rule_says_when_an_event_takes_registrations() {
        let now = crate::now();
        let open = |s, m, h| event(s, m, h).takes_registrations(now);
        use EventStatus::*;
        use RegistrationMode as M;
        assert_eq!(open(Scheduled, M::Open, 2), Ok(()));
        assert_eq!(open(Scheduled, M::Approval, 2), Ok(()));
        assert_eq!(open(Scheduled, M::None, 2), Ok(()));
        assert_eq!(open(Cancelled, M::Open, 2), Err(Closed::Cancelled));
        assert_eq!(open(Postponed, M::Open, 2), Err(Closed::Postponed));
        assert_eq!(open(Scheduled, M::Open, -1), Err(Closed::Over));
        assert_eq!(open(Scheduled, M::External, 2), Err(Closed::Elsewhere));
    }
}

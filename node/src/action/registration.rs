//! Registering for an event, one rule for everyone: a visitor of the event page (a name
//! and an e-mail address, told by letter) and a fediverse account (`Join`, answered by
//! `Accept`, `Reject` or `Ignore` as FEP-8a8e and Mobilizon do). Places are counted in
//! the same transaction as the registration; a full event puts newcomers on its
//! waitlist, and every change that frees a place (a cancel, a removal, a refusal, more
//! places) gives it to the first in line in that transaction. An event that is
//! cancelled, postponed, over, registered elsewhere or without registration takes none.
//! Organisers see the registrations, decide those held for approval and write to
//! everyone registered.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{ActionError, Actions};
use crate::mail::Letter;
use crate::member::hash_token;
use crate::publication::event::{Event, EventStatus, RegistrationMode};
use crate::social::{JoinReply, Registration, RemoteActor, RsvpState};
use crate::store::Admission;
use crate::text::{Args, FluentValue, Lang};
use crate::validation::{self as v, ValidationError};
use crate::{Principal, Publication, PublicationBody, Territory};

/// Who registers.
pub enum Registrant<'a> {
    /// Someone on the event page, without an account. Their address is kept for the
    /// organisers' eyes only.
    /// `lang`: the language of their page, which their letters are written in.
    Visitor {
        name: &'a str,
        email: &'a str,
        lang: Lang,
    },
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
    #[error("the event takes no registration: just come")]
    NotTaken,
}

impl Event {
    /// Whether the event takes registrations at `at`; `Err` says why not. An event
    /// without registration (`none`, FEP-8a8e's `joinMode: none`) takes none.
    pub fn takes_registrations(&self, at: DateTime<Utc>) -> Result<(), Closed> {
        if self.status == EventStatus::Cancelled {
            Err(Closed::Cancelled)
        } else if self.status == EventStatus::Postponed {
            Err(Closed::Postponed)
        } else if self.ends_at < at {
            Err(Closed::Over)
        } else if self.registration.mode == RegistrationMode::External {
            Err(Closed::Elsewhere)
        } else if self.registration.mode == RegistrationMode::None {
            Err(Closed::NotTaken)
        } else {
            Ok(())
        }
    }

    /// How the event takes registrations at `at`, for the store.
    pub fn admission(&self, at: DateTime<Utc>) -> Admission {
        Admission {
            capacity: self.capacity,
            needs_approval: self.registration.mode == RegistrationMode::Approval,
            open: self.takes_registrations(at).is_ok(),
        }
    }
}

/// The letters about one event: its title, its date and the link to its page.
struct EventLetters<'a> {
    actions: &'a Actions,
    event: &'a Event,
    link: String,
}

impl EventLetters<'_> {
    fn args(&self, lang: Lang, name: Option<&str>) -> Args {
        let mut args = Args::new();
        args.insert("event".into(), FluentValue::from(self.event.title.clone()));
        args.insert("link".into(), FluentValue::from(self.link.clone()));
        args.insert("when".into(), FluentValue::from(lang.when(self.event)));
        args.insert(
            "name".into(),
            FluentValue::from(name.unwrap_or_default().to_owned()),
        );
        args
    }

    /// Posts the letter `kind` to a visitor's registration (nobody else gets letters);
    /// `extra` adds arguments. A letter that cannot be queued is logged: the change it
    /// tells of is made already and stands.
    async fn post(&self, r: &Registration, kind: &str, extra: &[(&'static str, String)]) {
        let Some(email) = r.email() else { return };
        let lang = r
            .language
            .as_deref()
            .and_then(Lang::offered)
            .unwrap_or_default();
        let mut args = self.args(lang, r.display_name.as_deref());
        for (key, value) in extra {
            args.insert((*key).into(), FluentValue::from(value.clone()));
        }
        let letter = Letter::write(lang, kind, email, &args);
        if let Err(e) = self.actions.post_letter(letter).await {
            tracing::error!(error = %e, kind, "letter about a registration not queued");
        }
    }

    /// Tells visitors moved up from the waitlist (fediverse accounts have their `Accept`).
    async fn promoted(&self, promoted: &[Registration]) {
        for r in promoted {
            tracing::info!(participant = %r.participant, state = r.state.as_str(), "moved up from the waitlist");
            if r.state == RsvpState::Accepted {
                self.post(r, "registration-promoted", &[]).await;
            }
        }
    }
}

/// What a cancel link shows before it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct CancelLink {
    pub event_id: Uuid,
    pub event_title: String,
    pub name: Option<String>,
    pub state: RsvpState,
}

/// A new personal cancel link's secret.
fn cancel_secret() -> String {
    let secret: [u8; 32] = rand::random();
    hex::encode(secret)
}

/// How long before its start an event's registrants are reminded: from 24 to 36 hours,
/// so that the hourly task reaches everyone once, whatever the hour it runs.
pub const REMIND_FROM: Duration = Duration::hours(24);
pub const REMIND_UNTIL: Duration = Duration::hours(36);

/// The most organisers may write to their registrants at once.
pub const MESSAGE_MAX: usize = 5000;

impl Actions {
    /// Registers `who` for the local event `event_id`: accepted while places remain,
    /// pending when the organisers approve each one, waitlisted when full. A visitor's bad
    /// name or address is `Invalid` (fields `name`, `email`), a second registration of one
    /// address `Store(Conflict("email"))`, a closed event `Closed`; a visitor gets a
    /// letter with their personal cancel link. A fediverse account always hears an
    /// answer in the end: `Reject` at once when closed, `Ignore` (and `Closed(NotTaken)`)
    /// when the event takes no registration, nothing yet while pending or waitlisted.
    pub async fn register(
        &self,
        event_id: Uuid,
        who: Registrant<'_>,
    ) -> Result<RsvpState, ActionError> {
        let (publication, territory, event) = self.local_event(event_id).await?;
        let now = crate::now();
        let admission = event.admission(now);
        let state = match who {
            Registrant::Visitor { name, email, lang } => {
                let name = v::required_text("name", name, 100)?;
                let email = v::email("email", email)?;
                event
                    .takes_registrations(now)
                    .map_err(ActionError::Closed)?;
                let secret = cancel_secret();
                let state = self
                    .store
                    .register_visitor(
                        publication.id,
                        &email,
                        &name,
                        admission,
                        &hash_token(&secret),
                        lang.tag(),
                        now,
                    )
                    .await?;
                let kind = match state {
                    RsvpState::Accepted => "registration-confirmed",
                    RsvpState::Pending => "registration-received",
                    RsvpState::Waitlisted => "registration-waitlisted",
                    RsvpState::Rejected => "registration-refused",
                };
                let registration = Registration {
                    participant: format!("mailto:{email}"),
                    display_name: Some(name.clone()),
                    state,
                    created_at: now,
                    language: Some(lang.tag().to_owned()),
                };
                let cancel = self.wire.link(&format!("/registrations/cancel/{secret}"));
                self.letters(&publication, &event)
                    .post(&registration, kind, &[("cancel", cancel)])
                    .await;
                // MERGE: tell_editors (the mail engine's; enable it when merged):
                // let mut args = Args::new();
                // args.insert("event".into(), FluentValue::from(event.title.clone()));
                // args.insert("name".into(), FluentValue::from(name.clone()));
                // let link = format!("/manage/t/{}/events/{}/registrations", territory.profile.slug, publication.id);
                // args.insert("link".into(), FluentValue::from(self.wire.link(&link)));
                // self.tell_editors(territory.id, "new-registration", &args).await;
                state
            }
            Registrant::Account { actor, join_id } => {
                if event.registration.mode == RegistrationMode::None {
                    let ignore = self.wire.registration_answered(
                        &territory,
                        &publication,
                        actor,
                        join_id,
                        JoinReply::Ignore,
                    );
                    self.store.enqueue(&ignore).await?;
                    self.wire.queued();
                    tracing::info!(event = %event_id, actor = %actor.id, "Join of an event without registration ignored");
                    return Err(ActionError::Closed(Closed::NotTaken));
                }
                let answer = self.join_answer(&territory, &publication);
                let state = self
                    .store
                    .rsvp(publication.id, actor, join_id, admission, now, &answer)
                    .await?;
                self.wire.queued();
                state
            }
        };
        tracing::info!(event = %event_id, state = state.as_str(), "registration");
        Ok(state)
    }

    /// A fediverse account gave its place back (`Leave`, `Undo{Join}`); the first in line
    /// takes it. `false` when it had none.
    pub async fn leave(&self, event_id: Uuid, actor_id: &str) -> Result<bool, ActionError> {
        let (publication, territory, event) = self.local_event(event_id).await?;
        let answer = self.join_answer(&territory, &publication);
        let change = self
            .store
            .cancel_rsvp(
                publication.id,
                actor_id,
                event.admission(crate::now()),
                &answer,
            )
            .await?;
        self.after(&publication, &event, &change.promoted).await;
        Ok(change.done)
    }

    /// What the cancel link whose secret is `secret` would cancel; `NotFound` for an
    /// unknown or used link.
    pub async fn cancel_link(&self, secret: &str) -> Result<CancelLink, ActionError> {
        let (event_id, registration) = self
            .store
            .registration_by_cancel_token(&hash_token(secret.trim()))
            .await?
            .ok_or(ActionError::NotFound)?;
        let (_, _, event) = self.local_event(event_id).await?;
        Ok(CancelLink {
            event_id,
            event_title: event.title,
            name: registration.display_name,
            state: registration.state,
        })
    }

    /// A visitor cancels with their personal link: the registration goes (the link with
    /// it: it works once) and the first in line takes the place. `NotFound` for an
    /// unknown or used link.
    pub async fn cancel_with_link(&self, secret: &str) -> Result<CancelLink, ActionError> {
        let (event_id, registration) = self
            .store
            .registration_by_cancel_token(&hash_token(secret.trim()))
            .await?
            .ok_or(ActionError::NotFound)?;
        let (publication, territory, event) = self.local_event(event_id).await?;
        let answer = self.join_answer(&territory, &publication);
        let change = self
            .store
            .cancel_rsvp(
                publication.id,
                &registration.participant,
                event.admission(crate::now()),
                &answer,
            )
            .await?;
        if !change.done {
            // Used at the same moment by another request.
            return Err(ActionError::NotFound);
        }
        tracing::info!(event = %event_id, "registration cancelled with its link");
        self.after(&publication, &event, &change.promoted).await;
        Ok(CancelLink {
            event_id,
            event_title: event.title,
            name: registration.display_name,
            state: registration.state,
        })
    }

    /// Every registration of an event, for an editor of its territory.
    pub async fn registrations(
        &self,
        who: &Principal,
        event_id: Uuid,
    ) -> Result<(Publication, Territory, Event, Vec<Registration>), ActionError> {
        let (publication, territory, event) = self.local_event(event_id).await?;
        who.require_editor(territory.id)?;
        let list = self.store.registrations(publication.id).await?;
        Ok((publication, territory, event, list))
    }

    /// An organiser (an editor of the event's territory) approves (`accept`) or refuses a
    /// registration held for approval: a fediverse account hears `Accept` or `Reject`
    /// (queued with the decision), a visitor gets a letter; a refusal gives the place to
    /// the first in line. `false` when it was decided already (deciding twice is
    /// harmless); `NotFound` when there is no such registration.
    pub async fn decide_registration(
        &self,
        who: &Principal,
        event_id: Uuid,
        participant: &str,
        accept: bool,
    ) -> Result<bool, ActionError> {
        let (publication, territory, event) = self.local_event(event_id).await?;
        who.require_editor(territory.id)?;
        let answer = self.join_answer(&territory, &publication);
        // An approved visitor's letter carries a new cancel link (the first one's secret
        // is not kept): it replaces the one sent with "received".
        let secret = cancel_secret();
        let change = self
            .store
            .decide_rsvp(
                publication.id,
                participant,
                accept,
                &hash_token(&secret),
                event.admission(crate::now()),
                &answer,
            )
            .await
            .map_err(|e| match e {
                crate::store::StoreError::NotFound => ActionError::NotFound,
                other => other.into(),
            })?;
        tracing::info!(event = %event_id, by = %who.member.username, accept, changed = change.done, "registration decided");
        if change.done {
            let letters = self.letters(&publication, &event);
            if let Some(r) = self
                .store
                .registrations(publication.id)
                .await?
                .into_iter()
                .find(|r| r.participant == participant)
            {
                let kind = if accept {
                    "registration-confirmed"
                } else {
                    "registration-refused"
                };
                let cancel = self.wire.link(&format!("/registrations/cancel/{secret}"));
                letters.post(&r, kind, &[("cancel", cancel)]).await;
            }
            self.after(&publication, &event, &change.promoted).await;
        }
        Ok(change.done)
    }

    /// An organiser (an editor of the event's territory) removes `participant`'s
    /// registration; its place goes to the first in line. A fediverse account hears a
    /// `Reject` of its `Join`, queued in the same transaction. `false` when there was no
    /// such registration.
    pub async fn remove_registration(
        &self,
        who: &Principal,
        event_id: Uuid,
        participant: &str,
    ) -> Result<bool, ActionError> {
        let (publication, territory, event) = self.local_event(event_id).await?;
        who.require_editor(territory.id)?;
        let answer = self.join_answer(&territory, &publication);
        let change = self
            .store
            .remove_rsvp(
                publication.id,
                participant,
                event.admission(crate::now()),
                &answer,
            )
            .await?;
        self.after(&publication, &event, &change.promoted).await;
        tracing::info!(event = %event_id, by = %who.member.username, removed = change.done, "registration removed by an organiser");
        Ok(change.done)
    }

    /// Gives places that are free (the capacity was raised, the event reopened) to the
    /// first in line of a local event; called after an event is edited.
    pub async fn fill_from_waitlist(&self, event_id: Uuid) -> Result<usize, ActionError> {
        let (publication, territory, event) = self.local_event(event_id).await?;
        let answer = self.join_answer(&territory, &publication);
        let promoted = self
            .store
            .promote_waitlist(publication.id, event.admission(crate::now()), &answer)
            .await?;
        self.after(&publication, &event, &promoted).await;
        Ok(promoted.len())
    }

    /// The organisers write `text` (plain) to everyone registered for an event: a letter
    /// to each visitor whose registration stands (accepted, pending or waitlisted), and
    /// one direct `Note` mentioning each accepted fediverse account, addressed to them
    /// only. Returns how many were written to. An empty or too long text is `Invalid`
    /// (field `message`).
    pub async fn message_registrants(
        &self,
        who: &Principal,
        event_id: Uuid,
        text: &str,
    ) -> Result<usize, ActionError> {
        let (publication, territory, event, list) = self.registrations(who, event_id).await?;
        let text = v::bounded_text("message", text, MESSAGE_MAX, v::Lines::Many)?;
        if text.is_empty() {
            return Err(ValidationError::new("message", "must not be empty").into());
        }
        let letters = self.letters(&publication, &event);
        let mut written = 0;
        let mut actors = Vec::new();
        for r in &list {
            if r.email().is_some() {
                if r.state != RsvpState::Rejected {
                    letters
                        .post(
                            r,
                            "organiser-message",
                            &[
                                ("message", text.clone()),
                                ("territory", territory.profile.name.clone()),
                            ],
                        )
                        .await;
                    written += 1;
                }
            } else if r.state == RsvpState::Accepted {
                match self.store.remote_actor(&r.participant).await? {
                    Some(actor) => actors.push(actor),
                    None => {
                        tracing::warn!(participant = %r.participant, "participant's actor unknown: not written to")
                    }
                }
            }
        }
        if !actors.is_empty() {
            let note = self
                .wire
                .participants_messaged(&territory, &publication, &actors, &text);
            self.store.enqueue(&note).await?;
            self.wire.queued();
            written += actors.len();
        }
        tracing::info!(event = %event_id, by = %who.member.username, written, "organisers wrote to the registrants");
        Ok(written)
    }

    /// Queues the reminder of every visitor registered for an event starting in 24 to 36
    /// hours from `now`, once each. Returns how many were queued.
    pub async fn send_reminders(&self, now: DateTime<Utc>) -> Result<usize, ActionError> {
        let due = self
            .store
            .take_reminders(now + REMIND_FROM, now + REMIND_UNTIL, now)
            .await?;
        for reminder in &due {
            match self.local_event(reminder.publication_id).await {
                Ok((publication, _, event)) => {
                    self.letters(&publication, &event)
                        .post(&reminder.registration, "registration-reminder", &[])
                        .await;
                }
                Err(e) => {
                    tracing::warn!(event = %reminder.publication_id, error = %e, "reminder not written")
                }
            }
        }
        Ok(due.len())
    }

    fn letters<'a>(&'a self, publication: &Publication, event: &'a Event) -> EventLetters<'a> {
        EventLetters {
            actions: self,
            event,
            link: self.wire.link(&format!(
                "/{}/{}",
                publication.body.kind().segment(),
                publication.id
            )),
        }
    }

    /// After a change committed: tells who moved up, and delivers what was queued.
    async fn after(&self, publication: &Publication, event: &Event, promoted: &[Registration]) {
        self.letters(publication, event).promoted(promoted).await;
        self.wire.queued();
    }

    /// How the store answers `Join`s of `publication`, inside its transactions.
    fn join_answer<'a>(
        &'a self,
        territory: &'a Territory,
        publication: &'a Publication,
    ) -> impl Fn(&RemoteActor, &str, JoinReply) -> crate::outbox::Outgoing + Send + Sync + 'a {
        move |actor: &RemoteActor, join_id: &str, reply: JoinReply| {
            self.wire
                .registration_answered(territory, publication, actor, join_id, reply)
        }
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
        assert_eq!(open(Scheduled, M::None, 2), Err(Closed::NotTaken));
        assert_eq!(open(Cancelled, M::Open, 2), Err(Closed::Cancelled));
        assert_eq!(open(Postponed, M::Open, 2), Err(Closed::Postponed));
        assert_eq!(open(Scheduled, M::Open, -1), Err(Closed::Over));
        assert_eq!(open(Scheduled, M::External, 2), Err(Closed::Elsewhere));
    }
}

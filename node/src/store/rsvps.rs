//! [`RsvpStore`], one table family of [`super::Store`]: registrations for events, their
//! waitlist, cancel links and reminders. Its SQL, shared by both backends, is in
//! `sql/rsvps.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::outbox::Outgoing;
use crate::social::{JoinReply, Registration, RemoteActor, RsvpState};
use crate::store::StoreError;

/// How an event takes registrations now, read from the event by the caller and given to
/// every change that may take or free a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    /// Places; `None` for no limit.
    pub capacity: Option<u32>,
    /// Organisers approve each registration (it waits as `pending`, holding a place).
    pub needs_approval: bool,
    /// `false` when the event takes none (cancelled, over...): a request is rejected and
    /// nobody is promoted from the waitlist.
    pub open: bool,
}

/// Builds what tells a fediverse account about its `Join` (its id is the second
/// argument), so that the answer is written in the same transaction as the change.
pub type JoinAnswer<'a> = &'a (dyn Fn(&RemoteActor, &str, JoinReply) -> Outgoing + Send + Sync);

/// What a change did: whether it changed anything, and who it moved up from the waitlist
/// (fediverse accounts among them already have their `Accept` queued; visitors are for
/// the caller to tell).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    pub done: bool,
    pub promoted: Vec<Registration>,
}

/// A reminder to send: a visitor's accepted registration for an event starting soon.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub publication_id: Uuid,
    pub registration: Registration,
}

/// Registrations for events, from the fediverse and from visitors.
#[async_trait]
pub trait RsvpStore: Send + Sync {
    /// Registers `actor` for an event: rejected when the event takes none, waitlisted
    /// when it is full, pending when it needs approval, else accepted. Places are counted
    /// and the answer (`Accept` or `Reject`; none while pending or waitlisted) written in
    /// one transaction, so two last-minute requests cannot both take the last place. A
    /// repeated request gets the state it already has, and no second answer.
    async fn rsvp(
        &self,
        publication_id: Uuid,
        actor: &RemoteActor,
        activity_id: &str,
        admission: Admission,
        at: DateTime<Utc>,
        answer: JoinAnswer<'_>,
    ) -> Result<RsvpState, StoreError>;

    /// A visitor registers from the event page with a name and an e-mail address: same
    /// rules as [`rsvp`](Self::rsvp), nothing sent anywhere. The address is kept private;
    /// `cancel_token` is the hash of their personal cancel link's secret, `language` the
    /// tag of the language their letters are written in. An address
    /// (trimmed, case ignored) already registered, waiting or in line for this event is
    /// refused with `Conflict("email")`; one refused may try again.
    #[allow(clippy::too_many_arguments)]
    async fn register_visitor(
        &self,
        publication_id: Uuid,
        email: &str,
        name: &str,
        admission: Admission,
        cancel_token: &str,
        language: &str,
        at: DateTime<Utc>,
    ) -> Result<RsvpState, StoreError>;

    /// The registration whose cancel link's secret hashes to `cancel_token`, with its
    /// event's id.
    async fn registration_by_cancel_token(
        &self,
        cancel_token: &str,
    ) -> Result<Option<(Uuid, Registration)>, StoreError>;

    /// The participant gave their place back (`Leave`, or a visitor's cancel link):
    /// nothing is sent to them; the place goes to the first in line, in the same
    /// transaction.
    async fn cancel_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Change, StoreError>;

    /// An organiser removes a registration: a fediverse account hears a `Reject` of its
    /// `Join`, and the place goes to the first in line, all in one transaction.
    async fn remove_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Change, StoreError>;

    /// An organiser approves (`accept`) or refuses a pending registration: a fediverse
    /// account hears `Accept` or `Reject`, a refusal frees the place for the first in
    /// line, in one transaction. An approved visitor's cancel link becomes
    /// `cancel_token` (the hash of the secret their letter carries). A registration that
    /// is not pending is left as it is (`done: false`: deciding twice is harmless); none
    /// at all is `NotFound`.
    #[allow(clippy::too_many_arguments)]
    async fn decide_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        accept: bool,
        cancel_token: &str,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Change, StoreError>;

    /// Gives free places (the capacity was raised) to the first in line.
    async fn promote_waitlist(
        &self,
        publication_id: Uuid,
        admission: Admission,
        answer: JoinAnswer<'_>,
    ) -> Result<Vec<Registration>, StoreError>;

    /// Everyone registered for an event, in order of arrival (the waitlist's order): for
    /// its organisers only.
    async fn registrations(&self, publication_id: Uuid) -> Result<Vec<Registration>, StoreError>;

    /// Accepted registrations.
    async fn participant_count(&self, publication_id: Uuid) -> Result<i64, StoreError>;

    /// Takes the reminders due: visitors' accepted registrations for live events starting
    /// between `from` and `to`, not reminded yet, marked reminded at `at` as they are
    /// taken, so that each is handed out once.
    async fn take_reminders(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError>;
}

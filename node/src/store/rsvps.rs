//! [`RsvpStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/rsvps.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::outbox::Outgoing;
use crate::social::{Registration, RsvpState};
use crate::store::StoreError;

/// Builds the answer to a registration once its outcome is known, so that the answer is
/// written in the same transaction as the registration.
pub type RsvpReply<'a> = &'a (dyn Fn(RsvpState) -> Outgoing + Send + Sync);

/// Builds what tells a participant their registration was removed, from its `Join` id;
/// `None` when there is no one to tell (a visitor of the page).
pub type RemovalReply<'a> = &'a (dyn Fn(&str) -> Option<Outgoing> + Send + Sync);

/// Registrations for events, from the fediverse and from visitors.
#[async_trait]
pub trait RsvpStore: Send + Sync {
    /// Registers `actor_id` for an event: accepted while places remain, pending when the
    /// event needs approval, rejected when full. Capacity is checked and the reply written
    /// in one transaction, so two last-minute requests cannot both take the last place.
    /// A repeated request gets the state it already has.
    #[allow(clippy::too_many_arguments)]
    async fn rsvp(
        &self,
        publication_id: Uuid,
        actor_id: &str,
        activity_id: &str,
        capacity: Option<u32>,
        needs_approval: bool,
        at: DateTime<Utc>,
        reply: RsvpReply<'_>,
    ) -> Result<RsvpState, StoreError>;

    /// A visitor registers from the event page with a name and an e-mail address: same
    /// rules as [`rsvp`](Self::rsvp), nothing sent anywhere. The address is kept private.
    /// An address (trimmed, case ignored) already registered or waiting for this event is
    /// refused with `Conflict("email")`; one turned away when the event was full may try
    /// again.
    #[allow(clippy::too_many_arguments)]
    async fn register_visitor(
        &self,
        publication_id: Uuid,
        email: &str,
        name: &str,
        capacity: Option<u32>,
        needs_approval: bool,
        at: DateTime<Utc>,
    ) -> Result<RsvpState, StoreError>;

    /// The participant gave their place back (`Leave`): nothing is sent.
    async fn cancel_rsvp(&self, publication_id: Uuid, actor_id: &str) -> Result<bool, StoreError>;

    /// An organiser removes a registration; `reply`, given the participant's `Join` id,
    /// builds what tells them (a `Reject`, for a fediverse account), written in the same
    /// transaction. `false` when there was no such registration.
    async fn remove_rsvp(
        &self,
        publication_id: Uuid,
        participant: &str,
        reply: RemovalReply<'_>,
    ) -> Result<bool, StoreError>;

    /// Everyone registered for an event, in order of arrival: for its organisers only.
    async fn registrations(&self, publication_id: Uuid) -> Result<Vec<Registration>, StoreError>;

    /// Accepted registrations.
    async fn participant_count(&self, publication_id: Uuid) -> Result<i64, StoreError>;
}

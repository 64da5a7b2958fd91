//! The durable outbox: activities to deliver and the state of each remote server.
//!
//! An activity is written in the same transaction as the change that caused it, with one
//! delivery row per distinct inbox. Workers claim due rows with a lease, so a crash loses
//! nothing: an unfinished row is claimed again when its lease runs out. A worker sends a
//! row only while its lease has time left for the whole request, and hands back what it
//! will not send in time, so two workers never send the same row when none crashes.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;

/// An activity ready to be stored and delivered. The body is opaque JSON to the domain.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: Uuid,
    /// The activity's own id (a URL), for the outbox collection and receivers' dedupe.
    pub activity_id: String,
    /// Whose key signs it: a territory, or `Uuid::nil()` for the node's instance actor.
    pub sender: Uuid,
    pub body: serde_json::Value,
    pub recipients: Recipients,
    /// Listed in the sender's public outbox collection.
    pub public: bool,
}

#[derive(Debug, Clone)]
pub enum Recipients {
    /// Every accepted follower of this territory without a scope, every node following
    /// this node, and `scoped`: the inboxes of scoped followers whose scope admits the
    /// activity (chosen by the caller). One request per distinct inbox.
    FollowersOf {
        territory: Uuid,
        scoped: Vec<String>,
    },
    /// These inboxes (an `Accept` to one follower, say).
    Inboxes(Vec<String>),
}

/// One activity to send to one inbox, as claimed by a worker.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub activity_id: Uuid,
    pub inbox: String,
    pub host: String,
    pub attempts: i32,
    pub sender: Uuid,
    /// The token of the claim that took this row: only its holder records a failure or
    /// drops the row, so a worker whose lease ran out cannot undo another's claim.
    pub claim: Uuid,
    /// When the claim's lease ends; past it, another worker may take the row.
    pub leased_until: DateTime<Utc>,
    /// Shared by every delivery of the same activity.
    pub body: std::sync::Arc<serde_json::Value>,
}

/// How delivery to one remote server is going; shown on the coordinator's page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerState {
    pub host: String,
    pub queued: i64,
    pub consecutive_failures: i32,
    pub last_success: Option<DateTime<Utc>>,
    pub last_failure: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub next_attempt: Option<DateTime<Utc>>,
}

impl ServerState {
    /// Failed [`DEAD_AFTER_FAILURES`] times in a row with no success for a day: its
    /// deliveries are tried once a day until it answers again.
    pub fn is_dead(&self, now: DateTime<Utc>) -> bool {
        self.consecutive_failures >= DEAD_AFTER_FAILURES
            && self
                .last_success
                .is_none_or(|t| now - t > Duration::days(1))
    }
}

/// The deliveries waiting for one server, for metrics: all of them, those a worker holds
/// right now, and those waiting after at least one failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerDeliveries {
    pub host: String,
    pub queued: i64,
    pub in_flight: i64,
    pub failed: i64,
}

/// Retry schedule: 10 s, 20 s, 40 s... doubling up to a day between tries.
pub fn backoff(attempts: i32) -> Duration {
    let seconds = 10i64.saturating_mul(1i64 << attempts.clamp(0, 20).saturating_sub(1));
    Duration::seconds(seconds.min(24 * 3600))
}

/// After this many failed tries (about five days) a delivery is dropped.
pub const MAX_ATTEMPTS: i32 = 20;

/// A server that failed this many times in a row with no success for a day is dead:
/// its deliveries are tried once a day until it answers again.
pub const DEAD_AFTER_FAILURES: i32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_day() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(5), Duration::seconds(160));
        assert_eq!(backoff(30), Duration::hours(24));
        let total: i64 = (1..MAX_ATTEMPTS).map(|a| backoff(a).num_hours()).sum();
        assert!((72..=200).contains(&total), "{total} hours");
    }
}

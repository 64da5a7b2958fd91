//! [`LeaseStore`], one table family of [`super::Store`]: the named leases under which the
//! processes of one node take turns at scheduled work; its SQL, shared by both backends,
//! is in `sql/leases.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store::StoreError;

/// Who holds a scheduled task's lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The task (`discovery`, `reminders`...).
    pub name: String,
    /// The process that took it last (see `scheduled::Scheduler::holder`).
    pub holder: String,
    pub taken_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// How many times the lease was taken, by anyone: the task's rounds.
    pub runs: i64,
}

/// Named leases with an expiry, one holder at a time.
#[async_trait]
pub trait LeaseStore: Send + Sync {
    /// Takes the lease `name` for `holder` until `until`, if nobody holds it at `now`
    /// (never taken, expired or released); `false` when another holder (or this one)
    /// still has it. Atomic: of processes asking at once, one gets it.
    async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Moves the end of `holder`'s lease `name` to `until`; `false` if `holder` no longer
    /// has it (it expired and someone else took it).
    async fn extend_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Ends every lease `holder` has at `now` (a process stopping), so that another
    /// process, or its successor, may take them at once; returns how many.
    async fn release_leases(&self, holder: &str, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Every lease, by name.
    async fn leases(&self) -> Result<Vec<Lease>, StoreError>;
}

//! [`CalendarStore`], one table family of [`super::Store`]: the external calendars a
//! territory mirrors (subscriptions by URL, and its imported files) and, per calendar,
//! which publication mirrors which event (by UID and RECURRENCE-ID). Its SQL, shared by
//! both backends, is in `sql/calendars.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::calendar_import::ImportReport;
use crate::store::StoreError;

/// A calendar a territory mirrors: one it subscribed to by URL, or (`url` `None`) the
/// `.ics` files its editors uploaded.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarSubscription {
    pub id: Uuid,
    pub territory_id: Uuid,
    pub url: Option<String>,
    /// The member on whose behalf it is fetched (their rights are checked each time).
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// The last attempt, successful or not.
    pub fetched_at: Option<DateTime<Utc>>,
    pub succeeded_at: Option<DateTime<Utc>>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// What went wrong at the last attempt: a catalogue key's tail, and the detail.
    pub last_error: Option<String>,
    pub last_error_detail: Option<String>,
    /// What the last successful import did.
    pub report: Option<ImportReport>,
    /// How many events mirror it now.
    pub mirrored: i64,
}

impl CalendarSubscription {
    pub fn new(territory_id: Uuid, url: Option<String>, created_by: Option<Uuid>) -> Self {
        CalendarSubscription {
            id: Uuid::now_v7(),
            territory_id,
            url,
            created_by,
            created_at: crate::now(),
            fetched_at: None,
            succeeded_at: None,
            etag: None,
            last_modified: None,
            last_error: None,
            last_error_detail: None,
            report: None,
            mirrored: 0,
        }
    }
}

/// One event of a calendar and the publication that mirrors it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarMirror {
    pub subscription_id: Uuid,
    pub uid: String,
    /// `""` for a single event.
    pub recurrence_id: String,
    pub publication_id: Uuid,
    /// The digest of the draft last published from the calendar.
    pub digest: String,
    pub starts_at: DateTime<Utc>,
    pub synced_at: DateTime<Utc>,
}

/// A successful fetch (or upload): validators for the next conditional GET and, unless
/// the calendar was not modified, the import's report.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarSuccess {
    pub at: DateTime<Utc>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub report: Option<ImportReport>,
}

/// Subscriptions to external calendars and their mirrored events.
#[async_trait]
pub trait CalendarStore: Send + Sync {
    /// `Conflict("url")` when the territory already has this calendar.
    async fn insert_calendar_subscription(
        &self,
        subscription: &CalendarSubscription,
    ) -> Result<(), StoreError>;

    async fn calendar_subscription(
        &self,
        id: Uuid,
    ) -> Result<Option<CalendarSubscription>, StoreError>;

    /// A territory's calendars, oldest first (its uploaded files included).
    async fn calendar_subscriptions(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<CalendarSubscription>, StoreError>;

    /// Subscriptions by URL not tried since `before`, least recently tried first.
    async fn calendar_subscriptions_due(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<CalendarSubscription>, StoreError>;

    /// Forgets a calendar and its mirror rows (the publications are the caller's).
    async fn delete_calendar_subscription(&self, id: Uuid) -> Result<(), StoreError>;

    async fn record_calendar_success(
        &self,
        id: Uuid,
        success: &CalendarSuccess,
    ) -> Result<(), StoreError>;

    /// Keeps everything of the last success; only the attempt and its error change.
    async fn record_calendar_failure(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        code: &str,
        detail: &str,
    ) -> Result<(), StoreError>;

    async fn calendar_mirrors(
        &self,
        subscription_id: Uuid,
    ) -> Result<Vec<CalendarMirror>, StoreError>;

    /// Inserts or replaces the row of `(subscription, uid, recurrence_id)`.
    async fn put_calendar_mirror(&self, mirror: &CalendarMirror) -> Result<(), StoreError>;

    async fn delete_calendar_mirror(
        &self,
        subscription_id: Uuid,
        uid: &str,
        recurrence_id: &str,
    ) -> Result<(), StoreError>;

    /// The calendar a publication mirrors, if any, with that calendar's URL.
    async fn calendar_mirror_of(
        &self,
        publication_id: Uuid,
    ) -> Result<Option<(CalendarMirror, Option<String>)>, StoreError>;
}

//! External calendars a territory mirrors, on the web side: fetching a subscription with
//! the federation crate's fetch rules (conditional GET, size and time limits, private
//! addresses refused outside development mode), reading it and importing it through the
//! node's use cases (recurring events as series), and keeping the outcome for the settings page; the periodic fetch;
//! the one-shot import of an uploaded file. A fetch or a file that fails changes nothing
//! that was imported before.

pub mod api;
pub mod pages;

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use rhizome_federation::fetch::{FetchError, Fetched};
use rhizome_node::action::ActionError;
use rhizome_node::action::calendars::ImportMode;
use rhizome_node::calendar_import::{self, ImportReport, MAX_CALENDAR_BYTES};
use rhizome_node::store::calendars::{CalendarSubscription, CalendarSuccess};
use rhizome_node::{Principal, Territory};
use uuid::Uuid;

use crate::AppState;

/// What a calendar fetch asks for.
const ACCEPT: &str = "text/calendar, text/plain;q=0.5, */*;q=0.1";

/// How often the schedule looks for calendars due.
const TICK: Duration = Duration::from_secs(60);

/// Calendars fetched per tick at most.
const PER_TICK: i64 = 20;

/// Why an import did not happen: a catalogue key's tail (`calendars-error-...`) and the
/// detail, kept with the subscription and shown on the settings page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: &'static str,
    pub detail: String,
}

impl Failure {
    fn new(code: &'static str, detail: impl Into<String>) -> Failure {
        Failure {
            code,
            detail: detail.into(),
        }
    }
}

fn fetch_failure(e: &FetchError) -> Failure {
    let code = match e {
        FetchError::Unsafe(..) | FetchError::Blocked(_) => "refused-address",
        FetchError::Status(..) | FetchError::Gone(_) => "status",
        FetchError::Http(..) => "unreachable",
        FetchError::Invalid(_, why) if why.contains("too large") => "too-large",
        FetchError::Invalid(..) => "invalid",
    };
    Failure::new(code, e.public_reason())
}

fn action_failure(e: &ActionError) -> Failure {
    match e {
        ActionError::Forbidden(f) => Failure::new("forbidden", f.to_string()),
        other => Failure::new("import", other.to_string()),
    }
}

/// Subscriptions being fetched now, so that the schedule and "fetch now" never import
/// the same calendar twice at once.
static IN_PROGRESS: LazyLock<Mutex<HashSet<Uuid>>> = LazyLock::new(Mutex::default);

struct Busy(Uuid);

impl Busy {
    fn take(id: Uuid) -> Option<Busy> {
        let mut set = IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner());
        set.insert(id).then_some(Busy(id))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut set = IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner());
        set.remove(&self.0);
    }
}

/// Fetches one subscription and imports it, acting for the member who subscribed.
/// `Ok(None)`: not modified since the last fetch. The outcome is recorded either way.
pub async fn refresh(
    state: &AppState,
    subscription: &CalendarSubscription,
) -> Result<Option<ImportReport>, Failure> {
    let Some(_busy) = Busy::take(subscription.id) else {
        return Err(Failure::new("busy", ""));
    };
    let outcome = fetch_and_import(state, subscription).await;
    let now = rhizome_node::now();
    let recorded = match &outcome {
        Ok((report, etag, last_modified)) => {
            state
                .store
                .record_calendar_success(
                    subscription.id,
                    &CalendarSuccess {
                        at: now,
                        etag: etag.clone(),
                        last_modified: last_modified.clone(),
                        report: report.clone(),
                    },
                )
                .await
        }
        Err(failure) => {
            tracing::warn!(url = ?subscription.url, code = failure.code, detail = %failure.detail,
                "calendar fetch failed: nothing changed");
            state
                .store
                .record_calendar_failure(subscription.id, now, failure.code, &failure.detail)
                .await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, "could not record a calendar fetch");
    }
    outcome.map(|(report, ..)| report)
}

type Imported = (Option<ImportReport>, Option<String>, Option<String>);

async fn fetch_and_import(
    state: &AppState,
    subscription: &CalendarSubscription,
) -> Result<Imported, Failure> {
    let url = subscription
        .url
        .as_deref()
        .ok_or_else(|| Failure::new("invalid", "uploaded files are not fetched"))?;
    let territory = state
        .store
        .territory(subscription.territory_id)
        .await
        .map_err(|e| Failure::new("import", e.to_string()))?
        .ok_or_else(|| Failure::new("import", "territory gone"))?;
    let who = state
        .actions
        .calendar_principal(subscription)
        .await
        .map_err(|e| action_failure(&e))?;
    let fetched = state
        .federation
        .fetch_document(
            url,
            ACCEPT,
            (
                subscription.etag.as_deref(),
                subscription.last_modified.as_deref(),
            ),
            MAX_CALENDAR_BYTES,
        )
        .await
        .map_err(|e| fetch_failure(&e))?;
    let (body, etag, last_modified) = match fetched {
        Fetched::NotModified => {
            return Ok((
                None,
                subscription.etag.clone(),
                subscription.last_modified.clone(),
            ));
        }
        Fetched::Document {
            body,
            etag,
            last_modified,
            ..
        } => (body, etag, last_modified),
    };
    let report = import(
        state,
        &who,
        &territory,
        subscription,
        &body,
        ImportMode::Mirror,
    )
    .await?;
    Ok((Some(report), etag, last_modified))
}

/// Reads a calendar's bytes and imports them: the one path of fetches and uploads.
async fn import(
    state: &AppState,
    who: &Principal,
    territory: &Territory,
    subscription: &CalendarSubscription,
    bytes: &[u8],
    mode: ImportMode,
) -> Result<ImportReport, Failure> {
    let window = i64::from(state.config.series_window_days);
    let now = rhizome_node::now();
    let mut read = calendar_import::read_bytes(bytes, territory, now, window)
        .map_err(|e| Failure::new(e.code(), e.to_string()))?;
    // Recurring VEVENTs first, as series; their keys are kept by the events' pass.
    state
        .actions
        .import_series(
            who,
            territory,
            subscription,
            &mut read,
            mode == ImportMode::Mirror,
            now + chrono::Duration::days(window),
        )
        .await
        .map_err(|e| action_failure(&e))?;
    state
        .actions
        .import_calendar(who, territory, subscription, read, mode)
        .await
        .map_err(|e| action_failure(&e))
}

/// Stops mirroring a calendar: its series' future occurrences are deleted (the series'
/// use case, as when the calendar drops them), then its events (the calendars' use case).
/// Returns how many were deleted.
pub async fn unsubscribe(
    state: &AppState,
    who: &Principal,
    territory: &Territory,
    subscription: &CalendarSubscription,
) -> Result<u32, ActionError> {
    // A calendar read whole that has nothing: every series mirrored from it goes.
    let mut nothing = calendar_import::ReadCalendar {
        complete: true,
        ..Default::default()
    };
    let horizon = rhizome_node::now();
    state
        .actions
        .import_series(who, territory, subscription, &mut nothing, true, horizon)
        .await?;
    let events = state
        .actions
        .unsubscribe_calendar(who, territory, subscription)
        .await?;
    Ok(events + nothing.report.deleted)
}

/// Imports an uploaded `.ics` file into the territory's uploaded calendar: its events
/// are added or updated, none deleted. The outcome is kept like a fetch's.
pub async fn import_upload(
    state: &AppState,
    who: &Principal,
    territory: &Territory,
    bytes: &[u8],
) -> Result<ImportReport, Failure> {
    let subscription = state
        .actions
        .uploaded_calendar(who, territory)
        .await
        .map_err(|e| action_failure(&e))?;
    let Some(_busy) = Busy::take(subscription.id) else {
        return Err(Failure::new("busy", ""));
    };
    let outcome = import(state, who, territory, &subscription, bytes, ImportMode::Add).await;
    let now = rhizome_node::now();
    let recorded = match &outcome {
        Ok(report) => {
            state
                .store
                .record_calendar_success(
                    subscription.id,
                    &CalendarSuccess {
                        at: now,
                        etag: None,
                        last_modified: None,
                        report: Some(report.clone()),
                    },
                )
                .await
        }
        Err(f) => {
            state
                .store
                .record_calendar_failure(subscription.id, now, f.code, &f.detail)
                .await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, "could not record a calendar import");
    }
    outcome
}

/// Fetches, every `calendar_fetch_interval_minutes`, each subscription not tried for
/// that long (a failed one waits the same before its next try); with several processes
/// on one database, in whichever holds the `calendars` lease.
pub fn spawn(state: AppState, scheduler: &rhizome_node::scheduled::Scheduler) {
    let minutes = state.config.calendar_fetch_interval_minutes;
    if minutes == 0 {
        tracing::info!("calendar fetching is off (calendar_fetch_interval_minutes = 0)");
        return;
    }
    scheduler.every("calendars", TICK, move || {
        let state = state.clone();
        async move {
            fetch_due(&state, minutes).await;
        }
    });
}

/// Fetches the subscriptions due now; returns how many were tried.
pub async fn fetch_due(state: &AppState, interval_minutes: u64) -> usize {
    // At most a century: any longer is "never", and stays within chrono's range.
    let minutes = i64::try_from(interval_minutes.min(100 * 366 * 24 * 60)).unwrap_or(0);
    let before = rhizome_node::now() - chrono::Duration::minutes(minutes);
    let due = match state
        .store
        .calendar_subscriptions_due(before, PER_TICK)
        .await
    {
        Ok(due) => due,
        Err(e) => {
            tracing::error!(error = %e, "could not list the calendars due");
            return 0;
        }
    };
    for subscription in &due {
        // The outcome is recorded and logged by `refresh`.
        let _ = refresh(state, subscription).await;
    }
    due.len()
}

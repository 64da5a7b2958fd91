//! The calendar section of a territory's settings page: its subscriptions with their last
//! fetch, result and error; forms to add one by URL, fetch one now, remove one, and import
//! an `.ics` file once. Each form does what the API does.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use rhizome_node::Territory;
use rhizome_node::action::calendars::calendar_url;
use rhizome_node::calendar_import::{ImportReport, MAX_CALENDAR_BYTES};
use rhizome_node::store::calendars::CalendarSubscription;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::pages::Page;
use crate::pages::access::{Editor, Posted};
use crate::pages::admin::territory_settings::settings_with_calendar_error;
use crate::pages::admin::when;
use crate::pages::error::{PageError, not_found};

/// The upload form's body: the file and the form's few fields.
pub const UPLOAD_BODY_LIMIT: usize = MAX_CALENDAR_BYTES + 64 * 1024;

/// The file input of the upload form.
const FILE_FIELD: &str = "file";

fn report_view(report: &ImportReport) -> Value {
    context! {
        read => report.read,
        created => report.created,
        updated => report.updated,
        unchanged => report.unchanged,
        deleted => report.deleted,
        malformed => report.malformed,
        refused => report.refused,
        outside_window => report.outside_window,
        over_cap => report.over_cap,
        zone_fallbacks => report.zone_fallbacks,
        unknown_zones => report.unknown_zones.join(", "),
        recurrences_bounded => report.recurrences_bounded,
        deletions_held => report.deletions_held,
        notes => report.notes,
    }
}

fn subscription_view(s: &CalendarSubscription) -> Value {
    context! {
        id => s.id.to_string(),
        url => s.url,
        fetched_at => when(s.fetched_at),
        succeeded_at => when(s.succeeded_at),
        error => s.last_error.as_ref().map(|code| context! {
            key => format!("calendars-error-{code}"),
            detail => s.last_error_detail,
        }),
        report => s.report.as_ref().map(report_view),
        mirrored => s.mirrored,
    }
}

/// What the settings page shows of a territory's calendars; `error` is the add or upload
/// form's (field, message).
pub async fn section(
    state: &AppState,
    territory: &Territory,
    error: Option<(&str, String)>,
) -> Result<Value, PageError> {
    let all = state.store.calendar_subscriptions(territory.id).await?;
    let (uploads, subscriptions): (Vec<_>, Vec<_>) = all.iter().partition(|s| s.url.is_none());
    Ok(context! {
        subscriptions => subscriptions.iter().map(|s| subscription_view(s)).collect::<Vec<_>>(),
        uploaded => uploads.first().map(|s| subscription_view(s)),
        interval => state.config.calendar_fetch_interval_minutes,
        max_mib => MAX_CALENDAR_BYTES / (1024 * 1024),
        error => error.map(|(field, message)| context! { field, message }),
    })
}

fn back(slug: &str, done: &str) -> Response {
    axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!(
        "/manage/t/{slug}/settings?done={done}#calendars"
    )))
}

/// A form that sends only its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    url: String,
}

/// Subscribes the territory to a calendar by URL and fetches it at once.
pub async fn add(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<AddForm>,
) -> Result<Response, PageError> {
    let refused = |message: String| Some(("calendar-url", message));
    let url = match calendar_url(&form.url) {
        Ok(url) => url,
        Err(e) => {
            let error = refused(page.lang.rule(&e.rule));
            return settings_with_calendar_error(&page, &state, &territory, error).await;
        }
    };
    if let Err(e) =
        rhizome_federation::fetch::check_url(url.as_str(), state.config.development_mode)
    {
        tracing::info!(error = %e, "calendar URL refused");
        let error = refused(
            page.lang
                .text("calendars-error-refused-address", &Default::default()),
        );
        return settings_with_calendar_error(&page, &state, &territory, error).await;
    }
    let subscription = match (state.actions)
        .subscribe_calendar(&viewer.principal, &territory, &url)
        .await
    {
        Ok(s) => s,
        Err(rhizome_node::action::ActionError::Invalid(e)) => {
            let error = refused(page.lang.rule(&e.rule));
            return settings_with_calendar_error(&page, &state, &territory, error).await;
        }
        Err(e) => return Err(e.into()),
    };
    // The first fetch now: its result or error shows on the page it returns to.
    let _ = super::refresh(&state, &subscription).await;
    Ok(back(&slug, "calendar-added"))
}

async fn own_calendar(
    state: &AppState,
    viewer: &crate::session::Viewer,
    territory: &Territory,
    id: &str,
) -> Result<CalendarSubscription, PageError> {
    let id: Uuid = id.parse().map_err(|_| not_found())?;
    Ok(state
        .actions
        .territory_calendar(&viewer.principal, territory, id)
        .await?)
}

/// Fetches a calendar now; the page shows what came of it.
pub async fn fetch_now(
    Editor {
        viewer, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Posted(_): Posted<NoFields>,
) -> Result<Response, PageError> {
    let subscription = own_calendar(&state, &viewer, &territory, &id).await?;
    if subscription.url.is_none() {
        return Err(not_found());
    }
    let _ = super::refresh(&state, &subscription).await;
    Ok(back(&slug, "calendar-fetched"))
}

/// Stops mirroring a calendar; its events are deleted (and the deletions federate).
pub async fn remove(
    Editor {
        viewer, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Posted(_): Posted<NoFields>,
) -> Result<Response, PageError> {
    let subscription = own_calendar(&state, &viewer, &territory, &id).await?;
    super::unsubscribe(&state, &viewer.principal, &territory, &subscription).await?;
    Ok(back(&slug, "calendar-removed"))
}

/// Imports an uploaded `.ics` file (multipart: `csrf` and `file`).
pub async fn upload(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Result<Response, PageError> {
    let headers = request.headers().clone();
    let refused =
        |page: &Page, key: &str| Some(("calendar-file", page.lang.text(key, &Default::default())));
    let mut form = match Multipart::from_request(request, &state).await {
        Ok(form) => form,
        Err(e) => {
            tracing::info!(error = %e, "calendar upload refused: not a multipart form");
            let error = refused(&page, "calendars-error-not-calendar");
            return settings_with_calendar_error(&page, &state, &territory, error).await;
        }
    };
    let mut csrf = None;
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == FILE_FIELD {
                    match field.bytes().await {
                        Ok(bytes) => file = Some(bytes),
                        Err(e) => {
                            tracing::info!(error = %e, "calendar upload refused");
                            let error = refused(&page, "calendars-error-too-large");
                            return settings_with_calendar_error(&page, &state, &territory, error)
                                .await;
                        }
                    }
                } else if name == "csrf" {
                    csrf = field.text().await.ok();
                }
            }
            Ok(None) => break,
            Err(e) => {
                tracing::info!(error = %e, "calendar upload refused");
                let key = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "calendars-error-too-large"
                } else {
                    "calendars-error-not-calendar"
                };
                let error = refused(&page, key);
                return settings_with_calendar_error(&page, &state, &territory, error).await;
            }
        }
    }
    page.check_form(&state, &headers, csrf.as_deref())?;
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        let error = refused(&page, "calendars-file-missing");
        return settings_with_calendar_error(&page, &state, &territory, error).await;
    };
    match super::import_upload(&state, &viewer.principal, &territory, &file).await {
        Ok(_) => Ok(back(&slug, "calendar-imported")),
        Err(failure) => {
            let key = format!("calendars-error-{}", failure.code);
            let error = refused(&page, &key);
            settings_with_calendar_error(&page, &state, &territory, error).await
        }
    }
}

//! An event's registrations, for its territory's editors
//! (`/manage/t/{slug}/events/{id}/registrations`): everyone registered (page visitors and
//! fediverse accounts) with their state and date, the waitlist in order, approve or refuse
//! those held for approval, remove one, export them as CSV, write to them all. Each change
//! is a POST form answered with a redirect, doing what the JSON API does. And the
//! visitors' personal cancel link (`/registrations/cancel/{token}`): a page with a button.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use rhizome_node::Publication;
use rhizome_node::action::ActionError;
use rhizome_node::publication::event::Event;
use rhizome_node::social::{Registration, RsvpState};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::api::registrations::{csv_of, positions, registration_json};
use crate::pages::Page;
use crate::pages::access::{Editor, Posted};
use crate::pages::error::{PageError, bad_form, not_found};
use crate::pages::public::territory_card;

/// What the page says after a change, by the `done` query parameter: only known keys.
const NOTICES: &[&str] = &["approved", "refused", "removed", "unchanged", "sent"];

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn back(slug: &str, id: Uuid, done: &str) -> Response {
    Redirect::to(&format!(
        "/manage/t/{slug}/events/{id}/registrations?done={done}"
    ))
    .into_response()
}

/// The event `id` of the editor's territory `slug`, with its registrations; an event of
/// another territory is not found here.
async fn event_of(
    state: &AppState,
    editor: &Editor,
    id: &str,
) -> Result<(Publication, Event, Vec<Registration>), PageError> {
    let id: Uuid = id.parse().map_err(|_| not_found())?;
    let (publication, territory, event, list) = state
        .actions
        .registrations(&editor.viewer.principal, id)
        .await
        .map_err(|e| match e {
            // Not an event: nothing registers there.
            ActionError::Invalid(_) => not_found(),
            other => other.into(),
        })?;
    if territory.id != editor.territory.id {
        return Err(not_found());
    }
    Ok((publication, event, list))
}

pub async fn registrations(
    editor: Editor,
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let (publication, event, list) = event_of(&state, &editor, &id).await?;
    let count = |s: RsvpState| list.iter().filter(|r| r.state == s).count();
    let rows: Vec<Value> = list
        .iter()
        .zip(positions(&list))
        .map(|(r, position)| {
            let json = registration_json(r, position);
            context! {
                participant => r.participant,
                name => json["name"].as_str().unwrap_or_default().to_owned(),
                email => r.email(),
                account => (r.email().is_none()).then_some(r.participant.clone()),
                state => r.state.as_str(),
                position,
                at => r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            }
        })
        .collect();
    let notice = done
        .done
        .as_deref()
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("reg-done-{d}"));
    Ok(editor.page.render(
        &state,
        "manage/registrations.html",
        context! {
            territory => territory_card(&state, &editor.territory),
            id => publication.id,
            title => event.title,
            when => editor.page.lang.when(&event),
            capacity => event.capacity,
            accepted => count(RsvpState::Accepted),
            pending => count(RsvpState::Pending),
            waitlisted => count(RsvpState::Waitlisted),
            registrations => rows,
            notice,
        },
    ))
}

pub async fn export(
    editor: Editor,
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (publication, _, list) = event_of(&state, &editor, &id).await?;
    let body = csv_of(&list).map_err(crate::pages::error::internal)?;
    let name = format!(
        "attachment; filename=\"registrations-{}.csv\"",
        publication.id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct Decide {
    participant: String,
    /// `accept` or `refuse`.
    decision: String,
}

pub async fn decide(
    editor: Editor,
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Posted(form): Posted<Decide>,
) -> Result<Response, PageError> {
    let accept = match form.decision.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => {
            tracing::info!(decision = %form.decision, "registration decision refused: unknown");
            return Err(bad_form("reg-bad-decision"));
        }
    };
    let (publication, _, _) = event_of(&state, &editor, &id).await?;
    let changed = state
        .actions
        .decide_registration(
            &editor.viewer.principal,
            publication.id,
            &form.participant,
            accept,
        )
        .await?;
    let done = match (changed, accept) {
        (false, _) => "unchanged",
        (true, true) => "approved",
        (true, false) => "refused",
    };
    Ok(back(&slug, publication.id, done))
}

#[derive(Deserialize)]
pub struct Remove {
    participant: String,
}

pub async fn remove(
    editor: Editor,
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Posted(form): Posted<Remove>,
) -> Result<Response, PageError> {
    let (publication, _, _) = event_of(&state, &editor, &id).await?;
    let removed = state
        .actions
        .remove_registration(&editor.viewer.principal, publication.id, &form.participant)
        .await?;
    Ok(back(
        &slug,
        publication.id,
        if removed { "removed" } else { "unchanged" },
    ))
}

#[derive(Deserialize)]
pub struct Message {
    message: String,
}

pub async fn message(
    editor: Editor,
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Posted(form): Posted<Message>,
) -> Result<Response, PageError> {
    let (publication, _, _) = event_of(&state, &editor, &id).await?;
    match state
        .actions
        .message_registrants(&editor.viewer.principal, publication.id, &form.message)
        .await
    {
        Ok(_) => Ok(back(&slug, publication.id, "sent")),
        Err(ActionError::Invalid(e)) => {
            tracing::info!(field = %e.field, rule = %e.rule, "message to registrants refused");
            Err(crate::pages::error::shown(
                StatusCode::UNPROCESSABLE_ENTITY,
                "reg-message-empty",
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The cancel link's page: what it cancels, and the button; an unknown or used link is
/// a clear 404 page.
pub async fn cancel_form(
    page: Page,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    match state.actions.cancel_link(&token).await {
        Ok(link) => page.render(
            &state,
            "registration_cancel.html",
            context! {
                token,
                event => link.event_title,
                event_id => link.event_id,
                name => link.name,
            },
        ),
        Err(e) => cancel_failed(&page, &state, e),
    }
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct Nothing {}

/// The button of the cancel page (a form of this node's, CSRF-checked like the others):
/// the registration goes and the first in line takes the place.
pub async fn cancel(
    page: Page,
    State(state): State<AppState>,
    Path(token): Path<String>,
    Posted(_): Posted<Nothing>,
) -> Response {
    match state.actions.cancel_with_link(&token).await {
        Ok(link) => page.render(
            &state,
            "registration_cancel.html",
            context! {
                done => true,
                event => link.event_title,
                event_id => link.event_id,
            },
        ),
        Err(e) => cancel_failed(&page, &state, e),
    }
}

fn cancel_failed(page: &Page, state: &AppState, e: ActionError) -> Response {
    match e {
        ActionError::NotFound | ActionError::Gone | ActionError::Invalid(_) => {
            tracing::info!("cancel link unknown or used");
            page.error(state, StatusCode::NOT_FOUND, "reg-cancel-unknown")
        }
        other => PageError::from(other).into_response(),
    }
}

//! A territory's answers, for its editors (`/manage/t/{slug}/answers`): each of its calls
//! with every answer (accept or decline), "in progress" and "close with an outcome"; the
//! answers it made to calls elsewhere and where they stand; and a form to answer a call
//! of another node by its address. Each change is a POST form answered with a redirect,
//! doing what the JSON API does.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::PublicationKind;
use rhizome_node::answer::{AnswerDraft, CallRef};
use rhizome_node::store::{Order, PublicationQuery};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::api::answers::{answer_view, answers_view};
use crate::pages::access::Editor;
use crate::pages::access::Posted;
use crate::pages::error::{PageError, not_found};
use crate::pages::public::territory_card;

/// What the page says after a change, by the `done` query parameter: only known keys.
const NOTICES: &[&str] = &["accepted", "declined", "in_progress", "closed", "sent"];

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn back(slug: &str, done: &str) -> Response {
    Redirect::to(&format!("/manage/t/{slug}/answers?done={done}")).into_response()
}

pub async fn answers(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let query = PublicationQuery {
        kind: Some(PublicationKind::Call),
        territory_id: Some(territory.id),
        order: Order::Newest,
        limit: 200,
        ..Default::default()
    };
    let mut calls = Vec::new();
    for p in state.store.publications(&query).await? {
        let rhizome_node::PublicationBody::Call(call) = &p.body else {
            continue;
        };
        let answers = answers_view(
            &state,
            Some(&viewer.principal),
            &territory,
            &CallRef::Local(p.id),
        )
        .await
        .map_err(crate::pages::error::internal)?;
        calls.push(context! {
            id => p.id,
            title => call.title,
            status => call.status,
            outcome => call.outcome,
            answers,
        });
    }
    let mut made = Vec::new();
    for a in state.store.answers_by(territory.id).await? {
        made.push(
            answer_view(&state, &a, true)
                .await
                .map_err(crate::pages::error::internal)?,
        );
    }
    let notice = done
        .done
        .as_deref()
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("answers-done-{d}"));
    Ok(page.render(
        &state,
        "manage/answers.html",
        context! {
            territory => territory_card(&state, &territory),
            calls,
            made,
            notice,
        },
    ))
}

#[derive(Deserialize)]
pub struct Decide {
    answer: String,
    /// `accept` or `decline`.
    decision: String,
}

pub async fn decide(
    Editor {
        page: _, viewer, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<Decide>,
) -> Result<Response, PageError> {
    let id: Uuid = form.answer.parse().map_err(|_| not_found())?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(crate::pages::error::bad_form("answers-bad-decision")),
    };
    (state.actions)
        .decide_answer(&viewer.principal, id, accept)
        .await?;
    Ok(back(&slug, if accept { "accepted" } else { "declined" }))
}

#[derive(Deserialize)]
pub struct CallForm {
    call: String,
    #[serde(default)]
    outcome: Option<String>,
}

pub async fn in_progress(
    Editor {
        page: _, viewer, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<CallForm>,
) -> Result<Response, PageError> {
    let id: Uuid = form.call.parse().map_err(|_| not_found())?;
    (state.actions)
        .mark_call_in_progress(&viewer.principal, id)
        .await?;
    Ok(back(&slug, "in_progress"))
}

pub async fn close(
    Editor {
        page: _, viewer, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<CallForm>,
) -> Result<Response, PageError> {
    let id: Uuid = form.call.parse().map_err(|_| not_found())?;
    let outcome = form.outcome.unwrap_or_default();
    match (state.actions)
        .close_call(&viewer.principal, id, &outcome)
        .await
    {
        Ok(_) => Ok(back(&slug, "closed")),
        Err(rhizome_node::action::ActionError::Invalid(_)) => Err(crate::pages::error::shown(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "answers-outcome-required",
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RemoteForm {
    call: String,
    message: String,
    #[serde(default)]
    offers: String,
    #[serde(default)]
    contact: String,
}

/// Answers a call of another node this node knows, by its address.
pub async fn answer_elsewhere(
    Editor {
        page: _, viewer, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<RemoteForm>,
) -> Result<Response, PageError> {
    let some = |s: String| (!s.trim().is_empty()).then_some(s);
    let draft = AnswerDraft {
        territory: Some(slug.clone()),
        message: form.message,
        offers: some(form.offers),
        contact: some(form.contact),
        ..Default::default()
    };
    match (state.actions)
        .answer_remote_call(&viewer.principal, form.call.trim(), draft)
        .await
    {
        Ok(_) => Ok(back(&slug, "sent")),
        Err(rhizome_node::action::ActionError::Invalid(_)) => Err(crate::pages::error::shown(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "answers-message-required",
        )),
        Err(rhizome_node::action::ActionError::NotFound) => Err(crate::pages::error::shown(
            axum::http::StatusCode::NOT_FOUND,
            "answers-unknown-call",
        )),
        Err(e) => Err(e.into()),
    }
}

//! Answers on the public pages: the answer form on a call's page (an editor chooses which
//! of their territories answers; a visitor gives a name and an address), the call's
//! partners, and a territory's partnerships.

use rhizome_node::answer::Refusal;

/// The catalogue key telling a person why their answer (or decision) was refused.
pub fn refusal_key(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::CallClosed => "answer-refused-closed",
        Refusal::PastDeadline => "answer-refused-deadline",
        Refusal::AnsweredTwice => "answer-refused-twice",
        Refusal::AlreadyDecided => "answer-refused-decided",
        Refusal::OwnCall => "answer-refused-own-call",
        Refusal::Forged(_) => "answer-refused-forged",
    }
}

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use rhizome_node::Territory;
use rhizome_node::action::ActionError;
use rhizome_node::answer::{AnswerDraft, CallRef, open_to_answers};
use rhizome_node::publication::Call;
use rhizome_node::publication::PublicationKind;
use serde::Deserialize;
use uuid::Uuid;

use super::Page;
use super::error::{PageError, not_found};
use crate::AppState;
use crate::api::answers::{answers_view, partnerships_view};
use crate::pages::access::Posted;
use crate::server::ClientAddress;

/// What the form sent, or what to show in it again.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct AnswerForm {
    /// The answering territory's slug; empty for a visitor.
    #[serde(default)]
    territory: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    offers: String,
    #[serde(default)]
    contact: String,
}

impl AnswerForm {
    fn draft(&self) -> AnswerDraft {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        AnswerDraft {
            territory: some(&self.territory),
            name: some(&self.name),
            email: some(&self.email),
            message: self.message.clone(),
            offers: some(&self.offers),
            contact: some(&self.contact),
        }
    }
}

/// The territories the viewer may answer for: those they edit but the call's own.
async fn answering_territories(
    state: &AppState,
    page: &Page,
    call_territory: &Territory,
) -> Result<Vec<Value>, PageError> {
    let Some(viewer) = &page.viewer else {
        return Ok(Vec::new());
    };
    Ok((state.store.territories().await?)
        .into_iter()
        .filter(|t| t.id != call_territory.id && viewer.principal.require_editor(t.id).is_ok())
        .map(|t| context! { slug => t.profile.slug, name => t.profile.name })
        .collect())
}

/// The answers part of a call's page: its partners, and the form while it takes
/// answers (with `form` and `problem` after a refused attempt).
pub async fn call_section(
    page: &Page,
    state: &AppState,
    call_id: Uuid,
    call: &Call,
    territory: &Territory,
    form: Option<&AnswerForm>,
    problem: Option<(&str, String)>,
) -> Result<Value, PageError> {
    let who = page.viewer.as_ref().map(|v| &v.principal);
    let partners = answers_view(state, None, territory, &CallRef::Local(call_id))
        .await
        .map_err(super::error::internal)?;
    let is_editor = who.is_some_and(|p| p.require_editor(territory.id).is_ok());
    let open = open_to_answers(call.status, call.deadline_end(), rhizome_node::now()).is_ok();
    Ok(context! {
        id => call_id,
        open,
        partners,
        is_editor,
        territories => answering_territories(state, page, territory).await?,
        form => form,
        field => problem.as_ref().map(|(field, _)| *field),
        error => problem.map(|(_, message)| message),
    })
}

/// A territory's partnerships, for its page.
pub async fn territory_section(
    state: &AppState,
    territory: &Territory,
) -> Result<Vec<serde_json::Value>, PageError> {
    partnerships_view(state, territory)
        .await
        .map_err(super::error::internal)
}

/// A call answered from its page: on success a page saying what happens next (held for
/// the editors, or sent); on a refusal the call's answer form again, saying why.
pub async fn answer(
    page: Page,
    State(state): State<AppState>,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
    Posted(form): Posted<AnswerForm>,
) -> Result<Response, PageError> {
    let id: Uuid = id.parse().map_err(|_| not_found())?;
    let (publication, territory) = state.actions.publication(PublicationKind::Call, id).await?;
    let rhizome_node::PublicationBody::Call(call) = &publication.body else {
        return Err(not_found());
    };
    let draft = form.draft();
    let visitor = draft.territory.is_none();
    let result = if visitor && !state.registration_limiter.allow(source) {
        tracing::warn!(call = %id, %source, "visitor answer rate-limited");
        Err(("form", "register-too-many", StatusCode::TOO_MANY_REQUESTS))
    } else {
        let who = page.viewer.as_ref().map(|v| &v.principal);
        match state.actions.answer_call(who, id, draft).await {
            Ok(_) => Ok(()),
            Err(ActionError::Invalid(e)) => {
                let field: &'static str = match e.field.as_str() {
                    "name" => "name",
                    "email" => "email",
                    "offers" => "offers",
                    "contact" => "contact",
                    "territory" => "territory",
                    _ => "message",
                };
                return show_form(
                    &page,
                    &state,
                    id,
                    call,
                    &territory,
                    &form,
                    field,
                    page.lang.rule(&e.rule),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            Err(ActionError::Refused(r)) => Err(("form", refusal_key(&r), StatusCode::CONFLICT)),
            Err(other) => return Err(other.into()),
        }
    };
    match result {
        Ok(()) => Ok(page.render(
            &state,
            "answer_sent.html",
            context! {
                call => context! { id, title => call.title.clone() },
                held => visitor,
            },
        )),
        Err((field, key, status)) => {
            let message = page.lang.text(key, &Default::default());
            show_form(
                &page, &state, id, call, &territory, &form, field, message, status,
            )
            .await
        }
    }
}

/// The answer page again with what was typed and why it was refused.
#[allow(clippy::too_many_arguments)]
async fn show_form(
    page: &Page,
    state: &AppState,
    id: Uuid,
    call: &Call,
    territory: &Territory,
    form: &AnswerForm,
    field: &str,
    message: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let answers = call_section(
        page,
        state,
        id,
        call,
        territory,
        Some(form),
        Some((field, message)),
    )
    .await?;
    Ok(page.render_status(
        state,
        status,
        "answer_sent.html",
        context! { call => context! { id, title => call.title.clone() }, answers },
    ))
}

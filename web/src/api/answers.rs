//! Answers to calls in the JSON API: answering a call here (an editor for a territory, or a
//! visitor) or elsewhere, the call's answers (all of them for its editors, its partners for
//! everyone else), decisions, and a territory's partnerships. The views built here are
//! also what the pages show.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use rhizome_node::answer::{Answer, AnswerDraft, CallRef, Responder};
use rhizome_node::publication::PublicationKind;
use rhizome_node::{Principal, PublicationBody, Territory, ValidationError};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};
use crate::server::ClientAddress;

/// Who answered, for people: a name, a link, and (for the call's editors) a visitor's
/// address.
async fn responder_view(
    state: &AppState,
    responder: &Responder,
    private: bool,
) -> Result<Value, ApiError> {
    Ok(match responder {
        Responder::LocalTerritory(id) => {
            let territory = state.store.territory(*id).await?;
            let (name, slug) = territory
                .map(|t| (t.profile.name, t.profile.slug))
                .unwrap_or_default();
            json!({"kind": "territory", "name": name, "slug": slug,
                   "url": format!("{}/t/{slug}", state.config.base_url())})
        }
        Responder::RemoteTerritory(actor_id) => remote_actor_view(state, actor_id).await?,
        Responder::Visitor { name, email } => {
            let mut v = json!({"kind": "visitor", "name": name});
            if private {
                v["email"] = json!(email);
            }
            v
        }
    })
}

/// A territory elsewhere, by its actor: its name (or handle) and profile page.
async fn remote_actor_view(state: &AppState, actor_id: &str) -> Result<Value, ApiError> {
    let actor = state.store.remote_actor(actor_id).await?;
    let name = actor
        .as_ref()
        .and_then(|a| a.name.clone().filter(|n| !n.is_empty()))
        .or_else(|| actor.as_ref().map(|a| a.handle()))
        .unwrap_or_else(|| actor_id.to_owned());
    let url = actor
        .and_then(|a| a.url)
        .unwrap_or_else(|| actor_id.to_owned());
    Ok(json!({"kind": "remote", "name": name, "actor": actor_id, "url": url}))
}

/// One answer as the API and the pages show it. `private` (the call's editors): the
/// message, the contact and a visitor's address too.
pub async fn answer_view(
    state: &AppState,
    answer: &Answer,
    private: bool,
) -> Result<Value, ApiError> {
    let mut v = json!({
        "id": answer.id,
        "call": answer.call.key(),
        "state": answer.state,
        "responder": responder_view(state, &answer.responder, private).await?,
        "offers": answer.text.offers,
        "created_at": answer.created_at,
        "decided_at": answer.decided_at,
    });
    if private {
        v["message"] = json!(answer.text.message);
        v["contact"] = json!(answer.text.contact);
        v["tell_by_mail"] = json!(answer.tell_by_mail);
    }
    Ok(v)
}

/// The call an answer is about, for people: title, page, status and outcome (a remote
/// call as this node's copy says).
async fn call_view(state: &AppState, call: &CallRef) -> Result<Option<Value>, ApiError> {
    Ok(match call {
        CallRef::Local(id) => match state.actions.publication(PublicationKind::Call, *id).await {
            Ok((p, territory)) => {
                let PublicationBody::Call(c) = &p.body else {
                    return Ok(None);
                };
                Some(json!({
                    "id": id, "title": c.title, "status": c.status, "outcome": c.outcome,
                    "url": format!("{}/calls/{id}", state.config.base_url()),
                    "territory": {"kind": "territory", "name": territory.profile.name,
                                  "slug": territory.profile.slug,
                                  "url": format!("{}/t/{}", state.config.base_url(), territory.profile.slug)},
                }))
            }
            Err(
                rhizome_node::action::ActionError::NotFound
                | rhizome_node::action::ActionError::Gone,
            ) => None,
            Err(e) => return Err(e.into()),
        },
        CallRef::Remote(id) => match state.federation.known_remote_call(id).await {
            Ok(Some(c)) => Some(json!({
                "id": c.id, "title": c.title, "status": c.status, "outcome": c.outcome,
                "url": c.url.unwrap_or_else(|| c.id.clone()),
                "territory": remote_actor_view(state, &c.actor_id).await?,
            })),
            Ok(None) => None,
            Err(e) => return Err(ApiError::Internal(e.to_string())),
        },
    })
}

/// A territory's partnerships: each accepted answer with its call and the other side
/// (the responder on the call's territory, the call's territory on the responder's).
pub async fn partnerships_view(
    state: &AppState,
    territory: &Territory,
) -> Result<Vec<Value>, ApiError> {
    let mut items = Vec::new();
    for answer in state.store.partnerships(territory.id).await? {
        let Some(call) = call_view(state, &answer.call).await? else {
            continue;
        };
        let answered_by_us = answer.responder == Responder::LocalTerritory(territory.id);
        let partner = if answered_by_us {
            call["territory"].clone()
        } else {
            responder_view(state, &answer.responder, false).await?
        };
        items.push(json!({"call": call, "partner": partner, "answered": answered_by_us}));
    }
    Ok(items)
}

/// The views of a call's answers: all of them for its editors, else its partners.
pub async fn answers_view(
    state: &AppState,
    who: Option<&Principal>,
    call_territory: &Territory,
    call: &CallRef,
) -> Result<Vec<Value>, ApiError> {
    let private = who.is_some_and(|p| p.require_editor(call_territory.id).is_ok());
    let answers = if private {
        state.store.answers_to(call).await?
    } else {
        state.actions.partners(call).await?
    };
    let mut items = Vec::with_capacity(answers.len());
    for answer in &answers {
        items.push(answer_view(state, answer, private).await?);
    }
    Ok(items)
}

/// A call's id from the path.
fn call_id(id: &str) -> Result<Uuid, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// Answers a call of this node: with a token, for the territory the body names; without
/// one (or without a territory), as a visitor with `name` and `email`, held for the
/// call's editors. Visitors' answers count against the same per-address limit as their
/// event registrations.
#[utoipa::path(
    post,
    path = "/api/v1/calls/{id}/answers",
    tag = "answers",
    params(("id" = String, Path, description = "The id (a UUID)")),
    request_body = crate::openapi::AnyObject,
    responses((status = 201, description = "The answer", body = crate::openapi::AnyObject), (status = 404, description = "No such call", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody), (status = 409, description = "Refused: closed, past its deadline, twice...", body = crate::openapi::ApiErrorBody), (status = 429, description = "Too many answers from this address", body = crate::openapi::ApiErrorBody))
)]
pub async fn create(
    auth: Option<Auth>,
    State(state): State<AppState>,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
    JsonBody(json): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let draft = AnswerDraft::parse(json)?;
    let who = auth.map(|Auth(p)| p);
    if draft.territory.is_none() && !state.registration_limiter.allow(source) {
        tracing::warn!(call = %id, %source, "visitor answer rate-limited");
        return Err(ApiError::TooManyRequests);
    }
    let answer = (state.actions)
        .answer_call(who.as_ref(), call_id(&id)?, draft)
        .await?;
    let view = answer_view(&state, &answer, true).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A call's answers: every one for its editors, its partners for anyone else.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{id}/answers",
    tag = "answers",
    params(("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 200, description = "All answers for the call's editors, its partners for anyone", body = crate::openapi::Items), (status = 404, description = "No such call", body = crate::openapi::ApiErrorBody))
)]
pub async fn list(
    auth: Option<Auth>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = call_id(&id)?;
    let (_, territory) = state.actions.publication(PublicationKind::Call, id).await?;
    let who = auth.map(|Auth(p)| p);
    let items = answers_view(&state, who.as_ref(), &territory, &CallRef::Local(id)).await?;
    Ok(Json(json!({"items": items})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub accept: bool,
}

/// The call's editors accept (`{"accept": true}`) or decline an answer.
#[utoipa::path(
    post,
    path = "/api/v1/answers/{id}/decision",
    tag = "answers",
    params(("id" = String, Path, description = "The id (a UUID)")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The decided answer", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such answer", body = crate::openapi::ApiErrorBody), (status = 409, description = "Already decided", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn decide(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(answer_id): Path<Uuid>,
    JsonBody(json): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let decision: Decision = rhizome_node::publication::parse_draft(json)?;
    let answer = (state.actions)
        .decide_answer(&principal, answer_id, decision.accept)
        .await?;
    Ok(Json(answer_view(&state, &answer, true).await?))
}

/// Answers a call of another server this node knows: the body is a draft naming the
/// answering `territory`, plus `call`, the call's ActivityPub id.
#[utoipa::path(
    post,
    path = "/api/v1/network/answers",
    tag = "answers",
    request_body = crate::openapi::AnyObject,
    responses((status = 201, description = "The answer, sent to the call's server", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn create_remote(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(mut json): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let call = json
        .as_object_mut()
        .and_then(|o| o.remove("call"))
        .and_then(|c| c.as_str().map(str::to_owned))
        .ok_or_else(|| ValidationError::new("call", "the id of the call answered is required"))?;
    let draft = AnswerDraft::parse(json)?;
    let answer = (state.actions)
        .answer_remote_call(&principal, &call, draft)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(answer_view(&state, &answer, true).await?),
    ))
}

/// Answers made by a territory (its editors): where each stands.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/answers",
    tag = "answers",
    params(("slug" = String, Path, description = "The territory's slug")),
    responses((status = 200, description = "Answers the territory made (editors)", body = crate::openapi::Items), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn of_territory(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = state.actions.editable_territory(&principal, &slug).await?;
    let mut items = Vec::new();
    for answer in state.store.answers_by(territory.id).await? {
        let mut view = answer_view(&state, &answer, true).await?;
        view["call"] = call_view(&state, &answer.call)
            .await?
            .unwrap_or_else(|| json!({"id": answer.call.key()}));
        items.push(view);
    }
    Ok(Json(json!({"items": items})))
}

/// A territory's partnerships, public.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/partners",
    tag = "answers",
    params(("slug" = String, Path, description = "The territory's slug")),
    responses((status = 200, description = "The territory's partnerships", body = crate::openapi::Items), (status = 404, description = "No such territory", body = crate::openapi::ApiErrorBody))
)]
pub async fn partners(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = state.actions.territory(&slug).await?;
    Ok(Json(
        json!({"items": partnerships_view(&state, &territory).await?}),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closing {
    pub outcome: String,
}

/// Marks a call in progress (its editors): its partners are at work.
#[utoipa::path(
    post,
    path = "/api/v1/calls/{id}/in-progress",
    tag = "answers",
    params(("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 200, description = "The call's new status", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such call", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn in_progress(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let call = (state.actions)
        .mark_call_in_progress(&principal, call_id(&id)?)
        .await?;
    Ok(Json(json!({"id": call.id, "status": status_of(&call)})))
}

/// Closes a call with its outcome (its editors).
#[utoipa::path(
    post,
    path = "/api/v1/calls/{id}/close",
    tag = "answers",
    params(("id" = String, Path, description = "The id (a UUID)")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The call's new status", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such call", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn close(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(json): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let closing: Closing = rhizome_node::publication::parse_draft(json)?;
    let call = (state.actions)
        .close_call(&principal, call_id(&id)?, &closing.outcome)
        .await?;
    Ok(Json(json!({"id": call.id, "status": status_of(&call)})))
}

fn status_of(p: &rhizome_node::Publication) -> Value {
    match &p.body {
        PublicationBody::Call(c) => json!(c.status),
        _ => Value::Null,
    }
}

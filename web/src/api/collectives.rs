//! Collectives in the JSON API: creating one (node admins), reading one (rules, members,
//! proposals with their tallies), the collectives a territory belongs to, proposing and
//! voting (editors of member territories, on any node). The views built here are also
//! what the pages show.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use rhizome_node::action::collective::CollectiveDraft;
use rhizome_node::collective::{Collective, DecisionKind, Proposal};
use rhizome_node::publication::parse_draft;
use rhizome_node::territory::{ActorRole, TerritoryDraft, TerritoryKind};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};

/// A proposal with its tally: as the collective's node counts it, or as it was last told.
pub async fn proposal_view(state: &AppState, p: &Proposal) -> Result<Value, ApiError> {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let Some(tally) = state.actions.proposal_tally(p).await? {
        v["voters"] = json!(tally.voters);
        v["approving_nodes"] = json!(tally.approving_nodes);
        v["required_nodes"] = json!(tally.required_nodes);
    }
    Ok(v)
}

/// A collective as the API and the pages show it.
pub async fn collective_view(state: &AppState, c: &Collective) -> Result<Value, ApiError> {
    let members = state.store.collective_members(&c.actor_id).await?;
    let members: Vec<Value> = members
        .iter()
        .filter(|m| m.is_current())
        .map(|m| json!({"actor": m.actor_id, "host": m.host, "admitted_at": m.admitted_at}))
        .collect();
    let mut proposals = Vec::new();
    for p in state.store.proposals(&c.actor_id).await? {
        proposals.push(proposal_view(state, &p).await?);
    }
    Ok(json!({
        "actor": c.actor_id,
        "name": c.name,
        "hosted_here": c.territory_id.is_some(),
        "rules": c.rules,
        "members": members,
        "proposals": proposals,
    }))
}

/// What an admin sends to create a collective.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    rules: rhizome_node::collective::Rules,
    members: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/collectives",
    tag = "collectives",
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The collective created (admins)", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn create(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    principal.require_admin()?;
    let body: CreateBody = parse_draft(body)?;
    let draft = TerritoryDraft {
        slug: body.slug,
        name: body.name,
        kind: TerritoryKind::Network,
        description: body.description,
        place: Default::default(),
        scale: None,
        themes: vec![],
        tags: vec![],
        languages: body.languages,
        website: None,
        contact: None,
        timezone: None,
        manually_approves_followers: false,
        inventory: Default::default(),
    };
    let profile = draft.validate(&state.config.default_timezone)?;
    let (territory, collective) = state
        .actions
        .create_collective(
            &principal,
            profile,
            CollectiveDraft {
                rules: body.rules,
                members: body.members,
            },
        )
        .await?;
    let location = format!("/api/v1/collectives/{}", territory.profile.slug);
    let mut view = collective_view(&state, &collective).await?;
    view["slug"] = json!(territory.profile.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// This node's collectives.
#[utoipa::path(
    get,
    path = "/api/v1/collectives",
    tag = "collectives",
    responses((status = 200, description = "This node's collectives", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut items = Vec::new();
    for t in state.store.actors_with_role(ActorRole::Collective).await? {
        if let Some(c) = state.store.collective_of(t.id).await? {
            let mut v = collective_view(&state, &c).await?;
            v["slug"] = json!(t.profile.slug);
            items.push(v);
        }
    }
    Ok(Json(json!({"items": items})))
}

#[utoipa::path(
    get,
    path = "/api/v1/collectives/{slug}",
    tag = "collectives",
    params(("slug" = String, Path, description = "The slug")),
    responses((status = 200, description = "Its rules, members and proposals with their tallies", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (territory, collective) = state.actions.local_collective(&slug).await?;
    let mut v = collective_view(&state, &collective).await?;
    v["slug"] = json!(territory.profile.slug);
    Ok(Json(v))
}

/// The collectives a territory of this node belongs to, here or elsewhere (this node's
/// copy of those), with their proposals and tallies.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/collectives",
    tag = "collectives",
    params(("slug" = String, Path, description = "The slug")),
    responses((status = 200, description = "The collectives a territory belongs to", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn of_territory(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = state.actions.territory(&slug).await?;
    let actor = state.actions.actor_id_of(&territory);
    let mut items = Vec::new();
    for c in state.store.collectives_with_member(&actor).await? {
        items.push(collective_view(&state, &c).await?);
    }
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalBody {
    /// The collective's actor id (absent: the one in the path).
    #[serde(default)]
    collective: Option<String>,
    /// The member territory that proposes (a slug of this node).
    territory: String,
    kind: DecisionKind,
    /// The candidate's or member's actor id, the submission's id, or the new rules.
    subject: Value,
}

async fn propose_to(
    state: &AppState,
    principal: &rhizome_node::Principal,
    collective: &str,
    body: ProposalBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let subject = match body.subject {
        Value::String(s) => s,
        other if body.kind == DecisionKind::ChangeRules => other.to_string(),
        _ => {
            return Err(rhizome_node::ValidationError::new("subject", "must be a text").into());
        }
    };
    match state
        .actions
        .propose(principal, collective, &body.territory, body.kind, &subject)
        .await?
    {
        Some(p) => Ok((StatusCode::CREATED, Json(proposal_view(state, &p).await?))),
        None => Ok((StatusCode::ACCEPTED, Json(json!({"sent": true})))),
    }
}

/// A proposal to a collective of this node.
#[utoipa::path(
    post,
    path = "/api/v1/collectives/{slug}/proposals",
    tag = "collectives",
    params(("slug" = String, Path, description = "The slug")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The proposal opened", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn propose_here(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let body: ProposalBody = parse_draft(body)?;
    let (_, collective) = state.actions.local_collective(&slug).await?;
    propose_to(&state, &principal, &collective.actor_id, body).await
}

/// A proposal to any collective a territory of this node belongs to (`collective`: its
/// actor id); sent to the collective's node when elsewhere (`202`).
#[utoipa::path(
    post,
    path = "/api/v1/proposals",
    tag = "collectives",
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The proposal opened here, or sent to the collective's node (202)", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn propose(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let body: ProposalBody = parse_draft(body)?;
    let collective = body
        .collective
        .clone()
        .ok_or_else(|| rhizome_node::ValidationError::new("collective", "missing field"))?;
    propose_to(&state, &principal, &collective, body).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteBody {
    /// The proposal's id (its `Question`'s).
    proposal: String,
    /// The member territory whose one vote this is (a slug of this node).
    territory: String,
    vote: VoteChoice,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum VoteChoice {
    Approve,
    Refuse,
}

/// A member territory's vote, on any node (counted there or sent to the collective).
#[utoipa::path(
    post,
    path = "/api/v1/votes",
    tag = "collectives",
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The vote counted here, or sent", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn vote(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let body: VoteBody = parse_draft(body)?;
    let p = state
        .actions
        .vote(
            &principal,
            &body.proposal,
            &body.territory,
            body.vote == VoteChoice::Approve,
        )
        .await?;
    Ok(Json(proposal_view(&state, &p).await?))
}

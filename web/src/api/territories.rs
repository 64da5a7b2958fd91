//! Territories: anyone reads them; a node admin creates them; their editors change them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use rhizome_node::publication::parse_draft;
use rhizome_node::territory::{TerritoryDraft, TerritoryProfile};
use rhizome_node::{Territory, ValidationError};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};

pub fn view(state: &AppState, t: &Territory) -> Value {
    let mut v = serde_json::to_value(t).unwrap_or_default();
    v["url"] = json!(format!("{}/t/{}", state.config.base_url(), t.profile.slug));
    v["handle"] = json!(format!("@{}@{}", t.profile.slug, state.config.domain));
    v
}

pub async fn find(state: &AppState, slug: &str) -> Result<Territory, ApiError> {
    state
        .store
        .territory_by_slug(slug)
        .await?
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(
    get,
    path = "/api/v1/territories",
    tag = "territories",
    responses((status = 200, description = "Every territory of this node", body = crate::openapi::TerritoryList))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = state
        .store
        .territories()
        .await?
        .iter()
        .map(|t| view(&state, t))
        .collect();
    Ok(Json(json!({"items": items})))
}

#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}",
    tag = "territories",
    params(("slug" = String, Path, description = "The territory's slug")),
    responses((status = 200, description = "The territory", body = crate::openapi::TerritoryView), (status = 404, description = "No such territory", body = crate::openapi::ApiErrorBody))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(view(&state, &find(&state, &slug).await?)))
}

#[utoipa::path(
    post,
    path = "/api/v1/territories",
    tag = "territories",
    request_body = crate::openapi::AnyObject,
    responses((status = 201, description = "Created (node admins)", body = crate::openapi::TerritoryView), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody), (status = 409, description = "The slug is taken", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn create(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    principal.require_admin()?;
    let draft: TerritoryDraft = parse_draft(body)?;
    let territory = Territory::new(draft.validate(&state.config.default_timezone)?);
    state.store.insert_territory(&territory).await?;
    tracing::info!(slug = %territory.profile.slug, "territory created");
    let location = format!("/api/v1/territories/{}", territory.profile.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view(&state, &territory)),
    ))
}

/// JSON merge patch on the territory's profile; the slug is its identity and stays.
#[utoipa::path(
    patch,
    path = "/api/v1/territories/{slug}",
    tag = "territories",
    params(("slug" = String, Path, description = "The territory's slug")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The edited territory (JSON merge patch)", body = crate::openapi::TerritoryView), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn update(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(patch): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let territory = find(&state, &slug).await?;
    principal.require_editor(territory.id)?;
    let profile = patched_profile(&state, &territory, &patch)?;
    let edited = (state.actions)
        .edit_territory(&principal, &territory, profile)
        .await?;
    Ok(Json(view(&state, &edited)))
}

/// The profile a JSON merge patch makes of the territory's, validated: the one set of
/// rules for the API and the settings page.
pub fn patched_profile(
    state: &AppState,
    territory: &Territory,
    patch: &Value,
) -> Result<TerritoryProfile, ValidationError> {
    let mut json = serde_json::to_value(TerritoryDraft::from(territory.profile.clone()))
        .map_err(|e| ValidationError::new("", e.to_string()))?;
    json_patch::merge(&mut json, patch);
    let draft: TerritoryDraft = parse_draft(json)?;
    if draft.slug != territory.profile.slug {
        return Err(ValidationError::new(
            "slug",
            "cannot be changed: it is the territory's address",
        ));
    }
    draft.validate(&state.config.default_timezone)
}

/// Who follows the territory from the fediverse, with pending requests (editors only).
#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/followers",
    tag = "territories",
    params(("slug" = String, Path, description = "The territory's slug")),
    responses((status = 200, description = "Followers and pending requests (editors)", body = crate::openapi::Items), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn followers(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = find(&state, &slug).await?;
    principal.require_editor(territory.id)?;
    let followers = state.store.followers(territory.id, 10_000, 0).await?;
    let items: Vec<Value> = followers
        .iter()
        .map(|f| json!({"actor": f.actor_id, "state": f.state, "since": f.created_at}))
        .collect();
    Ok(Json(json!({"items": items})))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowDecision {
    actor: String,
    approve: bool,
}

/// Approve or refuse a pending follow request (territories that approve followers by hand).
#[utoipa::path(
    post,
    path = "/api/v1/territories/{slug}/followers",
    tag = "territories",
    params(("slug" = String, Path, description = "The territory's slug")),
    request_body = crate::openapi::AnyObject,
    responses((status = 204, description = "Approved or refused"), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory or follow request", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn decide_follower(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    let territory = find(&state, &slug).await?;
    principal.require_editor(territory.id)?;
    let decision: FollowDecision = parse_draft(body)?;
    (state.actions)
        .decide_follower(&principal, &territory, &decision.actor, decision.approve)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

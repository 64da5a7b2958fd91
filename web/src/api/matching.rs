//! Matching in the JSON API: `GET /api/v1/calls/{id}/suggestions` (what could answer a
//! call the node stores, or the needs an offer could serve) and `GET
//! /api/v1/network/matching` (every open need the node knows with its best suggestions,
//! filtered by theme, place and language).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use rhizome_node::action::matching::{BoardFilter, CallSuggestions, Match, Suggested};
use rhizome_node::theme::Theme;
use serde::Deserialize;
use serde_json::{Value, json};

use super::network::item_json;
use crate::AppState;
use crate::error::ApiError;

/// Suggestions for one call, unless asked for fewer.
pub const DEFAULT_SUGGESTIONS: usize = 10;
/// The most suggestions one call may ask for.
const MAX_SUGGESTIONS: usize = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestionParams {
    pub limit: Option<usize>,
}

/// The matching board's filters, as the API and the page take them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardParams {
    pub theme: Option<String>,
    /// Needs for this age group (or for everyone).
    pub age_group: Option<String>,
    pub language: Option<String>,
    /// `lat,lon,km`: needs whose place is within it.
    pub near: Option<String>,
    /// How many needs (default 20, at most 100).
    pub limit: Option<usize>,
    /// Suggestions per need (default 3, at most 10).
    pub per_need: Option<usize>,
}

impl BoardParams {
    /// The filter they ask for; an error names the parameter.
    pub fn filter(&self) -> Result<BoardFilter, ApiError> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let theme = match given(&self.theme) {
            Some(t) => Some(
                Theme::from_slug(&t)
                    .ok_or_else(|| ApiError::BadRequest(format!("theme: unknown theme {t:?}")))?,
            ),
            None => None,
        };
        Ok(BoardFilter {
            theme,
            age_group: crate::api::network::age_group_param(given(&self.age_group).as_deref())?,
            near: crate::feeds::near_param(given(&self.near).as_deref())?,
            language: given(&self.language),
            per_need: self.per_need.unwrap_or(3).clamp(1, 10),
            limit: self.limit.unwrap_or(20).clamp(1, 100),
        })
    }
}

/// The local call's uuid, or a remote call's object URL (percent-encoded in the path).
#[utoipa::path(
    get,
    path = "/api/v1/calls/{id}/suggestions",
    tag = "matching",
    params(("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 200, description = "Calls and territories that may answer this one", body = crate::openapi::AnyObject), (status = 404, description = "No such call", body = crate::openapi::ApiErrorBody))
)]
pub async fn suggestions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<SuggestionParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let limit = params
        .limit
        .unwrap_or(DEFAULT_SUGGESTIONS)
        .clamp(1, MAX_SUGGESTIONS);
    let found = state
        .actions
        .suggestions_for_call(&state.matcher(), &id, rhizome_node::now(), limit)
        .await?;
    let territories = state.store.territories().await?;
    Ok(Json(call_json(&state, &territories, &found)))
}

#[utoipa::path(
    get,
    path = "/api/v1/network/matching",
    tag = "matching",
    responses((status = 200, description = "Needs and offers across the network", body = crate::openapi::AnyObject), (status = 400, description = "A bad filter", body = crate::openapi::ApiErrorBody))
)]
pub async fn board(
    State(state): State<AppState>,
    params: Result<Query<BoardParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let filter = params.filter()?;
    let board = state
        .actions
        .matching_board(&state.matcher(), &filter, rhizome_node::now())
        .await?;
    let territories = state.store.territories().await?;
    let needs: Vec<Value> = board
        .iter()
        .map(|c| call_json(&state, &territories, c))
        .collect();
    Ok(Json(json!({ "needs": needs })))
}

fn call_json(
    state: &AppState,
    territories: &[rhizome_node::Territory],
    found: &CallSuggestions,
) -> Value {
    let suggestions: Vec<Value> = found
        .suggestions
        .iter()
        .filter_map(|m| match_json(state, territories, m))
        .collect();
    json!({
        "call": item_json(state, territories, &found.call),
        "suggesting": if found.asks { "offers" } else { "needs" },
        "suggestions": suggestions,
    })
}

fn match_json(
    state: &AppState,
    territories: &[rhizome_node::Territory],
    m: &Match,
) -> Option<Value> {
    let vocabulary = state.matcher().vocabulary;
    let why = &m.why;
    let reasons = json!({
        "concepts": why.shared_concepts.iter().map(|c| vocabulary.concept(*c).name.clone()).collect::<Vec<_>>(),
        "themes": why.shared_themes,
        "distance_km": why.distance_km.map(|d| (d * 10.0).round() / 10.0),
        "same_language": why.same_language,
    });
    let (kind, item) = match &m.suggested {
        Suggested::Listing(l) => ("publication", item_json(state, territories, l)?),
        Suggested::Inventory { owner, entry } => (
            "inventory",
            json!({
                "territory": {
                    "id": match &owner.node {
                        Some(_) => owner.id.clone(),
                        None => state.federation.urls.territory(&owner.id),
                    },
                    "name": owner.name,
                    "node": owner.node.as_deref().unwrap_or(&state.config.domain),
                    "local": owner.node.is_none(),
                },
                "entry": entry,
            }),
        ),
    };
    Some(json!({"kind": kind, "score": why.score, "reasons": reasons, "item": item}))
}

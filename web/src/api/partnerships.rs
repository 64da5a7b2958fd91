//! Partnerships between territories and the map of links in the JSON API: a territory's
//! partnerships (the active ones for everyone, all of them for its editors), offering,
//! accepting, refusing and ending one; the network's public links as JSON and GeoJSON.
//! The views built here are also what the pages show.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rhizome_node::links::{LinkFilter, LinkKind, NetworkLinks};
use rhizome_node::partnership::{Partnership, PartnershipDraft};
use rhizome_node::publication::partner::TerritoryRef;
use rhizome_node::theme::Theme;
use rhizome_node::{Principal, Territory, ValidationError};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};
use crate::pages::named_territories as named;

/// One partnership seen from `territory`: the other side named and linked, who offered,
/// where it stands, its themes and description.
pub async fn partnership_view(
    state: &AppState,
    territory: &Territory,
    p: &Partnership,
) -> Result<Value, ApiError> {
    let other = p.other_side(territory.id).clone();
    let partner = named(state, std::slice::from_ref(&other))
        .await?
        .pop()
        .map(|n| json!({"name": n.name, "url": n.href, "remote": n.remote}))
        .unwrap_or_default();
    Ok(json!({
        "id": p.id,
        "state": p.state,
        "offered_by_us": p.offerer == TerritoryRef::Local(territory.id),
        "partner": partner,
        "partner_ref": other,
        "themes": p.terms.themes,
        "description": p.terms.description,
        "created_at": p.created_at,
        "decided_at": p.decided_at,
        "ended_at": p.ended_at,
    }))
}

/// A territory's partnerships: every one for its editors (`private`), else the active
/// ones.
pub async fn partnerships_view(
    state: &AppState,
    territory: &Territory,
    private: bool,
) -> Result<Vec<Value>, ApiError> {
    let partnerships = if private {
        state.store.partnerships_of(territory.id).await?
    } else {
        state.actions.public_partnerships(territory.id).await?
    };
    let mut items = Vec::with_capacity(partnerships.len());
    for p in &partnerships {
        items.push(partnership_view(state, territory, p).await?);
    }
    Ok(items)
}

fn is_editor(who: Option<&Principal>, territory: &Territory) -> bool {
    who.is_some_and(|p| p.require_editor(territory.id).is_ok())
}

/// `GET /api/v1/territories/{slug}/partnerships`.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/partnerships",
    tag = "partnerships",
    params(("slug" = String, Path, description = "The slug")),
    responses((status = 200, description = "Its partnerships (active ones for everyone, all for its editors)", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn list(
    auth: Option<Auth>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = state.actions.territory(&slug).await?;
    let who = auth.map(|Auth(p)| p);
    let private = is_editor(who.as_ref(), &territory);
    Ok(Json(
        json!({"items": partnerships_view(&state, &territory, private).await?}),
    ))
}

/// `POST /api/v1/territories/{slug}/partnerships`: offers one (`partner`, `themes`,
/// `description`).
#[utoipa::path(
    post,
    path = "/api/v1/territories/{slug}/partnerships",
    tag = "partnerships",
    params(("slug" = String, Path, description = "The slug")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The partnership offered", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn offer(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(json): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let draft = PartnershipDraft::parse(json)?;
    let p = state
        .actions
        .offer_partnership(&principal, &slug, draft)
        .await?;
    let territory = state.actions.territory(&slug).await?;
    Ok((
        StatusCode::CREATED,
        Json(partnership_view(&state, &territory, &p).await?),
    ))
}

/// `POST /api/v1/territories/{slug}/partnerships/{id}/{accept|refuse|end}`.
#[utoipa::path(
    post,
    path = "/api/v1/territories/{slug}/partnerships/{id}/{verb}",
    tag = "partnerships",
    params(("slug" = String, Path, description = "The slug"), ("id" = String, Path, description = "The id (a UUID)"), ("verb" = String, Path, description = "accept, refuse or end")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The partnership accepted, refused or ended", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn change(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path((slug, id, verb)): Path<(String, Uuid, String)>,
) -> Result<Json<Value>, ApiError> {
    let actions = &state.actions;
    let p = match verb.as_str() {
        "accept" => {
            actions
                .answer_partnership(&principal, &slug, id, true)
                .await?
        }
        "refuse" => {
            actions
                .answer_partnership(&principal, &slug, id, false)
                .await?
        }
        "end" => actions.end_partnership(&principal, &slug, id).await?,
        _ => return Err(ApiError::NotFound),
    };
    let territory = state.actions.territory(&slug).await?;
    Ok(Json(partnership_view(&state, &territory, &p).await?))
}

/// The query of the links endpoints and of `/map`: `kind` and `theme`, each optional.
#[derive(Debug, Default, Deserialize)]
pub struct LinkParams {
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
}

/// A query parameter given and not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl LinkParams {
    /// The filter asked for; an unknown kind or theme names its parameter.
    pub fn filter(&self) -> Result<LinkFilter, ValidationError> {
        Ok(LinkFilter {
            kind: match given(&self.kind) {
                Some(k) => Some(
                    LinkKind::from_slug(k)
                        .ok_or_else(|| ValidationError::new("kind", "unknown kind of link"))?,
                ),
                None => None,
            },
            theme: match given(&self.theme) {
                Some(t) => Some(
                    Theme::from_slug(t)
                        .ok_or_else(|| ValidationError::new("theme", "unknown theme"))?,
                ),
                None => None,
            },
        })
    }
}

/// The network's links the query admits.
pub async fn network_links(
    state: &AppState,
    params: &LinkParams,
) -> Result<NetworkLinks, ApiError> {
    Ok(state.actions.network_links(&params.filter()?).await?)
}

/// `GET /api/v1/links`: every public link the node knows, with its territories.
#[utoipa::path(
    get,
    path = "/api/v1/links",
    tag = "partnerships",
    responses((status = 200, description = "The network's public links and the territories they join", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn links(
    State(state): State<AppState>,
    Query(params): Query<LinkParams>,
) -> Result<Json<Value>, ApiError> {
    let found = network_links(&state, &params).await?;
    let territories: Vec<_> = found.territories.values().collect();
    Ok(Json(
        json!({"items": found.links, "territories": territories}),
    ))
}

/// The links whose two ends have coordinates, as GeoJSON `LineString`s (longitude first).
pub fn geojson(found: &NetworkLinks) -> Value {
    let features: Vec<Value> = found
        .links
        .iter()
        .filter_map(|l| {
            let end = |id: &str| {
                let t = found.territories.get(id)?;
                Some((t, t.longitude?, t.latitude?))
            };
            let ((from, x1, y1), (to, x2, y2)) = (end(&l.from)?, end(&l.to)?);
            Some(json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[x1, y1], [x2, y2]]},
                "properties": {
                    "kind": l.kind, "themes": l.themes, "label": l.label,
                    "from": l.from, "to": l.to, "from_name": from.name, "to_name": to.name,
                },
            }))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// `GET /api/v1/links.geojson`.
#[utoipa::path(
    get,
    path = "/api/v1/links.geojson",
    tag = "partnerships",
    responses((status = 200, description = "The links as a GeoJSON FeatureCollection of LineStrings", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn links_geojson(
    State(state): State<AppState>,
    Query(params): Query<LinkParams>,
) -> Result<Response, ApiError> {
    let found = network_links(&state, &params).await?;
    let mut response = Json(geojson(&found)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(response)
}

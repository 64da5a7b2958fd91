//! Recurring series in the API: publishing one (an event draft with a `recurrence`),
//! reading and deleting it, and the `scope` of an edit or a deletion of one occurrence.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use rhizome_node::action::{Draft, PastEvents, SeriesScope};
use rhizome_node::publication::PublicationKind;
use rhizome_node::publication::series::Series;
use rhizome_node::{Principal, Territory};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::publications::view;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Auth;

/// `?scope=this|following|all` on an occurrence's `PATCH` and `DELETE`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeParams {
    scope: Option<String>,
}

/// The scope asked for (`this` when none), or a 400 naming the parameter.
pub fn scope_of(
    params: Result<Query<ScopeParams>, QueryRejection>,
) -> Result<Option<SeriesScope>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    params
        .scope
        .map(|s| {
            SeriesScope::parse(&s).ok_or_else(|| {
                ApiError::BadRequest(format!("scope must be this, following or all, not {s:?}"))
            })
        })
        .transpose()
}

/// Publishes a series from an event draft carrying `recurrence`: 201 with the first
/// occurrence (its `series` names the series) and the series' API URL in `Location`.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    territory: &Territory,
    json: Value,
) -> Result<(StatusCode, [(header::HeaderName, String); 1], Json<Value>), ApiError> {
    let draft = Draft {
        kind: PublicationKind::Event,
        json,
        past_events: PastEvents::Allowed,
    };
    let horizon = state.config.series_horizon(rhizome_node::now());
    let (series, published) = (state.actions)
        .publish_series(principal, territory, draft, horizon)
        .await?;
    let first = published
        .first()
        .ok_or_else(|| ApiError::Internal(format!("series {} published no date", series.id)))?;
    let mut body = view(state, first, &territory.profile.slug);
    body["occurrences"] = json!(published.len());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/series/{}", series.id))],
        Json(body),
    ))
}

fn series_view(
    state: &AppState,
    s: &Series,
    territory: &Territory,
    occurrences: Vec<Value>,
) -> Value {
    json!({
        "id": s.id,
        "url": format!("{}/series/{}", state.config.base_url(), s.id),
        "territory": territory.profile.slug,
        "recurrence": s.recurrence,
        "event": s.template,
        "occurrences": occurrences,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    })
}

async fn find(state: &AppState, id: &str) -> Result<(Series, Territory), ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(state.actions.series(id).await?)
}

/// A series, its rule and its stored occurrences (id, URL, start, status, whether edited
/// on its own), soonest first.
#[utoipa::path(
    get,
    path = "/api/v1/series/{id}",
    tag = "publications",
    params(("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 200, description = "A recurring series and its occurrences", body = crate::openapi::AnyObject), (status = 404, description = "No such series", body = crate::openapi::ApiErrorBody))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (series, territory) = find(&state, &id).await?;
    let occurrences = state
        .store
        .occurrences(series.id)
        .await?
        .into_iter()
        .filter(|p| p.deleted_at.is_none())
        .map(|p| {
            let status = match &p.body {
                rhizome_node::PublicationBody::Event(e) => json!(e.status),
                _ => Value::Null,
            };
            json!({
                "id": p.id,
                "url": format!("{}/events/{}", state.config.base_url(), p.id),
                "starts_at": p.body.starts_at(),
                "recurrence_id": p.series.map(|l| l.recurrence_id),
                "exception": p.series.is_some_and(|l| l.exception),
                "status": status,
            })
        })
        .collect();
    Ok(Json(series_view(&state, &series, &territory, occurrences)))
}

/// Deletes a series: its occurrences not yet begun are deleted and federated as such.
#[utoipa::path(
    delete,
    path = "/api/v1/series/{id}",
    tag = "publications",
    params(("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 204, description = "The series and its occurrences deleted"), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such series", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn delete(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (series, territory) = find(&state, &id).await?;
    (state.actions)
        .delete_series(&principal, &territory, &series)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The calendars of a territory in the JSON API (its editors only): list, subscribe by
//! URL (fetched at once), fetch now, remove. The same use cases as the settings page.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use rhizome_node::action::calendars::calendar_url;
use rhizome_node::store::calendars::CalendarSubscription;
use rhizome_node::{Principal, Territory, ValidationError};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::api::territories::find;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/territories/{slug}/calendars",
            get(list).post(subscribe),
        )
        .route("/api/v1/calendars/{id}", axum::routing::delete(remove))
        .route("/api/v1/calendars/{id}/fetch", post(fetch))
}

fn view(s: &CalendarSubscription) -> Value {
    json!({
        "id": s.id,
        "url": s.url,
        "fetched_at": s.fetched_at,
        "succeeded_at": s.succeeded_at,
        "error": s.last_error.as_ref().map(|code| json!({"code": code, "detail": s.last_error_detail})),
        "report": s.report,
        "mirrored": s.mirrored,
    })
}

async fn editable(state: &AppState, who: &Principal, slug: &str) -> Result<Territory, ApiError> {
    let territory = find(state, slug).await?;
    who.require_editor(territory.id)?;
    Ok(territory)
}

async fn list(
    Auth(who): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = editable(&state, &who, &slug).await?;
    let all = state.store.calendar_subscriptions(territory.id).await?;
    Ok(Json(
        json!({"items": all.iter().map(view).collect::<Vec<_>>()}),
    ))
}

async fn subscribe(
    Auth(who): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let territory = editable(&state, &who, &slug).await?;
    let typed = body
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| ValidationError::new("url", "needs a calendar address"))?;
    let url = calendar_url(typed)?;
    rhizome_federation::fetch::check_url(url.as_str(), state.config.development_mode).map_err(
        |e| {
            tracing::info!(error = %e, "calendar URL refused");
            ValidationError::new(
                "url",
                "is not fetched by this node (private address, IP, port or http)",
            )
        },
    )?;
    let subscription = state
        .actions
        .subscribe_calendar(&who, &territory, &url)
        .await?;
    let _ = super::refresh(&state, &subscription).await;
    let stored = state
        .store
        .calendar_subscription(subscription.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(view(&stored))))
}

async fn own(
    state: &AppState,
    who: &Principal,
    id: &str,
) -> Result<(CalendarSubscription, Territory), ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let subscription = state
        .store
        .calendar_subscription(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let territory = state
        .store
        .territory(subscription.territory_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    who.require_editor(territory.id)?;
    Ok((subscription, territory))
}

async fn fetch(
    Auth(who): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (subscription, _) = own(&state, &who, &id).await?;
    if subscription.url.is_none() {
        return Err(ApiError::NotFound);
    }
    let _ = super::refresh(&state, &subscription).await;
    let stored = state
        .store
        .calendar_subscription(subscription.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&stored)))
}

async fn remove(
    Auth(who): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (subscription, territory) = own(&state, &who, &id).await?;
    let deleted = super::unsubscribe(&state, &who, &territory, &subscription).await?;
    Ok(Json(json!({"deleted": deleted})))
}

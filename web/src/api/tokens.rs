//! API tokens: a script trades a username and password for a bearer token.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rhizome_node::ApiToken;
use rhizome_node::publication::parse_draft;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};
use crate::server::ClientAddress;
use crate::session::{self, LoginRefused};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    username: String,
    password: String,
    #[serde(default)]
    name: Option<String>,
}

/// A password check like the login form's: the same limiter, the same hashing pool.
#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    request_body = crate::openapi::LoginRequest,
    responses((status = 201, description = "The token, shown once", body = crate::openapi::TokenCreated), (status = 401, description = "Wrong name or password", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody), (status = 429, description = "Too many attempts", body = crate::openapi::ApiErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    ClientAddress(source): ClientAddress,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let login: Login = parse_draft(body)?;
    let member = session::check_login(&state, source, &login.username, &login.password)
        .await
        .map_err(|refused| match refused {
            LoginRefused::Wrong => ApiError::Unauthorized,
            LoginRefused::TooMany(_) => ApiError::TooManyRequests,
            LoginRefused::Store(e) => e.into(),
        })?;
    let (token, record) = ApiToken::issue(member.id, login.name.as_deref().unwrap_or("api"));
    state.store.insert_token(&record).await?;
    tracing::info!(username = %member.username, "API token issued");
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": token, "username": member.username})),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "tokens",
    responses((status = 200, description = "Who the token belongs to", body = crate::openapi::Me), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn me(
    Auth(principal): Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    let mut territories = Vec::new();
    for id in &principal.editor_of {
        if let Some(t) = state.store.territory(*id).await? {
            territories.push(t.profile.slug);
        }
    }
    Ok(Json(json!({
        "username": principal.member.username,
        "is_admin": principal.member.is_admin,
        "editor_of": territories,
    })))
}

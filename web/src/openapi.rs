//! The OpenAPI document of the JSON API under `/api/v1`, generated with `utoipa` from the
//! handlers' annotations and the types they answer with; served at
//! `/api/v1/openapi.json`.

use axum::Json;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(info(title = "Rhizome API", description = "The JSON API of a Rhizome node."))]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(document))
}

async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

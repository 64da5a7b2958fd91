//! The OpenAPI document of the JSON API under `/api/v1`, generated with `utoipa` from the
//! handlers' `#[utoipa::path]` annotations (in `api/*.rs`) and the types they answer with
//! (the domain's, derived in `rhizome-node`, and the views below); served at
//! `/api/v1/openapi.json`.

use axum::Json;
use axum::Router;
use axum::routing::get;
use rhizome_node::{Publication, Territory};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::AppState;

/// A territory as the API shows it: its stored fields, its page and its handle.
#[derive(Serialize, ToSchema)]
pub struct TerritoryView {
    #[serde(flatten)]
    pub territory: Territory,
    /// Its page (`https://node.example/t/fablab`), also its ActivityPub id.
    pub url: String,
    /// `@fablab@node.example`.
    pub handle: String,
}

/// An event, resource or call as the API shows it: its stored fields (`kind` says which),
/// its territory's slug, its page and its text as safe HTML.
#[derive(Serialize, ToSchema)]
pub struct PublicationView {
    #[serde(flatten)]
    pub publication: Publication,
    pub territory: String,
    pub url: String,
    pub html: String,
}

#[derive(Serialize, ToSchema)]
pub struct TerritoryList {
    pub items: Vec<TerritoryView>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicationList {
    pub items: Vec<PublicationView>,
}

/// A list whose items this document does not detail (answers, followers, listings...).
#[derive(Serialize, ToSchema)]
pub struct Items {
    pub items: Vec<serde_json::Value>,
}

/// Every refusal: `error` is a stable code (`invalid`, `not_found`, `unauthorized`...);
/// `field` names the JSON path a rule was broken at (422), `reason` a refusal (409).
#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    pub error: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /api/v1/tokens`: a member's name and password, and a name for the token.
#[derive(Serialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub name: Option<String>,
}

/// A new token, shown once.
#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    pub token: String,
    pub username: String,
}

/// Who a token belongs to.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub is_admin: bool,
    /// Slugs of the territories they may edit.
    pub editor_of: Vec<String>,
}

/// A JSON object this document does not detail (a draft, a merge patch, a view).
#[derive(Serialize, ToSchema)]
#[schema(value_type = Object)]
pub struct AnyObject(serde_json::Map<String, serde_json::Value>);

/// Bearer tokens, from `POST /api/v1/tokens` or `rhizome admin create-token`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Rhizome API", description = "The JSON API of a Rhizome node: territories, their events, resources and calls, answers, registrations and the network views. Errors are `ApiErrorBody`."),
    modifiers(&BearerToken),
    paths(
        crate::api::tokens::create,
        crate::api::tokens::me,
        crate::api::territories::list,
        crate::api::territories::create,
        crate::api::territories::show,
        crate::api::territories::update,
        crate::api::territories::followers,
        crate::api::territories::decide_follower,
        crate::api::network::following,
        crate::api::network::follow,
        crate::api::network::unfollow,
        crate::api::network::directory,
        crate::api::network::subscriptions,
        crate::api::network::subscribe,
        crate::api::network::archive,
        crate::api::network::view,
        crate::api::answers::list,
        crate::api::answers::create,
        crate::api::answers::decide,
        crate::api::answers::create_remote,
        crate::api::answers::of_territory,
        crate::api::answers::partners,
        crate::api::answers::in_progress,
        crate::api::answers::close,
        crate::api::matching::suggestions,
        crate::api::matching::board,
        crate::api::registrations::list,
        crate::api::registrations::decide,
        crate::api::registrations::message,
        crate::api::publications::list,
        crate::api::publications::list_of_territory,
        crate::api::publications::create,
        crate::api::publications::show,
        crate::api::publications::update,
        crate::api::publications::delete,
        crate::api::publications::comments,
        crate::api::publications::hide_comment,
        crate::api::series::show,
        crate::api::series::delete,
        crate::api::collectives::list,
        crate::api::collectives::create,
        crate::api::collectives::show,
        crate::api::collectives::propose_here,
        crate::api::collectives::propose,
        crate::api::collectives::vote,
        crate::api::collectives::of_territory,
        crate::api::partnerships::list,
        crate::api::partnerships::offer,
        crate::api::partnerships::change,
        crate::api::partnerships::links,
        crate::api::partnerships::links_geojson,
        crate::api::festivals::list,
        crate::api::festivals::create,
        crate::api::festivals::show,
        crate::api::festivals::submissions,
        crate::api::festivals::submit_here,
        crate::api::festivals::submit,
        crate::api::festivals::decide,
        crate::api::festivals::withdraw,
        crate::api::festivals::of_territory,
    ),
    components(schemas(TerritoryView, PublicationView, TerritoryList, PublicationList, Items, ApiErrorBody, LoginRequest, TokenCreated, Me, AnyObject))
)]
pub struct ApiDoc;

/// The document: generated, then with no schema closed to unknown properties. The
/// domain's drafts refuse unknown fields (`deny_unknown_fields`), which `utoipa` writes
/// as `additionalProperties: false`; the API's answers are those types plus a few fields
/// of their view (`url`, `html`...), and may grow, so answers are never closed.
pub fn document() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    open_schemas(&mut document);
    document
}

fn open_schemas(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("additionalProperties") == Some(&serde_json::Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            map.values_mut().for_each(open_schemas);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(open_schemas),
        _ => {}
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(serve))
}

async fn serve() -> Json<serde_json::Value> {
    Json(document())
}

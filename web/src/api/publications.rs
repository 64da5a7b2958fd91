//! Events, resources and calls share one set of handlers; the path names the kind.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use rhizome_node::action::{Draft, PastEvents};
use rhizome_node::listing::{ListingQuery, Origin};
use rhizome_node::publication::PublicationKind;
use rhizome_node::{Publication, PublicationBody, Territory};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::network::FilterParams;
use super::territories::find as find_territory;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};

/// The kind a collection segment names (`events`, `resources`, `calls`).
pub fn kind_of_collection(collection: &str) -> Result<PublicationKind, ApiError> {
    PublicationKind::from_segment(collection).ok_or(ApiError::NotFound)
}

/// The API form of a publication: its fields, where it lives, and its text as safe HTML.
pub fn view(state: &AppState, p: &Publication, territory_slug: &str) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    let markdown = match &p.body {
        PublicationBody::Event(e) => &e.description,
        PublicationBody::Resource(r) => &r.body,
        PublicationBody::Call(c) => &c.description,
    };
    v["territory"] = json!(territory_slug);
    v["url"] = json!(format!(
        "{}/{}/{}",
        state.config.base_url(),
        p.body.kind().segment(),
        p.id
    ));
    v["html"] = json!(rhizome_node::markdown::to_html(markdown));
    v
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    territory: Option<String>,
    /// Events and calls: only those still current (default). `false` lists all.
    #[serde(default = "yes")]
    current: bool,
    #[serde(default = "default_limit")]
    limit: i64,
    #[serde(default)]
    offset: i64,
    // The network lists' filters, read by the same `FilterParams` (see `network.rs`).
    age_group: Option<String>,
    public: Option<String>,
    #[serde(rename = "type")]
    call_type: Option<String>,
    status: Option<String>,
    skills: Option<String>,
    deadline_before: Option<chrono::NaiveDate>,
    deadline_after: Option<chrono::NaiveDate>,
}

impl ListParams {
    fn filters(&self) -> FilterParams<'_> {
        FilterParams {
            age_group: self.age_group.as_deref(),
            public: self.public.as_deref(),
            call_type: self.call_type.as_deref(),
            status: self.status.as_deref(),
            skills: self.skills.as_deref(),
            deadline_before: self.deadline_before,
            deadline_after: self.deadline_after,
        }
    }
}

fn yes() -> bool {
    true
}

fn default_limit() -> i64 {
    50
}

#[utoipa::path(
    get,
    path = "/api/v1/{collection}",
    tag = "publications",
    params(("collection" = String, Path, description = "`events`, `resources` or `calls`"), crate::api::publications::ListParams),
    responses((status = 200, description = "This node's publications of that kind", body = crate::openapi::PublicationList), (status = 400, description = "A bad parameter", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such collection or territory", body = crate::openapi::ApiErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let kind = kind_of_collection(&collection)?;
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let territory = match &params.territory {
        Some(slug) => Some(find_territory(&state, slug).await?),
        None => None,
    };
    list_publications(&state, kind, territory, &params).await
}

#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/{collection}",
    tag = "publications",
    params(("slug" = String, Path, description = "The territory's slug"), ("collection" = String, Path, description = "`events`, `resources` or `calls`"), crate::api::publications::ListParams),
    responses((status = 200, description = "The territory's publications of that kind", body = crate::openapi::PublicationList), (status = 400, description = "A bad parameter", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory or collection", body = crate::openapi::ApiErrorBody))
)]
pub async fn list_of_territory(
    State(state): State<AppState>,
    Path((slug, collection)): Path<(String, String)>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let kind = kind_of_collection(&collection)?;
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let territory = find_territory(&state, &slug).await?;
    list_publications(&state, kind, Some(territory), &params).await
}

async fn list_publications(
    state: &AppState,
    kind: PublicationKind,
    territory: Option<Territory>,
    params: &ListParams,
) -> Result<Json<Value>, ApiError> {
    if !(1..=200).contains(&params.limit) || params.offset < 0 {
        return Err(ApiError::BadRequest(
            "limit must be 1 to 200 and offset at least 0".into(),
        ));
    }
    // Read through the index, as the network lists are, so that each filter means the
    // same thing on both; the index keeps a row for every live local publication.
    let mut query = ListingQuery {
        kind: Some(kind),
        origin: territory.as_ref().map(|t| Origin::Territory(t.id)),
        local: true,
        current_at: params.current.then(rhizome_node::now),
        limit: params.limit,
        offset: params.offset,
        ..ListingQuery::default()
    };
    params.filters().apply(Some(kind), &mut query)?;
    let ids: Vec<Uuid> = state
        .store
        .listings(&query)
        .await?
        .iter()
        .filter_map(|listed| Uuid::parse_str(&listed.id).ok())
        .collect();
    let mut found = state.store.publications_by_id(&ids).await?;
    // In the listing's order; one deleted between the two reads is left out.
    let publications: Vec<Publication> = ids
        .iter()
        .filter_map(|id| {
            let at = found.iter().position(|p| p.id == *id)?;
            Some(found.swap_remove(at))
        })
        .filter(|p| p.deleted_at.is_none())
        .collect();
    let slugs = territory_slugs(state).await?;
    let items: Vec<Value> = publications
        .iter()
        .map(|p| {
            view(
                state,
                p,
                slugs.get(&p.territory_id).map(String::as_str).unwrap_or(""),
            )
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

async fn territory_slugs(
    state: &AppState,
) -> Result<std::collections::HashMap<Uuid, String>, ApiError> {
    Ok(state
        .store
        .territories()
        .await?
        .into_iter()
        .map(|t| (t.id, t.profile.slug))
        .collect())
}

#[utoipa::path(
    post,
    path = "/api/v1/territories/{slug}/{collection}",
    tag = "publications",
    params(("slug" = String, Path, description = "The territory's slug"), ("collection" = String, Path, description = "`events`, `resources` or `calls`")),
    request_body = crate::openapi::AnyObject,
    responses((status = 201, description = "Published (an event with `recurrence` makes a series)", body = crate::openapi::PublicationView), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory or collection", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn create(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path((slug, collection)): Path<(String, String)>,
    JsonBody(json): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let kind = kind_of_collection(&collection)?;
    let territory = state.actions.territory(&slug).await?;
    if kind == PublicationKind::Event && json.get("recurrence").is_some_and(|r| !r.is_null()) {
        return super::series::create(&state, &principal, &territory, json).await;
    }
    let draft = Draft {
        kind,
        json,
        past_events: PastEvents::Allowed,
    };
    let publication = state.actions.publish(&principal, &territory, draft).await?;
    let location = format!("/api/v1/{collection}/{}", publication.id);
    let view = view(&state, &publication, &slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// A live publication of the kind the path names, with its territory.
async fn find(
    state: &AppState,
    collection: &str,
    id: &str,
) -> Result<(Publication, Territory), ApiError> {
    let kind = kind_of_collection(collection)?;
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(state.actions.publication(kind, id).await?)
}

#[utoipa::path(
    get,
    path = "/api/v1/{collection}/{id}",
    tag = "publications",
    params(("collection" = String, Path, description = "`events`, `resources` or `calls`"), ("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 200, description = "The publication", body = crate::openapi::PublicationView), (status = 404, description = "No such publication", body = crate::openapi::ApiErrorBody), (status = 410, description = "Deleted", body = crate::openapi::ApiErrorBody))
)]
pub async fn show(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (publication, territory) = find(&state, &collection, &id).await?;
    Ok(Json(view(&state, &publication, &territory.profile.slug)))
}

/// JSON merge patch: send only what changes.
#[utoipa::path(
    patch,
    path = "/api/v1/{collection}/{id}",
    tag = "publications",
    params(("collection" = String, Path, description = "`events`, `resources` or `calls`"), ("id" = String, Path, description = "The id (a UUID)"), ("scope" = Option<String>, Query, description = "For an occurrence of a series: `this`, `following` or `all`")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The edited publication (JSON merge patch)", body = crate::openapi::PublicationView), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such publication", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn update(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    scope: Result<Query<super::series::ScopeParams>, QueryRejection>,
    JsonBody(patch): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let scope = super::series::scope_of(scope)?;
    let (publication, territory) = find(&state, &collection, &id).await?;
    let edited = match (publication.series, scope) {
        (None, None) => {
            (state.actions)
                .edit(&principal, &territory, &publication, &patch)
                .await?
        }
        (_, scope) => {
            let horizon = state.config.series_horizon(rhizome_node::now());
            (state.actions)
                .edit_occurrence(
                    &principal,
                    &territory,
                    &publication,
                    &patch,
                    scope.unwrap_or_default(),
                    horizon,
                )
                .await?
        }
    };
    Ok(Json(view(&state, &edited, &territory.profile.slug)))
}

/// Replies that came from the fediverse, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/{collection}/{id}/comments",
    tag = "publications",
    params(("collection" = String, Path, description = "`events`, `resources` or `calls`"), ("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 200, description = "Replies from the fediverse and reaction counts", body = crate::openapi::AnyObject), (status = 404, description = "No such publication", body = crate::openapi::ApiErrorBody))
)]
pub async fn comments(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (publication, _) = find(&state, &collection, &id).await?;
    let comments = state.store.comments(publication.id, false).await?;
    let reactions = state.store.reaction_counts(publication.id).await?;
    Ok(Json(
        json!({"items": comments, "likes": reactions.likes, "announces": reactions.announces}),
    ))
}

/// An editor removes a reply; it stays removed even if delivered again.
#[utoipa::path(
    delete,
    path = "/api/v1/{collection}/{id}/comments/{comment_id}",
    tag = "publications",
    params(("collection" = String, Path, description = "`events`, `resources` or `calls`"), ("id" = String, Path, description = "The id (a UUID)"), ("comment_id" = String, Path, description = "The comment's id (a UUID)")),
    responses((status = 204, description = "Hidden, even if delivered again"), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such publication or comment", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn hide_comment(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path((collection, id, comment_id)): Path<(String, String, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let (publication, territory) = find(&state, &collection, &id).await?;
    principal.require_editor(territory.id)?;
    let belongs = state
        .store
        .comments(publication.id, true)
        .await?
        .iter()
        .any(|c| c.id == comment_id);
    if !belongs {
        return Err(ApiError::NotFound);
    }
    let hidden = (state.actions)
        .hide_comment(&principal, &territory, comment_id)
        .await?;
    if !hidden {
        return Err(ApiError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/api/v1/{collection}/{id}",
    tag = "publications",
    params(("collection" = String, Path, description = "`events`, `resources` or `calls`"), ("id" = String, Path, description = "The id (a UUID)"), ("scope" = Option<String>, Query, description = "For an occurrence of a series: `this`, `following` or `all`")),
    responses((status = 204, description = "Deleted; its URL answers 410 from now on"), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such publication", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn delete(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    scope: Result<Query<super::series::ScopeParams>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let scope = super::series::scope_of(scope)?;
    let (publication, territory) = find(&state, &collection, &id).await?;
    (state.actions)
        .delete_occurrence(
            &principal,
            &territory,
            &publication,
            scope.unwrap_or_default(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

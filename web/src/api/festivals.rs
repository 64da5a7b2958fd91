//! Festivals and collections in the JSON API: the list and creation (admins), a
//! gathering's programme with its counts, submissions (an editor submits a publication to
//! a gathering here or elsewhere; curators see and decide them; the submitter withdraws).
//! The views built here are also what the festival page shows.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use rhizome_node::PublicationBody;
use rhizome_node::festival::{GatheringDraft, GatheringSettings};
use rhizome_node::gathering::{GatheredItem, ItemState};
use rhizome_node::territory::ActorRole;
use rhizome_node::{Territory, ValidationError};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};

/// One gathered publication as people see it: title, times, place, where it comes from,
/// and the places it still offers (`remaining`, when it says).
#[derive(Debug, Clone)]
pub struct ProgrammeEntry {
    pub item: GatheredItem,
    pub title: String,
    pub url: String,
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ends_at: Option<chrono::DateTime<chrono::Utc>>,
    pub place: Option<String>,
    pub position: Option<(f64, f64)>,
    pub remaining: Option<i64>,
    /// The submitting territory's name.
    pub origin: String,
}

impl ProgrammeEntry {
    pub fn view(&self) -> Value {
        json!({
            "id": self.item.id,
            "object": self.item.object_id,
            "state": self.item.state,
            "title": self.title,
            "url": self.url,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "place": self.place,
            "latitude": self.position.map(|p| p.0),
            "longitude": self.position.map(|p| p.1),
            "remaining": self.remaining,
            "origin": {"actor": self.item.submitter, "name": self.origin},
            "submitted_at": self.item.created_at,
            "decided_at": self.item.decided_at,
            "decided_by": self.item.decided_by,
        })
    }
}

/// What people see of one item; `None` when its publication is gone or unknown here.
pub async fn programme_entry(
    state: &AppState,
    item: &GatheredItem,
) -> Result<Option<ProgrammeEntry>, ApiError> {
    let origin = match item.submitter_territory {
        Some(id) => state.store.territory(id).await?.map(|t| t.profile.name),
        None => state.store.remote_actor(&item.submitter).await?.map(|a| {
            a.name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| a.handle())
        }),
    }
    .unwrap_or_else(|| item.submitter.clone());
    if let Some(id) = item.publication_id {
        let Some(p) = state
            .store
            .publication(id)
            .await?
            .filter(|p| p.deleted_at.is_none())
        else {
            return Ok(None);
        };
        let territory = state.store.territory(p.territory_id).await?;
        let (starts_at, ends_at, place, position, remaining) = match &p.body {
            PublicationBody::Event(e) => {
                let place = e
                    .place
                    .clone()
                    .or_else(|| territory.map(|t| t.profile.place));
                let taken = state.store.participant_count(p.id).await?;
                (
                    Some(e.starts_at),
                    Some(e.ends_at),
                    place
                        .as_ref()
                        .and_then(|pl| pl.name.clone().or(pl.address.clone())),
                    place.as_ref().and_then(|pl| pl.latitude.zip(pl.longitude)),
                    e.capacity.map(|c| (i64::from(c) - taken).max(0)),
                )
            }
            _ => (None, None, None, None, None),
        };
        return Ok(Some(ProgrammeEntry {
            item: item.clone(),
            title: p.body.title().to_owned(),
            url: item.object_id.clone(),
            starts_at,
            ends_at,
            place,
            position,
            remaining,
            origin,
        }));
    }
    let Some(remote) = state
        .store
        .remote_publication(&item.object_id)
        .await?
        .filter(|p| p.deleted_at.is_none())
    else {
        return Ok(None);
    };
    let number = |field: &str| remote.object.get(field).and_then(Value::as_i64);
    let remaining = number("remainingAttendeeCapacity").or_else(|| {
        number("maximumAttendeeCapacity")
            .map(|max| (max - number("participantCount").unwrap_or(0)).max(0))
    });
    let url = remote.id.clone();
    Ok(Some(ProgrammeEntry {
        item: item.clone(),
        title: remote.title.clone(),
        url,
        starts_at: remote.starts_at,
        ends_at: remote.ends_at,
        place: remote.facts.place.clone(),
        position: remote.facts.position,
        remaining,
        origin,
    }))
}

/// A gathering's accepted items with what people see of them, soonest first.
pub async fn programme(
    state: &AppState,
    gathering: &Territory,
) -> Result<Vec<ProgrammeEntry>, ApiError> {
    let actor = state.federation.urls.territory(&gathering.profile.slug);
    let mut entries = Vec::new();
    for item in state
        .store
        .gathered_items(&actor, Some(ItemState::Accepted))
        .await?
    {
        if let Some(entry) = programme_entry(state, &item).await? {
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.title.cmp(&b.title)));
    Ok(entries)
}

/// Events, territories taking part, and places offered (the sum of what each event still
/// has).
pub fn counts(entries: &[ProgrammeEntry]) -> Value {
    let territories: std::collections::BTreeSet<&str> =
        entries.iter().map(|e| e.item.submitter.as_str()).collect();
    json!({
        "events": entries.len(),
        "territories": territories.len(),
        "places": entries.iter().filter_map(|e| e.remaining).sum::<i64>(),
    })
}

/// A gathering's own fields: name, role, dates, perimeter, handle and page.
pub fn gathering_view(state: &AppState, g: &Territory, settings: &GatheringSettings) -> Value {
    let base = state.config.base_url();
    json!({
        "slug": g.profile.slug,
        "name": g.profile.name,
        "role": g.role,
        "description": g.profile.description,
        "starts_on": settings.starts_on,
        "ends_on": settings.ends_on,
        "banner": settings.banner.as_ref().map(|b| json!({"url": b.absolute_url(&base), "alt": b.alt})),
        "perimeter": settings.perimeter,
        "auto_accept_in_perimeter": settings.auto_accept_in_perimeter,
        "handle": format!("@{}@{}", g.profile.slug, state.config.domain),
        "url": format!("{base}/t/{}", g.profile.slug),
        "timezone": g.profile.timezone,
    })
}

/// Every festival and collection of this node.
#[utoipa::path(
    get,
    path = "/api/v1/festivals",
    tag = "festivals",
    responses((status = 200, description = "This node's festivals and collections", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut items = Vec::new();
    for role in [ActorRole::Festival, ActorRole::Collection] {
        for g in state.store.actors_with_role(role).await? {
            let (g, settings) = state.actions.gathering(&g.profile.slug).await?;
            items.push(gathering_view(&state, &g, &settings));
        }
    }
    Ok(Json(json!({"items": items})))
}

/// Creates a festival or collection (admins).
#[utoipa::path(
    post,
    path = "/api/v1/festivals",
    tag = "festivals",
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The festival or collection created (admins)", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn create(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let draft: GatheringDraft = rhizome_node::publication::parse_draft(body)?;
    let (g, settings) = (state.actions)
        .create_gathering(&principal, draft, &state.config.default_timezone)
        .await?;
    let location = format!("/api/v1/festivals/{}", g.profile.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(gathering_view(&state, &g, &settings)),
    ))
}

/// A gathering with its counts and programme.
#[utoipa::path(
    get,
    path = "/api/v1/festivals/{slug}",
    tag = "festivals",
    params(("slug" = String, Path, description = "The slug")),
    responses((status = 200, description = "Its days, perimeter, counts and programme", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (g, settings) = state.actions.gathering(&slug).await?;
    let entries = programme(&state, &g).await?;
    let mut view = gathering_view(&state, &g, &settings);
    view["counts"] = counts(&entries);
    view["programme"] = entries.iter().map(ProgrammeEntry::view).collect();
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The id of the publication submitted (one of this node's).
    pub publication: Uuid,
    /// The gathering: a slug here, `@slug@host` or an actor URL elsewhere. Absent on
    /// `/festivals/{slug}/submissions`, which names it.
    #[serde(default)]
    pub gathering: Option<String>,
}

async fn submitted(
    state: &AppState,
    principal: &rhizome_node::Principal,
    submission: Submission,
    gathering: &str,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let item = (state.actions)
        .submit_to_gathering(principal, submission.publication, gathering)
        .await?;
    Ok((StatusCode::CREATED, Json(item_view(state, &item).await?)))
}

/// Submits a publication to this gathering (`{"publication": ID}`).
#[utoipa::path(
    post,
    path = "/api/v1/festivals/{slug}/submissions",
    tag = "festivals",
    params(("slug" = String, Path, description = "The slug")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The submission", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn submit_here(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let submission: Submission = rhizome_node::publication::parse_draft(body)?;
    if submission.gathering.as_deref().is_some_and(|g| g != slug) {
        return Err(
            ValidationError::new("gathering", "the path names the gathering already").into(),
        );
    }
    submitted(&state, &principal, submission, &slug).await
}

/// Submits a publication to any gathering, here or elsewhere
/// (`{"publication": ID, "gathering": "@fete@node.example"}`).
#[utoipa::path(
    post,
    path = "/api/v1/submissions",
    tag = "festivals",
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The submission, here or sent elsewhere", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn submit(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let submission: Submission = rhizome_node::publication::parse_draft(body)?;
    let gathering = submission
        .gathering
        .clone()
        .ok_or_else(|| ValidationError::new("gathering", "name the festival or collection"))?;
    submitted(&state, &principal, submission, &gathering).await
}

/// An item with what people see of its publication (or just its ids when it is gone).
pub async fn item_view(state: &AppState, item: &GatheredItem) -> Result<Value, ApiError> {
    Ok(match programme_entry(state, item).await? {
        Some(entry) => {
            let mut v = entry.view();
            v["gathering"] = json!(item.gathering_actor);
            v
        }
        None => json!({"id": item.id, "object": item.object_id, "state": item.state,
                       "gathering": item.gathering_actor, "origin": {"actor": item.submitter}}),
    })
}

/// Every submission to a gathering, for its curators.
#[utoipa::path(
    get,
    path = "/api/v1/festivals/{slug}/submissions",
    tag = "festivals",
    params(("slug" = String, Path, description = "The slug")),
    responses((status = 200, description = "Every submission (its curators)", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn submissions(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (g, _) = state.actions.gathering(&slug).await?;
    principal.require_editor(g.id)?;
    let actor = state.federation.urls.territory(&g.profile.slug);
    let mut items = Vec::new();
    for item in state.store.gathered_items(&actor, None).await? {
        items.push(item_view(&state, &item).await?);
    }
    Ok(Json(json!({"items": items})))
}

/// A territory's submissions, here and elsewhere, for its editors.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/submissions",
    tag = "festivals",
    params(("slug" = String, Path, description = "The slug")),
    responses((status = 200, description = "Where a territory's submissions stand (its editors)", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn of_territory(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = state.actions.editable_territory(&principal, &slug).await?;
    let mut items = Vec::new();
    for item in state.store.submissions_by(territory.id).await? {
        items.push(item_view(&state, &item).await?);
    }
    Ok(Json(json!({"items": items})))
}

/// A curator accepts (`{"accept": true}`) or refuses a pending submission.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{id}/decision",
    tag = "festivals",
    params(("id" = String, Path, description = "The id (a UUID)")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The submission accepted or refused (curators)", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn decide(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let decision: super::answers::Decision = rhizome_node::publication::parse_draft(body)?;
    let item = (state.actions)
        .decide_submission(&principal, id, decision.accept)
        .await?;
    Ok(Json(item_view(&state, &item).await?))
}

/// The submitting territory's editor withdraws a submission.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{id}/withdraw",
    tag = "festivals",
    params(("id" = String, Path, description = "The id (a UUID)")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The submission withdrawn", body = crate::openapi::AnyObject), (status = 404, description = "Not found", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody))
)]
pub async fn withdraw(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let item = state.actions.withdraw_submission(&principal, id).await?;
    Ok(Json(item_view(&state, &item).await?))
}

//! The network from a territory's point of view: whom it follows (with scopes), and the
//! agenda, library and calls board across this node and everything followed.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use rhizome_node::network::{Scope, distance_km};
use rhizome_node::publication::parse_draft;
use rhizome_node::store::{Order, PublicationQuery, RemoteQuery};
use rhizome_node::theme::Theme;
use rhizome_node::{PublicationBody, PublicationKind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::publications::{collection_of, kind_of_collection};
use super::territories::find;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowRequest {
    /// `@slug@host` or an actor URL.
    target: String,
    #[serde(default)]
    scope: Scope,
}

pub(super) fn federation_error(e: rhizome_federation::FederationError) -> ApiError {
    use rhizome_federation::FederationError as F;
    match e {
        F::Malformed(reason) => {
            ApiError::Validation(rhizome_node::ValidationError::new("target", reason))
        }
        F::NotFound => ApiError::NotFound,
        other => ApiError::Internal(other.to_string()),
    }
}

/// Follow a territory (or any actor) on another node.
pub async fn follow(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let territory = find(&state, &slug).await?;
    principal.require_editor(territory.id)?;
    let request: FollowRequest = parse_draft(body)?;
    let scope = request.scope.validate()?;
    let following = state
        .federation
        .follow_remote(&territory, &request.target, scope)
        .await
        .map_err(federation_error)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(
            json!({"target": following.target_id, "state": following.state, "scope": following.scope}),
        ),
    ))
}

pub async fn following(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let territory = find(&state, &slug).await?;
    principal.require_editor(territory.id)?;
    let items: Vec<Value> = state
        .store
        .followings(territory.id)
        .await?
        .into_iter()
        .map(|f| json!({"target": f.target_id, "state": f.state, "scope": f.scope, "since": f.created_at}))
        .collect();
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
pub struct UnfollowQuery {
    target: String,
}

pub async fn unfollow(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<UnfollowQuery>,
) -> Result<StatusCode, ApiError> {
    let territory = find(&state, &slug).await?;
    principal.require_editor(territory.id)?;
    if state
        .federation
        .unfollow_remote(&territory, &q.target)
        .await
        .map_err(federation_error)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkParams {
    /// Words that must all appear in the title or summary, any case.
    q: Option<String>,
    /// Events starting on or after this day, and on or before `to` (UTC dates).
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    /// Only from this territory: its actor URL or `@slug@host` handle.
    territory: Option<String>,
    theme: Option<String>,
    language: Option<String>,
    /// `lat,lon,km`.
    near: Option<String>,
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    100
}

/// What to filter on, read the same way from local and remote publications.
struct Facts {
    /// Title and summary, lower-cased, for `q`.
    text: String,
    /// The publishing territory's actor and handle, for `territory`.
    origin: [String; 2],
    themes: Vec<Theme>,
    language: Option<String>,
    position: Option<(f64, f64)>,
    starts_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Local and followed publications of one kind, merged: events soonest first, others
/// newest first; each says where it comes from.
pub async fn view(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    params: Result<Query<NetworkParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let kind = kind_of_collection(&collection)?;
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let theme = match &params.theme {
        Some(t) => Some(
            Theme::from_slug(t)
                .ok_or_else(|| ApiError::BadRequest(format!("unknown theme {t:?}")))?,
        ),
        None => None,
    };
    let near = parse_near(params.near.as_deref())?;
    let limit = params.limit.clamp(1, 500);
    let current = (kind != PublicationKind::Resource).then(rhizome_node::now);
    let territories = state.store.territories().await?;
    let mut items: Vec<(Facts, Value)> = Vec::new();

    let local = state
        .store
        .publications(&PublicationQuery {
            kind: Some(kind),
            current_at: current,
            order: Order::Newest,
            limit: 1000,
            ..Default::default()
        })
        .await?;
    for p in &local {
        let Some(t) = territories.iter().find(|t| t.id == p.territory_id) else {
            continue;
        };
        let place = match &p.body {
            PublicationBody::Event(e) => e.place.clone(),
            _ => None,
        }
        .unwrap_or_else(|| t.profile.place.clone());
        let facts = Facts {
            text: format!(
                "{} {}",
                p.body.title(),
                rhizome_federation::objects::publication::summary(&p.body)
            )
            .to_lowercase(),
            origin: [
                state.federation.urls.territory(&t.profile.slug),
                format!("@{}@{}", t.profile.slug, state.config.domain),
            ],
            themes: p.body.themes().to_vec(),
            language: Some(p.body.language().to_owned()),
            position: place.latitude.zip(place.longitude),
            starts_at: p.body.starts_at(),
        };
        let url = format!(
            "{}/{}/{}",
            state.config.base_url(),
            collection_of(kind),
            p.id
        );
        items.push((facts, json!({
            "id": url, "kind": kind, "title": p.body.title(), "starts_at": p.body.starts_at(), "ends_at": p.body.ends_at(),
            "origin": {"actor": state.federation.urls.territory(&t.profile.slug), "name": t.profile.name,
                       "handle": format!("@{}@{}", t.profile.slug, state.config.domain), "node": state.config.domain, "local": true},
        })));
    }

    let remote = state
        .store
        .remote_publications(&RemoteQuery {
            kind: Some(kind),
            current_at: current,
            limit: 1000,
            ..Default::default()
        })
        .await?;
    for r in &remote {
        let parsed = rhizome_federation::activities::network::parse(&r.object, &r.actor_id).ok();
        let actor = state.store.remote_actor(&r.actor_id).await?;
        let summary = r
            .object
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let facts = Facts {
            text: format!("{} {summary}", r.title).to_lowercase(),
            origin: [
                r.actor_id.clone(),
                actor.as_ref().map(|a| a.handle()).unwrap_or_default(),
            ],
            themes: parsed
                .as_ref()
                .map(|p| p.themes.clone())
                .unwrap_or_default(),
            language: r
                .object
                .get("inLanguage")
                .and_then(Value::as_str)
                .map(str::to_owned),
            position: parsed.as_ref().and_then(|p| p.position),
            starts_at: r.starts_at,
        };
        items.push((facts, json!({
            "id": r.id, "kind": kind, "title": r.title, "starts_at": r.starts_at, "ends_at": r.ends_at,
            "summary": rhizome_node::markdown::sanitize(r.object.get("summary").and_then(Value::as_str).unwrap_or_default()),
            "origin": {"actor": r.actor_id, "name": actor.as_ref().and_then(|a| a.name.clone()),
                       "handle": actor.as_ref().map(|a| a.handle()), "node": rhizome_node::social::host_of(&r.actor_id), "local": false},
        })));
    }

    let words: Vec<String> = params
        .q
        .as_deref()
        .unwrap_or_default()
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let day_start = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let from = params.from.and_then(day_start);
    let to = params.to.and_then(|d| d.succ_opt()).and_then(day_start);
    items.retain(|(f, _)| {
        words.iter().all(|w| f.text.contains(w.as_str()))
            && params
                .territory
                .as_deref()
                .is_none_or(|t| f.origin.iter().any(|o| o == t))
            && from.is_none_or(|from| f.starts_at.is_some_and(|s| s >= from))
            && to.is_none_or(|to| f.starts_at.is_some_and(|s| s < to))
            && theme.is_none_or(|t| f.themes.contains(&t))
            && params
                .language
                .as_deref()
                .is_none_or(|l| f.language.as_deref() == Some(l))
            && near.is_none_or(|(lat, lon, km)| {
                f.position
                    .is_some_and(|(a, b)| distance_km(lat, lon, a, b) <= km)
            })
    });
    if kind == PublicationKind::Event {
        items.sort_by_key(|(f, _)| f.starts_at);
    }
    let items: Vec<Value> = items.into_iter().take(limit).map(|(_, v)| v).collect();
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryParams {
    /// Part of the name, any case.
    q: Option<String>,
    kind: Option<String>,
    theme: Option<String>,
    language: Option<String>,
    /// `lat,lon,km`.
    near: Option<String>,
}

/// The network directory: this node's territories and those of every verified peer,
/// searchable by name, kind, theme, language and distance.
pub async fn directory(
    State(state): State<AppState>,
    params: Result<Query<DirectoryParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let near = parse_near(params.near.as_deref())?;
    let mut entries: Vec<Value> = Vec::new();
    for mut entry in state
        .federation
        .directory_entries()
        .await
        .map_err(federation_error)?
    {
        entry["node"] = json!(state.config.domain);
        entries.push(entry);
    }
    for peer in state
        .store
        .verified_peers(rhizome_federation::discovery::MAX_PEER_LIST as i64)
        .await?
    {
        let listed = peer
            .directory
            .as_ref()
            .and_then(|d| d.get("territories"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for mut entry in listed {
            entry["node"] = json!(peer.host);
            entries.push(entry);
        }
    }
    let text = |v: &Value| v.as_str().unwrap_or_default().to_lowercase();
    let has = |list: &Value, wanted: &str| {
        list.as_array()
            .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(wanted)))
    };
    entries.retain(|e| {
        params
            .q
            .as_deref()
            .is_none_or(|q| text(&e["name"]).contains(&q.to_lowercase()))
            && params
                .kind
                .as_deref()
                .is_none_or(|k| e["kind"].as_str() == Some(k))
            && params.theme.as_deref().is_none_or(|t| has(&e["themes"], t))
            && params
                .language
                .as_deref()
                .is_none_or(|l| has(&e["languages"], l))
            && near.is_none_or(|(lat, lon, km)| {
                let (a, b) = (
                    e["place"]["latitude"].as_f64(),
                    e["place"]["longitude"].as_f64(),
                );
                a.zip(b)
                    .is_some_and(|(a, b)| distance_km(lat, lon, a, b) <= km)
            })
    });
    Ok(Json(json!({"items": entries})))
}

fn parse_near(near: Option<&str>) -> Result<Option<(f64, f64, f64)>, ApiError> {
    let Some(near) = near else { return Ok(None) };
    let parts: Vec<f64> = near
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    match parts.as_slice() {
        [lat, lon, km] => Ok(Some((*lat, *lon, *km))),
        _ => Err(ApiError::BadRequest("near must be lat,lon,km".into())),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscribeRequest {
    /// `node.example`, `node.example@node.example` or the node's actor URL.
    node: String,
    #[serde(default)]
    scope: Scope,
    /// The target is an ActivityPub relay (give its actor URL).
    #[serde(default)]
    relay: bool,
}

/// This node follows another node: everything public from all its territories (and, for
/// a hub, from the hub's other subscribers) arrives, within the scope. Admins only.
pub async fn subscribe(
    Auth(principal): Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    principal.require_admin()?;
    let request: SubscribeRequest = parse_draft(body)?;
    let scope = request.scope.validate()?;
    let subscription = state
        .federation
        .subscribe_node(&request.node, scope, request.relay)
        .await
        .map_err(|e| match e {
            rhizome_federation::FederationError::Malformed(reason) => {
                ApiError::Validation(rhizome_node::ValidationError::new("node", reason))
            }
            other => federation_error(other),
        })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(
            json!({"node": subscription.target_id, "state": subscription.state, "scope": subscription.scope}),
        ),
    ))
}

/// Nodes this node follows, and nodes following it.
pub async fn subscriptions(
    Auth(principal): Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    principal.require_admin()?;
    let following: Vec<Value> = state
        .store
        .node_subscriptions()
        .await?
        .into_iter()
        .map(|s| json!({"node": s.target_id, "state": s.state, "scope": s.scope, "since": s.created_at}))
        .collect();
    let followers: Vec<Value> = state
        .store
        .node_followers()
        .await?
        .into_iter()
        .map(|(actor, _)| json!({"node": actor}))
        .collect();
    Ok(Json(
        json!({"following": following, "followers": followers}),
    ))
}

//! The network from a territory's point of view: whom it follows (with scopes), and the
//! agenda, library and calls board across this node and everything followed.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use rhizome_node::PublicationKind;
use rhizome_node::inventory::Inventory;
use rhizome_node::listing::{Listing, ListingQuery, Origin};
use rhizome_node::network::Scope;
use rhizome_node::publication::parse_draft;
use rhizome_node::theme::Theme;
use serde::Deserialize;
use serde_json::{Value, json};

use super::publications::kind_of_collection;
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
#[utoipa::path(
    post,
    path = "/api/v1/territories/{slug}/following",
    tag = "network",
    params(("slug" = String, Path, description = "The territory's slug")),
    request_body = crate::openapi::AnyObject,
    responses((status = 202, description = "Follow sent", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory or target", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
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
    let following = (state.actions)
        .follow(&principal, &territory, &request.target, scope)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(
            json!({"target": following.target_id, "state": following.state, "scope": following.scope}),
        ),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/territories/{slug}/following",
    tag = "network",
    params(("slug" = String, Path, description = "The territory's slug")),
    responses((status = 200, description = "Whom the territory follows (editors)", body = crate::openapi::Items), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
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

#[utoipa::path(
    delete,
    path = "/api/v1/territories/{slug}/following",
    tag = "network",
    params(("slug" = String, Path, description = "The territory's slug"), ("target" = String, Query, description = "The followed actor's id")),
    responses((status = 204, description = "Unfollowed"), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such territory or following", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn unfollow(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<UnfollowQuery>,
) -> Result<StatusCode, ApiError> {
    let territory = find(&state, &slug).await?;
    principal.require_editor(territory.id)?;
    (state.actions)
        .unfollow(&principal, &territory, &q.target)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkParams {
    /// Words that must all appear (as word starts) in the title, summary, description,
    /// place or tags; any case, accents optional.
    pub q: Option<String>,
    /// Events starting on or after this day, and on or before `to` (UTC dates).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only from this territory: its actor URL or `@slug@host` handle.
    pub territory: Option<String>,
    pub theme: Option<String>,
    pub language: Option<String>,
    /// `lat,lon,km`.
    pub near: Option<String>,
    // --- Filters by audience and by what a call says of itself (branch `filters`). ---
    /// An age group by its wire name (`0-6` … `seniors`); publications naming no age
    /// group are for every age and match.
    pub age_group: Option<String>,
    /// A situation (`familles`, `demandeurs d'emploi`): publications naming none match.
    pub public: Option<String>,
    /// Calls only: `need`, `offer`, `partners` or `project`.
    #[serde(rename = "type")]
    pub call_type: Option<String>,
    /// Calls only: `open`, `in_progress` or `closed`.
    pub status: Option<String>,
    /// Calls only: one of the skills wanted (or a word of it) starts with this.
    pub skills: Option<String>,
    /// Calls only: deadline on or before / on or after this day.
    pub deadline_before: Option<chrono::NaiveDate>,
    pub deadline_after: Option<chrono::NaiveDate>,
    // --- End of the `filters` block. ---
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// How many matching items to skip: the page's start.
    #[serde(default)]
    pub offset: usize,
}

fn default_limit() -> usize {
    100
}

impl Default for NetworkParams {
    fn default() -> Self {
        NetworkParams {
            q: None,
            from: None,
            to: None,
            territory: None,
            theme: None,
            language: None,
            near: None,
            age_group: None,
            public: None,
            call_type: None,
            status: None,
            skills: None,
            deadline_before: None,
            deadline_after: None,
            limit: default_limit(),
            offset: 0,
        }
    }
}

/// Local and followed publications of one kind, from the network index: events soonest
/// first, others newest first; each says where it comes from.
#[utoipa::path(
    get,
    path = "/api/v1/network/{collection}",
    tag = "network",
    params(("collection" = String, Path, description = "`events`, `resources` or `calls`")),
    responses((status = 200, description = "The network's agenda, library or calls board", body = crate::openapi::Items), (status = 400, description = "A bad filter", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such collection", body = crate::openapi::ApiErrorBody))
)]
pub async fn view(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    params: Result<Query<NetworkParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let kind = kind_of_collection(&collection)?;
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(Json(
        json!({"items": network_items(&state, kind, params).await?}),
    ))
}

/// The network's memory: past events and closed calls, local and followed, most recent
/// first, with the same search and filters as the views.
#[utoipa::path(
    get,
    path = "/api/v1/network/archive",
    tag = "network",
    responses((status = 200, description = "Past events across the network", body = crate::openapi::Items), (status = 400, description = "A bad filter", body = crate::openapi::ApiErrorBody))
)]
pub async fn archive(
    State(state): State<AppState>,
    params: Result<Query<NetworkParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(Json(json!({"items": archive_items(&state, params).await?})))
}

/// The network view's items as the API shows them; the pages show the same.
pub async fn network_items(
    state: &AppState,
    kind: PublicationKind,
    params: NetworkParams,
) -> Result<Vec<Value>, ApiError> {
    listed_items(state, Some(kind), params).await
}

/// The archive's items as the API shows them; the archive page shows the same.
pub async fn archive_items(
    state: &AppState,
    params: NetworkParams,
) -> Result<Vec<Value>, ApiError> {
    listed_items(state, None, params).await
}

/// A filter parameter's value read as one of an enum's wire names, or a 400 naming the
/// parameter and the values it takes.
fn enum_param<T: std::str::FromStr>(
    name: &str,
    value: Option<&str>,
    allowed: &[&str],
) -> Result<Option<T>, ApiError> {
    value
        .map(|v| {
            v.parse().map_err(|_| {
                tracing::info!(parameter = name, value = v, "refused list filter");
                ApiError::BadRequest(format!(
                    "{name}: unknown value {v:?}, expected one of {}",
                    allowed.join(", ")
                ))
            })
        })
        .transpose()
}

/// The filters by audience and by what a call says of itself, as a query string gives
/// them: the one reader of `age_group`, `public`, `type`, `status`, `skills`,
/// `deadline_before` and `deadline_after`, for the network views, the archive and the
/// local lists alike (each declares the fields, this reads them).
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterParams<'a> {
    pub age_group: Option<&'a str>,
    pub public: Option<&'a str>,
    pub call_type: Option<&'a str>,
    pub status: Option<&'a str>,
    pub skills: Option<&'a str>,
    pub deadline_before: Option<chrono::NaiveDate>,
    pub deadline_after: Option<chrono::NaiveDate>,
}

impl<'a> FilterParams<'a> {
    fn of_network(p: &'a NetworkParams) -> FilterParams<'a> {
        FilterParams {
            age_group: p.age_group.as_deref(),
            public: p.public.as_deref(),
            call_type: p.call_type.as_deref(),
            status: p.status.as_deref(),
            skills: p.skills.as_deref(),
            deadline_before: p.deadline_before,
            deadline_after: p.deadline_after,
        }
    }

    /// Sets these filters on `query` for a list of `kind` (`None`: the archive, of every
    /// kind), every value checked: an unknown one, or a call's filter on a list of
    /// something else, is a 400 naming the parameter.
    pub fn apply(
        self,
        kind: Option<PublicationKind>,
        query: &mut ListingQuery,
    ) -> Result<(), ApiError> {
        use rhizome_node::publication::call::{CallStatus, CallType};
        use strum::VariantNames;
        if let Some(kind) = kind.filter(|k| *k != PublicationKind::Call) {
            let calls_only = [
                ("type", self.call_type.is_some()),
                ("status", self.status.is_some()),
                ("skills", self.skills.is_some()),
                ("deadline_before", self.deadline_before.is_some()),
                ("deadline_after", self.deadline_after.is_some()),
            ];
            if let Some((name, _)) = calls_only.iter().find(|(_, given)| *given) {
                tracing::info!(parameter = name, "refused a call filter on another list");
                return Err(ApiError::BadRequest(format!(
                    "{name}: filters calls only, not {}",
                    kind.segment()
                )));
            }
        }
        query.age_group = age_group_param(self.age_group)?;
        query.call_type = enum_param::<CallType>("type", self.call_type, CallType::VARIANTS)?;
        query.call_status = enum_param::<CallStatus>("status", self.status, CallStatus::VARIANTS)?;
        query.public = self.public.map(str::to_owned);
        query.skills = self.skills.map(str::to_owned);
        let day_start = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        // A call's `ends_at` is the start of the day after its deadline.
        query.deadline_before = self
            .deadline_before
            .and_then(|d| d.succ_opt())
            .and_then(day_start);
        query.deadline_after = self.deadline_after.and_then(day_start);
        Ok(())
    }
}

/// One view (a kind) or the archive (`kind` none): the index's query from the parameters,
/// every value checked.
async fn listed_items(
    state: &AppState,
    kind: Option<PublicationKind>,
    params: NetworkParams,
) -> Result<Vec<Value>, ApiError> {
    let mut query = ListingQuery::default();
    FilterParams::of_network(&params).apply(kind, &mut query)?;
    let theme = match &params.theme {
        Some(t) => Some(
            Theme::from_slug(t)
                .ok_or_else(|| ApiError::BadRequest(format!("unknown theme {t:?}")))?,
        ),
        None => None,
    };
    let territories = state.store.territories().await?;
    let origin = match params.territory.as_deref() {
        Some(t) => match origin_of(state, &territories, t).await? {
            Some(origin) => Some(origin),
            // Nobody we know: nothing of theirs is listed.
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let day_start = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let archive = kind.is_none();
    let query = ListingQuery {
        kind,
        current_at: kind
            .filter(|k| *k != PublicationKind::Resource)
            .map(|_| rhizome_node::now()),
        archive_at: archive.then(rhizome_node::now),
        q: params.q,
        from: params.from.and_then(day_start),
        to: params.to.and_then(|d| d.succ_opt()).and_then(day_start),
        origin,
        theme,
        language: params.language,
        near: crate::feeds::near_param(params.near.as_deref())?,
        limit: params.limit.clamp(1, 500) as i64,
        offset: params.offset.min(100_000) as i64,
        ..query
    };
    let items: Vec<Value> = state
        .store
        .listings(&query)
        .await?
        .iter()
        .filter_map(|l| item_json(state, &territories, l))
        .collect();
    Ok(items)
}

/// `territory=`: one of ours (by actor URL or handle) or a known remote actor.
async fn origin_of(
    state: &AppState,
    territories: &[rhizome_node::Territory],
    wanted: &str,
) -> Result<Option<Origin>, ApiError> {
    let local = |slug: &str| {
        territories
            .iter()
            .find(|t| t.profile.slug == slug)
            .map(|t| Origin::Territory(t.id))
    };
    if wanted.starts_with("http://") || wanted.starts_with("https://") {
        let ours = territories
            .iter()
            .find(|t| state.federation.urls.territory(&t.profile.slug) == wanted);
        return Ok(Some(match ours {
            Some(t) => Origin::Territory(t.id),
            None => Origin::Actor(wanted.to_owned()),
        }));
    }
    let Some((name, host)) = wanted.trim_start_matches('@').split_once('@') else {
        return Ok(None);
    };
    if host.eq_ignore_ascii_case(&state.config.domain) {
        return Ok(local(name));
    }
    Ok(state
        .store
        .remote_actor_id_by_handle(name, host)
        .await?
        .map(Origin::Actor))
}

pub(crate) fn item_json(
    state: &AppState,
    territories: &[rhizome_node::Territory],
    l: &Listing,
) -> Option<Value> {
    let (id, origin) = match l.territory_id {
        Some(tid) => {
            let t = territories.iter().find(|t| t.id == tid)?;
            let id = format!("{}/{}/{}", state.config.base_url(), l.kind.segment(), l.id);
            let origin = json!({"actor": state.federation.urls.territory(&t.profile.slug), "name": t.profile.name,
                "handle": format!("@{}@{}", t.profile.slug, state.config.domain), "node": state.config.domain, "local": true});
            (id, origin)
        }
        None => {
            let actor = l.actor_id.as_deref().unwrap_or_default();
            let origin = json!({"actor": actor, "name": l.actor_name, "handle": l.actor_handle(),
                "node": rhizome_node::social::host_of(actor), "local": false});
            (l.id.clone(), origin)
        }
    };
    let mut item = json!({
        "id": id, "kind": l.kind, "title": l.title, "starts_at": l.starts_at, "ends_at": l.ends_at,
        "summary": l.summary, "origin": origin,
    });
    if l.kind == PublicationKind::Event {
        // What the event says of itself, in the words of its own JSON.
        item["status"] = json!(l.event.status);
        item["timezone"] = json!(l.event.timezone);
        item["place"] = json!(l.event.place);
    }
    if l.kind == PublicationKind::Call {
        // What the call says of itself, in the words of its own JSON; its deadline is the
        // day before its `ends_at`.
        item["type"] = json!(l.call.call_type);
        item["status"] = json!(l.call.status);
        item["deadline"] = json!(l.ends_at.and_then(|e| e.date_naive().pred_opt()));
        item["outcome"] = json!(l.call.outcome);
    }
    Some(item)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryParams {
    /// Part of the name, any case.
    pub q: Option<String>,
    pub kind: Option<String>,
    pub theme: Option<String>,
    pub language: Option<String>,
    /// `lat,lon,km`.
    pub near: Option<String>,
}

/// The network directory: this node's territories and those of every verified peer,
/// searchable by name, kind, theme, language and distance.
#[utoipa::path(
    get,
    path = "/api/v1/network/directory",
    tag = "network",
    responses((status = 200, description = "Territories known across the network", body = crate::openapi::Items), (status = 400, description = "A bad filter", body = crate::openapi::ApiErrorBody))
)]
pub async fn directory(
    State(state): State<AppState>,
    params: Result<Query<DirectoryParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(Json(
        json!({"items": directory_items(&state, &params).await?}),
    ))
}

/// The network directory's entries, filtered; each names its `node`.
pub async fn directory_items(
    state: &AppState,
    params: &DirectoryParams,
) -> Result<Vec<Value>, ApiError> {
    let near = crate::feeds::near_param(params.near.as_deref())?;
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
            let inventory = Inventory::from_directory(&peer.host, &entry["inventory"]);
            entry["inventory"] = if inventory.is_empty() {
                json!({})
            } else {
                json!(inventory)
            };
            entries.push(entry);
        }
    }
    let text = |v: &Value| v.as_str().unwrap_or_default().to_lowercase();
    let has = |list: &Value, wanted: &str| {
        list.as_array()
            .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(wanted)))
    };
    let inventory_has = |e: &Value, q: &str| {
        serde_json::from_value::<Inventory>(e["inventory"].clone()).is_ok_and(|i| {
            i.shares
                .iter()
                .chain(&i.seeks)
                .any(|entry| entry.matches(q))
        })
    };
    entries.retain(|e| {
        params
            .q
            .as_deref()
            .is_none_or(|q| text(&e["name"]).contains(&q.to_lowercase()) || inventory_has(e, q))
            && params
                .kind
                .as_deref()
                .is_none_or(|k| e["kind"].as_str() == Some(k))
            && params.theme.as_deref().is_none_or(|t| has(&e["themes"], t))
            && params
                .language
                .as_deref()
                .is_none_or(|l| has(&e["languages"], l))
            && near.is_none_or(|near| {
                let (a, b) = (
                    e["place"]["latitude"].as_f64(),
                    e["place"]["longitude"].as_f64(),
                );
                a.zip(b).is_some_and(|(a, b)| near.contains(a, b))
            })
    });
    Ok(entries)
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
#[utoipa::path(
    post,
    path = "/api/v1/network/subscriptions",
    tag = "network",
    request_body = crate::openapi::AnyObject,
    responses((status = 202, description = "Subscription sent (admins)", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/network/subscriptions",
    tag = "network",
    responses((status = 200, description = "Nodes this node follows and nodes following it (admins)", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
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

/// The `age_group` parameter of every list and board; an unknown value is a 400 naming it.
pub(crate) fn age_group_param(
    value: Option<&str>,
) -> Result<Option<rhizome_node::publication::audience::AgeGroup>, ApiError> {
    use rhizome_node::publication::audience::AgeGroup;
    use strum::VariantNames;
    value
        .map(|g| {
            serde_json::from_value::<AgeGroup>(json!(g)).map_err(|_| {
                tracing::info!(value = g, "refused age_group filter");
                ApiError::BadRequest(format!(
                    "age_group: unknown value {g:?}, expected one of {}",
                    AgeGroup::VARIANTS.join(", ")
                ))
            })
        })
        .transpose()
}

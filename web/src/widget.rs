//! An agenda that other sites embed: an HTML page for an `<iframe>` (no script, no
//! external asset, allowed in any frame), and a `<rhizome-agenda>` web component served
//! from this node, which reads the same list as JSON (open to any origin, GET only).

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::{Duration, SecondsFormat};
use minijinja::context;
use rhizome_node::Territory;
use rhizome_node::text::Lang;
use serde::Serialize;
use serde_json::json;
use tower_http::cors::{Any, CorsLayer};

use crate::AppState;
use crate::error::ApiError;
use crate::feeds::{AgendaParams, Listed, event_url};

const DEFAULT_LIMIT: usize = 5;
const MAX_LIMIT: usize = 50;

/// The web component, compiled into the binary.
const AGENDA_JS: &str = include_str!("../assets/rhizome-agenda.js");

pub fn routes() -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET]);
    Router::new()
        .route("/widget/agenda", get(page))
        .route("/widget/agenda.json", get(list).layer(cors))
        .route("/assets/rhizome-agenda.js", get(script))
}

/// One event as the widget shows it.
#[derive(Serialize)]
struct Item {
    url: String,
    title: String,
    /// Start and end with the event's own offset, e.g. `2026-12-01T18:00:00+01:00`.
    starts_at: String,
    ends_at: String,
    timezone: String,
    /// Written out in the event's language, for the HTML page.
    when: String,
    #[serde(rename = "where")]
    place: String,
    status: String,
    territory: String,
}

/// What both forms show: the events, and the page with the full agenda.
struct Agenda {
    items: Vec<Item>,
    more: String,
    title: String,
}

async fn agenda(
    state: &AppState,
    params: Result<Query<AgendaParams>, QueryRejection>,
) -> Result<Agenda, ApiError> {
    let params = AgendaParams::read(params)?;
    let selection = params.selection(DEFAULT_LIMIT, MAX_LIMIT, Duration::zero())?;
    let territory: Option<Territory> = match &params.territory {
        Some(slug) => Some(
            state
                .store
                .territory_by_slug(slug)
                .await?
                .ok_or(ApiError::NotFound)?,
        ),
        None => None,
    };
    if let Some(gathering) = territory.as_ref().filter(|t| t.role.gathers()) {
        return festival_agenda(state, gathering, selection.limit).await;
    }
    let loaded = selection.load(state, territory.as_ref()).await?;
    let items = selection
        .apply(&loaded)
        .iter()
        .map(|l| item(state, l))
        .collect();
    let (more, title) = match &territory {
        Some(t) => (
            state.federation.urls.territory(&t.profile.slug),
            t.profile.name.clone(),
        ),
        None => (
            format!("{}/", state.config.base_url()),
            state.config.domain.clone(),
        ),
    };
    Ok(Agenda { items, more, title })
}

/// A festival's agenda: its accepted events still to come, soonest first, local or not.
async fn festival_agenda(
    state: &AppState,
    gathering: &Territory,
    limit: usize,
) -> Result<Agenda, ApiError> {
    let tz = gathering.tz();
    let now = rhizome_node::now();
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    let items = crate::api::festivals::programme(state, gathering)
        .await?
        .into_iter()
        .filter_map(|e| {
            let (starts, ends) = (e.starts_at?, e.ends_at?);
            (ends >= now).then(|| Item {
                url: e.url.clone(),
                title: e.title.clone(),
                starts_at: local(starts),
                ends_at: local(ends),
                timezone: gathering.profile.timezone.clone(),
                when: starts
                    .with_timezone(&tz)
                    .format("%d/%m/%Y %H:%M")
                    .to_string(),
                place: e.place.clone().unwrap_or_default(),
                status: String::new(),
                territory: e.origin.clone(),
            })
        })
        .take(limit)
        .collect();
    Ok(Agenda {
        items,
        more: state.federation.urls.territory(&gathering.profile.slug),
        title: gathering.profile.name.clone(),
    })
}

fn item(state: &AppState, l: &Listed) -> Item {
    let e = l.event;
    let tz = e.tz();
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    Item {
        url: event_url(state, l.publication),
        title: e.title.clone(),
        starts_at: local(e.starts_at),
        ends_at: local(e.ends_at),
        timezone: e.timezone.clone(),
        when: Lang::for_content(&e.language).when(e),
        place: Lang::for_content(&e.language).where_(e),
        status: serde_json::to_value(e.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        territory: l.territory.profile.name.clone(),
    }
}

/// `GET /widget/agenda`: the page to put in an `<iframe>`.
async fn page(
    State(state): State<AppState>,
    params: Result<Query<AgendaParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let agenda = agenda(&state, params).await?;
    let html = state
        .templates
        .get_template("widget_agenda.html")
        .and_then(|t| {
            t.render(context! {
                title => agenda.title, more => agenda.more, events => agenda.items,
            })
        })
        .map_err(|e| ApiError::Internal(format!("widget template: {e}")))?;
    Ok((
        [
            // Any site may frame it; nothing else than its inline style may load.
            (
                header::CONTENT_SECURITY_POLICY,
                "frame-ancestors *; default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
            ),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        Html(html),
    )
        .into_response())
}

/// `GET /widget/agenda.json`: the same list for the web component.
async fn list(
    State(state): State<AppState>,
    params: Result<Query<AgendaParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let agenda = agenda(&state, params).await?;
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=300")],
        axum::Json(json!({"title": agenda.title, "more": agenda.more, "items": agenda.items})),
    )
        .into_response())
}

/// `GET /assets/rhizome-agenda.js`.
async fn script() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            // Other sites load it with <script src>: let them, and let it be cached there.
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        AGENDA_JS,
    )
        .into_response()
}

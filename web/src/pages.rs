//! Plain HTML pages: the node's home, a territory, a publication. Rendered with
//! minijinja templates from `web/templates/`, auto-escaped; Markdown arrives sanitised.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use minijinja::{Environment, context};
use rhizome_federation::routes::wants_activity_json;
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::{Publication, PublicationBody, Territory, markdown};
use serde::Serialize;
use uuid::Uuid;

use crate::AppState;
use crate::api::{collection_of, kind_of_collection};

/// Loads the templates once, at start-up; they are compiled into the binary.
pub fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("home.html", include_str!("../templates/home.html")),
        ("events.html", include_str!("../templates/events.html")),
        (
            "territory.html",
            include_str!("../templates/territory.html"),
        ),
        (
            "publication.html",
            include_str!("../templates/publication.html"),
        ),
        (
            "widget_agenda.html",
            include_str!("../templates/widget_agenda.html"),
        ),
    ] {
        env.add_template(name, source).expect("templates are valid");
    }
    env
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/t/{slug}", get(territory))
        .route("/{collection}/{id}", get(publication))
}

/// Page language until the web issue brings negotiation and catalogues.
const LANG: &str = "fr";

#[derive(Serialize)]
struct TerritoryItem {
    slug: String,
    name: String,
    kind: String,
    place: String,
    handle: String,
    description_html: String,
}

#[derive(Serialize)]
struct EventItem {
    path: String,
    title: String,
    when: String,
    #[serde(rename = "where")]
    place: String,
    status: String,
    territory: String,
}

fn territory_item(state: &AppState, t: &Territory) -> TerritoryItem {
    TerritoryItem {
        slug: t.profile.slug.clone(),
        name: t.profile.name.clone(),
        kind: enum_name(&t.profile.kind),
        place: t.profile.place.label(),
        handle: format!("@{}@{}", t.profile.slug, state.config.domain),
        description_html: markdown::to_html(&t.profile.description),
    }
}

fn event_items(publications: &[Publication], territories: &[Territory]) -> Vec<EventItem> {
    publications
        .iter()
        .filter_map(|p| match &p.body {
            PublicationBody::Event(e) => Some(EventItem {
                path: format!("/events/{}", p.id),
                title: e.title.clone(),
                when: e.when(LANG),
                place: e.where_(LANG),
                status: enum_name(&e.status),
                territory: territories
                    .iter()
                    .find(|t| t.id == p.territory_id)
                    .map(|t| t.profile.name.clone())
                    .unwrap_or_default(),
            }),
            _ => None,
        })
        .collect()
}

/// The serde name of a unit enum variant: `tiers_lieu`, `cancelled`.
fn enum_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn upcoming_events(territory_id: Option<Uuid>) -> PublicationQuery {
    PublicationQuery {
        kind: Some(rhizome_node::PublicationKind::Event),
        territory_id,
        current_at: Some(rhizome_node::now()),
        order: Order::Soonest,
        limit: 50,
        offset: 0,
    }
}

fn render(state: &AppState, template: &str, ctx: minijinja::Value) -> Response {
    match state
        .templates
        .get_template(template)
        .and_then(|t| t.render(ctx))
    {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, template, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "page failed to render").into_response()
        }
    }
}

fn page_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><title>{status}</title><p>{message}</p>"
        )),
    )
        .into_response()
}

fn store_failed(e: rhizome_node::StoreError) -> Response {
    tracing::error!(error = %e, "page query failed");
    page_error(StatusCode::INTERNAL_SERVER_ERROR, "Erreur interne.")
}

async fn home(State(state): State<AppState>) -> Response {
    let loaded = async {
        let territories = state.store.territories().await?;
        let events = state.store.publications(&upcoming_events(None)).await?;
        Ok::<_, rhizome_node::StoreError>((territories, events))
    };
    match loaded.await {
        Ok((territories, events)) => render(
            &state,
            "home.html",
            context! {
                domain => state.config.domain,
                territories => territories.iter().map(|t| territory_item(&state, t)).collect::<Vec<_>>(),
                events => event_items(&events, &territories),
            },
        ),
        Err(e) => store_failed(e),
    }
}

/// The ActivityStreams form of a page, for clients that ask for it.
async fn activity_document(
    state: &AppState,
    (method, uri, headers): (&Method, &Uri, &HeaderMap),
    document: impl std::future::Future<Output = Result<Response, rhizome_federation::FederationError>>,
) -> Response {
    if let Err(e) = state.federation.check_fetch(method, uri, headers).await {
        return e.into_response();
    }
    document.await.unwrap_or_else(IntoResponse::into_response)
}

async fn territory(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if wants_activity_json(&headers) {
        let document = async {
            state
                .federation
                .territory_document(&slug)
                .await
                .map(IntoResponse::into_response)
        };
        return activity_document(&state, (&method, &uri, &headers), document).await;
    }
    let territory = match state.store.territory_by_slug(&slug).await {
        Ok(Some(t)) => t,
        Ok(None) => return page_error(StatusCode::NOT_FOUND, "Territoire inconnu."),
        Err(e) => return store_failed(e),
    };
    match state
        .store
        .publications(&upcoming_events(Some(territory.id)))
        .await
    {
        Ok(events) => render(
            &state,
            "territory.html",
            context! {
                domain => state.config.domain,
                territory => territory_item(&state, &territory),
                events => event_items(&events, std::slice::from_ref(&territory)),
            },
        ),
        Err(e) => store_failed(e),
    }
}

async fn publication(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let (Ok(kind), Ok(id)) = (kind_of_collection(&collection), id.parse::<Uuid>()) else {
        return page_error(StatusCode::NOT_FOUND, "Page inconnue.");
    };
    if wants_activity_json(&headers) {
        let document = state.federation.publication_document(kind, id);
        return activity_document(&state, (&method, &uri, &headers), document).await;
    }
    let publication = match state.store.publication(id).await {
        Ok(Some(p)) if p.body.kind() == kind => p,
        Ok(_) => return page_error(StatusCode::NOT_FOUND, "Page inconnue."),
        Err(e) => return store_failed(e),
    };
    if publication.deleted_at.is_some() {
        return page_error(StatusCode::GONE, "Cette publication a été supprimée.");
    }
    let territory = match state.store.territory(publication.territory_id).await {
        Ok(Some(t)) => t,
        Ok(None) => return page_error(StatusCode::NOT_FOUND, "Territoire inconnu."),
        Err(e) => return store_failed(e),
    };
    let comments = match state.store.comments(publication.id, false).await {
        Ok(c) => c,
        Err(e) => return store_failed(e),
    };
    let (when, place, starts_at, text) = match &publication.body {
        PublicationBody::Event(e) => (
            e.when(LANG),
            e.where_(LANG),
            e.starts_at.to_rfc3339(),
            &e.description,
        ),
        PublicationBody::Resource(r) => (String::new(), String::new(), String::new(), &r.body),
        PublicationBody::Call(c) => (String::new(), String::new(), String::new(), &c.description),
    };
    render(
        &state,
        "publication.html",
        context! {
            domain => state.config.domain,
            title => publication.body.title(),
            kind => collection_of(kind),
            when, starts_at,
            r#where => place,
            territory_slug => territory.profile.slug,
            territory_name => territory.profile.name,
            html => markdown::to_html(text),
            comments => comments,
        },
    )
}

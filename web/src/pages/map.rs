//! The map: this node's territories, the verified peers' territories and the upcoming
//! events with a place, and the links between territories (lines by kind, filtered by
//! kind and theme). The same points and links are listed under the map for readers
//! without JavaScript, filtered by the same query.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use rhizome_node::PublicationBody;
use rhizome_node::text::sentences::serde_name;
use serde::Serialize;
use serde_json::Value;

use super::Page;
use super::public::upcoming;
use crate::AppState;
use crate::api::partnerships::{LinkParams, network_links};
use rhizome_node::links::{LinkFilter, LinkKind, NetworkLinks};
use rhizome_node::theme::Theme;

/// One marker: where, what, and the page it links to.
#[derive(Serialize)]
pub struct Point {
    lat: f64,
    lon: f64,
    label: String,
    detail: String,
    url: String,
}

impl Point {
    /// A marker at `lat`, `lon` (a festival's events, say).
    pub fn new(lat: f64, lon: f64, label: String, detail: String, url: String) -> Point {
        Point {
            lat,
            lon,
            label,
            detail,
            url,
        }
    }
}

/// This node's territories that have coordinates, as markers.
pub fn territory_points(page: &Page, territories: &[rhizome_node::Territory]) -> Vec<Point> {
    territories
        .iter()
        .filter_map(|t| {
            Some(Point {
                lat: t.profile.place.latitude?,
                lon: t.profile.place.longitude?,
                label: t.profile.name.clone(),
                detail: page
                    .lang
                    .label("territory-kind", &serde_name(&t.profile.kind)),
                url: format!("/t/{}", t.profile.slug),
            })
        })
        .collect()
}

/// How many upcoming events the map shows at most.
const MAX_EVENTS: i64 = 200;

/// One line of the map: its kind, its two ends (names, pages, places when known), what
/// it is about.
#[derive(Serialize)]
struct Line {
    kind: &'static str,
    from: LineEnd,
    to: LineEnd,
    label: Option<String>,
    themes: Vec<&'static str>,
}

#[derive(Serialize)]
struct LineEnd {
    name: String,
    url: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

fn lines(found: &NetworkLinks) -> Vec<Line> {
    let end = |id: &str| {
        let t = found.territories.get(id);
        LineEnd {
            name: t.map_or_else(|| id.to_owned(), |t| t.name.clone()),
            url: t.map_or_else(|| id.to_owned(), |t| t.url.clone()),
            lat: t.and_then(|t| t.latitude),
            lon: t.and_then(|t| t.longitude),
        }
    };
    found
        .links
        .iter()
        .map(|l| Line {
            kind: l.kind.slug(),
            from: end(&l.from),
            to: end(&l.to),
            label: l.label.clone(),
            themes: l.themes.iter().map(|t| t.slug()).collect(),
        })
        .collect()
}

pub async fn map(
    page: Page,
    State(state): State<AppState>,
    Query(params): Query<LinkParams>,
) -> Response {
    // A visitor's unknown kind or theme shows every link rather than an error page.
    let filter = params.filter().unwrap_or_default();
    let params = LinkParams {
        kind: filter.kind.map(|k| k.slug().to_owned()),
        theme: filter.theme.map(|t| t.slug().to_owned()),
    };
    let filtered = filter != LinkFilter::default();
    let found = match network_links(&state, &params).await {
        Ok(found) => found,
        Err(e) => return super::error::internal(e).into_response(),
    };
    let lines = lines(&found);
    let loaded = async {
        let territories = state.store.territories().await?;
        let events = state
            .store
            .publications(&upcoming(
                rhizome_node::PublicationKind::Event,
                None,
                MAX_EVENTS,
            ))
            .await?;
        let peers = state
            .store
            .verified_peers(rhizome_federation::discovery::MAX_PEER_LIST as i64)
            .await?;
        Ok::<_, rhizome_node::StoreError>((territories, events, peers))
    };
    let (territories, events, peers) = match loaded.await {
        Ok(loaded) => loaded,
        Err(e) => return page.failed(&state, e),
    };
    let mut points = territory_points(&page, &territories);
    for peer in &peers {
        let listed = peer
            .directory
            .as_ref()
            .and_then(|d| d.get("territories"))
            .and_then(Value::as_array);
        for entry in listed.into_iter().flatten() {
            let place = &entry["place"];
            let (Some(lat), Some(lon), Some(url)) = (
                place["latitude"].as_f64(),
                place["longitude"].as_f64(),
                entry["id"]
                    .as_str()
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            ) else {
                continue;
            };
            points.push(Point {
                lat,
                lon,
                label: entry["name"].as_str().unwrap_or(url).to_owned(),
                detail: peer.host.clone(),
                url: url.to_owned(),
            });
        }
    }
    for p in &events {
        let PublicationBody::Event(e) = &p.body else {
            continue;
        };
        let Some((lat, lon)) = e
            .place
            .as_ref()
            .and_then(|pl| pl.latitude.zip(pl.longitude))
        else {
            continue;
        };
        points.push(Point {
            lat,
            lon,
            label: e.title.clone(),
            detail: page.lang.when(e),
            url: format!("/events/{}", p.id),
        });
    }
    let json = serde_json::to_string(&points).unwrap_or_else(|_| "[]".into());
    let links_json = serde_json::to_string(&lines).unwrap_or_else(|_| "[]".into());
    page.render(
        &state,
        "map.html",
        context! {
            points => json, listed => points,
            links => links_json, lines => lines, filtered,
            kind => params.kind, theme => params.theme,
            kinds => LinkKind::ALL.iter().map(|k| k.slug()).collect::<Vec<_>>(),
            themes => Theme::ALL.iter().map(|t| t.slug()).collect::<Vec<_>>(),
        },
    )
}

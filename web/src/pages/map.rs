//! The map: this node's territories, the verified peers' territories and the upcoming
//! events with a place. The same points are listed under the map for readers without
//! JavaScript.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use rhizome_node::PublicationBody;
use rhizome_node::text::sentences::serde_name;
use serde::Serialize;
use serde_json::Value;

use super::Page;
use super::public::upcoming;
use crate::AppState;

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

pub async fn map(page: Page, State(state): State<AppState>) -> Response {
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
    page.render(
        &state,
        "map.html",
        context! { points => json, listed => points },
    )
}

//! "Find coordinates from the address" for the event and territory forms: the node asks
//! the configured geocoder (`geocoder_url`, speaking `geocoder_api`: Nominatim or Photon)
//! with the federation's fetch rules, for editors only, a few times a minute per member,
//! answers kept a few minutes. `GET /manage/t/{slug}/geocode?q=` answers a short JSON list
//! for the forms' script; without JavaScript the form's "find" button posts the form and
//! [`in_form`] fills it again.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use minijinja::{Value as Ctx, context};
use rhizome_node::config::GeocoderApi;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Page;
use super::error::PageError;
use super::manage::{Values, editable_territory};
use crate::AppState;
use crate::i18n::{Args, FluentValue, Lang};

/// The largest answer read from the geocoder.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// How long the geocoder may take to answer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);
/// How many places are offered to pick from.
pub const MAX_RESULTS: usize = 6;
/// How long an answer is kept for the same question.
const CACHE_FOR: Duration = Duration::from_secs(10 * 60);
/// Questions kept at most; the oldest go first.
const CACHE_SIZE: usize = 512;
/// Searches one member may make at once, then one every [`SEARCH_EVERY`].
pub const SEARCHES_AT_ONCE: u32 = 10;
pub const SEARCH_EVERY: Duration = Duration::from_secs(3);
/// The longest question sent (an address, not an essay).
const MAX_QUERY_CHARS: usize = 300;
/// The longest label kept of a found place.
const MAX_LABEL_CHARS: usize = 200;

/// The form's button that asks for coordinates, and the one that picks a found place
/// (valued `lat,lon,label`).
pub(in crate::pages) const FIND_FIELD: &str = "geocode";
pub(in crate::pages) const PICK_FIELD: &str = "geocode_pick";
const LATITUDE_FIELD: &str = "place.latitude";
const LONGITUDE_FIELD: &str = "place.longitude";

/// A place the geocoder found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
}

/// Why no place can be offered; each has its sentence in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeocodeError {
    /// No geocoder is configured.
    Off,
    /// Nothing to look for.
    NoAddress,
    /// This member asked too often.
    TooMany,
    /// The geocoder could not be reached, or answered what does not read.
    Failed,
}

impl GeocodeError {
    fn key(self) -> &'static str {
        match self {
            GeocodeError::Off => "error-not-found",
            GeocodeError::NoAddress => "geocode-no-address",
            GeocodeError::TooMany => "geocode-too-many",
            GeocodeError::Failed => "geocode-failed",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            GeocodeError::Off => StatusCode::NOT_FOUND,
            GeocodeError::NoAddress => StatusCode::BAD_REQUEST,
            GeocodeError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            GeocodeError::Failed => StatusCode::BAD_GATEWAY,
        }
    }
}

/// A question as kept: its words in lower case, and the language of the answer.
type Question = (String, &'static str);

/// What the node keeps between searches: recent answers and each member's pace.
pub struct Geocoder {
    answers: Mutex<HashMap<Question, (Instant, Vec<Found>)>>,
    pace: DefaultKeyedRateLimiter<Uuid>,
}

impl Default for Geocoder {
    fn default() -> Self {
        let quota = Quota::with_period(SEARCH_EVERY)
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(SEARCHES_AT_ONCE).unwrap_or(NonZeroU32::MIN));
        Geocoder {
            answers: Mutex::default(),
            pace: RateLimiter::keyed(quota),
        }
    }
}

impl Geocoder {
    fn allow(&self, member: Uuid) -> bool {
        if self.pace.len() > 10_000 {
            self.pace.retain_recent();
        }
        self.pace.check_key(&member).is_ok()
    }

    fn cached(&self, key: &Question) -> Option<Vec<Found>> {
        let answers = self.answers.lock().ok()?;
        let (at, found) = answers.get(key)?;
        (at.elapsed() < CACHE_FOR).then(|| found.clone())
    }

    fn keep(&self, key: Question, found: &[Found]) {
        let Ok(mut answers) = self.answers.lock() else {
            return;
        };
        answers.retain(|_, (at, _)| at.elapsed() < CACHE_FOR);
        if answers.len() >= CACHE_SIZE
            && let Some(oldest) = answers
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
        {
            answers.remove(&oldest);
        }
        answers.insert(key, (Instant::now(), found.to_vec()));
    }
}

/// Whether the forms offer to find coordinates.
pub fn enabled(state: &AppState) -> bool {
    state.config.geocoder_url.is_some()
}

/// The places the geocoder finds for `query`, named in `lang` where it can; counted
/// against `member`'s pace.
pub async fn lookup(
    state: &AppState,
    member: Uuid,
    query: &str,
    lang: Lang,
) -> Result<Vec<Found>, GeocodeError> {
    let Some(base) = &state.config.geocoder_url else {
        return Err(GeocodeError::Off);
    };
    let query: String = query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    if query.is_empty() {
        return Err(GeocodeError::NoAddress);
    }
    if !state.geocoder.allow(member) {
        tracing::info!(%member, "geocoder search refused: too many from this member");
        return Err(GeocodeError::TooMany);
    }
    let key = (query.to_lowercase(), lang.tag());
    if let Some(found) = state.geocoder.cached(&key) {
        return Ok(found);
    }
    let api = state.config.geocoder_api;
    let url = search_url(base, api, &query, lang).ok_or_else(|| {
        tracing::warn!(geocoder = %base, "geocoder_url cannot take a search path");
        GeocodeError::Failed
    })?;
    let accept = match api {
        GeocoderApi::Nominatim => "application/json",
        GeocoderApi::Photon => "application/geo+json, application/json",
    };
    let bytes = (state.federation)
        .fetch_public(&url, accept, MAX_ANSWER_BYTES, ANSWER_TIMEOUT)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "geocoder could not be asked");
            GeocodeError::Failed
        })?;
    let found = match api {
        GeocoderApi::Nominatim => read_nominatim(&bytes),
        GeocoderApi::Photon => read_photon(&bytes),
    }
    .map_err(|e| {
        tracing::warn!(error = %e, geocoder = %base, "geocoder answer does not read");
        GeocodeError::Failed
    })?;
    state.geocoder.keep(key, &found);
    Ok(found)
}

/// The search URL for `query`: `geocoder_url` with the API's path and parameters.
fn search_url(base: &str, api: GeocoderApi, query: &str, lang: Lang) -> Option<String> {
    let mut url = url::Url::parse(base).ok()?;
    let path = match api {
        GeocoderApi::Nominatim => "search",
        GeocoderApi::Photon => "api",
    };
    url.path_segments_mut().ok()?.pop_if_empty().push(path);
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("q", query);
        pairs.append_pair("limit", &MAX_RESULTS.to_string());
        match api {
            GeocoderApi::Nominatim => {
                pairs.append_pair("format", "jsonv2");
                pairs.append_pair("accept-language", lang.tag());
            }
            // Photon names places in a few languages only, and refuses others.
            GeocoderApi::Photon if matches!(lang.tag(), "fr" | "en") => {
                pairs.append_pair("lang", lang.tag());
            }
            GeocoderApi::Photon => {}
        }
    }
    Some(url.into())
}

/// A place with a label and coordinates in range; `None` for anything else.
fn found(label: &str, lat: f64, lon: f64) -> Option<Found> {
    let label: String = label
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_LABEL_CHARS)
        .collect();
    let in_range = lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon);
    (!label.trim().is_empty() && in_range).then(|| Found {
        label: label.trim().to_owned(),
        lat,
        lon,
    })
}

/// Nominatim's `/search?format=jsonv2`: an array of places, `lat` and `lon` as strings,
/// `display_name` the full label.
pub fn read_nominatim(bytes: &[u8]) -> Result<Vec<Found>, String> {
    let places: Vec<Value> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let number = |v: &Value| match v {
        Value::String(s) => s.trim().parse::<f64>().ok(),
        other => other.as_f64(),
    };
    Ok(places
        .iter()
        .filter_map(|p| {
            let label = p["display_name"].as_str().or(p["name"].as_str())?;
            found(label, number(&p["lat"])?, number(&p["lon"])?)
        })
        .take(MAX_RESULTS)
        .collect())
}

/// Photon's `/api`: a GeoJSON FeatureCollection of points, coordinates `[lon, lat]`, the
/// label made of the name, street, postcode, city and country it gives.
pub fn read_photon(bytes: &[u8]) -> Result<Vec<Found>, String> {
    let collection: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if collection["type"] != "FeatureCollection" {
        return Err("not a GeoJSON FeatureCollection".into());
    }
    let features = collection["features"]
        .as_array()
        .ok_or("a FeatureCollection without features")?;
    Ok(features
        .iter()
        .filter_map(|f| {
            let point = f["geometry"]["coordinates"].as_array()?;
            let (lon, lat) = (point.first()?.as_f64()?, point.get(1)?.as_f64()?);
            let p = &f["properties"];
            let text = |key: &str| p[key].as_str().filter(|s| !s.trim().is_empty());
            let street = match (text("housenumber"), text("street")) {
                (Some(n), Some(s)) => Some(format!("{n} {s}")),
                (None, Some(s)) => Some(s.to_owned()),
                _ => None,
            };
            let town = match (text("postcode"), text("city")) {
                (Some(code), Some(city)) => Some(format!("{code} {city}")),
                (code, city) => city.or(code).map(str::to_owned),
            };
            let mut parts: Vec<String> = Vec::new();
            for part in [text("name").map(str::to_owned), street, town]
                .into_iter()
                .chain([text("state"), text("country")].map(|s| s.map(str::to_owned)))
                .flatten()
            {
                if !parts.contains(&part) {
                    parts.push(part);
                }
            }
            found(&parts.join(", "), lat, lon)
        })
        .take(MAX_RESULTS)
        .collect())
}

#[derive(Deserialize)]
pub struct GeocodeQuery {
    q: Option<String>,
}

/// `GET /manage/t/{slug}/geocode?q=`: `{"results": [{"label", "lat", "lon"}]}` for an
/// editor of the territory; `{"error", "parameter"?}` with 400, 403, 404 (no geocoder),
/// 429 or 502 (the geocoder failed) otherwise.
pub async fn endpoint(
    page: Page,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<GeocodeQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let refuse = |e: GeocodeError| {
        let mut body = json!({"error": page.lang.text(e.key(), &Args::new())});
        if e == GeocodeError::NoAddress {
            body["parameter"] = "q".into();
        }
        (e.status(), Json(body)).into_response()
    };
    if !enabled(&state) {
        return Ok(refuse(GeocodeError::Off));
    }
    let viewer = page.require_login()?;
    if let Err(e) = editable_territory(&state, viewer, &slug).await {
        let status = e.into_response().status();
        let key = match status {
            StatusCode::FORBIDDEN => "error-forbidden",
            StatusCode::NOT_FOUND => "error-no-territory",
            _ => "error-internal",
        };
        let body = json!({"error": page.lang.text(key, &Args::new())});
        return Ok((status, Json(body)).into_response());
    }
    let q = query.ok().and_then(|Query(q)| q.q).unwrap_or_default();
    let member = viewer.principal.member.id;
    Ok(match lookup(&state, member, &q, page.lang).await {
        Ok(results) => Json(json!({ "results": results })).into_response(),
        Err(e) => refuse(e),
    })
}

/// A form sent by its "find" or "use this place" button: the values to draw it again
/// with (coordinates filled in when a place was found or picked) and what to say beside
/// the button (the template's `geocode`). `None` when another button sent it.
pub(in crate::pages) async fn in_form(
    page: &Page,
    state: &AppState,
    member: Uuid,
    values: &Values,
) -> Option<(Values, Ctx)> {
    let value = |name: &str| {
        values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let (pick, find) = (value(PICK_FIELD), value(FIND_FIELD));
    if pick.is_none() && find.is_none() {
        return None;
    }
    let mut values: Values = values
        .iter()
        .filter(|(k, _)| k != PICK_FIELD && k != FIND_FIELD)
        .cloned()
        .collect();
    let text = |key: &str| page.lang.text(key, &Args::new());
    let filled = |values: &mut Values, place: &Found| {
        values.retain(|(k, _)| k != LATITUDE_FIELD && k != LONGITUDE_FIELD);
        values.push((LATITUDE_FIELD.into(), place.lat.to_string()));
        values.push((LONGITUDE_FIELD.into(), place.lon.to_string()));
        let mut args = Args::new();
        args.insert("label".into(), FluentValue::from(place.label.clone()));
        page.lang.text("geocode-filled", &args)
    };
    if let Some(pick) = pick {
        let mut parts = pick.splitn(3, ',');
        let number = |s: Option<&str>| s.and_then(|s| s.trim().parse::<f64>().ok());
        let (lat, lon) = (number(parts.next()), number(parts.next()));
        let label = parts.next().unwrap_or_default();
        let Some(place) = lat.zip(lon).and_then(|(lat, lon)| {
            found(label, lat, lon).or_else(|| found(&format!("{lat}, {lon}"), lat, lon))
        }) else {
            tracing::info!(pick, "geocode pick refused: not coordinates");
            return Some((values, context! { error => text("geocode-failed") }));
        };
        let message = filled(&mut values, &place);
        return Some((values, context! { message }));
    }
    let address = [value("place.name"), value("place.address")];
    let query = match &address {
        [_, Some(a)] if !a.is_empty() => a.clone(),
        [Some(n), _] => n.clone(),
        _ => String::new(),
    };
    let outcome = match lookup(state, member, &query, page.lang).await {
        Ok(results) if results.is_empty() => context! { error => text("geocode-none") },
        Ok(results) => {
            let message = filled(&mut values, &results[0]);
            context! { message, results }
        }
        Err(e) => context! { error => text(e.key()) },
    };
    Some((values, outcome))
}

/// What the forms' place fields need to draw the geocoder's part: whether it is on, and
/// the sentences its script shows.
pub(in crate::pages) fn form_context(page: &Page, state: &AppState) -> Ctx {
    let text = |key: &str| page.lang.text(key, &Args::new());
    context! {
        on => enabled(state),
        none => text("geocode-none"),
        failed => text("geocode-failed"),
        results => text("geocode-results"),
        using => text("geocode-use"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like Nominatim's `/search?format=jsonv2` answer.
    const NOMINATIM: &str = r#"[
      {"place_id": 135287069, "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
       "osm_type": "way", "osm_id": 87654321, "lat": "46.5802596", "lon": "0.3401045",
       "category": "building", "type": "yes", "place_rank": 30, "importance": 0.00000999,
       "addresstype": "building", "name": "",
       "display_name": "1, Rue de la Paix, Centre-ville, Poitiers, Vienne, Nouvelle-Aquitaine, France métropolitaine, 86000, France",
       "boundingbox": ["46.5802096", "46.5803096", "0.3400545", "0.3401545"]},
      {"place_id": 1, "lat": "not a number", "lon": "0.34", "display_name": "Broken"},
      {"place_id": 2, "lat": "95.0", "lon": "0.34", "display_name": "Out of range"}
    ]"#;

    /// Shaped like Photon's `/api` answer.
    const PHOTON: &str = r#"{"type": "FeatureCollection", "features": [
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.3401045, 46.5802596]},
       "properties": {"osm_type": "N", "osm_id": 2416543, "osm_key": "place", "osm_value": "house",
        "type": "house", "housenumber": "1", "street": "Rue de la Paix", "postcode": "86000",
        "city": "Poitiers", "county": "Vienne", "state": "Nouvelle-Aquitaine", "country": "France",
        "countrycode": "FR"}},
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.3333, 46.5833]},
       "properties": {"osm_key": "place", "osm_value": "city", "type": "city", "name": "Poitiers",
        "city": "Poitiers", "state": "Nouvelle-Aquitaine", "country": "France", "extent": [0.28, 46.62, 0.42, 46.54]}}
    ]}"#;

    #[test]
    fn nominatim_answers_read_with_string_coordinates_and_bad_places_dropped() {
        let found = read_nominatim(NOMINATIM.as_bytes()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].lat, found[0].lon), (46.5802596, 0.3401045));
        assert!(found[0].label.starts_with("1, Rue de la Paix"));
        assert!(read_nominatim(b"<html>busy</html>").is_err());
        assert!(read_nominatim(br#"{"error": "Unable to geocode"}"#).is_err());
    }

    #[test]
    fn photon_answers_read_lon_then_lat() {
        let found = read_photon(PHOTON.as_bytes()).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].lat, found[0].lon), (46.5802596, 0.3401045));
        assert_eq!(
            found[0].label,
            "1 Rue de la Paix, 86000 Poitiers, Nouvelle-Aquitaine, France"
        );
        assert_eq!(found[1].label, "Poitiers, Nouvelle-Aquitaine, France");
        assert!(read_photon(b"[]").is_err());
    }

    #[test]
    fn search_urls_keep_the_base_path_and_escape_the_question() {
        let url = search_url(
            "https://geo.example/nominatim/",
            GeocoderApi::Nominatim,
            "1 rue de la Paix & co",
            Lang::default(),
        )
        .unwrap();
        assert!(url.starts_with("https://geo.example/nominatim/search?q=1+rue+de+la+Paix+%26+co"));
        assert!(url.contains("format=jsonv2"));
        let url = search_url(
            "https://photon.example",
            GeocoderApi::Photon,
            "x",
            Lang::default(),
        );
        assert!(url.unwrap().starts_with("https://photon.example/api?q=x"));
    }
}

//! Finding coordinates from an address, over real HTTP: a geocoder on loopback answering
//! as Nominatim and as Photon do (their JSON shapes), asked by the node for an editor
//! through `/manage/t/{slug}/geocode` and through the forms' "find" button without
//! JavaScript; off by default (no button, 404), editors only, paced per member, and a
//! geocoder answering garbage, too much or too late gives a clear message, never a 500.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::routing::get;
use rhizome_node::Config;
use rhizome_node::config::GeocoderApi;
use serde_json::{Value, json};

use crate::common;
use common::pages::{PASSWORD, attr_of, browser, get as get_page, login, post, text_of};
use common::{Backend, Node};

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "place": {"address": "Poitiers"}, "themes": ["science_digital"], "languages": ["fr"]}"#;

/// What the fake geocoder was asked: each request's path, query and User-Agent.
type Asked = Arc<Mutex<Vec<(String, String, String)>>>;

/// Shaped like Nominatim's `/search?format=jsonv2` answer (coordinates as strings).
const NOMINATIM: &str = r#"[{"place_id": 135287069,
  "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
  "osm_type": "way", "osm_id": 87654321, "lat": "46.5802596", "lon": "0.3401045",
  "category": "building", "type": "yes", "place_rank": 30, "importance": 0.00000999,
  "addresstype": "building", "name": "",
  "display_name": "1, Rue de la Paix, Poitiers, Vienne, Nouvelle-Aquitaine, France métropolitaine, 86000, France",
  "boundingbox": ["46.5802096", "46.5803096", "0.3400545", "0.3401545"]},
 {"place_id": 1, "lat": "46.59", "lon": "0.33", "category": "place", "type": "city",
  "display_name": "Poitiers, Vienne, Nouvelle-Aquitaine, France métropolitaine, France",
  "boundingbox": ["46.53", "46.63", "0.27", "0.44"]}]"#;

/// Shaped like Photon's `/api` answer (GeoJSON, `[lon, lat]`).
const PHOTON: &str = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.3401045, 46.5802596]},
  "properties": {"osm_type": "N", "osm_id": 2416543, "osm_key": "place", "osm_value": "house",
   "type": "house", "housenumber": "1", "street": "Rue de la Paix", "postcode": "86000",
   "city": "Poitiers", "county": "Vienne", "state": "Nouvelle-Aquitaine", "country": "France",
   "countrycode": "FR"}}]}"#;

/// A geocoder on loopback: `/nominatim/search` and `/photon/api` answer as those do,
/// `/garbage/search` with HTML, `/huge/search` with megabytes, `/slow/search` too late.
async fn geocoder() -> (String, Asked) {
    let asked: Asked = Arc::default();
    async fn answer(
        State(asked): State<Asked>,
        uri: axum::http::Uri,
        headers: HeaderMap,
        Query(_): Query<Vec<(String, String)>>,
    ) -> axum::response::Response {
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let path = uri.path().to_owned();
        asked.lock().unwrap().push((
            path.clone(),
            uri.query().unwrap_or_default().to_owned(),
            agent,
        ));
        let json = |body: String| ([(header::CONTENT_TYPE, "application/json")], body);
        match path.as_str() {
            "/nominatim/search" => json(NOMINATIM.into()).into_response(),
            "/photon/api" => json(PHOTON.into()).into_response(),
            "/garbage/search" => "<html><body>Bad gateway</body></html>".into_response(),
            "/huge/search" => {
                let place = r#"{"lat": "46.5", "lon": "0.3", "display_name": "Poitiers"},"#;
                json(format!("[{}{{}}]", place.repeat(20_000))).into_response()
            }
            "/slow/search" => {
                tokio::time::sleep(Duration::from_secs(20)).await;
                json(NOMINATIM.into()).into_response()
            }
            _ => axum::http::StatusCode::NOT_FOUND.into_response(),
        }
    }
    let app = Router::new()
        .route("/{prefix}/{api}", get(answer))
        .with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, asked)
}

/// A node (development mode, so loopback may be asked) whose geocoder is `adjust`ed,
/// with `camille` an editor of `fablab` and `dominique` a member editing nothing.
async fn node(adjust: impl FnOnce(&mut Config)) -> Node {
    let (node, _) = Node::configured_with_territory(
        Backend::Sqlite,
        adjust,
        serde_json::from_str(FABLAB).unwrap(),
    )
    .await
    .unwrap();
    let editor = rhizome_node::Member::new("camille", PASSWORD, false).unwrap();
    node.store.insert_member(&editor).await.unwrap();
    let territory = node.stored_territory("fablab").await;
    node.store
        .grant_editor(editor.id, territory.id)
        .await
        .unwrap();
    let other = rhizome_node::Member::new("dominique", PASSWORD, false).unwrap();
    node.store.insert_member(&other).await.unwrap();
    node
}

async fn with_geocoder(base: &str, prefix: &str, api: GeocoderApi) -> Node {
    let url = format!("{base}/{prefix}");
    node(move |c| {
        c.geocoder_url = Some(url);
        c.geocoder_api = api;
    })
    .await
}

/// Asks the endpoint as `client`: the status and the JSON answer.
async fn ask(client: &reqwest::Client, node: &Node, q: &str) -> (u16, Value) {
    let response = client
        .get(node.url(&format!(
            "/manage/t/fablab/geocode?q={}",
            url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        )))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn editor(node: &Node) -> (reqwest::Client, String) {
    let client = browser();
    let csrf = login(&client, node, "camille", PASSWORD).await;
    (client, csrf)
}

#[tokio::test]
async fn nominatim_answers_are_offered_to_an_editor_and_kept_a_while() {
    let (base, asked) = geocoder().await;
    let node = with_geocoder(&base, "nominatim", GeocoderApi::Nominatim).await;
    let (client, _) = editor(&node).await;
    let (status, answer) = ask(&client, &node, "1 rue de la Paix, Poitiers").await;
    assert_eq!(status, 200, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["lat"], 46.5802596);
    assert_eq!(results[0]["lon"], 0.3401045);
    assert!(
        results[0]["label"]
            .as_str()
            .unwrap()
            .starts_with("1, Rue de la Paix, Poitiers")
    );
    {
        let asked = asked.lock().unwrap();
        assert_eq!(asked.len(), 1);
        let (path, query, agent) = &asked[0];
        assert_eq!(path, "/nominatim/search");
        assert!(query.contains("format=jsonv2"), "{query}");
        assert!(query.contains("q=1+rue+de+la+Paix%2C+Poitiers"), "{query}");
        assert!(agent.starts_with("Rhizome/"), "{agent}");
        assert!(agent.contains(&node.base), "names the node: {agent}");
    }
    // The same question again is answered from memory.
    let (status, again) = ask(&client, &node, "1 rue de la paix,  Poitiers").await;
    assert_eq!((status, &again), (200, &answer));
    assert_eq!(asked.lock().unwrap().len(), 1);

    // An empty question names its parameter.
    let (status, refused) = ask(&client, &node, "  ").await;
    assert_eq!(status, 400);
    assert_eq!(refused["parameter"], "q");
    assert_eq!(
        refused["error"],
        "Saisissez d'abord une adresse (ou un nom de lieu)."
    );
}

#[tokio::test]
async fn photon_answers_read_longitude_then_latitude() {
    let (base, asked) = geocoder().await;
    let node = with_geocoder(&base, "photon", GeocoderApi::Photon).await;
    let (client, _) = editor(&node).await;
    let (status, answer) = ask(&client, &node, "1 rue de la Paix Poitiers").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["results"],
        json!([{"label": "1 Rue de la Paix, 86000 Poitiers, Nouvelle-Aquitaine, France",
                "lat": 46.5802596, "lon": 0.3401045}])
    );
    let asked = asked.lock().unwrap();
    assert_eq!(asked[0].0, "/photon/api");
    assert!(asked[0].1.contains("lang=fr"), "{}", asked[0].1);
}

#[tokio::test]
async fn off_by_default_no_button_and_no_endpoint() {
    let node = node(|_| {}).await;
    let (client, _) = editor(&node).await;
    let (status, _) = ask(&client, &node, "Poitiers").await;
    assert_eq!(status, 404);
    let (status, form) = get_page(&client, &node, "/manage/t/fablab/events/new").await;
    assert_eq!(status, 200);
    assert_eq!(attr_of(&form, "button[name=geocode]", "value"), None);
    assert!(attr_of(&form, "input[name='place.latitude']", "name").is_some());
    let (_, settings) = get_page(&client, &node, "/manage/t/fablab/settings").await;
    assert_eq!(attr_of(&settings, "button[name=geocode]", "value"), None);

    let (base, _) = geocoder().await;
    let on = with_geocoder(&base, "nominatim", GeocoderApi::Nominatim).await;
    let (client, _) = editor(&on).await;
    let (_, form) = get_page(&client, &on, "/manage/t/fablab/events/new").await;
    assert_eq!(
        attr_of(&form, "button[name=geocode]", "value").as_deref(),
        Some("1")
    );
    assert_eq!(
        attr_of(&form, ".geocode", "data-endpoint").as_deref(),
        Some("/manage/t/fablab/geocode")
    );
    let (_, settings) = get_page(&client, &on, "/manage/t/fablab/settings").await;
    assert!(attr_of(&settings, "button[name=geocode]", "value").is_some());
}

#[tokio::test]
async fn only_editors_of_the_territory_may_ask() {
    let (base, asked) = geocoder().await;
    let node = with_geocoder(&base, "nominatim", GeocoderApi::Nominatim).await;
    let other = browser();
    login(&other, &node, "dominique", PASSWORD).await;
    let (status, answer) = ask(&other, &node, "Poitiers").await;
    assert_eq!(status, 403, "{answer}");
    let anonymous = browser();
    let response = anonymous
        .get(node.url("/manage/t/fablab/geocode?q=Poitiers"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "to the login form");
    assert!(
        asked.lock().unwrap().is_empty(),
        "the geocoder was not asked"
    );
}

#[tokio::test]
async fn a_geocoder_answering_garbage_too_much_or_too_late_gives_a_clear_message() {
    let (base, asked) = geocoder().await;
    let failed = "Le service de géocodage n'a pas répondu correctement. Réessayez plus tard, ou saisissez les coordonnées.";
    for prefix in ["garbage", "huge", "slow", "missing"] {
        let node = with_geocoder(&base, prefix, GeocoderApi::Nominatim).await;
        let (client, _) = editor(&node).await;
        let (status, answer) = ask(&client, &node, "Poitiers").await;
        assert_eq!(status, 502, "{prefix}: {answer}");
        assert_eq!(answer["error"], failed, "{prefix}");
    }
    assert_eq!(asked.lock().unwrap().len(), 4, "each was asked");
    // A geocoder on a private address is refused outside development mode.
    let url = format!("{base}/nominatim");
    let strict = node(move |c| {
        c.geocoder_url = Some(url);
        c.development_mode = false;
    })
    .await;
    let (client, _) = editor(&strict).await;
    let (status, answer) = ask(&client, &strict, "Poitiers").await;
    assert_eq!(status, 502, "{answer}");
    assert_eq!(asked.lock().unwrap().len(), 4, "loopback was not asked");
}

#[tokio::test]
async fn searches_are_paced_per_member() {
    let (base, _) = geocoder().await;
    let node = with_geocoder(&base, "nominatim", GeocoderApi::Nominatim).await;
    let (client, _) = editor(&node).await;
    let mut statuses = Vec::new();
    for i in 0..=rhizome_web::pages::geocode::SEARCHES_AT_ONCE {
        statuses.push(ask(&client, &node, &format!("Poitiers {i}")).await.0);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count() as u32,
        rhizome_web::pages::geocode::SEARCHES_AT_ONCE
    );
    assert_eq!(statuses.last(), Some(&429));
}

#[tokio::test]
async fn without_javascript_the_find_button_fills_the_form_again() {
    let (base, asked) = geocoder().await;
    let node = with_geocoder(&base, "nominatim", GeocoderApi::Nominatim).await;
    let (client, csrf) = editor(&node).await;
    let event = [
        ("csrf", csrf.as_str()),
        ("title", "Repair café"),
        ("starts_at", "2030-12-03T18:00"),
        ("ends_at", "2030-12-03T21:00"),
        ("place.name", "La Fabrique"),
        ("place.address", "1 rue de la Paix, Poitiers"),
    ];
    let mut find = event.to_vec();
    find.push(("geocode", "1"));
    let (status, html, _) = post(&client, &node, "/manage/t/fablab/events/new", &find).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        attr_of(&html, "input[name='place.latitude']", "value").as_deref(),
        Some("46.5802596")
    );
    assert_eq!(
        attr_of(&html, "input[name='place.longitude']", "value").as_deref(),
        Some("0.3401045")
    );
    assert_eq!(
        attr_of(&html, "input[name='title']", "value").as_deref(),
        Some("Repair café"),
        "nothing typed is lost"
    );
    assert!(text_of(&html, ".geocode .notice").contains("Coordonnées remplies"));
    let pick = attr_of(&html, ".geocode-results li:nth-child(2) button", "value").unwrap();
    assert!(pick.starts_with("46.59,0.33,Poitiers"), "{pick}");
    assert!(asked.lock().unwrap()[0].1.contains("q=1+rue+de+la+Paix"));

    // Picking the second place fills its coordinates; still nothing is published.
    let mut picked = event.to_vec();
    picked.push(("place.latitude", "46.5802596"));
    picked.push(("place.longitude", "0.3401045"));
    picked.push(("geocode_pick", pick.as_str()));
    let (status, html, _) = post(&client, &node, "/manage/t/fablab/events/new", &picked).await;
    assert_eq!(status, 200);
    assert_eq!(
        attr_of(&html, "input[name='place.latitude']", "value").as_deref(),
        Some("46.59")
    );
    let stored = node
        .store
        .publications(&rhizome_node::store::PublicationQuery::default())
        .await
        .unwrap();
    assert!(stored.is_empty(), "finding publishes nothing");

    // Saved with the found coordinates, as typed ones are.
    let mut save = event.to_vec();
    save.push(("place.latitude", "46.59"));
    save.push(("place.longitude", "0.33"));
    let (status, _, location) = post(&client, &node, "/manage/t/fablab/events/new", &save).await;
    assert_eq!(status, 303);
    assert!(location.unwrap().starts_with("/events/"));

    // The territory's settings form does the same.
    let settings = [
        ("csrf", csrf.as_str()),
        ("name", "Fablab de Poitiers"),
        ("place.address", "1 rue de la Paix, Poitiers"),
        ("geocode", "1"),
    ];
    let (status, html, _) = post(&client, &node, "/manage/t/fablab/settings", &settings).await;
    assert_eq!(status, 200);
    assert_eq!(
        attr_of(&html, "input[name='place.latitude']", "value").as_deref(),
        Some("46.5802596")
    );
    let territory = node.stored_territory("fablab").await;
    assert_eq!(
        territory.profile.place.latitude, None,
        "not saved by finding"
    );
}

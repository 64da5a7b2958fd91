//! Public answers kept for visitors without a session: reused while the database is
//! unchanged, never after a write (from the API, or straight into the store as a
//! background task writes), never for a signed-in member, and apart for each `Accept`.

use crate::common;

use std::time::Duration;

use common::pages::{PASSWORD, browser, login, node_with_editor};
use common::{Backend, Node};
use reqwest::Method;
use serde_json::json;

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "description": "Un atelier ouvert", "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
  "themes": ["science_digital"], "languages": ["fr"]}"#;

/// An anonymous GET of `path`: whether it was a kept answer, and the answer.
async fn visit(node: &Node, path: &str, accept: &str) -> (bool, String, String) {
    let response = node
        .http
        .get(node.url(path))
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let hit = response
        .headers()
        .get("x-cache")
        .is_some_and(|v| v == "hit");
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (hit, kind, response.text().await.unwrap())
}

/// Visits `path` until an answer comes from the cache (a version is settled 100 ms
/// after it is first seen); gives that answer.
async fn until_kept(node: &Node, path: &str, accept: &str) -> (String, String) {
    for _ in 0..40 {
        let (hit, kind, body) = visit(node, path, accept).await;
        if hit {
            return (kind, body);
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    panic!("{path} ({accept}) was never answered from the cache");
}

/// Publishes an upcoming event of the territory `fablab` through the API.
async fn publish_event(node: &Node, admin: &str, title: &str) {
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(admin),
            Some(json!({
                "title": title, "description": "Ouvert à tous",
                "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
                "place": {"name": "La Fabrique", "address": "Poitiers"}
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

const HTML: &str = "text/html";
const ACTIVITY: &str = "application/activity+json";

#[tokio::test]
async fn kept_pages_are_reused_until_the_database_changes() {
    let (node, admin) = node_with_editor(serde_json::from_str(FABLAB).unwrap()).await;
    let (_, page) = until_kept(&node, "/t/fablab", HTML).await;
    assert!(page.contains("Fablab de Poitiers"), "{page}");
    assert!(!page.contains("Repair café du mardi"));

    // A write from the API: the next visitor sees it, at once.
    publish_event(&node, &admin, "Repair café du mardi").await;
    let (hit, _, page) = visit(&node, "/t/fablab", HTML).await;
    assert!(!hit, "a page kept from before the write was given");
    assert!(page.contains("Repair café du mardi"), "{page}");
    let (_, page) = until_kept(&node, "/t/fablab", HTML).await;
    assert!(page.contains("Repair café du mardi"));

    // A write straight into the store, as the background tasks write: seen too.
    let mut territory = node.stored_territory("fablab").await;
    territory.profile.name = "Fablab du Grand Poitiers".into();
    node.store.update_territory(&territory, None).await.unwrap();
    let (hit, _, page) = visit(&node, "/t/fablab", HTML).await;
    assert!(!hit);
    assert!(page.contains("Fablab du Grand Poitiers"), "{page}");

    // The actor document is kept apart from the page, under its own `Accept`.
    let (kind, actor) = until_kept(&node, "/t/fablab", ACTIVITY).await;
    assert!(kind.starts_with(ACTIVITY), "{kind}");
    let actor: serde_json::Value = serde_json::from_str(&actor).unwrap();
    assert_eq!(actor["name"], "Fablab du Grand Poitiers");
    let (kind, page) = until_kept(&node, "/t/fablab", HTML).await;
    assert!(kind.starts_with(HTML), "{kind}");
    assert!(page.contains("<html"));

    // Each language is kept apart; two spellings of one language share their answer.
    let in_language = async |language: &str| {
        let response = node
            .http
            .get(node.url("/t/fablab"))
            .header("accept-language", language)
            .send()
            .await
            .unwrap();
        let hit = response.headers().get("x-cache").is_some();
        (hit, response.text().await.unwrap())
    };
    let mut kept_in_french = false;
    for _ in 0..40 {
        let (hit, page) = in_language("fr-FR,fr;q=0.9").await;
        assert!(page.contains("<html lang=\"fr\""));
        if hit {
            kept_in_french = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    assert!(kept_in_french);
    let (hit, page) = in_language("fr").await;
    assert!(
        hit,
        "another spelling of French was not given the French page"
    );
    assert!(page.contains("<html lang=\"fr\""));
    let (_, page) = in_language("en-GB,en;q=0.8").await;
    assert!(
        page.contains("<html lang=\"en\""),
        "the French page was given for English"
    );

    // A visitor asking for a fresh answer gets one.
    let response = node
        .http
        .get(node.url("/t/fablab"))
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("x-cache").is_none());

    // A signed-in editor never gets what was kept for visitors: their page names them.
    let client = browser();
    login(&client, &node, common::pages::EDITOR, PASSWORD).await;
    for _ in 0..3 {
        let response = client.get(node.url("/t/fablab")).send().await.unwrap();
        assert!(response.headers().get("x-cache").is_none());
        let page = response.text().await.unwrap();
        assert!(page.contains(common::pages::EDITOR), "{page}");
    }
}

#[tokio::test]
async fn nothing_is_kept_when_the_cache_is_off() {
    let (node, _) = Node::configured_with_territory(
        Backend::Sqlite,
        |c| c.page_cache_bytes = 0,
        serde_json::from_str(FABLAB).unwrap(),
    )
    .await
    .unwrap();
    for _ in 0..6 {
        let (hit, _, _) = visit(&node, "/t/fablab", HTML).await;
        assert!(!hit);
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}

/// PostgreSQL's version is its WAL position, which every other test on the server moves
/// too: whether answers are reused then is not asserted, only that none is stale.
#[tokio::test]
async fn kept_pages_never_outlive_a_write_on_postgres() {
    let Some((node, admin)) =
        Node::with_territory(Backend::Postgres, serde_json::from_str(FABLAB).unwrap()).await
    else {
        return;
    };
    for n in 0..5 {
        for _ in 0..3 {
            visit(&node, "/t/fablab", HTML).await;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        let title = format!("Atelier numéro {n}");
        publish_event(&node, &admin, &title).await;
        let (_, _, page) = visit(&node, "/t/fablab", HTML).await;
        assert!(page.contains(&title), "{title} missing after its write");
    }
}

//! Open data over real HTTP: the node-wide and per-territory exports of every public
//! publication and territory, as JSON-LD and CSV, downloaded from another origin and read
//! back with serde_json and the `csv` crate; each item with its licence, the deleted
//! publication absent, every JSON-LD term defined by a context.

use std::collections::{BTreeSet, HashSet};

use chrono::SecondsFormat;
use reqwest::Method;
use rhizome_federation::protocol::context;
use rhizome_node::text::Lang;
use rhizome_node::{PublicationBody, PublicationKind};
use rhizome_web::open_data::{CSV_HEADER, PAGE_SIZE};
use serde_json::{Value, json};

use crate::common::pages::{attr_of, get, text_of};
use crate::common::{Backend, Node};

const CC_BY: &str = "https://creativecommons.org/licenses/by/4.0/";
const CC_BY_SA: &str = "https://creativecommons.org/licenses/by-sa/4.0/";
const CC0: &str = "https://creativecommons.org/publicdomain/zero/1.0/";

fn fablab() -> Value {
    json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
        "description": "Un atelier ouvert à tous.",
        "place": {"name": "Les Couronneries", "address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
        "themes": ["science_digital", "climate"], "languages": ["fr", "en"]})
}

fn casa() -> Value {
    json!({"slug": "casa", "name": "La Casa", "kind": "tiers_lieu",
        "place": {"address": "Bordeaux", "latitude": 44.84, "longitude": -0.58}, "languages": ["fr"]})
}

/// What a site elsewhere gets: the status, the headers it cares for, the body.
async fn download(node: &Node, path: &str) -> (u16, String, String, String) {
    let response = node
        .http
        .get(node.url(path))
        .header("Origin", "https://reuse.example")
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (cors, content_type) = (
        header("access-control-allow-origin"),
        header("content-type"),
    );
    let status = response.status().as_u16();
    (status, cors, content_type, response.text().await.unwrap())
}

/// A CSV download, read back: its header, then each row as a map by column.
async fn csv_of(node: &Node, path: &str) -> Vec<std::collections::HashMap<String, String>> {
    let (status, cors, content_type, body) = download(node, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    assert_eq!(cors, "*", "{path}");
    assert_eq!(content_type, "text/csv; charset=utf-8", "{path}");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, CSV_HEADER.to_vec(), "{path}: a stable header");
    assert_eq!(
        header,
        [
            "id",
            "url",
            "type",
            "territory",
            "name",
            "summary",
            "start",
            "end",
            "timezone",
            "place",
            "latitude",
            "longitude",
            "themes",
            "languages",
            "license",
            "published",
            "updated"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), header.len(), "{path}: {r:?}");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// A JSON-LD download, read back: its items, after checking the collection around them.
async fn json_ld_of(node: &Node, path: &str) -> Vec<Value> {
    let (status, cors, content_type, body) = download(node, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    assert_eq!(cors, "*", "{path}");
    assert_eq!(content_type, "application/ld+json; charset=utf-8", "{path}");
    let doc: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    assert_eq!(doc["@context"], context(), "{path}");
    assert_eq!(doc["type"], "Collection", "{path}");
    assert_eq!(doc["id"], node.url(path), "{path}");
    every_term_is_defined(&doc);
    doc["items"].as_array().unwrap().clone()
}

/// The terms a JSON-LD context defines (`@vocab`-style prefixes included).
fn terms_of(context: &Value, into: &mut HashSet<String>) {
    match context {
        Value::Array(list) => list.iter().for_each(|c| terms_of(c, into)),
        Value::Object(map) => {
            let inner = map.get("@context").unwrap_or(context);
            if let Value::Object(terms) = inner {
                into.extend(terms.keys().cloned());
                // Type-scoped contexts (Multikey's, DataIntegrityProof's) define their
                // terms inside the type's entry.
                for scoped in terms.values().filter_map(|t| t.get("@context")) {
                    terms_of(&serde_json::json!({ "@context": scoped }), into);
                }
            }
        }
        _ => {}
    }
}

/// Every key of the document is a term of the ActivityStreams or security contexts (the
/// copies the interop check expands with) or of Rhizome's own, or a prefixed name whose
/// prefix one defines: a JSON-LD reader drops nothing.
fn every_term_is_defined(doc: &Value) {
    let mut terms = HashSet::new();
    for bundled in [
        include_str!("../../../tests/interop/contexts/activitystreams.jsonld"),
        include_str!("../../../tests/interop/contexts/security-v1.jsonld"),
        include_str!("../../../tests/interop/contexts/data-integrity-v1.jsonld"),
        include_str!("../../../tests/interop/contexts/multikey-v1.jsonld"),
    ] {
        terms_of(&serde_json::from_str(bundled).unwrap(), &mut terms);
    }
    terms_of(&context(), &mut terms);
    assert!(
        terms.contains("startTime") && terms.contains("publicKey") && terms.contains("license")
    );
    fn walk(value: &Value, path: &str, terms: &HashSet<String>, unknown: &mut Vec<String>) {
        match value {
            Value::Array(list) => {
                for (i, v) in list.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), terms, unknown);
                }
            }
            Value::Object(map) => {
                for (key, v) in map {
                    if key == "@context" {
                        continue;
                    }
                    let defined = terms.contains(key)
                        || key
                            .split_once(':')
                            .is_some_and(|(prefix, _)| terms.contains(prefix));
                    if !defined {
                        unknown.push(format!("{path}.{key}"));
                    }
                    walk(v, &format!("{path}.{key}"), terms, unknown);
                }
            }
            _ => {}
        }
    }
    let mut unknown = Vec::new();
    walk(doc, "$", &terms, &mut unknown);
    assert!(unknown.is_empty(), "terms no context defines: {unknown:?}");
}

async fn publish(node: &Node, token: &str, slug: &str, kind: &str, draft: Value) -> String {
    let path = format!("/api/v1/territories/{slug}/{kind}");
    let (status, body) = node
        .send(Method::POST, &path, Some(token), Some(draft))
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn exports_hold_every_public_item_with_its_licence(backend: Backend) {
    let Some(node) = Node::start_with(backend, |c| c.content_license = CC_BY_SA.into()).await
    else {
        return;
    };
    let admin = node.member("admin", true).await;
    node.territory(&admin, fablab()).await;
    node.territory(&admin, casa()).await;
    let event = publish(&node, &admin, "fablab", "events", json!({
        "title": "Repair café", "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
        "place": {"name": "La Fabrique", "address": "1 rue de la Paix, Poitiers", "latitude": 46.5802, "longitude": 0.3404},
        "themes": ["climate"], "language": "fr"})).await;
    let resource = publish(
        &node,
        &admin,
        "fablab",
        "resources",
        json!({
        "title": "=HYPERLINK(\"https://evil.example\")", "type": "guide", "summary": "Les étapes",
        "license": CC0, "themes": ["science_digital", "culture"], "language": "en"}),
    )
    .await;
    let call = publish(&node, &admin, "fablab", "calls", json!({
        "title": "Cherche bénévoles", "type": "need", "deadline": "2030-01-31",
        "scope": {"place": {"address": "Vienne", "latitude": 46.6, "longitude": 0.5}, "radius_km": 30}})).await;
    let deleted = publish(&node, &admin, "fablab", "events", json!({
        "title": "Annulé puis supprimé", "starts_at": "2030-11-03T18:00", "ends_at": "2030-11-03T21:00",
        "place": {"name": "La Fabrique"}})).await;
    let (status, _) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{deleted}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let elsewhere = publish(
        &node,
        &admin,
        "casa",
        "events",
        json!({
        "title": "Soirée jeux", "starts_at": "2030-10-01T19:00", "ends_at": "2030-10-01T23:00",
        "format": "online", "online_url": "https://visio.example/jeux"}),
    )
    .await;

    // The node's publications, newest first, as CSV.
    let rows = csv_of(&node, "/open-data/publications.csv").await;
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [&elsewhere, &call, &resource, &event],
        "the deleted one is absent"
    );
    let stored = |id: &str| {
        let store = node.store.clone();
        let id = id.parse().unwrap();
        async move { store.publication(id).await.unwrap().unwrap() }
    };
    let e = stored(&event).await;
    let PublicationBody::Event(_) = &e.body else {
        panic!("an event")
    };
    let row = &rows[3];
    let expected = [
        ("id", event.clone()),
        ("url", node.url(&format!("/events/{event}"))),
        ("type", "event".into()),
        ("territory", "fablab".into()),
        ("name", "Repair café".into()),
        ("summary", Lang::for_content("fr").summary(&e.body)),
        ("start", "2030-12-03T18:00:00+01:00".into()),
        ("end", "2030-12-03T21:00:00+01:00".into()),
        ("timezone", "Europe/Paris".into()),
        ("place", "La Fabrique, 1 rue de la Paix, Poitiers".into()),
        ("latitude", "46.5802".into()),
        ("longitude", "0.3404".into()),
        ("themes", "climate".into()),
        ("languages", "fr".into()),
        ("license", CC_BY_SA.into()),
        ("published", time(e.created_at)),
        ("updated", time(e.updated_at)),
    ];
    for (column, value) in expected {
        assert_eq!(row[column], value, "event {column}");
    }
    assert!(row["summary"].contains("2030"), "{}", row["summary"]);
    // A resource keeps its own licence; a cell a spreadsheet would run is text.
    let row = &rows[2];
    assert_eq!(row["type"], "resource");
    assert_eq!(row["name"], "'=HYPERLINK(\"https://evil.example\")");
    assert_eq!(row["license"], CC0);
    assert_eq!(
        row["themes"], "culture science_digital",
        "in the stored order"
    );
    assert_eq!(row["languages"], "en");
    assert_eq!(
        (
            row["start"].as_str(),
            row["end"].as_str(),
            row["place"].as_str()
        ),
        ("", "", "")
    );
    // A call ends at its deadline, in its scope's place.
    let c = stored(&call).await;
    let PublicationBody::Call(body) = &c.body else {
        panic!("a call")
    };
    let row = &rows[1];
    assert_eq!(row["type"], "call");
    assert_eq!(row["end"], time(body.deadline_end().unwrap()));
    assert_eq!(
        (
            row["place"].as_str(),
            row["latitude"].as_str(),
            row["longitude"].as_str()
        ),
        ("Vienne", "46.6", "0.5")
    );
    assert_eq!(row["license"], CC_BY_SA);
    let row = &rows[0];
    assert_eq!(
        (row["territory"].as_str(), row["place"].as_str()),
        ("casa", "")
    );

    // The same as JSON-LD: each item the very object served at its URL, with a licence.
    let items = json_ld_of(&node, "/open-data/publications.jsonld").await;
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let urls: Vec<String> = [&elsewhere, &call, &resource, &event]
        .iter()
        .zip(["events", "calls", "resources", "events"])
        .map(|(id, kind)| node.url(&format!("/{kind}/{id}")))
        .collect();
    assert_eq!(ids, urls);
    for item in &items {
        let mut served = node.activity_json(item["id"].as_str().unwrap()).await;
        let served = served.as_object_mut().unwrap();
        served.remove("@context");
        served.entry("license").or_insert_with(|| json!(CC_BY_SA));
        assert_eq!(item, &Value::Object(served.clone()));
    }
    assert_eq!(items[0]["type"], "Event");
    assert_eq!(items[2]["license"], CC0);
    assert_eq!(items[3]["license"], CC_BY_SA);

    // Territories, by slug, with the node's licence.
    let rows = csv_of(&node, "/open-data/territories.csv").await;
    assert_eq!(rows.len(), 2);
    let t = node.stored_territory("fablab").await;
    let expected = [
        ("id", t.id.to_string()),
        ("url", node.url("/t/fablab")),
        ("type", "fablab".into()),
        ("territory", "fablab".into()),
        ("name", "Fablab de Poitiers".into()),
        ("summary", "Un atelier ouvert à tous.".into()),
        ("start", String::new()),
        ("end", String::new()),
        ("timezone", "Europe/Paris".into()),
        ("place", "Les Couronneries, Poitiers".into()),
        ("latitude", "46.58".into()),
        ("longitude", "0.34".into()),
        ("themes", "climate science_digital".into()),
        ("languages", "fr en".into()),
        ("license", CC_BY_SA.into()),
        ("published", time(t.created_at)),
        ("updated", time(t.updated_at)),
    ];
    for (column, value) in expected {
        assert_eq!(rows[1][column], value, "territory {column}");
    }
    assert_eq!(
        (rows[0]["territory"].as_str(), rows[0]["type"].as_str()),
        ("casa", "tiers_lieu")
    );
    assert_eq!(rows[0]["longitude"], "-0.58", "numbers are not neutralised");
    let items = json_ld_of(&node, "/open-data/territories.jsonld").await;
    assert_eq!(items.len(), 2);
    for item in &items {
        let mut served = node.activity_json(item["id"].as_str().unwrap()).await;
        let served = served.as_object_mut().unwrap();
        served.remove("@context");
        served.insert("license".into(), json!(CC_BY_SA));
        assert_eq!(item, &Value::Object(served.clone()));
        assert_eq!(item["type"], "Organization");
    }

    // One territory's: only its own.
    let rows = csv_of(&node, "/t/fablab/open-data/publications.csv").await;
    let ids: BTreeSet<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        BTreeSet::from([call.as_str(), resource.as_str(), event.as_str()])
    );
    let items = json_ld_of(&node, "/t/casa/open-data/publications.jsonld").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], node.url(&format!("/events/{elsewhere}")));
    let rows = csv_of(&node, "/t/casa/open-data/territories.csv").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["territory"], "casa");
    let items = json_ld_of(&node, "/t/fablab/open-data/territories.jsonld").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], node.url("/t/fablab"));

    for path in [
        "/t/nowhere/open-data/publications.csv",
        "/open-data/publications.json",
        "/open-data/rhizome.db",
        "/t/fablab/open-data/members.csv",
    ] {
        let (status, _, _, _) = download(&node, path).await;
        assert_eq!(status, 404, "{path}");
    }
}

#[tokio::test]
async fn exports_hold_every_public_item_with_its_licence_on_sqlite() {
    exports_hold_every_public_item_with_its_licence(Backend::Sqlite).await;
}

#[tokio::test]
async fn exports_hold_every_public_item_with_its_licence_on_postgres() {
    exports_hold_every_public_item_with_its_licence(Backend::Postgres).await;
}

#[tokio::test]
async fn exports_are_written_a_page_at_a_time_with_nothing_lost_or_doubled() {
    let (node, _) = Node::with_territory(Backend::Sqlite, fablab())
        .await
        .unwrap();
    let territory = node.stored_territory("fablab").await;
    let count = usize::try_from(2 * PAGE_SIZE + 7).unwrap();
    let mut made = BTreeSet::new();
    for i in 0..count {
        let body = PublicationBody::from_draft(
            PublicationKind::Resource,
            json!({"title": format!("Fiche {i}"), "type": "guide"}),
            &territory,
        )
        .unwrap();
        let p = rhizome_node::Publication::new(territory.id, body);
        node.store.insert_publication(&p, None).await.unwrap();
        made.insert(p.id.to_string());
    }
    let rows = csv_of(&node, "/open-data/publications.csv").await;
    let ids: BTreeSet<String> = rows.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(rows.len(), count);
    assert_eq!(ids, made);
    let items = json_ld_of(&node, "/t/fablab/open-data/publications.jsonld").await;
    let ids: BTreeSet<String> = items
        .iter()
        .map(|i| {
            i["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(items.len(), count);
    assert_eq!(ids, made);
    assert!(items.iter().all(|i| i["license"] == CC_BY));
}

#[tokio::test]
async fn the_open_data_page_lists_the_downloads_and_every_page_links_to_it() {
    let (node, admin) = Node::with_territory(Backend::Sqlite, fablab())
        .await
        .unwrap();
    node.territory(&admin, casa()).await;
    let client = crate::common::pages::browser();
    let (status, home) = get(&client, &node, "/").await;
    assert_eq!(status, 200);
    assert_eq!(
        attr_of(&home, "footer a.open-data-link", "href").as_deref(),
        Some("/open-data")
    );
    let (status, page) = get(&client, &node, "/open-data").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(text_of(&page, "h1"), "Données ouvertes");
    assert_eq!(
        attr_of(&page, ".open-data-licence a[rel=license]", "href").as_deref(),
        Some(CC_BY)
    );
    assert!(text_of(&page, ".open-data-licence").contains("CC BY 4.0"));
    let links = scraper::Html::parse_document(&page);
    let selector = scraper::Selector::parse(".open-data-downloads a[download]").unwrap();
    let hrefs: Vec<&str> = links
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "/open-data/publications.jsonld",
            "/open-data/publications.csv",
            "/open-data/territories.jsonld",
            "/open-data/territories.csv"
        ]
    );
    for href in hrefs {
        let (status, _, _, _) = download(&node, href).await;
        assert_eq!(status, 200, "{href}");
    }
    let selector = scraper::Selector::parse(".open-data-territories a").unwrap();
    let territories: Vec<&str> = links
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(territories, ["/t/casa/open-data", "/t/fablab/open-data"]);

    let (_, territory) = get(&client, &node, "/t/fablab").await;
    assert_eq!(
        attr_of(&territory, "a.territory-open-data", "href").as_deref(),
        Some("/t/fablab/open-data")
    );
    let (status, page) = get(&client, &node, "/t/fablab/open-data").await;
    assert_eq!(status, 200, "{page}");
    assert!(text_of(&page, "h1").contains("Fablab de Poitiers"));
    assert_eq!(
        attr_of(&page, ".open-data-downloads a.download-csv", "href").as_deref(),
        Some("/t/fablab/open-data/publications.csv")
    );
    let (status, _) = get(&client, &node, "/t/nowhere/open-data").await;
    assert_eq!(status, 404);
}

/// The JSON-LD exports kept as golden files beside the objects and activities
/// (`federation::golden`): a change shows in review, and `tests/interop/jsonld-check.mjs`
/// expands them with a real JSON-LD processor like the others.
#[tokio::test]
async fn golden_files_hold_the_json_ld_exports() {
    let (node, admin) = Node::with_territory(Backend::Sqlite, fablab())
        .await
        .unwrap();
    let masto = crate::common::mastodon::FakeMastodon::start().await;
    publish(
        &node,
        &admin,
        "fablab",
        "events",
        json!({
        "title": "Repair café", "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
        "place": {"name": "La Fabrique", "latitude": 46.58, "longitude": 0.34}, "capacity": 12,
        "themes": ["climate"], "language": "fr"}),
    )
    .await;
    publish(
        &node,
        &admin,
        "fablab",
        "resources",
        json!({
        "title": "Guide du repair café", "type": "guide", "license": CC0, "language": "fr"}),
    )
    .await;
    let mut differences = Vec::new();
    for (name, path) in [
        ("open-data-publications", "/open-data/publications.jsonld"),
        ("open-data-territories", "/open-data/territories.jsonld"),
    ] {
        let (status, _, _, body) = download(&node, path).await;
        assert_eq!(status, 200, "{body}");
        let doc: Value = serde_json::from_str(&body).unwrap();
        differences.extend(crate::federation::golden(name, &doc, &node, &masto));
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

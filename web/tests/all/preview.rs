//! Link previews over real HTTP: every public page's head carries OpenGraph and
//! Twitter-card tags (title, description with the event's date in its zone and its place,
//! absolute image URL) and schema.org JSON-LD (`Event`, `Organization`,
//! `LearningResource`), read back by parsing the HTML and the JSON; a title holding
//! `</script>` cannot end the JSON-LD element.

use crate::common;

use common::pages::{attr_of, browser};
use common::{Backend, Node};
use reqwest::Method;
use rhizome_node::Member;
use scraper::{Html, Selector};
use serde_json::{Value, json};

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "description": "Un atelier **ouvert** à toutes et tous.",
  "place": {"name": "La Fabrique", "address": "1 rue de la Paix, 86000 Poitiers", "latitude": 46.58, "longitude": 0.34},
  "website": "https://fablab.example/", "themes": ["science_digital"], "languages": ["fr"]}"#;

/// A title that would end the JSON-LD element and run a script if written as is.
const HOSTILE: &str = "Repair café </script><script>alert(1)</script> & <!-- co";

async fn node(backend: Backend) -> Option<(Node, String)> {
    Node::with_territory(backend, serde_json::from_str(FABLAB).unwrap()).await
}

async fn publish(node: &Node, token: &str, collection: &str, body: Value) -> String {
    let (status, answer) = node
        .send(
            Method::POST,
            &format!("/api/v1/territories/fablab/{collection}"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    answer["id"].as_str().unwrap().to_owned()
}

fn event(extra: Value) -> Value {
    let mut event = json!({
        "title": HOSTILE, "description": "Apportez vos **objets** cassés.",
        "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
        "place": {"name": "La Fabrique", "address": "1 rue de la Paix, Poitiers", "latitude": 46.58, "longitude": 0.34},
        "capacity": 20, "organisers": ["Les Amis du Fer à souder"],
        "image": {"url": "/media/0b6c2f0e-8a34-4c39-9c0a-3c1e8f1d2a4b.jpg", "alt": "Un grille-pain ouvert"}
    });
    json_patch::merge(&mut event, &extra);
    event
}

/// The page at `path` in `language`.
async fn page(node: &Node, path: &str, language: &str) -> String {
    let response = browser()
        .get(node.url(path))
        .header("accept-language", language)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The `content` of `<meta property=name>` (or `name=name`).
fn meta(html: &str, name: &str) -> Option<String> {
    attr_of(html, &format!(r#"meta[property="{name}"]"#), "content")
        .or_else(|| attr_of(html, &format!(r#"meta[name="{name}"]"#), "content"))
}

/// Every JSON-LD document in the page's head.
fn json_ld(html: &str) -> Vec<Value> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(r#"head script[type="application/ld+json"]"#).unwrap();
    document
        .select(&selector)
        .map(|s| {
            let text = s.text().collect::<String>();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
        })
        .collect()
}

/// No script element but the node's own files and the JSON-LD block.
fn no_injected_script(html: &str) {
    let document = Html::parse_document(html);
    for script in document.select(&Selector::parse("script").unwrap()) {
        let ok = script.value().attr("type") == Some("application/ld+json")
            || script
                .value()
                .attr("src")
                .is_some_and(|s| s.starts_with("/assets/"));
        assert!(ok, "unexpected script: {}", script.html());
    }
    assert!(!html.contains("<script>alert(1)"));
}

async fn an_event_page_previews_with_its_date_place_and_picture(backend: Backend) {
    let Some((node, admin)) = node(backend).await else {
        return;
    };
    let id = publish(&node, &admin, "events", event(json!({}))).await;
    let path = format!("/events/{id}");
    let html = page(&node, &path, "fr").await;
    no_injected_script(&html);

    assert_eq!(meta(&html, "og:title").as_deref(), Some(HOSTILE));
    assert_eq!(meta(&html, "og:type").as_deref(), Some("article"));
    assert_eq!(meta(&html, "og:locale").as_deref(), Some("fr_FR"));
    assert_eq!(meta(&html, "og:url"), Some(node.url(&path)));
    assert_eq!(meta(&html, "og:site_name"), Some(node.host()));
    let description = meta(&html, "og:description").unwrap();
    assert!(
        description.contains("mardi 3 décembre 2030, 18:00–21:00 (Europe/Paris)"),
        "{description}"
    );
    assert!(description.contains("La Fabrique, 1 rue de la Paix, Poitiers"));
    assert_eq!(meta(&html, "description"), Some(description));
    let image = node.url("/media/0b6c2f0e-8a34-4c39-9c0a-3c1e8f1d2a4b.jpg");
    assert_eq!(meta(&html, "og:image"), Some(image.clone()));
    assert!(image.starts_with("http://"), "absolute");
    assert_eq!(
        meta(&html, "og:image:alt").as_deref(),
        Some("Un grille-pain ouvert")
    );
    assert_eq!(
        meta(&html, "twitter:card").as_deref(),
        Some("summary_large_image")
    );

    let ld = json_ld(&html);
    assert_eq!(ld.len(), 1);
    let e = &ld[0];
    assert_eq!(e["@context"], "https://schema.org");
    assert_eq!(e["@type"], "Event");
    assert_eq!(e["name"], HOSTILE, "read back whole through the escaping");
    assert_eq!(e["url"], node.url(&path));
    assert_eq!(e["startDate"], "2030-12-03T18:00:00+01:00");
    assert_eq!(e["endDate"], "2030-12-03T21:00:00+01:00");
    assert_eq!(e["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        e["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(e["location"]["@type"], "Place");
    assert_eq!(e["location"]["name"], "La Fabrique");
    assert_eq!(
        e["location"]["address"],
        json!({"@type": "PostalAddress", "streetAddress": "1 rue de la Paix, Poitiers"})
    );
    assert_eq!(e["location"]["geo"]["latitude"], 46.58);
    assert_eq!(e["location"]["geo"]["longitude"], 0.34);
    assert_eq!(e["organizer"][0]["@type"], "Organization");
    assert_eq!(e["organizer"][0]["name"], "Fablab de Poitiers");
    assert_eq!(e["organizer"][0]["url"], node.url("/t/fablab"));
    assert_eq!(e["organizer"][1]["name"], "Les Amis du Fer à souder");
    assert_eq!(e["image"], json!([image]));
    assert_eq!(e["maximumAttendeeCapacity"], 20);
    assert_eq!(e["description"], "Apportez vos objets cassés.");

    // The same page in English: the date in the event's zone, in the page's language.
    let english = page(&node, &path, "en").await;
    assert_eq!(meta(&english, "og:locale").as_deref(), Some("en_GB"));
    let description = meta(&english, "og:description").unwrap();
    assert!(
        description.contains("Tuesday 3 December 2030, 18:00–21:00 (Europe/Paris)"),
        "{description}"
    );
}

#[tokio::test]
async fn an_event_page_previews_with_its_date_place_and_picture_on_sqlite() {
    an_event_page_previews_with_its_date_place_and_picture(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_event_page_previews_with_its_date_place_and_picture_on_postgres() {
    an_event_page_previews_with_its_date_place_and_picture(Backend::Postgres).await;
}

#[tokio::test]
async fn online_hybrid_cancelled_and_summer_events_say_so_in_json_ld() {
    let (node, admin) = node(Backend::Sqlite).await.unwrap();
    let online = publish(
        &node,
        &admin,
        "events",
        event(json!({
            "title": "Permanence numérique", "format": "online", "place": null, "image": null,
            "online_url": "https://visio.example/permanence",
            "starts_at": "2030-07-02T14:00", "ends_at": "2030-07-02T17:00",
            "status": "cancelled"
        })),
    )
    .await;
    let html = page(&node, &format!("/events/{online}"), "fr").await;
    let e = &json_ld(&html)[0];
    assert_eq!(e["startDate"], "2030-07-02T14:00:00+02:00", "summer time");
    assert_eq!(e["eventStatus"], "https://schema.org/EventCancelled");
    assert_eq!(
        e["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(
        e["location"],
        json!({"@type": "VirtualLocation", "url": "https://visio.example/permanence"})
    );
    assert_eq!(meta(&html, "twitter:card").as_deref(), Some("summary"));
    assert_eq!(meta(&html, "og:image"), None, "no picture, no og:image");
    let description = meta(&html, "og:description").unwrap();
    assert!(description.starts_with("ANNULÉ"), "{description}");

    let hybrid = publish(
        &node,
        &admin,
        "events",
        event(json!({"title": "Hybride", "format": "hybrid", "online_url": "https://visio.example/h"})),
    )
    .await;
    let html = page(&node, &format!("/events/{hybrid}"), "fr").await;
    let e = &json_ld(&html)[0];
    assert_eq!(
        e["eventAttendanceMode"],
        "https://schema.org/MixedEventAttendanceMode"
    );
    assert_eq!(e["location"][0]["@type"], "Place");
    assert_eq!(e["location"][1]["@type"], "VirtualLocation");
}

#[tokio::test]
async fn a_territory_previews_as_an_organization() {
    let (node, _) = node(Backend::Sqlite).await.unwrap();
    let html = page(&node, "/t/fablab", "fr").await;
    assert_eq!(
        meta(&html, "og:title").as_deref(),
        Some("Fablab de Poitiers")
    );
    assert_eq!(meta(&html, "og:type").as_deref(), Some("website"));
    assert_eq!(meta(&html, "og:url"), Some(node.url("/t/fablab")));
    let description = meta(&html, "og:description").unwrap();
    assert!(
        description.contains("La Fabrique, 1 rue de la Paix, 86000 Poitiers"),
        "{description}"
    );
    assert!(description.contains("Un atelier ouvert"), "plain text");
    let ld = json_ld(&html);
    let org = &ld[0];
    assert_eq!(org["@type"], "Organization");
    assert_eq!(org["name"], "Fablab de Poitiers");
    assert_eq!(org["url"], node.url("/t/fablab"));
    assert_eq!(
        org["address"]["streetAddress"],
        "1 rue de la Paix, 86000 Poitiers"
    );
    assert_eq!(org["geo"]["latitude"], 46.58);
    assert_eq!(org["sameAs"], json!(["https://fablab.example/"]));
}

#[tokio::test]
async fn a_resource_previews_as_a_learning_resource() {
    let (node, admin) = node(Backend::Sqlite).await.unwrap();
    let id = publish(
        &node,
        &admin,
        "resources",
        json!({
            "title": "Réparer un grille-pain", "summary": "Pas à pas, avec un multimètre.",
            "body": "Débranchez **toujours** l'appareil.", "type": "guide",
            "license": "https://creativecommons.org/licenses/by-sa/4.0/", "level": "beginner",
            "audience": {"age_groups": ["adults"], "publics": ["bénévoles"]}, "language": "fr"
        }),
    )
    .await;
    let html = page(&node, &format!("/resources/{id}"), "fr").await;
    assert_eq!(
        meta(&html, "og:title").as_deref(),
        Some("Réparer un grille-pain")
    );
    let description = meta(&html, "og:description").unwrap();
    assert!(description.contains("Pas à pas"), "{description}");
    assert!(description.contains("CC BY-SA 4.0"), "{description}");
    let r = &json_ld(&html)[0];
    assert_eq!(r["@type"], "LearningResource");
    assert_eq!(
        r["license"],
        "https://creativecommons.org/licenses/by-sa/4.0/"
    );
    assert_eq!(r["learningResourceType"], "guide");
    assert_eq!(r["educationalLevel"], "beginner");
    assert_eq!(r["inLanguage"], "fr");
    assert_eq!(r["audience"]["@type"], "Audience");
    assert_eq!(r["audience"]["audienceType"], "adults, bénévoles");
    assert_eq!(r["publisher"]["name"], "Fablab de Poitiers");
    assert_eq!(r["url"], node.url(&format!("/resources/{id}")));
}

#[tokio::test]
async fn the_home_lists_and_a_call_carry_preview_tags() {
    let (node, admin) = node(Backend::Sqlite).await.unwrap();
    let call = publish(
        &node,
        &admin,
        "calls",
        json!({"title": "Cherche imprimante 3D", "description": "Pour un atelier.", "type": "need"}),
    )
    .await;
    let call_path = format!("/calls/{call}");
    for path in [
        "/",
        "/events",
        "/resources",
        "/calls",
        "/archive",
        "/network",
        call_path.as_str(),
    ] {
        let html = page(&node, path, "fr").await;
        assert!(
            meta(&html, "og:title").is_some_and(|t| !t.is_empty()),
            "{path}"
        );
        let description = meta(&html, "og:description").unwrap_or_default();
        assert!(!description.is_empty(), "{path}");
        assert_eq!(meta(&html, "og:url"), Some(node.url(path)), "{path}");
        assert_eq!(meta(&html, "og:site_name"), Some(node.host()), "{path}");
        assert_eq!(
            meta(&html, "twitter:card").as_deref(),
            Some("summary"),
            "{path}"
        );
        assert_eq!(
            attr_of(&html, r#"link[rel="canonical"]"#, "href"),
            Some(node.url(path))
        );
    }
    let home = page(&node, "/", "fr").await;
    assert!(
        meta(&home, "og:description")
            .unwrap()
            .contains(&format!("lieux apprenants de {}", node.host()))
    );
    let agenda = page(&node, "/events", "es").await;
    assert_eq!(meta(&agenda, "og:locale").as_deref(), Some("es_ES"));
    let call_page = page(&node, &call_path, "fr").await;
    assert_eq!(
        meta(&call_page, "og:title").as_deref(),
        Some("Cherche imprimante 3D")
    );
    assert!(
        json_ld(&call_page).is_empty(),
        "a call has no schema.org type"
    );
    // Pages for members only carry none.
    let editor = Member::new("camille", "a long enough password", false).unwrap();
    node.store.insert_member(&editor).await.unwrap();
    let login = page(&node, "/login", "fr").await;
    assert_eq!(meta(&login, "og:title"), None);
}

#[tokio::test]
async fn a_publication_from_another_node_previews_with_its_date_and_place() {
    use rhizome_node::PublicationKind;
    use rhizome_node::listing::RemoteFacts;
    use rhizome_node::network::RemotePublication;

    let (node, _) = node(Backend::Sqlite).await.unwrap();
    let id = "https://mobilizon.example/events/5b0e1f4c";
    let starts = chrono::DateTime::parse_from_rfc3339("2030-12-05T17:30:00Z")
        .unwrap()
        .to_utc();
    let now = rhizome_node::now();
    let remote = RemotePublication {
        id: id.into(),
        actor_id: "https://mobilizon.example/@cafe".into(),
        kind: PublicationKind::Event,
        title: "Café </script> des savoirs".into(),
        starts_at: Some(starts),
        ends_at: Some(starts + chrono::Duration::hours(2)),
        object: json!({"id": id, "type": "Event"}),
        published: now,
        updated: now,
        deleted_at: None,
        facts: RemoteFacts {
            summary: "On échange ce qu'on sait faire.".into(),
            timezone: Some("Europe/Paris".into()),
            place: Some("Médiathèque, Niort".into()),
            ..RemoteFacts::default()
        },
    };
    node.store.upsert_remote_publication(&remote).await.unwrap();
    let path = format!(
        "/network/publication?id={}",
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    );
    let html = page(&node, &path, "fr").await;
    assert_eq!(
        meta(&html, "og:title").as_deref(),
        Some("Café </script> des savoirs")
    );
    assert_eq!(meta(&html, "og:url"), Some(node.url(&path)));
    assert_eq!(
        meta(&html, "og:description").as_deref(),
        Some(
            "jeudi 5 décembre 2030, 18:30–20:30 (Europe/Paris) · Médiathèque, Niort · \
             On échange ce qu'on sait faire."
        )
    );
}

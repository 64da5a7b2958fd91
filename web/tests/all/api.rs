//! The JSON API over real HTTP: the happy path on both databases, then every kind of bad
//! input the API must refuse with a 4xx naming the field, leaving nothing half-written.

use crate::common;

use common::{Backend, Node};
use reqwest::Method;
use serde_json::{Value, json};

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
  "themes": ["science_digital"], "languages": ["fr"]}"#;

fn event() -> Value {
    json!({
        "title": "Repair café", "description": "Apportez vos **objets** cassés",
        "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
        "place": {"name": "Fablab", "address": "1 rue de la Paix, Poitiers", "latitude": 46.58, "longitude": 0.34},
        "capacity": 20, "registration": {"mode": "open"}, "themes": ["climate"], "tags": ["repair"],
        "audience": {"age_groups": ["adults", "seniors"], "publics": ["familles"]}
    })
}

/// Starts a node with an admin, a territory and its token.
async fn node_with_territory(backend: Backend) -> Option<(Node, String)> {
    let (node, admin) =
        Node::with_territory(backend, serde_json::from_str(FABLAB).unwrap()).await?;
    Some((node, admin))
}

async fn happy_path(backend: Backend) {
    let Some((node, _admin)) = node_with_territory(backend).await else {
        return;
    };
    // A script logs in with a password and gets a token.
    let editor = rhizome_node::Member::new("camille", "a long enough password", false).unwrap();
    node.store.insert_member(&editor).await.unwrap();
    let territory = node.stored_territory("fablab").await;
    node.store
        .grant_editor(editor.id, territory.id)
        .await
        .unwrap();
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/tokens",
            None,
            Some(json!({"username": "camille", "password": "a long enough password"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    let (_, me) = node
        .send(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(me["editor_of"], json!(["fablab"]));

    // Create one of each kind.
    let (status, ev) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&token),
            Some(event()),
        )
        .await;
    assert_eq!(status, 201, "{ev}");
    assert_eq!(ev["starts_at"], "2030-12-03T17:00:00Z");
    assert_eq!(ev["timezone"], "Europe/Paris");
    assert_eq!(ev["territory"], "fablab");
    assert!(
        ev["html"]
            .as_str()
            .unwrap()
            .contains("<strong>objets</strong>")
    );
    let id = ev["id"].as_str().unwrap().to_owned();
    let (status, res) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/resources",
            Some(&token),
            Some(json!({"title": "Guide du repair café", "type": "guide", "body": "# Étapes"})),
        )
        .await;
    assert_eq!(status, 201, "{res}");
    assert_eq!(
        res["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    let (status, call) = node
        .send(Method::POST, "/api/v1/territories/fablab/calls", Some(&token),
              Some(json!({"title": "Cherche bénévoles", "type": "need", "deadline": "2030-01-31", "skills_wanted": ["électronique"]})))
        .await;
    assert_eq!(status, 201, "{call}");

    // List and read.
    let (_, list) = node.send(Method::GET, "/api/v1/events", None, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (_, list) = node
        .send(
            Method::GET,
            "/api/v1/territories/fablab/resources",
            None,
            None,
        )
        .await;
    assert_eq!(list["items"][0]["title"], "Guide du repair café");
    let (_, list) = node
        .send(Method::GET, "/api/v1/calls?territory=fablab", None, None)
        .await;
    assert_eq!(list["items"][0]["skills_wanted"], json!(["électronique"]));
    let (status, got) = node
        .send(Method::GET, &format!("/api/v1/events/{id}"), None, None)
        .await;
    assert_eq!((status, &got["title"]), (200, &json!("Repair café")));

    // The home page shows the territory and the upcoming event in its own zone.
    let home = node
        .http
        .get(node.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Fablab de Poitiers"), "{home}");
    assert!(home.contains("Repair café"));
    assert!(
        home.contains("mardi 3 décembre 2030, 18:00–21:00"),
        "{home}"
    );
    let page = node
        .http
        .get(node.url(&format!("/events/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("<strong>objets</strong>")
    );

    // Edit with a merge patch: only what changes.
    let (status, edited) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{id}"),
            Some(&token),
            Some(json!({"status": "postponed", "capacity": null})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["status"], "postponed");
    assert_eq!(edited["capacity"], Value::Null);
    assert_eq!(edited["title"], "Repair café");
    let (_, got) = node
        .send(Method::GET, &format!("/api/v1/events/{id}"), None, None)
        .await;
    assert_eq!(got["status"], "postponed");

    // Edit the territory; its slug stays.
    let (status, t) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(&token),
            Some(json!({"description": "Un lieu pour réparer"})),
        )
        .await;
    assert_eq!(
        (status, &t["description"]),
        (200, &json!("Un lieu pour réparer"))
    );

    // Delete: gone from lists, the URL answers 410.
    let (status, _) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = node
        .send(Method::GET, &format!("/api/v1/events/{id}"), None, None)
        .await;
    assert_eq!(status, 410);
    let page = node
        .http
        .get(node.url(&format!("/events/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 410);
    let (_, list) = node
        .send(Method::GET, "/api/v1/events?current=false", None, None)
        .await;
    assert!(list["items"].as_array().unwrap().is_empty());
}

common::on_both_backends!(happy_path => happy_path_sqlite, happy_path_postgres);

/// The network agenda searched over HTTP: accents, prefixes, every word required, paging,
/// a territory handle, and input full of search syntax answered without an error.
async fn network_search(backend: Backend) {
    let Some((node, admin)) = node_with_territory(backend).await else {
        return;
    };
    for patch in [
        json!({}),
        json!({"title": "Atelier vélo", "description": "Réglage des freins", "starts_at": "2030-12-04T18:00",
               "ends_at": "2030-12-04T21:00", "language": "en", "themes": ["mobility"]}),
        json!({"title": "Café des langues", "description": "Conversation", "starts_at": "2030-12-05T18:00",
               "ends_at": "2030-12-05T21:00", "place": {"name": "Mairie", "latitude": 43.6, "longitude": 1.44}}),
    ] {
        let (status, body) = node
            .send(
                Method::POST,
                "/api/v1/territories/fablab/events",
                Some(&admin),
                Some(event_with(patch)),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let titles = |path: String| {
        let node = &node;
        async move {
            let (status, body) = node.send(Method::GET, &path, None, None).await;
            assert_eq!(status, 200, "{path}: {body}");
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let search = |q: &str| titles(format!("/api/v1/network/events?q={}", urlencode(q)));
    assert_eq!(search("reglage").await, ["Atelier vélo"]);
    assert_eq!(search("CAF").await, ["Repair café", "Café des langues"]);
    assert_eq!(search("café lang").await, ["Café des langues"]);
    assert_eq!(
        search("objets cass").await,
        ["Repair café"],
        "the description"
    );
    assert!(search("velo zzz").await.is_empty());
    for hostile in ["\"", "*", "NEAR(", "a OR", "-x", "x:*", "'", "!(&|)", "%00"] {
        search(hostile).await;
    }
    let base = "/api/v1/network/events";
    assert_eq!(
        titles(format!("{base}?limit=1&offset=1")).await,
        ["Atelier vélo"]
    );
    assert_eq!(
        titles(format!("{base}?theme=mobility&language=en")).await,
        ["Atelier vélo"]
    );
    assert_eq!(
        titles(format!("{base}?near=43.6,1.44,20")).await,
        ["Café des langues"]
    );
    let handle = format!("@fablab@{}", node.host());
    assert_eq!(
        titles(format!("{base}?territory={}", urlencode(&handle)))
            .await
            .len(),
        3
    );
    assert!(
        titles(format!("{base}?territory=@nobody@{}", node.host()))
            .await
            .is_empty()
    );
    let (_, body) = node
        .send(Method::GET, &format!("{base}?q=langues"), None, None)
        .await;
    let item = &body["items"][0];
    assert_eq!(item["origin"]["local"], true);
    assert_eq!(item["origin"]["handle"], handle);
    assert!(item["id"].as_str().unwrap().contains("/events/"), "{item}");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

common::on_both_backends!(network_search => network_search_sqlite, network_search_postgres);

/// Sends a bad event and checks the status and the field named.
async fn refused(node: &Node, token: &str, body: Value, status: u16, field: &str) {
    let (got, answer) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(got, status, "{body} -> {answer}");
    assert_eq!(answer["field"], field, "{body} -> {answer}");
    assert!(
        answer["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{answer}"
    );
}

fn event_with(patch: Value) -> Value {
    let mut e = event();
    json_patch_merge(&mut e, &patch);
    e
}

fn json_patch_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    json_patch_merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named() {
    let (node, admin) = node_with_territory(Backend::Sqlite).await.unwrap();
    for (patch, field) in [
        (json!({"capacity": "ten"}), "capacity"),
        (json!({"title": null}), "title"),
        (json!({"ends_at": "2030-12-03T17:00"}), "ends_at"),
        (json!({"timezone": "Europe/Poitiers"}), "timezone"),
        (json!({"place": {"latitude": 123.0}}), "place.latitude"),
        (json!({"title": "é".repeat(201)}), "title"),
        (json!({"description": "x".repeat(60_000)}), "description"),
        (json!({"tags": ["ok", "not ok"]}), "tags[1]"),
        (json!({"online_url": "javascript:alert(1)"}), "online_url"),
    ] {
        refused(&node, &admin, event_with(patch), 422, field).await;
    }

    // Not JSON at all, or not declared as JSON.
    let resp = node
        .http
        .post(node.url("/api/v1/territories/fablab/events"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("invalid JSON"),
        "{body}"
    );
    let resp = node
        .http
        .post(node.url("/api/v1/territories/fablab/events"))
        .bearer_auth(&admin)
        .body(event().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);

    // A body over the cap is refused before parsing.
    let huge = json!({"title": "x", "description": "y".repeat(2 * 1024 * 1024)});
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(huge),
        )
        .await;
    assert_eq!(status, 413, "{body}");

    // Duplicate slug.
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories",
            Some(&admin),
            Some(serde_json::from_str(FABLAB).unwrap()),
        )
        .await;
    assert_eq!((status, &body["field"]), (409, &json!("slug")));

    // Query strings too.
    let (status, _) = node
        .send(Method::GET, "/api/v1/events?limit=lots", None, None)
        .await;
    assert_eq!(status, 400);
    let (status, _) = node
        .send(Method::GET, "/api/v1/events?limit=100000", None, None)
        .await;
    assert_eq!(status, 400);
    let (status, _) = node.send(Method::GET, "/api/v1/parties", None, None).await;
    assert_eq!(status, 404);

    // Nothing was half-written.
    let (_, list) = node
        .send(Method::GET, "/api/v1/events?current=false", None, None)
        .await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
    assert_eq!(node.store.territories().await.unwrap().len(), 1);
}

#[tokio::test]
async fn bad_edits_change_nothing() {
    let (node, admin) = node_with_territory(Backend::Sqlite).await.unwrap();
    let (_, ev) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(event()),
        )
        .await;
    let path = format!("/api/v1/events/{}", ev["id"].as_str().unwrap());
    let (status, body) = node
        .send(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"ends_at": "2020-01-01T00:00"})),
        )
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("ends_at")));
    let (status, body) = node
        .send(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"format": "online"})),
        )
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("online_url")));
    let (_, after) = node.send(Method::GET, &path, None, None).await;
    assert_eq!(after, ev);
    let (status, body) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(&admin),
            Some(json!({"slug": "other"})),
        )
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("slug")));
    let (status, _) = node
        .send(Method::GET, "/api/v1/events/not-a-uuid", None, None)
        .await;
    assert_eq!(status, 404);
    // An event id under another collection is not found there.
    let (status, _) = node
        .send(
            Method::GET,
            &path.replace("events", "resources"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn tokens_and_territory_rights_are_enforced() {
    let (node, admin) = node_with_territory(Backend::Sqlite).await.unwrap();
    let (_, other) = node
        .send(
            Method::POST,
            "/api/v1/territories",
            Some(&admin),
            Some(json!({"slug": "ville", "name": "Ville apprenante", "kind": "learning_city"})),
        )
        .await;
    assert_eq!(other["slug"], "ville");
    let (_, ev) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(event()),
        )
        .await;
    let event_path = format!("/api/v1/events/{}", ev["id"].as_str().unwrap());

    // No token, a made-up token, a wrong password: 401.
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            None,
            Some(event()),
        )
        .await;
    assert_eq!((status, &body["error"]), (401, &json!("unauthorized")));
    let (status, _) = node
        .send(Method::DELETE, &event_path, Some("rhz_forged"), None)
        .await;
    assert_eq!(status, 401);
    let (status, _) = node
        .send(
            Method::POST,
            "/api/v1/tokens",
            None,
            Some(json!({"username": "admin", "password": "wrong password"})),
        )
        .await;
    assert_eq!(status, 401);

    // An editor of "ville" touching "fablab": 403, whatever they send.
    let editor = rhizome_node::Member::new("dominique", "a long enough password", false).unwrap();
    node.store.insert_member(&editor).await.unwrap();
    let ville = node.stored_territory("ville").await;
    node.store.grant_editor(editor.id, ville.id).await.unwrap();
    let (token, record) = rhizome_node::ApiToken::issue(editor.id, "t");
    node.store.insert_token(&record).await.unwrap();
    let (status, _) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&token),
            Some(event()),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = node
        .send(
            Method::PATCH,
            &event_path,
            Some(&token),
            Some(json!({"title": "Mine"})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = node
        .send(Method::DELETE, &event_path, Some(&token), None)
        .await;
    assert_eq!(status, 403);
    let (status, _) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(&token),
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_eq!(status, 403);
    // Only admins create territories.
    let (status, _) = node
        .send(
            Method::POST,
            "/api/v1/territories",
            Some(&token),
            Some(json!({"slug": "new", "name": "N", "kind": "fablab"})),
        )
        .await;
    assert_eq!(status, 403);
    // Their own territory is fine.
    let (status, _) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/events",
            Some(&token),
            Some(event()),
        )
        .await;
    assert_eq!(status, 201);
    // And the event they could not touch is intact.
    let (_, after) = node.send(Method::GET, &event_path, None, None).await;
    assert_eq!(after["title"], "Repair café");
}

/// NUL and other control characters in any text typed in locally are refused with a 422
/// naming the field (PostgreSQL cannot store a NUL; feeds cannot carry them), for every
/// kind of publication and for the territory; line breaks and tabs pass where the text may
/// span lines, and only there.
async fn control_characters_are_refused(backend: Backend) {
    let Some((node, admin)) = node_with_territory(backend).await else {
        return;
    };
    for (patch, field) in [
        (json!({"title": "Repair\u{0}café"}), "title"),
        (
            json!({"description": "Apportez\u{0} vos objets"}),
            "description",
        ),
        (json!({"title": "Repair\ncafé"}), "title"),
        (json!({"title": "Repair\tcafé"}), "title"),
        (json!({"place": {"name": "Fab\u{1b}lab"}}), "place.name"),
        (
            json!({"place": {"address": "1 rue\u{7f}"}}),
            "place.address",
        ),
        (json!({"organisers": ["ok", "Fab\u{0}"]}), "organisers[1]"),
        (
            json!({"audience": {"publics": ["fa\u{85}milles"]}}),
            "audience.publics[0]",
        ),
        (json!({"free": false, "price": "5\u{0} €"}), "price"),
        (
            json!({"links": [{"url": "https://example.org/", "title": "x\u{0}"}]}),
            "links[0].title",
        ),
    ] {
        refused(&node, &admin, event_with(patch), 422, field).await;
    }
    for (collection, body, field) in [
        (
            "resources",
            json!({"title": "Guide", "type": "guide", "body": "a\u{0}b"}),
            "body",
        ),
        (
            "resources",
            json!({"title": "Guide", "type": "guide", "summary": "a\u{0}b"}),
            "summary",
        ),
        (
            "resources",
            json!({"title": "Guide", "type": "guide",
                   "attachments": [{"url": "https://example.org/a.pdf", "name": "a\u{0}"}]}),
            "attachments[0].name",
        ),
        (
            "calls",
            json!({"title": "Bénévoles", "type": "need", "skills_wanted": ["sou\u{0}dure"]}),
            "skills_wanted[0]",
        ),
        (
            "calls",
            json!({"title": "Bénévoles", "type": "need", "outcome": "fini\u{0}"}),
            "outcome",
        ),
    ] {
        let (status, answer) = node
            .send(
                Method::POST,
                &format!("/api/v1/territories/fablab/{collection}"),
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            (status, &answer["field"]),
            (422, &json!(field)),
            "{body} -> {answer}"
        );
    }
    for (patch, field) in [
        (json!({"name": "Fab\u{0}lab"}), "name"),
        (json!({"description": "Un\u{0}lieu"}), "description"),
        (json!({"contact": "a@b.example\u{0}"}), "contact"),
    ] {
        let (status, answer) = node
            .send(
                Method::PATCH,
                "/api/v1/territories/fablab",
                Some(&admin),
                Some(patch.clone()),
            )
            .await;
        assert_eq!(
            (status, &answer["field"]),
            (422, &json!(field)),
            "{patch} -> {answer}"
        );
    }
    let (_, territory) = node
        .send(Method::GET, "/api/v1/territories/fablab", None, None)
        .await;
    assert_eq!(
        territory["name"], "Fablab de Poitiers",
        "nothing half-written"
    );

    // Several lines and tabs where the text may span lines.
    let (status, created) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(event_with(
                json!({"description": "Ligne un\r\nligne deux\n\n\tretrait"}),
            )),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["description"],
        "Ligne un\r\nligne deux\n\n\tretrait"
    );
}

common::on_both_backends!(control_characters_are_refused => control_characters_are_refused_sqlite, control_characters_are_refused_postgres);

/// Dates far outside any plausible agenda (year 10000 vanished from the agenda and could
/// no longer be edited) are refused, naming the field.
#[tokio::test]
async fn dates_outside_the_years_window_are_refused() {
    let (node, admin) = node_with_territory(Backend::Sqlite).await.unwrap();
    for (patch, field) in [
        // Year 10000 in UTC, written as 9999 with an offset.
        (
            json!({"starts_at": "9999-12-31T20:00:00-05:00", "ends_at": "9999-12-31T23:30:00-05:00"}),
            "starts_at",
        ),
        (
            json!({"starts_at": "2200-12-31T22:00", "ends_at": "2201-01-01T10:00"}),
            "ends_at",
        ),
        (
            json!({"starts_at": "1899-06-01T10:00:00Z", "ends_at": "1899-06-01T12:00:00Z"}),
            "starts_at",
        ),
    ] {
        refused(&node, &admin, event_with(patch), 422, field).await;
    }
    let (status, answer) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/calls",
            Some(&admin),
            Some(json!({"title": "Bénévoles", "type": "need", "deadline": "2201-01-01"})),
        )
        .await;
    assert_eq!(
        (status, &answer["field"]),
        (422, &json!("deadline")),
        "{answer}"
    );

    // An edit is held to the same window, and the event stays as it was.
    let (status, created) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(event()),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/v1/events/{}", created["id"].as_str().unwrap());
    let (status, answer) = node
        .send(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"starts_at": "9999-12-31T20:00:00-05:00", "ends_at": "9999-12-31T23:30:00-05:00"})),
        )
        .await;
    assert_eq!(
        (status, &answer["field"]),
        (422, &json!("starts_at")),
        "{answer}"
    );
    let (_, got) = node.send(Method::GET, &path, None, None).await;
    assert_eq!(got["starts_at"], created["starts_at"]);
}

/// One reading of `near` everywhere: every malformed point or radius is a 400 on the API's
/// views and directory, on the pages and on the calendars, and a good one is read alike.
#[tokio::test]
async fn every_bad_near_is_refused_by_every_view() {
    let (node, admin) = node_with_territory(Backend::Sqlite).await.unwrap();
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(event()),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let bad = [
        "NaN,NaN,NaN",
        "1,x,2,3",
        "46,x,0.3,20",
        "46.58,0.34",
        "46.58,0.34,20,5",
        "91,0.34,20",
        "46.58,181,20",
        "46.58,0.34,0",
        "46.58,0.34,-5",
        "46.58,0.34,inf",
        "46.58,0.34,20001",
    ];
    let views = [
        "/api/v1/network/events",
        "/api/v1/network/directory",
        "/network/calendar.ics",
        "/calendar.ics",
        "/t/fablab/calendar.ics",
        "/events",
        "/network",
    ];
    for near in bad {
        let query = urlencode(near);
        for view in views {
            let response = node
                .http
                .get(node.url(&format!("{view}?near={query}")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 400, "{view}?near={near}");
        }
        // The pages' three boxes (where "20,5" would be a decimal comma, so well-formed).
        let parts: Vec<&str> = near.splitn(3, ',').collect();
        if let [lat, lon, km] = parts[..]
            && !km.contains(',')
        {
            let path = format!(
                "/events?lat={}&lon={}&km={}",
                urlencode(lat),
                urlencode(lon),
                urlencode(km)
            );
            let response = node.http.get(node.url(&path)).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 400, "{path}");
        }
    }
    for view in views {
        let response = node
            .http
            .get(node.url(&format!("{view}?near=46.58,0.34,20")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{view}");
    }
    let (_, near) = node
        .send(
            Method::GET,
            "/api/v1/network/events?near=46.58,0.34,20",
            None,
            None,
        )
        .await;
    assert_eq!(near["items"].as_array().unwrap().len(), 1, "{near}");
}

//! Partnerships between territories over real HTTP: a territory on node B offers one to a
//! territory on node C, C's editor accepts it, both territory pages show it and node A's
//! map of links (JSON, GeoJSON, `/map`) learns it from B's and C's directories; C ends it
//! and it is gone everywhere. Then every refusal: a member who does not edit the
//! territory, forged and replayed `Offer`s, `Accept`s and `Delete`s from other servers.

use crate::common;

use common::mastodon::FakeMastodon;
use common::{Backend, Node, eventually};
use reqwest::Method;
use serde_json::{Value, json};

/// A node with one territory at (`lat`, `lon`), its admin's token.
async fn node_with(
    backend: Backend,
    slug: &str,
    name: &str,
    (lat, lon): (f64, f64),
) -> Option<(Node, String)> {
    Node::with_territory(
        backend,
        json!({"slug": slug, "name": name, "kind": "tiers_lieu", "languages": ["fr"],
               "themes": ["culture"],
               "place": {"address": name, "latitude": lat, "longitude": lon}}),
    )
    .await
}

async fn page(node: &Node, path: &str) -> String {
    let resp = node.http.get(node.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp.text().await.unwrap()
}

/// A territory's partnerships as `token` (or the public) sees them.
async fn partnerships(node: &Node, slug: &str, token: Option<&str>) -> Vec<Value> {
    let (status, body) = node
        .send(
            Method::GET,
            &format!("/api/v1/territories/{slug}/partnerships"),
            token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

async fn change(node: &Node, slug: &str, id: &str, verb: &str, token: &str) -> (u16, Value) {
    node.send(
        Method::POST,
        &format!("/api/v1/territories/{slug}/partnerships/{id}/{verb}"),
        Some(token),
        None,
    )
    .await
}

/// A node's partnership links as its `/api/v1/links` lists them.
async fn partnership_links(node: &Node) -> Vec<Value> {
    let (status, body) = node
        .send(Method::GET, "/api/v1/links?kind=partnership", None, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

async fn a_partnership_between_b_and_c_shows_on_both_pages_and_on_a_s_map(backend: Backend) {
    let Some((a, _)) = node_with(backend, "reseau", "Réseau régional", (46.0, 0.0)).await else {
        return;
    };
    let (b, b_token) = node_with(backend, "fablab", "Fablab de Poitiers", (46.58, 0.34))
        .await
        .unwrap();
    let (c, c_token) = node_with(backend, "ville", "Ville apprenante", (45.75, 4.85))
        .await
        .unwrap();
    let visitor_token = c.member("visiteur", false).await;

    // B's editor offers a partnership to C's territory, by its handle.
    let (status, offered) = b
        .send(
            Method::POST,
            "/api/v1/territories/fablab/partnerships",
            Some(&b_token),
            Some(json!({"partner": format!("@ville@{}", c.host()), "themes": ["culture", "science_digital"],
                        "description": "Ateliers numériques partagés"})),
        )
        .await;
    assert_eq!(status, 201, "{offered}");
    assert_eq!(offered["state"], "offered");
    assert_eq!(offered["offered_by_us"], true);
    assert_eq!(offered["partner_ref"], c.url("/t/ville"));
    // Twice is refused while the first is live.
    let (status, again) = b
        .send(
            Method::POST,
            "/api/v1/territories/fablab/partnerships",
            Some(&b_token),
            Some(json!({"partner": c.url("/t/ville")})),
        )
        .await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["reason"], "already_partners");

    // C's editors see it waiting; the public sees nothing yet.
    let mut received = Value::Null;
    eventually("the Offer reaches C", async || {
        received = partnerships(&c, "ville", Some(&c_token))
            .await
            .first()
            .cloned()
            .unwrap_or_default();
        !received.is_null()
    })
    .await;
    assert_eq!(received["state"], "offered");
    assert_eq!(received["offered_by_us"], false);
    assert_eq!(received["partner"]["name"], "Fablab de Poitiers");
    assert_eq!(received["themes"], json!(["culture", "science_digital"]));
    assert_eq!(received["description"], "Ateliers numériques partagés");
    assert_eq!(partnerships(&c, "ville", None).await, Vec::<Value>::new());
    let id = received["id"].as_str().unwrap().to_owned();

    // A member who does not edit C's territory cannot accept it; B cannot accept its own.
    let (status, body) = change(&c, "ville", &id, "accept", &visitor_token).await;
    assert_eq!(status, 403, "{body}");
    let b_id = offered["id"].as_str().unwrap();
    let (status, body) = change(&b, "fablab", b_id, "accept", &b_token).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        partnerships(&c, "ville", Some(&c_token)).await[0]["state"],
        "offered"
    );

    // C's editor accepts; B hears it.
    let (status, accepted) = change(&c, "ville", &id, "accept", &c_token).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["state"], "active");
    let (status, twice) = change(&c, "ville", &id, "refuse", &c_token).await;
    assert_eq!(status, 409, "{twice}");
    assert_eq!(twice["reason"], "already_decided");
    eventually("B hears of the acceptance", async || {
        partnerships(&b, "fablab", None)
            .await
            .first()
            .map(|p| p["state"].clone())
            == Some(json!("active"))
    })
    .await;

    // Both territory pages show it.
    let c_page = page(&c, "/t/ville").await;
    assert!(c_page.contains("Fablab de Poitiers"), "{c_page}");
    assert!(c_page.contains("Ateliers numériques partagés"), "{c_page}");
    let b_page = page(&b, "/t/fablab").await;
    assert!(b_page.contains("Ville apprenante"), "{b_page}");

    // A learns B alone: B's word is not enough for a partnership with a territory of
    // another node.
    assert!(a.federation().learn_peer(&b.host(), "contact").await);
    a.federation().discovery_round().await.unwrap();
    assert_eq!(partnership_links(&a).await, Vec::<Value>::new());
    // Once A knows C too, both directories list the link and A draws it.
    assert!(a.federation().learn_peer(&c.host(), "contact").await);
    a.federation().discovery_round().await.unwrap();
    let links = partnership_links(&a).await;
    assert_eq!(links.len(), 1, "{links:?}");
    let ends = [links[0]["from"].clone(), links[0]["to"].clone()];
    assert!(
        ends.contains(&json!(b.url("/t/fablab"))) && ends.contains(&json!(c.url("/t/ville"))),
        "{links:?}"
    );
    assert_eq!(links[0]["themes"], json!(["culture", "science_digital"]));
    let (_, all) = a.send(Method::GET, "/api/v1/links", None, None).await;
    let names: Vec<&str> = all["territories"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Fablab de Poitiers") && names.contains(&"Ville apprenante"),
        "{all}"
    );
    let (_, none) = a
        .send(Method::GET, "/api/v1/links?theme=climate", None, None)
        .await;
    assert_eq!(none["items"], json!([]), "{none}");
    let (status, bad) = a
        .send(Method::GET, "/api/v1/links?kind=friendship", None, None)
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["field"], "kind");
    let geo: Value = a
        .http
        .get(a.url("/api/v1/links.geojson?kind=partnership"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let feature = &geo["features"][0];
    assert_eq!(feature["geometry"]["type"], "LineString");
    let mut coordinates = feature["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .clone();
    coordinates.sort_by(|x, y| x[0].as_f64().partial_cmp(&y[0].as_f64()).unwrap());
    assert_eq!(
        coordinates,
        vec![json!([0.34, 46.58]), json!([4.85, 45.75])]
    );
    assert_eq!(feature["properties"]["kind"], "partnership");
    let map = page(&a, "/map?kind=partnership").await;
    assert!(
        map.contains("Fablab de Poitiers") && map.contains("Ville apprenante"),
        "{map}"
    );
    assert!(map.contains("data-links="), "{map}");
    assert_eq!(
        map.matches(r#"class="item link-partnership""#).count(),
        1,
        "{map}"
    );
    let filtered = page(&a, "/map?kind=follows").await;
    assert!(
        !filtered.contains(r#"class="item link-partnership""#),
        "{filtered}"
    );

    // C ends it: gone on both nodes, and on A's map once A checks its peers again.
    let (status, ended) = change(&c, "ville", &id, "end", &c_token).await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(ended["state"], "ended");
    eventually("B hears of the end", async || {
        partnerships(&b, "fablab", Some(&b_token)).await[0]["state"] == "ended"
    })
    .await;
    assert_eq!(partnerships(&b, "fablab", None).await, Vec::<Value>::new());
    assert_eq!(partnerships(&c, "ville", None).await, Vec::<Value>::new());
    assert!(!page(&c, "/t/ville").await.contains("Fablab de Poitiers"));
    assert!(!page(&b, "/t/fablab").await.contains("Ville apprenante"));
    for node in [&b, &c] {
        assert!(a.federation().recheck_peer(&node.host()).await.unwrap());
    }
    assert_eq!(partnership_links(&a).await, Vec::<Value>::new());
    let map = page(&a, "/map").await;
    assert!(!map.contains(r#"class="item link-partnership""#), "{map}");
    let (status, twice) = change(&b, "fablab", b_id, "end", &b_token).await;
    assert_eq!(status, 409, "{twice}");
    assert_eq!(twice["reason"], "already_ended");
}

common::on_both_backends!(a_partnership_between_b_and_c_shows_on_both_pages_and_on_a_s_map =>
    a_partnership_between_b_and_c_shows_on_both_pages_and_on_a_s_map_sqlite,
    a_partnership_between_b_and_c_shows_on_both_pages_and_on_a_s_map_postgres);

/// Two territories of one node: offered, accepted and ended without any activity.
#[tokio::test]
async fn two_territories_of_one_node_become_partners_without_the_wire() {
    let (node, token) = node_with(Backend::Sqlite, "ville", "Ville apprenante", (45.75, 4.85))
        .await
        .unwrap();
    node.territory(
        &token,
        json!({"slug": "lab", "name": "Living lab", "kind": "living_lab", "languages": ["fr"],
               "place": {"address": "Lyon", "latitude": 45.76, "longitude": 4.83}}),
    )
    .await;
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/partnerships",
            Some(&token),
            Some(json!({"partner": "ville"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "partner");
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/partnerships",
            Some(&token),
            Some(json!({"partner": "lab", "description": "Un\u{0}"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "description");
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/partnerships",
            Some(&token),
            Some(json!({"partner": "nowhere"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "partner");
    assert!(partnerships(&node, "ville", Some(&token)).await.is_empty());
    let (status, offered) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/partnerships",
            Some(&token),
            Some(json!({"partner": "lab", "themes": ["climate"]})),
        )
        .await;
    assert_eq!(status, 201, "{offered}");
    let id = offered["id"].as_str().unwrap();
    // The same partnership, seen from the territory offered.
    let seen = partnerships(&node, "lab", Some(&token)).await;
    assert_eq!(seen[0]["id"], offered["id"]);
    assert_eq!(seen[0]["partner"]["name"], "Ville apprenante");
    let (status, accepted) = change(&node, "lab", id, "accept", &token).await;
    assert_eq!(status, 200, "{accepted}");
    let links = partnership_links(&node).await;
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0]["themes"], json!(["climate"]));
    assert!(page(&node, "/t/lab").await.contains("Ville apprenante"));
    let (status, _) = change(&node, "ville", id, "end", &token).await;
    assert_eq!(status, 200);
    assert!(partnership_links(&node).await.is_empty());

    // The other kinds of links between the two: an event naming the lab as a partner, and
    // the lab accepted as a partner of the city's call.
    let lab = node.stored_territory("lab").await;
    let (status, event) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/events",
            Some(&token),
            Some(
                json!({"title": "Fête de la science", "starts_at": "2030-10-03T18:00",
                        "ends_at": "2030-10-03T21:00", "themes": ["science_digital"],
                        "place": {"name": "Mairie", "address": "Lyon", "latitude": 45.76, "longitude": 4.84},
                        "partners": [lab.id]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    let (status, call) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/calls",
            Some(&token),
            Some(json!({"type": "need", "title": "Besoin d'un espace", "themes": ["urban_life"]})),
        )
        .await;
    assert_eq!(status, 201, "{call}");
    let (status, answer) = node
        .send(
            Method::POST,
            &format!("/api/v1/calls/{}/answers", call["id"].as_str().unwrap()),
            Some(&token),
            Some(json!({"territory": "lab", "message": "Notre salle est libre."})),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    let (_, before) = node
        .send(Method::GET, "/api/v1/links?kind=call_partner", None, None)
        .await;
    assert_eq!(before["items"], json!([]), "a pending answer is no link");
    let (status, body) = node
        .send(
            Method::POST,
            &format!(
                "/api/v1/answers/{}/decision",
                answer["id"].as_str().unwrap()
            ),
            Some(&token),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, all) = node.send(Method::GET, "/api/v1/links", None, None).await;
    let mut kinds: Vec<(String, String, String, Value)> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_owned(),
                l["from"].as_str().unwrap().to_owned(),
                l["label"].as_str().unwrap_or_default().to_owned(),
                l["themes"].clone(),
            )
        })
        .collect();
    kinds.sort_by(|x, y| x.0.cmp(&y.0));
    let ville = node.url("/t/ville");
    assert_eq!(
        kinds,
        vec![
            (
                "call_partner".into(),
                ville.clone(),
                "Besoin d'un espace".into(),
                json!(["urban_life"])
            ),
            (
                "co_organised".into(),
                ville.clone(),
                "Fête de la science".into(),
                json!(["science_digital"])
            ),
        ],
        "{all}"
    );
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["to"] == node.url("/t/lab"))
    );
    let (_, themed) = node
        .send(Method::GET, "/api/v1/links?theme=urban_life", None, None)
        .await;
    assert_eq!(
        themed["items"].as_array().map(Vec::len),
        Some(1),
        "{themed}"
    );
    let geo: Value = node
        .http
        .get(node.url("/api/v1/links.geojson"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(geo["features"].as_array().map(Vec::len), Some(2), "{geo}");
    assert_eq!(node.store.pending_deliveries().await.unwrap(), 0);
}

#[tokio::test]
async fn forged_and_replayed_partnership_activities_are_refused_and_golden_files_hold_the_real_ones()
 {
    let (c, c_token) = node_with(Backend::Sqlite, "ville", "Ville apprenante", (45.75, 4.85))
        .await
        .unwrap();
    let masto = FakeMastodon::start().await;
    let alice = masto.actor_id("alice");
    let inbox = c.url("/t/ville/inbox");
    let offer = |id: &str, object: Value| {
        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}{id}", masto.base()),
               "type": "Offer", "actor": alice, "object": object, "target": c.url("/t/ville"),
               "to": [c.url("/t/ville")]})
    };
    let partnership = |id: String, author: &str, partner: String| {
        json!({"id": id, "type": "Partnership", "attributedTo": author, "partner": partner,
               "themes": ["culture", "nonsense"], "content": "<p>Ensemble</p>"})
    };
    for (name, activity) in [
        (
            "attributed to another",
            offer(
                "/offers/1",
                partnership(
                    format!("{}/p/1", masto.base()),
                    "https://else.example/u/x",
                    c.url("/t/ville"),
                ),
            ),
        ),
        (
            "object on another host",
            offer(
                "/offers/2",
                partnership("https://else.example/p/2".into(), &alice, c.url("/t/ville")),
            ),
        ),
        (
            "territory not ours",
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/offers/3", masto.base()),
                   "type": "Offer", "actor": alice,
                   "object": partnership(format!("{}/p/3", masto.base()), &alice, "https://else.example/t/x".into()),
                   "to": [c.url("/t/ville")]}),
        ),
    ] {
        let (status, text) = masto.post("alice", &inbox, &activity).await;
        assert_eq!(status, 403, "{name}: {text}");
    }
    assert!(partnerships(&c, "ville", Some(&c_token)).await.is_empty());

    // A genuine one is stored, waiting; the same Offer again is no second one.
    let genuine = offer(
        "/offers/4",
        partnership(format!("{}/p/4", masto.base()), &alice, c.url("/t/ville")),
    );
    for _ in 0..2 {
        let (status, text) = masto.post("alice", &inbox, &genuine).await;
        assert_eq!(status, 202, "{text}");
    }
    let stored = partnerships(&c, "ville", Some(&c_token)).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["state"], "offered");
    assert_eq!(stored[0]["themes"], json!(["culture"]));
    assert_eq!(stored[0]["description"], "Ensemble");
    // Someone else ends it: refused; alice withdraws it.
    let delete = |sender: &str, n: u32| {
        json!({"@context": "https://www.w3.org/ns/activitystreams",
               "id": format!("{}/deletes/{sender}/{n}", masto.base()), "type": "Delete",
               "actor": masto.actor_id(sender),
               "object": {"id": format!("{}/p/4", masto.base()), "type": "Partnership"},
               "to": [c.url("/t/ville")]})
    };
    let (status, text) = masto.post("bob", &inbox, &delete("bob", 1)).await;
    assert_eq!(status, 403, "{text}");
    assert_eq!(
        partnerships(&c, "ville", Some(&c_token)).await[0]["state"],
        "offered"
    );
    let (status, text) = masto.post("alice", &inbox, &delete("alice", 1)).await;
    assert_eq!(status, 202, "{text}");
    assert_eq!(
        partnerships(&c, "ville", Some(&c_token)).await[0]["state"],
        "ended"
    );

    // C offers one to alice: only alice may accept it, once.
    let (status, offered) = c
        .send(
            Method::POST,
            "/api/v1/territories/ville/partnerships",
            Some(&c_token),
            Some(json!({"partner": alice, "description": "Un festival"})),
        )
        .await;
    assert_eq!(status, 201, "{offered}");
    let sent = masto
        .wait_for("the Offer", |a| {
            a["type"] == "Offer" && a["object"]["type"] == "Partnership"
        })
        .await;
    assert_eq!(sent["actor"], c.url("/t/ville"));
    assert_eq!(sent["target"], alice);
    assert_eq!(sent["object"]["partner"], alice);
    assert_eq!(sent["object"]["attributedTo"], c.url("/t/ville"));
    assert_eq!(sent["object"]["content"], "<p>Un festival</p>");
    let accept = |sender: &str, n: u32| {
        json!({"@context": "https://www.w3.org/ns/activitystreams",
               "id": format!("{}/accepts/{sender}/{n}", masto.base()), "type": "Accept",
               "actor": masto.actor_id(sender),
               "object": {"id": sent["id"], "type": "Offer", "actor": c.url("/t/ville")},
               "to": [c.url("/t/ville")]})
    };
    let (status, text) = masto.post("bob", &inbox, &accept("bob", 1)).await;
    assert_eq!(status, 403, "{text}");
    let state = async || {
        partnerships(&c, "ville", Some(&c_token))
            .await
            .into_iter()
            .find(|p| p["id"] == offered["id"])
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state().await, "offered");
    for n in 1..=2 {
        let (status, text) = masto.post("alice", &inbox, &accept("alice", n)).await;
        assert_eq!(status, 202, "{text}");
    }
    assert_eq!(state().await, "active");
    // A Reject after the Accept changes nothing.
    let mut reject = accept("alice", 3);
    reject["type"] = json!("Reject");
    let (status, text) = masto.post("alice", &inbox, &reject).await;
    assert_eq!(status, 403, "{text}");
    assert_eq!(state().await, "active");
    // C ends it: alice hears a Delete of the partnership.
    let (status, _) = change(
        &c,
        "ville",
        offered["id"].as_str().unwrap(),
        "end",
        &c_token,
    )
    .await;
    assert_eq!(status, 200);
    let delete = masto
        .wait_for("the Delete", |a| {
            a["type"] == "Delete" && a["object"]["type"] == "Partnership"
        })
        .await;
    assert_eq!(delete["object"]["id"], sent["object"]["id"]);

    // Offered by alice again, accepted by C's editor: alice hears an Accept of her Offer.
    let again = offer(
        "/offers/5",
        partnership(format!("{}/p/5", masto.base()), &alice, c.url("/t/ville")),
    );
    let (status, text) = masto.post("alice", &inbox, &again).await;
    assert_eq!(status, 202, "{text}");
    let waiting = partnerships(&c, "ville", Some(&c_token))
        .await
        .into_iter()
        .find(|p| p["state"] == "offered")
        .unwrap();
    let (status, body) = change(
        &c,
        "ville",
        waiting["id"].as_str().unwrap(),
        "accept",
        &c_token,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let accepted = masto
        .wait_for("the Accept", |a| {
            a["type"] == "Accept" && a["object"]["id"] == again["id"]
        })
        .await;
    assert_eq!(accepted["object"]["target"], c.url("/t/ville"));

    // What partnerships send, kept with the other golden files (`federation::golden`).
    let docs = [
        ("partnership-offer", sent),
        ("partnership-accept", accepted),
        ("partnership-delete", delete),
    ];
    let differences: Vec<String> = docs
        .iter()
        .filter_map(|(name, doc)| crate::federation::golden(name, doc, &c, &masto))
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

//! Festivals and collections over real HTTP: a festival on node A receives events from
//! territories on nodes B and C (`Add`), its curator accepts them (`Accept{Add}`), a
//! Mastodon-shaped follower of the festival receives the `Announce`s; withdrawing or
//! deleting an event takes it out (`Undo{Announce}`); submissions outside the perimeter,
//! of someone else's event, of a non-event, replays and forged decisions are refused with
//! nothing stored; a collection gathers without dates.

use crate::common;

use common::mastodon::FakeMastodon;
use common::{Backend, Node};
use reqwest::Method;
use serde_json::{Value, json};

async fn node_with(slug: &str, name: &str) -> (Node, String) {
    Node::with_territory(
        Backend::Sqlite,
        json!({"slug": slug, "name": name, "kind": "tiers_lieu", "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await
    .unwrap()
}

async fn publish_event(node: &Node, token: &str, slug: &str, title: &str, day: u32) -> String {
    let (status, created) = node
        .send(
            Method::POST,
            &format!("/api/v1/territories/{slug}/events"),
            Some(token),
            Some(
                json!({"title": title, "starts_at": format!("2031-03-{day:02}T18:00"),
                        "ends_at": format!("2031-03-{day:02}T20:00"), "capacity": 12,
                        "place": {"name": "Salle", "latitude": 46.58, "longitude": 0.34},
                        "themes": ["climate"]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// A festival `fete` on `node`, 10 to 16 March 2031, around Poitiers, curated by `camille`
/// (whose token comes back).
async fn festival(node: &Node, admin: &str) -> String {
    let camille = node.member("camille", false).await;
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/festivals",
            Some(admin),
            Some(json!({"slug": "fete", "name": "Fête des apprentissages",
                        "description": "Une semaine d'ateliers partout.",
                        "starts_on": "2031-03-10", "ends_on": "2031-03-16",
                        "timezone": "Europe/Paris",
                        "perimeter": {"kind": "region", "latitude": 46.58, "longitude": 0.34, "radius_km": 100.0},
                        "curators": ["camille"]})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["role"], "festival");
    camille
}

/// Polls `path` (with `token`) until `pred` holds on its `items` (20 s at most).
async fn wait_items(
    node: &Node,
    path: &str,
    token: Option<&str>,
    what: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let mut last = Vec::new();
    common::eventually(what, async || {
        let (_, body) = node.send(Method::GET, path, token, None).await;
        last = body["items"].as_array().cloned().unwrap_or_default();
        pred(&last)
    })
    .await;
    last
}

async fn programme(node: &Node) -> Value {
    let (status, body) = node
        .send(Method::GET, "/api/v1/festivals/fete", None, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn titles(programme: &Value) -> Vec<String> {
    programme["programme"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_festival_gathers_events_from_two_nodes_and_announces_them_to_mastodon() {
    let a = Node::start(Backend::Sqlite).await.unwrap();
    let admin = a.member("admin", true).await;
    let camille = festival(&a, &admin).await;
    let fete = a.url("/t/fete");
    let fete_handle = format!("@fete@{}", a.host());

    // The festival is a Group with its days, and Mastodon follows it like any account.
    let actor = a.activity_json(&fete).await;
    assert_eq!(actor["type"], "Group");
    assert_eq!(actor["startTime"], "2031-03-10T00:00:00+01:00");
    assert_eq!(actor["endTime"], "2031-03-17T00:00:00+01:00");
    assert_eq!(actor["perimeter"]["kind"], "region");
    let masto = FakeMastodon::start().await;
    let mut follow = masto.fixture("follow.json", &a.base, "");
    follow["object"] = json!(fete);
    let (status, body) = masto.post("alice", &a.url("/t/fete/inbox"), &follow).await;
    assert_eq!(status, 202, "{body}");
    masto
        .wait_for("the festival accepts the follow", |a| a["type"] == "Accept")
        .await;

    // Territories on B and C submit their events by the festival's handle.
    let (b, b_token) = node_with("fablab", "Fablab de Poitiers").await;
    let (c, c_token) = node_with("quartier", "Quartier des Couronneries").await;
    let b_event = publish_event(&b, &b_token, "fablab", "Atelier réparation", 12).await;
    let c_event = publish_event(&c, &c_token, "quartier", "Balade sonore", 14).await;
    let mut submissions = Vec::new();
    for (node, token, event) in [(&b, &b_token, &b_event), (&c, &c_token, &c_event)] {
        let (status, body) = node
            .send(
                Method::POST,
                "/api/v1/submissions",
                Some(token),
                Some(json!({"publication": event, "gathering": fete_handle})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["state"], "pending");
        assert_eq!(body["gathering"], fete);
        submissions.push(body);
    }

    // The curator sees both, pending; nothing is in the programme yet.
    let pending = wait_items(
        &a,
        "/api/v1/festivals/fete/submissions",
        Some(&camille),
        "both submissions arrive",
        |items| items.len() == 2,
    )
    .await;
    assert!(
        pending.iter().all(|i| i["state"] == "pending"),
        "{pending:?}"
    );
    assert!(titles(&programme(&a).await).is_empty());
    // Another member is no curator.
    let visitor = a.member("dominique", false).await;
    let (status, _) = a
        .send(
            Method::GET,
            "/api/v1/festivals/fete/submissions",
            Some(&visitor),
            None,
        )
        .await;
    assert_eq!(status, 403);

    // Someone else cannot accept B's submission in the festival's name.
    let add_id = b
        .store
        .submissions_by(b.stored_territory("fablab").await.id)
        .await
        .unwrap()[0]
        .submission_id
        .clone();
    let forged = json!({"@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/accepts/forged", masto.base()), "type": "Accept",
        "actor": masto.actor_id("mallory"),
        "object": {"type": "Add", "id": add_id, "actor": b.url("/t/fablab"),
                   "object": b.url(&format!("/events/{b_event}")), "target": fete}});
    let (status, body) = masto
        .post("mallory", &b.url("/t/fablab/inbox"), &forged)
        .await;
    assert_eq!(status, 403, "{body}");
    let (_, mine) = b
        .send(
            Method::GET,
            "/api/v1/territories/fablab/submissions",
            Some(&b_token),
            None,
        )
        .await;
    assert_eq!(mine["items"][0]["state"], "pending", "{mine}");

    // The curator accepts both: the submitters hear it, the follower sees two boosts.
    for item in &pending {
        let (status, body) = a
            .send(
                Method::POST,
                &format!(
                    "/api/v1/submissions/{}/decision",
                    item["id"].as_str().unwrap()
                ),
                Some(&camille),
                Some(json!({"accept": true})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["state"], "accepted");
        assert_eq!(body["decided_by"], "camille");
    }
    let (status, _) = a
        .send(
            Method::POST,
            &format!(
                "/api/v1/submissions/{}/decision",
                pending[0]["id"].as_str().unwrap()
            ),
            Some(&camille),
            Some(json!({"accept": false})),
        )
        .await;
    assert_eq!(status, 409, "decided once");
    for event in [
        b.url(&format!("/events/{b_event}")),
        c.url(&format!("/events/{c_event}")),
    ] {
        let announce = masto
            .wait_for("the festival announces the event", |x| {
                x["type"] == "Announce" && x["object"] == event.as_str()
            })
            .await;
        assert_eq!(announce["actor"], fete);
        assert!(
            announce["to"]
                .as_array()
                .unwrap()
                .contains(&json!("https://www.w3.org/ns/activitystreams#Public")),
            "{announce}"
        );
    }
    for (node, token, slug) in [(&b, &b_token, "fablab"), (&c, &c_token, "quartier")] {
        wait_items(
            node,
            &format!("/api/v1/territories/{slug}/submissions"),
            Some(token),
            "the submitter hears the acceptance",
            |items| items.first().is_some_and(|i| i["state"] == "accepted"),
        )
        .await;
    }

    // The programme: both events, soonest first, with the counts.
    let shown = programme(&a).await;
    assert_eq!(titles(&shown), vec!["Atelier réparation", "Balade sonore"]);
    assert_eq!(
        shown["counts"],
        json!({"events": 2, "territories": 2, "places": 24})
    );
    assert_eq!(
        shown["programme"][0]["origin"]["name"],
        "Fablab de Poitiers"
    );

    // The festival's page, calendar, feed and widget show the same programme; the page
    // takes the agenda's filters.
    let page = a
        .http
        .get(a.url("/t/fete"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Atelier réparation") && page.contains("Balade sonore"),
        "{page}"
    );
    assert!(
        page.contains("festival-counts") && page.contains("<strong>24</strong>"),
        "{page}"
    );
    assert!(
        page.contains("mercredi 12 mars 2031"),
        "a day heading: {page}"
    );
    let filtered = a
        .http
        .get(a.url("/t/fete?q=balade"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        filtered.contains("Balade sonore") && !filtered.contains("Atelier réparation"),
        "{filtered}"
    );
    let ics = a
        .http
        .get(a.url("/t/fete/calendar.ics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        ics.contains("SUMMARY:Atelier réparation") && ics.contains("SUMMARY:Balade sonore"),
        "{ics}"
    );
    let atom = a
        .http
        .get(a.url("/t/fete/feed.atom"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(atom.contains("<title>Balade sonore</title>"), "{atom}");
    let widget = a.get_json("/widget/agenda.json?territory=fete").await;
    assert_eq!(
        widget["items"].as_array().map(Vec::len),
        Some(2),
        "{widget}"
    );

    // An edit at the origin reaches the festival, which follows nobody.
    let (status, _) = b
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{b_event}"),
            Some(&b_token),
            Some(json!({"title": "Atelier réparation de vélos"})),
        )
        .await;
    assert_eq!(status, 200);
    common::eventually("the edit reaches the festival", async || {
        titles(&programme(&a).await).contains(&"Atelier réparation de vélos".to_owned())
    })
    .await;

    // C withdraws its event: out of the programme, the boost undone.
    let c_item = submissions[1]["id"].as_str().unwrap();
    let (status, body) = c
        .send(
            Method::POST,
            &format!("/api/v1/submissions/{c_item}/withdraw"),
            Some(&c_token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "withdrawn");
    let c_url = c.url(&format!("/events/{c_event}"));
    masto
        .wait_for(
            "the festival undoes the announce of the withdrawn event",
            |x| {
                x["type"] == "Undo"
                    && x["object"]["type"] == "Announce"
                    && x["object"]["object"] == c_url.as_str()
            },
        )
        .await;
    common::eventually("the withdrawn event leaves the programme", async || {
        titles(&programme(&a).await) == vec!["Atelier réparation de vélos"]
    })
    .await;

    // B deletes its event: it leaves too.
    let (status, _) = b
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{b_event}"),
            Some(&b_token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let b_url = b.url(&format!("/events/{b_event}"));
    masto
        .wait_for(
            "the festival undoes the announce of the deleted event",
            |x| x["type"] == "Undo" && x["object"]["object"] == b_url.as_str(),
        )
        .await;
    common::eventually("the deleted event leaves the programme", async || {
        titles(&programme(&a).await).is_empty()
    })
    .await;
    assert_eq!(programme(&a).await["counts"]["events"], 0);
}

/// An `Add` from Mastodon-shaped `mallory` of `object` to the festival.
fn add(masto: &FakeMastodon, id: &str, object: &str, target: &str) -> Value {
    json!({"@context": "https://www.w3.org/ns/activitystreams",
           "id": format!("{}/adds/{id}", masto.base()), "type": "Add",
           "actor": masto.actor_id("mallory"), "object": object, "target": target})
}

fn mallory_event(masto: &FakeMastodon, author: &str, day: u32, lat: f64, lon: f64) -> Value {
    json!({"type": "Event", "name": "Atelier de Mallory", "attributedTo": author,
           "startTime": format!("2031-03-{day:02}T17:00:00Z"), "endTime": format!("2031-03-{day:02}T19:00:00Z"),
           "location": {"type": "Place", "name": "Salle", "latitude": lat, "longitude": lon},
           "to": ["https://www.w3.org/ns/activitystreams#Public"],
           "published": "2031-01-01T00:00:00Z", "url": format!("{}/@mallory", masto.base())})
}

#[tokio::test]
async fn bad_submissions_are_refused_and_nothing_is_stored() {
    let a = Node::start(Backend::Sqlite).await.unwrap();
    let admin = a.member("admin", true).await;
    let camille = festival(&a, &admin).await;
    let fete = a.url("/t/fete");
    let inbox = a.url("/t/fete/inbox");
    let masto = FakeMastodon::start().await;
    let mallory = masto.actor_id("mallory");

    let far = masto.serve(
        "/events/far",
        mallory_event(&masto, &mallory, 12, 48.85, 2.35),
    );
    let late = masto.serve(
        "/events/late",
        mallory_event(&masto, &mallory, 20, 46.58, 0.34),
    );
    let theirs = masto.serve(
        "/events/theirs",
        mallory_event(&masto, &masto.actor_id("bob"), 12, 46.58, 0.34),
    );
    let note = masto.serve(
        "/notes/1",
        json!({"type": "Note", "attributedTo": mallory, "content": "<p>hello</p>"}),
    );
    let (b, _) = node_with("fablab", "Fablab").await;
    let elsewhere = b.url("/events/00000000-0000-0000-0000-000000000000");
    for (id, object, status, why) in [
        ("far", far.as_str(), 403, "outside the region"),
        ("late", late.as_str(), 403, "outside the festival's days"),
        ("theirs", theirs.as_str(), 403, "attributed to someone else"),
        ("elsewhere", elsewhere.as_str(), 403, "on another server"),
        ("note", note.as_str(), 400, "not an event"),
    ] {
        let (got, body) = masto
            .post("mallory", &inbox, &add(&masto, id, object, &fete))
            .await;
        assert_eq!(got, status, "{why}: {body}");
    }
    let actor = a.stored_territory("fete").await;
    let all = a.store.gathered_items(&fete, None).await.unwrap();
    assert!(all.is_empty(), "nothing stored: {all:?}");
    assert!(a.store.remote_publication(&far).await.unwrap().is_none());
    assert_eq!(actor.role, rhizome_node::territory::ActorRole::Festival);

    // A good one is stored once, however often it is delivered; another Add of the same
    // event is refused.
    let near = masto.serve(
        "/events/near",
        mallory_event(&masto, &mallory, 12, 46.6, 0.3),
    );
    for _ in 0..2 {
        let (got, body) = masto
            .post("mallory", &inbox, &add(&masto, "near", &near, &fete))
            .await;
        assert_eq!(got, 202, "{body}");
    }
    let (got, _) = masto
        .post("mallory", &inbox, &add(&masto, "near-again", &near, &fete))
        .await;
    assert_eq!(got, 403);
    let (_, items) = a
        .send(
            Method::GET,
            "/api/v1/festivals/fete/submissions",
            Some(&camille),
            None,
        )
        .await;
    assert_eq!(items["items"].as_array().unwrap().len(), 1, "{items}");
    assert_eq!(items["items"][0]["title"], "Atelier de Mallory");

    // Only its submitter withdraws it.
    let remove = json!({"@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/removes/1", masto.base()), "type": "Remove",
        "actor": masto.actor_id("eve"), "object": near, "target": fete});
    let (got, _) = masto.post("eve", &inbox, &remove).await;
    assert_eq!(got, 403);
    let undo = json!({"@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/undos/1", masto.base()), "type": "Undo", "actor": mallory,
        "object": {"type": "Add", "id": format!("{}/adds/near", masto.base()), "actor": mallory,
                   "object": near, "target": fete}});
    let (got, body) = masto.post("mallory", &inbox, &undo).await;
    assert_eq!(got, 202, "{body}");
    let item = a
        .store
        .gathered_item_of(&fete, &near)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.state, rhizome_node::gathering::ItemState::Withdrawn);

    // An Add to something that is not a gathering of ours (Mastodon's featured posts) is
    // ignored.
    let featured = add(
        &masto,
        "featured",
        &near,
        &format!("{}/users/mallory/collections/featured", masto.base()),
    );
    let (got, _) = masto.post("mallory", &inbox, &featured).await;
    assert_eq!(got, 202);
}

#[tokio::test]
async fn a_local_collection_without_dates_accepts_on_its_own_and_a_festival_takes_events_only() {
    let (a, admin) = node_with("fablab", "Fablab de Poitiers").await;
    festival(&a, &admin).await;
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/festivals",
            Some(&admin),
            Some(
                json!({"slug": "guides", "name": "Guides du réemploi", "role": "collection",
                        "auto_accept_in_perimeter": true}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["starts_on"], Value::Null);
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/festivals",
            Some(&admin),
            Some(json!({"slug": "dated", "name": "Daté", "role": "collection", "starts_on": "2031-01-01"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "starts_on", "{body}");
    let (status, resource) = a
        .send(
            Method::POST,
            "/api/v1/territories/fablab/resources",
            Some(&admin),
            Some(json!({"title": "Guide du compost", "type": "guide", "themes": ["climate"]})),
        )
        .await;
    assert_eq!(status, 201, "{resource}");
    let resource_id = resource["id"].as_str().unwrap();

    // A festival takes events only: 422 naming the gathering, nothing stored.
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/festivals/fete/submissions",
            Some(&admin),
            Some(json!({"publication": resource_id})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "gathering");
    assert!(
        a.store
            .gathered_items(&a.url("/t/fete"), None)
            .await
            .unwrap()
            .is_empty()
    );

    // The collection accepts it at once (automatic), no wire between two local actors.
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/festivals/guides/submissions",
            Some(&admin),
            Some(json!({"publication": resource_id})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["state"], "accepted");
    assert_eq!(body["decided_by"], "automatic");
    let (_, shown) = a
        .send(Method::GET, "/api/v1/festivals/guides", None, None)
        .await;
    assert_eq!(
        shown["programme"][0]["title"], "Guide du compost",
        "{shown}"
    );
    // Twice is refused.
    let (status, _) = a
        .send(
            Method::POST,
            "/api/v1/festivals/guides/submissions",
            Some(&admin),
            Some(json!({"publication": resource_id})),
        )
        .await;
    assert_eq!(status, 409);

    // Deleting the resource takes it out.
    let (status, _) = a
        .send(
            Method::DELETE,
            &format!("/api/v1/resources/{resource_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (_, shown) = a
        .send(Method::GET, "/api/v1/festivals/guides", None, None)
        .await;
    assert_eq!(shown["programme"], json!([]), "{shown}");
    let (_, list) = a.send(Method::GET, "/api/v1/festivals", None, None).await;
    let slugs: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["slug"].as_str())
        .collect();
    assert_eq!(slugs, vec!["fete", "guides"]);
    // Territories stay apart from festivals.
    let (_, territories) = a.send(Method::GET, "/api/v1/territories", None, None).await;
    assert_eq!(
        territories["items"].as_array().map(Vec::len),
        Some(1),
        "{territories}"
    );
}

#[test]
fn the_cli_creates_festivals_and_collections_and_names_the_bad_flag() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = common::rhizome(dir.path(), args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(&[
        "festival",
        "create",
        "--slug",
        "fete",
        "--name",
        "Fête des apprentissages",
        "--starts",
        "2031-03-10",
        "--ends",
        "2031-03-16",
        "--perimeter",
        "region:46.58,0.34,50",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("created festival Fête des apprentissages"),
        "{out}"
    );
    let (ok, _, err) = run(&[
        "festival",
        "create",
        "--slug",
        "late",
        "--name",
        "Late",
        "--starts",
        "2031-03-10",
        "--ends",
        "2031-03-01",
    ]);
    assert!(!ok);
    assert!(err.contains("--ends"), "{err}");
    let (ok, _, err) = run(&[
        "festival",
        "create",
        "--slug",
        "guides",
        "--name",
        "Guides",
        "--collection",
        "--starts",
        "2031-03-10",
    ]);
    assert!(!ok);
    assert!(err.contains("--starts: a collection has no dates"), "{err}");
    let (ok, _, err) = run(&[
        "festival",
        "create",
        "--slug",
        "guides",
        "--name",
        "Guides",
        "--collection",
        "--perimeter",
        "region:north",
    ]);
    assert!(!ok);
    assert!(err.contains("--perimeter"), "{err}");
    let (ok, out, err) = run(&[
        "festival",
        "create",
        "--slug",
        "guides",
        "--name",
        "Guides",
        "--collection",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("created collection Guides"), "{out}");
    let (ok, out, _) = run(&["festival", "list"]);
    assert!(ok);
    assert!(
        out.contains("fete\tfestival\tFête des apprentissages"),
        "{out}"
    );
    assert!(out.contains("guides\tcollection\tGuides"), "{out}");
    let (_, territories, _) = run(&["territory", "list"]);
    assert!(!territories.contains("fete"), "{territories}");
}

#[tokio::test]
async fn an_editor_submits_from_the_pages_and_the_curator_accepts_from_hers() {
    use common::pages::{EDITOR, PASSWORD, browser, get, login, node_with_editor, post, text_of};
    let (a, admin) = node_with_editor(json!({"slug": "fablab", "name": "Fablab", "kind": "fablab",
        "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}))
    .await;
    let curator = rhizome_node::Member::new("dominique", PASSWORD, false).unwrap();
    a.store.insert_member(&curator).await.unwrap();
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/festivals",
            Some(&admin),
            Some(
                json!({"slug": "fete", "name": "Fête", "starts_on": "2031-03-10",
                        "ends_on": "2031-03-16", "curators": ["dominique"]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let event = publish_event(&a, &admin, "fablab", "Atelier soudure", 11).await;

    let editor = browser();
    let csrf = login(&editor, &a, EDITOR, PASSWORD).await;
    let (status, html) = get(&editor, &a, "/manage/t/fablab/submissions").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        text_of(&html, "#s-publication option").contains("Atelier soudure"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"fete\">"),
        "local festivals offered: {html}"
    );
    let (status, _, location) = post(
        &editor,
        &a,
        "/manage/t/fablab/submissions/submit",
        &[
            ("csrf", &csrf),
            ("publication", &event),
            ("gathering", "nowhere"),
        ],
    )
    .await;
    assert_eq!(status, 422, "an unknown festival is refused");
    assert_eq!(location, None);
    let (status, _, location) = post(
        &editor,
        &a,
        "/manage/t/fablab/submissions/submit",
        &[
            ("csrf", &csrf),
            ("publication", &event),
            ("gathering", "fete"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/t/fablab/submissions?done=submitted"))
    );
    let (_, html) = get(&editor, &a, "/manage/t/fablab/submissions").await;
    assert!(
        text_of(&html, ".submission .meta").contains("en attente"),
        "{html}"
    );
    // The editor of the fablab is no curator of the festival.
    let (status, _) = get(&editor, &a, "/manage/t/fete/submissions").await;
    assert_eq!(status, 403);

    let curating = browser();
    let csrf = login(&curating, &a, "dominique", PASSWORD).await;
    let (status, html) = get(&curating, &a, "/manage/t/fete/submissions").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        text_of(&html, ".submission .title").contains("Atelier soudure"),
        "{html}"
    );
    let item = common::pages::attr_of(&html, "input[name=item]", "value").unwrap();
    let (status, _, location) = post(
        &curating,
        &a,
        "/manage/t/fete/submissions/decide",
        &[("csrf", &csrf), ("item", &item), ("decision", "accept")],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/t/fete/submissions?done=accepted"))
    );
    let (_, page) = get(&curating, &a, "/t/fete").await;
    assert!(
        text_of(&page, "#programme .item .title").contains("Atelier soudure"),
        "{page}"
    );
}

/// The festivals' activities as a Mastodon-shaped peer receives them, kept as golden files
/// beside the others (`federation/tests/golden/`).
#[tokio::test]
async fn golden_files_hold_the_activities_of_festivals() {
    let a = Node::start(Backend::Sqlite).await.unwrap();
    let admin = a.member("admin", true).await;
    let camille = festival(&a, &admin).await;
    let fete = a.url("/t/fete");
    let masto = FakeMastodon::start().await;
    let mut docs: Vec<(&str, Value)> = vec![("actor-festival", a.activity_json(&fete).await)];
    let mut follow = masto.fixture("follow.json", &a.base, "");
    follow["object"] = json!(fete);
    let (status, _) = masto.post("alice", &a.url("/t/fete/inbox"), &follow).await;
    assert_eq!(status, 202);
    masto
        .wait_for("Accept{Follow}", |x| x["type"] == "Accept")
        .await;

    // Mallory submits her event; the curator accepts it: Accept{Add} to her, Announce to
    // the followers; her Undo{Add} brings the Undo{Announce}.
    let mallory = masto.actor_id("mallory");
    let near = masto.serve(
        "/events/near",
        mallory_event(&masto, &mallory, 12, 46.6, 0.3),
    );
    let (status, body) = masto
        .post(
            "mallory",
            &a.url("/t/fete/inbox"),
            &add(&masto, "near", &near, &fete),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let (_, items) = a
        .send(
            Method::GET,
            "/api/v1/festivals/fete/submissions",
            Some(&camille),
            None,
        )
        .await;
    let (status, _) = a
        .send(
            Method::POST,
            &format!(
                "/api/v1/submissions/{}/decision",
                items["items"][0]["id"].as_str().unwrap()
            ),
            Some(&camille),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(status, 200);
    docs.push((
        "accept-add",
        masto
            .wait_for("Accept{Add}", |x| {
                x["type"] == "Accept" && x["object"]["type"] == "Add"
            })
            .await,
    ));
    docs.push((
        "announce",
        masto
            .wait_for("Announce", |x| x["type"] == "Announce")
            .await,
    ));
    let undo = json!({"@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/undos/1", masto.base()), "type": "Undo", "actor": mallory,
        "object": {"type": "Add", "id": format!("{}/adds/near", masto.base()), "actor": mallory,
                   "object": near, "target": fete}});
    let (status, _) = masto.post("mallory", &a.url("/t/fete/inbox"), &undo).await;
    assert_eq!(status, 202);
    docs.push((
        "undo-announce",
        masto
            .wait_for("Undo{Announce}", |x| {
                x["type"] == "Undo" && x["object"]["type"] == "Announce"
            })
            .await,
    ));

    // A territory of this node submits to a festival elsewhere (a Group on the peer): Add,
    // then Remove.
    let token = a
        .territory(
            &admin,
            json!({"slug": "fablab", "name": "Fablab", "kind": "fablab",
        "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
        )
        .await;
    let _ = token;
    let event = publish_event(&a, &admin, "fablab", "Atelier", 12).await;
    let (status, item) = a
        .send(
            Method::POST,
            "/api/v1/submissions",
            Some(&admin),
            Some(json!({"publication": event, "gathering": masto.actor_id("fete")})),
        )
        .await;
    assert_eq!(status, 201, "{item}");
    docs.push(("add", masto.wait_for("Add", |x| x["type"] == "Add").await));
    let (status, _) = a
        .send(
            Method::POST,
            &format!(
                "/api/v1/submissions/{}/withdraw",
                item["id"].as_str().unwrap()
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    docs.push((
        "remove",
        masto.wait_for("Remove", |x| x["type"] == "Remove").await,
    ));
    let differences: Vec<String> = docs
        .iter()
        .filter_map(|(name, doc)| crate::federation::golden(name, doc, &a, &masto))
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

#[tokio::test]
async fn an_admin_creates_a_festival_from_the_pages() {
    use common::pages::{EDITOR, PASSWORD, browser, get, login, node_with_editor, post};
    let (a, _) =
        node_with_editor(json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"})).await;
    let admin = rhizome_node::Member::new("alix", PASSWORD, true).unwrap();
    a.store.insert_member(&admin).await.unwrap();
    let client = browser();
    let csrf = login(&client, &a, "alix", PASSWORD).await;
    let (status, html) = get(&client, &a, "/manage/festivals").await;
    assert_eq!(status, 200, "{html}");
    let (status, html, _) = post(
        &client,
        &a,
        "/manage/festivals",
        &[
            ("csrf", &csrf),
            ("name", "Guides"),
            ("slug", "guides"),
            ("role", "collection"),
            ("starts_on", "2031-03-10"),
            ("perimeter", "open"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("starts_on: a collection has no dates"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Guides\""),
        "what was typed is kept: {html}"
    );
    let (status, _, location) = post(
        &client,
        &a,
        "/manage/festivals",
        &[
            ("csrf", &csrf),
            ("name", "Fête"),
            ("slug", "fete"),
            ("role", "festival"),
            ("starts_on", "2031-03-10"),
            ("ends_on", "2031-03-16"),
            ("perimeter", "region"),
            ("latitude", "46,58"),
            ("longitude", "0.34"),
            ("radius_km", "80"),
            ("auto_accept", "on"),
            ("curators", EDITOR),
        ],
    )
    .await;
    assert_eq!((status, location.as_deref()), (303, Some("/t/fete")));
    let shown = a.get_json("/api/v1/festivals/fete").await;
    assert_eq!(shown["perimeter"]["latitude"], 46.58);
    assert_eq!(shown["auto_accept_in_perimeter"], true);
    // The curator named is an editor of the festival's actor.
    let editor = browser();
    login(&editor, &a, EDITOR, PASSWORD).await;
    let (status, _) = get(&editor, &a, "/manage/t/fete/submissions").await;
    assert_eq!(status, 200);
    let (status, _) = get(&editor, &a, "/manage/festivals").await;
    assert_eq!(status, 403, "only admins");
}

//! Registrations handled, over real HTTP on loopback: organisers decide those held for
//! approval (a visitor gets a letter, a fediverse account an `Accept` delivered to a
//! signed Mastodon-shaped peer), the waitlist moves up when a visitor cancels with their
//! link, the CSV export is escaped, only editors see any of it, an event without
//! registration is published with `joinMode: none` and answers a `Join` with `Ignore`,
//! and the organisers' message reaches everyone.
//!
//! Letters are read from the mail queue (`unsent_letters`): the node is given an
//! `smtp_url` (without one it queues nothing) on a loopback port where no server listens,
//! so every letter stays queued, unsent, for the assertions to read.

use reqwest::Method;
use rhizome_node::mail::QueuedLetter;
use rhizome_node::social::RsvpState;
use serde_json::{Value, json};

use crate::common::mastodon::FakeMastodon;
use crate::common::pages::{attr_of, browser, get, login, post, text_of};
use crate::common::{Backend, Node};

const PASSWORD: &str = "a long enough password";

struct Story {
    node: Node,
    masto: FakeMastodon,
    token: String,
    inbox: String,
}

async fn setup(backend: Backend) -> Option<Story> {
    let port = crate::common::smtp::SmtpServer::free_port();
    let node = Node::start_with(backend, |c| {
        c.smtp_url = Some(crate::common::smtp::SmtpServer::url_of(port));
    })
    .await?;
    let token = node.member("admin", true).await;
    node.territory(
        &token,
        json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab", "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await;
    let masto = FakeMastodon::start().await;
    let inbox = node.url("/t/fablab/inbox");
    Some(Story {
        node,
        masto,
        token,
        inbox,
    })
}

/// Publishes an event of the fablab through the API; returns its id.
async fn event(story: &Story, extra: Value) -> String {
    let mut draft = json!({
        "title": "Repair café", "description": "Apportez vos objets",
        "starts_at": "2031-12-02T18:00", "ends_at": "2031-12-02T21:00",
        "place": {"name": "Fablab", "address": "1 rue de la Paix, Poitiers"},
        "capacity": 1, "registration": {"mode": "open"}
    });
    draft
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, body) = story
        .node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&story.token),
            Some(draft),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// A visitor registers from the event page; returns the status.
async fn visitor_registers(node: &Node, event: &str, name: &str, email: &str) -> u16 {
    let (status, _, _) = post(
        &browser(),
        node,
        &format!("/events/{event}/register"),
        &[("name", name), ("email", email)],
    )
    .await;
    status
}

/// Letters queued for `to`, oldest first.
async fn letters_to(node: &Node, to: &str) -> Vec<QueuedLetter> {
    node.store
        .unsent_letters(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.letter.to == to)
        .collect()
}

fn kinds(letters: &[QueuedLetter]) -> Vec<&str> {
    letters.iter().map(|l| l.letter.kind.as_str()).collect()
}

async fn registrations(story: &Story, event: &str) -> Value {
    let (status, body) = story
        .node
        .send(
            Method::GET,
            &format!("/api/v1/events/{event}/registrations"),
            Some(&story.token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn join(story: &Story, who: &str, event: &str) -> Value {
    let mut join = story.masto.fixture("join.json", &story.node.base, event);
    join["id"] = format!("{}/join/{who}/{event}", story.masto.base()).into();
    join["actor"] = story.masto.actor_id(who).into();
    assert_eq!(story.masto.post(who, &story.inbox, &join).await.0, 202);
    join
}

async fn approval_is_decided_for_a_visitor_and_an_account(backend: Backend) {
    let Some(story) = setup(backend).await else {
        return;
    };
    let node = &story.node;
    let id = event(
        &story,
        json!({"capacity": 5, "registration": {"mode": "approval"}}),
    )
    .await;
    assert_eq!(
        visitor_registers(node, &id, "Zoé", "zoe@example.org").await,
        200
    );
    assert_eq!(
        kinds(&letters_to(node, "zoe@example.org").await),
        ["registration-received"]
    );
    let alice_join = join(&story, "alice", &id).await;
    let alice = story.masto.actor_id("alice");
    let list = registrations(&story, &id).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    assert_eq!(
        (&items[0]["email"], &items[0]["state"]),
        (&json!("zoe@example.org"), &json!("pending"))
    );
    assert_eq!(
        (&items[1]["account"], &items[1]["state"]),
        (&json!(alice), &json!("pending"))
    );

    // The fediverse account is accepted through the API: its Accept reaches Mastodon,
    // signed (the fake peer checks signatures).
    let decide = |participant: String, accept: bool| {
        let story = &story;
        let id = id.clone();
        async move {
            story
                .node
                .send(
                    Method::POST,
                    &format!("/api/v1/events/{id}/registrations/decision"),
                    Some(&story.token),
                    Some(json!({"participant": participant, "accept": accept})),
                )
                .await
        }
    };
    let (status, body) = decide(alice.clone(), true).await;
    assert_eq!((status, &body["changed"]), (200, &json!(true)), "{body}");
    story
        .masto
        .wait_for("Accept{Join} of alice", |a| {
            a["type"] == "Accept" && a["object"]["id"] == alice_join["id"]
        })
        .await;
    // Deciding again is harmless: nothing changes, nothing more is sent.
    let (status, body) = decide(alice.clone(), false).await;
    assert_eq!(
        (status, &body["changed"], &body["state"]),
        (200, &json!(false), &json!("accepted"))
    );
    let (status, body) = decide("mailto:nobody@example.org".into(), true).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = node
        .send(
            Method::POST,
            &format!("/api/v1/events/{id}/registrations/decision"),
            Some(&story.token),
            Some(json!({"participant": alice, "accept": "yes"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("accept"), "{body}");

    // The visitor is refused from the organisers' page: a letter tells them.
    let editor = browser();
    login(&editor, node, "admin", PASSWORD).await;
    let page = format!("/manage/t/fablab/events/{id}/registrations");
    let (status, html) = get(&editor, node, &page).await;
    assert_eq!(status, 200);
    assert!(text_of(&html, "table.registrations").contains("zoe@example.org"));
    let csrf = attr_of(&html, "input[name=csrf]", "value").unwrap();
    let (status, _, location) = post(
        &editor,
        node,
        &format!("{page}/decide"),
        &[
            ("csrf", &csrf),
            ("participant", "mailto:zoe@example.org"),
            ("decision", "refuse"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{page}?done=refused").as_str()))
    );
    assert_eq!(
        kinds(&letters_to(node, "zoe@example.org").await),
        ["registration-received", "registration-refused"]
    );
    let (status, _, location) = post(
        &editor,
        node,
        &format!("{page}/decide"),
        &[
            ("csrf", &csrf),
            ("participant", "mailto:zoe@example.org"),
            ("decision", "refuse"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{page}?done=unchanged").as_str())),
        "refusing twice is harmless"
    );
    assert_eq!(letters_to(node, "zoe@example.org").await.len(), 2);
    let (status, _, _) = post(
        &editor,
        node,
        &format!("{page}/decide"),
        &[
            ("csrf", &csrf),
            ("participant", "mailto:zoe@example.org"),
            ("decision", "maybe"),
        ],
    )
    .await;
    assert_eq!(status, 400);

    // One message to everyone: a letter to the visitor still registered, a direct Note
    // mentioning the accepted account, to it alone.
    assert_eq!(
        visitor_registers(node, &id, "Yann", "yann@example.org").await,
        200
    );
    let (status, body) = node
        .send(
            Method::POST,
            &format!("/api/v1/events/{id}/registrations/message"),
            Some(&story.token),
            Some(json!({"message": "Venez avec vos outils.\n\nÀ samedi !"})),
        )
        .await;
    assert_eq!((status, &body["written"]), (200, &json!(2)), "{body}");
    let note = story
        .masto
        .wait_for("Create{Note} to alice", |a| {
            a["type"] == "Create" && a["object"]["type"] == "Note"
        })
        .await;
    assert_eq!(note["to"], json!([alice]));
    assert_eq!(note["cc"], json!([]));
    assert_eq!(note["object"]["tag"][0]["type"], "Mention");
    assert_eq!(note["object"]["tag"][0]["href"], alice);
    assert!(
        note["object"]["content"]
            .as_str()
            .unwrap()
            .contains("<p>Venez avec vos outils.</p>")
    );
    if matches!(backend, Backend::Sqlite) {
        let failed =
            crate::federation::golden("create-note-participants", &note, node, &story.masto);
        assert!(failed.is_none(), "{}", failed.unwrap_or_default());
    }
    let yann = letters_to(node, "yann@example.org").await;
    assert_eq!(kinds(&yann), ["registration-received", "organiser-message"]);
    assert!(yann[1].letter.body.contains("Venez avec vos outils."));
    assert!(
        kinds(&letters_to(node, "zoe@example.org").await)
            .iter()
            .all(|k| *k != "organiser-message"),
        "a refused visitor is not written to"
    );
    let (status, body) = node
        .send(
            Method::POST,
            &format!("/api/v1/events/{id}/registrations/message"),
            Some(&story.token),
            Some(json!({"message": "  "})),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("message"), "{body}");
}

#[tokio::test]
async fn approval_is_decided_for_a_visitor_and_an_account_sqlite() {
    approval_is_decided_for_a_visitor_and_an_account(Backend::Sqlite).await;
}

#[tokio::test]
async fn approval_is_decided_for_a_visitor_and_an_account_postgres() {
    approval_is_decided_for_a_visitor_and_an_account(Backend::Postgres).await;
}

/// The cancel link a letter carries, as a path.
fn cancel_path(letter: &QueuedLetter, node: &Node) -> String {
    let at = letter
        .letter
        .body
        .find("/registrations/cancel/")
        .expect("the letter carries a cancel link");
    let link: String = letter.letter.body[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(letter.letter.body.contains(&node.url(&link)));
    link
}

async fn a_cancel_link_frees_the_place_for_the_waitlist(backend: Backend) {
    let Some(story) = setup(backend).await else {
        return;
    };
    let node = &story.node;
    let id = event(&story, json!({"capacity": 1})).await;
    assert_eq!(
        visitor_registers(node, &id, "Zoé", "zoe@example.org").await,
        200
    );
    // Full: the page says a registration now joins the waitlist.
    let (_, html) = get(&browser(), node, &format!("/events/{id}")).await;
    assert!(html.contains("liste d&#x27;attente") || html.contains("liste d'attente"));
    assert_eq!(
        visitor_registers(node, &id, "Yann", "yann@example.org").await,
        200
    );
    let bob_join = join(&story, "bob", &id).await;
    let zoe = letters_to(node, "zoe@example.org").await;
    assert_eq!(kinds(&zoe), ["registration-confirmed"]);
    assert_eq!(
        kinds(&letters_to(node, "yann@example.org").await),
        ["registration-waitlisted"]
    );
    let list = registrations(&story, &id).await;
    let positions: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["state"].clone(), r["position"].clone()))
        .collect();
    assert_eq!(
        positions,
        [
            (json!("accepted"), json!(null)),
            (json!("waitlisted"), json!(1)),
            (json!("waitlisted"), json!(2))
        ]
    );

    // Zoé opens her link: a page with a button; pressing it frees her place, which goes
    // to Yann, first in line, told by letter.
    let link = cancel_path(&zoe[0], node);
    let visitor = browser();
    let (status, html) = get(&visitor, node, &link).await;
    assert_eq!(status, 200);
    assert!(html.contains("Repair café"));
    assert_eq!(
        attr_of(&html, "form[method=post]", "action").as_deref(),
        Some(link.as_str())
    );
    // A form from elsewhere is refused.
    let foreign = visitor
        .post(node.url(&link))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    let (status, html, _) = post(&visitor, node, &link, &[]).await;
    assert_eq!(status, 200, "{html}");
    let list = registrations(&story, &id).await;
    let states: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].clone(), r["state"].clone()))
        .collect();
    assert_eq!(
        states,
        [
            (json!("Yann"), json!("accepted")),
            (json!(story.masto.actor_id("bob")), json!("waitlisted"))
        ]
    );
    assert_eq!(
        kinds(&letters_to(node, "yann@example.org").await),
        ["registration-waitlisted", "registration-promoted"]
    );
    // Used once: the link is now unknown, a clear 404 page; so is a made-up one.
    let (status, html) = get(&visitor, node, &link).await;
    assert_eq!(status, 404);
    assert!(html.contains("pas valable"), "{html}");
    let (status, _, _) = post(&visitor, node, &link, &[]).await;
    assert_eq!(status, 404);
    let (status, _) = get(&visitor, node, "/registrations/cancel/not-a-token").await;
    assert_eq!(status, 404);

    // More places: bob, next in line, hears the Accept of his Join.
    let (status, body) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{id}"),
            Some(&story.token),
            Some(json!({"capacity": 2})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    story
        .masto
        .wait_for("Accept{Join} of bob", |a| {
            a["type"] == "Accept" && a["object"]["id"] == bob_join["id"]
        })
        .await;
    let event: uuid::Uuid = id.parse().unwrap();
    assert_eq!(node.store.participant_count(event).await.unwrap(), 2);
    let registered = node.store.registrations(event).await.unwrap();
    assert!(registered.iter().all(|r| r.state == RsvpState::Accepted));

    // Full again: carol waits; bob's `Leave` gives her his place, with her Accept.
    let carol_join = join(&story, "carol", &id).await;
    let leave = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/leave/bob", story.masto.base()),
        "type": "Leave",
        "actor": story.masto.actor_id("bob"),
        "object": node.url(&format!("/events/{id}")),
    });
    assert_eq!(story.masto.post("bob", &story.inbox, &leave).await.0, 202);
    story
        .masto
        .wait_for("Accept{Join} of carol", |a| {
            a["type"] == "Accept" && a["object"]["id"] == carol_join["id"]
        })
        .await;
    let names: Vec<String> = node
        .store
        .registrations(event)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.state == RsvpState::Accepted)
        .map(|r| r.display_name.unwrap_or(r.participant))
        .collect();
    assert_eq!(names, ["Yann".to_owned(), story.masto.actor_id("carol")]);
}

#[tokio::test]
async fn a_cancel_link_frees_the_place_for_the_waitlist_sqlite() {
    a_cancel_link_frees_the_place_for_the_waitlist(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_cancel_link_frees_the_place_for_the_waitlist_postgres() {
    a_cancel_link_frees_the_place_for_the_waitlist(Backend::Postgres).await;
}

#[tokio::test]
async fn the_export_is_escaped_csv_for_editors_only() {
    let story = setup(Backend::Sqlite).await.unwrap();
    let node = &story.node;
    let id = event(&story, json!({"capacity": 10})).await;
    assert_eq!(
        visitor_registers(
            node,
            &id,
            "=HYPERLINK(\"https://evil.example\")",
            "a@example.org"
        )
        .await,
        200
    );
    assert_eq!(
        visitor_registers(node, &id, "Zoé, « la réparatrice »", "zoe@example.org").await,
        200
    );
    let editor = browser();
    login(&editor, node, "admin", PASSWORD).await;
    let export = format!("/manage/t/fablab/events/{id}/registrations/export.csv");
    let response = editor.get(node.url(&export)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "name",
            "email",
            "account",
            "state",
            "registered_at",
            "position"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "'=HYPERLINK(\"https://evil.example\")");
    assert_eq!(rows[0][1], "a@example.org");
    assert_eq!(rows[0][3], "accepted");
    assert_eq!(rows[1][0], "Zoé, « la réparatrice »");

    // Someone who is no editor of the fablab sees none of it.
    let other = node.member("dominique", false).await;
    let outsider = browser();
    login(&outsider, node, "dominique", PASSWORD).await;
    for path in [
        export.clone(),
        format!("/manage/t/fablab/events/{id}/registrations"),
    ] {
        let (status, html) = get(&outsider, node, &path).await;
        assert_eq!(status, 403, "{path}");
        assert!(!html.contains("a@example.org"));
    }
    let (status, _) = node
        .send(
            Method::GET,
            &format!("/api/v1/events/{id}/registrations"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = node
        .send(
            Method::GET,
            &format!("/api/v1/events/{id}/registrations"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = node
        .send(
            Method::GET,
            "/api/v1/events/not-an-id/registrations",
            Some(&story.token),
            None,
        )
        .await;
    assert_eq!(status, 404);
    // The dashboard links to the page.
    let (_, html) = get(&editor, node, "/manage").await;
    let link = format!("a[href='/manage/t/fablab/events/{id}/registrations']");
    assert!(!text_of(&html, &link).is_empty(), "{html}");
}

#[tokio::test]
async fn an_event_without_registration_ignores_joins_golden() {
    let story = setup(Backend::Sqlite).await.unwrap();
    let node = &story.node;
    let id = event(&story, json!({"registration": {"mode": "none"}})).await;
    let object = node
        .activity_json(&node.url(&format!("/events/{id}")))
        .await;
    assert_eq!(object["joinMode"], "none");
    let join = join(&story, "alice", &id).await;
    let ignore = story
        .masto
        .wait_for("Ignore{Join}", |a| a["type"] == "Ignore")
        .await;
    assert_eq!(ignore["object"]["id"], join["id"]);
    assert_eq!(ignore["to"], json!([story.masto.actor_id("alice")]));
    let event: uuid::Uuid = id.parse().unwrap();
    assert!(node.store.registrations(event).await.unwrap().is_empty());
    // A visitor cannot register either.
    assert_eq!(
        visitor_registers(node, &id, "Zoé", "zoe@example.org").await,
        422
    );
    let failed: Vec<String> = [("event-no-registration", &object), ("ignore-join", &ignore)]
        .into_iter()
        .filter_map(|(name, doc)| crate::federation::golden(name, doc, node, &story.masto))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[tokio::test]
async fn visitors_are_reminded_the_day_before_once() {
    let story = setup(Backend::Sqlite).await.unwrap();
    let node = &story.node;
    let paris: chrono_tz::Tz = "Europe/Paris".parse().unwrap();
    let start = (rhizome_node::now() + chrono::Duration::hours(30)).with_timezone(&paris);
    let end = start + chrono::Duration::hours(2);
    let id = event(
        &story,
        json!({"timezone": "Europe/Paris",
               "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
               "ends_at": end.format("%Y-%m-%dT%H:%M").to_string(), "capacity": 5}),
    )
    .await;
    let far = event(&story, json!({"capacity": 5})).await;
    assert_eq!(
        visitor_registers(node, &id, "Zoé", "zoe@example.org").await,
        200
    );
    assert_eq!(
        visitor_registers(node, &far, "Zoé", "zoe@example.org").await,
        200
    );
    let actions = &node.state.actions;
    assert_eq!(
        actions.send_reminders(rhizome_node::now()).await.unwrap(),
        1
    );
    assert_eq!(
        actions.send_reminders(rhizome_node::now()).await.unwrap(),
        0
    );
    let letters = letters_to(node, "zoe@example.org").await;
    assert_eq!(
        kinds(&letters),
        [
            "registration-confirmed",
            "registration-confirmed",
            "registration-reminder"
        ]
    );
    assert!(letters[2].letter.subject.contains("Repair café"));
    assert!(
        letters[2]
            .letter
            .body
            .contains(&node.url(&format!("/events/{id}")))
    );
}

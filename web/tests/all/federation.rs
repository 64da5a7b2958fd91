//! The Mastodon story end to end, over real HTTP with real signatures: a citizen on a
//! Mastodon-shaped server finds `@fablab@node`, follows it, sees its events arrive, replies,
//! likes, boosts, registers; the fablab edits, cancels and deletes; the citizen rotates
//! their key and finally deletes their account. Then every kind of bad request.

use crate::common;

use common::mastodon::FakeMastodon;
use common::{Backend, Node};
use reqwest::Method;
use rhizome_node::action::ActionError;
use rhizome_node::territory::TerritoryProfile;
use rhizome_node::{Member, Principal};
use serde_json::{Value, json};

struct Story {
    node: Node,
    masto: FakeMastodon,
    token: String,
    inbox: String,
}

async fn setup(backend: Backend) -> Option<Story> {
    let node = Node::start(backend).await?;
    let token = node.member("admin", true).await;
    node.territory(&token, json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab", "languages": ["fr"],
        "description": "Un **atelier** partagé", "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}))
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

fn event_draft(extra: Value) -> Value {
    let mut e = json!({
        "title": "Repair café", "description": "Apportez vos objets",
        "starts_at": "2031-12-02T18:00", "ends_at": "2031-12-02T21:00",
        "place": {"name": "Fablab", "address": "1 rue de la Paix, Poitiers", "latitude": 46.58, "longitude": 0.34},
        "capacity": 1, "registration": {"mode": "open"}, "tags": ["repair"]
    });
    if let (Some(e), Value::Object(extra)) = (e.as_object_mut(), extra) {
        e.extend(extra);
    }
    e
}

async fn full_story(backend: Backend) {
    let Some(Story {
        node,
        masto,
        token,
        inbox,
    }) = setup(backend).await
    else {
        return;
    };
    let domain = node.base.trim_start_matches("http://").to_owned();
    let actor_url = node.url("/t/fablab");

    // Mastodon's search: WebFinger, then the actor document.
    let finger: Value = node
        .http
        .get(node.url(&format!(
            "/.well-known/webfinger?resource=acct:fablab@{domain}"
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(finger["subject"], format!("acct:fablab@{domain}"));
    let self_link = finger["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap();
    assert_eq!(self_link["href"], actor_url);
    let response = node
        .http
        .get(&actor_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/activity+json")
    );
    let actor: Value = response.json().await.unwrap();
    assert_eq!(actor["type"], "Organization");
    assert_eq!(actor["preferredUsername"], "fablab");
    assert_eq!(actor["endpoints"]["sharedInbox"], node.url("/inbox"));
    assert!(
        actor["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .contains("BEGIN PUBLIC KEY")
    );
    let html = node
        .http
        .get(&actor_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<h1>Fablab de Poitiers</h1>"),
        "browsers get HTML"
    );

    // Alice follows; the node accepts, signed.
    let follow = masto.fixture("follow.json", &node.base, "");
    let (status, body) = masto.post("alice", &inbox, &follow).await;
    assert_eq!(status, 202, "{body}");
    let accept = masto.wait_for("Accept", |a| a["type"] == "Accept").await;
    assert_eq!(accept["object"]["id"], follow["id"]);
    assert_eq!(accept["actor"], actor_url);
    // Bob follows too, from the same server: one delivery per server afterwards.
    let mut bob_follow = follow.clone();
    bob_follow["id"] = format!("{}/follows/bob", masto.base()).into();
    bob_follow["actor"] = masto.actor_id("bob").into();
    assert_eq!(
        masto.post("bob", &node.url("/inbox"), &bob_follow).await.0,
        202
    );
    masto
        .wait_for("Accept for bob", |a| {
            a["type"] == "Accept" && a["object"]["actor"] == masto.actor_id("bob")
        })
        .await;
    let followers: Value = node.activity_json(&node.url("/t/fablab/followers")).await;
    assert_eq!(followers["totalItems"], 2);

    // The fablab publishes; Mastodon receives a signed Create{Event} it can show.
    let (status, event) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&token),
            Some(event_draft(json!({}))),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    let event_id = event["id"].as_str().unwrap().to_owned();
    let event_url = event["url"].as_str().unwrap().to_owned();
    let create = masto
        .wait_for("Create{Event}", |a| a["type"] == "Create")
        .await;
    let object = &create["object"];
    assert_eq!(object["type"], "Event");
    assert_eq!(object["id"], event_url);
    assert_eq!(object["name"], "Repair café");
    assert_eq!(object["startTime"], "2031-12-02T18:00:00+01:00");
    assert_eq!(
        object["location"]["address"]["streetAddress"],
        "1 rue de la Paix, Poitiers"
    );
    let summary = object["summary"].as_str().unwrap();
    assert!(
        summary.contains("mardi 2 décembre 2031, 18:00–21:00 (Europe/Paris)"),
        "{summary}"
    );
    assert!(summary.contains("1 rue de la Paix, Poitiers"), "{summary}");
    assert!(
        create["to"]
            .as_array()
            .unwrap()
            .contains(&json!("https://www.w3.org/ns/activitystreams#Public"))
    );
    assert_eq!(
        masto.received_count(|a| a["type"] == "Create"),
        1,
        "alice and bob share one inbox"
    );
    // The object's URL serves the same JSON under content negotiation.
    let response = node
        .http
        .get(&event_url)
        .header(
            "accept",
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        )
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let fetched: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}"));
    assert_eq!(fetched["name"], "Repair café");
    let outbox: Value = node.get_json("/t/fablab/outbox?page=1").await;
    assert_eq!(outbox["orderedItems"][0]["object"]["id"], event_url);

    // Alice replies; the reply appears under the event, sanitised.
    let mut reply = masto.fixture("create_note.json", &node.base, &event_id);
    reply["object"]["content"] = json!("<p>Merci, j'y serai ! <script>alert('xss')</script></p>");
    let (status, body) = masto.post("alice", &node.url("/inbox"), &reply).await;
    assert_eq!(status, 202, "{body}");
    let (_, comments) = node
        .send(
            Method::GET,
            &format!("/api/v1/events/{event_id}/comments"),
            None,
            None,
        )
        .await;
    let html = comments["items"][0]["content_html"].as_str().unwrap();
    assert!(
        html.contains("Merci, j'y serai") && !html.contains("<script"),
        "{html}"
    );
    assert_eq!(comments["items"][0]["author_name"], "Alice Martin");
    let page = node
        .http
        .get(&event_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Merci, j&#x27;y serai") || page.contains("Merci, j'y serai"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"));

    // A reply to mentioned people only is private: never shown as a comment.
    let mut private = masto.fixture("create_note.json", &node.base, &event_id);
    private["id"] = format!("{}/private", masto.base()).into();
    private["object"]["id"] = format!("{}/users/alice/statuses/2", masto.base()).into();
    for field in ["to", "cc"] {
        private[field] = json!([actor_url]);
        private["object"][field] = json!([actor_url]);
    }
    assert_eq!(masto.post("alice", &inbox, &private).await.0, 202);
    let (_, after_private) = node
        .send(
            Method::GET,
            &format!("/api/v1/events/{event_id}/comments"),
            None,
            None,
        )
        .await;
    assert_eq!(after_private["items"].as_array().unwrap().len(), 1);

    // Likes and boosts are counted; a redelivered Like is not counted twice.
    let like = masto.fixture("like.json", &node.base, &event_id);
    assert_eq!(masto.post("alice", &inbox, &like).await.0, 202);
    assert_eq!(masto.post("alice", &inbox, &like).await.0, 202);
    assert_eq!(
        masto
            .post(
                "alice",
                &inbox,
                &masto.fixture("announce.json", &node.base, &event_id)
            )
            .await
            .0,
        202
    );
    let (_, counts) = node
        .send(
            Method::GET,
            &format!("/api/v1/events/{event_id}/comments"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (counts["likes"].as_i64(), counts["announces"].as_i64()),
        (Some(1), Some(1))
    );

    // Registration, Mobilizon style, with one place: alice gets it, bob waits in line
    // (his Join gets no answer yet).
    let join = masto.fixture("join.json", &node.base, &event_id);
    assert_eq!(masto.post("alice", &inbox, &join).await.0, 202);
    let accepted = masto
        .wait_for("Accept{Join}", |a| {
            a["type"] == "Accept" && a["object"]["type"] == "Join"
        })
        .await;
    assert_eq!(accepted["object"]["id"], join["id"]);
    let mut bob_join = join.clone();
    bob_join["id"] = format!("{}/join/bob", masto.base()).into();
    bob_join["actor"] = masto.actor_id("bob").into();
    assert_eq!(masto.post("bob", &inbox, &bob_join).await.0, 202);
    let event: uuid::Uuid = event_id.parse().unwrap();
    let waiting = node.store.registrations(event).await.unwrap();
    assert_eq!(
        waiting.last().map(|r| (r.participant.as_str(), r.state)),
        Some((
            masto.actor_id("bob").as_str(),
            rhizome_node::social::RsvpState::Waitlisted
        ))
    );

    // The organiser removes alice's registration (the event page's button calls the same
    // use case): she hears a Reject of her Join, and her place goes to bob, who hears
    // the Accept of his.
    let admin = node
        .store
        .member_by_username("admin")
        .await
        .unwrap()
        .unwrap();
    let admin = node.store.principal(admin).await.unwrap();
    let alice = masto.actor_id("alice");
    assert!(
        node.state
            .actions
            .remove_registration(&admin, event, &alice)
            .await
            .unwrap()
    );
    masto
        .wait_for("Reject{Join} of alice", |a| {
            a["type"] == "Reject" && a["object"]["id"] == join["id"]
        })
        .await;
    masto
        .wait_for("Accept{Join} of bob", |a| {
            a["type"] == "Accept" && a["object"]["id"] == bob_join["id"]
        })
        .await;
    assert_eq!(node.store.participant_count(event).await.unwrap(), 1);

    // The fablab cancels: Mastodon gets an Update whose summary says so.
    let (status, _) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{event_id}"),
            Some(&token),
            Some(json!({"status": "cancelled"})),
        )
        .await;
    assert_eq!(status, 200);
    let update = masto
        .wait_for("Update{Event}", |a| a["type"] == "Update")
        .await;
    assert!(
        update["object"]["summary"]
            .as_str()
            .unwrap()
            .starts_with("<p>ANNULÉ · "),
        "{}",
        update["object"]["summary"]
    );
    assert_eq!(update["object"]["eventStatus"], "EventCancelled");
    assert_eq!(
        update["object"]["participantCount"], 1,
        "alice was removed, bob took her place"
    );

    // An editor removes a reply; redelivery does not bring it back.
    let comment_id = comments["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{event_id}/comments/{comment_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let mut redelivered = reply.clone();
    redelivered["id"] = format!("{}/again", reply["id"].as_str().unwrap()).into();
    assert_eq!(masto.post("alice", &inbox, &redelivered).await.0, 202);
    let (_, comments) = node
        .send(
            Method::GET,
            &format!("/api/v1/events/{event_id}/comments"),
            None,
            None,
        )
        .await;
    assert!(comments["items"].as_array().unwrap().is_empty());

    // Deletion: Mastodon gets a Tombstone, the URL answers 410 to everyone.
    let (status, _) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{event_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let delete = masto.wait_for("Delete", |a| a["type"] == "Delete").await;
    assert_eq!(delete["object"]["type"], "Tombstone");
    assert_eq!(delete["object"]["id"], event_url);
    let gone = node
        .http
        .get(&event_url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 410);
    assert_eq!(gone.json::<Value>().await.unwrap()["type"], "Tombstone");

    // Key rotation: Update{Person} signed with the new key; the node refetches once.
    masto.rotate_key("alice");
    let mut update_person = masto.fixture("update_person.json", &node.base, "");
    update_person["object"] = masto.actor_json("alice");
    let (status, body) = masto.post("alice", &inbox, &update_person).await;
    assert_eq!(status, 202, "{body}");
    let (status, body) = masto
        .post(
            "alice",
            &inbox,
            &masto.fixture("undo_follow.json", &node.base, ""),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let followers: Value = node.get_json("/t/fablab/followers").await;
    assert_eq!(
        followers["totalItems"], 1,
        "alice unfollowed with her new key"
    );

    // Bob deletes his account: he is forgotten, his follow with him.
    masto.delete_account("bob");
    let mut delete_bob = masto.fixture("delete_actor.json", &node.base, "");
    delete_bob["id"] = format!("{}#delete", masto.actor_id("bob")).into();
    delete_bob["actor"] = masto.actor_id("bob").into();
    delete_bob["object"] = masto.actor_id("bob").into();
    assert_eq!(masto.post("bob", &inbox, &delete_bob).await.0, 202);
    let followers: Value = node.get_json("/t/fablab/followers").await;
    assert_eq!(followers["totalItems"], 0);
    assert!(
        node.store
            .remote_actor(&masto.actor_id("bob"))
            .await
            .unwrap()
            .is_none()
    );

    // Delivery state is visible per server.
    let servers = node.store.servers().await.unwrap();
    let peer = servers
        .iter()
        .find(|s| masto.base().ends_with(&s.host))
        .expect("peer listed");
    assert_eq!((peer.queued, peer.consecutive_failures), (0, 0));
    assert!(peer.last_success.is_some());
}

common::on_both_backends!(full_story => mastodon_story_sqlite, mastodon_story_postgres);

#[tokio::test]
async fn forged_unsigned_malformed_and_oversized_requests_get_a_4xx_with_a_reason() {
    let Story {
        node, masto, inbox, ..
    } = setup(Backend::Sqlite).await.unwrap();
    let follow = masto.fixture("follow.json", &node.base, "");
    let body = serde_json::to_vec(&follow).unwrap();
    let reason = |text: &str| {
        serde_json::from_str::<Value>(text)
            .map(|v| v["error"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };

    // Unsigned.
    let (status, text) = masto
        .send(
            &inbox,
            vec![("content-type".into(), "application/activity+json".into())],
            body.clone(),
        )
        .await;
    assert_eq!(status, 401);
    assert!(reason(&text).contains("not signed"), "{text}");
    // Signed by someone else than the actor (bob's key, alice's activity).
    let (status, text) = masto
        .send(&inbox, masto.sign("bob", &inbox, &body), body.clone())
        .await;
    assert_eq!(status, 401, "{text}");
    // Body changed after signing: the digest no longer matches.
    let mut tampered = follow.clone();
    tampered["object"] = json!("https://elsewhere.example/t/x");
    let (status, text) = masto
        .send(
            &inbox,
            masto.sign("alice", &inbox, &body),
            serde_json::to_vec(&tampered).unwrap(),
        )
        .await;
    assert_eq!(status, 401);
    assert!(reason(&text).contains("Digest"), "{text}");
    // Signature bytes forged.
    let mut headers = masto.sign("alice", &inbox, &body);
    for (k, v) in headers.iter_mut() {
        if k == "Signature" {
            *v = v.replace("signature=\"", "signature=\"AAAA");
        }
    }
    let (status, _) = masto.send(&inbox, headers, body.clone()).await;
    assert_eq!(status, 401);
    // Malformed JSON, correctly signed.
    let broken = b"{\"type\": \"Follow\", ".to_vec();
    let (status, text) = masto
        .send(&inbox, masto.sign("alice", &inbox, &broken), broken)
        .await;
    assert_eq!(status, 400, "{text}");
    // An activity whose id is on another host than its actor.
    let mut spoofed = follow.clone();
    spoofed["id"] = json!("https://evil.example/follow/1");
    let (status, _) = masto.post("alice", &inbox, &spoofed).await;
    assert_eq!(status, 400);
    // Oversized.
    let huge = vec![b' '; 2 * 1024 * 1024];
    let (status, _) = masto
        .send(&inbox, masto.sign("alice", &inbox, &huge), huge)
        .await;
    assert_eq!(status, 413);
    // Unknown activity type: accepted and ignored.
    let odd = json!({"id": format!("{}/odd/1", masto.base()), "type": "Dance", "actor": masto.actor_id("alice"), "object": node.url("/t/fablab")});
    assert_eq!(masto.post("alice", &inbox, &odd).await.0, 202);
    // Unknown territory.
    assert_eq!(
        masto
            .post("alice", &node.url("/t/nobody/inbox"), &follow)
            .await
            .0,
        404
    );
    // None of that followed anyone.
    let followers: Value = node.get_json("/t/fablab/followers").await;
    assert_eq!(followers["totalItems"], 0);
    // A duplicate is answered but handled once.
    assert_eq!(masto.post("alice", &inbox, &follow).await.0, 202);
    assert_eq!(masto.post("alice", &inbox, &follow).await.0, 202);
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(masto.received_count(|a| a["type"] == "Accept"), 1);
}

#[tokio::test]
async fn blocked_servers_are_refused_and_not_delivered_to() {
    let Story {
        node,
        masto,
        inbox,
        token,
    } = setup(Backend::Sqlite).await.unwrap();
    assert_eq!(
        masto
            .post(
                "alice",
                &inbox,
                &masto.fixture("follow.json", &node.base, "")
            )
            .await
            .0,
        202
    );
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;
    node.store.block_domain("localhost", "test").await.unwrap();
    node.federation_blocks_changed().await;
    let (status, text) = masto
        .post(
            "alice",
            &inbox,
            &masto.fixture("like.json", &node.base, "x"),
        )
        .await;
    assert_eq!(status, 403, "{text}");
    let (status, _) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&token),
            Some(event_draft(json!({}))),
        )
        .await;
    assert_eq!(status, 201);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(masto.received_count(|a| a["type"] == "Create"), 0);
    assert_eq!(
        node.store.pending_deliveries().await.unwrap(),
        0,
        "dropped, not retried forever"
    );
}

#[tokio::test]
async fn authorized_fetch_requires_signed_gets() {
    let (node, _admin) = Node::configured_with_territory(
        Backend::Sqlite,
        |c| c.authorized_fetch = true,
        json!({"slug": "lab", "name": "Lab", "kind": "fablab"}),
    )
    .await
    .unwrap();
    let response = node
        .http
        .get(node.url("/t/lab"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Browsers still get the page, and the instance actor stays fetchable (it signs our own fetches).
    assert_eq!(
        node.http
            .get(node.url("/t/lab"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let instance = node
        .http
        .get(node.url("/actor"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(instance.status(), 200);
}

#[tokio::test]
async fn private_addresses_are_never_fetched_outside_development_mode() {
    let node = Node::start_with(Backend::Sqlite, |c| c.development_mode = false)
        .await
        .unwrap();
    let fed = node.federation();
    for url in [
        "https://localhost/users/alice",
        "https://127.0.0.1/users/alice",
        "http://localhost:1/users/a",
        "https://169.254.169.254/latest",
    ] {
        let err = fed.fetch_json(url).await.unwrap_err().to_string();
        assert!(
            err.contains("refusing") || err.contains("resolve") || err.contains("error"),
            "{url}: {err}"
        );
    }
    // The name resolves to loopback: refused when connecting, by the resolver.
    let err = fed
        .fetch_json("https://localhost/users/alice")
        .await
        .unwrap_err();
    assert!(
        matches!(err, rhizome_federation::fetch::FetchError::Http(..)),
        "{err}"
    );
}

#[tokio::test]
async fn follow_requests_wait_for_an_editor_when_the_territory_asks() {
    let Story {
        node,
        masto,
        inbox,
        token,
    } = setup(Backend::Sqlite).await.unwrap();
    let (status, _) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(&token),
            Some(json!({"manually_approves_followers": true})),
        )
        .await;
    assert_eq!(status, 200);
    let actor: Value = node.activity_json(&node.url("/t/fablab")).await;
    assert_eq!(actor["manuallyApprovesFollowers"], true);
    assert_eq!(
        masto
            .post(
                "alice",
                &inbox,
                &masto.fixture("follow.json", &node.base, "")
            )
            .await
            .0,
        202
    );
    let (_, list) = node
        .send(
            Method::GET,
            "/api/v1/territories/fablab/followers",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(list["items"][0]["state"], "pending");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        masto.received_count(|a| a["type"] == "Accept"),
        0,
        "no Accept before an editor decides"
    );
    let decision = json!({"actor": masto.actor_id("alice"), "approve": true});
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/followers",
            Some(&token),
            Some(decision),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    masto
        .wait_for("Accept after approval", |a| a["type"] == "Accept")
        .await;
    let (_, list) = node
        .send(
            Method::GET,
            "/api/v1/territories/fablab/followers",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(list["items"][0]["state"], "accepted");
    let (status, _) = node
        .send(
            Method::GET,
            "/api/v1/territories/fablab/followers",
            None,
            None,
        )
        .await;
    assert_eq!(status, 401, "the follower list is for editors");
}

/// Which JSON `error` a refused request carried.
fn reason(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .map(|v| v["error"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_request_signed_for_another_server_or_inbox_is_not_replayable_here() {
    let Story {
        node, masto, inbox, ..
    } = setup(Backend::Sqlite).await.unwrap();
    let follow = masto.fixture("follow.json", &node.base, "");
    let body = serde_json::to_vec(&follow).unwrap();
    // Alice's genuine signature for another server's inbox, sent on to ours: the Host it
    // covers is not ours.
    let elsewhere = "http://other.example/t/fablab/inbox";
    let (status, text) = masto
        .send(&inbox, masto.sign("alice", elsewhere, &body), body.clone())
        .await;
    assert_eq!(status, 401, "{text}");
    assert!(reason(&text).contains("another server"), "{text}");
    // Signed for our shared inbox, replayed to the territory's inbox: the target differs.
    let (status, text) = masto
        .send(
            &inbox,
            masto.sign("alice", &node.url("/inbox"), &body),
            body.clone(),
        )
        .await;
    assert_eq!(status, 401, "{text}");
    // Neither followed.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(masto.received_count(|a| a["type"] == "Accept"), 0);
    // The genuine request goes through.
    let (status, text) = masto
        .send(&inbox, masto.sign("alice", &inbox, &body), body)
        .await;
    assert_eq!(status, 202, "{text}");
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;
}

#[tokio::test]
async fn forged_signatures_do_not_make_the_node_refetch_the_actor_each_time() {
    let Story {
        node, masto, inbox, ..
    } = setup(Backend::Sqlite).await.unwrap();
    let follow = masto.fixture("follow.json", &node.base, "");
    assert_eq!(masto.post("alice", &inbox, &follow).await.0, 202);
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;
    let before = masto.actor_fetches("alice");
    assert!(before >= 1, "alice's key was fetched to verify her Follow");

    // 20 forged requests naming alice's key: at most one refetch, not 20.
    let like = masto.fixture("like.json", &node.base, "x");
    let body = serde_json::to_vec(&like).unwrap();
    for _ in 0..20 {
        let mut headers = masto.sign("alice", &inbox, &body);
        for (k, v) in headers.iter_mut() {
            if k == "Signature" {
                *v = v.replace("signature=\"", "signature=\"AAAA");
            }
        }
        let (status, text) = masto.send(&inbox, headers, body.clone()).await;
        assert_eq!(status, 401, "{text}");
    }
    let refetches = masto.actor_fetches("alice") - before;
    assert!(
        refetches <= 1,
        "{refetches} refetches for 20 forged requests"
    );

    // Key rotation still works: bob's new key verifies after one refetch.
    let mut bob_follow = follow.clone();
    bob_follow["id"] = format!("{}/follows/bob", masto.base()).into();
    bob_follow["actor"] = masto.actor_id("bob").into();
    assert_eq!(masto.post("bob", &inbox, &bob_follow).await.0, 202);
    let bob_before = masto.actor_fetches("bob");
    masto.rotate_key("bob");
    let mut undo = masto.fixture("undo_follow.json", &node.base, "");
    undo["id"] = format!("{}/follows/bob/undo", masto.base()).into();
    undo["actor"] = masto.actor_id("bob").into();
    undo["object"] = bob_follow.clone();
    let (status, text) = masto.post("bob", &inbox, &undo).await;
    assert_eq!(status, 202, "{text}");
    assert_eq!(masto.actor_fetches("bob") - bob_before, 1);
}

#[tokio::test]
async fn refusals_name_what_was_wrong_not_what_our_resolver_said() {
    // Outside development mode, names resolving to loopback are refused by the resolver.
    let (node, _admin) = Node::configured_with_territory(
        Backend::Sqlite,
        |c| c.development_mode = false,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .await
    .unwrap();
    let masto = FakeMastodon::start().await;
    let inbox = node.url("/t/fablab/inbox");
    let actor = "https://localhost/users/mallory";
    let follow = json!({"id": "https://localhost/follows/1", "type": "Follow", "actor": actor, "object": node.url("/t/fablab")});
    let body = serde_json::to_vec(&follow).unwrap();
    let headers = masto.sign_as("mallory", &format!("{actor}#main-key"), &inbox, &body);
    let (status, text) = masto.send(&inbox, headers, body).await;
    assert_eq!(status, 401, "{text}");
    let said = reason(&text);
    assert!(said.contains("could not be reached"), "{text}");
    for internal in ["127.0.0.1", "internal", "resolve", "error sending request"] {
        assert!(
            !text.contains(internal),
            "{internal:?} told to the sender: {text}"
        );
    }
}

/// Alice follows the fablab and the node accepts.
async fn alice_follows(story: &Story) {
    let follow = story.masto.fixture("follow.json", &story.node.base, "");
    let (status, text) = story.masto.post("alice", &story.inbox, &follow).await;
    assert_eq!(status, 202, "{text}");
    story
        .masto
        .wait_for("Accept", |a| a["type"] == "Accept")
        .await;
}

/// A Spanish online event reaches Mastodon with its summary in Spanish: the date and
/// "en línea" come from the Spanish catalogue, whatever the territory's language.
#[tokio::test]
async fn a_spanish_event_reaches_mastodon_with_a_spanish_summary() {
    let Some(story) = setup(Backend::Sqlite).await else {
        return;
    };
    alice_follows(&story).await;
    let draft = event_draft(json!({
        "title": "Taller en línea", "language": "es", "format": "online", "place": null,
        "online_url": "https://visio.example/taller", "capacity": null
    }));
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
    let create = story
        .masto
        .wait_for("Create{Event}", |a| a["type"] == "Create")
        .await;
    let summary = create["object"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("martes, 2 de diciembre de 2031, 18:00–21:00 (Europe/Paris) · en línea"),
        "{summary}"
    );
}

/// Editing a territory is one use case (`Actions::edit_territory`, as the API and the
/// settings page call it): refused to a member who does not edit it, and for an editor
/// stored together with the `Update` that tells its followers.
#[tokio::test]
async fn a_territory_is_edited_by_its_editors_only_and_its_followers_hear_of_it() {
    let Some(story) = setup(Backend::Sqlite).await else {
        return;
    };
    alice_follows(&story).await;
    let actions = story.node.federation().actions();
    let territory = story.node.stored_territory("fablab").await;
    let renamed = TerritoryProfile {
        name: "Fablab du Poitou".into(),
        ..territory.profile.clone()
    };
    let member = |editor_of: Vec<uuid::Uuid>| Principal {
        member: Member::new("camille", "a long enough password", false).unwrap(),
        editor_of,
    };
    let refused = actions
        .edit_territory(&member(vec![]), &territory, renamed.clone())
        .await;
    assert!(
        matches!(refused, Err(ActionError::Forbidden(_))),
        "{refused:?}"
    );
    let unchanged = (story.node.store.territory(territory.id).await)
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.profile.name, "Fablab de Poitiers");

    let edited = actions
        .edit_territory(&member(vec![territory.id]), &territory, renamed)
        .await
        .unwrap();
    assert!(edited.updated_at > territory.updated_at);
    let stored = (story.node.store.territory(territory.id).await)
        .unwrap()
        .unwrap();
    assert_eq!(stored.profile.name, "Fablab du Poitou");
    let update = story
        .masto
        .wait_for("Update of the actor", |a| {
            a["type"] == "Update" && a["object"]["type"] == "Organization"
        })
        .await;
    assert_eq!(update["object"]["name"], "Fablab du Poitou");
}

#[tokio::test]
async fn a_shared_inbox_on_another_host_is_never_delivered_to() {
    let story = setup(Backend::Sqlite).await.unwrap();
    let victim = FakeMastodon::start().await;
    let mut alice = story.masto.actor_json("alice");
    alice["endpoints"]["sharedInbox"] = format!("{}/inbox", victim.base()).into();
    story.masto.serve("/users/alice", alice);
    alice_follows(&story).await;
    let (status, event) = story
        .node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&story.token),
            Some(event_draft(json!({}))),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    // Delivered to alice's own inbox instead.
    story
        .masto
        .wait_for("Create{Event}", |a| a["type"] == "Create")
        .await;
    assert_eq!(
        victim.received_count(|_| true),
        0,
        "nothing sent to the victim"
    );
    let stored = story
        .node
        .store
        .remote_actor(&story.masto.actor_id("alice"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.shared_inbox, None);
}

#[tokio::test]
async fn script_urls_from_other_servers_are_dropped_and_never_linked() {
    use common::pages::{browser, get, login};
    let story = setup(Backend::Sqlite).await.unwrap();
    let Story {
        node, masto, token, ..
    } = &story;
    let mut alice = masto.actor_json("alice");
    alice["url"] = "javascript:alert(1)".into();
    masto.serve("/users/alice", alice);
    alice_follows(&story).await;
    let (status, event) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(token),
            Some(event_draft(json!({}))),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    let event_id = event["id"].as_str().unwrap();
    let mut reply = masto.fixture("create_note.json", &node.base, event_id);
    reply["object"]["url"] = "javascript:alert(2)".into();
    let (status, text) = masto.post("alice", &story.inbox, &reply).await;
    assert_eq!(status, 202, "{text}");
    // A peer whose directory lists a territory with a script for an id.
    masto.serve(
        "/directory",
        json!({"node": masto.host(), "territories": [
            {"id": "javascript:alert(3)", "name": "Piège", "kind": "fablab"},
            {"id": masto.actor_id("lab"), "name": "Vrai lab", "kind": "fablab"}
        ]}),
    );
    masto.serve("/peers", json!({"peers": []}));
    node.federation().learn_peer(masto.host(), "contact").await;
    node.federation().discovery_round().await.unwrap();

    let client = browser();
    login(&client, node, "admin", common::pages::PASSWORD).await;
    for path in [
        "/manage/t/fablab/followers",
        "/manage/t/fablab/comments",
        "/network",
    ] {
        let (status, html) = get(&client, node, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("javascript:"), "{path}: {html}");
    }
    let (_, network) = get(&client, node, "/network").await;
    assert!(network.contains("Vrai lab") && !network.contains("Piège"));
    let (_, comments) = get(&client, node, "/manage/t/fablab/comments").await;
    assert!(comments.contains("Merci"), "the reply itself is kept");
}

/// A Flag and a reply whose text holds NUL and other control characters: accepted, kept
/// without them (PostgreSQL refuses NUL in text), never a 500 that the sender retries.
async fn control_characters_in_remote_text_are_stripped(backend: Backend) {
    let Some(story) = setup(backend).await else {
        return;
    };
    let Story {
        node, masto, token, ..
    } = &story;
    alice_follows(&story).await;
    let (status, event) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(token),
            Some(event_draft(json!({}))),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    let event_id = event["id"].as_str().unwrap();
    let mut flag = masto.fixture("flag.json", &node.base, event_id);
    flag["content"] = "spam\u{0} here\u{7}\nsecond line".into();
    let (status, text) = masto.post("alice", &story.inbox, &flag).await;
    assert_eq!(status, 202, "{text}");
    let reports = node.store.reports(false, 10).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].content, "spam here\nsecond line");

    let mut reply = masto.fixture("create_note.json", &node.base, event_id);
    reply["object"]["content"] = "<p>Merci\u{0} !\u{1b}</p>".into();
    let (status, text) = masto.post("alice", &story.inbox, &reply).await;
    assert_eq!(status, 202, "{text}");
    let id: uuid::Uuid = event_id.parse().unwrap();
    let comments = node.store.comments(id, true).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert!(
        comments[0].content_html.contains("Merci !") && !comments[0].content_html.contains('\u{0}'),
        "{}",
        comments[0].content_html
    );
}

common::on_both_backends!(control_characters_in_remote_text_are_stripped => control_characters_in_remote_text_are_stripped_sqlite, control_characters_in_remote_text_are_stripped_postgres);

#[tokio::test]
async fn negotiated_urls_vary_by_accept_and_discovery_documents_allow_any_origin() {
    let Story { node, token, .. } = setup(Backend::Sqlite).await.unwrap();
    let (status, event) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&token),
            Some(event_draft(json!({}))),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    let event_url = event["url"].as_str().unwrap().to_owned();
    let missing = node.url("/events/00000000-0000-7000-8000-000000000000");
    for url in [node.url("/t/fablab"), event_url, missing] {
        for accept in ["text/html", "application/activity+json"] {
            let response = node
                .http
                .get(&url)
                .header("accept", accept)
                .send()
                .await
                .unwrap();
            let vary: Vec<String> = response
                .headers()
                .get_all("vary")
                .iter()
                .map(|v| v.to_str().unwrap().to_lowercase())
                .collect();
            assert!(
                vary.iter()
                    .any(|v| v.split(',').any(|h| h.trim() == "accept")),
                "{url} as {accept} ({}): Vary {vary:?}",
                response.status()
            );
        }
    }
    let domain = node.host();
    for path in [
        format!("/.well-known/webfinger?resource=acct:fablab@{domain}"),
        "/.well-known/webfinger?resource=acct:nobody@elsewhere.example".to_owned(),
        "/.well-known/host-meta".to_owned(),
        "/.well-known/nodeinfo".to_owned(),
        "/nodeinfo/2.1".to_owned(),
    ] {
        let response = node.http.get(node.url(&path)).send().await.unwrap();
        assert_eq!(
            response
                .headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap()),
            Some("*"),
            "{path} ({})",
            response.status()
        );
    }
}

#[tokio::test]
async fn a_deleted_resource_is_only_a_tombstone_in_the_outbox_and_nodeinfo_lists_territories_as_documented()
 {
    let Story { node, token, .. } = setup(Backend::Sqlite).await.unwrap();
    let secret = "Texte retiré par le fablab";
    let (status, resource) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/resources",
            Some(&token),
            Some(json!({"title": "Guide à retirer", "type": "guide", "body": secret})),
        )
        .await;
    assert_eq!(status, 201, "{resource}");
    let (status, kept) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/resources",
            Some(&token),
            Some(json!({"title": "Guide gardé", "type": "guide", "body": "Toujours là"})),
        )
        .await;
    assert_eq!(status, 201, "{kept}");
    let id = resource["id"].as_str().unwrap();
    let (status, _) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/resources/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let page: Value = node
        .activity_json(&node.url("/t/fablab/outbox?page=1"))
        .await;
    let text = page.to_string();
    assert!(!text.contains(secret), "{text}");
    assert!(!text.contains("Guide à retirer"), "{text}");
    assert!(
        text.contains("Toujours là"),
        "the others are still there: {text}"
    );
    let about_it: Vec<&Value> = page["orderedItems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["object"]["id"] == resource["url"])
        .collect();
    assert!(!about_it.is_empty(), "{text}");
    for activity in about_it {
        assert_eq!(activity["object"]["type"], "Tombstone", "{activity}");
    }

    // NodeInfo's territories carry what docs/FEDERATION.md says.
    let nodeinfo: Value = node.get_json("/nodeinfo/2.1").await;
    let entry = &nodeinfo["metadata"]["territories"][0];
    assert_eq!(entry["slug"], "fablab");
    assert_eq!(entry["name"], "Fablab de Poitiers");
    assert_eq!(entry["kind"], "fablab");
    assert_eq!(entry["handle"], format!("@fablab@{}", node.host()));
    assert_eq!(entry["url"], node.url("/t/fablab"));
}

#[tokio::test]
async fn profile_edits_reach_followers_as_an_update_of_the_actor() {
    use common::pages::{PASSWORD, browser, login, post};
    let story = setup(Backend::Sqlite).await.unwrap();
    alice_follows(&story).await;
    let Story {
        node, masto, token, ..
    } = &story;
    let (status, body) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(token),
            Some(json!({"name": "Fablab du Grand Poitiers"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let update = masto
        .wait_for("Update{Organization} after the API edit", |a| {
            a["type"] == "Update" && a["object"]["name"] == "Fablab du Grand Poitiers"
        })
        .await;
    assert_eq!(update["actor"], node.url("/t/fablab"));
    assert_eq!(update["object"]["id"], node.url("/t/fablab"));
    assert_eq!(update["object"]["type"], "Organization");
    assert!(
        update["object"].get("@context").is_none(),
        "embedded without context"
    );
    assert!(
        update["object"]["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .contains("BEGIN PUBLIC KEY")
    );

    // The settings page sends it too.
    let client = browser();
    let csrf = login(&client, node, "admin", PASSWORD).await;
    let (status, html, _) = post(
        &client,
        node,
        "/manage/t/fablab/settings",
        &[
            ("csrf", csrf.as_str()),
            ("name", "Fablab de la Vienne"),
            ("description", "Un atelier partagé"),
            ("languages", "fr"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    masto
        .wait_for("Update{Organization} after the settings page", |a| {
            a["type"] == "Update" && a["object"]["name"] == "Fablab de la Vienne"
        })
        .await;
}

/// Where the golden files live: every object and activity Rhizome sends, normalised.
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../federation/tests/golden");

/// A document as it is sent, made independent of this run: loopback hosts become
/// `node.example` and `mastodon.example`, each UUID `…-00000000000N` in order of
/// appearance, times of this run `2031-01-01T00:00:00Z`, keys `PEM`.
fn normalised(doc: &Value, node: &Node, masto: &FakeMastodon) -> Value {
    let text = doc
        .to_string()
        .replace(&node.base, "https://node.example")
        .replace(&node.host(), "node.example")
        .replace(masto.base(), "https://mastodon.example")
        .replace(masto.host(), "mastodon.example");
    let mut uuids: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let candidate = rest.get(..36).filter(|c| {
            c.char_indices().all(|(i, ch)| {
                if [8, 13, 18, 23].contains(&i) {
                    ch == '-'
                } else {
                    ch.is_ascii_hexdigit()
                }
            })
        });
        if let Some(uuid) = candidate {
            let n = match uuids.iter().position(|u| u == uuid) {
                Some(n) => n + 1,
                None => {
                    uuids.push(uuid.to_owned());
                    uuids.len()
                }
            };
            out.push_str(&format!("00000000-0000-0000-0000-{n:012}"));
            rest = &rest[36..];
        } else {
            let ch = rest.chars().next().unwrap();
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    let mut value: Value = serde_json::from_str(&out).unwrap();
    fn settle(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    match key.as_str() {
                        "published" | "updated" | "deleted" if v.is_string() => {
                            *v = json!("2031-01-01T00:00:00Z")
                        }
                        "publicKeyPem" => *v = json!("PEM"),
                        "publicKeyMultibase" => *v = json!("MULTIBASE"),
                        "proofValue" => *v = json!("PROOF"),
                        "created" if v.is_string() => *v = json!("2031-01-01T00:00:00Z"),
                        _ => settle(v),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(settle),
            _ => {}
        }
    }
    settle(&mut value);
    value
}

/// Compares `doc` with its golden file, or rewrites it when `RHIZOME_UPDATE_GOLDEN` is set.
pub(crate) fn golden(name: &str, doc: &Value, node: &Node, masto: &FakeMastodon) -> Option<String> {
    let path = format!("{GOLDEN}/{name}.json");
    let text = serde_json::to_string_pretty(&normalised(doc, node, masto)).unwrap() + "\n";
    if std::env::var_os("RHIZOME_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(GOLDEN).unwrap();
        std::fs::write(&path, text).unwrap();
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == text => None,
        Ok(expected) => Some(format!(
            "{name}: differs from {path} (RHIZOME_UPDATE_GOLDEN=1 rewrites it)\n--- expected\n{expected}\n--- sent\n{text}"
        )),
        Err(_) => Some(format!(
            "{name}: no {path} (RHIZOME_UPDATE_GOLDEN=1 writes it)"
        )),
    }
}

/// Every kind of object and activity Rhizome sends, as a Mastodon-shaped peer receives or
/// fetches them, kept as golden files: a change on the wire shows in review, and
/// `tests/interop/jsonld-check.mjs` expands each with a real JSON-LD processor.
#[tokio::test]
async fn golden_files_hold_every_object_and_activity_rhizome_sends() {
    let story = setup(Backend::Sqlite).await.unwrap();
    let Story {
        node,
        masto,
        token,
        inbox,
    } = &story;
    let mut docs: Vec<(&str, Value)> = Vec::new();
    docs.push((
        "actor-territory",
        node.activity_json(&node.url("/t/fablab")).await,
    ));
    docs.push(("actor-node", node.activity_json(&node.url("/actor")).await));

    alice_follows(&story).await;
    docs.push((
        "accept-follow",
        masto.wait_for("Accept", |a| a["type"] == "Accept").await,
    ));

    let publish = async |collection: &str, draft: Value| -> Value {
        let (status, body) = node
            .send(
                Method::POST,
                &format!("/api/v1/territories/fablab/{collection}"),
                Some(token),
                Some(draft),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
    };
    let on_site = publish("events", event_draft(json!({"themes": ["climate"]}))).await;
    let online = publish(
        "events",
        event_draft(
            json!({"title": "Atelier en ligne", "format": "online", "place": null,
                            "online_url": "https://visio.example/atelier", "capacity": null}),
        ),
    )
    .await;
    let hybrid = publish(
        "events",
        event_draft(json!({"title": "Conférence hybride", "format": "hybrid",
                            "online_url": "https://visio.example/conference",
                            "organisers": ["Atelier vélo"], "partners": ["https://other.example/t/lab"]})),
    )
    .await;
    let occurrence = publish(
        "events",
        event_draft(json!({"title": "Permanence", "recurrence": {"count": 2}})),
    )
    .await;
    let resource = publish(
        "resources",
        json!({"title": "Guide du repair café", "type": "guide", "body": "# Étapes", "level": "beginner",
               "related_event": on_site["id"]}),
    )
    .await;
    let call = publish(
        "calls",
        json!({"title": "Cherche bénévoles", "type": "need", "deadline": "2031-01-31",
               "skills_wanted": ["électronique"], "objectives": ["Réparer plus"],
               "outcome": "Dix **bénévoles**"}),
    )
    .await;
    docs.push((
        "create-event",
        masto
            .wait_for("Create{Event}", |a| {
                a["type"] == "Create" && a["object"]["id"] == on_site["url"]
            })
            .await,
    ));
    docs.push((
        "create-resource",
        masto
            .wait_for("Create{Page}", |a| {
                a["type"] == "Create" && a["object"]["id"] == resource["url"]
            })
            .await,
    ));
    for (name, item) in [
        ("event-on-site", &on_site),
        ("event-online", &online),
        ("event-hybrid", &hybrid),
        ("event-occurrence", &occurrence),
        ("resource", &resource),
        ("call", &call),
    ] {
        docs.push((
            name,
            node.activity_json(item["url"].as_str().unwrap()).await,
        ));
    }

    let event_id = on_site["id"].as_str().unwrap();
    let join = masto.fixture("join.json", &node.base, event_id);
    assert_eq!(masto.post("alice", inbox, &join).await.0, 202);
    docs.push((
        "accept-join",
        masto
            .wait_for("Accept{Join}", |a| a["object"]["id"] == join["id"])
            .await,
    ));
    let mut bob_join = join.clone();
    bob_join["id"] = format!("{}/join/bob", masto.base()).into();
    bob_join["actor"] = masto.actor_id("bob").into();
    assert_eq!(masto.post("bob", inbox, &bob_join).await.0, 202);
    // The event is full: bob waits in line, unanswered, until the organiser removes him.
    let admin = node
        .store
        .member_by_username("admin")
        .await
        .unwrap()
        .unwrap();
    let admin = node.store.principal(admin).await.unwrap();
    let event: uuid::Uuid = event_id.parse().unwrap();
    assert!(
        node.state
            .actions
            .remove_registration(&admin, event, &masto.actor_id("bob"))
            .await
            .unwrap()
    );
    docs.push((
        "reject-join",
        masto
            .wait_for("Reject{Join}", |a| a["object"]["id"] == bob_join["id"])
            .await,
    ));

    let (status, _) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{event_id}"),
            Some(token),
            Some(json!({"status": "cancelled"})),
        )
        .await;
    assert_eq!(status, 200);
    docs.push((
        "update-event",
        masto
            .wait_for("Update{Event}", |a| {
                a["type"] == "Update"
                    && a["object"]["eventStatus"] != json!(null)
                    && a["object"]["id"] == on_site["url"]
            })
            .await,
    ));
    let (status, _) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(token),
            Some(
                json!({"website": "https://fablab.example", "contact": "contact@fablab.example",
                "inventory": {"shares": [{"label": "Découpeuse laser", "tags": ["équipement"]}],
                              "seeks": [{"label": "Bénévoles pour le repair café"}]}}),
            ),
        )
        .await;
    assert_eq!(status, 200);
    docs.push((
        "update-territory",
        masto
            .wait_for("Update{Organization}", |a| {
                a["type"] == "Update" && a["object"]["type"] == "Organization"
            })
            .await,
    ));

    let alice = masto.actor_id("alice");
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/following",
            Some(token),
            Some(
                json!({"target": alice, "scope": {"kinds": ["event"], "themes": ["climate"],
                        "near": {"latitude": 46.58, "longitude": 0.34, "km": 30.0}}}),
            ),
        )
        .await;
    assert!((200..300).contains(&status), "{body}");
    docs.push((
        "follow-with-scope",
        masto.wait_for("Follow", |a| a["type"] == "Follow").await,
    ));
    let (status, body) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/territories/fablab/following?target={alice}"),
            Some(token),
            None,
        )
        .await;
    assert!((200..300).contains(&status), "{body}");
    docs.push((
        "undo-follow",
        masto
            .wait_for("Undo{Follow}", |a| a["type"] == "Undo")
            .await,
    ));

    let (status, _) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{event_id}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    docs.push((
        "delete-event",
        masto.wait_for("Delete", |a| a["type"] == "Delete").await,
    ));
    docs.push((
        "tombstone",
        node.activity_json(on_site["url"].as_str().unwrap()).await,
    ));
    docs.push((
        "outbox",
        node.activity_json(&node.url("/t/fablab/outbox")).await,
    ));
    docs.push((
        "outbox-page",
        node.activity_json(&node.url("/t/fablab/outbox?page=1"))
            .await,
    ));
    docs.push((
        "followers",
        node.activity_json(&node.url("/t/fablab/followers")).await,
    ));

    let differences: Vec<String> = docs
        .iter()
        .filter_map(|(name, doc)| golden(name, doc, node, masto))
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

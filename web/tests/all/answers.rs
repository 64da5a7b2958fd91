//! Answers to calls over real HTTP: a need on node A answered by a territory of node B
//! (an `Offer` between the nodes), accepted on A, the partnership on both sides, the call
//! closed with an outcome B then shows; visitors' answers held until accepted; every
//! refusal, and forged `Offer`s and `Accept`s from other servers.

use crate::common;

use common::mastodon::FakeMastodon;
use common::{Backend, Node, eventually};
use reqwest::Method;
use serde_json::{Value, json};

/// A node with one territory, its admin's token.
pub(crate) async fn node_with(backend: Backend, slug: &str, name: &str) -> Option<(Node, String)> {
    Node::with_territory(
        backend,
        json!({"slug": slug, "name": name, "kind": "tiers_lieu", "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await
}

pub(crate) async fn publish_call(node: &Node, token: &str, slug: &str, body: Value) -> Value {
    let (status, created) = node
        .send(
            Method::POST,
            &format!("/api/v1/territories/{slug}/calls"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created
}

/// `slug` on `from` follows `target` on `to`, and waits until it is accepted.
pub(crate) async fn follow(from: &Node, token: &str, slug: &str, to: &Node, target: &str) {
    let (status, body) = from
        .send(
            Method::POST,
            &format!("/api/v1/territories/{slug}/following"),
            Some(token),
            Some(json!({"target": format!("@{target}@{}", to.host())})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    eventually("follow accepted", async || {
        let (_, f) = from
            .send(
                Method::GET,
                &format!("/api/v1/territories/{slug}/following"),
                Some(token),
                None,
            )
            .await;
        f["items"][0]["state"] == "accepted"
    })
    .await;
}

pub(crate) async fn page(node: &Node, path: &str) -> String {
    let resp = node.http.get(node.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp.text().await.unwrap()
}

pub(crate) async fn network_calls(node: &Node) -> Vec<Value> {
    let (_, body) = node
        .send(Method::GET, "/api/v1/network/calls", None, None)
        .await;
    body["items"].as_array().cloned().unwrap_or_default()
}

async fn a_need_on_a_answered_from_b_becomes_a_partnership(backend: Backend) {
    let Some((a, a_token)) = node_with(backend, "ville", "Ville apprenante").await else {
        return;
    };
    let (b, b_token) = node_with(backend, "fablab", "Fablab de Poitiers")
        .await
        .unwrap();
    // B offers; A follows B and so knows the offer.
    publish_call(
        &b,
        &b_token,
        "fablab",
        json!({"type": "offer", "title": "Imprimantes 3D à prêter", "description": "Deux machines."}),
    )
    .await;
    follow(&a, &a_token, "ville", &b, "fablab").await;
    eventually("A knows B's offer", async || {
        network_calls(&a)
            .await
            .iter()
            .any(|c| c["title"] == "Imprimantes 3D à prêter")
    })
    .await;
    // A needs; B follows A and so knows the need.
    let need = publish_call(
        &a,
        &a_token,
        "ville",
        json!({"type": "need", "title": "Besoin d'impression 3D", "description": "Pour un atelier.",
               "deadline": "2031-06-30"}),
    )
    .await;
    let need_id = need["id"].as_str().unwrap().to_owned();
    let need_url = need["url"].as_str().unwrap().to_owned();
    follow(&b, &b_token, "fablab", &a, "ville").await;
    eventually("B knows A's need", async || {
        network_calls(&b).await.iter().any(|c| c["id"] == need_url)
    })
    .await;

    // An editor on B answers for the fablab.
    let (status, answer) = b
        .send(
            Method::POST,
            "/api/v1/network/answers",
            Some(&b_token),
            Some(
                json!({"call": need_url, "territory": "fablab", "message": "Nous pouvons imprimer.",
                        "offers": "Deux imprimantes", "contact": "05 49 00 00 00"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["state"], "pending");
    // Twice is refused, on B already.
    let (status, again) = b
        .send(
            Method::POST,
            "/api/v1/network/answers",
            Some(&b_token),
            Some(json!({"call": need_url, "territory": "fablab", "message": "Encore"})),
        )
        .await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["reason"], "answered_twice");

    // A's editors see it, with what it says; the public sees nothing yet.
    let answers_path = format!("/api/v1/calls/{need_id}/answers");
    let mut received = Value::Null;
    eventually("the Offer reaches A", async || {
        let (_, list) = a
            .send(Method::GET, &answers_path, Some(&a_token), None)
            .await;
        received = list["items"][0].clone();
        !received.is_null()
    })
    .await;
    assert_eq!(received["state"], "pending");
    assert_eq!(received["message"], "Nous pouvons imprimer.");
    assert_eq!(received["offers"], "Deux imprimantes");
    assert_eq!(received["contact"], "05 49 00 00 00");
    assert_eq!(received["responder"]["kind"], "remote");
    assert_eq!(received["responder"]["actor"], b.url("/t/fablab"));
    assert_eq!(received["responder"]["name"], "Fablab de Poitiers");
    let (_, public) = a.send(Method::GET, &answers_path, None, None).await;
    assert_eq!(public["items"], json!([]));

    // A's editor accepts: B hears it.
    let (status, decided) = a
        .send(
            Method::POST,
            &format!(
                "/api/v1/answers/{}/decision",
                received["id"].as_str().unwrap()
            ),
            Some(&a_token),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["state"], "accepted");
    eventually("B hears of the acceptance", async || {
        let (_, mine) = b
            .send(
                Method::GET,
                "/api/v1/territories/fablab/answers",
                Some(&b_token),
                None,
            )
            .await;
        mine["items"][0]["state"] == "accepted"
    })
    .await;

    // Both pages show the partnership.
    let call_page = page(&a, &format!("/calls/{need_id}")).await;
    assert!(call_page.contains("Fablab de Poitiers"), "{call_page}");
    let a_page = page(&a, "/t/ville").await;
    assert!(
        a_page.contains("Fablab de Poitiers") && a_page.contains("Besoin d&#x27;impression 3D"),
        "{a_page}"
    );
    let b_page = page(&b, "/t/fablab").await;
    assert!(
        b_page.contains("Besoin d&#x27;impression 3D") && b_page.contains("Ville apprenante"),
        "{b_page}"
    );
    let (_, partners) = b
        .send(
            Method::GET,
            "/api/v1/territories/fablab/partners",
            None,
            None,
        )
        .await;
    assert_eq!(partners["items"][0]["partner"]["name"], "Ville apprenante");
    assert_eq!(partners["items"][0]["call"]["id"], need_url);

    // In progress, then closed with an outcome, which B then shows.
    let (status, body) = a
        .send(
            Method::POST,
            &format!("/api/v1/calls/{need_id}/in-progress"),
            Some(&a_token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "in_progress");
    let (status, body) = a
        .send(
            Method::POST,
            &format!("/api/v1/calls/{need_id}/close"),
            Some(&a_token),
            Some(json!({"outcome": "Vingt pièces imprimées pour l'atelier."})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "closed");
    eventually("B shows the outcome", async || {
        let (_, partners) = b
            .send(
                Method::GET,
                "/api/v1/territories/fablab/partners",
                None,
                None,
            )
            .await;
        partners["items"][0]["call"]["status"] == "closed"
    })
    .await;
    let b_page = page(&b, "/t/fablab").await;
    assert!(
        b_page.contains("Vingt pièces imprimées pour l&#x27;atelier."),
        "{b_page}"
    );

    // A closed call takes no more answers, here or from elsewhere.
    let (status, refused) = a
        .send(
            Method::POST,
            &answers_path,
            None,
            Some(json!({"name": "Ana", "email": "ana@example.org", "message": "Trop tard ?"})),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["reason"], "call_closed");
}

common::on_both_backends!(a_need_on_a_answered_from_b_becomes_a_partnership =>
    a_need_on_a_answered_from_b_becomes_a_partnership_sqlite,
    a_need_on_a_answered_from_b_becomes_a_partnership_postgres);

#[tokio::test]
async fn visitors_answers_are_held_until_an_editor_accepts_them() {
    let (a, a_token) = node_with(Backend::Sqlite, "ville", "Ville apprenante")
        .await
        .unwrap();
    let call = publish_call(
        &a,
        &a_token,
        "ville",
        json!({"type": "partners", "title": "Partenaires pour la fête du quartier"}),
    )
    .await;
    let id = call["id"].as_str().unwrap();
    let path = format!("/api/v1/calls/{id}/answers");
    // A follower elsewhere must not hear of a held answer.
    let masto = FakeMastodon::start().await;
    let mut follow = masto.fixture("follow.json", &a.base, "");
    follow["object"] = json!(a.url("/t/ville"));
    let (status, text) = masto.post("alice", &a.url("/t/ville/inbox"), &follow).await;
    assert_eq!(status, 202, "{text}");
    masto.wait_for("Accept", |x| x["type"] == "Accept").await;
    let (status, held) = a
        .send(
            Method::POST,
            &path,
            None,
            Some(json!({"name": "Ana Martin", "email": "ana@example.org",
                        "message": "Je peux tenir un stand.", "offers": "Un barnum"})),
        )
        .await;
    assert_eq!(status, 201, "{held}");
    assert_eq!(held["state"], "pending");
    let (_, public) = a.send(Method::GET, &path, None, None).await;
    assert_eq!(public["items"], json!([]));
    let call_page = page(&a, &format!("/calls/{id}")).await;
    assert!(!call_page.contains("Ana Martin"), "{call_page}");
    // The same address again is refused; a bad address names its field.
    let (status, twice) = a
        .send(
            Method::POST,
            &path,
            None,
            Some(json!({"name": "Ana", "email": "ANA@example.org", "message": "Encore"})),
        )
        .await;
    assert_eq!(status, 409, "{twice}");
    assert_eq!(twice["reason"], "answered_twice");
    let (status, bad) = a
        .send(
            Method::POST,
            &path,
            None,
            Some(json!({"name": "Bo", "email": "bo at example", "message": "Salut"})),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["field"], "email");
    let (status, bad) = a
        .send(
            Method::POST,
            &path,
            None,
            Some(json!({"name": "Bo", "email": "bo@example.org", "message": "Salut", "extra": 1})),
        )
        .await;
    assert_eq!(status, 422, "{bad}");

    // The editor sees the address, accepts: the visitor is a partner, to be told by mail.
    let (_, all) = a.send(Method::GET, &path, Some(&a_token), None).await;
    assert_eq!(all["items"][0]["responder"]["email"], "ana@example.org");
    let answer_id = all["items"][0]["id"].as_str().unwrap().to_owned();
    let decide = |accept: bool| {
        let a = &a;
        let token = a_token.clone();
        let answer_id = answer_id.clone();
        async move {
            a.send(
                Method::POST,
                &format!("/api/v1/answers/{answer_id}/decision"),
                Some(&token),
                Some(json!({"accept": accept})),
            )
            .await
        }
    };
    let (status, accepted) = decide(true).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["tell_by_mail"], true);
    let (status, again) = decide(false).await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["reason"], "already_decided");
    let (_, public) = a.send(Method::GET, &path, None, None).await;
    assert_eq!(public["items"][0]["responder"]["name"], "Ana Martin");
    assert!(public["items"][0]["responder"].get("email").is_none());
    assert!(
        page(&a, &format!("/calls/{id}"))
            .await
            .contains("Ana Martin")
    );
    // Nothing of it went to the follower.
    assert_eq!(
        masto.received_count(|activity| activity.to_string().contains("Ana Martin")),
        0
    );
}

#[tokio::test]
async fn refusals_store_nothing() {
    let (a, a_token) = node_with(Backend::Sqlite, "ville", "Ville apprenante")
        .await
        .unwrap();
    let other = a.member("autre", false).await;
    publish_call(&a, &a_token, "ville", json!({"type": "need", "title": "x"})).await;
    let (_, fablab) = a
        .send(
            Method::POST,
            "/api/v1/territories",
            Some(&a_token),
            Some(
                json!({"slug": "fablab", "name": "Fablab", "kind": "fablab", "languages": ["fr"],
                        "place": {"address": "Poitiers"}}),
            ),
        )
        .await;
    assert_eq!(fablab["slug"], "fablab");
    let open = publish_call(
        &a,
        &a_token,
        "ville",
        json!({"type": "need", "title": "Ouvert"}),
    )
    .await;
    let past = publish_call(
        &a,
        &a_token,
        "ville",
        json!({"type": "need", "title": "Passé", "deadline": "2020-01-01"}),
    )
    .await;
    let answer = |call: &Value, token: Option<String>, body: Value| {
        let a = &a;
        let path = format!("/api/v1/calls/{}/answers", call["id"].as_str().unwrap());
        async move {
            a.send(Method::POST, &path, token.as_deref(), Some(body))
                .await
        }
    };
    let as_fablab = json!({"territory": "fablab", "message": "Présent"});
    // Past its deadline.
    let (status, body) = answer(&past, Some(a_token.clone()), as_fablab.clone()).await;
    assert_eq!(
        (status, body["reason"].clone()),
        (409, json!("past_deadline")),
        "{body}"
    );
    // On behalf of a territory one does not edit, or without logging in.
    let (status, body) = answer(&open, Some(other.clone()), as_fablab.clone()).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = answer(&open, None, as_fablab.clone()).await;
    assert_eq!(status, 403, "{body}");
    // A territory answering its own call.
    let (status, body) = answer(
        &open,
        Some(a_token.clone()),
        json!({"territory": "ville", "message": "Moi"}),
    )
    .await;
    assert_eq!(
        (status, body["reason"].clone()),
        (409, json!("own_call")),
        "{body}"
    );
    // An empty message names its field.
    let (status, body) = answer(
        &open,
        Some(a_token.clone()),
        json!({"territory": "fablab", "message": " "}),
    )
    .await;
    assert_eq!(
        (status, body["field"].clone()),
        (422, json!("message")),
        "{body}"
    );
    // None of these was stored.
    let (_, all) = a
        .send(
            Method::GET,
            &format!("/api/v1/calls/{}/answers", open["id"].as_str().unwrap()),
            Some(&a_token),
            None,
        )
        .await;
    assert_eq!(all["items"], json!([]));
    // An editor answers for the fablab once; a call elsewhere we do not know is not found.
    let (status, body) = answer(&open, Some(a_token.clone()), as_fablab.clone()).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = answer(&open, Some(a_token.clone()), as_fablab).await;
    assert_eq!(
        (status, body["reason"].clone()),
        (409, json!("answered_twice")),
        "{body}"
    );
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/network/answers",
            Some(&a_token),
            Some(json!({"call": "http://localhost:1/calls/unknown", "territory": "fablab", "message": "?"})),
        )
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn forged_offers_and_accepts_from_other_servers_are_refused() {
    let (a, a_token) = node_with(Backend::Sqlite, "ville", "Ville apprenante")
        .await
        .unwrap();
    let call = publish_call(
        &a,
        &a_token,
        "ville",
        json!({"type": "need", "title": "Besoin"}),
    )
    .await;
    let call_url = call["url"].as_str().unwrap().to_owned();
    let call_id = call["id"].as_str().unwrap().to_owned();
    let masto = FakeMastodon::start().await;
    let actor = masto.actor_id("alice");
    let offer = |id: &str, note: Value, target: &str| {
        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}{id}", masto.base()),
               "type": "Offer", "actor": actor, "object": note, "target": target,
               "to": [a.url("/t/ville")]})
    };
    let note = |id: String, author: &str, reply_to: &str| {
        json!({"id": id, "type": "Note", "attributedTo": author, "content": "<p>Aide</p>",
               "inReplyTo": reply_to, "to": [a.url("/t/ville")]})
    };
    let inbox = a.url("/t/ville/inbox");
    // A Note attributed to someone else, a Note on another host, a call not ours.
    for (name, activity) in [
        (
            "attributed to another",
            offer(
                "/offers/1",
                note(
                    format!("{}/notes/1", masto.base()),
                    "https://else.example/u/x",
                    &call_url,
                ),
                &call_url,
            ),
        ),
        (
            "note on another host",
            offer(
                "/offers/2",
                note("https://else.example/notes/2".into(), &actor, &call_url),
                &call_url,
            ),
        ),
        (
            "call not ours",
            offer(
                "/offers/3",
                note(
                    format!("{}/notes/3", masto.base()),
                    &actor,
                    "https://else.example/calls/1",
                ),
                "https://else.example/calls/1",
            ),
        ),
    ] {
        let (status, text) = masto.post("alice", &inbox, &activity).await;
        assert_eq!(status, 403, "{name}: {text}");
    }
    let (_, all) = a
        .send(
            Method::GET,
            &format!("/api/v1/calls/{call_id}/answers"),
            Some(&a_token),
            None,
        )
        .await;
    assert_eq!(all["items"], json!([]));
    // A genuine one is stored, pending.
    let genuine = offer(
        "/offers/4",
        note(format!("{}/notes/4", masto.base()), &actor, &call_url),
        &call_url,
    );
    let (status, text) = masto.post("alice", &inbox, &genuine).await;
    assert_eq!(status, 202, "{text}");
    let (_, all) = a
        .send(
            Method::GET,
            &format!("/api/v1/calls/{call_id}/answers"),
            Some(&a_token),
            None,
        )
        .await;
    assert_eq!(all["items"][0]["message"], "Aide", "{all}");
    assert_eq!(all["items"][0]["state"], "pending");
    // An Accept of an Offer that is not ours, or not from the call's territory: refused.
    let accept = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/accepts/1", masto.base()),
        "type": "Accept", "actor": actor, "object": {"id": format!("{}/offers/4", masto.base()), "type": "Offer", "actor": actor},
        "to": [a.url("/t/ville")]});
    let (status, text) = masto.post("alice", &inbox, &accept).await;
    assert_eq!(status, 403, "{text}");
    let unknown = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/accepts/2", masto.base()),
        "type": "Accept", "actor": actor, "object": {"id": a.url("/activities/nothing"), "type": "Offer"},
        "to": [a.url("/t/ville")]});
    let (status, text) = masto.post("alice", &inbox, &unknown).await;
    assert_eq!(status, 404, "{text}");
    let (_, all) = a
        .send(
            Method::GET,
            &format!("/api/v1/calls/{call_id}/answers"),
            Some(&a_token),
            None,
        )
        .await;
    assert_eq!(all["items"][0]["state"], "pending");

    // A Mastodon user's plain reply to the call stays a comment, not an answer.
    let mut reply = masto.fixture("create_note.json", &a.base, "");
    reply["object"]["inReplyTo"] = json!(call_url);
    let (status, text) = masto.post("alice", &inbox, &reply).await;
    assert_eq!(status, 202, "{text}");
    let (_, comments) = a
        .send(
            Method::GET,
            &format!("/api/v1/calls/{call_id}/comments"),
            None,
            None,
        )
        .await;
    assert_eq!(
        comments["items"].as_array().map(Vec::len),
        Some(1),
        "{comments}"
    );
    let (_, all) = a
        .send(
            Method::GET,
            &format!("/api/v1/calls/{call_id}/answers"),
            Some(&a_token),
            None,
        )
        .await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(1));
}

/// The activities answers travel in, as a Mastodon-shaped peer receives them, kept with
/// the other golden files (`federation::golden`).
#[tokio::test]
async fn golden_files_hold_the_activities_of_answers() {
    let (node, token) = node_with(Backend::Sqlite, "fablab", "Fablab de Poitiers")
        .await
        .unwrap();
    let masto = FakeMastodon::start().await;
    let alice = masto.actor_id("alice");
    // A call elsewhere, as this node keeps a copy of what it follows.
    let call_id = format!("{}/calls/1", masto.base());
    let now = rhizome_node::now();
    node.store
        .upsert_remote_publication(&rhizome_node::network::RemotePublication {
            id: call_id.clone(),
            actor_id: alice.clone(),
            kind: rhizome_node::PublicationKind::Call,
            title: "Cherche imprimante".into(),
            starts_at: None,
            ends_at: None,
            object: json!({"id": call_id, "type": "Page", "name": "Cherche imprimante",
                           "attributedTo": alice, "callStatus": "open"}),
            published: now,
            updated: now,
            deleted_at: None,
            facts: Default::default(),
        })
        .await
        .unwrap();
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/network/answers",
            Some(&token),
            Some(json!({"call": call_id, "territory": "fablab", "message": "Nous avons une imprimante.\n\nÀ prêter.",
                        "offers": "Une imprimante 3D", "contact": "05 49 00 00 00"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mut docs = vec![(
        "offer",
        masto.wait_for("Offer", |a| a["type"] == "Offer").await,
    )];

    // Answers from elsewhere to a call here, accepted and declined.
    let call = publish_call(
        &node,
        &token,
        "fablab",
        json!({"type": "need", "title": "Besoin"}),
    )
    .await;
    let call_url = call["url"].as_str().unwrap();
    let inbox = node.url("/t/fablab/inbox");
    for name in ["alice", "bob"] {
        let actor = masto.actor_id(name);
        let offer = json!({"@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/offers/{name}", masto.base()), "type": "Offer", "actor": actor,
            "target": call_url, "to": [node.url("/t/fablab")],
            "object": {"id": format!("{}/notes/{name}", masto.base()), "type": "Note", "attributedTo": actor,
                       "content": "<p>Présent</p>", "inReplyTo": call_url}});
        let (status, text) = masto.post(name, &inbox, &offer).await;
        assert_eq!(status, 202, "{text}");
    }
    let (_, answers) = node
        .send(
            Method::GET,
            &format!("/api/v1/calls/{}/answers", call["id"].as_str().unwrap()),
            Some(&token),
            None,
        )
        .await;
    for (answer, accept) in answers["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip([true, false])
    {
        let (status, body) = node
            .send(
                Method::POST,
                &format!(
                    "/api/v1/answers/{}/decision",
                    answer["id"].as_str().unwrap()
                ),
                Some(&token),
                Some(json!({"accept": accept})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    docs.push((
        "accept-offer",
        masto
            .wait_for("Accept{Offer}", |a| {
                a["type"] == "Accept" && a["object"]["type"] == "Offer"
            })
            .await,
    ));
    docs.push((
        "reject-offer",
        masto
            .wait_for("Reject{Offer}", |a| {
                a["type"] == "Reject" && a["object"]["type"] == "Offer"
            })
            .await,
    ));
    let differences: Vec<String> = docs
        .iter()
        .filter_map(|(name, doc)| crate::federation::golden(name, doc, &node, &masto))
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

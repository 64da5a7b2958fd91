//! Object integrity proofs (FEP-8b32) on the wire: a territory's events carry its
//! Ed25519 proof, a hub relays them embedded, and the receiver keeps what verifies
//! without a GET to the origin, and fetches from the origin what does not (a tampered
//! copy or one without a proof), never storing the hub's copy.

use crate::common;

use common::mastodon::FakeMastodon;
use common::{Backend, Node};
use reqwest::Method;
use rhizome_federation::Stats;
use rhizome_node::network::{Following, Scope};
use rhizome_node::social::FollowState;
use serde_json::{Value, json};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

async fn start(backend: Backend, slug: &str, name: &str, hub: bool) -> Option<(Node, String)> {
    Node::configured_with_territory(
        backend,
        |c| c.hub = hub,
        json!({"slug": slug, "name": name, "kind": "tiers_lieu"}),
    )
    .await
}

async fn publish(node: &Node, token: &str, slug: &str, title: &str) -> Value {
    let (status, body) = node
        .send(Method::POST, &format!("/api/v1/territories/{slug}/events"), Some(token),
              Some(json!({"title": title, "starts_at": "2031-04-01T10:00", "ends_at": "2031-04-01T12:00", "place": {"name": "Salle"}})))
        .await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn subscribe(node: &Node, token: &str, to: &Node) {
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/network/subscriptions",
            Some(token),
            Some(json!({"node": to.host()})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
}

async fn accepted(node: &Node, token: &str, subscriptions: usize) {
    common::eventually("subscriptions accepted", async || {
        let (_, body) = node
            .send(
                Method::GET,
                "/api/v1/network/subscriptions",
                Some(token),
                None,
            )
            .await;
        body["following"]
            .as_array()
            .is_some_and(|f| f.len() == subscriptions && f.iter().all(|s| s["state"] == "accepted"))
    })
    .await;
}

async fn network_titles(node: &Node) -> Vec<String> {
    let (_, body) = node
        .send(Method::GET, "/api/v1/network/events", None, None)
        .await;
    body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["title"].as_str().map(str::to_owned))
        .collect()
}

fn counter(node: &Node, which: fn(&Stats) -> &std::sync::atomic::AtomicU64) -> u64 {
    Stats::get(which(&node.federation().stats))
}

/// Waits until the node has made no fetch for a while (its subscriptions' backfills done).
async fn quiet(node: &Node) {
    let mut last = counter(node, |s| &s.fetches);
    let mut calm = 0;
    while calm < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let now = counter(node, |s| &s.fetches);
        calm = if now == last { calm + 1 } else { 0 };
        last = now;
    }
}

/// (a) Origin, hub and receiver, three real nodes: the hub's Announce embeds the origin's
/// proofed object and the receiver keeps it with no request to the origin.
async fn a_proofed_event_crosses_a_hub_without_a_fetch(backend: Backend) {
    let Some((h, h_token)) = start(backend, "reseau", "Réseau", true).await else {
        return;
    };
    let (x, x_token) = start(backend, "fablab", "Fablab X", false).await.unwrap();
    let (y, y_token) = start(backend, "ville", "Ville Y", false).await.unwrap();
    subscribe(&x, &x_token, &h).await;
    subscribe(&y, &y_token, &h).await;
    accepted(&x, &x_token, 1).await;
    accepted(&y, &y_token, 1).await;
    accepted(&h, &h_token, 2).await;
    // The receiver knows the author already (its actor document is cached for a day).
    let author = y
        .federation()
        .actor(&x.url("/t/fablab"), false)
        .await
        .unwrap();
    assert_eq!(author.assertion_keys.len(), 1, "{author:?}");
    assert!(author.assertion_keys[0].multibase.starts_with("z6Mk"));
    quiet(&y).await;
    let fetches = counter(&y, |s| &s.fetches);

    publish(&x, &x_token, "fablab", "Atelier de X").await;
    common::eventually("relayed by the hub", async || {
        network_titles(&y).await == ["Atelier de X"]
    })
    .await;
    assert_eq!(counter(&y, |s| &s.relayed_verified), 1);
    assert_eq!(counter(&y, |s| &s.relayed_unverified), 0);
    assert_eq!(
        counter(&y, |s| &s.fetches) - fetches,
        0,
        "the receiver fetched something from the origin"
    );
}

#[tokio::test]
async fn a_proofed_event_crosses_a_hub_without_a_fetch_sqlite() {
    a_proofed_event_crosses_a_hub_without_a_fetch(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_proofed_event_crosses_a_hub_without_a_fetch_postgres() {
    a_proofed_event_crosses_a_hub_without_a_fetch(Backend::Postgres).await;
}

/// An origin node whose territory a fake hub follows, and a receiver subscribed to that
/// hub: the hub relays what the test makes of the origin's proofed objects.
struct Relay {
    origin: Node,
    token: String,
    receiver: Node,
    hub: FakeMastodon,
}

impl Relay {
    async fn start(backend: Backend) -> Option<Relay> {
        let (origin, token) = start(backend, "fablab", "Fablab X", false).await?;
        let (receiver, _) = start(backend, "ville", "Ville Y", false).await.unwrap();
        let hub = FakeMastodon::start().await;
        let instance = hub.actor_id("instance");
        let follow = json!({"id": format!("{}/follows/hub", hub.base()), "type": "Follow",
                            "actor": instance, "object": origin.url("/t/fablab")});
        let (status, body) = hub
            .post("instance", &origin.url("/t/fablab/inbox"), &follow)
            .await;
        assert_eq!(status, 202, "{body}");
        hub.wait_for("Accept", |a| a["type"] == "Accept").await;
        receiver
            .store
            .upsert_node_subscription(
                &Following {
                    territory_id: uuid::Uuid::nil(),
                    target_id: instance.clone(),
                    state: FollowState::Accepted,
                    follow_activity_id: format!("{}/follows/receiver", receiver.base),
                    scope: Scope::default(),
                    created_at: rhizome_node::now(),
                },
                false,
                None,
            )
            .await
            .unwrap();
        // The receiver knows the hub and the author: only the object could be fetched.
        receiver.federation().actor(&instance, false).await.unwrap();
        receiver
            .federation()
            .actor(&origin.url("/t/fablab"), false)
            .await
            .unwrap();
        Some(Relay {
            origin,
            token,
            receiver,
            hub,
        })
    }

    /// Publishes at the origin; the object of its `Create` as the hub received it.
    async fn published(&self, title: &str) -> Value {
        let created = publish(&self.origin, &self.token, "fablab", title).await;
        let create = self
            .hub
            .wait_for("Create", |a| {
                a["type"] == "Create" && a["object"]["id"] == created["url"]
            })
            .await;
        let object = create["object"].clone();
        assert_eq!(object["proof"]["type"], "DataIntegrityProof", "{object}");
        assert_eq!(object["proof"]["cryptosuite"], "eddsa-jcs-2022");
        assert_eq!(
            object["proof"]["verificationMethod"],
            self.origin.url("/t/fablab#ed25519-key")
        );
        object
    }

    /// The hub announces `object` to the receiver.
    async fn relay(&self, object: &Value, n: usize) {
        let announce = json!({"@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/announces/{n}", self.hub.base()), "type": "Announce",
            "actor": self.hub.actor_id("instance"), "object": object, "to": [PUBLIC]});
        let (status, body) = self
            .hub
            .post("instance", &self.receiver.url("/inbox"), &announce)
            .await;
        assert_eq!(status, 202, "{body}");
    }

    fn fetches(&self) -> u64 {
        counter(&self.receiver, |s| &s.fetches)
    }
}

/// (b) The hub changes the title and keeps the proof: the receiver finds the proof
/// broken, fetches the event from its origin and stores the origin's title.
/// (c) Without a proof: fetched from the origin, as before proofs.
async fn a_broken_or_missing_proof_is_fetched_from_the_origin(backend: Backend) {
    let Some(relay) = Relay::start(backend).await else {
        return;
    };
    let mut tampered = relay.published("Atelier de X").await;
    tampered["name"] = "Atelier annulé (faux)".into();
    let fetches = relay.fetches();
    relay.relay(&tampered, 1).await;
    common::eventually("the origin's copy kept", async || {
        network_titles(&relay.receiver).await == ["Atelier de X"]
    })
    .await;
    assert_eq!(counter(&relay.receiver, |s| &s.relayed_unverified), 1);
    assert_eq!(counter(&relay.receiver, |s| &s.relayed_verified), 0);
    assert_eq!(relay.fetches() - fetches, 1, "one GET, of the object");

    let mut bare = relay.published("Repair café").await;
    bare.as_object_mut().unwrap().remove("proof");
    let fetches = relay.fetches();
    relay.relay(&bare, 2).await;
    common::eventually("fetched without a proof", async || {
        network_titles(&relay.receiver)
            .await
            .contains(&"Repair café".to_owned())
    })
    .await;
    assert_eq!(counter(&relay.receiver, |s| &s.relayed_unverified), 2);
    assert_eq!(relay.fetches() - fetches, 1, "one GET, of the object");

    // The same hub passing an intact object on: kept with no GET at all.
    let intact = relay.published("Forum").await;
    let fetches = relay.fetches();
    relay.relay(&intact, 3).await;
    common::eventually("kept as relayed", async || {
        network_titles(&relay.receiver)
            .await
            .contains(&"Forum".to_owned())
    })
    .await;
    assert_eq!(counter(&relay.receiver, |s| &s.relayed_verified), 1);
    assert_eq!(relay.fetches() - fetches, 0);
}

#[tokio::test]
async fn a_broken_or_missing_proof_is_fetched_from_the_origin_sqlite() {
    a_broken_or_missing_proof_is_fetched_from_the_origin(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_broken_or_missing_proof_is_fetched_from_the_origin_postgres() {
    a_broken_or_missing_proof_is_fetched_from_the_origin(Backend::Postgres).await;
}

/// An actor document is fetched without a signature, and signed only when its server
/// asks (authorized fetch answers `401`): one signature saved per first contact with a
/// server that serves actors openly.
#[tokio::test]
async fn actor_documents_are_fetched_unsigned_unless_the_server_asks() {
    let (open, _) = start(Backend::Sqlite, "fablab", "Fablab", false)
        .await
        .unwrap();
    let (closed, _) = Node::configured_with_territory(
        Backend::Sqlite,
        |c| c.authorized_fetch = true,
        json!({"slug": "lab", "name": "Lab", "kind": "fablab"}),
    )
    .await
    .unwrap();
    let (reader, _) = start(Backend::Sqlite, "ville", "Ville", false)
        .await
        .unwrap();
    let fed = reader.federation();
    let (signatures, fetches) = (
        counter(&reader, |s| &s.signatures),
        counter(&reader, |s| &s.fetches),
    );
    let actor = fed.actor(&open.url("/t/fablab"), true).await.unwrap();
    assert_eq!(actor.assertion_keys.len(), 1);
    assert_eq!(counter(&reader, |s| &s.signatures) - signatures, 0);
    assert_eq!(counter(&reader, |s| &s.fetches) - fetches, 1);

    let actor = fed.actor(&closed.url("/t/lab"), true).await.unwrap();
    assert_eq!(actor.id, closed.url("/t/lab"));
    assert_eq!(counter(&reader, |s| &s.signatures) - signatures, 1);
    assert_eq!(counter(&reader, |s| &s.fetches) - fetches, 3);
}

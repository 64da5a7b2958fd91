//! Allow-list mode ("closed networks") over real HTTP: a node that federates only with the
//! servers it lists accepts a listed Rhizome node's follow and delivers to it, refuses an
//! unlisted Mastodon-shaped server's Follow (403, nothing stored), delivers nothing to it
//! (its deliveries are dropped, not kept waiting), fetches nothing from it and refuses to
//! look it up; an admin's `allow` opens the door, as the configuration does.

use reqwest::Method;
use serde_json::json;

use crate::common::mastodon::FakeMastodon;
use crate::common::{Backend, Node, eventually, on_both_backends};

async fn only_listed_servers_federate(backend: Backend) {
    let Some((listed, listed_token)) = Node::with_territory(
        backend,
        json!({"slug": "ville", "name": "Ville apprenante", "kind": "learning_city"}),
    )
    .await
    else {
        return;
    };
    let listed_host = listed.host();
    let (closed, closed_token) = Node::configured_with_territory(
        backend,
        |c| {
            c.federation_mode = rhizome_node::config::FederationMode::Allowlist;
            c.allowed_domains = vec![listed_host.clone()];
        },
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .await
    .unwrap();
    let masto = FakeMastodon::start().await;
    let inbox = closed.url("/t/fablab/inbox");

    // The unlisted server's Follow: refused, said so, nothing stored.
    let follow = masto.fixture("follow.json", &closed.base, "");
    let (status, body) = masto.post("alice", &inbox, &follow).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("blocked"), "{body}");
    let fablab = closed.stored_territory("fablab").await;
    assert!(
        closed
            .store
            .followers(fablab.id, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );

    // The listed node's territory follows: accepted, and the Accept delivered to it.
    let (status, body) = listed
        .send(
            Method::POST,
            "/api/v1/territories/ville/following",
            Some(&listed_token),
            Some(json!({"target": closed.url("/t/fablab")})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    eventually("the listed node's follow accepted", async || {
        let (_, following) = listed
            .send(
                Method::GET,
                "/api/v1/territories/ville/following",
                Some(&listed_token),
                None,
            )
            .await;
        following["items"][0]["state"] == "accepted"
    })
    .await;
    let followers = closed.store.followers(fablab.id, 10, 0).await.unwrap();
    assert_eq!(followers.len(), 1);
    assert_eq!(followers[0].actor_id, listed.url("/t/ville"));

    // Something addressed to the unlisted server is dropped unsent, not kept waiting.
    let id = uuid::Uuid::now_v7();
    closed
        .store
        .enqueue(&rhizome_node::outbox::Outgoing {
            id,
            activity_id: closed.url(&format!("/activities/{id}")),
            sender: fablab.id,
            body: json!({"id": closed.url(&format!("/activities/{id}")), "type": "Update",
                         "actor": closed.url("/t/fablab")}),
            recipients: rhizome_node::outbox::Recipients::Inboxes(vec![format!(
                "{}/users/alice/inbox",
                masto.base()
            )]),
            public: false,
        })
        .await
        .unwrap();
    closed.federation().wake_delivery();
    eventually("the delivery to the unlisted server dropped", async || {
        closed.store.pending_deliveries().await.unwrap() == 0
    })
    .await;
    assert_eq!(masto.received_count(|_| true), 0, "nothing reached it");

    // No fetch of its actors, no lookup of its accounts.
    assert!(matches!(
        closed
            .federation()
            .fetch_json(&masto.actor_id("alice"))
            .await,
        Err(rhizome_federation::fetch::FetchError::Blocked(_))
    ));
    assert_eq!(masto.actor_fetches("alice"), 0);
    let (status, body) = closed
        .send(
            Method::POST,
            "/api/v1/territories/fablab/following",
            Some(&closed_token),
            Some(json!({"target": format!("@alice@{}", masto.host())})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "target", "{body}");

    // An admin allows it (`rhizome federation allow`): its Follow is accepted now.
    closed.store.allow_domain(masto.host()).await.unwrap();
    closed.federation_blocks_changed().await;
    let (status, body) = masto.post("alice", &inbox, &follow).await;
    assert_eq!(status, 202, "{body}");
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;
    // A block still wins over the allow-list.
    closed
        .store
        .block_domain(masto.host(), "changed our mind")
        .await
        .unwrap();
    closed.federation_blocks_changed().await;
    assert!(closed.federation().is_blocked(masto.host()).await);
    assert!(!closed.federation().is_blocked(&listed_host).await);
}

on_both_backends!(only_listed_servers_federate => only_listed_servers_federate_sqlite, only_listed_servers_federate_postgres);

#[test]
fn the_allow_list_is_kept_with_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = crate::common::rhizome(dir.path(), args)
            .env("RHIZOME_ALLOWED_DOMAINS", "[\"configured.example\"]")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(&["federation", "allow", "https://Partner.example/"]);
    assert!(ok, "{err}");
    assert!(out.contains("allowed partner.example"), "{out}");
    let (ok, out, _) = run(&["federation", "allowed"]);
    assert!(ok);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec!["partner.example", "configured.example\t(configuration)"]
    );
    let (ok, _, _) = run(&["federation", "disallow", "partner.example"]);
    assert!(ok);
    let (ok, _, err) = run(&["federation", "disallow", "partner.example"]);
    assert!(!ok && err.contains("was not allowed"), "{err}");
    let (ok, _, err) = run(&["federation", "allow", "not a domain"]);
    assert!(!ok && err.contains("not a domain"), "{err}");
}

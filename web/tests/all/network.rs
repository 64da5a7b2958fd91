//! Territories on different nodes following each other over real HTTP: follow by handle,
//! backfill of what was published before, live Create/Update/Delete afterwards, scoped
//! subscriptions, unfollow, and the directory.

use crate::common;

use std::time::Duration;

use common::{Backend, Node};
use reqwest::Method;
use serde_json::{Value, json};

async fn node_with(slug: &str, name: &str) -> (Node, String) {
    let (node, token) = Node::with_territory(
        Backend::Sqlite,
        json!({"slug": slug, "name": name, "kind": "tiers_lieu", "languages": ["fr"],
                          "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await
    .unwrap();
    (node, token)
}

async fn publish(node: &Node, token: &str, collection: &str, body: Value) -> Value {
    let (status, created) = node
        .send(
            Method::POST,
            &format!("/api/v1/territories/fablab/{collection}"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created
}

fn event(title: &str, day: u32, theme: &str) -> Value {
    json!({"title": title, "starts_at": format!("2031-03-{day:02}T18:00"), "ends_at": format!("2031-03-{day:02}T20:00"),
           "place": {"name": "Fablab", "latitude": 46.58, "longitude": 0.34}, "themes": [theme]})
}

/// Polls a node's network view until `pred` holds (20 s at most).
async fn wait_for(
    node: &Node,
    path: &str,
    what: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, body) = node.send(Method::GET, path, None, None).await;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        if pred(&items) {
            return items;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: last seen {items:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn titles(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|i| i["title"].as_str()).collect()
}

#[tokio::test]
async fn territories_follow_each_other_across_nodes_with_history() {
    let (a, a_token) = node_with("fablab", "Fablab de Poitiers").await;
    let a_domain = a.base.trim_start_matches("http://").to_owned();
    // Published before anyone follows: backfill must bring these.
    publish(
        &a,
        &a_token,
        "events",
        event("Atelier climat", 3, "climate"),
    )
    .await;
    publish(&a, &a_token, "events", event("Soirée contes", 5, "culture")).await;
    publish(
        &a,
        &a_token,
        "resources",
        json!({"title": "Guide du compost", "type": "guide", "themes": ["climate"]}),
    )
    .await;

    // Node B follows the fablab by its handle, everything.
    let (b, b_token) = node_with("ville", "Ville apprenante").await;
    let (status, body) = b
        .send(
            Method::POST,
            "/api/v1/territories/ville/following",
            Some(&b_token),
            Some(json!({"target": format!("@fablab@{a_domain}")})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["target"], a.url("/t/fablab"));
    let agenda = wait_for(&b, "/api/v1/network/events", "backfilled events", |items| {
        items.len() == 2
    })
    .await;
    assert_eq!(titles(&agenda), vec!["Atelier climat", "Soirée contes"]);
    assert_eq!(agenda[0]["origin"]["name"], "Fablab de Poitiers");
    assert_eq!(agenda[0]["origin"]["node"], a_domain);
    assert_eq!(agenda[0]["origin"]["local"], false);
    assert!(
        agenda[0]["summary"]
            .as_str()
            .unwrap()
            .contains("lundi 3 mars 2031"),
        "{}",
        agenda[0]["summary"]
    );
    let library = wait_for(
        &b,
        "/api/v1/network/resources",
        "backfilled resource",
        |items| items.len() == 1,
    )
    .await;
    assert_eq!(titles(&library), vec!["Guide du compost"]);
    let (_, following) = b
        .send(
            Method::GET,
            "/api/v1/territories/ville/following",
            Some(&b_token),
            None,
        )
        .await;
    assert_eq!(following["items"][0]["state"], "accepted");

    // Node C follows with a scope: climate events only.
    let (c, c_token) = node_with("quartier", "Quartier").await;
    let scope = json!({"kinds": ["event"], "themes": ["climate"], "near": {"latitude": 46.6, "longitude": 0.3, "km": 30}});
    let (status, body) = c
        .send(
            Method::POST,
            "/api/v1/territories/quartier/following",
            Some(&c_token),
            Some(json!({"target": a.url("/t/fablab"), "scope": scope})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let scoped = wait_for(&c, "/api/v1/network/events", "scoped backfill", |items| {
        !items.is_empty()
    })
    .await;
    assert_eq!(titles(&scoped), vec!["Atelier climat"]);

    // Live: a new event, an edit, a deletion.
    let fresh = publish(&a, &a_token, "events", event("Repair café", 4, "climate")).await;
    let agenda = wait_for(&b, "/api/v1/network/events", "live Create", |items| {
        items.len() == 3
    })
    .await;
    assert_eq!(
        titles(&agenda),
        vec!["Atelier climat", "Repair café", "Soirée contes"]
    );
    wait_for(
        &c,
        "/api/v1/network/events",
        "live Create within scope",
        |items| items.len() == 2,
    )
    .await;
    // The sender filters for a Rhizome follower with a scope: a culture event is delivered
    // to B (no scope) and not sent to C at all.
    use rhizome_federation::Stats;
    let sent = || Stats::get(&a.federation().stats.delivered);
    let before = sent();
    let concert = publish(&a, &a_token, "events", event("Concert", 6, "culture")).await;
    wait_for(
        &b,
        "/api/v1/network/events",
        "culture event at B",
        |items| titles(items).contains(&"Concert"),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sent() - before,
        1,
        "one delivery (B); C's scope excludes it"
    );
    let concert_path = format!("/api/v1/events/{}", concert["id"].as_str().unwrap());
    assert_eq!(
        a.send(Method::DELETE, &concert_path, Some(&a_token), None)
            .await
            .0,
        204
    );
    wait_for(
        &b,
        "/api/v1/network/events",
        "culture event gone at B",
        |items| !titles(items).contains(&"Concert"),
    )
    .await;
    let fresh_path = format!("/api/v1/events/{}", fresh["id"].as_str().unwrap());
    let (status, _) = a
        .send(
            Method::PATCH,
            &fresh_path,
            Some(&a_token),
            Some(json!({"title": "Repair café de printemps"})),
        )
        .await;
    assert_eq!(status, 200);
    wait_for(&b, "/api/v1/network/events", "live Update", |items| {
        titles(items).contains(&"Repair café de printemps")
    })
    .await;
    let (status, _) = a
        .send(Method::DELETE, &fresh_path, Some(&a_token), None)
        .await;
    assert_eq!(status, 204);
    wait_for(&b, "/api/v1/network/events", "live Delete", |items| {
        items.len() == 2
    })
    .await;

    // Network filters: theme, distance, and local publications alongside.
    let (_, climate) = b
        .send(
            Method::GET,
            "/api/v1/network/events?theme=climate",
            None,
            None,
        )
        .await;
    assert_eq!(
        titles(climate["items"].as_array().unwrap()),
        vec!["Atelier climat"]
    );
    let (_, found) = b
        .send(
            Method::GET,
            "/api/v1/network/events?q=CLIMAT%20atelier",
            None,
            None,
        )
        .await;
    assert_eq!(
        titles(found["items"].as_array().unwrap()),
        vec!["Atelier climat"]
    );
    let (_, dated) = b
        .send(
            Method::GET,
            "/api/v1/network/events?from=2031-03-04&to=2031-03-05",
            None,
            None,
        )
        .await;
    assert_eq!(
        titles(dated["items"].as_array().unwrap()),
        vec!["Soirée contes"]
    );
    let (_, theirs) = b
        .send(
            Method::GET,
            &format!("/api/v1/network/events?territory=@fablab@{a_domain}"),
            None,
            None,
        )
        .await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 2);
    let (status, _) = b
        .send(
            Method::GET,
            "/api/v1/network/events?from=yesterday",
            None,
            None,
        )
        .await;
    assert_eq!(status, 400);
    let (_, far) = b
        .send(
            Method::GET,
            "/api/v1/network/events?near=48.86,2.35,50",
            None,
            None,
        )
        .await;
    assert!(
        far["items"].as_array().unwrap().is_empty(),
        "nothing within 50 km of Paris"
    );
    let (status, own) = b
        .send(
            Method::POST,
            "/api/v1/territories/ville/events",
            Some(&b_token),
            Some(event("Conseil de quartier", 4, "urban_life")),
        )
        .await;
    assert_eq!(status, 201, "{own}");
    let agenda = wait_for(&b, "/api/v1/network/events", "local and remote", |items| {
        items.len() == 3
    })
    .await;
    assert_eq!(
        titles(&agenda),
        vec!["Atelier climat", "Conseil de quartier", "Soirée contes"]
    );
    assert_eq!(agenda[1]["origin"]["local"], true);

    // Unfollow: the fablab loses a follower.
    let followers = |n: &Node| {
        let url = n.url("/t/fablab/followers");
        let http = n.http.clone();
        async move {
            http.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()["totalItems"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(followers(&a).await, 2);
    let (status, _) = b
        .send(
            Method::DELETE,
            &format!(
                "/api/v1/territories/ville/following?target={}",
                a.url("/t/fablab")
            ),
            Some(&b_token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    common::eventually("Undo{Follow} arriving", async || followers(&a).await == 1).await;

    // The directory, as JSON and in NodeInfo.
    let directory: Value = a.get_json("/directory").await;
    let fablab = &directory["territories"][0];
    assert_eq!(fablab["handle"], format!("@fablab@{a_domain}"));
    assert_eq!(fablab["kind"], "tiers_lieu");
    assert_eq!(fablab["place"]["latitude"], 46.58);
    assert_eq!(fablab["counts"]["upcoming_events"], 2);
    assert_eq!(fablab["counts"]["resources"], 1);
    let nodeinfo: Value = a.get_json("/nodeinfo/2.1").await;
    assert_eq!(
        nodeinfo["metadata"]["territories"][0]["name"],
        "Fablab de Poitiers"
    );
}

#[tokio::test]
async fn bad_follow_targets_are_refused_with_a_reason() {
    let (b, token) = node_with("ville", "Ville apprenante").await;
    let domain = b.base.trim_start_matches("http://").to_owned();
    for target in [
        format!("@ville@{domain}"),
        "not a handle".to_owned(),
        "@nobody@localhost:1".to_owned(),
    ] {
        let (status, body) = b
            .send(
                Method::POST,
                "/api/v1/territories/ville/following",
                Some(&token),
                Some(json!({"target": target})),
            )
            .await;
        assert_eq!(status, 422, "{target}: {body}");
        assert_eq!(body["field"], "target");
    }
    let (status, body) = b
        .send(Method::POST, "/api/v1/territories/ville/following", Some(&token),
              Some(json!({"target": "https://x.example/t/a", "scope": {"near": {"latitude": 123, "longitude": 0, "km": 5}}})))
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("scope.near")));
    assert!(
        b.store
            .followings(b.stored_territory("ville").await.id)
            .await
            .unwrap()
            .is_empty()
    );
}

mod backfill_bounds {
    //! Outboxes that go in circles, never end, or carry garbage: bounded, no crash, only
    //! valid items kept.

    use super::common::mastodon::FakeMastodon;
    use super::*;
    use rhizome_federation::backfill::{self, MAX_PAGES};
    use rhizome_node::network::{Following, Scope};
    use rhizome_node::social::FollowState;

    /// Node B follows alice on the peer (accepted), with her outbox served by the peer.
    async fn setup() -> (Node, FakeMastodon, String) {
        let (b, _) = node_with("ville", "Ville").await;
        let peer = FakeMastodon::start().await;
        let alice = peer.actor_id("alice");
        let ville = b.stored_territory("ville").await;
        let following = Following {
            territory_id: ville.id,
            target_id: alice.clone(),
            state: FollowState::Accepted,
            follow_activity_id: format!("{}/activities/f1", b.base),
            scope: Scope::default(),
            created_at: rhizome_node::now(),
        };
        b.store.upsert_following(&following, None).await.unwrap();
        (b, peer, alice)
    }

    fn create(peer: &FakeMastodon, n: usize) -> Value {
        let alice = peer.actor_id("alice");
        json!({"type": "Create", "actor": alice, "object": {
            "id": format!("{alice}/events/{n}"), "type": "Event", "name": format!("Event {n}"),
            "attributedTo": alice, "startTime": "2031-06-01T10:00:00+02:00", "endTime": "2031-06-01T12:00:00+02:00"}})
    }

    fn page(items: Vec<Value>, next: Option<String>) -> Value {
        let mut p = json!({"type": "OrderedCollectionPage", "orderedItems": items});
        if let Some(next) = next {
            p["next"] = next.into();
        }
        p
    }

    #[tokio::test]
    async fn pages_in_a_circle_end_the_walk() {
        let (b, peer, alice) = setup().await;
        let base = peer.base().to_owned();
        peer.serve("/users/alice/outbox", json!({"type": "OrderedCollection", "first": format!("{base}/users/alice/outbox?page=1")}));
        peer.serve(
            "/users/alice/outbox?page=1",
            page(
                vec![create(&peer, 1)],
                Some(format!("{base}/users/alice/outbox?page=2")),
            ),
        );
        peer.serve(
            "/users/alice/outbox?page=2",
            page(
                vec![create(&peer, 2)],
                Some(format!("{base}/users/alice/outbox?page=1")),
            ),
        );
        let done = backfill::run(b.federation(), &alice).await.unwrap();
        assert!(done.done);
        assert_eq!((done.pages, done.imported), (2, 2));
        // Running it again does nothing: the walk is finished.
        assert_eq!(
            backfill::run(b.federation(), &alice).await.unwrap().pages,
            2
        );
    }

    #[tokio::test]
    async fn an_outbox_that_never_ends_is_cut_off() {
        let (b, peer, alice) = setup().await;
        let base = peer.base().to_owned();
        peer.serve("/users/alice/outbox", json!({"type": "OrderedCollection", "first": format!("{base}/users/alice/outbox?page=1")}));
        for n in 1..=(MAX_PAGES as usize + 10) {
            let next = format!("{base}/users/alice/outbox?page={}", n + 1);
            peer.serve(
                &format!("/users/alice/outbox?page={n}"),
                page(vec![create(&peer, n)], Some(next)),
            );
        }
        let done = backfill::run(b.federation(), &alice).await.unwrap();
        assert!(done.done);
        assert_eq!(done.pages, MAX_PAGES);
        assert_eq!(done.imported, MAX_PAGES);
    }

    #[tokio::test]
    async fn garbage_items_are_skipped_and_valid_ones_kept() {
        let (b, peer, alice) = setup().await;
        let mut elsewhere = create(&peer, 2);
        elsewhere["object"]["id"] = json!("https://evil.example/events/2");
        let mut someone_else = create(&peer, 3);
        someone_else["object"]["attributedTo"] = json!("https://evil.example/users/mallory");
        let mut nameless = create(&peer, 4);
        nameless["object"]["name"] = json!("");
        let mut deleted_later = create(&peer, 5);
        deleted_later["object"]["name"] = json!("Deleted afterwards");
        let delete =
            json!({"type": "Delete", "actor": alice, "object": format!("{alice}/events/5")});
        let items = vec![
            json!(42),
            json!("text"),
            json!({"type": "Create"}),
            elsewhere,
            someone_else,
            nameless,
            delete,
            deleted_later,
            create(&peer, 1),
        ];
        peer.serve(
            "/users/alice/outbox",
            json!({"type": "OrderedCollection", "orderedItems": items}),
        );
        let done = backfill::run(b.federation(), &alice).await.unwrap();
        assert_eq!(done.imported, 1);
        let kept = b
            .store
            .remote_publications(&rhizome_node::store::RemoteQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            kept.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
            vec!["Event 1"]
        );
    }

    #[tokio::test]
    async fn an_outbox_on_another_host_is_refused() {
        let (b, peer, alice) = setup().await;
        // The actor document points its outbox elsewhere.
        let mut actor = peer.actor_json("alice");
        actor["outbox"] = json!("https://evil.example/outbox");
        peer.serve("/users/alice", actor);
        let err = backfill::run(b.federation(), &alice).await.unwrap_err();
        assert!(err.to_string().contains("not on the actor's host"), "{err}");
    }
}

mod hub {
    //! Node-level subscriptions and hub mode: two nodes subscribe to a coordinator's hub
    //! and see each other's publications (fetched from their origin) and the hub's own.

    use super::*;

    async fn start(slug: &str, name: &str, hub: bool) -> (Node, String) {
        Node::configured_with_territory(
            Backend::Sqlite,
            |c| c.hub = hub,
            json!({"slug": slug, "name": name, "kind": "tiers_lieu"}),
        )
        .await
        .unwrap()
    }

    async fn publish_on(node: &Node, token: &str, slug: &str, title: &str) {
        let (status, body) = node
            .send(Method::POST, &format!("/api/v1/territories/{slug}/events"), Some(token),
                  Some(json!({"title": title, "starts_at": "2031-04-01T10:00", "ends_at": "2031-04-01T12:00", "place": {"name": "Salle"}})))
            .await;
        assert_eq!(status, 201, "{body}");
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
            body["following"].as_array().is_some_and(|f| {
                f.len() == subscriptions && f.iter().all(|s| s["state"] == "accepted")
            })
        })
        .await;
    }

    #[tokio::test]
    async fn a_hub_passes_each_subscriber_the_others_publications() {
        let (h, h_token) = start("reseau", "Réseau régional", true).await;
        let (x, x_token) = start("fablab", "Fablab X", false).await;
        let (y, y_token) = start("ville", "Ville Y", false).await;
        let hub = h.base.trim_start_matches("http://").to_owned();
        for (node, token) in [(&x, &x_token), (&y, &y_token)] {
            let (status, body) = node
                .send(
                    Method::POST,
                    "/api/v1/network/subscriptions",
                    Some(token),
                    Some(json!({"node": hub})),
                )
                .await;
            assert_eq!(status, 202, "{body}");
        }
        accepted(&x, &x_token, 1).await;
        accepted(&y, &y_token, 1).await;
        // The hub followed both back.
        accepted(&h, &h_token, 2).await;

        // X publishes: Y gets it through the hub, attributed to X.
        publish_on(&x, &x_token, "fablab", "Atelier de X").await;
        let agenda = wait_for(
            &y,
            "/api/v1/network/events",
            "relayed by the hub",
            |items| !items.is_empty(),
        )
        .await;
        assert_eq!(titles(&agenda), vec!["Atelier de X"]);
        assert_eq!(
            agenda[0]["origin"]["node"],
            x.base.trim_start_matches("http://")
        );
        assert_eq!(agenda[0]["origin"]["name"], "Fablab X");
        // The hub publishes: both subscribers get it directly.
        publish_on(&h, &h_token, "reseau", "Forum du réseau").await;
        wait_for(
            &x,
            "/api/v1/network/events",
            "hub's own event at X",
            |items| titles(items).contains(&"Forum du réseau"),
        )
        .await;
        wait_for(
            &y,
            "/api/v1/network/events",
            "hub's own event at Y",
            |items| titles(items).contains(&"Forum du réseau"),
        )
        .await;
        // X does not get its own event back.
        let (_, at_x) = x
            .send(Method::GET, "/api/v1/network/events", None, None)
            .await;
        let remote_at_x: Vec<&str> = at_x["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["origin"]["local"] == false)
            .filter_map(|i| i["title"].as_str())
            .collect();
        assert_eq!(remote_at_x, vec!["Forum du réseau"]);
        // X deletes it: the hub passes the deletion on, Y checks with X and drops its copy.
        let (_, xs) = x.send(Method::GET, "/api/v1/events", None, None).await;
        let x_event = xs["items"][0]["id"].as_str().unwrap().to_owned();
        let (status, _) = x
            .send(
                Method::DELETE,
                &format!("/api/v1/events/{x_event}"),
                Some(&x_token),
                None,
            )
            .await;
        assert_eq!(status, 204);
        wait_for(
            &y,
            "/api/v1/network/events",
            "deletion relayed by the hub",
            |items| !titles(items).contains(&"Atelier de X"),
        )
        .await;
        // Subscribing is for admins, and a node cannot subscribe to itself.
        let (status, body) = x
            .send(
                Method::POST,
                "/api/v1/network/subscriptions",
                Some(&x_token),
                Some(json!({"node": x.base.trim_start_matches("http://")})),
            )
            .await;
        assert_eq!((status, &body["field"]), (422, &json!("node")));
    }

    #[tokio::test]
    async fn a_node_subscription_brings_every_territorys_history_within_its_scope() {
        let (a, a_token) = start("fablab", "Fablab A", false).await;
        a.territory(
            &a_token,
            json!({"slug": "ville", "name": "Ville A", "kind": "learning_city"}),
        )
        .await;
        // Published before anyone subscribes.
        publish_on(&a, &a_token, "fablab", "Atelier passé au fablab").await;
        publish_on(&a, &a_token, "ville", "Forum de la ville").await;
        let (status, body) = a
            .send(
                Method::POST,
                "/api/v1/territories/ville/resources",
                Some(&a_token),
                Some(json!({"title": "Guide de la ville", "type": "guide"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");

        let (b, b_token) = start("coord", "Coordination", false).await;
        let (status, body) = b
            .send(
                Method::POST,
                "/api/v1/network/subscriptions",
                Some(&b_token),
                Some(json!({"node": a.host(), "scope": {"kinds": ["event"]}})),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        accepted(&b, &b_token, 1).await;
        let agenda = wait_for(
            &b,
            "/api/v1/network/events",
            "both territories' events backfilled",
            |items| items.len() == 2,
        )
        .await;
        let mut got = titles(&agenda);
        got.sort();
        assert_eq!(got, vec!["Atelier passé au fablab", "Forum de la ville"]);
        // The network agenda as a calendar, with the view's filters.
        let ics = b
            .http
            .get(b.url("/network/calendar.ics?q=forum"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let calendar: icalendar::Calendar = ics.parse().unwrap();
        use icalendar::Component;
        let events: Vec<_> = calendar.events().collect();
        assert_eq!(events.len(), 1, "{ics}");
        assert_eq!(events[0].get_summary(), Some("Forum de la ville"));
        let forum = agenda
            .iter()
            .find(|i| i["title"] == "Forum de la ville")
            .unwrap();
        assert_eq!(events[0].get_uid(), forum["id"].as_str());
        // In the event's own zone, as the event says it.
        let zone: chrono_tz::Tz = forum["timezone"].as_str().unwrap().parse().unwrap();
        let starts: chrono::DateTime<chrono::Utc> =
            forum["starts_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            events[0].get_start(),
            Some(icalendar::DatePerhapsTime::DateTime(
                icalendar::CalendarDateTime::WithTimezone {
                    date_time: starts.with_timezone(&zone).naive_local(),
                    tzid: zone.name().to_owned(),
                }
            ))
        );
        // The scope asked for events only: the resource stayed home.
        let (_, library) = b
            .send(Method::GET, "/api/v1/network/resources", None, None)
            .await;
        assert!(
            library["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["origin"]["local"] == true),
            "{library}"
        );
    }
}

mod relay {
    //! Relays: our node subscribes to an existing relay (Follow of the public collection),
    //! delivers its public activities to it, and accepts what the relay passes on, as a
    //! LitePub `Announce` or as a Mastodon-style forwarded `Create`, by fetching each object
    //! from its origin. And a Mastodon-style relay client can subscribe to our hub.

    use super::common::mastodon::FakeMastodon;
    use super::*;

    const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

    #[tokio::test]
    async fn a_node_subscribes_to_a_relay_and_takes_what_it_passes_on() {
        let (x, x_token) = node_with("fablab", "Fablab X").await;
        let (y, y_token) = node_with("fablab", "Fablab Y").await;
        let relay = FakeMastodon::start().await;
        let relay_actor = relay.actor_id("relay");

        let (status, body) = x
            .send(
                Method::POST,
                "/api/v1/network/subscriptions",
                Some(&x_token),
                Some(json!({"node": relay_actor, "relay": true})),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        let follow = relay
            .wait_for("Follow of the public collection", |a| a["type"] == "Follow")
            .await;
        assert_eq!(follow["object"], PUBLIC);
        let accept = json!({"id": format!("{}/accepts/1", relay.base()), "type": "Accept", "actor": relay_actor, "object": follow});
        assert_eq!(relay.post("relay", &x.url("/inbox"), &accept).await.0, 202);

        // What X publishes goes to the relay too.
        publish(&x, &x_token, "events", event("Atelier X", 7, "climate")).await;
        relay
            .wait_for("X's Create at the relay", |a| {
                a["type"] == "Create" && a["object"]["name"] == "Atelier X"
            })
            .await;

        // The relay forwards Y's Create under its own signature (Mastodon relays).
        let y_event = publish(&y, &y_token, "events", event("Atelier Y", 8, "culture")).await;
        let y_event_id = y_event["url"].as_str().unwrap().to_owned();
        let y_object: Value = y.activity_json(&y_event_id).await;
        let forwarded = json!({"id": format!("{}/activities/forwarded-1", y.base), "type": "Create",
            "actor": y.url("/t/fablab"), "to": [PUBLIC], "object": y_object});
        assert_eq!(
            relay.post("relay", &x.url("/inbox"), &forwarded).await.0,
            202
        );
        let agenda = wait_for(&x, "/api/v1/network/events", "forwarded Create", |items| {
            titles(items).contains(&"Atelier Y")
        })
        .await;
        let item = agenda.iter().find(|i| i["title"] == "Atelier Y").unwrap();
        assert_eq!(
            item["origin"]["node"],
            y.base.trim_start_matches("http://"),
            "attributed to its origin, not the relay"
        );

        // LitePub relays announce ids instead.
        let resource = publish(
            &y,
            &y_token,
            "resources",
            json!({"title": "Guide Y", "type": "guide"}),
        )
        .await;
        let announce = json!({"id": format!("{}/announces/1", relay.base()), "type": "Announce", "actor": relay_actor,
            "to": [PUBLIC], "object": resource["url"]});
        assert_eq!(
            relay.post("relay", &x.url("/inbox"), &announce).await.0,
            202
        );
        wait_for(
            &x,
            "/api/v1/network/resources",
            "announced resource",
            |items| titles(items) == vec!["Guide Y"],
        )
        .await;

        // Someone who is not our relay cannot forward others' activities.
        let mut spoofed = forwarded.clone();
        spoofed["id"] = json!(format!("{}/activities/forwarded-2", y.base));
        let (status, _) = relay.post("mallory", &x.url("/inbox"), &spoofed).await;
        assert_eq!(status, 401);
    }

    #[tokio::test]
    async fn a_relay_client_subscribes_to_our_hub() {
        let (h, h_token) = Node::configured_with_territory(
            Backend::Sqlite,
            |c| c.hub = true,
            json!({"slug": "reseau", "name": "Réseau", "kind": "network"}),
        )
        .await
        .unwrap();
        let (x, x_token) = node_with("fablab", "Fablab X").await;
        let client = FakeMastodon::start().await;
        let instance = client.actor_id("instance");
        let follow = json!({"id": format!("{}/follows/relay", client.base()), "type": "Follow", "actor": instance, "object": PUBLIC});
        let (status, body) = client.post("instance", &h.url("/inbox"), &follow).await;
        assert_eq!(status, 202, "{body}");
        client
            .wait_for("Accept from the hub", |a| {
                a["type"] == "Accept" && a["object"]["id"] == follow["id"]
            })
            .await;

        // X subscribes to the hub; what X publishes reaches the relay client as an Announce.
        let hub = h.base.trim_start_matches("http://").to_owned();
        x.send(
            Method::POST,
            "/api/v1/network/subscriptions",
            Some(&x_token),
            Some(json!({"node": hub})),
        )
        .await;
        common::eventually("hub following X back", async || {
            let (_, subs) = h
                .send(
                    Method::GET,
                    "/api/v1/network/subscriptions",
                    Some(&h_token),
                    None,
                )
                .await;
            subs["following"].as_array().is_some_and(|f| {
                f.iter()
                    .any(|s| s["state"] == "accepted" && s["node"] == x.url("/actor"))
            })
        })
        .await;
        let created = publish(&x, &x_token, "events", event("Atelier X", 9, "climate")).await;
        let announce = client
            .wait_for("Announce from the hub", |a| a["type"] == "Announce")
            .await;
        // X's event carries its integrity proof: the hub passes it on whole.
        assert_eq!(announce["object"]["id"], created["url"]);
        assert_eq!(announce["object"]["proof"]["cryptosuite"], "eddsa-jcs-2022");
        assert_eq!(announce["actor"], h.url("/actor"));
    }
}

//! Mobilizon groups followed like territories, and Gancio instances, over real HTTP with
//! real signatures: a territory follows a Mobilizon-shaped group (its server answers
//! `Accept`, and its outbox brings its past events); the events its members write arrive
//! as the group's (`Create` by the member, `Update` reusing the `Create`'s id, the
//! group's `Announce`, `Delete` by the member); a `Person` on another server claiming the
//! group is refused and nothing is kept. A Gancio instance actor's `Create`, `Update` and
//! `Delete` are ingested the same way.
//! Every payload comes from `federation/tests/fixtures/` (shapes from their source).

use crate::common;

use common::mobilizon::{FixturePeer, Software};
use common::{Backend, Node};
use reqwest::Method;
use serde_json::{Value, json};

async fn node(backend: Backend) -> Option<(Node, String)> {
    Node::with_territory(
        backend,
        json!({"slug": "ville", "name": "Ville apprenante", "kind": "learning_city", "languages": ["fr"]}),
    )
    .await
}

/// `ville` follows `target` on `peer`, which answers with the `Accept` of fixture
/// `accept` (its placeholders replaced by our `Follow`); returns once it is accepted.
async fn follow(node: &Node, token: &str, peer: &FixturePeer, target: &str, accept: &str) {
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/following",
            Some(token),
            Some(json!({"target": target})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let follow = peer
        .wait_for("Follow", |a| a["type"] == "Follow" && a["object"] == target)
        .await;
    let answer = peer
        .fixture(accept, &node.base)
        .to_string()
        .replace(
            &node.url("/activities/FOLLOW_ID"),
            follow["id"].as_str().unwrap(),
        )
        .replace(&node.url("/t/fablab"), &node.url("/t/ville"));
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["object"]["id"], follow["id"]);
    let (status, body) = peer
        .post(target, &node.url("/t/ville/inbox"), &answer)
        .await;
    assert_eq!(status, 202, "{body}");
    common::eventually("follow accepted", async || {
        let (_, following) = node
            .send(
                Method::GET,
                "/api/v1/territories/ville/following",
                Some(token),
                None,
            )
            .await;
        following["items"][0]["state"] == "accepted"
    })
    .await;
}

/// The titles a network view lists, once `pred` holds of them (20 s at most).
async fn titles_when(
    node: &Node,
    view: &str,
    what: &str,
    pred: impl Fn(&[String]) -> bool,
) -> Vec<Value> {
    let mut last = Vec::new();
    let mut seen = Vec::new();
    common::eventually(what, async || {
        let (_, body) = node.send(Method::GET, view, None, None).await;
        last = body["items"].as_array().cloned().unwrap_or_default();
        seen = last
            .iter()
            .filter_map(|i| i["title"].as_str().map(str::to_owned))
            .collect();
        pred(&seen)
    })
    .await;
    last
}

/// What our node answers for its page of a remote publication.
async fn publication_page(node: &Node, id: &str) -> (u16, String) {
    let url = url::Url::parse_with_params(&node.url("/network/publication"), [("id", id)]).unwrap();
    let response = node.http.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Serves an empty outbox for `actor`, so the backfill after the follow finds nothing.
fn empty_outbox(peer: &FixturePeer, actor: &str) {
    peer.serve(
        json!({"id": format!("{actor}/outbox"), "type": "OrderedCollection",
        "totalItems": 0, "orderedItems": []}),
    );
}

common::on_both_backends!(mobilizon_group =>
    a_followed_mobilizon_group_publishes_updates_and_deletes_its_events,
    a_followed_mobilizon_group_publishes_updates_and_deletes_its_events_postgres);

async fn mobilizon_group(backend: Backend) {
    let Some((node, token)) = node(backend).await else {
        return;
    };
    let mobilizon = FixturePeer::start(Software::Mobilizon).await;
    let group = mobilizon.actor("mobilizon/group.json");
    let member = mobilizon.actor("mobilizon/person.json");
    let create = mobilizon.fixture("mobilizon/group_create_event.json", &node.base);

    // The group's outbox, as Mobilizon pages it (`ActorView`: the first page embedded,
    // with a `next` while items remain), holds an earlier event: the follow brings it.
    let mut earlier = create.clone();
    let earlier_id = format!(
        "{}/events/1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        mobilizon.base()
    );
    earlier["id"] = format!("{earlier_id}/activity").into();
    earlier["to"] = "https://www.w3.org/ns/activitystreams#Public".into();
    earlier["object"]["id"] = earlier_id.clone().into();
    earlier["object"]["url"] = earlier_id.into();
    earlier["object"]["name"] = "Bourse aux vélos".into();
    earlier["object"]["startTime"] = "2031-05-10T09:00:00+02:00".into();
    earlier["object"]["endTime"] = "2031-05-10T13:00:00+02:00".into();
    let outbox = format!("{group}/outbox");
    mobilizon.serve(json!({"id": outbox, "attributedTo": group, "type": "OrderedCollection",
        "totalItems": 1, "first": {"id": format!("{outbox}?page=1"), "type": "OrderedCollectionPage",
            "partOf": outbox, "orderedItems": [earlier], "next": format!("{outbox}?page=2")}}));
    mobilizon.serve(
        json!({"id": format!("{outbox}?page=2"), "type": "OrderedCollectionPage",
        "partOf": outbox, "orderedItems": [], "prev": format!("{outbox}?page=1")}),
    );
    follow(
        &node,
        &token,
        &mobilizon,
        &group,
        "mobilizon/accept_follow.json",
    )
    .await;
    titles_when(&node, "/api/v1/network/events", "the group's outbox", |t| {
        t == ["Bourse aux vélos"]
    })
    .await;
    let inbox = node.url("/inbox");

    let event_id = create["object"]["id"].as_str().unwrap().to_owned();
    assert_eq!(create["actor"], member.as_str());
    assert_eq!(create["object"]["attributedTo"], group.as_str());

    // A Person on another server claims the group: refused, whether the event is said to
    // be on the group's server or on its own, and nothing is kept.
    let elsewhere = FixturePeer::start(Software::Mobilizon).await;
    let forger = elsewhere.actor("mobilizon/person.json");
    let mut forged = create.clone();
    forged["actor"] = forger.as_str().into();
    forged["id"] = format!("{forger}/events/1/activity").into();
    let (status, body) = elsewhere.post(&forger, &inbox, &forged).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("attributed to"), "{body}");
    forged["id"] = format!("{forger}/events/2/activity").into();
    forged["object"]["id"] = format!("{}/events/2", elsewhere.base()).into();
    let (status, body) = elsewhere.post(&forger, &inbox, &forged).await;
    assert_eq!(status, 403, "{body}");
    for id in [event_id.clone(), format!("{}/events/2", elsewhere.base())] {
        assert!(node.store.remote_publication(&id).await.unwrap().is_none());
    }

    // The member's Create: the event is the group's.
    let (status, body) = mobilizon.post(&member, &inbox, &create).await;
    assert_eq!(status, 202, "{body}");
    let agenda = titles_when(&node, "/api/v1/network/events", "the group's event", |t| {
        t == ["Bourse aux vélos", "Atelier de réparation de vélos"]
    })
    .await;
    let atelier = &agenda[1];
    assert_eq!(atelier["id"], event_id.as_str());
    assert_eq!(atelier["origin"]["actor"], group.as_str());
    assert_eq!(atelier["origin"]["name"], "Framasoft");
    assert_eq!(atelier["origin"]["local"], false);
    assert_eq!(atelier["place"], "Maison du Vélo, 10 rue Jangot 69007 Lyon");
    let (status, page) = publication_page(&node, &event_id).await;
    assert_eq!(status, 200);
    assert!(page.contains("Atelier de réparation de vélos") && page.contains("Framasoft"));

    // The Update has the Create's id, and is not taken for its duplicate.
    let update = mobilizon.fixture("mobilizon/group_update_event.json", &node.base);
    assert_eq!(update["id"], create["id"]);
    let (status, body) = mobilizon.post(&member, &inbox, &update).await;
    assert_eq!(status, 202, "{body}");
    let renamed = "Atelier de réparation de vélos et de trottinettes";
    titles_when(&node, "/api/v1/network/events", "the update", |t| {
        t == ["Bourse aux vélos", renamed]
    })
    .await;
    // The same Update, or the Create, delivered again: accepted, nothing changes.
    assert_eq!(mobilizon.post(&member, &inbox, &update).await.0, 202);
    assert_eq!(mobilizon.post(&member, &inbox, &create).await.0, 202);
    titles_when(&node, "/api/v1/network/events", "still updated", |t| {
        t == ["Bourse aux vélos", renamed]
    })
    .await;

    // The other server's Person cannot delete it.
    let forged_delete = json!({"type": "Delete", "id": format!("{forger}/events/x/delete"),
        "actor": forger, "object": {"type": "Tombstone", "id": event_id}});
    let (status, body) = elsewhere.post(&forger, &inbox, &forged_delete).await;
    assert_eq!(status, 403, "{body}");
    let still = node
        .store
        .remote_publication(&event_id)
        .await
        .unwrap()
        .unwrap();
    assert!(still.deleted_at.is_none());
    assert_eq!(still.title, renamed);

    // The group's own Announce of an event, embedded, as it passes on each one.
    let mut announce = mobilizon.fixture("mobilizon/group_announce_create.json", &node.base);
    let cafe_id = format!(
        "{}/events/0b7d1e2f-cafe-4e3b-8d9c-0a1b2c3d4e5f",
        mobilizon.base()
    );
    announce["object"]["id"] = cafe_id.clone().into();
    announce["object"]["url"] = cafe_id.clone().into();
    announce["object"]["name"] = "Café vélo".into();
    announce["object"]["startTime"] = "2031-05-24T10:00:00+02:00".into();
    announce["object"]["endTime"] = "2031-05-24T12:00:00+02:00".into();
    assert_eq!(announce["actor"], group.as_str());
    let (status, body) = mobilizon.post(&group, &inbox, &announce).await;
    assert_eq!(status, 202, "{body}");

    // A member on another Mobilizon writes for the group: the group announces it, and the
    // event is read from its origin, which must attribute it to the group.
    let mut remote_member_event = announce["object"].clone();
    let remote_id = format!(
        "{}/events/5a6b7c8d-1e2f-4a3b-9c0d-1e2f3a4b5c6d",
        elsewhere.base()
    );
    remote_member_event["id"] = remote_id.clone().into();
    remote_member_event["url"] = remote_id.clone().into();
    remote_member_event["actor"] = forger.as_str().into();
    remote_member_event["name"] = "Balade à vélo".into();
    remote_member_event["startTime"] = "2031-05-31T10:00:00+02:00".into();
    remote_member_event["endTime"] = "2031-05-31T12:00:00+02:00".into();
    let mut disowned = remote_member_event.clone();
    disowned["attributedTo"] = forger.as_str().into();
    elsewhere.serve(disowned);
    let mut relayed = announce.clone();
    relayed["id"] = format!("{}/announces/2", mobilizon.base()).into();
    relayed["object"] = remote_member_event.clone();
    let (status, body) = mobilizon.post(&group, &inbox, &relayed).await;
    assert_eq!(status, 400, "its origin says it is not the group's: {body}");
    assert!(
        node.store
            .remote_publication(&remote_id)
            .await
            .unwrap()
            .is_none()
    );
    elsewhere.serve(remote_member_event);
    relayed["id"] = format!("{}/announces/3", mobilizon.base()).into();
    let (status, body) = mobilizon.post(&group, &inbox, &relayed).await;
    assert_eq!(status, 202, "{body}");
    let agenda = titles_when(&node, "/api/v1/network/events", "announced events", |t| {
        t == ["Bourse aux vélos", renamed, "Café vélo", "Balade à vélo"]
    })
    .await;
    for item in &agenda {
        assert_eq!(item["origin"]["actor"], group.as_str(), "{item}");
    }

    // The member deletes the event: gone here too.
    let delete = mobilizon.fixture("mobilizon/member_delete_event.json", &node.base);
    assert_eq!(delete["actor"], member.as_str());
    assert_eq!(delete["object"]["id"], event_id.as_str());
    let (status, body) = mobilizon.post(&member, &inbox, &delete).await;
    assert_eq!(status, 202, "{body}");
    titles_when(&node, "/api/v1/network/events", "the deletion", |t| {
        t == ["Bourse aux vélos", "Café vélo", "Balade à vélo"]
    })
    .await;
    assert_eq!(publication_page(&node, &event_id).await.0, 404);
    // Deleted stays deleted, even when its Update is delivered again.
    let mut replayed = update.clone();
    replayed["object"]["updated"] = "2031-04-06T10:00:00Z".into();
    assert_eq!(mobilizon.post(&member, &inbox, &replayed).await.0, 202);
    let copy = node
        .store
        .remote_publication(&event_id)
        .await
        .unwrap()
        .unwrap();
    assert!(copy.deleted_at.is_some());
}

common::on_both_backends!(gancio_instance =>
    a_followed_gancio_instance_creates_updates_and_deletes_its_events,
    a_followed_gancio_instance_creates_updates_and_deletes_its_events_postgres);

async fn gancio_instance(backend: Backend) {
    let Some((node, token)) = node(backend).await else {
        return;
    };
    let gancio = FixturePeer::start(Software::Gancio).await;
    let relay = gancio.actor("gancio/instance_actor.json");
    empty_outbox(&gancio, &relay);
    follow(&node, &token, &gancio, &relay, "gancio/accept_follow.json").await;
    let inbox = node.url("/inbox");

    // Gancio's events are past by now: the archive lists them.
    let create = gancio.fixture("gancio/create_event.json", &node.base);
    let event_id = create["object"]["id"].as_str().unwrap().to_owned();
    let (status, body) = gancio.post(&relay, &inbox, &create).await;
    assert_eq!(status, 202, "{body}");
    let archive = titles_when(&node, "/api/v1/network/archive", "Gancio's event", |t| {
        t == ["Assemblea di quartiere"]
    })
    .await;
    assert_eq!(archive[0]["id"], event_id.as_str());
    assert_eq!(archive[0]["origin"]["actor"], relay.as_str());
    assert_eq!(archive[0]["origin"]["name"], "Gancio");

    let update = gancio.fixture("gancio/update_event.json", &node.base);
    assert_eq!(update["object"]["id"], event_id.as_str());
    let (status, body) = gancio.post(&relay, &inbox, &update).await;
    assert_eq!(status, 202, "{body}");
    let moved = "Assemblea di quartiere (spostata al Circolo Arci)";
    let archive = titles_when(&node, "/api/v1/network/archive", "Gancio's update", |t| {
        t == [moved]
    })
    .await;
    assert_eq!(
        archive[0]["starts_at"]
            .as_str()
            .map(|s| s.starts_with("2025-02-04T17:30:00")),
        Some(true),
        "{}",
        archive[0]
    );

    // Gancio's Delete carries the whole Event, not a Tombstone.
    let delete = gancio.fixture("gancio/delete_event.json", &node.base);
    assert_eq!(delete["object"]["type"], "Event");
    let (status, body) = gancio.post(&relay, &inbox, &delete).await;
    assert_eq!(status, 202, "{body}");
    titles_when(&node, "/api/v1/network/archive", "Gancio's deletion", |t| {
        t.is_empty()
    })
    .await;
    let copy = node
        .store
        .remote_publication(&event_id)
        .await
        .unwrap()
        .unwrap();
    assert!(copy.deleted_at.is_some());
}

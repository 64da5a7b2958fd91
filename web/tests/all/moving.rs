//! A territory moving from node A to node B (FEP-7628) over real HTTP: its archive
//! downloaded from A's management pages, imported on B with the `rhizome` binary, the move
//! made on A with the binary too; a Mastodon-shaped follower receives the `Move`, a
//! Rhizome follower on node C re-follows B's territory by itself and gets its next
//! publication, A's URLs redirect to B's. Also: forged Moves change nothing, broken
//! archives are refused whole, and the commands explain themselves.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::mastodon::FakeMastodon;
use crate::common::pages::{browser, get, login};
use crate::common::{Backend, Node, eventually_within, rhizome};

const PASSWORD: &str = "a long enough password";
const PICTURE: &str = "0191d5a0-0000-7000-8000-00000000beef.jpg";

fn profile(slug: &str, name: &str) -> Value {
    json!({"slug": slug, "name": name, "kind": "fablab", "languages": ["fr"],
           "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}})
}

/// The binary, run against `node`'s own database and data folder while it serves (off
/// the test's thread, so that the nodes keep answering meanwhile).
async fn rhizome_on(node: &Node, args: &[&str]) -> (bool, String, String) {
    rhizome_as(node, &node.host(), args).await
}

/// [`rhizome_on`], the node's domain being `domain`.
async fn rhizome_as(node: &Node, domain: &str, args: &[&str]) -> (bool, String, String) {
    let mut command = rhizome(node.data_dir(), args);
    command
        .env(
            "RHIZOME_DATABASE_URL",
            format!("sqlite://{}", node.data_dir().join("rhizome.db").display()),
        )
        .env("RHIZOME_DATA_DIR", node.data_dir())
        .env("RHIZOME_DOMAIN", domain)
        .env("RHIZOME_DEVELOPMENT_MODE", "true");
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn publish(
    node: &Node,
    token: &str,
    slug: &str,
    collection: &str,
    body: Value,
) -> (u16, Value) {
    node.send(
        Method::POST,
        &format!("/api/v1/territories/{slug}/{collection}"),
        Some(token),
        Some(body),
    )
    .await
}

async fn status_of(client: &reqwest::Client, url: &str, accept: &str) -> (u16, Option<String>) {
    let response = client
        .get(url)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (response.status().as_u16(), location)
}

async fn following_of(node: &Node, token: &str, slug: &str) -> Vec<Value> {
    let (_, body) = node
        .send(
            Method::GET,
            &format!("/api/v1/territories/{slug}/following"),
            Some(token),
            None,
        )
        .await;
    body["items"].as_array().cloned().unwrap_or_default()
}

/// A's fablab with a picture, an event to come, a past event and a resource, followed
/// by a Mastodon account and by C's territory; its archive from A's pages.
struct Before {
    a: Node,
    a_token: String,
    c: Node,
    c_token: String,
    masto: FakeMastodon,
    archive: Vec<u8>,
    upcoming_id: String,
}

async fn before_the_move() -> Before {
    let (a, a_token) =
        Node::with_territory(Backend::Sqlite, profile("fablab", "Fablab de Poitiers"))
            .await
            .unwrap();
    // A picture as an upload leaves it.
    std::fs::create_dir_all(a.data_dir().join("media")).unwrap();
    std::fs::write(
        a.data_dir().join("media").join(PICTURE),
        b"\xff\xd8\xff jpeg bytes",
    )
    .unwrap();
    let (status, upcoming) = publish(&a, &a_token, "fablab", "events", json!({
        "title": "Atelier réparation", "starts_at": "2031-03-03T18:00", "ends_at": "2031-03-03T20:00",
        "place": {"name": "Fablab", "latitude": 46.58, "longitude": 0.34},
        "image": {"url": format!("/media/{PICTURE}"), "alt": "Un vélo sur l'établi"}})).await;
    assert_eq!(status, 201, "{upcoming}");
    let (status, past) = publish(&a, &a_token, "fablab", "events", json!({
        "title": "Soirée d'ouverture", "starts_at": "2020-01-10T18:00", "ends_at": "2020-01-10T20:00",
        "place": {"name": "Fablab"}})).await;
    assert_eq!(status, 201, "{past}");
    let (status, resource) = publish(
        &a,
        &a_token,
        "fablab",
        "resources",
        json!({
        "title": "Guide du compost", "type": "guide"}),
    )
    .await;
    assert_eq!(status, 201, "{resource}");
    let upcoming_id = upcoming["id"].as_str().unwrap().to_owned();

    // A Mastodon account follows the fablab.
    let masto = FakeMastodon::start().await;
    let follow = masto.fixture("follow.json", &a.base, "");
    assert_eq!(
        masto
            .post("alice", &a.url("/t/fablab/inbox"), &follow)
            .await
            .0,
        202
    );
    masto
        .wait_for("Accept of alice's follow", |x| x["type"] == "Accept")
        .await;

    // A Rhizome territory on node C follows it too.
    let (c, c_token) = Node::with_territory(Backend::Sqlite, profile("quartier", "Quartier"))
        .await
        .unwrap();
    let (status, body) = c
        .send(
            Method::POST,
            "/api/v1/territories/quartier/following",
            Some(&c_token),
            Some(json!({"target": format!("@fablab@{}", a.host())})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    eventually_within(
        "C's follow of A accepted",
        Duration::from_secs(20),
        async || {
            following_of(&c, &c_token, "quartier")
                .await
                .first()
                .is_some_and(|f| f["state"] == "accepted")
        },
    )
    .await;

    // And the fablab follows C's territory.
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/territories/fablab/following",
            Some(&a_token),
            Some(json!({"target": format!("@quartier@{}", c.host())})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    eventually_within(
        "A's follow of C accepted",
        Duration::from_secs(20),
        async || {
            following_of(&a, &a_token, "fablab")
                .await
                .first()
                .is_some_and(|f| f["state"] == "accepted")
        },
    )
    .await;

    // The archive, from A's management pages.
    let editor = browser();
    login(&editor, &a, "admin", PASSWORD).await;
    let response = editor
        .get(a.url("/manage/t/fablab/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/gzip");
    let archive = response.bytes().await.unwrap().to_vec();
    // Nobody else gets it.
    let stranger = browser();
    let (status, _) = get(&stranger, &a, "/manage/t/fablab/export").await;
    assert_ne!(status, 200, "the archive is for the territory's editors");
    Before {
        a,
        a_token,
        c,
        c_token,
        masto,
        archive,
        upcoming_id,
    }
}

#[tokio::test]
async fn a_territory_moves_to_another_node_with_its_followers() {
    let Before {
        a,
        a_token,
        c,
        c_token,
        masto,
        archive,
        upcoming_id,
    } = before_the_move().await;
    let a_actor = a.url("/t/fablab");

    // B imports it.
    let b = Node::start(Backend::Sqlite).await.unwrap();
    let b_token = b.member("admin", true).await;
    let file = b.data_dir().join("fablab.tar.gz");
    std::fs::write(&file, &archive).unwrap();
    let (ok, out, err) = rhizome_on(&b, &["territory", "import", file.to_str().unwrap()]).await;
    assert!(ok, "{err}");
    assert!(out.contains("3 publications"), "{out}");
    assert!(out.contains("1 of 1 subscriptions followed again"), "{out}");
    let b_actor = b.url("/t/fablab");
    let b_doc = b.activity_json(&b_actor).await;
    assert_eq!(b_doc["alsoKnownAs"], json!([a_actor]), "{b_doc}");
    // Its publications and picture are there, under B's URLs.
    let events = b
        .get_json("/api/v1/territories/fablab/events?limit=50&current=false")
        .await;
    let titles: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert!(titles.contains(&"Atelier réparation"), "{events}");
    let imported = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "Atelier réparation")
        .unwrap()
        .clone();
    assert_ne!(
        imported["id"].as_str(),
        Some(upcoming_id.as_str()),
        "new ids on B"
    );
    assert_eq!(imported["image"]["url"], format!("/media/{PICTURE}"));
    let picture = b
        .http
        .get(b.url(&format!("/media/{PICTURE}")))
        .send()
        .await
        .unwrap();
    assert_eq!(picture.status(), 200);
    assert_eq!(
        picture.bytes().await.unwrap().as_ref(),
        b"\xff\xd8\xff jpeg bytes"
    );
    assert!(
        titles.contains(&"Soirée d'ouverture"),
        "past events too: {events}"
    );
    let resources = b.get_json("/api/v1/territories/fablab/resources").await;
    assert!(
        resources.to_string().contains("Guide du compost"),
        "{resources}"
    );
    let new_url = b.url(&format!("/events/{}", imported["id"].as_str().unwrap()));

    // A moves it, with the binary.
    let (ok, out, err) = rhizome_on(&a, &["territory", "move", "fablab", "--to", &b_actor]).await;
    assert!(ok, "{err}");
    assert!(out.contains(&b_actor), "{out}");

    // The Mastodon follower hears it as Mastodon expects.
    let moved = masto.wait_for("Move", |x| x["type"] == "Move").await;
    assert_eq!(moved["actor"], a_actor);
    assert_eq!(moved["object"], a_actor);
    assert_eq!(moved["target"], b_actor);
    // A's actor says where it went; its page and publications redirect.
    let a_doc = a.activity_json(&a_actor).await;
    assert_eq!(a_doc["movedTo"], b_actor, "{a_doc}");
    // What goes on the wire, kept as golden files.
    for (name, doc, node, other, other_name) in [
        ("move", &moved, &a, &b, "https://newhome.example"),
        (
            "actor-territory-moved",
            &a_doc,
            &a,
            &b,
            "https://newhome.example",
        ),
        (
            "actor-territory-imported",
            &b_doc,
            &b,
            &a,
            "https://oldhome.example",
        ),
    ] {
        let text = doc
            .to_string()
            .replace(&format!("{}/", other.base), &format!("{other_name}/"))
            .replace(&format!("{}\"", other.base), &format!("{other_name}\""));
        let doc: Value = serde_json::from_str(&text).unwrap();
        if let Some(difference) = crate::federation::golden(name, &doc, node, &masto) {
            panic!("{difference}");
        }
    }
    let visitor = browser();
    assert_eq!(
        status_of(&visitor, &a_actor, "text/html").await,
        (308, Some(b_actor.clone()))
    );
    let old_url = a.url(&format!("/events/{upcoming_id}"));
    for accept in ["text/html", "application/activity+json"] {
        let (status, location) = status_of(&visitor, &old_url, accept).await;
        assert_eq!(status, 308, "{accept}");
        let (status, location) = status_of(&visitor, &location.unwrap(), accept).await;
        assert_eq!(status, 308, "{accept}");
        assert_eq!(location.as_deref(), Some(new_url.as_str()), "{accept}");
    }
    let object = b.activity_json(&new_url).await;
    assert_eq!(object["name"], "Atelier réparation");
    // A publishes no more for it.
    let (status, body) = publish(
        &a,
        &a_token,
        "fablab",
        "resources",
        json!({"title": "Trop tard", "type": "guide"}),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (ok, _, err) = rhizome_on(&a, &["territory", "move", "fablab", "--to", &b_actor]).await;
    assert!(!ok && err.contains("already moved"), "{err}");

    // The Rhizome follower on C follows B's territory now, by itself.
    eventually_within(
        "C follows B's fablab",
        Duration::from_secs(20),
        async || {
            let following = following_of(&c, &c_token, "quartier").await;
            following.len() == 1
                && following[0]["target"] == b_actor
                && following[0]["state"] == "accepted"
        },
    )
    .await;
    let followers = b.activity_json(&b.url("/t/fablab/followers")).await;
    assert_eq!(followers["totalItems"], 1, "{followers}");
    // C left A's followers (its Undo); alice stays there: her server moves her follow.
    eventually_within("C's Undo reaches A", Duration::from_secs(20), async || {
        a.activity_json(&a.url("/t/fablab/followers")).await["totalItems"] == 1
    })
    .await;
    // What A's fablab followed, B's follows now; A's subscription ended.
    eventually_within(
        "B's fablab follows C's territory",
        Duration::from_secs(20),
        async || {
            let following = following_of(&b, &b_token, "fablab").await;
            following.len() == 1
                && following[0]["target"] == c.url("/t/quartier")
                && following[0]["state"] == "accepted"
        },
    )
    .await;
    assert!(following_of(&a, &a_token, "fablab").await.is_empty());
    eventually_within(
        "C's territory followed by B's fablab only",
        Duration::from_secs(20),
        async || c.activity_json(&c.url("/t/quartier/followers")).await["totalItems"] == 1,
    )
    .await;
    // And gets B's next publication.
    let (status, body) = publish(&b, &b_token, "fablab", "events", json!({
        "title": "Premier atelier à B", "starts_at": "2031-04-03T18:00", "ends_at": "2031-04-03T20:00",
        "place": {"name": "Fablab"}})).await;
    assert_eq!(status, 201, "{body}");
    eventually_within(
        "C receives B's new event",
        Duration::from_secs(20),
        async || {
            let (_, body) = c
                .send(Method::GET, "/api/v1/network/events", None, None)
                .await;
            body["items"].as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i["title"] == "Premier atelier à B" && i["origin"]["actor"] == b_actor)
            })
        },
    )
    .await;

    // A second import of the same archive on B is refused whole.
    let (ok, _, err) = rhizome_on(
        &b,
        &[
            "territory",
            "import",
            file.to_str().unwrap(),
            "--slug",
            "fablab-bis",
        ],
    )
    .await;
    assert!(!ok && err.contains("imported here already"), "{err}");
    assert!(
        b.store
            .territory_by_slug("fablab-bis")
            .await
            .unwrap()
            .is_none()
    );
}

/// A territory on this node following a Mastodon account, which then moves: forged Moves
/// change nothing, the genuine one moves the subscription, its replay changes nothing.
#[tokio::test]
async fn moves_of_followed_actors_are_checked() {
    let (node, token) = Node::with_territory(Backend::Sqlite, profile("ville", "Ville"))
        .await
        .unwrap();
    let masto = FakeMastodon::start().await;
    let alice = masto.actor_id("alice");
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/following",
            Some(&token),
            Some(json!({"target": alice})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let follow = masto
        .wait_for("Follow of alice", |x| {
            x["type"] == "Follow" && x["object"] == alice
        })
        .await;
    let accept = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Accept",
        "id": format!("{}/accepts/1", masto.base()), "actor": alice, "object": follow});
    assert_eq!(
        masto.post("alice", &node.url("/inbox"), &accept).await.0,
        202
    );
    eventually_within("alice accepted", Duration::from_secs(20), async || {
        following_of(&node, &token, "ville")
            .await
            .first()
            .is_some_and(|f| f["state"] == "accepted")
    })
    .await;

    // Her new account, first without naming her, then naming her.
    let mut new_account = masto.actor_json("alice2");
    let new_home = masto.serve("/users/alice2/moved-here", new_account.clone());
    new_account["id"] = new_home.clone().into();
    new_account["publicKey"]["owner"] = new_home.clone().into();
    masto.serve("/users/alice2/moved-here", new_account.clone());
    let mut genuine = masto.fixture("move.json", "", "");
    genuine["target"] = new_home.clone().into();
    let inbox = node.url("/inbox");

    let unchanged = async || {
        let following = following_of(&node, &token, "ville").await;
        following.len() == 1
            && following[0]["target"] == alice
            && following[0]["state"] == "accepted"
    };
    // The target does not name her: refused.
    let (status, body) = masto.post("alice", &inbox, &genuine).await;
    assert_eq!(status, 403, "{body}");
    assert!(unchanged().await);
    // Someone else's account as the object: refused.
    let mut other = genuine.clone();
    other["id"] = format!("{}/moves/other", masto.base()).into();
    other["object"] = masto.actor_id("bob").into();
    let (status, body) = masto.post("alice", &inbox, &other).await;
    assert_eq!(status, 403, "{body}");
    assert!(unchanged().await);
    // No target at all: malformed.
    let mut aimless = genuine.clone();
    aimless["id"] = format!("{}/moves/aimless", masto.base()).into();
    aimless.as_object_mut().unwrap().remove("target");
    assert_eq!(masto.post("alice", &inbox, &aimless).await.0, 400);
    assert!(unchanged().await);

    // Now the new account names her: the subscription moves.
    new_account["alsoKnownAs"] = json!([alice]);
    masto.serve("/users/alice2/moved-here", new_account.clone());
    genuine["id"] = format!("{}/moves/2", masto.base()).into();
    assert_eq!(masto.post("alice", &inbox, &genuine).await.0, 202);
    let following = following_of(&node, &token, "ville").await;
    assert_eq!(following.len(), 1, "{following:?}");
    assert_eq!(following[0]["target"], new_home);
    assert_eq!(following[0]["state"], "pending");
    masto
        .wait_for("Follow of the new account", |x| {
            x["type"] == "Follow" && x["object"] == new_home
        })
        .await;
    masto
        .wait_for("Undo of the old follow", |x| {
            x["type"] == "Undo" && x["object"]["object"] == alice
        })
        .await;
    // Replayed under another id: nothing more happens.
    genuine["id"] = format!("{}/moves/3", masto.base()).into();
    assert_eq!(masto.post("alice", &inbox, &genuine).await.0, 202);
    let again = following_of(&node, &token, "ville").await;
    assert_eq!(again, following);
    assert_eq!(
        masto.received_count(|x| x["type"] == "Follow" && x["object"] == new_home),
        1
    );
}

/// What is not an archive, or an archive with a publication that breaks the rules, is
/// refused with a message naming what is wrong, and leaves nothing behind.
#[tokio::test]
async fn broken_archives_are_refused_whole() {
    let Before { archive, .. } = before_the_move().await;
    let b = Node::start(Backend::Sqlite).await.unwrap();
    let garbage = b.data_dir().join("garbage.tar.gz");
    std::fs::write(&garbage, b"PK\x03\x04 this is a zip, not a territory").unwrap();
    let (ok, _, err) = rhizome_on(&b, &["territory", "import", garbage.to_str().unwrap()]).await;
    assert!(!ok && err.contains("not a territory archive"), "{err}");

    // A valid archive whose second publication lost its title.
    let (mut manifest, files) = rhizome_node::territory_archive::read(archive.as_slice()).unwrap();
    let i = manifest
        .publications
        .iter()
        .position(|p| p.publication.body.title() == "Soirée d'ouverture")
        .unwrap();
    let mut json = serde_json::to_value(&manifest).unwrap();
    json["publications"][i]["publication"]["title"] = "".into();
    manifest = serde_json::from_value(json).unwrap();
    let names: Vec<_> = files.iter().map(|f| (f.folder, f.name.clone())).collect();
    let carried = |folder, name: &str| {
        Ok(files
            .iter()
            .find(|f| f.folder == folder && f.name == name)
            .map(|f| f.bytes.clone()))
    };
    let mut broken = Vec::new();
    rhizome_node::territory_archive::write(&manifest, &names, carried, &mut broken).unwrap();
    let file = b.data_dir().join("broken.tar.gz");
    std::fs::write(&file, &broken).unwrap();
    let (ok, _, err) = rhizome_on(&b, &["territory", "import", file.to_str().unwrap()]).await;
    assert!(!ok, "refused");
    assert!(
        err.contains(&format!("publications[{i}].publication.title")),
        "{err}"
    );
    assert!(
        b.store.territories().await.unwrap().is_empty(),
        "nothing stored"
    );
    assert!(
        !b.data_dir().join("media").join(PICTURE).exists(),
        "no file left behind"
    );
}

/// The archive read back on the node it came from (after losing its database, say):
/// the territory comes back with its ids, so its URLs keep working.
#[tokio::test]
async fn an_archive_restores_a_territory_with_its_ids_on_its_own_node() {
    let Before {
        a,
        archive,
        upcoming_id,
        ..
    } = before_the_move().await;
    let domain = a.host();
    // The same node, started again on an empty database.
    let restored = Node::start_with(Backend::Sqlite, |c| c.domain = domain.clone())
        .await
        .unwrap();
    let file = restored.data_dir().join("backup.tar.gz");
    std::fs::write(&file, &archive).unwrap();
    let (ok, out, err) = rhizome_as(
        &restored,
        &domain,
        &["territory", "import", file.to_str().unwrap()],
    )
    .await;
    assert!(ok, "{err}");
    assert!(!out.contains("alsoKnownAs"), "no alias to itself: {out}");
    let id: uuid::Uuid = upcoming_id.parse().unwrap();
    let back = restored
        .store
        .publication(id)
        .await
        .unwrap()
        .expect("same id");
    assert_eq!(back.body.title(), "Atelier réparation");
    let original = a.stored_territory("fablab").await;
    let territory = restored.stored_territory("fablab").await;
    assert_eq!(
        (territory.id, &territory.profile),
        (original.id, &original.profile)
    );
    assert!(
        restored
            .store
            .territory_aliases(territory.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(restored.data_dir().join("media").join(PICTURE).exists());
    // Its followers (alice on Mastodon, C's territory) follow it again.
    assert_eq!(
        restored.store.follower_count(territory.id).await.unwrap(),
        2
    );
}

#[test]
fn the_commands_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    for (command, words) in [
        ("export", ["archive", "private key"]),
        ("import", ["archive", "alsoKnownAs"]),
        ("move", ["alsoKnownAs", "Move"]),
    ] {
        let out = rhizome(dir.path(), &["territory", command, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        for word in words {
            assert!(text.contains(word), "{command} --help: {text}");
        }
    }
}

/// The management page: the archive to download, and a move refused (the page says why,
/// nothing changes) while the target does not name the territory.
#[tokio::test]
async fn the_move_page_refuses_a_target_that_does_not_name_the_territory() {
    use crate::common::pages::{post, text_of};
    let (node, _) = Node::with_territory(Backend::Sqlite, profile("fablab", "Fablab"))
        .await
        .unwrap();
    let masto = FakeMastodon::start().await;
    let editor = browser();
    let csrf = login(&editor, &node, "admin", PASSWORD).await;
    let (status, html) = get(&editor, &node, "/manage/t/fablab/move").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/manage/t/fablab/export\""), "{html}");
    let stranger = masto.actor_id("someone");
    let (status, html, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/move",
        &[("csrf", &csrf), ("target", &stranger)],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        text_of(&html, "#target-error").contains("alsoKnownAs"),
        "{html}"
    );
    let territory = node.stored_territory("fablab").await;
    assert_eq!(node.store.territory_move(territory.id).await.unwrap(), None);
    // Without the session's token: refused.
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/move",
        &[("target", &stranger)],
    )
    .await;
    assert!((400..500).contains(&status), "{status}");
}

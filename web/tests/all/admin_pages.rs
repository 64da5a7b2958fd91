//! The management pages over real HTTP, as a browser without JavaScript uses them: the
//! node admin's federation page (blocks take effect), an editor approving a follow request
//! from a Mastodon-shaped peer, following and unfollowing, hiding a reply, and editing the
//! territory's profile through the API's validation. Every POST without its CSRF token is
//! refused.

use crate::common;

use common::Node;
use common::mastodon::FakeMastodon;
use common::pages::{PASSWORD, attr_of, browser, get, login, node_with_editor, post, text_of};
use reqwest::Method;
use rhizome_node::network::Scope;
use rhizome_node::social::FollowState;
use serde_json::{Value, json};

/// A node with the territory `fablab`, an admin (`admin`, with a token) and `camille`,
/// editor of the territory only.
async fn node() -> (Node, String) {
    node_with_editor(
        json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
        "description": "Un atelier partagé",
        "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
        "themes": ["science_digital"], "languages": ["fr"]}),
    )
    .await
}

/// A browser: keeps cookies, does not follow redirects (the tests look at them).
/// Logs `username` in and returns the session's CSRF token.
async fn login_as(client: &reqwest::Client, node: &Node, username: &str) -> String {
    login(client, node, username, PASSWORD).await
}

#[tokio::test]
async fn the_federation_page_is_for_admins_and_blocks_take_effect() {
    let (node, _) = node().await;
    let editor = browser();
    login_as(&editor, &node, "camille").await;
    let (status, html) = get(&editor, &node, "/manage").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("/manage/federation"),
        "no federation link for editors"
    );
    assert!(html.contains("/manage/t/fablab/followers"), "{html}");
    assert_eq!(get(&editor, &node, "/manage/federation").await.0, 403);
    let editor_csrf = attr_of(&html, "input[name=csrf]", "value").unwrap();
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/federation/block",
        &[("csrf", &editor_csrf), ("domain", "spam.example")],
    )
    .await;
    assert_eq!(status, 403, "an editor cannot block");
    // Nor through the use case the page and the command line share.
    let editor_principal = rhizome_node::Principal {
        member: node
            .store
            .member_by_username("camille")
            .await
            .unwrap()
            .unwrap(),
        editor_of: vec![],
    };
    let refused = (node.federation().actions())
        .block_domain(&editor_principal, "spam.example", "spam")
        .await;
    assert!(
        matches!(
            refused,
            Err(rhizome_node::action::ActionError::Forbidden(_))
        ),
        "{refused:?}"
    );
    assert!(node.store.blocked_domains().await.unwrap().is_empty());
    assert_eq!(
        get(&browser(), &node, "/manage/federation").await.0,
        303,
        "visitors are sent to the login form"
    );

    let admin = browser();
    let csrf = login_as(&admin, &node, "admin").await;
    let (_, dashboard) = get(&admin, &node, "/manage").await;
    assert!(dashboard.contains("href=\"/manage/federation\""));
    let (status, html) = get(&admin, &node, "/manage/federation").await;
    assert_eq!(status, 200, "{html}");
    assert!(text_of(&html, "dl.facts").contains('0'));

    // Without the token, nothing happens.
    let (status, _, _) = post(
        &admin,
        &node,
        "/manage/federation/block",
        &[("domain", "spam.example"), ("reason", "spam")],
    )
    .await;
    assert_eq!(status, 403);
    assert!(node.store.blocked_domains().await.unwrap().is_empty());

    // Not a domain: the error is beside the field, with what was typed.
    let (status, html, _) = post(
        &admin,
        &node,
        "/manage/federation/block",
        &[
            ("csrf", &csrf),
            ("domain", "spam example/x"),
            ("reason", "spam"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(!text_of(&html, "#domain-error").is_empty(), "{html}");
    assert_eq!(
        attr_of(&html, "#domain", "value").as_deref(),
        Some("spam example/x")
    );

    let (status, _, location) = post(
        &admin,
        &node,
        "/manage/federation/block",
        &[
            ("csrf", &csrf),
            ("domain", "https://Spam.Example/"),
            ("reason", "spam"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/federation?done=blocked"))
    );
    assert_eq!(
        node.store.blocked_domains().await.unwrap(),
        vec!["spam.example".to_owned()]
    );
    assert!(
        node.federation().is_blocked("spam.example").await,
        "the block takes effect at once"
    );
    let (_, html) = get(&admin, &node, "/manage/federation?done=blocked").await;
    assert!(text_of(&html, ".admin-list").contains("spam.example"));
    assert!(!text_of(&html, ".notice").is_empty());

    let (status, _, _) = post(
        &admin,
        &node,
        "/manage/federation/unblock",
        &[("domain", "spam.example")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &admin,
        &node,
        "/manage/federation/unblock",
        &[("csrf", &csrf), ("domain", "spam.example")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(node.store.blocked_domains().await.unwrap().is_empty());
    assert!(!node.federation().is_blocked("spam.example").await);
}

#[tokio::test]
async fn an_editor_approves_a_follow_request_and_follows_another_actor() {
    let (node, admin_token) = node().await;
    let (status, _) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(&admin_token),
            Some(json!({"manually_approves_followers": true})),
        )
        .await;
    assert_eq!(status, 200);
    // A real follow request, signed by a Mastodon-shaped server.
    let masto = FakeMastodon::start().await;
    let follow = masto.fixture("follow.json", &node.base, "");
    let (status, body) = masto
        .post("alice", &node.url("/t/fablab/inbox"), &follow)
        .await;
    assert_eq!(status, 202, "{body}");
    let territory = node.stored_territory("fablab").await;
    let alice = masto.actor_id("alice");
    let followers = node.store.followers(territory.id, 10, 0).await.unwrap();
    assert_eq!(followers[0].state, FollowState::Pending);

    let editor = browser();
    let csrf = login_as(&editor, &node, "camille").await;
    let (status, html) = get(&editor, &node, "/manage/t/fablab/followers").await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        attr_of(&html, "input[name=actor]", "value").as_deref(),
        Some(alice.as_str())
    );

    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/followers",
        &[("actor", &alice), ("decision", "approve")],
    )
    .await;
    assert_eq!(status, 403, "no CSRF token");
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/followers",
        &[("csrf", &csrf), ("actor", &alice), ("decision", "maybe")],
    )
    .await;
    assert_eq!(status, 400);
    let (status, _, location) = post(
        &editor,
        &node,
        "/manage/t/fablab/followers",
        &[("csrf", &csrf), ("actor", &alice), ("decision", "approve")],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/t/fablab/followers?done=approved"))
    );
    let followers = node.store.followers(territory.id, 10, 0).await.unwrap();
    assert_eq!(followers[0].state, FollowState::Accepted);
    let accept = masto
        .wait_for("Accept after approval from the page", |a| {
            a["type"] == "Accept"
        })
        .await;
    assert_eq!(accept["object"]["id"], follow["id"]);
    let (_, html) = get(&editor, &node, "/manage/t/fablab/followers").await;
    assert!(attr_of(&html, "input[name=actor]", "name").is_none());
    assert!(text_of(&html, ".admin-list").contains("alice"), "{html}");

    // Following: an empty address is refused beside the field; a scoped follow is sent.
    let (status, html, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/following",
        &[("csrf", &csrf), ("target", " "), ("kinds", "event")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(!text_of(&html, "#target-error").is_empty(), "{html}");
    assert!(
        attr_of(&html, "input[name=kinds][value=event]", "checked").is_some(),
        "ticked boxes stay ticked"
    );
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/following",
        &[("target", &alice)],
    )
    .await;
    assert_eq!(status, 403);
    let (status, html, location) = post(
        &editor,
        &node,
        "/manage/t/fablab/following",
        &[
            ("csrf", &csrf),
            ("target", &alice),
            ("kinds", "event"),
            ("themes", "climate"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(
        location.as_deref(),
        Some("/manage/t/fablab/followers?done=followed")
    );
    let followings = node.store.followings(territory.id).await.unwrap();
    assert_eq!(followings.len(), 1);
    assert_eq!(followings[0].target_id, alice);
    let scope: Scope =
        serde_json::from_value(json!({"kinds": ["event"], "themes": ["climate"]})).unwrap();
    assert_eq!(followings[0].scope, scope);
    masto
        .wait_for("Follow from the page", |a| a["type"] == "Follow")
        .await;

    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/unfollow",
        &[("target", &alice)],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/unfollow",
        &[("csrf", &csrf), ("target", &alice)],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        node.store
            .followings(territory.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Visitors are sent to log in; an unknown territory is not found.
    assert_eq!(
        get(&browser(), &node, "/manage/t/fablab/followers").await.0,
        303
    );
    assert_eq!(
        get(&editor, &node, "/manage/t/nowhere/followers").await.0,
        404
    );
}

#[tokio::test]
async fn an_editor_hides_a_reply_and_it_leaves_the_public_page() {
    let (node, admin_token) = node().await;
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin_token),
            Some(
                json!({"title": "Repair café", "starts_at": "2031-12-02T18:00",
                "ends_at": "2031-12-02T21:00", "format": "online",
                "online_url": "https://visio.example/repair"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let event_id = body["id"].as_str().unwrap().to_owned();
    let masto = FakeMastodon::start().await;
    let reply = masto.fixture("create_note.json", &node.base, &event_id);
    let (status, body) = masto.post("alice", &node.url("/inbox"), &reply).await;
    assert_eq!(status, 202, "{body}");
    let event_page = format!("/events/{event_id}");
    let (_, html) = get(&browser(), &node, &event_page).await;
    assert!(text_of(&html, ".comment").contains("grille-pain"), "{html}");

    let editor = browser();
    let csrf = login_as(&editor, &node, "camille").await;
    let (status, html) = get(&editor, &node, "/manage/t/fablab/comments").await;
    assert_eq!(status, 200);
    assert!(text_of(&html, ".comment").contains("grille-pain"), "{html}");
    let comment = attr_of(&html, "input[name=comment]", "value").unwrap();

    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/comments",
        &[("comment", &comment)],
    )
    .await;
    assert_eq!(status, 403, "no CSRF token");
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/t/fablab/comments",
        &[("csrf", &csrf), ("comment", "not-an-id")],
    )
    .await;
    assert_eq!(status, 404);
    // The use case the page and the API call refuses a member who does not edit the
    // territory, and the reply stays.
    let territory = node.stored_territory("fablab").await;
    let stranger = rhizome_node::Principal {
        member: rhizome_node::Member::new("stranger", "a long enough password", false).unwrap(),
        editor_of: vec![],
    };
    let refused = (node.federation().actions())
        .hide_comment(&stranger, &territory, comment.parse().unwrap())
        .await;
    assert!(
        matches!(
            refused,
            Err(rhizome_node::action::ActionError::Forbidden(_))
        ),
        "{refused:?}"
    );
    let (_, html) = get(&browser(), &node, &event_page).await;
    assert!(html.contains("grille-pain"), "{html}");
    let (status, _, location) = post(
        &editor,
        &node,
        "/manage/t/fablab/comments",
        &[("csrf", &csrf), ("comment", &comment)],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/t/fablab/comments?done=hidden"))
    );
    let (_, html) = get(&browser(), &node, &event_page).await;
    assert!(!html.contains("grille-pain"), "{html}");
    let (_, html) = get(&editor, &node, "/manage/t/fablab/comments").await;
    assert!(!html.contains("grille-pain"));
}

#[tokio::test]
async fn the_profile_form_goes_through_the_api_validation() {
    let (node, _) = node().await;
    let editor = browser();
    let csrf = login_as(&editor, &node, "camille").await;
    let (status, html) = get(&editor, &node, "/manage/t/fablab/settings").await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        attr_of(&html, "#name", "value").as_deref(),
        Some("Fablab de Poitiers")
    );
    assert_eq!(
        attr_of(&html, "#place-latitude", "value").as_deref(),
        Some("46.58")
    );
    assert!(attr_of(&html, "input[name=languages][value=fr]", "checked").is_some());

    let form = |latitude: &str, csrf: Option<&str>| -> Vec<(String, String)> {
        let mut form: Vec<(String, String)> = csrf
            .map(|c| ("csrf".to_owned(), c.to_owned()))
            .into_iter()
            .collect();
        for (k, v) in [
            ("name", "Fablab du Grand Poitiers"),
            ("description", "Un atelier partagé, ouvert à tous"),
            ("place.address", "Poitiers"),
            ("place.latitude", latitude),
            ("place.longitude", "0.34"),
            ("themes", "climate"),
            ("themes", "science_digital"),
            ("languages", "fr"),
            ("website", "https://fablab.example"),
            ("manually_approves_followers", "on"),
        ] {
            form.push((k.to_owned(), v.to_owned()));
        }
        form
    };
    let settings = async |form: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post(&editor, &node, "/manage/t/fablab/settings", &pairs).await
    };

    assert_eq!(settings(form("46.6", None)).await.0, 403, "no CSRF token");

    let (status, html, _) = settings(form("123", Some(&csrf))).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        !text_of(&html, "#place-latitude-error").is_empty(),
        "the error is beside the latitude: {html}"
    );
    assert_eq!(
        attr_of(&html, "#place-latitude", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr_of(&html, "#place-latitude", "value").as_deref(),
        Some("123")
    );
    assert_eq!(
        attr_of(&html, "#name", "value").as_deref(),
        Some("Fablab du Grand Poitiers"),
        "what was typed is kept"
    );
    assert!(attr_of(&html, "input[name=themes][value=climate]", "checked").is_some());
    let (_, public) = get(&browser(), &node, "/t/fablab").await;
    assert!(public.contains("Fablab de Poitiers"), "nothing was saved");

    let (status, html, location) = settings(form("46,6", Some(&csrf))).await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(
        location.as_deref(),
        Some("/manage/t/fablab/settings?done=saved")
    );
    let (_, public) = get(&browser(), &node, "/t/fablab").await;
    assert!(public.contains("Fablab du Grand Poitiers"), "{public}");
    let (_, api) = node
        .send(Method::GET, "/api/v1/territories/fablab", None, None)
        .await;
    assert_eq!(api["place"]["latitude"], 46.6);
    assert_eq!(api["manually_approves_followers"], true);
    assert_eq!(api["themes"], json!(["climate", "science_digital"]));
    assert_eq!(api["slug"], "fablab");
    assert_eq!(
        api["kind"],
        Value::from("fablab"),
        "what the form does not show stays"
    );
}

/// The inventory is typed one entry a line, `#tags` after the label; a bad tag is shown
/// beside its box and nothing is saved; the territory page shows what was saved.
#[tokio::test]
async fn a_territory_declares_what_it_shares_and_seeks() {
    let (node, _) = node().await;
    let editor = browser();
    let csrf = login_as(&editor, &node, "camille").await;
    let form = |shares: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Fablab de Poitiers".to_owned()),
            ("languages", "fr".to_owned()),
            ("inventory.shares", shares.to_owned()),
            (
                "inventory.seeks",
                "Bénévoles pour le repair café\r\n\r\nMentorat #accompagnement".to_owned(),
            ),
        ]
    };
    let post_form = async |f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&editor, &node, "/manage/t/fablab/settings", &pairs).await
    };

    let (status, html, _) = post_form(form("Découpeuse laser #pas/un-tag")).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        !text_of(&html, "#inventory-shares-error").is_empty(),
        "{html}"
    );
    let (_, api) = node
        .send(Method::GET, "/api/v1/territories/fablab", None, None)
        .await;
    assert_eq!(api.get("inventory"), None, "nothing saved: {api}");

    let (status, html, _) = post_form(form(
        "Découpeuse laser #équipement #fablab\nSalle 30 places #salle",
    ))
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, api) = node
        .send(Method::GET, "/api/v1/territories/fablab", None, None)
        .await;
    assert_eq!(
        api["inventory"],
        json!({
            "shares": [{"label": "Découpeuse laser", "tags": ["équipement", "fablab"]},
                       {"label": "Salle 30 places", "tags": ["salle"]}],
            "seeks": [{"label": "Bénévoles pour le repair café", "tags": []},
                      {"label": "Mentorat", "tags": ["accompagnement"]}]
        })
    );
    let (_, html) = get(&editor, &node, "/manage/t/fablab/settings").await;
    assert_eq!(
        text_of(&html, "#inventory-shares"),
        "Découpeuse laser #équipement #fablab\nSalle 30 places #salle"
    );
    let (_, public) = get(&browser(), &node, "/t/fablab").await;
    let shares = text_of(&public, ".inventory-shares");
    assert!(
        shares.contains("Découpeuse laser") && shares.contains("#fablab"),
        "{public}"
    );
    assert!(
        text_of(&public, ".inventory-seeks").contains("Mentorat"),
        "{public}"
    );
}

#[tokio::test]
async fn a_report_from_mastodon_reaches_the_admins_who_resolve_it() {
    let (node, admin_token) = node().await;
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/resources",
            Some(&admin_token),
            Some(json!({"title": "Guide", "type": "guide"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let masto = FakeMastodon::start().await;
    let flag = masto.fixture("flag.json", &node.base, "some-event");
    let (status, body) = masto.post("alice", &node.url("/inbox"), &flag).await;
    assert_eq!(status, 202, "{body}");
    // Delivered twice: kept once.
    masto.post("alice", &node.url("/inbox"), &flag).await;
    // A report about nothing of ours is not kept.
    let mut foreign = flag.clone();
    foreign["id"] = json!(format!("{}/flags/2", masto.base()));
    foreign["object"] = json!(["https://elsewhere.example/notes/1"]);
    masto.post("alice", &node.url("/inbox"), &foreign).await;
    let reports = node.store.reports(true, 10).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].objects.len(), 2, "only our objects are kept");

    let admin = browser();
    let csrf = login_as(&admin, &node, "admin").await;
    let (_, html) = get(&admin, &node, "/manage/federation").await;
    let shown = text_of(&html, ".report");
    assert!(
        shown.contains("Spam: <b>this</b> event"),
        "shown as text: {shown}"
    );
    assert!(!html.contains("<b>this</b>"), "never as markup");
    let action = attr_of(&html, ".report form", "action").unwrap();
    let (status, _, _) = post(&admin, &node, &action, &[]).await;
    assert_eq!(status, 403, "no CSRF token");
    let (status, _, location) = post(&admin, &node, &action, &[("csrf", &csrf)]).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/federation?done=resolved"))
    );
    assert!(node.store.reports(true, 10).await.unwrap().is_empty());
    assert_eq!(node.store.reports(false, 10).await.unwrap().len(), 1);
    // Editors do not see reports.
    let editor = browser();
    login_as(&editor, &node, "camille").await;
    assert_eq!(get(&editor, &node, "/manage/federation").await.0, 403);
}

#[tokio::test]
async fn an_admin_hides_a_remote_publication_for_good() {
    let (node, _) = node().await;
    let object = json!({
        "id": "https://elsewhere.example/events/1", "type": "Event",
        "attributedTo": "https://elsewhere.example/t/spam",
        "name": "Vente de montres", "startTime": "2031-01-01T10:00:00Z", "endTime": "2031-01-01T12:00:00Z"
    });
    let remote = |updated: &str| rhizome_node::network::RemotePublication {
        id: "https://elsewhere.example/events/1".into(),
        actor_id: "https://elsewhere.example/t/spam".into(),
        kind: rhizome_node::PublicationKind::Event,
        title: "Vente de montres".into(),
        starts_at: Some("2031-01-01T10:00:00Z".parse().unwrap()),
        ends_at: Some("2031-01-01T12:00:00Z".parse().unwrap()),
        object: object.clone(),
        published: "2030-01-01T00:00:00Z".parse().unwrap(),
        updated: updated.parse().unwrap(),
        deleted_at: None,
        facts: rhizome_federation::astointernal::facts::remote_facts(&object),
    };
    assert!(
        node.store
            .upsert_remote_publication(&remote("2030-01-01T00:00:00Z"))
            .await
            .unwrap()
    );
    let admin = browser();
    let csrf = login_as(&admin, &node, "admin").await;
    let (_, html) = get(&admin, &node, "/events").await;
    assert!(text_of(&html, ".items").contains("Vente de montres"));
    let form = [
        ("csrf", csrf.as_str()),
        ("id", "https://elsewhere.example/events/1"),
        ("back", "/events"),
    ];
    // Editors may not; admins may, with the token.
    let editor = browser();
    let editor_csrf = login_as(&editor, &node, "camille").await;
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/network/hide",
        &[("csrf", &editor_csrf), form[1], form[2]],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(&admin, &node, "/manage/network/hide", &form[1..]).await;
    assert_eq!(status, 403, "no CSRF token");
    let (status, _, location) = post(&admin, &node, "/manage/network/hide", &form).await;
    assert_eq!((status, location.as_deref()), (303, Some("/events")));
    let (_, html) = get(&admin, &node, "/events").await;
    assert!(!html.contains("Vente de montres"));
    // A newer version delivered again does not bring it back.
    assert!(
        !node
            .store
            .upsert_remote_publication(&remote("2030-02-01T00:00:00Z"))
            .await
            .unwrap()
    );
    let (_, html) = get(&admin, &node, "/events").await;
    assert!(!html.contains("Vente de montres"));
}

#[tokio::test]
async fn admins_name_and_present_the_node_from_its_pages() {
    let (node, _) = node().await;
    let editor = browser();
    let editor_csrf = login_as(&editor, &node, "camille").await;
    assert_eq!(get(&editor, &node, "/manage/node").await.0, 403);
    let (status, _, _) = post(
        &editor,
        &node,
        "/manage/node",
        &[("csrf", &editor_csrf), ("name", "Pris")],
    )
    .await;
    assert_eq!(status, 403);

    let admin = browser();
    let csrf = login_as(&admin, &node, "admin").await;
    let (status, html) = get(&admin, &node, "/manage/node").await;
    assert_eq!(status, 200);
    assert!(
        text_of(&html, ".hint").contains(&node.host()),
        "the default name is shown"
    );
    let long = "x".repeat(101);
    let (status, html, _) = post(
        &admin,
        &node,
        "/manage/node",
        &[("csrf", &csrf), ("name", &long), ("about", "Bonjour")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(text_of(&html, "#name-error"), "100 caractères au plus");
    assert_eq!(
        text_of(&html, "#about"),
        "Bonjour",
        "what was typed is kept"
    );
    let (status, _, location) = post(
        &admin,
        &node,
        "/manage/node",
        &[
            ("csrf", &csrf),
            ("name", "Réseau des tiers-lieux"),
            ("about", "Le **réseau** <script>alert(1)</script>"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/node?done=saved"))
    );
    let (_, home) = get(&browser(), &node, "/").await;
    assert_eq!(text_of(&home, "header .brand"), "Réseau des tiers-lieux");
    assert!(text_of(&home, ".about").contains("réseau"));
    assert!(!home.contains("<script>alert(1)"));
    // Emptied, the configuration's name is back.
    post(
        &admin,
        &node,
        "/manage/node",
        &[("csrf", &csrf), ("name", ""), ("about", "")],
    )
    .await;
    let (_, home) = get(&browser(), &node, "/").await;
    assert_eq!(text_of(&home, "header .brand"), node.host());
}

#[tokio::test]
async fn node_settings_refuse_control_characters() {
    let (node, _) = node().await;
    let admin = browser();
    let csrf = login_as(&admin, &node, "admin").await;
    for (name, about, field) in [
        ("Ré\u{0}seau", "Bonjour", "name"),
        ("Réseau\nbis", "Bonjour", "name"),
        ("Réseau", "Bon\u{0}jour", "about"),
    ] {
        let (status, html, _) = post(
            &admin,
            &node,
            "/manage/node",
            &[("csrf", &csrf), ("name", name), ("about", about)],
        )
        .await;
        assert_eq!(status, 422, "{name:?} {about:?}");
        assert!(
            !text_of(&html, &format!("#{field}-error")).is_empty(),
            "{field} named: {html}"
        );
    }
    assert!(node.store.node_settings().await.unwrap().is_empty());
    let (status, _, _) = post(
        &admin,
        &node,
        "/manage/node",
        &[
            ("csrf", &csrf),
            ("name", "Réseau"),
            ("about", "Deux\r\nlignes"),
        ],
    )
    .await;
    assert_eq!(status, 303, "line breaks pass in the presentation");
}

/// A form posted with its CSRF token but missing what the action needs, or with bytes that
/// are not a form, is refused with 422 before anything is done; without the token, 403.
#[tokio::test]
async fn a_malformed_form_is_refused_before_anything_is_done() {
    let (node, _) = node().await;
    let editor = browser();
    let csrf = login_as(&editor, &node, "camille").await;
    let path = "/manage/t/fablab/unfollow";
    let (status, html, _) = post(&editor, &node, path, &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, 422, "no target: {html}");
    let (status, _, _) = post(&editor, &node, path, &[("target", "https://x.example/t/a")]).await;
    assert_eq!(status, 403, "no token");
    let response = editor
        .post(node.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", node.base.clone())
        .body(format!("csrf={csrf}&target=%FF%FE&&&=="))
        .send()
        .await
        .unwrap();
    // Not UTF-8 once decoded: read lossily, it names no subscription (404), never a 500.
    assert!(
        matches!(response.status().as_u16(), 404 | 422),
        "{}",
        response.status()
    );
    let fablab = node
        .store
        .territory_by_slug("fablab")
        .await
        .unwrap()
        .unwrap();
    assert!(node.store.followings(fablab.id).await.unwrap().is_empty());
}

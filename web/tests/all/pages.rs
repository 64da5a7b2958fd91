//! The HTML pages over real HTTP, as a browser without JavaScript uses them: every page
//! renders in every offered language (French, English, Spanish, Arabic), an editor logs
//! in and publishes through the forms (CSRF and validation included), a visitor
//! registers, hostile text stays inert.

use crate::common;

use common::Node;
use common::pages::{PASSWORD, attr_of, browser, get, login, node_with_editor, post, text_of};
use reqwest::Method;
use rhizome_node::member::{LinkPurpose, OneTimeLink};
use serde_json::{Value, json};

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
  "themes": ["science_digital"], "languages": ["fr"]}"#;

/// A node with a territory, an admin token and an editor `camille` of the territory.
async fn node() -> (Node, String) {
    node_with_editor(serde_json::from_str(FABLAB).unwrap()).await
}

async fn create_event(node: &Node, token: &str, extra: Value) -> String {
    let mut event = json!({
        "title": "Repair café", "description": "Apportez vos **objets** cassés",
        "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
        "place": {"name": "La Fabrique", "address": "1 rue de la Paix, Poitiers", "latitude": 46.58, "longitude": 0.34},
        "capacity": 20, "registration": {"mode": "open"}, "themes": ["climate"]
    });
    json_patch::merge(&mut event, &extra);
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(token),
            Some(event),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// Logs the editor `camille` in; returns the session's CSRF token.
async fn login_editor(client: &reqwest::Client, node: &Node) -> String {
    login(client, node, "camille", PASSWORD).await
}

#[tokio::test]
async fn every_page_renders_in_french_and_english() {
    let (node, admin) = node().await;
    let id = create_event(&node, &admin, json!({})).await;
    let french = browser();
    let (status, home) = get(&french, &node, "/").await;
    assert_eq!(status, 200);
    assert_eq!(attr_of(&home, "html", "lang").as_deref(), Some("fr"));
    assert!(text_of(&home, "main").contains("Fablab de Poitiers"));
    assert!(text_of(&home, ".items").contains("mardi 3 décembre 2030, 18:00–21:00"));
    assert!(text_of(&home, "h2").contains("Agenda à venir"));
    assert!(
        attr_of(&home, "#map", "data-points")
            .unwrap()
            .contains("Fablab de Poitiers")
    );

    let (status, territory) = get(&french, &node, "/t/fablab").await;
    assert_eq!(status, 200);
    assert!(text_of(&territory, "code#handle").contains(&format!("@fablab@{}", node.host())));
    assert!(text_of(&territory, "#upcoming ~ ul, .items").contains("Repair café"));

    let (status, event) = get(&french, &node, &format!("/events/{id}")).await;
    assert_eq!(status, 200);
    assert!(text_of(&event, ".facts").contains("20 places restantes"));
    assert!(text_of(&event, ".facts").contains("La Fabrique, 1 rue de la Paix, Poitiers"));
    assert!(
        text_of(&event, ".prose").contains("objets"),
        "Markdown is rendered"
    );
    assert!(
        attr_of(&event, "#map", "data-points")
            .unwrap()
            .contains("46.58")
    );
    assert_eq!(
        attr_of(&event, "a.button[href$='event.ics']", "href"),
        Some(format!("/events/{id}/event.ics"))
    );

    for (path, want) in [("/login", 200), ("/nope/1", 404), ("/t/nowhere", 404)] {
        assert_eq!(get(&french, &node, path).await.0, want, "{path}");
    }
    let (status, _) = get(&french, &node, "/manage").await;
    assert_eq!(status, 303, "the editors' pages need a login");

    // The browser's language is honoured, and the switcher's choice wins over it.
    let english = browser();
    let response = english
        .get(node.url("/"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let page = response.text().await.unwrap();
    assert_eq!(attr_of(&page, "html", "lang").as_deref(), Some("en"));
    assert!(text_of(&page, ".items").contains("Tuesday 3 December 2030"));
    let (status, _) = get(&english, &node, "/lang/fr?next=/t/fablab").await;
    assert_eq!(status, 303);
    let response = english
        .get(node.url("/"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    let page = response.text().await.unwrap();
    assert_eq!(attr_of(&page, "html", "lang").as_deref(), Some("fr"));
    assert_eq!(get(&english, &node, "/lang/xx").await.0, 404);
}

/// Every message key of the catalogues (French is the reference).
fn message_keys() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../node/locales/fr");
    let mut keys = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        keys.extend(
            source
                .lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
                .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned())),
        );
    }
    assert!(keys.len() > 100);
    keys
}

/// The keys a page shows as they are (a message missing in every catalogue), in its text
/// or in its labels and hints. One-word keys ("copy", "free") are English words, so they
/// are only looked for in the other languages.
fn raw_keys<'k>(html: &str, keys: &'k [String], lang: &str) -> Vec<&'k str> {
    let page = scraper::Html::parse_document(html);
    let mut words = std::collections::BTreeSet::new();
    let mut add = |text: &str| {
        words.extend(
            text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .map(str::to_owned),
        );
    };
    for element in page.root_element().descendent_elements() {
        for attr in ["aria-label", "title", "placeholder", "alt"] {
            if let Some(value) = element.value().attr(attr) {
                add(value);
            }
        }
    }
    add(&page.root_element().text().collect::<String>());
    keys.iter()
        .filter(|k| k.contains('-') || lang != "en")
        .filter(|k| words.contains(k.as_str()))
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn every_page_renders_in_every_language() {
    let (node, admin) = node().await;
    let id = create_event(&node, &admin, json!({})).await;
    let keys = message_keys();
    let event = format!("/events/{id}");
    let edit = format!("/manage/events/{id}/edit");
    let invitation = LinkPurpose::Invitation {
        territory_id: None,
        admin: true,
    };
    let invite = issue_link(&node, invitation, false).await;
    let camille = node.store.member_by_username("camille").await.unwrap();
    let member_id = camille.unwrap().id;
    let reset = issue_link(&node, LinkPurpose::PasswordReset { member_id }, false).await;
    let gone = issue_link(&node, LinkPurpose::PasswordReset { member_id }, true).await;
    let public = [
        ("/", 200),
        ("/t/fablab", 200),
        (event.as_str(), 200),
        ("/events", 200),
        ("/resources", 200),
        ("/calls", 200),
        ("/network", 200),
        ("/map", 200),
        ("/login", 200),
        ("/nope/1", 404),
        ("/t/nowhere", 404),
        (invite.as_str(), 200),
        (reset.as_str(), 200),
        (gone.as_str(), 410),
    ];
    let managing = [
        "/manage",
        "/manage/t/fablab/events/new",
        "/manage/t/fablab/resources/new",
        "/manage/t/fablab/calls/new",
        edit.as_str(),
        "/manage/t/fablab/followers",
        "/manage/t/fablab/comments",
        "/manage/t/fablab/settings",
        "/manage/federation",
        "/manage/node",
        "/manage/invitations",
        "/manage/password",
    ];
    // Each language: its browser header, direction, and a few of its words on the pages
    // (a heading, a plural, a validation rule).
    let languages = [
        (
            "fr",
            "fr-FR,fr;q=0.9",
            "ltr",
            [
                "Agenda à venir",
                "20 places restantes",
                "doit être après le début",
            ],
        ),
        (
            "en",
            "en-GB,en;q=0.9",
            "ltr",
            [
                "Upcoming events",
                "20 places left",
                "must be after the start",
            ],
        ),
        (
            "es",
            "es-ES,es;q=0.9",
            "ltr",
            [
                "Próximos eventos",
                "quedan 20 plazas",
                "debe ser posterior al inicio",
            ],
        ),
        (
            "ar",
            "ar-MA,ar;q=0.9,fr;q=0.8",
            "rtl",
            [
                "الفعاليات القادمة",
                "بقي 20 مكانًا",
                "يجب أن يكون بعد البداية",
            ],
        ),
    ];
    for (lang, accept, dir, [upcoming, places, rule]) in languages {
        // The browser's language alone picks the page's language and direction.
        let response = browser()
            .get(node.url("/"))
            .header("Accept-Language", accept)
            .send()
            .await
            .unwrap();
        let home = response.text().await.unwrap();
        assert_eq!(attr_of(&home, "html", "lang").as_deref(), Some(lang));
        assert_eq!(attr_of(&home, "html", "dir").as_deref(), Some(dir));
        assert!(text_of(&home, "h2").contains(upcoming), "{lang}: {home}");

        // The switcher's choice, then every page, public and managing (as the admin).
        let client = browser();
        let (status, _) = get(&client, &node, &format!("/lang/{lang}?next=/")).await;
        assert_eq!(status, 303);
        let check = |path: &str, status: u16, want: u16, html: &str| {
            assert_eq!(status, want, "{lang} {path}");
            assert_eq!(
                attr_of(html, "html", "lang").as_deref(),
                Some(lang),
                "{path}"
            );
            assert_eq!(attr_of(html, "html", "dir").as_deref(), Some(dir), "{path}");
            let raw = raw_keys(html, &keys, lang);
            assert!(raw.is_empty(), "{lang} {path} shows keys {raw:?}");
        };
        for (path, want) in public {
            let (status, html) = get(&client, &node, path).await;
            check(path, status, want, &html);
        }
        let (_, html) = get(&client, &node, &event).await;
        assert!(text_of(&html, ".facts").contains(places), "{lang}: {html}");
        let (_, html) = get(&client, &node, "/").await;
        assert_eq!(
            text_of(&html, "ul.languages [lang]").split(" | ").count(),
            4,
            "the switcher offers the four languages"
        );
        assert_eq!(
            attr_of(&html, "ul.languages [aria-current]", "lang").as_deref(),
            Some(lang)
        );
        let csrf = login(&client, &node, "admin", PASSWORD).await;
        for path in managing {
            let (status, html) = get(&client, &node, path).await;
            check(path, status, 200, &html);
        }
        // A form sent back with a validation rule, in this language.
        let (status, html, _) = post(
            &client,
            &node,
            "/manage/t/fablab/events/new",
            &[
                ("title", "Atelier"),
                ("starts_at", "2030-06-10T14:00"),
                ("ends_at", "2030-06-10T13:00"),
                ("timezone", "Europe/Paris"),
                ("registration.mode", "none"),
                ("csrf", &csrf),
            ],
        )
        .await;
        check("/manage/t/fablab/events/new (invalid)", status, 422, &html);
        assert_eq!(text_of(&html, ".field.invalid .error"), rule, "{lang}");
    }
}

#[tokio::test]
async fn an_editor_publishes_edits_and_deletes_from_the_forms() {
    let (node, _) = node().await;
    let client = browser();
    // Wrong password: the form comes back with the name kept and a message.
    let (status, html, _) = post(
        &client,
        &node,
        "/login",
        &[("username", "camille"), ("password", "wrong")],
    )
    .await;
    assert_eq!(status, 401);
    assert!(text_of(&html, ".error").contains("incorrect"));
    assert_eq!(
        attr_of(&html, "#username", "value").as_deref(),
        Some("camille")
    );
    let token = login_editor(&client, &node).await;

    // Without the token, or from another site, nothing is published.
    let form = [
        ("title", "Atelier vélo"),
        ("starts_at", "2030-06-10T14:00"),
        ("ends_at", "2030-06-10T17:00"),
        ("place.name", "Garage solidaire"),
        ("themes", "mobility"),
        ("capacity", "8"),
        ("registration.mode", "open"),
        ("free", "on"),
        ("timezone", "Europe/Paris"),
    ];
    let (status, _, _) = post(&client, &node, "/manage/t/fablab/events/new", &form).await;
    assert_eq!(status, 403);
    let mut with_token = form.to_vec();
    with_token.push(("csrf", &token));
    let foreign = client
        .post(node.url("/manage/t/fablab/events/new"))
        .header("Origin", "https://evil.example")
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    assert_eq!(node.store.publication_count().await.unwrap(), 0);

    // A mistake: the error sits next to its field, and what was typed is kept.
    let mut wrong = with_token.clone();
    wrong[2] = ("ends_at", "2030-06-10T13:00");
    let (status, html, _) = post(&client, &node, "/manage/t/fablab/events/new", &wrong).await;
    assert_eq!(status, 422);
    assert_eq!(
        text_of(&html, ".field.invalid .error"),
        "doit être après le début"
    );
    assert_eq!(
        attr_of(&html, ".field.invalid input", "name").as_deref(),
        Some("ends_at")
    );
    assert_eq!(
        attr_of(&html, "#title", "value").as_deref(),
        Some("Atelier vélo")
    );
    assert_eq!(
        attr_of(&html, "input[name=themes][value=mobility]", "checked").as_deref(),
        Some("")
    );
    assert_eq!(node.store.publication_count().await.unwrap(), 0);
    // An event already over is a typing mistake in a form.
    let mut past = with_token.clone();
    past[1] = ("starts_at", "2020-06-10T14:00");
    past[2] = ("ends_at", "2020-06-10T17:00");
    let (status, html, _) = post(&client, &node, "/manage/t/fablab/events/new", &past).await;
    assert_eq!(status, 422);
    assert_eq!(
        text_of(&html, ".field.invalid .error"),
        "est déjà passée : vérifiez la date"
    );
    assert_eq!(node.store.publication_count().await.unwrap(), 0);

    // A preview shows the event as it will look, and publishes nothing.
    let mut preview = with_token.clone();
    preview.push(("preview", "1"));
    let (status, html, _) = post(&client, &node, "/manage/t/fablab/events/new", &preview).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&html, ".preview h2"), "Atelier vélo");
    assert!(text_of(&html, ".preview").contains("14:00–17:00"));
    assert_eq!(
        attr_of(&html, "#title", "value").as_deref(),
        Some("Atelier vélo")
    );
    assert_eq!(node.store.publication_count().await.unwrap(), 0);

    // Right: published, federated like an API publication, shown on its page.
    let (status, _, location) =
        post(&client, &node, "/manage/t/fablab/events/new", &with_token).await;
    assert_eq!(status, 303);
    let path = location.unwrap();
    let (_, html) = get(&client, &node, &path).await;
    assert_eq!(text_of(&html, "h1"), "Atelier vélo");
    assert!(text_of(&html, ".facts").contains("14:00–17:00"));
    assert!(text_of(&html, ".facts").contains("8 places"));
    let (_, home) = get(&client, &node, "/").await;
    assert!(text_of(&home, ".items").contains("Atelier vélo"));

    // The edit form shows local times; an edit keeps what the form does not show.
    let id = path.rsplit('/').next().unwrap();
    let (_, edit) = get(&client, &node, &format!("/manage/events/{id}/edit")).await;
    assert_eq!(
        attr_of(&edit, "#starts_at", "value").as_deref(),
        Some("2030-06-10T14:00")
    );
    let mut changed = with_token.clone();
    changed[0] = ("title", "Atelier vélo (complet)");
    changed.push(("status", "cancelled"));
    let (status, _, _) = post(
        &client,
        &node,
        &format!("/manage/events/{id}/edit"),
        &changed,
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = get(&client, &node, &path).await;
    assert_eq!(text_of(&html, "h1"), "Atelier vélo (complet)");
    assert!(text_of(&html, ".status").contains("Annulé"));

    // Delete: gone from the page (410) and the dashboard.
    let (status, _, _) = post(
        &client,
        &node,
        &format!("/manage/events/{id}/delete"),
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(get(&client, &node, &path).await.0, 410);

    // Logging out ends the session on the server too.
    let (status, _, _) = post(&client, &node, "/logout", &[("csrf", &token)]).await;
    assert_eq!(status, 303);
    assert_eq!(get(&client, &node, "/manage").await.0, 303);
}

#[tokio::test]
async fn an_editor_cannot_touch_another_territory() {
    let (node, admin) = node().await;
    node.territory(
        &admin,
        json!({"slug": "other", "name": "Autre lieu", "kind": "tiers_lieu"}),
    )
    .await;
    let id = {
        let (status, body) = node
            .send(
                Method::POST,
                "/api/v1/territories/other/resources",
                Some(&admin),
                Some(json!({"title": "Guide", "type": "guide"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    };
    let client = browser();
    let token = login_editor(&client, &node).await;
    assert_eq!(
        get(&client, &node, "/manage/t/other/events/new").await.0,
        403
    );
    assert_eq!(
        get(&client, &node, &format!("/manage/resources/{id}/edit"))
            .await
            .0,
        403
    );
    let (status, _, _) = post(
        &client,
        &node,
        &format!("/manage/resources/{id}/delete"),
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(node.store.publication_count().await.unwrap(), 1);
}

#[tokio::test]
async fn logins_are_rate_limited() {
    let (node, _) = node().await;
    let client = browser();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let (status, _, _) = post(
            &client,
            &node,
            "/login",
            &[("username", "camille"), ("password", "guess")],
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(&statuses[..5], &[401; 5]);
    assert_eq!(statuses[6], 429, "{statuses:?}");
    // Even the right password waits.
    let (status, html, _) = post(
        &client,
        &node,
        "/login",
        &[
            ("username", "camille"),
            ("password", "a long enough password"),
        ],
    )
    .await;
    assert_eq!(status, 429);
    assert!(text_of(&html, ".error").contains("Trop de tentatives"));
}

#[tokio::test]
async fn a_visitor_registers_then_waits_in_line_when_the_event_is_full() {
    let (node, admin) = node().await;
    let id = create_event(&node, &admin, json!({"capacity": 1})).await;
    let visitor = browser();
    let path = format!("/events/{id}/register");

    let (status, html, _) = post(
        &visitor,
        &node,
        &path,
        &[("name", "Alice"), ("email", "not an address")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(text_of(&html, "#reg-email-error").contains("adresse"));
    assert_eq!(
        attr_of(&html, "#reg-name", "value").as_deref(),
        Some("Alice")
    );

    let (status, html, _) = post(
        &visitor,
        &node,
        &path,
        &[("name", "Alice"), ("email", "alice@example.org")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(text_of(&html, ".notice-accepted").contains("inscrit"));
    assert!(text_of(&html, ".facts").contains("complet"));

    let (_, html, _) = post(
        &visitor,
        &node,
        &path,
        &[("name", "Bob"), ("email", "bob@example.org")],
    )
    .await;
    assert!(
        text_of(&html, ".notice-waitlisted").contains("liste d'attente"),
        "{html}"
    );
    let event_id = id.parse().unwrap();
    assert_eq!(node.store.participant_count(event_id).await.unwrap(), 1);

    // Who registered: for the organisers, never for visitors.
    let (_, public) = get(&visitor, &node, &format!("/events/{id}")).await;
    assert!(!public.contains("alice@example.org"));
    let organiser = browser();
    login_editor(&organiser, &node).await;
    let (_, html) = get(&organiser, &node, &format!("/events/{id}")).await;
    let table = text_of(&html, ".registrations");
    assert!(
        table.contains("Alice") && table.contains("alice@example.org"),
        "{table}"
    );
    assert!(
        table.contains("Acceptée") && table.contains("Liste d'attente"),
        "{table}"
    );
}

/// One rule for the page and the inbox: a cancelled event takes no registration, even
/// with places left and its form still posted to.
#[tokio::test]
async fn a_cancelled_event_refuses_visitors() {
    let (node, admin) = node().await;
    let id = create_event(
        &node,
        &admin,
        json!({"capacity": 10, "status": "cancelled"}),
    )
    .await;
    let (status, html, _) = post(
        &browser(),
        &node,
        &format!("/events/{id}/register"),
        &[("name", "Alice"), ("email", "alice@example.org")],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(text_of(&html, ".register").contains("closes"), "{html}");
    let event_id = id.parse().unwrap();
    assert!(node.store.registrations(event_id).await.unwrap().is_empty());
}

#[tokio::test]
async fn hostile_text_is_shown_as_text() {
    let (node, admin) = node().await;
    let id = create_event(
        &node,
        &admin,
        json!({"title": "<script>alert(1)</script>", "description": "<img src=x onerror=alert(2)> **ok**"}),
    )
    .await;
    let comment = rhizome_node::social::Comment {
        id: uuid::Uuid::now_v7(),
        publication_id: id.parse().unwrap(),
        ap_id: "https://mastodon.example/notes/1".into(),
        author_id: "https://mastodon.example/users/eve".into(),
        author_name: "<b>Eve</b>".into(),
        author_url: Some("javascript:alert(3)".into()),
        content_html: "<p>hi</p><script>alert(4)</script><a href=\"javascript:alert(5)\">x</a>"
            .into(),
        published: rhizome_node::now(),
        hidden: false,
    };
    node.store.insert_comment(&comment).await.unwrap();
    let response = browser()
        .get(node.url(&format!("/events/{id}")))
        .send()
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(!html.contains("javascript:alert(5)"), "{html}");
    assert!(!html.contains("javascript:alert(3)"), "{html}");
    assert!(text_of(&html, "h1").contains("<script>alert(1)</script>"));
    assert!(text_of(&html, ".comment").contains("hi"));
}

#[tokio::test]
async fn resources_and_calls_are_published_from_their_forms() {
    let (node, _) = node().await;
    let client = browser();
    let token = login_editor(&client, &node).await;
    for (collection, form) in [
        (
            "resources",
            vec![
                ("title", "Guide du repair café"),
                ("type", "guide"),
                ("summary", "Tout pour lancer le vôtre"),
                ("body", "## Étapes\n\n- trouver un lieu"),
                ("themes", "climate"),
                ("language", "fr"),
            ],
        ),
        (
            "calls",
            vec![
                ("type", "partners"),
                ("title", "Cherche bénévoles électroniciens"),
                ("description", "Pour nos samedis"),
                ("deadline", "2030-01-31"),
                ("status", "open"),
                ("language", "fr"),
            ],
        ),
    ] {
        let (_, blank) = get(
            &client,
            &node,
            &format!("/manage/t/fablab/{collection}/new"),
        )
        .await;
        for (name, _) in &form {
            assert!(
                attr_of(&blank, &format!("[name='{name}']"), "name").is_some(),
                "{collection} form lacks {name}"
            );
        }
        let mut form = form.clone();
        form.push(("csrf", &token));
        let (status, html, location) = post(
            &client,
            &node,
            &format!("/manage/t/fablab/{collection}/new"),
            &form,
        )
        .await;
        assert_eq!(status, 303, "{collection}: {html}");
        let (status, page) = get(&client, &node, &location.unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(
            text_of(&page, "h1"),
            form[if collection == "calls" { 1 } else { 0 }].1
        );
    }
}

#[tokio::test]
async fn network_lists_filter_and_page_from_the_query_string() {
    let (node, admin) = node().await;
    create_event(
        &node,
        &admin,
        json!({"title": "Réparation de vélos", "themes": ["mobility"]}),
    )
    .await;
    create_event(&node, &admin, json!({"title": "Fresque du climat", "starts_at": "2030-12-04T18:00", "ends_at": "2030-12-04T21:00"})).await;
    for i in 0..21 {
        let (status, body) = node
            .send(
                Method::POST,
                "/api/v1/territories/fablab/resources",
                Some(&admin),
                Some(json!({"title": format!("Fiche {i:02}"), "type": "guide"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let client = browser();
    let titles = |html: &str| text_of(html, ".items .title");

    let (status, html) = get(&client, &node, "/events").await;
    assert_eq!(status, 200);
    assert!(titles(&html).contains("Réparation de vélos") && titles(&html).contains("Fresque"));
    // Words without accents find accented titles; the form shows what was asked.
    let (_, html) = get(&client, &node, "/events?q=reparation").await;
    assert_eq!(titles(&html), "Réparation de vélos");
    assert_eq!(
        attr_of(&html, "#f-q", "value").as_deref(),
        Some("reparation")
    );
    let (_, html) = get(&client, &node, "/events?theme=climate&q=").await;
    assert_eq!(titles(&html), "Fresque du climat");
    let calendar = attr_of(&html, "a.calendar-link", "href").unwrap();
    assert_eq!(calendar, "/network/calendar.ics?theme=climate");
    let (status, ics) = get(&client, &node, &calendar).await;
    assert_eq!(status, 200);
    assert!(
        ics.contains("SUMMARY:Fresque du climat") && !ics.contains("vélos"),
        "{ics}"
    );
    let (_, html) = get(&client, &node, "/events?lat=46.58&lon=0.34&km=10").await;
    assert!(titles(&html).contains("Fresque"));
    let (_, html) = get(&client, &node, "/events?lat=48.85&lon=2.35&km=10").await;
    assert_eq!(titles(&html), "", "nothing within 10 km of Paris");
    let (status, html) = get(&client, &node, "/events?lat=46.58&km=10").await;
    assert_eq!(status, 400);
    assert!(text_of(&html, ".error").contains("latitude"));
    let (status, _) = get(&client, &node, "/events?from=yesterday").await;
    assert_eq!(status, 400);

    // 21 resources: a first page of 20 and a link to the rest, with the filters kept.
    let (_, html) = get(&client, &node, "/resources?q=fiche").await;
    assert_eq!(html.matches("class=\"item\"").count(), 20);
    let next = attr_of(&html, "a[rel=next]", "href").unwrap();
    assert_eq!(next, "/resources?q=fiche&offset=20");
    let (_, html) = get(&client, &node, &next).await;
    assert_eq!(html.matches("class=\"item\"").count(), 1);
    assert!(attr_of(&html, "a[rel=prev]", "href").is_some());

    let (status, html) = get(&client, &node, "/network?q=fablab").await;
    assert_eq!(status, 200);
    assert!(text_of(&html, ".cards").contains("Fablab de Poitiers"));
    let (_, html) = get(&client, &node, "/network?kind=tiers_lieu").await;
    assert!(!text_of(&html, "main").contains("Fablab de Poitiers"));
    let (status, html) = get(&client, &node, "/map").await;
    assert_eq!(status, 200);
    assert!(
        attr_of(&html, "#map", "data-points")
            .unwrap()
            .contains("Fablab de Poitiers")
    );
    assert!(text_of(&html, ".items").contains("Fresque du climat"));
}

/// A fresh browser logs in as camille with `new` and is refused with `old`.
async fn only_the_new_password_logs_in(node: &Node, old: &str, new: &str) {
    let fresh = browser();
    assert_eq!(login_as(&fresh, node, "camille", old).await, 401);
    assert_eq!(login_as(&fresh, node, "camille", new).await, 303);
}

async fn login_as(client: &reqwest::Client, node: &Node, username: &str, password: &str) -> u16 {
    let (status, _, _) = post(
        client,
        node,
        "/login",
        &[("username", username), ("password", password)],
    )
    .await;
    status
}

/// A link's path, with its token stored as the CLI or the admin page would.
async fn issue_link(node: &Node, purpose: LinkPurpose, expired: bool) -> String {
    let prefix = match purpose {
        LinkPurpose::Invitation { .. } => "invite",
        LinkPurpose::PasswordReset { .. } => "reset",
    };
    let (token, mut link) = OneTimeLink::issue(purpose);
    if expired {
        link.expires_at = rhizome_node::now() - chrono::Duration::minutes(1);
    }
    node.store.insert_link(&link).await.unwrap();
    format!("/{prefix}/{token}")
}

#[tokio::test]
async fn an_invitation_makes_an_editor_once() {
    let (node, _) = node().await;
    let fablab = node.stored_territory("fablab").await;
    let invite = issue_link(
        &node,
        LinkPurpose::Invitation {
            territory_id: Some(fablab.id),
            admin: false,
        },
        false,
    )
    .await;
    let client = browser();
    let (status, html) = get(&client, &node, &invite).await;
    assert_eq!(status, 200);
    assert!(
        text_of(&html, "main").contains("Fablab de Poitiers"),
        "{html}"
    );

    // Errors beside their field; the name is kept, the passwords never sent back.
    let form = |username: &'static str, password: &'static str, confirm: &'static str| {
        [
            ("username", username),
            ("password", password),
            ("confirm", confirm),
        ]
    };
    let (status, html, _) = post(
        &client,
        &node,
        &invite,
        &form(
            "dominique",
            "a long enough password",
            "a different password",
        ),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        text_of(&html, "#confirm-error").contains("pas identiques"),
        "{html}"
    );
    assert_eq!(text_of(&html, "#password-error"), "");
    assert_eq!(
        attr_of(&html, "input#username", "value").as_deref(),
        Some("dominique")
    );
    assert_eq!(attr_of(&html, "input#password", "value"), None);
    assert_eq!(attr_of(&html, "input#confirm", "value"), None);
    assert!(!html.contains("a long enough password"));

    let (status, html, _) = post(
        &client,
        &node,
        &invite,
        &form("dominique", "short", "short"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(text_of(&html, "#password-error").contains("10 caractères"));
    assert_eq!(
        attr_of(&html, "input#password", "aria-describedby").as_deref(),
        Some("password-hint password-error")
    );

    let (status, html, _) = post(
        &client,
        &node,
        &invite,
        &form(
            "camille",
            "a long enough password",
            "a long enough password",
        ),
    )
    .await;
    assert_eq!(status, 422);
    assert!(text_of(&html, "#username-error").contains("déjà pris"));

    // Another site cannot post it.
    let response = client
        .post(node.url(&invite))
        .header("Origin", "https://evil.example")
        .form(&form(
            "mallory",
            "a long enough password",
            "a long enough password",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        node.store.member_by_username("mallory").await.unwrap(),
        None
    );

    let (status, _, location) = post(
        &client,
        &node,
        &invite,
        &form(
            "dominique",
            "a long enough password",
            "a long enough password",
        ),
    )
    .await;
    assert_eq!((status, location.as_deref()), (303, Some("/manage")));
    let (status, html) = get(&client, &node, "/manage/t/fablab/events/new").await;
    assert_eq!(status, 200, "the new member edits the territory: {html}");
    let dominique = node
        .store
        .member_by_username("dominique")
        .await
        .unwrap()
        .unwrap();
    assert!(!dominique.is_admin);

    // Used: refused, whoever tries.
    let other = browser();
    let (status, html) = get(&other, &node, &invite).await;
    assert_eq!(status, 410);
    assert!(text_of(&html, "h1").contains("déjà servi"));
    let (status, _, _) = post(
        &other,
        &node,
        &invite,
        &form("eve", "a long enough password", "a long enough password"),
    )
    .await;
    assert_eq!(status, 410);
    assert_eq!(node.store.member_by_username("eve").await.unwrap(), None);

    // Expired, in the visitor's language; unknown.
    let expired = issue_link(
        &node,
        LinkPurpose::Invitation {
            territory_id: None,
            admin: true,
        },
        true,
    )
    .await;
    let response = other
        .get(node.url(&expired))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 410);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "h1").contains("expired"), "{html}");
    let (status, _, _) = post(
        &other,
        &node,
        &expired,
        &form("eve", "a long enough password", "a long enough password"),
    )
    .await;
    assert_eq!(status, 410);
    assert_eq!(node.store.member_by_username("eve").await.unwrap(), None);
    let (status, html) = get(&other, &node, &format!("/invite/{}", "0".repeat(64))).await;
    assert_eq!(status, 404);
    assert!(text_of(&html, "h1").contains("n'existe pas"));
}

#[tokio::test]
async fn a_reset_link_replaces_the_password_and_ends_sessions() {
    let (node, _) = node().await;
    let before = browser();
    login_editor(&before, &node).await;
    assert_eq!(get(&before, &node, "/manage").await.0, 200);
    let camille = node
        .store
        .member_by_username("camille")
        .await
        .unwrap()
        .unwrap();
    let reset = issue_link(
        &node,
        LinkPurpose::PasswordReset {
            member_id: camille.id,
        },
        false,
    )
    .await;

    let client = browser();
    let (status, html) = get(&client, &node, &reset).await;
    assert_eq!(status, 200);
    assert!(text_of(&html, "main").contains("camille"));
    let (status, html, _) = post(
        &client,
        &node,
        &reset,
        &[
            ("password", "my new long password"),
            ("confirm", "my new long passwort"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(text_of(&html, "#confirm-error").contains("pas identiques"));
    let (status, _, location) = post(
        &client,
        &node,
        &reset,
        &[
            ("password", "my new long password"),
            ("confirm", "my new long password"),
        ],
    )
    .await;
    assert_eq!((status, location.as_deref()), (303, Some("/manage")));
    assert_eq!(
        get(&client, &node, "/manage").await.0,
        200,
        "logged in afresh"
    );

    assert_eq!(
        get(&before, &node, "/manage").await.0,
        303,
        "the session opened before the reset is over"
    );
    only_the_new_password_logs_in(&node, "a long enough password", "my new long password").await;

    let (status, _, _) = post(
        &browser(),
        &node,
        &reset,
        &[
            ("password", "a third long password"),
            ("confirm", "a third long password"),
        ],
    )
    .await;
    assert_eq!(status, 410, "a reset link works once");
}

#[tokio::test]
async fn members_change_their_password() {
    let (node, _) = node().await;
    let client = browser();
    login_editor(&client, &node).await;
    let other_device = browser();
    login_editor(&other_device, &node).await;
    let (status, html) = get(&client, &node, "/manage/password").await;
    assert_eq!(status, 200);
    let token = attr_of(&html, "input[name=csrf]", "value").unwrap();
    let change = |current: &'static str, new: &'static str| {
        vec![
            ("current", current.to_owned()),
            ("password", new.to_owned()),
            ("confirm", new.to_owned()),
        ]
    };
    let send = async |form: Vec<(&'static str, String)>| {
        let response = client
            .post(node.url("/manage/password"))
            .header("Origin", node.base.clone())
            .form(&form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    let (status, _) = send(change("a long enough password", "my new long password")).await;
    assert_eq!(status, 403, "no CSRF token");
    let mut form = change("not my password", "my new long password");
    form.push(("csrf", token.clone()));
    let (status, html) = send(form).await;
    assert_eq!(status, 422);
    assert!(text_of(&html, "#current-error").contains("mot de passe actuel"));
    let mut form = change("a long enough password", "my new long password");
    form.push(("csrf", token));
    let (status, html) = send(form).await;
    assert_eq!(status, 200);
    assert!(text_of(&html, ".notice").contains("Mot de passe changé"));
    assert_eq!(
        get(&client, &node, "/manage").await.0,
        200,
        "this session stays"
    );
    assert_eq!(
        get(&other_device, &node, "/manage").await.0,
        303,
        "others end"
    );
    only_the_new_password_logs_in(&node, "a long enough password", "my new long password").await;
}

#[tokio::test]
async fn admins_create_invitations_from_the_web() {
    let (node, _) = node().await;
    let editor = browser();
    login_editor(&editor, &node).await;
    assert_eq!(get(&editor, &node, "/manage/invitations").await.0, 403);

    let admin = browser();
    assert_eq!(
        login_as(&admin, &node, "admin", "a long enough password").await,
        303
    );
    let (status, html) = get(&admin, &node, "/manage/invitations").await;
    assert_eq!(status, 200);
    let token = attr_of(&html, "input[name=csrf]", "value").unwrap();
    let (status, html, _) = post(
        &admin,
        &node,
        "/manage/invitations",
        &[("territory", "fablab"), ("csrf", &token)],
    )
    .await;
    assert_eq!(status, 200);
    let link = text_of(&html, "#invitation-link");
    let path = link
        .strip_prefix(&node.base)
        .unwrap_or_else(|| panic!("a link on this node: {link}"))
        .to_owned();
    let (status, html) = get(&browser(), &node, &path).await;
    assert_eq!(status, 200);
    assert!(text_of(&html, "main").contains("Fablab de Poitiers"));
}

#[tokio::test]
async fn a_registration_name_with_control_characters_is_refused() {
    let (node, admin) = node().await;
    let id = create_event(&node, &admin, json!({})).await;
    let (status, html, _) = post(
        &browser(),
        &node,
        &format!("/events/{id}/register"),
        &[("name", "Ali\u{0}ce"), ("email", "alice@example.org")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(!text_of(&html, "#reg-name-error").is_empty(), "{html}");
    let event_id = id.parse().unwrap();
    assert_eq!(node.store.participant_count(event_id).await.unwrap(), 0);
}

/// A territory with more upcoming events than its page shows: the first page has the
/// soonest ones and a link to the next, which has the rest and a link back; a weekly
/// series is shown once among the regular activities, not date by date; past events are
/// folded away, the latest first; a page number that cannot be is a 404 page.
#[tokio::test]
async fn a_territory_page_shows_a_page_of_upcoming_events_and_links_to_the_next() {
    let (node, admin) = node().await;
    let shown = rhizome_web::pages::UPCOMING_PER_PAGE as usize;
    for i in 0..shown + 3 {
        let day = format!("2030-{:02}-{:02}", 1 + i / 28, 1 + i % 28);
        create_event(
            &node,
            &admin,
            json!({"title": format!("Atelier {i:02}"), "starts_at": format!("{day}T18:00"), "ends_at": format!("{day}T20:00")}),
        )
        .await;
    }
    for (title, day) in [("Ancien 1", "2020-03-01"), ("Ancien 2", "2021-03-01")] {
        create_event(
            &node,
            &admin,
            json!({"title": title, "starts_at": format!("{day}T18:00"), "ends_at": format!("{day}T20:00")}),
        )
        .await;
    }
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    create_event(
        &node,
        &admin,
        json!({"title": "Permanence", "starts_at": format!("{tomorrow}T10:00"), "ends_at": format!("{tomorrow}T12:00"),
               "recurrence": {"frequency": "weekly"}}),
    )
    .await;
    let client = browser();
    let upcoming = |html: &str| {
        text_of(html, "section[aria-labelledby=upcoming] .item .title")
            .split(" | ")
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };

    let (status, first) = get(&client, &node, "/t/fablab").await;
    assert_eq!(status, 200);
    let titles = upcoming(&first);
    assert_eq!(titles.len(), shown, "{titles:?}");
    assert_eq!(titles[0], "Atelier 00");
    assert_eq!(titles[shown - 1], format!("Atelier {:02}", shown - 1));
    assert!(!titles.iter().any(|t| t == "Permanence"), "{titles:?}");
    assert_eq!(
        text_of(&first, "#regular ~ .items .title"),
        "Permanence",
        "the series once, with its next date"
    );
    assert_eq!(
        text_of(&first, "details.past .item .title"),
        "Ancien 2 | Ancien 1"
    );
    assert!(
        attr_of(
            &first,
            "section[aria-labelledby=upcoming] a[rel=prev]",
            "href"
        )
        .is_none()
    );
    let next = attr_of(
        &first,
        "section[aria-labelledby=upcoming] a[rel=next]",
        "href",
    )
    .unwrap();
    assert_eq!(next, "/t/fablab?page=2#upcoming");

    let (status, second) = get(&client, &node, &next).await;
    assert_eq!(status, 200);
    assert_eq!(
        upcoming(&second),
        (shown..shown + 3)
            .map(|i| format!("Atelier {i:02}"))
            .collect::<Vec<_>>()
    );
    assert!(
        attr_of(
            &second,
            "section[aria-labelledby=upcoming] a[rel=next]",
            "href"
        )
        .is_none()
    );
    assert_eq!(
        attr_of(
            &second,
            "section[aria-labelledby=upcoming] a[rel=prev]",
            "href"
        )
        .as_deref(),
        Some("/t/fablab#upcoming")
    );
    // Beyond the last page: nothing more, and the way back.
    let (status, beyond) = get(&client, &node, "/t/fablab?page=9").await;
    assert_eq!(status, 200);
    assert!(upcoming(&beyond).is_empty());
    assert!(attr_of(&beyond, "a[rel=prev]", "href").is_some());
    for bad in ["0", "-1", "deux", "99999999999999999999"] {
        let (status, _) = get(&client, &node, &format!("/t/fablab?page={bad}")).await;
        assert_eq!(status, 404, "page={bad}");
    }
}

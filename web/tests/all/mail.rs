//! E-mail against a real SMTP server on loopback (`common::smtp`): a queued letter arrives
//! with its headers and UTF-8 body; an SMTP outage loses nothing; a node without
//! `smtp_url` queues nothing; editors' choices and the daily digest; the mail page of the
//! account; the CLI's invitation mailed.

use std::collections::BTreeSet;

use crate::answers::publish_call;
use crate::common;

use common::pages::{self, PASSWORD, browser};
use common::smtp::{Mail, SmtpServer};
use common::{Backend, Node, eventually, rhizome};
use reqwest::Method;
use rhizome_node::mail::Letter;
use rhizome_node::mail::sender::Sender;
use serde_json::json;

/// Waits until `address` has received `count` messages; gives them.
async fn received(smtp: &SmtpServer, address: &str, count: usize) -> Vec<Mail> {
    eventually(&format!("{count} message(s) for {address}"), async || {
        smtp.inbox.to(address).len() >= count
    })
    .await;
    smtp.inbox.to(address)
}

/// A node on `backend` sending through `smtp_url`, with the territory `ville` and its
/// admin's token.
async fn node_mailing_to(backend: Backend, smtp_url: Option<String>) -> Option<(Node, String)> {
    Node::configured_with_territory(
        backend,
        |c| {
            c.smtp_url = smtp_url;
            c.mail_from = Some("Réseau Rhizome <agenda@rhizome.test>".into());
        },
        json!({"slug": "ville", "name": "Ville apprenante", "kind": "tiers_lieu",
               "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await
}

/// An editor of `slug` with the address `email` and the given choices.
async fn editor(
    node: &Node,
    slug: &str,
    name: &str,
    email: &str,
    digest: bool,
    refused: &[&str],
) -> rhizome_node::Member {
    let member = rhizome_node::Member::new(name, PASSWORD, false).unwrap();
    node.store.insert_member(&member).await.unwrap();
    let territory = node.stored_territory(slug).await;
    node.store
        .grant_editor(member.id, territory.id)
        .await
        .unwrap();
    node.state
        .actions
        .set_mail_choices(
            member.id,
            email,
            None,
            digest,
            refused.iter().map(|k| k.to_string()).collect(),
        )
        .await
        .unwrap();
    member
}

/// A visitor answers the call `id` through the API.
async fn visitor_answers(node: &Node, id: &str, name: &str, email: &str, message: &str) {
    let (status, body) = node
        .send(
            Method::POST,
            &format!("/api/v1/calls/{id}/answers"),
            None,
            Some(json!({"name": name, "email": email, "message": message})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

async fn a_queued_letter_arrives_with_its_headers_and_utf8_body(backend: Backend) {
    let smtp = SmtpServer::start();
    let Some((node, _)) = node_mailing_to(backend, Some(smtp.url())).await else {
        return;
    };
    let letter = Letter {
        kind: "test".into(),
        to: "ana@example.org".into(),
        subject: "Café-répar’ : été 2030 ☕".into(),
        body: "Bonjour Ana,\n\nLe café réparation a lieu à l’Hôtel de ville — 18 h.\nمرحبًا\n"
            .into(),
    };
    node.state
        .actions
        .post_letter(letter.clone())
        .await
        .unwrap();
    let mail = received(&smtp, "ana@example.org", 1).await.remove(0);
    assert_eq!(mail.envelope_from, "agenda@rhizome.test");
    assert_eq!(mail.subject(), letter.subject);
    assert_eq!(mail.body.trim_end(), letter.body.trim_end());
    assert!(
        mail.header("from")
            .is_some_and(|f| f.contains("<agenda@rhizome.test>")),
        "{:?}",
        mail.headers
    );
    assert_eq!(mail.header("to"), Some("ana@example.org"));
    assert_eq!(mail.header("auto-submitted"), Some("auto-generated"));
    let date = mail.header("date").expect("a Date header");
    let date = chrono::DateTime::parse_from_rfc2822(date).unwrap();
    assert!((chrono::Utc::now() - date.to_utc()).num_minutes().abs() < 5);
    let id = mail.header("message-id").expect("a Message-ID");
    assert!(id.starts_with('<') && id.ends_with("@localhost>"), "{id}");
    let content_type = mail.header("content-type").unwrap().to_ascii_lowercase();
    assert!(
        content_type.starts_with("text/plain") && content_type.contains("charset=utf-8"),
        "{content_type}"
    );
    // Marked sent: nothing is left to send, and it is sent once.
    eventually("letter marked sent", async || {
        node.store.unsent_letters(10).await.unwrap().is_empty()
    })
    .await;
    let sender = Sender::new(node.store.clone(), &node.state.config)
        .unwrap()
        .unwrap();
    let round = sender
        .run_once(rhizome_node::now() + chrono::Duration::days(3))
        .await
        .unwrap();
    assert_eq!(round.sent, 0);
    assert_eq!(smtp.inbox.all().len(), 1);
}

common::on_both_backends!(a_queued_letter_arrives_with_its_headers_and_utf8_body =>
    a_queued_letter_arrives_with_its_headers_and_utf8_body_sqlite,
    a_queued_letter_arrives_with_its_headers_and_utf8_body_postgres);

async fn an_smtp_outage_loses_nothing(backend: Backend) {
    let port = SmtpServer::free_port();
    let Some((node, _)) = node_mailing_to(backend, Some(SmtpServer::url_of(port))).await else {
        return;
    };
    let letter = Letter {
        kind: "test".into(),
        to: "bob@example.org".into(),
        subject: "Toujours là".into(),
        body: "Rien ne se perd.".into(),
    };
    node.state.actions.post_letter(letter).await.unwrap();
    // The server is down: the attempt fails, the letter stays with its error.
    eventually("a failed attempt recorded", async || {
        node.store
            .unsent_letters(10)
            .await
            .unwrap()
            .first()
            .is_some_and(|l| l.attempts >= 1)
    })
    .await;
    let sender = Sender::new(node.store.clone(), &node.state.config)
        .unwrap()
        .unwrap();
    // Not due again at once: the retry waits.
    let round = sender.run_once(rhizome_node::now()).await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 0));
    // Still down at the first retry: tried, failed, kept.
    let round = sender
        .run_once(rhizome_node::now() + chrono::Duration::minutes(2))
        .await
        .unwrap();
    assert_eq!((round.sent, round.failed), (0, 1));
    let kept = node.store.unsent_letters(10).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].attempts, 2);
    // The server comes back: the next retry delivers it.
    let smtp = SmtpServer::start_at(port);
    let round = sender
        .run_once(rhizome_node::now() + chrono::Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!((round.sent, round.failed), (1, 0));
    let mail = received(&smtp, "bob@example.org", 1).await.remove(0);
    assert_eq!(mail.subject(), "Toujours là");
    assert_eq!(mail.body.trim_end(), "Rien ne se perd.");
    assert!(node.store.unsent_letters(10).await.unwrap().is_empty());
}

common::on_both_backends!(an_smtp_outage_loses_nothing =>
    an_smtp_outage_loses_nothing_sqlite,
    an_smtp_outage_loses_nothing_postgres);

#[tokio::test]
async fn without_smtp_url_nothing_is_queued_or_sent() {
    let (node, admin) = node_mailing_to(Backend::Sqlite, None).await.unwrap();
    assert!(
        Sender::new(node.store.clone(), &node.state.config)
            .unwrap()
            .is_none()
    );
    editor(&node, "ville", "ana", "ana@example.org", false, &[]).await;
    node.state
        .actions
        .post_letter(Letter {
            kind: "test".into(),
            to: "ana@example.org".into(),
            subject: "Non".into(),
            body: "Non".into(),
        })
        .await
        .unwrap();
    let call = publish_call(
        &node,
        &admin,
        "ville",
        json!({"type": "partners", "title": "Partenaires pour la fête"}),
    )
    .await;
    visitor_answers(
        &node,
        call["id"].as_str().unwrap(),
        "Léa",
        "lea@example.org",
        "Je viens.",
    )
    .await;
    assert!(node.store.unsent_letters(10).await.unwrap().is_empty());
    assert!(
        node.store
            .digests_due(rhizome_node::now() + chrono::Duration::days(2))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn editors_choices_are_honoured(backend: Backend) {
    let smtp = SmtpServer::start();
    let Some((node, admin)) = node_mailing_to(backend, Some(smtp.url())).await else {
        return;
    };
    editor(&node, "ville", "ana", "ana@example.org", false, &[]).await;
    editor(&node, "ville", "bob", "bob@example.org", false, &[]).await;
    // Bob turns answers off on his mail page, and is told when his address is wrong.
    let client = browser();
    let csrf = pages::login(&client, &node, "bob", PASSWORD).await;
    let (status, html) = pages::get(&client, &node, "/manage/mail").await;
    assert_eq!(status, 200);
    assert_eq!(
        pages::attr_of(&html, "input[name=email]", "value").as_deref(),
        Some("bob@example.org")
    );
    let keep = [
        ("csrf", csrf.as_str()),
        ("email", "bob at example"),
        ("receive", "new-registration"),
        ("receive", "follow-request"),
        ("receive", "new-match"),
    ];
    let (status, html, _) = pages::post(&client, &node, "/manage/mail", &keep).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        !pages::text_of(&html, "#email-error").is_empty(),
        "the field is marked: {html}"
    );
    let mut fixed = keep;
    fixed[1] = ("email", "bob@example.org");
    let (status, html, _) = pages::post(&client, &node, "/manage/mail", &fixed).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        pages::attr_of(&html, "input[value=new-answer]", "checked"),
        None,
        "unticked now"
    );
    let bob = node.store.member_by_username("bob").await.unwrap().unwrap();
    let choices = node.store.member_mail(bob.id).await.unwrap().unwrap();
    assert_eq!(choices.refused, BTreeSet::from(["new-answer".to_owned()]));
    // Ana's address cannot be Bob's too.
    let taken = [("csrf", csrf.as_str()), ("email", "ANA@example.org")];
    let (status, _, _) = pages::post(&client, &node, "/manage/mail", &taken).await;
    assert_eq!(status, 422);

    let call = publish_call(
        &node,
        &admin,
        "ville",
        json!({"type": "partners", "title": "Partenaires pour la fête du quartier"}),
    )
    .await;
    let id = call["id"].as_str().unwrap();
    visitor_answers(
        &node,
        id,
        "Léa Martin",
        "lea@example.org",
        "Je tiens un stand.",
    )
    .await;
    let mail = received(&smtp, "ana@example.org", 1).await.remove(0);
    assert!(
        mail.subject()
            .contains("Partenaires pour la fête du quartier"),
        "{}",
        mail.subject()
    );
    assert!(mail.body.contains("Léa Martin"), "{}", mail.body);
    assert!(mail.body.contains("Je tiens un stand."), "{}", mail.body);
    assert!(
        mail.body.contains(&node.url("/manage/t/ville/answers")),
        "{}",
        mail.body
    );
    // Bob got nothing, and nothing waits for him.
    let sender = Sender::new(node.store.clone(), &node.state.config)
        .unwrap()
        .unwrap();
    sender.run_once(rhizome_node::now()).await.unwrap();
    assert!(smtp.inbox.to("bob@example.org").is_empty());
    assert!(node.store.unsent_letters(10).await.unwrap().is_empty());
}

common::on_both_backends!(editors_choices_are_honoured =>
    editors_choices_are_honoured_sqlite,
    editors_choices_are_honoured_postgres);

async fn a_digest_gathers_two_news_into_one_letter(backend: Backend) {
    let smtp = SmtpServer::start();
    let Some((node, admin)) = node_mailing_to(backend, Some(smtp.url())).await else {
        return;
    };
    let cam = editor(&node, "ville", "cam", "cam@example.org", true, &[]).await;
    // Cam reads English: his letters are written in it.
    let mut choices = node.store.member_mail(cam.id).await.unwrap().unwrap();
    choices.language = Some("en".into());
    node.store.set_member_mail(cam.id, &choices).await.unwrap();
    for (title, who) in [("Besoin de bras", "Léa"), ("Cherche un local", "Omar")] {
        let call = publish_call(
            &node,
            &admin,
            "ville",
            json!({"type": "partners", "title": title}),
        )
        .await;
        visitor_answers(
            &node,
            call["id"].as_str().unwrap(),
            who,
            &format!("{}@example.org", who.to_lowercase().replace('é', "e")),
            "Présent·e !",
        )
        .await;
    }
    // Nothing goes at once: the news waits for the digest.
    let sender = Sender::new(node.store.clone(), &node.state.config)
        .unwrap()
        .unwrap();
    let today = sender.run_once(rhizome_node::now()).await.unwrap();
    assert_eq!(today.digests, 0);
    assert!(smtp.inbox.to("cam@example.org").is_empty());
    // The day after: one letter with both.
    let tomorrow = rhizome_node::now() + chrono::Duration::days(1);
    let round = sender.run_once(tomorrow).await.unwrap();
    assert_eq!((round.digests, round.sent), (1, 1));
    let mails = received(&smtp, "cam@example.org", 1).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.subject().contains("digest"), "{}", mail.subject());
    for part in ["Besoin de bras", "Cherche un local", "Léa", "Omar"] {
        assert!(mail.body.contains(part), "{part} missing: {}", mail.body);
    }
    // Gathered once.
    let again = sender
        .run_once(tomorrow + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(again.digests, 0);
    assert_eq!(smtp.inbox.to("cam@example.org").len(), 1);
}

common::on_both_backends!(a_digest_gathers_two_news_into_one_letter =>
    a_digest_gathers_two_news_into_one_letter_sqlite,
    a_digest_gathers_two_news_into_one_letter_postgres);

#[tokio::test]
async fn held_follow_requests_are_mailed_to_the_editors() {
    let smtp = SmtpServer::start();
    let (node, admin) = node_mailing_to(Backend::Sqlite, Some(smtp.url()))
        .await
        .unwrap();
    editor(&node, "ville", "ana", "ana@example.org", false, &[]).await;
    let (status, body) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/ville",
            Some(&admin),
            Some(json!({"manually_approves_followers": true})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let masto = common::mastodon::FakeMastodon::start().await;
    let mut follow = masto.fixture("follow.json", &node.base, "");
    follow["object"] = json!(node.url("/t/ville"));
    let (status, text) = masto
        .post("alice", &node.url("/t/ville/inbox"), &follow)
        .await;
    assert_eq!(status, 202, "{text}");
    let mail = received(&smtp, "ana@example.org", 1).await.remove(0);
    assert!(
        mail.subject().contains("Ville apprenante"),
        "{}",
        mail.subject()
    );
    assert!(
        mail.body.contains(&masto.actor_id("alice")),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains(&node.url("/manage/t/ville/followers")),
        "{}",
        mail.body
    );
}

#[test]
fn the_cli_mails_an_invitation_and_a_reset_link() {
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], smtp_url: Option<&str>| {
        let mut cmd = rhizome(dir.path(), args);
        if let Some(url) = smtp_url {
            cmd.env("RHIZOME_SMTP_URL", url);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let url = smtp.url();
    let (ok, out, err) = run(
        &["admin", "invite", "--email", "nina@example.org"],
        Some(&url),
    );
    assert!(ok, "{err}");
    let link = out
        .lines()
        .find(|l| l.contains("/invite/"))
        .expect("the link is still printed")
        .to_owned();
    assert!(out.contains("mailed to nina@example.org"), "{out}");
    let mail = smtp.inbox.to("nina@example.org").remove(0);
    assert!(mail.body.contains(&link), "{link} not in {}", mail.body);
    assert!(mail.subject().contains("Invitation"), "{}", mail.subject());
    assert_eq!(mail.header("auto-submitted"), Some("auto-generated"));

    // Without smtp_url: the link is printed, nothing is mailed.
    let (ok, out, err) = run(&["admin", "invite", "--email", "omar@example.org"], None);
    assert!(ok, "{err}");
    assert!(out.contains("/invite/"), "{out}");
    assert!(out.contains("no smtp_url"), "{out}");
    assert!(smtp.inbox.to("omar@example.org").is_empty());

    // A member created with an address gets their reset link by mail.
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "paul",
            "--email",
            "paul@example.org",
        ],
        None,
    );
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["admin", "reset-link", "paul"], Some(&url));
    assert!(ok, "{err}");
    let link = out
        .lines()
        .find(|l| l.contains("/reset/"))
        .unwrap()
        .to_owned();
    let mail = smtp.inbox.to("paul@example.org").remove(0);
    assert!(mail.body.contains(&link), "{}", mail.body);
    assert!(mail.body.contains("paul"), "{}", mail.body);

    // Bad values are refused in one line naming what is wrong.
    let (ok, _, err) = run(
        &["admin", "create-user", "quentin", "--email", "quentin"],
        None,
    );
    assert!(!ok);
    assert!(err.contains("--email"), "{err}");
    let (ok, _, err) = run(&["admin", "invite"], Some("http://mail.example"));
    assert!(!ok);
    assert!(err.contains("smtp_url"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// A territory that starts sharing what a need asks for: the need's editors get one letter
/// for the batch, naming the need and the match; saving it again sends none.
#[tokio::test]
async fn new_matches_are_mailed_once_per_batch() {
    let smtp = SmtpServer::start();
    let (node, admin) = node_mailing_to(Backend::Sqlite, Some(smtp.url()))
        .await
        .unwrap();
    editor(&node, "ville", "ana", "ana@example.org", false, &[]).await;
    node.territory(
        &admin,
        json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab", "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await;
    publish_call(
        &node,
        &admin,
        "ville",
        json!({"type": "need", "title": "Besoin d'une découpeuse laser",
               "description": "Pour découper du bois au laser avec les jeunes."}),
    )
    .await;
    let share =
        json!({"inventory": {"shares": [{"label": "Découpeuse laser", "tags": ["équipement"]}]}});
    for _ in 0..2 {
        let (status, body) = node
            .send(
                Method::PATCH,
                "/api/v1/territories/fablab",
                Some(&admin),
                Some(share.clone()),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let mail = received(&smtp, "ana@example.org", 1).await.remove(0);
    assert!(
        mail.subject().contains("Ville apprenante"),
        "{}",
        mail.subject()
    );
    assert!(
        mail.body.contains("Besoin d'une découpeuse laser")
            && mail.body.contains("Fablab de Poitiers · Découpeuse laser"),
        "{}",
        mail.body
    );
    assert!(mail.body.contains(&node.url("/manage")), "{}", mail.body);
    let sender = Sender::new(node.store.clone(), &node.state.config)
        .unwrap()
        .unwrap();
    sender.run_once(rhizome_node::now()).await.unwrap();
    assert_eq!(smtp.inbox.to("ana@example.org").len(), 1);
}

/// An invitation mailed by the CLI gives the newcomer who accepts it that address.
#[tokio::test]
async fn an_invited_member_keeps_the_address_the_invitation_went_to() {
    let smtp = SmtpServer::start();
    let (node, _) = node_mailing_to(Backend::Sqlite, Some(smtp.url()))
        .await
        .unwrap();
    let out = rhizome(
        node.data_dir(),
        &["admin", "invite", "--email", "Rita@Example.org"],
    )
    .env("RHIZOME_DATA_DIR", node.data_dir())
    .env("RHIZOME_SMTP_URL", smtp.url())
    .output()
    .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = printed
        .lines()
        .find_map(|l| l.find("/invite/").map(|at| l[at..].trim().to_owned()))
        .unwrap();
    assert_eq!(smtp.inbox.to("Rita@Example.org").len(), 1);
    let (status, _, _) = pages::post(
        &browser(),
        &node,
        &path,
        &[
            ("username", "rita"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let rita = node
        .store
        .member_by_username("rita")
        .await
        .unwrap()
        .unwrap();
    let choices = node.store.member_mail(rita.id).await.unwrap().unwrap();
    assert_eq!(choices.email.as_deref(), Some("Rita@Example.org"));
}

/// A visitor whose answer is decided is mailed the decision, in the call's language.
#[tokio::test]
async fn a_visitor_is_mailed_the_decision_on_their_answer() {
    let smtp = SmtpServer::start();
    let (node, admin) = node_mailing_to(Backend::Sqlite, Some(smtp.url()))
        .await
        .unwrap();
    let call = publish_call(
        &node,
        &admin,
        "ville",
        json!({"type": "partners", "title": "Partners for the street party", "language": "en"}),
    )
    .await;
    let id = call["id"].as_str().unwrap();
    for (name, email) in [("Léa", "lea@example.org"), ("Omar", "omar@example.org")] {
        visitor_answers(&node, id, name, email, "I can help.").await;
    }
    let (_, answers) = node
        .send(
            Method::GET,
            &format!("/api/v1/calls/{id}/answers"),
            Some(&admin),
            None,
        )
        .await;
    for answer in answers["items"].as_array().unwrap() {
        let accept = answer["responder"]["name"] == "Léa";
        let (status, body) = node
            .send(
                Method::POST,
                &format!(
                    "/api/v1/answers/{}/decision",
                    answer["id"].as_str().unwrap()
                ),
                Some(&admin),
                Some(json!({"accept": accept})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let accepted = received(&smtp, "lea@example.org", 1).await.remove(0);
    assert_eq!(
        accepted.subject(),
        "Your answer to \"Partners for the street party\" is accepted"
    );
    assert!(accepted.body.contains("Hello Léa"), "{}", accepted.body);
    assert!(accepted.body.contains(&node.url(&format!("/calls/{id}"))));
    let declined = received(&smtp, "omar@example.org", 1).await.remove(0);
    assert!(
        declined.body.contains("did not take it up"),
        "{}",
        declined.body
    );
}

/// A visitor's registration and a fediverse `Join` each reach the event's editors, with
/// the link to the registrations page; an editor who turned that news off hears nothing.
#[tokio::test]
async fn new_registrations_are_mailed_to_the_editors() {
    let smtp = SmtpServer::start();
    let (node, admin) = node_mailing_to(Backend::Sqlite, Some(smtp.url()))
        .await
        .unwrap();
    editor(&node, "ville", "ana", "ana@example.org", false, &[]).await;
    editor(
        &node,
        "ville",
        "bea",
        "bea@example.org",
        false,
        &["new-registration"],
    )
    .await;
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/events",
            Some(&admin),
            Some(json!({
                "title": "Permanence numérique", "description": "Vos questions d'ordinateur",
                "starts_at": "2031-12-02T14:00", "ends_at": "2031-12-02T17:00",
                "place": {"name": "Médiathèque", "address": "Poitiers"},
                "capacity": 10, "registration": {"mode": "approval"}
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    let (status, _, _) = pages::post(
        &browser(),
        &node,
        &format!("/events/{id}/register"),
        &[("name", "Zoé Martin"), ("email", "zoe@example.org")],
    )
    .await;
    assert_eq!(status, 200);
    let mail = received(&smtp, "ana@example.org", 1).await.remove(0);
    assert!(
        mail.subject().contains("Permanence numérique"),
        "{}",
        mail.subject()
    );
    assert!(mail.body.contains("Zoé Martin"), "{}", mail.body);
    assert!(
        mail.body
            .contains(&node.url(&format!("/manage/t/ville/events/{id}/registrations"))),
        "{}",
        mail.body
    );

    let masto = common::mastodon::FakeMastodon::start().await;
    let mut join = masto.fixture("join.json", &node.base, &id);
    join["actor"] = masto.actor_id("alice").into();
    let (status, text) = masto
        .post("alice", &node.url("/t/ville/inbox"), &join)
        .await;
    assert_eq!(status, 202, "{text}");
    let second = received(&smtp, "ana@example.org", 2).await.remove(1);
    assert!(
        second.subject().contains("Permanence numérique"),
        "{}",
        second.subject()
    );
    assert!(smtp.inbox.to("bea@example.org").is_empty());
}

/// The waitlist as registrants live it, read from the SMTP server: the first visitor's
/// confirmation carries her cancel link, the second is told he waits; she cancels with
/// the link and he is told the place is his.
#[tokio::test]
async fn a_waitlist_promotion_is_mailed() {
    let smtp = SmtpServer::start();
    let (node, admin) = node_mailing_to(Backend::Sqlite, Some(smtp.url()))
        .await
        .unwrap();
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/ville/events",
            Some(&admin),
            Some(json!({
                "title": "Repair café", "description": "Apportez vos objets",
                "starts_at": "2031-12-06T10:00", "ends_at": "2031-12-06T12:00",
                "place": {"name": "Atelier", "address": "Poitiers"},
                "capacity": 1, "registration": {"mode": "open"}
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    for (name, email) in [("Zoé", "zoe@example.org"), ("Yann", "yann@example.org")] {
        let (status, _, _) = pages::post(
            &browser(),
            &node,
            &format!("/events/{id}/register"),
            &[("name", name), ("email", email)],
        )
        .await;
        assert_eq!(status, 200);
    }
    let confirmation = received(&smtp, "zoe@example.org", 1).await.remove(0);
    assert!(
        confirmation.subject().contains("Repair café"),
        "{}",
        confirmation.subject()
    );
    let waiting = received(&smtp, "yann@example.org", 1).await.remove(0);
    assert!(waiting.body.contains("attente"), "{}", waiting.body);
    let at = confirmation
        .body
        .find("/registrations/cancel/")
        .expect("the confirmation carries a cancel link");
    let link: String = confirmation.body[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let visitor = browser();
    let (status, _, _) = pages::post(&visitor, &node, &link, &[]).await;
    assert_eq!(status, 200);
    let promoted = received(&smtp, "yann@example.org", 2).await.remove(1);
    assert!(
        promoted.subject().contains("Une place s'est libérée"),
        "{}",
        promoted.subject()
    );
    assert!(promoted.body.contains("Repair café"), "{}", promoted.body);
    let (status, _, _) = pages::post(&visitor, &node, &link, &[]).await;
    assert_eq!(status, 404, "a cancel link works once");
}

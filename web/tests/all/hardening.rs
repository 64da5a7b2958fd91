//! Attacks from a hostile probe of a node, each kept as a test over real HTTP: password
//! guessing (API and login form, one limiter, no lockout of the owner), names told apart
//! by the work a wrong password costs, open redirects, slow headers and connection floods,
//! HSTS on https.

use crate::common;

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::pages::{self, PASSWORD};
use common::{Backend, Node};
use reqwest::redirect::Policy;
use rhizome_web::session::{
    ATTEMPTS_PER_SOURCE_PER_MINUTE, FAILURES_BEFORE_ACCOUNT_GUARD,
    FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The loopback address `127.0.0.N`: each stands for another visitor's address.
fn source(n: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, n])
}

fn port(node: &Node) -> u16 {
    node.host().rsplit(':').next().unwrap().parse().unwrap()
}

/// A browser-like client (cookies, redirects not followed) whose connections come from
/// `127.0.0.N`.
fn client_from(node: &Node, n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .local_address(source(n))
        .resolve("localhost", SocketAddr::from(([127, 0, 0, 1], port(node))))
        .build()
        .unwrap()
}

/// Asks for an API token; returns the status.
async fn token(client: &reqwest::Client, node: &Node, username: &str, password: &str) -> u16 {
    client
        .post(node.url("/api/v1/tokens"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Posts the login form; returns the status.
async fn login(client: &reqwest::Client, node: &Node, username: &str, password: &str) -> u16 {
    let form = [
        ("username", username),
        ("password", password),
        ("next", "/manage"),
    ];
    pages::post(client, node, "/login", &form).await.0
}

async fn node_with_admin() -> Node {
    let node = Node::start(Backend::Sqlite).await.unwrap();
    node.member("admin", true).await;
    node
}

fn verifications(node: &Node) -> u64 {
    node.state
        .passwords
        .stats
        .verifications
        .load(Ordering::SeqCst)
}

// ---------------------------------------------------------------------------------------
// Password guessing

#[tokio::test]
async fn api_guesser_is_refused_and_the_owner_still_gets_in() {
    let node = node_with_admin().await;
    let guesser = client_from(&node, 2);
    for attempt in 0..FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE {
        let status = token(&guesser, &node, "admin", &format!("guess number {attempt}")).await;
        assert_eq!(status, 401, "attempt {attempt}");
    }
    for _ in 0..20 {
        assert_eq!(token(&guesser, &node, "admin", "another guess!").await, 429);
    }
    // The right password from the guessing address is refused too...
    assert_eq!(token(&guesser, &node, "admin", PASSWORD).await, 429);
    // ...but the owner, from their own address, gets in.
    let owner = client_from(&node, 3);
    assert_eq!(token(&owner, &node, "admin", PASSWORD).await, 201);
}

#[tokio::test]
async fn login_form_and_api_share_one_limiter() {
    let node = node_with_admin().await;
    let guesser = client_from(&node, 2);
    let half = FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE / 2;
    for _ in 0..half {
        assert_eq!(
            token(&guesser, &node, "admin", "wrong password!").await,
            401
        );
    }
    for _ in half..FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE {
        assert_eq!(
            login(&guesser, &node, "admin", "wrong password!").await,
            401
        );
    }
    assert_eq!(
        login(&guesser, &node, "admin", "wrong password!").await,
        429
    );
    assert_eq!(
        token(&guesser, &node, "admin", "wrong password!").await,
        429
    );
    // The name is compared as typed on the form: spaces and capitals do not reset it.
    assert_eq!(
        token(&guesser, &node, " Admin ", "wrong password!").await,
        429
    );
    let owner = client_from(&node, 3);
    assert_eq!(login(&owner, &node, "admin", PASSWORD).await, 303);
}

#[tokio::test]
async fn guessing_from_many_addresses_refuses_those_that_failed_not_the_owner() {
    let node = node_with_admin().await;
    // Guessers at several addresses reach the account's failure threshold together.
    let mut failed = 0;
    let mut n = 10;
    while failed < FAILURES_BEFORE_ACCOUNT_GUARD {
        let guesser = client_from(&node, n);
        for _ in 0..FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE - 1 {
            if failed < FAILURES_BEFORE_ACCOUNT_GUARD {
                assert_eq!(token(&guesser, &node, "admin", "a wrong guess").await, 401);
                failed += 1;
            }
        }
        n += 1;
    }
    // Each of them still has per-address attempts left, yet the account is guarded: an
    // address that has failed on it is refused, even with the right password.
    let earlier = client_from(&node, 10);
    assert_eq!(token(&earlier, &node, "admin", PASSWORD).await, 429);
    // The login form says how long: until the account's 15 minutes are over.
    let form = [
        ("username", "admin"),
        ("password", PASSWORD),
        ("next", "/manage"),
    ];
    let (status, html, _) = pages::post(&earlier, &node, "/login", &form).await;
    assert_eq!(status, 429);
    let said = pages::text_of(&html, ".error");
    assert!(
        said.contains("15 minutes") || said.contains("14 minutes"),
        "{said}"
    );
    // A new address is let through (after a short wait); when it fails, it is refused too.
    let newcomer = client_from(&node, 40);
    assert_eq!(token(&newcomer, &node, "admin", "a wrong guess").await, 401);
    assert_eq!(token(&newcomer, &node, "admin", PASSWORD).await, 429);
    // The owner, from an address that never failed, gets in through the API and the form.
    let owner = client_from(&node, 3);
    assert_eq!(token(&owner, &node, "admin", PASSWORD).await, 201);
    assert_eq!(login(&owner, &node, "admin", PASSWORD).await, 303);
    // Another account is not affected.
    node.member("camille", false).await;
    assert_eq!(token(&earlier, &node, "camille", PASSWORD).await, 201);
}

#[tokio::test]
async fn anonymous_spraying_does_not_lock_the_admin_out() {
    let node = node_with_admin().await;
    let sprayer = client_from(&node, 2);
    // One name at a time, as the per-name limit would not see: the address is refused
    // after its quota (more than the old node-wide ceiling of 60 would have taken).
    let mut admitted = 0;
    for i in 0.. {
        assert!(i < 200, "the sprayer was never refused");
        match login(&sprayer, &node, &format!("user{i}"), "a wrong guess").await {
            401 => admitted += 1,
            429 => break,
            other => panic!("{other}"),
        }
    }
    assert!(admitted >= ATTEMPTS_PER_SOURCE_PER_MINUTE, "{admitted}");
    let admin = client_from(&node, 3);
    assert_eq!(login(&admin, &node, "admin", PASSWORD).await, 303);
    assert_eq!(token(&admin, &node, "admin", PASSWORD).await, 201);
}

#[tokio::test]
async fn unknown_and_known_names_cost_the_same_verification() {
    let node = node_with_admin().await;
    let client = client_from(&node, 2);
    let other = client_from(&node, 3);
    let before = verifications(&node);
    assert_eq!(token(&client, &node, "admin", "a wrong guess").await, 401);
    assert_eq!(verifications(&node), before + 1, "known name, API");
    assert_eq!(token(&client, &node, "nobody", "a wrong guess").await, 401);
    assert_eq!(verifications(&node), before + 2, "unknown name, API");
    assert_eq!(login(&other, &node, "admin", "a wrong guess").await, 401);
    assert_eq!(verifications(&node), before + 3, "known name, form");
    assert_eq!(login(&other, &node, "nobody", "a wrong guess").await, 401);
    assert_eq!(verifications(&node), before + 4, "unknown name, form");
}

#[tokio::test]
async fn parallel_token_requests_hash_within_the_pool() {
    let node = node_with_admin().await;
    let mut requests = tokio::task::JoinSet::new();
    for n in 50..58 {
        let client = client_from(&node, n);
        let url = node.url("/api/v1/tokens");
        requests.spawn(async move {
            let body = json!({"username": "admin", "password": PASSWORD});
            client.post(url).json(&body).send().await.unwrap().status()
        });
    }
    while let Some(status) = requests.join_next().await {
        assert_eq!(status.unwrap(), 201);
    }
    let stats = &node.state.passwords.stats;
    assert_eq!(stats.verifications.load(Ordering::SeqCst), 8);
    let most = stats.most_running.load(Ordering::SeqCst);
    assert!(
        (1..=node.state.passwords.concurrency()).contains(&most),
        "{most} hashes ran at once"
    );
}

// ---------------------------------------------------------------------------------------
// Open redirects

/// Targets a browser would resolve to another site (backslash, tab, line feed, scheme).
const FOREIGN: [&str; 5] = [
    "/%5Cevil.example",
    "/%09/evil.example",
    "//evil.example",
    "https://evil.example/",
    "%0A//evil.example",
];

/// A target with a line break, which once made a header and a 500.
const LINE_BREAK: &str = "/%0D%0ALocation:%20https://evil.example";

/// Where a browser would go from `location`, read against the node's address.
fn stays_on(node: &Node, location: &str) -> bool {
    let base = url::Url::parse(&node.base).unwrap();
    let target = base.join(location).unwrap();
    target.origin() == base.origin() && !location.contains(['\r', '\n', '\t', '\\'])
}

async fn location(client: &reqwest::Client, node: &Node, path: &str) -> (u16, Option<String>) {
    let response = client.get(node.url(path)).send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), location)
}

#[tokio::test]
async fn language_switch_does_not_redirect_elsewhere() {
    let node = node_with_admin().await;
    let client = client_from(&node, 2);
    for next in FOREIGN {
        let (status, to) = location(&client, &node, &format!("/lang/en?next={next}")).await;
        assert_eq!((status, to.as_deref()), (303, Some("/")), "{next}");
    }
    let (status, to) = location(&client, &node, "/lang/en?next=/events%3Fq%3Drepair").await;
    assert_eq!((status, to.as_deref()), (303, Some("/events?q=repair")));
    let (status, to) = location(&client, &node, &format!("/lang/en?next={LINE_BREAK}")).await;
    assert_eq!(status, 303);
    assert!(stays_on(&node, &to.unwrap()));
}

#[tokio::test]
async fn login_does_not_redirect_elsewhere() {
    let node = node_with_admin().await;
    for (next, n) in FOREIGN.iter().chain([&LINE_BREAK]).zip(20..) {
        let client = client_from(&node, n);
        // Before logging in, the form carries a safe target.
        let (status, html) = pages::get(&client, &node, &format!("/login?next={next}")).await;
        assert_eq!(status, 200, "{next}");
        let kept = pages::attr_of(&html, "input[name=next]", "value").unwrap();
        assert!(stays_on(&node, &kept), "{next} -> {kept:?}");
        // Posting the form with it sends the visitor to their dashboard.
        let decoded = url::form_urlencoded::parse(format!("next={next}").as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned();
        let form = [
            ("username", "admin"),
            ("password", PASSWORD),
            ("next", decoded.as_str()),
        ];
        let (status, _, to) = pages::post(&client, &node, "/login", &form).await;
        assert_eq!(status, 303, "{next}");
        assert!(stays_on(&node, to.as_deref().unwrap()), "{next} -> {to:?}");
        // Logged in, the login page redirects at once; not elsewhere either.
        let (status, to) = location(&client, &node, &format!("/login?next={next}")).await;
        assert_eq!(status, 303, "{next}");
        assert!(stays_on(&node, to.as_deref().unwrap()), "{next} -> {to:?}");
        if *next != LINE_BREAK {
            assert_eq!(to.as_deref(), Some("/manage"), "{next}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// HSTS

#[tokio::test]
async fn hsts_on_every_response_over_https_only() {
    let https = Node::start_with(Backend::Sqlite, |c| c.scheme = "https".into())
        .await
        .unwrap();
    let http = Node::start(Backend::Sqlite).await.unwrap();
    for path in [
        "/",
        "/api/v1/territories",
        "/no/such/page",
        "/.well-known/nodeinfo",
    ] {
        let response = https.http.get(https.url(path)).send().await.unwrap();
        let hsts = response.headers().get("strict-transport-security");
        assert_eq!(
            hsts.map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
        let response = http.http.get(http.url(path)).send().await.unwrap();
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "{path} over http"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Slow headers and connection floods

async fn connect_from(node: &Node, n: u8) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source(n), 0))?;
    socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port(node))))
        .await
}

/// Reads until the server closes the connection; what it sent before closing.
async fn until_closed(stream: &mut tokio::net::TcpStream) -> String {
    let mut received = Vec::new();
    // A bound so that a regression fails instead of hanging; not a measurement.
    let read = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut received));
    match read.await {
        Ok(Ok(_)) | Ok(Err(_)) => String::from_utf8_lossy(&received).into_owned(),
        Err(_) => panic!("the server kept the connection open"),
    }
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    let node = Node::start_with(Backend::Sqlite, |c| c.header_read_timeout_seconds = 1)
        .await
        .unwrap();
    let mut slow = connect_from(&node, 2).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let received = until_closed(&mut slow).await;
    assert!(!received.contains("200 OK"), "{received}");
    // Silent connections are cut off too.
    let mut silent = connect_from(&node, 2).await.unwrap();
    until_closed(&mut silent).await;
    // A prompt request is served.
    let (status, _) = pages::get(&client_from(&node, 3), &node, "/").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn connections_per_address_are_capped() {
    let node = Node::start_with(Backend::Sqlite, |c| c.max_connections_per_address = 3)
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from(&node, 2).await.unwrap());
    }
    // One more from the same address is closed at once, with nothing served.
    let mut extra = connect_from(&node, 2).await.unwrap();
    let _ = extra
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    assert_eq!(until_closed(&mut extra).await, "");
    // Another address is served meanwhile.
    let (status, _) = pages::get(&client_from(&node, 3), &node, "/").await;
    assert_eq!(status, 200);
    // Once one of the first connections is gone, the address may connect again.
    drop(held.pop());
    common::eventually("a freed slot", async || {
        let Ok(mut stream) = connect_from(&node, 2).await else {
            return false;
        };
        let _ = stream
            .write_all(
                b"GET /api/v1/territories HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            )
            .await;
        until_closed(&mut stream).await.starts_with("HTTP/1.1 200")
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// Registration spam

/// A node with an editor of `fablab` and an open event of three places; its id.
async fn node_with_small_event() -> (Node, String) {
    let (node, admin) = pages::node_with_editor(json!({
        "slug": "fablab", "name": "Fablab", "kind": "fablab",
        "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
        "themes": ["science_digital"], "languages": ["fr"]
    }))
    .await;
    let event = json!({
        "title": "Repair café", "description": "Apportez vos objets",
        "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
        "place": {"name": "Fablab", "address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
        "capacity": 3, "registration": {"mode": "open"}, "themes": ["climate"]
    });
    let (status, body) = node
        .send(
            reqwest::Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(event),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    (node, id)
}

async fn register(client: &reqwest::Client, node: &Node, id: &str, email: &str) -> (u16, String) {
    let form = [("name", "Visiteur"), ("email", email)];
    let (status, html, _) =
        pages::post(client, node, &format!("/events/{id}/register"), &form).await;
    (status, html)
}

#[tokio::test]
async fn one_registration_per_address_and_a_few_per_source() {
    let (node, id) = node_with_small_event().await;
    let event: uuid::Uuid = id.parse().unwrap();
    let spammer = client_from(&node, 2);
    assert_eq!(
        register(&spammer, &node, &id, "alice@example.org").await.0,
        200
    );
    // The same address again, however written: refused with a message by the field.
    let (status, html) = register(&spammer, &node, &id, "  Alice@Example.ORG ").await;
    assert_eq!(status, 409);
    assert!(
        pages::text_of(&html, "#reg-email-error").contains("déjà inscrite"),
        "{html}"
    );
    assert_eq!(node.store.participant_count(event).await.unwrap(), 1);
    // One source gets a few registrations, not the whole event.
    let mut registered = 1;
    for i in 0.. {
        assert!(i < 10, "one address registered {registered} times");
        let (status, html) = register(&spammer, &node, &id, &format!("v{i}@example.org")).await;
        if status == 429 {
            assert!(pages::text_of(&html, ".register .error").contains("Trop d'inscriptions"));
            break;
        }
        assert_eq!(status, 200);
        registered += 1;
    }
    assert!(
        registered < 3,
        "{registered} registrations from one address"
    );
    assert_eq!(
        node.store.participant_count(event).await.unwrap(),
        registered
    );
    // Someone else still gets a place.
    let visitor = client_from(&node, 3);
    assert_eq!(
        register(&visitor, &node, &id, "bob@example.org").await.0,
        200
    );
}

#[tokio::test]
async fn organisers_remove_registrations() {
    let (node, id) = node_with_small_event().await;
    let event: uuid::Uuid = id.parse().unwrap();
    for (n, email) in [(2, "alice@example.org"), (3, "spam@example.org")] {
        let visitor = client_from(&node, n);
        assert_eq!(register(&visitor, &node, &id, email).await.0, 200);
    }
    let remove = format!("/events/{id}/registrations/remove");
    let spam = [("participant", "mailto:spam@example.org")];
    // A visitor cannot remove anyone: sent to the login form.
    let visitor = client_from(&node, 4);
    let (status, _, to) = pages::post(&visitor, &node, &remove, &spam).await;
    assert_eq!(status, 303);
    assert!(to.unwrap().starts_with("/login"));
    // Nor can an organiser's session without its CSRF token.
    let organiser = client_from(&node, 5);
    let csrf = pages::login(&organiser, &node, pages::EDITOR, PASSWORD).await;
    let (status, _, _) = pages::post(&organiser, &node, &remove, &spam).await;
    assert_eq!(status, 403);
    assert_eq!(node.store.participant_count(event).await.unwrap(), 2);
    // The organiser's list has a button for each registration; it removes one.
    let (_, html) = pages::get(&organiser, &node, &format!("/events/{id}")).await;
    let buttons = pages::text_of(&html, ".registrations form[action$='/remove'] button");
    assert_eq!(buttons.matches(" | ").count(), 1, "{buttons}");
    let form = [("participant", "mailto:spam@example.org"), ("csrf", &csrf)];
    let (status, _, to) = pages::post(&organiser, &node, &remove, &form).await;
    assert_eq!(
        (status, to),
        (303, Some(format!("/events/{id}#registrations")))
    );
    assert_eq!(node.store.participant_count(event).await.unwrap(), 1);
    let (_, html) = pages::get(&organiser, &node, &format!("/events/{id}")).await;
    let table = pages::text_of(&html, ".registrations");
    assert!(!table.contains("spam@example.org") && table.contains("alice@example.org"));
    // An editor of another territory may not.
    let stranger = rhizome_node::Member::new("dominique", PASSWORD, false).unwrap();
    node.store.insert_member(&stranger).await.unwrap();
    let other = client_from(&node, 6);
    let csrf = pages::login(&other, &node, "dominique", PASSWORD).await;
    let form = [("participant", "mailto:alice@example.org"), ("csrf", &csrf)];
    let (status, _, _) = pages::post(&other, &node, &remove, &form).await;
    assert_eq!(status, 403);
    assert_eq!(node.store.participant_count(event).await.unwrap(), 1);
}

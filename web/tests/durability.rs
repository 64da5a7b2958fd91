//! At-least-once delivery survives a crash: the node is killed with SIGKILL in the middle
//! of a fan-out to 1000 inboxes, started again, and every inbox still gets the activity.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use rhizome_node::social::{FollowState, Follower};
use rhizome_node::store::FederationStore as _;
use rhizome_node::store::SqliteStore;
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::{Store, Territory};

const BIN: &str = env!("CARGO_BIN_EXE_rhizome");
const INBOXES: usize = 1000;
const SERVERS: usize = 4;

type Counts = Arc<Mutex<HashMap<String, usize>>>;

/// A receiving server that counts what each of its inboxes got, a little slowly so the
/// fan-out is still running when the node is killed.
async fn receiver(counts: Counts) -> u16 {
    async fn inbox(
        State(counts): State<Counts>,
        Path(user): Path<String>,
        host: axum::http::HeaderMap,
    ) -> StatusCode {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let host = host
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        *counts
            .lock()
            .unwrap()
            .entry(format!("{host}/{user}"))
            .or_default() += 1;
        StatusCode::ACCEPTED
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/users/{user}/inbox", post(inbox))
        .with_state(counts);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rhizome(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args(args)
        .env("RHIZOME_CONFIG", dir.join("rhizome.toml"));
    cmd
}

fn serve(dir: &std::path::Path) -> Server {
    let mut child = rhizome(dir, &["serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.starts_with("listening on"))
    );
    std::thread::spawn(move || lines.for_each(drop));
    Server(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_node_mid_fan_out_loses_no_delivery() {
    let counts: Counts = Arc::default();
    let mut ports = Vec::new();
    for _ in 0..SERVERS {
        ports.push(receiver(counts.clone()).await);
    }
    let dir = tempfile::tempdir().unwrap();
    let node_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("rhizome.toml"),
        format!(
            "domain = \"localhost:{node_port}\"\nlisten = \"127.0.0.1:{node_port}\"\ndata_dir = \"{}\"\ndevelopment_mode = true\ndelivery_lease_seconds = 2\nlog_level = \"warn\"\n",
            dir.path().join("data").display()
        ),
    )
    .unwrap();

    // A territory with 1000 followers, each with its own inbox, on 4 servers.
    let store = SqliteStore::open(&dir.path().join("data/rhizome.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let draft: TerritoryDraft = serde_json::from_value(
        serde_json::json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .unwrap();
    let territory = Territory::new(draft.validate("Europe/Paris").unwrap());
    store.insert_territory(&territory).await.unwrap();
    for i in 0..INBOXES {
        let port = ports[i % SERVERS];
        let actor = format!("http://localhost:{port}/users/u{i}");
        let follower = Follower {
            territory_id: territory.id,
            actor_id: actor.clone(),
            inbox: format!("{actor}/inbox"),
            state: FollowState::Accepted,
            follow_activity_id: format!("{actor}#follow"),
            created_at: rhizome_node::now(),
        };
        store.upsert_follower(&follower, None).await.unwrap();
    }
    drop(store);
    let out = rhizome(dir.path(), &["admin", "create-user", "--admin", "alice"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let token = String::from_utf8(
        rhizome(dir.path(), &["admin", "create-token", "alice"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();

    let first = serve(dir.path());
    let http = reqwest::Client::new();
    let response = http
        .post(format!("http://127.0.0.1:{node_port}/api/v1/territories/fablab/events"))
        .bearer_auth(token.trim())
        .json(&serde_json::json!({"title": "Fan-out", "starts_at": "2031-01-01T10:00", "ends_at": "2031-01-01T12:00", "place": {"name": "Lab"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    // Kill it once a tenth of the inboxes have been served.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while counts.lock().unwrap().len() < INBOXES / 10 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "fan-out never started"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(first); // SIGKILL
    let at_kill = counts.lock().unwrap().len();
    assert!(
        at_kill < INBOXES,
        "the kill came too late to prove anything ({at_kill} delivered)"
    );

    let _second = serve(dir.path());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let delivered = counts.lock().unwrap().len();
        if delivered == INBOXES {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {delivered} of {INBOXES} inboxes got the activity after restart"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total: usize = counts.lock().unwrap().values().sum();
    println!(
        "killed after {at_kill} inboxes; after restart all {INBOXES} delivered, {} duplicate deliveries (at least once)",
        total - INBOXES
    );
}

//! `rhizome admin backup` and `rhizome admin restore` with the real binary: a node is
//! backed up while publications are written through its API in a loop, restored into a
//! fresh data directory (or database), and a node started on the copy has every
//! publication committed before the backup began, none begun after it ended, each one
//! whole; the same territory key, followers and stored files. Restore refuses an occupied
//! target and a damaged backup. On SQLite always; on PostgreSQL (through `pg_dump` and
//! `pg_restore`) when `RHIZOME_TEST_DATABASE_URL` is set and `pg_dump` is installed.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rhizome_node::social::{FollowState, Follower};
use rhizome_node::store::prelude::*;
use rhizome_node::store::{PostgresStore, SqliteStore};
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::{ApiToken, Member, Territory};

use crate::durability::{free_port, rhizome, serve, write_config};

const FOLLOWERS: usize = 5;

/// A territory with a few followers (on a port nothing listens on: their deliveries
/// fail and wait, which is also stored state to carry over); returns an API token.
async fn seed(store: &dyn Store) -> String {
    store.migrate().await.unwrap();
    let draft: TerritoryDraft = serde_json::from_value(
        serde_json::json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .unwrap();
    let territory = Territory::new(draft.validate("Europe/Paris").unwrap());
    store.insert_territory(&territory).await.unwrap();
    let port = free_port();
    for i in 0..FOLLOWERS {
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
    let member = Member::new("alice", "a long enough password", true).unwrap();
    store.insert_member(&member).await.unwrap();
    let (token, record) = ApiToken::issue(member.id, "test");
    store.insert_token(&record).await.unwrap();
    token
}

/// Stored files as uploads leave them: pictures under `media/`, documents under `files/`.
fn store_files(data_dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (folder, ext) in [("media", "webp"), ("files", "pdf")] {
        std::fs::create_dir_all(data_dir.join(folder)).unwrap();
        for i in 0..3u8 {
            let name = format!("{}.{ext}", uuid::Uuid::new_v4());
            let bytes: Vec<u8> = (0..2000u32).map(|b| (b as u8) ^ i).collect();
            std::fs::write(data_dir.join(folder).join(&name), &bytes).unwrap();
            files.push((format!("{folder}/{name}"), bytes));
        }
    }
    files
}

/// One publication written through the API: when it was asked for, when its answer came,
/// and its id.
struct Published {
    asked: std::time::Instant,
    answered: std::time::Instant,
    id: String,
}

/// Publishes events through the node on `port` until `stop` is set.
async fn write_load(port: u16, token: String, stop: Arc<Mutex<bool>>) -> Vec<Published> {
    let http = reqwest::Client::new();
    let mut published = Vec::new();
    let mut n = 0;
    while !*stop.lock().unwrap() {
        n += 1;
        let asked = std::time::Instant::now();
        let response = http
            .post(format!(
                "http://127.0.0.1:{port}/api/v1/territories/fablab/events"
            ))
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": format!("Atelier {n}"),
                "description": "x".repeat(2000),
                "starts_at": "2031-01-01T10:00", "ends_at": "2031-01-01T12:00",
                "place": {"name": "Lab"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        published.push(Published {
            asked,
            answered: std::time::Instant::now(),
            id: body["id"].as_str().expect("an id").to_owned(),
        });
    }
    published
}

async fn get_json(url: &str, token: &str, accept: &str) -> serde_json::Value {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.unwrap()
}

/// Every event of `fablab` on the node at `port`, by id.
async fn events(port: u16, token: &str) -> std::collections::BTreeMap<String, serde_json::Value> {
    let mut all = std::collections::BTreeMap::new();
    for offset in (0..).step_by(200) {
        let page = get_json(
            &format!(
                "http://127.0.0.1:{port}/api/v1/territories/fablab/events?limit=200&offset={offset}"
            ),
            token,
            "application/json",
        )
        .await;
        let items = page["items"].as_array().unwrap();
        for item in items {
            all.insert(item["id"].as_str().unwrap().to_owned(), item.clone());
        }
        if items.len() < 200 {
            break;
        }
    }
    all
}

/// Runs the binary to its end; gives whether it succeeded and what it wrote.
async fn run(dir: &Path, args: &[&str]) -> (bool, String) {
    let mut command = rhizome(dir, args);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// The round trip, from the node configured in `a` to a fresh one configured in `b`.
async fn round_trip(a: &Path, b: &Path, port_a: u16, port_b: u16, token: String) {
    let files = store_files(&a.join("data"));
    let node_a = serve(a);
    let stop = Arc::new(Mutex::new(false));
    let load = tokio::spawn(write_load(port_a, token.clone(), stop.clone()));
    // Some publications first, then the backup while they go on.
    crate::common::eventually_within(
        "publications before the backup",
        Duration::from_secs(60),
        async || events(port_a, &token).await.len() >= 5,
    )
    .await;
    let actor = |port: u16| {
        let token = token.clone();
        async move {
            get_json(
                &format!("http://127.0.0.1:{port}/t/fablab"),
                &token,
                "application/activity+json",
            )
            .await
        }
    };
    // The territory's key is made when first needed: by now, as its actor is served.
    let actor_a = actor(port_a).await;
    let backup_dir = a.join("backup");
    let backup_began = std::time::Instant::now();
    let (ok, out) = run(a, &["admin", "backup", backup_dir.to_str().unwrap()]).await;
    let backup_ended = std::time::Instant::now();
    assert!(ok, "{out}");
    // A few more after it.
    let after = events(port_a, &token).await.len() + 3;
    crate::common::eventually_within(
        "publications after the backup",
        Duration::from_secs(60),
        async || events(port_a, &token).await.len() >= after,
    )
    .await;
    *stop.lock().unwrap() = true;
    let published = load.await.unwrap();
    let on_a = events(port_a, &token).await;
    let followers = |port: u16| {
        let token = token.clone();
        async move {
            get_json(
                &format!("http://127.0.0.1:{port}/api/v1/territories/fablab/followers"),
                &token,
                "application/json",
            )
            .await
        }
    };
    let followers_a = followers(port_a).await;
    drop(node_a);

    // Restored into a fresh node, which then starts.
    let (ok, out) = run(b, &["admin", "restore", backup_dir.to_str().unwrap()]).await;
    assert!(ok, "{out}");
    let node_b = serve(b);
    let on_b = events(port_b, &token).await;
    let before: BTreeSet<&str> = published
        .iter()
        .filter(|p| p.answered < backup_began)
        .map(|p| p.id.as_str())
        .collect();
    let begun_after: BTreeSet<&str> = published
        .iter()
        .filter(|p| p.asked > backup_ended)
        .map(|p| p.id.as_str())
        .collect();
    assert!(!before.is_empty() && !begun_after.is_empty());
    for id in &before {
        assert!(
            on_b.contains_key(*id),
            "{id}, published before the backup, is missing"
        );
    }
    for (id, event) in &on_b {
        assert!(
            !begun_after.contains(id.as_str()),
            "{id} was published after the backup ended"
        );
        // Whole: exactly as the original node served it.
        assert_eq!(Some(event), on_a.get(id), "{id} differs from the original");
    }
    println!(
        "{} published ({} before the backup, {} after it); {} in the backup",
        published.len(),
        before.len(),
        begun_after.len(),
        on_b.len()
    );
    let actor_b = actor(port_b).await;
    assert_eq!(actor_b["id"], actor_a["id"]);
    assert_eq!(actor_b["publicKey"], actor_a["publicKey"]);
    assert!(actor_a["publicKey"]["publicKeyPem"].as_str().is_some());
    let followers_b = followers(port_b).await;
    assert_eq!(followers_b["items"].as_array().unwrap().len(), FOLLOWERS);
    assert_eq!(followers_b, followers_a);
    for (path, bytes) in &files {
        let served = reqwest::get(format!("http://127.0.0.1:{port_b}/{path}"))
            .await
            .unwrap();
        assert_eq!(served.status(), 200, "{path}");
        assert_eq!(&served.bytes().await.unwrap()[..], &bytes[..], "{path}");
    }
    drop(node_b);

    // The restored node is not overwritten by mistake, nor restored from damage.
    let (ok, out) = run(b, &["admin", "restore", backup_dir.to_str().unwrap()]).await;
    assert!(!ok && out.contains("--force"), "{out}");
    let (ok, out) = run(b, &["admin", "backup", backup_dir.to_str().unwrap()]).await;
    assert!(!ok && out.contains("not empty"), "{out}");
    let damaged = backup_dir.join(&files[0].0);
    let mut bytes = std::fs::read(&damaged).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&damaged, bytes).unwrap();
    let (ok, out) = run(
        b,
        &["admin", "restore", "--force", backup_dir.to_str().unwrap()],
    )
    .await;
    assert!(
        !ok && out.contains(&files[0].0) && out.contains("does not match"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_backed_up_under_load_comes_back_whole() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (port_a, port_b) = (free_port(), free_port());
    // Both are the node `localhost:{port_a}`.
    write_config(a.path(), port_a, port_a, None, 60);
    write_config(b.path(), port_a, port_b, None, 60);
    let store = SqliteStore::open(&a.path().join("data/rhizome.db"))
        .await
        .unwrap();
    let token = seed(&store).await;
    drop(store);
    round_trip(a.path(), b.path(), port_a, port_b, token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_node_backed_up_under_load_comes_back_whole() {
    let Ok(base) = std::env::var("RHIZOME_TEST_DATABASE_URL") else {
        eprintln!("RHIZOME_TEST_DATABASE_URL is not set: PostgreSQL backup test not run");
        return;
    };
    if std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("pg_dump is not installed: PostgreSQL backup test not run");
        return;
    }
    // pg_dump copies whole databases: one of its own for each side.
    let psql = |sql: String| {
        let done = std::process::Command::new("psql")
            .args([base.as_str(), "-v", "ON_ERROR_STOP=1", "-q", "-c", &sql])
            .status()
            .unwrap();
        assert!(done.success(), "{sql}");
    };
    let mut urls = Vec::new();
    for side in ["a", "b"] {
        let name = format!("rh_backup_{side}_{}", uuid::Uuid::new_v4().simple());
        psql(format!("CREATE DATABASE {name}"));
        let mut url = url::Url::parse(&base).unwrap();
        url.set_path(&name);
        urls.push((name, url.to_string()));
    }
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (port_a, port_b) = (free_port(), free_port());
    write_config(a.path(), port_a, port_a, Some(&urls[0].1), 60);
    write_config(b.path(), port_a, port_b, Some(&urls[1].1), 60);
    let store = PostgresStore::connect(&urls[0].1, None).await.unwrap();
    let token = seed(&store).await;
    drop(store);
    round_trip(a.path(), b.path(), port_a, port_b, token).await;
    // Without pg_dump, one line saying what to install.
    let empty = tempfile::tempdir().unwrap();
    let mut command = rhizome(a.path(), &["admin", "backup", "elsewhere"]);
    command.env("PATH", empty.path());
    let output = command.output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success()
            && err.contains("pg_dump was not found")
            && err.contains("postgresql-client"),
        "{err}"
    );
    for (name, _) in &urls {
        psql(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

#[test]
fn the_new_commands_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    for (args, words) in [
        (
            &["admin", "backup", "--help"][..],
            &["manifest.json", "pg_dump", "SHA-256"][..],
        ),
        (&["admin", "restore", "--help"], &["--force", "checksum"]),
        (&["serve", "--help"], &["--role", "worker", "web"]),
        (&["health", "--help"], &["/health", "--path"]),
    ] {
        let output = rhizome(dir.path(), args).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{args:?}");
        for word in words {
            assert!(
                text.contains(word),
                "{args:?} --help lacks {word:?}: {text}"
            );
        }
    }
    let output = rhizome(dir.path(), &["serve", "--role", "boss"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && err.contains("all, web or worker"),
        "{err}"
    );
}

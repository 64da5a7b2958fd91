//! The binary's logs as a service manager or a log shipper gets them: stderr to a pipe
//! holds no colour codes, and with `RHIZOME_LOG_FORMAT=json` every line is a JSON object;
//! `/health` and `/ready` answer from the running binary, and `/ready` names what is missing.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use crate::common::rhizome;

/// Serves from `dir` with `env`, makes a few requests, stops the process and gives what it
/// wrote to stderr (a pipe, not a terminal).
fn stderr_of_a_run(dir: &std::path::Path, env: &[(&str, &str)]) -> String {
    let mut cmd = rhizome(dir, &["serve"]);
    cmd.env("RHIZOME_LISTEN", "127.0.0.1:0")
        // Debug: the request traces too, so that there are many lines of many kinds.
        .env("RHIZOME_LOG_LEVEL", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("listening on ").map(str::to_owned))
        .expect("server printed its address");
    // It goes on printing (the first-run help): keep its stdout open.
    std::thread::spawn(move || lines.for_each(drop));
    let http = reqwest::blocking::Client::new();
    let health = http.get(format!("{address}/health")).send().unwrap();
    assert_eq!(health.status(), 200);
    let ready = http.get(format!("{address}/ready")).send().unwrap();
    assert_eq!(
        ready.status(),
        200,
        "a node that migrated at start is ready"
    );
    assert_eq!(
        http.get(format!("{address}/api/v1/nowhere/at-all"))
            .send()
            .unwrap()
            .status(),
        404
    );
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap()
}

#[test]
fn text_logs_to_a_pipe_have_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let logs = stderr_of_a_run(dir.path(), &[]);
    assert!(logs.contains("Rhizome listening"), "{logs}");
    assert!(logs.lines().count() >= 3, "{logs}");
    assert!(!logs.contains("\x1b["), "colour codes in: {logs}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let logs = stderr_of_a_run(dir.path(), &[("RHIZOME_LOG_FORMAT", "json")]);
    assert!(logs.lines().count() >= 3, "{logs}");
    let mut messages = Vec::new();
    for line in logs.lines() {
        let value: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
        assert!(value["level"].is_string(), "{line}");
        assert!(value["timestamp"].is_string(), "{line}");
        messages.push(value["fields"]["message"].as_str().unwrap_or("").to_owned());
    }
    assert!(
        messages.iter().any(|m| m.contains("Rhizome listening")),
        "{messages:?}"
    );
    assert!(!logs.contains("\x1b["), "{logs}");
}

#[tokio::test]
async fn ready_names_the_migrations_not_applied() {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    // A database nobody migrated: the process is up, the node is not ready.
    let store: std::sync::Arc<dyn rhizome_node::store::Store> = std::sync::Arc::new(
        rhizome_node::store::SqliteStore::open(&dir.path().join("rhizome.db"))
            .await
            .unwrap(),
    );
    let state = rhizome_web::AppState::new(store.clone(), rhizome_node::Config::default());
    let app = rhizome_web::server::app(state);
    let get = |path: &str| {
        axum::extract::Request::builder()
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let health = app.clone().oneshot(get("/health")).await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = app.clone().oneshot(get("/ready")).await.unwrap();
    assert_eq!(ready.status(), 503);
    let body = axum::body::to_bytes(ready.into_body(), 4096).await.unwrap();
    let reason = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        reason.starts_with("migrations not applied: 0001 ") && reason.lines().count() == 1,
        "{reason}"
    );
    // Migrated, it is.
    store.migrate().await.unwrap();
    let ready = app.oneshot(get("/ready")).await.unwrap();
    assert_eq!(ready.status(), 200);
}

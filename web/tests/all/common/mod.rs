//! A real node on loopback, over real HTTP, on SQLite or PostgreSQL.

#![allow(dead_code)]

pub mod mastodon;
pub mod mobilizon;
pub mod pages;
pub mod simulation;
pub mod smtp;

use std::sync::Arc;

use rhizome_federation::Federation;
use rhizome_federation::delivery::Settings;
use rhizome_node::store::prelude::*;
use rhizome_node::store::{PostgresStore, SqliteStore};
use rhizome_node::{ApiToken, Config, Member};
use rhizome_web::AppState;

pub struct Node {
    pub base: String,
    pub store: Arc<dyn Store>,
    /// What the node's handlers share (its limiters and hashing pool among others).
    pub state: AppState,
    federation: Federation,
    server: tokio::task::JoinHandle<()>,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Node {
    /// Starts a node; `None` for PostgreSQL when `RHIZOME_TEST_DATABASE_URL` is unset.
    pub async fn start(backend: Backend) -> Option<Node> {
        Node::start_with(backend, |_| {}).await
    }

    /// Starts a node after `adjust` has changed its configuration.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Node> {
        Node::start_polling(backend, adjust, std::time::Duration::from_millis(100)).await
    }

    /// Starts a node whose delivery worker looks for due retries every `poll` (it is woken
    /// at once for new activities): many nodes in one process need a long one.
    pub async fn start_polling(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
        poll: std::time::Duration,
    ) -> Option<Node> {
        Node::start_pooled(backend, adjust, poll, 2).await
    }

    /// Starts a node as `serve` opens its store: SQLite with its default pool (benchmarks).
    pub async fn start_as_served(backend: Backend) -> Option<Node> {
        let connections = SqliteStore::DEFAULT_CONNECTIONS;
        Node::start_pooled(
            backend,
            |_| {},
            std::time::Duration::from_millis(100),
            connections,
        )
        .await
    }

    /// [`Node::start_polling`] with at most `sqlite_connections` SQLite connections.
    async fn start_pooled(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
        poll: std::time::Duration,
        sqlite_connections: u32,
    ) -> Option<Node> {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = match backend {
            Backend::Sqlite => Arc::new(
                SqliteStore::open_with_pool(&dir.path().join("rhizome.db"), sqlite_connections)
                    .await
                    .unwrap(),
            ),
            Backend::Postgres => {
                let Ok(url) = std::env::var("RHIZOME_TEST_DATABASE_URL") else {
                    eprintln!("RHIZOME_TEST_DATABASE_URL is not set: PostgreSQL case not run");
                    return None;
                };
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                Arc::new(PostgresStore::connect(&url, Some(&schema)).await.unwrap())
            }
        };
        store.migrate().await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut config = Config {
            domain: format!("localhost:{port}"),
            data_dir: dir.path().to_owned(),
            development_mode: true,
            ..Config::default()
        };
        adjust(&mut config);
        let config = Arc::new(config);
        let settings = Settings {
            lease: chrono::Duration::seconds(5),
            poll,
            ..Settings::from_config(&config)
        };
        let federation = Federation::with_delivery(store.clone(), config, settings);
        rhizome_federation::delivery::spawn(federation.clone());
        // The mail worker, as `serve` spawns it (only with `smtp_url`).
        if let Some(sender) =
            rhizome_node::mail::sender::Sender::new(store.clone(), &federation.config).unwrap()
        {
            sender.spawn();
        }
        let state = AppState::with_federation(federation.clone());
        let served = state.clone();
        let server = tokio::spawn(async move {
            rhizome_web::server::serve_on(listener, served, std::future::pending())
                .await
                .unwrap()
        });
        Some(Node {
            base: format!("http://localhost:{port}"),
            store,
            state,
            federation,
            server,
            http: reqwest::Client::new(),
            _dir: dir,
        })
    }

    /// A member with a password, optionally admin, and a token for them.
    pub async fn member(&self, username: &str, admin: bool) -> String {
        let member = Member::new(username, "a long enough password", admin).unwrap();
        self.store.insert_member(&member).await.unwrap();
        let (token, record) = ApiToken::issue(member.id, "test");
        self.store.insert_token(&record).await.unwrap();
        token
    }

    /// Creates a territory through the API as `token` (an admin's): `profile` is the
    /// API's JSON; answers the territory as the API shows it.
    pub async fn territory(&self, token: &str, profile: serde_json::Value) -> serde_json::Value {
        let (status, body) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/territories",
                Some(token),
                Some(profile),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
    }

    /// The stored territory `slug`, which the test made.
    pub async fn stored_territory(&self, slug: &str) -> rhizome_node::Territory {
        let found = self.store.territory_by_slug(slug).await.unwrap();
        found.unwrap_or_else(|| panic!("no territory {slug}"))
    }

    /// A node with an admin (whose token comes back) and one territory, `profile`.
    pub async fn with_territory(
        backend: Backend,
        profile: serde_json::Value,
    ) -> Option<(Node, String)> {
        Node::configured_with_territory(backend, |_| {}, profile).await
    }

    /// [`Node::with_territory`] with its configuration first adjusted.
    pub async fn configured_with_territory(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
        profile: serde_json::Value,
    ) -> Option<(Node, String)> {
        let node = Node::start_with(backend, adjust).await?;
        let admin = node.member("admin", true).await;
        node.territory(&admin, profile).await;
        Some((node, admin))
    }

    /// Takes the node off the network: its port refuses connections from now on.
    pub fn stop(&self) {
        self.server.abort();
    }

    /// The node's data folder (database, uploaded pictures).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn host(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    pub fn federation(&self) -> &Federation {
        &self.federation
    }

    pub async fn federation_blocks_changed(&self) {
        self.federation.blocks_changed().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GETs `path` and parses the answer as JSON (failing the test when it is not).
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        json_answer(self.http.get(self.url(path))).await
    }

    /// GETs `url` (any node's) as a peer would, asking for ActivityPub JSON.
    pub async fn activity_json(&self, url: &str) -> serde_json::Value {
        json_answer(
            self.http
                .get(url)
                .header("accept", "application/activity+json"),
        )
        .await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }
}

/// The `rhizome` binary run in `dir` with a clean environment for its settings: no
/// `RHIZOME_*` variable from the test's own.
pub fn rhizome(dir: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rhizome"));
    cmd.current_dir(dir).args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("RHIZOME_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Sends `request` and parses its answer as JSON, failing the test when it is not.
async fn json_answer(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// Polls `done` every 100 ms until it holds; fails the test naming `what` after `limit`.
pub async fn eventually_within(
    what: &str,
    limit: std::time::Duration,
    mut done: impl AsyncFnMut() -> bool,
) {
    let deadline = std::time::Instant::now() + limit;
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not done after {limit:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// [`eventually_within`] 20 seconds: what the tests wait for takes well under a second.
pub async fn eventually(what: &str, done: impl AsyncFnMut() -> bool) {
    eventually_within(what, std::time::Duration::from_secs(20), done).await;
}

/// Two `#[tokio::test]` functions running one story, on SQLite and on PostgreSQL, named
/// as given (the PostgreSQL one must contain `postgres`: CI selects those by that filter).
// Unused where a bench includes this module.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($story:path => $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $story($crate::common::Backend::Sqlite).await;
        }

        #[tokio::test]
        async fn $postgres() {
            $story($crate::common::Backend::Postgres).await;
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_backends;

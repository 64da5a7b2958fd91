//! A real node on loopback, over real HTTP, on SQLite or PostgreSQL.

#![allow(dead_code)]

use std::sync::Arc;

use rhizome_node::store::{PostgresStore, SqliteStore};
use rhizome_node::{ApiToken, Config, Member, Store};
use rhizome_web::AppState;

pub struct Node {
    pub base: String,
    pub store: Arc<dyn Store>,
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
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = match backend {
            Backend::Sqlite => Arc::new(
                SqliteStore::open(&dir.path().join("rhizome.db"))
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
        let config = Config {
            domain: format!("localhost:{port}"),
            data_dir: dir.path().to_owned(),
            ..Config::default()
        };
        let app = rhizome_web::server::app(AppState::new(store.clone(), config));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Some(Node {
            base: format!("http://127.0.0.1:{port}"),
            store,
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

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
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

//! A Mastodon-shaped peer on loopback: it serves actor documents built from fixtures of
//! Mastodon's real JSON, signs its POSTs exactly as Mastodon does (`rsa-sha256`,
//! `(request-target) host date digest content-type`), and records what it receives after
//! checking the signature against the sender's published key, as Mastodon would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use sha2::{Digest, Sha256};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../federation/tests/fixtures/mastodon"
);

pub struct Received {
    pub activity: Value,
    pub signature_ok: bool,
}

struct Account {
    key: KeyPair,
    public_pem: String,
    gone: bool,
}

struct Peer {
    base: String,
    accounts: Mutex<HashMap<String, Arc<Account>>>,
    /// Extra documents served as ActivityStreams JSON, by path and query.
    documents: Mutex<HashMap<String, Value>>,
    received: Mutex<Vec<Received>>,
    /// How many times each account's actor document was fetched.
    actor_gets: Mutex<HashMap<String, usize>>,
    http: reqwest::Client,
}

#[derive(Clone)]
pub struct FakeMastodon(Arc<Peer>);

fn new_account() -> Account {
    let key = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let der = key.public_key().as_der().unwrap();
    let public_pem = pem_encode("PUBLIC KEY", der.as_ref());
    Account {
        key,
        public_pem,
        gone: false,
    }
}

/// A DER key as PEM text, under `label`.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = BASE64.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

impl FakeMastodon {
    pub async fn start() -> FakeMastodon {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let peer = FakeMastodon(Arc::new(Peer {
            base: format!("http://localhost:{port}"),
            accounts: Mutex::default(),
            documents: Mutex::default(),
            received: Mutex::default(),
            actor_gets: Mutex::default(),
            http: reqwest::Client::new(),
        }));
        let app = Router::new()
            .route("/users/{name}", get(actor))
            .route("/users/{name}/inbox", post(inbox))
            .route("/inbox", post(inbox))
            .fallback(get(document))
            .with_state(peer.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        peer
    }

    pub fn base(&self) -> &str {
        &self.0.base
    }

    /// `localhost:PORT`, what our own signatures must name as `Host`.
    pub fn host(&self) -> &str {
        self.0.base.trim_start_matches("http://")
    }

    pub fn actor_id(&self, name: &str) -> String {
        format!("{}/users/{name}", self.0.base)
    }

    fn account(&self, name: &str) -> Arc<Account> {
        self.0
            .accounts
            .lock()
            .unwrap()
            .entry(name.to_owned())
            .or_insert_with(|| Arc::new(new_account()))
            .clone()
    }

    /// How many times `name`'s actor document was fetched so far.
    pub fn actor_fetches(&self, name: &str) -> usize {
        self.0
            .actor_gets
            .lock()
            .unwrap()
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    /// The account gets a new key, as after a Mastodon key rotation.
    pub fn rotate_key(&self, name: &str) {
        self.0
            .accounts
            .lock()
            .unwrap()
            .insert(name.to_owned(), Arc::new(new_account()));
    }

    /// The account is deleted: its URL answers 410 from now on.
    pub fn delete_account(&self, name: &str) {
        let account = self.account(name);
        let gone = Account {
            key: KeyPair::from_pkcs8(account.key.as_der().unwrap().as_ref()).unwrap(),
            public_pem: account.public_pem.clone(),
            gone: true,
        };
        self.0
            .accounts
            .lock()
            .unwrap()
            .insert(name.to_owned(), Arc::new(gone));
    }

    /// The actor document Mastodon would serve for `name`.
    pub fn actor_json(&self, name: &str) -> Value {
        let mut actor = self.fixture("actor.json", "", "");
        let id = self.actor_id(name);
        actor["id"] = id.clone().into();
        actor["preferredUsername"] = name.into();
        actor["inbox"] = format!("{id}/inbox").into();
        actor["publicKey"] = serde_json::json!({"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": self.account(name).public_pem});
        actor
    }

    /// A fixture with Mastodon's host replaced by ours, our node's by `node`, and
    /// `EVENT_ID` by `event_id`.
    pub fn fixture(&self, file: &str, node: &str, event_id: &str) -> Value {
        let text = std::fs::read_to_string(format!("{FIXTURES}/{file}")).unwrap();
        let text = text
            .replace("https://mastodon.example", &self.0.base)
            .replace("https://node.example", node)
            .replace("EVENT_ID", event_id);
        serde_json::from_str(&text).unwrap()
    }

    /// POSTs an activity signed by `name`'s current key, Mastodon style.
    pub async fn post(&self, name: &str, inbox: &str, activity: &Value) -> (u16, String) {
        let body = serde_json::to_vec(activity).unwrap();
        let account = self.account(name);
        let headers = mastodon_signature(
            &account.key,
            &format!("{}#main-key", self.actor_id(name)),
            inbox,
            &body,
        );
        self.send(inbox, headers, body).await
    }

    /// POSTs raw bytes with the given headers (for forged or broken requests).
    pub async fn send(
        &self,
        inbox: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> (u16, String) {
        let mut request = self.0.http.post(inbox).body(body);
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Signs like Mastodon's `Request#sign!`, exposed for tests that tamper afterwards.
    pub fn sign(&self, name: &str, inbox: &str, body: &[u8]) -> Vec<(String, String)> {
        mastodon_signature(
            &self.account(name).key,
            &format!("{}#main-key", self.actor_id(name)),
            inbox,
            body,
        )
    }

    /// Signs with `name`'s key but names `key_id`, as a forger claiming another actor would.
    pub fn sign_as(
        &self,
        name: &str,
        key_id: &str,
        inbox: &str,
        body: &[u8],
    ) -> Vec<(String, String)> {
        mastodon_signature(&self.account(name).key, key_id, inbox, body)
    }

    /// Waits (up to 20 s) for a received activity matching `pred`.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(r) = self
                .0
                .received
                .lock()
                .unwrap()
                .iter()
                .find(|r| pred(&r.activity))
            {
                assert!(
                    r.signature_ok,
                    "{what}: received but its signature did not verify: {}",
                    r.activity
                );
                return r.activity.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{what}: never received"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Serves `doc` at `path` (with its query, if any), with its `id` set to that URL.
    pub fn serve(&self, path: &str, mut doc: Value) -> String {
        let url = format!("{}{path}", self.0.base);
        doc["id"] = url.clone().into();
        self.0
            .documents
            .lock()
            .unwrap()
            .insert(path.to_owned(), doc);
        url
    }

    pub fn received_count(&self, pred: impl Fn(&Value) -> bool) -> usize {
        self.0
            .received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| pred(&r.activity))
            .count()
    }
}

/// `Signature: keyId=...,algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature=...`
fn mastodon_signature(
    key: &KeyPair,
    key_id: &str,
    inbox: &str,
    body: &[u8],
) -> Vec<(String, String)> {
    let url = url::Url::parse(inbox).unwrap();
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap()),
        None => url.host_str().unwrap().to_owned(),
    };
    let date = httpdate::fmt_http_date(SystemTime::now());
    let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(body)));
    let content_type = "application/activity+json";
    let signing_string = format!(
        "(request-target): post {}\nhost: {host}\ndate: {date}\ndigest: {digest}\ncontent-type: {content_type}",
        url.path()
    );
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        signing_string.as_bytes(),
        &mut signature,
    )
    .unwrap();
    let header = format!(
        r#"keyId="{key_id}",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="{}""#,
        BASE64.encode(signature)
    );
    vec![
        ("Host".into(), host),
        ("Date".into(), date),
        ("Digest".into(), digest),
        ("Content-Type".into(), content_type.into()),
        ("Signature".into(), header),
    ]
}

async fn actor(State(peer): State<FakeMastodon>, Path(name): Path<String>, uri: Uri) -> Response {
    *peer
        .0
        .actor_gets
        .lock()
        .unwrap()
        .entry(name.clone())
        .or_default() += 1;
    if peer.0.documents.lock().unwrap().contains_key(uri.path()) {
        return document(State(peer), uri).await;
    }
    if peer.account(&name).gone {
        return (StatusCode::GONE, "").into_response();
    }
    (
        [("content-type", "application/activity+json; charset=utf-8")],
        serde_json::to_string(&peer.actor_json(&name)).unwrap(),
    )
        .into_response()
}

async fn document(State(peer): State<FakeMastodon>, uri: Uri) -> Response {
    let key = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_owned();
    match peer.0.documents.lock().unwrap().get(&key) {
        Some(doc) => (
            [("content-type", "application/activity+json")],
            serde_json::to_string(doc).unwrap(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "").into_response(),
    }
}

/// Verifies like Mastodon: Digest, then the signature with the key fetched from keyId.
async fn inbox(
    State(peer): State<FakeMastodon>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let activity: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return StatusCode::BAD_REQUEST,
    };
    let signature_ok = verify(&peer, &uri, &headers, &body).await;
    peer.0.received.lock().unwrap().push(Received {
        activity,
        signature_ok,
    });
    if signature_ok {
        StatusCode::ACCEPTED
    } else {
        StatusCode::UNAUTHORIZED
    }
}

async fn verify(peer: &FakeMastodon, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> bool {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let Ok(pending) =
        rhizome_federation::signatures::prepare("POST", path, peer.host(), headers, Some(body))
    else {
        return false;
    };
    let Ok(response) = peer
        .0
        .http
        .get(pending.key_owner())
        .header("accept", "application/activity+json")
        .send()
        .await
    else {
        return false;
    };
    let Ok(actor) = response.json::<Value>().await else {
        return false;
    };
    if actor["publicKey"]["id"] != pending.key_id.as_str() {
        return false;
    }
    let Some(key) = actor["publicKey"]["publicKeyPem"]
        .as_str()
        .and_then(rhizome_federation::keys::parse_public)
    else {
        return false;
    };
    pending.verify(&key).is_ok()
}

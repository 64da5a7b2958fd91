//! A Mobilizon- or Gancio-shaped peer on loopback: it serves actor and object documents
//! built from the fixtures of their real JSON (`federation/tests/fixtures/`, provenance in
//! its README), signs its POSTs the way each of them does (Mobilizon through
//! `http_signatures`: `(request-target) content-length date digest host`, keys as PKCS#1
//! `RSA PUBLIC KEY`; Gancio: `(request-target) host date digest`, SPKI keys), and
//! records what its inboxes receive.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::mastodon::pem_encode;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../federation/tests/fixtures");

/// Which server the peer plays.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Software {
    Mobilizon,
    Gancio,
}

impl Software {
    /// The host its fixtures are written with.
    fn fixture_base(self) -> &'static str {
        match self {
            Software::Mobilizon => "https://mobilizon.example",
            Software::Gancio => "https://gancio.example",
        }
    }

    /// The headers its signatures cover, in its order.
    fn signed_headers(self) -> &'static [&'static str] {
        match self {
            Software::Mobilizon => &[
                "(request-target)",
                "content-length",
                "date",
                "digest",
                "host",
            ],
            Software::Gancio => &["(request-target)", "host", "date", "digest"],
        }
    }
}

struct Peer {
    software: Software,
    base: String,
    /// Each actor's key, by actor id.
    keys: Mutex<HashMap<String, Arc<KeyPair>>>,
    /// Documents served as ActivityStreams JSON, by path and query.
    documents: Mutex<HashMap<String, Value>>,
    /// Paths answering `410 Gone` (deleted objects).
    gone: Mutex<HashSet<String>>,
    received: Mutex<Vec<Value>>,
    http: reqwest::Client,
}

#[derive(Clone)]
pub struct FixturePeer(Arc<Peer>);

impl FixturePeer {
    pub async fn start(software: Software) -> FixturePeer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let peer = FixturePeer(Arc::new(Peer {
            software,
            base: format!("http://localhost:{port}"),
            keys: Mutex::default(),
            documents: Mutex::default(),
            gone: Mutex::default(),
            received: Mutex::default(),
            http: reqwest::Client::new(),
        }));
        let app = Router::new().fallback(handle).with_state(peer.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        peer
    }

    pub fn base(&self) -> &str {
        &self.0.base
    }

    /// A fixture (`mobilizon/group.json`) with the peer's host for the one it was written
    /// with, and `node` (our node's base URL) for `https://node.example`.
    pub fn fixture(&self, path: &str, node: &str) -> Value {
        let text = std::fs::read_to_string(format!("{FIXTURES}/{path}")).unwrap();
        let text = text
            .replace(self.0.software.fixture_base(), &self.0.base)
            .replace("https://node.example", node);
        serde_json::from_str(&text).unwrap()
    }

    /// Serves the actor of fixture `path` at its id, with a fresh key; returns its id.
    pub fn actor(&self, path: &str) -> String {
        let mut actor = self.fixture(path, "");
        let id = actor["id"].as_str().unwrap().to_owned();
        let key = KeyPair::generate(KeySize::Rsa2048).unwrap();
        actor["publicKey"]["publicKeyPem"] = match self.0.software {
            Software::Mobilizon => pem_encode("RSA PUBLIC KEY", key.public_key().as_ref()),
            Software::Gancio => {
                pem_encode("PUBLIC KEY", key.public_key().as_der().unwrap().as_ref())
            }
        }
        .into();
        self.0
            .keys
            .lock()
            .unwrap()
            .insert(id.clone(), Arc::new(key));
        self.serve(actor);
        id
    }

    /// Serves `doc` at the path of its `id`.
    pub fn serve(&self, doc: Value) {
        let path = self.path_of(doc["id"].as_str().unwrap());
        self.0.gone.lock().unwrap().remove(&path);
        self.0.documents.lock().unwrap().insert(path, doc);
    }

    /// The object `id` is deleted: its URL answers 410 from now on.
    pub fn delete(&self, id: &str) {
        let path = self.path_of(id);
        self.0.documents.lock().unwrap().remove(&path);
        self.0.gone.lock().unwrap().insert(path);
    }

    fn path_of(&self, id: &str) -> String {
        let url = url::Url::parse(id).unwrap();
        assert_eq!(
            format!("{}://{}", url.scheme(), url.authority()),
            self.0.base,
            "{id} is not on this peer"
        );
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// POSTs `activity` to `inbox`, signed by `actor_id` (one of [`FixturePeer::actor`]'s)
    /// as this peer's software signs.
    pub async fn post(&self, actor_id: &str, inbox: &str, activity: &Value) -> (u16, String) {
        let body = serde_json::to_vec(activity).unwrap();
        let key = self.0.keys.lock().unwrap()[actor_id].clone();
        let headers = sign(
            &key,
            &format!("{actor_id}#main-key"),
            inbox,
            &body,
            self.0.software.signed_headers(),
        );
        let mut request = self.0.http.post(inbox).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Waits (up to 20 s) for a received activity matching `pred`.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(found) = self.0.received.lock().unwrap().iter().find(|a| pred(a)) {
                return found.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{what}: never received"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The signature headers for a POST of `body` to `inbox`, covering `covered`.
fn sign(
    key: &KeyPair,
    key_id: &str,
    inbox: &str,
    body: &[u8],
    covered: &[&str],
) -> Vec<(String, String)> {
    let url = url::Url::parse(inbox).unwrap();
    let values: HashMap<&str, String> = HashMap::from([
        ("(request-target)", format!("post {}", url.path())),
        ("host", url.authority().to_owned()),
        ("date", httpdate::fmt_http_date(SystemTime::now())),
        (
            "digest",
            format!("SHA-256={}", BASE64.encode(Sha256::digest(body))),
        ),
        ("content-length", body.len().to_string()),
    ]);
    let signing_string = covered
        .iter()
        .map(|h| format!("{h}: {}", values[h]))
        .collect::<Vec<_>>()
        .join("\n");
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        signing_string.as_bytes(),
        &mut signature,
    )
    .unwrap();
    let mut headers: Vec<(String, String)> = covered
        .iter()
        .filter(|h| **h != "(request-target)")
        .map(|h| (h.to_string(), values[h].clone()))
        .collect();
    headers.push(("content-type".into(), "application/activity+json".into()));
    headers.push((
        "signature".into(),
        format!(
            r#"keyId="{key_id}",algorithm="rsa-sha256",headers="{}",signature="{}""#,
            covered.join(" "),
            BASE64.encode(signature)
        ),
    ));
    headers
}

/// GETs serve the documents; POSTs to any path are an inbox.
async fn handle(
    State(peer): State<FixturePeer>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    if method == Method::POST {
        return match serde_json::from_slice::<Value>(&body) {
            Ok(activity) => {
                peer.0.received.lock().unwrap().push(activity);
                StatusCode::ACCEPTED.into_response()
            }
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        };
    }
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    if peer.0.gone.lock().unwrap().contains(path) {
        return StatusCode::GONE.into_response();
    }
    match peer.0.documents.lock().unwrap().get(path) {
        Some(doc) => (
            [("content-type", "application/activity+json; charset=utf-8")],
            serde_json::to_string(doc).unwrap(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

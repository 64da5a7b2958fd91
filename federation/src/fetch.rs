//! Fetching from other servers, safely: every GET is signed by our instance actor, URLs
//! pointing at private, loopback or link-local addresses are refused outside development
//! mode (the check runs again at connect time, against DNS rebinding), answers must be
//! ActivityStreams JSON, bounded in size, and carry the id they were fetched from.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use chrono::Utc;
use rhizome_node::social::{AssertionKey, RemoteActor, host_of};
use serde_json::Value;
use url::Url;

use crate::Federation;
use crate::protocol::{RemoteActorJson, first_href, web_url};
use crate::signatures::sign_get;
use crate::urls::Urls;

/// Largest document we accept from another server.
pub const MAX_FETCH_BYTES: usize = 1024 * 1024;
/// Known actors are refetched after this long (key rotation without an `Update`).
pub const ACTOR_MAX_AGE: chrono::Duration = chrono::Duration::days(1);

/// Redirects followed by [`Federation::fetch_document`].
pub const MAX_REDIRECTS: usize = 3;

/// What [`Federation::fetch_document`] brought back.
#[derive(Debug)]
pub enum Fetched {
    /// The validators sent still hold.
    NotModified,
    Document {
        body: Vec<u8>,
        content_type: String,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refusing to contact {0}: {1}")]
    Unsafe(String, &'static str),
    #[error("{0} is blocked on this node")]
    Blocked(String),
    #[error("{0} answered {1}")]
    Status(String, u16),
    #[error("{0} is gone")]
    Gone(String),
    #[error("{0}: {1}")]
    Http(String, String),
    #[error("{0} did not answer with ActivityStreams JSON: {1}")]
    Invalid(String, String),
}

impl FetchError {
    /// What a remote server may be told: which URL and what was wrong with it or its
    /// answer, without what our resolver or HTTP client said (that goes to the log).
    pub fn public_reason(&self) -> String {
        match self {
            FetchError::Http(url, _) => format!("{url} could not be reached"),
            other => other.to_string(),
        }
    }
}

/// Builds the HTTP client every outgoing request goes through: no automatic redirects,
/// timeouts, and a resolver that refuses private addresses unless in development mode.
pub fn client(development_mode: bool, idle_timeout: Duration) -> reqwest::Client {
    let timeout = Duration::from_secs(10);
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        // A node talks to thousands of servers: keep few idle connections, not for long.
        .pool_max_idle_per_host(4)
        .pool_idle_timeout(idle_timeout)
        .user_agent(concat!("Rhizome/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(
            activitypub_federation::resolver::ValidatingDnsResolver::new(vec![], !development_mode),
        )
        .build()
        .expect("HTTP client configuration is valid")
}

/// Checks a URL before any request: https only, a host name rather than an IP literal,
/// no explicit port. Development mode lifts these rules for local test networks.
pub fn check_url(url: &str, development_mode: bool) -> Result<Url, FetchError> {
    let parsed = Url::parse(url).map_err(|_| FetchError::Unsafe(url.to_owned(), "not a URL"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if development_mode => {}
        _ => {
            return Err(FetchError::Unsafe(
                url.to_owned(),
                "only https URLs are fetched",
            ));
        }
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| FetchError::Unsafe(url.to_owned(), "no host"))?;
    if development_mode {
        return Ok(parsed);
    }
    if host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok() {
        return Err(FetchError::Unsafe(
            url.to_owned(),
            "IP addresses are not fetched",
        ));
    }
    if parsed.port().is_some() {
        return Err(FetchError::Unsafe(
            url.to_owned(),
            "explicit ports are not fetched",
        ));
    }
    Ok(parsed)
}

impl Federation {
    /// GETs an ActivityStreams document, signed by the instance actor.
    pub async fn fetch_json(&self, url: &str) -> Result<Value, FetchError> {
        self.get_activity_json(url, true).await
    }

    /// GETs an actor document: unsigned first, since an actor's document (its keys) must
    /// be readable without a signature by anyone who has to check one, and signed again
    /// only if the server asks for it (`401`/`403`). That is how Mastodon answers in
    /// authorized-fetch mode: `AccountsController` has `before_action
    /// :require_account_signature!, if: -> { request.format == :json &&
    /// authorized_fetch_mode? }`, a `401` to an unsigned GET, and serves the actor to a
    /// signed one; Rhizome's `authorized_fetch` answers `401` too. Servers that serve
    /// actors openly (most, and Rhizome by default) cost no signature.
    pub async fn fetch_actor_json(&self, url: &str) -> Result<Value, FetchError> {
        match self.get_activity_json(url, false).await {
            Err(FetchError::Status(_, 401 | 403)) => self.get_activity_json(url, true).await,
            answer => answer,
        }
    }

    /// GETs an ActivityStreams document, signed by the instance actor when `signed`.
    async fn get_activity_json(&self, url: &str, signed: bool) -> Result<Value, FetchError> {
        let parsed = check_url(url, self.config.development_mode)?;
        let host = rhizome_node::social::host_of(url).unwrap_or_default();
        if self.is_blocked(&host).await {
            return Err(FetchError::Blocked(host));
        }
        let request = self
            .http
            .get(parsed.clone())
            .header("accept", r#"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams""#);
        let request = if signed {
            let key = self
                .keys
                .local(uuid::Uuid::nil())
                .await
                .map_err(|e| FetchError::Http(url.to_owned(), cause(&e)))?;
            let request = sign_get(request, Urls::key_id(&self.urls.instance_actor()), key)
                .await
                .map_err(|e| FetchError::Http(url.to_owned(), cause(&e)))?;
            crate::Stats::count(&self.stats.signatures, 1);
            request
        } else {
            request
                .build()
                .map_err(|e| FetchError::Http(url.to_owned(), cause(&e)))?
        };
        crate::Stats::count(&self.stats.fetches, 1);
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| FetchError::Http(url.to_owned(), cause(&e)))?;
        match response.status().as_u16() {
            200 => {}
            410 => return Err(FetchError::Gone(url.to_owned())),
            code => return Err(FetchError::Status(url.to_owned(), code)),
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_lowercase();
        if !(content_type.starts_with("application/activity+json")
            || content_type.starts_with("application/ld+json"))
        {
            return Err(FetchError::Invalid(
                url.to_owned(),
                format!("content type {content_type:?}"),
            ));
        }
        if response
            .content_length()
            .is_some_and(|n| n as usize > MAX_FETCH_BYTES)
        {
            return Err(FetchError::Invalid(
                url.to_owned(),
                "document too large".into(),
            ));
        }
        let bytes = read_limited(response, MAX_FETCH_BYTES)
            .await
            .map_err(|e| FetchError::Http(url.to_owned(), e))?;
        let mut value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| FetchError::Invalid(url.to_owned(), e.to_string()))?;
        let stripped = crate::protocol::strip_control(&mut value);
        if stripped > 0 {
            tracing::info!(
                url,
                stripped,
                "control characters removed from a fetched document"
            );
        }
        if crate::protocol::id_of(&value) != Some(parsed.as_str())
            && crate::protocol::id_of(&value) != Some(url)
        {
            return Err(FetchError::Invalid(
                url.to_owned(),
                "its id is not the URL it was fetched from".into(),
            ));
        }
        Ok(value)
    }

    /// GETs a document that is not ActivityStreams (an external calendar), with the same
    /// rules as every fetch: each URL checked, blocked hosts refused, the connect-time
    /// address check, the client's time limit and at most `limit` bytes. Unsigned; at
    /// most [`MAX_REDIRECTS`] redirects, each hop checked again. `validators` (ETag,
    /// Last-Modified) make it conditional: `NotModified` when the server says so.
    pub async fn fetch_document(
        &self,
        url: &str,
        accept: &str,
        validators: (Option<&str>, Option<&str>),
        limit: usize,
    ) -> Result<Fetched, FetchError> {
        let mut current = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            let parsed = check_url(&current, self.config.development_mode)?;
            let host = host_of(&current).unwrap_or_default();
            if self.is_blocked_domain(&host).await {
                return Err(FetchError::Blocked(host));
            }
            let mut request = self
                .http
                .get(parsed.clone())
                .header("accept", accept)
                .header("user-agent", self.user_agent());
            if let Some(etag) = validators.0 {
                request = request.header("if-none-match", etag);
            }
            if let Some(modified) = validators.1 {
                request = request.header("if-modified-since", modified);
            }
            let response = request
                .send()
                .await
                .map_err(|e| FetchError::Http(current.clone(), cause(&e)))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            match status {
                200 => {}
                304 => return Ok(Fetched::NotModified),
                301 | 302 | 303 | 307 | 308 => {
                    let location = header("location").ok_or_else(|| {
                        FetchError::Invalid(current.clone(), "a redirect without Location".into())
                    })?;
                    current = parsed
                        .join(&location)
                        .map_err(|_| FetchError::Unsafe(location, "not a URL"))?
                        .to_string();
                    continue;
                }
                410 => return Err(FetchError::Gone(current)),
                code => return Err(FetchError::Status(current, code)),
            }
            if response
                .content_length()
                .is_some_and(|n| n as usize > limit)
            {
                return Err(FetchError::Invalid(current, "document too large".into()));
            }
            let content_type = header("content-type").unwrap_or_default().to_lowercase();
            let etag = header("etag");
            let last_modified = header("last-modified");
            let body = read_limited(response, limit)
                .await
                .map_err(|e| FetchError::Invalid(current.clone(), e))?;
            return Ok(Fetched::Document {
                body,
                content_type,
                etag,
                last_modified,
            });
        }
        Err(FetchError::Invalid(
            url.to_owned(),
            format!("more than {MAX_REDIRECTS} redirects"),
        ))
    }

    /// GETs a public document that is not ActivityStreams (a geocoder's answer): what
    /// [`Federation::fetch_document`] does, unconditional, the whole exchange within
    /// `timeout`; only the body.
    pub async fn fetch_public(
        &self,
        url: &str,
        accept: &str,
        limit: usize,
        timeout: Duration,
    ) -> Result<Vec<u8>, FetchError> {
        let fetched = tokio::time::timeout(
            timeout,
            self.fetch_document(url, accept, (None, None), limit),
        )
        .await
        .unwrap_or_else(|_| Err(FetchError::Http(url.to_owned(), "timed out".into())))?;
        match fetched {
            Fetched::Document { body, .. } => Ok(body),
            Fetched::NotModified => Err(FetchError::Status(url.to_owned(), 304)),
        }
    }

    /// How the node names itself to the servers it fetches from, as public services ask.
    fn user_agent(&self) -> String {
        format!(
            "Rhizome/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            self.config.base_url()
        )
    }

    /// A remote actor: from memory or the database when fresh, else fetched and stored.
    pub async fn actor(&self, id: &str, refresh: bool) -> Result<RemoteActor, FetchError> {
        if !refresh {
            if let Some(actor) = self.actors.get(id) {
                return Ok(actor);
            }
            if let Ok(Some(actor)) = self.store.remote_actor(id).await
                && Utc::now() - actor.fetched_at < ACTOR_MAX_AGE
            {
                self.actors.keep(&actor);
                return Ok(actor);
            }
        }
        let json = self.fetch_actor_json(id).await?;
        let actor =
            remote_actor_from_json(json).map_err(|e| FetchError::Invalid(id.to_owned(), e))?;
        if let Err(e) = self.store_actor(&actor).await {
            tracing::warn!(error = %e, actor = id, "could not store remote actor");
        }
        Ok(actor)
    }

    /// Stores a remote actor as read from its document, for [`Federation::actor`] too.
    pub async fn store_actor(&self, actor: &RemoteActor) -> Result<(), rhizome_node::StoreError> {
        self.actors.forget(&actor.id);
        self.store.upsert_remote_actor(actor).await?;
        self.actors.keep(actor);
        Ok(())
    }

    /// Forgets a remote actor that deleted itself, and what it left here.
    pub async fn forget_actor(&self, id: &str) -> Result<(), rhizome_node::StoreError> {
        self.actors.forget(id);
        self.store.forget_remote_actor(id).await
    }
}

/// How long a remote actor read from the database is trusted from memory: another process
/// sharing a PostgreSQL database may have stored a newer one. A failed signature refetches
/// the actor anyway (key rotation).
const ACTOR_MEMORY_TTL: Duration = Duration::from_secs(60);
/// Remote actors remembered, at most; the memory is emptied when it is full.
const ACTOR_MEMORY_LIMIT: usize = 10_000;

/// Remote actors recently read or stored, so that each inbound activity does not read
/// its sender from the database.
#[derive(Default)]
pub struct ActorMemory(std::sync::Mutex<std::collections::HashMap<String, (Instant, RemoteActor)>>);

impl ActorMemory {
    fn get(&self, id: &str) -> Option<RemoteActor> {
        let actors = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (at, actor) = actors.get(id)?;
        (at.elapsed() < ACTOR_MEMORY_TTL && Utc::now() - actor.fetched_at < ACTOR_MAX_AGE)
            .then(|| actor.clone())
    }

    fn keep(&self, actor: &RemoteActor) {
        let mut actors = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if actors.len() >= ACTOR_MEMORY_LIMIT {
            actors.clear();
        }
        actors.insert(actor.id.clone(), (Instant::now(), actor.clone()));
    }

    fn forget(&self, id: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }
}

/// Reads an actor document into what we keep. Its key must belong to it; its id and inbox
/// must be http(s), the inbox on the actor's own host (host and port), or the actor is
/// refused. A shared inbox elsewhere or a `url` that is not http(s) is dropped and logged:
/// we never POST to, nor link, a URL the actor chose on someone else's server.
pub fn remote_actor_from_json(json: Value) -> Result<RemoteActor, String> {
    let actor: RemoteActorJson = serde_json::from_value(json).map_err(|e| e.to_string())?;
    if actor.public_key.owner != actor.id {
        return Err("its publicKey belongs to another actor".into());
    }
    let id = actor.id.as_str();
    let host = web_url(id)
        .and_then(|_| host_of(id))
        .ok_or("its id is not an http(s) URL")?;
    let on_own_host = |url: &str| web_url(url).is_some() && host_of(url).as_deref() == Some(&host);
    if !on_own_host(actor.inbox.as_str()) {
        return Err("its inbox is not an http(s) URL on its own host".into());
    }
    let shared_inbox = actor
        .endpoints
        .and_then(|e| e.shared_inbox)
        .map(|u| u.to_string())
        .filter(|inbox| {
            let ok = on_own_host(inbox);
            if !ok {
                tracing::warn!(actor = id, shared_inbox = %inbox, "shared inbox not on the actor's host: dropped");
            }
            ok
        });
    let url = actor
        .url
        .as_ref()
        .and_then(first_href)
        .filter(|url| {
            let ok = web_url(url).is_some();
            if !ok {
                tracing::warn!(actor = id, url, "actor url is not http(s): dropped");
            }
            ok
        })
        .map(str::to_owned);
    let assertion_keys = assertion_keys(id, &actor.assertion_method);
    Ok(RemoteActor {
        id: actor.id.to_string(),
        inbox: actor.inbox.to_string(),
        shared_inbox,
        public_key_id: actor.public_key.id,
        public_key_pem: actor.public_key.public_key_pem,
        username: actor.preferred_username,
        name: actor.name,
        url,
        fetched_at: rhizome_node::now(),
        assertion_keys,
    })
}

/// An actor's Ed25519 Multikeys from its `assertionMethod` whose `controller` is the
/// actor itself; any other entry (a reference, another key type, someone else's key) is
/// ignored and logged at debug.
fn assertion_keys(actor_id: &str, assertion_method: &Value) -> Vec<AssertionKey> {
    let entries = match assertion_method {
        Value::Array(entries) => entries.as_slice(),
        Value::Null => &[],
        single => std::slice::from_ref(single),
    };
    entries
        .iter()
        .filter_map(|entry| {
            let text = |name: &str| entry.get(name).and_then(Value::as_str);
            let key = match (
                text("id"),
                text("type"),
                text("controller"),
                text("publicKeyMultibase"),
            ) {
                (Some(id), Some("Multikey"), Some(controller), Some(multibase))
                    if controller == actor_id
                        && crate::proofs::decode_multikey(multibase).is_some() =>
                {
                    Some(AssertionKey {
                        id: id.to_owned(),
                        multibase: multibase.to_owned(),
                    })
                }
                _ => None,
            };
            if key.is_none() {
                tracing::debug!(
                    actor = actor_id,
                    ?entry,
                    "assertion method ignored: not an Ed25519 Multikey of the actor's own"
                );
            }
            key
        })
        .collect()
}

/// An error with its causes, so that "error sending request" says why (refused, reset...).
pub fn cause(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > limit {
            return Err("document too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_odd_urls_are_refused_outside_development_mode() {
        for url in [
            "http://mastodon.example/users/a",
            "https://127.0.0.1/users/a",
            "https://[::1]/users/a",
            "https://10.0.0.5/users/a",
            "https://169.254.169.254/latest/meta-data",
            "https://mastodon.example:8443/users/a",
            "file:///etc/passwd",
        ] {
            assert!(check_url(url, false).is_err(), "{url}");
        }
        assert!(check_url("https://mastodon.example/users/a", false).is_ok());
        assert!(check_url("http://localhost:8001/t/a", true).is_ok());
    }

    #[test]
    fn an_actor_whose_key_or_inbox_is_elsewhere_is_refused() {
        let mut json: Value =
            serde_json::from_str(include_str!("../tests/fixtures/mastodon/actor.json")).unwrap();
        assert!(remote_actor_from_json(json.clone()).is_ok());
        json["publicKey"]["owner"] = "https://evil.example/users/alice".into();
        assert!(remote_actor_from_json(json.clone()).is_err());
        json["publicKey"]["owner"] = json["id"].clone();
        json["inbox"] = "https://evil.example/inbox".into();
        assert!(remote_actor_from_json(json.clone()).is_err());
        json["inbox"] = "https://mastodon.example:8443/users/alice/inbox".into();
        assert!(remote_actor_from_json(json.clone()).is_err(), "other port");
        json["inbox"] = "javascript:alert(1)".into();
        assert!(remote_actor_from_json(json).is_err());
    }

    #[test]
    fn only_the_actors_own_ed25519_multikeys_are_kept() {
        let mut json: Value =
            serde_json::from_str(include_str!("../tests/fixtures/mastodon/actor.json")).unwrap();
        assert!(
            remote_actor_from_json(json.clone())
                .unwrap()
                .assertion_keys
                .is_empty()
        );
        let id = json["id"].as_str().unwrap().to_owned();
        let key = crate::keys::ProofKey::generate().unwrap();
        let multikey = |controller: &str, multibase: &str| {
            serde_json::json!({"id": format!("{id}#ed25519-key"), "type": "Multikey",
                               "controller": controller, "publicKeyMultibase": multibase})
        };
        json["assertionMethod"] = multikey(&id, key.multibase());
        let kept = remote_actor_from_json(json.clone()).unwrap().assertion_keys;
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].id, format!("{id}#ed25519-key"));
        assert_eq!(kept[0].multibase, key.multibase());
        json["assertionMethod"] = serde_json::json!([
            multikey("https://evil.example/users/alice", key.multibase()),
            multikey(&id, "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"),
            format!("{id}#other-key"),
            {"id": format!("{id}#rsa"), "type": "RsaVerificationKey2018", "controller": id},
            multikey(&id, key.multibase()),
        ]);
        let kept = remote_actor_from_json(json).unwrap().assertion_keys;
        assert_eq!(kept.len(), 1, "{kept:?}");
    }

    #[test]
    fn a_shared_inbox_elsewhere_and_a_script_url_are_dropped() {
        let mut json: Value =
            serde_json::from_str(include_str!("../tests/fixtures/mastodon/actor.json")).unwrap();
        json["endpoints"]["sharedInbox"] = "https://victim.example/inbox".into();
        json["url"] = "javascript:alert(1)".into();
        let actor = remote_actor_from_json(json.clone()).unwrap();
        assert_eq!(actor.shared_inbox, None);
        assert_eq!(actor.url, None);
        json["endpoints"]["sharedInbox"] = "ftp://mastodon.example/inbox".into();
        assert_eq!(
            remote_actor_from_json(json.clone()).unwrap().shared_inbox,
            None
        );
        json["endpoints"]["sharedInbox"] = "https://mastodon.example/inbox".into();
        json["url"] = "https://mastodon.example/@alice".into();
        let actor = remote_actor_from_json(json).unwrap();
        assert_eq!(
            actor.shared_inbox.as_deref(),
            Some("https://mastodon.example/inbox")
        );
        assert_eq!(
            actor.url.as_deref(),
            Some("https://mastodon.example/@alice")
        );
    }
}

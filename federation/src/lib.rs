//! Rhizome's ActivityPub side: wire shapes, signatures, the inbox, durable delivery,
//! WebFinger and NodeInfo. Depends on `rhizome-node`; knows nothing about HTML.
// The JSON-LD context is one `json!` literal, deeper than the default limit allows.
#![recursion_limit = "256"]

pub mod activities;
pub mod astointernal;
pub mod backfill;
pub mod delivery;
pub mod discovery;
pub mod error;
pub mod fetch;
pub mod inbox;
pub mod internaltoas;
pub mod keys;
pub mod proofs;
pub mod protocol;
pub mod routes;
pub mod signatures;
pub mod urls;

use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhizome_node::Config;
use rhizome_node::store::prelude::*;
use tokio::sync::{Notify, RwLock};

pub use error::FederationError;
pub use urls::Urls;

/// Everything federation needs, cheap to clone into handlers and workers.
#[derive(Clone)]
pub struct Federation(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub urls: Urls,
    pub keys: keys::Keys,
    pub http: reqwest::Client,
    pub delivery: delivery::Settings,
    /// What this node has sent, for benchmarks and diagnostics.
    pub stats: Stats,
    wake: Notify,
    blocked: RwLock<(Option<Instant>, Vec<String>)>,
    /// The allow-list from the database, for allow-list mode, as `blocked`.
    allowed: RwLock<(Option<Instant>, Vec<String>)>,
    /// When each actor's key was last refetched after a failed signature.
    key_refreshes: std::sync::Mutex<std::collections::HashMap<String, Instant>>,
    /// Remote actors recently read or stored (see [`Federation::actor`]).
    actors: fetch::ActorMemory,
    /// Hosts known to be in the peers table (see [`Federation::learn_peer`]).
    peers_known: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Deref for Federation {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Counters of outgoing work since start.
#[derive(Debug, Default)]
pub struct Stats {
    /// Deliveries that reached their inbox.
    pub delivered: std::sync::atomic::AtomicU64,
    /// Bytes of those deliveries' bodies.
    pub delivered_bytes: std::sync::atomic::AtomicU64,
    /// Signatures made, for deliveries (each attempt) and for fetches.
    pub signatures: std::sync::atomic::AtomicU64,
    /// Activities received in the inbox, accepted and refused.
    pub inbox: inbox::InboxCounts,
    /// GETs of ActivityStreams documents made, signed (each also counts in `signatures`)
    /// or not (actor documents first, see `Federation::fetch_actor_json`).
    pub fetches: std::sync::atomic::AtomicU64,
    /// Objects relayed by a hub kept as they came, their integrity proof verified.
    pub relayed_verified: std::sync::atomic::AtomicU64,
    /// Objects relayed embedded whose proof was missing or failed, fetched from their origin.
    pub relayed_unverified: std::sync::atomic::AtomicU64,
    /// Remote publications written to the store (new, or a newer copy of one kept).
    pub publications_stored: std::sync::atomic::AtomicU64,
}

impl Stats {
    pub fn count(counter: &std::sync::atomic::AtomicU64, n: u64) {
        counter.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn get(counter: &std::sync::atomic::AtomicU64) -> u64 {
        counter.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A failed signature refetches the signer's key at most this often per actor, so that
/// forged requests naming an actor cannot make us hammer its server.
pub const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(300);
/// Actors whose last key refresh is remembered, at most; older entries go first.
const KEY_REFRESH_MEMORY: usize = 10_000;

/// Peer hosts remembered as stored, at most; the memory is emptied when it is full.
const PEERS_KNOWN_MEMORY: usize = 10_000;

/// How long the list of blocked domains read from the database is trusted.
const BLOCKLIST_TTL: Duration = Duration::from_secs(10);

impl Federation {
    pub fn new(store: Arc<dyn Store>, config: Arc<Config>) -> Federation {
        Federation(Arc::new(Inner {
            keys: keys::Keys::new(store.clone()),
            urls: Urls {
                base: config.base_url(),
            },
            http: fetch::client(
                config.development_mode,
                Duration::from_secs(config.http_idle_timeout_seconds),
            ),
            delivery: delivery::Settings::from_config(&config),
            stats: Stats::default(),
            store,
            config,
            wake: Notify::new(),
            blocked: RwLock::new((None, Vec::new())),
            allowed: RwLock::new((None, Vec::new())),
            key_refreshes: Default::default(),
            peers_known: Default::default(),
            actors: Default::default(),
        }))
    }

    /// Overrides delivery settings (tests use short leases).
    pub fn with_delivery(
        store: Arc<dyn Store>,
        config: Arc<Config>,
        settings: delivery::Settings,
    ) -> Federation {
        let federation = Federation::new(store, config);
        let mut inner =
            Arc::try_unwrap(federation.0).unwrap_or_else(|_| unreachable!("just created"));
        inner.delivery = settings;
        Federation(Arc::new(inner))
    }

    /// Tells the delivery worker that new activities are queued.
    pub fn wake_delivery(&self) {
        self.wake.notify_one();
    }

    /// Whether this node refuses to federate with a host: the host (or a parent domain of
    /// it) is blocked, by configuration or by an admin, or, in allow-list mode, it is not
    /// allowed. The one rule the inbox, deliveries, fetches and discovery apply.
    pub async fn is_blocked(&self, host: &str) -> bool {
        if self.is_blocked_domain(host).await {
            return true;
        }
        if self.config.federation_mode != rhizome_node::config::FederationMode::Allowlist
            || domain_matches(&self.config.domain, host)
        {
            return false;
        }
        if self
            .config
            .allowed_domains
            .iter()
            .any(|d| domain_matches(d, host))
        {
            return false;
        }
        match self
            .cached_list(&self.allowed, || self.store.allowed_domains())
            .await
        {
            Some(list) => !list.iter().any(|d| domain_matches(d, host)),
            // Unknown: refused, as a closed network must be.
            None => true,
        }
    }

    /// Whether a host (or a parent domain of it) is blocked, by configuration or by an
    /// admin, whatever the federation mode: the rule for fetches that are not federation
    /// (external calendars, the geocoder).
    pub async fn is_blocked_domain(&self, host: &str) -> bool {
        if self
            .config
            .blocked_domains
            .iter()
            .any(|d| domain_matches(d, host))
        {
            return true;
        }
        self.cached_list(&self.blocked, || self.store.blocked_domains())
            .await
            .is_some_and(|list| list.iter().any(|d| domain_matches(d, host)))
    }

    /// A list of domains read from the database at most every [`BLOCKLIST_TTL`]; `None`
    /// (logged) when it cannot be read.
    async fn cached_list<'a, F>(
        &'a self,
        cache: &RwLock<(Option<Instant>, Vec<String>)>,
        read: impl FnOnce() -> F,
    ) -> Option<Vec<String>>
    where
        F: Future<Output = Result<Vec<String>, rhizome_node::StoreError>> + 'a,
    {
        {
            let cache = cache.read().await;
            if cache.0.is_some_and(|at| at.elapsed() < BLOCKLIST_TTL) {
                return Some(cache.1.clone());
            }
        }
        match read().await {
            Ok(list) => {
                *cache.write().await = (Some(Instant::now()), list.clone());
                Some(list)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read the blocked or allowed domains");
                None
            }
        }
    }

    /// Whether `actor`'s key may be refetched now, after a signature failed to verify;
    /// records the refresh if so.
    pub fn may_refresh_key(&self, actor: &str) -> bool {
        let now = Instant::now();
        let mut refreshes = self
            .key_refreshes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if refreshes
            .get(actor)
            .is_some_and(|at| now.duration_since(*at) < KEY_REFRESH_INTERVAL)
        {
            return false;
        }
        if refreshes.len() >= KEY_REFRESH_MEMORY {
            refreshes.retain(|_, at| now.duration_since(*at) < KEY_REFRESH_INTERVAL);
        }
        if refreshes.len() >= KEY_REFRESH_MEMORY {
            // Under a flood of distinct actors: refuse refreshes rather than grow.
            return false;
        }
        refreshes.insert(actor.to_owned(), now);
        true
    }

    /// Forgets the cached block list and allow-list, after an admin changed one.
    pub async fn blocks_changed(&self) {
        self.blocked.write().await.0 = None;
        self.allowed.write().await.0 = None;
    }
}

/// Whether a block or allow-list entry names `host` (`host` or `host:port`, as
/// `host_of` gives it): an entry without a port names the domain and its subdomains on
/// any port; an entry with a port names that host and port only.
pub fn domain_matches(entry: &str, host: &str) -> bool {
    let entry = entry.trim().to_lowercase();
    let host = host.to_lowercase();
    if entry.contains(':') {
        return entry == host;
    }
    let name = host.split(':').next().unwrap_or(&host);
    name == entry || name.ends_with(&format!(".{entry}"))
}

#[cfg(test)]
mod tests {
    use super::domain_matches;

    #[test]
    fn entries_name_domains_their_subdomains_and_ports() {
        assert!(domain_matches("Spam.example", "spam.example"));
        assert!(domain_matches("spam.example", "a.spam.example:8443"));
        assert!(!domain_matches("spam.example", "notspam.example"));
        assert!(domain_matches("localhost:4000", "localhost:4000"));
        assert!(!domain_matches("localhost:4000", "localhost:4001"));
        assert!(!domain_matches("localhost:4000", "localhost"));
        assert!(domain_matches("localhost", "localhost:4001"));
    }
}

//! Rhizome's HTTP side: the JSON API, the HTML pages and the server start-up.

pub mod api;
pub mod backup;
pub mod calendars;
pub mod cli;
pub mod cors;
pub mod documents;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod health;
pub mod i18n;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod moving;
pub mod open_data;
pub mod openapi;
pub mod page_cache;
pub mod pages;
pub mod server;
pub mod session;
pub mod shelf;
pub mod widget;

use std::sync::Arc;

use axum::extract::FromRef;
use rhizome_federation::Federation;
use rhizome_node::Config;
use rhizome_node::store::prelude::*;

/// What every handler may reach: the store, the configuration, federation and the page
/// templates.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub federation: Federation,
    /// The use cases every handler calls.
    pub actions: rhizome_node::action::Actions,
    pub templates: Arc<minijinja::Environment<'static>>,
    pub login_limiter: Arc<session::LoginLimiter>,
    /// Password verifying and hashing, off the async threads.
    pub passwords: Arc<session::PasswordHashing>,
    /// Anonymous event registrations per source address.
    pub registration_limiter: Arc<pages::RegistrationLimiter>,
    /// The forms' geocoder searches: recent answers, each member's pace.
    pub geocoder: Arc<pages::Geocoder>,
    /// The node settings made from the pages, read once and kept until one changes:
    /// every page shows them.
    node_settings: Arc<tokio::sync::RwLock<Option<NodeSettings>>>,
    /// Request latencies by route, for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// Where uploaded pictures and documents are kept (disk or bucket).
    pub storage: Arc<shelf::Storage>,
    /// Public answers kept for visitors without a session; `None` when turned off.
    pub page_cache: Option<Arc<page_cache::PageCache>>,
}

/// Node settings by key (`name`, `about`).
pub type NodeSettings = std::collections::BTreeMap<String, String>;

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> AppState {
        let config = Arc::new(config);
        let federation = Federation::new(store.clone(), config.clone());
        AppState::with_federation(federation)
    }

    pub fn with_federation(federation: Federation) -> AppState {
        let storage = Arc::new(shelf::Storage::new(federation.config.clone()));
        let page_cache = page_cache::PageCache::new(federation.config.page_cache_bytes);
        AppState {
            store: federation.store.clone(),
            config: federation.config.clone(),
            actions: federation.actions(),
            federation,
            templates: Arc::new(pages::templates()),
            login_limiter: Arc::new(session::LoginLimiter::default()),
            passwords: Arc::new(session::PasswordHashing::default()),
            registration_limiter: Arc::default(),
            geocoder: Arc::default(),
            node_settings: Arc::default(),
            metrics: Arc::default(),
            page_cache: page_cache.map(Arc::new),
            storage,
        }
    }

    /// Ranks suggestions with the node's vocabulary (`Vocabulary::node`).
    pub fn matcher(&self) -> rhizome_node::matching::Matcher<'static> {
        rhizome_node::matching::Matcher::new(rhizome_node::matching::Vocabulary::node())
    }

    /// The node settings, from memory once read.
    pub async fn node_settings(&self) -> Result<NodeSettings, rhizome_node::StoreError> {
        if let Some(settings) = self.node_settings.read().await.as_ref() {
            return Ok(settings.clone());
        }
        let mut cached = self.node_settings.write().await;
        let settings = self.store.node_settings().await?;
        *cached = Some(settings.clone());
        Ok(settings)
    }

    /// Changes one node setting (an empty value clears it); pages show it at once.
    pub async fn set_node_setting(
        &self,
        key: &str,
        value: &str,
    ) -> Result<(), rhizome_node::StoreError> {
        let mut cached = self.node_settings.write().await;
        self.store.set_node_setting(key, value).await?;
        *cached = None;
        Ok(())
    }
}

impl FromRef<AppState> for Federation {
    fn from_ref(state: &AppState) -> Federation {
        state.federation.clone()
    }
}

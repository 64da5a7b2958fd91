//! Rhizome's HTTP side: the JSON API, the HTML pages and the server start-up.

pub mod api;
pub mod cli;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod i18n;
pub mod media;
pub mod pages;
pub mod server;
pub mod session;
pub mod widget;

use std::sync::Arc;

use axum::extract::FromRef;
use rhizome_federation::Federation;
use rhizome_node::{Config, Store};

/// What every handler may reach: the store, the configuration, federation and the page
/// templates.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub federation: Federation,
    pub templates: Arc<minijinja::Environment<'static>>,
    pub login_limiter: Arc<session::LoginLimiter>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> AppState {
        let config = Arc::new(config);
        let federation = Federation::new(store.clone(), config.clone());
        AppState::with_federation(federation)
    }

    pub fn with_federation(federation: Federation) -> AppState {
        AppState {
            store: federation.store.clone(),
            config: federation.config.clone(),
            federation,
            templates: Arc::new(pages::templates()),
            login_limiter: Arc::new(session::LoginLimiter::default()),
        }
    }
}

impl FromRef<AppState> for Federation {
    fn from_ref(state: &AppState) -> Federation {
        state.federation.clone()
    }
}

//! Rhizome's HTTP side: the JSON API, the HTML pages and the server start-up.

pub mod api;
pub mod cli;
pub mod error;
pub mod extract;
pub mod pages;
pub mod server;

use std::sync::Arc;

use rhizome_node::{Config, Store};

/// What every handler may reach: the store, the configuration and the page templates.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub templates: Arc<minijinja::Environment<'static>>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            templates: Arc::new(pages::templates()),
        }
    }
}

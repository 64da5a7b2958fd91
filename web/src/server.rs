//! Start-up: open and migrate the database, bind the port, serve until asked to stop.

use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use rhizome_node::{Config, Store};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// Requests larger than this are refused with 413 before any parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Every route of the node, with its layers.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(crate::api::routes())
        .merge(crate::pages::routes())
        .merge(crate::feeds::routes())
        .merge(crate::widget::routes())
        .merge(crate::media::routes())
        .merge(rhizome_federation::routes::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Opens the configured database and applies migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let store = rhizome_node::store::open(&config.database_url()).await?;
    store.migrate().await?;
    Ok(store)
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(
        "Rhizome listening on http://{address} (public URL {}, database {})",
        config.base_url(),
        store.backend()
    );
    // Printed, not logged: scripts and tests read this line whatever the log level.
    println!("listening on http://{address}");
    if store.member_count().await? == 0 {
        println!("{}", first_run_message(&config.base_url()));
    }
    let state = AppState::new(store, config);
    rhizome_federation::delivery::spawn(state.federation.clone());
    state.federation.spawn_discovery();
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")?;
    tracing::info!("stopped");
    Ok(())
}

fn first_run_message(base_url: &str) -> String {
    format!(
        "This node has no member yet. In another terminal:
  1. create the first admin (prints a password):   rhizome admin create-user --admin NAME
  2. create a territory:                           rhizome territory create --slug fablab --name \"Mon fablab\" --kind fablab
  3. log in to publish from the pages:             {base_url}/login
     (or get an API token:                         rhizome admin create-token NAME)
(from a source checkout, write `cargo run --release --` in place of `rhizome`)"
    )
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

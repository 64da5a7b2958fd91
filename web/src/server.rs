//! Start-up: open and migrate the database, bind the port, serve until asked to stop,
//! with a header read timeout, a cap on connections per address and, on https, HSTS.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts};
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rhizome_node::Config;
use rhizome_node::store::prelude::*;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// Requests larger than this are refused with 413 before any parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// On https, browsers are told to use nothing else for a year.
const HSTS: &str = "max-age=31536000";

/// Every route of the node, with its layers.
pub fn app(state: AppState) -> Router {
    let https = state.config.scheme == "https";
    let router = Router::new()
        .merge(crate::api::routes())
        .merge(crate::calendars::api::routes())
        .merge(crate::pages::routes(state.clone()))
        .merge(crate::feeds::routes())
        .merge(crate::widget::routes())
        .merge(crate::media::routes())
        .merge(crate::documents::routes())
        .merge(crate::open_data::routes())
        .merge(rhizome_federation::routes::routes())
        .merge(crate::health::routes())
        .merge(crate::metrics::routes())
        .merge(crate::openapi::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::page_cache::serve,
        ))
        .layer(axum::middleware::from_fn(crate::cors::public_reads))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            crate::metrics::time_requests,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    if https {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        router
    }
}

/// Opens the configured database, applies migrations and gives remote publications stored
/// before their facts were kept their facts.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let store = rhizome_node::store::open(&config.database_url()).await?;
    store.migrate().await?;
    rhizome_federation::astointernal::facts::convert_stored(&*store).await?;
    Ok(store)
}

/// Runs the node as its `role` says: `all` and `web` serve every route on `listen`;
/// `all` and `worker` run the background work (see [`spawn_background_work`]); a
/// `worker` answers only `/health` on `listen`. Several processes may share one
/// PostgreSQL database, each with its own role.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    rhizome_node::matching::Vocabulary::install(config.vocabulary()?);
    let store = open_store(&config).await?;
    let role = config.role;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(
        ?role,
        "Rhizome listening on http://{address} (public URL {}, database {})",
        config.base_url(),
        store.backend()
    );
    // Printed, not logged: scripts and tests read this line whatever the log level.
    println!("listening on http://{address}");
    if role.serves_http() && store.member_count().await? == 0 {
        println!("{}", first_run_message(&config.base_url()));
    }
    let state = AppState::new(store, config);
    state
        .storage
        .objects()
        .await
        .context("cannot open the media store (media_store and s3_* settings)")?;
    tracing::info!("uploaded files are kept {}", state.storage.describe());
    let scheduler = rhizome_node::scheduled::Scheduler::new(state.store.clone());
    if role.works() {
        spawn_background_work(&state, &scheduler)?;
    }
    if role.serves_http() {
        serve_on(listener, state, shutdown_signal()).await?;
    } else {
        // A worker answers `/health` and `/ready` only, with the same handlers as the web.
        let health = crate::health::routes().with_state(state.clone());
        serve_router_on(listener, health, &state.config, shutdown_signal()).await?;
    }
    scheduler.release().await;
    tracing::info!("stopped");
    Ok(())
}

/// The background work of a node: the delivery worker, the mail sender, and the
/// scheduled tasks, each of which runs in one process at a time (`scheduler`'s leases).
fn spawn_background_work(
    state: &AppState,
    scheduler: &rhizome_node::scheduled::Scheduler,
) -> anyhow::Result<()> {
    rhizome_federation::delivery::spawn(state.federation.clone());
    if let Some(sender) =
        rhizome_node::mail::sender::Sender::new(state.store.clone(), &state.config)
            .map_err(anyhow::Error::msg)?
    {
        sender.spawn();
    }
    state.federation.spawn_discovery(scheduler);
    spawn_reminders(state.actions.clone(), scheduler);
    rhizome_node::action::series::spawn_extension(
        state.actions.clone(),
        state.config.series_window_days,
        scheduler,
    );
    crate::calendars::spawn(state.clone(), scheduler);
    Ok(())
}

/// What a `worker` process answers on `listen`: `/health` (the process is up), for the
/// container's health check and the supervisor; nothing else.
/// Every hour, queues the letters that remind visitors of the events they registered for,
/// the day before (`Actions::send_reminders`: each once), in whichever process holds the
/// `reminders` lease.
fn spawn_reminders(
    actions: rhizome_node::action::Actions,
    scheduler: &rhizome_node::scheduled::Scheduler,
) {
    scheduler.every("reminders", Duration::from_secs(3600), move || {
        let actions = actions.clone();
        async move {
            match actions.send_reminders(rhizome_node::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "registration reminders queued"),
                Err(e) => {
                    tracing::warn!(error = %e, "registration reminders failed: tried again in an hour")
                }
            }
        }
    });
}

/// How long connections may take to finish their requests once the node is stopping.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves the node's routes on `listener` over HTTP/1.1 until `shutdown` completes, then
/// lets open requests finish. A client that does not send its headers within
/// `header_read_timeout_seconds` is disconnected; an address already holding
/// `max_connections_per_address` connections has its new ones closed at once.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let config = state.config.clone();
    serve_router_on(listener, app(state), &config, shutdown).await
}

/// [`serve_on`] for any router: the same timeouts, connection caps and graceful stop.
async fn serve_router_on(
    listener: TcpListener,
    router: Router,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(config.header_read_timeout_seconds));
    let counts = ConnectionCounts::default();
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, mostly: wait for some to be freed.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = if config.trusted_proxies.contains(&peer.ip()) {
            None
        } else {
            match counts.take(peer.ip(), config.max_connections_per_address) {
                Some(slot) => Some(slot),
                None => {
                    tracing::warn!(%peer, "too many connections from this address: closed");
                    drop(stream);
                    continue;
                }
            }
        };
        let service = router.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        );
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("some connections were still open after {SHUTDOWN_GRACE:?}");
        }
    }
    Ok(())
}

/// Open connections per source address.
#[derive(Clone, Default)]
struct ConnectionCounts(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection counted against its address until dropped.
struct ConnectionSlot {
    counts: ConnectionCounts,
    address: IpAddr,
}

impl ConnectionCounts {
    fn take(&self, address: IpAddr, cap: usize) -> Option<ConnectionSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let open = counts.entry(address).or_default();
        if *open >= cap {
            return None;
        }
        *open += 1;
        Some(ConnectionSlot {
            counts: self.clone(),
            address,
        })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = counts.get_mut(&self.address) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// The address a request comes from, as login and registration limits count it: the
/// peer's, or, when the peer is one of `trusted_proxies`, the client's as the proxies
/// wrote it in `X-Forwarded-For` (the right-most address no trusted proxy added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            tracing::error!("no peer address on the request: served without serve_on?");
            return Ok(ClientAddress(IpAddr::from([0, 0, 0, 0])));
        };
        Ok(ClientAddress(client_address(
            peer.ip(),
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for entry in forwarded.into_iter().rev() {
        match entry.trim().parse::<IpAddr>() {
            Ok(address) if trusted.contains(&address) => continue,
            Ok(address) => return address,
            // What lies further left was written by someone we cannot vouch for.
            Err(_) => break,
        }
    }
    peer
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

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn client_address_is_read_from_trusted_proxies_only() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let trusted = [proxy];
        // Straight from the client: the header is the client's to forge, and ignored.
        let peer: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(
            client_address(peer, &forwarded(&["203.0.113.7"]), &trusted),
            peer
        );
        // Through the proxy: the right-most address it did not add itself.
        let headers = forwarded(&["10.9.9.9, 203.0.113.7"]);
        assert_eq!(client_address(proxy, &headers, &trusted), client);
        let headers = forwarded(&["10.9.9.9", "203.0.113.7, 127.0.0.1"]);
        assert_eq!(client_address(proxy, &headers, &trusted), client);
        // Garbage nearest the proxy: the proxy's own address, not what lies beyond.
        let headers = forwarded(&["203.0.113.7, unknown"]);
        assert_eq!(client_address(proxy, &headers, &trusted), proxy);
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
    }
}

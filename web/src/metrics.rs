//! `/metrics` in the Prometheus text format (0.0.4): deliveries by server (from the durable
//! outbox), inbox activities accepted and refused by reason, request latency by route,
//! the database pool and the mail queue. Loopback may always read it, `metrics_allow`
//! ranges too, anyone with `metrics_token`; others get 403.
//!
//! Written with `prometheus-client` (the Prometheus project's own Rust client): it keeps
//! no global registry, so each node in a process (as the tests run several) reports its
//! own numbers, and its metric types and label sets are checked by the compiler.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use rhizome_federation::Stats;
use rhizome_node::Config;

use crate::AppState;

/// What is measured between scrapes (the rest is read at each scrape).
#[derive(Debug)]
pub struct Metrics {
    latency: Family<RouteLabels, Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            // 1 ms to about 16 s.
            latency: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.001, 2.0, 15))
            }),
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    /// The route's template (`/api/v1/territories/:slug`), or `unmatched`.
    route: String,
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ServerLabels {
    server: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

/// Times every request by the template of the route that served it (a bounded set of
/// labels: unknown paths are all `unmatched`).
pub async fn time_requests(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    // `{slug}` written `:slug`: braces in label values trip some text-format parsers.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().replace('{', ":").replace('}', ""))
        .unwrap_or_else(|| "unmatched".into());
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_owned(),
        _ => "other".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .latency
        .get_or_create(&RouteLabels { route, method })
        .observe(started.elapsed().as_secs_f64());
    response
}

async fn scrape(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    if !may_scrape(peer, &headers, &state.config) {
        tracing::info!(?peer, "metrics refused");
        return (
            StatusCode::FORBIDDEN,
            "metrics are for loopback, the metrics_allow ranges or the metrics_token\n",
        )
            .into_response();
    }
    match render(&state).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics: cannot read the database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer\n",
            )
                .into_response()
        }
    }
}

/// Who may read the metrics: whoever shows `metrics_token` as a bearer token; otherwise a
/// connection whose own peer address is loopback or in `metrics_allow`, unless the
/// request came through a proxy (it carries a forwarding header): a reverse proxy on the
/// same machine connects from loopback on behalf of anyone. `X-Forwarded-For` is never
/// read for an address: it can only take the free pass away.
pub fn may_scrape(peer: Option<IpAddr>, headers: &HeaderMap, config: &Config) -> bool {
    if let Some(expected) = config.metrics_token.as_deref() {
        let shown = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if shown.is_some_and(|t| {
            constant_time_eq::constant_time_eq(t.as_bytes(), expected.trim().as_bytes())
        }) {
            return true;
        }
    }
    let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|name| headers.contains_key(*name));
    let Some(peer) = peer.map(|p| p.to_canonical()) else {
        return false;
    };
    !forwarded && (peer.is_loopback() || config.metrics_allow.iter().any(|net| net.contains(&peer)))
}

/// One scrape: the outbox, the mail queue and the pool read now, the counters since start.
async fn render(state: &AppState) -> anyhow::Result<String> {
    let now = rhizome_node::now();
    let mut registry = Registry::default();

    let queued = Family::<ServerLabels, Gauge>::default();
    let in_flight = Family::<ServerLabels, Gauge>::default();
    let failed = Family::<ServerLabels, Gauge>::default();
    for s in state.store.deliveries_by_server(now).await? {
        let server = ServerLabels { server: s.host };
        queued.get_or_create(&server).set(s.queued);
        in_flight.get_or_create(&server).set(s.in_flight);
        failed.get_or_create(&server).set(s.failed);
    }
    registry.register(
        "rhizome_deliveries_queued",
        "Deliveries waiting in the outbox, by server",
        queued,
    );
    registry.register(
        "rhizome_deliveries_in_flight",
        "Deliveries a worker is sending now, by server",
        in_flight,
    );
    registry.register(
        "rhizome_deliveries_failed",
        "Deliveries waiting for another try after a failed one, by server",
        failed,
    );
    let dead = Family::<ServerLabels, Gauge>::default();
    let failures = Family::<ServerLabels, Gauge>::default();
    for s in state.store.servers().await? {
        let server = ServerLabels {
            server: s.host.clone(),
        };
        dead.get_or_create(&server).set(i64::from(s.is_dead(now)));
        failures
            .get_or_create(&server)
            .set(i64::from(s.consecutive_failures));
    }
    registry.register(
        "rhizome_server_dead",
        "1 for a server that failed many times in a row and none for a day (tried daily)",
        dead,
    );
    registry.register(
        "rhizome_server_consecutive_failures",
        "Failed deliveries in a row, by server",
        failures,
    );
    let stats = &state.federation.stats;
    let delivered = Counter::<u64>::default();
    delivered.inc_by(Stats::get(&stats.delivered));
    registry.register(
        "rhizome_deliveries_delivered",
        "Deliveries that reached their inbox since start",
        delivered,
    );

    let accepted = Counter::<u64>::default();
    accepted.inc_by(stats.inbox.accepted());
    registry.register(
        "rhizome_inbox_accepted",
        "Activities the inbox accepted since start",
        accepted,
    );
    let refused = Family::<ReasonLabels, Counter>::default();
    for (reason, n) in stats.inbox.refused() {
        refused
            .get_or_create(&ReasonLabels {
                reason: reason.to_owned(),
            })
            .inc_by(n);
    }
    registry.register(
        "rhizome_inbox_refused",
        "Activities the inbox refused since start, by reason",
        refused,
    );

    registry.register(
        "rhizome_http_request_duration_seconds",
        "Time to answer a request, by route template and method",
        state.metrics.latency.clone(),
    );

    let pool = state.store.pool_usage();
    let connections = Family::<StateLabels, Gauge>::default();
    for (name, n) in [
        ("idle", pool.idle),
        ("in_use", pool.open.saturating_sub(pool.idle)),
    ] {
        connections
            .get_or_create(&StateLabels { state: name.into() })
            .set(i64::from(n));
    }
    registry.register(
        "rhizome_database_connections",
        "Open database connections, idle or in use",
        connections,
    );
    let max = Gauge::<i64>::default();
    max.set(i64::from(pool.max));
    registry.register(
        "rhizome_database_connections_max",
        "The most database connections the pool opens",
        max,
    );

    let mail = state.store.mail_queue_counts().await?;
    let letters = Family::<StateLabels, Gauge>::default();
    for (name, n) in [("waiting", mail.waiting), ("given_up", mail.given_up)] {
        letters
            .get_or_create(&StateLabels { state: name.into() })
            .set(n);
    }
    registry.register(
        "rhizome_mail_queue_letters",
        "Letters not sent: waiting to be, or given up after too many failures",
        letters,
    );

    let mut text = String::new();
    prometheus_client::encoding::prometheus_text::encode(&mut text, &registry)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(headers: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn loopback_ranges_and_the_token_may_scrape_nobody_else() {
        let config = Config {
            metrics_allow: vec!["10.0.0.0/8".parse().unwrap()],
            metrics_token: Some("a-long-enough-scrape-token".into()),
            ..Config::default()
        };
        let none = HeaderMap::new();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert!(may_scrape(ip("127.0.0.1"), &none, &config));
        assert!(may_scrape(ip("::1"), &none, &config));
        assert!(may_scrape(ip("::ffff:127.0.0.1"), &none, &config));
        assert!(may_scrape(ip("10.2.3.4"), &none, &config));
        assert!(!may_scrape(ip("192.0.2.1"), &none, &config));
        assert!(!may_scrape(None, &none, &config));
        // A forwarded request from loopback is someone else's: the header takes the pass
        // away, and naming an allowed address in it gives none.
        let proxied = with(&[("x-forwarded-for", "10.2.3.4")]);
        assert!(!may_scrape(ip("127.0.0.1"), &proxied, &config));
        assert!(!may_scrape(ip("192.0.2.1"), &proxied, &config));
        let token = with(&[("authorization", "Bearer a-long-enough-scrape-token")]);
        assert!(may_scrape(ip("192.0.2.1"), &token, &config));
        let wrong = with(&[("authorization", "Bearer a-long-enough-scrape-tokeN")]);
        assert!(!may_scrape(ip("192.0.2.1"), &wrong, &config));
        // Without a configured token, no token opens it.
        let open = Config::default();
        assert!(!may_scrape(ip("10.2.3.4"), &token, &open));
    }
}
